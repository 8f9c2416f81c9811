/* Norms: the 2-norm of all elements, vector_norm over dims, and
   logsumexp. */
#include "ops.h"

#include <math.h>

tg_tensor *tg_norm(const tg_tensor *t)
{
    TG_ARG(t);
    if (!tg__is_floating_or_complex(t->dtype))
        return tg__fail(TG_E_DTYPE, "norm(): input dtype should be either floating point or complex. Got %s instead.",
                        tg__dtype_short(t->dtype));
    tg_tensor *out = NULL;
    TG_NO_GRAD {   /* real for complex t: of |t| */
        const tg_tensor *a = tg__is_complex(t->dtype) ? tg_abs(t) : t;
        out = tg_sqrt(tg_sum(tg_mul(a, a)));
    }
    return out ? tg__record_in_out(out, (tg_record){.op = TG_OP_NORM}, t) : NULL;
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

/* As PyTorch: log(sum(exp(x - max))) + max, with infinite maxima taken as
   0 (so all -inf gives -inf, and +inf gives inf). Integers give TG_F32. */
tg_tensor *tg_logsumexp(const tg_tensor *t, const int64_t *dims, int ndims, bool keepdim)
{
    TG_ARG(t);
    if (tg__is_complex(t->dtype))   /* before the dims, as PyTorch */
        return tg__fail(TG_E_DTYPE, "logsumexp(): Expected floating point type for result tensor, but got: %s",
                        tg__dtype_short(t->dtype));
    tg_reduce_params p = {.keepdim = keepdim};
    if (tg__dims_mask(__func__, t, dims, ndims, p.reduced)) return NULL;
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
    return out ? tg__record_in_out(out, (tg_record){.op = TG_OP_LOGSUMEXP, TG_PARAMS(p)}, t) : NULL;
}

/* g * exp(x - result) */
int tg__d_logsumexp(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    tg_tensor *x = SAVED(0), *y = SAVED(1);
    if (!x || !y) return -1;
    tg_tensor *ry = tg__restore_reduced(n, y);
    gi[0] = ry ? tg_mul(tg__restore_reduced(n, g), tg_exp(tg_sub(x, ry))) : NULL;
    return gi[0] ? 0 : -1;
}

typedef struct vector_norm_params {
    tg_reduce_params r;
    double ord;
} vector_norm_params;

/* ord 0 counts the non-zero elements, inf and -inf are the largest and
   smallest magnitudes, others sum(|x|^ord)^(1/ord); elementwise in t's
   dtype, as PyTorch computes. */
static tg_tensor *vector_norm(const char *fn, tg_op op, const tg_tensor *t, double ord, const int64_t *dims, int ndims,
                              bool keepdim)
{
    TG_ARG_OF(fn, t);
    vector_norm_params p = {.r = {.keepdim = keepdim}, .ord = ord};
    if (tg__dims_mask(fn, t, dims, ndims, p.r.reduced)) return NULL;
    if (!tg__is_floating_or_complex(t->dtype))
        return tg__fail(TG_E_DTYPE, "linalg.vector_norm: Expected a floating point or complex tensor as input. Got %s",
                        tg__dtype_short(t->dtype));
    if (op == TG_OP_VECTOR_NORM && (ord < 0 || isinf(ord))) {   /* torch.norm gives 0 there */
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
        if (tg_numel(t) == 0) v = tg_sum_dim(a, dims, ndims, keepdim);
        else if (ord == 0) v = tg_sum_dim(a ? tg__nonzero(a) : NULL, dims, ndims, keepdim);
        else if (ord == INFINITY) v = tg_amax(a, dims, ndims, keepdim);
        else if (ord == -INFINITY) v = tg_amin(a, dims, ndims, keepdim);
        else if (ord == 1) v = tg_sum_dim(a, dims, ndims, keepdim);
        else if (ord == 2) v = tg_sqrt(tg_sum_dim(tg_mul(a, a), dims, ndims, keepdim));
        else v = tg_pow_scalar(tg_sum_dim(tg_pow_scalar(a, ord), dims, ndims, keepdim), 1 / ord);
        out = tg_to(v, tg__complex_value_type(t->dtype));   /* real for complex t */
    }
    return out ? tg__record_in_out(out, (tg_record){.op = op, TG_PARAMS(p)}, t) : NULL;
}

tg_tensor *tg_vector_norm(const tg_tensor *t, double ord, const int64_t *dims, int ndims, bool keepdim)
{
    return vector_norm(__func__, TG_OP_VECTOR_NORM, t, ord, dims, ndims, keepdim);
}

tg_tensor *tg__norm_dim(const char *fn, const tg_tensor *t, double p, int64_t dim, bool keepdim)
{
    return vector_norm(fn, TG_OP_NORM_DIM, t, p, &dim, 1, keepdim);
}

/* where(cond, 0, v) */
static tg_tensor *zero_where(const tg_tensor *cond, const tg_tensor *v)
{
    return cond && v ? tg_where(cond, tg__scalar_tensor(0, v->dtype), v) : NULL;
}

/* sign(x), or sgn(x) = x / |x| for complex x (PyTorch's sgn serves both) */
static tg_tensor *sgn(const tg_tensor *x) { return tg__is_complex(x->dtype) ? tg__complex_sgn(x) : tg_sign(x); }

/* PyTorch's norm_backward, case by case; ord 0 has no gradient. */
int tg__d_vector_norm(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    const vector_norm_params *p = n->params;
    tg_tensor *x = SAVED(0), *y = SAVED(1);
    if (!x || !y) return -1;
    if (p->ord == 0) return 0;
    tg_tensor *rg = tg__restore_reduced(n, g), *ry = tg__restore_reduced(n, y);
    if (!rg || !ry) return -1;
    tg_tensor *y_zero = tg__compare_scalar(TG_BIN_EQ, ry, 0);
    double q = p->ord;
    if (q == 1) {
        gi[0] = tg_mul(sgn(x), rg);
    } else if (q == 2) {
        gi[0] = tg_mul(rg, zero_where(y_zero, tg_div(x, ry)));
    } else if (isinf(q)) {
        /* the gradient split among the elements whose magnitude is the
           result, or NaN */
        tg_tensor *ax = tg_abs(x);
        tg_tensor *nan = ax ? tg__isnan(ax) : NULL, *eq = ax ? tg__compare(TG_BIN_EQ, ax, ry) : NULL;
        tg_tensor *mask = nan && eq ? tg__where(nan, nan, eq) : NULL;
        int64_t list[TG_MAX_DIMS];
        int nd = 0;
        for (int i = 0; i < x->ndim; i++)
            if (p->r.reduced[i]) list[nd++] = i;
        tg_tensor *count = mask ? tg_sum_dim(mask, list, nd, true) : NULL;
        gi[0] = count ? tg_mul(sgn(x), tg_mul(tg_div(rg, count), mask)) : NULL;
    } else if (q < 1) {
        tg_tensor *scaled = tg_mul(sgn(x), zero_where(tg__compare_scalar(TG_BIN_EQ, x, 0),
                                                          tg_pow_scalar(tg_abs(x), q - 1)));
        gi[0] = tg_mul(tg_mul(scaled, rg), tg_pow_scalar(ry, 1 - q));
    } else {
        tg_tensor *scaled = q < 2 ? tg_mul(sgn(x), tg_pow_scalar(tg_abs(x), q - 1))
                                  : tg_mul(x, tg_pow_scalar(tg_abs(x), q - 2));
        gi[0] = tg_mul(scaled, zero_where(y_zero, tg_div(rg, tg_pow_scalar(ry, q - 1))));
    }
    return gi[0] ? 0 : -1;
}
