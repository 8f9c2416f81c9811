#!/bin/sh
# run.sh RUN_GRAPHS GEN_GRAPHS PYTHON SEED COUNT: one Python process writes
# COUNT random graphs and the regressions.txt beside GEN_GRAPHS with PyTorch's
# results (gen_graphs.py), one C process replays and compares them
# (run_graphs). Exit 77 (skipped) where PyTorch is not installed.
prog=$1 gen=$2 python=${3:-/usr/bin/python3} seed=${4:-1} count=${5:-1000}
if ! command -v "$python" >/dev/null 2>&1; then
    echo "SKIPPED: $python is not installed"
    exit 77
fi
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
"$python" "$gen" --seed "$seed" --count "$count" --regressions "$(dirname "$gen")/regressions.txt" \
    --out "$dir/graphs.txt"
rc=$?
[ $rc -eq 77 ] && exit 77   # gen_graphs.py found no PyTorch
if [ $rc -ne 0 ]; then
    echo "FAILED: $gen exited with $rc"
    exit 1
fi
"$prog" "$dir/graphs.txt"
