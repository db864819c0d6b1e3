#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# bench/list.sh BUILD_DIR: the control plane at scale, under a temporary embed root.
#   (a) 1,000 x `cvirsh -c URI define FILE`, each its own process (the user's path): total
#       and per define; for comparison the loop's own fork+exec, and the same 1,000 defines
#       in one cvirsh session (commands on stdin).
#   (b) `cvirsh -c URI list --all` (and --uuid, --title) with 10,000 defined domains (the
#       1,000 above + 9,000 through cvirt-bench-populate): wall time of the whole process,
#       median of RUNS runs (default 15), with hyperfine when installed, else a bash loop.
# A benchmark: it prints figures next to their targets and asserts nothing (exit 0 on a
# MISS; non-zero only when a command fails). HYPERFINE=none forces the bash loop.
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
runs=${RUNS:-15}
defines=${DEFINES:-1000}    # smaller values only to try the script quickly
domains=${DOMAINS:-10000}
cvirsh=$build/bin/cvirsh
populate=$build/bin/cvirt-bench-populate
for bin in "$cvirsh" "$populate"; do
  [ -x "$bin" ] || { echo "list.sh: $bin not built" >&2; exit 2; }
done

base=$(mktemp -d "${TMPDIR:-/tmp}/cvirt-bench-list-XXXXXX")
trap 'rm -rf "$base"' EXIT
root=$base/root
uri="lxc:///embed?root=$root"
now() { date +%s%N; }
ms_since() { echo $(( ($(now) - $1) / 1000000 )); }

# --- (a) 1,000 defines --------------------------------------------------------------------
mkdir -p "$base/xml"
for i in $(seq 1 "$defines"); do
  printf "<domain type='lxc'><name>d%d</name><title>bench d%d</title><memory unit='MiB'>64</memory><os><type>exe</type><init>/bin/sh</init></os><devices><filesystem type='mount'><source dir='/srv/d%d'/><target dir='/'/></filesystem></devices></domain>\n" \
    "$i" "$i" "$i" > "$base/xml/d$i.xml"
done

t0=$(now)
for i in $(seq 1 "$defines"); do "$cvirsh" -q -c "$uri" define "$base/xml/d$i.xml" >/dev/null; done
define_ms=$(ms_since "$t0")

t0=$(now)
for i in $(seq 1 "$defines"); do /bin/true "$base/xml/d$i.xml"; done
loop_ms=$(ms_since "$t0")

# Same files into a second root, one process: no per-process start-up or schema compile.
for i in $(seq 1 "$defines"); do echo "define $base/xml/d$i.xml"; done > "$base/session.cmds"
t0=$(now)
"$cvirsh" -q -c "lxc:///embed?root=$base/root2" < "$base/session.cmds" >/dev/null
session_ms=$(ms_since "$t0")
rm -rf "$base/root2"

# --- (b) list with 10,000 domains ---------------------------------------------------------
populate_out=$("$populate" "$uri" $((domains - defines)) bulk)
count=$("$cvirsh" -c "$uri" list --all --name | grep -c .)
[ "$count" -eq "$domains" ] || echo "list.sh: warning: $count domains defined, expected $domains" >&2

variants=("list --all" "list --all --uuid" "list --all --title")
declare -A med lo hi
if [ "${HYPERFINE:-}" != none ] && command -v hyperfine >/dev/null; then
  tool="hyperfine $(hyperfine --version | awk '{print $2}') (--shell=none, 2 warm-ups)"
  cmds=()
  for v in "${variants[@]}"; do cmds+=("'$cvirsh' -c '$uri' $v"); done
  hyperfine --shell=none --warmup 2 --runs "$runs" --style none \
    --export-csv "$base/list.csv" "${cmds[@]}" >/dev/null 2>"$base/hyperfine.err" ||
    { cat "$base/hyperfine.err" >&2; exit 1; }
  # command,mean,stddev,median,user,system,min,max (seconds), one row per variant in order
  i=0
  while IFS=, read -r _ _ _ median _ _ min max; do
    v=${variants[$i]}
    med[$v]=$(awk -v s="$median" 'BEGIN {printf "%.1f", s * 1000}')
    lo[$v]=$(awk -v s="$min" 'BEGIN {printf "%.1f", s * 1000}')
    hi[$v]=$(awk -v s="$max" 'BEGIN {printf "%.1f", s * 1000}')
    i=$((i + 1))
  done < <(tail -n +2 "$base/list.csv")
else
  tool="bash loop with date +%s%N (hyperfine absent or HYPERFINE=none), 2 warm-ups"
  for v in "${variants[@]}"; do
    # shellcheck disable=SC2086  # $v is the command's words
    for _ in 1 2; do "$cvirsh" -c "$uri" $v >/dev/null; done
    for _ in $(seq 1 "$runs"); do
      a=$(now)
      # shellcheck disable=SC2086
      "$cvirsh" -c "$uri" $v >/dev/null
      b=$(now)
      echo $(( (b - a) / 1000 ))
    done | sort -n > "$base/samples"
    med[$v]=$(awk '{a[NR] = $1} END {printf "%.1f", (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) / 1000}' "$base/samples")
    lo[$v]=$(awk 'NR == 1 {printf "%.1f", $1 / 1000}' "$base/samples")
    hi[$v]=$(awk 'END {printf "%.1f", $1 / 1000}' "$base/samples")
  done
fi

# --- report -------------------------------------------------------------------------------
verdict() { awk -v m="$1" -v t="$2" 'BEGIN {print (m < t) ? "PASS" : "MISS"}'; }
row() { printf '%-50s %12s %12s  %s\n' "$@"; }
per_define=$(awk -v t="$define_ms" -v n="$defines" 'BEGIN {printf "%.2f", t / n}')
echo "embed root on $(df -T "$base" | awk 'NR == 2 {print $2}'), list timing: $tool"
echo "populate: $populate_out"
row "figure" "measured" "target" ""
row "$defines x cvirsh define, one process each" "$define_ms ms" "< $((defines * 5)) ms" "$(verdict "$define_ms" $((defines * 5)))"
row "  per define" "$per_define ms" "< 5.00 ms" "$(verdict "$per_define" 5)"
row "  the loop's own fork+exec of /bin/true x$defines" "$loop_ms ms" "-" ""
row "$defines x define in one cvirsh session (stdin)" "$session_ms ms" "-" ""
for v in "${variants[@]}"; do
  if [ "$v" = "list --all" ]; then target="< 150 ms"; pass=$(verdict "${med[$v]}" 150)
  else target="-"; pass=""; fi
  row "$v, $count domains (median of $runs)" "${med[$v]} ms" "$target" "$pass"
  row "  min - max" "${lo[$v]} - ${hi[$v]}" "" ""
done
