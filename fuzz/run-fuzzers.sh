#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs each libFuzzer target, in one of two modes:
#   fuzz/run-fuzzers.sh BUILD_DIR SECONDS [TARGET...]        `make fuzz`: open-ended exploration
#   fuzz/run-fuzzers.sh --check BUILD_DIR RUNS [TARGET...]   `make check`: the same verdict for the
#                                                           same commit on every machine
# Exploration copies the checked-in corpus to BUILD_DIR/fuzz-corpus/TARGET, which grows there,
# and runs with a random seed for SECONDS. --check starts from a fresh copy of the checked-in
# corpus every time (nothing a previous run found), with a fixed seed (-seed=FUZZ_SEED, default
# 1) and a fixed number of executions (-runs=RUNS), so its path is the same everywhere. Both read
# the saved crashes in fuzz/regressions/TARGET as seeds too. Prints, per target, the executions,
# exec/s and coverage, and PASS or FAIL with the crashing input's path; exits 1 when any target
# failed.
set -u
mode=explore
if [ "${1:-}" = --check ]; then
    mode=check
    shift
fi
build=$1
budget=$2
shift 2
seed=${FUZZ_SEED:-1}
src=$(cd "$(dirname "$0")" && pwd)
[ $# -gt 0 ] || set -- domain_xml network_xml lxc_native rpc_message
failed=0
for t in "$@"; do
    case $t in
        lxc_native) dict=-dict=$src/lxc.dict ;;
        rpc_message) dict= ;;  # binary: no tokens to suggest
        *) dict=-dict=$src/xml.dict ;;
    esac
    bin=$build/fuzz/fuzz-$t
    artifacts=$build/fuzz-artifacts/$t
    if [ $mode = check ]; then
        corpus=$build/fuzz-check-corpus/$t
        rm -rf "$corpus"
        limit="-seed=$seed -runs=$budget"
        what="$budget runs, seed $seed, fresh corpus"
    else
        corpus=$build/fuzz-corpus/$t
        limit="-max_total_time=$budget"
        what="${budget}s"
    fi
    log=$build/fuzz-logs/$t.log
    mkdir -p "$corpus" "$artifacts" "$(dirname "$log")"
    cp -n "$src/corpus/$t/"* "$corpus/"
    regressions=$src/regressions/$t
    [ -d "$regressions" ] || regressions=
    rm -f "$artifacts"/*
    echo "fuzz-$t: $what (log $log)"
    # Crashes, leaks, timeouts (25 s for one input) and out-of-memory (2 GiB) all fail.
    # shellcheck disable=SC2086
    "$bin" $limit -max_len=8192 -timeout=25 -rss_limit_mb=2048 \
        $dict -artifact_prefix="$artifacts/" -print_final_stats=1 \
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
        echo "  then save it as fuzz/regressions/$t/WHAT-IT-HIT"
    fi
done
exit $failed
