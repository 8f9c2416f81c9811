/* What the oracle cannot compare, tensorgrad's random stream being its own:
   dropout's and dropout2d's masks drop a fraction p of the elements (or
   channels), with a binomial spread; the output is the input times the
   mask / (1 - p) and the gradient goes through the same mask; a seeded
   generator gives the same mask again. */
#include "harness.h"

#include <math.h>
#include <stdio.h>
#include <tensorgrad.h>

enum { N = 200000 };

static double fraction_zero(const tg_tensor *t)
{
    return tg_item(tg_mean(tg_to(tg_eq_scalar(t, 0), TG_F64)));
}

/* The fraction dropped is within 5 standard deviations of p. */
static void check_fraction(double dropped, double p, double count)
{
    double sd = sqrt(p * (1 - p) / count);
    CHECK(fabs(dropped - p) < 5 * sd + 1e-12);
    if (fabs(dropped - p) >= 5 * sd + 1e-12) fprintf(stderr, "  dropped %g, expected %g\n", dropped, p);
}

static void test_dropout_fraction(void)
{
    static const double PS[] = {0.1, 0.5, 0.9};
    for (int i = 0; i < 3; i++) {
        tg_scope_begin();
        tg_tensor *x = tg_requires_grad_(tg_ones(TG_SHAPE(N), TG_F32), true);
        tg_tensor *y = tg_dropout(x, PS[i], true);
        check_fraction(fraction_zero(y), PS[i], N);
        /* kept elements are exactly 1 / (1 - p) (computed as PyTorch: in f32) */
        tg_tensor *scale = tg_div_scalar(tg_ones(TG_SHAPE(), TG_F32), 1 - PS[i]);
        tg_tensor *kept = tg_ne_scalar(y, 0);
        CHECK(tg_item(tg_all(tg_eq(tg_masked_select(y, kept), scale))) == 1);
        /* the gradient of sum(y) is the mask / (1 - p) itself: y here */
        CHECK(tg_backward(tg_sum(y), NULL) == 0);
        CHECK(tg_item(tg_all(tg_eq(tg_grad(x), y))) == 1);
        /* the mean is kept in expectation */
        CHECK(fabs(tg_item(tg_mean(tg_to(y, TG_F64))) - 1) < 5 * sqrt(PS[i] / (1 - PS[i]) / N));
        tg_scope_end();
    }
}

static void test_dropout2d_fraction(void)
{
    tg_scope_begin();
    int64_t n = 200, c = 500;
    tg_tensor *x = tg_ones(TG_SHAPE(n, c, 2, 3), TG_F64);
    tg_tensor *y = tg_dropout2d(x, 0.3, true);
    /* one draw per channel: each (n, c) is all 0 or all 1 / 0.7 */
    tg_tensor *per_channel = tg_reshape(tg_eq_scalar(y, 0), TG_SHAPE(n * c, 6));
    tg_tensor *counts = tg_sum_dim(tg_to(per_channel, TG_F64), (const int64_t[]){1}, 1, false);
    tg_tensor *whole = tg_logical_or(tg_eq_scalar(counts, 0), tg_eq_scalar(counts, 6));
    CHECK(tg_item(tg_all(whole)) == 1);
    check_fraction(fraction_zero(y), 0.3, (double)(n * c));
    tg_scope_end();
}

static void test_generators(void)
{
    tg_scope_begin();
    tg_tensor *x = tg_ones(TG_SHAPE(1000), TG_F32);
    tg_generator *a = tg_generator_new(42), *b = tg_generator_new(42), *c = tg_generator_new(43);
    tg_tensor *ya = tg_dropout_gen(x, 0.5, true, a), *yb = tg_dropout_gen(x, 0.5, true, b);
    tg_tensor *yc = tg_dropout_gen(x, 0.5, true, c);
    CHECK(tg_item(tg_all(tg_eq(ya, yb))) == 1);
    CHECK(tg_item(tg_all(tg_eq(ya, yc))) == 0);
    tg_tensor *x4 = tg_ones(TG_SHAPE(8, 8, 2, 2), TG_F32);
    CHECK(tg_item(tg_all(tg_eq(tg_dropout2d_gen(x4, 0.5, true, a), tg_dropout2d_gen(x4, 0.5, true, b)))) == 1);
    /* the process-wide generator: the same seed gives the same mask */
    tg_manual_seed(7);
    tg_tensor *first = tg_dropout(x, 0.5, true);
    tg_manual_seed(7);
    CHECK(tg_item(tg_all(tg_eq(first, tg_dropout(x, 0.5, true)))) == 1);
    tg_generator_free(a);
    tg_generator_free(b);
    tg_generator_free(c);
    tg_scope_end();
}

int main(void)
{
    test_dropout_fraction();
    test_dropout2d_fraction();
    test_generators();
    return TEST_MAIN_END();
}
