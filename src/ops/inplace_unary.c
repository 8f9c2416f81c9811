/* In-place twins of elementwise functions and activations: each is its
   out-of-place function committed into t (ops/inplace.c). */
#include "ops.h"

/* The tensor an in-place unary operation on t computes from, after
   PyTorch's checks: t, or a stand-in for its old value when the
   operation's derivative reads self (reads_self) and it is recorded. */
static const tg_tensor *unary_self(const char *fn, tg_tensor *t, bool reads_self)
{
    TG_ARG_OF(fn, t);
    if (tg__check_inplace(t, NULL, true)) return NULL;
    return reads_self && tg_is_grad_enabled() && tg__requires_grad(t) ? tg__stand_in(t) : t;
}

/* An in-place twin: the out-of-place call on s (the tensor unary_self
   gives) committed into t, for an operation whose derivative reads self
   (TWIN_SELF) or its result or nothing (TWIN_RESULT). */
#define UNARY_TWIN(reads_self, call)                              \
    {                                                             \
        const tg_tensor *s = unary_self(__func__, t, reads_self); \
        tg_tensor *r = s ? (call) : NULL;                         \
        return r ? tg__commit(t, r) : NULL;                       \
    }
#define TWIN_SELF(call) UNARY_TWIN(true, call)
#define TWIN_RESULT(call) UNARY_TWIN(false, call)

tg_tensor *tg_neg_(tg_tensor *t) TWIN_RESULT(tg_neg(s))
tg_tensor *tg_exp_(tg_tensor *t) TWIN_RESULT(tg_exp(s))
tg_tensor *tg_expm1_(tg_tensor *t) TWIN_RESULT(tg_expm1(s))
tg_tensor *tg_log_(tg_tensor *t) TWIN_SELF(tg_log(s))
tg_tensor *tg_sqrt_(tg_tensor *t) TWIN_RESULT(tg_sqrt(s))
tg_tensor *tg_abs_(tg_tensor *t) TWIN_SELF(tg_abs(s))
tg_tensor *tg_sin_(tg_tensor *t) TWIN_SELF(tg_sin(s))
tg_tensor *tg_cos_(tg_tensor *t) TWIN_SELF(tg_cos(s))
tg_tensor *tg_tanh_(tg_tensor *t) TWIN_RESULT(tg_tanh(s))
tg_tensor *tg_sigmoid_(tg_tensor *t) TWIN_RESULT(tg_sigmoid(s))
tg_tensor *tg_relu_(tg_tensor *t) TWIN_RESULT(tg_relu(s))
tg_tensor *tg_sign_(tg_tensor *t) TWIN_RESULT(tg_sign(s))
tg_tensor *tg_log1p_(tg_tensor *t) TWIN_SELF(tg_log1p(s))
tg_tensor *tg_log2_(tg_tensor *t) TWIN_SELF(tg_log2(s))
tg_tensor *tg_log10_(tg_tensor *t) TWIN_SELF(tg_log10(s))
tg_tensor *tg_rsqrt_(tg_tensor *t) TWIN_RESULT(tg_rsqrt(s))
tg_tensor *tg_reciprocal_(tg_tensor *t) TWIN_RESULT(tg_reciprocal(s))
tg_tensor *tg_tan_(tg_tensor *t) TWIN_RESULT(tg_tan(s))
tg_tensor *tg_asin_(tg_tensor *t) TWIN_SELF(tg_asin(s))
tg_tensor *tg_acos_(tg_tensor *t) TWIN_SELF(tg_acos(s))
tg_tensor *tg_atan_(tg_tensor *t) TWIN_SELF(tg_atan(s))
tg_tensor *tg_sinh_(tg_tensor *t) TWIN_SELF(tg_sinh(s))
tg_tensor *tg_cosh_(tg_tensor *t) TWIN_SELF(tg_cosh(s))
tg_tensor *tg_erf_(tg_tensor *t) TWIN_SELF(tg_erf(s))
tg_tensor *tg_erfc_(tg_tensor *t) TWIN_SELF(tg_erfc(s))
tg_tensor *tg_erfinv_(tg_tensor *t) TWIN_SELF(tg_erfinv(s))
tg_tensor *tg_floor_(tg_tensor *t) TWIN_RESULT(tg_floor(s))
tg_tensor *tg_ceil_(tg_tensor *t) TWIN_RESULT(tg_ceil(s))
tg_tensor *tg_round_(tg_tensor *t) TWIN_RESULT(tg_round(s))
tg_tensor *tg_trunc_(tg_tensor *t) TWIN_RESULT(tg_trunc(s))
tg_tensor *tg_frac_(tg_tensor *t) TWIN_RESULT(tg_frac(s))
tg_tensor *tg_gelu_(tg_tensor *t) TWIN_SELF(tg_gelu(s))
tg_tensor *tg_gelu_tanh_(tg_tensor *t) TWIN_SELF(tg_gelu_tanh(s))
tg_tensor *tg_silu_(tg_tensor *t) TWIN_SELF(tg__silu(__func__, s, true))
tg_tensor *tg_mish_(tg_tensor *t) TWIN_SELF(tg_mish(s))
tg_tensor *tg_hardsigmoid_(tg_tensor *t) TWIN_SELF(tg_hardsigmoid(s))
tg_tensor *tg_hardswish_(tg_tensor *t) TWIN_SELF(tg_hardswish(s))
tg_tensor *tg_hardtanh_(tg_tensor *t, double min_val, double max_val) TWIN_SELF(tg__hardtanh(__func__, s, min_val, max_val))
tg_tensor *tg_relu6_(tg_tensor *t) TWIN_SELF(tg__hardtanh(__func__, s, 0, 6))
/* PyTorch's in-place leaky_relu, elu, selu and celu save their result
   (LeakyReluBackward1, EluBackward1, CeluBackward1). */
tg_tensor *tg_leaky_relu_(tg_tensor *t, double negative_slope) TWIN_RESULT(tg__leaky_relu(__func__, s, negative_slope, true))
tg_tensor *tg_elu_(tg_tensor *t, double alpha) TWIN_RESULT(tg__elu(__func__, s, alpha, 1, 1, TG_OP_ELU_))
tg_tensor *tg_selu_(tg_tensor *t) TWIN_RESULT(tg__selu(__func__, s, TG_OP_ELU_))
tg_tensor *tg_celu_(tg_tensor *t, double alpha) TWIN_RESULT(tg__celu(__func__, s, alpha, TG_OP_CELU_))
#undef TWIN_SELF
#undef TWIN_RESULT
#undef UNARY_TWIN


/* asinh_, acosh_ and atanh_ record a node of their own whose derivative is
   PyTorch's "not implemented" error (tg__d_no_inplace_derivative). */
static tg_tensor *no_derivative(const char *fn, tg_tensor *t, tg_tensor *(*f)(const tg_tensor *), tg_op op)
{
    if (!unary_self(fn, t, false)) return NULL;
    tg_tensor *r = NULL;
    TG_NO_GRAD { r = f(t); }
    if (!r || tg__record(r, (tg_record){.op = op}, (const tg_tensor *[]){t}, 1, NULL)) return NULL;
    return tg__commit(t, r);
}

tg_tensor *tg_asinh_(tg_tensor *t) { return no_derivative(__func__, t, tg_asinh, TG_OP_ASINH_); }
tg_tensor *tg_acosh_(tg_tensor *t) { return no_derivative(__func__, t, tg_acosh, TG_OP_ACOSH_); }
tg_tensor *tg_atanh_(tg_tensor *t) { return no_derivative(__func__, t, tg_atanh, TG_OP_ATANH_); }
