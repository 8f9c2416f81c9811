/* Allocation-failure sweeps (tests/alloc_sweep.h) over pooling, padding and
   resampling: each step runs one function forward and backward (with
   create_graph, so that its derivative's operations are swept too), and
   every failing allocation must end in TG_E_OOM with nothing leaked. */
#include "alloc_sweep.h"

typedef tg_tensor *(*nn_fn)(const tg_tensor *x);

/* x (2, 2, 5, 6) requiring grad, f(x), then the gradient of sum(f(x)^2)
   with its graph, and backward through that. */
typedef struct nn_step { const char *name; nn_fn f; } nn_step;

static int step(void *ctx)
{
    nn_fn f = ((const nn_step *)ctx)->f;
    if (tg_scope_begin() < 0) return -1;
    tg_tensor *x = tg_requires_grad_(tg_reshape(tg_sin(tg_arange(0, 120, 1, TG_F64)), TG_SHAPE(2, 2, 5, 6)), true);
    tg_tensor *y = x ? f(tg_transpose(x, 2, 3)) : NULL, *g = NULL;
    tg_tensor *loss = tg_sum(tg_mul(y, y));
    int rc = loss ? tg_autograd_grad(&loss, 1, &x, 1, NULL, (tg_backward_opts){.create_graph = true}, &g) : -1;
    if (rc == 0) rc = tg_backward(tg_sum(tg_mul(g, g)), NULL);
    tg_scope_end();
    return rc;
}

static tg_tensor *max_pool2d(const tg_tensor *x)
{
    tg_tensor *indices;
    return tg_max_pool2d_with_indices(x, (tg_pool_opts){.kernel_size = {2, 3}, .padding = {1, 1}}, &indices);
}
static tg_tensor *max_pool1d(const tg_tensor *x)
{
    tg_tensor *indices;
    return tg_max_pool1d_with_indices(tg_select(x, 0, 1), (tg_pool_opts){.kernel_size = {3}, .stride = {2}}, &indices);
}
static tg_tensor *avg_pool2d(const tg_tensor *x)
{
    return tg_avg_pool2d_ex(x, (tg_pool_opts){.kernel_size = {3, 2}, .stride = {2, 1}, .padding = {1, 1}, .ceil_mode = true}, 5);
}
static tg_tensor *adaptive_avg(const tg_tensor *x) { return tg_adaptive_avg_pool2d(x, 3, 2); }
static tg_tensor *adaptive_max(const tg_tensor *x) { return tg_adaptive_max_pool2d(x, 2, 4, NULL); }

static tg_tensor *pad_constant(const tg_tensor *x) { return tg_pad(x, (const int64_t[]){1, -1, 2, 0}, 4, TG_PAD_CONSTANT, 1); }
static tg_tensor *pad_reflect(const tg_tensor *x) { return tg_pad(x, (const int64_t[]){1, 2, 2, 1}, 4, TG_PAD_REFLECT, 0); }
static tg_tensor *pad_replicate(const tg_tensor *x) { return tg_pad(tg_select(x, 0, 0), (const int64_t[]){3, -1}, 2, TG_PAD_REPLICATE, 0); }

static tg_tensor *pad_circular(const tg_tensor *x) { return tg_pad(x, (const int64_t[]){1, 2, -1, 1}, 4, TG_PAD_CIRCULAR, 0); }
static tg_tensor *nearest(const tg_tensor *x) { return tg_interpolate(x, (const int64_t[]){7, 3}, NULL, 2, TG_INTERP_NEAREST, false); }
static tg_tensor *bilinear(const tg_tensor *x)
{
    return tg_interpolate(x, NULL, (const double[]){1.5}, 1, TG_INTERP_BILINEAR, true);
}

static const nn_step STEPS[] = {
    {"tg_max_pool2d_with_indices", max_pool2d},
    {"tg_max_pool1d_with_indices", max_pool1d},
    {"tg_avg_pool2d_ex", avg_pool2d},
    {"tg_adaptive_avg_pool2d", adaptive_avg},
    {"tg_adaptive_max_pool2d", adaptive_max},
    {"tg_pad constant", pad_constant},
    {"tg_pad reflect", pad_reflect},
    {"tg_pad replicate", pad_replicate},
    {"tg_pad circular", pad_circular},
    {"tg_interpolate nearest", nearest},
    {"tg_interpolate bilinear", bilinear},
};

int main(void)
{
    for (size_t i = 0; i < sizeof STEPS / sizeof STEPS[0]; i++)
        CHECK(alloc_sweep(STEPS[i].name, step, (void *)&STEPS[i]) > 0);
    return TEST_MAIN_END();
}
