/* The floor for the MLP step of bench_models: the same 784-512-512-10
   network (Linear weights (out, in) as PyTorch's), ReLU, mean
   softmax-cross-entropy and plain SGD, written by hand with cblas_sgemm
   and loops over buffers allocated once: what the step costs without a
   tensor library.

     mlp_hand BATCH   prints "hand.mlp_bBATCH.step" (microseconds) and
                      "hand.mlp_bBATCH.rss" (peak RSS, MiB) */
#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

enum { LAYERS = 3 };
static const int dims[LAYERS + 1] = {784, 512, 512, 10};

typedef struct net {
    int batch;
    float *w[LAYERS], *b[LAYERS];
    float *act[LAYERS + 1];    /* act[0] the input, act[i + 1] layer i's output (after ReLU) */
    float *grad[LAYERS + 1];   /* d loss / d act[i] (for i >= 1) */
    int *target;
} net;

static float *buffer(size_t count, unsigned seed, float scale)
{
    float *p = malloc(count * sizeof(float));
    if (!p) exit(1);
    for (size_t i = 0; i < count; i++) {
        seed = seed * 1103515245u + 12345u;
        p[i] = scale * ((float)(seed >> 8 & 0xffff) / 32768.0f - 1.0f);
    }
    return p;
}

static void forward(net *n)
{
    for (int l = 0; l < LAYERS; l++) {
        int in = dims[l], out = dims[l + 1];
        float *y = n->act[l + 1];
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n->batch, out, in, 1.0f, n->act[l], in, n->w[l], in,
                    0.0f, y, out);
        for (int i = 0; i < n->batch; i++)
            for (int j = 0; j < out; j++) {
                float v = y[i * out + j] + n->b[l][j];
                y[i * out + j] = l + 1 < LAYERS && v < 0.0f ? 0.0f : v;
            }
    }
}

/* Mean cross-entropy of the logits; writes its gradient (softmax - one
   hot) / batch into grad[LAYERS]. */
static float softmax_cross_entropy(net *n)
{
    int classes = dims[LAYERS];
    float loss = 0.0f;
    for (int i = 0; i < n->batch; i++) {
        const float *z = n->act[LAYERS] + i * classes;
        float *g = n->grad[LAYERS] + i * classes, max = z[0], sum = 0.0f;
        for (int j = 1; j < classes; j++) max = fmaxf(max, z[j]);
        for (int j = 0; j < classes; j++) sum += g[j] = expf(z[j] - max);
        for (int j = 0; j < classes; j++) g[j] /= sum * (float)n->batch;
        g[n->target[i]] -= 1.0f / (float)n->batch;
        loss += logf(sum) + max - z[n->target[i]];
    }
    return loss / (float)n->batch;
}

/* Backward with SGD folded in: each layer's input gradient is taken with
   the weights before their update, then the weight gradient goes straight
   into the weights (W -= lr dy^T x as one sgemm with beta 1) and the bias
   gradient into the bias, so no gradient buffer is written or read twice. */
static void backward_and_sgd(net *n, float lr)
{
    for (int l = LAYERS - 1; l >= 0; l--) {
        int in = dims[l], out = dims[l + 1];
        const float *dy = n->grad[l + 1];
        if (l > 0) {
            float *dx = n->grad[l];
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n->batch, in, out, 1.0f, dy, out, n->w[l], in,
                        0.0f, dx, in);
            for (int i = 0; i < n->batch * in; i++)
                if (n->act[l][i] <= 0.0f) dx[i] = 0.0f;
        }
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, out, in, n->batch, -lr, dy, out, n->act[l], in, 1.0f,
                    n->w[l], in);
        for (int i = 0; i < n->batch; i++)
            for (int j = 0; j < out; j++) n->b[l][j] -= lr * dy[i * out + j];
    }
}

static float last_loss;

static void step(void *ctx)
{
    net *n = ctx;
    forward(n);
    last_loss = softmax_cross_entropy(n);
    backward_and_sgd(n, 0.01f);
}

int main(int argc, char **argv)
{
    int batch = argc == 2 ? atoi(argv[1]) : 0;
    if (batch < 1) {
        fprintf(stderr, "usage: %s BATCH\n", argv[0]);
        return 2;
    }
    net n = {.batch = batch, .target = malloc((size_t)batch * sizeof(int))};
    if (!n.target) return 1;
    for (int i = 0; i < batch; i++) n.target[i] = (i * 7) % dims[LAYERS];
    for (int l = 0; l <= LAYERS; l++) {
        n.act[l] = buffer((size_t)batch * (size_t)dims[l], 1u + (unsigned)l, 1.0f);
        n.grad[l] = buffer((size_t)batch * (size_t)dims[l], 0, 0.0f);
    }
    for (int l = 0; l < LAYERS; l++) {
        size_t count = (size_t)dims[l] * (size_t)dims[l + 1];
        float bound = 1.0f / sqrtf((float)dims[l]);
        n.w[l] = buffer(count, 10u + (unsigned)l, bound);
        n.b[l] = buffer((size_t)dims[l + 1], 20u + (unsigned)l, bound);
    }
    double first = bench_now_us();
    step(&n);
    int steps = (int)(5e5 / (bench_now_us() - first + 1.0)) + 2;
    for (int i = 0; i < steps; i++) step(&n);
    double best = bench_best_us(step, &n, steps, 3);
    if (!isfinite(last_loss)) {
        fprintf(stderr, "mlp_hand: the loss is %f\n", (double)last_loss);
        return 1;
    }
    printf("hand.mlp_b%d.step %.3f\nhand.mlp_b%d.rss %.1f\n", batch, best, batch, bench_peak_rss_mib());
    for (int l = 0; l <= LAYERS; l++) free(n.act[l]), free(n.grad[l]);
    for (int l = 0; l < LAYERS; l++) free(n.w[l]), free(n.b[l]);
    free(n.target);
    return 0;
}
