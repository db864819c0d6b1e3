#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds a minimal busybox-static root file system at DEST (atomically: DEST.tmp, then mv).
# Used by the integration tests, the benchmarks and `make demo`.
set -eu
dest=$1
busybox=${BUSYBOX:-/bin/busybox}
if ! [ -x "$busybox" ]; then
    echo "make-rootfs: $busybox not found (apt-get install busybox-static)" >&2
    exit 1
fi
tmp="$dest.tmp.$$"
rm -rf "$tmp"
mkdir -p "$tmp"
cd "$tmp"
mkdir -p bin sbin usr/bin usr/sbin etc proc sys dev tmp root run var/log mnt home
chmod 1777 tmp
cp "$busybox" bin/busybox
for applet in $("$busybox" --list-full); do
    [ "$applet" = bin/busybox ] && continue
    ln -sf /bin/busybox "$applet"
done
cat > etc/passwd <<'P'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/:/bin/false
P
cat > etc/group <<'G'
root:x:0:
tty:x:5:
nogroup:x:65534:
G
echo "cvirt" > etc/hostname
cd - >/dev/null
rm -rf "$dest"
mv "$tmp" "$dest"
