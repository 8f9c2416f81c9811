/* Joining and splitting: cat and stack copy their inputs side by side into
   a new tensor; split, chunk and unbind return views of the pieces. */
#include "ops.h"

#include <stdlib.h>
#include <string.h>

typedef struct join_params { int64_t dim; } join_params;

/* PyTorch 1.13 still skips 1-D tensors of size 0 in cat (once the only
   empty tensors), whatever their other sizes would have to be. */
static bool skipped(int ndim, const int64_t *shape) { return ndim == 1 && shape[0] == 0; }

/* src copied into out's part [at, at + len) along dim d, or into its
   index `at` along d (dim dropped) when len is -1. */
static void copy_part(const tg_tensor *out, int d, int64_t at, int64_t len, const tg_tensor *src)
{
    tg_tensor part = *out;   /* a geometry over out's storage, not a tensor of its own */
    part.autograd = NULL;
    part.offset += at * out->strides[d];
    if (len >= 0) {
        part.shape[d] = len;
    } else {
        memmove(part.shape + d, part.shape + d + 1, (size_t)(out->ndim - d - 1) * sizeof *part.shape);
        memmove(part.strides + d, part.strides + d + 1, (size_t)(out->ndim - d - 1) * sizeof *part.strides);
        part.ndim--;
    }
    tg__copy_into(&part, src);
}

/* The checks both cat and stack make of the list itself. */
static int check_list(const char *fn, const tg_tensor *const *ts, int n)
{
    if (n > 0 && !ts) return tg__faili(TG_E_NULL, "%s(): the tensor list is NULL", fn);
    for (int i = 0; i < n; i++) TG_ARGI_OF(fn, ts[i]);
    return 0;
}

static tg_dtype list_dtype(const tg_tensor *const *ts, int n)
{
    tg_dtype dt = ts[0]->dtype;
    for (int i = 1; i < n; i++) dt = tg__promote(dt, ts[i]->dtype);
    return dt;
}

tg_tensor *tg_cat(const tg_tensor *const *ts, int n, int64_t dim)
{
    if (check_list(__func__, ts, n)) return NULL;
    for (int i = 0; i < n; i++)
        if (ts[i]->ndim == 0)
            return tg__fail(TG_E_SHAPE, "zero-dimensional tensor (at position %d) cannot be concatenated", i);
    int first = -1;   /* the first tensor not skipped gives the shape */
    for (int i = 0; i < n && first < 0; i++)
        if (!skipped(ts[i]->ndim, ts[i]->shape)) first = i;
    int64_t d = dim;
    if (first >= 0 && tg__wrap_dim(dim, ts[first]->ndim, &d)) return NULL;
    if (n <= 0) return tg__fail(TG_E_INVALID, "torch.cat(): expected a non-empty list of Tensors");
    int64_t shape[TG_MAX_DIMS] = {0};
    int nd = 1;   /* nothing but skipped tensors: a (0,) result */
    if (first >= 0) {
        const tg_tensor *f = ts[first];
        nd = f->ndim;
        memcpy(shape, f->shape, sizeof shape);
        shape[d] = 0;
        for (int i = first; i < n; i++) {
            const tg_tensor *t = ts[i];
            if (skipped(t->ndim, t->shape)) continue;
            if (t->ndim != f->ndim)
                return tg__fail(TG_E_SHAPE, "Tensors must have same number of dimensions: got %d and %d", f->ndim, t->ndim);
            for (int k = 0; k < nd; k++)
                if (k != d && t->shape[k] != f->shape[k])
                    return tg__fail(TG_E_SHAPE, "Sizes of tensors must match except in dimension %lld. Expected size %lld "
                                                "but got size %lld for tensor number %d in the list.",
                                    (long long)d, (long long)f->shape[k], (long long)t->shape[k], i);
            shape[d] += t->shape[d];
        }
    }
    tg_tensor *out = tg__new(list_dtype(ts, n), shape, nd);
    if (!out) return NULL;
    int64_t at = 0;
    for (int i = 0; i < n; i++) {
        if (skipped(ts[i]->ndim, ts[i]->shape)) continue;
        copy_part(out, (int)d, at, ts[i]->shape[d], ts[i]);
        at += ts[i]->shape[d];
    }
    join_params p = {d};
    return tg__record(out, (tg_record){.op = TG_OP_CAT, TG_PARAMS(p)}, ts, n, NULL) ? NULL : out;
}

/* Each input's part of the gradient (narrow, as PyTorch's
   cat_tensors_backward); a skipped input gets zeros of its size (0,). */
int tg__d_cat(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    const join_params *p = n->params;
    int64_t at = 0;
    for (int i = 0; i < n->n_next; i++) {
        const tg_meta *m = &n->in_meta[i];
        bool skip = skipped(m->ndim, m->shape);
        int64_t size = skip ? 0 : m->shape[p->dim];
        if (NEED(i)) gi[i] = skip ? tg_zeros(TG_SHAPE(0), g->dtype) : tg_narrow(g, p->dim, at, size);
        at += size;
    }
    return tg__derivative_done(n, gi);
}

tg_tensor *tg_stack(const tg_tensor *const *ts, int n, int64_t dim)
{
    if (check_list(__func__, ts, n)) return NULL;
    if (n <= 0) return tg__fail(TG_E_INVALID, "stack expects a non-empty TensorList");
    const tg_tensor *f = ts[0];
    int64_t d;
    if (tg__wrap_dim(dim, f->ndim + 1, &d)) return NULL;
    if (f->ndim >= TG_MAX_DIMS)
        return tg__fail(TG_E_SHAPE, "%s(): tensors may have at most %d dimensions", __func__, TG_MAX_DIMS);
    for (int i = 1; i < n; i++)
        if (!tg__same_shape(ts[i]->shape, ts[i]->ndim, f->shape, f->ndim)) {
            char a[256], b[256];
            return tg__fail(TG_E_SHAPE, "stack expects each tensor to be equal size, but got %s at entry 0 and %s at entry %d",
                            tg__shape_str(f->shape, f->ndim, a, sizeof a), tg__shape_str(ts[i]->shape, ts[i]->ndim, b, sizeof b), i);
        }
    int64_t shape[TG_MAX_DIMS];
    memcpy(shape, f->shape, (size_t)d * sizeof *shape);
    shape[d] = n;
    memcpy(shape + d + 1, f->shape + d, (size_t)(f->ndim - d) * sizeof *shape);
    if (tg__check_shape(__func__, shape, f->ndim + 1)) return NULL;
    tg_tensor *out = tg__new(list_dtype(ts, n), shape, f->ndim + 1);
    if (!out) return NULL;
    for (int i = 0; i < n; i++) copy_part(out, (int)d, i, -1, ts[i]);
    join_params p = {d};
    return tg__record(out, (tg_record){.op = TG_OP_STACK, TG_PARAMS(p)}, ts, n, NULL) ? NULL : out;
}

/* Input i's gradient: the gradient's index i along dim. */
int tg__d_stack(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    const join_params *p = n->params;
    for (int i = 0; i < n->n_next; i++)
        if (NEED(i)) gi[i] = tg_select(g, p->dim, i);
    return tg__derivative_done(n, gi);
}

/* Note [Multi-output views]: PyTorch's split and unbind make one node with
   an output per piece; a tensorgrad node has one output, so each piece gets
   a node of its own, named as PyTorch's, that knows which output it stands
   for. Its derivative is PyTorch's with the other pieces' gradients zero
   (split_with_sizes_backward's cat, unbind_backward's stack); the engine
   sums the pieces' gradients into the input. Such views, and views of them,
   may not be written in place (tg__multi_output, ops/inplace.c). */
typedef struct piece_params {
    int64_t dim, start, length;   /* length -1: unbind's index start, dim dropped */
    int output;
} piece_params;

int tg__multi_output(const tg_node *n)
{
    if (!n || (n->op != TG_OP_SPLIT && n->op != TG_OP_SPLIT_WITH_SIZES && n->op != TG_OP_UNBIND)) return 0;
    return ((const piece_params *)n->params)->output;
}

/* count views of t along dim d: piece i is `size` elements from i * size
   (fewer for the last), or index i with the dim dropped when size is -1.
   Written to out only when all were made. */
static int pieces(const char *fn, const tg_tensor *t, int64_t d, int64_t count, int64_t size, tg_op op,
                  tg_tensor **out, int max_out)
{
    if (count > max_out)
        return tg__faili(TG_E_INVALID, "%s(): %lld pieces do not fit in max_out = %d", fn, (long long)count, max_out);
    if (count > 0 && !out) return tg__faili(TG_E_NULL, "%s(): out is NULL", fn);
    tg_tensor **views = tg__calloc(count > 0 ? (size_t)count : 1, sizeof *views);
    if (!views) return -1;
    for (int64_t i = 0; i < count; i++) {
        int64_t shape[TG_MAX_DIMS], strides[TG_MAX_DIMS];
        memcpy(shape, t->shape, sizeof shape);
        memcpy(strides, t->strides, sizeof strides);
        int nd = t->ndim;
        piece_params p = {d, i * (size < 0 ? 1 : size), size, (int)i};
        if (size < 0) {
            memmove(shape + d, shape + d + 1, (size_t)(nd - d - 1) * sizeof *shape);
            memmove(strides + d, strides + d + 1, (size_t)(nd - d - 1) * sizeof *strides);
            nd--;
        } else {
            p.length = size < t->shape[d] - p.start ? size : t->shape[d] - p.start;
            shape[d] = p.length;
        }
        views[i] = tg__view_of(t, (tg_record){.op = op, TG_PARAMS(p)}, shape, strides, nd,
                               t->offset + p.start * t->strides[d]);
        if (!views[i] || !tg__autograd(views[i])) {
            free(views);
            return -1;
        }
        views[i]->autograd->view_multi_output = tg_is_grad_enabled();
    }
    if (count > 0) memcpy(out, views, (size_t)count * sizeof *views);
    free(views);
    return (int)count;
}

/* PyTorch's split: pieces of split_size along dim (one when split_size is
   0 on an empty dim, or larger than the dim). */
static int split(const char *fn, const tg_tensor *t, int64_t split_size, int64_t dim, tg_op op, tg_tensor **out,
                 int max_out)
{
    TG_ARGI_OF(fn, t);
    if (t->ndim == 0) return tg__faili(TG_E_SHAPE, "split expects at least a 1-dimensional tensor");
    if (split_size < 0)
        return tg__faili(TG_E_INVALID, "split expects split_size be non-negative, but got split_size=%lld",
                         (long long)split_size);
    int64_t d;
    if (tg__wrap_dim(dim, t->ndim, &d)) return -1;
    int64_t size = t->shape[d];
    if (split_size == 0 && size != 0)
        return tg__faili(TG_E_INVALID, "split_size can only be 0 if dimension size is 0, but got dimension size of %lld",
                         (long long)size);
    int64_t count = split_size == 0 || size == 0 ? 1 : (size - 1) / split_size + 1;
    return pieces(fn, t, d, count, split_size, op, out, max_out);
}

int tg_split(const tg_tensor *t, int64_t split_size, int64_t dim, tg_tensor **out, int max_out)
{
    return split(__func__, t, split_size, dim, TG_OP_SPLIT, out, max_out);
}

/* PyTorch's chunk: split into pieces of ceil(size / chunks); an empty dim
   gives `chunks` empty pieces (through split_with_sizes). */
int tg_chunk(const tg_tensor *t, int chunks, int64_t dim, tg_tensor **out, int max_out)
{
    TG_ARGI(t);
    if (t->ndim == 0) return tg__faili(TG_E_SHAPE, "chunk expects at least a 1-dimensional tensor");
    if (chunks <= 0) return tg__faili(TG_E_INVALID, "chunk expects `chunks` to be greater than 0, got: %d", chunks);
    int64_t d;
    if (tg__wrap_dim(dim, t->ndim, &d)) return -1;
    int64_t size = t->shape[d];
    if (size == 0) return pieces(__func__, t, d, chunks, 0, TG_OP_SPLIT_WITH_SIZES, out, max_out);
    return split(__func__, t, (size - 1) / chunks + 1, d, TG_OP_SPLIT, out, max_out);
}

int tg_unbind(const tg_tensor *t, int64_t dim, tg_tensor **out, int max_out)
{
    TG_ARGI(t);
    int64_t d;
    if (tg__wrap_dim(dim, t->ndim, &d)) return -1;
    if (t->ndim == 0) return tg__faili(TG_E_INDEX, "Dimension specified as 0 but tensor has no dimensions");
    return pieces(__func__, t, d, t->shape[d], -1, TG_OP_UNBIND, out, max_out);
}

/* split and chunk: the piece's gradient between zeros, as a cat. */
int tg__d_split(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    const piece_params *p = n->params;
    const tg_meta *in = &n->in_meta[0];
    int64_t shape[TG_MAX_DIMS];
    memcpy(shape, in->shape, sizeof shape);
    shape[p->dim] = p->start;
    tg_tensor *before = tg_zeros(shape, in->ndim, g->dtype);
    shape[p->dim] = in->shape[p->dim] - p->start - p->length;
    tg_tensor *after = tg_zeros(shape, in->ndim, g->dtype);
    return (gi[0] = before && after ? tg_cat((const tg_tensor *[]){before, g, after}, 3, p->dim) : NULL) ? 0 : -1;
}

/* unbind: the piece's gradient stacked among zeros. */
int tg__d_unbind(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    const piece_params *p = n->params;
    int64_t count = n->in_meta[0].shape[p->dim];
    tg_tensor *zero = tg_expand(tg_zeros(NULL, 0, g->dtype), g->shape, g->ndim);
    const tg_tensor **parts = zero ? tg__malloc((size_t)count * sizeof *parts) : NULL;
    if (!parts) return -1;
    for (int64_t i = 0; i < count; i++) parts[i] = i == p->start ? g : zero;
    gi[0] = tg_stack(parts, (int)count, p->dim);
    free(parts);
    return gi[0] ? 0 : -1;
}
