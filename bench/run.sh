#!/bin/sh
# bench/run.sh [BUILD_DIR]: runs every benchmark of issue 10 with its
# baselines and prints one table (bench/table.py; markdown, as
# docs/performance.md holds it). The programs print "key value" lines; all
# of them go to BUILD_DIR/bench/results.txt. tensorgrad and the baselines
# run in the same run under the same environment, alternating (BENCH_ROUNDS
# rounds, default 2, each key's best counting; one for the medium GPT):
#   bench_ops       tensorgrad's per-op, elementwise, matmul, conv workloads,
#                   and the in-process baselines (hand C loop, memcpy,
#                   STREAM triad, cblas_sgemm)
#   chain_libtorch  the per-op chain in libtorch C++ (where libtorch was found)
#   bench_torch.py  the same workloads and models in PyTorch, at 1 and 2 threads
#   bench_models    tensorgrad's MLP and GPT training steps, one process each
#   bench_capture   the MLP batch 8 step and the per-op chain replayed from a
#                   capture (tg_capture_step) against eager, same process
#   mlp_hand        the MLP step written by hand with cblas_sgemm
#   bench_dist      the MLP step data-parallel on 2 ranks of 1 thread against
#                   1 rank of 1 thread, same global batch (mpirun, where
#                   tensorgrad_dist was built)
# Environment: OPENBLAS_CORETYPE is unset (OpenBLAS picks its kernel for
# this CPU) unless BENCH_KEEP_CORETYPE=1; tensorgrad and the C baselines run
# with TG_BENCH_THREADS threads (default 1: OPENBLAS_NUM_THREADS and
# OMP_NUM_THREADS), PyTorch with torch.set_num_threads(n) and the same
# variables set to n, for n = 1 and 2.
set -u
build=${1:-build}
here=$(dirname "$0")
bin=$build/bench
results=$bin/results.txt
python=/usr/bin/python3
tg_threads=${TG_BENCH_THREADS:-1}
rounds=${BENCH_ROUNDS:-2}

coretype_note="unset"
if [ -n "${OPENBLAS_CORETYPE-}" ]; then
    if [ "${BENCH_KEEP_CORETYPE-}" = 1 ]; then
        coretype_note="$OPENBLAS_CORETYPE (kept: BENCH_KEEP_CORETYPE=1)"
    else
        coretype_note="unset by run.sh (was $OPENBLAS_CORETYPE)"
        unset OPENBLAS_CORETYPE
    fi
fi

if [ ! -x "$bin/bench_ops" ] || [ ! -x "$bin/bench_models" ]; then
    echo "bench: $bin/bench_ops or bench_models is missing: build $build first (make bench does)" >&2
    exit 1
fi
: > "$results"
run_started=$(date +%s)
note() { echo "note $*" >> "$results"; echo "bench: $*" >&2; }
env_line() { echo "env.$1 $2" >> "$results"; }

# run NAME THREADS COMMAND...: one program, its lines appended to results
run() {
    label=$1 nthreads=$2
    shift 2
    started=$(date +%s)
    if ! OPENBLAS_NUM_THREADS=$nthreads OMP_NUM_THREADS=$nthreads "$@" >> "$results"; then
        note "$label failed; its rows are missing"
    fi
    echo "bench: $label ($nthreads thread(s)): $(($(date +%s) - started)) s" >&2
}

have_torch=0
if "$python" -c "import torch" 2> /dev/null; then have_torch=1; else note "no PyTorch ($python -c 'import torch' fails): its baselines are skipped"; fi
have_libtorch=0
if [ -x "$bin/chain_libtorch" ]; then have_libtorch=1; else note "no $bin/chain_libtorch (Debian libtorch-dev, which sh tools/setup-deps bench installs as root; make bench then builds it): its baseline is skipped"; fi
[ -x "$bin/mlp_hand" ] || note "no CBLAS at build time: the hand-written MLP and the cblas_sgemm baselines are skipped"

env_line date "$(date -u '+%Y-%m-%d %H:%M UTC')"
commit=$(git -C "$here" log -1 --format='%h %s' 2> /dev/null | cut -c1-80)
git -C "$here" diff --quiet HEAD 2> /dev/null || commit="$commit (and uncommitted changes)"
env_line commit "$commit"
env_line cpu "$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //') ($(nproc) cores; $(grep -o -m1 -w -E 'avx512f|avx2' /proc/cpuinfo | sort -u | tr '\n' ' ' | sed 's/ $//'))"
env_line load "$(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min)"
env_line coretype "$coretype_note"
env_line rounds "$rounds (each key's best of them; gpt_medium: 1)"
env_line threads "tensorgrad and C baselines: $tg_threads (OPENBLAS_NUM_THREADS=OMP_NUM_THREADS=$tg_threads); PyTorch: best of 1 and 2 (torch.set_num_threads, same variables); per-op chain: PyTorch and libtorch 1 thread"
[ $have_torch = 1 ] && env_line torch "$("$python" -c 'import torch; print(torch.__version__)')"

# model NAME KIND ARGS...: tensorgrad's and PyTorch's step, alternating
model() {
    model_name=$1
    shift
    run "bench_models $model_name" "$tg_threads" "$bin/bench_models" "$model_name" "$@"
    if [ $have_torch = 1 ]; then
        for t in 1 2; do run "PyTorch $model_name" $t "$python" "$here/bench_torch.py" "$model_name" "$@" $t; done
    fi
}

round=0
while [ "$round" -lt "$rounds" ]; do
    round=$((round + 1))
    run bench_ops "$tg_threads" "$bin/bench_ops"
    [ $have_libtorch = 1 ] && run chain_libtorch 1 "$bin/chain_libtorch"
    [ -x "$bin/bench_capture" ] && run bench_capture "$tg_threads" "$bin/bench_capture"
    if [ $have_torch = 1 ]; then
        for t in 1 2; do run "PyTorch ops" $t "$python" "$here/bench_torch.py" ops $t; done
    fi
    for batch in 128 8; do
        model mlp_b$batch mlp $batch 512 2
        [ -x "$bin/mlp_hand" ] && run "mlp_hand $batch" "$tg_threads" "$bin/mlp_hand" $batch
    done
    model gpt_small gpt 512 4 4 128 64 4
    # the scaling rows: the small models with one dimension doubled (tensorgrad only)
    for variant in "width 512 4 4 256 64 4" "depth 512 8 4 128 64 4" "batch 512 4 4 128 64 8" "context 512 4 4 128 128 4"; do
        set -- $variant
        variant_name=gpt_small_$1
        shift
        run "bench_models $variant_name" "$tg_threads" "$bin/bench_models" "$variant_name" gpt "$@"
    done
    for variant in "width 128 1024 2" "depth 128 512 4" "batch 256 512 2"; do
        set -- $variant
        run "bench_models mlp_b128_$1" "$tg_threads" "$bin/bench_models" "mlp_b128_$1" mlp $2 $3 $4
    done
done
model gpt_medium gpt 8192 8 8 512 128 4
if [ -x "$bin/bench_dist" ] && command -v mpirun > /dev/null 2>&1; then
    OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 \
        run "bench_dist (2 ranks)" 1 mpirun --oversubscribe -np 2 "$bin/bench_dist"
else
    note "no $bin/bench_dist or no mpirun (tensorgrad_dist needs MPI: libopenmpi-dev openmpi-bin): the data-parallel row is skipped"
fi
env_line run_time "$(($(date +%s) - run_started)) s"
env_line load_after "$(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min)"

if command -v python3 > /dev/null 2>&1; then
    python3 "$here/table.py" "$results"
else
    cat "$results"
fi
