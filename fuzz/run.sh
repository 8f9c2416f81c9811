#!/bin/sh
# Builds the libFuzzer harnesses in build-fuzz/ (clang, ASan + UBSan, the
# library instrumented too) and fuzzes for SECONDS seconds in all (default
# 60): half for the program fuzzer over a copy of fuzz/corpus/ plus
# fuzz/regressions/, a quarter each for the safetensors and .npy loaders
# over copies of fuzz/corpus_safetensors/ and fuzz/corpus_npy/ plus
# fuzz/evolved_safetensors/ and fuzz/evolved_npy/; prints
# each one's number of executions. Exits non-zero when the fuzzer found a problem; the
# input that shows it is left in build-fuzz/artifacts/, named after its
# target (minimize it with
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
cmake --build "$build" --target fuzz_tensorgrad fuzz_safetensors fuzz_npy -j "$jobs" > /dev/null

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$build/artifacts"

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

# fuzz_one TARGET SECONDS SEED_DIR [DIR...]: fuzzes over a copy of SEED_DIR
# (plus the other directories) and prints its line; sets status on failure.
status=0
fuzz_one() {
    target=$1 secs=$2 seeds=$3
    shift 3
    mkdir -p "$work/$target"
    cp "$seeds"/* "$work/$target/"
    rc=0
    # shellcheck disable=SC2086
    "$build/fuzz/$target" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=5 \
        -print_final_stats=1 -artifact_prefix="$build/artifacts/$target-" ${FUZZ_FLAGS:-} \
        "$work/$target" "$@" > "$work/$target.log" 2>&1 || rc=$?
    log="$work/$target.log"
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    if [ -z "$execs" ]; then   # no final stats (a crash): the last status line's count
        execs=$(sed -n 's/^#\([0-9][0-9]*\).*/\1/p' "$log" | tail -n 1)
    fi
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
    echo "fuzz: $target: ${execs:-0} executions in ${secs}s, coverage ${cov:-?} edges, corpus $(ls "$work/$target" | wc -l) inputs"
    if [ "$rc" -ne 0 ]; then
        grep -E 'ERROR|runtime error|tgfz:|SUMMARY|Test unit written' "$log" | head -n 20 >&2
        echo "fuzz: $target FAILED (exit $rc); the input is in $build/artifacts/" >&2
        cp "$log" "$build/artifacts/$target-last.log"
        status=$rc
    fi
}

# Half the time to the program fuzzer, a quarter to each file loader.
file_seconds=$((seconds / 4))
[ "$file_seconds" -gt 0 ] || file_seconds=1
fuzz_one fuzz_tensorgrad $((seconds - 2 * file_seconds)) fuzz/corpus fuzz/regressions
fuzz_one fuzz_safetensors "$file_seconds" fuzz/corpus_safetensors fuzz/evolved_safetensors
fuzz_one fuzz_npy "$file_seconds" fuzz/corpus_npy fuzz/evolved_npy
exit "$status"
