/* Data-parallel throughput (issue 14), run by run.sh as
   `mpirun -np 2 bench_dist`: the MLP 784-512-512-10 SGD step on a global
   batch of 128, done by rank 0 alone (the others wait, asleep between
   polls) and by every rank on its slice through tg_ddp (the gradients
   averaged in buckets while backward runs), alternating, each at one
   thread. Rank 0 prints the best step time of each, and the last step's
   bucket trace: when each bucket's last gradient came, when its all-reduce
   started and finished, against when the backward ended. */
#include <tensorgrad_dist.h>

#include "bench.h"

enum { GLOBAL_BATCH = 128, ROUNDS = 5, STEPS = 10 };

typedef struct trainer {
    tg_module *model;
    tg_ddp *ddp;   /* NULL: trained alone */
    tg_optimizer *opt;
    tg_tensor *params[8];
    int n;
} trainer;

static trainer make_trainer(bool parallel)
{
    trainer t;
    tg_manual_seed(3);
    t.model = tg_nn_sequential((tg_module *[]){tg_nn_linear(784, 512, true), tg_nn_relu(), tg_nn_linear(512, 512, true),
                                               tg_nn_relu(), tg_nn_linear(512, 10, true)}, 5);
    t.ddp = parallel ? tg_ddp_new(t.model, (tg_ddp_opts){0}) : NULL;
    t.n = tg_module_parameters(t.model, t.params, 8);
    t.opt = tg_sgd(t.params, t.n, (tg_sgd_opts){.lr = 0.01});
    return t;
}

static void step(trainer *t, const tg_tensor *x, const tg_tensor *y)
{
    tg_scope_begin();
    tg_optimizer_zero_grad_to_none(t->opt);
    tg_tensor *out = t->ddp ? tg_ddp_forward(t->ddp, x) : tg_module_forward(t->model, x);
    tg_backward(tg_cross_entropy(out, y), NULL);
    tg_optimizer_step(t->opt);
    tg_scope_end();
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
    trainer alone = make_trainer(false), parallel = make_trainer(true);
    double best_alone = 1e300, best_parallel = 1e300;
    for (int round = 0; round < ROUNDS + 1; round++) {   /* the first round warms up */
        tg_dist_barrier();
        double start = bench_now_us();
        if (rank == 0)
            for (int s = 0; s < STEPS; s++) step(&alone, x, y);
        double t_alone = (bench_now_us() - start) / STEPS;
        tg_dist_barrier();
        start = bench_now_us();
        for (int s = 0; s < STEPS; s++) step(&parallel, my_x, my_y);
        tg_dist_barrier();
        double t_parallel = (bench_now_us() - start) / STEPS;
        if (round > 0 && t_alone < best_alone) best_alone = t_alone;
        if (round > 0 && t_parallel < best_parallel) best_parallel = t_parallel;
    }
    if (rank == 0) {
        printf("dist.ranks %d\n", size);
        printf("dist.mlp_b128.one_rank %.3f\n", best_alone);
        printf("dist.mlp_b128.ranks_step %.3f\n", best_parallel);
        tg_ddp_bucket_trace trace[8];
        double end = 0;
        int k = tg_ddp_last_trace(parallel.ddp, trace, 8, &end);
        for (int b = 0; b < k; b++) {
            fprintf(stderr, "bench_dist: bucket %d: last gradient %+.3f ms, all-reduce started %+.3f ms, finished "
                    "%+.3f ms (from the end of backward)\n", b, (trace[b].ready - end) * 1e3,
                    (trace[b].started - end) * 1e3, (trace[b].finished - end) * 1e3);
            printf("dist.bucket%d.started_before_end_ms %.3f\n", b, (end - trace[b].started) * 1e3);
        }
    }
    tg_ddp_free(parallel.ddp);
    tg_optimizer_free(alone.opt), tg_optimizer_free(parallel.opt);
    tg_module_free(alone.model), tg_module_free(parallel.model);
    return tg_dist_finalize();
}
