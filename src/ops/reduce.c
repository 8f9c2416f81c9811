/* Reductions: sum and mean (all elements or over dims), max over a dim,
   the 2-norm, and sum_to (the inverse of broadcasting). */
#include "../internal.h"

#include <string.h>

/* Parses dims into a mask over t's dimensions; an empty list means all. */
static int dims_mask(const tg_tensor *t, const int64_t *dims, int ndims, bool *mask)
{
    memset(mask, 0, TG_MAX_DIMS * sizeof *mask);
    if (ndims < 0 || (ndims > 0 && !dims)) return tg__faili(TG_E_NULL, "dims is NULL");
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

/* The sum of t over the masked dims, keeping them as size 1 when keepdim. */
static tg_tensor *sum_kernel(const tg_tensor *t, const bool *mask, bool keepdim, tg_dtype dt)
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
    return tg__k_sum_to(view, t) ? NULL : out;
}

static tg_tensor *reduce(tg_op op, const tg_tensor *t, const int64_t *dims, int ndims, bool keepdim)
{
    TG_ARG(t);
    bool mask[TG_MAX_DIMS];
    if (dims_mask(t, dims, ndims, mask)) return NULL;
    bool mean = op == TG_OP_MEAN || op == TG_OP_MEAN_DIM;
    if (mean && !tg__is_floating(t->dtype))
        return tg__fail(TG_E_DTYPE,
                        "mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: %s",
                        tg__dtype_short(t->dtype));
    tg_dtype dt = tg__is_floating(t->dtype) ? t->dtype : TG_I64;
    tg_tensor *out = sum_kernel(t, mask, keepdim, dt);
    if (!out) return NULL;
    int64_t count = tg_numel(t) / (tg_numel(out) ? tg_numel(out) : 1);
    if (mean) {
        int64_t reduced = 1;
        for (int i = 0; i < t->ndim; i++) if (mask[i]) reduced *= t->shape[i];
        count = reduced;
        tg_tensor *s = tg__scalar_tensor((double)count, dt);
        tg_tensor *m = s ? tg__binary_kernel(TG_BIN_DIV, out, s, dt, dt) : NULL;
        if (!m) return NULL;
        out = m;
    }
    tg_node *n;
    if (tg__record(out, op, (const tg_tensor *[]){t}, 1, &n)) return NULL;
    if (!n) return out;
    n->flag = keepdim;
    n->scalar = (double)count;
    n->n_ints = t->ndim;
    for (int i = 0; i < t->ndim; i++) n->ints[i] = mask[i];
    /* PyTorch 1.13's MeanBackward1 saves self (its derivative reads only
       the sizes), so changing t in place makes backward fail there too. */
    if (op == TG_OP_MEAN_DIM) tg__save(n, 0, t);
    return out;
}

tg_tensor *tg_sum(const tg_tensor *t) { return reduce(TG_OP_SUM, t, NULL, 0, false); }
tg_tensor *tg_mean(const tg_tensor *t) { return reduce(TG_OP_MEAN, t, NULL, 0, false); }

tg_tensor *tg_sum_dim(const tg_tensor *t, const int64_t *dims, int ndims, bool keepdim)
{
    return reduce(TG_OP_SUM_DIM, t, dims, ndims, keepdim);
}

tg_tensor *tg_mean_dim(const tg_tensor *t, const int64_t *dims, int ndims, bool keepdim)
{
    return reduce(TG_OP_MEAN_DIM, t, dims, ndims, keepdim);
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

tg_tensor *tg_max_dim(const tg_tensor *t, int64_t dim, bool keepdim, tg_tensor **indices)
{
    if (indices) *indices = NULL;
    TG_ARG(t);
    int64_t d;
    if (tg__wrap_dim(dim, t->ndim, &d)) return NULL;
    if (t->ndim > 0 && t->shape[d] == 0)
        return tg__fail(TG_E_SHAPE, "max(): Expected reduction dim %lld to have non-zero size.", (long long)d);
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
        tg__k_max_dim(vv, iv, t, (int)d);
    }
    tg_node *n;
    if (tg__record(values, TG_OP_MAX_DIM, (const tg_tensor *[]){t}, 1, &n)) return NULL;
    if (n) {
        n->ints[0] = d;
        n->flag = keepdim;
        tg__save(n, 0, idx);
    }
    if (indices) *indices = idx;   /* only on success: a failed call leaves it NULL */
    return values;
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
    if (!out) return NULL;
    tg_node *n;
    if (tg__record(out, TG_OP_NORM, (const tg_tensor *[]){t}, 1, &n)) return NULL;
    if (!n) return out;
    tg__save(n, 0, t);
    if (tg__save_output(n, 1, out)) return NULL;
    return out;
}
