#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The closing line of `make check`: how many tests and cases were skipped in the last ctest run
# of each BUILD_DIR, and why (each "SKIP: …" of a whole test binary, each "SKIP (part): …" of a
# case). Only skips the hardware forces may remain on a fresh machine (see README).
#   tests/skip-summary.sh BUILD_DIR...
n=0
out=$(mktemp)
for b in "$@"; do
    log=$b/Testing/Temporary/LastTest.log
    [ -f "$log" ] || continue
    awk -v build="$(basename "$b")" '
        /^[0-9]+\/[0-9]+ Testing: / { name = $3 }
        match($0, /SKIP( \(part\))?: .*/) { print "  " build "/" name ": " substr($0, RSTART) }
    ' "$log" | sort -u >>"$out"
done
n=$(wc -l <"$out")
cat "$out"
rm -f "$out"
echo "skipped: $n tests or cases in $*$([ "$n" -gt 0 ] && echo ', each listed above with its reason')"
