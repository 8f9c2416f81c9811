/* Allocation failure in the normalisation functions: layer_norm,
   group_norm, rms_norm and batch_norm (training and evaluation), each a
   forward and a backward (first order, and with create_graph a second),
   run with its N-th allocation failing for every N (alloc_sweep.h's
   checks, through every allocation of the step).
   A failed batch_norm call must leave the running statistics bit for bit
   as they were. */
#include "alloc_sweep.h"

#include <string.h>
#include <tensorgrad.h>

typedef struct norm_inputs {
    tg_tensor *x, *w, *b;            /* (4, 6, 2), (6), (6), requiring grad */
    tg_tensor *running_mean, *running_var;
    bool training;
} norm_inputs;

static tg_tensor *param(const int64_t *shape, int ndim, double scale, double shift)
{
    tg_tensor *k = tg_arange(0, (double)tg__numel(shape, ndim), 1, TG_F32);
    tg_tensor *t = tg_add_scalar(tg_mul_scalar(tg_sin(k), scale), shift);
    return tg_retain(tg_requires_grad_(tg_reshape(t, shape, ndim), true));
}

/* Backward of sum(out), then of the gradient's square through the graph
   create_graph made (the second derivative). 0 or -1. */
static int backward_twice(tg_tensor *out, tg_tensor *x)
{
    tg_tensor *g = NULL, *seed = out ? tg_ones_like(out) : NULL;   /* a NULL seed would mean "none" */
    tg_backward_opts opts = {.create_graph = true};
    if (!seed || tg_autograd_grad(&out, 1, &x, 1, &seed, opts, &g)) return -1;
    return g && tg_backward(tg_sum(tg_mul(g, g)), NULL) == 0 ? 0 : -1;
}

/* A weight made inside the step is checked before use: a NULL weight
   (from a failed operation) would mean no weight. */
static int layer_norm_step(void *ctx)
{
    norm_inputs *in = ctx;
    if (tg_scope_begin() < 0) return -1;
    tg_tensor *w = tg_expand(tg_view(in->w, TG_SHAPE(6, 1)), TG_SHAPE(6, 2));
    int rc = w ? backward_twice(tg_layer_norm(in->x, (const int64_t[]){6, 2}, 2, w, NULL, 1e-5), in->x) : -1;
    tg_scope_end();
    return rc;
}

static int group_norm_step(void *ctx)
{
    norm_inputs *in = ctx;
    if (tg_scope_begin() < 0) return -1;
    int rc = backward_twice(tg_group_norm(tg_transpose(in->x, 0, 2), 2, NULL, NULL, 1e-5), in->x);
    tg_scope_end();
    return rc;
}

/* (4, 2, 6, 1), channels-last: PyTorch's channels-last kernel. */
static int group_norm_channels_last_step(void *ctx)
{
    norm_inputs *in = ctx;
    if (tg_scope_begin() < 0) return -1;
    tg_tensor *last = tg_permute(tg_view(in->x, TG_SHAPE(4, 6, 1, 2)), (const int64_t[]){0, 3, 1, 2}, 4);
    int rc = backward_twice(tg_group_norm(last, 2, NULL, NULL, 1e-5), in->x);
    tg_scope_end();
    return rc;
}

static int rms_norm_step(void *ctx)
{
    norm_inputs *in = ctx;
    if (tg_scope_begin() < 0) return -1;
    int rc = backward_twice(tg_rms_norm(tg_transpose(in->x, 1, 2), (const int64_t[]){6}, 1, in->w, NAN), in->x);
    tg_scope_end();
    return rc;
}

/* batch_norm's step checks itself that a failed call changed no running
   statistic (a call that succeeded updates them, and the sweep goes on
   from there). */
static int batch_norm_step(void *ctx)
{
    norm_inputs *in = ctx;
    double mean_before[6], var_before[6], mean_after[6], var_after[6];
    tg_copy_to_f64(in->running_mean, mean_before);
    tg_copy_to_f64(in->running_var, var_before);
    uint64_t versions = tg_version(in->running_mean) + tg_version(in->running_var);
    if (tg_scope_begin() < 0) return -1;
    tg_tensor *out = tg_batch_norm(in->x, in->running_mean, in->running_var, in->w, in->b, in->training, 0.1, 1e-5);
    if (!out) {
        tg_copy_to_f64(in->running_mean, mean_after);
        tg_copy_to_f64(in->running_var, var_after);
        bool unchanged = memcmp(mean_before, mean_after, sizeof mean_after) == 0 &&
                         memcmp(var_before, var_after, sizeof var_after) == 0 &&
                         tg_version(in->running_mean) + tg_version(in->running_var) == versions;
        CHECK(unchanged);
    }
    int rc = backward_twice(out, in->x);
    tg_scope_end();
    return rc;
}

/* t's values as a new float16 leaf (grad as t's), retained. */
static tg_tensor *in_f16(const tg_tensor *t)
{
    tg_tensor *h = tg_to(tg_detach(t), TG_F16);
    return tg_retain(tg_requires_grad(t) ? tg_requires_grad_(h, true) : h);
}

/* The same steps over float16 inputs (computed in float: Note [Half in
   float] in src/ops/ops.h), the running statistics float16 too. */
static void half_sweeps(const norm_inputs *in)
{
    norm_inputs h = {in_f16(in->x), in_f16(in->w), in_f16(in->b), in_f16(in->running_mean), in_f16(in->running_var),
                     true};
    CHECK(alloc_sweep("layer_norm f16", layer_norm_step, &h) >= 0);
    CHECK(alloc_sweep("group_norm f16", group_norm_step, &h) >= 0);
    CHECK(alloc_sweep("batch_norm training f16", batch_norm_step, &h) >= 0);
    h.training = false;
    CHECK(alloc_sweep("batch_norm evaluation f16", batch_norm_step, &h) >= 0);
    tg_tensor *all[5] = {h.x, h.w, h.b, h.running_mean, h.running_var};
    for (int i = 0; i < 5; i++) tg_release(all[i]);
}

int main(void)
{
    norm_inputs in = {param(TG_SHAPE(4, 6, 2), 2, 0.25), param(TG_SHAPE(6), 0.5, 1), param(TG_SHAPE(6), 0.5, 0),
                      tg_retain(tg_zeros(TG_SHAPE(6), TG_F32)), tg_retain(tg_ones(TG_SHAPE(6), TG_F32)), true};
    int64_t counts[6] = {
        alloc_sweep("layer_norm", layer_norm_step, &in),
        alloc_sweep("group_norm", group_norm_step, &in),
        alloc_sweep("group_norm channels-last", group_norm_channels_last_step, &in),
        alloc_sweep("rms_norm", rms_norm_step, &in),
        alloc_sweep("batch_norm training", batch_norm_step, &in),
    };
    in.training = false;
    counts[5] = alloc_sweep("batch_norm evaluation", batch_norm_step, &in);
    CHECK(alloc_sweep("batch_norm evaluation", batch_norm_step, &in) >= 0);
    printf("allocation sites swept:");
    for (int i = 0; i < 6; i++) printf(" %lld", (long long)counts[i]);
    printf("\n");
    half_sweeps(&in);
    tg_tensor *all[5] = {in.x, in.w, in.b, in.running_mean, in.running_var};
    for (int i = 0; i < 5; i++) tg_release(all[i]);
    return TEST_MAIN_END();
}
