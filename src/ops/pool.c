/* Pooling: max_pool2d (with indices) and max_pool1d, avg_pool2d,
   adaptive_avg_pool2d and adaptive_max_pool2d, over the last two dims of a
   3-D or 4-D input, as resamplings (resample.h). */
#include "resample.h"

#include <stdint.h>
#include <string.h>

/* One dim's pooling geometry, PyTorch's defaults filled in. */
typedef struct window {
    int64_t kernel, stride, pad, dilation;
} window;

static window window_of(const tg_pool_opts *o, int d, bool dilated)
{
    window w = {o->kernel_size[d], o->stride[d], o->padding[d], dilated && o->dilation[d] ? o->dilation[d] : 1};
    if (!w.stride) w.stride = w.kernel;
    return w;
}

static int64_t floor_div(int64_t a, int64_t b) { return a / b - (a % b != 0 && (a < 0) != (b < 0)); }

/* PyTorch's pooling_output_shape, with its checks of stride and padding
   (the geometry is C int there: larger values are refused). */
static int pooled_size(int64_t in, const window *w, bool ceil_mode, int64_t *out)
{
    const int64_t values[4] = {w->kernel, w->stride, w->pad, w->dilation};
    for (int i = 0; i < 4; i++)
        if (values[i] < INT32_MIN || values[i] > INT32_MAX)
            return tg__faili(TG_E_INVALID, "value cannot be converted to type int without overflow");
    if (w->stride == 0) return tg__faili(TG_E_INVALID, "stride should not be zero");
    if (w->pad < 0) return tg__faili(TG_E_INVALID, "pad must be non-negative, but got pad: %lld", (long long)w->pad);
    if (w->pad > w->kernel / 2)
        return tg__faili(TG_E_INVALID, "pad should be at most half of kernel size, but got pad=%lld and kernel_size=%lld",
                         (long long)w->pad, (long long)w->kernel);
    int64_t span = in + 2 * w->pad - w->dilation * (w->kernel - 1) - 1 + (ceil_mode ? w->stride - 1 : 0);
    *out = floor_div(span, w->stride) + 1;
    /* the last window must start inside the input or the left padding */
    if (ceil_mode && (*out - 1) * w->stride >= in + w->pad) --*out;
    return 0;
}

/* PyTorch's pool2d_shape_check for input t (3-D or 4-D) and output sizes. */
static int check_pool2d(const tg_tensor *t, const window *w, const int64_t *out)
{
    if (w[0].kernel <= 0 || w[1].kernel <= 0)
        return tg__faili(TG_E_INVALID, "kernel size should be greater than zero, but got kH: %lld kW: %lld",
                         (long long)w[0].kernel, (long long)w[1].kernel);
    if (w[0].stride <= 0 || w[1].stride <= 0)
        return tg__faili(TG_E_INVALID, "stride should be greater than zero, but got dH: %lld dW: %lld",
                         (long long)w[0].stride, (long long)w[1].stride);
    if (w[0].dilation <= 0 || w[1].dilation <= 0)
        return tg__faili(TG_E_INVALID, "dilation should be greater than zero, but got dilationH: %lld dilationW: %lld",
                         (long long)w[0].dilation, (long long)w[1].dilation);
    const int64_t *s = t->shape;
    bool planes = s[t->ndim - 1] && s[t->ndim - 2] && (t->ndim == 4 ? s[1] : s[0]);
    if ((t->ndim != 3 && t->ndim != 4) || !planes) {
        char buf[256];
        return tg__faili(TG_E_SHAPE,
                         "Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but got:%s",
                         tg__shape_str(s, t->ndim, buf, sizeof buf));
    }
    int64_t c = s[t->ndim - 3], h = s[t->ndim - 2], wd = s[t->ndim - 1];
    if (out[0] < 1 || out[1] < 1)
        return tg__faili(TG_E_SHAPE,
                         "Given input size: (%lldx%lldx%lld). Calculated output size: (%lldx%lldx%lld). "
                         "Output size is too small", (long long)c, (long long)h, (long long)wd, (long long)c,
                         (long long)out[0], (long long)out[1]);
    return 0;
}

/* The axis of a window: output o reads o * stride - pad + j * dilation
   for j < kernel; its divisor is the window's size, within the padded
   input (count_include_pad) or within the input. */
static int window_axis(tg_axis *a, int64_t in, int64_t out, const window *w, bool count_pad)
{
    if (tg__axis_new(a, in, out, w->kernel)) return -1;
    for (int64_t o = 0; o < out; o++) {
        int64_t start = o * w->stride - w->pad, end = start + w->kernel < in + w->pad ? start + w->kernel : in + w->pad;
        int64_t inside = (end < in ? end : in) - (start > 0 ? start : 0);
        for (int64_t j = 0; j < w->kernel; j++) {
            int64_t i = start + j * w->dilation;
            if (i >= 0 && i < in) a->index[o * w->kernel + j] = i;
        }
        a->divisor[o] = (double)(count_pad ? end - start : inside);
    }
    return 0;
}

/* The resampling of a pooling of t by opts (dilated: max pooling), after
   PyTorch's checks. */
static int pool2d_plan(const tg_tensor *t, const tg_pool_opts *opts, bool dilated, tg_resampling *r)
{
    window w[2] = {window_of(opts, 0, dilated), window_of(opts, 1, dilated)};
    int64_t out[2];
    for (int d = 0; d < 2; d++)
        if (pooled_size(t->shape[t->ndim - 2 + d], &w[d], opts->ceil_mode, &out[d])) return -1;
    if (check_pool2d(t, w, out)) return -1;
    *r = (tg_resampling){.dims = 2, .weighted = true, .keeps_channels_last = true, .saves_input = true};
    for (int d = 0; d < 2; d++)
        if (window_axis(&r->axis[d], t->shape[t->ndim - 2 + d], out[d], &w[d], !opts->count_exclude_pad))
            return -1;
    return 0;
}

/* PyTorch's error for a kernel without a body for t's dtype (floating
   types only). */
static int floating_kernel(const char *kernel, const tg_tensor *t)
{
    if (tg__is_floating(t->dtype)) return 0;
    return tg__faili(TG_E_DTYPE, "\"%s\" not implemented for '%s'", kernel, tg__dtype_short(t->dtype));
}

tg_tensor *tg_max_pool2d_with_indices(const tg_tensor *input, tg_pool_opts opts, tg_tensor **indices)
{
    if (indices) *indices = NULL;
    TG_ARG(input);
    if (input->ndim != 3 && input->ndim != 4)
        return tg__fail(TG_E_SHAPE, "non-empty 3D or 4D (batch mode) tensor expected for input");
    tg_resampling r;
    if (pool2d_plan(input, &opts, true, &r) || floating_kernel("max_pool2d", input)) return NULL;
    tg_tensor *idx, *out = tg__resample_max(TG_OP_MAX_POOL2D, input, &r, &idx);
    if (out && indices) *indices = idx;
    return out;
}

tg_tensor *tg_max_pool2d(const tg_tensor *input, tg_pool_opts opts)
{
    return tg_max_pool2d_with_indices(input, opts, NULL);
}

/* max_pool1d when no gradient or indices are wanted: PyTorch's own checks,
   then the pooling of the last dim alone (an empty result allowed; nothing
   is recorded, so the op passed is never a node). */
static tg_tensor *max_pool1d_direct(const tg_tensor *t, const window *w, bool ceil_mode, tg_tensor **indices)
{
    if (w->kernel <= 0)
        return tg__fail(TG_E_INVALID, "max_pool1d() kernel_size must be greater than zero, but got %lld", (long long)w->kernel);
    if (w->stride <= 0)
        return tg__fail(TG_E_INVALID, "max_pool1d() stride must be greater than zero, but got %lld", (long long)w->stride);
    if (w->pad < 0)
        return tg__fail(TG_E_INVALID, "max_pool1d() padding must be non-negative, but got %lld", (long long)w->pad);
    if (w->pad > w->kernel / 2)
        return tg__fail(TG_E_INVALID,
                        "max_pool1d() padding should be at most half of kernel size, but got padding=%lld and kernel_size=%lld",
                        (long long)w->pad, (long long)w->kernel);
    if (w->dilation <= 0)
        return tg__fail(TG_E_INVALID, "max_pool1d() dilation must be greater than zero, but got %lld", (long long)w->dilation);
    int64_t out;
    if (pooled_size(t->shape[t->ndim - 1], w, ceil_mode, &out)) return NULL;
    if (out < 0) return tg__fail(TG_E_SHAPE, "max_pool1d() Invalid computed output size: %lld", (long long)out);
    if (floating_kernel("max_pool1d_impl", t)) return NULL;
    tg_resampling r = {.dims = 1};
    if (window_axis(&r.axis[0], t->shape[t->ndim - 1], out, w, true)) return NULL;
    return tg__resample_max(TG_OP_MAX_POOL2D, t, &r, indices);
}

tg_tensor *tg_max_pool1d_with_indices(const tg_tensor *input, tg_pool_opts opts, tg_tensor **indices)
{
    if (indices) *indices = NULL;
    TG_ARG(input);
    if ((input->ndim != 2 && input->ndim != 3) || input->shape[input->ndim - 1] == 0 ||
        input->shape[input->ndim - 2] == 0) {
        char buf[256];
        return tg__fail(TG_E_SHAPE,
                        "max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for input, "
                        "but got:%s", tg__shape_str(input->shape, input->ndim, buf, sizeof buf));
    }
    tg_tensor *idx = NULL, *out = NULL;
    /* PyTorch checks and computes it on its own unless indices or a
       gradient are wanted */
    if (!indices && !(tg__requires_grad(input) && tg_is_grad_enabled())) {
        window w = window_of(&opts, 0, true);
        out = max_pool1d_direct(input, &w, opts.ceil_mode, &idx);
    } else {
        /* as PyTorch records it: max_pool2d of a height-1 view */
        tg_pool_opts o2 = {.kernel_size = {1, opts.kernel_size[0]},
                           .stride = {1, opts.stride[0] ? opts.stride[0] : opts.kernel_size[0]},
                           .padding = {0, opts.padding[0]},
                           .dilation = {1, opts.dilation[0] ? opts.dilation[0] : 1},
                           .ceil_mode = opts.ceil_mode};
        out = tg_squeeze_dim(tg_max_pool2d_with_indices(tg_unsqueeze(input, -2), o2, &idx), -2);
        idx = idx ? tg_squeeze_dim(idx, -2) : NULL;
    }
    if (out && indices) *indices = idx;
    return out;
}

tg_tensor *tg_max_pool1d(const tg_tensor *input, tg_pool_opts opts)
{
    return tg_max_pool1d_with_indices(input, opts, NULL);
}

tg_tensor *tg_avg_pool2d_ex(const tg_tensor *input, tg_pool_opts opts, int64_t divisor_override)
{
    TG_ARG(input);
    int64_t plane_dim;
    if (input->ndim == 0) return tg__fail(TG_E_INDEX, "Dimension specified as -3 but tensor has no dimensions");
    if (tg__wrap_dim(-3, input->ndim, &plane_dim)) return NULL;
    tg_resampling r;
    if (pool2d_plan(input, &opts, false, &r)) return NULL;
    if (divisor_override) {   /* every window divides by it: the first dim's divisor, the other 1 */
        for (int64_t o = 0; o < r.axis[0].out_size; o++) r.axis[0].divisor[o] = (double)divisor_override;
        for (int64_t o = 0; o < r.axis[1].out_size; o++) r.axis[1].divisor[o] = 1;
    }
    return tg__resample(TG_OP_AVG_POOL2D, input, &r);
}

tg_tensor *tg_avg_pool2d(const tg_tensor *input, tg_pool_opts opts) { return tg_avg_pool2d_ex(input, opts, 0); }

/* Output o of an adaptive pooling reads [floor(o * in / out),
   ceil((o + 1) * in / out)) and divides by its size. */
static int adaptive_axis(tg_axis *a, int64_t in, int64_t out)
{
    int64_t taps = 0;
    for (int64_t o = 0; o < out; o++) {
        int64_t start = o * in / out, end = ((o + 1) * in + out - 1) / out;
        if (end - start > taps) taps = end - start;
    }
    if (tg__axis_new(a, in, out, taps)) return -1;
    for (int64_t o = 0; o < out; o++) {
        int64_t start = o * in / out, end = ((o + 1) * in + out - 1) / out;
        for (int64_t i = start; i < end; i++) a->index[o * taps + i - start] = i;
        a->divisor[o] = (double)(end - start);
    }
    return 0;
}

static int adaptive_plan(const tg_tensor *t, int64_t out_h, int64_t out_w, tg_resampling *r)
{
    *r = (tg_resampling){.dims = 2, .weighted = true, .divide_each = true, .keeps_channels_last = true,
                        .saves_input = true};
    if (adaptive_axis(&r->axis[0], t->shape[t->ndim - 2], out_h)) return -1;
    return adaptive_axis(&r->axis[1], t->shape[t->ndim - 1], out_w);
}

/* "<name>(): Expected input to have non-zero size for non-batch dimensions"
   for the first empty dim from `first` on. */
static int check_nonempty(const char *name, const tg_tensor *t, int first)
{
    for (int d = first; d < t->ndim; d++) {
        if (t->shape[d] > 0) continue;
        char buf[256];
        return tg__faili(TG_E_SHAPE,
                         "%s(): Expected input to have non-zero size for non-batch dimensions, but input has sizes %s "
                         "with dimension %d being empty", name, tg__shape_str(t->shape, t->ndim, buf, sizeof buf), d);
    }
    return 0;
}

tg_tensor *tg_adaptive_avg_pool2d(const tg_tensor *input, int64_t out_h, int64_t out_w)
{
    TG_ARG(input);
    if (out_h < 0 || out_w < 0)
        return tg__fail(TG_E_INVALID,
                        "adaptive_avg_pool2d: elements of output_size must be greater than or equal to 0 but received "
                        "{%lld, %lld}", (long long)out_h, (long long)out_w);
    /* PyTorch computes a 1 x 1 output as a mean (MeanBackward1) */
    if (out_h == 1 && out_w == 1) return tg_mean_dim(input, (const int64_t[]){-1, -2}, 2, true);
    if (input->ndim != 3 && input->ndim != 4) {
        char buf[256];
        return tg__fail(TG_E_SHAPE, "adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got %s",
                        tg__shape_str(input->shape, input->ndim, buf, sizeof buf));
    }
    int64_t shape[TG_MAX_DIMS];
    memcpy(shape, input->shape, sizeof shape);
    shape[input->ndim - 2] = out_h;
    shape[input->ndim - 1] = out_w;
    tg_resampling r;
    if (tg__check_new(__func__, input->dtype, shape, input->ndim) ||
        check_nonempty("adaptive_avg_pool2d", input, input->ndim - 2) ||
        floating_kernel("adaptive_avg_pool2d", input) || adaptive_plan(input, out_h, out_w, &r))
        return NULL;
    return tg__resample(TG_OP_ADAPTIVE_AVG_POOL2D, input, &r);
}

tg_tensor *tg_adaptive_max_pool2d(const tg_tensor *input, int64_t out_h, int64_t out_w, tg_tensor **indices)
{
    if (indices) *indices = NULL;
    TG_ARG(input);
    if (input->ndim != 3 && input->ndim != 4) {
        char buf[256];
        return tg__fail(TG_E_SHAPE, "adaptive_max_pool2d(): Expected 3D or 4D tensor, but got: %s",
                        tg__shape_str(input->shape, input->ndim, buf, sizeof buf));
    }
    if (check_nonempty("adaptive_max_pool2d", input, 1)) return NULL;
    int64_t shape[TG_MAX_DIMS];
    memcpy(shape, input->shape, sizeof shape);
    shape[input->ndim - 2] = out_h;
    shape[input->ndim - 1] = out_w;
    tg_resampling r;
    if (tg__check_new("tg_adaptive_max_pool2d", input->dtype, shape, input->ndim) ||
        floating_kernel("adaptive_max_pool2d", input) || adaptive_plan(input, out_h, out_w, &r))
        return NULL;
    tg_tensor *idx, *out = tg__resample_max(TG_OP_ADAPTIVE_MAX_POOL2D, input, &r, &idx);
    if (out && indices) *indices = idx;
    return out;
}
