/* Anomaly mode (tg_set_detect_anomaly, PyTorch's set_detect_anomaly) with
   and without check_nan: the node whose gradient has a NaN and its error,
   the first line of the warning that names the forward call (the rest is
   the forward call's label here, Python's traceback there), the version
   error's hint, and a custom function's NaN. Prints what
   autograd_anomaly.py prints. */
#include <tensorgrad.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "oracle.h"

/* The warning's first line, as the Python side prints it. */
static void first_line(const char *message, void *user_data)
{
    (void)user_data;
    const char *end = strchr(message, '\n');
    printf("warning: %.*s\n", end ? (int)(end - message) : (int)strlen(message), message);
}

static void attempt(const char *label, int rc)
{
    if (rc == 0) printf("%s: ok\n", label);
    else printf("%s: error: %s\n", label, tg_last_error());
    tg_clear_error();
}

static const char *py_bool(bool b) { return b ? "True" : "False"; }

static void enabled(void)
{
    printf("enabled: %s %s\n", py_bool(tg_is_anomaly_enabled()), py_bool(tg_is_anomaly_check_nan_enabled()));
}

static tg_tensor *vec(float a, float b) { return leaf(tg_from_f32(F32(a, b), TG_SHAPE(2))); }
static int sum_backward(tg_tensor *t) { return tg_backward(tg_sum(t), NULL); }
static void report(const tg_tensor *x) { show("grad", tg_grad(x)); }

static int bad_forward(tg_ctx *ctx, tg_tensor *const *in, int n_in, void *args, tg_tensor **out, int n_out)
{
    (void)ctx, (void)n_in, (void)args, (void)n_out;
    out[0] = tg_mul_scalar(in[0], 2);
    return 0;
}

static int bad_backward(tg_ctx *ctx, tg_tensor *const *g, int n_out, tg_tensor **gi, int n_in)
{
    (void)ctx, (void)n_out, (void)n_in;
    gi[0] = tg_mul_scalar(g[0], NAN);
    return 1;
}

int main(void)
{
    tg_set_warning_handler(first_line, NULL);
    enabled();
    tg_set_detect_anomaly(true, true);
    enabled();

    tg_tensor *x = vec(0, 1);
    attempt("div", sum_backward(TG_ANOMALY_AT(tg_div(x, x))));
    report(x);
    tg_tensor *a = vec(1, 2), *b = vec(NAN, 1);
    attempt("mul", sum_backward(tg_mul_scalar(tg_mul(a, b), 2)));
    report(a);
    attempt("log of negative", sum_backward(tg_log(vec(-1, 2))));
    tg_tensor *c = vec(1, 4);
    attempt("sqrt", sum_backward(tg_sqrt(c)));
    report(c);
    tg_tensor *w = tg_requires_grad_(tg_from_c64((const float[]){1, 1, 0, 2}, TG_SHAPE(2)), true);
    attempt("complex", sum_backward(tg_abs(tg_mul(w, tg_from_c64((const float[]){NAN, 0, 1, 0}, TG_SHAPE(2))))));
    tg_tensor *z = vec(0, 1), *g = NULL, *total = tg_sum(tg_div(z, z));
    attempt("autograd.grad", tg_autograd_grad(&total, 1, &z, 1, NULL, (tg_backward_opts){0}, &g));

    tg_tensor *in = vec(1, 2), *out = NULL;
    tg_function_apply(&(tg_function_def){"Bad", bad_forward, bad_backward}, &in, 1, NULL, &out, 1);
    attempt("custom", sum_backward(out));

    tg_tensor *e = tg_exp(tg_mul_scalar(vec(1, 2), 1));
    tg_add_scalar_(e, 1);
    attempt("saved output modified", sum_backward(e));

    tg_set_detect_anomaly(true, false);
    enabled();
    x = vec(0, 1);
    attempt("div without check_nan", sum_backward(tg_div(x, x)));
    report(x);

    tg_set_detect_anomaly(false, true);
    enabled();
    x = vec(0, 1);
    attempt("div, anomaly mode off", sum_backward(tg_div(x, x)));
    report(x);
    return 0;
}
