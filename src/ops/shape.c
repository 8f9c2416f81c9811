/* Shape operations. All but the copying ones return views: tensors over the
   same storage and version counter with other sizes and strides. */
#include "ops.h"

#include <string.h>

/* A view of t recorded as `what` (whose parameters the caller gives). */
tg_tensor *tg__view_of(const tg_tensor *t, tg_record what, const int64_t *shape, const int64_t *strides, int ndim,
                       int64_t offset)
{
    tg_tensor *v = tg__alias(t, shape, strides, ndim, offset);
    if (!v || tg__set_view_of(v, t)) return NULL;
    return tg__record(v, what, &t, 1, NULL) ? NULL : v;
}

tg_tensor *tg__as_strided(const tg_tensor *t, const tg_strided *v)
{
    TG_ARG(t);
    tg_view_geometry geometry = {.view = *v};
    tg__strided_of(&geometry.base, t);
    return tg__view_of(t, (tg_record){.op = TG_OP_AS_STRIDED, TG_PARAMS(geometry)}, v->shape, v->strides, v->ndim, v->offset);
}

int tg__d_as_strided(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    const tg_view_geometry *p = n->params;
    return (gi[0] = tg__as_strided_backward(g, &p->base, &p->view)) ? 0 : -1;
}

tg_tensor *tg__zeros_strided(tg_dtype dt, const tg_strided *s)
{
    int64_t span = 1;
    for (int i = 0; i < s->ndim; i++) {
        if (s->shape[i] == 0) span = 0;
        if (span) span += (s->shape[i] - 1) * s->strides[i];
    }
    tg_tensor *flat = tg_zeros(&span, 1, dt);
    return flat ? tg__alias(flat, s->shape, s->strides, s->ndim, 0) : NULL;
}

/* Differentiable: under create_graph the copy_ below into a view of the new
   tensor is itself recorded (CopySlices). */
tg_tensor *tg__as_strided_backward(const tg_tensor *g, const tg_strided *base, const tg_strided *v)
{
    tg_tensor *out = tg__zeros_strided(g->dtype, base);
    tg_strided at = *v;
    at.offset -= base->offset;   /* out's storage starts where base does */
    /* A dim of stride 0 (an expanded view) reads one element many times:
       its gradient is the sum over that dim. */
    int64_t dims[TG_MAX_DIMS];
    int nd = 0;
    for (int i = 0; i < at.ndim; i++) {
        if (at.strides[i] != 0 || at.shape[i] <= 1) continue;
        dims[nd++] = i;
        at.shape[i] = 1;
    }
    const tg_tensor *src = nd ? tg_sum_dim(g, dims, nd, true) : g;
    tg_tensor *slot = out && src ? tg__as_strided(out, &at) : NULL;
    return slot && tg_copy_(slot, src) ? out : NULL;
}

/* Resolves a -1 in shape; fails with PyTorch's messages. The two that
   PyTorch raises as std::runtime_error come back as their own codes, which
   unflatten words its own way. */
enum { SHAPE_NO_FIT = -2, SHAPE_TWO_INFERRED = -3 };
static int infer_shape(const char *fn, const int64_t *shape, int ndim, int64_t numel, int64_t *out)
{
    if (ndim < 0 || ndim > TG_MAX_DIMS)
        return tg__faili(TG_E_SHAPE, "%s(): tensors may have at most %d dimensions, got %d", fn, TG_MAX_DIMS, ndim);
    if (ndim > 0 && !shape) return tg__faili(TG_E_NULL, "%s(): shape is NULL", fn);
    int infer = -1;
    int64_t known = 1, span = 1;   /* span: zeros read as ones, bounded as in tg__check_shape */
    bool overflow = false;         /* sizes that overflow fit nothing */
    char buf[256];
    for (int i = 0; i < ndim; i++) {
        if (shape[i] == -1) {
            if (infer >= 0) {
                tg__faili(TG_E_SHAPE, "only one dimension can be inferred");
                return SHAPE_TWO_INFERRED;
            }
            infer = i;
        } else if (shape[i] < 0) {
            return tg__faili(TG_E_SHAPE, "invalid shape dimension %lld", (long long)shape[i]);
        } else {
            if (shape[i] > 1 && span > INT64_MAX / 16 / shape[i]) {
                overflow = true;
                break;
            }
            span *= shape[i] > 1 ? shape[i] : 1;
            known *= shape[i];
        }
        out[i] = shape[i];
    }
    bool fits = !overflow && (known == numel || (infer >= 0 && known > 0 && numel % known == 0));
    if (!fits) {
        tg__faili(TG_E_SHAPE, "shape '%s' is invalid for input of size %lld", tg__shape_str(shape, ndim, buf, sizeof buf),
                  (long long)numel);
        return SHAPE_NO_FIT;
    }
    if (infer >= 0) {
        if (known == 0)
            return tg__faili(TG_E_SHAPE, "cannot reshape tensor of 0 elements into shape %s because the unspecified "
                                         "dimension size -1 can be any value and is ambiguous",
                             tg__shape_str(shape, ndim, buf, sizeof buf));
        out[infer] = numel / known;
    }
    return 0;
}

/* Strides that view t as `shape` without copying, or false (PyTorch's
   computeStride: dims are matched in contiguous chunks from the right). */
static bool view_strides(const tg_tensor *t, const int64_t *shape, int ndim, int64_t *strides)
{
    if (t->ndim == 0 || tg_numel(t) == 0) {
        tg__contiguous_strides(shape, ndim, strides);
        return true;
    }
    int view_d = ndim - 1;
    int64_t chunk_base = t->strides[t->ndim - 1], tensor_numel = 1, view_numel = 1;
    for (int d = t->ndim - 1; d >= 0; d--) {
        tensor_numel *= t->shape[d];
        if (d == 0 || (t->shape[d - 1] != 1 && t->strides[d - 1] != tensor_numel * chunk_base)) {
            while (view_d >= 0 && (view_numel < tensor_numel || shape[view_d] == 1)) {
                strides[view_d] = view_numel * chunk_base;
                view_numel *= shape[view_d];
                view_d--;
            }
            if (view_numel != tensor_numel) return false;
            if (d > 0) {
                chunk_base = t->strides[d - 1];
                tensor_numel = 1;
                view_numel = 1;
            }
        }
    }
    return view_d == -1;
}

tg_tensor *tg_view(const tg_tensor *t, const int64_t *shape, int ndim)
{
    TG_ARG(t);
    int64_t sizes[TG_MAX_DIMS], strides[TG_MAX_DIMS];
    if (infer_shape(__func__, shape, ndim, tg_numel(t), sizes)) return NULL;
    if (!view_strides(t, sizes, ndim, strides))
        return tg__fail(TG_E_SHAPE, "view size is not compatible with input tensor's size and stride (at least one "
                                    "dimension spans across two contiguous subspaces). Use .reshape(...) instead.");
    return tg__view_of(t, (tg_record){.op = TG_OP_VIEW}, sizes, strides, ndim, t->offset);
}

/* view, reshape and the like: the gradient takes the input's shape. */
int tg__d_view(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    const tg_meta *in = &n->in_meta[0];
    return (gi[0] = tg_reshape(g, in->shape, in->ndim)) ? 0 : -1;
}

tg_tensor *tg__unsafe_view(const tg_tensor *t, const int64_t *shape, int ndim)
{
    TG_ARG(t);
    int64_t strides[TG_MAX_DIMS];
    tg__contiguous_strides(shape, ndim, strides);
    tg_tensor *v = tg__alias(t, shape, strides, ndim, t->offset);
    if (!v) return NULL;
    if (tg__record(v, (tg_record){.op = TG_OP_UNSAFE_VIEW}, &t, 1, NULL)) return NULL;
    return v;
}

tg_tensor *tg_reshape(const tg_tensor *t, const int64_t *shape, int ndim)
{
    TG_ARG(t);
    int64_t sizes[TG_MAX_DIMS], strides[TG_MAX_DIMS];
    if (infer_shape(__func__, shape, ndim, tg_numel(t), sizes)) return NULL;
    if (view_strides(t, sizes, ndim, strides))
        return tg__view_of(t, (tg_record){.op = TG_OP_RESHAPE_ALIAS}, sizes, strides, ndim, t->offset);
    /* Not viewable: copy, then view the copy (PyTorch's clone + _unsafe_view). */
    tg_tensor *c = tg__clone_contiguous(t);
    return c ? tg__unsafe_view(c, sizes, ndim) : NULL;
}

/* PyTorch's flatten: self when there is nothing to merge, else reshape. */
tg_tensor *tg_flatten(const tg_tensor *t, int64_t start_dim, int64_t end_dim)
{
    TG_ARG(t);
    int64_t s, e;
    if (tg__wrap_dim(start_dim, t->ndim, &s) || tg__wrap_dim(end_dim, t->ndim, &e)) return NULL;
    if (s > e) return tg__fail(TG_E_INVALID, "flatten() has invalid args: start_dim cannot come after end_dim");
    if (t->ndim == 0) return tg_reshape(t, TG_SHAPE(1));
    if (s == e) return tg__share(t);
    int64_t shape[TG_MAX_DIMS];
    int nd = 0;
    for (int i = 0; i < t->ndim; i++) {
        if (i <= s || i > e) shape[nd++] = t->shape[i];
        else shape[nd - 1] *= t->shape[i];
    }
    return tg_reshape(t, shape, nd);
}

/* PyTorch's unflatten: dim split into sizes (one may be -1), as a view. */
tg_tensor *tg_unflatten(const tg_tensor *t, int64_t dim, const int64_t *sizes, int n)
{
    TG_ARG(t);
    int64_t d;
    if (tg__wrap_dim(dim, t->ndim, &d)) return NULL;
    if (n <= 0) return tg__fail(TG_E_SHAPE, "unflatten: sizes must be non-empty");
    if (t->ndim == 0) return tg__fail(TG_E_INDEX, "Dimension specified as 0 but tensor has no dimensions");
    if (t->ndim - 1 + n > TG_MAX_DIMS)
        return tg__fail(TG_E_SHAPE, "%s(): tensors may have at most %d dimensions, got %d", __func__, TG_MAX_DIMS,
                        t->ndim - 1 + n);
    int64_t shape[TG_MAX_DIMS];
    memcpy(shape, t->shape, (size_t)d * sizeof *shape);
    int rc = infer_shape(__func__, sizes, n, t->shape[d], shape + d);
    char buf[256];
    if (rc == SHAPE_NO_FIT)
        return tg__fail(TG_E_SHAPE, "unflatten: Provided sizes %s don't multiply up to the size of dim %lld (%lld) in "
                                    "the input tensor",
                        tg__shape_str(sizes, n, buf, sizeof buf), (long long)d, (long long)t->shape[d]);
    if (rc == SHAPE_TWO_INFERRED)
        return tg__fail(TG_E_SHAPE, "unflatten got an unexpected error:\nonly one dimension can be inferred");
    if (rc) return NULL;
    memcpy(shape + d + n, t->shape + d + 1, (size_t)(t->ndim - d - 1) * sizeof *shape);
    return tg_view(t, shape, t->ndim - 1 + n);
}

typedef struct transpose_params { int64_t dim0, dim1; } transpose_params;

tg_tensor *tg_transpose(const tg_tensor *t, int64_t d0, int64_t d1)
{
    TG_ARG(t);
    int64_t a, b;
    if (tg__wrap_dim(d0, t->ndim, &a) || tg__wrap_dim(d1, t->ndim, &b)) return NULL;
    int64_t shape[TG_MAX_DIMS], strides[TG_MAX_DIMS];
    memcpy(shape, t->shape, sizeof shape);
    memcpy(strides, t->strides, sizeof strides);
    if (t->ndim > 0) {
        shape[a] = t->shape[b]; shape[b] = t->shape[a];
        strides[a] = t->strides[b]; strides[b] = t->strides[a];
    }
    transpose_params p = {a, b};
    return tg__view_of(t, (tg_record){.op = TG_OP_TRANSPOSE, TG_PARAMS(p)}, shape, strides, t->ndim, t->offset);
}

/* The gradient transposed back. */
int tg__d_transpose(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    const transpose_params *p = n->params;
    if (g->ndim < 2) return (gi[0] = g) ? 0 : -1;
    return (gi[0] = tg_transpose(g, p->dim0, p->dim1)) ? 0 : -1;
}

/* PyTorch's t(): a transpose of the two dims of a matrix (vectors as they are). */
tg_tensor *tg_t(const tg_tensor *t)
{
    TG_ARG(t);
    if (t->ndim > 2)
        return tg__fail(TG_E_SHAPE, "t() expects a tensor with <= 2 dimensions, but self is %dD", t->ndim);
    int64_t shape[2] = {0}, strides[2] = {0};
    for (int i = 0; i < t->ndim; i++) {
        shape[i] = t->shape[t->ndim - 1 - i];
        strides[i] = t->strides[t->ndim - 1 - i];
    }
    return tg__view_of(t, (tg_record){.op = TG_OP_T}, shape, strides, t->ndim, t->offset);
}

typedef struct permute_params {
    int ndim;
    int64_t dims[TG_MAX_DIMS];
} permute_params;

tg_tensor *tg_permute(const tg_tensor *t, const int64_t *dims, int ndims)
{
    TG_ARG(t);
    if (ndims != t->ndim || (ndims && !dims))
        return tg__fail(TG_E_SHAPE, "permute(sparse_coo): number of dimensions in the tensor input does not match "
                                    "the length of the desired ordering of dimensions i.e. input.dim() = %d is not equal to len(dims) = %d",
                        t->ndim, ndims);
    int64_t shape[TG_MAX_DIMS], strides[TG_MAX_DIMS];
    bool seen[TG_MAX_DIMS] = {false};
    permute_params p = {.ndim = ndims};
    for (int i = 0; i < ndims; i++) {
        int64_t d;
        if (tg__wrap_dim(dims[i], t->ndim, &d)) return NULL;
        if (seen[d]) return tg__fail(TG_E_INVALID, "permute(): duplicate dims are not allowed.");
        seen[d] = true;
        p.dims[i] = d;
        shape[i] = t->shape[d];
        strides[i] = t->strides[d];
    }
    return tg__view_of(t, (tg_record){.op = TG_OP_PERMUTE, TG_PARAMS(p)}, shape, strides, ndims, t->offset);
}

/* PyTorch's movedim: a permute taking dim source to destination (an
   alias of a 0-dim tensor). */
tg_tensor *tg_movedim(const tg_tensor *t, int64_t source, int64_t destination)
{
    TG_ARG(t);
    int64_t s, d;
    if (tg__wrap_dim(source, t->ndim, &s) || tg__wrap_dim(destination, t->ndim, &d)) return NULL;
    if (t->ndim == 0) return tg__view_of(t, (tg_record){.op = TG_OP_ALIAS}, t->shape, t->strides, 0, t->offset);
    int64_t order[TG_MAX_DIMS];
    for (int i = 0, k = 0; i < t->ndim; i++) {   /* the other dims keep their order */
        if (i == d) {
            order[i] = s;
            continue;
        }
        if (k == s) k++;
        order[i] = k++;
    }
    return tg_permute(t, order, t->ndim);
}

/* The gradient permuted back. */
int tg__d_permute(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    const permute_params *p = n->params;
    int64_t inverse[TG_MAX_DIMS];
    for (int i = 0; i < p->ndim; i++) inverse[p->dims[i]] = i;
    return (gi[0] = tg_permute(g, inverse, p->ndim)) ? 0 : -1;
}

tg_tensor *tg_expand(const tg_tensor *t, const int64_t *shape, int ndim)
{
    TG_ARG(t);
    if (ndim > 0 && !shape) return tg__fail(TG_E_NULL, "%s(): shape is NULL", __func__);
    if (ndim < t->ndim || ndim > TG_MAX_DIMS) {
        char a[256], b[256];
        return tg__fail(TG_E_SHAPE,
                        "expand(%s{%s}, size=%s): the number of sizes provided (%d) must be greater or equal to the number of dimensions in the tensor (%d)",
                        tg__legacy_type(t->dtype), tg__shape_str(t->shape, t->ndim, a, sizeof a),
                        tg__shape_str(shape, ndim < TG_MAX_DIMS ? ndim : TG_MAX_DIMS, b, sizeof b), ndim, t->ndim);
    }
    int64_t sizes[TG_MAX_DIMS], strides[TG_MAX_DIMS];
    int lead = ndim - t->ndim;
    /* From the last dim, as PyTorch's inferExpandGeometry: its errors name
       the last mismatch, and a new leading dim of size 1 gets the stride of
       the dims inside it. */
    for (int i = ndim - 1; i >= 0; i--) {
        int j = i - lead;
        int64_t want = shape[i];
        if (j < 0) {
            if (want < 0)
                return tg__fail(TG_E_SHAPE, "The expanded size of the tensor (%lld) isn't allowed in a leading, non-existing dimension %d",
                                (long long)want, i);
            sizes[i] = want;
            strides[i] = want == 1 && i + 1 < ndim ? sizes[i + 1] * strides[i + 1] : 0;
            continue;
        }
        if (want == -1) want = t->shape[j];
        if (t->shape[j] == want) {
            sizes[i] = want;
            strides[i] = t->strides[j];
        } else if (t->shape[j] == 1 && want >= 0) {
            sizes[i] = want;
            strides[i] = 0;
        } else {
            char buf[256];
            return tg__fail(TG_E_SHAPE,
                            "The expanded size of the tensor (%lld) must match the existing size (%lld) at non-singleton dimension %d.  Target sizes: %s.  Tensor sizes: %s",
                            (long long)want, (long long)t->shape[j], i, tg__shape_str(shape, ndim, buf, sizeof buf),
                            tg__shape_str(t->shape, t->ndim, (char[256]){0}, 256));
        }
    }
    /* No memory is needed, but the element count must fit like any tensor's. */
    if (tg__check_shape(__func__, sizes, ndim)) return NULL;
    return tg__view_of(t, (tg_record){.op = TG_OP_EXPAND}, sizes, strides, ndim, t->offset);
}

/* expand, clone and to: the gradient as it is (the engine sums an
   expanded one back to the input's shape and casts it to its dtype). */
int tg__d_identity(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    (void)n;
    gi[0] = g;
    return 0;
}

tg_tensor *tg_contiguous(const tg_tensor *t)
{
    TG_ARG(t);
    return tg_is_contiguous(t) ? tg__share(t) : tg__clone_contiguous(t);   /* like PyTorch, self when contiguous */
}

tg_tensor *tg_unsqueeze(const tg_tensor *t, int64_t dim)
{
    TG_ARG(t);
    if (t->ndim >= TG_MAX_DIMS)
        return tg__fail(TG_E_SHAPE, "%s(): tensors may have at most %d dimensions", __func__, TG_MAX_DIMS);
    int64_t d;
    if (tg__wrap_dim(dim, t->ndim + 1, &d)) return NULL;
    int64_t shape[TG_MAX_DIMS], strides[TG_MAX_DIMS];
    for (int i = 0, j = 0; i <= t->ndim; i++) {
        if (i == d) {
            shape[i] = 1;
            strides[i] = j < t->ndim ? t->strides[j] * t->shape[j] : 1;
            continue;
        }
        shape[i] = t->shape[j];
        strides[i] = t->strides[j];
        j++;
    }
    return tg__view_of(t, (tg_record){.op = TG_OP_UNSQUEEZE}, shape, strides, t->ndim + 1, t->offset);
}

/* dim's size-1 dimension dropped, or every one when all. */
static tg_tensor *squeeze(const char *fn, const tg_tensor *t, int64_t dim, bool all, tg_op op)
{
    TG_ARG_OF(fn, t);
    int64_t d = -1;
    if (!all && tg__wrap_dim(dim, t->ndim, &d)) return NULL;
    int64_t shape[TG_MAX_DIMS], strides[TG_MAX_DIMS];
    int nd = 0;
    for (int i = 0; i < t->ndim; i++) {
        if (t->shape[i] == 1 && (all || i == d)) continue;
        shape[nd] = t->shape[i];
        strides[nd++] = t->strides[i];
    }
    return tg__view_of(t, (tg_record){.op = op}, shape, strides, nd, t->offset);
}

tg_tensor *tg_squeeze_dim(const tg_tensor *t, int64_t dim) { return squeeze(__func__, t, dim, false, TG_OP_SQUEEZE_DIM); }
tg_tensor *tg_squeeze(const tg_tensor *t) { return squeeze(__func__, t, 0, true, TG_OP_SQUEEZE); }

/* squeeze() and squeeze_(): PyTorch's unsqueeze_to, the gradient given back
   each size-1 dim of the input (itself when there were none). */
int tg__d_squeeze(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    const tg_meta *in = &n->in_meta[0];
    for (int i = 0; i < in->ndim && g; i++)
        if (in->shape[i] == 1) g = tg_unsqueeze(g, i);
    return (gi[0] = g) ? 0 : -1;
}
/* matmul's squeeze_ of its own mm result: PyTorch changes that tensor in
   place, so the result is no view (in-place operations on it are fine) and
   its version counter has moved to 1. */
tg_tensor *tg__squeeze_inplace(const tg_tensor *t, int64_t dim)
{
    tg_tensor *v = squeeze(__func__, t, dim, false, TG_OP_SQUEEZE_INPLACE);
    if (v && tg__view_base(v)) {
        tg__unref(v->autograd->view_base);
        v->autograd->view_base = NULL;
    }
    if (v) tg__bump_version(v);
    return v;
}

/* In-place view operations (t_, transpose_, squeeze_, unsqueeze_): t takes
   the geometry of v, the view the out-of-place operation made of it, and,
   when recorded, a history `what` after its old one, as PyTorch's. The
   version moves as for any in-place operation. */
static tg_tensor *restride(tg_tensor *t, const tg_tensor *v, tg_record what)
{
    if (!v) return NULL;
    tg_node *n = NULL;
    if (tg__needs_grad((const tg_tensor *const *)&t, 1) && !(n = tg__node_new(what, (const tg_tensor *const *)&t, 1)))
        return NULL;
    t->ndim = v->ndim;
    memcpy(t->shape, v->shape, sizeof t->shape);
    memcpy(t->strides, v->strides, sizeof t->strides);
    t->offset = v->offset;
    tg__note_reshape(t);
    tg__bump_version(t);
    /* forward AD: t's tangent is v's, the same view of the tangent */
    tg_tensor *tangent = tg__tangent(v);
    if (tangent) {
        tg__ref(tangent);
        if (tg__set_tangent(t, tangent)) return NULL;
    }
    if (!n) return t;   /* a view's history, if any, is regenerated for the new geometry */
    if (tg__set_history(t, n)) return NULL;
    atomic_store(&t->version->last_writer, (int)what.op);
    if (tg__view_base(t)) atomic_store(&t->autograd->view_version, atomic_load(&t->version->value));
    return t;
}

tg_tensor *tg_t_(tg_tensor *t)
{
    TG_ARG(t);
    if (tg__check_inplace(t, NULL, false)) return NULL;
    if (t->ndim > 2) return tg__fail(TG_E_SHAPE, "t_() expects a tensor with <= 2 dimensions, but self is %dD", t->ndim);
    tg_tensor *v;
    TG_NO_GRAD { v = tg_t(t); }   /* the out-of-place view, without history */
    return restride(t, v, (tg_record){.op = TG_OP_T_INPLACE});
}

/* t and t_: the gradient through t again (TBackward0 under create_graph). */
int tg__d_t(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    (void)n;
    return (gi[0] = tg_t(g)) ? 0 : -1;
}

tg_tensor *tg_transpose_(tg_tensor *t, int64_t d0, int64_t d1)
{
    TG_ARG(t);
    transpose_params p;
    if (tg__check_inplace(t, NULL, false) || tg__wrap_dim(d0, t->ndim, &p.dim0) || tg__wrap_dim(d1, t->ndim, &p.dim1)) return NULL;
    tg_tensor *v;
    TG_NO_GRAD { v = tg_transpose(t, d0, d1); }
    return restride(t, v, (tg_record){.op = TG_OP_TRANSPOSE_INPLACE, TG_PARAMS(p)});
}

tg_tensor *tg_squeeze_(tg_tensor *t)
{
    TG_ARG(t);
    if (tg__check_inplace(t, NULL, false)) return NULL;
    tg_tensor *v;
    TG_NO_GRAD { v = squeeze(__func__, t, 0, true, TG_OP_SQUEEZE); }
    return restride(t, v, (tg_record){.op = TG_OP_SQUEEZE_ALL_INPLACE});
}

tg_tensor *tg_squeeze_dim_(tg_tensor *t, int64_t dim)
{
    TG_ARG(t);
    if (tg__check_inplace(t, NULL, false)) return NULL;
    tg_tensor *v;
    TG_NO_GRAD { v = squeeze(__func__, t, dim, false, TG_OP_SQUEEZE_DIM); }
    return restride(t, v, (tg_record){.op = TG_OP_SQUEEZE_INPLACE});
}

typedef struct unsqueeze_params { int64_t dim; } unsqueeze_params;

tg_tensor *tg_unsqueeze_(tg_tensor *t, int64_t dim)
{
    TG_ARG(t);
    if (tg__check_inplace(t, NULL, false)) return NULL;
    tg_tensor *v;
    TG_NO_GRAD { v = tg_unsqueeze(t, dim); }
    unsqueeze_params p;
    if (!v || tg__wrap_dim(dim, t->ndim + 1, &p.dim)) return NULL;
    return restride(t, v, (tg_record){.op = TG_OP_UNSQUEEZE_INPLACE, TG_PARAMS(p)});
}

/* unsqueeze_: the gradient with that dim squeezed again. */
int tg__d_unsqueeze(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    return (gi[0] = tg_squeeze_dim(g, ((const unsqueeze_params *)n->params)->dim)) ? 0 : -1;
}

typedef struct select_params { int64_t dim, index; } select_params;
typedef struct slice_params { int64_t dim, start, end, step; } slice_params;

tg_tensor *tg_select(const tg_tensor *t, int64_t dim, int64_t index)
{
    TG_ARG(t);
    if (t->ndim == 0) return tg__fail(TG_E_INDEX, "select() cannot be applied to a 0-dim tensor.");
    int64_t d;
    if (tg__wrap_dim(dim, t->ndim, &d)) return NULL;
    int64_t size = t->shape[d];
    if (index < -size || index >= size) {
        char buf[256];
        return tg__fail(TG_E_INDEX, "select(): index %lld out of range for tensor of size %s at dimension %lld",
                        (long long)index, tg__shape_str(t->shape, t->ndim, buf, sizeof buf), (long long)d);
    }
    if (index < 0) index += size;
    int64_t shape[TG_MAX_DIMS], strides[TG_MAX_DIMS];
    for (int i = 0, j = 0; i < t->ndim; i++) {
        if (i == d) continue;
        shape[j] = t->shape[i];
        strides[j++] = t->strides[i];
    }
    select_params p = {d, index};
    return tg__view_of(t, (tg_record){.op = TG_OP_SELECT, TG_PARAMS(p)}, shape, strides, t->ndim - 1,
                   t->offset + index * t->strides[d]);
}

tg_tensor *tg_slice(const tg_tensor *t, int64_t dim, int64_t start, int64_t end, int64_t step)
{
    TG_ARG(t);
    if (t->ndim == 0) return tg__fail(TG_E_INDEX, "slice() cannot be applied to a 0-dim tensor.");
    if (step <= 0) return tg__fail(TG_E_INVALID, "slice step must be positive");
    int64_t d;
    if (tg__wrap_dim(dim, t->ndim, &d)) return NULL;
    int64_t size = t->shape[d];
    /* Python's clamping of out-of-range bounds. */
    if (start < 0) start += size;
    if (end < 0) end += size;
    if (start < 0) start = 0;
    if (start > size) start = size;
    if (end < start) end = start;
    if (end > size) end = size;
    /* A step past the end takes one element at most: any larger step is the
       same slice. PyTorch still scales the stride by it (a size-1 dim's
       stride shows, e.g. in matmul's choice of kernel), so only a step that
       would overflow the count or the stride is cut down to the size. The
       stride must also stay clear of overflow in bytes (kernels multiply it
       by the element size), with check_shape's room of 16. */
    int64_t scaled;
    if (step > size && (step > INT64_MAX - size || __builtin_mul_overflow(t->strides[d], step, &scaled) ||
                        scaled > INT64_MAX / 16))
        step = size > 0 ? size : 1;
    int64_t shape[TG_MAX_DIMS], strides[TG_MAX_DIMS];
    memcpy(shape, t->shape, sizeof shape);
    memcpy(strides, t->strides, sizeof strides);
    shape[d] = (end - start + step - 1) / step;
    strides[d] = t->strides[d] * step;
    slice_params p = {d, start, end, step};
    return tg__view_of(t, (tg_record){.op = TG_OP_SLICE, TG_PARAMS(p)}, shape, strides, t->ndim,
                   t->offset + start * t->strides[d]);
}

/* PyTorch's narrow: a slice of length elements from start. */
tg_tensor *tg_narrow(const tg_tensor *t, int64_t dim, int64_t start, int64_t length)
{
    TG_ARG(t);
    if (t->ndim == 0) return tg__fail(TG_E_INDEX, "narrow() cannot be applied to a 0-dim tensor.");
    int64_t d;
    if (tg__wrap_dim(dim, t->ndim, &d)) return NULL;
    int64_t size = t->shape[d];
    if (start != size) {   /* start wraps as a dim of a tensor with size dims would (the end itself is valid) */
        int64_t span = size > 0 ? size : 1;
        if (start < -span || start >= span)
            return tg__fail(TG_E_INDEX, "Dimension out of range (expected to be in range of [%lld, %lld], but got %lld)",
                            (long long)-span, (long long)(span - 1), (long long)start);
        if (start < 0) start += span;
    }
    if (length < 0 || length > size - start)
        return tg__fail(TG_E_INDEX, "start (%lld) + length (%lld) exceeds dimension size (%lld).", (long long)start,
                        (long long)length, (long long)size);
    return tg_slice(t, d, start, start + length, 1);
}

/* The view of t that select or slice with parameters p took. */
typedef tg_tensor *(*view_fn)(const tg_tensor *t, const void *p);

static tg_tensor *select_of(const tg_tensor *t, const void *p)
{
    const select_params *s = p;
    return tg_select(t, s->dim, s->index);
}

static tg_tensor *slice_of(const tg_tensor *t, const void *p)
{
    const slice_params *s = p;
    return tg_slice(t, s->dim, s->start, s->end, s->step);
}

/* The gradient of select and slice: zeros of the input's shape with g
   placed where the view was; a node of its own (SelectBackwardBackward0,
   SliceBackwardBackward0) with the view's parameters, whose derivative
   takes the view of g again, so second derivatives work. */
static tg_tensor *scatter_back(tg_record what, view_fn view, const tg_tensor *g, const tg_meta *in)
{
    tg_tensor *out = tg_zeros(in->shape, in->ndim, g->dtype);
    if (!out) return NULL;
    tg_tensor *dst;
    TG_NO_GRAD {
        dst = view(out, what.params);
    }
    if (!dst) return NULL;
    tg__copy_into(dst, g);
    return tg__record(out, what, &g, 1, NULL) ? NULL : out;
}

int tg__d_select(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    const select_params *p = n->params;
    tg_record what = {TG_OP_SELECT_BACKWARD, TG_PARAMS(*p)};
    return (gi[0] = scatter_back(what, select_of, g, &n->in_meta[0])) ? 0 : -1;
}

int tg__d_select_backward(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    return (gi[0] = select_of(g, n->params)) ? 0 : -1;
}

int tg__d_slice(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    const slice_params *p = n->params;
    tg_record what = {TG_OP_SLICE_BACKWARD, TG_PARAMS(*p)};
    return (gi[0] = scatter_back(what, slice_of, g, &n->in_meta[0])) ? 0 : -1;
}

int tg__d_slice_backward(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    return (gi[0] = slice_of(g, n->params)) ? 0 : -1;
}

typedef struct diagonal_params { int64_t offset, dim1, dim2; } diagonal_params;

/* Wraps dim1 and dim2 for a tensor of ndim dims, refused when the same. */
static int diagonal_dims(const diagonal_params *given, int ndim, diagonal_params *p)
{
    p->offset = given->offset;
    if (tg__wrap_dim(given->dim1, ndim, &p->dim1) || tg__wrap_dim(given->dim2, ndim, &p->dim2)) return -1;
    if (p->dim1 == p->dim2)
        return tg__faili(TG_E_INVALID, "diagonal dimensions cannot be identical %lld, %lld", (long long)given->dim1,
                         (long long)given->dim2);
    return 0;
}

/* The geometry of t's diagonal (p wrapped): dim1 and dim2 dropped, the
   diagonal appended last, as PyTorch's diagonal. */
static void diagonal_geometry(const tg_strided *t, const diagonal_params *p, tg_strided *v)
{
    int64_t a = t->shape[p->dim1], b = t->shape[p->dim2], off = p->offset;
    int64_t size = off >= 0 ? (a < b - off ? a : b - off) : (a + off < b ? a + off : b);
    if (size < 0) size = 0;
    v->offset = t->offset;
    if (size > 0) v->offset += off >= 0 ? off * t->strides[p->dim2] : -off * t->strides[p->dim1];
    v->ndim = 0;
    for (int i = 0; i < t->ndim; i++) {
        if (i == p->dim1 || i == p->dim2) continue;
        v->shape[v->ndim] = t->shape[i];
        v->strides[v->ndim++] = t->strides[i];
    }
    v->shape[v->ndim] = size;
    v->strides[v->ndim++] = t->strides[p->dim1] + t->strides[p->dim2];
}

tg_tensor *tg_diagonal(const tg_tensor *t, int64_t offset, int64_t dim1, int64_t dim2)
{
    TG_ARG(t);
    diagonal_params p;
    if (diagonal_dims(&(diagonal_params){offset, dim1, dim2}, t->ndim, &p)) return NULL;
    tg_strided s, v;
    tg__strided_of(&s, t);
    diagonal_geometry(&s, &p, &v);
    return tg__view_of(t, (tg_record){.op = TG_OP_DIAGONAL, TG_PARAMS(p)}, v.shape, v.strides, v.ndim, v.offset);
}

static tg_tensor *diagonal_of(const tg_tensor *t, const void *p)
{
    const diagonal_params *d = p;
    return tg_diagonal(t, d->offset, d->dim1, d->dim2);
}

/* PyTorch's diagonal_backward: zeros with g on the diagonal
   (DiagonalBackwardBackward0, whose derivative takes the diagonal again). */
int tg__d_diagonal(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    const diagonal_params *p = n->params;
    tg_record what = {TG_OP_DIAGONAL_BACKWARD, TG_PARAMS(*p)};
    return (gi[0] = scatter_back(what, diagonal_of, g, &n->in_meta[0])) ? 0 : -1;
}

/* diagonal_backward's and diag_embed's derivative: the diagonal of g. */
int tg__d_diagonal_of(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    return (gi[0] = diagonal_of(g, n->params)) ? 0 : -1;
}

/* PyTorch's diag_embed: zeros with t's last dim on the offset diagonal of
   the new dims dim1 and dim2. */
tg_tensor *tg_diag_embed(const tg_tensor *t, int64_t offset, int64_t dim1, int64_t dim2)
{
    TG_ARG(t);
    if (t->ndim >= TG_MAX_DIMS)
        return tg__fail(TG_E_SHAPE, "%s(): tensors may have at most %d dimensions", __func__, TG_MAX_DIMS);
    diagonal_params p;
    if (diagonal_dims(&(diagonal_params){offset, dim1, dim2}, t->ndim + 1, &p)) return NULL;
    if (t->ndim == 0) return tg__fail(TG_E_INDEX, "Dimension specified as -1 but tensor has no dimensions");
    int64_t far = INT64_MAX / 4;   /* past any size check_shape lets through */
    int64_t len = offset > far || offset < -far ? far : (offset < 0 ? -offset : offset) + t->shape[t->ndim - 1];
    int64_t lo = p.dim1 < p.dim2 ? p.dim1 : p.dim2, hi = p.dim1 < p.dim2 ? p.dim2 : p.dim1;
    int64_t shape[TG_MAX_DIMS];
    for (int i = 0, j = 0; i <= t->ndim; i++) shape[i] = i == lo || i == hi ? len : t->shape[j++];
    if (tg__check_shape(__func__, shape, t->ndim + 1)) return NULL;
    tg_tensor *out = tg_zeros(shape, t->ndim + 1, t->dtype);
    if (!out) return NULL;
    tg_strided s, v;
    tg__strided_of(&s, out);
    diagonal_geometry(&s, &p, &v);
    tg_tensor diag = *out;
    diag.autograd = NULL;
    diag.ndim = v.ndim;
    diag.offset = v.offset;
    memcpy(diag.shape, v.shape, sizeof diag.shape);
    memcpy(diag.strides, v.strides, sizeof diag.strides);
    tg__copy_into(&diag, t);
    return tg__record(out, (tg_record){.op = TG_OP_DIAG_EMBED, TG_PARAMS(p)}, &t, 1, NULL) ? NULL : out;
}

tg_tensor *tg_detach(const tg_tensor *t)
{
    TG_ARG(t);
    return tg__alias(t, t->shape, t->strides, t->ndim, t->offset);
}

tg_tensor *tg_data(const tg_tensor *t)
{
    TG_ARG(t);
    tg_tensor *d = tg__alias(t, t->shape, t->strides, t->ndim, t->offset);
    tg_version_counter *v = d ? tg__version_new() : NULL;
    if (!v) return NULL;
    tg__version_unref(d->version);   /* t still holds the shared counter */
    d->version = v;
    return d;
}
