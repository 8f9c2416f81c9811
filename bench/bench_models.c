/* One training step of a model, as a user's program writes it with
   tensorgrad's nn and optim: an MLP (Linear + ReLU layers, cross-entropy,
   SGD) or a GPT (token and position embeddings, pre-norm causal
   transformer blocks with GELU, a final LayerNorm, a linear head,
   cross-entropy, AdamW), on a fixed random batch. One model per process,
   so that the process's peak RSS is the model's:

     bench_models NAME mlp BATCH WIDTH HIDDEN_LAYERS
     bench_models NAME gpt VOCAB LAYERS HEADS CHANNELS CONTEXT BATCH

   prints "tg.NAME.step" (microseconds, best of several runs of a few
   steps after warm-up), "tg.NAME.rss" (peak RSS, MiB) and
   "tg.NAME.faults" (minor page faults per step after warm-up: memory
   taken from the system). bench_torch.py builds the same models. */
#include <stdlib.h>
#include <string.h>
#include <tensorgrad.h>

#include "bench.h"

enum { MAX_PARAMS = 256 };

typedef struct model {
    tg_module *layers;             /* MLP: the Sequential; GPT: the blocks */
    tg_module *embedding, *head;   /* GPT only */
    tg_tensor *position;           /* GPT only: (context, channels) */
    tg_tensor *mask;               /* GPT only: causal, true above the diagonal */
    tg_tensor *input, *target;
    int64_t batch, context, vocab;
    tg_optimizer *optimizer;
} model;

static tg_tensor *param(const int64_t *shape, int ndim)
{
    return tg_retain(tg_requires_grad_(tg_mul_scalar(tg_randn(shape, ndim, TG_F32), 0.02), true));
}

static int collect(const tg_module *m, tg_tensor **params, int n)
{
    int got = m ? tg_module_parameters(m, params + n, MAX_PARAMS - n) : 0;
    return got < 0 ? -MAX_PARAMS : n + got;
}

static int build_mlp(model *m, int64_t batch, int64_t width, int hidden_layers)
{
    tg_module *layers[2 * 16 + 1];
    int n = 0;
    if (hidden_layers < 1 || hidden_layers > 16) return -1;
    for (int i = 0; i < hidden_layers; i++) {
        layers[n++] = tg_nn_linear(i ? width : 784, width, true);
        layers[n++] = tg_nn_relu();
    }
    layers[n++] = tg_nn_linear(width, 10, true);
    m->layers = tg_nn_sequential(layers, n);
    m->input = tg_retain(tg_randn(TG_SHAPE(batch, 784), TG_F32));
    m->target = tg_retain(tg_randint(0, 10, TG_SHAPE(batch)));
    tg_tensor *params[MAX_PARAMS];
    int count = collect(m->layers, params, 0);
    if (count <= 0) return -1;
    m->optimizer = tg_sgd(params, count, (tg_sgd_opts){.lr = 0.01});
    return m->optimizer ? 0 : -1;
}

static int build_gpt(model *m, int64_t vocab, int64_t layers, int64_t heads, int64_t channels, int64_t context,
                     int64_t batch)
{
    m->batch = batch, m->context = context, m->vocab = vocab;
    m->embedding = tg_nn_embedding(vocab, channels, (tg_embedding_opts){0});
    m->position = param(TG_SHAPE(context, channels));
    tg_module *block = tg_nn_transformer_encoder_layer(channels, heads, 4 * channels, 0.0, "gelu", 1e-5, true, true);
    m->layers = tg_nn_transformer_encoder(block, layers, tg_nn_layer_norm(TG_SHAPE(channels), 1e-5, true));
    m->head = tg_nn_linear(channels, vocab, false);
    m->mask = tg_retain(tg_triu(tg_ones(TG_SHAPE(context, context), TG_BOOL), 1));
    m->input = tg_retain(tg_randint(0, vocab, TG_SHAPE(batch, context)));
    m->target = tg_retain(tg_randint(0, vocab, TG_SHAPE(batch * context)));
    tg_tensor *params[MAX_PARAMS];
    int count = collect(m->head, params, collect(m->layers, params, collect(m->embedding, params, 0)));
    if (count <= 0 || count >= MAX_PARAMS || !m->position) return -1;
    params[count++] = m->position;
    m->optimizer = tg_adamw(params, count, tg_adamw_defaults());
    return m->optimizer ? 0 : -1;
}

static tg_tensor *forward(model *m)
{
    if (!m->embedding) return tg_module_forward(m->layers, m->input);
    tg_tensor *x = tg_add(tg_module_forward(m->embedding, m->input), m->position);
    tg_tensor *h = tg_nn_transformer_encoder_forward(m->layers, x, m->mask, NULL);
    return tg_view(tg_module_forward(m->head, h), TG_SHAPE(m->batch * m->context, m->vocab));
}

static int train_step(model *m)
{
    tg_scope_begin();
    tg_optimizer_zero_grad_to_none(m->optimizer);
    int status = tg_backward(tg_cross_entropy(forward(m), m->target), NULL) || tg_optimizer_step(m->optimizer);
    tg_scope_end();
    return status ? -1 : 0;
}

static void step(void *ctx)
{
    if (train_step(ctx)) fprintf(stderr, "bench_models: %s\n", tg_last_error());
}

int main(int argc, char **argv)
{
    model m = {0};
    int status;
    tg_manual_seed(0);
    if (argc == 6 && !strcmp(argv[2], "mlp"))
        status = build_mlp(&m, atoll(argv[3]), atoll(argv[4]), atoi(argv[5]));
    else if (argc == 9 && !strcmp(argv[2], "gpt"))
        status = build_gpt(&m, atoll(argv[3]), atoll(argv[4]), atoll(argv[5]), atoll(argv[6]), atoll(argv[7]),
                           atoll(argv[8]));
    else {
        fprintf(stderr, "usage: %s NAME mlp BATCH WIDTH HIDDEN_LAYERS\n"
                        "       %s NAME gpt VOCAB LAYERS HEADS CHANNELS CONTEXT BATCH\n", argv[0], argv[0]);
        return 2;
    }
    if (status || train_step(&m)) {
        fprintf(stderr, "bench_models: %s\n", tg_last_error());
        return 1;
    }
    /* Warm up for about half a second (at least 2 steps), then time runs
       of a similar length: 3 of them, or 2 single steps when a step takes
       longer than that. */
    double first = bench_now_us();
    train_step(&m);
    double per_step = bench_now_us() - first;
    int steps = per_step > 5e5 ? 1 : (int)(5e5 / per_step);
    for (int i = 0; i < steps && per_step <= 5e5; i++) train_step(&m);
    long faults = bench_minor_faults();
    int runs = per_step > 5e5 ? 2 : 3;
    double best = bench_best_us(step, &m, steps, runs);
    printf("tg.%s.step %.3f\n", argv[1], best);
    printf("tg.%s.rss %.1f\n", argv[1], bench_peak_rss_mib());
    printf("tg.%s.faults %.1f\n", argv[1], (double)(bench_minor_faults() - faults) / (steps * runs));
    tg_optimizer_free(m.optimizer);
    tg_module_free(m.layers);
    tg_module_free(m.embedding);
    tg_module_free(m.head);
    tg_release(m.position);
    tg_release(m.mask);
    tg_release(m.input);
    tg_release(m.target);
    return 0;
}
