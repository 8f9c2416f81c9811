/* In-place twins of pointwise binary operations, comparisons, clamp,
   masked_fill, lerp, addcmul, addcdiv, nan_to_num and the logical
   operations, built on the machinery of ops/inplace.c. */
#include "ops.h"

#include <math.h>

/* Their derivatives read self (fmod_'s and remainder_'s for other's gradient). */
static const tg_inplace_def ATAN2_ = {tg_atan2, NULL, TG_BIN_ATAN2, .reads_self = true};
static const tg_inplace_def FMOD_ = {tg_fmod, tg_fmod_scalar, TG_BIN_FMOD, .reads_self = true};
static const tg_inplace_def REMAINDER_ = {tg_remainder, tg_remainder_scalar, TG_BIN_REMAINDER, .reads_self = true};
static const tg_inplace_def HYPOT_ = {tg_hypot, NULL, TG_BIN_HYPOT, .reads_self = true};
static const tg_inplace_def XLOGY_ = {tg_xlogy, tg_xlogy_scalar, TG_BIN_XLOGY, .reads_self = true};
tg_tensor *tg_atan2_(tg_tensor *t, const tg_tensor *o) { return tg__inplace_binary(__func__, t, o, &ATAN2_); }
tg_tensor *tg_fmod_(tg_tensor *t, const tg_tensor *o) { return tg__inplace_binary(__func__, t, o, &FMOD_); }
tg_tensor *tg_remainder_(tg_tensor *t, const tg_tensor *o) { return tg__inplace_binary(__func__, t, o, &REMAINDER_); }
tg_tensor *tg_hypot_(tg_tensor *t, const tg_tensor *o) { return tg__inplace_binary(__func__, t, o, &HYPOT_); }
tg_tensor *tg_xlogy_(tg_tensor *t, const tg_tensor *o) { return tg__inplace_binary(__func__, t, o, &XLOGY_); }
tg_tensor *tg_xlogy_scalar_(tg_tensor *t, double s) { return tg__inplace_scalar(__func__, t, s, &XLOGY_); }
tg_tensor *tg_fmod_scalar_(tg_tensor *t, double s) { return tg__inplace_scalar(__func__, t, s, &FMOD_); }
tg_tensor *tg_remainder_scalar_(tg_tensor *t, double s) { return tg__inplace_scalar(__func__, t, s, &REMAINDER_); }

/* An in-place twin that is its out-of-place function of self and args,
   reading the tensors others (n_others) besides self; overlap: whether it
   refuses a self whose elements share memory. */
typedef tg_tensor *(*self_fn)(const tg_tensor *self, const void *args);
static tg_tensor *inplace_apply(const char *fn, tg_tensor *t, const tg_tensor *const *others, int n_others,
                                self_fn f, const void *args, bool reads_self, bool overlap)
{
    TG_ARG_OF(fn, t);
    const tg_tensor *grad_other = NULL;
    for (int i = 0; i < n_others; i++) {
        TG_ARG_OF(fn, others[i]);
        if (!grad_other || tg__requires_grad(others[i])) grad_other = others[i];
    }
    if (tg__check_inplace(t, grad_other, overlap)) return NULL;
    for (int i = 0; i < n_others; i++)
        if (tg__check_overlap(t, others[i])) return NULL;
    bool recorded = tg_is_grad_enabled() && (tg__requires_grad(t) || (grad_other && tg__requires_grad(grad_other)));
    const tg_tensor *self = reads_self && recorded ? tg__stand_in(t) : t;
    tg_tensor *r = self ? f(self, args) : NULL;
    return r ? tg__commit(t, r) : NULL;
}

static tg_tensor *clamp_of(const tg_tensor *self, const void *bounds)
{
    return tg_clamp(self, ((const double *)bounds)[0], ((const double *)bounds)[1]);
}
static tg_tensor *clamp_min_of(const tg_tensor *self, const void *min) { return tg_clamp_min(self, *(const double *)min); }
static tg_tensor *clamp_max_of(const tg_tensor *self, const void *max) { return tg_clamp_max(self, *(const double *)max); }

/* clamp_ words its dtype error with C++ type names. min and max: NULL for
   none. */
static tg_tensor *clamp_inplace(const char *fn, tg_tensor *t, self_fn f, const double *min, const double *max)
{
    TG_ARG_OF(fn, t);
    if (tg__check_inplace(t, NULL, true)) return NULL;
    tg_dtype dt = tg__clamp_dtype(t, min, max);
    if (!tg__can_cast(dt, t->dtype))
        return tg__fail(TG_E_DTYPE, "result type %s can't be cast to the desired output type %s", tg__dtype_short(dt),
                        tg__cxx_type_name(t->dtype));
    const double both[2] = {min ? *min : NAN, max ? *max : NAN};
    return inplace_apply(fn, t, NULL, 0, f, f == clamp_of ? both : min ? min : max, true, true);
}

tg_tensor *tg_clamp_(tg_tensor *t, double min, double max)
{
    return clamp_inplace(__func__, t, clamp_of, isnan(min) ? NULL : &min, isnan(max) ? NULL : &max);
}
tg_tensor *tg_clamp_min_(tg_tensor *t, double min) { return clamp_inplace(__func__, t, clamp_min_of, &min, NULL); }
tg_tensor *tg_clamp_max_(tg_tensor *t, double max) { return clamp_inplace(__func__, t, clamp_max_of, NULL, &max); }

typedef struct fill_args { const tg_tensor *mask; double value; } fill_args;
static tg_tensor *masked_fill_of(const tg_tensor *self, const void *args)
{
    const fill_args *a = args;
    return tg_masked_fill(self, a->mask, a->value);
}

/* Its derivative reads only the mask; like fill_, it may write an expanded
   tensor. */
tg_tensor *tg_masked_fill_(tg_tensor *t, const tg_tensor *mask, double value)
{
    return inplace_apply(__func__, t, &mask, 1, masked_fill_of, &(fill_args){mask, value}, false, false);
}

typedef struct lerp_args { const tg_tensor *end, *weight; double scalar; } lerp_args;
static tg_tensor *lerp_of(const tg_tensor *self, const void *args)
{
    const lerp_args *a = args;
    return a->weight ? tg_lerp(self, a->end, a->weight) : tg_lerp_scalar(self, a->end, a->scalar);
}

/* lerp_'s derivative reads self for the weight's gradient; lerp_scalar_'s
   does not. */
tg_tensor *tg_lerp_(tg_tensor *t, const tg_tensor *end, const tg_tensor *weight)
{
    return inplace_apply(__func__, t, (const tg_tensor *[]){end, weight}, 2, lerp_of, &(lerp_args){end, weight, 0},
                         true, true);
}
tg_tensor *tg_lerp_scalar_(tg_tensor *t, const tg_tensor *end, double weight)
{
    return inplace_apply(__func__, t, &end, 1, lerp_of, &(lerp_args){end, NULL, weight}, false, true);
}

typedef struct addc_args {
    const tg_tensor *a, *b;
    double value;
    tg_tensor *(*op)(const tg_tensor *, const tg_tensor *, const tg_tensor *, double);
} addc_args;
static tg_tensor *addc_of(const tg_tensor *self, const void *args)
{
    const addc_args *a = args;
    return a->op(self, a->a, a->b, a->value);
}

/* Their derivatives do not read self. */
tg_tensor *tg_addcmul_(tg_tensor *t, const tg_tensor *a, const tg_tensor *b, double value)
{
    return inplace_apply(__func__, t, (const tg_tensor *[]){a, b}, 2, addc_of, &(addc_args){a, b, value, tg_addcmul},
                         false, true);
}
tg_tensor *tg_addcdiv_(tg_tensor *t, const tg_tensor *a, const tg_tensor *b, double value)
{
    return inplace_apply(__func__, t, (const tg_tensor *[]){a, b}, 2, addc_of, &(addc_args){a, b, value, tg_addcdiv},
                         false, true);
}

static tg_tensor *nan_to_num_of(const tg_tensor *self, const void *args)
{
    const double *v = args;
    return tg_nan_to_num(self, v[0], v[1], v[2]);
}

tg_tensor *tg_nan_to_num_(tg_tensor *t, double nan, double posinf, double neginf)
{
    return inplace_apply(__func__, t, NULL, 0, nan_to_num_of, (const double[]){nan, posinf, neginf}, true, true);
}

typedef struct compare_args { tg_binary_kernel kernel; tg_op op; const tg_tensor *other; double s; } compare_args;
static tg_tensor *compare_of(const tg_tensor *self, const void *args)
{
    const compare_args *a = args;
    return tg__compare_into_dtype(a->kernel, a->op, self, a->other, a->s);
}

/* t.eq_(*other), or t.eq_(s) when other is NULL: 0 or 1 in t's own dtype.
   Nothing reads self. */
static tg_tensor *compare_inplace(const char *fn, tg_tensor *t, tg_binary_kernel k, tg_op op,
                                  const tg_tensor *const *other, double s)
{
    compare_args args = {k, op, other ? *other : NULL, s};
    return inplace_apply(fn, t, other, other != NULL, compare_of, &args, false, true);
}

tg_tensor *tg_eq_(tg_tensor *t, const tg_tensor *o)
{
    return compare_inplace(__func__, t, TG_BIN_EQ, TG_OP_EQ_INPLACE, &o, 0);
}
tg_tensor *tg_ne_(tg_tensor *t, const tg_tensor *o)
{
    return compare_inplace(__func__, t, TG_BIN_NE, TG_OP_NE_INPLACE, &o, 0);
}
tg_tensor *tg_lt_(tg_tensor *t, const tg_tensor *o)
{
    return compare_inplace(__func__, t, TG_BIN_LT, TG_OP_LT_INPLACE, &o, 0);
}
tg_tensor *tg_le_(tg_tensor *t, const tg_tensor *o)
{
    return compare_inplace(__func__, t, TG_BIN_LE, TG_OP_LE_INPLACE, &o, 0);
}
tg_tensor *tg_gt_(tg_tensor *t, const tg_tensor *o)
{
    return compare_inplace(__func__, t, TG_BIN_GT, TG_OP_GT_INPLACE, &o, 0);
}
tg_tensor *tg_ge_(tg_tensor *t, const tg_tensor *o)
{
    return compare_inplace(__func__, t, TG_BIN_GE, TG_OP_GE_INPLACE, &o, 0);
}
tg_tensor *tg_eq_scalar_(tg_tensor *t, double s)
{
    return compare_inplace(__func__, t, TG_BIN_EQ, TG_OP_EQ_SCALAR_INPLACE, NULL, s);
}
tg_tensor *tg_ne_scalar_(tg_tensor *t, double s)
{
    return compare_inplace(__func__, t, TG_BIN_NE, TG_OP_NE_SCALAR_INPLACE, NULL, s);
}
tg_tensor *tg_lt_scalar_(tg_tensor *t, double s)
{
    return compare_inplace(__func__, t, TG_BIN_LT, TG_OP_LT_SCALAR_INPLACE, NULL, s);
}
tg_tensor *tg_le_scalar_(tg_tensor *t, double s)
{
    return compare_inplace(__func__, t, TG_BIN_LE, TG_OP_LE_SCALAR_INPLACE, NULL, s);
}
tg_tensor *tg_gt_scalar_(tg_tensor *t, double s)
{
    return compare_inplace(__func__, t, TG_BIN_GT, TG_OP_GT_SCALAR_INPLACE, NULL, s);
}
tg_tensor *tg_ge_scalar_(tg_tensor *t, double s)
{
    return compare_inplace(__func__, t, TG_BIN_GE, TG_OP_GE_SCALAR_INPLACE, NULL, s);
}

/* logical_and_ and its kin are not differentiable: PyTorch writes t (0 or
   1 in its dtype) whatever its history, and t keeps that history. Only the
   kernels' refusal of an expanded t applies, which tg__check_inplace makes
   alone with grad mode off. */
static tg_tensor *logical_inplace(const char *fn, tg_tensor *t, const tg_tensor *other,
                                  tg_tensor *(*f)(const tg_tensor *, const tg_tensor *))
{
    TG_ARG_OF(fn, t);
    TG_ARG_OF(fn, other);
    bool grad_mode = tg_set_grad_enabled(false);
    int rc = tg__check_inplace(t, other, true) || tg__check_overlap(t, other);
    tg_set_grad_enabled(grad_mode);
    tg_tensor *r = rc ? NULL : f(t, other);
    return r ? tg__commit(t, r) : NULL;
}

static tg_tensor *logical_not_of(const tg_tensor *t, const tg_tensor *unused)
{
    (void)unused;
    return tg_logical_not(t);
}

tg_tensor *tg_logical_and_(tg_tensor *t, const tg_tensor *o) { return logical_inplace(__func__, t, o, tg_logical_and); }
tg_tensor *tg_logical_or_(tg_tensor *t, const tg_tensor *o) { return logical_inplace(__func__, t, o, tg_logical_or); }
tg_tensor *tg_logical_xor_(tg_tensor *t, const tg_tensor *o) { return logical_inplace(__func__, t, o, tg_logical_xor); }
tg_tensor *tg_logical_not_(tg_tensor *t) { return logical_inplace(__func__, t, t, logical_not_of); }
