/* Unary elementwise operations: each public function beside its
   derivative. A function names its kernel (kernels/elementwise.def), its
   node (graph/ops.def) and what its derivative reads in slot 0: nothing,
   the input x, or the result y. */
#include "ops.h"

#include <math.h>

/* fn is the public function's name, for errors. Integer inputs of a kernel
   without an integer body are promoted to float first, as PyTorch does. */
tg_tensor *tg__unary(const char *fn, tg_unary_kernel k, tg_op op, tg_unary_saves saves, const tg_tensor *a)
{
    TG_ARG_OF(fn, a);
    if (a->dtype == TG_BOOL && k == TG_UN_NEG)
        return tg__fail(TG_E_DTYPE, "Negation, the `-` operator, on a bool tensor is not supported. "
                                    "If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.");
    if (tg__check_complex_unary(k, a->dtype)) return NULL;
    bool keeps = tg__is_floating_or_complex(a->dtype) || tg__k_unary_takes_integers(k);
    tg_dtype dt = keeps ? a->dtype : TG_F32;
    const tg_tensor *src = dt == a->dtype ? a : tg__cast(a, dt);
    tg_tensor *out = src ? tg__new_like(dt, a->shape, a->ndim, &a, 1) : NULL;
    if (!out) return NULL;
    tg__k_unary(k, out, src);
    tg_node *n;
    if (tg__record(out, (tg_record){.op = op, .n_saved = saves != TG_SAVES_NOTHING}, &a, 1, &n)) return NULL;
    if (!n) return out;
    if (saves == TG_SAVES_INPUT) tg__save(n, 0, a);
    if (saves == TG_SAVES_RESULT && tg__save_output(n, 0, out)) return NULL;
    return out;
}

int tg__gradient(tg_tensor **gi, tg_tensor *g) { return (gi[0] = g) ? 0 : -1; }

tg_tensor *tg__unary_typed(const char *fn, const char *kernel, bool ints, tg_unary_kernel k, tg_op op,
                           tg_unary_saves saves, const tg_tensor *x)
{
    TG_ARG_OF(fn, x);
    return tg__floating_only(kernel, ints, x) ? NULL : tg__unary(fn, k, op, saves, x);
}

int tg__floating_only(const char *kernel, bool ints, const tg_tensor *x)
{
    if (x->dtype != TG_BOOL && (ints || tg__is_floating_or_complex(x->dtype))) return 0;
    return tg__faili(TG_E_DTYPE, "\"%s\" not implemented for '%s'", kernel, tg__dtype_short(x->dtype));
}

tg_tensor *tg_neg(const tg_tensor *x) { return tg__unary(__func__, TG_UN_NEG, TG_OP_NEG, TG_SAVES_NOTHING, x); }
int tg__d_neg(tg_node *n, tg_tensor *g, tg_tensor **gi) { (void)n; return tg__gradient(gi, tg_neg(g)); }

tg_tensor *tg_exp(const tg_tensor *x) { return tg__unary(__func__, TG_UN_EXP, TG_OP_EXP, TG_SAVES_RESULT, x); }
int tg__d_exp(tg_node *n, tg_tensor *g, tg_tensor **gi) { return tg__gradient(gi, tg_mul(g, tg_conj(SAVED(0)))); }

/* d expm1 = y + 1 */
tg_tensor *tg_expm1(const tg_tensor *x) { return tg__unary(__func__, TG_UN_EXPM1, TG_OP_EXPM1, TG_SAVES_RESULT, x); }
int tg__d_expm1(tg_node *n, tg_tensor *g, tg_tensor **gi) { return tg__gradient(gi, tg_mul(g, tg_add_scalar(SAVED(0), 1))); }

tg_tensor *tg_log(const tg_tensor *x) { return tg__unary(__func__, TG_UN_LOG, TG_OP_LOG, TG_SAVES_INPUT, x); }
int tg__d_log(tg_node *n, tg_tensor *g, tg_tensor **gi) { return tg__gradient(gi, tg_div(g, tg_conj(SAVED(0)))); }

tg_tensor *tg_sqrt(const tg_tensor *x) { return tg__unary(__func__, TG_UN_SQRT, TG_OP_SQRT, TG_SAVES_RESULT, x); }
int tg__d_sqrt(tg_node *n, tg_tensor *g, tg_tensor **gi) { return tg__gradient(gi, tg_div(g, tg_conj(tg_mul_scalar(SAVED(0), 2)))); }

tg_tensor *tg_abs(const tg_tensor *x)
{
    TG_ARG(x);
    if (tg__is_complex(x->dtype)) return tg__complex_abs(x);
    return tg__unary_typed(__func__, "abs_cpu", true, TG_UN_ABS, TG_OP_ABS, TG_SAVES_INPUT, x);
}
/* g sgn(x): sign for real x */
int tg__d_abs(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    tg_tensor *x = SAVED(0);
    if (x && tg__is_complex(x->dtype)) return tg__gradient(gi, tg_mul(g, tg__complex_sgn(x)));
    return tg__gradient(gi, tg_mul(g, tg_sign(x)));
}

tg_tensor *tg_sin(const tg_tensor *x) { return tg__unary(__func__, TG_UN_SIN, TG_OP_SIN, TG_SAVES_INPUT, x); }
int tg__d_sin(tg_node *n, tg_tensor *g, tg_tensor **gi) { return tg__gradient(gi, tg_mul(g, tg_conj(tg_cos(SAVED(0))))); }

tg_tensor *tg_cos(const tg_tensor *x) { return tg__unary(__func__, TG_UN_COS, TG_OP_COS, TG_SAVES_INPUT, x); }
int tg__d_cos(tg_node *n, tg_tensor *g, tg_tensor **gi) { return tg__gradient(gi, tg_mul(g, tg_neg(tg_conj(tg_sin(SAVED(0)))))); }

/* PyTorch's fused derivatives of activations (TanhBackwardBackward0, ...):
   out = k(g, v) in one kernel pass, for upstream gradient g and v, the
   activation's result or input, recorded as op with inputs (g, v) and
   parameters p. Saves g in slot 0 when v needs a gradient (every such
   derivative reads it there), and v in slot 1. */
tg_tensor *tg__pointwise_backward(tg_op op, tg_binary_kernel k, const tg_tensor *g, const tg_tensor *v, const void *p,
                                  size_t size)
{
    if (!g || !v) return NULL;
    tg_tensor *out = tg__binary_kernel(k, g, v, v->dtype);
    tg_node *n;
    if (!out || tg__record(out, (tg_record){.op = op, .n_saved = 2, .params = p, .params_size = size},
                           (const tg_tensor *[]){g, v}, 2, &n))
        return NULL;
    if (!n) return out;
    if (NEED(1)) tg__save(n, 0, g);
    tg__save(n, 1, v);
    return out;
}

/* d tanh = 1 - y^2: tanh_backward(g, y) */
tg_tensor *tg_tanh(const tg_tensor *x) { return tg__unary(__func__, TG_UN_TANH, TG_OP_TANH, TG_SAVES_RESULT, x); }
static tg_tensor *tanh_backward(tg_tensor *g, tg_tensor *y)
{
    return tg__pointwise_backward(TG_OP_TANH_BACKWARD, TG_BIN_TANH_BACKWARD, g, y, NULL, 0);
}
int tg__d_tanh(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    tg_tensor *y = SAVED(0);
    if (y && tg__is_complex(y->dtype))   /* g conj(1 - y^2), composed: the fused kernel is real */
        return tg__gradient(gi, tg_mul(g, tg_conj(tg_rsub_scalar(tg_mul(y, y), 1))));
    return tg__gradient(gi, tanh_backward(g, y));
}

/* As derivatives.yaml: tanh_backward(gg, y) for g, gg (-2 y g) for y
   (C++ Scalar arithmetic: MulBackward1). */
int tg__d_tanh_backward(tg_node *n, tg_tensor *gg, tg_tensor **gi)
{
    tg_tensor *y = SAVED(1);
    if (!y) return -1;
    if (NEED(0)) gi[0] = tanh_backward(gg, y);
    if (NEED(1)) gi[1] = tg_mul(gg, tg_mul(tg__mul_scalar_node(y, -2), SAVED(0)));
    return tg__derivative_done(n, gi);
}

/* d sigmoid = (1 - y) y: sigmoid_backward(g, y) */
tg_tensor *tg_sigmoid(const tg_tensor *x) { return tg__unary(__func__, TG_UN_SIGMOID, TG_OP_SIGMOID, TG_SAVES_RESULT, x); }
static tg_tensor *sigmoid_backward(tg_tensor *g, tg_tensor *y)
{
    return tg__pointwise_backward(TG_OP_SIGMOID_BACKWARD, TG_BIN_SIGMOID_BACKWARD, g, y, NULL, 0);
}
int tg__d_sigmoid(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    tg_tensor *y = SAVED(0);
    if (y && tg__is_complex(y->dtype))   /* g conj((1 - y) y), composed: the fused kernel is real */
        return tg__gradient(gi, tg_mul(g, tg_conj(tg_mul(tg_rsub_scalar(y, 1), y))));
    return tg__gradient(gi, sigmoid_backward(g, y));
}

/* As derivatives.yaml: sigmoid_backward(gg, y) for g, gg g (-2 y + 1) for y. */
int tg__d_sigmoid_backward(tg_node *n, tg_tensor *gg, tg_tensor **gi)
{
    tg_tensor *y = SAVED(1);
    if (!y) return -1;
    if (NEED(0)) gi[0] = sigmoid_backward(gg, y);
    if (NEED(1)) {
        tg_tensor *gg_g = tg_mul(gg, SAVED(0));
        gi[1] = tg_mul(gg_g, tg__add_scalar_node(tg__mul_scalar_node(y, -2), 1));
    }
    return tg__derivative_done(n, gi);
}

tg_tensor *tg_relu(const tg_tensor *x)
{
    TG_ARG(x);
    if (x->dtype == TG_BOOL) return tg__fail(TG_E_DTYPE, "Boolean inputs not supported for relu");
    return tg__unary(__func__, TG_UN_RELU, TG_OP_RELU, TG_SAVES_RESULT, x);
}
int tg__d_relu(tg_node *n, tg_tensor *g, tg_tensor **gi) { return tg__gradient(gi, tg__threshold_backward(g, SAVED(0))); }

/* sign's gradient is zero (tg__d_zero, ops/inplace.c). */
tg_tensor *tg_sign(const tg_tensor *x) { return tg__unary(__func__, TG_UN_SIGN, TG_OP_SIGN, TG_SAVES_NOTHING, x); }

/* A node of its own (ThresholdBackwardBackward0) with an edge to y, so that,
   as in PyTorch, relu's derivative depends on relu's output: differentiating
   it again gives zeros for the input rather than "not used in the graph".
   Saves y. */
tg_tensor *tg__threshold_backward(const tg_tensor *g, const tg_tensor *y)
{
    TG_ARG(g);
    TG_ARG(y);
    tg_tensor *off = tg__compare_scalar(TG_BIN_LE, y, 0);
    tg_tensor *zero = tg__scalar_tensor(0, g->dtype);
    tg_tensor *out = off && zero ? tg__where(off, zero, g) : NULL;
    if (!out) return NULL;
    tg_node *n;
    if (tg__record(out, (tg_record){.op = TG_OP_THRESHOLD_BACKWARD, .n_saved = 1}, (const tg_tensor *[]){g, y}, 2, &n))
        return NULL;
    if (n) tg__save(n, 0, y);
    return out;
}

/* threshold_backward's own derivative, as derivatives.yaml: the same mask for
   g, zeros for the output it reads. */
int tg__d_threshold_backward(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    tg_tensor *y = SAVED(0);
    if (!y) return -1;
    if (NEED(0)) gi[0] = tg__threshold_backward(g, y);
    if (NEED(1)) gi[1] = tg_zeros(g->shape, g->ndim, g->dtype);
    return tg__derivative_done(n, gi);
}

/* ------------------------------------------------ more math functions */
/* Derivatives as derivatives.yaml writes them. */

/* d log1p = 1 / (x + 1) */
tg_tensor *tg_log1p(const tg_tensor *x) { return tg__unary(__func__, TG_UN_LOG1P, TG_OP_LOG1P, TG_SAVES_INPUT, x); }
int tg__d_log1p(tg_node *n, tg_tensor *g, tg_tensor **gi) { return tg__gradient(gi, tg_div(g, tg__add_scalar_node(SAVED(0), 1))); }

tg_tensor *tg_log2(const tg_tensor *x) { return tg__unary(__func__, TG_UN_LOG2, TG_OP_LOG2, TG_SAVES_INPUT, x); }
int tg__d_log2(tg_node *n, tg_tensor *g, tg_tensor **gi) { return tg__gradient(gi, tg_div(g, tg_mul_scalar(tg_conj(SAVED(0)), M_LN2))); }

tg_tensor *tg_log10(const tg_tensor *x) { return tg__unary(__func__, TG_UN_LOG10, TG_OP_LOG10, TG_SAVES_INPUT, x); }
int tg__d_log10(tg_node *n, tg_tensor *g, tg_tensor **gi) { return tg__gradient(gi, tg_div(g, tg_mul_scalar(tg_conj(SAVED(0)), M_LN10))); }

/* d rsqrt = -y^3 / 2 */
tg_tensor *tg_rsqrt(const tg_tensor *x) { return tg__unary(__func__, TG_UN_RSQRT, TG_OP_RSQRT, TG_SAVES_RESULT, x); }
int tg__d_rsqrt(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    return tg__gradient(gi, tg_mul(tg_mul_scalar(g, -0.5), tg_conj(tg_pow_scalar(SAVED(0), 3))));
}

/* d reciprocal = -y^2 */
tg_tensor *tg_reciprocal(const tg_tensor *x) { return tg__unary(__func__, TG_UN_RECIPROCAL, TG_OP_RECIPROCAL, TG_SAVES_RESULT, x); }
int tg__d_reciprocal(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    tg_tensor *y = SAVED(0);
    return tg__gradient(gi, tg_mul(tg_neg(g), tg_conj(tg_mul(y, y))));
}

/* PyTorch's square is pow(x, 2) (PowBackward0; bool becomes int64). */
tg_tensor *tg_square(const tg_tensor *x)
{
    TG_ARG(x);
    return tg_pow_scalar(x, 2);
}

/* d tan = 1 + y^2 */
tg_tensor *tg_tan(const tg_tensor *x) { return tg__unary(__func__, TG_UN_TAN, TG_OP_TAN, TG_SAVES_RESULT, x); }
int tg__d_tan(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    return tg__gradient(gi, tg_mul(g, tg_conj(tg_add_scalar(tg_pow_scalar(SAVED(0), 2), 1))));
}

/* 1 / sqrt(1 - x^2), as asin's and acos's derivatives read it */
static tg_tensor *rsqrt_one_minus_square(tg_tensor *x) { return x ? tg_rsqrt(tg_add_scalar(tg_mul(tg_neg(x), x), 1)) : NULL; }

tg_tensor *tg_asin(const tg_tensor *x) { return tg__unary(__func__, TG_UN_ASIN, TG_OP_ASIN, TG_SAVES_INPUT, x); }
int tg__d_asin(tg_node *n, tg_tensor *g, tg_tensor **gi) { return tg__gradient(gi, tg_mul(g, tg_conj(rsqrt_one_minus_square(SAVED(0))))); }

tg_tensor *tg_acos(const tg_tensor *x) { return tg__unary(__func__, TG_UN_ACOS, TG_OP_ACOS, TG_SAVES_INPUT, x); }
int tg__d_acos(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    return tg__gradient(gi, tg_mul(g, tg_neg(tg_conj(rsqrt_one_minus_square(SAVED(0))))));
}

/* d atan = 1 / (x^2 + 1) */
tg_tensor *tg_atan(const tg_tensor *x) { return tg__unary(__func__, TG_UN_ATAN, TG_OP_ATAN, TG_SAVES_INPUT, x); }
int tg__d_atan(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    tg_tensor *x = SAVED(0);
    return tg__gradient(gi, tg_div(g, tg_conj(tg_add_scalar(tg_mul(x, x), 1))));
}

tg_tensor *tg_sinh(const tg_tensor *x) { return tg__unary(__func__, TG_UN_SINH, TG_OP_SINH, TG_SAVES_INPUT, x); }
int tg__d_sinh(tg_node *n, tg_tensor *g, tg_tensor **gi) { return tg__gradient(gi, tg_mul(g, tg_conj(tg_cosh(SAVED(0))))); }

tg_tensor *tg_cosh(const tg_tensor *x) { return tg__unary(__func__, TG_UN_COSH, TG_OP_COSH, TG_SAVES_INPUT, x); }
int tg__d_cosh(tg_node *n, tg_tensor *g, tg_tensor **gi) { return tg__gradient(gi, tg_mul(g, tg_conj(tg_sinh(SAVED(0))))); }

/* d asinh = 1 / sqrt(x^2 + 1) */
tg_tensor *tg_asinh(const tg_tensor *x) { return tg__unary(__func__, TG_UN_ASINH, TG_OP_ASINH, TG_SAVES_INPUT, x); }
int tg__d_asinh(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    return tg__gradient(gi, tg_mul(g, tg_conj(tg_rsqrt(tg_add_scalar(tg_pow_scalar(SAVED(0), 2), 1)))));
}

/* d acosh = 1 / sqrt(x^2 - 1) */
tg_tensor *tg_acosh(const tg_tensor *x) { return tg__unary(__func__, TG_UN_ACOSH, TG_OP_ACOSH, TG_SAVES_INPUT, x); }
int tg__d_acosh(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    tg_tensor *x = SAVED(0);
    return tg__gradient(gi, tg_mul(g, tg_conj(tg_rsqrt(tg_sub_scalar(tg_mul(x, x), 1)))));
}

/* d atanh = 1 / (1 - x^2) */
tg_tensor *tg_atanh(const tg_tensor *x) { return tg__unary(__func__, TG_UN_ATANH, TG_OP_ATANH, TG_SAVES_INPUT, x); }
int tg__d_atanh(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    return tg__gradient(gi, tg_div(g, tg_conj(tg_rsub_scalar(tg_pow_scalar(SAVED(0), 2), 1))));
}

/* d erf = 2 / sqrt(pi) exp(-x^2); erfc's is its negative */
static tg_tensor *gauss(tg_tensor *x, double scale)
{
    return x ? tg_mul_scalar(tg_exp(tg_neg(tg_pow_scalar(x, 2))), scale) : NULL;
}

tg_tensor *tg_erf(const tg_tensor *x) { return tg__unary(__func__, TG_UN_ERF, TG_OP_ERF, TG_SAVES_INPUT, x); }
int tg__d_erf(tg_node *n, tg_tensor *g, tg_tensor **gi) { return tg__gradient(gi, tg_mul(gauss(SAVED(0), M_2_SQRTPI), g)); }

tg_tensor *tg_erfc(const tg_tensor *x) { return tg__unary(__func__, TG_UN_ERFC, TG_OP_ERFC, TG_SAVES_INPUT, x); }
int tg__d_erfc(tg_node *n, tg_tensor *g, tg_tensor **gi) { return tg__gradient(gi, tg_mul(gauss(SAVED(0), -M_2_SQRTPI), g)); }

/* d erfinv = sqrt(pi) / 2 exp(erfinv(x)^2), recomputed from x as PyTorch does */
tg_tensor *tg_erfinv(const tg_tensor *x) { return tg__unary(__func__, TG_UN_ERFINV, TG_OP_ERFINV, TG_SAVES_INPUT, x); }
int tg__d_erfinv(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    tg_tensor *e = tg_exp(tg_pow_scalar(tg_erfinv(SAVED(0)), 2));
    return tg__gradient(gi, tg_mul(tg_mul_scalar(e, sqrt(M_PI) / 2), g));
}

/* Rounding keeps integers but refuses bool, with the words of PyTorch's
   kernel; frac refuses both. Their gradients: zero (tg__d_zero) and g
   (tg__d_identity). */
#define ROUNDING(kernel, ints, id) tg__unary_typed(__func__, kernel, ints, TG_UN_##id, TG_OP_##id, TG_SAVES_NOTHING, x)
tg_tensor *tg_floor(const tg_tensor *x) { return ROUNDING("floor_vml_cpu", true, FLOOR); }
tg_tensor *tg_ceil(const tg_tensor *x) { return ROUNDING("ceil_vml_cpu", true, CEIL); }
tg_tensor *tg_round(const tg_tensor *x) { return ROUNDING("round_vml_cpu", true, ROUND); }
tg_tensor *tg_trunc(const tg_tensor *x) { return ROUNDING("trunc_vml_cpu", true, TRUNC); }
tg_tensor *tg_frac(const tg_tensor *x) { return ROUNDING("frac_cpu", false, FRAC); }

/* asinh_, acosh_ and atanh_ (ops/inplace_unary.c) have no derivative in PyTorch. */
int tg__d_no_inplace_derivative(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    (void)g;
    (void)gi;
    const char *name = n->op == TG_OP_ASINH_ ? "asinh" : n->op == TG_OP_ACOSH_ ? "acosh" : "atanh";
    return tg__faili(TG_E_AUTOGRAD, "the derivative for 'inplace version of %s' is not implemented.", name);
}
