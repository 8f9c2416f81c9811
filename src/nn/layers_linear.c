/* Linear, Bilinear, Dropout, Dropout2d and Embedding, initialised and
   printed as torch.nn's. */
#include "nn.h"

#include <math.h>
#include <stdio.h>

/* --------------------------------------------------------------- Linear */

typedef struct linear {
    tg_module base;
    int64_t in_features, out_features;
    bool has_bias;
    tg_tensor *weight, *bias;   /* bias NULL without */
} linear;

static tg_tensor *linear_forward(tg_module *m, const tg_tensor *input)
{
    const linear *l = (const linear *)m;
    return tg_linear(input, l->weight, l->bias);
}

static void linear_extra(const tg_module *m, char *buf, size_t cap)
{
    const linear *l = (const linear *)m;
    snprintf(buf, cap, "in_features=%lld, out_features=%lld, bias=%s", (long long)l->in_features,
             (long long)l->out_features, tg__py_bool(l->bias != NULL));
}

static const tg_module_kind LINEAR = {"Linear", linear_forward, linear_extra};
/* MultiheadAttention's out_proj: a Linear by another name. */
static const tg_module_kind OUT_PROJ = {"NonDynamicallyQuantizableLinear", linear_forward, linear_extra};

static int linear_tensors(tg_module *m)
{
    linear *l = (linear *)m;
    l->weight = tg__module_add_parameter(
        m, "weight", tg__init_linear_weight(tg_empty(TG_SHAPE(l->out_features, l->in_features), TG_F32)));
    if (!l->weight) return -1;
    if (!l->has_bias) return 0;
    l->bias = tg__module_add_parameter(m, "bias", tg__init_fan_in_uniform(tg_empty(TG_SHAPE(l->out_features), TG_F32),
                                                                          l->weight));
    return l->bias ? 0 : -1;
}

static tg_module *new_linear(const tg_module_kind *kind, int64_t in_features, int64_t out_features, bool bias)
{
    linear *l = tg__module_new(kind, sizeof *l);
    if (!l) return NULL;
    l->in_features = in_features;
    l->out_features = out_features;
    l->has_bias = bias;
    return tg__module_build(&l->base, linear_tensors);
}

tg_module *tg_nn_linear(int64_t in_features, int64_t out_features, bool bias)
{
    return new_linear(&LINEAR, in_features, out_features, bias);
}

tg_module *tg__nn_out_proj(int64_t embed_dim, bool bias) { return new_linear(&OUT_PROJ, embed_dim, embed_dim, bias); }

/* ------------------------------------------------------------ Bilinear */

typedef struct bilinear {
    tg_module base;
    int64_t in1_features, in2_features, out_features;
    bool has_bias;
    tg_tensor *weight, *bias;   /* bias NULL without */
} bilinear;

static void bilinear_extra(const tg_module *m, char *buf, size_t cap)
{
    const bilinear *b = (const bilinear *)m;
    snprintf(buf, cap, "in1_features=%lld, in2_features=%lld, out_features=%lld, bias=%s",
             (long long)b->in1_features, (long long)b->in2_features, (long long)b->out_features,
             tg__py_bool(b->bias != NULL));
}

/* Its forward takes two inputs (tg_nn_bilinear_forward). */
static const tg_module_kind BILINEAR = {"Bilinear", NULL, bilinear_extra};

tg_tensor *tg_nn_bilinear_forward(tg_module *m, const tg_tensor *input1, const tg_tensor *input2)
{
    if (!m) return tg__fail(TG_E_NULL, "%s(): the module is NULL", __func__);
    if (m->kind != &BILINEAR)
        return tg__fail(TG_E_INVALID, "%s(): the module is a %s, not a Bilinear", __func__, m->kind->name);
    const bilinear *b = (const bilinear *)m;
    return tg_bilinear(input1, input2, b->weight, b->bias);
}

/* Weight and bias uniform on +-1/sqrt(in1_features) (weight.size(1), not
   the fan_in), as Bilinear.reset_parameters. */
static int bilinear_tensors(tg_module *m)
{
    bilinear *b = (bilinear *)m;
    double bound = 1 / sqrt((double)b->in1_features);
    b->weight = tg__module_add_parameter(
        m, "weight",
        tg_init_uniform_(tg_empty(TG_SHAPE(b->out_features, b->in1_features, b->in2_features), TG_F32), -bound,
                         bound));
    if (!b->weight) return -1;
    if (!b->has_bias) return 0;
    b->bias = tg__module_add_parameter(m, "bias",
                                       tg_init_uniform_(tg_empty(TG_SHAPE(b->out_features), TG_F32), -bound, bound));
    return b->bias ? 0 : -1;
}

tg_module *tg_nn_bilinear(int64_t in1_features, int64_t in2_features, int64_t out_features, bool bias)
{
    if (in1_features == 0) return tg__fail(TG_E_INVALID, "float division by zero");   /* PyTorch's 1 / sqrt(0) */
    bilinear *b = tg__module_new(&BILINEAR, sizeof *b);
    if (!b) return NULL;
    b->in1_features = in1_features;
    b->in2_features = in2_features;
    b->out_features = out_features;
    b->has_bias = bias;
    return tg__module_build(&b->base, bilinear_tensors);
}

/* ------------------------------------------------------------- Dropout */

typedef struct dropout {
    tg_module base;
    double p;
    bool channels;   /* Dropout2d */
} dropout;

static tg_tensor *dropout_forward(tg_module *m, const tg_tensor *input)
{
    const dropout *d = (const dropout *)m;
    return d->channels ? tg_dropout2d(input, d->p, m->training) : tg_dropout(input, d->p, m->training);
}

static void dropout_extra(const tg_module *m, char *buf, size_t cap)
{
    char p[32];
    snprintf(buf, cap, "p=%s, inplace=False", tg__py_float(((const dropout *)m)->p, p, sizeof p));
}

static const tg_module_kind DROPOUT = {"Dropout", dropout_forward, dropout_extra};
static const tg_module_kind DROPOUT2D = {"Dropout2d", dropout_forward, dropout_extra};

static tg_module *new_dropout(const tg_module_kind *kind, double p)
{
    char text[32];
    if (!(p >= 0 && p <= 1))
        return tg__fail(TG_E_INVALID, "dropout probability has to be between 0 and 1, but got %s",
                        tg__py_float(p, text, sizeof text));
    dropout *d = tg__module_new(kind, sizeof *d);
    if (!d) return NULL;
    d->p = p;
    d->channels = kind == &DROPOUT2D;
    return &d->base;
}

tg_module *tg_nn_dropout(double p) { return new_dropout(&DROPOUT, p); }
tg_module *tg_nn_dropout2d(double p) { return new_dropout(&DROPOUT2D, p); }

/* ----------------------------------------------------------- Embedding */

typedef struct embedding {
    tg_module base;
    int64_t num_embeddings, embedding_dim;
    tg_embedding_opts opts;   /* padding_idx made non-negative */
    tg_tensor *weight;
} embedding;

static tg_tensor *embedding_forward(tg_module *m, const tg_tensor *input)
{
    const embedding *e = (const embedding *)m;
    return tg_embedding_ex(input, e->weight, e->opts);
}

static void embedding_extra(const tg_module *m, char *buf, size_t cap)
{
    const embedding *e = (const embedding *)m;
    int n = snprintf(buf, cap, "%lld, %lld", (long long)e->num_embeddings, (long long)e->embedding_dim);
    if (e->opts.has_padding_idx && n >= 0 && (size_t)n < cap)
        n += snprintf(buf + n, cap - (size_t)n, ", padding_idx=%lld", (long long)e->opts.padding_idx);
    if (e->opts.scale_grad_by_freq && n >= 0 && (size_t)n < cap)
        snprintf(buf + n, cap - (size_t)n, ", scale_grad_by_freq=True");
}

static const tg_module_kind EMBEDDING = {"Embedding", embedding_forward, embedding_extra};

/* N(0, 1), the padding row zeroed. */
static int embedding_tensors(tg_module *m)
{
    embedding *e = (embedding *)m;
    e->weight = tg__module_add_parameter(
        m, "weight", tg_init_normal_(tg_empty(TG_SHAPE(e->num_embeddings, e->embedding_dim), TG_F32), 0, 1));
    if (!e->weight) return -1;
    if (!e->opts.has_padding_idx) return 0;
    tg_tensor *row = NULL;
    TG_NO_GRAD row = tg_fill_(tg_select(e->weight, 0, e->opts.padding_idx), 0);
    return row ? 0 : -1;
}

tg_module *tg_nn_embedding(int64_t num_embeddings, int64_t embedding_dim, tg_embedding_opts opts)
{
    if (opts.has_padding_idx) {
        if (opts.padding_idx >= num_embeddings || opts.padding_idx < -num_embeddings)
            return tg__fail(TG_E_INDEX, "Padding_idx must be within num_embeddings");
        if (opts.padding_idx < 0) opts.padding_idx += num_embeddings;
    }
    embedding *e = tg__module_new(&EMBEDDING, sizeof *e);
    if (!e) return NULL;
    e->num_embeddings = num_embeddings;
    e->embedding_dim = embedding_dim;
    e->opts = opts;
    return tg__module_build(&e->base, embedding_tensors);
}
