/* softmax and log_softmax: values, gradients and graphs over every dim
   (negative too), on contiguous, transposed, expanded, 0-dim and empty
   inputs, in f32 and f64, with extreme values; second derivatives
   and the graph of the first under create_graph; PyTorch's errors. Prints
   what nn_softmax.py prints with PyTorch. */
#include <tensorgrad.h>

#include <math.h>
#include <stdio.h>

#include "oracle.h"

typedef tg_tensor *(*softmax_fn)(const tg_tensor *, int64_t);
static const struct { const char *name; softmax_fn f; } FUNCS[] = {
    {"softmax", tg_softmax},
    {"log_softmax", tg_log_softmax},
};

static tg_tensor *x23(void) { return leaf(tg_from_f32(F32(0.5, -1.0, 2.0, 0.0, 3.0, -0.25), TG_SHAPE(2, 3))); }

/* 24 values in [-2.5, 2.5], as Python's ((arange(24) * 7) % 11 - 5) / 2 */
static tg_tensor *values24(void)
{
    return tg_div_scalar(tg_sub_scalar(tg_remainder_scalar(tg_mul_scalar(tg_arange(0, 24, 1, TG_F32), 7), 11), 5), 2);
}
static tg_tensor *x234(void) { return leaf(values24()); }

/* Rows of 40 (the SIMD loop's chunks and a tail): ((arange(120) * 13) % 37 - 18) / 4 */
static tg_tensor *values3x40(void)
{
    tg_tensor *v = tg_remainder_scalar(tg_mul_scalar(tg_arange(0, 120, 1, TG_F32), 13), 37);
    return tg_view(tg_div_scalar(tg_sub_scalar(v, 18), 4), TG_SHAPE(3, 40));
}

/* The gradient under create_graph (value and graph), then the second
   derivative of weights . gradient. */
static void second(const char *label, softmax_fn f, tg_tensor *x, int64_t dim)
{
    char buf[160];
    tg_scope_begin();
    tg_tensor *y = f(x, dim), *g = NULL;
    tg_backward_opts create = {.retain_graph = true, .create_graph = true};
    if (tg_autograd_grad(&y, 1, &x, 1, (tg_tensor *[]){weights(y)}, create, &g) != 0) {
        printf("%s error: %s\n", label, tg_last_error());
    } else {
        snprintf(buf, sizeof buf, "%s d1", label);
        show(buf, g);
        graph(buf, g);
        snprintf(buf, sizeof buf, "%s d2", label);
        backprop(buf, g, &x, 1);
    }
    tg_scope_end();
}

static void one(const char *name, softmax_fn f)
{
    char label[160];
#define L(what) (snprintf(label, sizeof label, "%s %s", name, what), label)
    CASE_STRIDED(L("dim 1"), x23(), f(x, 1));
    CASE_STRIDED(L("dim 0"), x23(), f(x, 0));
    CASE_STRIDED(L("dim -1"), x23(), f(x, -1));
    CASE_STRIDED(L("dim -2"), x23(), f(x, -2));
    CASE_STRIDED(L("3-D dim 1"), x234(), f(tg_view(x, TG_SHAPE(2, 3, 4)), 1));
    CASE_STRIDED(L("3-D dim 0"), x234(), f(tg_view(x, TG_SHAPE(2, 3, 4)), 0));
    CASE_STRIDED(L("3-D dim 2"), x234(), f(tg_view(x, TG_SHAPE(2, 3, 4)), 2));
    CASE_STRIDED(L("transposed dim 1"), x23(), f(tg_transpose(x, 0, 1), 1));
    CASE_STRIDED(L("transposed dim 0"), x23(), f(tg_transpose(x, 0, 1), 0));
    CASE_STRIDED(L("expanded"), leaf(tg_from_f32(F32(1.0, -2.0, 0.5), TG_SHAPE(3, 1))),
         f(tg_expand(x, TG_SHAPE(3, 4)), 1));
    CASE_STRIDED(L("expanded dim 0"), leaf(tg_from_f32(F32(1.0, -2.0, 0.5), TG_SHAPE(3))),
         f(tg_expand(x, TG_SHAPE(2, 3)), 0));
    CASE_STRIDED(L("sliced f64"), leaf64(tg_from_f32(F32(0.5, 9.0, -1.0, 9.0, 2.0, 9.0, 0.0, 9.0), TG_SHAPE(2, 4))),
         f(tg_slice(x, 1, 0, 4, 2), 1));
    CASE_STRIDED(L("f64 dim 0"), leaf64(tg_from_f32(F32(0.5, -1.0, 2.0, 0.0, 3.0, -0.25), TG_SHAPE(2, 3))), f(x, 0));
    CASE_STRIDED(L("rows of 40"), leaf(values3x40()), f(x, 1));
    CASE_STRIDED(L("f64 rows of 40"), leaf64(values3x40()), f(x, -1));
    CASE_STRIDED(L("0-dim"), leaf(tg_scalar(1.5)), f(x, 0));
    CASE_STRIDED(L("0-dim dim -1"), leaf(tg_scalar(-2.0)), f(x, -1));
    CASE_STRIDED(L("one element"), leaf(tg_from_f32(F32(3.0), TG_SHAPE(1, 1))), f(x, 1));
    CASE_STRIDED(L("empty dim 0"), leaf(tg_zeros(TG_SHAPE(0, 3), TG_F32)), f(x, 0));
    CASE_STRIDED(L("empty dim 1"), leaf(tg_zeros(TG_SHAPE(0, 3), TG_F32)), f(x, 1));
    CASE_STRIDED(L("empty row"), leaf(tg_zeros(TG_SHAPE(2, 0), TG_F32)), f(x, 1));
    CASE_STRIDED(L("large"), leaf(tg_from_f32(F32(1000.0, 1001.0, 999.0, -1000.0, -1001.0, -999.0), TG_SHAPE(2, 3))),
         f(x, 1));
    CASE_STRIDED(L("f64 large"), leaf64(tg_from_f32(F32(1e30f, 0.0, -1e30f, 88.0, 89.0, 90.0), TG_SHAPE(2, 3))), f(x, 1));
    ATTEMPT(L("-inf"), f(tg_from_f32(F32(-INFINITY, 0.0, 1.0, -INFINITY, -INFINITY, 2.0), TG_SHAPE(2, 3)), 1));
    ATTEMPT(L("all -inf"), f(tg_from_f32(F32(-INFINITY, -INFINITY), TG_SHAPE(2)), 0));
    ATTEMPT(L("+inf"), f(tg_from_f32(F32(INFINITY, 0.0, 1.0), TG_SHAPE(3)), 0));
    ATTEMPT(L("nan"), f(tg_from_f32(F32(NAN, 0.0, 1.0, 2.0), TG_SHAPE(2, 2)), 1));

    tg_scope_begin();
    second(L("second dim 1"), f, x23(), 1);
    second(L("second dim 0"), f, x23(), 0);
    second(L("second f64 3-D"), f, leaf64(tg_view(values24(), TG_SHAPE(2, 3, 4))), -2);
    second(L("second 0-dim"), f, leaf(tg_scalar(0.5)), 0);
    tg_scope_end();

    ATTEMPT(L("i64"), f(tg_from_i64(I64(1, 2, 3), TG_SHAPE(3)), 0));
    ATTEMPT(L("i64 dim 0"), f(tg_from_i64(I64(1, 2, 3), TG_SHAPE(3, 1)), 0));
    ATTEMPT(L("i32"), f(tg_to(tg_from_i64(I64(1, 2, 3), TG_SHAPE(3)), TG_I32), -1));
    ATTEMPT(L("bool"), f(tg_to(tg_from_i64(I64(1, 0, 3), TG_SHAPE(3)), TG_BOOL), 0));
    ATTEMPT(L("empty i64"), f(tg_from_i64(I64(0), TG_SHAPE(0)), 0));
    ATTEMPT(L("dim 2"), f(tg_ones(TG_SHAPE(2, 3), TG_F32), 2));
    ATTEMPT(L("dim -3"), f(tg_ones(TG_SHAPE(2, 3), TG_F32), -3));
    ATTEMPT(L("0-dim dim 1"), f(tg_scalar(1.0), 1));
    ATTEMPT(L("NULL"), f(NULL, 0));
#undef L
}

int main(void)
{
    for (size_t i = 0; i < sizeof FUNCS / sizeof FUNCS[0]; i++) one(FUNCS[i].name, FUNCS[i].f);
    return 0;
}
