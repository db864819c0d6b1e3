#!/bin/sh
# Runs each libFuzzer target for SECONDS: `make fuzz` (FUZZ_SECONDS) and `make check` (30 s).
#   fuzz/run-fuzzers.sh BUILD_DIR SECONDS [TARGET...]
# The checked-in corpus is copied to BUILD_DIR/fuzz-corpus/TARGET, which is what grows; the
# saved crashes in fuzz/regressions/TARGET are read as seeds too. Prints, per target, the
# executions, exec/s and coverage, and PASS or FAIL with the crashing input's path; exits 1
# when any target failed.
set -u
build=$1
seconds=$2
shift 2
src=$(cd "$(dirname "$0")" && pwd)
[ $# -gt 0 ] || set -- domain_xml network_xml lxc_native
failed=0
for t in "$@"; do
    case $t in lxc_native) dict=$src/lxc.dict ;; *) dict=$src/xml.dict ;; esac
    bin=$build/fuzz/fuzz-$t
    corpus=$build/fuzz-corpus/$t
    artifacts=$build/fuzz-artifacts/$t
    log=$build/fuzz-logs/$t.log
    mkdir -p "$corpus" "$artifacts" "$(dirname "$log")"
    cp -n "$src/corpus/$t/"* "$corpus/"
    regressions=$src/regressions/$t
    [ -d "$regressions" ] || regressions=
    rm -f "$artifacts"/*
    echo "fuzz-$t: ${seconds}s (log $log)"
    # Crashes, leaks, timeouts (25 s for one input) and out-of-memory (2 GiB) all fail.
    "$bin" -max_total_time="$seconds" -max_len=8192 -timeout=25 -rss_limit_mb=2048 \
        -dict="$dict" -artifact_prefix="$artifacts/" -print_final_stats=1 \
        "$corpus" $regressions >"$log" 2>&1
    rc=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
    cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$log" | tail -n 1)
    crash=$(ls "$artifacts"/* 2>/dev/null | head -n 1)
    if [ $rc -eq 0 ] && [ -z "$crash" ]; then
        echo "fuzz-$t: PASS  ${runs:-?} executions, ${speed:-?} exec/s, ${cov:-cov: ?}"
    else
        failed=1
        echo "fuzz-$t: FAIL  (exit $rc) after ${runs:-?} executions; input: ${crash:-none saved}"
        grep -m 1 -E '^==[0-9]+==ERROR|runtime error|fuzz invariant broken|deadly signal' "$log"
        echo "  reproduce: $bin ${crash:-<input>}   replay: see $log"
    fi
done
exit $failed
