/* Reductions: sum and mean (all elements or over dims), max and min (all
   elements, over a dim, amax and amin over dims), argmax and argmin, prod,
   all and any, the 2-norm, and sum_to (the inverse of broadcasting). */
#include "ops.h"

#include <math.h>
#include <string.h>

/* Parses dims into a mask over t's dimensions; an empty list means all. */
static int dims_mask(const char *fn, const tg_tensor *t, const int64_t *dims, int ndims, bool *mask)
{
    memset(mask, 0, TG_MAX_DIMS * sizeof *mask);
    if (ndims < 0 || (ndims > 0 && !dims)) return tg__faili(TG_E_NULL, "%s(): dims is NULL", fn);
    if (ndims == 0) {
        for (int i = 0; i < t->ndim; i++) mask[i] = true;
        return 0;
    }
    for (int i = 0; i < ndims; i++) {
        int64_t d;
        if (tg__wrap_dim(dims[i], t->ndim, &d)) return -1;
        if (t->ndim == 0) continue;
        if (mask[d])
            return tg__faili(TG_E_INVALID, "dim %lld appears multiple times in the list of dims", (long long)d);
        mask[d] = true;
    }
    return 0;
}

/* op of t over the masked dims, keeping them as size 1 when keepdim. */
static tg_tensor *reduce_kernel(const tg_tensor *t, const bool *mask, bool keepdim, tg_dtype dt, tg_reduce_op op)
{
    int64_t kept[TG_MAX_DIMS], shape[TG_MAX_DIMS];
    int nd = 0;
    for (int i = 0; i < t->ndim; i++) {
        kept[i] = mask[i] ? 1 : t->shape[i];
        if (!mask[i] || keepdim) shape[nd++] = kept[i];
    }
    tg_tensor *out = tg__new(dt, shape, nd);
    if (!out) return NULL;
    tg_tensor *view = tg__alias(out, kept, (int64_t[TG_MAX_DIMS]){0}, t->ndim, 0);
    if (!view) return NULL;
    tg__contiguous_strides(kept, t->ndim, view->strides);
    return tg__k_reduce(op, view, t) ? NULL : out;
}

/* Records out = op(t) saving t (slot 0) and out (slot 1), as the
   derivatives of extrema, products and norms read both. */
static tg_tensor *record_in_out(tg_tensor *out, tg_record what, const tg_tensor *t)
{
    tg_node *n;
    what.n_saved = 2;
    if (tg__record(out, what, &t, 1, &n)) return NULL;
    if (!n) return out;
    tg__save(n, 0, t);
    return tg__save_output(n, 1, out) ? NULL : out;
}

/* sum and mean: which of the input's dims were reduced, whether they were
   kept, and (mean) how many elements each result averages. */
typedef struct reduce_params {
    bool reduced[TG_MAX_DIMS];
    bool keepdim;
    int64_t count;
} reduce_params;

typedef struct reduce_def {
    tg_op op;
    bool mean;
    bool saves_input;
} reduce_def;

static const reduce_def SUM = {TG_OP_SUM, false, false};
static const reduce_def SUM_DIM = {TG_OP_SUM_DIM, false, false};
static const reduce_def MEAN = {TG_OP_MEAN, true, false};
/* PyTorch 1.13's MeanBackward1 saves self (its derivative reads only the
   sizes), so changing the input in place makes backward fail there too. */
static const reduce_def MEAN_DIM = {TG_OP_MEAN_DIM, true, true};

static tg_tensor *reduce(const char *fn, const reduce_def *d, const tg_tensor *t, const int64_t *dims, int ndims,
                         bool keepdim)
{
    bool mean = d->mean;
    TG_ARG_OF(fn, t);
    reduce_params p = {.keepdim = keepdim};
    if (dims_mask(fn, t, dims, ndims, p.reduced)) return NULL;
    if (mean && !tg__is_floating(t->dtype))
        return tg__fail(TG_E_DTYPE,
                        "mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: %s",
                        tg__dtype_short(t->dtype));
    tg_dtype dt = tg__is_floating(t->dtype) ? t->dtype : TG_I64;
    tg_tensor *out = reduce_kernel(t, p.reduced, keepdim, dt, TG_RED_SUM);
    if (!out) return NULL;
    if (mean) {
        p.count = 1;
        for (int i = 0; i < t->ndim; i++) if (p.reduced[i]) p.count *= t->shape[i];
        tg_tensor *s = tg__scalar_tensor((double)p.count, dt);
        out = s ? tg__binary_kernel(TG_BIN_DIV, out, s, dt) : NULL;
        if (!out) return NULL;
    }
    tg_node *n;
    if (tg__record(out, (tg_record){.op = d->op, .n_saved = d->saves_input, TG_PARAMS(p)}, &t, 1, &n)) return NULL;
    if (n && d->saves_input) tg__save(n, 0, t);
    return out;
}

tg_tensor *tg_sum(const tg_tensor *t) { return reduce(__func__, &SUM, t, NULL, 0, false); }
tg_tensor *tg_sum_dim(const tg_tensor *t, const int64_t *dims, int ndims, bool keepdim)
{
    return reduce(__func__, &SUM_DIM, t, dims, ndims, keepdim);
}

tg_tensor *tg_mean(const tg_tensor *t) { return reduce(__func__, &MEAN, t, NULL, 0, false); }
tg_tensor *tg_mean_dim(const tg_tensor *t, const int64_t *dims, int ndims, bool keepdim)
{
    return reduce(__func__, &MEAN_DIM, t, dims, ndims, keepdim);
}

/* Puts back the reduced dims of g when they were not kept (PyTorch's
   restore_reduced_dims). */
static tg_tensor *restore_reduced(const tg_node *n, tg_tensor *g)
{
    const reduce_params *p = n->params;
    tg_tensor *r = g;
    if (!p->keepdim)
        for (int i = 0; i < n->in_meta[0].ndim && r; i++)
            if (p->reduced[i]) r = tg_unsqueeze(r, i);
    return r;
}

/* ... and expands to the input. */
static tg_tensor *expand_reduced(const tg_node *n, tg_tensor *g)
{
    const tg_meta *in = &n->in_meta[0];
    tg_tensor *r = restore_reduced(n, g);
    return r ? tg_expand(r, in->shape, in->ndim) : NULL;
}

int tg__d_sum(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    return (gi[0] = expand_reduced(n, g)) ? 0 : -1;
}

int tg__d_mean(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    const reduce_params *p = n->params;
    tg_tensor *e = expand_reduced(n, g);
    return (gi[0] = e ? tg_div_scalar(e, (double)p->count) : NULL) ? 0 : -1;
}

tg_tensor *tg__sum_to(const tg_tensor *g, const int64_t *shape, int ndim)
{
    /* As PyTorch's at::sum_to: a plain sum to a 0-dim shape, else sum the
       leading dims away, then the dims that were broadcast from 1. */
    if (ndim == 0) return tg_sum(g);
    int lead = g->ndim - ndim;
    int64_t dims[TG_MAX_DIMS];
    int n = 0;
    for (int i = 0; i < lead; i++) dims[n++] = i;
    for (int i = 0; i < ndim; i++)
        if (shape[i] == 1 && g->shape[lead + i] != 1) dims[n++] = lead + i;
    const tg_tensor *r = g;
    if (n) r = tg_sum_dim(g, dims, n, true);
    if (!r) return NULL;
    if (lead == 0) return (tg_tensor *)r;
    return tg_view(r, shape, ndim);
}

typedef struct max_dim_params {
    int64_t dim;
    bool keepdim;
} max_dim_params;

/* The max (min unless largest) of t along dim and its indices (the first
   of equal values; NaN wins); name is PyTorch's in its messages. */
static tg_tensor *extreme_dim(const char *fn, const char *name, bool largest, const tg_tensor *t, int64_t dim,
                              bool keepdim, tg_tensor **indices, int64_t *wrapped)
{
    TG_ARG_OF(fn, t);
    int64_t d;
    if (tg__wrap_dim(dim, t->ndim, &d)) return NULL;
    if (t->ndim > 0 && t->shape[d] == 0)
        return tg__fail(TG_E_SHAPE, "%s(): Expected reduction dim %lld to have non-zero size.", name, (long long)d);
    int64_t kept[TG_MAX_DIMS], shape[TG_MAX_DIMS];
    int nd = 0;
    for (int i = 0; i < t->ndim; i++) {
        kept[i] = i == d ? 1 : t->shape[i];
        if (i != d || keepdim) shape[nd++] = kept[i];
    }
    tg_tensor *values = tg__new(t->dtype, shape, nd);
    tg_tensor *idx = tg__new(TG_I64, shape, nd);
    if (!values || !idx) return NULL;
    if (t->ndim == 0) {
        tg__copy_into(values, t);
        tg__k_fill(idx, 0);
    } else {
        int64_t strides[TG_MAX_DIMS];
        tg__contiguous_strides(kept, t->ndim, strides);
        tg_tensor *vv = tg__alias(values, kept, strides, t->ndim, 0);
        tg_tensor *iv = tg__alias(idx, kept, strides, t->ndim, 0);
        if (!vv || !iv) return NULL;
        (largest ? tg__k_max_dim : tg__k_min_dim)(vv, iv, t, (int)d);
    }
    *indices = idx;
    *wrapped = d;
    return values;
}

static tg_tensor *max_min_dim(const char *fn, tg_op op, const tg_tensor *t, int64_t dim, bool keepdim,
                              tg_tensor **indices)
{
    if (indices) *indices = NULL;
    tg_tensor *idx;
    max_dim_params p = {.keepdim = keepdim};
    bool largest = op == TG_OP_MAX_DIM;
    tg_tensor *values = extreme_dim(fn, largest ? "max" : "min", largest, t, dim, keepdim, &idx, &p.dim);
    if (!values) return NULL;
    tg_node *n;
    if (tg__record(values, (tg_record){.op = op, .n_saved = 1, TG_PARAMS(p)}, &t, 1, &n)) return NULL;
    if (n) tg__save(n, 0, idx);
    if (indices) *indices = idx;   /* only on success: a failed call leaves it NULL */
    return values;
}

tg_tensor *tg_max_dim(const tg_tensor *t, int64_t dim, bool keepdim, tg_tensor **indices)
{
    return max_min_dim(__func__, TG_OP_MAX_DIM, t, dim, keepdim, indices);
}

tg_tensor *tg_min_dim(const tg_tensor *t, int64_t dim, bool keepdim, tg_tensor **indices)
{
    return max_min_dim(__func__, TG_OP_MIN_DIM, t, dim, keepdim, indices);
}

/* The gradient goes to the maximum's (minimum's) position along the dim
   (the saved indices). */
int tg__d_max_dim(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    const max_dim_params *p = n->params;
    const tg_meta *in = &n->in_meta[0];
    tg_tensor *idx = SAVED(0);
    if (!idx) return -1;
    int64_t d = p->dim;
    tg_tensor *gk = g;
    if (in->ndim == 0) return (gi[0] = g) ? 0 : -1;
    if (!p->keepdim) {
        gk = tg_unsqueeze(g, d);
        idx = tg_unsqueeze(idx, d);
    }
    /* one-hot of the argmax along d: arange(len) (shaped along d) == idx */
    int64_t shape[TG_MAX_DIMS];
    for (int i = 0; i < in->ndim; i++) shape[i] = i == d ? in->shape[d] : 1;
    tg_tensor *pos = tg_arange(0, (double)in->shape[d], 1, TG_I64);
    tg_tensor *pos_d = pos ? tg_view(pos, shape, in->ndim) : NULL;
    tg_tensor *hit = pos_d && idx ? tg__compare(TG_BIN_EQ, pos_d, idx) : NULL;
    tg_tensor *zero = tg__scalar_tensor(0, g->dtype);
    gi[0] = hit && gk && zero ? tg_where(hit, gk, zero) : NULL;
    return gi[0] ? 0 : -1;
}

tg_tensor *tg_norm(const tg_tensor *t)
{
    TG_ARG(t);
    if (!tg__is_floating(t->dtype))
        return tg__fail(TG_E_DTYPE, "norm(): input dtype should be either floating point or complex. Got %s instead.",
                        tg__dtype_short(t->dtype));
    tg_tensor *out = NULL;
    TG_NO_GRAD {
        out = tg_sqrt(tg_sum(tg_mul(t, t)));
    }
    return out ? record_in_out(out, (tg_record){.op = TG_OP_NORM}, t) : NULL;
}

/* x / norm, and 0 where the norm is 0 */
int tg__d_norm(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    tg_tensor *x = SAVED(0), *y = SAVED(1);
    if (!x || !y) return -1;
    tg_tensor *d = tg_mul(x, tg_div(g, y));
    tg_tensor *zero = tg__compare_scalar(TG_BIN_EQ, y, 0);
    gi[0] = d && zero ? tg_where(zero, tg__scalar_tensor(0, d->dtype), d) : NULL;
    return gi[0] ? 0 : -1;
}

/* ------------------------------------------- argmax, max, amax, all, prod */

static tg_tensor *arg_extreme(const char *fn, const char *name, bool largest, const tg_tensor *t, int64_t dim,
                              bool keepdim)
{
    TG_ARG_OF(fn, t);
    if (t->dtype == TG_BOOL) return tg__fail(TG_E_DTYPE, "\"%s_cpu\" not implemented for 'Bool'", name);
    tg_tensor *idx;
    int64_t d;
    return extreme_dim(fn, name, largest, t, dim, keepdim, &idx, &d) ? idx : NULL;
}

tg_tensor *tg_argmax(const tg_tensor *t, int64_t dim, bool keepdim)
{
    return arg_extreme(__func__, "argmax", true, t, dim, keepdim);
}

tg_tensor *tg_argmin(const tg_tensor *t, int64_t dim, bool keepdim)
{
    return arg_extreme(__func__, "argmin", false, t, dim, keepdim);
}

/* PyTorch's dim=None: the index into the flattened tensor. */
static tg_tensor *arg_extreme_all(const char *fn, const char *name, bool largest, const tg_tensor *t)
{
    TG_ARG_OF(fn, t);
    if (t->dtype != TG_BOOL && tg_numel(t) == 0)
        return tg__fail(TG_E_SHAPE, "%s(): Expected reduction dim to be specified for input.numel() == 0.", name);
    tg_tensor *flat = NULL;
    TG_NO_GRAD {
        flat = tg_reshape(t, (const int64_t[]){-1}, 1);
    }
    return flat ? arg_extreme(fn, name, largest, flat, 0, false) : NULL;
}

tg_tensor *tg_argmax_all(const tg_tensor *t) { return arg_extreme_all(__func__, "argmax", true, t); }
tg_tensor *tg_argmin_all(const tg_tensor *t) { return arg_extreme_all(__func__, "argmin", false, t); }

/* PyTorch's checks of a reduction without identity (max, amax): every
   reduced dim has elements. all_dims: no dim was given. */
static int check_nonempty(const char *name, const tg_tensor *t, bool all_dims, const bool *mask)
{
    if (all_dims && tg_numel(t) == 0)
        return tg__faili(TG_E_SHAPE,
                         "%s(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.",
                         name);
    for (int i = 0; i < t->ndim; i++)
        if (mask[i] && t->shape[i] == 0)
            return tg__faili(TG_E_SHAPE, "%s(): Expected reduction dim %d to have non-zero size.", name, i);
    return 0;
}

typedef struct fold_def {
    const char *name;      /* PyTorch's, in its messages */
    tg_reduce_op kernel;
    tg_op op;              /* TG_OP_ACCUMULATE_GRAD: not differentiable, no node */
    bool needs_elements;   /* no identity: reduced dims must not be empty */
} fold_def;

static const fold_def MAX = {"max", TG_RED_MAX, TG_OP_MAX, true};
static const fold_def MIN = {"min", TG_RED_MIN, TG_OP_MIN, true};
static const fold_def AMAX = {"amax", TG_RED_MAX, TG_OP_AMAX, true};
static const fold_def AMIN = {"amin", TG_RED_MIN, TG_OP_AMIN, true};
static const fold_def PROD = {"prod", TG_RED_PROD, TG_OP_PROD, false};
static const fold_def PROD_DIM = {"prod", TG_RED_PROD, TG_OP_PROD_DIM, false};
static const fold_def ALL = {"all", TG_RED_ALL, TG_OP_ACCUMULATE_GRAD, false};
static const fold_def ANY = {"any", TG_RED_ANY, TG_OP_ACCUMULATE_GRAD, false};

/* d's reduction of t over dims (NULL, 0: all), saving the input
   (slot 0) and the result (slot 1) for its derivative. Products of
   integers are TG_I64 and all and any TG_BOOL, as in PyTorch. */
static tg_tensor *fold(const char *fn, const fold_def *d, const tg_tensor *t, const int64_t *dims, int ndims,
                       bool keepdim)
{
    TG_ARG_OF(fn, t);
    reduce_params p = {.keepdim = keepdim};
    if (dims_mask(fn, t, dims, ndims, p.reduced)) return NULL;
    if (d->needs_elements && check_nonempty(d->name, t, ndims == 0, p.reduced)) return NULL;
    tg_dtype dt = t->dtype;
    if (d->kernel == TG_RED_PROD && !tg__is_floating(dt)) dt = TG_I64;
    if (d->kernel == TG_RED_ALL || d->kernel == TG_RED_ANY) dt = TG_BOOL;
    tg_tensor *out = reduce_kernel(t, p.reduced, keepdim, dt, d->kernel);
    if (!out || d->op == TG_OP_ACCUMULATE_GRAD) return out;
    return record_in_out(out, (tg_record){.op = d->op, TG_PARAMS(p)}, t);
}

tg_tensor *tg_max(const tg_tensor *t) { return fold(__func__, &MAX, t, NULL, 0, false); }
tg_tensor *tg_min(const tg_tensor *t) { return fold(__func__, &MIN, t, NULL, 0, false); }
tg_tensor *tg_amax(const tg_tensor *t, const int64_t *dims, int ndims, bool keepdim)
{
    return fold(__func__, &AMAX, t, dims, ndims, keepdim);
}
tg_tensor *tg_amin(const tg_tensor *t, const int64_t *dims, int ndims, bool keepdim)
{
    return fold(__func__, &AMIN, t, dims, ndims, keepdim);
}
tg_tensor *tg_all(const tg_tensor *t) { return fold(__func__, &ALL, t, NULL, 0, false); }
tg_tensor *tg_any(const tg_tensor *t) { return fold(__func__, &ANY, t, NULL, 0, false); }
tg_tensor *tg_all_dim(const tg_tensor *t, int64_t dim, bool keepdim)
{
    return fold(__func__, &ALL, t, &dim, 1, keepdim);
}
tg_tensor *tg_any_dim(const tg_tensor *t, int64_t dim, bool keepdim)
{
    return fold(__func__, &ANY, t, &dim, 1, keepdim);
}
tg_tensor *tg_prod(const tg_tensor *t) { return fold(__func__, &PROD, t, NULL, 0, false); }
tg_tensor *tg_prod_dim(const tg_tensor *t, int64_t dim, bool keepdim)
{
    return fold(__func__, &PROD_DIM, t, &dim, 1, keepdim);
}

/* The logical not of a bool tensor (NULL gives NULL), without history. */
static tg_tensor *negation(const tg_tensor *c)
{
    tg_tensor *f = tg__scalar_tensor(0, TG_BOOL), *t = tg__scalar_tensor(1, TG_BOOL);
    return c && f && t ? tg__where(c, f, t) : NULL;
}

static tg_tensor *isnan_of(const tg_tensor *x) { return negation(tg__compare(TG_BIN_EQ, x, x)); }

/* PyTorch's evenly_distribute_backward: the gradient split evenly among
   the elements equal to the result (the NaNs when it is NaN). */
int tg__d_max_all(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    tg_tensor *x = SAVED(0), *y = SAVED(1);
    if (!x || !y) return -1;
    double v = tg_item(y);
    tg_tensor *mask = v != v ? isnan_of(x) : tg__compare(TG_BIN_EQ, x, y);
    tg_tensor *share = mask ? tg_div(g, tg_sum(mask)) : NULL;
    gi[0] = share ? tg_where(mask, share, tg__scalar_tensor(0, g->dtype)) : NULL;
    return gi[0] ? 0 : -1;
}

/* PyTorch's scale_grad_by_count: the gradient split evenly among the
   elements equal to the result in each reduced run. */
int tg__d_amax(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    const reduce_params *p = n->params;
    tg_tensor *x = SAVED(0), *y = SAVED(1);
    if (!x || !y) return -1;
    int64_t dims[TG_MAX_DIMS];
    int nd = 0;
    for (int i = 0; i < x->ndim; i++)
        if (p->reduced[i]) dims[nd++] = i;
    tg_tensor *ry = restore_reduced(n, y);
    tg_tensor *mask = ry ? tg__compare(TG_BIN_EQ, ry, x) : NULL;
    tg_tensor *count = mask ? tg_sum_dim(mask, dims, nd, true) : NULL;
    tg_tensor *rg = count ? restore_reduced(n, g) : NULL;
    gi[0] = rg ? tg_mul(tg_div(rg, count), mask) : NULL;
    return gi[0] ? 0 : -1;
}

tg_tensor *tg__pairs(const tg_tensor *x, int64_t dim, tg_binary_kernel cmp, tg_tensor **mask)
{
    *mask = NULL;
    if (x->ndim == TG_MAX_DIMS)
        return tg__fail(TG_E_SHAPE, "a second derivative of a product with zeros takes at most %d dimensions",
                        TG_MAX_DIMS - 1);
    int64_t len = x->shape[dim], rows[TG_MAX_DIMS], cols[TG_MAX_DIMS], square[TG_MAX_DIMS];
    for (int i = 0; i <= x->ndim; i++) rows[i] = cols[i] = 1;
    rows[dim] = cols[dim + 1] = len;
    for (int i = 0; i <= x->ndim; i++) square[i] = i < dim ? x->shape[i] : i == dim ? len : x->shape[i - 1];
    tg_tensor *pos = tg_arange(0, (double)len, 1, TG_I64);
    tg_tensor *r = pos ? tg_view(pos, rows, x->ndim + 1) : NULL, *c = pos ? tg_view(pos, cols, x->ndim + 1) : NULL;
    *mask = r && c ? tg__compare(cmp, c, r) : NULL;
    return *mask ? tg_expand(tg_unsqueeze(x, dim), square, x->ndim + 1) : NULL;
}

/* The product of the other elements of each run of x along dim,
   differentiably. Without grad mode, as PyTorch computes it (exclusive
   products from both sides); with it, as the product over a second dim of
   x with the diagonal set to 1, which costs a run's length squared. */
static tg_tensor *prod_others(const tg_tensor *x, int64_t dim)
{
    if (!tg_is_grad_enabled()) {
        tg_tensor *out = tg__new(x->dtype, x->shape, x->ndim);
        if (out) tg__k_prod_others(out, x, (int)dim);
        return out;
    }
    tg_tensor *diag, *xs = tg__pairs(x, dim, TG_BIN_EQ, &diag);
    tg_tensor *m = xs ? tg_where(diag, tg__scalar_tensor(1, x->dtype), xs) : NULL;
    return m ? tg_prod_dim(m, dim + 1, false) : NULL;
}

/* PyTorch's prod_backward: grad * result / input without zeros; with
   them the products of the others (zeros outright, without history, when
   the product of all elements has several). */
static int prod_grad(tg_tensor *g, const tg_tensor *x, tg_tensor *y, int64_t dim, bool all, tg_tensor **gi)
{
    tg_tensor *zeros = tg_sum(tg__compare_scalar(TG_BIN_EQ, x, 0));
    if (!zeros) return -1;
    int64_t n_zeros = (int64_t)tg_item(zeros);
    if (n_zeros == 0) gi[0] = tg_mul(g, tg_div(y, x));
    else if (all && n_zeros > 1) gi[0] = tg_zeros(x->shape, x->ndim, x->dtype);
    else if (all)
        gi[0] = tg_view(tg_mul(g, prod_others(tg_reshape(x, (const int64_t[]){-1}, 1), 0)), x->shape, x->ndim);
    else gi[0] = tg_mul(g, prod_others(x, dim));
    return gi[0] ? 0 : -1;
}

int tg__d_prod(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    tg_tensor *x = SAVED(0), *y = SAVED(1);
    if (!x || !y) return -1;
    if (x->ndim == 0) return (gi[0] = g) ? 0 : -1;
    if (n->op == TG_OP_PROD) return prod_grad(g, x, y, 0, true, gi);
    const reduce_params *p = n->params;
    int64_t dim = 0;
    while (!p->reduced[dim]) dim++;
    return prod_grad(restore_reduced(n, g), x, restore_reduced(n, y), dim, false, gi);
}

/* ------------------------------------------------ var, std and their means */

/* The reduction's parameters first, so that restore_reduced and
   expand_reduced read them; count: the elements of each run. */
typedef struct var_params {
    reduce_params r;
    double correction;
    bool all;   /* no dims given: PyTorch's dim=None */
} var_params;

typedef struct var_def {
    const char *name;    /* PyTorch's, in its dtype error */
    bool std;
    tg_op op, mean_op;   /* mean_op: the mean's node (var_mean, std_mean), else the count */
} var_def;

static const var_def VAR = {"std and var", false, TG_OP_VAR, TG_OP_COUNT};
static const var_def STD = {"std and var", true, TG_OP_STD, TG_OP_COUNT};
static const var_def VAR_MEAN = {"var_mean", false, TG_OP_VAR_MEAN, TG_OP_VAR_MEAN_MEAN};
static const var_def STD_MEAN = {"std_mean", true, TG_OP_STD_MEAN, TG_OP_STD_MEAN_MEAN};

/* The variance (or standard deviation) of t over dims, two-pass in double,
   divided by the count less the correction (0 when that is negative, as
   PyTorch's Welford kernel does); the mean in t's dtype goes to *mean.
   PyTorch's single node for both results of var_mean is two nodes of its
   name here, one per result, each saving the input. */
static tg_tensor *moments(const char *fn, const var_def *d, const tg_tensor *t, const int64_t *dims, int ndims,
                          double correction, bool keepdim, tg_tensor **mean)
{
    if (mean) *mean = NULL;
    TG_ARG_OF(fn, t);
    var_params p = {.r = {.keepdim = keepdim}, .correction = correction, .all = ndims == 0};
    if (dims_mask(fn, t, dims, ndims, p.r.reduced)) return NULL;
    if (!tg__is_floating(t->dtype))
        return tg__fail(TG_E_DTYPE, "%s only support floating point and complex dtypes", d->name);
    p.r.count = 1;
    int64_t list[TG_MAX_DIMS];
    int nd = 0;
    for (int i = 0; i < t->ndim; i++)
        if (p.r.reduced[i]) {
            p.r.count *= t->shape[i];
            list[nd++] = i;
        }
    double divisor = (double)p.r.count - correction;
    tg_tensor *out = NULL, *m = NULL;
    TG_NO_GRAD {
        tg_tensor *x = tg_to(t, TG_F64);
        tg_tensor *m_kept = tg_mean_dim(x, list, nd, true);
        tg_tensor *dev = tg_sub(x, m_kept);
        tg_tensor *v = tg_div_scalar(tg_sum_dim(tg_mul(dev, dev), list, nd, keepdim), divisor > 0 ? divisor : 0);
        out = tg_to(d->std ? tg_sqrt(v) : v, t->dtype);
        m = tg_to(keepdim ? m_kept : tg_mean_dim(x, list, nd, false), t->dtype);
    }
    if (!out || !m) return NULL;
    tg_node *n;
    if (tg__record(out, (tg_record){.op = d->op, .n_saved = 1 + d->std, TG_PARAMS(p)}, &t, 1, &n)) return NULL;
    if (n) {
        tg__save(n, 0, t);
        if (d->std && tg__save_output(n, 1, out)) return NULL;
    }
    if (d->mean_op != TG_OP_COUNT) {
        if (tg__record(m, (tg_record){.op = d->mean_op, .n_saved = 1, TG_PARAMS(p)}, &t, 1, &n)) return NULL;
        if (n) tg__save(n, 0, t);
    }
    if (mean) *mean = m;
    return out;
}

tg_tensor *tg_var(const tg_tensor *t, const int64_t *dims, int ndims, double correction, bool keepdim)
{
    return moments(__func__, &VAR, t, dims, ndims, correction, keepdim, NULL);
}

tg_tensor *tg_std(const tg_tensor *t, const int64_t *dims, int ndims, double correction, bool keepdim)
{
    return moments(__func__, &STD, t, dims, ndims, correction, keepdim, NULL);
}

tg_tensor *tg_var_mean(const tg_tensor *t, const int64_t *dims, int ndims, double correction, bool keepdim,
                       tg_tensor **mean)
{
    return moments(__func__, &VAR_MEAN, t, dims, ndims, correction, keepdim, mean);
}

tg_tensor *tg_std_mean(const tg_tensor *t, const int64_t *dims, int ndims, double correction, bool keepdim,
                       tg_tensor **mean)
{
    return moments(__func__, &STD_MEAN, t, dims, ndims, correction, keepdim, mean);
}

/* PyTorch's var_backward: 2 / (count - correction) * g * (x - mean);
   without dims (or of a 0-dim input) a count equal to the correction gives
   inf * g, 0-dim, as PyTorch's does (so backward fails on other shapes). */
static tg_tensor *var_backward(const tg_node *n, tg_tensor *g, const tg_tensor *x)
{
    const var_params *p = n->params;
    if (p->all || x->ndim == 0) {
        double count = (double)tg_numel(x);
        if (count == p->correction) return tg_mul_scalar(g, INFINITY);
        return tg_mul(tg_mul_scalar(g, 2.0 / (count - p->correction)), tg_sub(x, tg_mean(x)));
    }
    int64_t list[TG_MAX_DIMS];
    int nd = 0;
    for (int i = 0; i < x->ndim; i++)
        if (p->r.reduced[i]) list[nd++] = i;
    double dof = (double)p->r.count - p->correction;
    tg_tensor *rg = restore_reduced(n, g);
    return rg ? tg_mul(tg_mul_scalar(rg, 2.0 / dof), tg_sub(x, tg_mean_dim(x, list, nd, true))) : NULL;
}

int tg__d_var(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    tg_tensor *x = SAVED(0);
    return x && (gi[0] = var_backward(n, g, x)) ? 0 : -1;
}

/* PyTorch's std_backward: var's of g / (2 std), 0 where std is 0. */
int tg__d_std(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    tg_tensor *x = SAVED(0), *y = SAVED(1);
    if (!x || !y) return -1;
    tg_tensor *zero = tg__compare_scalar(TG_BIN_EQ, y, 0);
    tg_tensor *gv = zero ? tg_where(zero, tg__scalar_tensor(0, g->dtype), tg_div(g, tg_mul_scalar(y, 2))) : NULL;
    return gv && (gi[0] = var_backward(n, gv, x)) ? 0 : -1;
}

/* The mean result of var_mean and std_mean: mean's derivative (the input
   is saved, and checked, as PyTorch's node does). */
int tg__d_moments_mean(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    return SAVED(0) ? tg__d_mean(n, g, gi) : -1;
}

/* ------------------------------------- logsumexp, vector_norm, count_nonzero */

/* t != 0 (NaN is), without history. */
static tg_tensor *nonzero_of(const tg_tensor *t) { return negation(tg__compare_scalar(TG_BIN_EQ, t, 0)); }

/* As PyTorch: log(sum(exp(x - max))) + max, with infinite maxima taken as
   0 (so all -inf gives -inf, and +inf gives inf). Integers give TG_F32. */
tg_tensor *tg_logsumexp(const tg_tensor *t, const int64_t *dims, int ndims, bool keepdim)
{
    TG_ARG(t);
    reduce_params p = {.keepdim = keepdim};
    if (dims_mask(__func__, t, dims, ndims, p.reduced)) return NULL;
    tg_tensor *out = NULL;
    TG_NO_GRAD {
        const tg_tensor *x = tg__is_floating(t->dtype) ? t : tg_to(t, TG_F32);
        if (tg_numel(t) == 0) {
            out = tg_log(tg_sum_dim(tg_exp(x), dims, ndims, keepdim));
        } else {
            tg_tensor *m = tg_amax(x, dims, ndims, true);
            tg_tensor *am = m ? tg_abs(m) : NULL;
            tg_tensor *inf = am ? tg__compare_scalar(TG_BIN_EQ, am, INFINITY) : NULL;
            m = inf ? tg_where(inf, tg__scalar_tensor(0, m->dtype), m) : NULL;
            tg_tensor *s = m ? tg_log(tg_sum_dim(tg_exp(tg_sub(x, m)), dims, ndims, keepdim)) : NULL;
            out = s ? tg_add(s, tg_reshape(m, s->shape, s->ndim)) : NULL;
        }
    }
    return out ? record_in_out(out, (tg_record){.op = TG_OP_LOGSUMEXP, TG_PARAMS(p)}, t) : NULL;
}

/* g * exp(x - result) */
int tg__d_logsumexp(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    tg_tensor *x = SAVED(0), *y = SAVED(1);
    if (!x || !y) return -1;
    tg_tensor *ry = restore_reduced(n, y);
    gi[0] = ry ? tg_mul(restore_reduced(n, g), tg_exp(tg_sub(x, ry))) : NULL;
    return gi[0] ? 0 : -1;
}

typedef struct vector_norm_params {
    reduce_params r;
    double ord;
} vector_norm_params;

/* ord 0 counts the non-zero elements, inf and -inf are the largest and
   smallest magnitudes, others sum(|x|^ord)^(1/ord); elementwise in t's
   dtype, as PyTorch computes. */
tg_tensor *tg_vector_norm(const tg_tensor *t, double ord, const int64_t *dims, int ndims, bool keepdim)
{
    TG_ARG(t);
    vector_norm_params p = {.r = {.keepdim = keepdim}, .ord = ord};
    if (dims_mask(__func__, t, dims, ndims, p.r.reduced)) return NULL;
    if (!tg__is_floating(t->dtype))
        return tg__fail(TG_E_DTYPE, "linalg.vector_norm: Expected a floating point or complex tensor as input. Got %s",
                        tg__dtype_short(t->dtype));
    if (ord < 0 || isinf(ord)) {
        if (ndims == 0 && tg_numel(t) == 0)
            return tg__fail(TG_E_SHAPE,
                            "linalg.vector_norm cannot compute the %g norm on an empty tensor because the operation does not have an identity",
                            ord);
        for (int i = 0; i < t->ndim; i++)
            if (p.r.reduced[i] && t->shape[i] == 0)
                return tg__fail(TG_E_SHAPE,
                                "linalg.vector_norm cannot compute the %g norm on the dimension %dbecause this dimension is empty and the operation does not have an identity",
                                ord, i);
    }
    tg_tensor *out = NULL;
    TG_NO_GRAD {
        tg_tensor *a = tg_abs(t), *v;
        if (ord == 0) v = tg_sum_dim(a ? nonzero_of(a) : NULL, dims, ndims, keepdim);
        else if (ord == INFINITY) v = tg_amax(a, dims, ndims, keepdim);
        else if (ord == -INFINITY) v = tg_amin(a, dims, ndims, keepdim);
        else if (ord == 1) v = tg_sum_dim(a, dims, ndims, keepdim);
        else if (ord == 2) v = tg_sqrt(tg_sum_dim(tg_mul(a, a), dims, ndims, keepdim));
        else v = tg_pow_scalar(tg_sum_dim(tg_pow_scalar(a, ord), dims, ndims, keepdim), 1 / ord);
        out = tg_to(v, t->dtype);
    }
    return out ? record_in_out(out, (tg_record){.op = TG_OP_VECTOR_NORM, TG_PARAMS(p)}, t) : NULL;
}

/* where(cond, 0, v) */
static tg_tensor *zero_where(const tg_tensor *cond, const tg_tensor *v)
{
    return cond && v ? tg_where(cond, tg__scalar_tensor(0, v->dtype), v) : NULL;
}

/* PyTorch's norm_backward, case by case; ord 0 has no gradient. */
int tg__d_vector_norm(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    const vector_norm_params *p = n->params;
    tg_tensor *x = SAVED(0), *y = SAVED(1);
    if (!x || !y) return -1;
    if (p->ord == 0) return 0;
    tg_tensor *rg = restore_reduced(n, g), *ry = restore_reduced(n, y);
    if (!rg || !ry) return -1;
    tg_tensor *y_zero = tg__compare_scalar(TG_BIN_EQ, ry, 0);
    double q = p->ord;
    if (q == 1) {
        gi[0] = tg_mul(tg_sign(x), rg);
    } else if (q == 2) {
        gi[0] = tg_mul(rg, zero_where(y_zero, tg_div(x, ry)));
    } else if (isinf(q)) {
        /* the gradient split among the elements whose magnitude is the
           result, or NaN */
        tg_tensor *ax = tg_abs(x);
        tg_tensor *nan = ax ? isnan_of(ax) : NULL, *eq = ax ? tg__compare(TG_BIN_EQ, ax, ry) : NULL;
        tg_tensor *mask = nan && eq ? tg__where(nan, nan, eq) : NULL;
        int64_t list[TG_MAX_DIMS];
        int nd = 0;
        for (int i = 0; i < x->ndim; i++)
            if (p->r.reduced[i]) list[nd++] = i;
        tg_tensor *count = mask ? tg_sum_dim(mask, list, nd, true) : NULL;
        gi[0] = count ? tg_mul(tg_sign(x), tg_mul(tg_div(rg, count), mask)) : NULL;
    } else if (q < 1) {
        tg_tensor *scaled = tg_mul(tg_sign(x), zero_where(tg__compare_scalar(TG_BIN_EQ, x, 0),
                                                          tg_pow_scalar(tg_abs(x), q - 1)));
        gi[0] = tg_mul(tg_mul(scaled, rg), tg_pow_scalar(ry, 1 - q));
    } else {
        tg_tensor *scaled = q < 2 ? tg_mul(tg_sign(x), tg_pow_scalar(tg_abs(x), q - 1))
                                  : tg_mul(x, tg_pow_scalar(tg_abs(x), q - 2));
        gi[0] = tg_mul(scaled, zero_where(y_zero, tg_div(rg, tg_pow_scalar(ry, q - 1))));
    }
    return gi[0] ? 0 : -1;
}

/* The non-zero elements (NaN is) over dims: TG_I64, not differentiable. */
tg_tensor *tg_count_nonzero(const tg_tensor *t, const int64_t *dims, int ndims)
{
    TG_ARG(t);
    bool mask[TG_MAX_DIMS];
    if (dims_mask(__func__, t, dims, ndims, mask)) return NULL;
    tg_tensor *nonzero = nonzero_of(t);
    return nonzero ? reduce_kernel(nonzero, mask, false, TG_I64, TG_RED_SUM) : NULL;
}
