/* Moments: var and std over dims, and var_mean and std_mean (with the
   mean of the same runs). */
#include "ops.h"

#include <math.h>

/* The reduction's parameters first, so that tg__restore_reduced and
   mean's derivative (ops/reduce.c) read them; count: the elements of each
   run. */
typedef struct var_params {
    tg_reduce_params r;
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
    if (tg__dims_mask(fn, t, dims, ndims, p.r.reduced)) return NULL;
    if (!tg__is_floating_or_complex(t->dtype))
        return tg__fail(TG_E_DTYPE, "%s only support floating point and complex dtypes", d->name);
    bool complex = tg__is_complex(t->dtype);
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
        tg_tensor *x = tg_to(t, complex ? TG_C128 : TG_F64);
        tg_tensor *m_kept = tg_mean_dim(x, list, nd, true);
        tg_tensor *dev = tg_sub(x, m_kept);
        if (complex) dev = tg_abs(dev);   /* a real variance: of |x - mean| */
        tg_tensor *v = tg_div_scalar(tg_sum_dim(tg_mul(dev, dev), list, nd, keepdim), divisor > 0 ? divisor : 0);
        out = tg_to(d->std ? tg_sqrt(v) : v, tg__complex_value_type(t->dtype));
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
    tg_tensor *rg = tg__restore_reduced(n, g);
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
