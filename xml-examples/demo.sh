#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# `make demo`: a scripted cvirsh session on the examples under an embed root in /tmp, so
# nothing in /etc or /run is touched. As root it also starts the busybox container from the
# rootfs the build made (build/rootfs/busybox) and shows it working, then, when qemu and a
# kernel in /boot are there, the tiny VM next to it (build/rootfs/guest-initrd.img).
set -euo pipefail
cvirsh=${1:-build/bin/cvirsh}
build=$(cd "$(dirname "$cvirsh")/.." && pwd)
here=$(cd "$(dirname "$0")" && pwd)
root=$(mktemp -d /tmp/cvirt-demo-XXXXXX)
uri="cvirt:///embed?root=$root"
cleanup() {
  for d in busybox web-clone tinyvm; do "$cvirsh" -c "$uri" destroy "$d" >/dev/null 2>&1 || true; done
  rm -rf "$root"
}
trap cleanup EXIT
run() { printf '\n$ cvirsh %s\n' "$*"; "$cvirsh" -c "$uri" "$@"; }

# The example's root file system: a copy of the one the build made (a snapshot revert below
# puts the copy's files back).
cp -a "$build/rootfs/busybox" "$root/busybox-root" 2>/dev/null || true
sed "s|/var/lib/cvirt/images/busybox|$root/busybox-root|" "$here/busybox-app.xml" > "$root/busybox.xml"

run define "$root/busybox.xml"
run define "$here/system-container.xml"
run define "$here/vm-tiny.xml"
run list --all --title
run dominfo busybox
run dumpxml busybox
run autostart web1
run list --all --autostart

if [ "$(id -u)" = 0 ] && [ -x "$build/rootfs/busybox/bin/busybox" ]; then
  run start busybox
  run list
  run exec busybox -- hostname
  run exec busybox -- ps
  run exec busybox -- sh -c 'ls /dev; grep -E " / | /tmp " /proc/mounts'
  run exec busybox -- cat /proc/self/cgroup
  run exec busybox -- sh -c 'echo before the upgrade > /etc/motd'
  run snapshot-create busybox "$here/snapshot-before-upgrade.xml"
  run exec busybox -- sh -c 'echo after the upgrade > /etc/motd; rm /bin/vi'
  run snapshot-list busybox
  run snapshot-revert busybox before-upgrade
  run exec busybox -- sh -c 'cat /etc/motd; ls /bin/vi'
  printf '\n$ cvirsh console busybox   (typing: echo hello from the console; then Ctrl-])\n'
  { sleep 0.3; printf 'echo hello from the console\n'; sleep 0.3; printf '\035'; } |
    script -qec "$cvirsh -c '$uri' console busybox" /dev/null | tr -d '\r' | tail -n 3 || true
  run destroy busybox
  run domstate --reason busybox

  # Storage: a pool, the busybox root imported into it from a tar, a copy-on-write clone of
  # it, and a container on the clone (xml-examples/pool-images.xml, container-clone-root.xml).
  sed "s|/var/lib/cvirt/pools/images|$root/pool|" "$here/pool-images.xml" > "$root/pool.xml"
  sed "s|/var/lib/cvirt/pools/images|$root/pool|" "$here/container-clone-root.xml" > "$root/clone.xml"
  tar -C "$build/rootfs/busybox" -czf "$root/busybox-rootfs.tar.gz" .
  run pool-define "$root/pool.xml"
  run pool-build images
  run pool-start images
  run vol-import images busybox "$root/busybox-rootfs.tar.gz"
  run vol-clone --pool images busybox web-clone
  run vol-list images --details
  run define "$root/clone.xml"
  run start web-clone
  run exec web-clone -- sh -c 'grep " / " /proc/mounts; echo written by the clone > /etc/motd'
  run exec web-clone -- cat /etc/motd
  printf '\n$ ls %s/pool/busybox/etc   (the base volume: no motd)\n' "$root"
  ls "$root/pool/busybox/etc"
  run destroy web-clone
  run undefine web-clone
else
  echo; echo "(not root or no rootfs: skipping the running part of the demo)"
fi
kernel=$(ls -1 /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1 || true)
if [ "$(id -u)" = 0 ] && [ -x /usr/bin/qemu-system-x86_64 ] && [ -r "${kernel:-/nonexistent}" ] &&
   [ -r "$build/rootfs/guest-initrd.img" ]; then
  # The example VM with Debian's kernel and the busybox initramfs the build made.
  sed -e "s|<kernel>.*</kernel>|<kernel>$kernel</kernel>|" \
      -e "s|<initrd>.*</initrd>|<initrd>$build/rootfs/guest-initrd.img</initrd>|" \
      "$here/vm-tiny.xml" > "$root/tinyvm.xml"
  run define "$root/tinyvm.xml"
  run start tinyvm
  run list
  log=$root/var/log/cvirt/qemu/tinyvm.log
  for _ in $(seq 1 120); do grep -q cvirt-guest-ready "$log" 2>/dev/null && break; sleep 0.5; done
  printf '
$ cvirsh console tinyvm   (typing: uname -sr; then Ctrl-])
'
  { sleep 0.5; printf 'uname -sr\r'; sleep 1; printf '\035'; } |
    script -qec "$cvirsh -c '$uri' console tinyvm" /dev/null | tr -d '\r' | tail -n 3 || true
  run qemu-monitor-command tinyvm --pretty '{"execute":"query-status"}'
  run shutdown tinyvm
  for _ in $(seq 1 60); do
    "$cvirsh" -c "$uri" domstate tinyvm | grep -q "shut off" && break; sleep 0.5
  done
  run domstate --reason tinyvm
else
  echo; echo "(not root, or no qemu-system-x86_64 / kernel in /boot: skipping the VM)"
fi
run undefine tinyvm
run list --all
