/* Binary operations (tensor and scalar forms), unary functions and where,
   forward and backward, on broadcast and non-contiguous (transposed, sliced,
   expanded) inputs. Prints what ops_elementwise.py prints with PyTorch. */
#include <tensorgrad.h>

#include <stdio.h>

#include "oracle.h"

/* ----------------------------------------------------------------- binary */

typedef tg_tensor *(*binary_fn)(const tg_tensor *, const tg_tensor *);
static const struct { const char *name; binary_fn f; } BINARY[] = {
    {"add", tg_add}, {"sub", tg_sub}, {"mul", tg_mul}, {"div", tg_div},
    {"pow", tg_pow}, {"maximum", tg_maximum}, {"minimum", tg_minimum},
};
#define N_BINARY (int)(sizeof BINARY / sizeof BINARY[0])

/* Each configuration makes the operands and the leaves they come from. */
static void bcast(tg_tensor **a, tg_tensor **b, tg_tensor **leaves)
{
    leaves[0] = *a = leaf(tg_from_f32(F32(1.0, 1.25, 2.0, 1.5, 0.75, 3.0), TG_SHAPE(2, 3)));
    leaves[1] = *b = leaf(tg_from_f32(F32(1.0, 2.0, -0.5), TG_SHAPE(1, 3)));
}

static void strided(tg_tensor **a, tg_tensor **b, tg_tensor **leaves)
{
    leaves[0] = leaf(tg_from_f32(F32(0.25, 2.0, 1.5, 0.5, 3.0, 1.0), TG_SHAPE(3, 2)));
    leaves[1] = leaf(tg_from_f32(F32(2.0, 9.0, 0.5, 9.0, 1.0, 9.0, -1.0, 9.0, 0.5, 9.0, 2.0, 9.0), TG_SHAPE(2, 6)));
    *a = tg_transpose(leaves[0], 0, 1);
    *b = tg_slice(leaves[1], 1, 0, 6, 2);
}

static void expanded(tg_tensor **a, tg_tensor **b, tg_tensor **leaves)
{
    leaves[0] = leaf(tg_from_f32(F32(0.5, 2.0, 4.0), TG_SHAPE(1, 3)));
    leaves[1] = *b = leaf(tg_scalar(2.0));
    *a = tg_expand(leaves[0], TG_SHAPE(2, 3));
}

static void column_f64(tg_tensor **a, tg_tensor **b, tg_tensor **leaves)
{
    leaves[0] = *a = leaf64(tg_from_f32(F32(2.0, 0.5), TG_SHAPE(2, 1)));
    leaves[1] = *b = leaf64(tg_from_f32(F32(0.25, 1.0, 4.0), TG_SHAPE(3)));
}

static void swapped_0d(tg_tensor **a, tg_tensor **b, tg_tensor **leaves)
{
    leaves[0] = *a = leaf(tg_scalar(1.5));
    leaves[1] = leaf(tg_from_f32(F32(0.25, 2.0, 1.5, 0.5, 3.0, 1.0), TG_SHAPE(3, 2)));
    *b = tg_transpose(leaves[1], 0, 1);
}

typedef void (*config_fn)(tg_tensor **, tg_tensor **, tg_tensor **);
static const struct { const char *name; config_fn make; } CONFIGS[] = {
    {"bcast", bcast}, {"strided", strided}, {"expanded", expanded},
    {"f64", column_f64}, {"0d-left", swapped_0d},
};

static void binary_tests(void)
{
    char label[128];
    for (int i = 0; i < N_BINARY; i++) {
        for (size_t c = 0; c < sizeof CONFIGS / sizeof CONFIGS[0]; c++) {
            tg_scope_begin();
            tg_tensor *a, *b, *leaves[2];
            CONFIGS[c].make(&a, &b, leaves);
            snprintf(label, sizeof label, "%s %s", BINARY[i].name, CONFIGS[c].name);
            check(label, BINARY[i].f(a, b), leaves, 2);
            tg_scope_end();
        }
    }
    /* Only one side requires grad: the other edge is None. */
    for (int i = 0; i < N_BINARY; i++) {
        tg_scope_begin();
        tg_tensor *a = leaf(tg_from_f32(F32(1.0, 1.25, 2.0, 1.5, 0.75, 3.0), TG_SHAPE(2, 3)));
        tg_tensor *b = tg_from_f32(F32(2.0, 0.5, 1.25), TG_SHAPE(3));
        snprintf(label, sizeof label, "%s right-only", BINARY[i].name);
        check(label, BINARY[i].f(b, a), &a, 1);
        tg_scope_end();
    }
}

/* ----------------------------------------------------------------- scalar */

typedef tg_tensor *(*scalar_fn)(const tg_tensor *, double);
static const struct { const char *name; scalar_fn f; double s; } SCALAR[] = {
    {"add_scalar 2.5", tg_add_scalar, 2.5},
    {"add_scalar -1", tg_add_scalar, -1},
    {"sub_scalar 2", tg_sub_scalar, 2},
    {"mul_scalar -3", tg_mul_scalar, -3},
    {"mul_scalar 0.5", tg_mul_scalar, 0.5},
    {"div_scalar 4", tg_div_scalar, 4},
    {"div_scalar -0.5", tg_div_scalar, -0.5},
    {"pow_scalar 2", tg_pow_scalar, 2},
    {"pow_scalar 3", tg_pow_scalar, 3},
    {"pow_scalar 0.5", tg_pow_scalar, 0.5},
    {"pow_scalar -1", tg_pow_scalar, -1},
    {"pow_scalar -1.5", tg_pow_scalar, -1.5},
    {"pow_scalar 0", tg_pow_scalar, 0},
    {"pow_scalar 1", tg_pow_scalar, 1},
    {"rsub_scalar 1", tg_rsub_scalar, 1},
    {"rsub_scalar -2.5", tg_rsub_scalar, -2.5},
};

static void scalar_tests(void)
{
    char label[128];
    for (size_t i = 0; i < sizeof SCALAR / sizeof SCALAR[0]; i++) {
        tg_scope_begin();
        tg_tensor *a = leaf(tg_from_f32(F32(1.0, 0.25, 2.0, 1.5, 0.75, 4.0), TG_SHAPE(2, 3)));
        check(SCALAR[i].name, SCALAR[i].f(a, SCALAR[i].s), &a, 1);
        tg_tensor *l1 = leaf(tg_from_f32(F32(0.25, 2.0, 1.5, 0.5, 3.0, 1.0), TG_SHAPE(3, 2)));
        snprintf(label, sizeof label, "%s transposed", SCALAR[i].name);
        check(label, SCALAR[i].f(tg_transpose(l1, 0, 1), SCALAR[i].s), &l1, 1);
        tg_scope_end();
    }
}

/* ------------------------------------------------------------------ unary */

typedef tg_tensor *(*unary_fn)(const tg_tensor *);
static const struct { const char *name; unary_fn f; } UNARY[] = {
    {"neg", tg_neg}, {"exp", tg_exp}, {"expm1", tg_expm1}, {"log", tg_log}, {"sqrt", tg_sqrt},
    {"abs", tg_abs}, {"sin", tg_sin}, {"cos", tg_cos}, {"tanh", tg_tanh},
    {"sigmoid", tg_sigmoid}, {"relu", tg_relu}, {"sign", tg_sign},
};

static void unary_tests(void)
{
    char label[128];
    for (size_t i = 0; i < sizeof UNARY / sizeof UNARY[0]; i++) {
        tg_scope_begin();
        unary_fn f = UNARY[i].f;
        tg_tensor *u = leaf(tg_from_f32(F32(-2.0, -0.5, 0.0, 0.25, 0.5, 1.0, 1.5, 3.0), TG_SHAPE(2, 4)));
        check(UNARY[i].name, f(u), &u, 1);

        tg_tensor *u64 = leaf64(tg_from_f32(F32(-1.5, 0.5, 0.0, 2.0, 0.75, -0.25, 4.0, 1.0), TG_SHAPE(4, 2)));
        snprintf(label, sizeof label, "%s f64 transposed", UNARY[i].name);
        check(label, f(tg_transpose(u64, 0, 1)), &u64, 1);

        tg_tensor *ux = leaf(tg_from_f32(F32(0.5, -1.0, 2.0), TG_SHAPE(1, 3)));
        snprintf(label, sizeof label, "%s expanded", UNARY[i].name);
        check(label, f(tg_expand(ux, TG_SHAPE(2, 3))), &ux, 1);

        tg_tensor *u0 = leaf(tg_scalar(0.75));
        snprintf(label, sizeof label, "%s 0-dim", UNARY[i].name);
        check(label, f(u0), &u0, 1);
        tg_scope_end();
    }
}

/* ------------------------------------------------------------------ where */

static void where_tests(void)
{
    tg_scope_begin();
    tg_tensor *c = tg_from_bool((const bool[]){true, false, true}, TG_SHAPE(1, 3));
    tg_tensor *a = leaf(tg_from_f32(F32(1.0, 1.25, 2.0, 1.5, 0.75, 3.0), TG_SHAPE(2, 3)));
    tg_tensor *s = leaf(tg_scalar(-1.0));
    check("where bcast", tg_where(c, a, s), (tg_tensor *[]){a, s}, 2);

    c = tg_from_bool((const bool[]){true, false, false, false, true, true}, TG_SHAPE(2, 3));
    a = leaf(tg_from_f32(F32(0.5, 1.5, 2.5), TG_SHAPE(3)));
    tg_tensor *l = leaf(tg_from_f32(F32(1.0, 2.0, 3.0, 4.0), TG_SHAPE(1, 4)));
    tg_tensor *b = tg_transpose(tg_slice(l, 1, 1, 4, 2), 0, 1);
    check("where strided", tg_where(c, a, b), (tg_tensor *[]){a, l}, 2);

    c = tg_from_bool((const bool[]){false, true}, TG_SHAPE(2));
    a = tg_from_f32(F32(1.0, 2.0), TG_SHAPE(2, 1));
    b = leaf(tg_from_f32(F32(0.5, -0.5), TG_SHAPE(1, 2)));
    check("where other-only", tg_where(c, a, b), &b, 1);

    c = tg_from_bool((const bool[]){true, false}, TG_SHAPE(2));
    a = leaf64(tg_from_f32(F32(1.0, 2.0), TG_SHAPE(2)));
    b = leaf(tg_from_f32(F32(3.0, 4.0), TG_SHAPE(2)));
    check("where mixed dtypes", tg_where(c, a, b), (tg_tensor *[]){a, b}, 2);
    tg_scope_end();
}

/* ------------------------------------------------------------------ other */

static void other_tests(void)
{
    tg_scope_begin();
    tg_tensor *a = tg_from_f32(F32(1.0, 1.25, 2.0, 0.5), TG_SHAPE(2, 2));
    show("plain add", tg_add(a, a));
    show("plain exp", tg_exp(a));
    printf("plain add requires_grad: %s\n", tg_requires_grad(tg_add(a, a)) ? "True" : "False");

    /* A longer chain: the whole graph and the gradients through it. */
    tg_tensor *x = leaf(tg_from_f32(F32(0.5, 1.0, 2.0), TG_SHAPE(3)));
    tg_tensor *y = leaf(tg_from_f32(F32(1.0, -1.0), TG_SHAPE(2, 1)));
    tg_tensor *z = tg_sub(tg_div(tg_sigmoid(tg_add_scalar(tg_mul(x, y), 1)), tg_exp(y)),
                          tg_pow_scalar(tg_tanh(x), 2));
    check("chain", tg_maximum(z, tg_abs(tg_sub(y, x))), (tg_tensor *[]){x, y}, 2);
    tg_scope_end();
}

int main(void)
{
    binary_tests();
    scalar_tests();
    unary_tests();
    where_tests();
    other_tests();
    return 0;
}
