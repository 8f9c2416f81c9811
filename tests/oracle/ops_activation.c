/* Elementwise math functions and activations, forward and backward, on
   contiguous, transposed f64, expanded, 0-dim and zero-size inputs, with
   integer and bool inputs and PyTorch's errors. Prints what
   ops_activation.py prints with PyTorch. */
#include <tensorgrad.h>

#include <math.h>
#include <stdio.h>

#include "oracle.h"

/* Values for each domain (dyadic, so float32 and float64 agree). */
enum domain { ANY, POS, UNIT, GE1, HALF, ACT_VALUES, SMOOTH };
static const float DOMAIN[][8] = {
    [ANY] = {-2.0, -0.75, 0.0, 0.25, 0.5, 1.0, 1.5, 3.0},
    [POS] = {0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 4.5, 10.0},
    [UNIT] = {-0.875, -0.5, 0.0, 0.25, 0.5, 0.625, 0.375, 0.9375},
    [GE1] = {1.25, 1.5, 2.0, 3.0, 4.0, 1.125, 10.0, 5.5},
    [HALF] = {-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 2.75, -3.25},
    [ACT_VALUES] = {-4.0, -3.0, -0.5, 0.0, 0.75, 3.0, 3.5, 7.0},
    /* no cancellation in float32 (PyTorch's vectorized erf is approximate) */
    [SMOOTH] = {-2.0, -1.25, -0.5, 0.0, 0.75, 1.5, 3.5, 2.5},
};

/* The value (or the error) and the dtype of a result. */
static void dt(const char *label, const tg_tensor *t)
{
    show(label, t);
    if (t) printf("%s dtype: %s\n", label, tg_dtype_name(tg_dtype_of(t)));
}

typedef tg_tensor *(*unary_fn)(const tg_tensor *);
static const tg_backward_opts CREATE = {.retain_graph = true, .create_graph = true};

/* The first derivative with create_graph, then the second (f64). */
static void second(const char *name, unary_fn f, const float *v)
{
    char label[128];
    tg_tensor *x = leaf64(tg_from_f32(v, TG_SHAPE(2, 4)));
    tg_tensor *y = f(x), *g = NULL, *h = NULL;
    snprintf(label, sizeof label, "%s d2", name);
    tg_clear_error();
    if (!y || tg_autograd_grad(&y, 1, &x, 1, (tg_tensor *[]){weights(y)}, CREATE, &g)) {
        printf("%s: error: %s\n", label, tg_last_error());
        return;
    }
    printf("%s d1 requires_grad: %s\n", name, tg_requires_grad(g) ? "True" : "False");
    if (tg_autograd_grad(&g, 1, &x, 1, (tg_tensor *[]){weights(g)}, (tg_backward_opts){0}, &h))
        printf("%s: error: %s\n", label, tg_last_error());
    else
        show(label, h);
}

static void cases(const char *name, unary_fn f, enum domain d)
{
    const float *v = DOMAIN[d];
    char label[128];
    tg_scope_begin();
    tg_tensor *u = leaf(tg_from_f32(v, TG_SHAPE(2, 4)));
    check(name, f(u), &u, 1);
    u = leaf64(tg_from_f32(v, TG_SHAPE(4, 2)));
    snprintf(label, sizeof label, "%s f64 transposed", name);
    check(label, f(tg_transpose(u, 0, 1)), &u, 1);
    const int64_t *st = tg_strides(f(tg_transpose(tg_from_f32(v, TG_SHAPE(2, 4)), 0, 1)));
    printf("%s stride: (%lld, %lld)\n", name, (long long)st[0], (long long)st[1]);
    u = leaf(tg_from_f32(v, TG_SHAPE(1, 4)));
    snprintf(label, sizeof label, "%s expanded", name);
    check(label, f(tg_expand(u, TG_SHAPE(3, 4))), &u, 1);
    u = leaf(tg_scalar(v[5]));
    snprintf(label, sizeof label, "%s 0-dim", name);
    check(label, f(u), &u, 1);
    second(name, f, v);
    u = leaf(tg_zeros(TG_SHAPE(0, 3), TG_F32));
    snprintf(label, sizeof label, "%s zero-size", name);
    check(label, f(u), &u, 1);
    snprintf(label, sizeof label, "%s i64", name);
    dt(label, f(tg_from_i64(I64(3, -2, 0, 7), TG_SHAPE(2, 2))));
    snprintf(label, sizeof label, "%s i32", name);
    dt(label, f(tg_from_i32((const int32_t[]){5, -4}, TG_SHAPE(2))));
    snprintf(label, sizeof label, "%s bool", name);
    dt(label, f(tg_from_bool((const bool[]){true, false}, TG_SHAPE(2))));
    snprintf(label, sizeof label, "%s nan inf", name);
    show(label, f(tg_from_f32(F32(NAN, INFINITY, -INFINITY, -1.0), TG_SHAPE(4))));
    tg_scope_end();
}

typedef struct unary_case { const char *name; unary_fn f; enum domain d; } unary_case;

static const unary_case MATH[] = {
    {"log1p", tg_log1p, POS}, {"log2", tg_log2, POS}, {"log10", tg_log10, POS},
    {"rsqrt", tg_rsqrt, POS}, {"reciprocal", tg_reciprocal, POS}, {"square", tg_square, ANY},
    {"tan", tg_tan, ANY}, {"asin", tg_asin, UNIT}, {"acos", tg_acos, UNIT},
    {"atan", tg_atan, ANY}, {"sinh", tg_sinh, ANY}, {"cosh", tg_cosh, ANY},
    {"asinh", tg_asinh, ANY}, {"acosh", tg_acosh, GE1}, {"atanh", tg_atanh, UNIT},
    {"erf", tg_erf, ANY}, {"erfc", tg_erfc, ANY}, {"erfinv", tg_erfinv, UNIT},
    {"floor", tg_floor, HALF}, {"ceil", tg_ceil, HALF}, {"round", tg_round, HALF},
    {"trunc", tg_trunc, HALF}, {"frac", tg_frac, HALF},
};

static void math_tests(void)
{
    for (size_t i = 0; i < sizeof MATH / sizeof MATH[0]; i++) cases(MATH[i].name, MATH[i].f, MATH[i].d);
    tg_scope_begin();
    show("erfinv edges", tg_erfinv(tg_from_f32(F32(-1.0, 1.0, 1.5, NAN, -0.0), TG_SHAPE(5))));
    show("round nan inf", tg_round(tg_from_f32(F32(NAN, INFINITY, -0.5, 0.49999997f), TG_SHAPE(4))));
    tg_scope_end();
}

/* Activations with parameters, as unary functions. */
static tg_tensor *softplus(const tg_tensor *t) { return tg_softplus(t, 1, 20); }
static tg_tensor *softplus_2_5(const tg_tensor *t) { return tg_softplus(t, 2, 5); }
static tg_tensor *softplus_half_1(const tg_tensor *t) { return tg_softplus(t, 0.5, 1); }
static tg_tensor *leaky_relu(const tg_tensor *t) { return tg_leaky_relu(t, 0.01); }
static tg_tensor *leaky_relu_02(const tg_tensor *t) { return tg_leaky_relu(t, 0.2); }
static tg_tensor *leaky_relu_neg(const tg_tensor *t) { return tg_leaky_relu(t, -1.5); }
static tg_tensor *elu(const tg_tensor *t) { return tg_elu(t, 1); }
static tg_tensor *elu_half(const tg_tensor *t) { return tg_elu(t, 0.5); }
static tg_tensor *elu_neg(const tg_tensor *t) { return tg_elu(t, -2); }
static tg_tensor *celu(const tg_tensor *t) { return tg_celu(t, 1); }
static tg_tensor *celu_2(const tg_tensor *t) { return tg_celu(t, 2); }
static tg_tensor *celu_neg(const tg_tensor *t) { return tg_celu(t, -0.5); }
static tg_tensor *hardtanh(const tg_tensor *t) { return tg_hardtanh(t, -1, 1); }
static tg_tensor *hardtanh_2_3(const tg_tensor *t) { return tg_hardtanh(t, -2, 3); }
static tg_tensor *hardtanh_2_1(const tg_tensor *t) { return tg_hardtanh(t, 2, 1); }
static tg_tensor *hardtanh_frac(const tg_tensor *t) { return tg_hardtanh(t, -1.5, 2.5); }
static tg_tensor *softplus_0(const tg_tensor *t) { return tg_softplus(t, 0, 20); }

static const unary_case ACT[] = {
    {"gelu", tg_gelu, SMOOTH}, {"gelu_tanh", tg_gelu_tanh, SMOOTH},
    {"silu", tg_silu, ACT_VALUES}, {"mish", tg_mish, ACT_VALUES},
    {"logsigmoid", tg_logsigmoid, ACT_VALUES}, {"hardsigmoid", tg_hardsigmoid, ACT_VALUES},
    {"hardswish", tg_hardswish, ACT_VALUES}, {"softplus", softplus, ACT_VALUES},
    {"softplus 2 5", softplus_2_5, ACT_VALUES}, {"softplus 0.5 1", softplus_half_1, ACT_VALUES},
    {"leaky_relu", leaky_relu, ACT_VALUES}, {"leaky_relu 0.2", leaky_relu_02, ACT_VALUES},
    {"leaky_relu -1.5", leaky_relu_neg, ACT_VALUES},
    {"elu", elu, ACT_VALUES}, {"elu 0.5", elu_half, ACT_VALUES}, {"elu -2", elu_neg, ACT_VALUES},
    {"selu", tg_selu, ACT_VALUES}, {"celu", celu, ACT_VALUES}, {"celu 2", celu_2, ACT_VALUES},
    {"celu -0.5", celu_neg, ACT_VALUES},
    {"hardtanh", hardtanh, ACT_VALUES}, {"hardtanh -2 3", hardtanh_2_3, ACT_VALUES}, {"relu6", tg_relu6, ACT_VALUES},
    {"hardtanh 2 1", hardtanh_2_1, ACT_VALUES}, {"hardtanh -1.5 2.5", hardtanh_frac, ACT_VALUES}, {"softplus 0 20", softplus_0, ACT_VALUES},
};

static void activation_tests(void)
{
    for (size_t i = 0; i < sizeof ACT / sizeof ACT[0]; i++) cases(ACT[i].name, ACT[i].f, ACT[i].d);
    tg_scope_begin();
    show("celu 0", tg_celu(tg_from_f32(F32(1.0), TG_SHAPE(1)), 0));
    tg_scope_end();
}

/* ------------------------------------------------------ in-place twins */

typedef tg_tensor *(*inplace_fn)(tg_tensor *);
static tg_tensor *leaky_relu_02_(tg_tensor *t) { return tg_leaky_relu_(t, 0.2); }
static tg_tensor *elu_half_(tg_tensor *t) { return tg_elu_(t, 0.5); }
static tg_tensor *celu_2_(tg_tensor *t) { return tg_celu_(t, 2); }
static tg_tensor *hardtanh_2_3_(tg_tensor *t) { return tg_hardtanh_(t, -2, 3); }
static tg_tensor *leaky_relu_neg_(tg_tensor *t) { return tg_leaky_relu_(t, -0.5); }
static tg_tensor *leaky_relu_0_(tg_tensor *t) { return tg_leaky_relu_(t, 0); }
static tg_tensor *elu_neg_(tg_tensor *t) { return tg_elu_(t, -1); }
static tg_tensor *celu_neg_(tg_tensor *t) { return tg_celu_(t, -1); }

static const struct { const char *name; inplace_fn f; enum domain d; } INPLACE[] = {
    {"neg_", tg_neg_, ANY}, {"exp_", tg_exp_, ANY}, {"expm1_", tg_expm1_, ANY},
    {"log_", tg_log_, POS}, {"sqrt_", tg_sqrt_, POS}, {"abs_", tg_abs_, ANY},
    {"sin_", tg_sin_, ANY}, {"cos_", tg_cos_, ANY}, {"tanh_", tg_tanh_, ANY},
    {"sigmoid_", tg_sigmoid_, ANY}, {"relu_", tg_relu_, ANY}, {"sign_", tg_sign_, ANY},
    {"log1p_", tg_log1p_, POS}, {"log2_", tg_log2_, POS}, {"log10_", tg_log10_, POS},
    {"rsqrt_", tg_rsqrt_, POS}, {"reciprocal_", tg_reciprocal_, POS},
    {"square_", tg_square_, ANY}, {"tan_", tg_tan_, ANY},
    {"asin_", tg_asin_, UNIT}, {"acos_", tg_acos_, UNIT}, {"atan_", tg_atan_, ANY},
    {"sinh_", tg_sinh_, ANY}, {"cosh_", tg_cosh_, ANY}, {"asinh_", tg_asinh_, ANY},
    {"acosh_", tg_acosh_, GE1}, {"atanh_", tg_atanh_, UNIT}, {"erf_", tg_erf_, ANY},
    {"erfc_", tg_erfc_, ANY}, {"erfinv_", tg_erfinv_, UNIT},
    {"floor_", tg_floor_, HALF}, {"ceil_", tg_ceil_, HALF}, {"round_", tg_round_, HALF},
    {"trunc_", tg_trunc_, HALF}, {"frac_", tg_frac_, HALF},
    {"gelu_", tg_gelu_, SMOOTH}, {"gelu_tanh_", tg_gelu_tanh_, SMOOTH},
    {"silu_", tg_silu_, ACT_VALUES}, {"mish_", tg_mish_, ACT_VALUES},
    {"hardsigmoid_", tg_hardsigmoid_, ACT_VALUES}, {"hardswish_", tg_hardswish_, ACT_VALUES},
    {"leaky_relu_ 0.2", leaky_relu_02_, ACT_VALUES}, {"elu_ 0.5", elu_half_, ACT_VALUES},
    {"selu_", tg_selu_, ACT_VALUES}, {"celu_ 2", celu_2_, ACT_VALUES},
    {"hardtanh_ -2 3", hardtanh_2_3_, ACT_VALUES}, {"relu6_", tg_relu6_, ACT_VALUES},
    {"leaky_relu_ -0.5", leaky_relu_neg_, ACT_VALUES}, {"leaky_relu_ 0", leaky_relu_0_, ACT_VALUES},
    {"elu_ -1", elu_neg_, ACT_VALUES}, {"celu_ -1", celu_neg_, ACT_VALUES},
};

/* On a clone of a leaf, on a view of it (CopySlices), then changed again
   (backward fails where the saved result was overwritten), on a leaf
   (error), on a leaf in no-grad mode, on an int64 tensor. */
static void inplace_tests(void)
{
    char label[128];
    for (size_t i = 0; i < sizeof INPLACE / sizeof INPLACE[0]; i++) {
        tg_scope_begin();
        const char *name = INPLACE[i].name;
        inplace_fn f = INPLACE[i].f;
        const float *v = DOMAIN[INPLACE[i].d];
        tg_tensor *x = leaf(tg_from_f32(v, TG_SHAPE(2, 4)));
        tg_tensor *y = tg_clone(x);
        bool same = f(y) == y;
        printf("%s returns self: %s version: %llu\n", name, same ? "True" : "False", (unsigned long long)tg_version(y));
        check(name, same ? y : NULL, &x, 1);

        x = leaf(tg_from_f32(v, TG_SHAPE(2, 4)));
        y = tg_clone(x);
        snprintf(label, sizeof label, "%s view", name);
        check(label, f(tg_slice(tg_transpose(y, 0, 1), 0, 1, 3, 1)) ? y : NULL, &x, 1);

        x = leaf(tg_from_f32(v, TG_SHAPE(2, 4)));
        y = tg_clone(x);
        snprintf(label, sizeof label, "%s then mul_", name);
        check(label, f(y) ? tg_mul_scalar_(y, 2) : NULL, &x, 1);

        x = leaf(tg_scalar(v[5]));
        snprintf(label, sizeof label, "%s 0-dim", name);
        check(label, f(tg_clone(x)), &x, 1);

        x = leaf(tg_from_f32(v, TG_SHAPE(2, 4)));
        snprintf(label, sizeof label, "%s leaf", name);
        show(label, f(x));
        snprintf(label, sizeof label, "%s view of leaf", name);
        show(label, f(tg_select(x, 0, 0)));
        snprintf(label, sizeof label, "%s no_grad leaf", name);
        TG_NO_GRAD { show(label, f(x)); }
        snprintf(label, sizeof label, "%s expanded", name);
        show(label, f(tg_expand(tg_from_f32(v, TG_SHAPE(1, 4)), TG_SHAPE(2, 4))));
        snprintf(label, sizeof label, "%s i64", name);
        dt(label, f(tg_from_i64(I64(3, -2, 0, 7), TG_SHAPE(2, 2))));
        snprintf(label, sizeof label, "%s bool", name);
        dt(label, f(tg_from_bool((const bool[]){true, false}, TG_SHAPE(2))));
        tg_scope_end();
    }
}

int main(void)
{
    math_tests();
    activation_tests();
    inplace_tests();
    return 0;
}
