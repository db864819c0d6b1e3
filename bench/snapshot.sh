#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# bench/snapshot.sh BUILD_DIR: snapshot and revert of a running container that wrote 100 MiB
# (WRITE_MIB) into its root since it started, beside lxc-snapshot of the same root in the
# same run. Each side: RUNS (default 5) snapshots of the running container, then RUNS
# reverts; median and min wall times in ms, and the disk a snapshot takes.
#   cvirt: `cvirsh snapshot-create-as` (frozen for the copy), `cvirsh snapshot-revert`
#          (destroy, the root swapped for the copy, start again: the container runs after).
#   LXC:   `lxc-snapshot` (dir backing store: a copy-clone, rsync of the root), `lxc-snapshot -r` of a
#          stopped container (LXC restores only stopped containers; the stop and the start
#          after are timed apart and added, for a like-for-like figure).
# Needs root. A benchmark: prints figures, asserts nothing.
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
runs=${RUNS:-5}
mib=${WRITE_MIB:-100}
base=$(mktemp -d "${TMPDIR:-/tmp}/cvirt-bench-snapshot-XXXXXX")
uri="lxc:///embed?root=$base/cvirt"
P=$base/lxc
name=cvirt-bench-snap
cvirsh() { "$build/bin/cvirsh" -q -c "$uri" "$@"; }
cleanup() {
  cvirsh destroy $name >/dev/null 2>&1 || true
  lxc-stop -P "$P" -n $name -k >/dev/null 2>&1 || true
  # the container's and monitor's cgroups, and the monitor's pivot (lxc.cgroup.dir.monitor.pivot)
  for g in /sys/fs/cgroup/cvirt-bench-lxc-$name* /sys/fs/cgroup/*/cvirt-bench-lxc-$name* \
    /sys/fs/cgroup/cvirt-bench-lxc-pivot /sys/fs/cgroup/*/cvirt-bench-lxc-pivot; do
    [ -d "$g" ] && find "$g" -depth -type d -exec rmdir {} + 2>/dev/null || true
  done
  rm -rf "$base"
}
trap cleanup EXIT
now() { date +%s%N; }
# median and min of the ms values on stdin
stats() { sort -n | awk '{v[NR]=$1} END {printf "median %.1f ms, min %.1f ms (%d runs)", (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2), v[1], NR}'; }
timed() { local t0; t0=$(now); "$@" >/dev/null || return 1; echo $(( ($(now) - t0) / 1000 )) | awk '{print $1/1000}'; }

# --- cvirt ----------------------------------------------------------------------------------
mkdir -p "$base/cvirt"
cp -a "$build/rootfs/busybox" "$base/root-cvirt"
cat > "$base/ct.xml" <<XML
<domain type='lxc'><name>$name</name><memory unit='MiB'>256</memory>
<os><type>exe</type><init>/bin/sh</init><initarg>-c</initarg><initarg>sleep 100000</initarg></os>
<devices><filesystem type='mount'><source dir='$base/root-cvirt'/><target dir='/'/></filesystem>
<console type='pty'/></devices></domain>
XML
cvirsh define "$base/ct.xml" >/dev/null
cvirsh start $name >/dev/null
cvirsh exec $name -- /bin/dd if=/dev/urandom of=/written.bin bs=1M count="$mib" 2>/dev/null
sync
echo "root: $(du -sm "$base/root-cvirt" | cut -f1) MiB ($mib MiB written by the running container)"
for i in $(seq 1 "$runs"); do timed cvirsh snapshot-create-as $name "s$i"; done > "$base/c-create"
snapdisk=$(du -sm "$base/cvirt/var/lib/cvirt/lxc/snapshot/$name/s1.data" | cut -f1)
for i in $(seq 1 "$runs"); do timed cvirsh snapshot-revert $name "s$i"; done > "$base/c-revert"
state=$(cvirsh domstate $name)
echo "cvirt snapshot-create-as (running, frozen for the copy): $(stats < "$base/c-create"), $snapdisk MiB each"
echo "cvirt snapshot-revert (destroy, swap the root, start):   $(stats < "$base/c-revert"); after it: $state"
cvirsh destroy $name >/dev/null

# --- LXC --------------------------------------------------------------------------------------
if ! command -v lxc-snapshot >/dev/null; then
  echo "lxc-snapshot: not installed"
  exit 0
fi
mkdir -p "$P/$name"
cp -a "$base/root-cvirt" "$P/$name/rootfs"  # the same root, the 100 MiB file in it
cat > "$P/$name/config" <<CFG
lxc.include = /usr/share/lxc/config/common.conf
lxc.uts.name = $name
lxc.rootfs.path = dir:$P/$name/rootfs
lxc.init.cmd = /bin/sleep 100000
lxc.cgroup.dir.container = cvirt-bench-lxc-$name
lxc.cgroup.dir.monitor = cvirt-bench-lxc-$name.mon
lxc.cgroup.dir.monitor.pivot = cvirt-bench-lxc-pivot
CFG
lxc-start -P "$P" -n $name -d
running=yes
for i in $(seq 1 "$runs"); do
  if ! t=$(timed lxc-snapshot -P "$P" -n $name 2>/dev/null); then running=no; break; fi
  echo "$t"
done > "$base/l-create"
if [ $running = no ]; then
  # LXC refused the running container: stopped first, as it needs
  lxc-stop -P "$P" -n $name -k || true
  for i in $(seq 1 "$runs"); do timed lxc-snapshot -P "$P" -n $name; done > "$base/l-create"
fi
lxcdisk=$(du -sm "$P/$name/snaps/snap0" 2>/dev/null | cut -f1 || true)
: > "$base/l-revert"
for i in $(seq 0 $((runs - 1))); do
  lxc-start -P "$P" -n $name -d
  t0=$(now)
  lxc-stop -P "$P" -n $name -k || true
  lxc-snapshot -P "$P" -n $name -r "snap$i" >/dev/null
  lxc-start -P "$P" -n $name -d
  echo $(( ($(now) - t0) / 1000 )) | awk '{print $1/1000}' >> "$base/l-revert"
  lxc-stop -P "$P" -n $name -k || true
done
echo "lxc-snapshot (container $( [ $running = yes ] && echo running || echo 'stopped: LXC refused it running')): $(stats < "$base/l-create"), ${lxcdisk:-?} MiB each"
echo "lxc-stop + lxc-snapshot -r + lxc-start:                $(stats < "$base/l-revert")"
echo "lxc: $(lxc-start --version)"
