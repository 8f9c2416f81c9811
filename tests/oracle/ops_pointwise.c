/* Comparisons, logical operations, isnan/isinf/isfinite, clamp, masked_fill
   and the pointwise binary functions: values, result dtypes and strides on
   broadcast, transposed, expanded, 0-dim, zero-size, f64, integer and bool
   inputs, gradients and graphs, in-place twins and PyTorch's errors. Prints
   what ops_pointwise.py prints with PyTorch. */
#include <tensorgrad.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oracle.h"

#define I32(...) ((const int32_t[]){__VA_ARGS__})
#define BOOL(...) ((const bool[]){__VA_ARGS__})
#define F64(...) ((const double[]){__VA_ARGS__})

/* Python's print(label + ":", t, t.dtype, t.stride(), t.requires_grad), or
   the error of the call that gave NULL. */
static void dt(const char *label, const tg_tensor *t)
{
    if (!t) {
        show(label, t);
        tg_clear_error();
        return;
    }
    char *s = tg_repr(t);
    printf("%s: %s %s (", label, s, tg_dtype_name(tg_dtype_of(t)));
    free(s);
    for (int i = 0; i < tg_ndim(t); i++) printf(i ? ", %lld" : "%lld", (long long)tg_strides(t)[i]);
    printf("%s) %s\n", tg_ndim(t) == 1 ? "," : "", tg_requires_grad(t) ? "True" : "False");
}

/* ------------------------------------------------------------ operands */

enum { FA, FB, IA, IB, BA, Z64, FT, FE, EMPTY, F64V, BAD, N_OPERANDS };
static const char *const NAMES[N_OPERANDS] = {"fa", "fb", "ia", "ib", "ba", "z64", "ft", "fe", "empty", "f64", "bad"};
static tg_tensor *ops[N_OPERANDS];

static void make_operands(void)
{
    ops[FA] = tg_from_f32(F32(1, -2, NAN, INFINITY, 0, 2.5), TG_SHAPE(2, 3));
    ops[FB] = tg_from_f32(F32(1, 0.5, NAN), TG_SHAPE(3));
    ops[IA] = tg_from_i64(I64(1, -2, 0, 3, 0, 2), TG_SHAPE(2, 3));
    ops[IB] = tg_from_i32(I32(1, 0, 2), TG_SHAPE(3));
    ops[BA] = tg_from_bool(BOOL(true, false, true, false, false, true), TG_SHAPE(2, 3));
    ops[Z64] = tg_from_f64(F64(2.5), TG_SHAPE());
    ops[FT] = tg_transpose(tg_from_f32(F32(0.5, -INFINITY, 2, 0, -1, 2.5), TG_SHAPE(3, 2)), 0, 1);
    ops[FE] = tg_expand(tg_from_f32(F32(-1, 0, 2.5), TG_SHAPE(1, 3)), TG_SHAPE(2, 3));
    ops[EMPTY] = tg_zeros(TG_SHAPE(0, 3), TG_F32);
    ops[F64V] = tg_from_f64(F64(1, 2.5, -0.0), TG_SHAPE(3));
    ops[BAD] = tg_ones(TG_SHAPE(2), TG_F32);
}

static const int PAIRS[][2] = {
    {FA, FB}, {IA, FB}, {IA, IB}, {BA, IA}, {FT, FA}, {FE, IA}, {FA, Z64}, {Z64, IB},
    {EMPTY, FB}, {F64V, FA}, {BA, BA}, {FA, BAD},
};
#define N_PAIRS (int)(sizeof PAIRS / sizeof PAIRS[0])

/* --------------------------------------------------------- comparisons */

typedef tg_tensor *(*binary_fn)(const tg_tensor *, const tg_tensor *);
typedef tg_tensor *(*scalar_fn)(const tg_tensor *, double);
typedef tg_tensor *(*unary_fn)(const tg_tensor *);

static const struct { const char *name; binary_fn f; scalar_fn s; } COMPARE[] = {
    {"eq", tg_eq, tg_eq_scalar}, {"ne", tg_ne, tg_ne_scalar}, {"lt", tg_lt, tg_lt_scalar},
    {"le", tg_le, tg_le_scalar}, {"gt", tg_gt, tg_gt_scalar}, {"ge", tg_ge, tg_ge_scalar},
    {"logical_and", tg_logical_and, NULL}, {"logical_or", tg_logical_or, NULL},
    {"logical_xor", tg_logical_xor, NULL},
};

static const struct { int operand; double s; } SCALARS[] = {
    {FA, 2.5}, {FA, 1}, {IA, 2}, {IA, 0.5}, {BA, 1}, {BA, 0.5}, {FT, NAN}, {FE, -INFINITY}, {EMPTY, 1}, {Z64, 2.5},
};

static const struct { const char *name; unary_fn f; } PREDICATES[] = {
    {"logical_not", tg_logical_not}, {"isnan", tg_isnan}, {"isinf", tg_isinf}, {"isfinite", tg_isfinite},
};

static void comparison_tests(void)
{
    char label[128];
    for (size_t i = 0; i < sizeof COMPARE / sizeof COMPARE[0]; i++) {
        for (int p = 0; p < N_PAIRS; p++) {
            snprintf(label, sizeof label, "%s %s %s", COMPARE[i].name, NAMES[PAIRS[p][0]], NAMES[PAIRS[p][1]]);
            dt(label, COMPARE[i].f(ops[PAIRS[p][0]], ops[PAIRS[p][1]]));
        }
        for (size_t k = 0; COMPARE[i].s && k < sizeof SCALARS / sizeof SCALARS[0]; k++) {
            snprintf(label, sizeof label, "%s %s %g", COMPARE[i].name, NAMES[SCALARS[k].operand], SCALARS[k].s);
            dt(label, COMPARE[i].s(ops[SCALARS[k].operand], SCALARS[k].s));
        }
    }
    for (size_t i = 0; i < sizeof PREDICATES / sizeof PREDICATES[0]; i++)
        for (int o = 0; o < BAD; o++) {
            snprintf(label, sizeof label, "%s %s", PREDICATES[i].name, NAMES[o]);
            dt(label, PREDICATES[i].f(ops[o]));
        }
    /* Not differentiable: no history even from an input requiring grad. */
    tg_tensor *x = leaf(tg_from_f32(F32(1, 2, 3), TG_SHAPE(3)));
    dt("gt of leaf", tg_gt_scalar(x, 1.5));
    dt("eq of leaf", tg_eq(x, x));
    dt("isnan of leaf", tg_isnan(x));
    dt("logical_not of leaf", tg_logical_not(tg_mul_scalar(x, 2)));
}

int main(void)
{
    make_operands();
    comparison_tests();
    return 0;
}
