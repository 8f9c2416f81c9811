/* Pooling, padding and resampling at their edges, where PyTorch has nothing
   to compare: NULL arguments, absurd geometry and sizes fail with an error
   (no crash, no overflow), a failed call writes no indices and changes no
   tensor. */
#include "harness.h"

#include <tensorgrad.h>

static tg_tensor *image(void)
{
    return tg_requires_grad_(tg_reshape(tg_arange(0, 40, 1, TG_F32), TG_SHAPE(1, 2, 4, 5)), true);
}

static void test_null_arguments(void)
{
    tg_pool_opts k2 = {.kernel_size = {2, 2}};
    tg_tensor *indices = image();
    tg_clear_error();
    CHECK(tg_max_pool2d_with_indices(NULL, k2, &indices) == NULL && indices == NULL);
    CHECK(tg_last_status() == TG_E_NULL);
    CHECK(tg_avg_pool2d(NULL, k2) == NULL);
    CHECK(tg_adaptive_avg_pool2d(NULL, 2, 2) == NULL);
    CHECK(tg_adaptive_max_pool2d(NULL, 2, 2, NULL) == NULL);
    CHECK(tg_max_pool1d(NULL, k2) == NULL);
    CHECK(tg_pad(NULL, (const int64_t[]){1, 1}, 2, TG_PAD_CONSTANT, 0) == NULL);
    CHECK(tg_interpolate(NULL, (const int64_t[]){3}, NULL, 1, TG_INTERP_NEAREST, false) == NULL);
    CHECK(tg_pad(image(), NULL, 2, TG_PAD_CONSTANT, 0) == NULL);
    CHECK(tg_last_status() == TG_E_INVALID);
    CHECK(tg_interpolate(image(), (const int64_t[]){3}, NULL, 0, TG_INTERP_NEAREST, false) == NULL);
    CHECK(tg_pad(image(), (const int64_t[]){1, 1}, 2, (tg_pad_mode)7, 0) == NULL);
    CHECK(tg_interpolate(image(), (const int64_t[]){3}, NULL, 1, (tg_interp_mode)9, false) == NULL);
    tg_clear_error();
}

static void test_absurd_sizes(void)
{
    tg_tensor *x = image(), *indices = x;
    CHECK(tg_max_pool2d_with_indices(x, (tg_pool_opts){.kernel_size = {1LL << 40, 2}}, &indices) == NULL);
    CHECK(indices == NULL);
    CHECK_STR(tg_last_error(), "value cannot be converted to type int without overflow");
    CHECK(tg_avg_pool2d(x, (tg_pool_opts){.kernel_size = {2, 2}, .stride = {INT64_MAX, 1}}) == NULL);
    CHECK(tg_adaptive_avg_pool2d(x, 1LL << 40, 1LL << 40) == NULL);
    CHECK(tg_adaptive_max_pool2d(x, INT64_MAX, 2, NULL) == NULL);
    CHECK(tg_pad(x, (const int64_t[]){INT64_MAX, 1}, 2, TG_PAD_CONSTANT, 0) == NULL);
    CHECK(tg_pad(x, (const int64_t[]){1LL << 61, 1LL << 61}, 2, TG_PAD_CONSTANT, 0) == NULL);
    CHECK(tg_pad(x, (const int64_t[]){1, 1, 1LL << 60, 0}, 4, TG_PAD_REPLICATE, 0) == NULL);
    CHECK(tg_interpolate(x, NULL, (const double[]){1e30}, 1, TG_INTERP_BILINEAR, false) == NULL);
    CHECK(tg_interpolate(x, NULL, (const double[]){NAN}, 1, TG_INTERP_NEAREST, false) == NULL);
    CHECK(tg_interpolate(x, (const int64_t[]){1LL << 40, 1LL << 40}, NULL, 2, TG_INTERP_NEAREST, false) == NULL);
    tg_clear_error();
}

static void test_input_untouched(void)
{
    tg_tensor *x = image();
    uint64_t version = tg_version(x);
    CHECK(tg_max_pool2d(x, (tg_pool_opts){.kernel_size = {2, 2}, .padding = {2, 2}}) == NULL);
    CHECK(tg_pad(x, (const int64_t[]){9, 9}, 2, TG_PAD_REFLECT, 0) == NULL);
    CHECK(tg_version(x) == version && tg_grad(x) == NULL && tg_item(tg_sum(x)) == 780);
    tg_clear_error();
}

int main(void)
{
    test_null_arguments();
    test_absurd_sizes();
    test_input_untouched();
    return TEST_MAIN_END();
}
