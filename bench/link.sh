#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# bench/link.sh BUILD_DIR: `cvirsh start` and `cvirsh destroy` of a busybox container, each a
# whole cvirsh process, with cvirsh linked against libcvirt.so.0 and linked statically, in
# one run under a temporary embed root: medians of RUNS (default 30) after 3 warm-ups with
# hyperfine, and beside them `cvirsh domstate` (the process start and connect alone). It
# builds the variant not installed as cvirsh (cvirsh-shared or cvirsh-static, CVIRSH_LINK).
# A benchmark: prints figures, asserts nothing.
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
runs=${RUNS:-30}
link=$(sed -n 's/^CVIRSH_LINK:[A-Z]*=//p' "$build/CMakeCache.txt")
other=$([ "$link" = shared ] && echo static || echo shared)
cmake --build "$build" --target cvirsh "cvirsh-$other" >/dev/null
declare -A bin=([$link]=$build/bin/cvirsh [$other]=$build/bin/cvirsh-$other)
for v in shared static; do
  echo "cvirsh ($v): ${bin[$v]}: $(ldd "${bin[$v]}" 2>&1 | grep -c '=>') shared libraries"
done

base=$(mktemp -d "${TMPDIR:-/tmp}/cvirt-bench-link-XXXXXX")
uri="lxc:///embed?root=$base/root"
cvirsh=${bin[$link]}
trap '"$cvirsh" -q -c "$uri" destroy bench-link >/dev/null 2>&1 || true; rm -rf "$base"' EXIT
cat > "$base/d.xml" <<XML
<domain type='lxc'><name>bench-link</name><memory unit='MiB'>64</memory>
<os><type>exe</type><init>/bin/sleep</init><initarg>100000</initarg></os>
<devices><filesystem type='mount'><source dir='$build/rootfs/busybox'/><target dir='/'/></filesystem></devices></domain>
XML
"$cvirsh" -q -c "$uri" define "$base/d.xml" >/dev/null

# hyperfine CMD... -> one "median min max" line (ms) per command, in order
time_ms() {
  hyperfine --shell=none --warmup 3 --runs "$runs" --style none --export-csv "$base/t.csv" \
    "$@" >/dev/null 2>"$base/err" || { cat "$base/err" >&2; exit 1; }
  tail -n +2 "$base/t.csv" |
    awk -F, '{printf "%.2f %.2f %.2f\n", $4 * 1000, $7 * 1000, $8 * 1000}'
}
q() { echo "'${bin[$1]}' -q -c '$uri' $2 bench-link"; }
# start: destroyed before each run; destroy: started before each run.
"$cvirsh" -q -c "$uri" start bench-link >/dev/null
time_ms --prepare "$(q static destroy)" "$(q shared start)" "$(q static start)" >"$base/start"
"$cvirsh" -q -c "$uri" destroy bench-link >/dev/null
time_ms --prepare "$(q static start)" "$(q shared destroy)" "$(q static destroy)" >"$base/destroy"
time_ms "$(q shared domstate)" "$(q static domstate)" >"$base/state"
mapfile -t start <"$base/start"
mapfile -t destroy <"$base/destroy"
mapfile -t state <"$base/state"

echo
echo "hyperfine $(hyperfine --version | awk '{print $2}'), $runs runs, median (min-max) ms; installed as cvirsh: $link"
printf '%-22s %-26s %-26s\n' command shared static
row() { # name shared-line static-line
  read -r m1 a1 b1 <<<"$2"
  read -r m2 a2 b2 <<<"$3"
  printf '%-22s %-26s %-26s\n' "$1" "$m1 ($a1-$b1)" "$m2 ($a2-$b2)"
}
row "cvirsh start" "${start[0]}" "${start[1]}"
row "cvirsh destroy" "${destroy[0]}" "${destroy[1]}"
row "cvirsh domstate" "${state[0]}" "${state[1]}"
