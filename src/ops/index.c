/* Indexing along a dim: index_select, gather, scatter and scatter_add,
   index_add and take_along_dim, with the in-place twins. Indices are
   untrusted: each call checks every one before it writes anything. Each
   gradient is written with these operations, as derivatives.yaml writes
   it (gather's is a scatter_add, index_select's an index_add). */
#include "ops.h"

#include <math.h>
#include <string.h>

typedef tg_index_params index_params;   /* ops/ops.h */

/* PyTorch's ensure_nonempty_size: a 0-dim tensor counts as one of size 1. */
static int64_t size_at(const tg_tensor *t, int64_t d) { return t->ndim ? t->shape[d] : 1; }
static int rank(const tg_tensor *t) { return t->ndim ? t->ndim : 1; }

/* t itself, or a 0-dim t as a 1-dim alias, so the kernel sees one rank. */
static tg_tensor *lift(const tg_tensor *t)
{
    return t->ndim ? (tg_tensor *)t : tg__alias(t, (const int64_t[]){1}, (const int64_t[]){1}, 1, t->offset);
}

static int out_of_bounds(int64_t bad, int64_t dim, int64_t size)
{
    return tg__faili(TG_E_INDEX, "index %lld is out of bounds for dimension %lld with size %lld", (long long)bad,
                     (long long)dim, (long long)size);
}

/* Runs the kernel over self, index and other at one rank. 0, or -1. */
static int run(tg_index_mode mode, tg_tensor *self, int64_t dim, const tg_tensor *index, tg_tensor *other)
{
    tg_tensor *s = lift(self), *i = lift(index), *o = lift(other);
    if (!s || !i || !o) return -1;
    tg__k_scatter_gather(mode, s, (int)dim, i, o);
    return 0;
}

/* ------------------------------------------------------ gather, scatter */

static int check_index_dtype(const char *method, const tg_tensor *index)
{
    if (tg_numel(index) != 0 && index->dtype != TG_I64)
        return tg__faili(TG_E_DTYPE, "%s(): Expected dtype int64 for index", method);
    return 0;
}

/* PyTorch's gather_shape_check and the bounds of index along dim. */
static int check_gather(const tg_tensor *self, int64_t d, const tg_tensor *index)
{
    if (rank(self) != rank(index))
        return tg__faili(TG_E_SHAPE, "Index tensor must have the same number of dimensions as input tensor");
    for (int i = 0; i < rank(self); i++) {
        if (i == d || size_at(index, i) <= size_at(self, i)) continue;
        char a[256], b[256];
        return tg__faili(TG_E_SHAPE, "Size does not match at dimension %d expected index %s to be smaller than self %s apart from dimension %lld",
                         i, tg__shape_str(index->shape, index->ndim, a, sizeof a),
                         tg__shape_str(self->shape, self->ndim, b, sizeof b), (long long)d);
    }
    int64_t bad;
    return tg__k_index_in_bounds(index, size_at(self, d), &bad) ? 0 : out_of_bounds(bad, d, size_at(self, d));
}

tg_tensor *tg_gather(const tg_tensor *t, int64_t dim, const tg_tensor *index)
{
    TG_ARG(t);
    TG_ARG(index);
    int64_t d;
    if (tg__wrap_dim(dim, t->ndim, &d) || check_index_dtype("gather", index)) return NULL;
    if (tg_numel(index) != 0 && check_gather(t, d, index)) return NULL;
    tg_tensor *out = tg__new(t->dtype, index->shape, index->ndim);
    if (!out || (tg_numel(index) != 0 && run(TG_GATHER, (tg_tensor *)t, d, index, out))) return NULL;
    index_params p = {d, 1, index};
    tg_node *n;
    if (tg__record(out, (tg_record){.op = TG_OP_GATHER, .n_saved = 2, TG_PARAMS(p)}, &t, 1, &n)) return NULL;
    if (n) {   /* PyTorch 1.13 saves self, though the gradient reads only its sizes */
        tg__save(n, 0, t);
        tg__save(n, 1, index);
    }
    return out;
}

/* zeros like self, g added at the gathered positions */
int tg__d_gather(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    const index_params *p = n->params;
    tg_tensor *self = SAVED(0), *index = SAVED(1);
    tg_tensor *zeros = self && index ? tg_zeros(self->shape, self->ndim, g->dtype) : NULL;
    return (gi[0] = zeros ? tg_scatter_add(zeros, p->dim, index, g) : NULL) ? 0 : -1;
}

/* PyTorch's scatter_shape_check (src NULL: the value form), before the
   bounds of index are checked. */
static int check_scatter_shape(const tg_tensor *self, int64_t d, const tg_tensor *index, const tg_tensor *src)
{
    if (tg_numel(index) == 0) return 0;
    if (rank(self) != rank(index))
        return tg__faili(TG_E_SHAPE, "Index tensor must have the same number of dimensions as self tensor");
    /* else the kernel reads a src with no elements: one of its sizes past index's rank is 0 */
    if (src && rank(src) != rank(index))
        return tg__faili(TG_E_SHAPE, "Index tensor must have the same number of dimensions as src tensor");
    bool wrong = false;
    for (int i = 0; i < rank(self) && !wrong; i++)
        wrong = i != d && size_at(index, i) > size_at(self, i);
    for (int i = 0; i < rank(self) && !wrong && src; i++)
        wrong = size_at(index, i) > size_at(src, i);
    if (wrong) {
        char a[256], b[256], c[256];
        tg__shape_str(index->shape, index->ndim, a, sizeof a);
        tg__shape_str(self->shape, self->ndim, b, sizeof b);
        if (!src)
            return tg__faili(TG_E_SHAPE, "Expected index %s to be smaller than self %s apart from dimension %lld", a, b,
                             (long long)d);
        return tg__faili(TG_E_SHAPE, "Expected index %s to be smaller than self %s apart from dimension %lld and to be smaller size than src %s",
                         a, b, (long long)d, tg__shape_str(src->shape, src->ndim, c, sizeof c));
    }
    return 0;
}

static int check_scatter_bounds(const tg_tensor *self, int64_t d, const tg_tensor *index)
{
    int64_t bad;
    if (tg_numel(index) == 0 || tg__k_index_in_bounds(index, size_at(self, d), &bad)) return 0;
    return out_of_bounds(bad, d, size_at(self, d));
}

/* A contiguous copy of self with src's elements scattered (or added) at index. */
static tg_tensor *scatter_kernel(tg_index_mode mode, const tg_tensor *self, int64_t d, const tg_tensor *index,
                                 const tg_tensor *src)
{
    tg_tensor *out = tg__cast(self, self->dtype);
    if (!out || (tg_numel(index) != 0 && run(mode, out, d, index, (tg_tensor *)src))) return NULL;
    return out;
}

static int check_scatter(const tg_tensor *self, int64_t d, const tg_tensor *index, const tg_tensor *src)
{
    return check_scatter_shape(self, d, index, src) || check_scatter_bounds(self, d, index) ? -1 : 0;
}

/* The checks scatter and scatter_reduce share, in PyTorch's order; the
   wrapped dim goes to *d. complex_kernel (or NULL) names the kernel that
   refuses complex t after the shapes are checked, before the bounds. 0, or
   -1 with an error naming fn. */
static int check_scatter_args(const char *fn, const tg_tensor *t, int64_t dim, const tg_tensor *index,
                              const tg_tensor *src, const char *complex_kernel, int64_t *d)
{
    TG_ARGI_OF(fn, t);
    TG_ARGI_OF(fn, index);
    TG_ARGI_OF(fn, src);
    if (tg__wrap_dim(dim, t->ndim, d) || check_index_dtype("scatter", index)) return -1;
    if (t->dtype != src->dtype) return tg__faili(TG_E_DTYPE, "scatter(): Expected self.dtype to be equal to src.dtype");
    if (check_scatter_shape(t, *d, index, src)) return -1;
    if (complex_kernel && tg__is_complex(t->dtype))
        return tg__faili(TG_E_DTYPE, "\"%s\" not implemented for '%s'", complex_kernel, tg__dtype_short(t->dtype));
    return check_scatter_bounds(t, *d, index);
}

static tg_tensor *scatter(const char *fn, tg_index_mode mode, tg_op op, const tg_tensor *t, int64_t dim,
                          const tg_tensor *index, const tg_tensor *src)
{
    int64_t d;
    if (check_scatter_args(fn, t, dim, index, src, NULL, &d)) return NULL;
    tg_tensor *out = scatter_kernel(mode, t, d, index, src);
    index_params p = {d, 1, index};
    tg_node *n;
    if (!out || tg__record(out, (tg_record){.op = op, .n_saved = 1, TG_PARAMS(p)}, (const tg_tensor *[]){t, src}, 2, &n))
        return NULL;
    if (n) tg__save(n, 0, index);
    return out;
}

tg_tensor *tg_scatter(const tg_tensor *t, int64_t dim, const tg_tensor *index, const tg_tensor *src)
{
    return scatter(__func__, TG_SCATTER, TG_OP_SCATTER, t, dim, index, src);
}

tg_tensor *tg_scatter_add(const tg_tensor *t, int64_t dim, const tg_tensor *index, const tg_tensor *src)
{
    return scatter(__func__, TG_SCATTER_ADD, TG_OP_SCATTER_ADD, t, dim, index, src);
}

/* self.scatter(dim, index, value) (ScatterBackward1): scatter's gradient
   for self, zero where src was written. */
tg_tensor *tg__scatter_value(const tg_tensor *t, int64_t dim, const tg_tensor *index, double value)
{
    TG_ARG(t);
    TG_ARG(index);
    int64_t d;
    if (tg__wrap_dim(dim, t->ndim, &d) || check_index_dtype("scatter", index) || check_scatter(t, d, index, NULL))
        return NULL;
    tg_tensor *v = tg__scalar_tensor(value, t->dtype);
    tg_tensor *src = v ? tg__alias(v, index->shape, (const int64_t[TG_MAX_DIMS]){0}, index->ndim, 0) : NULL;
    tg_tensor *out = src ? scatter_kernel(TG_SCATTER, t, d, index, src) : NULL;
    index_params p = {d, 1, index};
    tg_node *n;
    if (!out || tg__record(out, (tg_record){.op = TG_OP_SCATTER_VALUE, .n_saved = 1, TG_PARAMS(p)}, &t, 1, &n))
        return NULL;
    if (n) tg__save(n, 0, index);
    return out;
}

int tg__d_scatter_value(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    const index_params *p = n->params;
    return (gi[0] = tg__scatter_value(g, p->dim, SAVED(0), 0)) ? 0 : -1;
}

/* self: g with zeros where src was written; src: g gathered at index */
int tg__d_scatter(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    const index_params *p = n->params;
    tg_tensor *index = SAVED(0);
    if (!index) return -1;
    if (NEED(0)) gi[0] = tg__scatter_value(g, p->dim, index, 0);
    if (NEED(1)) gi[1] = tg_gather(g, p->dim, index);
    return tg__derivative_done(n, gi);
}

int tg__d_scatter_add(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    const index_params *p = n->params;
    tg_tensor *index = SAVED(0);
    if (!index) return -1;
    if (NEED(0)) gi[0] = g;
    if (NEED(1)) gi[1] = tg_gather(g, p->dim, index);
    return tg__derivative_done(n, gi);
}

/* ------------------------------------------------------ scatter_reduce */

typedef tg_scatter_reduce_params scatter_reduce_params;   /* ops/ops.h */

/* A 0-dim tensor of dt holding r's identity, which the positions written
   start from without include_self (PyTorch's: +-infinity for floating amax
   and amin, the extremes of integers). */
static tg_tensor *identity(tg_dtype dt, tg_scatter_reduction r)
{
    tg_tensor *v = tg__new(dt, NULL, 0);
    if (!v) return NULL;
    char *p = tg__ptr(v);
    bool max = r == TG_SCATTER_AMAX;
    if (r == TG_SCATTER_SUM || r == TG_SCATTER_MEAN) tg__store(p, dt, 0);
    else if (r == TG_SCATTER_PROD) tg__store(p, dt, 1);
    else if (dt == TG_BOOL) *(bool *)p = !max;
    else if (tg__is_integral(dt)) tg__store_int(p, dt, max ? tg__int_lowest(dt) : tg__int_max(dt));
    else tg__store(p, dt, max ? -INFINITY : INFINITY);
    tg__capture_written(v);
    return v;
}

/* v (0-dim) as a tensor of index's shape */
static tg_tensor *spread(const tg_tensor *v, const tg_tensor *index)
{
    return tg__alias(v, index->shape, (const int64_t[TG_MAX_DIMS]){0}, index->ndim, v->offset);
}

static tg_tensor *scatter_reduce_kernel(const tg_tensor *t, int64_t d, const tg_tensor *index, const tg_tensor *src,
                                        tg_scatter_reduction r, bool include_self)
{
    tg_tensor *out = tg__cast(t, t->dtype);
    if (!out || tg_numel(index) == 0) return out;
    if (!include_self) {
        tg_tensor *v = identity(t->dtype, r), *init = v ? spread(v, index) : NULL;
        if (!init || run(TG_SCATTER, out, d, index, init)) return NULL;
    }
    static const tg_index_mode MODES[] = {
        [TG_SCATTER_SUM] = TG_SCATTER_ADD, [TG_SCATTER_PROD] = TG_SCATTER_MUL, [TG_SCATTER_MEAN] = TG_SCATTER_ADD,
        [TG_SCATTER_AMAX] = TG_SCATTER_MAX, [TG_SCATTER_AMIN] = TG_SCATTER_MIN};
    if (run(MODES[r], out, d, index, (tg_tensor *)src)) return NULL;
    if (r != TG_SCATTER_MEAN) return out;
    /* the number of values averaged at each position, then the division */
    tg_tensor *count = tg__new(TG_I64, t->shape, t->ndim), *one = count ? tg__new(TG_I64, NULL, 0) : NULL;
    if (!one) return NULL;
    tg__k_fill(count, include_self ? 1 : 0);
    tg__k_fill(one, 1);
    tg_tensor *ones = spread(one, index);
    if (!ones || run(TG_SCATTER_ADD, count, d, index, ones)) return NULL;
    tg__k_divide_by_counts(out, count);
    return out;
}

static tg_tensor *scatter_reduce(const char *fn, bool in_place, const tg_tensor *t, int64_t dim, const tg_tensor *index,
                                 const tg_tensor *src, tg_scatter_reduction reduce, bool include_self)
{
    int64_t d;
    bool valid = (unsigned)reduce <= TG_SCATTER_AMIN, extreme = reduce == TG_SCATTER_AMAX || reduce == TG_SCATTER_AMIN;
    const char *complex_kernel = !valid || !extreme ? NULL
                                 : reduce == TG_SCATTER_AMAX ? "scatter_gather_tensor_cpu_reduce_amax"
                                                             : "scatter_gather_tensor_cpu_reduce_amin";
    if (check_scatter_args(fn, t, dim, index, src, complex_kernel, &d)) return NULL;
    if (!valid) return tg__fail(TG_E_INVALID, "reduce argument must be either sum, prod, mean, amax or amin.");
    if (reduce == TG_SCATTER_MEAN && t->dtype == TG_BOOL)
        return tg__fail(TG_E_DTYPE, "\"scatter_gather_tensor_cpu_reduce_mean\" not implemented for 'Bool'");
    tg_tensor *out = scatter_reduce_kernel(t, d, index, src, reduce, include_self);
    /* PyTorch's out-of-place scatter_reduce has no complex derivative; its
       in-place one records one */
    if (out && tg__is_complex(t->dtype) && !in_place && tg__needs_grad((const tg_tensor *[]){t, src}, 2))
        return tg__fail(TG_E_AUTOGRAD,
                        "scatter_reduce does not support automatic differentiation for outputs with complex dtype.");
    scatter_reduce_params p = {d, reduce, include_self, index};
    tg_node *n;
    if (!out || tg__record(out, (tg_record){.op = TG_OP_SCATTER_REDUCE, .n_saved = 4, TG_PARAMS(p)},
                           (const tg_tensor *[]){t, src}, 2, &n))
        return NULL;
    if (!n) return out;
    /* PyTorch saves all four whichever gradient is needed */
    tg__save(n, 0, t);
    tg__save(n, 1, index);
    tg__save(n, 2, src);
    return tg__save_output(n, 3, out) ? NULL : out;
}

tg_tensor *tg_scatter_reduce(const tg_tensor *t, int64_t dim, const tg_tensor *index, const tg_tensor *src,
                             tg_scatter_reduction reduce, bool include_self)
{
    return scatter_reduce(__func__, false, t, dim, index, src, reduce, include_self);
}

/* PyTorch's DelayedError: t passed on, by a node whose derivative fails. */
typedef struct delayed_error_params { const char *message; } delayed_error_params;

static tg_tensor *delayed_error(const tg_tensor *t, const char *message)
{
    tg_tensor *out = t ? tg__cast(t, t->dtype) : NULL;
    delayed_error_params p = {message};
    if (!out || tg__record(out, (tg_record){.op = TG_OP_DELAYED_ERROR, TG_PARAMS(p)}, &t, 1, NULL)) return NULL;
    return out;
}

int tg__d_delayed_error(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    (void)g;
    (void)gi;
    return tg__faili(TG_E_AUTOGRAD, "%s", ((const delayed_error_params *)n->params)->message);
}

/* prod: g times the product of the others. For self, with its zeros taken
   as ones; for src, the quotient of the result, but for a zero alone at
   its position the product of the others, without it; two zeros at one
   position give a gradient that cannot be differentiated again. */
static int prod_backward(const scatter_reduce_params *p, tg_tensor *g, tg_tensor *self, tg_tensor *index,
                         tg_tensor *src, tg_tensor *result, tg_tensor **gs, tg_tensor **gsrc)
{
    int64_t d = p->dim;
    /* each step checked, so that the error reported is the first, as in PyTorch */
    tg_tensor *masked_self = tg_masked_fill(self, tg_eq_scalar(self, 0), 1);
    tg_tensor *msr = masked_self ? tg_scatter_reduce(masked_self, d, index, src, TG_SCATTER_PROD, p->include_self) : NULL;
    *gs = msr ? tg_div(tg_mul(g, msr), masked_self) : NULL;
    tg_tensor *src_zero = *gs ? tg_eq_scalar(src, 0) : NULL;
    tg_tensor *zeros = src_zero ? tg_zeros_like(self) : NULL;
    tg_tensor *nz = zeros ? tg_gather(tg_scatter_add(zeros, d, index, tg_to(src_zero, self->dtype)), d, index) : NULL;
    tg_tensor *single = nz ? tg_logical_and(src_zero, tg_eq_scalar(nz, 1)) : NULL;
    tg_tensor *masked_src = single ? tg_masked_fill(src, single, 1) : NULL;
    tg_tensor *masr = masked_src ? tg_scatter_reduce(self, d, index, masked_src, TG_SCATTER_PROD, p->include_self) : NULL;
    tg_tensor *picked = masr ? tg_gather(tg_mul(g, masr), d, index) : NULL;
    tg_tensor *quotient = picked ? tg_div(tg_gather(tg_mul(g, result), d, index), tg_masked_fill(src, src_zero, 1)) : NULL;
    *gsrc = quotient ? tg_where(single, picked, quotient) : NULL;
    tg_tensor *many = *gsrc ? tg_any(tg_gt_scalar(nz, 1)) : NULL;
    if (!many) return -1;
    if (tg_item(many) != 0)
        *gsrc = delayed_error(*gsrc, "scatter_reduce(): Double backward is unsupported for src when >1 zeros in src "
                                     "are scattered to the same position in self");
    return *gsrc ? 0 : -1;
}

/* PyTorch's scatter_reduce_backward, reduction by reduction; without
   include_self, self gets nothing where src was reduced. */
int tg__d_scatter_reduce(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    const scatter_reduce_params *p = n->params;
    tg_tensor *self = SAVED(0), *index = SAVED(1), *src = SAVED(2), *result = SAVED(3);
    if (!self || !index || !src || !result) return -1;
    int64_t d = p->dim;
    tg_tensor *gs = NULL, *gsrc = NULL;
    switch (p->reduce) {
    case TG_SCATTER_SUM:
        gs = g;
        gsrc = tg_gather(g, d, index);
        break;
    case TG_SCATTER_PROD:
        if (prod_backward(p, g, self, index, src, result, &gs, &gsrc)) return -1;
        break;
    case TG_SCATTER_MEAN: {
        tg_tensor *N = p->include_self ? tg_ones_like(g) : tg_zeros_like(g);
        N = tg_scatter_add(N, d, index, tg_ones_like(src));
        N = tg_masked_fill(N, tg_eq_scalar(N, 0), 1);
        gs = tg_div(g, N);
        gsrc = tg_div(tg_gather(g, d, index), tg_gather(N, d, index));
        break;
    }
    case TG_SCATTER_AMAX:
    case TG_SCATTER_AMIN: {
        /* the gradient shared evenly among the values equal to the result */
        tg_tensor *value = tg_gather(result, d, index);
        tg_tensor *self_is_result = tg_eq(self, result), *src_is_result = tg_eq(src, value);
        tg_tensor *N = tg_scatter_add(tg_to(self_is_result, self->dtype), d, index, tg_to(src_is_result, self->dtype));
        tg_tensor *shared = tg_div(g, N);
        gs = tg_mul(self_is_result, shared);
        gsrc = tg_mul(src_is_result, tg_gather(shared, d, index));
        break;
    }
    }
    if (gs && !p->include_self) gs = tg__scatter_value(gs, d, index, 0);
    if (!gs || !gsrc) return -1;
    if (NEED(0)) gi[0] = gs;
    if (NEED(1)) gi[1] = gsrc;
    return tg__derivative_done(n, gi);
}

/* take_along_dim composes expand and gather, as PyTorch does. */
tg_tensor *tg_take_along_dim(const tg_tensor *t, const tg_tensor *indices, int64_t dim)
{
    TG_ARG(t);
    TG_ARG(indices);
    if (t->ndim != indices->ndim)
        return tg__fail(TG_E_SHAPE, "torch.take_along_dim(): input and indices should have the same number of dimensions, "
                                    "but got %d dimensions for input, and %d dimensions for indices",
                        t->ndim, indices->ndim);
    if (indices->dtype != TG_I64)
        return tg__fail(TG_E_DTYPE, "torch.take_along_dim(): dtype of indices should be Long but got %s",
                        tg__dtype_short(indices->dtype));
    int64_t d;
    if (tg__wrap_dim(dim, t->ndim, &d)) return NULL;
    if (t->ndim == 0)
        return tg__fail(TG_E_INDEX, "Dimension specified as %lld but tensor has no dimensions", (long long)d);
    int64_t sizes[TG_MAX_DIMS], index_shape[TG_MAX_DIMS], self_shape[TG_MAX_DIMS];
    int nd;
    memcpy(sizes, t->shape, sizeof sizes);
    sizes[d] = indices->shape[d];
    if (tg__broadcast_shapes(sizes, t->ndim, indices->shape, indices->ndim, index_shape, &nd)) return NULL;
    memcpy(sizes, indices->shape, sizeof sizes);
    sizes[d] = t->shape[d];
    if (tg__broadcast_shapes(sizes, t->ndim, t->shape, t->ndim, self_shape, &nd)) return NULL;
    return tg_gather(tg_expand(t, self_shape, nd), d, tg_expand(indices, index_shape, nd));
}

/* ------------------------------------------------- index_select, index_add */

/* index, a vector, as a tensor of `shape` (rank at least 1) that steps
   along dim only. */
static tg_tensor *along(const tg_tensor *index, const int64_t *shape, int ndim, int64_t d)
{
    int64_t strides[TG_MAX_DIMS] = {0};
    strides[d] = index->ndim ? index->strides[0] : 0;
    return tg__alias(index, shape, strides, ndim, index->offset);
}

static int check_vector_index(const char *method, const tg_tensor *index)
{
    if (index->dtype == TG_I64 || index->dtype == TG_I32) return 0;
    return tg__faili(TG_E_DTYPE, "%s(): Expected dtype int32 or int64 for index", method);
}

/* The bounds of index_select's indices, in the words of the path PyTorch's
   CPU kernel takes for self's layout. */
static int check_select_bounds(const tg_tensor *t, int64_t d, const tg_tensor *index)
{
    bool empty = tg_numel(t) == 0;
    if (t->ndim > 1 && empty && t->shape[d] == 0)
        return tg__faili(TG_E_INVALID, "index_select(): self indexing axis dim should be positive");
    int64_t bad;
    if (tg__k_index_in_bounds(index, size_at(t, d), &bad)) return 0;
    if (t->ndim > 1 && (empty || d == 1))
        return tg__faili(TG_E_INDEX, "INDICES element is out of DATA bounds, id=%lld axis_dim=%lld", (long long)bad,
                         (long long)t->shape[d]);
    return tg__faili(TG_E_INDEX, "index out of range in self");
}

tg_tensor *tg_index_select(const tg_tensor *t, int64_t dim, const tg_tensor *index)
{
    TG_ARG(t);
    TG_ARG(index);
    int64_t d;
    if (tg__wrap_dim(dim, t->ndim, &d)) return NULL;
    if (index->ndim > 1) return tg__fail(TG_E_INDEX, "index_select(): Index is supposed to be a vector");
    if (t->ndim == 0 && tg_numel(index) != 1)   /* else the kernel reads an index that is not there */
        return tg__fail(TG_E_INDEX, "index_select(): Index to scalar can have only 1 value, got %lld value(s)",
                        (long long)tg_numel(index));
    if (check_vector_index("index_select", index)) return NULL;
    int64_t shape[TG_MAX_DIMS];
    for (int i = 0; i < rank(t); i++) shape[i] = i == d && t->ndim ? tg_numel(index) : size_at(t, i);
    bool skip = t->ndim > 1 && tg_numel(index) == 0;
    if (!skip && check_select_bounds(t, d, index)) return NULL;
    tg_tensor *out = tg__new(t->dtype, shape, t->ndim);
    tg_tensor *idx = out ? along(index, shape, rank(t), d) : NULL;
    if (!idx || (!skip && run(TG_GATHER, (tg_tensor *)t, d, idx, out))) return NULL;
    index_params p = {d, 1, index};
    tg_node *n;
    if (tg__record(out, (tg_record){.op = TG_OP_INDEX_SELECT, .n_saved = 1, TG_PARAMS(p)}, &t, 1, &n)) return NULL;
    if (n) tg__save(n, 0, index);
    return out;
}

/* zeros of self's shape, g added at the selected positions */
int tg__d_index_select(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    const index_params *p = n->params;
    const tg_meta *in = &n->in_meta[0];
    tg_tensor *index = SAVED(0);
    tg_tensor *zeros = index ? tg_zeros(in->shape, in->ndim, g->dtype) : NULL;
    return (gi[0] = zeros ? tg_index_add(zeros, p->dim, index, g, 1) : NULL) ? 0 : -1;
}

/* PyTorch's index_add checks, in its order, up to the bounds. */
static int check_index_add(const tg_tensor *t, int64_t d, const tg_tensor *index, const tg_tensor *source)
{
    char a[256], b[256];
    if (index->ndim > 1)
        return tg__faili(TG_E_INDEX, "index_add_(): Index is supposed to be a vector, but got dim: %d with type: %s and size: %s",
                         index->ndim, tg__dtype_short(index->dtype), tg__shape_str(index->shape, index->ndim, a, sizeof a));
    if (index->dtype != TG_I64 && index->dtype != TG_I32)
        return tg__faili(TG_E_DTYPE, "index_add_(): Expected dtype int32/int64 for index but got: %s",
                         tg__dtype_short(index->dtype));
    if (t->dtype != source->dtype)
        return tg__faili(TG_E_DTYPE, "index_add_(): self (%s) and source (%s) must have the same scalar type",
                         tg__dtype_short(t->dtype), tg__dtype_short(source->dtype));
    if (d != 0 && d >= source->ndim)
        return tg__faili(TG_E_INDEX, "index_add_(): Indexing dim %lld is out of bounds of the source tensor with dim %d",
                         (long long)d, source->ndim);
    if (tg_numel(index) != size_at(source, d))
        return tg__faili(TG_E_SHAPE, "index_add_(): Number of indices (%lld) should be equal to source.size(dim): (%lld), for dim: %lld",
                         (long long)tg_numel(index), (long long)size_at(source, d), (long long)d);
    if (t->ndim <= 1) {
        if (source->ndim > 1)
            return tg__faili(TG_E_SHAPE, "source.dim() (%d) must one or zero for given self.dim() (%d)", source->ndim,
                             t->ndim);
        return 0;
    }
    if (tg_numel(index) == 0) return 0;
    /* a slice of source must broadcast to a slice of self */
    int64_t ts[TG_MAX_DIMS], ss[TG_MAX_DIMS], bs[TG_MAX_DIMS];
    int nt = 0, ns = 0, nb;
    for (int i = 0; i < t->ndim; i++) if (i != d) ts[nt++] = t->shape[i];
    for (int i = 0; i < source->ndim; i++) if (i != d) ss[ns++] = source->shape[i];
    if (tg__broadcast_shapes(ts, nt, ss, ns, bs, &nb)) return -1;
    if (!tg__same_shape(bs, nb, ts, nt))
        return tg__faili(TG_E_SHAPE, "output with shape %s doesn't match the broadcast shape %s",
                         tg__shape_str(ts, nt, a, sizeof a), tg__shape_str(bs, nb, b, sizeof b));
    return 0;
}

/* source as a tensor of self's shape with n along dim: its slices
   broadcast to self's. */
static tg_tensor *source_along(const tg_tensor *source, const int64_t *shape, int ndim, int64_t d)
{
    int64_t strides[TG_MAX_DIMS] = {0};
    int ns = source->ndim ? source->ndim - 1 : 0;
    for (int j = 0; j < ndim && source->ndim; j++) {
        int sd = (int)d;
        if (j != d) {
            int m = (j < d ? j : j - 1) - (ndim - 1 - ns);   /* aligned from the right */
            if (m < 0) continue;
            sd = m < d ? m : m + 1;
        }
        strides[j] = source->shape[sd] == 1 ? 0 : source->strides[sd];
    }
    return tg__alias(source, shape, strides, ndim, source->offset);
}

static tg_tensor *index_add(const char *fn, const tg_tensor *t, int64_t dim, const tg_tensor *index,
                            const tg_tensor *source, double alpha)
{
    TG_ARG_OF(fn, t);
    TG_ARG_OF(fn, index);
    TG_ARG_OF(fn, source);
    int64_t d, bad;
    if (tg__wrap_dim(dim, t->ndim, &d) || check_index_add(t, d, index, source))
        return NULL;
    if (!tg__k_index_in_bounds(index, size_at(t, d), &bad))
        return tg__fail(TG_E_INDEX, "index out of range in self");
    int64_t shape[TG_MAX_DIMS];
    for (int i = 0; i < rank(t); i++) shape[i] = i == d ? tg_numel(index) : size_at(t, i);
    tg_tensor *src = source_along(source, shape, rank(t), d);
    /* alpha in self's dtype: integer tensors take its integer part */
    double a = tg__is_floating_or_complex(t->dtype) ? alpha : trunc(alpha);
    if (src && a != 1) {
        tg_tensor *s = tg__scalar_tensor(a, t->dtype);
        src = s ? tg__binary_kernel(TG_BIN_MUL, src, s, t->dtype) : NULL;
    }
    tg_tensor *out = src ? tg__cast(t, t->dtype) : NULL;
    tg_tensor *idx = out ? along(index, shape, rank(t), d) : NULL;
    if (!idx || run(TG_SCATTER_ADD, out, d, idx, src)) return NULL;
    index_params p = {d, alpha, index};
    tg_node *n;
    if (tg__record(out, (tg_record){.op = TG_OP_INDEX_ADD, .n_saved = 2, TG_PARAMS(p)}, (const tg_tensor *[]){t, source},
                   2, &n))
        return NULL;
    if (n && NEED(1)) {
        tg__save(n, 0, index);
        tg__save(n, 1, source);
    }
    return out;
}

tg_tensor *tg_index_add(const tg_tensor *t, int64_t dim, const tg_tensor *index, const tg_tensor *source, double alpha)
{
    return index_add(__func__, t, dim, index, source, alpha);
}

/* self: g; source: g at the indices, expanded to source, times alpha */
int tg__d_index_add(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    const index_params *p = n->params;
    if (NEED(0)) gi[0] = g;
    if (NEED(1)) {
        tg_tensor *index = SAVED(0), *source = SAVED(1);
        if (!index || !source) return -1;
        tg_tensor *r = source->ndim ? tg_expand(tg_index_select(g, p->dim, index), source->shape, source->ndim)
                                    : tg_index_select(g, p->dim, tg_squeeze_dim(index, 0));
        gi[1] = p->alpha == 1 ? r : tg_mul_scalar(r, p->alpha);
    }
    return tg__derivative_done(n, gi);
}

/* ---------------------------------------------------------- in place */

/* PyTorch's assert_no_overlap before scatter_ and index_add_ write t:
   unlike elementwise operations, they may not read t itself either. */
static int check_write(tg_tensor *t, const tg_tensor *src)
{
    if (tg__check_inplace(t, src, true) || (src && tg__check_overlap(t, src))) return -1;
    bool same = src && t->storage == src->storage && tg_numel(t) != 0 && tg__ptr(t) == tg__ptr(src) &&
                tg__is_dense(t) && tg__is_dense(src);
    if (!same) return 0;
    return tg__faili(TG_E_INVALID, "unsupported operation: some elements of the input tensor and the written-to tensor "
                                   "refer to a single memory location. Please clone() the tensor before performing "
                                   "the operation.");
}

/* Writes r, the out-of-place result, into t (tg__commit). */
static tg_tensor *write_back(tg_tensor *t, const tg_tensor *r) { return r ? tg__commit(t, r) : NULL; }

tg_tensor *tg_scatter_(tg_tensor *t, int64_t dim, const tg_tensor *index, const tg_tensor *src)
{
    TG_ARG(t);
    if (check_write(t, src)) return NULL;
    return write_back(t, scatter(__func__, TG_SCATTER, TG_OP_SCATTER, t, dim, index, src));
}

tg_tensor *tg_scatter_add_(tg_tensor *t, int64_t dim, const tg_tensor *index, const tg_tensor *src)
{
    TG_ARG(t);
    if (check_write(t, src)) return NULL;
    return write_back(t, scatter(__func__, TG_SCATTER_ADD, TG_OP_SCATTER_ADD, t, dim, index, src));
}

tg_tensor *tg_index_add_(tg_tensor *t, int64_t dim, const tg_tensor *index, const tg_tensor *source, double alpha)
{
    TG_ARG(t);
    if (check_write(t, source)) return NULL;
    return write_back(t, index_add(__func__, t, dim, index, source, alpha));
}

/* scatter_reduce_: its derivative reads self, so it runs over a stand-in
   for t's old value (Note [In-place and saved values] in inplace.c). */
tg_tensor *tg_scatter_reduce_(tg_tensor *t, int64_t dim, const tg_tensor *index, const tg_tensor *src,
                              tg_scatter_reduction reduce, bool include_self)
{
    TG_ARG(t);
    if (check_write(t, src)) return NULL;
    bool recorded = tg_is_grad_enabled() && (tg__requires_grad(t) || (src && tg__requires_grad(src)));
    const tg_tensor *self = recorded ? tg__stand_in(t) : t;
    return self ? write_back(t, scatter_reduce(__func__, true, self, dim, index, src, reduce, include_self)) : NULL;
}
