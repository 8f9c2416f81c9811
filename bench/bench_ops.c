/* Times a few workloads; bench/run.sh runs the same ones in PyTorch beside
   this program and prints the ratio. Output: one "name microseconds" line
   per workload (the best of several repetitions). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tensorgrad.h>
#include <time.h>

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

typedef void (*workload_fn)(void *ctx);

/* The best time of `reps` runs of `iters` calls each, per call. */
static double best_us(workload_fn fn, void *ctx, int iters, int reps)
{
    double best = 1e300;
    for (int r = 0; r < reps; r++) {
        double start = now_us();
        for (int i = 0; i < iters; i++) {
            tg_scope_begin();
            fn(ctx);
            tg_scope_end();
        }
        double per = (now_us() - start) / iters;
        if (per < best) best = per;
    }
    return best;
}

typedef struct pair { tg_tensor *a, *b; } pair;

static void add_forward(void *ctx)
{
    pair *p = ctx;
    tg_add(p->a, p->b);
}

static void small_ops_backward(void *ctx)
{
    pair *p = ctx;
    tg_tensor *y = tg_mul(tg_add_scalar(p->a, 2), p->b);
    tg_backward(tg_sum(tg_tanh(y)), NULL);
    tg_zero_grad(p->a);
}

static void matmul_backward(void *ctx)
{
    pair *p = ctx;
    tg_backward(tg_sum(tg_matmul(p->a, p->b)), NULL);
    tg_zero_grad(p->a);
    tg_zero_grad(p->b);
}

typedef struct mlp { tg_tensor *x, *y, *w1, *b1, *w2, *b2; } mlp;

static void mlp_step(void *ctx)
{
    mlp *m = ctx;
    tg_tensor *h = tg_relu(tg_add(tg_matmul(m->x, m->w1), m->b1));
    tg_tensor *out = tg_add(tg_matmul(h, m->w2), m->b2);
    tg_backward(tg_binary_cross_entropy_with_logits(out, m->y), NULL);
    tg_tensor *params[4] = {m->w1, m->b1, m->w2, m->b2};
    TG_NO_GRAD {
        for (int i = 0; i < 4; i++) tg_sub_(params[i], tg_mul_scalar(tg_grad(params[i]), 0.01));
    }
    for (int i = 0; i < 4; i++) tg_zero_grad(params[i]);
}

typedef struct conv_layer { tg_tensor *x, *w, *b; } conv_layer;

/* A small CNN layer: conv2d 3x3 with padding 1, forward and backward. */
static void conv2d_backward(void *ctx)
{
    conv_layer *c = ctx;
    tg_backward(tg_sum(tg_conv2d(c->x, c->w, c->b, (tg_conv_opts){.padding = {1, 1}})), NULL);
    tg_zero_grad(c->x);
    tg_zero_grad(c->w);
    tg_zero_grad(c->b);
}

/* The per-op overhead workload: 1000 recorded ops on 4 floats, cycling
   through mul, add, tanh, sub_scalar and sigmoid, then backward. */
enum { CHAIN_OPS = 1000 };

static void op_chain_backward(void *ctx)
{
    pair *p = ctx;
    tg_tensor *y = p->a;
    for (int i = 0; i < CHAIN_OPS; i++) {
        switch (i % 5) {
        case 0: y = tg_mul(y, p->b); break;
        case 1: y = tg_add(y, p->b); break;
        case 2: y = tg_tanh(y); break;
        case 3: y = tg_sub_scalar(y, 0.5); break;
        default: y = tg_sigmoid(y); break;
        }
    }
    tg_backward(tg_sum(y), NULL);
    tg_zero_grad(p->a);
}

/* The bandwidth baselines for the 16M add, in this process: memcpy and the
   STREAM triad a = b + s * c (the same 3 x 64 MB of traffic as a + b). */
enum { BIG = 16 << 20 };
typedef struct streams { float *a, *b, *c; } streams;

static void memcpy_16m(void *ctx)
{
    streams *s = ctx;
    memcpy(s->a, s->b, BIG * sizeof(float));
}

static void triad_16m(void *ctx)
{
    streams *s = ctx;
    for (int64_t i = 0; i < BIG; i++) s->a[i] = s->b[i] + 3.0f * s->c[i];
}

static tg_tensor *param(const int64_t *shape, int ndim)
{
    return tg_retain(tg_requires_grad_(tg_mul_scalar(tg_randn(shape, ndim, TG_F32), 0.05), true));
}

int main(void)
{
    tg_manual_seed(0);
    pair big = {tg_retain(tg_randn(TG_SHAPE(1000000), TG_F32)), tg_retain(tg_randn(TG_SHAPE(1000000), TG_F32))};
    printf("add_1M_forward %.2f\n", best_us(add_forward, &big, 50, 5));

    pair small = {param(TG_SHAPE(100)), tg_retain(tg_randn(TG_SHAPE(100), TG_F32))};
    printf("small_ops_backward %.2f\n", best_us(small_ops_backward, &small, 2000, 5));

    pair mm = {param(TG_SHAPE(256, 256)), param(TG_SHAPE(256, 256))};
    printf("matmul_256_backward %.2f\n", best_us(matmul_backward, &mm, 50, 5));

    mlp m = {tg_retain(tg_randn(TG_SHAPE(64, 784), TG_F32)), tg_retain(tg_rand(TG_SHAPE(64, 10), TG_F32)),
             param(TG_SHAPE(784, 256)), param(TG_SHAPE(256)), param(TG_SHAPE(256, 10)), param(TG_SHAPE(10))};
    printf("mlp_train_step %.2f\n", best_us(mlp_step, &m, 100, 5));

    pair chain = {param(TG_SHAPE(4)), tg_retain(tg_rand(TG_SHAPE(4), TG_F32))};
    printf("op_chain_1000_backward %.2f\n", best_us(op_chain_backward, &chain, 20, 5));

    /* the 16M add and its bandwidth baselines, interleaved */
    pair huge = {tg_retain(tg_randn(TG_SHAPE(BIG), TG_F32)), tg_retain(tg_randn(TG_SHAPE(BIG), TG_F32))};
    streams st = {calloc(BIG, sizeof(float)), calloc(BIG, sizeof(float)), calloc(BIG, sizeof(float))};
    double add_us = 1e300, memcpy_us = 1e300, triad_us = 1e300;
    for (int r = 0; r < 3; r++) {
        double a = best_us(add_forward, &huge, 5, 1), m = best_us(memcpy_16m, &st, 5, 1), t = best_us(triad_16m, &st, 5, 1);
        if (a < add_us) add_us = a;
        if (m < memcpy_us) memcpy_us = m;
        if (t < triad_us) triad_us = t;
    }
    printf("add_16M_forward %.2f\n", add_us);
    printf("memcpy_16M %.2f\n", memcpy_us);
    printf("triad_16M %.2f\n", triad_us);
    free(st.a); free(st.b); free(st.c);

    conv_layer conv = {param(TG_SHAPE(8, 16, 32, 32)), param(TG_SHAPE(16, 16, 3, 3)), param(TG_SHAPE(16))};
    printf("conv2d_3x3_backward %.2f\n", best_us(conv2d_backward, &conv, 10, 5));
    return 0;
}
