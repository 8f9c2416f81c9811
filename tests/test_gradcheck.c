/* tg_gradcheck over every differentiable public operation, first and second
   order, with broadcasting and non-contiguous inputs; plus the checks that
   gradcheck itself fails when it should and leaves its inputs alone. */
#include "harness.h"

#include "graph/graph.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------- inputs */

/* How an input's values are chosen: away from kinks and domain edges. */
typedef enum value_kind {
    ANY,              /* [-2, 2) */
    POSITIVE,         /* [0.5, 2): log, sqrt, pow bases, divisors */
    AWAY_FROM_ZERO,   /* +-[0.3, 1.5): abs, relu, sign */
    PROBABILITY       /* [0.1, 0.9): targets of binary cross entropy */
} value_kind;

typedef struct input_spec {
    int ndim;
    int64_t shape[4];
    value_kind kind;
    bool transposed;   /* a non-contiguous leaf: the transpose of a contiguous tensor */
} input_spec;

static double frac(double x) { return x - floor(x); }

/* Distinct values for element k of input i (a golden-ratio sequence whose
   phase depends on i, so two inputs never tie elementwise). */
static double value(value_kind kind, int i, int64_t k)
{
    double u = frac(0.1 + 0.25 * i + (double)k * 0.6180339887498949);
    switch (kind) {
    case POSITIVE: return 0.5 + 1.5 * u;
    case AWAY_FROM_ZERO: return (frac((double)k * 0.4142135623730951 + 0.3 * i) < 0.5 ? -1 : 1) * (0.3 + 1.2 * u);
    case PROBABILITY: return 0.1 + 0.8 * u;
    case ANY: break;
    }
    return -2 + 4 * u;
}

/* A leaf f64 tensor requiring grad, owned by the current scope. */
static tg_tensor *make_input(const input_spec *s, int i)
{
    int64_t stored[4];
    memcpy(stored, s->shape, sizeof stored);
    if (s->transposed) {   /* store the last two dims swapped, then transpose back */
        stored[s->ndim - 1] = s->shape[s->ndim - 2];
        stored[s->ndim - 2] = s->shape[s->ndim - 1];
    }
    int64_t n = 1;
    for (int d = 0; d < s->ndim; d++) n *= s->shape[d];
    double *values = malloc((size_t)(n + 1) * sizeof *values);
    if (!values) return NULL;
    for (int64_t k = 0; k < n; k++) values[k] = value(s->kind, i, k);
    tg_tensor *t = tg_from_f64(values, stored, s->ndim);
    free(values);
    if (t && s->transposed) TG_NO_GRAD { t = tg_transpose(t, -1, -2); }
    return tg_requires_grad_(t, true);
}

/* ---------------------------------------------------------- functions */

#define FN(name, expr)                                                      \
    static tg_tensor *name(tg_tensor *const *x, int n, void *ctx)           \
    {                                                                       \
        (void)x; (void)n; (void)ctx;                                        \
        return (expr);                                                      \
    }

static tg_tensor *bools(const bool *values, const int64_t *shape, int ndim) { return tg_from_bool(values, shape, ndim); }
#define COND23 bools((const bool[]){true, false, true, false, false, true}, TG_SHAPE(2, 3))

FN(f_add, tg_add(x[0], x[1]))
FN(f_sub, tg_sub(x[0], x[1]))
FN(f_mul, tg_mul(x[0], x[1]))
FN(f_div, tg_div(x[0], x[1]))
FN(f_pow, tg_pow(x[0], x[1]))
FN(f_maximum, tg_maximum(x[0], x[1]))
FN(f_minimum, tg_minimum(x[0], x[1]))
FN(f_add_scalar, tg_add_scalar(x[0], 2.5))
FN(f_sub_scalar, tg_sub_scalar(x[0], 1.5))
FN(f_mul_scalar, tg_mul_scalar(x[0], -3))
FN(f_div_scalar, tg_div_scalar(x[0], 4))
FN(f_pow_scalar_3, tg_pow_scalar(x[0], 3))
FN(f_pow_scalar_half, tg_pow_scalar(x[0], 0.5))
FN(f_pow_scalar_neg, tg_pow_scalar(x[0], -2))
FN(f_pow_scalar_0, tg_pow_scalar(x[0], 0))
FN(f_rsub_scalar, tg_rsub_scalar(x[0], 1))

FN(f_sin, tg_sin(x[0]))
FN(f_tanh, tg_tanh(x[0]))
FN(f_sign_times, tg_mul(tg_sign(x[0]), x[0]))
FN(f_where, tg_where(COND23, x[0], x[1]))
FN(f_where_bcast, tg_where(bools((const bool[]){true, false, true}, TG_SHAPE(3)), x[0], x[1]))

FN(f_sum, tg_sum(x[0]))
FN(f_mean, tg_mean(x[0]))
FN(f_sum_dim, tg_sum_dim(x[0], (const int64_t[]){0}, 1, false))
FN(f_sum_dim_keep, tg_sum_dim(x[0], (const int64_t[]){-1, 0}, 2, true))
FN(f_sum_dim_all, tg_sum_dim(x[0], NULL, 0, false))
FN(f_mean_dim, tg_mean_dim(x[0], (const int64_t[]){1}, 1, false))
FN(f_mean_dim_keep, tg_mean_dim(x[0], (const int64_t[]){0, 2}, 2, true))
FN(f_max_dim, tg_max_dim(x[0], 1, false, NULL))
FN(f_max_dim_keep, tg_max_dim(x[0], 0, true, NULL))
FN(f_max_dim_vector, tg_max_dim(x[0], 0, false, NULL))
FN(f_mean_dim_all, tg_mean_dim(x[0], NULL, 0, true))
FN(f_norm, tg_norm(x[0]))
FN(f_sum_dim_of_square, tg_sum_dim(tg_mul(x[0], x[0]), (const int64_t[]){1}, 1, false))
FN(f_mean_dim_of_exp, tg_mean_dim(tg_exp(x[0]), (const int64_t[]){0}, 1, true))

FN(f_view, tg_view(x[0], TG_SHAPE(3, 2)))
FN(f_view_infer, tg_view(x[0], TG_SHAPE(4, -1)))
FN(f_reshape, tg_reshape(x[0], TG_SHAPE(6)))
FN(f_transpose, tg_transpose(x[0], 0, 2))
FN(f_permute, tg_permute(x[0], (const int64_t[]){2, 0, 1}, 3))
FN(f_expand, tg_expand(x[0], TG_SHAPE(2, 3, 4)))
FN(f_expand_lead, tg_expand(x[0], TG_SHAPE(2, 3)))
FN(f_contiguous, tg_contiguous(x[0]))
FN(f_clone, tg_clone(x[0]))
FN(f_select, tg_select(x[0], 1, -1))
FN(f_select_0, tg_select(x[0], 0, 1))
FN(f_slice, tg_slice(x[0], 1, 1, 100, 2))
FN(f_slice_neg, tg_slice(x[0], -1, -3, -1, 1))
FN(f_unsqueeze, tg_unsqueeze(x[0], -1))
FN(f_squeeze_dim, tg_squeeze_dim(x[0], 1))
FN(f_squeeze_dim_noop, tg_squeeze_dim(x[0], 0))
/* Shape operations feeding a product, so their double backward meets x. */
FN(f_select_product, tg_mul(tg_select(x[0], 1, -1), tg_select(x[0], 1, 0)))
FN(f_slice_product, tg_mul(tg_slice(x[0], 1, 0, 4, 2), tg_slice(x[0], 1, 1, 4, 2)))
FN(f_expand_product, tg_mul(tg_expand(x[0], TG_SHAPE(2, 3, 4)),
                             tg_transpose(tg_expand(tg_transpose(x[0], 0, 1), TG_SHAPE(2, 4, 3)), 1, 2)))

FN(f_sum_0dim, tg_sum(x[0]))
FN(f_mean_dim_0dim, tg_mean_dim(x[0], (const int64_t[]){0}, 1, false))
FN(f_max_dim_0dim, tg_max_dim(x[0], 0, false, NULL))
FN(f_view_0dim, tg_view(x[0], TG_SHAPE(1, 1)))
FN(f_unsqueeze_0dim, tg_expand(tg_unsqueeze(x[0], 0), TG_SHAPE(2, 3)))
FN(f_select_to_0dim, tg_mul(tg_select(x[0], 0, 2), x[0]))
FN(f_slice_empty, tg_slice(x[0], 1, 2, 2, 1))
FN(f_expand_minus_one, tg_expand(x[0], TG_SHAPE(2, -1, 4)))
FN(f_permute_negative, tg_permute(x[0], (const int64_t[]){-1, 0, -2}, 3))

FN(f_matmul, tg_matmul(x[0], x[1]))
FN(f_matmul_expanded, tg_matmul(tg_expand(x[0], TG_SHAPE(2, 3, 4)), x[1]))
FN(f_matmul_permuted, tg_matmul(tg_permute(x[0], (const int64_t[]){1, 0, 2}, 3), x[1]))
FN(f_matmul_self, tg_matmul(x[0], tg_transpose(x[0], 0, 1)))

FN(f_to, tg_mul(tg_to(tg_sin(tg_to(x[0], TG_F32)), TG_F64), x[0]))

FN(f_bce, tg_binary_cross_entropy_with_logits(x[0], x[1]))
FN(f_mse, tg_mse_loss(x[0], x[1]))

/* In place on a non-leaf: x * 1 is a fresh result the operation may overwrite. */
static tg_tensor *copy_of(const tg_tensor *t) { return tg_mul_scalar(t, 1); }
FN(f_add_, tg_add_(copy_of(x[0]), x[1]))
FN(f_sub_, tg_sub_(copy_of(x[0]), x[1]))
FN(f_mul_, tg_mul_(copy_of(x[0]), x[1]))
FN(f_div_, tg_div_(copy_of(x[0]), x[1]))
FN(f_pow_, tg_pow_(copy_of(x[0]), x[1]))
FN(f_maximum_, tg_maximum_(copy_of(x[0]), x[1]))
FN(f_minimum_, tg_minimum_(copy_of(x[0]), x[1]))
FN(f_add_scalar_, tg_add_scalar_(copy_of(x[0]), 2.5))
FN(f_sub_scalar_, tg_sub_scalar_(copy_of(x[0]), 1.5))
FN(f_mul_scalar_, tg_mul_scalar_(copy_of(x[0]), -3))
FN(f_div_scalar_, tg_div_scalar_(copy_of(x[0]), 4))
FN(f_pow_scalar_, tg_pow_scalar_(copy_of(x[0]), 3))
FN(f_rsub_scalar_, tg_rsub_scalar_(copy_of(x[0]), 2))
FN(f_zero_, tg_add(tg_zero_(copy_of(x[0])), tg_mul(x[0], x[0])))
FN(f_fill_, tg_mul(tg_fill_(copy_of(x[0]), 2), x[0]))
FN(f_copy_, tg_mul(tg_copy_(copy_of(x[0]), x[1]), x[0]))
FN(f_inplace_chain, tg_mul_(tg_add_(tg_mul_scalar(x[0], 2), x[1]), x[1]))
FN(f_inplace_after_sin, tg_mul_(tg_sin(x[0]), x[1]))

/* A tensor that does not require grad, so only one operand needs a
   gradient: the operations save only what a needed gradient reads. */
static tg_tensor *constant(value_kind kind, const int64_t *shape, int ndim)
{
    double values[24];
    int64_t n = 1;
    for (int d = 0; d < ndim; d++) n *= shape[d];
    for (int64_t k = 0; k < n && k < 24; k++) values[k] = value(kind, 3, k);
    return n <= 24 ? tg_from_f64(values, shape, ndim) : NULL;
}
#define C3 constant(ANY, TG_SHAPE(3))
#define C23 constant(ANY, TG_SHAPE(2, 3))
#define CP3 constant(POSITIVE, TG_SHAPE(3))

FN(f_add_c, tg_add(x[0], C3))
FN(f_c_sub, tg_sub(C3, x[0]))
FN(f_mul_c, tg_mul(x[0], C3))
FN(f_c_mul, tg_mul(C23, x[0]))
FN(f_div_c, tg_div(x[0], CP3))
FN(f_c_div, tg_div(C3, x[0]))
FN(f_pow_c, tg_pow(x[0], C3))
FN(f_c_pow, tg_pow(CP3, x[0]))
FN(f_maximum_c, tg_maximum(x[0], C3))
FN(f_c_minimum, tg_minimum(C23, x[0]))
FN(f_c_where, tg_where(COND23, C3, x[0]))
FN(f_matmul_c, tg_matmul(x[0], constant(ANY, TG_SHAPE(3, 4))))
FN(f_c_matmul, tg_matmul(constant(ANY, TG_SHAPE(2, 4, 3)), x[0]))
FN(f_c_dot, tg_matmul(constant(ANY, TG_SHAPE(3)), x[0]))
FN(f_c_mv, tg_matmul(constant(ANY, TG_SHAPE(4, 3)), x[0]))
FN(f_bce_c, tg_binary_cross_entropy_with_logits(x[0], constant(PROBABILITY, TG_SHAPE(2, 3))))
FN(f_c_bce, tg_binary_cross_entropy_with_logits(C23, x[0]))
FN(f_mse_c, tg_mse_loss(x[0], C3))
FN(f_c_mse, tg_mse_loss(C23, x[0]))
/* in place on a tensor that does not require grad, with an operand that does */
FN(f_c_add_, tg_add_(C23, x[0]))
FN(f_c_mul_, tg_mul_(C23, x[0]))
FN(f_c_div_, tg_div_(C23, x[0]))
FN(f_c_pow_, tg_pow_(constant(POSITIVE, TG_SHAPE(2, 3)), x[0]))
FN(f_c_maximum_, tg_maximum_(C23, x[0]))
FN(f_mul_c_, tg_mul_(copy_of(x[0]), C3))
FN(f_div_c_, tg_div_(copy_of(x[0]), CP3))
FN(f_c_copy_, tg_mul(tg_copy_(C23, x[0]), C23))

/* In place on views of a non-leaf: the base gets a CopySlices history, the
   view an AsStridedBackward0 one. Each returns something of the base (or
   of the view) squared or multiplied, so second derivatives are not zero. */
static tg_tensor *f_view_mul_(tg_tensor *const *x, int n, void *ctx)
{
    (void)n; (void)ctx;
    tg_tensor *y = copy_of(x[0]);
    tg_mul_(tg_select(y, 0, 1), x[1]);
    return tg_mul(y, x[0]);
}
static tg_tensor *f_view_add_t(tg_tensor *const *x, int n, void *ctx)
{
    (void)n; (void)ctx;
    tg_tensor *y = copy_of(x[0]);
    tg_add_(tg_slice(tg_transpose(y, 0, 1), 0, 1, 3, 1), x[1]);
    return tg_mul(y, y);
}
static tg_tensor *f_view_copy_(tg_tensor *const *x, int n, void *ctx)
{
    (void)n; (void)ctx;
    tg_tensor *y = copy_of(x[0]);
    tg_copy_(tg_slice(y, 1, 0, 3, 2), x[1]);
    return tg_mul(y, y);
}
/* the view itself afterwards (AsStridedBackward0) */
static tg_tensor *f_view_after(tg_tensor *const *x, int n, void *ctx)
{
    (void)n; (void)ctx;
    tg_tensor *v = tg_select(copy_of(x[0]), 0, 0);
    tg_mul_(v, x[1]);
    return tg_mul(v, v);
}
/* zero_ and fill_ on views (PyTorch's backward fails after them on an
   expanded view), and an expanded view taken before them */
static tg_tensor *f_view_zero_expanded(tg_tensor *const *x, int n, void *ctx)
{
    (void)n; (void)ctx;
    tg_tensor *y = copy_of(x[0]);
    tg_zero_(tg_select(y, 0, 1));
    tg_tensor *e = tg_expand(tg_unsqueeze(tg_select(y, 0, 0), 0), TG_SHAPE(2, 3));
    tg_fill_(tg_slice(y, 1, 2, 3, 1), 1.5);
    /* e, taken before fill_, gets AsStridedBackward0 when used after it: its
       gradient sums over the expanded dim */
    return tg_add(tg_mul(y, y), tg_mul(e, e));
}
/* two in-place operations on views, one of them on a view of a view */
static tg_tensor *f_view_chain(tg_tensor *const *x, int n, void *ctx)
{
    (void)n; (void)ctx;
    tg_tensor *y = copy_of(x[0]);
    tg_tensor *v = tg_slice(y, 1, 1, 3, 1);
    tg_mul_(v, tg_slice(x[0], 1, 0, 2, 1));
    tg_add_(tg_select(v, 1, 0), x[1]);
    tg_pow_scalar_(v, 2);
    return tg_mul(y, x[0]);
}
/* a constant base: its view is written with an operand that requires grad */
static tg_tensor *f_c_view_mul_(tg_tensor *const *x, int n, void *ctx)
{
    (void)n; (void)ctx;
    tg_tensor *c = C23;
    tg_tensor *v = tg_select(c, 0, 1);
    tg_add_(v, x[0]);
    tg_mul_(v, x[0]);
    return tg_mul(c, c);
}

/* DESIGN.md's example: mean(3 (x + 2)^2). */
static tg_tensor *f_design(tg_tensor *const *x, int n, void *ctx)
{
    (void)n;
    (void)ctx;
    tg_tensor *y = tg_add_scalar(x[0], 2);
    return tg_mean(tg_mul_scalar(tg_mul(y, y), 3));
}

FN(f_unused_input, tg_sin(x[0]))
FN(f_identity, x[0])
/* unpack_dual's primal, a view of its argument ("Identity") */
static tg_tensor *f_unpack_dual(tg_tensor *const *x, int n, void *ctx)
{
    (void)n, (void)ctx;
    if (tg_fwad_enter_dual_level()) return NULL;
    tg_tensor *primal = tg_unpack_dual(tg_make_dual(tg_mul(x[0], x[0]), tg_ones_like(x[0])), NULL);
    return tg_fwad_exit_dual_level() ? NULL : primal;
}

/* functions: elementwise functions and activations */
/* acosh on (1.5, 3), inside its domain */
FN(f_acosh, tg_acosh(tg_add_scalar(x[0], 1)))
/* inputs in (0.1, 0.9): inside the domains of asin, acos, atanh and erfinv,
   away from tan's poles */
#define PR23T IN(2, S(2, 3), PROBABILITY, true)
FN(f_softplus, tg_softplus(x[0], 1, 20))
FN(f_softplus_beta, tg_softplus(x[0], 2, 20))
FN(f_leaky_relu, tg_leaky_relu(x[0], 0.2))
FN(f_elu, tg_elu(x[0], 0.5))
FN(f_celu, tg_celu(x[0], 2))
FN(f_hardtanh, tg_hardtanh(x[0], -2, 2))
/* in-place twins: the result saved (exp_, leaky_relu_, elu_, celu_) or the
   old value read (sin_, gelu_) */
FN(f_exp_, tg_exp_(copy_of(x[0])))
FN(f_sin_, tg_sin_(copy_of(x[0])))
FN(f_gelu_, tg_gelu_(copy_of(x[0])))
FN(f_leaky_relu_, tg_leaky_relu_(copy_of(x[0]), 0.2))
FN(f_elu_, tg_elu_(copy_of(x[0]), 0.5))
FN(f_selu_, tg_selu_(copy_of(x[0])))
FN(f_celu_, tg_celu_(copy_of(x[0]), 2))
FN(f_hardtanh_, tg_hardtanh_(copy_of(x[0]), -2, 2))
/* asinh_, acosh_ and atanh_ have no derivative (PyTorch's error, compared
   by the oracle): the node is made, the check runs on the copy before it. */
static tg_tensor *f_no_derivative_(tg_tensor *const *x, int n, void *ctx)
{
    (void)n;
    (void)ctx;
    tg_tensor *c = copy_of(x[0]);
    return tg_asinh_(tg_clone(c)) && tg_atanh_(tg_clone(c)) && tg_acosh_(tg_add_scalar(c, 1)) ? c : NULL;
}
/* hardsigmoid's derivative has no derivative (PyTorch's error, compared by
   the oracle, as are its first derivatives): its nodes are made, with
   create_graph, and the check runs on the copy of x. */
static tg_tensor *f_hardsigmoid(tg_tensor *const *x, int n, void *ctx)
{
    (void)n;
    (void)ctx;
    tg_tensor *c = copy_of(x[0]);
    bool made = false;
    TG_ENABLE_GRAD {
        tg_tensor *l = tg_requires_grad_(tg_detach(c), true), *g = NULL;
        tg_tensor *y = tg_sum(tg_hardsigmoid(l));
        tg_backward_opts create = {.retain_graph = true, .create_graph = true};
        made = y && tg_autograd_grad(&y, 1, &l, 1, NULL, create, &g) == 0 && tg_requires_grad(g);
    }
    return made ? c : NULL;
}

/* functions: reductions, sorting and scans */
FN(f_max_all, tg_max(x[0]))
FN(f_min_all, tg_min(x[0]))
FN(f_min_dim, tg_min_dim(x[0], -1, false, NULL))
FN(f_min_dim_keep, tg_min_dim(x[0], 0, true, NULL))
FN(f_amax, tg_amax(x[0], (const int64_t[]){0, 2}, 2, false))
FN(f_amax_all, tg_amax(x[0], NULL, 0, true))
FN(f_amin, tg_amin(x[0], (const int64_t[]){-1}, 1, true))
FN(f_prod, tg_prod(x[0]))
FN(f_prod_dim, tg_prod_dim(x[0], 1, false))
FN(f_prod_dim_keep, tg_prod_dim(x[0], 0, true))
/* zeros in the product take the products of the others */
#define ZEROS23 tg_from_f64((const double[]){1, 0, 1, 0, 1, 0}, TG_SHAPE(2, 3))
FN(f_prod_zero, tg_prod(tg_mul(x[0], ZEROS23)))
FN(f_prod_dim_zeros, tg_prod_dim(tg_mul(x[0], ZEROS23), 0, false))
FN(f_prod_dim_zero, tg_prod_dim(tg_mul(x[0], ZEROS23), 1, true))
FN(f_var, tg_var(x[0], (const int64_t[]){1}, 1, 1, false))
FN(f_var_all, tg_var(x[0], NULL, 0, 0, false))
FN(f_var_keep, tg_var(x[0], (const int64_t[]){0, -1}, 2, 2, true))
FN(f_std, tg_std(x[0], (const int64_t[]){0}, 1, 1, true))
FN(f_std_all, tg_std(x[0], NULL, 0, 1, false))
/* var and mean together, so both results' nodes carry gradient */
static tg_tensor *moments_sum(tg_tensor *(*f)(const tg_tensor *, const int64_t *, int, double, bool, tg_tensor **),
                              const tg_tensor *x, const int64_t *dims, int ndims)
{
    tg_tensor *m;
    tg_tensor *v = f(x, dims, ndims, 1, false, &m);
    return v ? tg_add(v, tg_mul(m, m)) : NULL;
}
FN(f_var_mean, moments_sum(tg_var_mean, x[0], (const int64_t[]){-1}, 1))
FN(f_var_mean_all, moments_sum(tg_var_mean, x[0], NULL, 0))
FN(f_std_mean, moments_sum(tg_std_mean, x[0], (const int64_t[]){0, 2}, 2))
FN(f_logsumexp, tg_logsumexp(x[0], (const int64_t[]){1}, 1, false))
FN(f_logsumexp_all, tg_logsumexp(x[0], NULL, 0, true))
FN(f_vector_norm_2, tg_vector_norm(x[0], 2, (const int64_t[]){-1}, 1, false))
FN(f_vector_norm_1, tg_vector_norm(x[0], 1, NULL, 0, false))
FN(f_vector_norm_inf, tg_vector_norm(x[0], INFINITY, (const int64_t[]){0}, 1, true))
FN(f_vector_norm_ninf, tg_vector_norm(x[0], -INFINITY, NULL, 0, false))
FN(f_vector_norm_3, tg_vector_norm(x[0], 3, (const int64_t[]){0, 1}, 2, false))
FN(f_vector_norm_1_5, tg_vector_norm(x[0], 1.5, (const int64_t[]){1}, 1, true))
FN(f_vector_norm_half, tg_vector_norm(x[0], 0.5, (const int64_t[]){1}, 1, false))
FN(f_vector_norm_neg, tg_vector_norm(x[0], -1.5, NULL, 0, false))
FN(f_cumsum, tg_cumsum(x[0], 1))
FN(f_cumsum_0dim, tg_cumsum(x[0], 0))
FN(f_cumprod, tg_cumprod(x[0], -1))
FN(f_cumprod_zeros, tg_cumprod(tg_mul(x[0], ZEROS23), 1))
FN(f_cumprod_zeros_0, tg_cumprod(tg_mul(x[0], ZEROS23), 0))
FN(f_cumsum_, tg_cumsum_(tg_mul_scalar(x[0], 1), 1))
FN(f_cumprod_, tg_cumprod_(tg_mul_scalar(x[0], 1), -1))
FN(f_sort, tg_sort(x[0], 1, false, NULL))
FN(f_sort_0dim, tg_sort(x[0], -1, false, NULL))
FN(f_sort_desc, tg_mul(tg_sort(x[0], 0, true, NULL), x[0]))
FN(f_topk, tg_topk(x[0], 2, -1, true, true, NULL))
FN(f_topk_smallest, tg_mul(tg_topk(x[0], 1, 0, false, true, NULL), tg_sum(x[0])))
/* the derivative of sort's derivative (a scatter) is a gather: a third
   derivative meets it (with grad mode on: gradcheck's finite differences
   turn it off) */
static tg_tensor *f_sort_grad(tg_tensor *const *x, int n, void *ctx)
{
    (void)n; (void)ctx;
    tg_tensor *g = NULL;
    TG_ENABLE_GRAD {
        tg_tensor *y = tg_sort(x[0], 1, true, NULL);
        tg_tensor *out = tg_sum(tg_mul(tg_mul(y, y), y));
        if (tg_autograd_grad(&out, 1, x, 1, NULL, (tg_backward_opts){.create_graph = true}, &g)) g = NULL;
    }
    return g;
}

/* functions: shape and joining */
FN(f_cat, tg_cat((const tg_tensor *[]){x[0], tg_transpose(x[1], 0, 1), x[0]}, 3, 1))
FN(f_cat_skip, tg_mul(tg_cat((const tg_tensor *[]){x[1], x[0], x[1], x[0]}, 4, 0), tg_cat((const tg_tensor *[]){x[0], x[0]}, 2, 0)))
FN(f_stack, tg_stack((const tg_tensor *[]){x[0], x[1], x[0]}, 3, 1))
FN(f_stack_product, tg_mul(tg_stack((const tg_tensor *[]){x[0], tg_sin(x[0])}, 2, -1), tg_stack((const tg_tensor *[]){x[0], x[0]}, 2, 2)))
FN(f_flatten, tg_flatten(x[0], 1, -1))
FN(f_unflatten, tg_unflatten(x[0], 1, (const int64_t[]){-1, 2}, 2))
FN(f_squeeze, tg_mul(tg_squeeze(x[0]), tg_squeeze(x[0])))
FN(f_narrow, tg_mul(tg_narrow(x[0], 1, 1, 2), tg_narrow(x[0], -1, 0, 2)))
FN(f_repeat, tg_mul(tg_repeat(x[0], (const int64_t[]){2, 1, 3}, 3), tg_repeat(x[0], (const int64_t[]){2, 1, 3}, 3)))
FN(f_tile, tg_tile(x[0], (const int64_t[]){2}, 1))
FN(f_flip, tg_mul(tg_flip(x[0], (const int64_t[]){0, -1}, 2), x[0]))
FN(f_roll, tg_mul(tg_roll(x[0], (const int64_t[]){1, -2}, (const int64_t[]){0, 1}, 2), x[0]))
FN(f_roll_flat, tg_mul(tg_roll(x[0], (const int64_t[]){4}, NULL, 1), x[0]))
FN(f_tril, tg_mul(tg_tril(x[0], 0), x[0]))
FN(f_triu, tg_mul(tg_triu(x[0], -1), x[0]))
FN(f_movedim, tg_movedim(x[0], 0, -1))
FN(f_movedim_0dim, tg_mul(tg_movedim(x[0], 0, 0), x[0]))
FN(f_diagonal, tg_mul(tg_diagonal(x[0], 1, 1, 0), tg_diagonal(x[0], -1, 0, 1)))
FN(f_diag_embed, tg_mul(tg_diag_embed(x[0], 1, 0, 2), tg_diag_embed(x[0], 1, 0, 2)))
/* in-place view operations on a non-leaf, then a product with x */
FN(f_t_, tg_mul(tg_t_(copy_of(x[0])), tg_t(x[0])))
FN(f_transpose_, tg_mul(tg_transpose_(copy_of(x[0]), 0, -1), tg_transpose(x[0], 0, -1)))
FN(f_squeeze_, tg_mul(tg_squeeze_(copy_of(x[0])), tg_squeeze(x[0])))
FN(f_squeeze_dim_, tg_mul(tg_squeeze_dim_(copy_of(x[0]), 1), tg_squeeze_dim(x[0], 1)))
FN(f_unsqueeze_, tg_mul(tg_unsqueeze_(copy_of(x[0]), 0), x[0]))
FN(f_tril_, tg_mul(tg_tril_(copy_of(x[0]), -1), x[0]))
static tg_tensor *f_triu_view(tg_tensor *const *x, int n, void *ctx)
{
    (void)n; (void)ctx;
    tg_tensor *y = copy_of(x[0]);
    tg_triu_(tg_slice(y, 1, 1, 4, 1), 0);
    return tg_mul(y, x[0]);
}
/* Several pieces used at once: their gradients sum into x. */
static tg_tensor *f_split(tg_tensor *const *x, int n, void *ctx)
{
    (void)n; (void)ctx;
    tg_tensor *p[3];
    if (tg_split(x[0], 2, 1, p, 3) != 3) return NULL;
    return tg_add(tg_mul(p[0], p[1]), tg_sum(tg_mul(p[2], p[2])));
}
static tg_tensor *f_chunk(tg_tensor *const *x, int n, void *ctx)
{
    (void)n; (void)ctx;
    tg_tensor *p[2];
    if (tg_chunk(x[0], 2, 0, p, 2) != 2) return NULL;
    return tg_mul(p[0], tg_sin(p[1]));
}
/* an empty dim in chunks (SplitWithSizesBackward0) beside a used x */
static tg_tensor *f_chunk_empty(tg_tensor *const *x, int n, void *ctx)
{
    (void)n; (void)ctx;
    tg_tensor *p[2];
    if (tg_chunk(tg_narrow(x[0], 1, 0, 0), 2, 1, p, 2) != 2) return NULL;
    return tg_add(tg_sum(p[1]), tg_mul(x[0], x[0]));
}
static tg_tensor *f_unbind(tg_tensor *const *x, int n, void *ctx)
{
    (void)n; (void)ctx;
    tg_tensor *p[3];
    if (tg_unbind(x[0], -1, p, 3) != 3) return NULL;
    return tg_add(tg_mul(p[0], p[2]), p[1]);
}

/* functions: indexing */
#define IX(shape, ...) tg_from_i64((const int64_t[]){__VA_ARGS__}, shape)
#define IX_SQ(y) tg_mul(y, y)
FN(f_index_select, tg_index_select(x[0], 1, IX(TG_SHAPE(4), 2, 0, 2, 1)))
FN(f_index_select_sq, IX_SQ(tg_index_select(x[0], 0, IX(TG_SHAPE(3), 1, 1, 0))))
FN(f_gather, tg_gather(x[0], 1, IX(TG_SHAPE(2, 2), 2, 2, 0, 1)))
FN(f_gather_sq, IX_SQ(tg_gather(x[0], 0, IX(TG_SHAPE(2, 3), 1, 0, 1, 1, 1, 0))))
FN(f_scatter, tg_scatter(x[0], 0, IX(TG_SHAPE(1, 3), 1, 0, 1), x[1]))
/* the gradient reaching ScatterBackward0 depends on x[0]: its double
   backward records ScatterBackward1 */
FN(f_scatter_mul, tg_mul(tg_scatter(x[0], 1, IX(TG_SHAPE(2, 1), 2, 0), x[1]), x[0]))
FN(f_scatter_add, tg_scatter_add(x[0], 1, IX(TG_SHAPE(2, 2), 2, 2, 0, 2), x[1]))
FN(f_scatter_add_mul, tg_mul(tg_scatter_add(x[0], 0, IX(TG_SHAPE(2, 3), 1, 1, 1, 0, 1, 1), x[1]), x[0]))
FN(f_index_add, tg_index_add(x[0], 1, IX(TG_SHAPE(2), 2, 2), x[1], 2.5))
FN(f_index_add_mul, tg_mul(tg_index_add(x[0], 0, IX(TG_SHAPE(3), 1, 0, 1), x[1], 1), x[0]))
FN(f_take_along_dim, IX_SQ(tg_take_along_dim(x[0], IX(TG_SHAPE(1, 3), 1, 0, 1), 0)))
FN(f_scatter_, tg_mul(tg_scatter_(copy_of(x[0]), 1, IX(TG_SHAPE(2, 1), 1, 2), x[1]), x[0]))
FN(f_scatter_add_, tg_mul(tg_scatter_add_(copy_of(x[0]), 1, IX(TG_SHAPE(2, 2), 0, 0, 2, 0), x[1]), x[0]))
FN(f_index_add_, tg_mul(tg_index_add_(copy_of(x[0]), 0, IX(TG_SHAPE(2), 1, 1), x[1], -1.5), x[0]))
static tg_tensor *ix_mask(void) { return tg_from_bool((const bool[]){true, false, true, true, true, false}, TG_SHAPE(2, 3)); }
#define SR_INDEX IX(TG_SHAPE(2, 3), 2, 0, 2, 1, 1, 1)
#define SR(r, inc) tg_mul(tg_scatter_reduce(x[0], 1, SR_INDEX, x[1], r, inc), x[0])
FN(f_scatter_reduce_sum, SR(TG_SCATTER_SUM, true))
FN(f_scatter_reduce_prod, SR(TG_SCATTER_PROD, true))
FN(f_scatter_reduce_prod_no_self, SR(TG_SCATTER_PROD, false))
FN(f_scatter_reduce_mean, SR(TG_SCATTER_MEAN, false))
FN(f_scatter_reduce_amax, SR(TG_SCATTER_AMAX, true))
FN(f_scatter_reduce_amin, SR(TG_SCATTER_AMIN, false))
FN(f_scatter_reduce_, tg_mul(tg_scatter_reduce_(copy_of(x[0]), 0, IX(TG_SHAPE(2, 3), 1, 0, 1, 1, 1, 0), x[1],
                                                TG_SCATTER_PROD, true), x[0]))
/* prod with two zeros of src at one position: the gradient for src is
   passed on by PyTorch's DelayedError node ("Error"), whose derivative
   fails (compared by the oracle); its node is made with create_graph, and
   the check runs on the copy of x. */
static tg_tensor *f_scatter_reduce_two_zeros(tg_tensor *const *x, int n, void *ctx)
{
    (void)n;
    (void)ctx;
    tg_tensor *c = copy_of(x[0]);
    bool made = false;
    TG_ENABLE_GRAD {
        tg_tensor *s = tg_requires_grad_(tg_zeros(TG_SHAPE(2), TG_F64), true), *g = NULL;
        tg_tensor *y = tg_sum(tg_scatter_reduce(tg_ones(TG_SHAPE(2), TG_F64), 0, IX(TG_SHAPE(2), 1, 1), s,
                                                TG_SCATTER_PROD, true));
        tg_backward_opts create = {.retain_graph = true, .create_graph = true};
        made = y && tg_autograd_grad(&y, 1, &s, 1, NULL, create, &g) == 0 && tg_requires_grad(g);
    }
    return made ? c : NULL;
}
FN(f_masked_select, IX_SQ(tg_masked_select(x[0], ix_mask())))
FN(f_masked_select_bcast, tg_masked_select(x[0], ix_mask()))

/* functions: pointwise binary operations, comparisons and clamp */
/* Bounds away from the values, so no element sits on a kink. Each result
   is multiplied by x so that the second derivative is not zero. */
FN(f_clamp, tg_mul(tg_clamp(x[0], -0.95, 1.05), x[0]))
FN(f_clamp_max_only, tg_mul(tg_clamp(x[0], NAN, 0.35), x[0]))
FN(f_clamp_min, tg_mul(tg_clamp_min(x[0], -0.35), x[0]))
FN(f_clamp_max, tg_mul(tg_clamp_max(x[0], 0.65), x[0]))
FN(f_clamp_, tg_mul(tg_clamp_(copy_of(x[0]), -0.95, 1.05), x[0]))
FN(f_clamp_min_, tg_mul(tg_clamp_min_(copy_of(x[0]), -0.35), x[0]))
FN(f_clamp_max_, tg_mul(tg_clamp_max_(copy_of(x[0]), 0.65), x[0]))
FN(f_masked_fill, tg_mul(tg_masked_fill(x[0], COND23, 0.5), x[1]))
FN(f_masked_fill_bcast, tg_mul(tg_masked_fill(x[0], COND23, -1), x[0]))
FN(f_masked_fill_, tg_mul(tg_masked_fill_(copy_of(x[0]), bools((const bool[]){true, false, true}, TG_SHAPE(3)), 2), x[0]))
FN(f_atan2, tg_atan2(x[0], x[1]))
FN(f_xlogy, tg_xlogy(x[0], x[1]))
FN(f_hypot, tg_hypot(x[0], x[1]))
FN(f_fmod, tg_mul(tg_fmod(x[0], x[1]), x[1]))
FN(f_remainder, tg_mul(tg_remainder(x[0], x[1]), x[1]))
FN(f_atan2_, tg_atan2_(copy_of(x[0]), x[1]))
FN(f_xlogy_, tg_xlogy_(copy_of(x[0]), x[1]))
FN(f_hypot_, tg_hypot_(copy_of(x[0]), x[1]))
FN(f_fmod_, tg_mul(tg_fmod_(copy_of(x[0]), x[1]), x[1]))
FN(f_remainder_, tg_mul(tg_remainder_(copy_of(x[0]), x[1]), x[1]))
FN(f_c_xlogy, tg_xlogy(C23, x[0]))
FN(f_xlogy_scalar, tg_mul(tg_xlogy_scalar(x[0], 2.5), x[0]))
FN(f_xlogy_scalar_small, tg_xlogy_scalar(x[0], 0.5))
FN(f_scalar_xlogy, tg_mul(tg_scalar_xlogy(1.5, x[0]), x[0]))
FN(f_xlogy_scalar_, tg_mul(tg_xlogy_scalar_(copy_of(x[0]), 2.5), x[0]))
FN(f_fmod_c, tg_fmod(x[0], CP3))
FN(f_fmod_scalar, tg_mul(tg_fmod_scalar(x[0], 0.7), x[0]))
FN(f_remainder_scalar, tg_mul(tg_remainder_scalar(x[0], -0.7), x[0]))
FN(f_fmod_scalar_, tg_mul(tg_fmod_scalar_(copy_of(x[0]), -0.7), x[0]))
FN(f_remainder_scalar_, tg_mul(tg_remainder_scalar_(copy_of(x[0]), 0.7), x[0]))
FN(f_lerp, tg_mul(tg_lerp(x[0], x[1], x[2]), x[2]))
FN(f_lerp_scalar, tg_mul(tg_lerp_scalar(x[0], x[1], 0.3), x[1]))
FN(f_addcmul, tg_addcmul(x[0], x[1], x[2], 1.5))
FN(f_addcdiv, tg_addcdiv(x[0], x[1], x[2], -0.5))
FN(f_nan_to_num, tg_mul(tg_nan_to_num(x[0], 0, NAN, NAN), x[0]))
FN(f_lerp_, tg_mul(tg_lerp_(copy_of(x[0]), x[1], x[2]), x[2]))
FN(f_lerp_scalar_, tg_mul(tg_lerp_scalar_(copy_of(x[0]), x[1], 0.7), x[1]))
FN(f_addcmul_, tg_addcmul_(copy_of(x[0]), x[1], x[2], 2))
FN(f_addcdiv_, tg_addcdiv_(copy_of(x[0]), x[1], x[2], 0.5))
FN(f_nan_to_num_, tg_mul(tg_nan_to_num_(copy_of(x[0]), 0, NAN, NAN), x[0]))
FN(f_c_addcmul, tg_addcmul(C23, x[0], C3, 1.5))
/* In-place comparisons: zero gradients, so x is added for a nonzero one. */
#define COMPARE_(name) \
    FN(f_##name##_, tg_add(tg_##name##_(copy_of(x[0]), x[1]), tg_mul(x[0], x[1]))) \
    FN(f_##name##_scalar_, tg_add(tg_##name##_scalar_(copy_of(x[0]), 0.1), tg_mul(x[0], x[0])))
COMPARE_(eq) COMPARE_(ne) COMPARE_(lt) COMPARE_(le) COMPARE_(gt) COMPARE_(ge)

/* functions: linear algebra, creation and random */
FN(f_mm, tg_mm(x[0], x[1]))
FN(f_bmm, tg_bmm(x[0], x[1]))
FN(f_mv, tg_mv(x[0], x[1]))
FN(f_dot, tg_dot(x[0], x[1]))
FN(f_outer, tg_outer(x[0], x[1]))
FN(f_addmm, tg_addmm(x[0], x[1], x[2], 1, 1))
FN(f_addmm_scaled, tg_addmm(x[0], x[1], x[2], 0.5, -2))
FN(f_addmm_beta0, tg_addmm(x[0], x[1], x[2], 0, 1))
FN(f_baddbmm, tg_baddbmm(x[0], x[1], x[2], 1, 1))
FN(f_baddbmm_scaled, tg_baddbmm(x[0], x[1], x[2], -1.5, 0.5))
/* Random draws made deterministic (p = 0, from = to, std = 0): their
   nodes pass no gradient. */
FN(f_bernoulli, tg_add(x[0], tg_bernoulli(tg_mul_scalar(x[0], 0))))
FN(f_uniform_, tg_mul(x[0], tg_uniform_(tg_mul_scalar(x[0], 1), 2, 2)))
FN(f_normal_, tg_mul(x[0], tg_normal_(tg_mul_scalar(x[0], 1), -3, 0)))
#define EINSUM(eq, ...) tg_einsum(eq, (const tg_tensor *[]){__VA_ARGS__}, (int)(sizeof((const tg_tensor *[]){__VA_ARGS__}) / sizeof(tg_tensor *)))
FN(f_einsum_mm, EINSUM("ij,jk->ik", x[0], x[1]))
FN(f_einsum_batched, EINSUM("...ij,...kj->...ik", x[0], x[1]))
FN(f_einsum_three, EINSUM("ij,jk,k->i", x[0], x[1], x[2]))
FN(f_einsum_diagonal, EINSUM("iji,j->ij", x[0], x[1]))
FN(f_einsum_trace_square, EINSUM("ii,ij->j", x[0], x[0]))
FN(f_einsum_sum, EINSUM("ijk->j", x[0]))

/* Custom functions (tg_function_apply): sin(x) w, and (x w, exp x) with
   a saved output, their backward written with operations (so their second
   derivatives go through the recorded backward). */
static int sin_mul_forward(tg_ctx *ctx, tg_tensor *const *in, int n_in, void *args, tg_tensor **out, int n_out)
{
    (void)n_in, (void)args, (void)n_out;
    out[0] = tg_mul(tg_sin(in[0]), in[1]);
    return tg_ctx_save_for_backward(ctx, in, 2);
}
static int sin_mul_backward(tg_ctx *ctx, tg_tensor *const *g, int n_out, tg_tensor **gi, int n_in)
{
    (void)n_out, (void)n_in;
    tg_tensor *x = tg_ctx_saved(ctx, 0), *w = tg_ctx_saved(ctx, 1);
    gi[0] = tg_mul(tg_mul(g[0], tg_cos(x)), w);
    gi[1] = tg_mul(g[0], tg_sin(x));
    return 2;
}
static int mul_exp_forward(tg_ctx *ctx, tg_tensor *const *in, int n_in, void *args, tg_tensor **out, int n_out)
{
    (void)n_in, (void)args, (void)n_out;
    out[0] = tg_mul(in[0], in[1]);
    out[1] = tg_exp(in[0]);
    return tg_ctx_save_for_backward(ctx, (tg_tensor *[]){in[0], in[1], out[1]}, 3);
}
static int mul_exp_backward(tg_ctx *ctx, tg_tensor *const *g, int n_out, tg_tensor **gi, int n_in)
{
    (void)n_out, (void)n_in;
    gi[0] = tg_add(tg_mul(g[0], tg_ctx_saved(ctx, 1)), tg_mul(g[1], tg_ctx_saved(ctx, 2)));
    gi[1] = tg_mul(g[0], tg_ctx_saved(ctx, 0));
    return 2;
}
static tg_tensor *f_custom_sin_mul(tg_tensor *const *x, int n, void *ctx)
{
    (void)n, (void)ctx;
    tg_tensor *y = NULL;
    tg_function_apply(&(tg_function_def){"SinMul", sin_mul_forward, sin_mul_backward}, x, 2, NULL, &y, 1);
    return y;
}
static tg_tensor *f_custom_two_outputs(tg_tensor *const *x, int n, void *ctx)
{
    (void)n, (void)ctx;
    tg_tensor *y[2] = {NULL, NULL};
    tg_function_apply(&(tg_function_def){"MulExp", mul_exp_forward, mul_exp_backward}, x, 2, NULL, y, 2);
    return tg_add(y[0], tg_mul(y[1], y[1]));
}

/* ---------------------------------------------------------- the table */

typedef struct gc_case {
    const char *name;
    tg_gradcheck_fn fn;
    int n;
    input_spec in[3];
    double eps, atol, rtol;   /* 0: gradcheck's defaults */
    tg_tensor *(*unary)(const tg_tensor *);   /* U cases: the function f_unary applies */
} gc_case;

/* A unary operation of the case (ctx) applied to its one input. */
static tg_tensor *f_unary(tg_tensor *const *x, int n, void *ctx)
{
    (void)n;
    const gc_case *c = ctx;
    return c->unary(x[0]);
}

#define S(...) {__VA_ARGS__}
/* an input: IN(ndim, shape, kind, transposed) */
#define IN(nd, shape, kind, t) {nd, shape, kind, t}
#define C1(name, fn, a) {name, fn, 1, {a}, 0, 0, 0, NULL}
#define C2(name, fn, a, b) {name, fn, 2, {a, b}, 0, 0, 0, NULL}
#define U(fn, a) {#fn, f_unary, 1, {a}, 0, 0, 0, fn}

/* The derivative of the case's activation at x[0] for upstream gradient
   x[1], made with create_graph (grad mode on: gradcheck's finite
   differences turn it off): the fused derivative's node
   (TanhBackwardBackward0, ...) checked in both inputs, to third order of
   the activation. */
static tg_tensor *f_derivative_of(tg_tensor *const *x, int n, void *ctx)
{
    (void)n;
    const gc_case *c = ctx;
    tg_tensor *g = NULL;
    TG_ENABLE_GRAD {
        tg_tensor *y = c->unary(x[0]);
        if (tg_autograd_grad(&y, 1, x, 1, &x[1], (tg_backward_opts){.create_graph = true}, &g)) g = NULL;
    }
    return g;
}
#define D(fn, a, b) {"derivative of " #fn, f_derivative_of, 2, {a, b}, 0, 0, 0, fn}

#define A23 IN(2, S(2, 3), ANY, false)
#define A23T IN(2, S(2, 3), ANY, true)
#define A3 IN(1, S(3), ANY, false)
#define A234 IN(3, S(2, 3, 4), ANY, false)
#define P23 IN(2, S(2, 3), POSITIVE, false)
#define P23T IN(2, S(2, 3), POSITIVE, true)
#define Z23T IN(2, S(2, 3), AWAY_FROM_ZERO, true)

/* Functions of the families below, each under its family's line. */
/* advanced indexing */
#define MASK23 tg_from_bool((const bool[]){true, false, true, true, false, false}, TG_SHAPE(2, 3))
FN(f_adv_index, IX_SQ(tg_index(x[0], TG_INDEX(TG_IDX_ALL, TG_IDX_T(IX(TG_SHAPE(3), 2, 0, -1))))))
FN(f_adv_index_mask, IX_SQ(tg_index(x[0], TG_INDEX(TG_IDX_T(MASK23)))))
FN(f_adv_index_mixed, IX_SQ(tg_index(x[0], TG_INDEX(TG_IDX_T(IX(TG_SHAPE(2, 1), 1, 0)), TG_IDX_SLICE(1, TG_END, 1),
                                                    TG_IDX_T(IX(TG_SHAPE(2), 3, 0))))))
FN(f_adv_index_put, tg_mul(tg_index_put(x[0], TG_INDEX(TG_IDX_T(IX(TG_SHAPE(2), 1, 0))), x[1], false), x[0]))
FN(f_adv_index_put_acc, tg_mul(tg_index_put(x[0], TG_INDEX(TG_IDX_T(IX(TG_SHAPE(3), 1, 0, 1)), TG_IDX_T(IX(TG_SHAPE(3), 2, 2, 0))),
                                            x[1], true), x[0]))
FN(f_adv_index_put_, tg_mul(tg_index_put_(copy_of(x[0]), TG_INDEX(TG_IDX_ALL, TG_IDX_T(IX(TG_SHAPE(2), 2, 0))), x[1], false), x[0]))
FN(f_adv_index_put_mask, tg_mul(tg_index_put_(copy_of(x[0]), TG_INDEX(TG_IDX_T(MASK23)), x[1], false), x[0]))

/* nn: softmax, linear, dropout, embedding, attention */
FN(f_linear, tg_linear(x[0], x[1], x[2]))
FN(f_linear_no_bias, tg_linear(x[0], x[1], NULL))
FN(f_bilinear, tg_bilinear(x[0], x[1], x[2], tg_from_f64((const double[]){0.5, -1}, TG_SHAPE(2))))
#define EMB_INDEX IX(TG_SHAPE(2, 3), 0, 3, 3, 1, 0, 3)
/* (padding_idx and scale_grad_by_freq change the gradient on purpose: the
   oracle compares them) */
FN(f_embedding_sq, IX_SQ(tg_embedding(EMB_INDEX, x[0])))
FN(f_cosine_similarity, tg_cosine_similarity(x[0], x[1], -1, 1e-8))
FN(f_pairwise_distance, tg_pairwise_distance(x[0], x[1], 2, 1e-6, false))
FN(f_pairwise_distance_p3, tg_pairwise_distance(x[0], x[1], 3, 1e-6, true))
FN(f_pairwise_distance_p1, tg_pairwise_distance(x[0], x[1], 1, 1e-6, false))
/* dropout with the same mask at every call: a generator seeded anew */
static tg_tensor *seeded_dropout(tg_tensor *(*f)(const tg_tensor *, double, bool, tg_generator *), const tg_tensor *x)
{
    tg_generator *gen = tg_generator_new(5);
    tg_tensor *y = gen ? f(x, 0.4, true, gen) : NULL;
    tg_generator_free(gen);
    return y;
}
FN(f_dropout, seeded_dropout(tg_dropout_gen, x[0]))
FN(f_dropout2d, seeded_dropout(tg_dropout2d_gen, x[0]))
FN(f_sdpa, tg_scaled_dot_product_attention(x[0], x[1], x[2], NULL, 0, false))
FN(f_sdpa_causal, tg_scaled_dot_product_attention(x[0], x[1], x[2], NULL, 0, true))
FN(f_sdpa_mask, tg_scaled_dot_product_attention(x[0], x[1], x[2], tg_from_f64((const double[]){0.5, -1, 0, 2}, TG_SHAPE(2, 2)), 0, false))

/* nn: losses */
FN(f_softmax, tg_softmax(x[0], 1))
FN(f_softmax_dim0, tg_softmax(x[0], -2))
FN(f_softmax_3d, tg_softmax(x[0], 1))
FN(f_softmax_0dim, tg_mul(tg_softmax(x[0], 0), x[0]))
FN(f_log_softmax, tg_log_softmax(x[0], -1))
FN(f_log_softmax_dim0, tg_log_softmax(x[0], 0))
FN(f_log_softmax_3d, tg_log_softmax(x[0], 0))
FN(f_log_softmax_0dim, tg_mul(tg_log_softmax(x[0], -1), x[0]))
static tg_ce_opts ce_opts(const tg_tensor *weight, int64_t ignore_index, double smoothing, tg_reduction r)
{
    tg_ce_opts o = tg_ce_defaults();
    o.weight = weight, o.ignore_index = ignore_index, o.label_smoothing = smoothing, o.reduction = r;
    return o;
}
#define T2 IX(TG_SHAPE(2), 0, 2)
FN(f_mse_sum, tg_mse_loss_ex(x[0], x[1], TG_SUM))
FN(f_mse_none, tg_mse_loss_ex(x[0], x[1], TG_NONE))
FN(f_l1_none, tg_l1_loss_ex(x[0], x[1], TG_NONE))
FN(f_smooth_l1, tg_smooth_l1_loss(x[0], x[1], TG_MEAN, 0.75))   /* |x - y| = 1 at two elements */
FN(f_smooth_l1_none, tg_smooth_l1_loss(x[0], x[1], TG_NONE, 0.5))
FN(f_smooth_l1_beta0, tg_smooth_l1_loss(x[0], x[1], TG_SUM, 0))
FN(f_huber, tg_huber_loss(x[0], x[1], TG_MEAN, 0.75))
FN(f_huber_none, tg_huber_loss(x[0], x[1], TG_NONE, 0.5))
FN(f_bce_prob, tg_binary_cross_entropy_ex(x[0], x[1], CP3, TG_MEAN))
FN(f_bce_prob_none, tg_binary_cross_entropy_ex(x[0], x[1], NULL, TG_NONE))
FN(f_bce_logits_weights, tg_binary_cross_entropy_with_logits_ex(x[0], x[1], CP3, CP3, TG_SUM))
FN(f_kl_batchmean, tg_kl_div(x[0], x[1], TG_BATCHMEAN, false))
FN(f_kl_log_target, tg_kl_div(x[0], x[1], TG_NONE, true))
FN(f_margin, tg_margin_ranking_loss(x[0], x[1], tg_sign(C23), 0.5, TG_MEAN))
FN(f_nll, tg_nll_loss(x[0], T2))
FN(f_nll_weight_none, tg_nll_loss_ex(x[0], IX(TG_SHAPE(2), 0, 1), ce_opts(CP3, 1, 0, TG_NONE)))
FN(f_nll_2d, tg_nll_loss(x[0], IX(TG_SHAPE(2, 1, 2), 0, 2, 1, 1)))
FN(f_cross_entropy, tg_cross_entropy(x[0], T2))
FN(f_cross_entropy_3d, tg_cross_entropy(x[0], IX(TG_SHAPE(2, 2), 0, 2, 1, 1)))
FN(f_cross_entropy_smooth, tg_cross_entropy_ex(x[0], T2, ce_opts(CP3, -100, 0.2, TG_MEAN)))
FN(f_cross_entropy_smooth_1d, tg_cross_entropy_ex(x[0], IX(TG_SHAPE(), 1), ce_opts(NULL, -100, 0.3, TG_SUM)))
FN(f_cross_entropy_prob, tg_cross_entropy_ex(x[0], x[1], ce_opts(NULL, -100, 0.1, TG_MEAN)))

/* nn: normalisation */
FN(f_layer_norm, tg_layer_norm(x[0], (const int64_t[]){3}, 1, x[1], x[2], 1e-5))
FN(f_layer_norm_2d, tg_layer_norm(x[0], (const int64_t[]){3, 4}, 2, NULL, NULL, 1e-5))
FN(f_layer_norm_weight, tg_layer_norm(x[0], (const int64_t[]){4}, 1, x[1], NULL, 1e-3))
FN(f_group_norm, tg_group_norm(x[0], 2, x[1], x[2], 1e-5))
FN(f_group_norm_plain, tg_group_norm(x[0], 3, NULL, NULL, 1e-5))
FN(f_rms_norm, tg_rms_norm(x[0], (const int64_t[]){3}, 1, x[1], 1e-6))
FN(f_rms_norm_default_eps, tg_rms_norm(x[0], (const int64_t[]){3, 4}, 2, NULL, NAN))
FN(f_group_norm_channels_last, tg_group_norm(tg_permute(x[0], (const int64_t[]){0, 3, 1, 2}, 4), 2, x[1], NULL, 1e-5))
FN(f_batch_norm_channels_last, tg_batch_norm(tg_permute(x[0], (const int64_t[]){0, 3, 1, 2}, 4), NULL, NULL, x[1], NULL,
                                             true, 0.1, 1e-5))
FN(f_batch_norm, tg_batch_norm(x[0], NULL, NULL, x[1], x[2], true, 0.1, 1e-5))
FN(f_batch_norm_3d, tg_batch_norm(x[0], NULL, NULL, NULL, NULL, true, 0.1, 1e-5))
FN(f_batch_norm_eval, tg_batch_norm(x[0], constant(ANY, TG_SHAPE(3)), constant(POSITIVE, TG_SHAPE(3)), x[1], x[2],
                                    false, 0.1, 1e-5))

/* nn: convolution, unfold and fold */
FN(f_conv2d, tg_conv2d(x[0], x[1], x[2], (tg_conv_opts){.stride = {2, 1}, .padding = {1, 0}, .dilation = {1, 2}}))
FN(f_conv2d_groups, tg_conv2d(x[0], x[1], NULL, (tg_conv_opts){.groups = 2}))
FN(f_conv2d_same, tg_conv2d(x[0], x[1], x[2], (tg_conv_opts){.padding_same = true}))
FN(f_conv2d_unbatched, tg_conv2d(x[0], x[1], NULL, (tg_conv_opts){.padding = {1, 1}}))
FN(f_conv1d, tg_conv1d(x[0], x[1], x[2], (tg_conv_opts){.stride = {2}, .padding = {1}}))
FN(f_conv_transpose2d, tg_conv_transpose2d(x[0], x[1], x[2],
                                           (tg_conv_transpose_opts){.stride = {2, 2}, .padding = {1, 0}, .output_padding = {1, 1}}))
FN(f_conv_transpose2d_groups, tg_conv_transpose2d(x[0], x[1], NULL, (tg_conv_transpose_opts){.groups = 2}))
FN(f_conv_transpose2d_dilated, tg_conv_transpose2d(x[0], x[1], NULL,
                                                   (tg_conv_transpose_opts){.dilation = {2, 2}, .output_padding = {1, 1}}))
FN(f_unfold, tg_unfold(x[0], (tg_fold_opts){.kernel_size = {2, 2}, .padding = {1, 0}, .stride = {2, 1}}))
FN(f_fold, tg_fold(x[0], (const int64_t[]){3, 4}, (tg_fold_opts){.kernel_size = {2, 2}}))

/* nn: pooling, padding and resampling */
#define POOL(...) ((tg_pool_opts){__VA_ARGS__})
FN(f_max_pool2d, tg_max_pool2d(x[0], POOL(.kernel_size = {2, 3}, .stride = {1, 2}, .padding = {1, 1})))
FN(f_max_pool2d_dilated, tg_max_pool2d(x[0], POOL(.kernel_size = {2, 2}, .dilation = {2, 1}, .ceil_mode = true)))
FN(f_max_pool1d, tg_max_pool1d(x[0], POOL(.kernel_size = {3}, .stride = {2}, .padding = {1})))
FN(f_avg_pool2d, tg_avg_pool2d(x[0], POOL(.kernel_size = {3, 2}, .stride = {2, 1}, .padding = {1, 1}, .ceil_mode = true)))
FN(f_avg_pool2d_exclude, tg_avg_pool2d(x[0], POOL(.kernel_size = {3, 3}, .stride = {2, 2}, .padding = {1, 1},
                                                  .count_exclude_pad = true)))
FN(f_avg_pool2d_divisor, tg_avg_pool2d_ex(x[0], POOL(.kernel_size = {2, 3}, .stride = {1, 2}, .padding = {1, 1}), 5))
FN(f_adaptive_avg_pool2d, tg_adaptive_avg_pool2d(x[0], 3, 2))
FN(f_adaptive_max_pool2d, tg_adaptive_max_pool2d(x[0], 2, 3, NULL))
/* pooling is linear (piecewise for max): a square makes its second
   derivative meet x */
FN(f_avg_pool2d_sq, tg_avg_pool2d(tg_mul(x[0], x[0]), POOL(.kernel_size = {2, 2})))
#define PADS(...) (const int64_t[]){__VA_ARGS__}, (int)(sizeof((int64_t[]){__VA_ARGS__}) / sizeof(int64_t))
FN(f_pad_constant, tg_pad(x[0], PADS(1, -1, 2, 0), TG_PAD_CONSTANT, 0.5))
FN(f_pad_constant_sq, tg_pad(tg_mul(x[0], x[0]), PADS(1, 2), TG_PAD_CONSTANT, 0))
FN(f_reflection_pad1d, tg_pad(x[0], PADS(2, -1), TG_PAD_REFLECT, 0))
FN(f_reflection_pad2d, tg_pad(x[0], PADS(1, 2, 2, 1), TG_PAD_REFLECT, 0))
FN(f_reflection_pad3d, tg_pad(x[0], PADS(1, 1, 0, 1, 1, 0), TG_PAD_REFLECT, 0))
FN(f_replication_pad1d, tg_pad(x[0], PADS(3, -1), TG_PAD_REPLICATE, 0))
FN(f_replication_pad2d, tg_pad(x[0], PADS(1, 2, 3, 1), TG_PAD_REPLICATE, 0))
FN(f_replication_pad3d, tg_pad(x[0], PADS(1, 0, 2, 1, 1, 1), TG_PAD_REPLICATE, 0))
FN(f_pad_circular, tg_mul(tg_pad(x[0], PADS(2, -1, 1, 1), TG_PAD_CIRCULAR, 0), tg_pad(x[0], PADS(1, 0, 0, 2), TG_PAD_CIRCULAR, 0)))
#define RESIZE(t, mode, ac, ...) tg_interpolate((t), (const int64_t[]){__VA_ARGS__}, NULL, \
    (int)(sizeof((int64_t[]){__VA_ARGS__}) / sizeof(int64_t)), (mode), (ac))
FN(f_upsample_nearest1d, RESIZE(x[0], TG_INTERP_NEAREST, false, 7))
FN(f_upsample_nearest2d, tg_interpolate(x[0], NULL, (const double[]){1.5, 0.7}, 2, TG_INTERP_NEAREST, false))
/* 5-D inputs: a 4-D leaf with a batch dim put in front */
FN(f_upsample_nearest3d, RESIZE(tg_unsqueeze(x[0], 0), TG_INTERP_NEAREST, false, 3, 2, 4))
FN(f_upsample_linear1d, RESIZE(x[0], TG_INTERP_LINEAR, false, 6))
FN(f_upsample_bilinear2d, RESIZE(x[0], TG_INTERP_BILINEAR, true, 4, 5))
FN(f_upsample_bilinear2d_sq, RESIZE(tg_mul(x[0], x[0]), TG_INTERP_BILINEAR, false, 3, 2))
FN(f_upsample_trilinear3d, RESIZE(tg_unsqueeze(x[0], 0), TG_INTERP_TRILINEAR, false, 3, 4, 3))
FN(f_upsample_nearest_exact1d, RESIZE(x[0], TG_INTERP_NEAREST_EXACT, false, 3))
FN(f_upsample_nearest_exact2d, tg_interpolate(x[0], NULL, (const double[]){1.7}, 1, TG_INTERP_NEAREST_EXACT, false))
FN(f_upsample_nearest_exact3d, RESIZE(tg_unsqueeze(x[0], 0), TG_INTERP_NEAREST_EXACT, false, 3, 5, 2))

/* complex tensors made from real inputs (the complex-input cases are in
   test_gradcheck_complex.c) */
FN(f_complex_abs, tg_abs(tg_complex(x[0], x[1])))
FN(f_polar, tg_view_as_real(tg_polar(x[0], x[1])))
FN(f_angle, tg_angle(tg_complex(x[0], x[1])))
FN(f_conj, tg_view_as_real(tg_mul(tg_conj(tg_complex(x[0], x[1])), tg_complex(x[1], x[0]))))
FN(f_view_as_complex, tg_abs(tg_mul(tg_view_as_complex(x[0]), tg_view_as_complex(x[0]))))

static const gc_case CASES[] = {
    /* binary, broadcasting, non-contiguous */
    C2("add", f_add, A23T, A3),
    C2("add 0-dim", f_add, IN(0, S(0), ANY, false), A23T),
    C2("sub", f_sub, A23, IN(2, S(2, 1), ANY, false)),
    C2("mul", f_mul, IN(3, S(2, 1, 3), ANY, false), IN(2, S(4, 1), ANY, true)),
    C2("div", f_div, A23T, IN(1, S(3), POSITIVE, false)),
    C2("div by transposed", f_div, A3, P23T),
    C2("pow", f_pow, P23T, A3),
    C2("pow 0-dim exponent", f_pow, P23, IN(0, S(0), ANY, false)),
    C2("maximum", f_maximum, A23, A3),
    C2("minimum", f_minimum, A23T, A23),
    C1("add_scalar", f_add_scalar, A23T),
    C1("sub_scalar", f_sub_scalar, A23T),
    C1("mul_scalar", f_mul_scalar, A23T),
    C1("div_scalar", f_div_scalar, A23T),
    C1("pow_scalar 3", f_pow_scalar_3, A23T),
    C1("pow_scalar 0.5", f_pow_scalar_half, P23T),
    C1("pow_scalar -2", f_pow_scalar_neg, P23T),
    C1("pow_scalar 0", f_pow_scalar_0, A23),
    C1("rsub_scalar", f_rsub_scalar, A23T),
    /* unary on non-contiguous leaves */
    U(tg_neg, A23T),
    U(tg_exp, A23T),
    U(tg_expm1, A23T),
    U(tg_log, P23T),
    U(tg_sqrt, P23T),
    U(tg_abs, Z23T),
    U(tg_sin, A23T),
    U(tg_cos, A23T),
    U(tg_tanh, A23T),
    U(tg_sigmoid, A23T),
    D(tg_tanh, A23T, A23),
    D(tg_sigmoid, A23, A23T),
    U(tg_relu, Z23T),
    C1("sign * x", f_sign_times, Z23T),
    C2("where", f_where, A23, A3),
    C2("where broadcast cond", f_where_bcast, A23T, IN(0, S(0), ANY, false)),
    /* reductions */
    C1("sum", f_sum, A23T),
    C1("mean", f_mean, A23T),
    C1("sum_dim", f_sum_dim, A234),
    C1("sum_dim keepdim", f_sum_dim_keep, A234),
    C1("sum_dim all", f_sum_dim_all, A23T),
    C1("mean_dim", f_mean_dim, IN(3, S(2, 3, 4), ANY, true)),
    C1("mean_dim keepdim", f_mean_dim_keep, A234),
    C1("max_dim", f_max_dim, A234),
    C1("max_dim keepdim", f_max_dim_keep, A23T),
    C1("max_dim 1-D", f_max_dim_vector, IN(1, S(5), ANY, false)),
    C1("mean_dim all", f_mean_dim_all, A234),
    C1("norm", f_norm, A23T),
    C1("sum_dim of square", f_sum_dim_of_square, A23T),
    C1("mean_dim of exp", f_mean_dim_of_exp, A234),
    C1("design example", f_design, IN(2, S(2, 2), ANY, false)),
    /* shape */
    C1("view", f_view, A23),
    C1("view -1", f_view_infer, A234),
    C1("reshape (a view)", f_reshape, A23),
    C1("reshape (a copy)", f_reshape, A23T),
    C1("transpose", f_transpose, A234),
    C1("permute", f_permute, IN(3, S(2, 3, 4), ANY, true)),
    C1("expand", f_expand, IN(2, S(3, 1), ANY, false)),
    C1("expand leading", f_expand_lead, A3),
    C1("contiguous", f_contiguous, A23T),
    C1("clone", f_clone, A23T),
    C1("select", f_select, A234),
    C1("select transposed", f_select_0, A23T),
    C1("slice", f_slice, IN(2, S(2, 5), ANY, false)),
    C1("slice negative", f_slice_neg, A234),
    C1("unsqueeze", f_unsqueeze, A23T),
    C1("squeeze_dim", f_squeeze_dim, IN(3, S(2, 1, 3), ANY, false)),
    C1("squeeze_dim no-op", f_squeeze_dim_noop, A23),
    C1("select product", f_select_product, A234),
    C1("sum 0-dim", f_sum_0dim, IN(0, S(0), ANY, false)),
    C1("mean_dim 0-dim", f_mean_dim_0dim, IN(0, S(0), ANY, false)),
    C1("max_dim 0-dim", f_max_dim_0dim, IN(0, S(0), ANY, false)),
    C1("view 0-dim", f_view_0dim, IN(0, S(0), ANY, false)),
    C1("unsqueeze 0-dim", f_unsqueeze_0dim, IN(0, S(0), ANY, false)),
    C1("select to 0-dim", f_select_to_0dim, IN(1, S(4), ANY, false)),
    C1("slice empty", f_slice_empty, A23T),
    C1("expand -1", f_expand_minus_one, IN(3, S(1, 3, 1), ANY, false)),
    C1("permute negative dims", f_permute_negative, A234),
    C1("slice product", f_slice_product, IN(2, S(3, 4), ANY, true)),
    C1("expand product", f_expand_product, IN(2, S(3, 1), ANY, false)),
    /* matmul */
    C2("matmul 1-D . 1-D", f_matmul, IN(1, S(4), ANY, false), IN(1, S(4), ANY, false)),
    C2("matmul 2-D @ 1-D", f_matmul, IN(2, S(3, 4), ANY, true), IN(1, S(4), ANY, false)),
    C2("matmul 1-D @ 2-D", f_matmul, IN(1, S(4), ANY, false), IN(2, S(4, 3), ANY, true)),
    C2("matmul 2-D @ 2-D", f_matmul, IN(2, S(2, 4), ANY, true), IN(2, S(4, 3), ANY, false)),
    C2("matmul 3-D @ 2-D", f_matmul, IN(3, S(2, 3, 4), ANY, false), IN(2, S(4, 5), ANY, true)),
    C2("matmul 2-D @ 3-D", f_matmul, IN(2, S(3, 4), ANY, false), IN(3, S(2, 4, 5), ANY, false)),
    C2("matmul 3-D @ 3-D broadcast", f_matmul, IN(3, S(2, 3, 4), ANY, true), IN(3, S(1, 4, 2), ANY, false)),
    C2("matmul 4-D @ 3-D", f_matmul, IN(4, S(2, 1, 3, 4), ANY, false), IN(3, S(3, 4, 2), ANY, true)),
    C2("matmul 1-D @ 3-D", f_matmul, IN(1, S(4), ANY, false), IN(3, S(2, 4, 3), ANY, false)),
    C2("matmul 3-D @ 1-D", f_matmul, IN(3, S(2, 3, 4), ANY, true), IN(1, S(4), ANY, false)),
    C1("matmul x @ x^T", f_matmul_self, IN(2, S(3, 2), ANY, false)),
    C2("matmul expanded batch", f_matmul_expanded, IN(3, S(1, 3, 4), ANY, false), IN(2, S(4, 2), ANY, false)),
    C2("matmul permuted batch", f_matmul_permuted, IN(3, S(3, 2, 4), ANY, false), IN(3, S(2, 4, 5), ANY, true)),
    /* dtype round trip through f32: f32 rounding needs a wider step and tolerance */
    {"to f32 and back", f_to, 1, {A23T}, 1e-3, 1e-3, 1e-2, NULL},
    /* losses */
    C2("binary_cross_entropy_with_logits", f_bce, A23, IN(2, S(2, 3), PROBABILITY, false)),
    C2("binary_cross_entropy_with_logits transposed", f_bce, A23T, IN(2, S(2, 3), PROBABILITY, true)),
    C2("mse_loss", f_mse, A23T, A23),
    C2("mse_loss broadcast target", f_mse, A23, A3),
    C2("mse_loss broadcast input", f_mse, A3, A23T),
    C2("mse_loss broadcast both", f_mse, IN(2, S(2, 1), ANY, false), A3),
    /* in place on a non-leaf */
    C2("add_", f_add_, A23, A3),
    C2("sub_", f_sub_, A23T, A3),
    C2("mul_", f_mul_, A23, IN(2, S(1, 3), ANY, false)),
    C2("div_", f_div_, A23T, IN(1, S(3), POSITIVE, false)),
    C2("pow_", f_pow_, P23, A3),
    C2("maximum_", f_maximum_, A23T, A3),
    C2("minimum_", f_minimum_, A23, A23T),
    C1("add_scalar_", f_add_scalar_, A23T),
    C1("sub_scalar_", f_sub_scalar_, A23T),
    C1("mul_scalar_", f_mul_scalar_, A23T),
    C1("div_scalar_", f_div_scalar_, A23T),
    C1("pow_scalar_", f_pow_scalar_, A23T),
    C1("rsub_scalar_", f_rsub_scalar_, A23T),
    C1("zero_", f_zero_, A23T),
    C1("fill_", f_fill_, A23T),
    C2("copy_", f_copy_, A23, A3),
    C2("add_ then mul_", f_inplace_chain, A23T, A3),
    C2("mul_ on sin(x)", f_inplace_after_sin, A23, A23T),
    /* in place on views of a non-leaf (CopySlices) */
    C2("mul_ on a select", f_view_mul_, A23T, A3),
    C2("add_ on a slice of a transpose", f_view_add_t, A23, IN(1, S(2), ANY, false)),
    C2("copy_ on a strided slice", f_view_copy_, A23T, IN(2, S(2, 1), ANY, false)),
    C2("a view after mul_ on it", f_view_after, A23, A3),
    C1("zero_ and fill_ on views", f_view_zero_expanded, A23T),
    C2("in place on views, chained", f_view_chain, A23, IN(1, S(2), ANY, false)),
    C1("in place on a view of a constant", f_c_view_mul_, A3),
    /* one operand a constant */
    C1("add constant", f_add_c, A23T),
    C1("constant sub", f_c_sub, A23T),
    C1("mul constant", f_mul_c, A23T),
    C1("constant mul", f_c_mul, A3),
    C1("div constant", f_div_c, A23T),
    C1("constant div", f_c_div, P23T),
    C1("pow constant", f_pow_c, P23T),
    C1("constant pow", f_c_pow, A23T),
    C1("maximum constant", f_maximum_c, A23T),
    C1("constant minimum", f_c_minimum, A3),
    C1("where constant", f_c_where, A23T),
    C1("matmul constant", f_matmul_c, IN(2, S(2, 3), ANY, true)),
    C1("constant matmul", f_c_matmul, IN(2, S(3, 5), ANY, false)),
    C1("constant dot", f_c_dot, A3),
    C1("constant mv", f_c_mv, A3),
    C1("bce constant target", f_bce_c, A23T),
    C1("bce constant input", f_c_bce, IN(2, S(2, 3), PROBABILITY, true)),
    C1("mse constant target", f_mse_c, A23T),
    C1("mse constant input", f_c_mse, A3),
    C1("constant add_", f_c_add_, A3),
    C1("constant mul_", f_c_mul_, A3),
    C1("constant div_", f_c_div_, IN(1, S(3), POSITIVE, false)),
    C1("constant pow_", f_c_pow_, A3),
    C1("constant maximum_", f_c_maximum_, A23T),
    C1("mul_ constant", f_mul_c_, A23T),
    C1("div_ constant", f_div_c_, A23T),
    C1("constant copy_", f_c_copy_, A3),
    /* gradcheck's own corners */
    C2("unused input", f_unused_input, A23, A3),
    C1("identity", f_identity, A23T),
    C1("unpack_dual", f_unpack_dual, A23T),
    /* elementwise functions and activations */
    U(tg_log1p, P23T),
    U(tg_log2, P23T),
    U(tg_log10, P23T),
    U(tg_rsqrt, P23T),
    U(tg_reciprocal, P23T),
    U(tg_square, A23T),
    U(tg_tan, PR23T),
    U(tg_asin, PR23T),
    U(tg_acos, PR23T),
    U(tg_atan, A23T),
    U(tg_sinh, A23T),
    U(tg_cosh, A23T),
    U(tg_asinh, A23T),
    C1("acosh", f_acosh, P23T),
    U(tg_atanh, PR23T),
    U(tg_erf, A23T),
    U(tg_erfc, A23T),
    U(tg_erfinv, PR23T),
    U(tg_floor, A23T),
    U(tg_ceil, A23T),
    U(tg_round, A23T),
    U(tg_trunc, A23T),
    U(tg_frac, A23T),
    U(tg_gelu, A23T),
    U(tg_gelu_tanh, A23T),
    U(tg_silu, A23T),
    D(tg_gelu, A23T, A23),
    D(tg_gelu_tanh, A23, A23T),
    D(tg_silu, A23T, A23),
    D(tg_mish, A23, A23),
    U(tg_mish, A23T),
    U(tg_logsigmoid, A23T),
    C1("hardsigmoid (first order by the oracle)", f_hardsigmoid, A23T),
    U(tg_hardswish, A23T),
    C1("softplus", f_softplus, A23T),
    C1("softplus beta 2", f_softplus_beta, A23T),
    C1("leaky_relu", f_leaky_relu, Z23T),
    C1("elu", f_elu, Z23T),
    U(tg_selu, Z23T),
    C1("celu", f_celu, Z23T),
    C1("hardtanh", f_hardtanh, A23T),
    U(tg_relu6, Z23T),
    C1("exp_", f_exp_, A23T),
    C1("sin_", f_sin_, A23T),
    C1("gelu_", f_gelu_, A23T),
    C1("leaky_relu_", f_leaky_relu_, Z23T),
    C1("elu_", f_elu_, Z23T),
    C1("selu_", f_selu_, Z23T),
    C1("celu_", f_celu_, Z23T),
    C1("hardtanh_", f_hardtanh_, A23T),
    C1("asinh_ acosh_ atanh_", f_no_derivative_, PR23T),

    /* reductions, sorting and scans */
    C1("max", f_max_all, A23T),
    C1("max 0-dim", f_max_all, IN(0, S(0), ANY, false)),
    C1("min", f_min_all, A234),
    C1("min_dim", f_min_dim, A23T),
    C1("min_dim keepdim", f_min_dim_keep, A234),
    C1("amax", f_amax, IN(3, S(2, 3, 4), ANY, true)),
    C1("amax all", f_amax_all, A23T),
    C1("amin", f_amin, A234),
    C1("prod", f_prod, A23T),
    C1("prod 0-dim", f_prod, IN(0, S(0), ANY, false)),
    C1("prod_dim", f_prod_dim, A234),
    C1("prod_dim keepdim", f_prod_dim_keep, A23T),
    C1("prod_dim 1-D", f_prod_dim_keep, IN(1, S(5), ANY, false)),
    C1("prod one zero", f_prod_zero, IN(2, S(2, 3), ANY, false)),
    C1("prod_dim a zero per column", f_prod_dim_zeros, A23T),
    C1("prod_dim zeros in rows", f_prod_dim_zero, A23),
    C1("var", f_var, A23T),
    C1("var all", f_var_all, A234),
    C1("var keepdim correction 2", f_var_keep, IN(3, S(2, 3, 4), ANY, true)),
    C1("std", f_std, A23T),
    C1("std all", f_std_all, A234),
    C1("var_mean", f_var_mean, A23T),
    C1("var_mean all", f_var_mean_all, A23),
    C1("std_mean", f_std_mean, A234),
    C1("logsumexp", f_logsumexp, A23T),
    C1("logsumexp all", f_logsumexp_all, A234),
    C1("vector_norm 2", f_vector_norm_2, A23T),
    C1("vector_norm 1", f_vector_norm_1, Z23T),
    C1("vector_norm inf", f_vector_norm_inf, Z23T),
    C1("vector_norm -inf", f_vector_norm_ninf, Z23T),
    C1("vector_norm 3", f_vector_norm_3, IN(3, S(2, 3, 4), AWAY_FROM_ZERO, false)),
    C1("vector_norm 1.5", f_vector_norm_1_5, Z23T),
    C1("vector_norm 0.5", f_vector_norm_half, Z23T),
    C1("vector_norm -1.5", f_vector_norm_neg, Z23T),
    C1("cumsum", f_cumsum, A234),
    C1("cumsum 0-dim", f_cumsum_0dim, IN(0, S(0), ANY, false)),
    C1("cumprod", f_cumprod, IN(3, S(2, 3, 4), ANY, true)),
    C1("cumprod zeros", f_cumprod_zeros, A23T),
    C1("cumprod zeros along 0", f_cumprod_zeros_0, A23),
    C1("cumsum_", f_cumsum_, A234),
    C1("cumprod_", f_cumprod_, A23T),
    C1("sort", f_sort, A23T),
    C1("sort descending", f_sort_desc, A234),
    C1("sort 0-dim", f_sort_0dim, IN(0, S(0), ANY, false)),
    C1("topk", f_topk, IN(3, S(2, 3, 4), ANY, true)),
    C1("topk smallest", f_topk_smallest, A23T),
    C1("gradient of sort", f_sort_grad, A23T),

    /* shape and joining */
    C2("cat", f_cat, A23T, IN(2, S(2, 2), ANY, false)),
    C2("cat with (0,) skipped", f_cat_skip, A3, IN(1, S(0), ANY, false)),
    C2("stack", f_stack, A23T, A23),
    C1("stack product", f_stack_product, A23T),
    C1("flatten", f_flatten, IN(3, S(2, 3, 4), ANY, true)),
    C1("unflatten", f_unflatten, IN(2, S(3, 4), ANY, true)),
    C1("squeeze", f_squeeze, IN(3, S(1, 3, 1), ANY, false)),
    C1("narrow", f_narrow, A23T),
    C1("split", f_split, IN(2, S(2, 5), ANY, true)),
    C1("chunk", f_chunk, IN(2, S(4, 3), ANY, true)),
    C1("chunk of an empty dim", f_chunk_empty, A23),
    C1("unbind", f_unbind, A23T),
    C1("repeat", f_repeat, A23T),
    C1("tile", f_tile, A23T),
    C1("flip", f_flip, A23T),
    C1("roll", f_roll, A23T),
    C1("roll flat", f_roll_flat, A23T),
    C1("tril", f_tril, IN(2, S(3, 4), ANY, true)),
    C1("triu", f_triu, IN(3, S(2, 3, 4), ANY, false)),
    C1("movedim", f_movedim, A234),
    C1("movedim 0-dim", f_movedim_0dim, IN(0, S(0), ANY, false)),
    C1("diagonal", f_diagonal, IN(2, S(3, 3), ANY, true)),
    C1("diag_embed", f_diag_embed, A23T),
    C1("t_", f_t_, A23T),
    C1("transpose_", f_transpose_, A234),
    C1("squeeze_", f_squeeze_, IN(3, S(2, 1, 3), ANY, false)),
    C1("squeeze_dim_", f_squeeze_dim_, IN(3, S(2, 1, 3), ANY, false)),
    C1("unsqueeze_", f_unsqueeze_, A23T),
    C1("tril_", f_tril_, IN(2, S(3, 4), ANY, true)),
    C1("triu_ on a view", f_triu_view, IN(2, S(3, 4), ANY, false)),

    /* indexing */
    C1("index_select", f_index_select, A23T),
    C1("index_select squared", f_index_select_sq, A23T),
    C1("gather", f_gather, A23T),
    C1("gather squared", f_gather_sq, A23),
    C2("scatter", f_scatter, A23T, IN(2, S(1, 3), ANY, false)),
    C2("scatter times self", f_scatter_mul, A23T, IN(2, S(2, 1), ANY, false)),
    C2("scatter_add", f_scatter_add, A23T, IN(2, S(2, 2), ANY, true)),
    C2("scatter_add times self", f_scatter_add_mul, A23T, A23),
    C2("index_add alpha", f_index_add, A23T, IN(2, S(2, 2), ANY, false)),
    C2("index_add times self", f_index_add_mul, A23, IN(2, S(3, 3), ANY, true)),
    C1("take_along_dim", f_take_along_dim, A23T),
    C2("scatter_", f_scatter_, A23T, IN(2, S(2, 1), ANY, false)),
    C2("scatter_add_", f_scatter_add_, A23, IN(2, S(2, 2), ANY, false)),
    C2("index_add_", f_index_add_, A23T, IN(2, S(2, 3), ANY, false)),
    C2("scatter_reduce sum", f_scatter_reduce_sum, A23T, A23),
    C2("scatter_reduce prod", f_scatter_reduce_prod, Z23T, IN(2, S(2, 3), AWAY_FROM_ZERO, false)),
    C2("scatter_reduce prod without self", f_scatter_reduce_prod_no_self, A23, Z23T),
    C2("scatter_reduce mean without self", f_scatter_reduce_mean, A23T, A23T),
    C2("scatter_reduce amax", f_scatter_reduce_amax, A23, A23T),
    C2("scatter_reduce amin without self", f_scatter_reduce_amin, A23T, A23),
    C2("scatter_reduce_ prod", f_scatter_reduce_, Z23T, IN(2, S(2, 3), AWAY_FROM_ZERO, false)),
    C1("scatter_reduce prod two zeros (second order by the oracle)", f_scatter_reduce_two_zeros, A23),
    C1("masked_select squared", f_masked_select, A23T),
    C1("masked_select broadcast", f_masked_select_bcast, A3),

    /* pointwise binary operations, comparisons and clamp */
    C1("clamp", f_clamp, A23T),
    C1("clamp max only", f_clamp_max_only, A23),
    C1("clamp_min", f_clamp_min, A23T),
    C1("clamp_max", f_clamp_max, A23),
    C1("clamp_", f_clamp_, A23T),
    C1("clamp_min_", f_clamp_min_, A23),
    C1("clamp_max_", f_clamp_max_, A23T),
    C2("masked_fill", f_masked_fill, A23T, A3),
    C1("masked_fill broadcast", f_masked_fill_bcast, A3),
    C1("masked_fill_", f_masked_fill_, A23T),
    C2("atan2", f_atan2, A23T, A3),
    C2("xlogy", f_xlogy, A23T, IN(1, S(3), POSITIVE, false)),
    C2("hypot", f_hypot, A3, Z23T),
    C2("fmod", f_fmod, A23T, IN(1, S(3), POSITIVE, false)),
    C2("remainder", f_remainder, A23, P23T),
    C2("atan2_", f_atan2_, A23T, A3),
    C2("xlogy_", f_xlogy_, A23, P23T),
    C2("hypot_", f_hypot_, Z23T, A3),
    C2("fmod_", f_fmod_, A23, P23T),
    C2("remainder_", f_remainder_, A23T, IN(1, S(3), POSITIVE, false)),
    C1("constant xlogy", f_c_xlogy, IN(1, S(3), POSITIVE, false)),
    C1("xlogy_scalar", f_xlogy_scalar, A23T),
    C1("xlogy_scalar below 1", f_xlogy_scalar_small, A23),
    C1("scalar_xlogy", f_scalar_xlogy, P23T),
    C1("xlogy_scalar_", f_xlogy_scalar_, A23),
    C1("fmod constant", f_fmod_c, A23T),
    C1("fmod_scalar", f_fmod_scalar, A23T),
    C1("remainder_scalar", f_remainder_scalar, A23),
    C1("fmod_scalar_", f_fmod_scalar_, A23),
    C1("remainder_scalar_", f_remainder_scalar_, A23T),
    {"lerp", f_lerp, 3, {A23T, A3, IN(2, S(2, 1), ANY, false)}, 0, 0, 0, NULL},
    C2("lerp_scalar", f_lerp_scalar, A23, A3),
    {"addcmul", f_addcmul, 3, {A3, A23T, IN(2, S(2, 1), ANY, false)}, 0, 0, 0, NULL},
    {"addcdiv", f_addcdiv, 3, {A23T, A3, IN(2, S(2, 3), POSITIVE, false)}, 0, 0, 0, NULL},
    C1("nan_to_num", f_nan_to_num, A23T),
    {"lerp_", f_lerp_, 3, {A23, A3, IN(0, S(0), ANY, false)}, 0, 0, 0, NULL},
    C2("lerp_scalar_", f_lerp_scalar_, A23T, A23),
    {"addcmul_", f_addcmul_, 3, {A23T, A3, A23}, 0, 0, 0, NULL},
    {"addcdiv_", f_addcdiv_, 3, {A23, A23T, IN(1, S(3), POSITIVE, false)}, 0, 0, 0, NULL},
    C1("nan_to_num_", f_nan_to_num_, A23),
    C1("constant addcmul", f_c_addcmul, A3),
#define COMPARE_CASES(name) C2(#name "_", f_##name##_, A23T, A3), C1(#name "_scalar_", f_##name##_scalar_, A23)
    COMPARE_CASES(eq), COMPARE_CASES(ne), COMPARE_CASES(lt), COMPARE_CASES(le), COMPARE_CASES(gt), COMPARE_CASES(ge),

    /* linear algebra, creation and random */
    C2("mm", f_mm, IN(2, S(2, 4), ANY, true), IN(2, S(4, 3), ANY, false)),
    C2("mm column-major right", f_mm, IN(2, S(2, 4), ANY, false), IN(2, S(4, 3), ANY, true)),
    C2("bmm", f_bmm, IN(3, S(2, 3, 4), ANY, true), IN(3, S(2, 4, 2), ANY, false)),
    C2("mv", f_mv, IN(2, S(3, 4), ANY, true), IN(1, S(4), ANY, false)),
    C2("dot", f_dot, IN(1, S(4), ANY, false), IN(1, S(4), ANY, false)),
    C2("outer", f_outer, A3, IN(1, S(4), ANY, false)),
    {"addmm", f_addmm, 3, {A23, IN(2, S(2, 4), ANY, false), IN(2, S(4, 3), ANY, false)}, 0, 0, 0, NULL},
    {"addmm scaled, transposed", f_addmm_scaled, 3, {A3, IN(2, S(2, 4), ANY, true), IN(2, S(4, 3), ANY, true)}, 0, 0, 0, NULL},
    {"addmm beta 0", f_addmm_beta0, 3, {IN(2, S(2, 1), ANY, false), IN(2, S(2, 4), ANY, false), IN(2, S(4, 3), ANY, true)}, 0, 0, 0, NULL},
    {"baddbmm", f_baddbmm, 3, {IN(3, S(2, 3, 2), ANY, false), IN(3, S(2, 3, 4), ANY, true), IN(3, S(2, 4, 2), ANY, false)}, 0, 0, 0, NULL},
    C1("bernoulli", f_bernoulli, A23T),
    C1("uniform_", f_uniform_, A23T),
    C1("normal_", f_normal_, A23),
    C2("einsum ij,jk->ik", f_einsum_mm, A23T, IN(2, S(3, 4), ANY, false)),
    C2("einsum batched", f_einsum_batched, A234, IN(2, S(2, 4), ANY, true)),
    C2("custom function", f_custom_sin_mul, A23T, A3),
    C2("custom function, two outputs", f_custom_two_outputs, A23, IN(2, S(2, 3), ANY, true)),
    {"einsum three operands", f_einsum_three, 3, {A23, IN(2, S(3, 4), ANY, true), IN(1, S(4), ANY, false)}, 0, 0, 0, NULL},
    C2("einsum diagonal", f_einsum_diagonal, IN(3, S(2, 3, 2), ANY, false), A3),
    C1("einsum trace times itself", f_einsum_trace_square, IN(2, S(3, 3), ANY, true)),
    C1("einsum sum", f_einsum_sum, A234),
    {"baddbmm scaled, broadcast", f_baddbmm_scaled, 3, {IN(1, S(2), ANY, false), IN(3, S(2, 3, 4), ANY, false), IN(3, S(2, 4, 2), ANY, true)}, 0, 0, 0, NULL},

    /* advanced indexing */
    C1("index [:, idx]", f_adv_index, A23T),
    C1("index [mask]", f_adv_index_mask, A23T),
    C1("index [idx, 1:, idx]", f_adv_index_mixed, IN(3, S(2, 3, 4), ANY, false)),
    C2("index_put", f_adv_index_put, A23T, A3),
    C2("index_put accumulate", f_adv_index_put_acc, IN(2, S(2, 3), ANY, false), A3),
    C2("index_put_ [:, idx]", f_adv_index_put_, IN(2, S(3, 4), ANY, true), IN(2, S(3, 1), ANY, false)),
    C2("index_put_ [mask]", f_adv_index_put_mask, A23, A3),

    /* nn: softmax, linear, dropout, embedding, attention */
    {"linear", f_linear, 3, {IN(2, S(2, 4), ANY, true), IN(2, S(3, 4), ANY, false), A3}, 0, 0, 0, NULL},
    {"linear 3-D", f_linear, 3, {IN(3, S(2, 2, 4), ANY, false), IN(2, S(3, 4), ANY, true), A3}, 0, 0, 0, NULL},
    {"linear 3-D transposed", f_linear, 3, {IN(3, S(2, 2, 4), ANY, true), IN(2, S(3, 4), ANY, false), A3}, 0, 0, 0, NULL},
    C2("linear 1-D no bias", f_linear_no_bias, IN(1, S(4), ANY, false), IN(2, S(3, 4), ANY, false)),
    {"bilinear", f_bilinear, 3, {A23T, IN(2, S(2, 2), ANY, false), IN(3, S(2, 3, 2), ANY, false)}, 0, 0, 0, NULL},
    C1("embedding", f_embedding_sq, IN(2, S(4, 3), ANY, true)),
    C2("cosine_similarity", f_cosine_similarity, A23T, A3),
    C2("pairwise_distance", f_pairwise_distance, A23T, A3),
    C2("pairwise_distance p=3", f_pairwise_distance_p3, A23, IN(2, S(2, 3), ANY, true)),
    C2("pairwise_distance p=1", f_pairwise_distance_p1, Z23T, IN(1, S(3), POSITIVE, false)),
    C1("dropout", f_dropout, IN(2, S(4, 5), ANY, true)),
    C1("dropout2d", f_dropout2d, IN(4, S(2, 3, 2, 2), ANY, false)),
    {"scaled_dot_product_attention", f_sdpa, 3, {IN(3, S(2, 2, 3), ANY, false), IN(3, S(2, 4, 3), ANY, true), IN(3, S(2, 4, 2), ANY, false)}, 0, 0, 0, NULL},
    {"scaled_dot_product_attention causal", f_sdpa_causal, 3, {IN(2, S(3, 2), ANY, true), IN(2, S(3, 2), ANY, false), IN(2, S(3, 2), ANY, true)}, 0, 0, 0, NULL},
    {"scaled_dot_product_attention mask", f_sdpa_mask, 3, {IN(2, S(2, 3), ANY, false), IN(2, S(2, 3), ANY, false), IN(2, S(2, 2), ANY, true)}, 0, 0, 0, NULL},

    /* nn: losses */
    C1("softmax", f_softmax, A23T),
    C1("softmax dim 0", f_softmax_dim0, A23),
    C1("softmax 3-D", f_softmax_3d, A234),
    C1("softmax 0-dim", f_softmax_0dim, IN(0, S(0), ANY, false)),
    C1("log_softmax", f_log_softmax, A23T),
    C1("log_softmax dim 0", f_log_softmax_dim0, A23),
    C1("log_softmax 3-D", f_log_softmax_3d, A234),
    C1("log_softmax 0-dim", f_log_softmax_0dim, IN(0, S(0), ANY, false)),
    C2("mse_loss sum", f_mse_sum, A23T, A23),
    C2("mse_loss none", f_mse_none, A23, A3),
    C2("l1_loss none", f_l1_none, A23T, A23),
    C2("smooth_l1_loss", f_smooth_l1, A23T, A23),
    C2("smooth_l1_loss none", f_smooth_l1_none, A23, A3),
    C2("smooth_l1_loss beta 0", f_smooth_l1_beta0, A23, A23T),
    C2("huber_loss", f_huber, A23T, A23),
    C2("huber_loss none", f_huber_none, A23, A3),
    C2("binary_cross_entropy weight", f_bce_prob, IN(2, S(2, 3), PROBABILITY, true), IN(2, S(2, 3), PROBABILITY, false)),
    C2("binary_cross_entropy none", f_bce_prob_none, IN(2, S(2, 3), PROBABILITY, false), IN(2, S(2, 3), PROBABILITY, true)),
    C2("binary_cross_entropy_with_logits weights", f_bce_logits_weights, A23T, IN(2, S(2, 3), PROBABILITY, false)),
    C2("kl_div batchmean", f_kl_batchmean, A23T, IN(2, S(2, 3), PROBABILITY, false)),
    C2("kl_div log_target", f_kl_log_target, A23, A23T),
    C2("margin_ranking_loss", f_margin, A23T, A23),
    C1("nll_loss", f_nll, A23T),
    C1("nll_loss weight none", f_nll_weight_none, A23),
    C1("nll_loss 4-D", f_nll_2d, IN(4, S(2, 3, 1, 2), ANY, false)),
    C1("cross_entropy", f_cross_entropy, A23T),
    C1("cross_entropy 3-D", f_cross_entropy_3d, IN(3, S(2, 3, 2), ANY, true)),
    C1("cross_entropy smoothing", f_cross_entropy_smooth, A23),
    C1("cross_entropy smoothing 1-D", f_cross_entropy_smooth_1d, A3),
    C2("cross_entropy probabilities", f_cross_entropy_prob, A23T, IN(2, S(2, 3), PROBABILITY, false)),

    /* nn: normalisation */
    {"layer_norm", f_layer_norm, 3, {A23T, A3, A3}, 0, 0, 0, NULL},
    C1("layer_norm over two dims", f_layer_norm_2d, IN(3, S(2, 3, 4), ANY, true)),
    C2("layer_norm weight only", f_layer_norm_weight, A234, IN(1, S(4), ANY, false)),
    {"group_norm", f_group_norm, 3, {IN(3, S(2, 4, 3), ANY, true), IN(1, S(4), ANY, false), IN(1, S(4), ANY, false)},
     0, 0, 0, NULL},
    C1("group_norm without weight", f_group_norm_plain, IN(4, S(2, 3, 2, 2), ANY, false)),
    C2("rms_norm", f_rms_norm, A23T, A3),
    C1("rms_norm default eps", f_rms_norm_default_eps, A234),
    C2("group_norm channels-last", f_group_norm_channels_last, IN(4, S(2, 2, 1, 4), ANY, false),
       IN(1, S(4), ANY, false)),
    C2("batch_norm channels-last", f_batch_norm_channels_last, IN(4, S(2, 1, 2, 3), ANY, false), A3),
    {"batch_norm", f_batch_norm, 3, {IN(2, S(4, 3), ANY, true), A3, A3}, 0, 0, 0, NULL},
    C1("batch_norm over (N, C, L)", f_batch_norm_3d, IN(3, S(2, 3, 4), ANY, true)),
    {"batch_norm evaluation", f_batch_norm_eval, 3, {IN(3, S(2, 3, 2), ANY, false), A3, A3}, 0, 0, 0, NULL},

    /* nn: convolution, unfold and fold */
    {"conv2d", f_conv2d, 3, {IN(4, S(2, 2, 4, 4), ANY, true), IN(4, S(3, 2, 2, 2), ANY, false), A3}, 0, 0, 0, NULL},
    C2("conv2d groups", f_conv2d_groups, IN(4, S(1, 4, 3, 3), ANY, false), IN(4, S(4, 2, 2, 2), ANY, true)),
    {"conv2d same", f_conv2d_same, 3, {IN(4, S(1, 1, 3, 4), ANY, false), IN(4, S(2, 1, 2, 3), ANY, false), IN(1, S(2), ANY, false)}, 0, 0, 0, NULL},
    C2("conv2d unbatched", f_conv2d_unbatched, IN(3, S(2, 3, 3), ANY, false), IN(4, S(2, 2, 2, 2), ANY, false)),
    {"conv1d", f_conv1d, 3, {IN(3, S(2, 2, 5), ANY, true), IN(3, S(3, 2, 2), ANY, false), A3}, 0, 0, 0, NULL},
    {"conv_transpose2d", f_conv_transpose2d, 3, {IN(4, S(1, 2, 3, 3), ANY, false), IN(4, S(2, 2, 2, 2), ANY, true), IN(1, S(2), ANY, false)}, 0, 0, 0, NULL},
    C2("conv_transpose2d groups", f_conv_transpose2d_groups, IN(4, S(1, 4, 2, 2), ANY, false), IN(4, S(4, 1, 2, 2), ANY, false)),
    C2("conv_transpose2d output_padding above stride", f_conv_transpose2d_dilated, IN(4, S(1, 1, 2, 3), ANY, false), IN(4, S(1, 2, 2, 2), ANY, false)),
    C1("unfold", f_unfold, IN(4, S(1, 2, 3, 4), ANY, true)),
    C1("fold", f_fold, IN(3, S(1, 4, 6), ANY, true)),

    /* nn: pooling, padding and resampling */
    C1("max_pool2d", f_max_pool2d, IN(4, S(2, 2, 4, 5), ANY, true)),
    C1("max_pool2d dilated", f_max_pool2d_dilated, IN(3, S(2, 5, 4), ANY, false)),
    C1("max_pool1d", f_max_pool1d, IN(3, S(2, 3, 5), ANY, true)),
    C1("avg_pool2d", f_avg_pool2d, IN(4, S(1, 2, 5, 4), ANY, true)),
    C1("avg_pool2d exclude pad", f_avg_pool2d_exclude, IN(3, S(2, 5, 5), ANY, false)),
    C1("avg_pool2d of a square", f_avg_pool2d_sq, IN(3, S(2, 4, 4), ANY, false)),
    C1("avg_pool2d divisor_override", f_avg_pool2d_divisor, IN(3, S(2, 4, 5), ANY, true)),
    C1("adaptive_avg_pool2d", f_adaptive_avg_pool2d, IN(4, S(1, 2, 5, 4), ANY, true)),
    C1("adaptive_max_pool2d", f_adaptive_max_pool2d, IN(3, S(2, 5, 7), ANY, false)),
    C1("pad constant", f_pad_constant, IN(3, S(2, 3, 4), ANY, true)),
    C1("pad constant of a square", f_pad_constant_sq, A23T),
    C1("reflection_pad1d", f_reflection_pad1d, IN(3, S(2, 2, 4), ANY, true)),
    C1("reflection_pad2d", f_reflection_pad2d, IN(4, S(1, 2, 3, 4), ANY, true)),
    C1("reflection_pad3d", f_reflection_pad3d, IN(4, S(2, 2, 3, 3), ANY, false)),
    C1("replication_pad1d", f_replication_pad1d, IN(2, S(3, 4), ANY, true)),
    C1("replication_pad2d", f_replication_pad2d, IN(3, S(2, 3, 3), ANY, true)),
    C1("replication_pad3d", f_replication_pad3d, IN(4, S(1, 2, 3, 2), ANY, false)),
    C1("pad circular (composed)", f_pad_circular, IN(4, S(1, 2, 3, 3), ANY, true)),
    C1("upsample_nearest1d", f_upsample_nearest1d, IN(3, S(2, 2, 4), ANY, true)),
    C1("upsample_nearest2d", f_upsample_nearest2d, IN(4, S(1, 2, 3, 4), ANY, true)),
    C1("upsample_nearest3d", f_upsample_nearest3d, IN(4, S(2, 2, 2, 3), ANY, false)),
    C1("upsample_linear1d", f_upsample_linear1d, IN(3, S(2, 2, 4), ANY, true)),
    C1("upsample_bilinear2d", f_upsample_bilinear2d, IN(4, S(1, 2, 3, 4), ANY, true)),
    C1("upsample_bilinear2d of a square", f_upsample_bilinear2d_sq, IN(4, S(1, 1, 4, 3), ANY, false)),
    C1("upsample_trilinear3d", f_upsample_trilinear3d, IN(4, S(1, 2, 3, 2), ANY, false)),
    C1("upsample_nearest_exact1d", f_upsample_nearest_exact1d, IN(3, S(2, 2, 5), ANY, true)),
    C1("upsample_nearest_exact2d", f_upsample_nearest_exact2d, IN(4, S(1, 2, 3, 2), ANY, true)),
    C1("upsample_nearest_exact3d", f_upsample_nearest_exact3d, IN(4, S(1, 2, 3, 4), ANY, false)),
    C2("abs of complex", f_complex_abs, IN(1, S(4), AWAY_FROM_ZERO, false), IN(1, S(4), AWAY_FROM_ZERO, false)),
    C2("polar", f_polar, IN(1, S(4), POSITIVE, false), IN(1, S(4), ANY, false)),
    C2("angle", f_angle, IN(1, S(4), AWAY_FROM_ZERO, false), IN(1, S(4), AWAY_FROM_ZERO, false)),
    C2("conj", f_conj, A23T, A23T),
    C1("view_as_complex", f_view_as_complex, IN(2, S(3, 2), AWAY_FROM_ZERO, false)),
};

/* ------------------------------------------------------------ running */

typedef struct snapshot {
    double values[64];
    uint64_t version;
    const tg_tensor *grad;
} snapshot;

static void take_snapshot(const tg_tensor *t, snapshot *s)
{
    memset(s->values, 0, sizeof s->values);
    if (tg_numel(t) <= 64) tg_copy_to_f64(t, s->values);
    s->version = tg_version(t);
    s->grad = tg_grad(t);
}

static bool same_as_snapshot(const tg_tensor *t, const snapshot *s)
{
    snapshot now;
    take_snapshot(t, &now);
    return memcmp(now.values, s->values, sizeof now.values) == 0 && now.version == s->version &&
           now.grad == s->grad;
}

static void run_case(const gc_case *c)
{
    tg_scope_begin();
    tg_tensor *inputs[3] = {NULL, NULL, NULL};
    snapshot before[3];
    for (int i = 0; i < c->n; i++) {
        inputs[i] = make_input(&c->in[i], i);
        if (inputs[i]) take_snapshot(inputs[i], &before[i]);
    }
    tg_gradcheck_opts opts = {c->eps, c->atol, c->rtol, false};
    void *ctx = (void *)c;
    int first = tg_gradcheck(c->fn, inputs, c->n, ctx, opts);
    if (first) fprintf(stderr, "[%s] first order: %s\n", c->name, tg_last_error());
    CHECK(first == 0);
    opts.second_order = true;
    int second = tg_gradcheck(c->fn, inputs, c->n, ctx, opts);
    if (second) fprintf(stderr, "[%s] second order: %s\n", c->name, tg_last_error());
    CHECK(second == 0);
    bool untouched = true;
    for (int i = 0; i < c->n; i++) untouched = untouched && inputs[i] && same_as_snapshot(inputs[i], &before[i]);
    if (!untouched) fprintf(stderr, "[%s] an input changed\n", c->name);
    CHECK(untouched);
    tg_clear_error();
    tg_scope_end();
}

/* -------------------------------------------------- gradcheck failing */

FN(f_detached_factor, tg_mul(x[0], tg_detach(x[0])))
FN(f_no_history, tg_detach(tg_sin(x[0])))
/* x^2 / 2 written as d x - d^2 / 2 with d = detach(x): the value and the
   gradient (d = x) are right, but the gradient has no graph, so the second
   derivative comes out 0 instead of 1. */
static tg_tensor *f_wrong_second_derivative(tg_tensor *const *x, int n, void *ctx)
{
    (void)n;
    (void)ctx;
    tg_tensor *d = tg_detach(x[0]);
    return tg_sub(tg_mul(d, x[0]), tg_mul_scalar(tg_mul(d, d), 0.5));
}
FN(f_shape_error, tg_add(x[0], tg_ones(TG_SHAPE(4), TG_F64)))

static bool error_mentions(const char *text) { return strstr(tg_last_error(), text) != NULL; }

static void test_detects_wrong_gradients(void)
{
    tg_scope_begin();
    input_spec spec = A23;
    tg_tensor *x = make_input(&spec, 0);
    tg_gradcheck_opts first = {0}, second = {.second_order = true};

    CHECK(tg_gradcheck(f_detached_factor, &x, 1, NULL, first) == -1);
    CHECK(tg_last_status() == TG_E_AUTOGRAD);
    CHECK(error_mentions("input 0, element 0: analytic"));
    CHECK(error_mentions("numeric"));
    tg_clear_error();

    CHECK(tg_gradcheck(f_no_history, &x, 1, NULL, first) == -1);
    CHECK(tg_last_status() == TG_E_AUTOGRAD);
    CHECK(error_mentions("analytic 0, numeric"));
    tg_clear_error();

    CHECK(tg_gradcheck(f_wrong_second_derivative, &x, 1, NULL, first) == 0);
    CHECK(tg_gradcheck(f_wrong_second_derivative, &x, 1, NULL, second) == -1);
    CHECK(tg_last_status() == TG_E_AUTOGRAD);
    CHECK(error_mentions("second-order mismatch for the gradient of input 0 with respect to input 0, element 0"));
    tg_clear_error();

    /* A tolerance too tight for the f32 round trip fails; the case's own passes. */
    tg_tensor *t = make_input(&(input_spec)A23T, 0);
    CHECK(tg_gradcheck(f_to, &t, 1, NULL, (tg_gradcheck_opts){1e-6, 1e-9, 1e-9, false}) == -1);
    tg_clear_error();
    tg_scope_end();
}

static void test_rejects_bad_arguments(void)
{
    tg_scope_begin();
    input_spec spec = A23;
    tg_tensor *x = make_input(&spec, 0);
    tg_gradcheck_opts opts = {0};

    CHECK(tg_gradcheck(NULL, &x, 1, NULL, opts) == -1 && tg_last_status() == TG_E_NULL);
    tg_clear_error();
    CHECK(tg_gradcheck(f_sin, NULL, 1, NULL, opts) == -1 && tg_last_status() == TG_E_NULL);
    tg_clear_error();
    CHECK(tg_gradcheck(f_sin, &x, 0, NULL, opts) == -1 && tg_last_status() == TG_E_NULL);
    tg_clear_error();
    tg_tensor *none[1] = {NULL};
    CHECK(tg_gradcheck(f_sin, none, 1, NULL, opts) == -1 && tg_last_status() == TG_E_NULL);
    tg_clear_error();

    tg_tensor *f32 = tg_requires_grad_(tg_ones(TG_SHAPE(2), TG_F32), true);
    CHECK(tg_gradcheck(f_sin, &f32, 1, NULL, opts) == -1 && tg_last_status() == TG_E_DTYPE);
    tg_clear_error();
    tg_tensor *plain = tg_ones(TG_SHAPE(2), TG_F64);
    CHECK(tg_gradcheck(f_sin, &plain, 1, NULL, opts) == -1 && tg_last_status() == TG_E_AUTOGRAD);
    tg_clear_error();
    tg_tensor *non_leaf = tg_mul_scalar(x, 2);
    CHECK(tg_gradcheck(f_sin, &non_leaf, 1, NULL, opts) == -1 && tg_last_status() == TG_E_AUTOGRAD);
    tg_clear_error();
    CHECK(tg_gradcheck(f_sin, &x, 1, NULL, (tg_gradcheck_opts){-1, 0, 0, false}) == -1 &&
          tg_last_status() == TG_E_INVALID);
    tg_clear_error();

    /* f's own failure comes back with f's error. */
    CHECK(tg_gradcheck(f_shape_error, &x, 1, NULL, opts) == -1 && tg_last_status() == TG_E_SHAPE);
    tg_clear_error();
    tg_scope_end();
}

/* An accumulated .grad, the values and the version survive a check. */
static void test_keeps_existing_grad(void)
{
    tg_scope_begin();
    input_spec spec = A23T;
    tg_tensor *x = make_input(&spec, 0);
    CHECK(tg_backward(tg_sum(tg_mul(x, x)), NULL) == 0);
    snapshot before, grad_before;
    take_snapshot(x, &before);
    take_snapshot(tg_grad(x), &grad_before);
    CHECK(tg_gradcheck(f_tanh, &x, 1, NULL, (tg_gradcheck_opts){.second_order = true}) == 0);
    CHECK(same_as_snapshot(x, &before));
    CHECK(tg_grad(x) && same_as_snapshot(tg_grad(x), &grad_before));
    CHECK(tg_is_grad_enabled());
    tg_scope_end();
}

/* Every row of the operation table (src/ops.def) went through a check: a
   new operation without a gradcheck case fails here. */
static void test_table_is_covered(void)
{
    for (int op = 0; op < TG_OP_COUNT; op++) {
        bool covered = tg__nodes_created((tg_op)op) > 0;
        CHECK(covered);
        if (!covered) fprintf(stderr, "  no gradcheck case makes a %s node\n", tg__op_name((tg_op)op));
    }
}

int main(void)
{
    size_t n_cases = sizeof CASES / sizeof CASES[0];
    for (size_t i = 0; i < n_cases; i++) run_case(&CASES[i]);
    test_table_is_covered();
    test_detects_wrong_gradients();
    test_rejects_bad_arguments();
    test_keeps_existing_grad();
    printf("%zu operation cases\n", n_cases);
    return TEST_MAIN_END();
}
