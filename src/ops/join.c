/* Joining and splitting: cat and stack copy their inputs side by side into
   a new tensor; split, chunk and unbind return views of the pieces. */
#include "ops.h"

#include <stdlib.h>
#include <string.h>

typedef struct join_params { int64_t dim; } join_params;

/* PyTorch 1.13 still skips 1-D tensors of size 0 in cat (once the only
   empty tensors), whatever their other sizes would have to be. */
static bool skipped(int ndim, const int64_t *shape) { return ndim == 1 && shape[0] == 0; }

tg_tensor tg__part(const tg_tensor *t, int d, int64_t at, int64_t len)
{
    tg_tensor part = *t;   /* a geometry over t's storage, not a tensor of its own */
    part.autograd = NULL;
    part.offset += at * t->strides[d];
    if (len >= 0) {
        part.shape[d] = len;
    } else {
        memmove(part.shape + d, part.shape + d + 1, (size_t)(t->ndim - d - 1) * sizeof *part.shape);
        memmove(part.strides + d, part.strides + d + 1, (size_t)(t->ndim - d - 1) * sizeof *part.strides);
        part.ndim--;
    }
    return part;
}

static void copy_part(const tg_tensor *out, int d, int64_t at, int64_t len, const tg_tensor *src)
{
    tg_tensor part = tg__part(out, d, at, len);
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
    int64_t size;                 /* every piece's length but the last's */
    int output, count;
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
        piece_params p = {d, i * (size < 0 ? 1 : size), size, size, (int)i, (int)count};
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
        views[i]->autograd->view_output_nr = (int)i;
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

/* split and chunk: the pieces' gradients joined by a cat, this piece's g
   and zeros for the others (of two sizes at most: the last may be shorter). */
int tg__d_split(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    const piece_params *p = n->params;
    const tg_meta *in = &n->in_meta[0];
    int64_t shape[TG_MAX_DIMS];
    memcpy(shape, in->shape, sizeof shape);
    bool others = p->count > 1, last_other = p->output != p->count - 1;   /* made only when used: */
    shape[p->dim] = p->size;                                              /* a lone piece's size may be huge */
    tg_tensor *zero = others ? tg_zeros(shape, in->ndim, g->dtype) : NULL;
    shape[p->dim] = in->shape[p->dim] - (p->count - 1) * p->size;
    tg_tensor *last = last_other ? tg_zeros(shape, in->ndim, g->dtype) : NULL;
    const tg_tensor **parts = (zero || !others) && (last || !last_other) ? tg__malloc((size_t)p->count * sizeof *parts) : NULL;
    if (!parts) return -1;
    for (int i = 0; i < p->count; i++) parts[i] = i == p->output ? g : i == p->count - 1 ? last : zero;
    gi[0] = tg_cat(parts, p->count, p->dim);
    free(parts);
    return gi[0] ? 0 : -1;
}

/* unbind: the piece's gradient stacked among zeros. */
int tg__d_unbind(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    const piece_params *p = n->params;
    int64_t count = n->in_meta[0].shape[p->dim];
    tg_tensor *zero = tg_expand(tg_zeros(NULL, 0, g->dtype), g->shape, g->ndim);
    const tg_tensor **parts = zero ? tg__malloc((size_t)count * sizeof *parts) : NULL;
    if (!parts) return -1;
    for (int64_t i = 0; i < count; i++) parts[i] = i == p->output ? g : zero;
    gi[0] = tg_stack(parts, (int)count, p->dim);
    free(parts);
    return gi[0] ? 0 : -1;
}

typedef tg_repeat_params repeat_params;   /* ops/ops.h */

/* PyTorch's repeat: t (with leading dims of size 1 added) tiled repeats[i]
   times along each dim, into a new contiguous tensor. */
tg_tensor *tg_repeat(const tg_tensor *t, const int64_t *repeats, int n)
{
    TG_ARG(t);
    if (n > 0 && !repeats) return tg__fail(TG_E_NULL, "%s(): repeats is NULL", __func__);
    if (n < t->ndim)
        return tg__fail(TG_E_SHAPE, "Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor");
    if (n > TG_MAX_DIMS)
        return tg__fail(TG_E_SHAPE, "%s(): tensors may have at most %d dimensions, got %d", __func__, TG_MAX_DIMS, n);
    int lead = n - t->ndim;
    tg_tensor src = *t;   /* t with the leading dims of size 1 */
    src.autograd = NULL;
    src.ndim = n;
    int64_t shape[TG_MAX_DIMS];
    for (int i = 0; i < n; i++) {
        src.shape[i] = i < lead ? 1 : t->shape[i - lead];
        src.strides[i] = i < lead ? 0 : t->strides[i - lead];
        if (__builtin_mul_overflow(src.shape[i], repeats[i], &shape[i]))   /* fits nothing: check_shape refuses it */
            shape[i] = repeats[i] < 0 ? INT64_MIN : INT64_MAX;
    }
    for (int i = 0; i < n; i++)
        if (shape[i] < 0) {
            char buf[256];
            return tg__fail(TG_E_SHAPE, "Trying to create tensor with negative dimension %lld: %s", (long long)shape[i],
                            tg__shape_str(shape, n, buf, sizeof buf));
        }
    if (tg__check_shape(__func__, shape, n)) return NULL;
    /* One repeated dim at a time: each pass copies the tensor so far into
       the repeats[i] parts of the next. */
    tg_tensor *out = NULL;
    const tg_tensor *cur = &src;
    int64_t now[TG_MAX_DIMS];
    memcpy(now, src.shape, sizeof now);
    for (int i = 0; i < n; i++) {
        if (repeats[i] == 1) continue;
        now[i] = shape[i];
        out = tg__new(t->dtype, now, n);
        if (!out) return NULL;
        for (int64_t k = 0; k < repeats[i] && tg_numel(out) > 0; k++) copy_part(out, i, k * cur->shape[i], cur->shape[i], cur);
        cur = out;
    }
    if (!out) {   /* nothing repeated: a copy */
        out = tg__new(t->dtype, shape, n);
        if (!out) return NULL;
        tg__copy_into(out, &src);
    }
    repeat_params p = {.n = n};
    if (n) memcpy(p.repeats, repeats, (size_t)n * sizeof *repeats);
    return tg__record(out, (tg_record){.op = TG_OP_REPEAT, TG_PARAMS(p)}, &t, 1, NULL) ? NULL : out;
}

/* PyTorch's repeat_backward: leading dims summed away, then each repeated
   dim split into (repeat, size) and summed over the repeats at once. */
int tg__d_repeat(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    const repeat_params *p = n->params;
    const tg_meta *in = &n->in_meta[0];
    for (int i = 0; i < p->n; i++)
        if (p->repeats[i] == 0) return (gi[0] = tg_zeros(in->shape, in->ndim, g->dtype)) ? 0 : -1;
    int lead = p->n - in->ndim;
    tg_tensor *r = g;
    for (int i = 0; i < lead && r; i++) r = tg_sum_dim(r, (const int64_t[]){0}, 1, false);
    int64_t size[2 * TG_MAX_DIMS], sum_dims[TG_MAX_DIMS];
    int nd = 0, ns = 0;
    for (int d = 0; d < in->ndim; d++) {
        if (p->repeats[d + lead] != 1) {
            size[nd] = p->repeats[d + lead];
            sum_dims[ns++] = nd++;
        }
        size[nd++] = in->shape[d];
    }
    if (r && ns) r = tg_sum_dim(tg_reshape(r, size, nd), sum_dims, ns, false);
    return (gi[0] = r) ? 0 : -1;
}

/* PyTorch's tile: repeat, with reps padded by leading ones to t's dims. */
tg_tensor *tg_tile(const tg_tensor *t, const int64_t *reps, int n)
{
    TG_ARG(t);
    if (n > 0 && !reps) return tg__fail(TG_E_NULL, "%s(): reps is NULL", __func__);
    if (n < 0 || n > TG_MAX_DIMS)
        return tg__fail(TG_E_SHAPE, "%s(): tensors may have at most %d dimensions, got %d", __func__, TG_MAX_DIMS, n);
    int64_t padded[TG_MAX_DIMS];
    int lead = t->ndim > n ? t->ndim - n : 0;
    for (int i = 0; i < lead; i++) padded[i] = 1;
    if (n) memcpy(padded + lead, reps, (size_t)n * sizeof *reps);
    return tg_repeat(t, padded, lead + n);
}
