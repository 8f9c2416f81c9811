/* torch.autograd.forward_ad through the nn operations (ops/tangents_nn.c):
   each operation's primal and tangent, the jvp of a small MLP, CNN and
   transformer block, and Hessian-vector products by forward-over-reverse
   (the tangent of a gradient taken with create_graph), which
   forward_ad_nn.py compares with torch.autograd.functional.hvp. Prints
   what forward_ad_nn.py prints with PyTorch. */
#include <tensorgrad.h>

#include <math.h>
#include <stdio.h>

#include "oracle.h"

/* element i of pattern k: 0.8 sin(1.3 i + 0.7 k), in f64 */
static tg_tensor *pattern(int k, const int64_t *shape, int ndim)
{
    double v[512];
    int64_t n = 1;
    for (int d = 0; d < ndim; d++) n *= shape[d];
    for (int64_t i = 0; i < n; i++) v[i] = sin(1.3 * (double)i + 0.7 * k) * 0.8;
    return tg_from_f64(v, shape, ndim);
}
#define PAT(k, ...) pattern((k), TG_SHAPE(__VA_ARGS__))
/* pattern k with pattern k + 50 as its tangent */
#define DUAL(k, ...) tg_make_dual(PAT((k), __VA_ARGS__), PAT((k) + 50, __VA_ARGS__))

static void operations(void)
{
    tg_tensor *tokens = tg_from_i64(I64(3, 0, 2, 3), TG_SHAPE(2, 2));
    show_dual("embedding", tg_embedding(tokens, DUAL(1, 4, 3)));
    tg_conv_opts conv = {.stride = {2, 1}, .padding = {1, 1}};
    show_dual("conv2d", tg_conv2d(DUAL(2, 1, 2, 5, 4), DUAL(3, 3, 2, 3, 3), DUAL(4, 3), conv));
    show_dual("conv2d only weight", tg_conv2d(PAT(2, 1, 2, 5, 4), DUAL(3, 3, 2, 3, 3), NULL, conv));
    show_dual("conv1d", tg_conv1d(DUAL(5, 2, 2, 6), DUAL(6, 3, 2, 2), NULL, (tg_conv_opts){.dilation = {2}}));
    tg_fold_opts blocks = {.kernel_size = {2, 2}, .stride = {1, 2}};
    show_dual("unfold", tg_unfold(DUAL(7, 1, 2, 3, 4), blocks));
    show_dual("fold", tg_fold(DUAL(8, 1, 8, 4), I64(3, 4), blocks));
    tg_pool_opts pool = {.kernel_size = {2, 2}, .stride = {2, 1}, .padding = {1, 0}};
    show_dual("max_pool2d", tg_max_pool2d(DUAL(9, 1, 2, 4, 4), pool));
    show_dual("avg_pool2d", tg_avg_pool2d(DUAL(10, 1, 2, 4, 4), pool));
    show_dual("adaptive_avg_pool2d", tg_adaptive_avg_pool2d(DUAL(11, 1, 2, 5, 4), 3, 2));
    show_dual("adaptive_max_pool2d", tg_adaptive_max_pool2d(DUAL(12, 1, 2, 5, 4), 2, 3, NULL));
    show_dual("pad constant", tg_pad(DUAL(13, 2, 3), I64(1, -1, 2, 0), 4, TG_PAD_CONSTANT, 1.5));
    show_dual("pad reflect", tg_pad(DUAL(14, 1, 2, 4), I64(2, 1), 2, TG_PAD_REFLECT, 0));
    show_dual("pad replicate 2d", tg_pad(DUAL(15, 1, 1, 2, 3), I64(1, 1, 0, 2), 4, TG_PAD_REPLICATE, 0));
    show_dual("pad reflect 3d", tg_pad(DUAL(16, 1, 1, 2, 2, 3), I64(1, 1, 1, 0, 1, 1), 6, TG_PAD_REFLECT, 0));
    const double two[3] = {2, 2, 2};
    show_dual("upsample nearest", tg_interpolate(DUAL(17, 1, 2, 3), NULL, two, 1, TG_INTERP_NEAREST, false));
    show_dual("upsample linear", tg_interpolate(DUAL(18, 1, 2, 3), NULL, two, 1, TG_INTERP_LINEAR, true));
    show_dual("upsample bilinear", tg_interpolate(DUAL(19, 1, 1, 2, 3), I64(3, 5), NULL, 2, TG_INTERP_BILINEAR, false));
    show_dual("upsample nearest-exact", tg_interpolate(DUAL(20, 1, 1, 2, 3), I64(3, 5), NULL, 2, TG_INTERP_NEAREST_EXACT, false));
    show_dual("upsample trilinear", tg_interpolate(DUAL(21, 1, 1, 2, 2, 2), NULL, two, 3, TG_INTERP_TRILINEAR, false));
    show_dual("layer_norm", tg_layer_norm(DUAL(22, 2, 4), I64(4), 1, DUAL(23, 4), DUAL(24, 4), 1e-5));
    show_dual("layer_norm only input", tg_layer_norm(DUAL(22, 2, 4), I64(4), 1, PAT(23, 4), NULL, 1e-5));
    show_dual("group_norm", tg_group_norm(DUAL(25, 2, 4, 3), 2, DUAL(26, 4), DUAL(27, 4), 1e-5));
    show_dual("batch_norm training", tg_batch_norm(DUAL(28, 3, 2, 2), NULL, NULL, DUAL(29, 2), DUAL(30, 2), true, 0.1, 1e-5));
    tg_tensor *mean = tg_from_f64((const double[]){0.2, -0.1}, TG_SHAPE(2)), *var = tg_full(TG_SHAPE(2), 0.7, TG_F64);
    show_dual("batch_norm eval", tg_batch_norm(DUAL(28, 3, 2, 2), mean, var, DUAL(29, 2), DUAL(30, 2), false, 0.1, 1e-5));
    show_dual("mse_loss", tg_mse_loss(DUAL(31, 2, 3), DUAL(32, 2, 3)));
    show_dual("smooth_l1_loss", tg_smooth_l1_loss(DUAL(33, 2, 3), DUAL(34, 2, 3), TG_SUM, 0.5));
    show_dual("huber_loss", tg_huber_loss(DUAL(35, 2, 3), PAT(36, 2, 3), TG_NONE, 0.4));
    tg_tensor *probabilities = tg_make_dual(tg_sigmoid(PAT(37, 2, 3)), PAT(38, 2, 3));
    show_dual("binary_cross_entropy", tg_binary_cross_entropy(probabilities, tg_sigmoid(PAT(39, 2, 3))));
    show_dual("binary_cross_entropy_with_logits",
            tg_binary_cross_entropy_with_logits_ex(DUAL(40, 2, 3), DUAL(41, 2, 3), PAT(42, 3), tg_full(TG_SHAPE(3), 2, TG_F64), TG_MEAN));
    tg_tensor *classes = tg_from_i64(I64(2, 0, 1), TG_SHAPE(3));
    show_dual("nll_loss", tg_nll_loss(DUAL(43, 3, 4), classes));
    tg_ce_opts ce = tg_ce_defaults();
    ce.weight = tg_from_f64((const double[]){0.5, 1, 2, 1.5}, TG_SHAPE(4));
    ce.ignore_index = 1;
    show_dual("cross_entropy weighted", tg_cross_entropy_ex(DUAL(44, 3, 4), classes, ce));
    show_dual("nll_loss2d", tg_nll_loss(DUAL(45, 1, 3, 2, 2), tg_from_i64(I64(0, 2, 1, 1), TG_SHAPE(1, 2, 2))));
}

/* ------------------------------------------------------------ networks */

static tg_tensor *mlp(tg_tensor *const *p, const tg_tensor *x, const tg_tensor *target)
{
    tg_tensor *h = tg_tanh(tg_linear(x, p[0], p[1]));
    tg_tensor *y = tg_linear(tg_gelu(h), p[2], p[3]);
    return tg_mse_loss(tg_sigmoid(y), target);
}

static tg_tensor *cnn(tg_tensor *const *p, const tg_tensor *x, const tg_tensor *target)
{
    tg_tensor *h = tg_conv2d(x, p[0], p[1], (tg_conv_opts){.padding = {1, 1}});
    h = tg_avg_pool2d(tg_elu(h, 1), (tg_pool_opts){.kernel_size = {2, 2}});
    tg_tensor *y = tg_linear(tg_flatten(tg_tanh(h), 1, -1), p[2], NULL);
    return tg_smooth_l1_loss(y, target, TG_MEAN, 0.5);
}

/* The tensors of a network: pattern k + i for parameter i, and their
   directions k + 50 + i. */
static void parameters(int k, const int64_t (*shapes)[5], int n, tg_tensor **p, tg_tensor **v)
{
    for (int i = 0; i < n; i++) {
        p[i] = pattern(k + i, shapes[i] + 1, (int)shapes[i][0]);
        v[i] = pattern(k + 50 + i, shapes[i] + 1, (int)shapes[i][0]);
    }
}

/* group_norm's derivative is composed in PyTorch too: forward-over-reverse
   goes through it (layer_norm's and batch_norm's fail, see below) */
static tg_tensor *normed(tg_tensor *const *p, const tg_tensor *x, const tg_tensor *target)
{
    tg_tensor *h = tg_group_norm(tg_linear(x, p[0], NULL), 2, p[1], p[2], 1e-5);
    return tg_mse_loss(tg_sigmoid(h), target);
}

static const int64_t MLP_SHAPES[4][5] = {{2, 4, 3}, {1, 4}, {2, 2, 4}, {1, 2}};
static const int64_t CNN_SHAPES[3][5] = {{4, 2, 1, 3, 3}, {1, 2}, {2, 2, 8}};
static const int64_t NORMED_SHAPES[3][5] = {{2, 4, 3}, {1, 4}, {1, 4}};

/* jvp: every parameter dual */
static void network_jvp(const char *label, tg_tensor *(*net)(tg_tensor *const *, const tg_tensor *, const tg_tensor *),
                        const int64_t (*shapes)[5], int n, const tg_tensor *x, const tg_tensor *target)
{
    tg_tensor *p[4], *v[4], *duals[4];
    parameters(60, shapes, n, p, v);
    for (int i = 0; i < n; i++) duals[i] = tg_make_dual(p[i], v[i]);
    show_dual(label, net(duals, x, target));
}

/* forward-over-reverse: the tangents of the gradients of the loss in
   parameters dual with directions v, taken with create_graph */
static void network_hvp(const char *label, tg_tensor *(*net)(tg_tensor *const *, const tg_tensor *, const tg_tensor *),
                        const int64_t (*shapes)[5], int n, const tg_tensor *x, const tg_tensor *target)
{
    tg_tensor *p[4], *v[4], *duals[4], *grads[4];
    char buf[160];
    parameters(70, shapes, n, p, v);
    for (int i = 0; i < n; i++) duals[i] = leaf(tg_make_dual(p[i], v[i]));
    tg_tensor *loss = net(duals, x, target);
    if (!loss || tg_autograd_grad(&loss, 1, duals, n, NULL, (tg_backward_opts){.create_graph = true}, grads)) {
        printf("%s: error: %s\n", label, tg_last_error());
        tg_clear_error();
        return;
    }
    for (int i = 0; i < n; i++) {
        tg_tensor *tangent;
        tg_unpack_dual(grads[i], &tangent);
        snprintf(buf, sizeof buf, "%s %d", label, i);
        show(buf, tangent ? tg_detach(tangent) : NULL);
    }
}

/* embedding, layer_norm, one causal attention head and a GELU MLP, with
   residual connections; the token embedding and the weights dual */
static tg_tensor *transformer(tg_tensor *const *p, const tg_tensor *x, const tg_tensor *target)
{
    (void)target;
    tg_tensor *e = tg_embedding(x, p[0]);
    tg_tensor *h = tg_layer_norm(e, I64(4), 1, p[1], p[2], 1e-5);
    tg_tensor *q = tg_linear(h, p[3], NULL), *k = tg_linear(h, p[4], NULL), *v = tg_linear(h, p[5], NULL);
    tg_tensor *scores = tg_div_scalar(tg_matmul(q, tg_transpose(k, -2, -1)), 2);
    tg_tensor *causal = tg_masked_fill(tg_zeros(TG_SHAPE(3, 3), TG_F64), tg_triu(tg_ones(TG_SHAPE(3, 3), TG_BOOL), 1), -INFINITY);
    tg_tensor *attn = tg_matmul(tg_softmax(tg_add(scores, causal), -1), v);
    tg_tensor *r = tg_add(e, attn);
    tg_tensor *m = tg_linear(tg_gelu(tg_linear(tg_layer_norm(r, I64(4), 1, NULL, NULL, 1e-5), p[6], p[7])), p[8], NULL);
    return tg_add(r, m);
}

static const int64_t TRANSFORMER_SHAPES[9][5] = {{2, 5, 4}, {1, 4}, {1, 4}, {2, 4, 4}, {2, 4, 4}, {2, 4, 4},
                                                  {2, 6, 4}, {1, 6}, {2, 4, 6}};

static void transformer_jvp(void)
{
    tg_tensor *p[9], *duals[9];
    for (int i = 0; i < 9; i++) {
        const int64_t *s = TRANSFORMER_SHAPES[i];
        p[i] = pattern(80 + i, s + 1, (int)s[0]);
        duals[i] = tg_make_dual(p[i], pattern(130 + i, s + 1, (int)s[0]));
    }
    tg_tensor *tokens = tg_from_i64(I64(1, 4, 2, 0, 3, 3), TG_SHAPE(2, 3));
    show_dual("transformer", transformer(duals, tokens, NULL));
    /* forward-over-reverse fails at layer_norm's derivative, as in PyTorch 1.13 */
    for (int i = 0; i < 9; i++) duals[i] = leaf(tg_make_dual(p[i], pattern(130 + i, TRANSFORMER_SHAPES[i] + 1, (int)TRANSFORMER_SHAPES[i][0])));
    tg_tensor *out = tg_sum(transformer(duals, tokens, NULL)), *grads[9];
    if (tg_autograd_grad(&out, 1, duals, 9, NULL, (tg_backward_opts){.create_graph = true}, grads))
        printf("transformer forward-over-reverse: error: %s\n", tg_last_error());
    else
        printf("transformer forward-over-reverse: no error\n");
    tg_clear_error();
}

int main(void)
{
    if (tg_fwad_enter_dual_level()) return 1;
    operations();
    tg_tensor *x = PAT(90, 3, 3), *target = PAT(91, 3, 2);
    network_jvp("mlp", mlp, MLP_SHAPES, 4, x, target);
    network_hvp("mlp hvp", mlp, MLP_SHAPES, 4, x, target);
    tg_tensor *images = PAT(92, 2, 1, 4, 4), *labels = PAT(93, 2, 2);
    network_jvp("cnn", cnn, CNN_SHAPES, 3, images, labels);
    network_hvp("cnn hvp", cnn, CNN_SHAPES, 3, images, labels);
    network_jvp("normed", normed, NORMED_SHAPES, 3, x, PAT(94, 3, 4));
    network_hvp("normed hvp", normed, NORMED_SHAPES, 3, x, PAT(94, 3, 4));
    transformer_jvp();
    tg_tensor *in = leaf(DUAL(95, 4, 3)), *g;
    tg_tensor *ln = tg_sum(tg_pow_scalar(tg_layer_norm(in, I64(3), 1, NULL, NULL, 1e-5), 2));
    if (tg_autograd_grad(&ln, 1, &in, 1, NULL, (tg_backward_opts){.create_graph = true}, &g))
        printf("layer_norm forward-over-reverse: error: %s\n", tg_last_error());
    else
        printf("layer_norm forward-over-reverse: no error\n");
    tg_tensor *bn = tg_sum(tg_pow_scalar(tg_batch_norm(in, NULL, NULL, NULL, NULL, true, 0.1, 1e-5), 2));
    if (tg_autograd_grad(&bn, 1, &in, 1, NULL, (tg_backward_opts){.create_graph = true}, &g))
        printf("batch_norm forward-over-reverse: error: %s\n", tg_last_error());
    else
        printf("batch_norm forward-over-reverse: no error\n");
    tg_clear_error();
    return tg_fwad_exit_dual_level();
}
