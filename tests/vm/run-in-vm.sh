#!/bin/bash
# Boots a throwaway VM (qemu, software emulation) with Debian's kernel and a cgroup-v2-only
# host (cgroup_no_v1=all), runs the given test binaries inside it, and reports each result
# as ctest would see it. Exit 77 (skip) with the reason when qemu or a kernel is missing.
#
#   run-in-vm.sh BUILD_DIR TEST_BINARY...
#
# The initramfs holds busybox, the binaries with their shared libraries, the busybox test
# rootfs and the schemas, all at the same absolute paths as on the host, so the binaries run
# unchanged.
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
for a in sh mount umount mkdir cat echo poweroff sleep ls grep ln insmod; do ln -sf busybox "$root/bin/$a"; done
# The network drivers and nftables parts the tests use, built as modules by Debian
# (dependencies first; there is no modprobe inside).
kver=$(basename "$kernel"); kver=${kver#vmlinuz-}
mkdir -p "$root/modules"
mods="net/llc/llc net/802/stp net/bridge/bridge drivers/net/veth drivers/net/macvlan
  drivers/net/dummy crypto/crc32c_generic lib/libcrc32c net/netfilter/nfnetlink
  net/netfilter/nf_tables net/ipv4/netfilter/nf_defrag_ipv4 net/ipv6/netfilter/nf_defrag_ipv6
  net/netfilter/nf_conntrack net/netfilter/nf_nat net/netfilter/nft_chain_nat
  net/netfilter/nft_ct net/netfilter/nft_masq"
for m in $mods; do
    f=/lib/modules/$kver/kernel/$m.ko
    if [ -r "$f" ]; then cp "$f" "$root/modules/"; fi
done

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

# pivot_root cannot leave an initramfs: /init copies the tree onto a tmpfs and switches
# root to it, as a real system's initramfs does, then /init2 runs the tests.
cat > "$root/init" <<'INIT'
#!/bin/sh
mount -t tmpfs -o size=90% tmpfs /mnt
for d in /*; do
    case $d in /mnt|/proc|/sys|/dev) mkdir -p /mnt$d ;; *) cp -a $d /mnt/ ;; esac
done
exec switch_root /mnt /init2
INIT
mkdir -p "$root/mnt"
for a in cp switch_root; do ln -sf busybox "$root/bin/$a"; done
cat > "$root/init2" <<INIT
#!/bin/sh
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
for m in $(for m in $mods; do printf '%s ' "${m##*/}"; done); do
    [ -e /modules/\$m.ko ] && insmod /modules/\$m.ko
done
# / is a tmpfs already (see /init): /tmp and /run need no mount of their own.
echo "CVIRT-VM-BOOTED \$(cat /sys/fs/cgroup/cgroup.controllers)"
for t in ${tests[*]}; do
    echo "CVIRT-VM-BEGIN \$t"
    TMPDIR=/tmp \$t
    echo "CVIRT-VM-END \$t \$?"
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
    -append "console=ttyS0 cgroup_no_v1=all panic=-1 quiet loglevel=3" </dev/null >"$log" 2>&1 || true

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
