/* Limits: impossible shapes, absurd ranks and allocations larger than
   memory give errors; NaN and Inf propagate as in PyTorch. */
#include "harness.h"

#include <tensorgrad.h>

static void test_shapes(void)
{
    tg_clear_error();
    CHECK(tg_zeros(TG_SHAPE(-1), TG_F32) == NULL);
    CHECK_STR(tg_last_error(), "Trying to create tensor with negative dimension -1: [-1]");
    CHECK(tg_zeros(TG_SHAPE(4611686018427387904LL, 4), TG_F32) == NULL);
    CHECK_STR(tg_last_error(), "Storage size calculation overflowed with sizes=[4611686018427387904, 4]");
    int64_t many[TG_MAX_DIMS + 1];
    for (int i = 0; i <= TG_MAX_DIMS; i++) many[i] = 1;
    CHECK(tg_ones(many, TG_MAX_DIMS + 1, TG_F32) == NULL);
    CHECK(tg_last_status() == TG_E_SHAPE);
    CHECK(tg_ones(many, -1, TG_F32) == NULL);
    CHECK(tg_ones(many, TG_MAX_DIMS, TG_F32) != NULL);   /* the most dimensions allowed */
    CHECK(tg_unsqueeze(tg_ones(many, TG_MAX_DIMS, TG_F32), 0) == NULL);
    CHECK(tg_ones(NULL, 2, TG_F32) == NULL);
    CHECK(tg_zeros(TG_SHAPE(2), (tg_dtype)99) == NULL);
    CHECK(tg_last_status() == TG_E_DTYPE);
    CHECK(tg_arange(0, 1e300, 1e-300, TG_F32) == NULL);
    CHECK(tg_arange(0, 1, 0, TG_F32) == NULL);
    tg_clear_error();
}

static void test_too_large(void)
{
    /* 2^41 floats: 8 TiB, more than any machine here has. */
    CHECK(tg_empty(TG_SHAPE(1LL << 41), TG_F32) == NULL);
    CHECK(tg_last_status() == TG_E_OOM);
    CHECK_STR(tg_last_error(), "can't allocate memory: you tried to allocate 8796093022208 bytes. "
                               "Error code 12 (Cannot allocate memory)");
    /* A view that would be huge costs nothing; materialising it fails cleanly. */
    tg_tensor *big = tg_expand(tg_scalar(1), TG_SHAPE(1LL << 20, 1LL << 21));
    CHECK(big != NULL);
    CHECK(tg_contiguous(big) == NULL && tg_last_status() == TG_E_OOM);
    tg_clear_error();
}

static void check_values(const tg_tensor *t, const double *expected, int n)
{
    double got[16];
    CHECK(t && tg_numel(t) == n && tg_copy_to_f64(t, got) == 0);
    for (int i = 0; t && i < n; i++) {
        bool ok = isnan(expected[i]) ? isnan(got[i]) : got[i] == expected[i];
        CHECK(ok);
        if (!ok) fprintf(stderr, "  element %d: got %g, expected %g\n", i, got[i], expected[i]);
    }
}

/* Expected values are PyTorch's for x = [nan, 1, inf, -inf, 0]. */
static void test_nan_inf(void)
{
    tg_scope_begin();
    tg_tensor *x = tg_from_f32((float[]){NAN, 1, INFINITY, -INFINITY, 0}, TG_SHAPE(5));
    check_values(tg_relu(x), (double[]){NAN, 1, INFINITY, 0, 0}, 5);
    check_values(tg_maximum(x, tg_scalar(2)), (double[]){NAN, 2, INFINITY, 2, 2}, 5);
    check_values(tg_max_dim(x, 0, false, NULL), (double[]){NAN}, 1);
    check_values(tg_tanh(x), (double[]){NAN, tanhf(1), 1, -1, 0}, 5);
    check_values(tg_log(x), (double[]){NAN, 0, INFINITY, NAN, -INFINITY}, 5);
    check_values(tg_sum(x), (double[]){NAN}, 1);
    check_values(tg_sign(x), (double[]){0, 1, 1, -1, 0}, 5);
    check_values(tg_abs(x), (double[]){NAN, 1, INFINITY, INFINITY, 0}, 5);
    check_values(tg_exp(x), (double[]){NAN, expf(1), INFINITY, 0, 1}, 5);
    check_values(tg_sum(tg_slice(x, 0, 1, 3, 1)), (double[]){INFINITY}, 1);
    tg_tensor *y = tg_requires_grad_(tg_from_f64((double[]){0, 4}, TG_SHAPE(2)), true);
    CHECK(tg_backward(tg_sum(tg_sqrt(y)), NULL) == 0);
    check_values(tg_grad(y), (double[]){INFINITY, 0.25}, 2);
    tg_scope_end();
}

int main(void)
{
    test_shapes();
    test_too_large();
    test_nan_inf();
    return TEST_MAIN_END();
}
