/* Pointwise operations beyond the binary arithmetic of binary.c: the clamp
   family and masked_fill, each beside what it saves and its derivative. */
#include "ops.h"

#include <math.h>

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
    if ((p->has_min && tg__checked_convert(p->min, dt)) || (p->has_max && tg__checked_convert(p->max, dt)))
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
    if (!m || tg__checked_convert(value, t->dtype)) return NULL;
    tg_tensor *v = tg__scalar_tensor(value, t->dtype);
    tg_tensor *out = v ? tg__new(t->dtype, shape, nd) : NULL;
    if (!out) return NULL;
    tg__copy_into(out, t);
    tg__k_where(out, m, v, out);
    tg_node *n;
    /* the mask's address is the tangent rule's parameter (ops/tangents_tensor.c) */
    if (tg__record(out, (tg_record){.op = TG_OP_MASKED_FILL, .n_saved = 1, TG_PARAMS(m)}, &t, 1, &n)) return NULL;
    if (n) tg__save(n, 0, m);
    return out;
}

/* g with zeros where the mask held. */
int tg__d_masked_fill(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    tg_tensor *m = SAVED(0);
    return (gi[0] = m ? tg_masked_fill(g, m, 0) : NULL) ? 0 : -1;
}

/* ------------------------------------------------- lerp addcmul addcdiv */

/* PyTorch's result_type over three tensors: 0-dim ones count only when
   their category is higher. */
static tg_dtype result_type3(const tg_tensor *const *ts)
{
    int n_dims = 0, n_zeros = 0;
    tg_dtype dims = TG_BOOL, zeros = TG_BOOL;
    for (int i = 0; i < 3; i++) {
        if (ts[i]->ndim) dims = n_dims++ ? tg__promote(dims, ts[i]->dtype) : ts[i]->dtype;
        else zeros = n_zeros++ ? tg__promote(zeros, ts[i]->dtype) : ts[i]->dtype;
    }
    if (!n_dims || !n_zeros) return n_dims ? dims : zeros;
    return tg__result_type(&(tg_tensor){.dtype = dims, .ndim = 1}, &(tg_tensor){.dtype = zeros});
}

/* k over a, b and c broadcast together and converted to dt, into a new
   tensor laid out as PyTorch lays out their result; no history. */
static tg_tensor *ternary_values(tg_ternary_kernel k, const tg_tensor *a, const tg_tensor *b, const tg_tensor *c,
                                 double v, tg_dtype dt)
{
    int64_t ab[TG_MAX_DIMS], shape[TG_MAX_DIMS];
    int nab, nd;
    if (tg__broadcast_shapes(a->shape, a->ndim, b->shape, b->ndim, ab, &nab) ||
        tg__broadcast_shapes(ab, nab, c->shape, c->ndim, shape, &nd))
        return NULL;
    const tg_tensor *ca = a->dtype == dt ? a : tg__cast(a, dt);
    const tg_tensor *cb = b->dtype == dt ? b : tg__cast(b, dt);
    const tg_tensor *cc = c->dtype == dt ? c : tg__cast(c, dt);
    tg_tensor *out = ca && cb && cc ? tg__new_like(dt, shape, nd, (const tg_tensor *[]){a, b, c}, 3) : NULL;
    if (out) tg__k_ternary(k, out, ca, cb, cc, v);
    return out;
}

const char *tg__cxx_type_name(tg_dtype dt)
{
    static const char *const CXX_NAME[] = {[TG_F32] = "float", [TG_F64] = "double", [TG_I32] = "int",
                                           [TG_I64] = "long int", [TG_BOOL] = "bool", [TG_F16] = "c10::Half",
                                           [TG_BF16] = "c10::BFloat16", [TG_C64] = "c10::complex<float>",
                                           [TG_C128] = "c10::complex<double>", [TG_I8] = "signed char",
                                           [TG_U8] = "unsigned char", [TG_I16] = "short int"};
    return CXX_NAME[dt];
}

/* lerp's checks: end (and a weight tensor) of self's dtype, floating. */
static int check_lerp(const tg_tensor *a, const tg_tensor *end, const tg_tensor *weight, const char *kernel)
{
    const tg_tensor *other[] = {end, weight};
    for (int i = 0; i < 2; i++)
        if (other[i] && other[i]->dtype != a->dtype)
            return tg__faili(TG_E_DTYPE, "expected dtype %s for `%s` but got dtype %s", tg__cxx_type_name(a->dtype),
                             i ? "weight" : "end", tg__cxx_type_name(other[i]->dtype));
    if (!tg__is_floating_or_complex(a->dtype))
        return tg__faili(TG_E_DTYPE, "\"%s\" not implemented for '%s'", kernel, tg__dtype_short(a->dtype));
    return 0;
}

/* a + w (end - a): LerpBackward1 saves a and end for w's gradient, w for
   the others'. */
tg_tensor *tg_lerp(const tg_tensor *a, const tg_tensor *end, const tg_tensor *weight)
{
    TG_ARG(a);
    TG_ARG(end);
    TG_ARG(weight);
    if (check_lerp(a, end, weight, "lerp_kernel_tensor")) return NULL;
    tg_tensor *out = ternary_values(TG_TER_LERP, a, end, weight, 0, a->dtype);
    tg_node *n;
    if (!out || tg__record(out, (tg_record){.op = TG_OP_LERP, .n_saved = 3}, (const tg_tensor *[]){a, end, weight}, 3, &n))
        return NULL;
    if (!n) return out;
    if (NEED(2)) {
        tg__save(n, 0, a);
        tg__save(n, 1, end);
    }
    if (NEED(0) || NEED(1)) tg__save(n, 2, weight);
    return out;
}

/* g conj(1 - w) for a, g conj(w) for end, g conj(end - a) for w */
int tg__d_lerp(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    if (NEED(0) || NEED(1)) {
        tg_tensor *w = SAVED(2);
        if (!w) return -1;
        if (NEED(0)) gi[0] = tg_mul(g, tg_conj(tg_rsub_scalar(w, 1)));
        if (NEED(1)) gi[1] = tg_mul(g, tg_conj(w));
    }
    if (NEED(2)) {
        tg_tensor *a = SAVED(0), *end = SAVED(1);
        gi[2] = a && end ? tg_mul(g, tg_conj(tg_sub(end, a))) : NULL;
    }
    return tg__derivative_done(n, gi);
}

typedef struct lerp_params { double weight; } lerp_params;

/* LerpBackward0: saves only the weight. */
tg_tensor *tg_lerp_scalar(const tg_tensor *a, const tg_tensor *end, double weight)
{
    TG_ARG(a);
    TG_ARG(end);
    if (check_lerp(a, end, NULL, "lerp_kernel_scalar")) return NULL;
    tg_tensor *w = tg__scalar_tensor(weight, a->dtype);
    tg_tensor *out = w ? ternary_values(TG_TER_LERP, a, end, w, 0, a->dtype) : NULL;
    lerp_params p = {weight};
    if (!out || tg__record(out, (tg_record){.op = TG_OP_LERP_SCALAR, TG_PARAMS(p)}, (const tg_tensor *[]){a, end}, 2, NULL))
        return NULL;
    return out;
}

int tg__d_lerp_scalar(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    const lerp_params *p = n->params;
    if (NEED(0)) gi[0] = tg_mul_scalar(g, 1 - p->weight);
    if (NEED(1)) gi[1] = tg_mul_scalar(g, p->weight);
    return tg__derivative_done(n, gi);
}

typedef struct addc_params { double value; } addc_params;

/* t + value a * b or t + value a / b. Each of a's and b's gradients reads
   the other. */
static tg_tensor *addc(const char *fn, tg_ternary_kernel k, tg_op op, const tg_tensor *t, const tg_tensor *a,
                       const tg_tensor *b, double value)
{
    TG_ARG_OF(fn, t);
    TG_ARG_OF(fn, a);
    TG_ARG_OF(fn, b);
    bool a_int = !tg__is_floating_or_complex(a->dtype);
    if (k == TG_TER_ADDCDIV && a_int && !tg__is_floating_or_complex(b->dtype))
        return tg__fail(TG_E_DTYPE, "Integer division with addcdiv is no longer supported, and in a future  release "
                                    "addcdiv will perform a true division of tensor1 and tensor2. The historic addcdiv "
                                    "behavior can be implemented as (input + value * torch.trunc(tensor1 / tensor2)).to"
                                    "(input.dtype) for integer inputs and as (input + value * tensor1 / tensor2) for "
                                    "float inputs. The future addcdiv behavior is just the latter implementation: "
                                    "(input + value * tensor1 / tensor2), for all dtypes.");
    const tg_tensor *ins[] = {t, a, b};
    tg_dtype dt = result_type3(ins);
    if (dt == TG_BOOL)
        return tg__fail(TG_E_DTYPE, "\"%s\" not implemented for 'Bool'",
                        k == TG_TER_ADDCMUL ? "addcmul_cpu_out" : "addcdiv_cpu_out");
    if (tg__checked_convert(value, dt)) return NULL;
    tg_tensor *out = ternary_values(k, t, a, b, value, dt);
    addc_params p = {value};
    tg_node *n;
    if (!out || tg__record(out, (tg_record){.op = op, .n_saved = 2, TG_PARAMS(p)}, ins, 3, &n)) return NULL;
    if (!n) return out;
    if (NEED(2)) tg__save(n, 0, a);
    /* addcdiv's derivative for b reads b too */
    if (NEED(1) || (op == TG_OP_ADDCDIV && NEED(2))) tg__save(n, 1, b);
    return out;
}

tg_tensor *tg_addcmul(const tg_tensor *t, const tg_tensor *a, const tg_tensor *b, double value)
{
    return addc(__func__, TG_TER_ADDCMUL, TG_OP_ADDCMUL, t, a, b, value);
}

/* g for t; g conj(b value) for a; g conj(a value) for b */
int tg__d_addcmul(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    const addc_params *p = n->params;
    if (NEED(0)) gi[0] = g;
    if (NEED(1)) gi[1] = tg_mul(g, tg_conj(tg_mul_scalar(SAVED(1), p->value)));
    if (NEED(2)) gi[2] = tg_mul(g, tg_conj(tg_mul_scalar(SAVED(0), p->value)));
    return tg__derivative_done(n, gi);
}

tg_tensor *tg_addcdiv(const tg_tensor *t, const tg_tensor *a, const tg_tensor *b, double value)
{
    return addc(__func__, TG_TER_ADDCDIV, TG_OP_ADDCDIV, t, a, b, value);
}

/* g for t; g conj(value / b) for a (PyTorch's reciprocal(b) * value);
   -g conj(value a / b^2) for b */
int tg__d_addcdiv(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    const addc_params *p = n->params;
    if (NEED(0)) gi[0] = g;
    if (NEED(1)) gi[1] = tg_mul(g, tg_conj(tg_mul_scalar(tg__reciprocal(SAVED(1)), p->value)));
    if (NEED(2)) {
        tg_tensor *a = SAVED(0), *b = SAVED(1);
        gi[2] = tg_mul(tg_neg(g), tg_conj(tg_div(tg_mul_scalar(a, p->value), tg_mul(b, b))));
    }
    return tg__derivative_done(n, gi);
}

/* ---------------------------------------------------------- nan_to_num */

/* NaN, +inf and -inf replaced (a NAN posinf or neginf: the dtype's largest
   or lowest finite value); integers and bools copied. Saves t. */
tg_tensor *tg_nan_to_num(const tg_tensor *t, double nan, double posinf, double neginf)
{
    TG_ARG(t);
    if (tg__is_complex(t->dtype))
        return tg__fail(TG_E_DTYPE, "\"nan_to_num\" not implemented for '%s'", tg__dtype_short(t->dtype));
    tg_tensor *out = tg__new_like(t->dtype, t->shape, t->ndim, &t, 1);
    if (!out) return NULL;
    tg__copy_into(out, t);
    if (tg__is_floating(t->dtype)) {
        double big = t->dtype == TG_F32 ? 3.4028234663852886e38 : 1.7976931348623157e308;
        const double from[] = {NAN, INFINITY, -INFINITY};
        const double to[] = {nan, isnan(posinf) ? big : posinf, isnan(neginf) ? -big : neginf};
        for (int i = 0; i < 3; i++) {
            tg_tensor *hit = i ? tg__compare_scalar(TG_BIN_EQ, t, from[i]) : tg__compare(TG_BIN_NE, t, t);
            tg_tensor *v = tg__scalar_tensor(to[i], t->dtype);
            if (!hit || !v) return NULL;
            tg__k_where(out, hit, v, out);
        }
    }
    tg_node *n;
    if (tg__record(out, (tg_record){.op = TG_OP_NAN_TO_NUM, .n_saved = 1}, &t, 1, &n)) return NULL;
    if (n) tg__save(n, 0, t);
    return out;
}

/* g where t is finite, else 0 */
int tg__d_nan_to_num(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    tg_tensor *t = SAVED(0);
    return (gi[0] = t ? tg_mul(g, tg_isfinite(t)) : NULL) ? 0 : -1;
}
