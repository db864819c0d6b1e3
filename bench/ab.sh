#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# bench/ab.sh BIN_A BIN_B ROOTFS [ROUNDS]: `cvirsh start` and `cvirsh destroy` of the busybox
# container (64 MiB limit, <privnet/>, /bin/sleep init) by two builds' bin directories (each
# holding cvirsh and cvirt-lxc-controller), interleaved round by round so that both see the
# same load; medians in ms and B/A. For a change's before/after in one run: copy the bin
# directory of the build before it aside first. VETH=1: the container also gets one veth in a
# bridge, made in a network namespace of this script's own. As root. A benchmark: it asserts
# nothing.
set -euo pipefail
if [ "${VETH:-0}" = 1 ] && [ -z "${CVIRT_AB_NETNS:-}" ]; then
  exec env CVIRT_AB_NETNS=1 unshare --net "$0" "$@"
fi
iface=
if [ "${VETH:-0}" = 1 ]; then
  ip link add cvtab0 type bridge && ip link set cvtab0 up
  iface="<interface type='bridge'><source bridge='cvtab0'/><ip address='10.202.0.2' prefix='24'/></interface>"
fi
a=$(cd "$1" && pwd) b=$(cd "$2" && pwd) rootfs=$(cd "$3" && pwd) rounds=${4:-30}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cvirt-ab-XXXXXX")
trap 'for s in a b; do "${!s}/cvirsh" -c "lxc:///embed?root=$tmp/$s" destroy ab >/dev/null 2>&1 || true; done; rm -rf "$tmp"' EXIT
cat >"$tmp/d.xml" <<XML
<domain type='lxc'><name>ab</name><memory unit='MiB'>64</memory>
<os><type>exe</type><init>/bin/sleep</init><initarg>100000</initarg></os>
<features><privnet/></features><devices><filesystem type='mount'><source dir='$rootfs'/>
<target dir='/'/></filesystem>$iface<console type='pty'/></devices></domain>
XML
for s in a b; do "${!s}/cvirsh" -c "lxc:///embed?root=$tmp/$s" define "$tmp/d.xml" >/dev/null; done
now() { date +%s%N; }
echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
for ((i = 0; i < rounds; i++)); do
  for s in a b; do
    t0=$(now); "${!s}/cvirsh" -c "lxc:///embed?root=$tmp/$s" start ab >/dev/null
    t1=$(now); "${!s}/cvirsh" -c "lxc:///embed?root=$tmp/$s" destroy ab >/dev/null
    t2=$(now)
    echo "$s start $(((t1 - t0) / 1000))" >>"$tmp/times"
    echo "$s destroy $(((t2 - t1) / 1000))" >>"$tmp/times"
  done
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
median() { sort -n | awk '{v[NR] = $1} END {printf "%.2f", v[int((NR + 1) / 2)] / 1000}'; }
printf '%-8s %10s %10s %8s\n' figure "A (ms)" "B (ms)" "B/A"
for f in start destroy; do
  ma=$(awk -v f=$f '$1 == "a" && $2 == f {print $3}' "$tmp/times" | median)
  mb=$(awk -v f=$f '$1 == "b" && $2 == f {print $3}' "$tmp/times" | median)
  printf '%-8s %10s %10s %8.2f\n' "$f" "$ma" "$mb" "$(echo "$mb / $ma" | bc -l)"
done
echo "A: $a"
echo "B: $b"
