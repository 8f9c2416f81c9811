/* Data-parallel throughput (issue 14), run by run.sh as
   `mpirun -np 2 bench_dist`: the MLP 784-512-512-10 SGD step on a global
   batch of 128, done by rank 0 alone on the whole batch and on its slice
   (the others wait, asleep between polls), and by every rank on its slice
   through tg_ddp (the gradients averaged in buckets while backward runs),
   with PyTorch's default copies and with gradient_as_bucket_view, the four
   interleaved round by round at one thread. The machine is shared, so
   rank 0 prints each one's median step time over the rounds with the
   spread (min-max), the CPU time per step (getrusage: user + system, of
   rank 0 alone, summed over the ranks for DDP) that shows the overhead
   apart from the load, the medians of forward, backward and optimizer
   step, and the last step's bucket trace: when each bucket's last gradient
   came, when its all-reduce started and finished, against when the
   backward ended. Naming variants (`bench_dist ranks_step_view`) runs
   only those, for a profiler (perf record, perf stat) to see one alone. */
#include <tensorgrad_dist.h>

#include <stdlib.h>
#include <string.h>

#include "bench.h"

enum { GLOBAL_BATCH = 128, ROUNDS = 9, STEPS = 10, MAX_PARAMS = 8 };

typedef enum phase { FORWARD, BACKWARD, OPT_STEP, N_PHASES } phase;

typedef struct variant {
    const char *key, *what;
    bool everyone;   /* every rank trains (DDP), or rank 0 alone */
    bool half;       /* on this rank's slice of the batch */
    bool view;       /* DDP with gradient_as_bucket_view */
    bool skipped;    /* not named on the command line */
    tg_module *model;
    tg_ddp *ddp;
    tg_optimizer *opt;
    double wall[ROUNDS], cpu[ROUNDS], phases[N_PHASES][ROUNDS];
} variant;

static void make_model(variant *v, bool ddp, tg_ddp_opts opts)
{
    tg_tensor *params[MAX_PARAMS];
    tg_manual_seed(3);
    v->model = tg_nn_sequential((tg_module *[]){tg_nn_linear(784, 512, true), tg_nn_relu(),
                                                tg_nn_linear(512, 512, true), tg_nn_relu(),
                                                tg_nn_linear(512, 10, true)}, 5);
    v->ddp = ddp ? tg_ddp_new(v->model, opts) : NULL;
    int n = tg_module_parameters(v->model, params, MAX_PARAMS);
    v->opt = tg_sgd(params, n, (tg_sgd_opts){.lr = 0.01});
}

static double cpu_us(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 +
           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

/* One SGD step, adding each phase's time (us) to phases. */
static void step(variant *v, const tg_tensor *x, const tg_tensor *y, double *phases)
{
    tg_scope_begin();
    tg_optimizer_zero_grad_to_none(v->opt);
    double t0 = bench_now_us();
    tg_tensor *loss = tg_cross_entropy(v->ddp ? tg_ddp_forward(v->ddp, x) : tg_module_forward(v->model, x), y);
    double t1 = bench_now_us();
    if (tg_backward(loss, NULL) != 0) fprintf(stderr, "bench_dist: %s\n", tg_last_error());
    double t2 = bench_now_us();
    tg_optimizer_step(v->opt);
    double t3 = bench_now_us();
    phases[FORWARD] += t1 - t0, phases[BACKWARD] += t2 - t1, phases[OPT_STEP] += t3 - t2;
    tg_scope_end();
}

/* The sum over the ranks of each rank's value. */
static double sum_over_ranks(double value)
{
    tg_scope_begin();
    tg_tensor *t = tg_full(TG_SHAPE(), value, TG_F64);
    tg_dist_all_reduce(t, TG_DIST_SUM);
    double sum = tg_item(t);
    tg_scope_end();
    return sum;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(const double *values, double *lo, double *hi)
{
    double sorted[ROUNDS];
    for (int i = 0; i < ROUNDS; i++) sorted[i] = values[i];
    qsort(sorted, ROUNDS, sizeof *sorted, by_value);
    if (lo) *lo = sorted[0];
    if (hi) *hi = sorted[ROUNDS - 1];
    return sorted[ROUNDS / 2];
}

int main(int argc, char **argv)
{
    if (tg_dist_init(&argc, &argv) != 0) {
        fprintf(stderr, "bench_dist: %s\n", tg_last_error());
        return 1;
    }
    tg_set_num_threads(1);
    int rank = tg_dist_rank(), size = tg_dist_world_size();
    tg_manual_seed(1);
    tg_tensor *x = tg_randn(TG_SHAPE(GLOBAL_BATCH, 784), TG_F32);
    tg_tensor *y = tg_randint(0, 10, TG_SHAPE(GLOBAL_BATCH));
    int64_t slice = GLOBAL_BATCH / size;
    tg_tensor *my_x = tg_contiguous(tg_narrow(x, 0, rank * slice, slice));
    tg_tensor *my_y = tg_contiguous(tg_narrow(y, 0, rank * slice, slice));
    variant vs[] = {
        {.key = "one_rank", .what = "1 rank, whole batch"},
        {.key = "one_rank_half", .what = "1 rank, its slice", .half = true},
        {.key = "ranks_step", .what = "DDP, copies", .everyone = true, .half = true},
        {.key = "ranks_step_view", .what = "DDP, gradient_as_bucket_view", .everyone = true, .half = true,
         .view = true},
    };
    enum { N_VARIANTS = sizeof vs / sizeof *vs };
    for (int k = 0; k < N_VARIANTS; k++) {
        make_model(&vs[k], vs[k].everyone, (tg_ddp_opts){.gradient_as_bucket_view = vs[k].view});
        vs[k].skipped = argc > 1;
        for (int a = 1; a < argc; a++) vs[k].skipped &= strcmp(argv[a], vs[k].key) != 0;
    }
    double idle_cpu = 0;   /* the waiting ranks' CPU while rank 0 trains alone */
    int alone_runs = 0;
    for (int round = -1; round < ROUNDS; round++) {   /* round -1 warms up */
        for (int k = 0; k < N_VARIANTS; k++) {
            variant *v = &vs[k];
            double phases[N_PHASES] = {0};
            if (v->skipped) continue;
            tg_dist_barrier();
            double start = bench_now_us(), cpu = cpu_us();
            if (v->everyone || rank == 0)
                for (int s = 0; s < STEPS; s++) step(v, v->half ? my_x : x, v->half ? my_y : y, phases);
            double wall = bench_now_us() - start, cpu_end = cpu_us();
            tg_dist_barrier();
            if (round < 0) continue;
            if (!v->everyone && rank != 0) idle_cpu += cpu_us() - cpu;   /* its wait is the barrier */
            alone_runs += !v->everyone;
            cpu = cpu_end - cpu;
            double total_cpu = sum_over_ranks(v->everyone || rank == 0 ? cpu : 0);
            v->wall[round] = wall / STEPS;
            v->cpu[round] = total_cpu / STEPS;
            for (int p = 0; p < N_PHASES; p++) v->phases[p][round] = phases[p] / STEPS;
        }
    }
    idle_cpu = sum_over_ranks(idle_cpu);
    if (rank == 0) {
        printf("dist.ranks %d\n", size);
        double ratios[ROUNDS], lo, hi;
        for (int k = 0; k < N_VARIANTS; k++) {
            variant *v = &vs[k];
            if (v->skipped) continue;
            double wall = median(v->wall, &lo, &hi);
            printf("dist.mlp_b128.%s %.3f\n", v->key, wall);
            fprintf(stderr, "bench_dist: %-30s step %8.0f us (%.0f-%.0f), CPU %8.0f us/step, forward %.0f, backward "
                    "%.0f, optimizer %.0f us\n", v->what, wall, lo, hi, median(v->cpu, NULL, NULL),
                    median(v->phases[FORWARD], NULL, NULL), median(v->phases[BACKWARD], NULL, NULL),
                    median(v->phases[OPT_STEP], NULL, NULL));
            printf("dist.mlp_b128.%s.cpu %.3f\n", v->key, median(v->cpu, NULL, NULL));
            if (!v->everyone || vs[0].skipped) continue;
            for (int r = 0; r < ROUNDS; r++) ratios[r] = vs[0].wall[r] / v->wall[r];
            double ratio = median(ratios, &lo, &hi);
            fprintf(stderr, "bench_dist: %-30s speed-up %.3fx (%.3f-%.3f over %d rounds)\n", v->what, ratio, lo, hi,
                    ROUNDS);
            printf("dist.mlp_b128.%s.speedup %.3f\n", v->key, ratio);
        }
        if (alone_runs)
            fprintf(stderr, "bench_dist: the waiting ranks' CPU while rank 0 trained alone: %.0f us per step\n",
                    idle_cpu / (alone_runs * STEPS));
        tg_ddp_bucket_trace trace[8];
        double end = 0;
        const variant *traced = &vs[N_VARIANTS - 1];
        int k = traced->skipped ? 0 : tg_ddp_last_trace(traced->ddp, trace, 8, &end);
        for (int b = 0; b < k; b++) {
            fprintf(stderr, "bench_dist: bucket %d: last gradient %+.3f ms, all-reduce started %+.3f ms, finished "
                    "%+.3f ms (from the end of backward)\n", b, (trace[b].ready - end) * 1e3,
                    (trace[b].started - end) * 1e3, (trace[b].finished - end) * 1e3);
            printf("dist.bucket%d.started_before_end_ms %.3f\n", b, (end - trace[b].started) * 1e3);
        }
    }
    for (int k = 0; k < N_VARIANTS; k++) {
        tg_ddp_free(vs[k].ddp);
        tg_optimizer_free(vs[k].opt);
        tg_module_free(vs[k].model);
    }
    return tg_dist_finalize();
}
