#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# bench/storage.sh BUILD_DIR: copy-on-write clone of a 500 MiB dir volume, cvirt's
# `vol-clone` beside LXC's `lxc-copy -s` of the same root in the same run: the time of each
# (median of RUNS, every run a new clone) and the disk space one clone takes. A benchmark:
# it asserts nothing. Needs root (LXC's overlay snapshot, and cvirt's pool in a temp dir).
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
runs=${RUNS:-20}
size_mib=${CLONE_MIB:-500}
work=$(mktemp -d "${TMPDIR:-/tmp}/cvirt-bench-storage-XXXXXX")
trap 'rm -rf "$work"' EXIT
cvirsh=("$build/bin/cvirsh" -c "lxc:///embed?root=$work/root")

# The base: the busybox root plus $size_mib MiB of incompressible files (10 MiB each).
"${cvirsh[@]}" -q pool-define-as bench dir --target "$work/pool" >/dev/null
"${cvirsh[@]}" -q pool-build bench >/dev/null
"${cvirsh[@]}" -q pool-start bench >/dev/null
tar -C "$build/rootfs/busybox" -cf "$work/busybox.tar" .
"${cvirsh[@]}" -q vol-import bench base "$work/busybox.tar" >/dev/null
base=$work/pool/base
mkdir -p "$base/data"
for i in $(seq 1 $((size_mib / 10))); do
  head -c $((10 << 20)) /dev/urandom >"$base/data/blob$i"
done
sync
echo "base volume: $(du -s --block-size=1M "$base" | cut -f1) MiB, $(find "$base" | wc -l) entries"

now_ns() { date +%s%N; }
median() { sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
# disk_kib PATH...: what the paths take on disk, KiB
disk_kib() { du -s -k -c "$@" | tail -n 1 | cut -f1; }

echo
echo "cvirsh vol-clone (overlay child), $runs runs:"
: >"$work/cvirt.ms"
for i in $(seq 1 "$runs"); do
  t0=$(now_ns)
  "${cvirsh[@]}" -q vol-clone --pool bench base "c$i" >/dev/null
  t1=$(now_ns)
  awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f\n", (b - a) / 1e6}' >>"$work/cvirt.ms"
done
echo "  median $(median <"$work/cvirt.ms") ms (min $(sort -n "$work/cvirt.ms" | head -1), max $(sort -n "$work/cvirt.ms" | tail -1))"
echo "  disk per clone: $(disk_kib "$work/pool/c1" "$work/pool/.cvirt-layers/c1") KiB"

if command -v lxc-copy >/dev/null; then
  # LXC's container on the very same root directory, then overlay snapshots of it.
  lxcpath=$work/lxc
  mkdir -p "$lxcpath/base"
  cat >"$lxcpath/base/config" <<CONF
lxc.include = /usr/share/lxc/config/common.conf
lxc.uts.name = base
lxc.rootfs.path = dir:$base
lxc.init.cmd = /bin/sh
CONF
  echo
  echo "lxc-copy -s (overlay snapshot of the same root), $runs runs:"
  : >"$work/lxc.ms"
  for i in $(seq 1 "$runs"); do
    t0=$(now_ns)
    lxc-copy -P "$lxcpath" -n base -N "s$i" -s >/dev/null 2>&1
    t1=$(now_ns)
    awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f\n", (b - a) / 1e6}' >>"$work/lxc.ms"
  done
  echo "  median $(median <"$work/lxc.ms") ms (min $(sort -n "$work/lxc.ms" | head -1), max $(sort -n "$work/lxc.ms" | tail -1))"
  echo "  disk per clone: $(disk_kib "$lxcpath/s1") KiB"
  echo "  ($(grep rootfs.path "$lxcpath/s1/config"))"
else
  echo "lxc-copy: not installed (apt-get install lxc), skipped"
fi
