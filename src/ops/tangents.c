/* Forward AD: the tangent rule of each recorded operation, and the hook
   tg__record calls to give an operation's output its tangent (graph/dual.c).

   A rule computes the output's tangent from the primal inputs, the output
   and the inputs' tangents (zeros for a floating input without one) with
   the library's own operations, as PyTorch's derivatives.yaml writes
   "result:" formulas, so a tangent has a graph of its own when grad mode
   records one. While a rule runs, operations propagate no tangent: rules
   read primals only.

   Every view is its own rule: a tangent lives in a storage that mirrors its
   primal's (Note [Tangent layout] in graph/dual.c), so the tangent of a
   view is the view of the tangent with the same geometry. The rows of
   TANGENTS are keyed by the ids of graph/ops.def; an operation without one
   fails as PyTorch fails for an operation without a forward formula.

   A few rules read their operation's parameters; those whose struct is
   private to the operation's file start with the one member the rule reads
   (a double or an int64_t), read through a pointer to that first member
   (structs read further are ops/ops.h's). */
#include "tangents.h"

#include <ctype.h>
#include <math.h>
#include <string.h>

tg_tensor *tg__tangent_or_zeros(const tangent_args *a, int i)
{
    if (a->t[i]) return a->t[i];
    if (!a->zeros[i]) a->zeros[i] = tg_zeros_like(a->in[i]);
    return a->zeros[i];
}

/* -------------------------------------------------------------- unary */

static tg_tensor *t_neg(const tangent_args *a) { return tg_neg(T(0)); }
static tg_tensor *t_copy(const tangent_args *a) { return tg_clone(T(0)); }
static tg_tensor *t_zero(const tangent_args *a) { return tg_zeros_like(T(0)); }
static tg_tensor *t_exp(const tangent_args *a) { return tg_mul(T(0), Y); }
static tg_tensor *t_expm1(const tangent_args *a) { return tg_mul(T(0), tg_add_scalar(Y, 1)); }
static tg_tensor *t_log(const tangent_args *a) { return tg_div(T(0), X(0)); }
static tg_tensor *t_log1p(const tangent_args *a) { return tg_div(T(0), tg_add_scalar(X(0), 1)); }
static tg_tensor *t_log2(const tangent_args *a) { return tg_div(T(0), tg_mul_scalar(X(0), log(2.0))); }
static tg_tensor *t_log10(const tangent_args *a) { return tg_div(T(0), tg_mul_scalar(X(0), log(10.0))); }
static tg_tensor *t_sqrt(const tangent_args *a) { return tg_div(T(0), tg_mul_scalar(Y, 2)); }
static tg_tensor *t_rsqrt(const tangent_args *a) { return tg_mul(T(0), tg_mul_scalar(tg_pow_scalar(Y, 3), -0.5)); }
static tg_tensor *t_reciprocal(const tangent_args *a) { return tg_mul(tg_neg(T(0)), tg_mul(Y, Y)); }
static tg_tensor *t_abs(const tangent_args *a) { return tg_mul(T(0), tg_sign(X(0))); }
static tg_tensor *t_sin(const tangent_args *a) { return tg_mul(T(0), tg_cos(X(0))); }
static tg_tensor *t_cos(const tangent_args *a) { return tg_mul(T(0), tg_neg(tg_sin(X(0)))); }
static tg_tensor *t_tan(const tangent_args *a) { return tg_mul(T(0), tg_add_scalar(tg_mul(Y, Y), 1)); }
static tg_tensor *t_tanh(const tangent_args *a) { return tg_mul(T(0), tg_rsub_scalar(tg_mul(Y, Y), 1)); }
static tg_tensor *t_sigmoid(const tangent_args *a) { return tg_mul(T(0), tg_mul(tg_rsub_scalar(Y, 1), Y)); }
static tg_tensor *t_asin(const tangent_args *a) { return tg_mul(T(0), tg_rsqrt(tg_rsub_scalar(tg_mul(X(0), X(0)), 1))); }
static tg_tensor *t_acos(const tangent_args *a) { return tg_neg(t_asin(a)); }
static tg_tensor *t_atan(const tangent_args *a) { return tg_div(T(0), tg_add_scalar(tg_mul(X(0), X(0)), 1)); }
static tg_tensor *t_sinh(const tangent_args *a) { return tg_mul(T(0), tg_cosh(X(0))); }
static tg_tensor *t_cosh(const tangent_args *a) { return tg_mul(T(0), tg_sinh(X(0))); }
static tg_tensor *t_asinh(const tangent_args *a) { return tg_mul(T(0), tg_rsqrt(tg_add_scalar(tg_mul(X(0), X(0)), 1))); }
static tg_tensor *t_acosh(const tangent_args *a) { return tg_mul(T(0), tg_rsqrt(tg_sub_scalar(tg_mul(X(0), X(0)), 1))); }
static tg_tensor *t_atanh(const tangent_args *a) { return tg_div(T(0), tg_rsub_scalar(tg_mul(X(0), X(0)), 1)); }

/* d erf = 2/sqrt(pi) exp(-x^2) */
static tg_tensor *t_erf(const tangent_args *a)
{
    return tg_mul(T(0), tg_mul_scalar(tg_exp(tg_neg(tg_mul(X(0), X(0)))), 2 / sqrt(M_PI)));
}
static tg_tensor *t_erfc(const tangent_args *a) { return tg_neg(t_erf(a)); }
/* d erfinv = sqrt(pi)/2 exp(y^2) */
static tg_tensor *t_erfinv(const tangent_args *a) { return tg_mul(T(0), tg_mul_scalar(tg_exp(tg_mul(Y, Y)), sqrt(M_PI) / 2)); }

/* relu: the tangent where the result is positive (threshold_backward) */
static tg_tensor *t_relu(const tangent_args *a) { return tg_where(tg_gt_scalar(Y, 0), T(0), tg_zeros_like(T(0))); }

/* d silu = s (1 + x (1 - s)), s = sigmoid(x) */
static tg_tensor *t_silu(const tangent_args *a)
{
    tg_tensor *s = tg_sigmoid(X(0));
    return tg_mul(T(0), tg_mul(s, tg_add_scalar(tg_mul(X(0), tg_rsub_scalar(s, 1)), 1)));
}
static tg_tensor *t_logsigmoid(const tangent_args *a) { return tg_mul(T(0), tg_sigmoid(tg_neg(X(0)))); }

/* An elementwise operation of one input whose derivative reads only slot
   0 (its input, or its result) and its parameters: its Jacobian is
   diagonal, so the tangent is the derivative itself applied to the
   tangent, as PyTorch's auto_element_wise formulas are. The derivative
   runs on a node of the stack that holds what it reads. */
static tg_tensor *auto_elementwise(const tangent_args *a, const tg_tensor *slot0)
{
    tg_node node = {.op = a->op, .n_next = 1, .n_saved = 1, .params = (void *)a->params};
    tg_edge edge = {.node = &node};   /* any non-NULL edge: the gradient is needed */
    tg_meta in_meta;
    tg_saved saved = {.data = (tg_tensor *)slot0, .version = atomic_load(&slot0->version->value), .used = true,
                      .multi_output_nr = -1};
    tg__meta_of(&in_meta, X(0));
    tg__meta_of(&node.out_meta, Y);
    node.next = &edge;
    node.in_meta = &in_meta;
    node.saved = &saved;
    tg_tensor *gi = NULL;
    return TG_DERIVATIVES[a->op](&node, T(0), &gi) ? NULL : gi;
}
static tg_tensor *t_auto_of_input(const tangent_args *a) { return auto_elementwise(a, X(0)); }
static tg_tensor *t_auto_of_result(const tangent_args *a) { return auto_elementwise(a, Y); }

/* ------------------------------------------------------------- binary */

/* The sum of a rule's terms, where a NULL term is that of an input without
   a tangent: PyTorch reads those as zero tensors that drop out of sums and
   products exactly (so no -0.0 or rounding comes from them). Only a
   failed operation gives NULL for an input that has a tangent. */
static tg_tensor *terms(const tangent_args *a, tg_tensor *first, tg_tensor *second)
{
    if (!T(0)) return second;
    if (!T(1)) return first;
    return first && second ? tg_add(first, second) : NULL;
}
#define TERM(i, expr) (T(i) ? (expr) : NULL)

/* The Python-number forms (x + 2: the second input is NULL) add nothing. */
static tg_tensor *t_add(const tangent_args *a) { return terms(a, TERM(0, tg_clone(T(0))), TERM(1, tg_clone(T(1)))); }
static tg_tensor *t_sub(const tangent_args *a) { return terms(a, TERM(0, tg_clone(T(0))), TERM(1, tg_neg(T(1)))); }

/* x * s and x / s keep s as their parameter (ops/binary.c) */
static tg_tensor *t_mul(const tangent_args *a)
{
    if (!X(1)) return tg_mul_scalar(T(0), FIRST_DOUBLE);
    return terms(a, TERM(0, tg_mul(T(0), X(1))), TERM(1, tg_mul(T(1), X(0))));
}

/* ta / b - tb (a / b) / b */
static tg_tensor *t_div(const tangent_args *a)
{
    if (!X(1)) return tg_div_scalar(T(0), FIRST_DOUBLE);
    return terms(a, TERM(0, tg_div(T(0), X(1))), TERM(1, tg_mul(tg_neg(T(1)), tg_div(tg_div(X(0), X(1)), X(1)))));
}

/* t p x^(p-1), and 0 for p = 0 (pow_backward) */
static tg_tensor *t_pow_scalar(const tangent_args *a)
{
    double p = FIRST_DOUBLE;
    if (p == 0) return tg_zeros_like(T(0));
    return tg_mul(T(0), tg_mul_scalar(tg_pow_scalar(X(0), p - 1), p));
}

/* ta b a^(b-1) + tb y log(a), each term 0 where PyTorch's pow_backward_self
   and pow_backward_exponent give 0 (b = 0; a = 0 with b >= 0) */
static tg_tensor *t_pow(const tangent_args *a)
{
    tg_tensor *zeros = tg_zeros_like(Y);
    tg_tensor *self = TERM(0, tg_where(tg_eq_scalar(X(1), 0), zeros,
                                       tg_mul(T(0), tg_mul(X(1), tg_pow(X(0), tg_sub_scalar(X(1), 1))))));
    tg_tensor *at_zero = T(1) ? tg_logical_and(tg_eq_scalar(X(0), 0), tg_ge_scalar(X(1), 0)) : NULL;
    tg_tensor *exponent = TERM(1, tg_mul(T(1), tg_where(at_zero, zeros, tg_mul(Y, tg_log(X(0))))));
    return terms(a, self, exponent);
}

/* tb + w (ta - tb), w = 1 where the first operand is taken, 1/2 on ties */
static tg_tensor *extremum(const tangent_args *a, tg_tensor *first_taken)
{
    tg_tensor *half = tg_full_like(Y, 0.5);
    tg_tensor *w = tg_where(tg_eq(X(0), X(1)), half, tg_to(first_taken, Y->dtype));
    if (!T(1)) return tg_mul(w, T(0));
    if (!T(0)) return tg_add(T(1), tg_mul(w, tg_neg(T(1))));
    return tg_add(T(1), tg_mul(w, tg_sub(T(0), T(1))));
}
static tg_tensor *t_maximum(const tangent_args *a) { return extremum(a, tg_gt(X(0), X(1))); }
static tg_tensor *t_minimum(const tangent_args *a) { return extremum(a, tg_lt(X(0), X(1))); }

/* ta b / (a^2 + b^2) - tb a / (a^2 + b^2) */
static tg_tensor *t_atan2(const tangent_args *a)
{
    tg_tensor *den = tg_add(tg_mul(X(0), X(0)), tg_mul(X(1), X(1)));
    return terms(a, TERM(0, tg_div(tg_mul(T(0), X(1)), den)), TERM(1, tg_div(tg_mul(T(1), tg_neg(X(0))), den)));
}

/* ta a / y + tb b / y */
static tg_tensor *t_hypot(const tangent_args *a)
{
    return terms(a, TERM(0, tg_div(tg_mul(T(0), X(0)), Y)), TERM(1, tg_div(tg_mul(T(1), X(1)), Y)));
}

/* where(c, ta, tb); the condition is the record's parameter (ops/binary.c) */
static tg_tensor *t_where(const tangent_args *a)
{
    const tg_tensor *cond = *(const tg_tensor *const *)a->params;
    return tg_where(cond, ZT(0), ZT(1));
}

static tg_tensor *t_rsub(const tangent_args *a) { return tg_neg(T(0)); }
static tg_tensor *t_scale(const tangent_args *a) { return tg_mul_scalar(T(0), FIRST_DOUBLE); }
static tg_tensor *t_div_scalar(const tangent_args *a) { return tg_div_scalar(T(0), FIRST_DOUBLE); }

/* --------------------------------------------------------- reductions */

static tg_tensor *t_sum(const tangent_args *a) { return tg_sum(T(0)); }
static tg_tensor *t_mean(const tangent_args *a) { return tg_mean(T(0)); }

/* the same reduction of the tangent, over the dims the node reduced */
static tg_tensor *reduce_dims(const tangent_args *a, bool mean)
{
    const tg_reduce_params *p = a->params;
    int64_t dims[TG_MAX_DIMS];
    int nd = 0;
    for (int d = 0; d < X(0)->ndim; d++)
        if (p->reduced[d]) dims[nd++] = d;
    /* a 0-dim input reduces "every dim": none */
    if (mean) return nd || X(0)->ndim == 0 ? tg_mean_dim(T(0), dims, nd, p->keepdim) : tg_clone(T(0));
    return nd || X(0)->ndim == 0 ? tg_sum_dim(T(0), dims, nd, p->keepdim) : tg_clone(T(0));
}
static tg_tensor *t_sum_dim(const tangent_args *a) { return reduce_dims(a, false); }
static tg_tensor *t_mean_dim(const tangent_args *a) { return reduce_dims(a, true); }

/* the 2-norm of all elements: <x, t> / y */
static tg_tensor *t_norm(const tangent_args *a) { return tg_div(tg_sum(tg_mul(X(0), T(0))), Y); }

static tg_tensor *t_cumsum(const tangent_args *a) { return tg_cumsum(T(0), FIRST_DIM); }

/* ----------------------------------------------------- linear algebra */

#define PRODUCT(f) terms(a, TERM(0, f(T(0), X(1))), TERM(1, f(X(0), T(1))))
static tg_tensor *t_mm(const tangent_args *a) { return PRODUCT(tg_mm); }
static tg_tensor *t_bmm(const tangent_args *a) { return PRODUCT(tg_bmm); }
static tg_tensor *t_mv(const tangent_args *a) { return PRODUCT(tg_mv); }
static tg_tensor *t_dot(const tangent_args *a) { return PRODUCT(tg_dot); }

/* beta tbias + alpha (ta b + a tb); product_params (ops/linalg.c) start
   with beta and alpha */
static tg_tensor *t_addmm(const tangent_args *a)
{
    const double *beta_alpha = a->params;
    tg_tensor *product = tg_mul_scalar(tg_add(tg_mm(ZT(1), X(2)), tg_mm(X(1), ZT(2))), beta_alpha[1]);
    return beta_alpha[0] == 0 ? product : tg_add(tg_mul_scalar(ZT(0), beta_alpha[0]), product);
}

/* the same for baddbmm's batches */
static tg_tensor *t_baddbmm(const tangent_args *a)
{
    const double *beta_alpha = a->params;
    tg_tensor *product = tg_mul_scalar(tg_add(tg_bmm(ZT(1), X(2)), tg_bmm(X(1), ZT(2))), beta_alpha[1]);
    return beta_alpha[0] == 0 ? product : tg_add(tg_mul_scalar(ZT(0), beta_alpha[0]), product);
}

/* ------------------------------------------------------ nn functions */

/* y (t - sum(t y)) over the softmax's dim */
static tg_tensor *t_softmax(const tangent_args *a)
{
    int64_t dim = FIRST_DIM;
    if (Y->ndim == 0) return tg_mul(Y, tg_sub(ZT(0), tg_mul(ZT(0), Y)));
    return tg_mul(Y, tg_sub(ZT(0), tg_sum_dim(tg_mul(ZT(0), Y), &dim, 1, true)));
}

/* t - sum(t exp(y)) */
static tg_tensor *t_log_softmax(const tangent_args *a)
{
    int64_t dim = FIRST_DIM;
    if (Y->ndim == 0) return tg_sub(ZT(0), tg_mul(ZT(0), tg_exp(Y)));
    return tg_sub(ZT(0), tg_sum_dim(tg_mul(ZT(0), tg_exp(Y)), &dim, 1, true));
}

/* ------------------------------------------------- joins, pointwise */

/* the inputs' tangents joined as the inputs were, zeros for those without */
static tg_tensor *join(const tangent_args *a, tg_tensor *(*f)(const tg_tensor *const *, int, int64_t))
{
    const tg_tensor *parts[a->n];
    for (int i = 0; i < a->n; i++)
        if (!(parts[i] = ZT(i))) return NULL;
    return f(parts, a->n, FIRST_DIM);
}
static tg_tensor *t_cat(const tangent_args *a) { return join(a, tg_cat); }
static tg_tensor *t_stack(const tangent_args *a) { return join(a, tg_stack); }

/* a + w (end - a): ta + w (tend - ta) */
static tg_tensor *t_lerp_scalar(const tangent_args *a)
{
    return tg_add(ZT(0), tg_mul_scalar(tg_sub(ZT(1), ZT(0)), FIRST_DOUBLE));
}

/* self + v a b */
static tg_tensor *t_addcmul(const tangent_args *a)
{
    return tg_add(ZT(0), tg_mul_scalar(tg_add(tg_mul(ZT(1), X(2)), tg_mul(X(1), ZT(2))), FIRST_DOUBLE));
}

/* self + v a / b */
static tg_tensor *t_addcdiv(const tangent_args *a)
{
    tg_tensor *q = tg_div(tg_sub(ZT(1), tg_mul(ZT(2), tg_div(X(1), X(2)))), X(2));
    return tg_add(ZT(0), tg_mul_scalar(q, FIRST_DOUBLE));
}

static const tangent_fn TANGENTS[TG_OP_COUNT] = {
    [TG_OP_ADD] = t_add, [TG_OP_SUB] = t_sub, [TG_OP_RSUB] = t_rsub, [TG_OP_MUL] = t_mul, [TG_OP_DIV] = t_div,
    [TG_OP_POW_SCALAR] = t_pow_scalar, [TG_OP_POW] = t_pow, [TG_OP_MAXIMUM] = t_maximum, [TG_OP_MINIMUM] = t_minimum,
    [TG_OP_WHERE] = t_where, [TG_OP_ATAN2] = t_atan2, [TG_OP_HYPOT] = t_hypot,

    [TG_OP_NEG] = t_neg, [TG_OP_EXP] = t_exp, [TG_OP_EXPM1] = t_expm1, [TG_OP_LOG] = t_log, [TG_OP_SQRT] = t_sqrt,
    [TG_OP_ABS] = t_abs, [TG_OP_SIN] = t_sin, [TG_OP_COS] = t_cos, [TG_OP_TANH] = t_tanh, [TG_OP_SIGMOID] = t_sigmoid,
    [TG_OP_RELU] = t_relu, [TG_OP_SIGN] = t_zero, [TG_OP_LOG1P] = t_log1p, [TG_OP_LOG2] = t_log2,
    [TG_OP_LOG10] = t_log10, [TG_OP_RSQRT] = t_rsqrt, [TG_OP_RECIPROCAL] = t_reciprocal, [TG_OP_TAN] = t_tan,
    [TG_OP_ASIN] = t_asin, [TG_OP_ACOS] = t_acos, [TG_OP_ATAN] = t_atan, [TG_OP_SINH] = t_sinh, [TG_OP_COSH] = t_cosh,
    [TG_OP_ASINH] = t_asinh, [TG_OP_ACOSH] = t_acosh, [TG_OP_ATANH] = t_atanh, [TG_OP_ERF] = t_erf,
    [TG_OP_ERFC] = t_erfc, [TG_OP_ERFINV] = t_erfinv, [TG_OP_FLOOR] = t_zero, [TG_OP_CEIL] = t_zero,
    [TG_OP_ROUND] = t_zero, [TG_OP_TRUNC] = t_zero, [TG_OP_FRAC] = t_copy,
    [TG_OP_ASINH_] = t_asinh, [TG_OP_ACOSH_] = t_acosh, [TG_OP_ATANH_] = t_atanh,
    [TG_OP_SILU] = t_silu, [TG_OP_LOGSIGMOID] = t_logsigmoid,
    [TG_OP_GELU] = t_auto_of_input, [TG_OP_MISH] = t_auto_of_input, [TG_OP_HARDSIGMOID] = t_auto_of_input,
    [TG_OP_HARDSWISH] = t_auto_of_input, [TG_OP_SOFTPLUS] = t_auto_of_input, [TG_OP_LEAKY_RELU] = t_auto_of_input,
    [TG_OP_ELU] = t_auto_of_input, [TG_OP_CELU] = t_auto_of_input, [TG_OP_HARDTANH] = t_auto_of_input,
    [TG_OP_LEAKY_RELU_] = t_auto_of_result, [TG_OP_ELU_] = t_auto_of_result, [TG_OP_CELU_] = t_auto_of_result,
    [TG_OP_CLAMP] = t_auto_of_input, [TG_OP_CLAMP_MIN] = t_auto_of_input, [TG_OP_CLAMP_MAX] = t_auto_of_input,
    [TG_OP_NAN_TO_NUM] = t_auto_of_input,

    [TG_OP_SUM] = t_sum, [TG_OP_SUM_DIM] = t_sum_dim, [TG_OP_MEAN] = t_mean, [TG_OP_MEAN_DIM] = t_mean_dim,
    [TG_OP_NORM] = t_norm, [TG_OP_CUMSUM] = t_cumsum,

    [TG_OP_CLONE] = t_copy, [TG_OP_TO_COPY] = t_copy,
    [TG_OP_MM] = t_mm, [TG_OP_BMM] = t_bmm, [TG_OP_MV] = t_mv, [TG_OP_DOT] = t_dot, [TG_OP_ADDMM] = t_addmm, [TG_OP_BADDBMM] = t_baddbmm,
    [TG_OP_SCALE_BY] = t_scale, [TG_OP_ADD_SCALAR] = t_copy, [TG_OP_DIV_SCALAR] = t_div_scalar,

    [TG_OP_SOFTMAX] = t_softmax, [TG_OP_LOG_SOFTMAX] = t_log_softmax,
    [TG_OP_CAT] = t_cat, [TG_OP_STACK] = t_stack,
    [TG_OP_LERP_SCALAR] = t_lerp_scalar, [TG_OP_ADDCMUL] = t_addcmul, [TG_OP_ADDCDIV] = t_addcdiv,

    /* the tensor operations (ops/tangents_tensor.c); zero_, fill_, copy_,
       uniform_ and normal_ give their tangents where they write
       (ops/inplace.c, ops/random.c), and split, unbind and einsum's
       diagonals are views */
    [TG_OP_XLOGY] = tg__t_xlogy, [TG_OP_XLOGY_SCALAR] = t_auto_of_input, [TG_OP_XLOGY_SCALAR_SELF] = t_auto_of_input,
    [TG_OP_FMOD] = tg__t_fmod, [TG_OP_REMAINDER] = tg__t_remainder, [TG_OP_FMOD_SCALAR] = t_copy,
    [TG_OP_REMAINDER_SCALAR] = t_copy,
    [TG_OP_PROD] = tg__t_reduction, [TG_OP_PROD_DIM] = tg__t_reduction, [TG_OP_MAX] = tg__t_reduction,
    [TG_OP_MIN] = tg__t_reduction, [TG_OP_AMAX] = tg__t_reduction, [TG_OP_AMIN] = tg__t_reduction,
    [TG_OP_MAX_DIM] = tg__t_max_dim, [TG_OP_MIN_DIM] = tg__t_min_dim,
    [TG_OP_VAR] = tg__t_reduction, [TG_OP_STD] = tg__t_reduction, [TG_OP_VAR_MEAN] = tg__t_reduction,
    [TG_OP_VAR_MEAN_MEAN] = tg__t_reduction, [TG_OP_STD_MEAN] = tg__t_reduction,
    [TG_OP_STD_MEAN_MEAN] = tg__t_reduction, [TG_OP_LOGSUMEXP] = tg__t_reduction,
    [TG_OP_VECTOR_NORM] = tg__t_reduction, [TG_OP_NORM_DIM] = tg__t_reduction,
    [TG_OP_CUMPROD] = tg__t_cumprod, [TG_OP_SORT] = tg__t_sort, [TG_OP_TOPK] = tg__t_sort, [TG_OP_LERP] = tg__t_lerp,
    [TG_OP_TRIL] = tg__t_tril, [TG_OP_TRIU] = tg__t_triu, [TG_OP_FLIP] = tg__t_flip, [TG_OP_ROLL] = tg__t_roll,
    [TG_OP_REPEAT] = tg__t_repeat, [TG_OP_GATHER] = tg__t_gather, [TG_OP_INDEX_SELECT] = tg__t_index_select,
    [TG_OP_SCATTER] = tg__t_scatter, [TG_OP_SCATTER_ADD] = tg__t_scatter_add,
    [TG_OP_SCATTER_REDUCE] = tg__t_scatter_reduce,
    [TG_OP_SCATTER_VALUE] = tg__t_scatter_value, [TG_OP_INDEX_ADD] = tg__t_index_add,
    [TG_OP_MASKED_SELECT] = tg__t_masked_select, [TG_OP_MASKED_SCATTER] = tg__t_masked_scatter,
    [TG_OP_MASKED_FILL] = tg__t_masked_fill, [TG_OP_SELECT_BACKWARD] = tg__t_select_backward,
    [TG_OP_SLICE_BACKWARD] = tg__t_slice_backward, [TG_OP_DIAGONAL_BACKWARD] = tg__t_diagonal_backward,
    [TG_OP_DIAG_EMBED] = tg__t_diagonal_backward, [TG_OP_TRILINEAR] = tg__t_trilinear,
    [TG_OP_INDEX] = tg__t_index, [TG_OP_INDEX_PUT] = tg__t_index_put, [TG_OP_INDEX_PUT_IMPL] = tg__t_index_put,
    [TG_OP_EQ_INPLACE] = tg__t_compare_inplace, [TG_OP_EQ_SCALAR_INPLACE] = tg__t_compare_inplace,
    [TG_OP_NE_INPLACE] = tg__t_compare_inplace, [TG_OP_NE_SCALAR_INPLACE] = tg__t_compare_inplace,
    [TG_OP_LT_INPLACE] = tg__t_compare_inplace, [TG_OP_LT_SCALAR_INPLACE] = tg__t_compare_inplace,
    [TG_OP_LE_INPLACE] = tg__t_compare_inplace, [TG_OP_LE_SCALAR_INPLACE] = tg__t_compare_inplace,
    [TG_OP_GT_INPLACE] = tg__t_compare_inplace, [TG_OP_GT_SCALAR_INPLACE] = tg__t_compare_inplace,
    [TG_OP_GE_INPLACE] = tg__t_compare_inplace, [TG_OP_GE_SCALAR_INPLACE] = tg__t_compare_inplace,
    [TG_OP_BERNOULLI] = tg__t_constant,
    [TG_OP_VIEW_AS_REAL] = tg__t_view_as_real, [TG_OP_VIEW_AS_COMPLEX] = tg__t_view_as_complex,
    [TG_OP_CONJ] = tg__t_conj, [TG_OP_ANGLE] = tg__t_angle, [TG_OP_COMPLEX] = tg__t_complex,
    [TG_OP_POLAR] = tg__t_polar,

    /* ops/tangents_nn.c; HARDSIGMOID_BACKWARD, SOFTMAX_BACKWARD_DATA, LOG_SOFTMAX_BACKWARD_DATA,
       HUBER_LOSS_BACKWARD and NLL_LOSS(2D)_BACKWARD have no rule, as in PyTorch 1.13 */
    [TG_OP_THRESHOLD_BACKWARD] = tg__t_threshold_backward, [TG_OP_LEAKY_RELU_BACKWARD] = tg__t_mask_backward,
    [TG_OP_HARDTANH_BACKWARD] = tg__t_mask_backward, [TG_OP_ELU_BACKWARD] = tg__t_elu_backward,
    [TG_OP_TANH_BACKWARD] = tg__t_pointwise_backward, [TG_OP_SIGMOID_BACKWARD] = tg__t_pointwise_backward,
    [TG_OP_GELU_BACKWARD] = tg__t_pointwise_backward,
    [TG_OP_EMBEDDING] = tg__t_embedding, [TG_OP_EMBEDDING_DENSE_BACKWARD] = tg__t_embedding_dense_backward,
    [TG_OP_MSE_LOSS] = tg__t_regression_loss, [TG_OP_SMOOTH_L1_LOSS] = tg__t_regression_loss,
    [TG_OP_HUBER_LOSS] = tg__t_regression_loss, [TG_OP_MSE_LOSS_BACKWARD] = tg__t_regression_loss_backward,
    [TG_OP_SMOOTH_L1_LOSS_BACKWARD] = tg__t_regression_loss_backward,
    [TG_OP_BCE] = tg__t_bce, [TG_OP_BCE_LOGITS] = tg__t_bce, [TG_OP_NLL_LOSS] = tg__t_nll, [TG_OP_NLL_LOSS2D] = tg__t_nll,
    [TG_OP_LAYER_NORM] = tg__t_layer_norm, [TG_OP_GROUP_NORM] = tg__t_group_norm, [TG_OP_BATCH_NORM] = tg__t_batch_norm,
    [TG_OP_CONVOLUTION] = tg__t_convolution, [TG_OP_IM2COL] = tg__t_fold, [TG_OP_COL2IM] = tg__t_fold,
    [TG_OP_MAX_POOL2D] = tg__t_resample_max, [TG_OP_ADAPTIVE_MAX_POOL2D] = tg__t_resample_max,
    [TG_OP_AVG_POOL2D] = tg__t_resample, [TG_OP_ADAPTIVE_AVG_POOL2D] = tg__t_resample,
    [TG_OP_CONSTANT_PAD] = tg__t_constant_pad,
    [TG_OP_REFLECTION_PAD1D] = tg__t_resample, [TG_OP_REFLECTION_PAD2D] = tg__t_resample,
    [TG_OP_REFLECTION_PAD3D] = tg__t_resample, [TG_OP_REPLICATION_PAD1D] = tg__t_resample,
    [TG_OP_REPLICATION_PAD2D] = tg__t_resample, [TG_OP_REPLICATION_PAD3D] = tg__t_resample,
    [TG_OP_UPSAMPLE_NEAREST1D] = tg__t_resample, [TG_OP_UPSAMPLE_NEAREST2D] = tg__t_resample,
    [TG_OP_UPSAMPLE_NEAREST3D] = tg__t_resample, [TG_OP_UPSAMPLE_LINEAR1D] = tg__t_resample,
    [TG_OP_UPSAMPLE_BILINEAR2D] = tg__t_resample, [TG_OP_UPSAMPLE_TRILINEAR3D] = tg__t_resample,
    [TG_OP_UPSAMPLE_NEAREST_EXACT1D] = tg__t_resample, [TG_OP_UPSAMPLE_NEAREST_EXACT2D] = tg__t_resample,
    [TG_OP_UPSAMPLE_NEAREST_EXACT3D] = tg__t_resample,
};

bool tg__has_tangent_rule(tg_op op) { return TANGENTS[op] != NULL; }

/* ------------------------------------------------------------ the hook */

/* PyTorch's error for the operation of ATen name `name` */
static int unsupported(const char *name)
{
    return tg__faili(TG_E_AUTOGRAD,
                     "Trying to use forward AD with %s that does not support it because it has not been implemented yet.\n"
                     "Please file an issue to PyTorch at https://github.com/pytorch/pytorch/issues/new?template=feature-request.yml "
                     "so that we can prioritize its implementation.\n"
                     "Note that forward AD support for some operators require PyTorch to be built with TorchScript and for JIT "
                     "to be enabled. If the environment var PYTORCH_JIT=0 is set or if the library is not built with "
                     "TorchScript, some operators may no longer be used with forward AD.",
                     name);
}

/* PyTorch names the operation by its ATen name: the node's name without
   "Backward<n>", in snake case ("NativeLayerNormBackward0" ->
   "native_layer_norm"). */
static int no_rule_error(tg_op op)
{
    /* hardsigmoid_backward has no derivative at all (its node is
       NotImplemented); the fused softmax derivatives are underscored */
    if (op == TG_OP_HARDSIGMOID_BACKWARD)
        return tg__faili(TG_E_AUTOGRAD, "Trying to use forward AD with aten::hardsigmoid_backward that does not support it.");
    const char *node = tg__op_name(op);
    const char *end = strstr(node, "Backward");
    for (const char *later; end && (later = strstr(end + 1, "Backward"));) end = later;   /* the last: XBackwardBackward0 */
    size_t len = end ? (size_t)(end - node) : strlen(node);
    char name[128];
    size_t k = 0;
    if (op == TG_OP_SOFTMAX_BACKWARD_DATA || op == TG_OP_LOG_SOFTMAX_BACKWARD_DATA) name[k++] = '_';
    for (size_t i = 0; i < len && k + 2 < sizeof name; i++) {
        bool word = isupper((unsigned char)node[i]) && i &&   /* a word begins: aB, or AB before c (2DBackward) */
                    (islower((unsigned char)node[i - 1]) ||
                     (isupper((unsigned char)node[i - 1]) && i + 1 < len && islower((unsigned char)node[i + 1])));
        if (word) name[k++] = '_';
        name[k++] = (char)tolower((unsigned char)node[i]);
    }
    name[k] = '\0';
    return unsupported(name);
}

int tg__refuse_forward_ad(const char *aten_name, const tg_tensor *const *operands, int n)
{
    if (!tg__forward_hook()) return 0;
    for (int i = 0; i < n; i++)
        if (operands[i] && tg__tangent(operands[i])) return unsupported(aten_name);
    return 0;
}

tg_tensor *tg__mirror_tangent(const tg_tensor *primal, const tg_tensor *tangent)
{
    const tg_storage *ps = primal->storage, *ts = tangent->storage;
    int64_t elements = (int64_t)(ps->nbytes / tg__dtype_size(primal->dtype));
    bool same = ts->nbytes / tg__dtype_size(tangent->dtype) == (size_t)elements && tangent->offset == primal->offset &&
                !memcmp(tangent->strides, primal->strides, sizeof(int64_t) * (size_t)primal->ndim);
    if (same) return tg__share(tangent);
    tg_tensor *flat = tg_zeros(&elements, 1, tangent->dtype);
    tg_tensor *m = flat ? tg__alias(flat, primal->shape, primal->strides, primal->ndim, primal->offset) : NULL;
    return m ? tg_copy_(m, tangent) : NULL;
}

/* The rule's result as out's tangent: out's shape and dtype (a rule over
   broadcast operands can come out smaller), laid out as out is. */
int tg__attach_tangent(tg_tensor *out, tg_tensor *tangent)
{
    if (!tangent) return -1;
    if (!tg__same_shape(tangent->shape, tangent->ndim, out->shape, out->ndim))
        tangent = tg_expand(tangent, out->shape, out->ndim);
    if (tangent && tangent->dtype != out->dtype && tg__is_floating(out->dtype)) tangent = tg_to(tangent, out->dtype);
    tg_tensor *m = tangent ? tg__mirror_tangent(out, tangent) : NULL;
    if (!m) return -1;
    tg__ref(m);
    return tg__set_tangent(out, m);
}

static int propagate(tg_tensor *out, const tg_record *what, const tg_tensor *const *inputs, int n)
{
    bool any = false;
    for (int i = 0; i < n; i++) any |= inputs[i] && tg__tangent(inputs[i]);
    if (!any) return 0;
    /* a view: the same view of the tangent's mirrored storage (one that
       changes the dtype, view_as_real's, has a rule) */
    if (n == 1 && out->storage == inputs[0]->storage && !TANGENTS[what->op]) {
        tg_tensor *v = tg__view_of(tg__tangent(inputs[0]), (tg_record){.op = TG_OP_ALIAS}, out->shape, out->strides,
                                   out->ndim, out->offset);
        if (!v) return -1;
        tg__ref(v);
        return tg__set_tangent(out, v);
    }
    tangent_fn rule = TANGENTS[what->op];
    if (!rule) return no_rule_error(what->op);
    /* A composite's inner step recorded without what its derivative reads
       (gelu's kernel call): the composite's own record follows. */
    if ((rule == t_auto_of_input || rule == t_auto_of_result) && what->n_saved < 1) return 0;
    tg_tensor *tangents[n > 0 ? n : 1], *zeros[n > 0 ? n : 1];
    for (int i = 0; i < n; i++) {
        tangents[i] = inputs[i] ? tg__tangent(inputs[i]) : NULL;
        zeros[i] = NULL;
    }
    tangent_args args = {what->op, inputs, tangents, n, zeros, out, what->params, what->tangent_ctx};
    tg_tensor *tangent = rule(&args);
    return tangent == NO_TANGENT ? 0 : tg__attach_tangent(out, tangent);
}

int tg__propagate_tangent(tg_tensor *out, const tg_record *what, const tg_tensor *const *inputs, int n)
{
    tg__tangents_pause();
    int rc = propagate(out, what, inputs, n);
    tg__tangents_resume();
    return rc;
}
