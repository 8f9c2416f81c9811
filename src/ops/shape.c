/* Shape operations. All but the copying ones return views: tensors over the
   same storage and version counter with other sizes and strides. */
#include "../internal.h"

#include <pthread.h>
#include <string.h>

/* A view of t with history `op`; *node (may be NULL) gets the new node so the
   caller can store the parameters its derivative needs. */
static tg_tensor *view_of(const tg_tensor *t, tg_op op, const int64_t *shape, const int64_t *strides,
                          int ndim, int64_t offset, tg_node **node)
{
    if (node) *node = NULL;   /* also when the alias cannot be made */
    tg_tensor *v = tg__alias(t, shape, strides, ndim, offset);
    if (!v) return NULL;
    tg_tensor *base = t->view_base ? t->view_base : (tg_tensor *)t;
    tg__ref(base);
    v->view_base = base;
    atomic_init(&v->view_version, atomic_load(&t->version->value));
    v->view_no_grad = !tg_is_grad_enabled() || (t->view_base && t->view_no_grad);   /* as PyTorch propagates it */
    return tg__record(v, op, (const tg_tensor *[]){t}, 1, node) ? NULL : v;
}

/* Note [Views written in place]: an in-place operation on a view v of a
   base b that requires grad (or with another operand that does) gives b a
   CopySlices history (Note [CopySlices] in autograd/node.c) and v the
   history AsStridedBackward0(b's history), v's geometry in b's storage. Any
   other view of b reads the new values too, so, as in PyTorch, a view whose
   version counter moved since its grad_fn was set gets the same kind of
   history, from b's current one, when its grad_fn is next needed
   (tg__view_grad_fn: read by tg_grad_fn, tg_requires_grad, tg_is_leaf,
   printing, and whenever the view is used by an operation). */
void tg__strided_of(tg_strided *s, const tg_tensor *t)
{
    s->ndim = t->ndim;
    memcpy(s->shape, t->shape, sizeof s->shape);
    memcpy(s->strides, t->strides, sizeof s->strides);
    s->offset = t->offset;
}

/* Gives n (AsStridedBackward0) the geometries of base and view. */
static int set_geometry(tg_node *n, const tg_strided *base, const tg_strided *view)
{
    n->geom = tg__malloc(2 * sizeof *n->geom);
    if (!n->geom) return -1;
    n->geom[0] = *base;
    n->geom[1] = *view;
    return 0;
}

int tg__regenerate_view(tg_tensor *t)
{
    const tg_tensor *b = t->view_base;
    uint64_t now = atomic_load(&t->version->value);
    if (!b->requires_grad) {   /* no history to regenerate from */
        atomic_store(&t->view_version, now);
        return 0;
    }
    tg_node *n = tg__node_new(TG_OP_AS_STRIDED, &b, 1);
    tg_strided bs, vs;
    tg__strided_of(&bs, b);
    tg__strided_of(&vs, t);
    if (!n || set_geometry(n, &bs, &vs)) {
        if (n) tg__node_unref(n);
        return -1;
    }
    tg__set_history(t, n);
    atomic_store(&t->view_version, now);
    return 0;
}

/* Regenerations are serialized so that two threads reading one view's
   grad_fn do not both replace it. (As for any in-place change, writing a
   tensor while another thread uses its views is the caller's race.) */
static pthread_mutex_t regenerate_lock = PTHREAD_MUTEX_INITIALIZER;

static bool is_stale(const tg_tensor *t)
{
    return t->view_base && (t->grad_fn || t->view_base->requires_grad) &&
           atomic_load(&t->version->value) != atomic_load(&t->view_version);
}

tg_node *tg__view_grad_fn(const tg_tensor *t)
{
    if (!t) return NULL;
    if (is_stale(t)) {
        pthread_mutex_lock(&regenerate_lock);
        if (is_stale(t)) tg__regenerate_view((tg_tensor *)t);   /* out of memory: the old history stays, with the error */
        pthread_mutex_unlock(&regenerate_lock);
    }
    return t->grad_fn;
}

tg_tensor *tg__as_strided(const tg_tensor *t, const tg_strided *v)
{
    TG_ARG(t);
    tg_node *n;
    tg_tensor *r = view_of(t, TG_OP_AS_STRIDED, v->shape, v->strides, v->ndim, v->offset, &n);
    tg_strided ts;
    tg__strided_of(&ts, t);
    return n && set_geometry(n, &ts, v) ? NULL : r;
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

/* Resolves a -1 in shape; fails with PyTorch's messages. */
static int infer_shape(const int64_t *shape, int ndim, int64_t numel, int64_t *out)
{
    if (ndim < 0 || ndim > TG_MAX_DIMS)
        return tg__faili(TG_E_SHAPE, "tensors may have at most %d dimensions, got %d", TG_MAX_DIMS, ndim);
    if (ndim > 0 && !shape) return tg__faili(TG_E_NULL, "shape is NULL");
    int infer = -1;
    int64_t known = 1, span = 1;   /* span: zeros read as ones, bounded as in tg__check_shape */
    char buf[256];
    for (int i = 0; i < ndim; i++) {
        if (shape[i] == -1) {
            if (infer >= 0) return tg__faili(TG_E_SHAPE, "only one dimension can be inferred");
            infer = i;
        } else if (shape[i] < 0) {
            return tg__faili(TG_E_SHAPE, "invalid shape dimension %lld", (long long)shape[i]);
        } else {
            if (shape[i] > 1 && span > INT64_MAX / 16 / shape[i])   /* sizes that overflow fit nothing */
                return tg__faili(TG_E_SHAPE, "shape '%s' is invalid for input of size %lld",
                                 tg__shape_str(shape, ndim, buf, sizeof buf), (long long)numel);
            span *= shape[i] > 1 ? shape[i] : 1;
            known *= shape[i];
        }
        out[i] = shape[i];
    }
    if (infer >= 0) {
        if (known == 0 || numel % known != 0)
            return tg__faili(TG_E_SHAPE, "shape '%s' is invalid for input of size %lld",
                             tg__shape_str(shape, ndim, buf, sizeof buf), (long long)numel);
        out[infer] = numel / known;
    } else if (known != numel) {
        return tg__faili(TG_E_SHAPE, "shape '%s' is invalid for input of size %lld",
                         tg__shape_str(shape, ndim, buf, sizeof buf), (long long)numel);
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
    if (infer_shape(shape, ndim, tg_numel(t), sizes)) return NULL;
    if (!view_strides(t, sizes, ndim, strides))
        return tg__fail(TG_E_SHAPE, "view size is not compatible with input tensor's size and stride (at least one "
                                    "dimension spans across two contiguous subspaces). Use .reshape(...) instead.");
    return view_of(t, TG_OP_VIEW, sizes, strides, ndim, t->offset, NULL);
}

tg_tensor *tg__unsafe_view(const tg_tensor *t, const int64_t *shape, int ndim)
{
    TG_ARG(t);
    int64_t strides[TG_MAX_DIMS];
    tg__contiguous_strides(shape, ndim, strides);
    tg_tensor *v = tg__alias(t, shape, strides, ndim, t->offset);
    if (!v) return NULL;
    if (tg__record(v, TG_OP_UNSAFE_VIEW, (const tg_tensor *[]){t}, 1, NULL)) return NULL;
    return v;
}

tg_tensor *tg_reshape(const tg_tensor *t, const int64_t *shape, int ndim)
{
    TG_ARG(t);
    int64_t sizes[TG_MAX_DIMS], strides[TG_MAX_DIMS];
    if (infer_shape(shape, ndim, tg_numel(t), sizes)) return NULL;
    if (view_strides(t, sizes, ndim, strides))
        return view_of(t, TG_OP_RESHAPE_ALIAS, sizes, strides, ndim, t->offset, NULL);
    /* Not viewable: copy, then view the copy (PyTorch's clone + _unsafe_view). */
    tg_tensor *c = tg__clone_contiguous(t);
    return c ? tg__unsafe_view(c, sizes, ndim) : NULL;
}

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
    tg_node *n;
    tg_tensor *v = view_of(t, TG_OP_TRANSPOSE, shape, strides, t->ndim, t->offset, &n);
    if (n) { n->ints[0] = a; n->ints[1] = b; }
    return v;
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
    tg_node *n;
    tg_tensor *v = view_of(t, TG_OP_T, shape, strides, t->ndim, t->offset, &n);
    if (n) { n->ints[0] = 0; n->ints[1] = t->ndim == 2 ? 1 : 0; }
    return v;
}

tg_tensor *tg_permute(const tg_tensor *t, const int64_t *dims, int ndims)
{
    TG_ARG(t);
    if (ndims != t->ndim || (ndims && !dims))
        return tg__fail(TG_E_SHAPE, "permute(sparse_coo): number of dimensions in the tensor input does not match "
                                    "the length of the desired ordering of dimensions i.e. input.dim() = %d is not equal to len(dims) = %d",
                        t->ndim, ndims);
    int64_t shape[TG_MAX_DIMS], strides[TG_MAX_DIMS];
    bool seen[TG_MAX_DIMS] = {false};
    int64_t perm[TG_MAX_DIMS];
    for (int i = 0; i < ndims; i++) {
        int64_t d;
        if (tg__wrap_dim(dims[i], t->ndim, &d)) return NULL;
        if (seen[d]) return tg__fail(TG_E_INVALID, "permute(): duplicate dims are not allowed.");
        seen[d] = true;
        perm[i] = d;
        shape[i] = t->shape[d];
        strides[i] = t->strides[d];
    }
    tg_node *n;
    tg_tensor *v = view_of(t, TG_OP_PERMUTE, shape, strides, ndims, t->offset, &n);
    if (n) {
        n->n_ints = ndims;
        memcpy(n->ints, perm, (size_t)ndims * sizeof *perm);
    }
    return v;
}

tg_tensor *tg_expand(const tg_tensor *t, const int64_t *shape, int ndim)
{
    TG_ARG(t);
    if (ndim > 0 && !shape) return tg__fail(TG_E_NULL, "shape is NULL");
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
    if (tg__check_shape(sizes, ndim)) return NULL;
    return view_of(t, TG_OP_EXPAND, sizes, strides, ndim, t->offset, NULL);
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
        return tg__fail(TG_E_SHAPE, "tensors may have at most %d dimensions", TG_MAX_DIMS);
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
    tg_node *n;
    tg_tensor *v = view_of(t, TG_OP_UNSQUEEZE, shape, strides, t->ndim + 1, t->offset, &n);
    if (n) n->ints[0] = d;
    return v;
}

static tg_tensor *squeeze(const tg_tensor *t, int64_t dim, tg_op op)
{
    TG_ARG(t);
    int64_t d;
    if (tg__wrap_dim(dim, t->ndim, &d)) return NULL;
    if (t->ndim == 0 || t->shape[d] != 1) return view_of(t, op, t->shape, t->strides, t->ndim, t->offset, NULL);
    int64_t shape[TG_MAX_DIMS], strides[TG_MAX_DIMS];
    for (int i = 0, j = 0; i < t->ndim; i++) {
        if (i == d) continue;
        shape[j] = t->shape[i];
        strides[j++] = t->strides[i];
    }
    return view_of(t, op, shape, strides, t->ndim - 1, t->offset, NULL);
}

tg_tensor *tg_squeeze_dim(const tg_tensor *t, int64_t dim) { return squeeze(t, dim, TG_OP_SQUEEZE_DIM); }
/* matmul's squeeze_ of its own mm result: PyTorch changes that tensor in
   place, so the result is no view (in-place operations on it are fine) and
   its version counter has moved to 1. */
tg_tensor *tg__squeeze_inplace(const tg_tensor *t, int64_t dim)
{
    tg_tensor *v = squeeze(t, dim, TG_OP_SQUEEZE_INPLACE);
    if (v && v->view_base) {
        tg__unref(v->view_base);
        v->view_base = NULL;
    }
    if (v) tg__bump_version(v);
    return v;
}

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
    tg_node *n;
    tg_tensor *v = view_of(t, TG_OP_SELECT, shape, strides, t->ndim - 1, t->offset + index * t->strides[d], &n);
    if (n) { n->ints[0] = d; n->ints[1] = index; }
    return v;
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
    tg_node *n;
    tg_tensor *v = view_of(t, TG_OP_SLICE, shape, strides, t->ndim, t->offset + start * t->strides[d], &n);
    if (n) { n->ints[0] = d; n->ints[1] = start; n->ints[2] = end; n->ints[3] = step; }
    return v;
}

/* The gradient of select/slice: zeros of the input's shape with g placed
   where the view was. Differentiable, so second derivatives work. */
static tg_tensor *scatter_back(tg_op op, const tg_tensor *g, const tg_meta *in, const int64_t *p)
{
    tg_tensor *out = tg_zeros(in->shape, in->ndim, g->dtype);
    if (!out) return NULL;
    tg_tensor *dst;
    TG_NO_GRAD {
        dst = op == TG_OP_SELECT_BACKWARD ? tg_select(out, p[0], p[1]) : tg_slice(out, p[0], p[1], p[2], p[3]);
    }
    if (!dst) return NULL;
    tg__copy_into(dst, g);
    tg_node *n;
    if (tg__record(out, op, (const tg_tensor *[]){g}, 1, &n)) return NULL;
    if (!n) return out;
    memcpy(n->ints, p, 4 * sizeof *p);
    return out;
}

tg_tensor *tg__select_backward(const tg_tensor *g, const tg_meta *in, int64_t dim, int64_t index)
{
    return scatter_back(TG_OP_SELECT_BACKWARD, g, in, (int64_t[4]){dim, index, 0, 0});
}

tg_tensor *tg__slice_backward(const tg_tensor *g, const tg_meta *in, int64_t dim, int64_t start, int64_t end,
                              int64_t step)
{
    return scatter_back(TG_OP_SLICE_BACKWARD, g, in, (int64_t[4]){dim, start, end, step});
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
    tg_version_counter *v = d ? tg__malloc(sizeof *v) : NULL;
    if (!v) return NULL;
    atomic_init(&v->refs, 1);
    atomic_init(&v->value, 0);
    atomic_init(&v->inplace_op, 0);
    atomic_fetch_sub(&d->version->refs, 1);   /* t still holds the shared counter */
    d->version = v;
    return d;
}
