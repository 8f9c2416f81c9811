/* cumsum_ and cumprod_, the scalar forms of xlogy (and xlogy_scalar_), and
   scatter_reduce (and scatter_reduce_): values, strides, graphs and
   gradients on contiguous, transposed and empty inputs, f64 and integer
   tensors, and errors. Prints what ops_scatter_reduce.py prints with
   PyTorch. */
#include <tensorgrad.h>

#include <math.h>
#include <stdio.h>

#include "oracle.h"


/* (3, 4) leaf with values 0, 0.25, ..., 2.75, and f64. */
static tg_tensor *m(void) { return leaf(tg_reshape(tg_div_scalar(tg_arange(0, 12, 1, TG_F32), 4), TG_SHAPE(3, 4))); }
static tg_tensor *m64(void) { return leaf(tg_to(tg_reshape(tg_div_scalar(tg_arange(0, 12, 1, TG_F32), 4), TG_SHAPE(3, 4)), TG_F64)); }
static tg_tensor *pm(void) { return leaf(tg_from_f32(F32(1, 2, 0, 3, -1, 2, 2, 0.5, 4, 0, 1, -2), TG_SHAPE(3, 4))); }


static void scan_inplace_tests(void)
{
    CASE_STRIDED("cumsum_", m(), tg_cumsum_(tg_mul_scalar(x, 1), 1));
    CASE_STRIDED("cumsum_ 0", m(), tg_cumsum_(tg_mul_scalar(x, 1), 0));
    CASE_STRIDED("cumsum_ transposed", m(), tg_cumsum_(tg_t(tg_mul_scalar(x, 1)), -1));
    CASE_STRIDED("cumsum_ f64", m64(), tg_cumsum_(tg_mul_scalar(x, 2), 1));
    CASE_STRIDED("cumprod_", pm(), tg_cumprod_(tg_mul_scalar(x, 1), 1));
    CASE_STRIDED("cumprod_ transposed", pm(), tg_cumprod_(tg_t(tg_mul_scalar(x, 1)), 1));
    CASE_STRIDED("cumprod_ f64", m64(), tg_cumprod_(tg_add_scalar(x, 1), 0));
    CASE_STRIDED("cumsum_ view", m(), tg_cumsum_(tg_select(tg_mul_scalar(x, 1), 0, 1), 0));
    CASE_STRIDED("cumprod_ view", pm(), tg_cumprod_(tg_slice(tg_mul_scalar(x, 1), 1, 1, 3, 1), 1));
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
    /* the tensor form's gradient where a is 0 (log(b), but 0 for b <= 0) */
    CASE_STRIDED("xlogy zeros", pm(), tg_xlogy(x, tg_from_f32(F32(2, 2, 2, 0.5, 3, -1, 0, 1, 0.5, -2, 0, 4), TG_SHAPE(3, 4))));
    CASE_STRIDED("xlogy zeros broadcast", pm(), tg_xlogy(x, tg_from_f32(F32(2, -1, 0, 0.5), TG_SHAPE(4))));
    CASE_STRIDED("xlogy_scalar 2", pm(), tg_xlogy_scalar(x, 2.0));
    CASE_STRIDED("xlogy_scalar -1", pm(), tg_xlogy_scalar(x, -1.0));
    CASE_STRIDED("xlogy_scalar 0", pm(), tg_xlogy_scalar(x, 0.0));
    CASE_STRIDED("xlogy_scalar 0.5 transposed", pm(), tg_xlogy_scalar(tg_t(x), 0.5));
    CASE_STRIDED("xlogy_scalar f64", m64(), tg_xlogy_scalar(x, 3.0));
    CASE_STRIDED("scalar_xlogy 2", pos(), tg_scalar_xlogy(2.0, x));
    CASE_STRIDED("scalar_xlogy 0", pos(), tg_scalar_xlogy(0.0, x));
    CASE_STRIDED("scalar_xlogy -1.5 transposed", pos(), tg_scalar_xlogy(-1.5, tg_t(x)));
    CASE_STRIDED("scalar_xlogy negatives", pm(), tg_scalar_xlogy(2.0, x));
    CASE_STRIDED("scalar_xlogy f64", m64(), tg_scalar_xlogy(3.0, tg_add_scalar(x, 1)));
    CASE_STRIDED("xlogy_scalar_", pm(), tg_xlogy_scalar_(tg_mul_scalar(x, 1), 2.0));
    CASE_STRIDED("xlogy_scalar_ -1", pm(), tg_xlogy_scalar_(tg_mul_scalar(x, 1), -1.0));
    CASE_STRIDED("xlogy_scalar_ transposed f64", m64(), tg_xlogy_scalar_(tg_t(tg_mul_scalar(x, 1)), 0.5));
    CASE_STRIDED("xlogy_scalar_ view", pm(), tg_xlogy_scalar_(tg_select(tg_mul_scalar(x, 1), 1, 2), 2.0));
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

/* ------------------------------------------------------ scatter_reduce */

#define I2(r, c, ...) tg_from_i64(I64(__VA_ARGS__), TG_SHAPE(r, c))
static const char *const REDUCE[] = {"sum", "prod", "mean", "amax", "amin"};
/* (2, 4) leaf with ties to m()'s values and a zero: 0.25 2 0 0.75 / 0.25 1.25 3 0.75 */
static tg_tensor *s24(void) { return leaf(tg_from_f32(F32(0.25, 2, 0, 0.75, 0.25, 1.25, 3, 0.75), TG_SHAPE(2, 4))); }
static tg_tensor *idx24(void) { return I2(2, 4, 0, 1, 2, 0, 0, 2, 1, 0); }
static tg_tensor *idx_small(void) { return I2(2, 2, 1, 1, 0, 1); }

#define CASE2(label, LEAF_A, LEAF_B, EXPR) do {       \
        tg_scope_begin();                             \
        tg_tensor *x = (LEAF_A);                      \
        tg_tensor *s = (LEAF_B);                      \
        check_strided((label), (EXPR), (tg_tensor *[]){x, s}, 2); \
        tg_scope_end();                               \
    } while (0)

/* d(sum(f^2)) with create_graph for x and s, then the gradient of its sum. */
static void second(const char *label, tg_tensor *x, tg_tensor *s, tg_tensor *y)
{
    tg_tensor *g[2] = {NULL, NULL};
    char buf[96];
    tg_backward_opts create = {.retain_graph = true, .create_graph = true};
    tg_tensor *loss = tg_sum(tg_mul(y, y));
    if (tg_autograd_grad(&loss, 1, (tg_tensor *[]){x, s}, 2, NULL, create, g) != 0) {
        printf("%s error: %s\n", label, tg_last_error());
        return;
    }
    for (int i = 0; i < 2; i++) {
        snprintf(buf, sizeof buf, "%s d1 %d", label, i);
        show(buf, g[i]);
        graph(buf, g[i]);
    }
    if (tg_backward(tg_add(tg_sum(g[0]), tg_sum(g[1])), NULL) != 0) {
        printf("%s d2 error: %s\n", label, tg_last_error());
        return;
    }
    snprintf(buf, sizeof buf, "%s d2", label);
    show(buf, tg_grad(x));
    show(buf, tg_grad(s));
}

static void scatter_reduce_tests(void)
{
    char label[96];
    for (int r = 0; r < 5; r++)
        for (int inc = 1; inc >= 0; inc--) {
            snprintf(label, sizeof label, "scatter_reduce %s %s", REDUCE[r], inc ? "self" : "no self");
            CASE2(label, m(), s24(), tg_scatter_reduce(x, 0, idx24(), s, (tg_scatter_reduction)r, inc));
            snprintf(label, sizeof label, "scatter_reduce %s %s dim 1 transposed", REDUCE[r], inc ? "self" : "no self");
            CASE2(label, m(), s24(), tg_scatter_reduce(tg_t(x), 1, tg_t(idx24()), tg_t(s), (tg_scatter_reduction)r, inc));
            snprintf(label, sizeof label, "scatter_reduce %s %s small index", REDUCE[r], inc ? "self" : "no self");
            CASE2(label, m(), s24(), tg_scatter_reduce(x, 1, idx_small(), s, (tg_scatter_reduction)r, inc));
            snprintf(label, sizeof label, "scatter_reduce %s %s f64", REDUCE[r], inc ? "self" : "no self");
            CASE2(label, m64(), leaf(tg_from_f64((const double[]){0.25, 2, 0, 0.75, 0.25, 1.25, 3, 0.75}, TG_SHAPE(2, 4))),
                  tg_scatter_reduce(x, 1, idx24(), s, (tg_scatter_reduction)r, inc));
            snprintf(label, sizeof label, "scatter_reduce %s %s i64", REDUCE[r], inc ? "self" : "no self");
            ATTEMPT(label, tg_scatter_reduce(tg_from_i64(I64(3, -4, 7, 0, 5, -6), TG_SHAPE(2, 3)), 1,
                                             I2(2, 2, 0, 0, 2, 0), tg_from_i64(I64(-2, 5, 1, 9), TG_SHAPE(2, 2)),
                                             (tg_scatter_reduction)r, inc));
            snprintf(label, sizeof label, "scatter_reduce %s %s i32", REDUCE[r], inc ? "self" : "no self");
            ATTEMPT(label, tg_scatter_reduce(tg_to(tg_from_i64(I64(3, -4, 7), TG_SHAPE(3)), TG_I32), 0,
                                             tg_from_i64(I64(1, 1, 1, 0), TG_SHAPE(4)),
                                             tg_to(tg_from_i64(I64(-3, 2, 2, 8), TG_SHAPE(4)), TG_I32),
                                             (tg_scatter_reduction)r, inc));
            snprintf(label, sizeof label, "scatter_reduce %s %s empty index", REDUCE[r], inc ? "self" : "no self");
            CASE2(label, m(), s24(), tg_scatter_reduce(x, 0, tg_zeros(TG_SHAPE(0, 4), TG_I64), s, (tg_scatter_reduction)r, inc));
            snprintf(label, sizeof label, "scatter_reduce_ %s %s", REDUCE[r], inc ? "self" : "no self");
            CASE2(label, m(), s24(), tg_scatter_reduce_(tg_mul_scalar(x, 1), 0, idx24(), s, (tg_scatter_reduction)r, inc));
        }
    /* ties: amax and amin share the gradient; prod with zeros */
    CASE2("amax ties", leaf(tg_from_f32(F32(1, 2, 3, 4), TG_SHAPE(2, 2))), leaf(tg_from_f32(F32(1, 5, 1, 4), TG_SHAPE(2, 2))),
          tg_scatter_reduce(x, 0, I2(2, 2, 0, 1, 0, 1), s, TG_SCATTER_AMAX, true));
    CASE2("amin ties no self", leaf(tg_from_f32(F32(1, 2, 3, 4), TG_SHAPE(2, 2))), leaf(tg_from_f32(F32(1, 5, 1, 4), TG_SHAPE(2, 2))),
          tg_scatter_reduce(x, 0, I2(2, 2, 0, 1, 0, 1), s, TG_SCATTER_AMIN, false));
    CASE2("amax nan", leaf(tg_from_f32(F32(1, 2, 3), TG_SHAPE(3))), leaf(tg_from_f32(F32(NAN, 5), TG_SHAPE(2))),
          tg_scatter_reduce(x, 0, tg_from_i64(I64(0, 0), TG_SHAPE(2)), s, TG_SCATTER_AMAX, true));
    CASE2("prod zeros", leaf(tg_from_f32(F32(0, 2, 3, 0), TG_SHAPE(4))), leaf(tg_from_f32(F32(0, 5, 0, 0, 2, 3), TG_SHAPE(6))),
          tg_scatter_reduce(x, 0, tg_from_i64(I64(1, 1, 2, 3, 3, 0), TG_SHAPE(6)), s, TG_SCATTER_PROD, true));
    CASE2("prod zeros no self", leaf(tg_from_f32(F32(0, 2, 3, 0), TG_SHAPE(4))), leaf(tg_from_f32(F32(0, 5, 0, 0, 2, 3), TG_SHAPE(6))),
          tg_scatter_reduce(x, 0, tg_from_i64(I64(1, 1, 2, 3, 3, 0), TG_SHAPE(6)), s, TG_SCATTER_PROD, false));
    CASE2("empty self", leaf(tg_zeros(TG_SHAPE(0, 3), TG_F32)), leaf(tg_zeros(TG_SHAPE(0, 3), TG_F32)),
          tg_scatter_reduce(x, 1, tg_zeros(TG_SHAPE(0, 3), TG_I64), s, TG_SCATTER_MEAN, true));
    CASE2("0-dim", leaf(tg_scalar(2)), leaf(tg_scalar(3)),
          tg_scatter_reduce(x, 0, tg_from_i64(I64(0), NULL, 0), s, TG_SCATTER_PROD, true));
    ATTEMPT("scatter_reduce bool amax", tg_scatter_reduce(tg_ne_scalar(tg_from_i64(I64(1, 0), TG_SHAPE(2)), 0), 0,
                                                          tg_from_i64(I64(0, 1), TG_SHAPE(2)),
                                                          tg_ne_scalar(tg_from_i64(I64(0, 1), TG_SHAPE(2)), 0), TG_SCATTER_AMAX, true));
    ATTEMPT("scatter_reduce bool sum", tg_scatter_reduce(tg_ne_scalar(tg_from_i64(I64(1, 0), TG_SHAPE(2)), 0), 0,
                                                         tg_from_i64(I64(0, 1), TG_SHAPE(2)),
                                                         tg_ne_scalar(tg_from_i64(I64(0, 1), TG_SHAPE(2)), 0), TG_SCATTER_SUM, true));
    /* errors */
    tg_scope_begin();
    tg_tensor *z = tg_zeros(TG_SHAPE(2), TG_F32), *one = tg_ones(TG_SHAPE(1), TG_F32);
    ATTEMPT("error bool mean", tg_scatter_reduce(tg_ones(TG_SHAPE(2), TG_BOOL), 0, tg_from_i64(I64(0), TG_SHAPE(1)),
                                                 tg_ones(TG_SHAPE(1), TG_BOOL), TG_SCATTER_MEAN, true));
    ATTEMPT("error index int32", tg_scatter_reduce(z, 0, tg_to(tg_from_i64(I64(0), TG_SHAPE(1)), TG_I32), one, TG_SCATTER_SUM, true));
    ATTEMPT("error dtypes", tg_scatter_reduce(z, 0, tg_from_i64(I64(0), TG_SHAPE(1)), tg_to(one, TG_F64), TG_SCATTER_SUM, true));
    ATTEMPT("error out of range", tg_scatter_reduce(z, 0, tg_from_i64(I64(2), TG_SHAPE(1)), one, TG_SCATTER_AMAX, true));
    ATTEMPT("error negative index", tg_scatter_reduce(z, 0, tg_from_i64(I64(-1), TG_SHAPE(1)), one, TG_SCATTER_SUM, false));
    ATTEMPT("error ranks", tg_scatter_reduce(z, 0, tg_from_i64(I64(0), TG_SHAPE(1, 1)), one, TG_SCATTER_SUM, true));
    ATTEMPT("error sizes", tg_scatter_reduce(z, 0, tg_from_i64(I64(0, 1, 0), TG_SHAPE(3)), tg_ones(TG_SHAPE(2), TG_F32), TG_SCATTER_SUM, true));
    ATTEMPT("error dim", tg_scatter_reduce(z, 1, tg_from_i64(I64(0), TG_SHAPE(1)), one, TG_SCATTER_SUM, true));
    ATTEMPT("error reduce", tg_scatter_reduce(z, 0, tg_from_i64(I64(0), TG_SHAPE(1)), one, (tg_scatter_reduction)7, true));
    ATTEMPT("error leaf", tg_scatter_reduce_(leaf(tg_zeros(TG_SHAPE(2), TG_F32)), 0, tg_from_i64(I64(0), TG_SHAPE(1)), one, TG_SCATTER_SUM, true));
    ATTEMPT("error expanded", tg_scatter_reduce_(tg_expand(tg_zeros(TG_SHAPE(1), TG_F32), TG_SHAPE(2)), 0, tg_from_i64(I64(0), TG_SHAPE(1)), one, TG_SCATTER_SUM, true));
    tg_tensor *f = tg_arange(0, 4, 1, TG_F32);
    ATTEMPT("error of itself", tg_scatter_reduce_(f, 0, tg_from_i64(I64(1, 0, 1, 0), TG_SHAPE(4)), f, TG_SCATTER_SUM, true));
    ATTEMPT("unchanged", tg_scatter_reduce_(f, 0, tg_from_i64(I64(1, 4), TG_SHAPE(2)), one, TG_SCATTER_SUM, true) ? f : f);
    tg_scope_end();
    /* a saved tensor changed in place */
    tg_scope_begin();
    tg_tensor *x = m(), *x2 = tg_mul_scalar(x, 2);
    overwritten("scatter_reduce saved self", tg_scatter_reduce(x2, 0, idx24(), tg_ones(TG_SHAPE(2, 4), TG_F32), TG_SCATTER_SUM, true), x2);
    tg_tensor *s = s24(), *s2 = tg_mul_scalar(s, 2);
    overwritten("scatter_reduce saved src", tg_scatter_reduce(tg_zeros(TG_SHAPE(3, 4), TG_F32), 0, idx24(), s2, TG_SCATTER_AMAX, true), s2);
    tg_tensor *y = tg_scatter_reduce_(tg_mul_scalar(x, 1), 0, idx24(), s, TG_SCATTER_PROD, true);
    tg_tensor *loss = tg_sum(y);
    tg_mul_scalar_(y, 2);
    if (tg_backward(loss, NULL) == 0) printf("scatter_reduce_ saved result: ok\n");
    else printf("scatter_reduce_ saved result: %s\n", tg_last_error());
    tg_scope_end();
    /* second derivatives */
    for (int r = 0; r < 5; r++) {
        tg_scope_begin();
        tg_tensor *a = m(), *b = s24();
        snprintf(label, sizeof label, "%s second", REDUCE[r]);
        second(label, a, b, tg_scatter_reduce(a, 0, idx24(), b, (tg_scatter_reduction)r, r % 2 == 0));
        tg_scope_end();
    }
    tg_scope_begin();
    tg_tensor *a = leaf(tg_from_f32(F32(0, 2, 3, 0), TG_SHAPE(4))), *b = leaf(tg_from_f32(F32(0, 0, 0, 0, 2, 3), TG_SHAPE(6)));
    second("prod two zeros second", a, b, tg_scatter_reduce(a, 0, tg_from_i64(I64(1, 1, 2, 3, 3, 0), TG_SHAPE(6)), b, TG_SCATTER_PROD, true));
    tg_scope_end();
    tg_scope_begin();
    a = leaf(tg_from_f32(F32(0, 2, 3, 0), TG_SHAPE(4)));
    b = leaf(tg_from_f32(F32(0, 5, 1, 0, 2, 3), TG_SHAPE(6)));
    second("prod one zero second", a, b, tg_scatter_reduce(a, 0, tg_from_i64(I64(1, 1, 2, 3, 3, 0), TG_SHAPE(6)), b, TG_SCATTER_PROD, true));
    tg_scope_end();
}

int main(void)
{
    scan_inplace_tests();
    xlogy_tests();
    scatter_reduce_tests();
    return 0;
}
