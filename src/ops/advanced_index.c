/* Advanced indexing: t[items] (tg_index) and t[items] = values
   (tg_index_put_, tg_index_put), as Python's indexing of a tensor does
   them. The items that are not tensors become views first (select, slice,
   unsqueeze, PyTorch's applySlicing); the tensors left form at::index's
   list, one entry per dim of that view, which index and index_put read
   (PyTorch's make_info). Indices are untrusted: every one is checked
   before anything is written. index's gradient is an index_put with
   accumulate into zeros and index_put's an index, as derivatives.yaml
   writes them, so that both differentiate again. */
#include "ops.h"

#include <string.h>

/* The most entries an index list can have: a dim each, and the places an
   ellipsis more than once can push a tensor past them (refused). */
enum { MAX_ENTRIES = 2 * TG_MAX_DIMS };

/* at::index's list: an index tensor or none (NULL) per leading dim. */
typedef struct index_list {
    int n;
    const tg_tensor *at[MAX_ENTRIES];
} index_list;

/* What index and index_put record: which entries of the list are tensors
   (saved in order, one slot each); and the list's address, for the
   tangent rule, which runs within tg__record (ops/tangents_tensor.c). */
typedef struct index_params {
    int n;
    bool defined[TG_MAX_DIMS];
    bool accumulate;
    const index_list *list;
} index_params;

static int count_defined(const index_list *l)
{
    int k = 0;
    for (int i = 0; i < l->n; i++) k += l->at[i] != NULL;
    return k;
}

static int too_many(int ndim, int n)
{
    return tg__faili(TG_E_INDEX, "too many indices for tensor of dimension %d (got %d)", ndim, n);
}

/* at::index's first check: no more entries than self has dims. */
static int check_count(const tg_tensor *self, int n) { return n > self->ndim ? too_many(self->ndim, n) : 0; }

/* ------------------------------------------------- PyTorch's make_info */

/* An index list made ready for the kernels: self's geometry with the
   indexed dims replaced by the indices' broadcast shape (stride 0), and
   the byte offset of each element of that shape. */
typedef struct advanced {
    tg_tensor *src;
    tg_tensor *offsets;
    const tg_tensor *index[TG_MAX_DIMS];   /* broadcast and placed among src's dims */
    int n_index;
} advanced;

static int check_index_types(const index_list *l)
{
    for (int i = 0; i < l->n; i++) {
        tg_dtype dt = l->at[i] ? l->at[i]->dtype : TG_I64;
        if (dt != TG_I64 && dt != TG_I32 && dt != TG_BOOL)
            return tg__faili(TG_E_INDEX, "tensors used as indices must be long, int, byte or bool tensors");
    }
    return 0;
}

/* The columns of mask.nonzero(): one TG_I64 vector per dim of mask. */
static int nonzero_columns(const tg_tensor *mask, const tg_tensor **columns)
{
    int64_t count = tg__k_masked(false, (tg_tensor *)mask, mask, mask->shape, mask->ndim, NULL);
    tg_tensor *coords = tg__new(TG_I64, (const int64_t[]){count, mask->ndim}, 2);
    if (!coords) return -1;
    tg__k_nonzero(coords, mask);
    for (int j = 0; j < mask->ndim; j++) {
        columns[j] = tg__alias(coords, &count, (const int64_t[]){mask->ndim}, 1, j);
        if (!columns[j]) return -1;
    }
    return 0;
}

/* PyTorch's expandTensors: each bool mask becomes the long indices of its
   true elements, one per dim it covers, which must be self's. */
static int expand_masks(const tg_tensor *self, const index_list *l, index_list *out)
{
    out->n = 0;
    for (int i = 0; i < l->n; i++) {
        const tg_tensor *m = l->at[i];
        if (!m || m->dtype != TG_BOOL) {
            if (out->n == MAX_ENTRIES) return too_many(self->ndim, out->n + 1);
            out->at[out->n++] = m;
            continue;
        }
        for (int j = 0; j < m->ndim; j++) {
            int64_t at;
            if (tg__wrap_dim(out->n + j, self->ndim, &at)) return -1;
            if (m->shape[j] == self->shape[at]) continue;
            char a[256], b[256];
            return tg__faili(TG_E_INDEX, "The shape of the mask %s at index %d does not match the shape of the indexed tensor %s at index %lld",
                             tg__shape_str(m->shape, m->ndim, a, sizeof a), j,
                             tg__shape_str(self->shape, self->ndim, b, sizeof b), (long long)at);
        }
        if (nonzero_columns(m, &out->at[out->n])) return -1;
        out->n += m->ndim;
    }
    return 0;
}

/* The indices broadcast together, into shape and *nd. */
static int broadcast_indices(const index_list *l, int64_t *shape, int *nd)
{
    *nd = 0;
    bool ok = true;
    for (int i = 0; i < l->n && ok; i++)
        if (l->at[i]) ok = !tg__broadcast_shapes(shape, *nd, l->at[i]->shape, l->at[i]->ndim, shape, nd);
    if (ok) return 0;
    char text[1024] = "", one[256];
    for (int i = 0; i < l->n; i++) {
        if (!l->at[i]) continue;
        if (*text) strncat(text, ", ", sizeof text - strlen(text) - 1);
        strncat(text, tg__shape_str(l->at[i]->shape, l->at[i]->ndim, one, sizeof one), sizeof text - strlen(text) - 1);
    }
    return tg__faili(TG_E_INDEX, "shape mismatch: indexing tensors could not be broadcast together with shapes %s", text);
}

/* The order of self's dims the kernels read: unchanged when the indexed
   dims are adjacent, else the indexed ones first (PyTorch's
   transposeToFront), so that their result dims go first. */
static void index_order(const index_list *l, int ndim, int *order)
{
    int first = -1, last = -1, k = 0;
    for (int i = 0; i < l->n; i++)
        if (l->at[i]) last = i, first = first < 0 ? i : first;
    bool adjacent = true;
    for (int i = first; i < last && adjacent; i++) adjacent = l->at[i] != NULL;
    for (int i = 0; i < ndim; i++)
        if (adjacent || (i < l->n && l->at[i])) order[k++] = i;
    for (int i = 0; i < ndim && !adjacent; i++)
        if (i >= l->n || !l->at[i]) order[k++] = i;
}

/* The first index out of range, in the kernel's order (element by element
   of the result, index by index): PyTorch names the index by its place
   among the indices, not by the dim it indexes. */
static int check_bounds(const advanced *a, const int64_t *size)
{
    int64_t first = -1, bad = 0;
    int which = 0;
    for (int j = 0; j < a->n_index; j++) {
        int64_t value, at = tg__k_index_first_bad(a->index[j], a->src->shape, a->src->ndim, size[j], &value);
        if (at >= 0 && (first < 0 || at < first)) first = at, bad = value, which = j;
    }
    if (first < 0) return 0;
    return tg__faili(TG_E_INDEX, "index %lld is out of bounds for dimension %d with size %lld", (long long)bad, which,
                     (long long)size[which]);
}

static int make_info(const tg_tensor *self, const index_list *given, advanced *a)
{
    if (check_count(self, given->n)) return -1;
    index_list l;
    if (check_index_types(given) || expand_masks(self, given, &l)) return -1;
    int64_t ishape[TG_MAX_DIMS];
    int ind, order[TG_MAX_DIMS];
    if (broadcast_indices(&l, ishape, &ind)) return -1;
    index_order(&l, self->ndim, order);
    /* src: the dims before the indexed ones, the indices' shape, the dims after */
    int64_t shape[TG_MAX_DIMS], strides[TG_MAX_DIMS], size[TG_MAX_DIMS], stride[TG_MAX_DIMS];
    int nd = 0, before = -1;
    if (self->ndim - count_defined(&l) + ind > TG_MAX_DIMS)
        return tg__faili(TG_E_SHAPE, "tg_index(): tensors may have at most %d dimensions", TG_MAX_DIMS);
    bool empty_dim = false;
    a->n_index = 0;
    for (int k = 0; k < self->ndim; k++) {
        int i = order[k];
        if (i >= l.n || !l.at[i]) {
            shape[nd] = self->shape[i];
            strides[nd++] = self->strides[i];
            continue;
        }
        size[a->n_index] = self->shape[i];
        stride[a->n_index++] = self->strides[i] * (int64_t)tg__dtype_size(self->dtype);
        empty_dim = empty_dim || self->shape[i] == 0;
        if (before >= 0) continue;
        before = nd;
        for (int j = 0; j < ind; j++) shape[nd] = ishape[j], strides[nd++] = 0;
    }
    if (empty_dim && tg__numel(ishape, ind) != 0)
        return tg__faili(TG_E_INDEX, "index is out of bounds for dimension with size 0");
    a->src = tg__alias(self, shape, strides, nd, self->offset);
    if (!a->src) return -1;
    for (int j = 0, k = 0; j < l.n; j++) {
        if (!l.at[j]) continue;
        /* the index over src's dims: its own where the indices' shape sits */
        const tg_tensor *t = l.at[j];
        int64_t st[TG_MAX_DIMS] = {0};
        for (int d = 0; d < t->ndim; d++)
            st[before + ind - t->ndim + d] = t->shape[d] == 1 ? 0 : t->strides[d];
        if (!(a->index[k++] = tg__alias(t, shape, st, nd, t->offset))) return -1;
    }
    if (tg__numel(shape, nd) != 0 && check_bounds(a, size)) return -1;
    if (!(a->offsets = tg__new(TG_I64, shape, nd))) return -1;
    tg__k_fill(a->offsets, 0);
    for (int j = 0; j < a->n_index; j++) tg__k_index_offsets(a->offsets, a->index[j], size[j], stride[j]);
    return 0;
}

/* ------------------------------------------------------------- index */

/* The node's list and its saved indices. */
static int record_list(tg_tensor *out, tg_op op, const index_list *l, bool accumulate, const tg_tensor *const *inputs,
                       int n_inputs)
{
    index_params p = {.n = l->n, .accumulate = accumulate, .list = l};
    for (int i = 0; i < l->n; i++) p.defined[i] = l->at[i] != NULL;
    tg_node *n;
    if (tg__record(out, (tg_record){.op = op, .n_saved = count_defined(l), TG_PARAMS(p)}, inputs, n_inputs, &n)) return -1;
    for (int i = 0, slot = 0; n && i < l->n; i++)
        if (l->at[i]) tg__save(n, slot++, l->at[i]);
    return 0;
}

/* The list a node recorded, from its saved indices. */
static int unpack_list(tg_node *n, index_list *l)
{
    const index_params *p = n->params;
    l->n = p->n;
    for (int i = 0, slot = 0; i < p->n; i++) {
        l->at[i] = NULL;
        if (p->defined[i] && !(l->at[i] = SAVED(slot++))) return -1;
    }
    return 0;
}

/* at::index(self, list), recorded as op (IndexBackward0). */
static tg_tensor *index_by_list(const tg_tensor *self, const index_list *l, tg_op op)
{
    advanced a;
    if (make_info(self, l, &a)) return NULL;
    const tg_tensor *layout[1 + TG_MAX_DIMS] = {a.src};   /* TensorIterator's operands */
    memcpy(layout + 1, a.index, (size_t)a.n_index * sizeof *a.index);
    tg_tensor *out = tg__new_like(self->dtype, a.src->shape, a.src->ndim, layout, 1 + a.n_index);
    if (!out) return NULL;
    tg__k_index_gather(out, a.src, a.offsets);
    return record_list(out, op, l, false, &self, 1) ? NULL : out;
}

/* ------------------------------------------------------------ index_put */

/* Whether values broadcast to shape. */
static bool expandable(const tg_tensor *values, const int64_t *shape, int nd)
{
    if (values->ndim > nd) return false;
    for (int i = 1; i <= values->ndim; i++) {
        int64_t v = values->shape[values->ndim - i];
        if (v != 1 && v != shape[nd - i]) return false;
    }
    return true;
}

/* PyTorch's canDispatchToMaskedFill: one value put where one bool mask is
   true, by masked_fill, without index_put's checks of the value. */
static bool masked_fill_case(const index_list *l, const tg_tensor *values, bool accumulate)
{
    if (accumulate || tg_numel(values) != 1 || count_defined(l) != 1) return false;
    for (int i = 0; i < l->n; i++)
        if (l->at[i]) return l->at[i]->dtype == TG_BOOL;
    return false;
}

/* values written (or added) into out, in place, at the list's positions. */
static int put_into(tg_tensor *out, const index_list *l, const tg_tensor *values, bool accumulate)
{
    advanced a;
    if (make_info(out, l, &a)) return -1;
    char want[256], got[256];
    if (!expandable(values, a.src->shape, a.src->ndim))
        return tg__faili(TG_E_SHAPE, "shape mismatch: value tensor of shape %s cannot be broadcast to indexing result of shape %s",
                         tg__shape_str(values->shape, values->ndim, got, sizeof got),
                         tg__shape_str(a.src->shape, a.src->ndim, want, sizeof want));
    if (values->dtype != out->dtype)
        return tg__faili(TG_E_DTYPE, "Index put requires the source and destination dtypes match, got %s for the destination and %s for the source.",
                         tg__dtype_short(out->dtype), tg__dtype_short(values->dtype));
    tg__k_index_put(a.src, values, a.offsets, accumulate);
    return 0;
}

/* self.index_put(list, values, accumulate), recorded as op: IndexPutBackward0,
   or IndexPutImplBackward0 for index's gradient (PyTorch's _index_put_impl_). */
static tg_tensor *index_put_by_list(const tg_tensor *self, const index_list *l, const tg_tensor *values, bool accumulate,
                                    tg_op op)
{
    if (check_count(self, l->n)) return NULL;
    const tg_tensor *v = values;
    if (masked_fill_case(l, values, accumulate)) {   /* the one value, in self's dtype */
        tg_tensor *one = tg__cast(values, self->dtype);
        v = one ? tg__alias(one, NULL, NULL, 0, 0) : NULL;
    }
    tg_tensor *out = v ? tg__empty_like("tg_index_put", self) : NULL;
    if (!out) return NULL;
    tg__copy_into(out, self);
    if (put_into(out, l, v, accumulate)) return NULL;
    return record_list(out, op, l, accumulate, (const tg_tensor *[]){self, values}, 2) ? NULL : out;
}

/* Forward AD's rules (ops/tangents_tensor.c): the record's indexing again,
   of the tangents, with the list of its parameters. */
tg_tensor *tg__index_again(const void *params, const tg_tensor *t)
{
    const index_params *p = params;
    return index_by_list(t, p->list, TG_OP_INDEX);
}

tg_tensor *tg__index_put_again(const void *params, tg_op op, const tg_tensor *t, const tg_tensor *values)
{
    const index_params *p = params;
    return index_put_by_list(t, p->list, values, p->accumulate, op);
}

/* index: zeros of self's shape, g added at the indexed positions */
int tg__d_index(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    index_list l;
    if (unpack_list(n, &l)) return -1;
    const tg_meta *self = &n->in_meta[0];
    tg_tensor *zeros = tg_zeros(self->shape, self->ndim, g->dtype);
    gi[0] = zeros ? index_put_by_list(zeros, &l, g, true, TG_OP_INDEX_PUT_IMPL) : NULL;
    return gi[0] ? 0 : -1;
}

/* index_put: self: g, or g with zeros put at the indexed positions without
   accumulate; values: g at the indexed positions */
int tg__d_index_put(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    const index_params *p = n->params;
    index_list l;
    if (unpack_list(n, &l)) return -1;
    if (NEED(0) && p->accumulate) gi[0] = g;
    if (NEED(0) && !p->accumulate) {
        const tg_meta *values = &n->in_meta[1];
        tg_tensor *zeros = tg_zeros(values->shape, values->ndim, g->dtype);
        gi[0] = zeros ? index_put_by_list(g, &l, zeros, false, TG_OP_INDEX_PUT) : NULL;
    }
    if (NEED(1)) gi[1] = index_by_list(g, &l, TG_OP_INDEX);
    return tg__derivative_done(n, gi);
}

/* ----------------------------------------------- items: PyTorch's applySlicing */

/* t after the basic items, and the list of the tensors among them. */
typedef struct sliced {
    tg_tensor *view;
    index_list list;
} sliced;

static int out_of_bounds(int64_t index, int real_dim, int64_t size)
{
    return tg__faili(TG_E_INDEX, "index %lld is out of bounds for dimension %d with size %lld", (long long)index, real_dim,
                     (long long)size);
}

/* PyTorch's applySelect: real_dim, the item's place, names the dim. */
static tg_tensor *select_item(const tg_tensor *v, int dim, int64_t index, int real_dim)
{
    if (index == 0 && dim == 0 && v->ndim == 0)
        return tg__fail(TG_E_INDEX, "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` "
                                    "in C++ to convert a 0-dim tensor to a number");
    int64_t size = dim < v->ndim ? v->shape[dim] : 0;
    if (index < -size || index >= size) {   /* not -index: it overflows for INT64_MIN */
        out_of_bounds(index, real_dim, size);
        return NULL;
    }
    return tg_select(v, dim, index);
}

/* PyTorch's applySlice: a slice of the whole dim is the tensor itself,
   unless `exact` (an item alone, read). Python's slice() refuses step 0. */
static tg_tensor *slice_item(const tg_tensor *v, int dim, const tg_index_item *it, bool exact)
{
    if (it->step == 0) return tg__fail(TG_E_INVALID, "slice step cannot be zero");
    if (it->step < 0) return tg__fail(TG_E_INVALID, "step must be greater than zero");
    if (!exact && dim < v->ndim && it->start == 0 && it->stop == v->shape[dim] && it->step == 1) return (tg_tensor *)v;
    return tg_slice(v, dim, it->start, it->stop, it->step);
}

static int record_tensor(sliced *s, int *dim, const tg_tensor *t)
{
    if (*dim >= MAX_ENTRIES) return too_many(s->view->ndim, *dim + 1);
    while (s->list.n <= *dim) s->list.at[s->list.n++] = NULL;
    s->list.at[(*dim)++] = t;
    return 0;
}

/* How many of t's dims the items name (a mask its own count, None and
   ellipsis none). */
static int specified_dims(const tg_index_item *items, int n)
{
    int count = 0;
    for (int i = 0; i < n; i++) {
        const tg_index_item *it = &items[i];
        if (it->kind == TG_INDEX_INT || it->kind == TG_INDEX_SLICE) count++;
        if (it->kind == TG_INDEX_TENSOR) count += it->tensor->dtype == TG_BOOL ? it->tensor->ndim : 1;
    }
    return count;
}

/* A tensor item: a 0-dim integer one selects, a 0-dim bool one adds a dim
   indexed by [0] or by nothing, any other goes to the list. */
static tg_tensor *tensor_item(sliced *s, int *dim, const tg_tensor *t, int real_dim)
{
    if (t->ndim != 0 || (t->dtype != TG_I64 && t->dtype != TG_I32 && t->dtype != TG_BOOL))
        return record_tensor(s, dim, t) ? NULL : s->view;
    int64_t value = tg__load_int(tg__ptr(t), t->dtype);
    if (t->dtype != TG_BOOL) return select_item(s->view, *dim, value, real_dim);
    tg_tensor *v = tg_unsqueeze(s->view, *dim);
    tg_tensor *index = v ? tg_zeros((const int64_t[]){value ? 1 : 0}, 1, TG_I64) : NULL;
    return index && !record_tensor(s, dim, index) ? v : NULL;
}

static tg_tensor *apply_item(sliced *s, int *dim, const tg_tensor *t, const tg_index_item *it, int real_dim,
                             int specified)
{
    tg_tensor *v = s->view, *r = NULL;
    switch (it->kind) {
    case TG_INDEX_INT: return select_item(v, *dim, it->start, real_dim);
    case TG_INDEX_SLICE: r = slice_item(v, *dim, it, false); break;
    case TG_INDEX_NONE: r = tg_unsqueeze(v, *dim); break;
    case TG_INDEX_ELLIPSIS: *dim += t->ndim - specified; return v;
    case TG_INDEX_TENSOR: return tensor_item(s, dim, it->tensor, real_dim);
    }
    if (r) (*dim)++;
    return r;
}

static int check_items(const char *fn, const tg_index_item *items, int n)
{
    if (n < 0 || (n > 0 && !items)) return tg__faili(TG_E_INVALID, "%s(): items must be an array of n >= 0 items", fn);
    for (int i = 0; i < n; i++) {
        if ((unsigned)items[i].kind > TG_INDEX_TENSOR)
            return tg__faili(TG_E_INVALID, "%s(): item %d is of no tg_index_kind", fn, i);
        if (items[i].kind == TG_INDEX_TENSOR) TG_ARGI_OF(fn, items[i].tensor);
    }
    return 0;
}

/* t[items]'s views, as PyTorch's get_item (set_item when !get) makes
   them; s->view is t itself when no item made one. */
static int apply_items(const char *fn, const tg_tensor *t, const tg_index_item *items, int n, bool get, sliced *s)
{
    if (check_items(fn, items, n)) return -1;
    s->view = (tg_tensor *)t;
    s->list.n = 0;
    if (n == 1 && items[0].kind != TG_INDEX_TENSOR) {   /* one item alone: no optimisation */
        const tg_index_item *it = &items[0];
        if (it->kind == TG_INDEX_ELLIPSIS) return 0;
        s->view = it->kind == TG_INDEX_INT ? select_item(t, 0, it->start, 0)
                  : it->kind == TG_INDEX_SLICE ? slice_item(t, 0, it, get)
                                               : tg_unsqueeze(t, 0);
        return s->view ? 0 : -1;
    }
    int specified = specified_dims(items, n);
    if (specified > t->ndim) return tg__faili(TG_E_INDEX, "too many indices for tensor of dimension %d", t->ndim);
    int dim = 0;
    for (int i = 0; i < n; i++)
        if (!(s->view = apply_item(s, &dim, t, &items[i], i, specified))) return -1;
    return 0;
}

/* ------------------------------------------------------ public functions */

tg_tensor *tg_index(const tg_tensor *t, const tg_index_item *items, int n)
{
    TG_ARG(t);
    sliced s;
    if (apply_items(__func__, t, items, n, true, &s)) return NULL;
    if (s.list.n) return index_by_list(s.view, &s.list, TG_OP_INDEX);
    if (s.view != t) return s.view;
    /* t[...] and the like: a new tensor all the same */
    return tg__view_of(t, (tg_record){.op = TG_OP_ALIAS}, t->shape, t->strides, t->ndim, t->offset);
}

/* values without its leading dims of size 1 (PyTorch's slicePrefix1sSize),
   viewed so when `always` or when there are some. */
static tg_tensor *strip_leading_ones(const tg_tensor *values, bool always)
{
    int lead = 0;
    while (lead < values->ndim && values->shape[lead] == 1) lead++;
    if (!lead && !always) return (tg_tensor *)values;
    return tg_view(values, values->shape + lead, values->ndim - lead);
}

/* PyTorch's copy_to, for a put without tensors: copy_, broadcasting values
   after their leading ones go (accumulate, which PyTorch's setitem lacks,
   adds instead). */
static tg_tensor *copy_to(tg_tensor *dst, const tg_tensor *values, bool accumulate)
{
    if (accumulate) return tg_add_(dst, values);
    if (values->ndim == 0 || tg__same_shape(dst->shape, dst->ndim, values->shape, values->ndim)) return tg_copy_(dst, values);
    return tg_copy_(dst, tg_expand(strip_leading_ones(values, true), dst->shape, dst->ndim));
}

/* PyTorch's assert_no_overlap: the tensor written may share no element
   with one read (layouts too hard to tell, not dense, pass). */
static int check_no_overlap(const tg_tensor *t, const tg_tensor *other)
{
    if (t->storage != other->storage || !tg_numel(t) || !tg_numel(other) || !tg__is_dense(t) || !tg__is_dense(other))
        return 0;
    const char *a0 = tg__ptr(t), *a1 = a0 + tg_numel(t) * (int64_t)tg__dtype_size(t->dtype);
    const char *b0 = tg__ptr(other), *b1 = b0 + tg_numel(other) * (int64_t)tg__dtype_size(other->dtype);
    if (!(a0 < b1 && b0 < a1)) return 0;
    return tg__faili(TG_E_INVALID, "unsupported operation: some elements of the input tensor and the written-to tensor "
                                   "refer to a single memory location. Please clone() the tensor before performing "
                                   "the operation.");
}

/* view.index_put_(list, values, accumulate), in PyTorch's order of checks. */
static tg_tensor *put_inplace(tg_tensor *view, const index_list *l, const tg_tensor *values, bool accumulate)
{
    if (tg__check_inplace(view, values, true)) return NULL;
    if (check_count(view, l->n)) return NULL;
    if (!masked_fill_case(l, values, accumulate)) {
        if (check_no_overlap(view, values)) return NULL;
        for (int i = 0; i < l->n; i++)
            if (l->at[i] && check_no_overlap(view, l->at[i])) return NULL;
    }
    tg_tensor *r = index_put_by_list(view, l, values, accumulate, TG_OP_INDEX_PUT);
    return r ? tg__commit(view, r) : NULL;
}

tg_tensor *tg_index_put_(tg_tensor *t, const tg_index_item *items, int n, const tg_tensor *values, bool accumulate)
{
    TG_ARG(t);
    TG_ARG(values);
    sliced s;
    if (apply_items(__func__, t, items, n, false, &s)) return NULL;
    if (!s.list.n) return copy_to(s.view, values, accumulate) ? t : NULL;
    const tg_tensor *v = strip_leading_ones(values, false);
    return v && put_inplace(s.view, &s.list, v, accumulate) ? t : NULL;
}

tg_tensor *tg_index_put(const tg_tensor *t, const tg_index_item *items, int n, const tg_tensor *values, bool accumulate)
{
    TG_ARG(t);
    TG_ARG(values);
    if (check_items(__func__, items, n)) return NULL;
    bool tensors_only = n > 0;
    for (int i = 0; i < n; i++) tensors_only = tensors_only && items[i].kind == TG_INDEX_TENSOR && items[i].tensor->ndim;
    if (!tensors_only) {   /* t.clone() written as t[items] = values would write t */
        tg_tensor *copy = tg_clone(t);
        return copy && tg_index_put_(copy, items, n, values, accumulate) ? copy : NULL;
    }
    /* torch.index_put(t, tensors, values, accumulate) */
    if (check_count(t, n)) return NULL;
    index_list l = {.n = n};
    for (int i = 0; i < n; i++) l.at[i] = items[i].tensor;
    return index_put_by_list(t, &l, values, accumulate, TG_OP_INDEX_PUT);
}
