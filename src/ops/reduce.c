/* Reductions: sum and mean (all elements or over dims), max over a dim,
   the 2-norm, and sum_to (the inverse of broadcasting). */
#include "ops.h"

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
    tg_tensor *out = sum_kernel(t, p.reduced, keepdim, dt);
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

/* Puts back the reduced dims of g (when not kept) and expands to the input. */
static tg_tensor *expand_reduced(const tg_node *n, tg_tensor *g)
{
    const reduce_params *p = n->params;
    const tg_meta *in = &n->in_meta[0];
    tg_tensor *r = g;
    if (!p->keepdim)
        for (int i = 0; i < in->ndim && r; i++)
            if (p->reduced[i]) r = tg_unsqueeze(r, i);
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
    max_dim_params p = {d, keepdim};
    tg_node *n;
    if (tg__record(values, (tg_record){.op = TG_OP_MAX_DIM, .n_saved = 1, TG_PARAMS(p)}, &t, 1, &n)) return NULL;
    if (n) tg__save(n, 0, idx);
    if (indices) *indices = idx;   /* only on success: a failed call leaves it NULL */
    return values;
}

/* The gradient goes to the maximum's position along the dim (the saved
   indices). */
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
    if (!out) return NULL;
    /* saves the input (slot 0) and the result (slot 1) */
    tg_node *n;
    if (tg__record(out, (tg_record){.op = TG_OP_NORM, .n_saved = 2}, &t, 1, &n)) return NULL;
    if (!n) return out;
    tg__save(n, 0, t);
    if (tg__save_output(n, 1, out)) return NULL;
    return out;
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
