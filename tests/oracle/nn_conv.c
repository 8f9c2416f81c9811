/* conv1d, conv2d, conv_transpose2d, unfold and fold: values, result
   strides, grad_fn chains, the gradients of input, weight and bias, second
   derivatives, and PyTorch's errors, over strides, paddings (and
   padding="same"), dilations, groups, unbatched and empty batches,
   channels-last and transposed inputs, f32 and f64. Inputs are multiples
   of 1/4 so that f32 sums are exact in any order. Prints what nn_conv.py
   prints with PyTorch. */
#include <tensorgrad.h>

#include <stdio.h>

#include "oracle.h"

/* ((arange(n) % mod) - shift) / scale in shape, in dtype dt. */
static tg_tensor *ramp(const int64_t *shape, int ndim, int mod, double shift, double scale, tg_dtype dt)
{
    int64_t n = 1;
    for (int i = 0; i < ndim; i++) n *= shape[i];
    tg_tensor *t = tg_div_scalar(tg_sub_scalar(tg_remainder_scalar(tg_arange(0, (double)n, 1, TG_F32), mod), shift), scale);
    return tg_to(tg_reshape(t, shape, ndim), dt);
}

/* How the input leaf is laid out: as given, stored channels-last (N, H, W,
   C permuted), or stored with its last two dims swapped (transposed). */
typedef enum layout { PLAIN, CHANNELS_LAST, SWAPPED } layout;

typedef enum kind { CONV2D, CONV1D, TRANSPOSED } kind;

typedef struct conv_case {
    const char *label;
    kind kind;
    int nd;
    int64_t x[4], w[4];
    bool bias;
    tg_conv_opts opts;
    int64_t output_padding[2];
    tg_dtype dtype;
    layout layout;
    bool weight_channels_last;
} conv_case;

#define F32_ TG_F32
#define F64_ TG_F64
#define NONE {.groups = 0}
static const conv_case CASES[] = {
    {"conv2d", CONV2D, 4, {2, 3, 5, 5}, {4, 3, 3, 3}, true, NONE, {0, 0}, F32_, PLAIN, false},
    {"conv2d no bias", CONV2D, 4, {1, 2, 4, 4}, {3, 2, 2, 2}, false, NONE, {0, 0}, F32_, PLAIN, false},
    {"conv2d stride 2 padding 1", CONV2D, 4, {2, 2, 5, 5}, {3, 2, 3, 3}, true, {.stride = {2, 2}, .padding = {1, 1}}, {0, 0}, F32_, PLAIN, false},
    {"conv2d stride (2, 1) padding (0, 2) dilation (1, 2)", CONV2D, 4, {1, 2, 6, 5}, {2, 2, 3, 2}, true,
     {.stride = {2, 1}, .padding = {0, 2}, .dilation = {1, 2}}, {0, 0}, F32_, PLAIN, false},
    {"conv2d stride 3 leaves rows", CONV2D, 4, {1, 1, 7, 6}, {2, 1, 2, 2}, true, {.stride = {3, 3}}, {0, 0}, F32_, PLAIN, false},
    {"conv2d groups 2", CONV2D, 4, {2, 4, 4, 4}, {6, 2, 3, 3}, true, {.groups = 2}, {0, 0}, F32_, PLAIN, false},
    {"conv2d depthwise", CONV2D, 4, {1, 3, 4, 4}, {3, 1, 2, 2}, false, {.groups = 3, .padding = {1, 0}}, {0, 0}, F32_, PLAIN, false},
    {"conv2d same 3x3", CONV2D, 4, {1, 2, 4, 4}, {2, 2, 3, 3}, true, {.padding_same = true}, {0, 0}, F32_, PLAIN, false},
    {"conv2d same 2x4", CONV2D, 4, {1, 2, 4, 5}, {2, 2, 2, 4}, true, {.padding_same = true}, {0, 0}, F32_, PLAIN, false},
    {"conv2d same dilation 2", CONV2D, 4, {1, 1, 5, 5}, {1, 1, 2, 3}, true, {.padding_same = true, .dilation = {2, 1}}, {0, 0}, F32_, PLAIN, false},
    {"conv2d same unbatched 2x2", CONV2D, 3, {2, 3, 4}, {2, 2, 2, 2}, false, {.padding_same = true}, {0, 0}, F32_, PLAIN, false},
    {"conv2d 1x1", CONV2D, 4, {2, 3, 2, 3}, {2, 3, 1, 1}, true, NONE, {0, 0}, F32_, PLAIN, false},
    {"conv2d unbatched", CONV2D, 3, {3, 4, 4}, {2, 3, 2, 2}, true, {.padding = {1, 1}}, {0, 0}, F32_, PLAIN, false},
    {"conv2d empty batch", CONV2D, 4, {0, 2, 4, 4}, {3, 2, 3, 3}, true, NONE, {0, 0}, F32_, PLAIN, false},
    {"conv2d channels-last input", CONV2D, 4, {2, 3, 4, 4}, {2, 3, 3, 3}, true, {.padding = {1, 1}}, {0, 0}, F32_, CHANNELS_LAST, false},
    {"conv2d channels-last weight", CONV2D, 4, {1, 2, 4, 4}, {2, 2, 2, 2}, true, NONE, {0, 0}, F32_, PLAIN, true},
    {"conv2d transposed input", CONV2D, 4, {1, 2, 4, 5}, {2, 2, 3, 2}, true, {.stride = {1, 2}}, {0, 0}, F32_, SWAPPED, false},
    {"conv2d f64", CONV2D, 4, {2, 2, 4, 4}, {2, 1, 3, 3}, true, {.groups = 2, .dilation = {1, 2}, .padding = {1, 2}}, {0, 0}, F64_, PLAIN, false},
    {"conv1d", CONV1D, 3, {2, 3, 6}, {4, 3, 3}, true, NONE, {0, 0}, F32_, PLAIN, false},
    {"conv1d stride 2 padding 1 dilation 2", CONV1D, 3, {1, 2, 7}, {2, 2, 2}, true,
     {.stride = {2}, .padding = {1}, .dilation = {2}}, {0, 0}, F32_, PLAIN, false},
    {"conv1d groups 2 no bias", CONV1D, 3, {2, 4, 5}, {2, 2, 2}, false, {.groups = 2}, {0, 0}, F32_, PLAIN, false},
    {"conv1d same 4", CONV1D, 3, {1, 2, 5}, {2, 2, 4}, true, {.padding_same = true}, {0, 0}, F32_, PLAIN, false},
    {"conv1d unbatched", CONV1D, 2, {3, 5}, {2, 3, 2}, true, NONE, {0, 0}, F32_, PLAIN, false},
    {"conv1d transposed input", CONV1D, 3, {2, 3, 4}, {2, 3, 2}, true, NONE, {0, 0}, F32_, SWAPPED, false},
    {"conv1d f64", CONV1D, 3, {2, 2, 6}, {3, 2, 3}, true, {.stride = {2}}, {0, 0}, F64_, PLAIN, false},
    {"conv_transpose2d", TRANSPOSED, 4, {2, 3, 3, 3}, {3, 2, 3, 3}, true, NONE, {0, 0}, F32_, PLAIN, false},
    {"conv_transpose2d stride 2 output_padding 1", TRANSPOSED, 4, {1, 2, 3, 3}, {2, 2, 3, 3}, true,
     {.stride = {2, 2}}, {1, 1}, F32_, PLAIN, false},
    {"conv_transpose2d padding dilation stride", TRANSPOSED, 4, {1, 2, 3, 4}, {2, 3, 2, 3}, false,
     {.stride = {2, 3}, .padding = {1, 0}, .dilation = {2, 1}}, {1, 2}, F32_, PLAIN, false},
    {"conv_transpose2d groups 2", TRANSPOSED, 4, {2, 4, 2, 3}, {4, 1, 2, 2}, true, {.groups = 2}, {0, 0}, F32_, PLAIN, false},
    {"conv_transpose2d unbatched", TRANSPOSED, 3, {2, 3, 3}, {2, 2, 2, 2}, true, {.padding = {1, 0}}, {0, 0}, F32_, PLAIN, false},
    {"conv_transpose2d empty batch", TRANSPOSED, 4, {0, 2, 3, 3}, {2, 2, 2, 2}, true, NONE, {0, 0}, F32_, PLAIN, false},
    {"conv_transpose2d channels-last input", TRANSPOSED, 4, {1, 3, 3, 3}, {3, 2, 2, 2}, true, NONE, {0, 0}, F32_, CHANNELS_LAST, false},
    {"conv_transpose2d f64", TRANSPOSED, 4, {2, 2, 3, 3}, {2, 2, 3, 2}, true, {.stride = {2, 1}, .padding = {1, 1}}, {1, 0}, F64_, PLAIN, false},
};

/* An input leaf stored in layout, and the view of it of this shape. */
static tg_tensor *input_of(const int64_t *shape, int nd, layout layout, tg_dtype dt, tg_tensor **leaf_out)
{
    int64_t stored[4];
    for (int i = 0; i < nd; i++) stored[i] = shape[i];
    if (layout == CHANNELS_LAST) {   /* (N, H, W, C) */
        stored[1] = shape[2];
        stored[2] = shape[3];
        stored[3] = shape[1];
    } else if (layout == SWAPPED) {
        stored[nd - 1] = shape[nd - 2];
        stored[nd - 2] = shape[nd - 1];
    }
    tg_tensor *x = leaf(ramp(stored, nd, 7, 3, 4, dt));
    *leaf_out = x;
    if (layout == CHANNELS_LAST) return tg_permute(x, I64(0, 3, 1, 2), 4);
    if (layout == SWAPPED) return tg_transpose(x, -1, -2);
    return x;
}

static tg_tensor *weight_of(const conv_case *c, tg_tensor **leaf_out)
{
    int wd = c->kind == CONV1D ? 3 : 4;
    if (c->weight_channels_last) {
        tg_tensor *w = leaf(ramp(I64(c->w[0], c->w[2], c->w[3], c->w[1]), 4, 5, 2, 2, c->dtype));
        *leaf_out = w;
        return tg_permute(w, I64(0, 3, 1, 2), 4);
    }
    return *leaf_out = leaf(ramp(c->w, wd, 5, 2, 2, c->dtype));
}

static tg_tensor *run(const conv_case *c, const tg_tensor *x, const tg_tensor *w, const tg_tensor *b)
{
    switch (c->kind) {
    case CONV1D: return tg_conv1d(x, w, b, c->opts);
    case TRANSPOSED: {
        tg_conv_transpose_opts t = {{c->opts.stride[0], c->opts.stride[1]}, {c->opts.padding[0], c->opts.padding[1]},
                                    {c->output_padding[0], c->output_padding[1]},
                                    {c->opts.dilation[0], c->opts.dilation[1]}, c->opts.groups};
        return tg_conv_transpose2d(x, w, b, t);
    }
    case CONV2D: break;
    }
    return tg_conv2d(x, w, b, c->opts);
}

/* The gradients of input and weight with a graph (create_graph), then the
   gradients of the sum of their squares: second derivatives. */
static void second_order(const char *label, tg_tensor *out, tg_tensor *x, tg_tensor *w, tg_tensor *b)
{
    tg_tensor *g[2];
    tg_backward_opts create = {.retain_graph = true, .create_graph = true};
    if (tg_autograd_grad(&out, 1, (tg_tensor *[]){x, w}, 2, (tg_tensor *[]){weights(out)}, create, g) != 0) {
        printf("%s second order error: %s\n", label, tg_last_error());
        return;
    }
    char buf[200];
    for (int i = 0; i < 2; i++) {   /* values only: their graphs are tensorgrad's own (tensorgrad.h) */
        snprintf(buf, sizeof buf, "%s create_graph d%d", label, i);
        show(buf, tg_detach(g[i]));
    }
    tg_tensor *s = tg_add(tg_sum(tg_mul(g[0], g[0])), tg_sum(tg_mul(g[1], g[1])));
    tg_tensor *h[3];
    int n = b ? 3 : 2;
    tg_backward_opts allow = {.allow_unused = true};
    if (tg_autograd_grad(&s, 1, (tg_tensor *[]){x, w, b}, n, NULL, allow, h) != 0) {
        printf("%s second order error: %s\n", label, tg_last_error());
        return;
    }
    for (int i = 0; i < n; i++) {
        snprintf(buf, sizeof buf, "%s second order %d", label, i);
        show(buf, h[i]);
    }
}

static void conv_case_run(const conv_case *c)
{
    tg_scope_begin();
    tg_tensor *xl, *wl, *b = NULL;
    tg_tensor *x = input_of(c->x, c->nd, c->layout, c->dtype, &xl), *w = weight_of(c, &wl);
    int64_t outs = c->kind == TRANSPOSED ? c->w[1] * (c->opts.groups ? c->opts.groups : 1) : c->w[0];
    if (c->bias) b = leaf(ramp(I64(outs), 1, 3, 1, 2, c->dtype));
    tg_tensor *out = run(c, x, w, b);
    check_strided(c->label, out, (tg_tensor *[]){xl, wl, b}, c->bias ? 3 : 2);
    if (out && tg_numel(out)) {
        tg_zero_grad(xl);
        tg_zero_grad(wl);
        second_order(c->label, run(c, x, w, b), xl, wl, b);
    }
    tg_scope_end();
}

/* ------------------------------------------------------- unfold, fold */

typedef struct fold_case {
    const char *label;
    int nd;
    int64_t x[4];
    tg_fold_opts opts;
    int64_t output_size[2];   /* fold: the image size; 0: unfold */
    tg_dtype dtype;
    layout layout;
} fold_case;

static const fold_case FOLDS[] = {
    {"unfold", 4, {2, 3, 4, 4}, {.kernel_size = {2, 2}}, {0, 0}, F32_, PLAIN},
    {"unfold options", 4, {1, 2, 5, 6}, {{2, 3}, {1, 2}, {0, 1}, {2, 1}}, {0, 0}, F32_, PLAIN},
    {"unfold stride 2 padding 1", 4, {1, 1, 5, 5}, {.kernel_size = {3, 3}, .padding = {1, 1}, .stride = {2, 2}}, {0, 0}, F32_, PLAIN},
    {"unfold unbatched", 3, {2, 3, 4}, {.kernel_size = {2, 1}}, {0, 0}, F32_, PLAIN},
    {"unfold empty batch", 4, {0, 2, 3, 3}, {.kernel_size = {2, 2}}, {0, 0}, F32_, PLAIN},
    {"unfold channels-last", 4, {1, 3, 3, 3}, {.kernel_size = {2, 2}}, {0, 0}, F32_, CHANNELS_LAST},
    {"unfold transposed", 4, {1, 2, 3, 4}, {.kernel_size = {2, 2}, .dilation = {1, 2}}, {0, 0}, F32_, SWAPPED},
    {"unfold f64", 4, {2, 1, 4, 3}, {.kernel_size = {3, 2}, .padding = {1, 0}}, {0, 0}, F64_, PLAIN},
    {"fold", 3, {2, 12, 9}, {.kernel_size = {2, 2}}, {4, 4}, F32_, PLAIN},
    {"fold options", 3, {1, 12, 8}, {{2, 3}, {1, 2}, {0, 1}, {2, 1}}, {5, 6}, F32_, PLAIN},
    {"fold stride leaves rows", 3, {1, 4, 4}, {.kernel_size = {2, 2}, .stride = {3, 3}}, {6, 5}, F32_, PLAIN},
    {"fold unbatched", 2, {2, 12}, {.kernel_size = {2, 1}, .padding = {0, 1}}, {3, 4}, F32_, PLAIN},
    {"fold empty batch", 3, {0, 8, 4}, {.kernel_size = {2, 2}}, {3, 3}, F32_, PLAIN},
    {"fold transposed", 3, {1, 4, 6}, {.kernel_size = {2, 2}}, {3, 4}, F32_, SWAPPED},
    {"fold f64", 3, {2, 6, 9}, {.kernel_size = {3, 1}, .padding = {1, 0}, .stride = {1, 2}}, {3, 5}, F64_, PLAIN},
};

static void fold_case_run(const fold_case *c)
{
    tg_scope_begin();
    tg_tensor *xl, *x = input_of(c->x, c->nd, c->layout, c->dtype, &xl);
    tg_tensor *out = c->output_size[0] ? tg_fold(x, c->output_size, c->opts) : tg_unfold(x, c->opts);
    check_strided(c->label, out, &xl, 1);
    tg_scope_end();
}

/* fold(unfold(x)): each block summed back; and its second derivative. */
static void fold_of_unfold(void)
{
    tg_scope_begin();
    tg_tensor *x = leaf(ramp(I64(1, 2, 4, 4), 4, 7, 3, 4, TG_F64));
    tg_fold_opts o = {.kernel_size = {2, 3}, .padding = {1, 0}};
    tg_tensor *y = tg_fold(tg_mul(tg_unfold(x, o), tg_unfold(x, o)), I64(4, 4), o);
    check("fold of unfold squared", y, &x, 1);
    tg_tensor *g;
    tg_backward_opts create = {.retain_graph = true, .create_graph = true};
    tg_tensor *y2 = tg_fold(tg_mul(tg_unfold(x, o), tg_unfold(x, o)), I64(4, 4), o);
    if (tg_autograd_grad(&y2, 1, &x, 1, (tg_tensor *[]){weights(y2)}, create, &g) == 0) {
        tg_zero_grad(x);
        check("fold of unfold squared, its gradient", g, &x, 1);
    }
    tg_scope_end();
}

/* ---------------------------------------------------------- errors */

static void errors(void)
{
    tg_scope_begin();
    tg_tensor *x = ramp(I64(2, 3, 5, 5), 4, 7, 3, 4, TG_F32), *w = ramp(I64(4, 3, 3, 3), 4, 5, 2, 2, TG_F32);
    tg_tensor *b = ramp(I64(4), 1, 3, 1, 2, TG_F32);
    tg_conv_opts none = {.groups = 0};
    ATTEMPT("conv2d input rank", tg_conv2d(ramp(I64(2, 3), 2, 7, 3, 4, TG_F32), w, NULL, none));
    ATTEMPT("conv2d input rank 5", tg_conv2d(tg_unsqueeze(x, 0), w, NULL, none));
    ATTEMPT("conv2d weight rank 2", tg_conv2d(x, tg_ones(TG_SHAPE(4, 3), TG_F32), NULL, none));
    ATTEMPT("conv2d weight rank 3", tg_conv2d(x, tg_ones(TG_SHAPE(4, 3, 3), TG_F32), NULL, none));
    ATTEMPT("conv2d weight rank 5", tg_conv2d(x, tg_ones(TG_SHAPE(4, 3, 3, 3, 1), TG_F32), NULL, (tg_conv_opts){.stride = {2, 0}}));
    ATTEMPT("conv2d channels", tg_conv2d(tg_narrow(x, 1, 0, 2), w, NULL, none));
    ATTEMPT("conv2d channels unbatched", tg_conv2d(tg_narrow(tg_select(x, 0, 0), 0, 0, 2), w, NULL, none));
    ATTEMPT("conv2d groups do not divide input", tg_conv2d(x, w, NULL, (tg_conv_opts){.groups = 2}));
    ATTEMPT("conv2d groups do not divide weight", tg_conv2d(tg_ones(TG_SHAPE(1, 4, 5, 5), TG_F32),
                                                            tg_ones(TG_SHAPE(3, 2, 3, 3), TG_F32), NULL,
                                                            (tg_conv_opts){.groups = 2}));
    ATTEMPT("conv2d groups above weight", tg_conv2d(tg_ones(TG_SHAPE(1, 4, 5, 5), TG_F32),
                                                    tg_ones(TG_SHAPE(3, 1, 3, 3), TG_F32), NULL,
                                                    (tg_conv_opts){.groups = 4}));
    ATTEMPT("conv2d kernel too large", tg_conv2d(tg_narrow(tg_narrow(x, 2, 0, 2), 3, 0, 2), w, NULL, none));
    ATTEMPT("conv2d kernel too large dilated", tg_conv2d(x, w, NULL, (tg_conv_opts){.dilation = {3, 1}}));
    ATTEMPT("conv2d kernel fits padded", tg_conv2d(tg_narrow(tg_narrow(x, 2, 0, 2), 3, 0, 2), w, NULL,
                                                   (tg_conv_opts){.padding = {1, 1}}));
    ATTEMPT("conv2d stride -1", tg_conv2d(x, w, NULL, (tg_conv_opts){.stride = {-1, 1}}));
    ATTEMPT("conv2d padding -1", tg_conv2d(x, w, NULL, (tg_conv_opts){.padding = {0, -1}}));
    ATTEMPT("conv2d dilation -1", tg_conv2d(x, w, NULL, (tg_conv_opts){.dilation = {-1, 1}}));
    ATTEMPT("conv2d groups -1", tg_conv2d(x, w, NULL, (tg_conv_opts){.groups = -1, .stride = {-1, 1}}));
    ATTEMPT("conv2d padding before stride", tg_conv2d(x, w, NULL, (tg_conv_opts){.padding = {-1, 0}, .stride = {-1, 1}}));
    ATTEMPT("conv2d same with stride", tg_conv2d(x, w, NULL, (tg_conv_opts){.padding_same = true, .stride = {1, 2}}));
    ATTEMPT("conv2d same channels", tg_conv2d(tg_narrow(x, 1, 0, 2), tg_ones(TG_SHAPE(4, 3, 2, 2), TG_F32), NULL,
                                              (tg_conv_opts){.padding_same = true}));
    ATTEMPT("conv2d same weight rank", tg_conv2d(x, tg_ones(TG_SHAPE(4, 3, 2), TG_F32), NULL, (tg_conv_opts){.padding_same = true}));
    ATTEMPT("conv2d same weight rank 2", tg_conv2d(x, tg_ones(TG_SHAPE(4, 3), TG_F32), NULL, (tg_conv_opts){.padding_same = true}));
    ATTEMPT("conv1d same weight rank 4", tg_conv1d(tg_select(x, 2, 0), w, NULL, (tg_conv_opts){.padding_same = true}));
    ATTEMPT("conv2d weight dtype", tg_conv2d(x, tg_to(w, TG_F64), NULL, none));
    ATTEMPT("conv2d weight dtype f64 input", tg_conv2d(tg_to(x, TG_F64), w, NULL, none));
    ATTEMPT("conv2d weight dtype i64 input", tg_conv2d(tg_to(x, TG_I64), w, NULL, none));
    ATTEMPT("conv2d bias dtype", tg_conv2d(x, w, tg_to(b, TG_F64), none));
    ATTEMPT("conv2d bias dtype i64", tg_conv2d(tg_to(x, TG_I64), tg_to(w, TG_I64), b, none));
    ATTEMPT("conv2d bias size", tg_conv2d(x, w, tg_narrow(b, 0, 0, 3), none));
    ATTEMPT("conv2d bias rank", tg_conv2d(x, w, tg_unsqueeze(b, 1), none));
    ATTEMPT("conv2d channels before bias", tg_conv2d(tg_narrow(x, 1, 0, 2), w, tg_narrow(b, 0, 0, 3), none));
    ATTEMPT("conv2d bias before kernel", tg_conv2d(tg_narrow(x, 2, 0, 2), w, tg_narrow(b, 0, 0, 3), none));
    ATTEMPT("conv2d kernel before dtype", tg_conv2d(tg_narrow(x, 2, 0, 2), tg_to(w, TG_F64), NULL, none));
    ATTEMPT("conv2d bool", tg_conv2d(tg_to(x, TG_BOOL), tg_to(w, TG_BOOL), NULL, none));
    ATTEMPT("conv2d i64", tg_conv2d(tg_to(x, TG_I64), tg_mul_scalar(tg_to(w, TG_I64), 3), NULL, (tg_conv_opts){.groups = 1}));
    ATTEMPT("conv2d i32", tg_conv2d(tg_to(x, TG_I32), tg_to(w, TG_I32), tg_to(b, TG_I32), (tg_conv_opts){.stride = {2, 2}}));
    ATTEMPT("conv2d NULL", tg_conv2d(NULL, w, NULL, none));
    tg_tensor *x1 = ramp(I64(2, 3, 6), 3, 7, 3, 4, TG_F32), *w1 = ramp(I64(4, 3, 3), 3, 5, 2, 2, TG_F32);
    ATTEMPT("conv1d input rank", tg_conv1d(x, w1, NULL, none));
    ATTEMPT("conv1d weight rank 4", tg_conv1d(x1, w, NULL, none));
    ATTEMPT("conv1d weight rank 2", tg_conv1d(x1, tg_ones(TG_SHAPE(4, 3), TG_F32), NULL, none));
    ATTEMPT("conv1d channels", tg_conv1d(tg_narrow(x1, 1, 0, 2), w1, NULL, none));
    ATTEMPT("conv1d channels unbatched", tg_conv1d(tg_narrow(tg_select(x1, 0, 0), 0, 0, 2), w1, NULL, none));
    ATTEMPT("conv1d kernel too large", tg_conv1d(tg_narrow(x1, 2, 0, 2), w1, NULL, none));
    ATTEMPT("conv1d same with stride", tg_conv1d(x1, w1, NULL, (tg_conv_opts){.padding_same = true, .stride = {2}}));
    ATTEMPT("conv1d stride -2", tg_conv1d(x1, w1, NULL, (tg_conv_opts){.stride = {-2}}));
    ATTEMPT("conv1d bias size", tg_conv1d(x1, w1, tg_narrow(b, 0, 0, 3), none));
    tg_tensor *wt = ramp(I64(3, 4, 3, 3), 4, 5, 2, 2, TG_F32);
    tg_conv_transpose_opts tnone = {.groups = 0};
    ATTEMPT("conv_transpose2d input rank", tg_conv_transpose2d(ramp(I64(2, 3), 2, 7, 3, 4, TG_F32), wt, NULL, tnone));
    ATTEMPT("conv_transpose2d weight rank 3", tg_conv_transpose2d(x, tg_ones(TG_SHAPE(3, 4, 3), TG_F32), NULL, tnone));
    ATTEMPT("conv_transpose2d weight rank 2", tg_conv_transpose2d(x, tg_ones(TG_SHAPE(3, 4), TG_F32), NULL, tnone));
    ATTEMPT("conv_transpose2d channels", tg_conv_transpose2d(tg_narrow(x, 1, 0, 2), wt, NULL, tnone));
    ATTEMPT("conv_transpose2d groups", tg_conv_transpose2d(x, wt, NULL, (tg_conv_transpose_opts){.groups = 2}));
    ATTEMPT("conv_transpose2d bias", tg_conv_transpose2d(x, wt, tg_narrow(b, 0, 0, 3), tnone));
    ATTEMPT("conv_transpose2d output_padding too large",
            tg_conv_transpose2d(x, wt, NULL, (tg_conv_transpose_opts){.stride = {2, 2}, .output_padding = {2, 2}}));
    ATTEMPT("conv_transpose2d output_padding below dilation",
            tg_conv_transpose2d(x, wt, NULL, (tg_conv_transpose_opts){.stride = {2, 2}, .output_padding = {2, 2}, .dilation = {3, 3}}));
    ATTEMPT("conv_transpose2d output_padding -1",
            tg_conv_transpose2d(x, wt, NULL, (tg_conv_transpose_opts){.output_padding = {-1, 0}}));
    ATTEMPT("conv_transpose2d stride -1", tg_conv_transpose2d(x, wt, NULL, (tg_conv_transpose_opts){.stride = {-1, -1}}));
    tg_tensor *corner = tg_narrow(tg_narrow(x, 2, 0, 1), 3, 0, 1);
    ATTEMPT("conv_transpose2d output too small", tg_conv_transpose2d(corner, wt, NULL, (tg_conv_transpose_opts){.padding = {2, 2}}));
    ATTEMPT("conv_transpose2d output 1x1", tg_conv_transpose2d(corner, wt, NULL, (tg_conv_transpose_opts){.padding = {1, 1}}));
    ATTEMPT("conv_transpose2d weight dtype", tg_conv_transpose2d(x, tg_to(wt, TG_F64), NULL, tnone));
    ATTEMPT("conv_transpose2d bias dtype", tg_conv_transpose2d(x, wt, tg_ones(TG_SHAPE(4), TG_F64), tnone));
    ATTEMPT("conv_transpose2d i32", tg_conv_transpose2d(tg_to(x, TG_I32), tg_to(wt, TG_I32), NULL, tnone));
    ATTEMPT("conv_transpose2d i64", tg_conv_transpose2d(tg_to(corner, TG_I64), tg_to(wt, TG_I64), tg_ones(TG_SHAPE(4), TG_I64), tnone));

    tg_fold_opts k2 = {.kernel_size = {2, 2}};
    ATTEMPT("unfold 0-dim", tg_unfold(tg_scalar(1), k2));
    ATTEMPT("unfold 1-d", tg_unfold(tg_ones(TG_SHAPE(5), TG_F32), k2));
    ATTEMPT("unfold 2-d", tg_unfold(tg_ones(TG_SHAPE(5, 5), TG_F32), k2));
    ATTEMPT("unfold 5-d", tg_unfold(tg_ones(TG_SHAPE(1, 2, 3, 5, 5), TG_F32), k2));
    ATTEMPT("unfold kernel 0", tg_unfold(x, (tg_fold_opts){.padding = {0, 0}}));
    ATTEMPT("unfold kernel 0 before rank", tg_unfold(tg_ones(TG_SHAPE(5), TG_F32), (tg_fold_opts){.padding = {0, 0}}));
    ATTEMPT("unfold dilation -1", tg_unfold(x, (tg_fold_opts){.kernel_size = {2, 2}, .dilation = {-1, 1}}));
    ATTEMPT("unfold padding -1", tg_unfold(x, (tg_fold_opts){.kernel_size = {2, 2}, .padding = {-1, -1}}));
    ATTEMPT("unfold stride -1", tg_unfold(x, (tg_fold_opts){.kernel_size = {2, 2}, .stride = {1, -1}}));
    ATTEMPT("unfold kernel too large", tg_unfold(x, (tg_fold_opts){.kernel_size = {6, 6}}));
    ATTEMPT("unfold kernel far too large", tg_unfold(x, (tg_fold_opts){.kernel_size = {9, 2}}));
    ATTEMPT("unfold empty channels", tg_unfold(tg_ones(TG_SHAPE(2, 0, 5, 5), TG_F32), k2));
    ATTEMPT("unfold i64", tg_unfold(tg_to(x, TG_I64), k2));
    ATTEMPT("unfold bool", tg_unfold(tg_to(x, TG_BOOL), k2));
    tg_tensor *cols = ramp(I64(2, 12, 16), 3, 7, 3, 4, TG_F32);
    ATTEMPT("fold 0-dim", tg_fold(tg_scalar(1), I64(5, 5), k2));
    ATTEMPT("fold 1-d", tg_fold(tg_ones(TG_SHAPE(12), TG_F32), I64(5, 5), k2));
    ATTEMPT("fold 4-d", tg_fold(tg_ones(TG_SHAPE(2, 12, 4, 4), TG_F32), I64(5, 5), k2));
    ATTEMPT("fold blocks", tg_fold(tg_narrow(cols, 2, 0, 15), I64(5, 5), k2));
    ATTEMPT("fold kernel product", tg_fold(tg_ones(TG_SHAPE(2, 13, 16), TG_F32), I64(5, 5), k2));
    ATTEMPT("fold kernel 0", tg_fold(cols, I64(5, 5), (tg_fold_opts){.padding = {0, 0}}));
    ATTEMPT("fold dilation -1", tg_fold(cols, I64(5, 5), (tg_fold_opts){.kernel_size = {2, 2}, .dilation = {1, -1}}));
    ATTEMPT("fold padding -1", tg_fold(cols, I64(5, 5), (tg_fold_opts){.kernel_size = {2, 2}, .padding = {-1, 0}}));
    ATTEMPT("fold stride -1", tg_fold(cols, I64(5, 5), (tg_fold_opts){.kernel_size = {2, 2}, .stride = {-1, -1}}));
    ATTEMPT("fold output 0x5", tg_fold(cols, I64(0, 5), k2));
    ATTEMPT("fold output 1x1", tg_fold(cols, I64(1, 1), k2));
    ATTEMPT("fold empty channels", tg_fold(tg_ones(TG_SHAPE(2, 0, 16), TG_F32), I64(5, 5), k2));
    ATTEMPT("fold i64", tg_fold(tg_to(cols, TG_I64), I64(5, 5), k2));
    tg_scope_end();
}

/* Operands that are views: an expanded bias, a weight transposed into
   place, an input that does not require grad; and an empty batch of 1-D. */
static void view_operands(void)
{
    tg_scope_begin();
    tg_tensor *x = ramp(I64(1, 2, 4, 4), 4, 7, 3, 4, TG_F32);
    tg_tensor *w = leaf(ramp(I64(3, 2, 2, 2), 4, 5, 2, 2, TG_F32)), *b = leaf(tg_scalar(0.5));
    check_strided("conv2d expanded bias", tg_conv2d(x, w, tg_expand(b, I64(3), 1), (tg_conv_opts){.stride = {2, 1}}),
                  (tg_tensor *[]){w, b}, 2);
    tg_tensor *wt = leaf(ramp(I64(3, 2, 2, 2), 4, 5, 2, 2, TG_F32));
    tg_tensor *xt = leaf(ramp(I64(1, 2, 3, 3), 4, 7, 3, 4, TG_F32));
    check_strided("conv_transpose2d transposed weight", tg_conv_transpose2d(xt, tg_transpose(wt, 0, 1), NULL,
                                                                            (tg_conv_transpose_opts){.groups = 0}),
                  (tg_tensor *[]){xt, wt}, 2);
    tg_tensor *xe = leaf(ramp(I64(0, 2, 5), 3, 7, 3, 4, TG_F64)), *we = leaf(ramp(I64(3, 2, 2), 3, 5, 2, 2, TG_F64));
    check_strided("conv1d empty batch", tg_conv1d(xe, we, NULL, (tg_conv_opts){.padding = {1}}), (tg_tensor *[]){xe, we}, 2);
    tg_scope_end();
}

/* A saved input changed in place before backward. */
static void saved_changed(void)
{
    tg_scope_begin();
    tg_tensor *x = ramp(I64(1, 2, 3, 3), 4, 7, 3, 4, TG_F32);
    tg_tensor *w = leaf(ramp(I64(2, 2, 2, 2), 4, 5, 2, 2, TG_F32));
    tg_tensor *y = tg_conv2d(x, w, NULL, (tg_conv_opts){.groups = 0});
    tg_add_scalar_(x, 1);
    if (tg_backward(tg_sum(y), NULL) != 0) printf("saved input changed: error: %s\n", tg_last_error());
    tg_scope_end();
}

int main(void)
{
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) conv_case_run(&CASES[i]);
    for (size_t i = 0; i < sizeof FOLDS / sizeof FOLDS[0]; i++) fold_case_run(&FOLDS[i]);
    fold_of_unfold();
    view_operands();
    errors();
    saved_changed();
    return 0;
}
