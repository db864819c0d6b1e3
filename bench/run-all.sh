#!/usr/bin/env bash
# bench/run-all.sh BUILD_DIR: every benchmark, one after the other, output as it comes.
# Benchmarks measure; they assert nothing and are not run by ctest. Run them on a quiet
# machine (`uptime` load < 1), a few times, and keep the medians. Start benchmarks need root.
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)

echo "== XML pipeline (bench/xml.cc)"
"$build/bin/cvirt-bench-xml" "$here/.." "${XML_SECONDS:-2}"
echo
echo "== define and list at scale (bench/list.sh)"
"$here/list.sh" "$build"
echo
if [ "$(id -u)" = 0 ]; then
  echo "== container start (bench/start.cc)"
  "$build/bin/cvirt-bench-start" "$build/rootfs/busybox" "${RUNS:-30}"
  echo
  echo "== cgroup setup inside start (bench/cgroup.cc; for v2: tests/vm/run-in-vm.sh BUILD BUILD/bin/cvirt-bench-cgroup)"
  "$build/bin/cvirt-bench-cgroup" "${CGROUP_ROUNDS:-200}"
  echo
  echo "== networking: one veth in a bridge, 100 networked containers (bench/net.cc)"
  "$build/bin/cvirt-bench-net" "$build/rootfs/busybox" "${RUNS:-30}" "${NET_SCALE:-100}"
  echo
  echo "== a tiny VM against a container: start to console prompt, memory (bench/vm.cc)"
  kernel=$(ls -1 /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1 || true)
  "$build/bin/cvirt-bench-vm" "$build/rootfs/busybox" "${kernel:-/boot/vmlinuz}" \
    "$build/rootfs/guest-initrd.img" "${VM_RUNS:-5}"
  echo
  echo "== 200 running domains (bench/scale.cc)"
  "$build/bin/cvirt-bench-scale" "$build/rootfs/busybox" "${SCALE:-200}"
else
  echo "== container start: skipped (needs root)"
fi
