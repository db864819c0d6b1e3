#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# bench/remote_cpu.sh BUILD_DIR [BUILD_DIR…]: cvirtd's own CPU time per call, for each build
# in turn (a change's before and after in one run). Each build's cvirtd serves a temporary
# embed root with one running busybox container; one python3-libvirt client makes 5,000
# calls of each kind, three rounds, and the script prints calls per second and cvirtd's
# utime+stime per call (from /proc/CVIRTD/stat). A benchmark: asserts nothing.
set -euo pipefail
for b in "$@"; do
  build=$(cd "$b" && pwd)
  base=$(mktemp -d "${TMPDIR:-/tmp}/cvirt-bench-cpu-XXXXXX")
  uri="lxc:///embed?root=$base/root" sock=$base/root/run/cvirt/libvirt-sock
  "$build/bin/cvirtd" -c "$uri" &
  server=$!
  trap '"$build/bin/cvirsh" -q -c "$uri" destroy bench-cpu >/dev/null 2>&1 || true;
        kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$base"' EXIT
  for _ in $(seq 1 500); do [ -S "$sock-ro" ] && break; sleep 0.01; done
  "$(dirname "$0")/sleeper.sh" "$build" "$uri" bench-cpu
  echo "== $build (load average $(cut -d' ' -f1 /proc/loadavg))"
  /usr/bin/python3 - "$sock" "$server" <<'PY'
import os, sys, time, libvirt
tick = os.sysconf("SC_CLK_TCK")
def cpu():
    f = open("/proc/%s/stat" % sys.argv[2]).read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / tick
c = libvirt.open("lxc+unix:///system?socket=" + sys.argv[1])
d = c.lookupByName("bench-cpu")
for what, call in (("getLibVersion", c.getLibVersion), ("get-info", d.info), ("get-state", d.state)):
    for _ in range(3):
        used, t = cpu(), time.monotonic()
        for _ in range(5000):
            call()
        wall, used = time.monotonic() - t, cpu() - used
        print("%-14s %7.0f calls/s, cvirtd %5.1f us CPU per call" % (what, 5000 / wall, used / 5000 * 1e6))
PY
  "$build/bin/cvirsh" -q -c "$uri" destroy bench-cpu >/dev/null
  kill $server; wait $server 2>/dev/null || true
  rm -rf "$base"
  trap - EXIT
done
