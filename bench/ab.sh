#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# bench/ab.sh BIN_A BIN_B ROOTFS [ROUNDS]: `cvirsh start` and `cvirsh destroy` of the busybox
# container (64 MiB limit, <privnet/>, /bin/sleep init) by two builds' bin directories (each
# holding cvirsh and cvirt-lxc-controller), interleaved round by round so that both see the
# same load; medians in ms and B/A. For a change's before/after in one run: copy the bin
# directory of the build before it aside first. VETH=1: the container also gets one veth in a
# bridge, made in a network namespace of this script's own. ONESHOT=1: also the one-shot,
# `cvirsh create` of the same container with /bin/true as init until its controller is gone
# (its pid file read as create returns, then /proc polled every 0.2 ms without forking). As
# root. EXEC_A=1: A's cvirsh gets CVIRT_LXC_CONTROLLER (its own controller program), so it
# starts controllers by fork and exec, not by fork alone (cvirt/controller_spawn.h): with
# BIN_A = BIN_B, the same build both ways. A benchmark: it asserts nothing.
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
sed -e 's|<name>ab</name>|<name>abt</name>|' -e 's|<init>/bin/sleep</init><initarg>100000</initarg>|<init>/bin/true</init>|' \
  "$tmp/d.xml" >"$tmp/t.xml"
for s in a b; do "${!s}/cvirsh" -c "lxc:///embed?root=$tmp/$s" define "$tmp/d.xml" >/dev/null; done
now() { date +%s%N; }
mkfifo "$tmp/idle" && exec {idle}<>"$tmp/idle"  # read -t on it: a sleep without a fork
# Until the controller named by the one-shot's pid file has exited (a zombie counts as gone).
controller_gone() {
  local pid= rest st
  read -r pid rest 2>/dev/null <"$1/run/cvirt/lxc/abt.pid" || return 0
  while read -r _ _ st _ 2>/dev/null <"/proc/$pid/stat" && [ "$st" != Z ]; do
    read -r -t 0.0002 -u "$idle" _ || true
  done
}
echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
for ((i = 0; i < rounds; i++)); do
  for s in a b; do
    if [ "$s" = a ] && [ "${EXEC_A:-0}" = 1 ]; then
      export CVIRT_LXC_CONTROLLER="$a/cvirt-lxc-controller"
    else
      unset CVIRT_LXC_CONTROLLER
    fi
    t0=$(now); "${!s}/cvirsh" -c "lxc:///embed?root=$tmp/$s" start ab >/dev/null
    t1=$(now); "${!s}/cvirsh" -c "lxc:///embed?root=$tmp/$s" destroy ab >/dev/null
    t2=$(now)
    echo "$s start $(((t1 - t0) / 1000))" >>"$tmp/times"
    echo "$s destroy $(((t2 - t1) / 1000))" >>"$tmp/times"
    if [ "${ONESHOT:-0}" = 1 ]; then
      t0=$(now); "${!s}/cvirsh" -c "lxc:///embed?root=$tmp/$s" create "$tmp/t.xml" >/dev/null
      controller_gone "$tmp/$s"
      t1=$(now)
      echo "$s oneshot $(((t1 - t0) / 1000))" >>"$tmp/times"
    fi
  done
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
median() { sort -n | awk '{v[NR] = $1} END {printf "%.2f", v[int((NR + 1) / 2)] / 1000}'; }
printf '%-8s %10s %10s %8s\n' figure "A (ms)" "B (ms)" "B/A"
figures="start destroy"
[ "${ONESHOT:-0}" = 1 ] && figures="$figures oneshot"
for f in $figures; do
  ma=$(awk -v f=$f '$1 == "a" && $2 == f {print $3}' "$tmp/times" | median)
  mb=$(awk -v f=$f '$1 == "b" && $2 == f {print $3}' "$tmp/times" | median)
  printf '%-8s %10s %10s %8.2f\n' "$f" "$ma" "$mb" "$(echo "$mb / $ma" | bc -l)"
done
echo "A: $a"
echo "B: $b"
