/* tg_capture_step with its N-th allocation failing, for every N
   (tests/alloc_sweep.h): a training step (forward, backward, SGD with
   momentum) and a step with dropout, each failing with TG_E_OOM and
   keeping nothing; then a replay of what succeeds. */
#include "alloc_sweep.h"

typedef struct mlp {
    tg_tensor *w, *b, *x, *y, *loss;
    tg_generator *gen;
    tg_optimizer *opt;
} mlp;

static int train_step(void *ctx)
{
    mlp *m = ctx;
    tg_optimizer_zero_grad(m->opt);
    tg_tensor *h = tg_dropout_gen(tg_linear(m->x, m->w, m->b), 0.25, true, m->gen);
    tg_tensor *loss = tg_mse_loss(tg_tanh(h), m->y);
    if (!loss || tg_backward(loss, NULL) != 0 || tg_optimizer_step(m->opt) != 0) return -1;
    if (m->loss) tg_release(m->loss);
    m->loss = tg_retain(loss);
    return 0;
}

static int capture_and_free(void *ctx)
{
    tg_capture *c = tg_capture_step(train_step, ctx);
    if (!c) return -1;
    int rc = tg_capture_replay(c);
    tg_capture_free(c);
    return rc;
}

int main(void)
{
    mlp m = {0};
    tg_manual_seed(5);
    m.w = tg_retain(tg_requires_grad_(tg_randn(TG_SHAPE(3, 4), TG_F32), true));
    m.b = tg_retain(tg_requires_grad_(tg_zeros(TG_SHAPE(3), TG_F32), true));
    m.x = tg_retain(tg_randn(TG_SHAPE(6, 4), TG_F32));
    m.y = tg_retain(tg_randn(TG_SHAPE(6, 3), TG_F32));
    m.gen = tg_generator_new(9);
    m.opt = tg_sgd((tg_tensor *[]){m.w, m.b}, 2, (tg_sgd_opts){.lr = 0.05, .momentum = 0.9});
    tg_scope_begin();
    CHECK(train_step(&m) == 0);   /* a warm-up: .grad and the momentum exist */
    tg_scope_end();
    CHECK(alloc_sweep("tg_capture_step", capture_and_free, &m) > 0);
    tg_release(m.w);
    tg_release(m.b);
    tg_release(m.x);
    tg_release(m.y);
    tg_release(m.loss);
    tg_generator_free(m.gen);
    tg_optimizer_free(m.opt);
    return TEST_MAIN_END();
}
