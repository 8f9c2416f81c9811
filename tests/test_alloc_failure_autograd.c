/* Custom functions, anomaly mode and checkpointing with their N-th
   allocation failing, for every N: a forward, backward and double
   backward through a custom function (of one output and of two), the NaN
   check, a checkpointed function, saved-tensor hooks and a custom
   function's jvp (tests/alloc_sweep.h). */
#include "alloc_sweep.h"

static int square_forward(tg_ctx *ctx, tg_tensor *const *in, int n_in, void *args, tg_tensor **out, int n_out)
{
    (void)n_in, (void)args, (void)n_out;
    out[0] = tg_mul(in[0], in[0]);
    return out[0] ? tg_ctx_save_for_backward(ctx, in, 1) : -1;
}

static int square_backward(tg_ctx *ctx, tg_tensor *const *g, int n_out, tg_tensor **gi, int n_in)
{
    (void)n_out, (void)n_in;
    gi[0] = tg_mul(tg_mul_scalar(g[0], 2), tg_ctx_saved(ctx, 0));
    return gi[0] ? 1 : -1;
}

static tg_tensor *square(tg_tensor *x)
{
    tg_tensor *y = NULL;
    return tg_function_apply(&(tg_function_def){"Square", square_forward, square_backward}, &x, 1, NULL, &y, 1) == 0
               ? y
               : NULL;
}

static tg_tensor *sin_mul(tg_tensor *const *in, int n, void *ctx)
{
    (void)n, (void)ctx;
    return tg_mul(tg_sin(in[0]), in[1]);
}

static tg_tensor *f_checkpoint(tg_tensor *const *x) { return tg_checkpoint(sin_mul, x, 2, NULL); }

/* ---------------------------------------------------- allocation sweeps */

static tg_tensor *f_square(tg_tensor *const *x) { return square(x[0]); }

/* exp(x) sin(w) under a pair of saved-tensor hooks, popped after the forward */
static tg_tensor *under_hooks(tg_tensor *const *x, tg_saved_tensors_hooks hooks)
{
    if (tg_saved_tensors_hooks_push(hooks)) return NULL;
    tg_tensor *a = tg_exp(x[0]);
    tg_tensor *y = tg_mul(tg_mul(a, tg_sin(x[1])), a);
    tg_saved_tensors_hooks_pop();
    return y;
}
static tg_tensor *f_on_disk(tg_tensor *const *x) { return under_hooks(x, tg_saved_tensors_on_disk()); }
static tg_tensor *f_in_f32(tg_tensor *const *x) { return under_hooks(x, tg_saved_tensors_in_dtype(TG_F32)); }

static int two_forward(tg_ctx *ctx, tg_tensor *const *in, int n_in, void *args, tg_tensor **out, int n_out)
{
    (void)n_in, (void)args, (void)n_out;
    out[0] = tg_mul(in[0], in[1]);
    out[1] = tg_exp(in[0]);
    if (!out[0] || !out[1]) return -1;
    return tg_ctx_save_for_backward(ctx, (tg_tensor *[]){in[0], in[1], out[1]}, 3);
}

static int two_backward(tg_ctx *ctx, tg_tensor *const *g, int n_out, tg_tensor **gi, int n_in)
{
    (void)n_out, (void)n_in;
    gi[0] = tg_add(tg_mul(g[0], tg_ctx_saved(ctx, 1)), tg_mul(g[1], tg_ctx_saved(ctx, 2)));
    gi[1] = tg_mul(g[0], tg_ctx_saved(ctx, 0));
    return gi[0] && gi[1] ? 2 : -1;
}

static tg_tensor *f_two_outputs(tg_tensor *const *x)
{
    tg_tensor *y[2] = {NULL, NULL};
    if (tg_function_apply(&(tg_function_def){"Two", two_forward, two_backward}, x, 2, NULL, y, 2)) return NULL;
    return tg_add(y[0], tg_mul(y[1], y[1]));
}

/* square's jvp, 2 x t, named by its forward */
static int square_jvp(tg_ctx *ctx, tg_tensor *const *t, int n_in, tg_tensor **out, int n_out)
{
    (void)n_in, (void)n_out;
    out[0] = tg_mul(tg_mul_scalar(t[0], 2), tg_ctx_saved(ctx, 0));
    return out[0] ? 1 : -1;
}

static int square_dual_forward(tg_ctx *ctx, tg_tensor *const *in, int n_in, void *args, tg_tensor **out, int n_out)
{
    return tg_ctx_set_jvp(ctx, square_jvp) ? -1 : square_forward(ctx, in, n_in, args, out, n_out);
}

/* the tangent of a custom function's output, through its jvp */
static int jvp_step(void *ctx)
{
    tg_tensor *x = ctx, *y = NULL, *tangent = NULL;
    if (tg_fwad_enter_dual_level()) return -1;
    tg_tensor *dual = tg_make_dual(x, tg_ones_like(x));
    int rc = dual ? tg_function_apply(&(tg_function_def){"Square", square_dual_forward, square_backward}, &dual, 1,
                                      NULL, &y, 1)
                  : -1;
    if (rc == 0 && (!tg_unpack_dual(y, &tangent) || !tangent)) rc = -1;
    tg_fwad_exit_dual_level();
    return rc;
}

static int nan_step(void *ctx)
{
    (void)ctx;
    tg_tensor *x = tg_requires_grad_(tg_zeros(TG_SHAPE(2), TG_F32), true);
    tg_tensor *g = NULL;
    bool prev = tg_set_detect_anomaly(true, true);
    tg_tensor *y = x ? tg_sum(tg_div(x, x)) : NULL;
    int rc = y ? tg_autograd_grad(&y, 1, &x, 1, NULL, (tg_backward_opts){0}, &g) : -1;
    tg_set_detect_anomaly(prev, true);
    if (rc == 0) return -1;   /* never: the NaN must be found */
    return tg_last_status() == TG_E_OOM ? -1 : 0;
}

static void sweeps(void)
{
    tg_tensor *x[2] = {tg_retain(tg_from_f64((const double[]){0.5, -1.0, 2.0}, TG_SHAPE(3))),
                       tg_retain(tg_from_f64((const double[]){1.5, 0.25, -0.75}, TG_SHAPE(3)))};
    tg_requires_grad_(x[0], true);
    tg_requires_grad_(x[1], true);
    grad_case cases[] = {{"custom function", f_square, 1},
                         {"custom function, two outputs", f_two_outputs, 2},
                         {"checkpoint", f_checkpoint, 2},
                         {"saved tensors on disk", f_on_disk, 2},
                         {"saved tensors in float32", f_in_f32, 2}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        alloc_sweep(cases[i].name, grad_step, &(grad_run){&cases[i], x});
    alloc_sweep("anomaly mode's NaN check", nan_step, NULL);
    alloc_sweep("custom function's jvp", jvp_step, x[0]);
    tg_release(x[0]);
    tg_release(x[1]);
}

int main(void)
{
    sweeps();
    return TEST_MAIN_END();
}
