/* Normalisation: layer_norm, group_norm, rms_norm and batch_norm: values
   (f32 ones also to the bit), gradients of input, weight and bias, grad_fn
   chains, result strides, non-contiguous and zero-size inputs, running
   statistics over several training calls, and errors. Prints what
   nn_norm.py prints with PyTorch. */
#include <tensorgrad.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "oracle.h"

/* Every element with 9 significant digits (f32's round trip) or 17 (f64):
   a difference of one bit shows. */
static void exact(const char *label, const tg_tensor *t)
{
    printf("%s exact:", label);
    if (!t) {
        printf(" error: %s\n", tg_last_error());
        return;
    }
    double *v = malloc((size_t)(tg_numel(t) + 1) * sizeof *v);
    tg_copy_to_f64(t, v);
    for (int64_t i = 0; i < tg_numel(t); i++) printf(tg_dtype_of(t) == TG_F64 ? " %.17g" : " %.9g", v[i]);
    printf("\n");
    free(v);
}

/* Distinct values, k * step + start, in shape. */
static tg_tensor *ramp(const int64_t *shape, int ndim, double start, double step)
{
    int64_t n = 1;
    for (int i = 0; i < ndim; i++) n *= shape[i];
    return tg_reshape(tg_arange(start, start + step * ((double)n - 0.5), step, TG_F32), shape, ndim);
}

/* Irregular values for the bit-exact checks, each exact in f32:
   (7919 k mod 1009) / 64 - 7.5. */
static tg_tensor *wavy(const int64_t *shape, int ndim)
{
    int64_t n = 1;
    for (int i = 0; i < ndim; i++) n *= shape[i];
    float *v = malloc((size_t)(n + 1) * sizeof *v);
    for (int64_t k = 0; k < n; k++) v[k] = (float)((k * 7919) % 1009) / 64.0f - 7.5f;
    tg_tensor *t = tg_from_f32(v, shape, ndim);
    free(v);
    return t;
}

static void layer_norm_tests(void)
{
    tg_scope_begin();
    tg_tensor *x = leaf(tg_from_f32(F32(0.5, -1.0, 2.0, 0.0, 3.0, -2.5), TG_SHAPE(2, 3)));
    tg_tensor *w = leaf(tg_from_f32(F32(1.5, -0.5, 2.0), TG_SHAPE(3)));
    tg_tensor *b = leaf(tg_from_f32(F32(0.25, 0.0, -1.0), TG_SHAPE(3)));
    check_strided("layer_norm", tg_layer_norm(x, I64(3), 1, w, b, 1e-5), (tg_tensor *[]){x, w, b}, 3);

    x = leaf(tg_from_f32(F32(0.5, -1.0, 2.0, 0.0, 3.0, -2.5), TG_SHAPE(2, 3)));
    check_strided("layer_norm no weight", tg_layer_norm(x, I64(3), 1, NULL, NULL, 1e-5), &x, 1);

    x = leaf64(ramp(TG_SHAPE(4, 2, 3), 0.5, 0.75));
    w = leaf64(tg_from_f32(F32(1.0, 2.0, -1.0, 0.5, 0.25, 3.0), TG_SHAPE(3, 2)));
    tg_tensor *xt = tg_transpose(tg_mul(x, x), 0, 2);   /* (3, 2, 4), normalised over its last dim */
    check_strided("layer_norm transposed f64", tg_layer_norm(xt, I64(4), 1, NULL, NULL, 1e-5), &x, 1);
    check_strided("layer_norm two dims", tg_layer_norm(tg_permute(x, I64(1, 2, 0), 3), I64(3, 4), 2, NULL, NULL, 0.1),
                  &x, 1);
    check("layer_norm weight only", tg_layer_norm(x, I64(2, 3), 2, tg_transpose(w, 0, 1), NULL, 1e-5),
          (tg_tensor *[]){x, w}, 2);

    x = leaf(tg_zeros(TG_SHAPE(0, 3), TG_F32));
    w = leaf(tg_ones(TG_SHAPE(3), TG_F32));
    check_strided("layer_norm empty batch", tg_layer_norm(x, I64(3), 1, w, NULL, 1e-5), (tg_tensor *[]){x, w}, 2);
    x = leaf(tg_zeros(TG_SHAPE(2, 0), TG_F32));
    check_strided("layer_norm empty rows", tg_layer_norm(x, I64(0), 1, NULL, NULL, 1e-5), &x, 1);

    tg_tensor *big = wavy(TG_SHAPE(3, 37));
    tg_tensor *bw = tg_add_scalar(tg_div_scalar(ramp(TG_SHAPE(37), 1, 1), 7), -2);
    tg_tensor *bb = tg_div_scalar(ramp(TG_SHAPE(37), -5, 1), 9);
    exact("layer_norm f32", tg_layer_norm(big, I64(37), 1, NULL, NULL, 1e-5));
    exact("layer_norm f32 affine", tg_layer_norm(big, I64(37), 1, bw, bb, 1e-5));
    exact("layer_norm f32 weight", tg_layer_norm(big, I64(37), 1, bw, NULL, 1e-5));
    exact("layer_norm f64 affine",
          tg_layer_norm(tg_to(big, TG_F64), I64(37), 1, tg_to(bw, TG_F64), tg_to(bb, TG_F64), 1e-5));
    tg_tensor *wide = wavy(TG_SHAPE(2, 300));
    exact("layer_norm f32 wide", tg_layer_norm(wide, I64(300), 1, NULL, NULL, 1e-6));
    exact("layer_norm f32 two dims",
          tg_layer_norm(tg_view(wide, TG_SHAPE(2, 20, 15)), I64(20, 15), 2, NULL, NULL, 1e-6));
    exact("layer_norm f32 transposed",
          tg_layer_norm(tg_transpose(tg_view(wide, TG_SHAPE(2, 30, 10)), 1, 2), I64(30), 1, NULL, NULL, 1e-6));

    /* A saved parameter changed in place makes backward fail. */
    x = leaf(tg_from_f32(F32(0.5, -1.0, 2.0, 0.0, 3.0, -2.5), TG_SHAPE(2, 3)));
    tg_tensor *wc = tg_from_f32(F32(1.5, -0.5, 2.0), TG_SHAPE(3));
    tg_tensor *bc = tg_from_f32(F32(1.5, -0.5, 2.0), TG_SHAPE(3));
    tg_tensor *y = tg_layer_norm(x, I64(3), 1, wc, bc, 1e-5);
    tg_mul_scalar_(bc, 2);
    printf("layer_norm bias changed: %s\n", tg_backward(tg_sum(y), NULL) ? tg_last_error() : "ok");
    tg_scope_end();

    tg_tensor *x23 = tg_from_f32(F32(0.5, -1.0, 2.0, 0.0, 3.0, -2.5), TG_SHAPE(2, 3));
    ATTEMPT("layer_norm wrong shape", tg_layer_norm(x23, I64(4), 1, NULL, NULL, 1e-5));
    ATTEMPT("layer_norm wrong shape 2", tg_layer_norm(tg_view(x23, TG_SHAPE(1, 2, 3)), I64(2, 4), 2, NULL, NULL, 1e-5));
    ATTEMPT("layer_norm no dims", tg_layer_norm(x23, NULL, 0, NULL, NULL, 1e-5));
    ATTEMPT("layer_norm weight shape", tg_layer_norm(x23, I64(3), 1, tg_ones(TG_SHAPE(4), TG_F32), NULL, 1e-5));
    ATTEMPT("layer_norm bias shape", tg_layer_norm(x23, I64(3), 1, NULL, tg_ones(TG_SHAPE(1, 3), TG_F32), 1e-5));
    ATTEMPT("layer_norm long", tg_layer_norm(tg_ones(TG_SHAPE(2, 3), TG_I64), I64(3), 1, NULL, NULL, 1e-5));
    ATTEMPT("layer_norm weight f64", tg_layer_norm(x23, I64(3), 1, tg_ones(TG_SHAPE(3), TG_F64), NULL, 1e-5));
}

static void group_norm_tests(void)
{
    tg_scope_begin();
    tg_tensor *x = leaf(tg_sin(ramp(TG_SHAPE(2, 6, 2), 0, 1)));
    tg_tensor *w = leaf(tg_from_f32(F32(1.5, -0.5, 2.0, 1.0, 0.25, -1.0), TG_SHAPE(6)));
    tg_tensor *b = leaf(tg_from_f32(F32(0.25, 0.0, -1.0, 0.5, 1.0, 2.0), TG_SHAPE(6)));
    check_strided("group_norm", tg_group_norm(x, 3, w, b, 1e-5), (tg_tensor *[]){x, w, b}, 3);
    x = leaf(tg_sin(ramp(TG_SHAPE(2, 6, 2), 0, 1)));
    check_strided("group_norm plain", tg_group_norm(x, 2, NULL, NULL, 1e-5), &x, 1);
    x = leaf64(tg_sin(ramp(TG_SHAPE(2, 3, 4), 0, 0.5)));
    w = leaf64(tg_from_f32(F32(1.5, -0.5, 2.0, 1.0), TG_SHAPE(4)));
    check_strided("group_norm transposed f64", tg_group_norm(tg_transpose(x, 1, 2), 2, w, NULL, 1e-5),
                  (tg_tensor *[]){x, w}, 2);
    x = leaf(tg_sin(ramp(TG_SHAPE(2, 4, 3, 2), 0, 1)));
    check_strided("group_norm 4-d", tg_group_norm(x, 4, NULL, NULL, 0.01), &x, 1);
    x = leaf(tg_sin(ramp(TG_SHAPE(2, 3, 2, 4), 0, 1)));
    check_strided("group_norm channels last", tg_group_norm(tg_permute(x, I64(0, 3, 1, 2), 4), 2, NULL, NULL, 1e-5),
                  &x, 1);
    exact("group_norm channels last", tg_group_norm(tg_permute(wavy(TG_SHAPE(2, 3, 2, 4)), I64(0, 3, 1, 2), 4), 2,
                                                    NULL, NULL, 1e-5));
    x = leaf(tg_zeros(TG_SHAPE(0, 6), TG_F32));
    check_strided("group_norm empty batch", tg_group_norm(x, 3, NULL, NULL, 1e-5), &x, 1);

    tg_tensor *big = wavy(TG_SHAPE(3, 6, 13));
    tg_tensor *bw = tg_add_scalar(tg_div_scalar(ramp(TG_SHAPE(6), 1, 1), 7), -2);
    tg_tensor *bb = tg_div_scalar(ramp(TG_SHAPE(6), -5, 1), 9);
    exact("group_norm f32", tg_group_norm(big, 3, NULL, NULL, 1e-5));
    exact("group_norm f32 affine", tg_group_norm(big, 2, bw, bb, 1e-5));
    exact("group_norm f32 bias", tg_group_norm(big, 6, NULL, bb, 1e-5));
    tg_tensor *big_last = tg_permute(tg_view(big, TG_SHAPE(3, 13, 2, 3)), I64(0, 3, 1, 2), 4);   /* (3, 3, 13, 2) */
    exact("group_norm f32 channels last affine", tg_group_norm(big_last, 3, tg_slice(bw, 0, 0, 3, 1),
                                                               tg_slice(bb, 0, 0, 3, 1), 1e-5));
    exact("group_norm f64 channels last bias", tg_group_norm(tg_to(big_last, TG_F64), 1, NULL,
                                                             tg_to(tg_slice(bb, 0, 0, 3, 1), TG_F64), 1e-5));
    tg_tensor *last3d = tg_permute(tg_view(big, TG_SHAPE(3, 13, 1, 2, 3)), I64(0, 4, 1, 2, 3), 5);
    exact("group_norm f32 channels last 3d", tg_group_norm(last3d, 3, NULL, NULL, 1e-5));
    printf("group_norm channels last 3d stride: ");
    print_strides(tg_group_norm(last3d, 3, NULL, NULL, 1e-5));
    printf("\n");
    printf("batch_norm channels last 3d stride: ");
    print_strides(tg_batch_norm(last3d, NULL, NULL, NULL, NULL, true, 0.1, 1e-5));
    printf("\n");
    exact("group_norm f64 affine", tg_group_norm(tg_to(big, TG_F64), 3, tg_to(bw, TG_F64), tg_to(bb, TG_F64), 1e-5));
    tg_scope_end();

    tg_tensor *x264 = tg_ones(TG_SHAPE(2, 6, 4), TG_F32);
    ATTEMPT("group_norm groups", tg_group_norm(x264, 4, NULL, NULL, 1e-5));
    ATTEMPT("group_norm zero groups", tg_group_norm(x264, 0, NULL, NULL, 1e-5));
    ATTEMPT("group_norm negative groups", tg_group_norm(x264, -3, NULL, NULL, 1e-5));
    ATTEMPT("group_norm weight f64", tg_group_norm(x264, 3, tg_ones(TG_SHAPE(6), TG_F64), NULL, 1e-5));
    ATTEMPT("group_norm weight 2-d", tg_group_norm(x264, 3, tg_ones(TG_SHAPE(6, 1), TG_F32), NULL, 1e-5));
    ATTEMPT("group_norm weight", tg_group_norm(x264, 3, tg_ones(TG_SHAPE(3), TG_F32), NULL, 1e-5));
    ATTEMPT("group_norm bias", tg_group_norm(x264, 3, NULL, tg_ones(TG_SHAPE(3), TG_F32), 1e-5));
    ATTEMPT("group_norm bias with weight",
            tg_group_norm(x264, 3, tg_ones(TG_SHAPE(6), TG_F32), tg_ones(TG_SHAPE(2), TG_F32), 1e-5));
    ATTEMPT("group_norm one value", tg_group_norm(tg_ones(TG_SHAPE(1, 3), TG_F32), 3, NULL, NULL, 1e-5));
    ATTEMPT("group_norm 1-d", tg_group_norm(tg_ones(TG_SHAPE(6), TG_F32), 3, NULL, NULL, 1e-5));
    ATTEMPT("group_norm long", tg_group_norm(tg_ones(TG_SHAPE(2, 6), TG_I64), 3, NULL, NULL, 1e-5));
}

static void rms_norm_tests(void)
{
    tg_scope_begin();
    tg_tensor *x = leaf(tg_from_f32(F32(0.5, -1.0, 2.0, 0.0, 3.0, -2.5), TG_SHAPE(2, 3)));
    tg_tensor *w = leaf(tg_from_f32(F32(1.5, -0.5, 2.0), TG_SHAPE(3)));
    check_strided("rms_norm", tg_rms_norm(x, I64(3), 1, w, 1e-6), (tg_tensor *[]){x, w}, 2);
    x = leaf(tg_from_f32(F32(0.5, -1.0, 2.0, 0.0, 3.0, -2.5), TG_SHAPE(3, 2)));
    check_strided("rms_norm transposed no weight", tg_rms_norm(tg_transpose(x, 0, 1), I64(3), 1, NULL, NAN), &x, 1);
    x = leaf64(ramp(TG_SHAPE(2, 3, 2), -1, 0.25));
    check_strided("rms_norm f64 two dims", tg_rms_norm(x, I64(3, 2), 2, NULL, NAN), &x, 1);
    x = leaf(tg_zeros(TG_SHAPE(0, 3), TG_F32));
    check_strided("rms_norm empty batch", tg_rms_norm(x, I64(3), 1, NULL, 1e-5), &x, 1);
    tg_scope_end();
    tg_tensor *x23 = tg_from_f32(F32(0.5, -1.0, 2.0, 0.0, 3.0, -2.5), TG_SHAPE(2, 3));
    ATTEMPT("rms_norm wrong shape", tg_rms_norm(x23, I64(4), 1, NULL, 1e-5));
    ATTEMPT("rms_norm weight shape", tg_rms_norm(x23, I64(3), 1, tg_ones(TG_SHAPE(2), TG_F32), 1e-5));
    ATTEMPT("rms_norm long", tg_rms_norm(tg_ones(TG_SHAPE(2, 3), TG_I64), I64(3), 1, NULL, 1e-5));
}


/* The running statistics' values (to the bit) and version counters. */
static void running(const char *label, const tg_tensor *mean, const tg_tensor *var)
{
    char l[128];
    snprintf(l, sizeof l, "%s running_mean", label);
    exact(l, mean);
    snprintf(l, sizeof l, "%s running_var", label);
    exact(l, var);
    printf("%s versions: %llu %llu\n", label, (unsigned long long)tg_version(mean),
           (unsigned long long)tg_version(var));
}

static void batch_norm_tests(void)
{
    tg_scope_begin();
    tg_tensor *rm = tg_zeros(TG_SHAPE(3), TG_F32), *rv = tg_ones(TG_SHAPE(3), TG_F32);
    tg_tensor *x = leaf(tg_from_f32(F32(0.5, -1.0, 2.0, 0.0, 3.0, -2.5, 1.0, 0.25, -0.5, 2.0, 1.5, 0.75),
                                    TG_SHAPE(4, 3)));
    tg_tensor *w = leaf(tg_from_f32(F32(1.5, -0.5, 2.0), TG_SHAPE(3)));
    tg_tensor *b = leaf(tg_from_f32(F32(0.25, 0.0, -1.0), TG_SHAPE(3)));
    check_strided("batch_norm", tg_batch_norm(x, rm, rv, w, b, true, 0.1, 1e-5), (tg_tensor *[]){x, w, b}, 3);
    running("batch_norm", rm, rv);

    /* Several training calls, then evaluation with what they gathered. */
    for (int step = 0; step < 3; step++) {
        char label[64];
        snprintf(label, sizeof label, "batch_norm step %d", step);
        tg_tensor *xs = tg_add_scalar(tg_mul_scalar(wavy(TG_SHAPE(2, 3, 4)), 0.5 + step), step);
        exact(label, tg_batch_norm(xs, rm, rv, NULL, NULL, true, 0.25, 1e-5));
        running(label, rm, rv);
    }
    x = leaf(tg_sin(ramp(TG_SHAPE(2, 3, 2), 0, 1)));
    w = leaf(tg_from_f32(F32(1.5, -0.5, 2.0), TG_SHAPE(3)));
    b = leaf(tg_from_f32(F32(0.25, 0.0, -1.0), TG_SHAPE(3)));
    check_strided("batch_norm eval", tg_batch_norm(x, rm, rv, w, b, false, 0.1, 1e-5), (tg_tensor *[]){x, w, b}, 3);
    exact("batch_norm eval", tg_batch_norm(wavy(TG_SHAPE(2, 3, 5)), rm, rv, tg_detach(w), tg_detach(b), false, 0.1,
                                           1e-3));
    running("batch_norm eval", rm, rv);

    /* PyTorch's momentum=None: its layer passes 1 / num_batches_tracked. */
    tg_tensor *cm = tg_empty(TG_SHAPE(3), TG_F32), *cv = tg_empty(TG_SHAPE(3), TG_F32);
    tg_zero_(cm);   /* as the layer's reset_running_stats() does */
    tg_fill_(cv, 1);
    for (int tracked = 1; tracked <= 3; tracked++) {
        char label[64];
        snprintf(label, sizeof label, "batch_norm cumulative %d", tracked);
        tg_batch_norm(tg_mul_scalar(wavy(TG_SHAPE(5, 3, 2)), tracked), cm, cv, NULL, NULL, true, 1.0 / tracked, 1e-5);
        running(label, cm, cv);
    }

    x = leaf64(tg_sin(ramp(TG_SHAPE(3, 4), 0, 1)));
    w = leaf64(tg_from_f32(F32(1.5, -0.5, 2.0), TG_SHAPE(3)));
    check_strided("batch_norm transposed f64",
                  tg_batch_norm(tg_transpose(x, 0, 1), NULL, NULL, w, NULL, true, 0.1, 1e-5), (tg_tensor *[]){x, w}, 2);
    x = leaf(tg_sin(ramp(TG_SHAPE(2, 3, 2, 2), 0, 1)));
    check_strided("batch_norm 4-d", tg_batch_norm(x, NULL, NULL, NULL, NULL, true, 0.1, 0.5), &x, 1);
    x = leaf(tg_zeros(TG_SHAPE(0, 3), TG_F32));
    w = leaf(tg_from_f32(F32(1.5, -0.5, 2.0), TG_SHAPE(3)));
    b = leaf(tg_from_f32(F32(0.25, 0.0, -1.0), TG_SHAPE(3)));
    check_strided("batch_norm empty batch", tg_batch_norm(x, rm, rv, w, b, true, 0.1, 1e-5),
                  (tg_tensor *[]){x, w, b}, 3);

    tg_tensor *y;
    exact("batch_norm f32 (N, C)", tg_batch_norm(wavy(TG_SHAPE(37, 5)), NULL, NULL, NULL, NULL, true, 0.1, 1e-5));
    exact("batch_norm f32 (N, C, L)", tg_batch_norm(wavy(TG_SHAPE(3, 4, 11)), NULL, NULL, NULL, NULL, true, 0.1, 1e-5));
    tg_tensor *bw = tg_add_scalar(tg_div_scalar(ramp(TG_SHAPE(3), 1, 1), 7), -2);
    tg_tensor *bb = tg_div_scalar(ramp(TG_SHAPE(3), -5, 1), 9);
    exact("batch_norm f32 affine", tg_batch_norm(wavy(TG_SHAPE(2, 3, 2, 5)), NULL, NULL, bw, bb, true, 0.1, 1e-5));
    exact("batch_norm f64 affine", tg_batch_norm(tg_to(wavy(TG_SHAPE(2, 3, 2, 5)), TG_F64), NULL, NULL,
                                                 tg_to(bw, TG_F64), tg_to(bb, TG_F64), true, 0.1, 1e-5));
    /* Channels-last inputs keep their layout, computed as PyTorch's channels-last kernels compute them. */
    tg_tensor *last = tg_permute(tg_contiguous(tg_permute(wavy(TG_SHAPE(2, 3, 2, 5)), I64(0, 2, 3, 1), 4)),
                                 I64(0, 3, 1, 2), 4);
    tg_tensor *lm = tg_zeros(TG_SHAPE(3), TG_F32), *lv = tg_ones(TG_SHAPE(3), TG_F32);
    y = tg_batch_norm(last, lm, lv, bw, bb, true, 0.1, 1e-5);
    exact("batch_norm f32 channels last", y);
    running("batch_norm f32 channels last", lm, lv);
    printf("batch_norm channels last stride: ");
    print_strides(y);
    printf("\n");
    x = leaf(tg_sin(ramp(TG_SHAPE(2, 2, 3, 3), 0, 1)));
    w = leaf(tg_from_f32(F32(1.5, -0.5, 2.0), TG_SHAPE(3)));
    check_strided("batch_norm channels last", tg_batch_norm(tg_permute(x, I64(0, 3, 1, 2), 4), NULL, NULL, w, NULL,
                                                            true, 0.1, 1e-5), (tg_tensor *[]){x, w}, 2);
    tg_tensor *dm = tg_zeros(TG_SHAPE(3), TG_F64), *dv = tg_ones(TG_SHAPE(3), TG_F64);
    tg_batch_norm(tg_to(wavy(TG_SHAPE(7, 3)), TG_F64), dm, dv, NULL, NULL, true, 0.3, 1e-5);
    tg_batch_norm(tg_to(wavy(TG_SHAPE(2, 3, 9)), TG_F64), dm, dv, NULL, NULL, true, 0.3, 1e-5);
    running("batch_norm f64", dm, dv);

    /* The node saves the running statistics: changing them fails backward. */
    x = leaf(tg_sin(ramp(TG_SHAPE(4, 3), 0, 1)));
    y = tg_batch_norm(x, rm, rv, NULL, NULL, true, 0.1, 1e-5);
    tg_add_scalar_(rm, 1);
    printf("batch_norm running_mean changed: %s\n", tg_backward(tg_sum(y), NULL) ? tg_last_error() : "ok");
    x = leaf(tg_sin(ramp(TG_SHAPE(4, 3), 0, 1)));
    y = tg_batch_norm(x, rm, rv, NULL, NULL, false, 0.1, 1e-5);
    tg_mul_scalar_(rv, 2);
    printf("batch_norm eval running_var changed: %s\n", tg_backward(tg_sum(y), NULL) ? tg_last_error() : "ok");
    tg_scope_end();

    tg_tensor *x23 = tg_ones(TG_SHAPE(2, 3), TG_F32), *x13 = tg_ones(TG_SHAPE(1, 3), TG_F32);
    tg_tensor *r3 = tg_zeros(TG_SHAPE(3), TG_F32), *r4 = tg_zeros(TG_SHAPE(4), TG_F32);
    ATTEMPT("batch_norm one value", tg_batch_norm(x13, NULL, NULL, NULL, NULL, true, 0.1, 1e-5));
    ATTEMPT("batch_norm one value 3-d",
            tg_batch_norm(tg_view(x13, TG_SHAPE(1, 3, 1)), NULL, NULL, NULL, NULL, true, 0.1, 1e-5));
    ATTEMPT("batch_norm one value eval", tg_batch_norm(x13, r3, r3, NULL, NULL, false, 0.1, 1e-5));
    ATTEMPT("batch_norm eval without running_mean", tg_batch_norm(x23, NULL, NULL, NULL, NULL, false, 0.1, 1e-5));
    ATTEMPT("batch_norm eval without running_var", tg_batch_norm(x23, r3, NULL, NULL, NULL, false, 0.1, 1e-5));
    ATTEMPT("batch_norm running_mean size", tg_batch_norm(x23, r4, r3, NULL, NULL, true, 0.1, 1e-5));
    ATTEMPT("batch_norm running_var size", tg_batch_norm(x23, r3, r4, NULL, NULL, true, 0.1, 1e-5));
    ATTEMPT("batch_norm weight size", tg_batch_norm(x23, r3, r3, r4, NULL, true, 0.1, 1e-5));
    ATTEMPT("batch_norm bias size", tg_batch_norm(x23, r3, r3, NULL, r4, true, 0.1, 1e-5));
    ATTEMPT("batch_norm 1-d", tg_batch_norm(tg_ones(TG_SHAPE(3), TG_F32), NULL, NULL, NULL, NULL, true, 0.1, 1e-5));
    ATTEMPT("batch_norm long", tg_batch_norm(tg_ones(TG_SHAPE(2, 3), TG_I64), NULL, NULL, NULL, NULL, true, 0.1, 1e-5));
    ATTEMPT("batch_norm running_mean f64",
            tg_batch_norm(x23, tg_zeros(TG_SHAPE(3), TG_F64), r3, NULL, NULL, true, 0.1, 1e-5));
    ATTEMPT("batch_norm f64 with f32 weight",
            tg_batch_norm(tg_to(x23, TG_F64), NULL, NULL, r3, NULL, true, 0.1, 1e-5));
    ATTEMPT("batch_norm 2-d running_mean",
            tg_batch_norm(x23, tg_zeros(TG_SHAPE(1, 3), TG_F32), r3, NULL, NULL, true, 0.1, 1e-5));
    printf("batch_norm after errors: %llu\n", (unsigned long long)tg_version(r3));
}

/* Second derivatives: the gradient of x with a graph (create_graph), then
   backward of its square's sum into every leaf. */
static void second_order(const char *label, tg_tensor *out, tg_tensor *x, tg_tensor *const *leaves, int n)
{
    tg_tensor *g = NULL, *seed = weights(out);
    tg_clear_error();
    if (tg_autograd_grad(&out, 1, &x, 1, &seed, (tg_backward_opts){.create_graph = true}, &g) ||
        tg_backward(tg_sum(tg_mul(g, g)), NULL)) {
        printf("%s second order error: %s\n", label, tg_last_error());
        return;
    }
    for (int i = 0; i < n; i++) {
        printf("%s second order grad%d", label, i);
        show("", tg_grad(leaves[i]));
    }
}

static void second_order_tests(void)
{
    tg_scope_begin();
    tg_tensor *x = leaf64(tg_div_scalar(wavy(TG_SHAPE(2, 3, 4)), 4));
    tg_tensor *w = leaf64(tg_from_f32(F32(1.5, -0.5, 2.0, 1.0), TG_SHAPE(4)));
    tg_tensor *b = leaf64(tg_from_f32(F32(0.25, 0.0, -1.0, 0.5), TG_SHAPE(4)));
    second_order("layer_norm", tg_layer_norm(x, I64(4), 1, w, b, 1e-5), x, (tg_tensor *[]){x, w}, 2);
    x = leaf64(tg_div_scalar(wavy(TG_SHAPE(2, 4, 3)), 4));
    w = leaf64(tg_from_f32(F32(1.5, -0.5, 2.0, 1.0), TG_SHAPE(4)));
    second_order("group_norm", tg_group_norm(x, 2, w, NULL, 1e-5), x, (tg_tensor *[]){x, w}, 2);
    x = leaf64(tg_div_scalar(wavy(TG_SHAPE(2, 4, 3)), 4));
    w = leaf64(tg_from_f32(F32(1.5, -0.5, 2.0, 1.0), TG_SHAPE(4)));
    second_order("batch_norm", tg_batch_norm(x, NULL, NULL, w, NULL, true, 0.1, 1e-5), x, (tg_tensor *[]){x, w}, 2);
    x = leaf64(tg_div_scalar(wavy(TG_SHAPE(2, 4, 3)), 4));
    w = leaf64(tg_from_f32(F32(1.5, -0.5, 2.0, 1.0), TG_SHAPE(4)));
    tg_tensor *rm = tg_from_f64((const double[]){0.5, -0.25, 0.0, 1.0}, TG_SHAPE(4));
    tg_tensor *rv = tg_from_f64((const double[]){1.5, 0.5, 2.0, 1.0}, TG_SHAPE(4));
    second_order("batch_norm eval", tg_batch_norm(x, rm, rv, w, NULL, false, 0.1, 1e-5), x, (tg_tensor *[]){x, w}, 2);
    x = leaf64(tg_div_scalar(wavy(TG_SHAPE(2, 3, 4)), 4));
    w = leaf64(tg_from_f32(F32(1.5, -0.5, 2.0, 1.0), TG_SHAPE(4)));
    second_order("rms_norm", tg_rms_norm(x, I64(4), 1, w, 1e-6), x, (tg_tensor *[]){x, w}, 2);
    tg_scope_end();
}

int main(void)
{
    layer_norm_tests();
    group_norm_tests();
    rms_norm_tests();
    batch_norm_tests();
    second_order_tests();
    return 0;
}
