#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Boots a throwaway VM (qemu, software emulation) with Debian's kernel and a cgroup-v2-only
# host (cgroup_no_v1=all), runs the given test binaries inside it, and reports each result
# as ctest would see it. Exit 77 (skip) with the reason when qemu or a kernel is missing.
#
#   run-in-vm.sh BUILD_DIR TEST_BINARY...
#
# The initramfs holds busybox, the host's /bin/sh, the binaries with their shared libraries,
# the tools the storage tests call, the kernel modules they need, the busybox test rootfs,
# the schemas and the driver sources, all at the same absolute paths as on the host, so the
# binaries run unchanged.
set -euo pipefail
build=$(cd "$1" && pwd); shift
src=$(cd "$(dirname "$0")/../.." && pwd)

qemu=$(command -v qemu-system-x86_64 || true)
kernel=$(ls -1 /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1 || true)
[ -n "$qemu" ] || { echo "SKIP: needs qemu-system-x86_64 (apt-get install qemu-system-x86)"; exit 77; }
[ -n "$kernel" ] || { echo "SKIP: needs a kernel in /boot (apt-get install linux-image-amd64)"; exit 77; }
[ -r "$kernel" ] || { echo "SKIP: cannot read $kernel"; exit 77; }
[ -x /bin/busybox ] || { echo "SKIP: needs /bin/busybox (busybox-static)"; exit 77; }

work=$(mktemp -d /tmp/cvirt-vm-XXXXXX)
trap 'rm -rf "$work"' EXIT
root=$work/root
mkdir -p "$root"/{bin,sbin,proc,sys,dev,tmp,run,etc,lib,lib64,usr/lib}
cp /bin/busybox "$root/bin/busybox"
# Kernel modules, each after the ones it depends on (modinfo's list; there is no modprobe
# inside): the network drivers and nftables parts the network tests use, loop and ext4 for
# the storage tests, overlay for clone volumes, nbd for qcow2 images under containers, tun
# and fuse for container-devices. Built-in
# ones need nothing.
kver=$(basename "$kernel"); kver=${kver#vmlinuz-}
export PATH=$PATH:/usr/sbin:/sbin  # modinfo, mkfs.ext4 and losetup for a user without sbin
mkdir -p "$root/modules"
declare -A modSeen=()
addModule() {
    local name=$1 file dep
    [ -z "${modSeen[$name]:-}" ] || return 0
    modSeen[$name]=1
    file=$(modinfo -k "$kver" -n "$name" 2>/dev/null) || return 0  # not in this kernel
    case $file in /*) ;; *) return 0 ;; esac                       # (builtin)
    for dep in $(modinfo -k "$kver" -F depends "$name" | tr , ' '); do addModule "$dep"; done
    case $file in
        *.ko.xz) xz -dc "$file" ;;
        *.ko.zst) zstd -qdc "$file" ;;
        *.ko.gz) gzip -dc "$file" ;;
        *) cat "$file" ;;
    esac >"$root/modules/$name.ko"
    echo "$name" >>"$root/modules/order"
}
# crc32c_generic first: libcrc32c, ext4 and jbd2 ask for crc32c by its crypto name (a soft
# dependency modinfo does not list as one).
for m in crc32c_generic llc stp bridge veth macvlan dummy libcrc32c nfnetlink nf_tables \
    nf_defrag_ipv4 nf_defrag_ipv6 nf_conntrack nf_nat nft_chain_nat nft_ct nft_masq \
    loop crc16 mbcache jbd2 ext4 overlay nbd tun fuse; do
    addModule "$m"
done
touch "$root/modules/order"

copy_with_libs() {
    local f=$1
    mkdir -p "$root$(dirname "$f")"
    cp -L "$f" "$root$f"
    # without debug info: the test binaries and the static shell are ~800 MB with it, too
    # much for an initramfs unpacked into the VM's memory
    strip --strip-debug "$root$f" 2>/dev/null || true
    { ldd "$f" 2>/dev/null || true; } | awk '/=>/ {print $3} /^\t\/lib/ {print $1}' | while read -r lib; do
        [ -n "$lib" ] && [ -e "$lib" ] || continue
        [ -e "$root$lib" ] && continue
        mkdir -p "$root$(dirname "$lib")"
        cp -L "$lib" "$root$lib"
    done
}

tests=()
for t in "$@"; do
    copy_with_libs "$t"
    tests+=("$t")
done
for b in "$build"/bin/*; do copy_with_libs "$b"; done
# The tests' shell commands run in the host's /bin/sh (dash on Debian): busybox's sh would
# run its own applets before anything on PATH, and its losetup has no --show or -j.
copy_with_libs "$(readlink -f /bin/sh)"
ln -sf "$(readlink -f /bin/sh)" "$root/bin/sh"
# The storage tests' tools: ext4 images, loop devices, debugfs to read an image back,
# qemu-img for qcow2 volumes and qemu-nbd for qcow2 images under containers;
# the network tests' ip and ping (iproute2's and iputils', by absolute path).
for t in mkfs.ext4 losetup truncate debugfs ip ping qemu-img qemu-nbd; do
    if command -v "$t" >/dev/null; then copy_with_libs "$(command -v "$t")"; fi
done
if [ -r /etc/mke2fs.conf ]; then cp /etc/mke2fs.conf "$root/etc/"; fi
# dnsmasq for the virtual network tests, and the user it looks up
if command -v dnsmasq >/dev/null; then copy_with_libs "$(command -v dnsmasq)"; fi
echo "root:x:0:0:root:/:/bin/sh" > "$root/etc/passwd"
echo "root:x:0:" > "$root/etc/group"
# Same absolute paths inside: rootfs, schemas, test data.
mkdir -p "$root$build/rootfs" "$root$src"
cp -a "$build/rootfs/busybox" "$root$build/rootfs/"
[ -d "$build/probe" ] && cp -a "$build/probe" "$root$build/"  # security_test's probe
cp -a "$src/schemas" "$src/xml-examples" "$root$src/"
mkdir -p "$root$src/tests" && cp -a "$src/tests/data" "$root$src/tests/"
cp -a "$src/driver" "$root$src/"  # fault_test compares its table with the points in there
# Every other command is busybox's, where nothing of the host's stands under that name.
for a in $(/bin/busybox --list); do
    for d in usr/local/sbin usr/local/bin usr/sbin usr/bin sbin bin; do
        if [ -e "$root/$d/$a" ] || [ -L "$root/$d/$a" ]; then continue 2; fi
    done
    ln -s busybox "$root/bin/$a"
done

# pivot_root cannot leave an initramfs: /init copies the tree onto a tmpfs and switches
# root to it, as a real system's initramfs does, then /init2 runs the tests.
cat > "$root/init" <<'INIT'
#!/bin/busybox sh
mount -t tmpfs -o size=90% tmpfs /mnt
for d in /*; do
    case $d in /mnt|/proc|/sys|/dev) mkdir -p /mnt$d ;; *) cp -a $d /mnt/ ;; esac
done
exec switch_root /mnt /init2
INIT
mkdir -p "$root/mnt"
# Seconds one test binary may take in the VM (the longest takes ~60 under load).
perTest=${CVIRT_VM_TEST_SECONDS:-300}
cat > "$root/init2" <<INIT
#!/bin/busybox sh
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
# Under emulation everything is ~10x slower: the soak and the shell race run shortened here
# (the full 1,000 cycles and 2 minutes run on the host lane).
export CVIRT_SOAK_CYCLES=100 CVIRT_STRESS_SECONDS=20
# Tests that need a VM of their own say why they skip here (no VM inside the test VM).
export CVIRT_VM_LANE=1
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts && mount -t devpts devpts /dev/pts
mount -t cgroup2 cgroup2 /sys/fs/cgroup
for m in \$(cat /modules/order); do insmod /modules/\$m.ko; done
# What udev's default rules do on a Debian host (50-udev-default.rules): devtmpfs makes the
# tun node 0600, which no container's mapped root could open.
[ -c /dev/net/tun ] && chmod 0666 /dev/net/tun
# / is a tmpfs already (see /init): /tmp and /run need no mount of their own.
echo "CVIRT-VM-BOOTED \$(cat /sys/fs/cgroup/cgroup.controllers)"
# One test that hangs fails alone, after the kernel's view of it is on the console (every
# CPU's backtrace, the blocked tasks), instead of timing the whole lane out unexplained.
for t in ${tests[*]}; do
    echo "CVIRT-VM-BEGIN \$t"
    grep -E '^(MemAvailable|Shmem):' /proc/meminfo | tr -s ' \n' '  '; echo
    TMPDIR=/tmp \$t &
    pid=\$!
    (
        sleep $perTest
        kill -0 \$pid 2>/dev/null || exit 0
        echo "CVIRT-VM-TIMEOUT \$t after $perTest s"
        echo 7 > /proc/sys/kernel/printk  # the backtraces are info lines: past quiet
        echo l > /proc/sysrq-trigger
        echo w > /proc/sysrq-trigger
        kill -9 \$pid
    ) &
    dog=\$!
    wait \$pid
    rc=\$?
    kill \$dog 2>/dev/null
    echo "CVIRT-VM-END \$t \$rc"
done
echo CVIRT-VM-DONE
poweroff -f
INIT
chmod +x "$root/init" "$root/init2"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$work/initrd.gz"

accel=(-accel tcg)
log=$work/console.log
timeout 1200 "$qemu" "${accel[@]}" -m 2048 -smp 2 -nographic -no-reboot \
    -kernel "$kernel" -initrd "$work/initrd.gz" \
    -append "console=ttyS0 cgroup_no_v1=all panic=-1 quiet loglevel=3 softlockup_all_cpu_backtrace=1" </dev/null >"$log" 2>&1 || true

grep -q CVIRT-VM-BOOTED "$log" || { echo "the VM did not boot:"; tail -n 40 "$log"; exit 1; }
sed -n '/CVIRT-VM-BOOTED/,$p' "$log" | tr -d '\r'
grep -q CVIRT-VM-DONE "$log" || { echo "the VM did not finish the tests"; exit 1; }
fail=0
while read -r _ name rc; do
    case $rc in
        0) ;;
        77) echo "skipped in VM: $name" ;;
        *) echo "FAILED in VM: $name (exit $rc)"; fail=1 ;;
    esac
done < <(tr -d '\r' < "$log" | grep '^CVIRT-VM-END')
exit $fail
