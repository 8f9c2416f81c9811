/* Extremes: max and min (of all elements, or over a dim with their
   indices), amax and amin over dims, argmax and argmin. */
#include "ops.h"

typedef struct max_dim_params {
    int64_t dim;
    bool keepdim;
} max_dim_params;

/* dim wrapped into *d, and a run along it to reduce: PyTorch's checks
   before the dtype's (name is PyTorch's in its messages). */
static int check_dim(const char *name, const tg_tensor *t, int64_t dim, int64_t *d)
{
    if (tg__wrap_dim(dim, t->ndim, d)) return -1;
    if (t->ndim > 0 && t->shape[*d] == 0)
        return tg__faili(TG_E_SHAPE, "%s(): Expected reduction dim %lld to have non-zero size.", name, (long long)*d);
    return 0;
}

/* The max (min unless largest) of t along d (checked) and its indices
   (the first of equal values; NaN wins). */
static tg_tensor *extreme_dim(bool largest, const tg_tensor *t, int64_t d, bool keepdim, tg_tensor **indices)
{
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
    return values;
}

static tg_tensor *max_min_dim(const char *fn, tg_op op, const tg_tensor *t, int64_t dim, bool keepdim,
                              tg_tensor **indices)
{
    if (indices) *indices = NULL;
    tg_tensor *idx;
    max_dim_params p = {.keepdim = keepdim};
    bool largest = op == TG_OP_MAX_DIM;
    TG_ARG_OF(fn, t);
    if (check_dim(largest ? "max" : "min", t, dim, &p.dim) || tg__refuse_complex(fn, t, NULL)) return NULL;
    tg_tensor *values = extreme_dim(largest, t, p.dim, keepdim, &idx);
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

/* PyTorch's argmax kernel refuses bool and complex; an empty result, and
   (dim given) a run of one along dim, are filled without it */
static int check_arg_dtype(const char *name, const tg_tensor *t, bool run_of_one)
{
    if ((t->dtype != TG_BOOL && !tg__is_complex(t->dtype)) || tg_numel(t) == 0 || run_of_one) return 0;
    return tg__faili(TG_E_DTYPE, "\"%s_cpu\" not implemented for '%s'", name, tg__dtype_short(t->dtype));
}

static tg_tensor *arg_extreme(const char *fn, const char *name, bool largest, const tg_tensor *t, int64_t dim,
                              bool keepdim)
{
    TG_ARG_OF(fn, t);
    int64_t d;
    if (check_dim(name, t, dim, &d) || check_arg_dtype(name, t, t->ndim > 0 && t->shape[d] == 1)) return NULL;
    tg_tensor *idx;
    return extreme_dim(largest, t, d, keepdim, &idx) ? idx : NULL;
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
    if (check_arg_dtype(name, t, false)) return NULL;
    tg_tensor *flat = NULL;
    TG_NO_GRAD {
        flat = tg_reshape(t, (const int64_t[]){-1}, 1);
    }
    return flat ? arg_extreme(fn, name, largest, flat, 0, false) : NULL;
}

tg_tensor *tg_argmax_all(const tg_tensor *t) { return arg_extreme_all(__func__, "argmax", true, t); }
tg_tensor *tg_argmin_all(const tg_tensor *t) { return arg_extreme_all(__func__, "argmin", false, t); }

static const tg_fold_def MAX = {"max", TG_RED_MAX, TG_OP_MAX, true};
static const tg_fold_def MIN = {"min", TG_RED_MIN, TG_OP_MIN, true};
static const tg_fold_def AMAX = {"amax", TG_RED_MAX, TG_OP_AMAX, true};
static const tg_fold_def AMIN = {"amin", TG_RED_MIN, TG_OP_AMIN, true};

tg_tensor *tg_max(const tg_tensor *t) { return tg__fold(__func__, &MAX, t, NULL, 0, false); }
tg_tensor *tg_min(const tg_tensor *t) { return tg__fold(__func__, &MIN, t, NULL, 0, false); }
tg_tensor *tg_amax(const tg_tensor *t, const int64_t *dims, int ndims, bool keepdim)
{
    return tg__fold(__func__, &AMAX, t, dims, ndims, keepdim);
}
tg_tensor *tg_amin(const tg_tensor *t, const int64_t *dims, int ndims, bool keepdim)
{
    return tg__fold(__func__, &AMIN, t, dims, ndims, keepdim);
}

/* PyTorch's evenly_distribute_backward: the gradient split evenly among
   the elements equal to the result (the NaNs when it is NaN). */
int tg__d_max_all(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    tg_tensor *x = SAVED(0), *y = SAVED(1);
    if (!x || !y) return -1;
    double v = tg_item(y);
    tg_tensor *mask = v != v ? tg__isnan(x) : tg__compare(TG_BIN_EQ, x, y);
    tg_tensor *share = mask ? tg_div(g, tg_sum(mask)) : NULL;
    gi[0] = share ? tg_where(mask, share, tg__scalar_tensor(0, g->dtype)) : NULL;
    return gi[0] ? 0 : -1;
}

/* PyTorch's scale_grad_by_count: the gradient split evenly among the
   elements equal to the result in each reduced run. */
int tg__d_amax(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    const tg_reduce_params *p = n->params;
    tg_tensor *x = SAVED(0), *y = SAVED(1);
    if (!x || !y) return -1;
    int64_t dims[TG_MAX_DIMS];
    int nd = 0;
    for (int i = 0; i < x->ndim; i++)
        if (p->reduced[i]) dims[nd++] = i;
    tg_tensor *ry = tg__restore_reduced(n, y);
    tg_tensor *mask = ry ? tg__compare(TG_BIN_EQ, ry, x) : NULL;
    tg_tensor *count = mask ? tg_sum_dim(mask, dims, nd, true) : NULL;
    tg_tensor *rg = count ? tg__restore_reduced(n, g) : NULL;
    gi[0] = rg ? tg_mul(tg_div(rg, count), mask) : NULL;
    return gi[0] ? 0 : -1;
}
