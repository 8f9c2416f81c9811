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
    printf("%s: %s %s ", label, s, tg_dtype_name(tg_dtype_of(t)));
    free(s);
    print_strides(t);
    printf(" %s\n", tg_requires_grad(t) ? "True" : "False");
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

/* --------------------------------------------------------------- clamp */

/* d(out)/d(leaves) with create_graph (and its graph, with show_graph),
   then the second derivative through it, as "<label> grad<i>", "<label>
   grad<i> grad_fn" and "<label> second<i>". */
static void second_order(const char *label, tg_tensor *out, tg_tensor *const *leaves, int n, bool show_graph)
{
    char l[160];
    tg_tensor *grads[3];
    tg_tensor *w = weights(out);
    if (tg_autograd_grad(&out, 1, leaves, n, &w, (tg_backward_opts){.create_graph = true}, grads)) {
        printf("%s grad error: %s\n", label, tg_last_error());
        return;
    }
    tg_tensor *total = NULL;
    for (int i = 0; i < n; i++) {
        snprintf(l, sizeof l, "%s grad%d", label, i);
        show(l, grads[i]);
        if (show_graph) graph(l, grads[i]);
        tg_tensor *s = tg_sum(tg_mul(grads[i], grads[i]));
        total = total ? tg_add(total, s) : s;
    }
    tg_tensor *second[3];
    if (tg_autograd_grad(&total, 1, leaves, n, NULL, (tg_backward_opts){.allow_unused = true}, second)) {
        printf("%s second error: %s\n", label, tg_last_error());
        return;
    }
    for (int i = 0; i < n; i++) {
        snprintf(l, sizeof l, "%s second%d", label, i);
        show(l, second[i]);
    }
}

static void clamp_tests(void)
{
    static const double B[][2] = {{-1, 2}, {NAN, 1}, {0.5, NAN}, {3, 2}, {0, 2.5}, {NAN, NAN}, {NAN, 3e9}};
    char label[128];
    for (int o = 0; o < BAD; o++)
        for (size_t b = 0; b < sizeof B / sizeof B[0]; b++) {
            snprintf(label, sizeof label, "clamp %s %g %g", NAMES[o], B[b][0], B[b][1]);
            dt(label, tg_clamp(ops[o], B[b][0], B[b][1]));
        }
    static const double BOUNDS[] = {0, 1.5, -INFINITY, NAN, 3e9};
    for (int o = 0; o < BAD; o++)
        for (size_t b = 0; b < sizeof BOUNDS / sizeof BOUNDS[0]; b++) {
            snprintf(label, sizeof label, "clamp_min %s %g", NAMES[o], BOUNDS[b]);
            dt(label, tg_clamp_min(ops[o], BOUNDS[b]));
            snprintf(label, sizeof label, "clamp_max %s %g", NAMES[o], BOUNDS[b]);
            dt(label, tg_clamp_max(ops[o], BOUNDS[b]));
        }

    /* Gradients: 1 at the bounds themselves, 0 outside and at NaN. */
    tg_scope_begin();
    tg_tensor *x = leaf(tg_from_f32(F32(-2, -1, 0, 1, 2, NAN), TG_SHAPE(2, 3)));
    check("clamp grad", tg_clamp(x, -1, 1), &x, 1);
    x = leaf(tg_from_f32(F32(-2, -1, 0, 1, 2, NAN), TG_SHAPE(2, 3)));
    check("clamp max-only grad", tg_clamp(x, NAN, 1), &x, 1);
    x = leaf(tg_from_f32(F32(-2, -1, 0, 1, 2, NAN), TG_SHAPE(2, 3)));
    check("clamp_min grad", tg_clamp_min(x, 0), &x, 1);
    x = leaf(tg_from_f32(F32(-2, -1, 0, 1, 2, NAN), TG_SHAPE(2, 3)));
    check("clamp_max grad", tg_clamp_max(x, 0), &x, 1);
    x = leaf(tg_from_f32(F32(-2, -1, 0, 1, 2, 3), TG_SHAPE(2, 3)));
    check("clamp crossed bounds grad", tg_clamp(x, 2, 0), &x, 1);
    x = leaf64(tg_from_f32(F32(-2, 0.5, 3, 1, -0.5, 2), TG_SHAPE(3, 2)));
    check("clamp f64 transposed", tg_clamp(tg_transpose(x, 0, 1), -1, 1.5), &x, 1);
    x = leaf(tg_from_f32(F32(-2, 0.5, 3), TG_SHAPE(1, 3)));
    check("clamp_min expanded", tg_clamp_min(tg_expand(x, TG_SHAPE(2, 3)), 0.5), &x, 1);
    x = leaf(tg_scalar(0.25));
    check("clamp_max 0-dim", tg_clamp_max(x, 0.5), &x, 1);
    x = leaf(tg_zeros(TG_SHAPE(0, 2), TG_F32));
    check("clamp empty", tg_clamp(x, 0, 1), &x, 1);
    x = leaf(tg_from_f32(F32(-2, 0.5, 3, 1, -0.5, 2), TG_SHAPE(2, 3)));
    second_order("clamp times x", tg_mul(tg_clamp(x, -1, 1.5), x), &x, 1, true);
    x = leaf(tg_from_f32(F32(-2, 0.5, 3, 1, -0.5, 2), TG_SHAPE(2, 3)));
    tg_tensor *c = tg_clamp_min(x, 0);
    second_order("clamp_min squared", tg_mul(c, c), &x, 1, true);
    tg_scope_end();

    /* In place. */
    tg_scope_begin();
    x = leaf(tg_from_f32(F32(-2, 0.5, 3, 1, -0.5, 2), TG_SHAPE(2, 3)));
    check("clamp_ non-leaf", tg_clamp_(tg_mul_scalar(x, 2), -1, 1.5), &x, 1);
    x = leaf(tg_from_f32(F32(-2, 0.5, 3, 1, -0.5, 2), TG_SHAPE(2, 3)));
    check("clamp_min_ non-leaf", tg_clamp_min_(tg_mul_scalar(x, 2), 0), &x, 1);
    x = leaf(tg_from_f32(F32(-2, 0.5, 3, 1, -0.5, 2), TG_SHAPE(2, 3)));
    check("clamp_max_ non-leaf", tg_clamp_max_(tg_mul_scalar(x, 2), 0), &x, 1);
    x = leaf(tg_from_f32(F32(-2, 0.5, 3, 1, -0.5, 2), TG_SHAPE(2, 3)));
    tg_tensor *y = tg_mul_scalar(x, 1);
    tg_clamp_(tg_select(y, 0, 1), 0, 2);
    check("clamp_ view", tg_mul(y, y), &x, 1);
    dt("clamp_ leaf", tg_clamp_(x, 0, 1));
    dt("clamp_ i64 float bound", tg_clamp_(tg_clone(ops[IA]), 0.5, NAN));
    dt("clamp_min_ i32 float bound", tg_clamp_min_(tg_clone(ops[IB]), 0.5));
    dt("clamp_max_ bool", tg_clamp_max_(tg_clone(ops[BA]), 0));
    dt("clamp_ no bound", tg_clamp_(tg_clone(ops[FA]), NAN, NAN));
    y = tg_clone(ops[IA]);
    dt("clamp_ i64", tg_clamp_(y, 0, 1));
    dt("clamp_ i64 after", y);
    y = tg_clone(ops[FT]);
    dt("clamp_min_ transposed", tg_clamp_min_(y, 0));
    dt("clamp_max_ expanded", tg_clamp_max_(tg_expand(tg_zeros(TG_SHAPE(1, 3), TG_F32), TG_SHAPE(2, 3)), 0));
    /* clamp saves its input: changing it afterwards fails backward. */
    x = leaf(tg_from_f32(F32(-2, 0.5, 3), TG_SHAPE(3)));
    y = tg_mul_scalar(x, 1);
    tg_tensor *z = tg_clamp(y, 0, 1);
    tg_add_scalar_(y, 1);
    check("clamp input changed", z, &x, 1);
    tg_scope_end();
}

/* ---------------------------------------------------------- masked_fill */

static void masked_fill_tests(void)
{
    tg_scope_begin();
    tg_tensor *row = tg_from_bool(BOOL(true, false, true), TG_SHAPE(1, 3));
    tg_tensor *col = tg_from_bool(BOOL(false, true), TG_SHAPE(2, 1));
    tg_tensor *m23 = tg_from_bool(BOOL(false, true, true, false, false, true), TG_SHAPE(2, 3));
    const struct { const char *name; tg_tensor *mask; } MASKS[] = {
        {"row", row}, {"col", col}, {"m23", m23}, {"ba", ops[BA]},
        {"int01", tg_from_i64(I64(0, 1, 1), TG_SHAPE(3))},
        {"int32 01", tg_from_i32(I32(1, 0, 1), TG_SHAPE(3))},
        {"int2", tg_from_i64(I64(0, 2, 1), TG_SHAPE(3))},
        {"float", tg_from_f32(F32(1, 0, 1), TG_SHAPE(3))},
        {"0-dim", tg_from_bool(BOOL(true), TG_SHAPE())},
        {"empty", tg_zeros(TG_SHAPE(0, 1), TG_BOOL)},
        {"bad", tg_from_bool(BOOL(true, false), TG_SHAPE(2))},
    };
    static const double VALUES[] = {9, -0.5, INFINITY, NAN, 3e9, 1e39};
    char label[160];
    for (int o = 0; o < BAD; o++)
        for (size_t m = 0; m < sizeof MASKS / sizeof MASKS[0]; m++)
            for (size_t v = 0; v < sizeof VALUES / sizeof VALUES[0]; v++) {
                if (v > 1 && m != 0) continue;   /* the values' conversions once, with one mask */
                snprintf(label, sizeof label, "masked_fill %s %s %g", NAMES[o], MASKS[m].name, VALUES[v]);
                dt(label, tg_masked_fill(ops[o], MASKS[m].mask, VALUES[v]));
            }

    tg_tensor *x = leaf(tg_from_f32(F32(-2, 0.5, 3, 1, -0.5, 2), TG_SHAPE(2, 3)));
    check("masked_fill grad", tg_masked_fill(x, m23, 2.5), &x, 1);
    x = leaf(tg_from_f32(F32(-2, 0.5, 3), TG_SHAPE(3)));
    check("masked_fill broadcast grad", tg_masked_fill(x, col, -1), &x, 1);
    x = leaf64(tg_from_f32(F32(-2, 0.5, 3, 1, -0.5, 2), TG_SHAPE(3, 2)));
    check("masked_fill f64 transposed", tg_masked_fill(tg_transpose(x, 0, 1), row, 0), &x, 1);
    x = leaf(tg_from_f32(F32(-2, 0.5, 3, 1, -0.5, 2), TG_SHAPE(2, 3)));
    tg_tensor *c = tg_masked_fill(x, m23, 1);
    second_order("masked_fill squared", tg_mul(c, c), &x, 1, true);

    x = leaf(tg_from_f32(F32(-2, 0.5, 3, 1, -0.5, 2), TG_SHAPE(2, 3)));
    check("masked_fill_ non-leaf", tg_masked_fill_(tg_mul_scalar(x, 2), row, 7), &x, 1);
    x = leaf(tg_from_f32(F32(-2, 0.5, 3, 1, -0.5, 2), TG_SHAPE(2, 3)));
    tg_tensor *y = tg_mul_scalar(x, 1);
    tg_masked_fill_(tg_select(y, 1, 0), tg_from_bool(BOOL(true, false), TG_SHAPE(2)), 4);
    check("masked_fill_ view", tg_mul(y, x), &x, 1);
    dt("masked_fill_ leaf", tg_masked_fill_(x, row, 1));
    dt("masked_fill_ grows", tg_masked_fill_(tg_ones(TG_SHAPE(3), TG_F32), m23, 1));
    y = tg_clone(ops[IA]);
    dt("masked_fill_ i64 fraction", tg_masked_fill_(y, row, 2.75));
    y = tg_clone(ops[IA]);
    dt("masked_fill_ i64 overflow", tg_masked_fill_(y, row, 1e19));
    dt("masked_fill_ i64 after overflow", y);
    dt("masked_fill_ bad mask", tg_masked_fill_(y, MASKS[6].mask, 1));
    dt("masked_fill_ expanded", tg_masked_fill_(tg_expand(tg_zeros(TG_SHAPE(1, 3), TG_F32), TG_SHAPE(2, 3)), row, 1));
    y = tg_clone(ops[FT]);
    dt("masked_fill_ transposed", tg_masked_fill_(y, col, 5));
    tg_scope_end();
}

/* ------------------------------------------- atan2 fmod remainder hypot xlogy */

typedef tg_tensor *(*inplace_fn)(tg_tensor *, const tg_tensor *);
static const struct { const char *name; binary_fn f; inplace_fn inplace; } FUNCTIONS[] = {
    {"atan2", tg_atan2, tg_atan2_}, {"fmod", tg_fmod, tg_fmod_}, {"remainder", tg_remainder, tg_remainder_},
    {"hypot", tg_hypot, tg_hypot_}, {"xlogy", tg_xlogy, tg_xlogy_},
};

static void function_tests(void)
{
    char label[160];
    tg_scope_begin();
    tg_tensor *signs_a = tg_from_f32(F32(-3, 3, -3, 3, 1, 1, -1, 0, 0, -0.0, INFINITY, NAN), TG_SHAPE(12));
    tg_tensor *signs_b = tg_from_f32(F32(2, -2, -2, 2, 0, INFINITY, INFINITY, 0, NAN, -1, 2, 1), TG_SHAPE(12));
    tg_tensor *int_a = tg_from_i64(I64(-7, 7, -7, 7, 0, 5), TG_SHAPE(6));
    tg_tensor *int_b = tg_from_i64(I64(2, -2, -2, 2, 3, -1), TG_SHAPE(6));
    tg_tensor *int_zero = tg_from_i32(I32(1, 0, 2), TG_SHAPE(3));
    for (size_t i = 0; i < sizeof FUNCTIONS / sizeof FUNCTIONS[0]; i++) {
        binary_fn f = FUNCTIONS[i].f;
        for (int p = 0; p < N_PAIRS; p++) {
            snprintf(label, sizeof label, "%s %s %s", FUNCTIONS[i].name, NAMES[PAIRS[p][0]], NAMES[PAIRS[p][1]]);
            dt(label, f(ops[PAIRS[p][0]], ops[PAIRS[p][1]]));
        }
        snprintf(label, sizeof label, "%s signs", FUNCTIONS[i].name);
        dt(label, f(signs_a, signs_b));
        snprintf(label, sizeof label, "%s integers", FUNCTIONS[i].name);
        dt(label, f(int_a, int_b));
        snprintf(label, sizeof label, "%s integer zero", FUNCTIONS[i].name);
        dt(label, f(ops[IA], int_zero));
        snprintf(label, sizeof label, "%s empty integer zero", FUNCTIONS[i].name);
        dt(label, f(tg_zeros(TG_SHAPE(0, 3), TG_I64), int_zero));
        snprintf(label, sizeof label, "%s bool int", FUNCTIONS[i].name);
        dt(label, f(ops[BA], tg_from_i64(I64(1, 2, 3), TG_SHAPE(3))));

        tg_tensor *x = leaf(tg_from_f32(F32(1.5, -2, 3, 0.25, -0.75, 2.5), TG_SHAPE(2, 3)));
        tg_tensor *y = leaf(tg_from_f32(F32(0.5, 1.25, -2), TG_SHAPE(3)));
        snprintf(label, sizeof label, "%s grad", FUNCTIONS[i].name);
        check(label, f(x, y), (tg_tensor *[]){x, y}, 2);
        tg_tensor *x64 = leaf64(tg_from_f32(F32(1.5, -2, 3, 0.25, -0.75, 2.5), TG_SHAPE(3, 2)));
        tg_tensor *y64 = leaf(tg_from_f32(F32(0.5, 1.25, 2), TG_SHAPE(3, 1)));
        snprintf(label, sizeof label, "%s f64 transposed grad", FUNCTIONS[i].name);
        check(label, f(tg_transpose(x64, 0, 1), tg_expand(tg_transpose(y64, 0, 1), TG_SHAPE(2, 3))),
              (tg_tensor *[]){x64, y64}, 2);
        tg_tensor *x0 = leaf(tg_scalar(0.75));
        tg_tensor *y1 = leaf(tg_from_f32(F32(2, 0.5), TG_SHAPE(2)));
        snprintf(label, sizeof label, "%s 0-dim grad", FUNCTIONS[i].name);
        check(label, f(x0, y1), (tg_tensor *[]){x0, y1}, 2);
        x = leaf(tg_from_f32(F32(1.5, -2, 3), TG_SHAPE(3)));
        snprintf(label, sizeof label, "%s left-only grad", FUNCTIONS[i].name);
        check(label, f(x, tg_from_f32(F32(0.5, 1.25, -2), TG_SHAPE(3))), &x, 1);
        y = leaf(tg_from_f32(F32(0.5, 1.25, -2), TG_SHAPE(3)));
        snprintf(label, sizeof label, "%s right-only grad", FUNCTIONS[i].name);
        check(label, f(tg_from_f32(F32(1.5, -2, 3), TG_SHAPE(3)), y), &y, 1);
        x = leaf(tg_from_f32(F32(1.5, -2, 3), TG_SHAPE(3)));
        y = leaf(tg_from_f32(F32(0.5, 1.25, -2), TG_SHAPE(3)));
        snprintf(label, sizeof label, "%s second", FUNCTIONS[i].name);
        second_order(label, tg_mul(f(x, y), tg_mul(x, y)), (tg_tensor *[]){x, y}, 2, false);

        inplace_fn f_ = FUNCTIONS[i].inplace;
        x = leaf(tg_from_f32(F32(1.5, -2, 3, 0.25, -0.75, 2.5), TG_SHAPE(2, 3)));
        y = leaf(tg_from_f32(F32(0.5, 1.25, -2), TG_SHAPE(3)));
        snprintf(label, sizeof label, "%s_ non-leaf", FUNCTIONS[i].name);
        check(label, f_(tg_mul_scalar(x, 1), y), (tg_tensor *[]){x, y}, 2);
        snprintf(label, sizeof label, "%s_ leaf", FUNCTIONS[i].name);
        dt(label, f_(x, y));
        snprintf(label, sizeof label, "%s_ i64 by f32", FUNCTIONS[i].name);
        dt(label, f_(tg_clone(ops[IA]), ops[FB]));
        snprintf(label, sizeof label, "%s_ i64 by i32", FUNCTIONS[i].name);
        dt(label, f_(tg_clone(ops[IA]), tg_from_i32(I32(3, -2, 5), TG_SHAPE(3))));
        snprintf(label, sizeof label, "%s_ grows", FUNCTIONS[i].name);
        dt(label, f_(tg_clone(ops[FB]), ops[FA]));
        snprintf(label, sizeof label, "%s_ f32 by f64", FUNCTIONS[i].name);
        dt(label, f_(tg_clone(ops[FT]), ops[F64V]));
        /* (PyTorch's fmod_ has written part of self when it fails; this
           library's leaves it as it was.) */
        snprintf(label, sizeof label, "%s_ i64 by zero", FUNCTIONS[i].name);
        dt(label, f_(tg_clone(ops[IA]), int_zero));
    }
    static const struct { const char *name; scalar_fn f; tg_tensor *(*f_)(tg_tensor *, double); } MODULO[] = {
        {"fmod_scalar", tg_fmod_scalar, tg_fmod_scalar_}, {"remainder_scalar", tg_remainder_scalar, tg_remainder_scalar_},
    };
    static const struct { int operand; double s; } DIVISORS[] = {
        {FA, 2}, {FA, -1.5}, {IA, -3}, {IA, 0}, {IA, 2.5}, {BA, 2}, {FT, 0}, {FE, INFINITY}, {EMPTY, 0}, {Z64, -2},
    };
    for (int i = 0; i < 2; i++) {
        for (size_t k = 0; k < sizeof DIVISORS / sizeof DIVISORS[0]; k++) {
            snprintf(label, sizeof label, "%s %s %g", MODULO[i].name, NAMES[DIVISORS[k].operand], DIVISORS[k].s);
            dt(label, MODULO[i].f(ops[DIVISORS[k].operand], DIVISORS[k].s));
        }
        dt("integers", MODULO[i].f(int_a, -3));
        dt("empty integers by zero", MODULO[i].f(tg_zeros(TG_SHAPE(0), TG_I32), 0));
        tg_tensor *x = leaf(tg_from_f32(F32(1.5, -2, 3, 0.25, -0.75, 2.5), TG_SHAPE(2, 3)));
        snprintf(label, sizeof label, "%s grad", MODULO[i].name);
        check(label, MODULO[i].f(x, -1.25), &x, 1);
        snprintf(label, sizeof label, "%s_ non-leaf", MODULO[i].name);
        check(label, MODULO[i].f_(tg_mul_scalar(x, 1), 2), &x, 1);
        snprintf(label, sizeof label, "%s_ i64 by fraction", MODULO[i].name);
        dt(label, MODULO[i].f_(tg_clone(ops[IA]), 1.5));
        snprintf(label, sizeof label, "%s_ i64 by zero", MODULO[i].name);
        dt(label, MODULO[i].f_(tg_clone(ops[IA]), 0));
        snprintf(label, sizeof label, "%s_ i64", MODULO[i].name);
        dt(label, MODULO[i].f_(tg_clone(ops[IA]), -4));
        snprintf(label, sizeof label, "%s_ f32", MODULO[i].name);
        dt(label, MODULO[i].f_(tg_clone(ops[FT]), 0.75));
    }
    tg_scope_end();
}

/* ------------------------------------------- lerp addcmul addcdiv nan_to_num */

typedef tg_tensor *(*addc_fn)(const tg_tensor *, const tg_tensor *, const tg_tensor *, double);
typedef tg_tensor *(*addc_inplace_fn)(tg_tensor *, const tg_tensor *, const tg_tensor *, double);

static void ternary_tests(void)
{
    char label[160];
    tg_scope_begin();
    static const int TRIPLES[][3] = {
        {FA, FB, FT}, {FT, FE, Z64}, {IA, IB, IA}, {FA, IA, BA}, {BA, BA, BA}, {Z64, FB, FB},
        {EMPTY, FB, FB}, {F64V, FA, FB}, {IA, IB, FB}, {FA, FB, BAD},
    };
    for (size_t k = 0; k < sizeof TRIPLES / sizeof TRIPLES[0]; k++) {
        const tg_tensor *a = ops[TRIPLES[k][0]], *b = ops[TRIPLES[k][1]], *c = ops[TRIPLES[k][2]];
        const char *na = NAMES[TRIPLES[k][0]], *nb = NAMES[TRIPLES[k][1]], *nc = NAMES[TRIPLES[k][2]];
        snprintf(label, sizeof label, "lerp %s %s %s", na, nb, nc);
        dt(label, tg_lerp(a, b, c));
        snprintf(label, sizeof label, "lerp_scalar %s %s", na, nb);
        dt(label, tg_lerp_scalar(a, b, 0.75));
        snprintf(label, sizeof label, "addcmul %s %s %s", na, nb, nc);
        dt(label, tg_addcmul(a, b, c, 2));
        snprintf(label, sizeof label, "addcmul %s %s %s 0.5", na, nb, nc);
        dt(label, tg_addcmul(a, b, c, 0.5));
        snprintf(label, sizeof label, "addcdiv %s %s %s", na, nb, nc);
        dt(label, tg_addcdiv(a, b, c, -1.5));
    }
    const tg_tensor *fa = ops[FA], *fb = ops[FB];
    tg_tensor *fa64 = tg_to(fa, TG_F64);
    dt("lerp f32 f64 weight", tg_lerp(fa, fa, fa64));
    dt("lerp f32 f64 end", tg_lerp(fa, fa64, fa));
    dt("lerp 0-dim weight f64", tg_lerp(fa, fb, ops[Z64]));
    dt("addcmul i64 value overflow", tg_addcmul(ops[IA], ops[IA], ops[IA], 1e30));
    dt("addcmul i32 value NaN", tg_addcmul(ops[IB], ops[IB], ops[IB], NAN));
    dt("addcmul f32 value 1e39", tg_addcmul(ops[FA], ops[FA], ops[FA], 1e39));
    dt("lerp_scalar ends", tg_lerp_scalar(tg_from_f32(F32(1, 2.5, -3), TG_SHAPE(3)), tg_from_f32(F32(4, -1, 7), TG_SHAPE(3)), 1));
    dt("lerp weights", tg_lerp(tg_from_f32(F32(1, 2.5, -3, 0), TG_SHAPE(4)), tg_from_f32(F32(4, -1, 7, 1), TG_SHAPE(4)),
                               tg_from_f32(F32(0, 0.5, 1, 2), TG_SHAPE(4))));

    static const double NAN_TO_NUM[][3] = {{0, NAN, NAN}, {1.5, 100, -100}, {-1, NAN, 3}, {0, 1e39, -1e39}};
    for (int o = 0; o < BAD; o++)
        for (size_t v = 0; v < sizeof NAN_TO_NUM / sizeof NAN_TO_NUM[0]; v++) {
            snprintf(label, sizeof label, "nan_to_num %s %g %g %g", NAMES[o], NAN_TO_NUM[v][0], NAN_TO_NUM[v][1],
                     NAN_TO_NUM[v][2]);
            dt(label, tg_nan_to_num(ops[o], NAN_TO_NUM[v][0], NAN_TO_NUM[v][1], NAN_TO_NUM[v][2]));
        }
    dt("nan_to_num f64 defaults", tg_nan_to_num(tg_from_f64(F64(NAN, INFINITY, -INFINITY, 1), TG_SHAPE(4)), 0, NAN, NAN));

    /* Gradients. */
    tg_tensor *x = leaf(tg_from_f32(F32(1.5, -2, 3, 0.25, -0.75, 2.5), TG_SHAPE(2, 3)));
    tg_tensor *y = leaf(tg_from_f32(F32(0.5, 1.25, -2), TG_SHAPE(3)));
    tg_tensor *w = leaf(tg_from_f32(F32(0.25, 0.75), TG_SHAPE(2, 1)));
    check("lerp grad", tg_lerp(x, y, w), (tg_tensor *[]){x, y, w}, 3);
    x = leaf(tg_from_f32(F32(1.5, -2, 3, 0.25, -0.75, 2.5), TG_SHAPE(2, 3)));
    y = leaf(tg_from_f32(F32(0.5, 1.25, -2), TG_SHAPE(3)));
    check("lerp_scalar grad", tg_lerp_scalar(x, y, 0.3), (tg_tensor *[]){x, y}, 2);
    x = leaf64(tg_from_f32(F32(1.5, -2, 3, 0.25, -0.75, 2.5), TG_SHAPE(3, 2)));
    tg_tensor *y64 = leaf64(tg_from_f32(F32(0.5, 1.25, -2), TG_SHAPE(3)));
    tg_tensor *w64 = leaf64(tg_scalar(0.6));
    check("lerp f64 transposed", tg_lerp(tg_transpose(x, 0, 1), y64, w64), (tg_tensor *[]){x, y64, w64}, 3);
    x = leaf(tg_from_f32(F32(1.5, -2, 3), TG_SHAPE(3)));
    y = leaf(tg_from_f32(F32(0.5, 1.25, -2), TG_SHAPE(3)));
    w = tg_from_f32(F32(0.25, 0.75, 1.5), TG_SHAPE(3));
    check("lerp weight constant", tg_lerp(x, y, w), (tg_tensor *[]){x, y}, 2);
    x = leaf(tg_from_f32(F32(1.5, -2, 3), TG_SHAPE(3)));
    y = leaf(tg_from_f32(F32(0.5, 1.25, -2), TG_SHAPE(3)));
    w = leaf(tg_from_f32(F32(0.25, 0.75, 1.5), TG_SHAPE(3)));
    second_order("lerp second", tg_mul(tg_lerp(x, y, w), w), (tg_tensor *[]){x, y, w}, 3, false);

    static const struct { const char *name; addc_fn f; addc_inplace_fn f_; } ADDC[] = {
        {"addcmul", tg_addcmul, tg_addcmul_}, {"addcdiv", tg_addcdiv, tg_addcdiv_},
    };
    for (int i = 0; i < 2; i++) {
        x = leaf(tg_from_f32(F32(1.5, -2, 3, 0.25, -0.75, 2.5), TG_SHAPE(2, 3)));
        y = leaf(tg_from_f32(F32(0.5, 1.25, -2), TG_SHAPE(3)));
        w = leaf(tg_from_f32(F32(0.25, 0.75), TG_SHAPE(2, 1)));
        snprintf(label, sizeof label, "%s grad", ADDC[i].name);
        check(label, ADDC[i].f(x, y, w, 1.5), (tg_tensor *[]){x, y, w}, 3);
        x = leaf64(tg_from_f32(F32(1.5, -2, 3, 0.25, -0.75, 2.5), TG_SHAPE(3, 2)));
        y = leaf(tg_from_f32(F32(0.5, 1.25, -2), TG_SHAPE(3)));
        snprintf(label, sizeof label, "%s f64 transposed, one constant", ADDC[i].name);
        check(label, ADDC[i].f(tg_transpose(x, 0, 1), y, ops[FB], -2), (tg_tensor *[]){x, y}, 2);
        x = leaf(tg_scalar(0.5));
        y = leaf(tg_from_f32(F32(0.5, 1.25, -2), TG_SHAPE(3)));
        snprintf(label, sizeof label, "%s 0-dim self, second", ADDC[i].name);
        second_order(label, tg_mul(ADDC[i].f(x, y, y, 0.5), y), (tg_tensor *[]){x, y}, 2, false);
        x = leaf(tg_from_f32(F32(1.5, -2, 3, 0.25, -0.75, 2.5), TG_SHAPE(2, 3)));
        y = leaf(tg_from_f32(F32(0.5, 1.25, -2), TG_SHAPE(3)));
        snprintf(label, sizeof label, "%s_ non-leaf", ADDC[i].name);
        check(label, ADDC[i].f_(tg_mul_scalar(x, 1), y, y, 2), (tg_tensor *[]){x, y}, 2);
        snprintf(label, sizeof label, "%s_ leaf", ADDC[i].name);
        dt(label, ADDC[i].f_(x, y, y, 1));
        snprintf(label, sizeof label, "%s_ i64 by f32", ADDC[i].name);
        dt(label, ADDC[i].f_(tg_clone(ops[IA]), ops[FB], ops[FB], 1));
        snprintf(label, sizeof label, "%s_ grows", ADDC[i].name);
        dt(label, ADDC[i].f_(tg_clone(ops[FB]), ops[FA], ops[FB], 1));
        snprintf(label, sizeof label, "%s_ transposed", ADDC[i].name);
        dt(label, ADDC[i].f_(tg_clone(ops[FT]), ops[FB], ops[FE], 3));
    }

    x = leaf(tg_from_f32(F32(1.5, NAN, INFINITY, 0.25, -INFINITY, 2.5), TG_SHAPE(2, 3)));
    check("nan_to_num grad", tg_nan_to_num(x, 0, NAN, NAN), &x, 1);
    x = leaf64(tg_from_f32(F32(1.5, NAN, INFINITY, 0.25, -INFINITY, 2.5), TG_SHAPE(3, 2)));
    check("nan_to_num f64 transposed", tg_nan_to_num(tg_transpose(x, 0, 1), 1, 2, 3), &x, 1);
    x = leaf(tg_from_f32(F32(1.5, NAN, INFINITY), TG_SHAPE(3)));
    tg_tensor *c = tg_nan_to_num(x, 0, NAN, NAN);
    second_order("nan_to_num second", tg_mul(c, c), &x, 1, true);

    x = leaf(tg_from_f32(F32(1.5, -2, 3, 0.25, -0.75, 2.5), TG_SHAPE(2, 3)));
    y = leaf(tg_from_f32(F32(0.5, 1.25, -2), TG_SHAPE(3)));
    w = leaf(tg_from_f32(F32(0.25, 0.75), TG_SHAPE(2, 1)));
    check("lerp_ non-leaf", tg_lerp_(tg_mul_scalar(x, 1), y, tg_expand(w, TG_SHAPE(2, 3))), (tg_tensor *[]){x, y, w}, 3);
    x = leaf(tg_from_f32(F32(1.5, -2, 3, 0.25, -0.75, 2.5), TG_SHAPE(2, 3)));
    y = leaf(tg_from_f32(F32(0.5, 1.25, -2), TG_SHAPE(3)));
    check("lerp_scalar_ non-leaf", tg_lerp_scalar_(tg_mul_scalar(x, 1), y, 0.25), (tg_tensor *[]){x, y}, 2);
    dt("lerp_ leaf", tg_lerp_(x, y, y));
    dt("lerp_ i64", tg_lerp_(tg_clone(ops[IA]), ops[FB], ops[FB]));
    dt("lerp_scalar_ grows", tg_lerp_scalar_(tg_clone(ops[FB]), ops[FA], 0.5));
    dt("lerp_scalar_ transposed", tg_lerp_scalar_(tg_clone(ops[FT]), ops[FE], 0.5));
    x = leaf(tg_from_f32(F32(1.5, NAN, INFINITY), TG_SHAPE(3)));
    check("nan_to_num_ non-leaf", tg_nan_to_num_(tg_mul_scalar(x, 1), 0, NAN, NAN), &x, 1);
    dt("nan_to_num_ leaf", tg_nan_to_num_(x, 0, NAN, NAN));
    dt("nan_to_num_ i64", tg_nan_to_num_(tg_clone(ops[IA]), 0, NAN, NAN));
    dt("nan_to_num_ transposed", tg_nan_to_num_(tg_clone(ops[FT]), 0, 5, NAN));
    tg_scope_end();
}

/* ------------------------------------------------ in-place comparisons */

static void compare_inplace_tests(void)
{
    static const struct { const char *name; inplace_fn f; tg_tensor *(*s)(tg_tensor *, double); } CMP_[] = {
        {"eq", tg_eq_, tg_eq_scalar_}, {"ne", tg_ne_, tg_ne_scalar_}, {"lt", tg_lt_, tg_lt_scalar_},
        {"le", tg_le_, tg_le_scalar_}, {"gt", tg_gt_, tg_gt_scalar_}, {"ge", tg_ge_, tg_ge_scalar_},
    };
    char label[160];
    tg_scope_begin();
    for (size_t i = 0; i < sizeof CMP_ / sizeof CMP_[0]; i++) {
        tg_tensor *x = leaf(tg_from_f32(F32(1.5, -2, 3, 0.25, -0.75, 2.5), TG_SHAPE(2, 3)));
        tg_tensor *y = leaf(tg_from_f32(F32(0.25, -2, 2), TG_SHAPE(3)));
        snprintf(label, sizeof label, "%s_ non-leaf", CMP_[i].name);
        check(label, CMP_[i].f(tg_mul_scalar(x, 1), y), (tg_tensor *[]){x, y}, 2);
        snprintf(label, sizeof label, "%s_scalar_ non-leaf", CMP_[i].name);
        check(label, CMP_[i].s(tg_mul_scalar(x, 1), 0.25), &x, 1);
        snprintf(label, sizeof label, "%s_ leaf", CMP_[i].name);
        dt(label, CMP_[i].f(x, y));
        snprintf(label, sizeof label, "%s_ i64 by f32", CMP_[i].name);
        dt(label, CMP_[i].f(tg_clone(ops[IA]), ops[FB]));
        snprintf(label, sizeof label, "%s_scalar_ i64 0.5", CMP_[i].name);
        dt(label, CMP_[i].s(tg_clone(ops[IA]), 0.5));
        snprintf(label, sizeof label, "%s_scalar_ bool", CMP_[i].name);
        dt(label, CMP_[i].s(tg_clone(ops[BA]), 1));
        snprintf(label, sizeof label, "%s_ transposed", CMP_[i].name);
        dt(label, CMP_[i].f(tg_clone(ops[FT]), ops[FE]));
        snprintf(label, sizeof label, "%s_ grows", CMP_[i].name);
        dt(label, CMP_[i].f(tg_clone(ops[FB]), ops[FA]));
    }
    static const struct { const char *name; inplace_fn f; } LOGICAL_[] = {
        {"logical_and", tg_logical_and_}, {"logical_or", tg_logical_or_}, {"logical_xor", tg_logical_xor_},
    };
    for (size_t i = 0; i < sizeof LOGICAL_ / sizeof LOGICAL_[0]; i++) {
        tg_tensor *x = leaf(tg_from_f32(F32(1.5, 0, 3, 0, -0.75, NAN), TG_SHAPE(2, 3)));
        tg_tensor *y = tg_from_f32(F32(0.25, 0, 2), TG_SHAPE(3));
        snprintf(label, sizeof label, "%s_ non-leaf", LOGICAL_[i].name);
        check(label, LOGICAL_[i].f(tg_mul_scalar(x, 1), y), &x, 1);
        snprintf(label, sizeof label, "%s_ leaf", LOGICAL_[i].name);
        dt(label, LOGICAL_[i].f(x, y));
        snprintf(label, sizeof label, "%s_ i64 by f32", LOGICAL_[i].name);
        dt(label, LOGICAL_[i].f(tg_clone(ops[IA]), ops[FB]));
        snprintf(label, sizeof label, "%s_ bool", LOGICAL_[i].name);
        dt(label, LOGICAL_[i].f(tg_clone(ops[BA]), ops[IB]));
        snprintf(label, sizeof label, "%s_ expanded", LOGICAL_[i].name);
        dt(label, LOGICAL_[i].f(tg_expand(tg_zeros(TG_SHAPE(1, 3), TG_F32), TG_SHAPE(2, 3)), ops[FA]));
        snprintf(label, sizeof label, "%s_ grows", LOGICAL_[i].name);
        dt(label, LOGICAL_[i].f(tg_clone(ops[FB]), ops[FA]));
    }
    tg_tensor *x = leaf(tg_from_f32(F32(1.5, 0, NAN), TG_SHAPE(3)));
    check("logical_not_ non-leaf", tg_logical_not_(tg_mul_scalar(x, 1)), &x, 1);
    dt("logical_not_ leaf", tg_logical_not_(x));
    dt("logical_not_ leaf after", x);
    dt("logical_not_ transposed", tg_logical_not_(tg_clone(ops[FT])));
    dt("logical_not_ i64", tg_logical_not_(tg_clone(ops[IA])));
    tg_scope_end();
}

/* ------------------------------------------------------ NULL arguments */

/* This library's own error, naming the public function; w, written by
   nothing, stays as it was. */
static void null_argument_tests(void)
{
    tg_scope_begin();
    tg_tensor *a = tg_ones(TG_SHAPE(2), TG_F32), *w = tg_ones(TG_SHAPE(2), TG_F32);
    tg_tensor *m = tg_from_bool(BOOL(true, false), TG_SHAPE(2));
    int bad = 0;
#define NULL_ARG(call, name) do {                                                              \
        tg_clear_error();                                                                      \
        if ((call) != NULL || strcmp(tg_last_error(), name "(): a tensor argument is NULL")) { \
            printf("null argument of %s: %s\n", name, tg_last_error());                       \
            bad = 1;                                                                           \
        }                                                                                      \
    } while (0)
    NULL_ARG(tg_eq(a, NULL), "tg_eq");
    NULL_ARG(tg_eq(NULL, a), "tg_eq");
    NULL_ARG(tg_ne(a, NULL), "tg_ne");
    NULL_ARG(tg_ne(NULL, a), "tg_ne");
    NULL_ARG(tg_lt(a, NULL), "tg_lt");
    NULL_ARG(tg_lt(NULL, a), "tg_lt");
    NULL_ARG(tg_le(a, NULL), "tg_le");
    NULL_ARG(tg_le(NULL, a), "tg_le");
    NULL_ARG(tg_gt(a, NULL), "tg_gt");
    NULL_ARG(tg_gt(NULL, a), "tg_gt");
    NULL_ARG(tg_ge(a, NULL), "tg_ge");
    NULL_ARG(tg_ge(NULL, a), "tg_ge");
    NULL_ARG(tg_logical_and(a, NULL), "tg_logical_and");
    NULL_ARG(tg_logical_and(NULL, a), "tg_logical_and");
    NULL_ARG(tg_logical_or(a, NULL), "tg_logical_or");
    NULL_ARG(tg_logical_or(NULL, a), "tg_logical_or");
    NULL_ARG(tg_logical_xor(a, NULL), "tg_logical_xor");
    NULL_ARG(tg_logical_xor(NULL, a), "tg_logical_xor");
    NULL_ARG(tg_atan2(a, NULL), "tg_atan2");
    NULL_ARG(tg_atan2(NULL, a), "tg_atan2");
    NULL_ARG(tg_fmod(a, NULL), "tg_fmod");
    NULL_ARG(tg_fmod(NULL, a), "tg_fmod");
    NULL_ARG(tg_remainder(a, NULL), "tg_remainder");
    NULL_ARG(tg_remainder(NULL, a), "tg_remainder");
    NULL_ARG(tg_hypot(a, NULL), "tg_hypot");
    NULL_ARG(tg_hypot(NULL, a), "tg_hypot");
    NULL_ARG(tg_xlogy(a, NULL), "tg_xlogy");
    NULL_ARG(tg_xlogy(NULL, a), "tg_xlogy");
    NULL_ARG(tg_eq_scalar(NULL, 1), "tg_eq_scalar");
    NULL_ARG(tg_eq_scalar_(NULL, 1), "tg_eq_scalar_");
    NULL_ARG(tg_ne_scalar(NULL, 1), "tg_ne_scalar");
    NULL_ARG(tg_ne_scalar_(NULL, 1), "tg_ne_scalar_");
    NULL_ARG(tg_lt_scalar(NULL, 1), "tg_lt_scalar");
    NULL_ARG(tg_lt_scalar_(NULL, 1), "tg_lt_scalar_");
    NULL_ARG(tg_le_scalar(NULL, 1), "tg_le_scalar");
    NULL_ARG(tg_le_scalar_(NULL, 1), "tg_le_scalar_");
    NULL_ARG(tg_gt_scalar(NULL, 1), "tg_gt_scalar");
    NULL_ARG(tg_gt_scalar_(NULL, 1), "tg_gt_scalar_");
    NULL_ARG(tg_ge_scalar(NULL, 1), "tg_ge_scalar");
    NULL_ARG(tg_ge_scalar_(NULL, 1), "tg_ge_scalar_");
    NULL_ARG(tg_eq_(w, NULL), "tg_eq_");
    NULL_ARG(tg_eq_(NULL, a), "tg_eq_");
    NULL_ARG(tg_ne_(w, NULL), "tg_ne_");
    NULL_ARG(tg_ne_(NULL, a), "tg_ne_");
    NULL_ARG(tg_lt_(w, NULL), "tg_lt_");
    NULL_ARG(tg_lt_(NULL, a), "tg_lt_");
    NULL_ARG(tg_le_(w, NULL), "tg_le_");
    NULL_ARG(tg_le_(NULL, a), "tg_le_");
    NULL_ARG(tg_gt_(w, NULL), "tg_gt_");
    NULL_ARG(tg_gt_(NULL, a), "tg_gt_");
    NULL_ARG(tg_ge_(w, NULL), "tg_ge_");
    NULL_ARG(tg_ge_(NULL, a), "tg_ge_");
    NULL_ARG(tg_atan2_(w, NULL), "tg_atan2_");
    NULL_ARG(tg_atan2_(NULL, a), "tg_atan2_");
    NULL_ARG(tg_fmod_(w, NULL), "tg_fmod_");
    NULL_ARG(tg_fmod_(NULL, a), "tg_fmod_");
    NULL_ARG(tg_remainder_(w, NULL), "tg_remainder_");
    NULL_ARG(tg_remainder_(NULL, a), "tg_remainder_");
    NULL_ARG(tg_hypot_(w, NULL), "tg_hypot_");
    NULL_ARG(tg_hypot_(NULL, a), "tg_hypot_");
    NULL_ARG(tg_xlogy_(w, NULL), "tg_xlogy_");
    NULL_ARG(tg_xlogy_(NULL, a), "tg_xlogy_");
    NULL_ARG(tg_logical_not(NULL), "tg_logical_not");
    NULL_ARG(tg_isnan(NULL), "tg_isnan");
    NULL_ARG(tg_isinf(NULL), "tg_isinf");
    NULL_ARG(tg_isfinite(NULL), "tg_isfinite");
    NULL_ARG(tg_logical_and_(w, NULL), "tg_logical_and_");
    NULL_ARG(tg_logical_or_(NULL, a), "tg_logical_or_");
    NULL_ARG(tg_logical_xor_(w, NULL), "tg_logical_xor_");
    NULL_ARG(tg_logical_not_(NULL), "tg_logical_not_");
    NULL_ARG(tg_fmod_scalar(NULL, 1), "tg_fmod_scalar");
    NULL_ARG(tg_remainder_scalar(NULL, 1), "tg_remainder_scalar");
    NULL_ARG(tg_fmod_scalar_(NULL, 1), "tg_fmod_scalar_");
    NULL_ARG(tg_remainder_scalar_(NULL, 1), "tg_remainder_scalar_");
    NULL_ARG(tg_clamp(NULL, 0, 1), "tg_clamp");
    NULL_ARG(tg_clamp_min(NULL, 0), "tg_clamp_min");
    NULL_ARG(tg_clamp_max(NULL, 0), "tg_clamp_max");
    NULL_ARG(tg_clamp_(NULL, 0, 1), "tg_clamp_");
    NULL_ARG(tg_clamp_min_(NULL, 0), "tg_clamp_min_");
    NULL_ARG(tg_clamp_max_(NULL, 0), "tg_clamp_max_");
    NULL_ARG(tg_masked_fill(a, NULL, 0), "tg_masked_fill");
    NULL_ARG(tg_masked_fill(NULL, m, 0), "tg_masked_fill");
    NULL_ARG(tg_masked_fill_(w, NULL, 0), "tg_masked_fill_");
    NULL_ARG(tg_masked_fill_(NULL, m, 0), "tg_masked_fill_");
    NULL_ARG(tg_lerp(a, a, NULL), "tg_lerp");
    NULL_ARG(tg_lerp(NULL, a, a), "tg_lerp");
    NULL_ARG(tg_lerp_(w, NULL, a), "tg_lerp_");
    NULL_ARG(tg_lerp_scalar(a, NULL, 0.5), "tg_lerp_scalar");
    NULL_ARG(tg_lerp_scalar_(NULL, a, 0.5), "tg_lerp_scalar_");
    NULL_ARG(tg_addcmul(a, a, NULL, 1), "tg_addcmul");
    NULL_ARG(tg_addcmul_(w, NULL, a, 1), "tg_addcmul_");
    NULL_ARG(tg_addcdiv(NULL, a, a, 1), "tg_addcdiv");
    NULL_ARG(tg_addcdiv_(w, a, NULL, 1), "tg_addcdiv_");
    NULL_ARG(tg_nan_to_num(NULL, 0, NAN, NAN), "tg_nan_to_num");
    NULL_ARG(tg_nan_to_num_(NULL, 0, NAN, NAN), "tg_nan_to_num_");
#undef NULL_ARG
    if (tg_version(w) != 0 || tg_item(tg_sum(w)) != 2) bad = 1;
    printf("null arguments: %s\n", bad ? "FAILED" : "ok");
    tg_scope_end();
}

int main(void)
{
    make_operands();
    comparison_tests();
    clamp_tests();
    masked_fill_tests();
    function_tests();
    ternary_tests();
    compare_inplace_tests();
    null_argument_tests();
    return 0;
}
