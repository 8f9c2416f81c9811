/* tg_matmul over every combination of 1-D, 2-D, 3-D and batch-broadcast 4-D
   operands, forward and backward, comparing the whole chain of grad_fn nodes
   with PyTorch's. Prints what ops_matmul.py prints. */
#include <tensorgrad.h>

#include <stdio.h>

#include "oracle.h"

/* A leaf of the given shape with values (0, 1, 2, ...) / scale - shift. */
static tg_tensor *seq(const int64_t *shape, int nd, double scale, double shift, tg_dtype dt)
{
    int64_t n = 1;
    for (int i = 0; i < nd; i++) n *= shape[i];
    tg_tensor *t = tg_sub_scalar(tg_div_scalar(tg_arange(0, (double)n, 1, TG_F32), scale), shift);
    return leaf(tg_to(tg_reshape(t, shape, nd), dt));
}

#define SEQ_A(...) seq(TG_SHAPE(__VA_ARGS__), 4.0, 1.0, TG_F32)
#define SEQ_B(...) seq(TG_SHAPE(__VA_ARGS__), 8.0, 0.5, TG_F32)

static const struct { const char *name; int64_t a[4]; int na; int64_t b[4]; int nb; } CASES[] = {
    {"1-D . 1-D", {3}, 1, {3}, 1},
    {"2-D @ 1-D", {2, 3}, 2, {3}, 1},
    {"1-D @ 2-D", {3}, 1, {3, 4}, 2},
    {"2-D @ 2-D", {2, 3}, 2, {3, 4}, 2},
    {"3-D @ 2-D", {2, 2, 3}, 3, {3, 4}, 2},
    {"2-D @ 3-D", {2, 3}, 2, {2, 3, 4}, 3},
    {"3-D @ 1-D", {2, 2, 3}, 3, {3}, 1},
    {"1-D @ 3-D", {3}, 1, {2, 3, 4}, 3},
    {"3-D @ 3-D", {2, 2, 3}, 3, {2, 3, 4}, 3},
    {"4-D @ 3-D", {2, 1, 2, 3}, 4, {3, 3, 4}, 3},
    {"3-D @ 4-D", {3, 2, 3}, 3, {2, 1, 3, 2}, 4},
    {"4-D @ 1-D", {2, 1, 2, 3}, 4, {3}, 1},
    {"1-D @ 4-D", {3}, 1, {2, 1, 3, 2}, 4},
    {"4-D @ 2-D", {1, 2, 2, 3}, 4, {3, 2}, 2},
    {"2-D @ 4-D", {2, 3}, 2, {2, 1, 3, 2}, 4},
    {"batch 1 @ 3-D", {1, 2, 3}, 3, {3, 3, 2}, 3},
};

static void shape_cases(void)
{
    char label[128];
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        tg_scope_begin();
        tg_tensor *a = seq(CASES[i].a, CASES[i].na, 4.0, 1.0, TG_F32);
        tg_tensor *b = seq(CASES[i].b, CASES[i].nb, 8.0, 0.5, TG_F32);
        check(CASES[i].name, tg_matmul(a, b), (tg_tensor *[]){a, b}, 2);

        a = seq(CASES[i].a, CASES[i].na, 4.0, 1.0, TG_F32);
        b = tg_detach(seq(CASES[i].b, CASES[i].nb, 8.0, 0.5, TG_F32));
        snprintf(label, sizeof label, "%s left only", CASES[i].name);
        check(label, tg_matmul(a, b), &a, 1);

        a = tg_detach(seq(CASES[i].a, CASES[i].na, 4.0, 1.0, TG_F32));
        b = seq(CASES[i].b, CASES[i].nb, 8.0, 0.5, TG_F32);
        snprintf(label, sizeof label, "%s right only", CASES[i].name);
        check(label, tg_matmul(a, b), &b, 1);
        tg_scope_end();
    }
}

static void layout_cases(void)
{
    tg_scope_begin();
    tg_tensor *a = SEQ_A(3, 2), *b = seq(TG_SHAPE(4, 3), 8.0, 0, TG_F32);
    check("transposed", tg_matmul(tg_transpose(a, 0, 1), tg_transpose(b, 0, 1)), (tg_tensor *[]){a, b}, 2);

    a = SEQ_A(2, 6);
    b = seq(TG_SHAPE(3, 4), 8.0, 0, TG_F32);
    check("sliced", tg_matmul(tg_slice(a, 1, 0, 6, 2), b), (tg_tensor *[]){a, b}, 2);

    a = SEQ_A(1, 2, 3);
    b = seq(TG_SHAPE(2, 3, 2), 8.0, 0, TG_F32);
    check("expanded", tg_matmul(tg_expand(a, TG_SHAPE(2, 2, 3)), b), (tg_tensor *[]){a, b}, 2);

    a = SEQ_A(2, 3, 2);
    b = seq(TG_SHAPE(2, 3, 4), 8.0, 0, TG_F32);
    check("permuted batch", tg_matmul(tg_permute(a, (const int64_t[]){0, 2, 1}, 3), b), (tg_tensor *[]){a, b}, 2);

    a = SEQ_A(2, 3);
    tg_tensor *v = seq(TG_SHAPE(3, 2), 8.0, 0, TG_F32);
    check("vector stride", tg_matmul(a, tg_select(v, 1, 1)), (tg_tensor *[]){a, v}, 2);

    a = seq(TG_SHAPE(2, 3), 4.0, 1.0, TG_F64);
    b = seq(TG_SHAPE(2, 3, 2), 8.0, 0, TG_F64);
    check("f64", tg_matmul(a, b), (tg_tensor *[]){a, b}, 2);

    /* matmul inside a longer expression (a two-layer perceptron). */
    tg_tensor *x = SEQ_A(4, 3), *w1 = SEQ_B(3, 5), *w2 = seq(TG_SHAPE(5, 2), 8.0, 0.25, TG_F32);
    tg_tensor *h = tg_relu(tg_matmul(x, w1));
    check("mlp", tg_sum(tg_matmul(h, w2)), (tg_tensor *[]){x, w1, w2}, 3);
    tg_scope_end();
}

int main(void)
{
    shape_cases();
    layout_cases();
    return 0;
}
