#!/bin/sh
# bench/run.sh BUILD_DIR [THREADS]: runs bench_ops and the same workloads in
# PyTorch, one after the other on the same machine, and prints the ratio
# tensorgrad time / PyTorch time (below 1 means tensorgrad is faster). The
# 16M add is also compared with the STREAM triad measured in bench_ops's own
# process (same traffic: read two arrays, write one), as bandwidth.
build=${1:-build} threads=${2:-1}
here=$(dirname "$0")
export OPENBLAS_NUM_THREADS=$threads OMP_NUM_THREADS=$threads
c_out=$("$build/bench/bench_ops") || exit 1
py_out=$(/usr/bin/python3 "$here/bench_torch.py" "$threads") || exit 1
echo "$c_out" | while read -r name us; do
    torch_us=$(echo "$py_out" | awk -v n="$name" '$1 == n {print $2}')
    if [ -z "$torch_us" ]; then
        printf "%-22s %10.2f us (baseline)\n" "$name" "$us"
        continue
    fi
    awk -v n="$name" -v c="$us" -v t="$torch_us" \
        'BEGIN { printf "%-22s tensorgrad %10.2f us   pytorch %10.2f us   ratio %.2f\n", n, c, t, c / t }'
done
echo "$c_out" | awk '$1 == "add_16M_forward" {a = $2} $1 == "triad_16M" {t = $2}
    END { printf "%-22s add %.2f GB/s   triad %.2f GB/s   ratio %.2f\n", "add_16M_vs_triad",
          201326592 / a / 1000, 201326592 / t / 1000, t / a }'
