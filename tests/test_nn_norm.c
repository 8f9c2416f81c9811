/* What the normalisation oracle (tests/oracle/nn_norm.*) cannot ask
   PyTorch: batch_norm's momentum NAN (PyTorch's momentum=None, which its
   functional form does not take), NULL arguments, and that a call which
   fails changes no running statistic. */
#include "harness.h"

static bool same_values(const tg_tensor *a, const double *expected, int n)
{
    double v[8];
    tg_copy_to_f64(a, v);
    return memcmp(v, expected, (size_t)n * sizeof *v) == 0;
}

static void momentum_nan(void)
{
    tg_scope_begin();
    tg_tensor *x = tg_from_f32((const float[]){0.5f, -1.0f, 2.0f, 0.0f, 3.0f, -2.5f}, TG_SHAPE(2, 3));
    tg_tensor *rm = tg_zeros(TG_SHAPE(3), TG_F32), *rv = tg_ones(TG_SHAPE(3), TG_F32);
    const double zeros[3] = {0, 0, 0}, ones[3] = {1, 1, 1};
    /* Refused when it would update the running statistics, which stay as they were. */
    CHECK(!tg_batch_norm(x, rm, rv, NULL, NULL, true, NAN, 1e-5));
    CHECK(tg_last_status() == TG_E_INVALID && strstr(tg_last_error(), "num_batches_tracked"));
    CHECK(same_values(rm, zeros, 3) && same_values(rv, ones, 3));
    tg_clear_error();
    /* Unused (no update) in evaluation and without running statistics. */
    CHECK(tg_batch_norm(x, rm, rv, NULL, NULL, false, NAN, 1e-5) != NULL);
    CHECK(tg_batch_norm(x, NULL, NULL, NULL, NULL, true, NAN, 1e-5) != NULL);
    CHECK(same_values(rm, zeros, 3) && same_values(rv, ones, 3));
    /* The layer's cumulative average: momentum 1 / num_batches_tracked; the first batch replaces them. */
    CHECK(tg_batch_norm(x, rm, rv, NULL, NULL, true, 1.0, 1e-5) != NULL);
    CHECK(same_values(rm, (const double[]){0.25, 1.0, -0.25}, 3));
    CHECK(same_values(rv, (const double[]){0.125, 8.0, 10.125}, 3));
    tg_scope_end();
}

static void failed_calls_change_nothing(void)
{
    tg_scope_begin();
    tg_tensor *x = tg_ones(TG_SHAPE(2, 3), TG_F32);
    tg_tensor *rm = tg_zeros(TG_SHAPE(3), TG_F32), *rv = tg_ones(TG_SHAPE(3), TG_F32);
    const double zeros[3] = {0, 0, 0}, ones[3] = {1, 1, 1};
    CHECK(!tg_batch_norm(x, rm, rv, tg_ones(TG_SHAPE(4), TG_F32), NULL, true, 0.1, 1e-5));
    CHECK(!tg_batch_norm(x, rm, rv, tg_ones(TG_SHAPE(3), TG_F64), NULL, true, 0.1, 1e-5));
    CHECK(!tg_batch_norm(tg_ones(TG_SHAPE(1, 3), TG_F32), rm, rv, NULL, NULL, true, 0.1, 1e-5));
    CHECK(same_values(rm, zeros, 3) && same_values(rv, ones, 3));
    CHECK(tg_version(rm) == 0 && tg_version(rv) == 0);
    tg_clear_error();
    tg_scope_end();
}

static void null_arguments(void)
{
    tg_clear_error();
    CHECK(!tg_layer_norm(NULL, (const int64_t[]){3}, 1, NULL, NULL, 1e-5));
    CHECK_STR(tg_last_error(), "tg_layer_norm(): a tensor argument is NULL");
    tg_clear_error();
    CHECK(!tg_group_norm(NULL, 1, NULL, NULL, 1e-5));
    CHECK_STR(tg_last_error(), "tg_group_norm(): a tensor argument is NULL");
    tg_clear_error();
    CHECK(!tg_rms_norm(NULL, (const int64_t[]){3}, 1, NULL, NAN));
    CHECK_STR(tg_last_error(), "tg_rms_norm(): a tensor argument is NULL");
    tg_clear_error();
    CHECK(!tg_batch_norm(NULL, NULL, NULL, NULL, NULL, true, 0.1, 1e-5));
    CHECK_STR(tg_last_error(), "tg_batch_norm(): a tensor argument is NULL");
    tg_clear_error();
}

int main(void)
{
    momentum_nan();
    failed_calls_change_nothing();
    null_arguments();
    return TEST_MAIN_END();
}
