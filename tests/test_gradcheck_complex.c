/* tg_gradcheck with complex128 inputs and outputs (Note [Complex
   gradcheck] in engine/gradcheck.c), first and second order: the
   conjugate Wirtinger derivatives of the operations that take complex
   tensors, checked against perturbations of real and imaginary parts. */
#include "harness.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* A complex128 leaf of n elements with distinct values away from zero and
   from the negative real axis (where log, sqrt and angle have cuts). */
static tg_tensor *complex_input(int64_t n, int i)
{
    double pairs[16];
    for (int64_t k = 0; k < n; k++) {
        double u = 0.1 + 0.25 * i + (double)k * 0.6180339887498949;
        u -= floor(u);
        pairs[2 * k] = 0.5 + u;                        /* real part in [0.5, 1.5) */
        pairs[2 * k + 1] = (k % 2 ? -1 : 1) * (0.2 + u);  /* imaginary part away from 0 */
    }
    return tg_requires_grad_(tg_from_c128(pairs, &n, 1), true);
}

#define FN(name, expr)                                                      \
    static tg_tensor *name(tg_tensor *const *x, int n, void *ctx)           \
    {                                                                       \
        (void)x; (void)n; (void)ctx;                                        \
        return (expr);                                                      \
    }

FN(f_add, tg_add(x[0], x[1]))
FN(f_sub, tg_sub(x[0], x[1]))
FN(f_mul, tg_mul(x[0], x[1]))
FN(f_div, tg_div(x[0], x[1]))
FN(f_neg, tg_neg(x[0]))
FN(f_exp, tg_exp(x[0]))
FN(f_log, tg_log(x[0]))
FN(f_sqrt, tg_sqrt(x[0]))
FN(f_sin, tg_sin(x[0]))
FN(f_cos, tg_cos(x[0]))
FN(f_abs, tg_abs(x[0]))
FN(f_angle, tg_angle(x[0]))
FN(f_real, tg_real(tg_mul(x[0], x[1])))
FN(f_imag, tg_imag(tg_mul(x[0], x[1])))
FN(f_conj, tg_conj(tg_mul(x[0], x[0])))
FN(f_view_as_real, tg_view_as_real(tg_mul(x[0], x[1])))
FN(f_sum, tg_sum(tg_mul(x[0], x[1])))
FN(f_mean, tg_mean(tg_mul(x[0], x[0])))
FN(f_cumsum, tg_cumsum(tg_mul(x[0], x[1]), 0))
FN(f_real_loss, tg_sum(tg_abs(tg_mul(x[0], tg_conj(x[1])))))
FN(f_mul_real, tg_mul(x[0], tg_real(x[1])))
FN(f_scalar_ops, tg_div_scalar(tg_add_scalar(tg_mul_scalar(x[0], 3), 1), 2))
FN(f_mm, tg_mm(tg_reshape(x[0], TG_SHAPE(2, 2)), tg_reshape(x[1], TG_SHAPE(2, 2))))
FN(f_mm_transposed, tg_mm(tg_transpose(tg_reshape(x[0], TG_SHAPE(2, 2)), 0, 1), tg_reshape(x[1], TG_SHAPE(2, 2))))
FN(f_bmm, tg_bmm(tg_reshape(x[0], TG_SHAPE(2, 1, 2)), tg_reshape(x[1], TG_SHAPE(2, 2, 1))))
FN(f_mv, tg_mv(tg_reshape(x[0], TG_SHAPE(2, 2)), tg_slice(x[1], 0, 0, 2, 1)))
FN(f_dot, tg_dot(x[0], x[1]))
FN(f_tan, tg_tan(x[0]))
FN(f_tanh, tg_tanh(x[0]))
FN(f_sigmoid, tg_sigmoid(x[0]))
FN(f_sinh, tg_sinh(x[0]))
FN(f_cosh, tg_cosh(x[0]))
FN(f_asin, tg_asin(tg_mul_scalar(x[0], 0.5)))
FN(f_acos, tg_acos(tg_mul_scalar(x[0], 0.5)))
FN(f_atan, tg_atan(x[0]))
FN(f_reciprocal, tg_reciprocal(x[0]))
FN(f_rsqrt, tg_rsqrt(x[0]))
FN(f_pow_scalar, tg_pow_scalar(x[0], 3))
FN(f_pow_negative, tg_pow_scalar(x[0], -1.5))
FN(f_to_c64_and_back, tg_to(tg_mul(tg_to(x[0], TG_C64), tg_to(x[0], TG_C64)), TG_C128))
/* reductions, scans, norms and moments */
FN(f_prod, tg_prod(tg_mul(x[0], x[1])))
FN(f_prod_dim, tg_prod_dim(tg_reshape(x[0], TG_SHAPE(2, 2)), 1, false))
FN(f_prod_zero, tg_prod(tg_mul(x[0], tg_from_c128((const double[]){1, 0, 0, 0, 1, 0, 1, 0}, TG_SHAPE(4)))))
FN(f_cumprod, tg_cumprod(tg_mul(x[0], x[1]), 0))
FN(f_cumprod_zero, tg_cumprod(tg_mul(x[0], tg_from_c128((const double[]){1, 0, 0, 0, 1, 0, 1, 0}, TG_SHAPE(4))), 0))
FN(f_sum_dim, tg_sum_dim(tg_reshape(tg_mul(x[0], x[1]), TG_SHAPE(2, 2)), (const int64_t[]){1}, 1, false))
FN(f_mean_dim, tg_mean_dim(tg_reshape(tg_mul(x[0], x[1]), TG_SHAPE(2, 2)), (const int64_t[]){0}, 1, true))
FN(f_norm, tg_norm(tg_mul(x[0], x[1])))
FN(f_vector_norm_1, tg_vector_norm(x[0], 1, NULL, 0, false))
FN(f_vector_norm_3, tg_vector_norm(x[0], 3, NULL, 0, false))
FN(f_vector_norm_half, tg_vector_norm(x[0], 0.5, NULL, 0, false))
FN(f_vector_norm_inf, tg_vector_norm(x[0], INFINITY, NULL, 0, false))
FN(f_vector_norm_dim, tg_vector_norm(tg_reshape(x[0], TG_SHAPE(2, 2)), 2, (const int64_t[]){1}, 1, false))
FN(f_var, tg_var(x[0], NULL, 0, 1, false))
FN(f_std_dim, tg_std(tg_reshape(x[0], TG_SHAPE(2, 2)), (const int64_t[]){0}, 1, 0, false))
/* pointwise and indexing */
FN(f_addcmul, tg_addcmul(x[0], x[1], x[0], -1.5))
FN(f_addcdiv, tg_addcdiv(x[0], x[1], x[0], 0.5))
FN(f_lerp, tg_lerp(x[0], x[1], tg_mul_scalar(x[0], 0.5)))
FN(f_lerp_scalar, tg_lerp_scalar(x[0], x[1], 0.75))
FN(f_masked_fill, tg_masked_fill(tg_mul(x[0], x[1]), tg_from_bool((const bool[]){true, false, false, true}, TG_SHAPE(4)), 2))
FN(f_where, tg_where(tg_from_bool((const bool[]){true, false, false, true}, TG_SHAPE(4)), x[0], tg_mul(x[1], x[1])))
FN(f_scatter, tg_scatter(tg_reshape(x[1], TG_SHAPE(2, 2)), 1, tg_from_i64((const int64_t[]){1, 0}, TG_SHAPE(2, 1)),
                         tg_reshape(tg_slice(x[0], 0, 0, 2, 1), TG_SHAPE(2, 1))))
FN(f_scatter_add, tg_scatter_add(tg_reshape(x[1], TG_SHAPE(2, 2)), 1, tg_from_i64((const int64_t[]){1, 1, 0, 0}, TG_SHAPE(2, 2)),
                                 tg_reshape(x[0], TG_SHAPE(2, 2))))
FN(f_gather, tg_gather(tg_reshape(tg_mul(x[0], x[1]), TG_SHAPE(2, 2)), 1, tg_from_i64((const int64_t[]){1, 1, 0, 1}, TG_SHAPE(2, 2))))
FN(f_index_add, tg_index_add(tg_reshape(x[0], TG_SHAPE(2, 2)), 0, tg_from_i64((const int64_t[]){1, 0}, TG_SHAPE(2)),
                             tg_reshape(tg_mul(x[0], x[1]), TG_SHAPE(2, 2)), 2))
FN(f_index_select, tg_index_select(tg_mul(x[0], x[1]), 0, tg_from_i64((const int64_t[]){3, 0, 3}, TG_SHAPE(3))))
FN(f_flip, tg_flip(tg_mul(x[0], x[1]), (const int64_t[]){0}, 1))
FN(f_roll, tg_roll(tg_mul(x[0], x[1]), (const int64_t[]){1}, NULL, 1))
FN(f_cat, tg_cat((const tg_tensor *[]){x[0], tg_mul(x[0], x[1])}, 2, 0))
FN(f_stack, tg_stack((const tg_tensor *[]){x[0], tg_mul(x[0], x[1])}, 2, 1))
/* elementwise functions */
FN(f_log2, tg_log2(x[0]))
FN(f_log10, tg_log10(x[0]))
FN(f_asinh, tg_asinh(x[0]))
FN(f_acosh, tg_acosh(tg_add_scalar(x[0], 1)))
FN(f_atanh, tg_atanh(tg_mul_scalar(x[0], 0.5)))
FN(f_square, tg_square(x[0]))
FN(f_pow, tg_pow(x[0], x[1]))
FN(f_pow_real_base, tg_pow(tg_from_f64((const double[]){1.5, 2, 0.5, 3}, TG_SHAPE(4)), x[0]))
FN(f_pow_half, tg_pow_scalar(x[0], 0.5))

typedef struct complex_case {
    const char *name;
    tg_gradcheck_fn fn;
    int n;
    double atol;   /* 0: gradcheck's default */
} complex_case;

static const complex_case CASES[] = {
    {"add", f_add, 2, 0}, {"sub", f_sub, 2, 0}, {"mul", f_mul, 2, 0}, {"div", f_div, 2, 0},
    {"neg", f_neg, 1, 0}, {"exp", f_exp, 1, 0}, {"log", f_log, 1, 0}, {"sqrt", f_sqrt, 1, 0},
    {"sin", f_sin, 1, 0}, {"cos", f_cos, 1, 0}, {"abs", f_abs, 1, 0}, {"angle", f_angle, 1, 0},
    {"real", f_real, 2, 0}, {"imag", f_imag, 2, 0}, {"conj", f_conj, 1, 0},
    {"view_as_real", f_view_as_real, 2, 0}, {"sum", f_sum, 2, 0}, {"mean", f_mean, 1, 0},
    {"cumsum", f_cumsum, 2, 0}, {"real loss", f_real_loss, 2, 0}, {"mul by a real part", f_mul_real, 2, 0},
    {"scalar operations", f_scalar_ops, 1, 0}, {"mm", f_mm, 2, 0}, {"mm transposed", f_mm_transposed, 2, 0},
    {"bmm", f_bmm, 2, 0}, {"mv", f_mv, 2, 0}, {"dot", f_dot, 2, 0},
    {"tan", f_tan, 1, 0}, {"tanh", f_tanh, 1, 0}, {"sigmoid", f_sigmoid, 1, 0}, {"sinh", f_sinh, 1, 0},
    {"cosh", f_cosh, 1, 0}, {"asin", f_asin, 1, 0}, {"acos", f_acos, 1, 0}, {"atan", f_atan, 1, 0},
    {"reciprocal", f_reciprocal, 1, 0}, {"rsqrt", f_rsqrt, 1, 0}, {"pow scalar", f_pow_scalar, 1, 0},
    {"pow negative scalar", f_pow_negative, 1, 0},
    {"prod", f_prod, 2, 0}, {"prod dim", f_prod_dim, 1, 0}, {"prod with a zero", f_prod_zero, 1, 0},
    {"cumprod", f_cumprod, 2, 0}, {"cumprod with a zero", f_cumprod_zero, 1, 0}, {"sum dim", f_sum_dim, 2, 0},
    {"mean dim", f_mean_dim, 2, 0}, {"norm", f_norm, 2, 0}, {"vector_norm 1", f_vector_norm_1, 1, 0},
    {"vector_norm 3", f_vector_norm_3, 1, 0}, {"vector_norm 0.5", f_vector_norm_half, 1, 0},
    {"vector_norm inf", f_vector_norm_inf, 1, 0}, {"vector_norm dim", f_vector_norm_dim, 1, 0},
    {"var", f_var, 1, 0}, {"std dim", f_std_dim, 1, 0},
    {"addcmul", f_addcmul, 2, 0}, {"addcdiv", f_addcdiv, 2, 0}, {"lerp", f_lerp, 2, 0},
    {"lerp scalar", f_lerp_scalar, 2, 0}, {"masked_fill", f_masked_fill, 2, 0}, {"where", f_where, 2, 0},
    {"scatter", f_scatter, 2, 0}, {"scatter_add", f_scatter_add, 2, 0}, {"gather", f_gather, 2, 0},
    {"index_add", f_index_add, 2, 0}, {"index_select", f_index_select, 2, 0}, {"flip", f_flip, 2, 0},
    {"roll", f_roll, 2, 0}, {"cat", f_cat, 2, 0}, {"stack", f_stack, 2, 0},
    {"log2", f_log2, 1, 0}, {"log10", f_log10, 1, 0}, {"asinh", f_asinh, 1, 0}, {"acosh", f_acosh, 1, 0},
    {"atanh", f_atanh, 1, 0}, {"square", f_square, 1, 0}, {"pow", f_pow, 2, 0},
    {"pow of a real base", f_pow_real_base, 1, 0}, {"pow 0.5", f_pow_half, 1, 0},
    /* complex64 rounding in the middle */
    {"through complex64", f_to_c64_and_back, 1, 1e-3},
};

static void run_case(const complex_case *c)
{
    tg_scope_begin();
    tg_tensor *inputs[2] = {complex_input(4, 0), complex_input(4, 1)};
    tg_gradcheck_opts opts = {.atol = c->atol, .rtol = c->atol ? 1e-2 : 0};
    if (c->atol) opts.eps = 1e-3;
    int first = tg_gradcheck(c->fn, inputs, c->n, NULL, opts);
    if (first) fprintf(stderr, "[%s] first order: %s\n", c->name, tg_last_error());
    CHECK(first == 0);
    opts.second_order = true;
    int second = tg_gradcheck(c->fn, inputs, c->n, NULL, opts);
    if (second) fprintf(stderr, "[%s] second order: %s\n", c->name, tg_last_error());
    CHECK(second == 0);
    tg_clear_error();
    tg_scope_end();
}

/* A gradient that misses a term is caught with complex inputs too: the
   value is real(x^2), the gradient conj(x) instead of 2 conj(x). */
FN(f_half_gradient, tg_real(tg_mul(x[0], tg_detach(x[0]))))

static void test_detects_a_wrong_complex_gradient(void)
{
    tg_scope_begin();
    tg_tensor *x = complex_input(3, 0);
    CHECK(tg_gradcheck(f_half_gradient, &x, 1, NULL, (tg_gradcheck_opts){0}) == -1);
    CHECK(strstr(tg_last_error(), "gradient mismatch for input 0") != NULL);
    tg_clear_error();
    tg_scope_end();
}

static void test_rejects_complex64(void)
{
    tg_scope_begin();
    tg_tensor *x = tg_requires_grad_(tg_zeros(TG_SHAPE(2), TG_C64), true);
    CHECK(tg_gradcheck(f_neg, &x, 1, NULL, (tg_gradcheck_opts){0}) == -1);
    CHECK(tg_last_status() == TG_E_DTYPE);
    tg_clear_error();
    tg_scope_end();
}

/* What PyTorch refuses for complex fails with its message; what it
   computes but this library not yet names the function. */
static void test_refuses_what_pytorch_refuses(void)
{
    tg_scope_begin();
    tg_tensor *z = complex_input(3, 0), *index = tg_zeros(TG_SHAPE(3), TG_I64);
    CHECK(tg_sort(z, 0, false, NULL) == NULL);
    CHECK_STR(tg_last_error(), "\"sorting_kernel_method_name\" not implemented for 'ComplexDouble'");
    CHECK(tg_max_dim(z, 0, false, NULL) == NULL);
    CHECK_STR(tg_last_error(), "max(): does not support complex input");
    CHECK(tg_amin(z, NULL, 0, false) == NULL);
    CHECK_STR(tg_last_error(), "\"min_values_cpu\" not implemented for 'ComplexDouble'");
    CHECK(tg_nan_to_num(z, 0, 0, 0) == NULL);
    CHECK(tg_scatter_reduce(z, 0, index, z, TG_SCATTER_AMAX, true) == NULL);
    CHECK_STR(tg_last_error(), "\"scatter_gather_tensor_cpu_reduce_amax\" not implemented for 'ComplexDouble'");
    CHECK(tg_last_status() == TG_E_DTYPE);
    tg_clear_error();
    tg_scope_end();
}

int main(void)
{
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) run_case(&CASES[i]);
    test_detects_a_wrong_complex_gradient();
    test_rejects_complex64();
    test_refuses_what_pytorch_refuses();
    return TEST_MAIN_END();
}
