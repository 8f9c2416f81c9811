/* Custom functions (tg_function_apply), anomaly mode and checkpointing
   beyond what the oracle tests compare: callbacks that fail, user data
   destroyed with the node, misuse of the context, the forward call a node
   notes in anomaly mode, dropout drawing the same mask when a
   checkpointed function runs again, and saved-tensor hooks misused or
   failing. */
#include "harness.h"
#include "core/core.h"
#include "graph/graph.h"

#include <math.h>
#include <string.h>

static int destroyed;
static void count_destroy(void *data)
{
    (void)data;
    destroyed++;
}

static int square_forward(tg_ctx *ctx, tg_tensor *const *in, int n_in, void *args, tg_tensor **out, int n_out)
{
    (void)n_in, (void)args, (void)n_out;
    tg_ctx_set_data(ctx, &destroyed, count_destroy);
    out[0] = tg_mul(in[0], in[0]);
    return out[0] ? tg_ctx_save_for_backward(ctx, in, 1) : -1;
}

static int square_backward(tg_ctx *ctx, tg_tensor *const *g, int n_out, tg_tensor **gi, int n_in)
{
    (void)n_out, (void)n_in;
    gi[0] = tg_mul(tg_mul_scalar(g[0], 2), tg_ctx_saved(ctx, 0));
    return gi[0] ? 1 : -1;
}

static const tg_function_def SQUARE = {"Square", square_forward, square_backward};

static tg_tensor *square(tg_tensor *x)
{
    tg_tensor *y = NULL;
    return tg_function_apply(&SQUARE, &x, 1, NULL, &y, 1) == 0 ? y : NULL;
}

static int failing_backward(tg_ctx *ctx, tg_tensor *const *g, int n_out, tg_tensor **gi, int n_in)
{
    (void)ctx, (void)n_out, (void)n_in;
    gi[0] = tg_reshape(g[0], TG_SHAPE(7));   /* fails: [3] has 3 elements */
    return gi[0] ? 1 : -1;
}

static int silent_backward(tg_ctx *ctx, tg_tensor *const *g, int n_out, tg_tensor **gi, int n_in)
{
    (void)ctx, (void)g, (void)n_out, (void)n_in, (void)gi;
    return -1;
}

static int failing_forward(tg_ctx *ctx, tg_tensor *const *in, int n_in, void *args, tg_tensor **out, int n_out)
{
    (void)n_in, (void)args, (void)n_out;
    tg_ctx_set_data(ctx, &destroyed, count_destroy);
    out[0] = tg_mul(in[0], in[0]);
    return -1;
}

static int null_forward(tg_ctx *ctx, tg_tensor *const *in, int n_in, void *args, tg_tensor **out, int n_out)
{
    (void)ctx, (void)in, (void)n_in, (void)args, (void)out, (void)n_out;
    return 0;
}

static void failing_callbacks(void)
{
    tg_scope_begin();
    int64_t tensors = tg__live_tensors(), nodes = tg__live_nodes();
    tg_tensor *x = tg_requires_grad_(tg_ones(TG_SHAPE(3), TG_F32), true);
    tg_tensor *other = tg_requires_grad_(tg_ones(TG_SHAPE(3), TG_F32), true);
    tg_tensor *y = NULL;
    CHECK(tg_function_apply(&(tg_function_def){"Fails", square_forward, failing_backward}, &x, 1, NULL, &y, 1) == 0);
    /* the other branch's leaf gets nothing either: a backward is all or nothing */
    CHECK(tg_backward(tg_sum(tg_add(y, other)), NULL) == -1);
    CHECK(strstr(tg_last_error(), "tg_reshape") || strstr(tg_last_error(), "shape"));
    CHECK(tg_grad(x) == NULL && tg_grad(other) == NULL);
    tg_clear_error();
    CHECK(tg_function_apply(&(tg_function_def){"Silent", square_forward, silent_backward}, &x, 1, NULL, &y, 1) == 0);
    CHECK(tg_backward(tg_sum(y), NULL) == -1);
    CHECK_STR(tg_last_error(), "the backward of SilentBackward failed without an error");
    tg_clear_error();
    y = x;
    int before = destroyed;
    CHECK(tg_function_apply(&(tg_function_def){"FailsForward", failing_forward, square_backward}, &x, 1, NULL, &y, 1) == -1);
    CHECK(y == NULL && destroyed == before + 1);
    CHECK(strstr(tg_last_error(), "forward of FailsForward failed") != NULL);
    CHECK(tg_function_apply(&(tg_function_def){"Null", null_forward, square_backward}, &x, 1, NULL, &y, 1) == -1);
    CHECK_STR(tg_last_error(), "tg_function_apply(): the forward of Null left output 0 NULL");
    tg_clear_error();
    tg_scope_end();
    CHECK(tg__live_tensors() == tensors && tg__live_nodes() == nodes);
}

static void data_lives_with_the_node(void)
{
    tg_scope_begin();
    tg_tensor *x = tg_requires_grad_(tg_ones(TG_SHAPE(3), TG_F32), true);
    int before = destroyed;
    tg_tensor *y = square(x);
    CHECK(y && destroyed == before);
    CHECK(tg_backward(tg_sum(y), NULL) == 0);
    CHECK(destroyed == before);   /* the node (y's grad_fn) is still there */
    TG_NO_GRAD CHECK(square(x) != NULL);
    CHECK(destroyed == before + 1);   /* nothing recorded: gone with the call */
    tg_scope_end();
    CHECK(destroyed == before + 2);
}

static tg_ctx *kept_ctx;
static int keep_ctx_forward(tg_ctx *ctx, tg_tensor *const *in, int n_in, void *args, tg_tensor **out, int n_out)
{
    (void)n_in, (void)args, (void)n_out;
    kept_ctx = ctx;
    CHECK(tg_ctx_saved(ctx, 0) == NULL);   /* only backward may read them */
    CHECK(strstr(tg_last_error(), "only backward") != NULL);
    tg_clear_error();
    CHECK(tg_ctx_save_for_backward(ctx, (tg_tensor *[]){NULL}, 1) == -1);
    tg_clear_error();
    out[0] = tg_mul_scalar(in[0], 2);
    return 0;
}

static int keep_ctx_backward(tg_ctx *ctx, tg_tensor *const *g, int n_out, tg_tensor **gi, int n_in)
{
    (void)n_out, (void)n_in;
    CHECK(tg_ctx_save_for_backward(ctx, g, 1) == -1);   /* only forward may save */
    CHECK(tg_ctx_saved(ctx, 0) == NULL);                /* nothing was saved */
    tg_clear_error();
    gi[0] = tg_mul_scalar(g[0], 2);
    return 1;
}

static void misuse(void)
{
    tg_scope_begin();
    tg_tensor *x = tg_requires_grad_(tg_ones(TG_SHAPE(3), TG_F32), true), *y;
    CHECK(tg_function_apply(NULL, &x, 1, NULL, &y, 1) == -1 && tg_last_status() == TG_E_NULL);
    CHECK(tg_function_apply(&(tg_function_def){NULL, square_forward, square_backward}, &x, 1, NULL, &y, 1) == -1);
    char name[200];
    memset(name, 'a', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    CHECK(tg_function_apply(&(tg_function_def){name, square_forward, square_backward}, &x, 1, NULL, &y, 1) == -1);
    CHECK(tg_function_apply(&SQUARE, &x, 1, NULL, &y, 0) == -1);
    tg_tensor *none = NULL;
    CHECK(tg_function_apply(&SQUARE, &none, 1, NULL, &y, 1) == -1);
    tg_clear_error();
    CHECK(tg_function_apply(&(tg_function_def){"Keep", keep_ctx_forward, keep_ctx_backward}, &x, 1, NULL, &y, 1) == 0);
    CHECK(tg_ctx_num_saved(kept_ctx) == 0 && tg_ctx_needs_input_grad(kept_ctx, 0) && !tg_ctx_needs_input_grad(kept_ctx, 1));
    CHECK(tg_backward(tg_sum(y), NULL) == 0);
    CHECK_CLOSE(tg_item(tg_sum(tg_grad(x))), 6.0, 1e-6);
    tg_scope_end();
}

/* ---------------------------------------------------------- anomaly */

static char last_warning[512];
static void keep_warning(const char *message, void *user)
{
    (void)user;
    snprintf(last_warning, sizeof last_warning, "%s", message);
}

static void anomaly_sites(void)
{
    tg_set_warning_handler(keep_warning, NULL);
    tg_scope_begin();
    CHECK(!tg_is_anomaly_enabled());
    tg_tensor *x = tg_requires_grad_(tg_zeros(TG_SHAPE(2), TG_F32), true);
    TG_DETECT_ANOMALY {
        CHECK(tg_is_anomaly_enabled() && tg_is_anomaly_check_nan_enabled());
        tg_tensor *y = TG_ANOMALY_AT(tg_div(x, x));
        const char *site = tg_node_anomaly_site(tg_grad_fn(y));
        CHECK(site && strstr(site, "test_autograd_custom.c:"));
        last_warning[0] = '\0';
        CHECK(tg_backward(tg_sum(y), NULL) == -1);
        CHECK_STR(tg_last_error(), "Function 'DivBackward0' returned nan values in its 1th output.");
        CHECK(strstr(last_warning, "Error detected in DivBackward0. Traceback of forward call that caused the error:"));
        CHECK(strstr(last_warning, site) != NULL);
        CHECK(tg_grad(x) == NULL);
        tg_anomaly_label("my label");
        tg_tensor *h = tg_mul_scalar(x, 1);
        tg_tensor *z = tg_exp(h);
        tg_anomaly_label(NULL);
        tg_add_scalar_(z, 1);
        CHECK(tg_backward(tg_sum(z), NULL) == -1);   /* ExpBackward0 saved its output */
        CHECK(strstr(tg_last_error(), "Hint: the backtrace further above shows the operation") != NULL);
        CHECK(strstr(last_warning, "Error detected in ExpBackward0") && strstr(last_warning, "my label"));
    }
    CHECK(!tg_is_anomaly_enabled());
    tg_tensor *y = tg_div(x, x);   /* off: the NaN goes through */
    CHECK(tg_node_anomaly_site(tg_grad_fn(y)) == NULL);
    CHECK(tg_backward(tg_sum(y), NULL) == 0);
    tg_set_detect_anomaly(true, false);   /* on without check_nan */
    CHECK(!tg_is_anomaly_check_nan_enabled());
    tg_zero_grad(x);
    CHECK(tg_backward(tg_sum(tg_div(x, x)), NULL) == 0);
    tg_set_detect_anomaly(false, true);
    tg_scope_end();
    tg_set_warning_handler(NULL, NULL);
}

/* ------------------------------------------------------ checkpointing */

static tg_tensor *dropout_mlp(tg_tensor *const *in, int n, void *ctx)
{
    (void)n, (void)ctx;
    return tg_tanh(tg_matmul(tg_dropout(tg_tanh(tg_matmul(in[0], in[1])), 0.5, true), in[2]));
}

/* The gradients of sum(dropout_mlp(x, w1, w2)) with the generator seeded
   first, through tg_checkpoint or not. */
static void dropout_grads(bool checkpointed, double *out, int n_out)
{
    tg_scope_begin();
    tg_manual_seed(7);
    tg_tensor *in[3] = {tg_requires_grad_(tg_randn(TG_SHAPE(4, 5), TG_F64), true),
                        tg_requires_grad_(tg_randn(TG_SHAPE(5, 6), TG_F64), true),
                        tg_requires_grad_(tg_randn(TG_SHAPE(6, 3), TG_F64), true)};
    tg_tensor *y = checkpointed ? tg_checkpoint(dropout_mlp, in, 3, NULL) : dropout_mlp(in, 3, NULL);
    tg_randn(TG_SHAPE(10), TG_F32);   /* draws between forward and backward do not change the mask */
    CHECK(tg_backward(tg_sum(y), NULL) == 0);
    int k = 0;
    for (int i = 0; i < 3; i++) {
        int64_t m = tg_numel(tg_grad(in[i]));
        CHECK(k + m <= n_out);
        tg_copy_to_f64(tg_grad(in[i]), out + k);
        k += (int)m;
    }
    tg_scope_end();
}

static void checkpoint_dropout(void)
{
    enum { N = 4 * 5 + 5 * 6 + 6 * 3 };
    double plain[N], again[N];
    dropout_grads(false, plain, N);
    dropout_grads(true, again, N);
    bool same = true;
    for (int i = 0; i < N; i++) same = same && plain[i] == again[i];
    CHECK(same);
    /* the checkpointed node's inputs: x, then the leaves fn reads */
    tg_scope_begin();
    tg_tensor *in[3] = {tg_requires_grad_(tg_ones(TG_SHAPE(2, 5), TG_F32), true), tg_ones(TG_SHAPE(5, 6), TG_F32),
                        tg_ones(TG_SHAPE(6, 3), TG_F32)};
    tg_tensor *y = tg_checkpoint(dropout_mlp, in, 3, NULL);
    CHECK_STR(tg_node_name(tg_grad_fn(y)), "CheckpointFunctionBackward");
    CHECK(tg_node_num_next(tg_grad_fn(y)) == 3);
    TG_NO_GRAD CHECK(tg_grad_fn(tg_checkpoint(dropout_mlp, in, 3, NULL)) == NULL);
    CHECK(tg_checkpoint(NULL, in, 3, NULL) == NULL && tg_last_status() == TG_E_NULL);
    tg_clear_error();
    tg_scope_end();
}

/* ------------------------------------------------ saved-tensor hooks */

static void *failing_pack(tg_tensor *t, void *user)
{
    (void)t, (void)user;
    return tg__fail(TG_E_INVALID, "no room");
}

static tg_tensor *never_unpacked(void *packed, void *user)
{
    (void)packed, (void)user;
    CHECK(!"unpack of a tensor that was not packed");
    return NULL;
}

static void hooks_misuse(void)
{
    tg_set_warning_handler(keep_warning, NULL);
    tg_scope_begin();
    CHECK(tg_saved_tensors_hooks_pop() == -1);
    CHECK(tg_saved_tensors_hooks_push((tg_saved_tensors_hooks){NULL, never_unpacked, NULL, NULL}) == -1);
    tg_clear_error();
    tg_tensor *x = tg_requires_grad_(tg_from_f32((const float[]){1, 2}, TG_SHAPE(2)), true);
    CHECK(tg_saved_tensors_hooks_push((tg_saved_tensors_hooks){failing_pack, never_unpacked, NULL, NULL}) == 0);
    last_warning[0] = '\0';
    tg_tensor *y = tg_exp(x);   /* the failed pack keeps the tensor itself */
    CHECK(tg_saved_tensors_hooks_pop() == 0);
    CHECK(strstr(last_warning, "pack hook failed (no room)") != NULL);
    CHECK(tg_last_status() == TG_OK);
    CHECK(tg_backward(tg_sum(y), NULL) == 0);
    CHECK_CLOSE(tg_item(tg_sum(tg_grad(x))), exp(1.0) + exp(2.0), 1e-5);
    tg_scope_end();
    tg_set_warning_handler(NULL, NULL);
}

int main(void)
{
    failing_callbacks();
    data_lives_with_the_node();
    misuse();
    anomaly_sites();
    checkpoint_dropout();
    hooks_misuse();
    return TEST_MAIN_END();
}
