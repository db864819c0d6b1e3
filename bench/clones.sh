#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# bench/clones.sh BUILD_DIR: CLONES (default 100) containers started from copy-on-write clones
# of one image, one after the other, all left running: the start time of each (`cvirsh start`,
# a whole process) by tens, to show it stays flat as the count grows, and the disk the clones
# take beside the image they share. The image is the busybox root plus IMAGE_MIB (default 100)
# MiB of incompressible files, imported with vol-import; each container writes one small file
# into its clone. A benchmark: it asserts nothing. Needs root.
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
clones=${CLONES:-100}
image_mib=${IMAGE_MIB:-100}
work=$(mktemp -d "${TMPDIR:-/tmp}/cvirt-bench-clones-XXXXXX")
uri="lxc:///embed?root=$work/root"
cvirsh() { "$build/bin/cvirsh" -q -c "$uri" "$@"; }
cleanup() {
  for i in $(seq 1 "$clones"); do cvirsh destroy "ct$i" >/dev/null 2>&1 || true; done
  rm -rf "$work"
}
trap cleanup EXIT
now_ns() { date +%s%N; }
median() { sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
kib() { du -s -k -c "$@" | tail -n 1 | cut -f1; }

echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
cvirsh pool-define-as bench dir --target "$work/pool" >/dev/null
cvirsh pool-build bench >/dev/null
cvirsh pool-start bench >/dev/null
mkdir -p "$work/image"
cp -a "$build/rootfs/busybox/." "$work/image/"
mkdir -p "$work/image/data"
for i in $(seq 1 $((image_mib / 10))); do
  head -c $((10 << 20)) /dev/urandom >"$work/image/data/blob$i"
done
tar -C "$work/image" -cf "$work/image.tar" .
rm -rf "$work/image"
cvirsh vol-import bench base "$work/image.tar" >/dev/null
rm -f "$work/image.tar"
echo "image: volume 'base', $(kib "$work/pool/base") KiB on disk"

: >"$work/start.ms"
for i in $(seq 1 "$clones"); do
  cvirsh vol-clone --pool bench base "c$i" >/dev/null
  cat >"$work/ct.xml" <<XML
<domain type='lxc'><name>ct$i</name><memory unit='MiB'>32</memory>
<os><type>exe</type><init>/bin/sh</init><initarg>-c</initarg>
<initarg>echo $i &gt; /written-by-me; exec sleep 100000</initarg></os>
<devices><filesystem type='mount'><source dir='$work/pool/c$i'/><target dir='/'/></filesystem>
<console type='pty'/></devices></domain>
XML
  cvirsh define "$work/ct.xml" >/dev/null
  t0=$(now_ns)
  cvirsh start "ct$i" >/dev/null
  t1=$(now_ns)
  awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f\n", (b - a) / 1e6}' >>"$work/start.ms"
done
running=$(cvirsh list --name | grep -c . || true)
echo "$running of $clones containers running"
echo
echo "cvirsh start of the Nth clone-rooted container (others still running), ms:"
echo "  containers   median   min     max"
for from in $(seq 1 10 "$clones"); do
  to=$((from + 9 > clones ? clones : from + 9))
  sed -n "${from},${to}p" "$work/start.ms" >"$work/part"
  printf '  %3d-%-3d    %6.1f   %6.1f  %6.1f\n' "$from" "$to" "$(median <"$work/part")" \
    "$(sort -n "$work/part" | head -1)" "$(sort -n "$work/part" | tail -1)"
done
first=$(head -n 10 "$work/start.ms" | median)
last=$(tail -n 10 "$work/start.ms" | median)
awk -v a="$first" -v b="$last" 'BEGIN {printf "  last ten / first ten: %.2f\n", b / a}'
sync
layers=()
for i in $(seq 1 "$clones"); do layers+=("$work/pool/c$i" "$work/pool/.cvirt-layers/c$i"); done
echo
echo "disk: the image $(kib "$work/pool/base") KiB; the $clones clones together $(kib "${layers[@]}") KiB" \
  "($(( $(kib "${layers[@]}") / clones )) KiB each, with what each container wrote)"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
