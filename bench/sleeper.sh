#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# bench/sleeper.sh BUILD_DIR URI NAME: defines and starts NAME on URI, a busybox container
# (the build's root) whose init sleeps, for the benchmarks that measure calls on a running
# domain (remote.sh, remote_cpu.sh). Its XML goes to a temporary file, removed after.
set -euo pipefail
build=$1 uri=$2 name=$3
xml=$(mktemp "${TMPDIR:-/tmp}/cvirt-bench-sleeper-XXXXXX.xml")
trap 'rm -f "$xml"' EXIT
cat > "$xml" <<XML
<domain type='lxc'><name>$name</name><memory unit='MiB'>64</memory>
<os><type>exe</type><init>/bin/sleep</init><initarg>1000</initarg></os>
<devices><filesystem type='mount'><source dir='$build/rootfs/busybox'/><target dir='/'/></filesystem></devices></domain>
XML
"$build/bin/cvirsh" -q -c "$uri" define "$xml" >/dev/null
"$build/bin/cvirsh" -q -c "$uri" start "$name" >/dev/null
