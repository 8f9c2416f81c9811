/* Record once, replay many (tg_capture_step) against eager steps, in the
   same process: the MLP 784-512-512-10 SGD step at batch 8 (bench_models'
   mlp_b8, with .grad zeroed in place so that the step can be captured) and
   the per-op chain's forward + backward (chain.h). Prints
   "tg.capture.NAME.eager" and "tg.capture.NAME.replay" (microseconds per
   step, best of several runs after warm-up). */
#include <stdlib.h>
#include <tensorgrad.h>

#include "bench.h"
#include "chain.h"

enum { MLP_PARAMS = 6 };

typedef struct mlp {
    tg_tensor *params[MLP_PARAMS], *input, *target;
    tg_optimizer *opt;
} mlp;

static tg_tensor *param(const int64_t *shape, int ndim)
{
    return tg_retain(tg_requires_grad_(tg_mul_scalar(tg_randn(shape, ndim, TG_F32), 0.05), true));
}

static int mlp_step(void *ctx)
{
    mlp *m = ctx;
    tg_optimizer_zero_grad(m->opt);
    tg_tensor *h = tg_relu(tg_linear(m->input, m->params[0], m->params[1]));
    h = tg_relu(tg_linear(h, m->params[2], m->params[3]));
    tg_tensor *loss = tg_cross_entropy(tg_linear(h, m->params[4], m->params[5]), m->target);
    return tg_backward(loss, NULL) || tg_optimizer_step(m->opt) ? -1 : 0;
}

typedef struct chain { tg_tensor *x, *b; } chain;

static int chain_step(void *ctx)
{
    chain *c = ctx;
    return tg_backward(tg_sum(chain_ops(c->x, c->b)), NULL);
}

/* One eager step in a scope of its own, as a training loop runs it. */
typedef struct eager { int (*step)(void *); void *ctx; } eager;

static void eager_step(void *ctx)
{
    eager *e = ctx;
    tg_scope_begin();
    if (e->step(e->ctx)) fprintf(stderr, "bench_capture: %s\n", tg_last_error());
    tg_scope_end();
}

static void replay_step(void *ctx)
{
    if (tg_capture_replay(ctx)) fprintf(stderr, "bench_capture: %s\n", tg_last_error());
}

/* Times the eager step and its replay, alternating, and prints both. */
static int compare(const char *name, int (*step)(void *), void *ctx, int iters)
{
    eager e = {step, ctx};
    eager_step(&e);   /* warm-up: .grad and the optimizer's state exist */
    tg_capture *c = tg_capture_step(step, ctx);
    if (!c) {
        fprintf(stderr, "bench_capture: %s\n", tg_last_error());
        return -1;
    }
    double eager_us = 1e300, replay_us = 1e300;
    for (int round = 0; round < 5; round++) {
        double t = bench_best_us(eager_step, &e, iters, 1);
        eager_us = t < eager_us ? t : eager_us;
        t = bench_best_us(replay_step, c, iters, 1);
        replay_us = t < replay_us ? t : replay_us;
    }
    printf("tg.capture.%s.eager %.3f\n", name, eager_us);
    printf("tg.capture.%s.replay %.3f\n", name, replay_us);
    tg_capture_free(c);
    return 0;
}

int main(void)
{
    tg_manual_seed(0);
    mlp m = {{param(TG_SHAPE(512, 784)), param(TG_SHAPE(512)), param(TG_SHAPE(512, 512)), param(TG_SHAPE(512)),
              param(TG_SHAPE(10, 512)), param(TG_SHAPE(10))},
             tg_retain(tg_randn(TG_SHAPE(8, 784), TG_F32)), tg_retain(tg_randint(0, 10, TG_SHAPE(8))), NULL};
    m.opt = tg_sgd(m.params, MLP_PARAMS, (tg_sgd_opts){.lr = 0.01});
    chain ch = {param(TG_SHAPE(4)), tg_retain(tg_rand(TG_SHAPE(4), TG_F32))};
    int status = compare("mlp_b8", mlp_step, &m, 50) || compare("chain_fwdbwd", chain_step, &ch, 20);
    tg_optimizer_free(m.opt);
    for (int i = 0; i < MLP_PARAMS; i++) tg_release(m.params[i]);
    tg_release(m.input);
    tg_release(m.target);
    tg_release(ch.x);
    tg_release(ch.b);
    return status ? 1 : 0;
}
