/* float16 and bfloat16 through the nn functions: normalisations,
   convolutions, pooling, softmax and the losses, embedding, dropout,
   resampling, padding and attention, each value and gradient printed
   exactly (every element's value as a double; group_norm's to 3 digits). nn_half.py says, case by
   case, what PyTorch computes it from: its own bfloat16 kernel, or where
   1.13 lacks one (or computes otherwise than PyTorch 2), the float
   composition PyTorch 2 defines. */
#include <tensorgrad.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oracle.h"

static const tg_dtype HALVES[] = {TG_F16, TG_BF16};

/* Element i of input k: ((37 i + 11 k) % 19 - 9) / 8, exact in both dtypes. */
static tg_tensor *values(const int64_t *shape, int ndim, int k, tg_dtype dt)
{
    int64_t n = 1;
    for (int i = 0; i < ndim; i++) n *= shape[i];
    float *v = malloc((size_t)n * sizeof *v);
    if (!v) return NULL;
    for (int64_t i = 0; i < n; i++) v[i] = (float)((double)((37 * i + 11 * k) % 19 - 9) / 8.0);
    tg_tensor *t = tg_to(tg_from_f32(v, shape, ndim), dt);
    free(v);
    return t;
}

/* Probabilities in (0, 1): ((37 i + 11 k) % 19 + 1) / 32. */
static tg_tensor *probabilities(const int64_t *shape, int ndim, int k, tg_dtype dt)
{
    return tg_div_scalar(tg_add_scalar(tg_add_scalar(tg_mul_scalar(values(shape, ndim, k, dt), 8), 9), 1), 32);
}

/* The significant digits exact() prints (nn_half.py says where not 9);
   zeros print unsigned. */
static int digits = 9;

/* "<label> <dtype> [shape] v0 v1 ...", each value to `digits` digits of its double. */
static void exact(const char *label, const tg_tensor *t)
{
    if (!t) {
        printf("%s: error: %s\n", label, tg_last_error());
        tg_clear_error();
        return;
    }
    int64_t n = tg_numel(t);
    double *v = malloc((size_t)(n ? n : 1) * sizeof *v);
    if (!v || tg_copy_to_f64(t, v) != 0) {
        printf("%s: error: %s\n", label, tg_last_error());
        free(v);
        return;
    }
    printf("%s %s [", label, tg_dtype_name(tg_dtype_of(t)));
    for (int i = 0; i < tg_ndim(t); i++) printf(i ? ", %lld" : "%lld", (long long)tg_shape(t)[i]);
    printf("]");
    for (int64_t i = 0; i < n; i++) printf(" %.*g", digits, v[i] == 0 ? 0.0 : v[i]);   /* -0 as 0 */
    printf("\n");
    free(v);
}

/* The value of out, then out.backward(weights(out)) and each leaf's grad. */
static void run(const char *name, tg_dtype dt, tg_tensor *out, tg_tensor *const *leaves, int n)
{
    char label[128];
    snprintf(label, sizeof label, "%s %s", name, dt == TG_F16 ? "f16" : "bf16");
    exact(label, out);
    if (!out) return;
    if (tg_backward(out, weights(out)) != 0) {
        printf("%s backward error: %s\n", label, tg_last_error());
        tg_clear_error();
        return;
    }
    for (int i = 0; i < n; i++) {
        char g[160];
        snprintf(g, sizeof g, "%s grad%d", label, i);
        exact(g, tg_grad(leaves[i]));
    }
}

#define RUN(name, dt, out, ...)                                                            \
    do {                                                                                   \
        tg_tensor *leaves_[] = {__VA_ARGS__};                                              \
        run(name, dt, out, leaves_, (int)(sizeof leaves_ / sizeof leaves_[0]));            \
    } while (0)

static void normalisation(tg_dtype dt)
{
    tg_tensor *x = leaf(values(TG_SHAPE(2, 3, 4), 0, dt)), *w = leaf(values(TG_SHAPE(4), 1, dt));
    tg_tensor *b = leaf(values(TG_SHAPE(4), 2, dt));
    RUN("layer_norm", dt, tg_layer_norm(x, I64(4), 1, w, b, 1e-5), x, w, b);

    x = leaf(values(TG_SHAPE(2, 4, 3), 3, dt));
    w = leaf(values(TG_SHAPE(4), 4, dt));
    b = leaf(values(TG_SHAPE(4), 5, dt));
    digits = 3;
    RUN("group_norm", dt, tg_group_norm(x, 2, w, b, 1e-5), x, w, b);
    digits = 9;

    x = leaf(values(TG_SHAPE(3, 2, 4), 6, dt));
    w = leaf(values(TG_SHAPE(2), 7, dt));
    b = leaf(values(TG_SHAPE(2), 8, dt));
    tg_tensor *mean = values(TG_SHAPE(2), 9, dt), *var = tg_add_scalar(tg_abs(values(TG_SHAPE(2), 10, dt)), 1);
    RUN("batch_norm train", dt, tg_batch_norm(x, mean, var, w, b, true, 0.1, 1e-5), x, w, b);
    exact("batch_norm running_mean", mean);
    exact("batch_norm running_var", var);
    x = leaf(values(TG_SHAPE(3, 2, 4), 11, dt));
    RUN("batch_norm eval", dt, tg_batch_norm(x, mean, var, NULL, NULL, false, 0.1, 1e-5), x);
    if (dt == TG_BF16) {   /* PyTorch's mixed form: float32 parameters and statistics */
        x = leaf(values(TG_SHAPE(3, 2, 4), 12, dt));
        w = leaf(values(TG_SHAPE(2), 13, TG_F32));
        b = leaf(values(TG_SHAPE(2), 14, TG_F32));
        mean = values(TG_SHAPE(2), 15, TG_F32);
        var = tg_add_scalar(tg_abs(values(TG_SHAPE(2), 16, TG_F32)), 1);
        digits = 6;
        RUN("batch_norm mixed", dt, tg_batch_norm(x, mean, var, w, b, true, 0.1, 1e-5), x, w, b);
        digits = 9;
        exact("batch_norm mixed running_mean", mean);
        exact("batch_norm mixed running_var", var);
    }
}

static void convolution(tg_dtype dt)
{
    tg_tensor *x = leaf(values(TG_SHAPE(1, 2, 5, 5), 0, dt)), *w = leaf(values(TG_SHAPE(3, 2, 3, 3), 1, dt));
    tg_tensor *b = leaf(values(TG_SHAPE(3), 2, dt));
    RUN("conv2d", dt, tg_conv2d(x, w, b, (tg_conv_opts){.padding = {1, 1}}), x, w, b);
    /* a channels-last input gives a channels-last result */
    x = leaf(tg_permute(values(TG_SHAPE(1, 5, 5, 2), 8, dt), I64(0, 3, 1, 2), 4));
    tg_tensor *y = tg_conv2d(x, w, b, (tg_conv_opts){0});
    printf("conv2d channels-last stride:");
    for (int i = 0; y && i < 4; i++) printf(" %lld", (long long)tg_strides(y)[i]);
    printf("\n");
    x = leaf(values(TG_SHAPE(2, 2, 7), 3, dt));
    w = leaf(values(TG_SHAPE(3, 2, 3), 4, dt));
    RUN("conv1d", dt, tg_conv1d(x, w, NULL, (tg_conv_opts){.stride = {2}}), x, w);
    x = leaf(values(TG_SHAPE(1, 2, 3, 3), 5, dt));
    w = leaf(values(TG_SHAPE(2, 3, 3, 3), 6, dt));
    b = leaf(values(TG_SHAPE(3), 7, dt));
    RUN("conv_transpose2d", dt, tg_conv_transpose2d(x, w, b, (tg_conv_transpose_opts){.stride = {2, 2}}), x, w, b);
}

static void pooling(tg_dtype dt)
{
    tg_tensor *x = leaf(values(TG_SHAPE(1, 2, 5, 5), 0, dt));
    RUN("max_pool2d", dt, tg_max_pool2d(x, (tg_pool_opts){.kernel_size = {2, 2}}), x);
    x = leaf(values(TG_SHAPE(1, 2, 5, 5), 1, dt));
    RUN("avg_pool2d", dt, tg_avg_pool2d(x, (tg_pool_opts){.kernel_size = {3, 3}, .stride = {2, 2}, .padding = {1, 1}}),
        x);
    x = leaf(values(TG_SHAPE(1, 2, 5, 5), 2, dt));
    RUN("adaptive_avg_pool2d", dt, tg_adaptive_avg_pool2d(x, 2, 3), x);
    x = leaf(values(TG_SHAPE(1, 2, 5, 5), 3, dt));
    RUN("adaptive_max_pool2d", dt, tg_adaptive_max_pool2d(x, 2, 3, NULL), x);
    x = leaf(values(TG_SHAPE(2, 7), 4, dt));
    RUN("max_pool1d", dt, tg_max_pool1d(x, (tg_pool_opts){.kernel_size = {3}, .stride = {2}}), x);
}

static void softmax_and_losses(tg_dtype dt)
{
    tg_tensor *x = leaf(values(TG_SHAPE(3, 5), 0, dt));
    RUN("softmax", dt, tg_softmax(x, 1), x);
    x = leaf(values(TG_SHAPE(3, 5), 1, dt));
    RUN("softmax dim0", dt, tg_softmax(x, 0), x);
    x = leaf(values(TG_SHAPE(3, 5), 2, dt));
    RUN("log_softmax", dt, tg_log_softmax(x, 1), x);
    tg_tensor *target = tg_from_i64(I64(1, 0, 4), TG_SHAPE(3));
    x = leaf(values(TG_SHAPE(3, 5), 3, dt));
    RUN("cross_entropy", dt, tg_cross_entropy(x, target), x);
    x = leaf(values(TG_SHAPE(3, 5), 4, dt));
    RUN("nll_loss", dt, tg_nll_loss(x, target), x);

    tg_tensor *a = leaf(values(TG_SHAPE(7), 5, dt)), *y = leaf(values(TG_SHAPE(7), 6, dt));
    RUN("mse_loss", dt, tg_mse_loss(a, y), a, y);
    a = leaf(values(TG_SHAPE(7), 7, dt));
    RUN("l1_loss", dt, tg_l1_loss(a, y), a);
    a = leaf(values(TG_SHAPE(7), 8, dt));
    RUN("smooth_l1_loss", dt, tg_smooth_l1_loss(a, y, TG_MEAN, 1.0), a);
    a = leaf(values(TG_SHAPE(7), 9, dt));
    RUN("huber_loss", dt, tg_huber_loss(a, y, TG_MEAN, 1.0), a);
    tg_tensor *p = leaf(probabilities(TG_SHAPE(7), 10, dt)), *q = probabilities(TG_SHAPE(7), 11, dt);
    RUN("binary_cross_entropy", dt, tg_binary_cross_entropy(p, q), p);
    a = leaf(values(TG_SHAPE(7), 12, dt));
    RUN("binary_cross_entropy_with_logits", dt, tg_binary_cross_entropy_with_logits(a, q), a);
    a = leaf(values(TG_SHAPE(7), 13, dt));
    RUN("kl_div", dt, tg_kl_div(a, q, TG_SUM, false), a);
    a = leaf(values(TG_SHAPE(7), 14, dt));
    tg_tensor *b = leaf(values(TG_SHAPE(7), 15, dt)), *sign = tg_sign(values(TG_SHAPE(7), 16, dt));
    RUN("margin_ranking_loss", dt, tg_margin_ranking_loss(a, b, sign, 0.5, TG_MEAN), a, b);
    x = leaf(values(TG_SHAPE(3, 5), 17, dt));
    tg_ce_opts o = tg_ce_defaults();
    o.weight = probabilities(TG_SHAPE(5), 18, dt);
    o.label_smoothing = 0.25;
    RUN("cross_entropy weight smoothing", dt, tg_cross_entropy_ex(x, target, o), x);
}

static void others(tg_dtype dt)
{
    tg_tensor *w = leaf(values(TG_SHAPE(4, 3), 0, dt));
    RUN("embedding", dt, tg_embedding(tg_from_i64(I64(1, 0, 3, 1), TG_SHAPE(4)), w), w);
    tg_tensor *x = leaf(values(TG_SHAPE(2, 3), 1, dt));
    RUN("dropout p=1", dt, tg_dropout(x, 1.0, true), x);
    x = leaf(values(TG_SHAPE(2, 3), 2, dt));
    RUN("dropout eval", dt, tg_dropout(x, 0.5, false), x);

    x = leaf(values(TG_SHAPE(1, 2, 3, 3), 3, dt));
    RUN("interpolate nearest", dt, tg_interpolate(x, NULL, (const double[]){2.0}, 1, TG_INTERP_NEAREST, false), x);
    x = leaf(values(TG_SHAPE(1, 2, 3, 3), 4, dt));
    RUN("interpolate bilinear", dt, tg_interpolate(x, I64(5, 5), NULL, 2, TG_INTERP_BILINEAR, true), x);
    x = leaf(values(TG_SHAPE(1, 2, 3, 3), 5, dt));
    RUN("pad reflect", dt, tg_pad(x, I64(1, 1, 2, 0), 4, TG_PAD_REFLECT, 0), x);
    x = leaf(values(TG_SHAPE(1, 2, 3, 3), 6, dt));
    RUN("pad replicate", dt, tg_pad(x, I64(1, 2, 0, 1), 4, TG_PAD_REPLICATE, 0), x);
    x = leaf(values(TG_SHAPE(1, 2, 3, 3), 7, dt));
    RUN("pad constant", dt, tg_pad(x, I64(1, 1), 2, TG_PAD_CONSTANT, 0.5), x);

    tg_tensor *q = leaf(values(TG_SHAPE(2, 3, 4), 8, dt)), *k = leaf(values(TG_SHAPE(2, 3, 4), 9, dt));
    tg_tensor *v = leaf(values(TG_SHAPE(2, 3, 4), 10, dt));
    RUN("scaled_dot_product_attention", dt, tg_scaled_dot_product_attention(q, k, v, NULL, 0, true), q, k, v);
}

/* A small CNN: conv2d, relu, max_pool2d, linear and cross_entropy. */
static void small_cnn(tg_dtype dt)
{
    tg_tensor *x = values(TG_SHAPE(2, 1, 6, 6), 30, dt);
    tg_tensor *cw = leaf(tg_mul_scalar(values(TG_SHAPE(3, 1, 3, 3), 31, dt), 0.5));
    tg_tensor *cb = leaf(values(TG_SHAPE(3), 32, dt));
    tg_tensor *lw = leaf(tg_mul_scalar(values(TG_SHAPE(4, 12), 33, dt), 0.25)), *lb = leaf(values(TG_SHAPE(4), 34, dt));
    tg_tensor *h = tg_relu(tg_conv2d(x, cw, cb, (tg_conv_opts){0}));
    h = tg_max_pool2d(h, (tg_pool_opts){.kernel_size = {2, 2}});
    tg_tensor *logits = tg_linear(tg_flatten(h, 1, -1), lw, lb);
    RUN("small cnn", dt, tg_cross_entropy(logits, tg_from_i64(I64(1, 3), TG_SHAPE(2))), cw, cb, lw, lb);
}

int main(void)
{
    for (int i = 0; i < 2; i++) {
        tg_scope_begin();
        normalisation(HALVES[i]);
        convolution(HALVES[i]);
        pooling(HALVES[i]);
        softmax_and_losses(HALVES[i]);
        others(HALVES[i]);
        small_cnn(HALVES[i]);
        tg_scope_end();
    }
    return 0;
}
