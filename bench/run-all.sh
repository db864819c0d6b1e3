#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# bench/run-all.sh BUILD_DIR: every benchmark, one after the other, output as it comes, each
# step preceded by its exact command. A step that fails is reported and the rest still run;
# the exit code says whether any failed. Benchmarks measure; they assert nothing and are not
# run by ctest. Run them on a quiet machine (`uptime` load < 1): the header prints the load
# average at the start, and the footer at the end. Start benchmarks need root.
set -uo pipefail
build=$(cd "${1:-build}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
failed=()

# step TITLE COMMAND...: prints the title and the command, runs it, notes a failure.
step() {
  local title=$1
  shift
  echo "== $title"
  echo "\$ $*"
  "$@" || { echo "!! exit $?: $title"; failed+=("$title"); }
  echo
}

echo "cvirt benchmarks: $(date -u '+%Y-%m-%d %H:%M UTC'), $(git -C "$here/.." rev-parse --short HEAD 2>/dev/null || echo '?'),"
echo "  $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), kernel $(uname -r),"
echo "  TMPDIR=${TMPDIR:-/tmp} ($(df -T "${TMPDIR:-/tmp}" | awk 'NR == 2 {print $2}')), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo

step "XML pipeline (bench/xml.cc)" "$build/bin/cvirt-bench-xml" "$here/.." "${XML_SECONDS:-2}"
step "define and list at scale (bench/list.sh)" "$here/list.sh" "$build"
if [ "$(id -u)" = 0 ]; then
  step "cvirt beside LXC, crun and unshare+chroot: whole processes (bench/peers.cc)" \
    "$build/bin/cvirt-bench-peers" "$build/rootfs/busybox" "${RUNS:-30}"
  step "where a cvirsh start and destroy spend their time, step by step (bench/profile.cc)" \
    "$build/bin/cvirt-bench-profile" "$build/rootfs/busybox" "${RUNS:-30}"
  step "container start in process: API calls, controller memory (bench/start.cc)" \
    "$build/bin/cvirt-bench-start" "$build/rootfs/busybox" "${RUNS:-30}"
  step "cgroup setup inside start (bench/cgroup.cc; for v2: tests/vm/run-in-vm.sh BUILD BUILD/bin/cvirt-bench-cgroup)" \
    "$build/bin/cvirt-bench-cgroup" "${CGROUP_ROUNDS:-200}"
  step "networking in process: one veth in a bridge, 100 networked containers (bench/net.cc)" \
    "$build/bin/cvirt-bench-net" "$build/rootfs/busybox" "${RUNS:-30}" "${NET_SCALE:-100}"
  kernel=$(ls -1 /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1 || true)
  step "a tiny VM against a container: start to console prompt, memory (bench/vm.cc)" \
    "$build/bin/cvirt-bench-vm" "$build/rootfs/busybox" "${kernel:-/boot/vmlinuz}" \
    "$build/rootfs/guest-initrd.img" "${VM_RUNS:-5}"
  step "libvirt's clients through cvirtd: get-info calls/s, virsh list, memory (bench/remote.sh)" \
    "$here/remote.sh" "$build"
  step "snapshot and revert of a running container beside lxc-snapshot (bench/snapshot.sh)" \
    "$here/snapshot.sh" "$build"
  step "cvirsh start/destroy linked with libcvirt.so.0 and statically (bench/link.sh)" \
    "$here/link.sh" "$build"
  step "copy-on-write clone of a 500 MiB dir volume beside lxc-copy -s (bench/storage.sh)" \
    "$here/storage.sh" "$build"
  step "100 containers started from clones of one image: start time, disk (bench/clones.sh)" \
    "$here/clones.sh" "$build"
  step "a thousand running domains beside LXC (bench/scale.cc)" \
    "$build/bin/cvirt-bench-scale" "$build/rootfs/busybox" "${SCALE:-1000}"
else
  echo "== container benchmarks: skipped (need root)"
fi
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ ${#failed[@]} -gt 0 ]; then
  printf 'failed: %s\n' "${failed[@]}"
  exit 1
fi
