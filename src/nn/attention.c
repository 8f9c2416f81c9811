/* MultiheadAttention, composed as PyTorch 1.13's
   F.multi_head_attention_forward composes it (the path PyTorch 2 also
   takes when it returns the weights): packed in-projection, heads as a
   batch, q / sqrt(head_dim), baddbmm with the additive mask (or bmm),
   softmax, dropout, bmm, out_proj. Without bias_k/bias_v, add_zero_attn
   and separate kdim/vdim. */
#include "nn.h"

#include <math.h>
#include <stdio.h>

typedef struct attention {
    tg_module base;
    int64_t embed_dim, num_heads;
    double dropout;
    bool has_bias, batch_first;
    tg_tensor *in_proj_weight, *in_proj_bias;   /* bias NULL without */
    tg_module *out_proj;                        /* child */
} attention;

static const tg_module_kind MULTIHEAD_ATTENTION = {"MultiheadAttention", NULL, NULL};

static const char *size_text(char *buf, size_t cap, const tg_tensor *t)
{
    return tg__shape_text(tg_shape(t), tg_ndim(t), "torch.Size([", "])", buf, cap);
}

/* _mha_shape_check: whether the query is batched, or -1 with its error. */
static int batched(const tg_tensor *q, const tg_tensor *k, const tg_tensor *v, const tg_tensor *key_padding_mask,
                   const tg_tensor *attn_mask)
{
    int nq = tg_ndim(q), nk = tg_ndim(k), nv = tg_ndim(v);
    if (nq != 2 && nq != 3)
        return tg__faili(TG_E_SHAPE, "query should be unbatched 2D or batched 3D tensor but received %d-D query tensor",
                         nq);
    const char *form = nq == 3 ? "batched (3-D)" : "unbatched (2-D)";
    if (nk != nq || nv != nq)
        return tg__faili(TG_E_SHAPE,
                         "For %s `query`, expected `key` and `value` to be %d-D but found %d-D and %d-D tensors "
                         "respectively",
                         form, nq, nk, nv);
    if (key_padding_mask && tg_ndim(key_padding_mask) != nq - 1)
        return tg__faili(
            TG_E_SHAPE,
            "For %s `query`, expected `key_padding_mask` to be `None` or %d-D but found %d-D tensor instead", form,
            nq - 1, tg_ndim(key_padding_mask));
    if (attn_mask && tg_ndim(attn_mask) != 2 && tg_ndim(attn_mask) != 3)
        return tg__faili(TG_E_SHAPE,
                         "For %s `query`, expected `attn_mask` to be `None`, 2-D or 3-D but found %d-D tensor instead",
                         form, tg_ndim(attn_mask));
    return nq == 3;
}

/* attn_mask as (1 or N*H, L, S), checked as PyTorch checks it. */
static tg_tensor *shaped_attn_mask(const tg_tensor *mask, int64_t rows, int64_t L, int64_t S)
{
    tg_dtype dt = tg_dtype_of(mask);
    char got[128], want[64];
    if (dt != TG_BOOL && !tg__is_floating(dt))
        return tg__fail(TG_E_DTYPE, "Only float, byte, and bool types are supported for attn_mask, not %s",
                        tg_dtype_name(dt));
    if (tg_ndim(mask) == 2) {
        if (tg_shape(mask)[0] != L || tg_shape(mask)[1] != S)
            return tg__fail(TG_E_SHAPE, "The shape of the 2D attn_mask is %s, but should be %s.",
                            size_text(got, sizeof got, mask), tg__py_tuple((int64_t[]){L, S}, 2, want, sizeof want));
        return tg_unsqueeze(mask, 0);
    }
    if (tg_shape(mask)[0] != rows || tg_shape(mask)[1] != L || tg_shape(mask)[2] != S)
        return tg__fail(TG_E_SHAPE, "The shape of the 3D attn_mask is %s, but should be %s.",
                        size_text(got, sizeof got, mask), tg__py_tuple((int64_t[]){rows, L, S}, 3, want, sizeof want));
    return tg__share(mask);
}

/* The additive mask of both masks (NULL when neither is given; *failed
   on an error): key_padding_mask (N, S) spread over the heads, merged into
   attn_mask, booleans made -inf. */
static tg_tensor *additive_mask(const tg_tensor *attn_mask, const tg_tensor *key_padding_mask, int64_t N, int64_t H,
                                int64_t L, int64_t S, tg_dtype dtype, bool *failed)
{
    tg_tensor *mask = NULL;
    *failed = false;
    if (attn_mask && !(mask = shaped_attn_mask(attn_mask, N * H, L, S))) return *failed = true, NULL;
    if (key_padding_mask) {
        char got[128], want[64];
        if (tg_shape(key_padding_mask)[0] != N || tg_shape(key_padding_mask)[1] != S) {
            tg__fail(TG_E_SHAPE, "expecting key_padding_mask shape of %s, but got %s",
                     tg__py_tuple((int64_t[]){N, S}, 2, want, sizeof want), size_text(got, sizeof got, key_padding_mask));
            return *failed = true, NULL;
        }
        tg_tensor *spread = tg_reshape(
            tg_expand(tg_view(key_padding_mask, TG_SHAPE(N, 1, 1, S)), TG_SHAPE(-1, H, -1, -1)), TG_SHAPE(N * H, 1, S));
        if (!mask) mask = spread;
        else if (tg_dtype_of(mask) == TG_BOOL) mask = tg_logical_or(mask, spread);
        else mask = tg_masked_fill(mask, spread, -INFINITY);
    }
    if (mask && tg_dtype_of(mask) == TG_BOOL)
        mask = tg_masked_fill(tg_zeros(tg_shape(mask), tg_ndim(mask), dtype), mask, -INFINITY);
    if ((attn_mask || key_padding_mask) && !mask) *failed = true;
    return mask;
}

/* (L, N*H, head_dim) heads of x (L', N, E), as a batch: (N*H, L', head_dim). */
static tg_tensor *heads(const tg_tensor *x, int64_t NH, int64_t head_dim)
{
    if (!x) return NULL;
    return tg_transpose(tg_view(tg_contiguous(x), TG_SHAPE(tg_shape(x)[0], NH, head_dim)), 0, 1);
}

/* q, k, v projected with the packed in_proj_weight (_in_projection_packed). */
static int project(const attention *a, const tg_tensor *query, const tg_tensor *key, const tg_tensor *value,
                   tg_tensor **q, tg_tensor **k, tg_tensor **v)
{
    const tg_tensor *w = a->in_proj_weight, *b = a->in_proj_bias;
    int64_t E = a->embed_dim;
    if (query == key && key == value) {
        tg_tensor *qkv[3];
        if (tg_chunk(tg_linear(query, w, b), 3, -1, qkv, 3) != 3) return -1;
        *q = qkv[0], *k = qkv[1], *v = qkv[2];
    } else if (key == value) {
        tg_tensor *kv[2];
        *q = tg_linear(query, tg_narrow(w, 0, 0, E), b ? tg_narrow(b, 0, 0, E) : NULL);
        tg_tensor *kv_proj = tg_linear(key, tg_narrow(w, 0, E, 2 * E), b ? tg_narrow(b, 0, E, 2 * E) : NULL);
        if (tg_chunk(kv_proj, 2, -1, kv, 2) != 2) return -1;
        *k = kv[0], *v = kv[1];
    } else {
        tg_tensor *ws[3], *bs[3] = {NULL, NULL, NULL};
        if (tg_chunk(w, 3, 0, ws, 3) != 3 || (b && tg_chunk(b, 3, 0, bs, 3) != 3)) return -1;
        *q = tg_linear(query, ws[0], bs[0]);
        *k = tg_linear(key, ws[1], bs[1]);
        *v = tg_linear(value, ws[2], bs[2]);
    }
    return *q && *k && *v ? 0 : -1;
}

/* F.multi_head_attention_forward on sequence-first (L, N, E) inputs. */
static tg_tensor *attend(attention *a, const tg_tensor *query, const tg_tensor *key, const tg_tensor *value,
                         const tg_tensor *key_padding_mask, const tg_tensor *attn_mask, bool average,
                         tg_tensor **weights_out)
{
    int64_t L = tg_shape(query)[0], N = tg_shape(query)[1], E = tg_shape(query)[2], S = tg_shape(key)[0];
    int64_t H = a->num_heads, head_dim = a->embed_dim / H;
    char got[128], want[128];
    if (key_padding_mask && tg_dtype_of(key_padding_mask) != TG_BOOL && !tg__is_floating(tg_dtype_of(key_padding_mask)))
        return tg__fail(TG_E_DTYPE, "only bool and floating types of key_padding_mask are supported");
    if (E != a->embed_dim)
        return tg__fail(TG_E_SHAPE, "was expecting embedding dimension of %lld, but got %lld", (long long)a->embed_dim,
                        (long long)E);
    if (!tg__same_shape(tg_shape(key), 3, tg_shape(value), 3))
        return tg__fail(TG_E_SHAPE, "key shape %s does not match value shape %s", size_text(got, sizeof got, key),
                        size_text(want, sizeof want, value));
    tg_tensor *q, *k, *v;
    if (project(a, query, key, value, &q, &k, &v)) return NULL;
    bool failed;
    tg_tensor *mask = additive_mask(attn_mask, key_padding_mask, N, H, L, S, tg_dtype_of(q), &failed);
    if (failed) return NULL;
    q = heads(q, N * H, head_dim);
    k = heads(k, N * H, head_dim);
    v = heads(v, N * H, head_dim);
    tg_tensor *q_scaled = tg_div_scalar(q, sqrt((double)head_dim));
    tg_tensor *kt = tg_transpose(k, -2, -1);
    tg_tensor *scores = mask ? tg_baddbmm(mask, q_scaled, kt, 1, 1) : tg_bmm(q_scaled, kt);
    tg_tensor *weights = tg_softmax(scores, -1);
    if (a->base.training && a->dropout > 0) weights = tg_dropout(weights, a->dropout, true);
    tg_tensor *out = tg_view(tg_contiguous(tg_transpose(tg_bmm(weights, v), 0, 1)), TG_SHAPE(L * N, E));
    out = tg_module_forward(a->out_proj, out);
    out = tg_view(out, TG_SHAPE(L, N, E));
    if (weights_out && out) {
        weights = tg_view(weights, TG_SHAPE(N, H, L, S));
        if (average) weights = tg_div_scalar(tg_sum_dim(weights, (const int64_t[]){1}, 1, false), (double)H);
        if (!(*weights_out = weights)) return NULL;
    }
    return out;
}

tg_tensor *tg_nn_multihead_attention_forward(tg_module *m, const tg_tensor *query, const tg_tensor *key,
                                             const tg_tensor *value, const tg_tensor *key_padding_mask,
                                             const tg_tensor *attn_mask, bool average_attn_weights,
                                             tg_tensor **attn_weights)
{
    if (attn_weights) *attn_weights = NULL;
    if (!m) return tg__fail(TG_E_NULL, "%s(): the module is NULL", __func__);
    if (m->kind != &MULTIHEAD_ATTENTION)
        return tg__fail(TG_E_INVALID, "%s(): the module is a %s, not a MultiheadAttention", __func__, m->kind->name);
    TG_ARG(query);
    TG_ARG(key);
    TG_ARG(value);
    attention *a = (attention *)m;
    int is_batched = batched(query, key, value, key_padding_mask, attn_mask);
    if (is_batched < 0) return NULL;
    /* Sequence first, keeping which inputs are the same tensor. */
    const tg_tensor *q = query, *k = key, *v = value, *kpm = key_padding_mask;
    if (!is_batched || a->batch_first) {
        tg_tensor *q2 = is_batched ? tg_transpose(query, 1, 0) : tg_unsqueeze(query, 1);
        tg_tensor *k2 = key == query ? q2 : is_batched ? tg_transpose(key, 1, 0) : tg_unsqueeze(key, 1);
        tg_tensor *v2 = value == key ? k2 : is_batched ? tg_transpose(value, 1, 0) : tg_unsqueeze(value, 1);
        q = q2, k = k2, v = v2;
        if (!is_batched && kpm) kpm = tg_unsqueeze(kpm, 0);
        if (!q || !k || !v || (key_padding_mask && !kpm)) return NULL;
    }
    tg_tensor *weights = NULL;
    tg_tensor *out = attend(a, q, k, v, kpm, attn_mask, average_attn_weights, attn_weights ? &weights : NULL);
    if (!out) return NULL;
    if (!is_batched) {
        out = tg_squeeze_dim(out, 1);
        if (weights) weights = tg_squeeze_dim(weights, 0);
    } else if (a->batch_first) {
        out = tg_transpose(out, 1, 0);
    }
    if (!out || (attn_weights && !weights)) return NULL;
    if (attn_weights) *attn_weights = weights;
    return out;
}

/* xavier_uniform_ in_proj_weight, zero biases; out_proj's weight as a
   Linear's (MultiheadAttention._reset_parameters). */
static int attention_tensors(tg_module *m)
{
    attention *a = (attention *)m;
    int64_t E = a->embed_dim;
    a->in_proj_weight =
        tg__module_add_parameter(m, "in_proj_weight", tg_init_xavier_uniform_(tg_empty(TG_SHAPE(3 * E, E), TG_F32), 1));
    if (!a->in_proj_weight) return -1;
    if (a->has_bias &&
        !(a->in_proj_bias = tg__module_add_parameter(m, "in_proj_bias", tg_zeros(TG_SHAPE(3 * E), TG_F32))))
        return -1;
    a->out_proj = tg__nn_out_proj(E, a->has_bias);
    if (tg__module_add_child(m, "out_proj", a->out_proj)) return -1;
    return a->has_bias && !tg_init_zeros_(tg_module_get_parameter(a->out_proj, "bias")) ? -1 : 0;
}

tg_module *tg_nn_multihead_attention(int64_t embed_dim, int64_t num_heads, double dropout, bool bias, bool batch_first)
{
    if (num_heads == 0) return tg__fail(TG_E_INVALID, "integer division or modulo by zero");
    if (embed_dim / num_heads * num_heads != embed_dim)
        return tg__fail(TG_E_INVALID, "embed_dim must be divisible by num_heads");
    attention *a = tg__module_new(&MULTIHEAD_ATTENTION, sizeof *a);
    if (!a) return NULL;
    a->embed_dim = embed_dim;
    a->num_heads = num_heads;
    a->dropout = dropout;
    a->has_bias = bias;
    a->batch_first = batch_first;
    return tg__module_build(&a->base, attention_tensors);
}
