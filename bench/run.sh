#!/bin/sh
# bench/run.sh BUILD_DIR [THREADS]: runs bench_ops and the same workloads in
# PyTorch, one after the other on the same machine, and prints the ratio
# tensorgrad time / PyTorch time (below 1 means tensorgrad is faster).
build=${1:-build} threads=${2:-1}
here=$(dirname "$0")
export OPENBLAS_NUM_THREADS=$threads OMP_NUM_THREADS=$threads
c_out=$("$build/bench/bench_ops") || exit 1
py_out=$(/usr/bin/python3 "$here/bench_torch.py" "$threads") || exit 1
echo "$c_out" | while read -r name us; do
    torch_us=$(echo "$py_out" | awk -v n="$name" '$1 == n {print $2}')
    awk -v n="$name" -v c="$us" -v t="$torch_us" \
        'BEGIN { printf "%-22s tensorgrad %10.2f us   pytorch %10.2f us   ratio %.2f\n", n, c, t, c / t }'
done
