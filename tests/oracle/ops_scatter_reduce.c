/* cumsum_ and cumprod_, the scalar forms of xlogy (and xlogy_scalar_), and
   scatter_reduce (and scatter_reduce_): values, strides, graphs and
   gradients on contiguous, transposed and empty inputs, f64 and integer
   tensors, and errors. Prints what ops_scatter_reduce.py prints with
   PyTorch. */
#include <tensorgrad.h>

#include <stdio.h>

#include "oracle.h"

static void geometry(const char *label, const tg_tensor *t)
{
    printf("%s stride: (", label);
    for (int i = 0; i < tg_ndim(t); i++) printf(i ? ", %lld" : "%lld", (long long)tg_strides(t)[i]);
    printf("%s)\n", tg_ndim(t) == 1 ? "," : "");
}

/* case(label, out, leaves): stride, value, graph and gradients, or the error. */
static void case_(const char *label, tg_tensor *out, tg_tensor *const *leaves, int n)
{
    if (out) geometry(label, out);
    check(label, out, leaves, n);
}

/* (3, 4) leaf with values 0, 0.25, ..., 2.75, and f64. */
static tg_tensor *m(void) { return leaf(tg_reshape(tg_div_scalar(tg_arange(0, 12, 1, TG_F32), 4), TG_SHAPE(3, 4))); }
static tg_tensor *m64(void) { return leaf(tg_to(tg_reshape(tg_div_scalar(tg_arange(0, 12, 1, TG_F32), 4), TG_SHAPE(3, 4)), TG_F64)); }
static tg_tensor *pm(void) { return leaf(tg_from_f32(F32(1, 2, 0, 3, -1, 2, 2, 0.5, 4, 0, 1, -2), TG_SHAPE(3, 4))); }

#define CASE(label, LEAF, EXPR) do {                  \
        tg_scope_begin();                             \
        tg_tensor *x = (LEAF);                        \
        case_((label), (EXPR), &x, 1);                \
        tg_scope_end();                               \
    } while (0)
#define ATTEMPT(label, EXPR) do {                     \
        tg_scope_begin();                             \
        tg_clear_error();                             \
        show((label), (EXPR));                        \
        tg_scope_end();                               \
    } while (0)

static void scan_inplace_tests(void)
{
    CASE("cumsum_", m(), tg_cumsum_(tg_mul_scalar(x, 1), 1));
    CASE("cumsum_ 0", m(), tg_cumsum_(tg_mul_scalar(x, 1), 0));
    CASE("cumsum_ transposed", m(), tg_cumsum_(tg_t(tg_mul_scalar(x, 1)), -1));
    CASE("cumsum_ f64", m64(), tg_cumsum_(tg_mul_scalar(x, 2), 1));
    CASE("cumprod_", pm(), tg_cumprod_(tg_mul_scalar(x, 1), 1));
    CASE("cumprod_ transposed", pm(), tg_cumprod_(tg_t(tg_mul_scalar(x, 1)), 1));
    CASE("cumprod_ f64", m64(), tg_cumprod_(tg_add_scalar(x, 1), 0));
    CASE("cumsum_ view", m(), tg_cumsum_(tg_select(tg_mul_scalar(x, 1), 0, 1), 0));
    CASE("cumprod_ view", pm(), tg_cumprod_(tg_slice(tg_mul_scalar(x, 1), 1, 1, 3, 1), 1));
    ATTEMPT("cumsum_ i64", tg_cumsum_(tg_reshape(tg_arange(0, 6, 1, TG_I64), TG_SHAPE(2, 3)), 1));
    ATTEMPT("cumsum_ i32", tg_cumsum_(tg_to(tg_arange(1, 4, 1, TG_I64), TG_I32), 0));
    ATTEMPT("cumprod_ i32", tg_cumprod_(tg_to(tg_arange(1, 5, 1, TG_I64), TG_I32), 0));
    ATTEMPT("cumsum_ empty", tg_cumsum_(tg_zeros(TG_SHAPE(0, 3), TG_F32), 0));
    ATTEMPT("cumsum_ 0-dim", tg_cumsum_(tg_scalar(2), 0));
    ATTEMPT("cumsum_ bool", tg_cumsum_(tg_ones(TG_SHAPE(3), TG_BOOL), 0));
    ATTEMPT("cumprod_ bool", tg_cumprod_(tg_ones(TG_SHAPE(3), TG_BOOL), 0));
    ATTEMPT("cumsum_ leaf", tg_cumsum_(leaf(tg_ones(TG_SHAPE(3, 4), TG_F32)), 0));
    ATTEMPT("cumsum_ expanded", tg_cumsum_(tg_expand(tg_ones(TG_SHAPE(1, 3), TG_F32), TG_SHAPE(2, 3)), 1));
    ATTEMPT("cumsum_ bad dim", tg_cumsum_(tg_ones(TG_SHAPE(2, 3), TG_F32), 2));
    /* cumprod_ saves its result: a later write fails backward */
    tg_scope_begin();
    tg_tensor *x = pm();
    tg_tensor *y = tg_cumprod_(tg_mul_scalar(x, 1), 1);
    tg_tensor *z = tg_sum(tg_mul(y, y));
    tg_add_scalar_(y, 1);
    if (tg_backward(z, NULL) == 0) printf("cumprod_ overwritten: ok\n");
    else printf("cumprod_ overwritten: %s\n", tg_last_error());
    tg_scope_end();
}

static tg_tensor *pos(void) { return leaf(tg_from_f32(F32(0.5, 1, 3, 2, 0.25, 4), TG_SHAPE(2, 3))); }

/* sum(y) backward after writing t in place: "ok", or the error. */
static void overwritten(const char *label, tg_tensor *y, tg_tensor *t)
{
    tg_add_scalar_(t, 1);
    if (tg_backward(tg_sum(y), NULL) == 0) printf("%s: ok\n", label);
    else printf("%s: %s\n", label, tg_last_error());
}

static void xlogy_tests(void)
{
    CASE("xlogy_scalar 2", pm(), tg_xlogy_scalar(x, 2.0));
    CASE("xlogy_scalar -1", pm(), tg_xlogy_scalar(x, -1.0));
    CASE("xlogy_scalar 0", pm(), tg_xlogy_scalar(x, 0.0));
    CASE("xlogy_scalar 0.5 transposed", pm(), tg_xlogy_scalar(tg_t(x), 0.5));
    CASE("xlogy_scalar f64", m64(), tg_xlogy_scalar(x, 3.0));
    CASE("scalar_xlogy 2", pos(), tg_scalar_xlogy(2.0, x));
    CASE("scalar_xlogy 0", pos(), tg_scalar_xlogy(0.0, x));
    CASE("scalar_xlogy -1.5 transposed", pos(), tg_scalar_xlogy(-1.5, tg_t(x)));
    CASE("scalar_xlogy negatives", pm(), tg_scalar_xlogy(2.0, x));
    CASE("scalar_xlogy f64", m64(), tg_scalar_xlogy(3.0, tg_add_scalar(x, 1)));
    CASE("xlogy_scalar_", pm(), tg_xlogy_scalar_(tg_mul_scalar(x, 1), 2.0));
    CASE("xlogy_scalar_ -1", pm(), tg_xlogy_scalar_(tg_mul_scalar(x, 1), -1.0));
    CASE("xlogy_scalar_ transposed f64", m64(), tg_xlogy_scalar_(tg_t(tg_mul_scalar(x, 1)), 0.5));
    CASE("xlogy_scalar_ view", pm(), tg_xlogy_scalar_(tg_select(tg_mul_scalar(x, 1), 1, 2), 2.0));
    ATTEMPT("xlogy_scalar i64", tg_xlogy_scalar(tg_arange(0, 4, 1, TG_I64), 2.0));
    ATTEMPT("scalar_xlogy i64", tg_scalar_xlogy(2.0, tg_arange(0, 4, 1, TG_I64)));
    ATTEMPT("scalar_xlogy bool", tg_scalar_xlogy(2.0, tg_ones(TG_SHAPE(2), TG_BOOL)));
    ATTEMPT("xlogy_scalar empty", tg_xlogy_scalar(tg_zeros(TG_SHAPE(0, 2), TG_F64), 2.0));
    ATTEMPT("xlogy_scalar 0-dim", tg_xlogy_scalar(tg_scalar(3), 2.0));
    ATTEMPT("xlogy_scalar_ f32", tg_xlogy_scalar_(tg_ones(TG_SHAPE(2), TG_F32), 2.0));
    ATTEMPT("xlogy_scalar_ i64", tg_xlogy_scalar_(tg_arange(0, 4, 1, TG_I64), 2.0));
    ATTEMPT("xlogy_scalar_ leaf", tg_xlogy_scalar_(leaf(tg_ones(TG_SHAPE(2), TG_F32)), 2.0));
    ATTEMPT("xlogy_scalar_ expanded", tg_xlogy_scalar_(tg_expand(tg_ones(TG_SHAPE(1, 3), TG_F32), TG_SHAPE(2, 3)), 2.0));
    tg_scope_begin();
    tg_tensor *x = pm(), *x2 = tg_mul_scalar(x, 2);
    overwritten("xlogy_scalar saved self", tg_xlogy_scalar(x2, 2.0), x2);
    tg_tensor *y = pos(), *y2 = tg_mul_scalar(y, 2);
    overwritten("scalar_xlogy saved other", tg_scalar_xlogy(2.0, y2), y2);
    tg_scope_end();
}

int main(void)
{
    scan_inplace_tests();
    xlogy_tests();
    return 0;
}
