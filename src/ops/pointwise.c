/* Pointwise operations beyond the binary arithmetic of binary.c: the clamp
   family and masked_fill, each beside what it saves and its derivative. */
#include "ops.h"

#include <math.h>

/* PyTorch's checked conversion of a number into dtype dt (c10's
   checked_convert): 0, or -1 with its error. */
int tg__check_scalar_fits(double v, tg_dtype dt)
{
    static const char *const CXX_NAME[] = {[TG_F32] = "float", [TG_I32] = "int", [TG_I64] = "int64_t"};
    bool overflows;
    switch (dt) {
    case TG_F32: overflows = isfinite(v) && fabs(v) > 3.4028234663852886e38; break;
    case TG_I32: overflows = !(v > -2147483649.0 && v < 2147483648.0); break;
    case TG_I64: overflows = !(v >= -9223372036854775808.0 && v < 9223372036854775808.0); break;
    default: overflows = false; break;
    }
    return overflows ? tg__faili(TG_E_INVALID, "value cannot be converted to type %s without overflow", CXX_NAME[dt]) : 0;
}

/* ---------------------------------------------------------------- clamp */

/* A bound is PyTorch's optional scalar: has_* false is None. */
typedef struct clamp_params {
    double min, max;
    bool has_min, has_max;
} clamp_params;

/* result_type(t, min, max) over the bounds given. */
static tg_dtype clamp_dtype(const tg_tensor *t, const clamp_params *p)
{
    tg_dtype dt = t->dtype;
    if (p->has_min) dt = tg__promote(dt, tg__result_type_scalar(t, p->min));
    if (p->has_max) dt = tg__promote(dt, tg__result_type_scalar(t, p->max));
    return dt;
}

tg_dtype tg__clamp_dtype(const tg_tensor *t, const double *min, const double *max)
{
    return clamp_dtype(t, &(clamp_params){min ? *min : 0, max ? *max : 0, min != NULL, max != NULL});
}

/* max(t, min) then min(.., max), propagating NaN; with min > max every
   element is max, as in PyTorch. Without history. */
static tg_tensor *clamp_values(const tg_tensor *t, const clamp_params *p, tg_dtype dt)
{
    if ((p->has_min && tg__check_scalar_fits(p->min, dt)) || (p->has_max && tg__check_scalar_fits(p->max, dt)))
        return NULL;
    tg_tensor *out = NULL;
    if (p->has_min) {
        tg_tensor *lo = tg__scalar_tensor(p->min, dt);
        if (!lo || !(out = tg__binary_kernel(TG_BIN_CLAMP_MIN, t, lo, dt))) return NULL;
    }
    if (p->has_max) {
        tg_tensor *hi = tg__scalar_tensor(p->max, dt);
        out = hi ? tg__binary_kernel(TG_BIN_CLAMP_MAX, out ? out : t, hi, dt) : NULL;
    }
    return out;
}

/* Saves t, which the derivative compares with the bounds. */
static tg_tensor *clamp(const char *fn, tg_op op, const tg_tensor *t, clamp_params p)
{
    TG_ARG_OF(fn, t);
    if (!p.has_min && !p.has_max)
        return tg__fail(TG_E_INVALID, "torch.clamp: At least one of 'min' or 'max' must not be None");
    tg_tensor *out = clamp_values(t, &p, clamp_dtype(t, &p));
    tg_node *n;
    if (!out || tg__record(out, (tg_record){.op = op, .n_saved = 1, TG_PARAMS(p)}, &t, 1, &n)) return NULL;
    if (n) tg__save(n, 0, t);
    return out;
}

tg_tensor *tg_clamp(const tg_tensor *t, double min, double max)
{
    return clamp(__func__, TG_OP_CLAMP, t, (clamp_params){min, max, !isnan(min), !isnan(max)});
}
tg_tensor *tg_clamp_min(const tg_tensor *t, double min)
{
    return clamp(__func__, TG_OP_CLAMP_MIN, t, (clamp_params){.min = min, .has_min = true});
}
tg_tensor *tg_clamp_max(const tg_tensor *t, double max)
{
    return clamp(__func__, TG_OP_CLAMP_MAX, t, (clamp_params){.max = max, .has_max = true});
}

/* PyTorch's clamp_backward: g where min <= x <= max (the bounds included),
   else 0; x NaN gets 0. */
int tg__d_clamp(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    const clamp_params *p = n->params;
    tg_tensor *x = SAVED(0), *keep = NULL;
    if (!x) return -1;
    if (p->has_min) keep = tg__compare_scalar(TG_BIN_GE, x, p->min);
    if (p->has_max) {
        tg_tensor *below = tg__compare_scalar(TG_BIN_LE, x, p->max);
        keep = !p->has_min ? below : keep && below ? tg__binary_kernel(TG_BIN_LOGICAL_AND, keep, below, TG_BOOL) : NULL;
    }
    tg_tensor *zero = tg__scalar_tensor(0, g->dtype);
    return (gi[0] = keep && zero ? tg_where(keep, g, zero) : NULL) ? 0 : -1;
}

/* ---------------------------------------------------------- masked_fill */

/* The mask as bool. PyTorch takes an integer mask of zeros and ones (seen
   only when the result has elements), and (filling nothing) a floating one. */
static const tg_tensor *bool_mask(const tg_tensor *mask, bool empty)
{
    if (mask->dtype == TG_BOOL) return mask;
    if (tg__is_floating(mask->dtype) || empty) return tg_zeros(mask->shape, mask->ndim, TG_BOOL);
    tg_tensor *not0 = tg__compare_scalar(TG_BIN_NE, mask, 0), *not1 = tg__compare_scalar(TG_BIN_NE, mask, 1);
    tg_tensor *bad = not0 && not1 ? tg__binary_kernel(TG_BIN_LOGICAL_AND, not0, not1, TG_BOOL) : NULL;
    int any = bad ? tg__any_nonzero(bad) : -1;
    if (any) return any < 0 ? NULL : tg__fail(TG_E_INVALID, "Mask tensor can take 0 and 1 values only");
    return not0;
}

/* t (broadcast with mask) with value where mask holds: a new contiguous
   tensor, as PyTorch's clone-then-fill. Saves the mask. */
tg_tensor *tg_masked_fill(const tg_tensor *t, const tg_tensor *mask, double value)
{
    TG_ARG(t);
    TG_ARG(mask);
    int64_t shape[TG_MAX_DIMS];
    int nd;
    if (tg__broadcast_shapes(mask->shape, mask->ndim, t->shape, t->ndim, shape, &nd)) return NULL;
    const tg_tensor *m = bool_mask(mask, tg__numel(shape, nd) == 0);
    if (!m || tg__check_scalar_fits(value, t->dtype)) return NULL;
    tg_tensor *v = tg__scalar_tensor(value, t->dtype);
    tg_tensor *out = v ? tg__new(t->dtype, shape, nd) : NULL;
    if (!out) return NULL;
    tg__copy_into(out, t);
    tg__k_where(out, m, v, out);
    tg_node *n;
    if (tg__record(out, (tg_record){.op = TG_OP_MASKED_FILL, .n_saved = 1}, &t, 1, &n)) return NULL;
    if (n) tg__save(n, 0, m);
    return out;
}

/* g with zeros where the mask held. */
int tg__d_masked_fill(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    tg_tensor *m = SAVED(0);
    return (gi[0] = m ? tg_masked_fill(g, m, 0) : NULL) ? 0 : -1;
}
