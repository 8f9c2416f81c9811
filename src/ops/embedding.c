/* embedding (EmbeddingBackward0) and its dense backward
   (EmbeddingDenseBackwardBackward0), as derivatives.yaml has them, and one_hot. */
#include "ops.h"

#include <string.h>

/* What embedding's derivatives read besides the indices: the rows of the
   weight, the row that gets no gradient (-1: none), and whether a row's
   gradient is divided by how often its index occurs. */
typedef struct embedding_params {
    int64_t num_weights, padding_idx;
    bool scale_grad_by_freq;
} embedding_params;

/* (indices == padding_idx) as a column of a (numel, 1) mask. */
static tg_tensor *padding_rows(const tg_tensor *flat, int64_t padding_idx)
{
    return tg_unsqueeze(tg_eq_scalar(flat, (double)padding_idx), 1);
}

/* How often each position's index occurs among the indices, in dtype dt. */
static tg_tensor *frequencies(const tg_tensor *flat, int64_t num_weights, tg_dtype dt)
{
    tg_tensor *ones = tg_ones(tg_shape(flat), 1, dt);
    tg_tensor *counts = tg_index_add(tg_zeros(TG_SHAPE(num_weights), dt), 0, flat, ones, 1);
    return tg_index_select(counts, 0, flat);
}

/* PyTorch's embedding_dense_backward: the gradient of each position of g
   (indices' shape + (dim,)) added into the row of the weight its index
   names, but for padding_idx. */
static tg_tensor *embedding_dense_backward(const tg_tensor *g, const tg_tensor *indices, const embedding_params *p)
{
    if (!g || !indices) return NULL;
    int64_t numel = tg_numel(indices), dim = g->shape[g->ndim - 1];
    tg_tensor *out = NULL;
    tg__tangents_pause();   /* its own rule gives the tangent (ops/tangents_nn.c) */
    TG_NO_GRAD {
        tg_tensor *flat = tg_reshape(indices, TG_SHAPE(numel));
        tg_tensor *rows = tg_reshape(g, TG_SHAPE(numel, dim));
        if (p->padding_idx >= 0) rows = tg_masked_fill(rows, padding_rows(flat, p->padding_idx), 0);
        if (p->scale_grad_by_freq && rows) rows = tg_div(rows, tg_unsqueeze(frequencies(flat, p->num_weights, rows->dtype), 1));
        out = rows ? tg_index_add(tg_zeros(TG_SHAPE(p->num_weights, dim), g->dtype), 0, flat, rows, 1) : NULL;
    }
    tg__tangents_resume();
    tg_node *n;
    if (!out || tg__record(out, (tg_record){.op = TG_OP_EMBEDDING_DENSE_BACKWARD, .n_saved = 1, TG_PARAMS(*p),
                                             .tangent_ctx = indices}, &g, 1, &n))
        return NULL;
    if (n) tg__save(n, 0, indices);
    return out;
}

tg_tensor *tg__embedding_dense_backward_again(const tg_tensor *g, const tg_tensor *indices, const void *params)
{
    return embedding_dense_backward(g, indices, params);
}

int tg__d_embedding(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    gi[0] = embedding_dense_backward(g, SAVED(0), n->params);
    return tg__derivative_done(n, gi);
}

/* PyTorch's embedding_dense_double_backward: the rows of g the indices
   name, zero at padding_idx (no scaling: the first backward scaled). */
int tg__d_embedding_dense_backward(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    const embedding_params *p = n->params;
    tg_tensor *indices = SAVED(0);
    if (!indices) return -1;
    tg_tensor *flat = tg_reshape(indices, TG_SHAPE(tg_numel(indices)));
    tg_tensor *rows = tg_index_select(g, 0, flat);
    if (p->padding_idx >= 0) rows = tg_masked_fill(rows, padding_rows(flat, p->padding_idx), 0);
    int64_t shape[TG_MAX_DIMS];
    memcpy(shape, indices->shape, (size_t)indices->ndim * sizeof *shape);
    shape[indices->ndim] = g->shape[1];
    gi[0] = tg_view(rows, shape, indices->ndim + 1);
    return tg__derivative_done(n, gi);
}

/* F.embedding's check of padding_idx, which it then wraps (-1: none). */
static int wrap_padding_idx(const tg_tensor *weight, tg_embedding_opts opts, int64_t *padding_idx)
{
    *padding_idx = -1;
    if (!opts.has_padding_idx) return 0;
    if (weight->ndim == 0) return tg__faili(TG_E_INDEX, "Dimension specified as 0 but tensor has no dimensions");
    int64_t rows = weight->shape[0], idx = opts.padding_idx;
    if (idx >= rows || idx < -rows) return tg__faili(TG_E_INVALID, "Padding_idx must be within num_embeddings");
    *padding_idx = idx < 0 ? idx + rows : idx;
    return 0;
}

/* fn names the public function. */
static tg_tensor *embedding(const char *fn, const tg_tensor *indices, const tg_tensor *weight, tg_embedding_opts opts)
{
    TG_ARG_OF(fn, indices);
    TG_ARG_OF(fn, weight);
    embedding_params p = {.scale_grad_by_freq = opts.scale_grad_by_freq};
    if (wrap_padding_idx(weight, opts, &p.padding_idx)) return NULL;
    if (weight->ndim != 2) return tg__fail(TG_E_SHAPE, "'weight' must be 2-D");
    if (indices->dtype != TG_I64 && indices->dtype != TG_I32)
        return tg__fail(TG_E_DTYPE, "Expected tensor for argument #1 'indices' to have one of the following scalar "
                                    "types: Long, Int; but got %s instead (while checking arguments for embedding)",
                        tg__legacy_type(indices->dtype));
    p.num_weights = weight->shape[0];
    /* the rows of weight the indices name, shaped indices' shape + (dim,) */
    int64_t shape[TG_MAX_DIMS], strides[TG_MAX_DIMS];
    if (indices->ndim + 1 > TG_MAX_DIMS)
        return tg__fail(TG_E_SHAPE, "%s(): tensors may have at most %d dimensions", fn, TG_MAX_DIMS);
    memcpy(shape, indices->shape, (size_t)indices->ndim * sizeof *shape);
    shape[indices->ndim] = weight->shape[1];
    tg__contiguous_strides(shape, indices->ndim + 1, strides);
    tg_tensor *rows = NULL;
    tg__tangents_pause();   /* its own rule gives the tangent (ops/tangents_nn.c) */
    TG_NO_GRAD { rows = tg_index_select(weight, 0, tg_reshape(indices, TG_SHAPE(tg_numel(indices)))); }
    tg__tangents_resume();
    tg_tensor *out = rows ? tg__alias(rows, shape, strides, indices->ndim + 1, rows->offset) : NULL;
    tg_node *n;
    if (!out || tg__record(out, (tg_record){.op = TG_OP_EMBEDDING, .n_saved = 1, TG_PARAMS(p), .tangent_ctx = indices}, &weight,
                           1, &n))
        return NULL;
    if (n) tg__save(n, 0, indices);
    return out;
}

tg_tensor *tg_embedding_ex(const tg_tensor *indices, const tg_tensor *weight, tg_embedding_opts opts)
{
    return embedding(__func__, indices, weight, opts);
}

tg_tensor *tg_embedding(const tg_tensor *indices, const tg_tensor *weight)
{
    return embedding(__func__, indices, weight, (tg_embedding_opts){0});
}

/* ------------------------------------------------------------- one_hot */

/* The smallest and largest of t's values (TG_I64, not empty). */
static int extremes(const tg_tensor *t, int64_t *lo, int64_t *hi)
{
    tg_tensor *mn = tg_min(t), *mx = tg_max(t);
    if (!mn || !mx) return -1;
    tg__capture_refuse("tg_one_hot");
    *lo = tg__load_int(tg__ptr(mn), TG_I64);
    *hi = tg__load_int(tg__ptr(mx), TG_I64);
    return 0;
}

/* PyTorch's one_hot: zeros with a last dim of num_classes (-1: the largest
   index + 1), and 1 scattered at each index. */
tg_tensor *tg_one_hot(const tg_tensor *index, int64_t num_classes)
{
    TG_ARG(index);
    if (index->dtype != TG_I64) return tg__fail(TG_E_DTYPE, "one_hot is only applicable to index tensor.");
    if (index->ndim + 1 > TG_MAX_DIMS)
        return tg__fail(TG_E_SHAPE, "%s(): tensors may have at most %d dimensions", __func__, TG_MAX_DIMS);
    int64_t shape[TG_MAX_DIMS];
    memcpy(shape, index->shape, (size_t)index->ndim * sizeof *shape);
    if (tg_numel(index) == 0) {
        if (num_classes <= 0) return tg__fail(TG_E_INVALID, "Can not infer total number of classes from empty tensor.");
        shape[index->ndim] = num_classes;
        return tg_zeros(shape, index->ndim + 1, TG_I64);
    }
    int64_t lo, hi;
    if (extremes(index, &lo, &hi)) return NULL;
    if (lo < 0) return tg__fail(TG_E_INVALID, "Class values must be non-negative.");
    if (num_classes == -1) num_classes = hi + 1;
    else if (num_classes <= hi) return tg__fail(TG_E_INVALID, "Class values must be smaller than num_classes.");
    shape[index->ndim] = num_classes;
    return tg__scatter_value(tg_zeros(shape, index->ndim + 1, TG_I64), -1, tg_unsqueeze(index, -1), 1);
}
