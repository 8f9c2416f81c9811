/* The per-op, elementwise, matmul and conv workloads of issue 10, with the
   baselines that run in this process: a hand-written C loop for the
   no-grad chain, memcpy and the STREAM triad for bandwidth, cblas_sgemm
   called directly for matmul. Prints "key microseconds" lines (the best
   of several repetitions, tensorgrad and its baseline alternating); run.sh
   runs PyTorch's twin, bench_torch.py, beside it. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <tensorgrad.h>

#include "bench.h"
#include "chain.h"
#ifdef BENCH_HAVE_CBLAS
#include <cblas.h>
#endif

static tg_tensor *leaf(const int64_t *shape, int ndim)
{
    return tg_retain(tg_requires_grad_(tg_mul_scalar(tg_randn(shape, ndim, TG_F32), 0.05), true));
}

/* ---------------------------------------------------------------- per-op */

/* The chain (chain.h): forward + backward, and forward alone without grad. */
typedef struct chain { tg_tensor *x, *b; } chain;

static tg_tensor *chain_forward(const chain *c) { return chain_ops(c->x, c->b); }

static void chain_fwdbwd(void *ctx)
{
    chain *c = ctx;
    tg_scope_begin();
    tg_backward(tg_sum(chain_forward(c)), NULL);
    tg_zero_grad(c->x);
    tg_scope_end();
}

static void chain_nograd(void *ctx)
{
    tg_scope_begin();
    TG_NO_GRAD { chain_forward(ctx); }
    tg_scope_end();
}

/* The floor: the same 1000 ops as a C loop over the same 4 floats. */
typedef struct hand_chain { float x[4], b[4], y[4]; } hand_chain;

static void hand_chain_forward(void *ctx)
{
    hand_chain *h = ctx;
    chain_c_loop(h->x, h->b, h->y);
}

static void bench_chain(void)
{
    chain c = {leaf(TG_SHAPE(4)), tg_retain(tg_rand(TG_SHAPE(4), TG_F32))};
    hand_chain h = {{0.1f, -0.2f, 0.3f, 0.05f}, {0.9f, 0.4f, 0.7f, 0.2f}, {0}};
    double fwdbwd = 1e300, nograd = 1e300, hand = 1e300;
    for (int r = 0; r < 5; r++) {
        fwdbwd = fmin(fwdbwd, bench_best_us(chain_fwdbwd, &c, 20, 1));
        nograd = fmin(nograd, bench_best_us(chain_nograd, &c, 20, 1));
        hand = fmin(hand, bench_best_us(hand_chain_forward, &h, 200, 1));
    }
    printf("tg.chain_fwdbwd %.3f\ntg.chain_nograd %.3f\nc.chain_nograd %.3f\n", fwdbwd, nograd, hand);
    tg_release(c.x);
    tg_release(c.b);
}

/* ----------------------------------------------------------- elementwise */

/* Each op on an (n / 1024, 1024) f32 tensor, its result allocated inside
   a scope as a user's loop allocates it; softmax, layer_norm, amax and
   argmax over the last dim, sum over all. */
static const char *const op_names[] = {"add", "mul", "exp", "tanh", "sigmoid", "gelu", "sum", "softmax", "layer_norm",
                                       "amax", "argmax"};
enum { N_OPS = sizeof op_names / sizeof op_names[0] };
typedef struct elementwise { tg_tensor *a, *b; int op; } elementwise;

static void elementwise_op(void *ctx)
{
    elementwise *e = ctx;
    tg_scope_begin();
    switch (e->op) {
    case 0: tg_add(e->a, e->b); break;
    case 1: tg_mul(e->a, e->b); break;
    case 2: tg_exp(e->a); break;
    case 3: tg_tanh(e->a); break;
    case 4: tg_sigmoid(e->a); break;
    case 5: tg_gelu(e->a); break;
    case 6: tg_sum(e->a); break;
    case 7: tg_softmax(e->a, 1); break;
    case 8: tg_layer_norm(e->a, TG_SHAPE(1024), NULL, NULL, 1e-5); break;
    case 9: tg_amax(e->a, (const int64_t[]){1}, 1, false); break;
    default: tg_argmax(e->a, 1, false); break;
    }
    tg_scope_end();
}

/* The bandwidth baselines: memcpy, and the STREAM triad a = b + s * c
   (the traffic of a binary op: two arrays read, one written). */
typedef struct streams { float *a, *b, *c; size_t n; } streams;

static void stream_memcpy(void *ctx)
{
    streams *s = ctx;
    memcpy(s->a, s->b, s->n * sizeof(float));
}

static void stream_triad(void *ctx)
{
    streams *s = ctx;
    float *restrict a = s->a;
    const float *restrict b = s->b, *restrict c = s->c;
    for (size_t i = 0; i < s->n; i++) a[i] = b[i] + 3.0f * c[i];
}

static void bench_elementwise(int64_t n, const char *label, int iters, int reps)
{
    elementwise e = {tg_retain(tg_randn(TG_SHAPE(n / 1024, 1024), TG_F32)),
                     tg_retain(tg_randn(TG_SHAPE(n / 1024, 1024), TG_F32)), 0};
    streams s = {calloc((size_t)n, sizeof(float)), calloc((size_t)n, sizeof(float)), calloc((size_t)n, sizeof(float)),
                 (size_t)n};
    double best[N_OPS], copy = 1e300, triad = 1e300;
    for (int op = 0; op < N_OPS; op++) best[op] = 1e300;
    for (int r = 0; r < reps; r++) {
        for (e.op = 0; e.op < N_OPS; e.op++) best[e.op] = fmin(best[e.op], bench_best_us(elementwise_op, &e, iters, 1));
        copy = fmin(copy, bench_best_us(stream_memcpy, &s, iters, 1));
        triad = fmin(triad, bench_best_us(stream_triad, &s, iters, 1));
    }
    for (int op = 0; op < N_OPS; op++) printf("tg.%s.%s %.3f\n", op_names[op], label, best[op]);
    printf("c.memcpy.%s %.3f\nc.triad.%s %.3f\n", label, copy, label, triad);
    free(s.a);
    free(s.b);
    free(s.c);
    tg_release(e.a);
    tg_release(e.b);
}

/* ---------------------------------------------------------------- matmul */

/* a @ b for (batch, n, n) operands (batch 0: 2-dim), forward alone or
   forward + both gradients (the incoming gradient a tensor of ones). */
typedef struct matmul { tg_tensor *a, *b, *ones; bool backward; } matmul;

static void matmul_step(void *ctx)
{
    matmul *m = ctx;
    tg_scope_begin();
    tg_tensor *c = tg_matmul(m->a, m->b);
    if (m->backward) {
        tg_backward(c, m->ones);
        tg_zero_grad(m->a);
        tg_zero_grad(m->b);
    }
    tg_scope_end();
}

#ifdef BENCH_HAVE_CBLAS
/* The same products as direct cblas_sgemm calls: C = A B, and for the
   gradients dA = G B^T, dB = A^T G, per matrix of the batch. */
typedef struct gemm { float *a, *b, *c, *g, *da, *db; int n, batch; bool backward; } gemm;

static void gemm_step(void *ctx)
{
    gemm *m = ctx;
    int n = m->n;
    size_t nn = (size_t)n * (size_t)n;
    for (int i = 0; i < m->batch; i++) {
        const float *a = m->a + i * nn, *b = m->b + i * nn, *g = m->g + i * nn;
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, a, n, b, n, 0.0f, m->c + i * nn, n);
        if (!m->backward) continue;
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, n, n, 1.0f, g, n, b, n, 0.0f, m->da + i * nn, n);
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, n, n, n, 1.0f, a, n, g, n, 0.0f, m->db + i * nn, n);
    }
}

static float *filled(size_t count, float value)
{
    float *p = malloc(count * sizeof(float));
    for (size_t i = 0; p && i < count; i++) p[i] = value * (float)((i * 7919) % 1000) / 1000.0f;
    return p;
}
#endif

static void bench_matmul(const char *key, int batch, int n, bool backward, int iters, int reps)
{
    matmul m = {batch ? leaf(TG_SHAPE(batch, n, n)) : leaf(TG_SHAPE(n, n)),
                batch ? leaf(TG_SHAPE(batch, n, n)) : leaf(TG_SHAPE(n, n)),
                tg_retain(batch ? tg_ones(TG_SHAPE(batch, n, n), TG_F32) : tg_ones(TG_SHAPE(n, n), TG_F32)), backward};
    double tg_us = 1e300;
#ifdef BENCH_HAVE_CBLAS
    int count = batch ? batch : 1;
    size_t total = (size_t)count * (size_t)n * (size_t)n;
    gemm g = {filled(total, 0.05f), filled(total, 0.05f), filled(total, 0), filled(total, 1), filled(total, 0),
              filled(total, 0), n, count, backward};
    double blas_us = 1e300;
#endif
    for (int r = 0; r < reps; r++) {
        tg_us = fmin(tg_us, bench_best_us(matmul_step, &m, iters, 1));
#ifdef BENCH_HAVE_CBLAS
        blas_us = fmin(blas_us, bench_best_us(gemm_step, &g, iters, 1));
#endif
    }
    printf("tg.%s %.3f\n", key, tg_us);
#ifdef BENCH_HAVE_CBLAS
    printf("c.%s %.3f\n", key, blas_us);
    float *buffers[] = {g.a, g.b, g.c, g.g, g.da, g.db};
    for (int i = 0; i < 6; i++) free(buffers[i]);
#endif
    tg_release(m.a);
    tg_release(m.b);
    tg_release(m.ones);
}

/* ------------------------------------------------------------------ conv */

/* A ResNet-like layer: conv2d 3x3, padding 1, 64 channels in and out,
   56x56, batch 8; forward and the gradients of input, weight and bias. */
typedef struct conv { tg_tensor *x, *w, *b, *ones; } conv;

static void conv_step(void *ctx)
{
    conv *c = ctx;
    tg_scope_begin();
    tg_backward(tg_conv2d(c->x, c->w, c->b, (tg_conv_opts){.padding = {1, 1}}), c->ones);
    tg_zero_grad(c->x);
    tg_zero_grad(c->w);
    tg_zero_grad(c->b);
    tg_scope_end();
}

static void bench_conv(void)
{
    conv c = {leaf(TG_SHAPE(8, 64, 56, 56)), leaf(TG_SHAPE(64, 64, 3, 3)), leaf(TG_SHAPE(64)),
              tg_retain(tg_ones(TG_SHAPE(8, 64, 56, 56), TG_F32))};
    printf("tg.conv_fwdbwd %.3f\n", bench_best_us(conv_step, &c, 2, 3));
    tg_release(c.x);
    tg_release(c.w);
    tg_release(c.b);
    tg_release(c.ones);
}

int main(void)
{
    tg_manual_seed(0);
    bench_chain();
    bench_elementwise(16 << 20, "16M", 2, 3);
    bench_elementwise(64 << 10, "64K", 50, 5);
    bench_elementwise(1 << 10, "1K", 2000, 5);
    bench_matmul("matmul1024_fwd", 0, 1024, false, 3, 3);
    bench_matmul("matmul1024_fwdbwd", 0, 1024, true, 2, 3);
    bench_matmul("bmm16x256_fwdbwd", 16, 256, true, 3, 3);
    bench_conv();
    const char *error = tg_last_error();
    if (error && *error) {
        fprintf(stderr, "bench_ops: %s\n", error);
        return 1;
    }
    return 0;
}
