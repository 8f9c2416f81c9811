/* torch.autograd.forward_ad in C: dual tensors through elementwise,
   binary, reduction, shape, matrix and nn operations (the primal and the
   tangent of each result), dual levels and their errors. Prints what
   forward_ad.py prints with PyTorch. */
#include <tensorgrad.h>

#include <stdio.h>

#include "oracle.h"

#define F64(...) ((const double[]){__VA_ARGS__})

static const double X[] = {0.2, 0.45, 0.7, 0.35, 0.9, 0.15};
static const double TX[] = {1.0, -0.5, 2.0, 0.25, 1.5, -1.0};
static const double Y[] = {0.6, 0.3, 0.8, 0.5, 0.1, 0.65};
static const double TY[] = {-1.0, 0.75, 0.5, 2.0, -0.25, 1.0};

static tg_tensor *m23(const double *v) { return tg_from_f64(v, TG_SHAPE(2, 3)); }
static tg_tensor *v3(const double *v) { return tg_from_f64(v, TG_SHAPE(3)); }
static tg_tensor *dual(const double *x, const double *tx) { return tg_make_dual(m23(x), m23(tx)); }
static tg_tensor *dual3(const double *x, const double *tx) { return tg_make_dual(v3(x), v3(tx)); }

static const struct { const char *name; tg_tensor *(*f)(const tg_tensor *); } UNARY[] = {
    {"neg", tg_neg}, {"exp", tg_exp}, {"expm1", tg_expm1}, {"log", tg_log}, {"log1p", tg_log1p},
    {"log2", tg_log2}, {"log10", tg_log10}, {"sqrt", tg_sqrt}, {"rsqrt", tg_rsqrt},
    {"reciprocal", tg_reciprocal}, {"abs", tg_abs}, {"sin", tg_sin}, {"cos", tg_cos},
    {"tan", tg_tan}, {"tanh", tg_tanh}, {"sigmoid", tg_sigmoid}, {"relu", tg_relu},
    {"asin", tg_asin}, {"acos", tg_acos}, {"atan", tg_atan}, {"sinh", tg_sinh}, {"cosh", tg_cosh},
    {"asinh", tg_asinh}, {"atanh", tg_atanh}, {"erf", tg_erf}, {"erfc", tg_erfc},
    {"erfinv", tg_erfinv}, {"floor", tg_floor}, {"frac", tg_frac}, {"silu", tg_silu},
    {"logsigmoid", tg_logsigmoid}, {"square", tg_square},
};

static const struct { const char *name; tg_tensor *(*f)(const tg_tensor *, const tg_tensor *); } BINARY[] = {
    {"add", tg_add}, {"sub", tg_sub}, {"mul", tg_mul}, {"div", tg_div}, {"pow", tg_pow},
    {"maximum", tg_maximum}, {"minimum", tg_minimum}, {"atan2", tg_atan2}, {"hypot", tg_hypot},
};

static void elementwise(void)
{
    char buf[160];
    for (size_t i = 0; i < sizeof UNARY / sizeof *UNARY; i++) show_dual(UNARY[i].name, UNARY[i].f(tg_sub_scalar(dual(X, TX), 0.1)));
    for (size_t i = 0; i < sizeof BINARY / sizeof *BINARY; i++) {
        show_dual(BINARY[i].name, BINARY[i].f(dual(X, TX), dual(Y, TY)));
        snprintf(buf, sizeof buf, "%s primal only second", BINARY[i].name);
        show_dual(buf, BINARY[i].f(dual(X, TX), m23(Y)));
        snprintf(buf, sizeof buf, "%s broadcast", BINARY[i].name);
        show_dual(buf, BINARY[i].f(dual(X, TX), dual3(Y, TY)));
    }
    show_dual("maximum ties", tg_maximum(dual(X, TX), dual(X, TY)));
    show_dual("mul_scalar", tg_mul_scalar(dual(X, TX), 2.5));
    show_dual("div_scalar", tg_div_scalar(dual(X, TX), 4));
    show_dual("add_scalar", tg_add_scalar(dual(X, TX), 3));
    show_dual("sub_scalar", tg_sub_scalar(dual(X, TX), 3));
    show_dual("rsub_scalar", tg_rsub_scalar(dual(X, TX), 1));
    show_dual("pow_scalar", tg_pow_scalar(dual(X, TX), 3));
    show_dual("pow_scalar 0", tg_pow_scalar(dual(X, TX), 0));
}

static void reductions_and_shapes(void)
{
    show_dual("sum", tg_sum(dual(X, TX)));
    show_dual("mean", tg_mean(dual(X, TX)));
    show_dual("sum dim", tg_sum_dim(dual(X, TX), DIMS(1), false));
    show_dual("sum dim keepdim", tg_sum_dim(dual(X, TX), DIMS(0), true));
    show_dual("mean dim", tg_mean_dim(dual(X, TX), DIMS(1), false));
    show_dual("norm", tg_norm(dual(X, TX)));
    show_dual("cumsum", tg_cumsum(dual(X, TX), 1));
    show_dual("view", tg_view(dual(X, TX), TG_SHAPE(3, 2)));
    show_dual("transpose", tg_transpose(dual(X, TX), 0, 1));
    show_dual("permute", tg_permute(dual(X, TX), DIMS(1, 0)));
    show_dual("expand", tg_expand(dual3(X, TX), TG_SHAPE(2, 3)));
    show_dual("select", tg_select(dual(X, TX), 1, 2));
    show_dual("narrow", tg_narrow(dual(X, TX), 1, 1, 2));
    show_dual("unsqueeze", tg_unsqueeze(dual(X, TX), 1));
    show_dual("flatten", tg_flatten(dual(X, TX), 0, -1));
    show_dual("reshape of transpose", tg_reshape(tg_t(dual(X, TX)), TG_SHAPE(6)));
    show_dual("contiguous", tg_contiguous(tg_t(dual(X, TX))));
    show_dual("clone", tg_clone(dual(X, TX)));
    show_dual("to float32", tg_to(dual(X, TX), TG_F32));
    show_dual("transposed tangent", tg_mul_scalar(tg_make_dual(m23(X), tg_t(tg_contiguous(tg_t(m23(TX))))), 2));
}

static void products_and_nn(void)
{
    show_dual("mm", tg_mm(dual(X, TX), tg_t(dual(Y, TY))));
    show_dual("matmul 1d", tg_matmul(dual(X, TX), dual3(Y, TY)));
    show_dual("dot", tg_dot(dual3(X, TX), dual3(Y + 3, TY + 3)));
    show_dual("bmm", tg_bmm(tg_unsqueeze(dual(X, TX), 0), tg_unsqueeze(tg_t(dual(Y, TY)), 0)));
    tg_tensor *bias = tg_make_dual(tg_from_f64(X, TG_SHAPE(2)), tg_from_f64(TX, TG_SHAPE(2)));
    show_dual("addmm", tg_addmm(bias, dual(X, TX), tg_t(dual(Y, TY)), 0.5, 2));
    tg_tensor *lbias = tg_make_dual(tg_from_f64(X, TG_SHAPE(2)), tg_from_f64(TY + 3, TG_SHAPE(2)));
    show_dual("linear", tg_linear(dual(X, TX), dual(Y, TY), lbias));
    show_dual("softmax", tg_softmax(dual(X, TX), 1));
    show_dual("log_softmax", tg_log_softmax(dual(X, TX), 0));
    show_dual("cat", tg_cat((const tg_tensor *[]){dual(X, TX), m23(Y)}, 2, 0));
    show_dual("stack", tg_stack((const tg_tensor *[]){dual(X, TX), dual(Y, TY)}, 2, 1));
    show_dual("lerp", tg_lerp_scalar(dual(X, TX), dual(Y, TY), 0.25));
    show_dual("addcmul", tg_addcmul(dual(X, TX), dual(Y, TY), dual(X, TY), 0.5));
    show_dual("addcdiv", tg_addcdiv(dual(X, TX), dual(Y, TY), dual(X, TY), 2));
    tg_tensor *left = dual(X, TX);
    show_dual("chain", tg_sum_dim(tg_mul_scalar(tg_tanh(tg_matmul(left, tg_t(dual(Y, TY)))), 3), DIMS(0), false));
}

static void error(const char *label, bool failed)
{
    if (failed) printf("%s: error: %s\n", label, tg_last_error());
    else printf("%s: no error\n", label);
    tg_clear_error();
}

int main(void)
{
    if (tg_fwad_enter_dual_level()) return 1;
    elementwise();
    reductions_and_shapes();
    products_and_nn();

    show_dual("mul_ in place", tg_mul_scalar_(dual(X, TX), 2));
    show_dual("exp_ in place", tg_exp_(dual(X, TX)));
    show_dual("add_ of a dual", tg_add_(m23(X), dual(Y, TY)));
    show_dual("copy_ of a dual", tg_copy_(m23(X), dual(Y, TY)));
    show_dual("zero_ of a dual", tg_zero_(dual(X, TX)));
    show_dual("t_ of a dual", tg_t_(dual(X, TX)));
    tg_tensor *based = dual(X, TX);
    tg_mul_scalar_(tg_select(based, 0, 0), 3);
    show_dual("base after its view's mul_", based);

    tg_tensor *tangent;
    tg_unpack_dual(m23(X), &tangent);
    show("plain tensor tangent", tangent);
    tg_tensor *d = tg_make_dual(m23(X), tg_to(m23(TX), TG_F32));
    tg_unpack_dual(d, &tangent);
    printf("float32 tangent dtype: %s\n", tg_dtype_name(tg_dtype_of(tangent)));
    tg_tensor *r = tg_make_dual(leaf(m23(X)), m23(TX));
    printf("dual of a leaf requires_grad: %s %s\n", tg_requires_grad(r) ? "True" : "False",
           tg_requires_grad(tg_unpack_dual(tg_mul_scalar(r, 2), NULL)) ? "True" : "False");
    error("wrong size", !tg_make_dual(m23(X), v3(TX)));
    error("integer primal", !tg_make_dual(tg_from_i64(I64(1, 2), TG_SHAPE(2)), tg_from_f64(F64(1, 2), TG_SHAPE(2))));
    error("integer tangent", !tg_make_dual(tg_from_f64(F64(1, 2), TG_SHAPE(2)), tg_from_i64(I64(1, 2), TG_SHAPE(2))));
    error("nested", tg_fwad_enter_dual_level() != 0);
    if (tg_fwad_exit_dual_level() || tg_fwad_level_open()) return 1;

    tg_unpack_dual(d, &tangent);
    printf("after the level: %s\n", tangent ? "a tangent" : "None");
    error("no level", !tg_make_dual(m23(X), m23(TX)));
    error("exit without level", tg_fwad_exit_dual_level() != 0);
    return 0;
}
