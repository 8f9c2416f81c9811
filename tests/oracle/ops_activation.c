/* Elementwise math functions and activations, forward and backward, on
   contiguous, transposed f64, expanded, 0-dim and zero-size inputs, with
   integer and bool inputs and PyTorch's errors. Prints what
   ops_activation.py prints with PyTorch. */
#include <tensorgrad.h>

#include <math.h>
#include <stdio.h>

#include "oracle.h"

/* Values for each domain (dyadic, so float32 and float64 agree). */
enum domain { ANY, POS, UNIT, GE1, HALF };
static const float DOMAIN[][8] = {
    [ANY] = {-2.0, -0.75, 0.0, 0.25, 0.5, 1.0, 1.5, 3.0},
    [POS] = {0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 4.5, 10.0},
    [UNIT] = {-0.875, -0.5, 0.0, 0.25, 0.5, 0.625, 0.375, 0.9375},
    [GE1] = {1.25, 1.5, 2.0, 3.0, 4.0, 1.125, 10.0, 5.5},
    [HALF] = {-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 2.75, -3.25},
};

/* The value (or the error) and the dtype of a result. */
static void dt(const char *label, const tg_tensor *t)
{
    show(label, t);
    if (t) printf("%s dtype: %s\n", label, tg_dtype_name(tg_dtype_of(t)));
}

typedef tg_tensor *(*unary_fn)(const tg_tensor *);

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
    u = leaf(tg_from_f32(v, TG_SHAPE(1, 4)));
    snprintf(label, sizeof label, "%s expanded", name);
    check(label, f(tg_expand(u, TG_SHAPE(3, 4))), &u, 1);
    u = leaf(tg_scalar(v[5]));
    snprintf(label, sizeof label, "%s 0-dim", name);
    check(label, f(u), &u, 1);
    u = leaf(tg_zeros(TG_SHAPE(0, 3), TG_F32));
    snprintf(label, sizeof label, "%s zero-size", name);
    check(label, f(u), &u, 1);
    tg_scope_end();
}

static const struct { const char *name; unary_fn f; enum domain d; } MATH[] = {
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
    char label[128];
    for (size_t i = 0; i < sizeof MATH / sizeof MATH[0]; i++) {
        cases(MATH[i].name, MATH[i].f, MATH[i].d);
        tg_scope_begin();
        snprintf(label, sizeof label, "%s i64", MATH[i].name);
        dt(label, MATH[i].f(tg_from_i64(I64(3, -2, 0, 7), TG_SHAPE(2, 2))));
        snprintf(label, sizeof label, "%s i32", MATH[i].name);
        dt(label, MATH[i].f(tg_from_i32((const int32_t[]){5, -4}, TG_SHAPE(2))));
        snprintf(label, sizeof label, "%s bool", MATH[i].name);
        dt(label, MATH[i].f(tg_from_bool((const bool[]){true, false}, TG_SHAPE(2))));
        tg_scope_end();
    }
    tg_scope_begin();
    show("erfinv edges", tg_erfinv(tg_from_f32(F32(-1.0, 1.0, 1.5, NAN, -0.0), TG_SHAPE(5))));
    show("round nan inf", tg_round(tg_from_f32(F32(NAN, INFINITY, -0.5, 0.49999997f), TG_SHAPE(4))));
    tg_scope_end();
}

int main(void)
{
    math_tests();
    return 0;
}
