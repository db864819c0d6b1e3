#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds the initramfs of the test VM at DEST (gzip'd newc cpio, atomically): busybox, and an
# /init that loads the virtio drivers (disk, net, balloon, serial ports, rng), prints "cvirt-guest-ready",
# powers off on the ACPI power button (busybox acpid with evdev and button) — modules of
# KERNEL_VERSION, when /lib/modules has them — and runs a shell on the serial console. Used by the qemu tests, the benchmarks and `make demo`.
#   make-guest-initramfs.sh DEST [KERNEL_VERSION]
set -eu
dest=$1
kver=${2:-$(ls -1 /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1 | sed 's|.*/vmlinuz-||')}
busybox=${BUSYBOX:-/bin/busybox}
if ! [ -x "$busybox" ]; then
    echo "make-guest-initramfs: $busybox not found (apt-get install busybox-static)" >&2
    exit 1
fi
command -v cpio >/dev/null || { echo "make-guest-initramfs: cpio not found" >&2; exit 1; }
tmp="$dest.tmp.$$"
rm -rf "$tmp" && mkdir -p "$tmp/root"
trap 'rm -rf "$tmp"' EXIT
cd "$tmp/root"
mkdir -p bin proc sys dev tmp var/log var/run etc/acpi/PWRF lib/modules
cp "$busybox" bin/busybox
for a in $("$busybox" --list); do [ "$a" = busybox ] || ln -sf busybox "bin/$a"; done
# In load order (dependencies first; there is no modprobe): virtio for disks, NICs, the
# balloon, serial ports (guest agent channel) and rng, then evdev and button for the ACPI
# power button.
n=10
for m in drivers/virtio/virtio_ring drivers/virtio/virtio drivers/virtio/virtio_pci_modern_dev \
    drivers/virtio/virtio_pci_legacy_dev drivers/virtio/virtio_pci drivers/block/virtio_blk \
    net/core/failover drivers/net/net_failover drivers/net/virtio_net \
    drivers/virtio/virtio_balloon drivers/char/virtio_console drivers/char/hw_random/virtio-rng \
    drivers/input/evdev drivers/acpi/button; do
    f=/lib/modules/$kver/kernel/$m.ko
    if [ -r "$f" ]; then cp "$f" "lib/modules/$n-$(basename "$f")"; n=$((n + 1)); fi
done
cat > etc/acpi/PWRF/00000080 <<'A'
#!/bin/sh
echo cvirt-guest-powering-off > /dev/console
poweroff -f
A
chmod +x etc/acpi/PWRF/00000080
cat > init <<'I'
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in /lib/modules/*.ko; do [ -e "$m" ] && insmod "$m"; done
acpid -c /etc/acpi -l /var/log/acpid.log
echo "cvirt-guest-ready $(uname -r)"
exec setsid cttyhack sh
I
chmod +x init
find . | cpio -o -H newc 2>/dev/null | gzip -1 > "$tmp/initrd.img"
mkdir -p "$(dirname "$dest")"
mv "$tmp/initrd.img" "$dest"
