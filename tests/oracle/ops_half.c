/* float16 and bfloat16 tensors: creation, conversions both ways, printing,
   promotion with the other dtypes, every elementwise family, reductions,
   matrix products, gradients in the tensor's own dtype, and a mixed
   precision step (float32 weights, a bfloat16 forward). Prints what
   ops_half.py prints with PyTorch, which computes in float and rounds the
   float16 operations its CPU kernels lack. */
#include <tensorgrad.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oracle.h"

static const tg_dtype HALVES[] = {TG_F16, TG_BF16};
static const char *const HALF_NAMES[] = {"f16", "bf16"};

/* values of every sign and size, and positive ones, in dtype d */
static tg_tensor *mixed(tg_dtype d)
{
    return tg_to(tg_from_f32(F32(-2.75, -0.9, -0.123, 0.0, 0.1, 0.3333, 0.75, 1.7, 3.3, 7.1), TG_SHAPE(10)), d);
}
static tg_tensor *positive(tg_dtype d)
{
    return tg_to(tg_from_f32(F32(0.01, 0.5, 1.0, 1.5, 2.7, 3.1, 10.0, 100.0), TG_SHAPE(8)), d);
}
static tg_tensor *matrix(tg_dtype d, int64_t rows, int64_t cols, double scale)
{
    tg_tensor *r = tg_reshape(tg_arange(0, (double)(rows * cols), 1, TG_F32), TG_SHAPE(rows, cols));
    return tg_to(tg_mul_scalar(tg_sin(r), scale), d);
}

static void creation_and_conversions(void)
{
    tg_tensor *f = tg_from_f32(F32(65504.0, 65520.0, 1e-8f, 6e-8f, 1e-5f, 0.1f, NAN, INFINITY, -3.14159f, 1e30f),
                               TG_SHAPE(10));
    tg_tensor *d = tg_from_f64((const double[]){1.0009765625000001, 0.1, 1.0 + 0x1p-11 + 0x1p-40, 300.0009765625},
                               TG_SHAPE(4));
    for (int k = 0; k < 2; k++) {
        char label[64];
        tg_dtype h = HALVES[k];
        const char *n = HALF_NAMES[k];
        snprintf(label, sizeof label, "f32 to %s", n);
        show_dtype(label, tg_to(f, h));
        snprintf(label, sizeof label, "f64 to %s", n);
        show_dtype(label, tg_to(d, h));
        snprintf(label, sizeof label, "%s to f32", n);
        show_dtype(label, tg_to(tg_to(f, h), TG_F32));
        snprintf(label, sizeof label, "%s to f64", n);
        show_dtype(label, tg_to(tg_to(d, h), TG_F64));
        snprintf(label, sizeof label, "%s to i64", n);
        show_dtype(label, tg_to(mixed(h), TG_I64));
        snprintf(label, sizeof label, "%s to bool", n);
        show_dtype(label, tg_to(mixed(h), TG_BOOL));
        snprintf(label, sizeof label, "i64 to %s", n);
        show_dtype(label, tg_to(tg_from_i64(I64(-7, 0, 2049, 70000), TG_SHAPE(4)), h));
        snprintf(label, sizeof label, "zeros %s", n);
        show_dtype(label, tg_zeros(TG_SHAPE(2, 3), h));
        snprintf(label, sizeof label, "full %s", n);
        show_dtype(label, tg_full(TG_SHAPE(3), 0.1, h));
        snprintf(label, sizeof label, "arange %s", n);
        show_dtype(label, tg_arange(0, 3, 0.3, h));
        snprintf(label, sizeof label, "linspace %s", n);
        show_dtype(label, tg_linspace(-1, 1, 7, h));
        snprintf(label, sizeof label, "linspace 75 %s", n);
        show_dtype(label, tg_linspace(-3.3, 5.1, 75, h));
        tg_tensor *s = tg_to(tg_scalar(0.1), h);
        printf("item %s: %.17g\n", n, tg_item(s));
        double out[10];
        tg_copy_to_f64(tg_to(f, h), out);
        printf("copy_to_f64 %s:", n);
        for (int i = 0; i < 10; i++) printf(" %.17g", out[i]);
        printf("\n");
        snprintf(label, sizeof label, "empty %s", n);
        show_dtype(label, tg_zeros(TG_SHAPE(0), h));
        snprintf(label, sizeof label, "0-dim %s", n);
        show_dtype(label, s);
    }
}

static void promotion(void)
{
    tg_tensor *a = mixed(TG_F16), *b = mixed(TG_BF16);
    show_dtype("f16 + bf16", tg_add(a, b));
    show_dtype("f16 + f32", tg_add(a, mixed(TG_F32)));
    show_dtype("bf16 + f64", tg_add(b, mixed(TG_F64)));
    show_dtype("f16 + i64", tg_add(a, tg_to(mixed(TG_F32), TG_I64)));
    show_dtype("bf16 * i32", tg_mul(b, tg_to(mixed(TG_F32), TG_I32)));
    show_dtype("f16 + 0-dim f32", tg_add(a, tg_scalar(0.1)));
    show_dtype("bf16 + 0-dim f64", tg_add(b, tg_to(tg_scalar(0.1), TG_F64)));
    show_dtype("i64 + 0-dim f16", tg_add(tg_to(mixed(TG_F32), TG_I64), tg_to(tg_scalar(0.1), TG_F16)));
    show_dtype("0-dim f16 + 0-dim bf16", tg_add(tg_to(tg_scalar(1.5), TG_F16), tg_to(tg_scalar(0.1), TG_BF16)));
    show_dtype("f16 * 0.1", tg_mul_scalar(a, 0.1));
    show_dtype("bf16 * 0.1", tg_mul_scalar(b, 0.1));
    show_dtype("f16 + 1e-4", tg_add_scalar(a, 1e-4));
    show_dtype("bf16 / 3", tg_div_scalar(b, 3));
    show_dtype("i64 * 0.5 to f16?", tg_to(tg_mul_scalar(tg_to(mixed(TG_F32), TG_I64), 0.5), TG_F16));
    show_dtype("f16 > bf16", tg_gt(a, b));
}

typedef tg_tensor *(*unary_fn)(const tg_tensor *);
static tg_tensor *leaky(const tg_tensor *t) { return tg_leaky_relu(t, 0.1); }
static tg_tensor *hardtanh(const tg_tensor *t) { return tg_hardtanh(t, -0.5, 2); }
static tg_tensor *clamp(const tg_tensor *t) { return tg_clamp(t, -0.2, 1.2); }
static tg_tensor *pow2(const tg_tensor *t) { return tg_pow_scalar(t, 2); }
static tg_tensor *pow_half(const tg_tensor *t) { return tg_pow_scalar(t, 0.5); }
static tg_tensor *pow3(const tg_tensor *t) { return tg_pow_scalar(t, 3); }
static tg_tensor *rsub(const tg_tensor *t) { return tg_rsub_scalar(t, 0.3); }
static tg_tensor *fmod_s(const tg_tensor *t) { return tg_fmod_scalar(t, 0.7); }

/* Not here: silu, gelu_tanh, selu, elu, celu and softplus, which PyTorch's
   bfloat16 kernels compute with an intermediate rounding after each
   operation, and xlogy, lerp and addcdiv likewise (docs/guide_tensors.md
   lists them). */
#define FN(f) {#f, (unary_fn)tg_##f}
static const struct { const char *name; unary_fn f; } UNARY[] = {
    FN(neg), FN(exp), FN(expm1), FN(log), FN(sqrt), FN(abs), FN(sin), FN(cos), FN(tanh), FN(sigmoid), FN(relu),
    FN(sign), FN(log1p), FN(log2), FN(log10), FN(rsqrt), FN(reciprocal), FN(square), FN(tan), FN(asin), FN(acos),
    FN(atan), FN(sinh), FN(cosh), FN(asinh), FN(acosh), FN(atanh), FN(erf), FN(erfc), FN(erfinv), FN(floor),
    FN(ceil), FN(round), FN(trunc), FN(frac), FN(gelu), FN(mish), FN(logsigmoid),
    FN(hardsigmoid), FN(hardswish), FN(relu6), {"leaky_relu", leaky},
    {"hardtanh", hardtanh}, {"clamp", clamp}, {"pow2", pow2},
    {"pow_half", pow_half}, {"pow3", pow3}, {"rsub", rsub}, {"fmod_scalar", fmod_s},
};

/* PyTorch's bfloat16 rsqrt rounds the square root before dividing, and
   its cube multiplies twice, rounding each product. */
static bool bf16_rounds_steps(const char *name) { return !strcmp(name, "rsqrt") || !strcmp(name, "pow3"); }

static void elementwise(void)
{
    for (int k = 0; k < 2; k++)
        for (size_t i = 0; i < sizeof UNARY / sizeof *UNARY; i++) {
            if (HALVES[k] == TG_BF16 && bf16_rounds_steps(UNARY[i].name)) continue;
            char label[80];
            tg_scope_begin();
            snprintf(label, sizeof label, "%s %s mixed", UNARY[i].name, HALF_NAMES[k]);
            show_dtype(label, UNARY[i].f(mixed(HALVES[k])));
            snprintf(label, sizeof label, "%s %s positive", UNARY[i].name, HALF_NAMES[k]);
            show_dtype(label, UNARY[i].f(positive(HALVES[k])));
            tg_scope_end();
        }
    typedef tg_tensor *(*binary_fn)(const tg_tensor *, const tg_tensor *);
    static const struct { const char *name; binary_fn f; } BINARY[] = {
        {"add", tg_add}, {"sub", tg_sub}, {"mul", tg_mul}, {"div", tg_div}, {"pow", tg_pow},
        {"maximum", tg_maximum}, {"minimum", tg_minimum}, {"atan2", tg_atan2}, {"fmod", tg_fmod},
        {"remainder", tg_remainder}, {"hypot", tg_hypot}, {"eq", tg_eq}, {"lt", tg_lt},
        {"ge", tg_ge},
    };
    for (int k = 0; k < 2; k++) {
        tg_tensor *a = mixed(HALVES[k]);
        tg_tensor *b = tg_to(tg_from_f32(F32(1.3, -0.7, 2.0, 0.5, 0.1, 0.3333, -3.0, 1.7, 0.25, 9.0), TG_SHAPE(10)),
                             HALVES[k]);
        for (size_t i = 0; i < sizeof BINARY / sizeof *BINARY; i++) {
            char label[80];
            snprintf(label, sizeof label, "%s %s", BINARY[i].name, HALF_NAMES[k]);
            show_dtype(label, BINARY[i].f(a, b));
        }
        char label[80];
        snprintf(label, sizeof label, "addcmul %s", HALF_NAMES[k]);
        show_dtype(label, tg_addcmul(a, a, b, 0.1));
        snprintf(label, sizeof label, "where %s", HALF_NAMES[k]);
        show_dtype(label, tg_where(tg_gt(a, b), a, b));
        snprintf(label, sizeof label, "broadcast %s", HALF_NAMES[k]);
        show_dtype(label, tg_mul(tg_reshape(a, TG_SHAPE(10, 1)), tg_reshape(tg_narrow(b, 0, 0, 3), TG_SHAPE(1, 3))));
        snprintf(label, sizeof label, "strided %s", HALF_NAMES[k]);
        show_dtype(label, tg_add(tg_t(matrix(HALVES[k], 3, 4, 2)), matrix(HALVES[k], 4, 3, 1)));
    }
}

static void reductions(void)
{
    for (int k = 0; k < 2; k++) {
        tg_dtype h = HALVES[k];
        const char *n = HALF_NAMES[k];
        tg_tensor *a = mixed(h), *m = matrix(h, 3, 5, 10), *big = tg_to(tg_linspace(0, 1, 3000, TG_F32), h);
        char label[80];
#define RED(name, EXPR) do { snprintf(label, sizeof label, "%s %s", name, n); show_dtype(label, (EXPR)); } while (0)
        RED("sum", tg_sum(a));
        RED("sum big", tg_sum(big));
        RED("mean", tg_mean(a));
        RED("mean big", tg_mean(big));
        RED("sum dim", tg_sum_dim(m, DIMS(1), false));
        RED("mean dim", tg_mean_dim(m, DIMS(0), true));
        RED("prod", tg_prod(a));
        RED("max", tg_max(a));
        RED("min", tg_min(a));
        RED("amax", tg_amax(m, DIMS(1), false));
        RED("argmax", tg_argmax(m, 1, false));
        RED("var", tg_var(m, DIMS(1), 1, false));
        RED("std", tg_std(a, NULL, 0, 1, false));
        RED("norm", tg_norm(a));
        if (h == TG_BF16) RED("vector_norm 1", tg_vector_norm(m, 1, DIMS(0), false));
        RED("logsumexp", tg_logsumexp(m, DIMS(1), false));
        RED("cumsum", tg_cumsum(a, 0));
        RED("cumprod", tg_cumprod(a, 0));
        RED("softmax", tg_softmax(m, 1));
        RED("log_softmax", tg_log_softmax(m, 0));
        RED("sort", tg_sort(a, 0, true, NULL));
#undef RED
    }
}

static void products(void)
{
    for (int k = 0; k < 2; k++) {
        tg_dtype h = HALVES[k];
        const char *n = HALF_NAMES[k];
        char label[80];
        snprintf(label, sizeof label, "matmul %s", n);
        show_dtype(label, tg_matmul(matrix(h, 3, 7, 3), matrix(h, 7, 2, 5)));
        snprintf(label, sizeof label, "matmul transposed %s", n);
        show_dtype(label, tg_matmul(tg_t(matrix(h, 7, 3, 3)), matrix(h, 7, 2, 5)));
        snprintf(label, sizeof label, "bmm %s", n);
        show_dtype(label, tg_bmm(tg_reshape(matrix(h, 4, 3, 2), TG_SHAPE(2, 2, 3)), tg_reshape(matrix(h, 6, 2, 1), TG_SHAPE(2, 3, 2))));
        snprintf(label, sizeof label, "mv %s", n);
        show_dtype(label, tg_mv(matrix(h, 3, 4, 2), tg_reshape(matrix(h, 1, 4, 1), TG_SHAPE(4))));
        snprintf(label, sizeof label, "linear %s", n);
        show_dtype(label, tg_linear(matrix(h, 2, 4, 1), matrix(h, 3, 4, 0.5), tg_reshape(matrix(h, 1, 3, 1), TG_SHAPE(3))));
    }
}

/* leaves in dtype d, an operation, and its gradients in d */
static void gradients(void)
{
    for (int k = 0; k < 2; k++) {
        tg_dtype h = HALVES[k];
        const char *n = HALF_NAMES[k];
        char label[80];
        tg_scope_begin();
        tg_tensor *x = leaf(mixed(h)), *y = leaf(tg_to(tg_from_f32(F32(1.3, -0.7, 2.0, 0.5, 0.1, 0.3333, -3.0, 1.7,
                                                                        0.25, 9.0), TG_SHAPE(10)), h));
        tg_tensor *xy[] = {x, y};
#define GRAD(name, EXPR, N) do { tg_zero_grad(x); tg_zero_grad(y); snprintf(label, sizeof label, "%s %s", name, n); \
                                 check(label, (EXPR), xy, N); } while (0)
        GRAD("mul", tg_mul(x, y), 2);
        GRAD("div", tg_div(x, y), 2);
        GRAD("add sub", tg_sub(tg_add(x, y), tg_mul_scalar(y, 0.3)), 2);
        GRAD("sum", tg_sum(tg_mul(x, y)), 2);
        GRAD("mean", tg_mean(x), 1);
        GRAD("square", tg_square(x), 1);
        if (h == TG_BF16) {   /* PyTorch 1.13 computes these in bfloat16 only */
            GRAD("exp", tg_exp(x), 1);
            GRAD("tanh", tg_tanh(x), 1);
            GRAD("sigmoid", tg_sigmoid(x), 1);
            GRAD("gelu", tg_gelu(x), 1);
            GRAD("pow", tg_pow(tg_abs(x), y), 2);
            GRAD("var", tg_var(x, NULL, 0, 1, false), 1);
        }
#undef GRAD
        tg_scope_end();
    }
}

/* float32 master weights, a bfloat16 forward via tg_to, gradients back
   in float32 through ToCopyBackward0. The product is written as a sum of
   products, which PyTorch accumulates in float as tensorgrad does (its
   bfloat16 GEMM rounds every partial sum). */
static void mixed_precision(void)
{
    tg_tensor *w = leaf(matrix(TG_F32, 4, 3, 0.5));
    tg_tensor *b = leaf(tg_from_f32(F32(0.1, -0.2, 0.3), TG_SHAPE(3)));
    tg_tensor *x = matrix(TG_F32, 5, 4, 1);
    tg_tensor *wb[] = {w, b};
    tg_tensor *products = tg_mul(tg_reshape(tg_to(x, TG_BF16), TG_SHAPE(5, 4, 1)), tg_to(w, TG_BF16));
    tg_tensor *h = tg_add(tg_sum_dim(products, DIMS(1), false), tg_to(b, TG_BF16));
    tg_tensor *loss = tg_mean(tg_square(tg_relu(h)));
    show_dtype("mixed hidden", h);
    check("mixed loss", loss, wb, 2);
    show_dtype("mixed w grad", tg_grad(w));
    show_dtype("mixed b grad", tg_grad(b));
}

int main(void)
{
    creation_and_conversions();
    promotion();
    elementwise();
    reductions();
    products();
    gradients();
    mixed_precision();
    return 0;
}
