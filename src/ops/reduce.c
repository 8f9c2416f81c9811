/* Reductions: sum and mean (all elements or over dims), sum_to (the
   inverse of broadcasting), prod, all and any, count_nonzero, and the
   machinery over dims the other reductions share (ops/extremes.c,
   ops/moments.c, ops/norms.c). */
#include "ops.h"

#include <string.h>

int tg__dims_mask(const char *fn, const tg_tensor *t, const int64_t *dims, int ndims, bool *mask)
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

tg_tensor *tg__record_in_out(tg_tensor *out, tg_record what, const tg_tensor *t)
{
    tg_node *n;
    what.n_saved = 2;
    if (tg__record(out, what, &t, 1, &n)) return NULL;
    if (!n) return out;
    tg__save(n, 0, t);
    return tg__save_output(n, 1, out) ? NULL : out;
}

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
    tg_reduce_params p = {.keepdim = keepdim};
    if (tg__dims_mask(fn, t, dims, ndims, p.reduced)) return NULL;
    if (mean && !tg__is_floating_or_complex(t->dtype))
        return tg__fail(TG_E_DTYPE,
                        "mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: %s",
                        tg__dtype_short(t->dtype));
    tg_dtype dt = tg__is_floating_or_complex(t->dtype) ? t->dtype : TG_I64;
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

tg_tensor *tg__restore_reduced(const tg_node *n, tg_tensor *g)
{
    const tg_reduce_params *p = n->params;
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
    tg_tensor *r = tg__restore_reduced(n, g);
    return r ? tg_expand(r, in->shape, in->ndim) : NULL;
}

int tg__d_sum(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    return (gi[0] = expand_reduced(n, g)) ? 0 : -1;
}

int tg__d_mean(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    const tg_reduce_params *p = n->params;
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

/* ------------------------------------------------- folds: prod, all, any */

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

static const tg_fold_def PROD = {"prod", TG_RED_PROD, TG_OP_PROD, false};
static const tg_fold_def PROD_DIM = {"prod", TG_RED_PROD, TG_OP_PROD_DIM, false};
static const tg_fold_def ALL = {"all", TG_RED_ALL, TG_OP_ACCUMULATE_GRAD, false};
static const tg_fold_def ANY = {"any", TG_RED_ANY, TG_OP_ACCUMULATE_GRAD, false};

tg_tensor *tg__fold(const char *fn, const tg_fold_def *d, const tg_tensor *t, const int64_t *dims, int ndims,
                    bool keepdim)
{
    TG_ARG_OF(fn, t);
    tg_reduce_params p = {.keepdim = keepdim};
    if (tg__dims_mask(fn, t, dims, ndims, p.reduced)) return NULL;
    if (d->needs_elements && check_nonempty(d->name, t, ndims == 0, p.reduced)) return NULL;
    if (tg__is_complex(t->dtype) && (d->kernel == TG_RED_MAX || d->kernel == TG_RED_MIN)) {
        bool max = d->kernel == TG_RED_MAX, all = d->op == TG_OP_MAX || d->op == TG_OP_MIN;
        return tg__fail(TG_E_DTYPE, "\"%s\" not implemented for '%s'",
                        all ? (max ? "max_all" : "min_all") : (max ? "max_values_cpu" : "min_values_cpu"),
                        tg__dtype_short(t->dtype));
    }
    if (tg__is_complex(t->dtype) && d->kernel != TG_RED_PROD) {
        /* PyTorch 1.13's all and any cast complex to real first: the real
           part decides, with the cast's warning */
        tg_tensor *re = NULL;
        TG_NO_GRAD re = tg_to(t, tg__complex_value_type(t->dtype));
        return re ? tg__fold(fn, d, re, dims, ndims, keepdim) : NULL;
    }
    tg_dtype dt = t->dtype;
    if (d->kernel == TG_RED_PROD && !tg__is_floating_or_complex(dt)) dt = TG_I64;
    /* all and any of uint8 stay uint8 in PyTorch, for its old byte masks. */
    if ((d->kernel == TG_RED_ALL || d->kernel == TG_RED_ANY) && dt != TG_U8) dt = TG_BOOL;
    tg_tensor *out = reduce_kernel(t, p.reduced, keepdim, dt, d->kernel);
    if (!out || d->op == TG_OP_ACCUMULATE_GRAD) return out;
    return tg__record_in_out(out, (tg_record){.op = d->op, TG_PARAMS(p)}, t);
}

tg_tensor *tg_all(const tg_tensor *t) { return tg__fold(__func__, &ALL, t, NULL, 0, false); }
tg_tensor *tg_any(const tg_tensor *t) { return tg__fold(__func__, &ANY, t, NULL, 0, false); }
tg_tensor *tg_all_dim(const tg_tensor *t, int64_t dim, bool keepdim)
{
    return tg__fold(__func__, &ALL, t, &dim, 1, keepdim);
}
tg_tensor *tg_any_dim(const tg_tensor *t, int64_t dim, bool keepdim)
{
    return tg__fold(__func__, &ANY, t, &dim, 1, keepdim);
}
tg_tensor *tg_prod(const tg_tensor *t) { return tg__fold(__func__, &PROD, t, NULL, 0, false); }
tg_tensor *tg_prod_dim(const tg_tensor *t, int64_t dim, bool keepdim)
{
    return tg__fold(__func__, &PROD_DIM, t, &dim, 1, keepdim);
}

/* The logical not of a bool tensor (NULL gives NULL), without history. */
static tg_tensor *negation(const tg_tensor *c)
{
    tg_tensor *f = tg__scalar_tensor(0, TG_BOOL), *t = tg__scalar_tensor(1, TG_BOOL);
    return c && f && t ? tg__where(c, f, t) : NULL;
}

tg_tensor *tg__isnan(const tg_tensor *x) { return negation(tg__compare(TG_BIN_EQ, x, x)); }
tg_tensor *tg__nonzero(const tg_tensor *t) { return negation(tg__compare_scalar(TG_BIN_EQ, t, 0)); }

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
    /* each factor conjugated for complex x, as PyTorch's */
    if (n_zeros == 0) gi[0] = tg_mul(g, tg_conj(tg_div(y, x)));
    else if (all && n_zeros > 1) gi[0] = tg_zeros(x->shape, x->ndim, x->dtype);
    else if (all)
        gi[0] = tg_view(tg_mul(g, tg_conj(prod_others(tg_reshape(x, (const int64_t[]){-1}, 1), 0))), x->shape, x->ndim);
    else gi[0] = tg_mul(g, tg_conj(prod_others(x, dim)));
    return gi[0] ? 0 : -1;
}

int tg__d_prod(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    tg_tensor *x = SAVED(0), *y = SAVED(1);
    if (!x || !y) return -1;
    if (x->ndim == 0) return (gi[0] = g) ? 0 : -1;
    if (n->op == TG_OP_PROD) return prod_grad(g, x, y, 0, true, gi);
    const tg_reduce_params *p = n->params;
    int64_t dim = 0;
    while (!p->reduced[dim]) dim++;
    return prod_grad(tg__restore_reduced(n, g), x, tg__restore_reduced(n, y), dim, false, gi);
}

/* The non-zero elements (NaN is) over dims: TG_I64, not differentiable. */
tg_tensor *tg_count_nonzero(const tg_tensor *t, const int64_t *dims, int ndims)
{
    TG_ARG(t);
    bool mask[TG_MAX_DIMS];
    if (tg__dims_mask(__func__, t, dims, ndims, mask)) return NULL;
    tg_tensor *nonzero = tg__nonzero(t);
    return nonzero ? reduce_kernel(nonzero, mask, false, TG_I64, TG_RED_SUM) : NULL;
}
