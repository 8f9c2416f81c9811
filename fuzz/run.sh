#!/bin/sh
# Builds the libFuzzer harness in build-fuzz/ (clang, ASan + UBSan, the
# library instrumented too) and fuzzes for SECONDS seconds (default 60)
# over a copy of fuzz/corpus/ plus fuzz/regressions/, then prints the
# number of executions. Exits non-zero when the fuzzer found a problem; the
# input that shows it is left in build-fuzz/artifacts/ (minimize it with
# `build-fuzz/fuzz/fuzz_tensorgrad -minimize_crash=1 -runs=10000 FILE`,
# then save it in fuzz/regressions/).
#
#   fuzz/run.sh [SECONDS]
# Environment: BUILD (default build-fuzz), JOBS (build parallelism),
# FUZZ_FLAGS (extra libFuzzer flags).
set -eu
cd "$(dirname "$0")/.."

seconds=${1:-60}
build=${BUILD:-build-fuzz}
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}

CC=clang cmake -S . -B "$build" -DTG_FUZZ=ON -DTG_SANITIZE=address,undefined \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo > /dev/null
cmake --build "$build" --target fuzz_tensorgrad -j "$jobs" > /dev/null

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus" "$build/artifacts"
cp fuzz/corpus/* "$work/corpus/"

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
status=0
# shellcheck disable=SC2086
"$build/fuzz/fuzz_tensorgrad" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=5 \
    -print_final_stats=1 -artifact_prefix="$build/artifacts/" ${FUZZ_FLAGS:-} \
    "$work/corpus" fuzz/regressions > "$work/log" 2>&1 || status=$?

execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -n 1)
if [ -z "$execs" ]; then   # no final stats (a crash): the last status line's count
    execs=$(sed -n 's/^#\([0-9][0-9]*\).*/\1/p' "$work/log" | tail -n 1)
fi
cov=$(grep -o 'cov: [0-9]*' "$work/log" | tail -n 1 | cut -d' ' -f2)
echo "fuzz: ${execs:-0} executions in ${seconds}s, coverage ${cov:-?} edges, corpus $(ls "$work/corpus" | wc -l) inputs"
if [ "$status" -ne 0 ]; then
    grep -E 'ERROR|runtime error|tgfz:|SUMMARY|Test unit written' "$work/log" | head -n 20 >&2
    echo "fuzz: FAILED (exit $status); the input is in $build/artifacts/" >&2
    cp "$work/log" "$build/artifacts/last.log"
fi
exit "$status"
