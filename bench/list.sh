#!/usr/bin/env bash
# bench/list.sh BUILD_DIR: `cvirsh define` of 1,000 domains (one process each, the user's
# path) and `cvirsh list --all` with 10,000 defined domains. Everything under a temp embed root.
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
cvirsh=$build/bin/cvirsh
root=$(mktemp -d /tmp/cvirt-bench-list-XXXXXX)
trap 'rm -rf "$root"' EXIT
uri="lxc:///embed?root=$root"
now() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# 1,000 defines, each its own cvirsh process.
mkdir -p "$root/xml"
for i in $(seq 1 1000); do
  printf "<domain type='lxc'><name>d%d</name><memory unit='MiB'>64</memory><os><type>exe</type><init>/bin/sh</init></os><devices><filesystem type='mount'><source dir='/srv/d%d'/><target dir='/'/></filesystem></devices></domain>" "$i" "$i" > "$root/xml/d$i.xml"
done
t0=$(now)
for i in $(seq 1 1000); do "$cvirsh" -q -c "$uri" define "$root/xml/d$i.xml" >/dev/null; done
t1=$(now)
define_ms=$(( (t1 - t0) / 1000000 ))

# The same 1,000 defines in one cvirsh session (commands on stdin): no per-process start or
# schema compile. Into a second root so both runs create the same files.
root2=$(mktemp -d /tmp/cvirt-bench-list-XXXXXX)
trap 'rm -rf "$root" "$root2"' EXIT
for i in $(seq 1 1000); do echo "define $root/xml/d$i.xml"; done > "$root2/cmds"
t0=$(now)
"$cvirsh" -q -c "lxc:///embed?root=$root2" < "$root2/cmds" >/dev/null
t1=$(now)
session_ms=$(( (t1 - t0) / 1000000 ))
t0=$(now); for i in $(seq 1 1000); do /bin/true; done; t1=$(now)
loop_ms=$(( (t1 - t0) / 1000000 ))

# 10,000 defined domains (9,000 more through the API), then list.
"$build/bin/cvirt-bench-populate" "$uri" 9000 bulk >/dev/null
count=$("$cvirsh" -c "$uri" list --all --name | wc -l)
measure() {
  for _ in $(seq 1 15); do
    a=$(now); "$cvirsh" -c "$uri" "$@" >/dev/null; b=$(now)
    echo $(( (b - a) / 1000 ))
  done | median
}
list_us=$(measure list --all)
uuid_us=$(measure list --all --uuid)
title_us=$(measure list --all --title)
verdict() { [ "$1" -le "$2" ] && echo PASS || echo MISS; }
printf '%-44s %12s %12s %s\n' "what" "measured" "target" ""
printf '%-44s %9d ms %9d ms %s\n' "define x1000 (one cvirsh process each)" "$define_ms" 5000 "$(verdict "$define_ms" 5000)"
printf '%-44s %9d ms %9d ms %s\n' "define x1000 (one cvirsh session)" "$session_ms" 5000 "$(verdict "$session_ms" 5000)"
printf '%-44s %9d ms %12s\n' "  (the shell loop's own fork+exec x1000)" "$loop_ms" "-"
printf '%-44s %9d us %9d us %s\n' "list --all, $count domains (median of 15)" "$list_us" 150000 "$(verdict "$list_us" 150000)"
printf '%-44s %9d us %12s\n' "list --all --uuid, $count domains" "$uuid_us" "-"
printf '%-44s %9d us %12s\n' "list --all --title, $count domains" "$title_us" "-"
