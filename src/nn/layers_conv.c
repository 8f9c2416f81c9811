/* The convolution layers: Conv1d, Conv2d and ConvTranspose2d, initialised
   as torch.nn's _ConvNd.reset_parameters (kaiming_uniform_ with
   a = sqrt(5), bias uniform on +-1/sqrt(fan_in)), printed as its
   extra_repr. Only padding_mode='zeros'. */
#include "nn.h"

#include <stdio.h>
#include <string.h>

typedef struct conv {
    tg_module base;
    int64_t in_channels, out_channels, kernel[2];
    int fields;            /* 1: Conv1d */
    bool transposed, has_bias;
    tg_conv_opts opts;     /* Conv1d, Conv2d */
    tg_conv_transpose_opts topts;   /* ConvTranspose2d */
    tg_tensor *weight, *bias;
} conv;

static tg_tensor *conv_forward(tg_module *m, const tg_tensor *input)
{
    const conv *c = (const conv *)m;
    if (c->transposed) return tg_conv_transpose2d(input, c->weight, c->bias, c->topts);
    return c->fields == 1 ? tg_conv1d(input, c->weight, c->bias, c->opts)
                          : tg_conv2d(input, c->weight, c->bias, c->opts);
}

/* Python's repr of a tuple of `fields` sizes, each zero field `zero_means`. */
static const char *tuple(char *buf, size_t cap, const int64_t *v, int fields, int64_t zero_means)
{
    int64_t a = v[0] ? v[0] : zero_means, b = v[1] ? v[1] : zero_means;
    if (fields == 1) snprintf(buf, cap, "(%lld,)", (long long)a);
    else snprintf(buf, cap, "(%lld, %lld)", (long long)a, (long long)b);
    return buf;
}

static bool all_zero(const int64_t *v, int fields) { return v[0] == 0 && (fields == 1 || v[1] == 0); }
static bool all_one(const int64_t *v, int fields)
{
    return (v[0] == 0 || v[0] == 1) && (fields == 1 || v[1] == 0 || v[1] == 1);
}

static void conv_extra(const tg_module *m, char *buf, size_t cap)
{
    const conv *c = (const conv *)m;
    const int64_t *stride = c->transposed ? c->topts.stride : c->opts.stride;
    const int64_t *padding = c->transposed ? c->topts.padding : c->opts.padding;
    const int64_t *dilation = c->transposed ? c->topts.dilation : c->opts.dilation;
    int64_t groups = c->transposed ? c->topts.groups : c->opts.groups;
    char t[64];
    int n = snprintf(buf, cap, "%lld, %lld, kernel_size=%s", (long long)c->in_channels, (long long)c->out_channels,
                     tuple(t, sizeof t, c->kernel, c->fields, 0));
#define APPEND(...) (n += snprintf(buf + n, cap > (size_t)n ? cap - (size_t)n : 0, __VA_ARGS__))
    APPEND(", stride=%s", tuple(t, sizeof t, stride, c->fields, 1));
    if (!c->transposed && c->opts.padding_same) APPEND(", padding=same");
    else if (!all_zero(padding, c->fields)) APPEND(", padding=%s", tuple(t, sizeof t, padding, c->fields, 0));
    if (!all_one(dilation, c->fields)) APPEND(", dilation=%s", tuple(t, sizeof t, dilation, c->fields, 1));
    if (c->transposed && !all_zero(c->topts.output_padding, 2))
        APPEND(", output_padding=%s", tuple(t, sizeof t, c->topts.output_padding, 2, 0));
    if (groups > 1) APPEND(", groups=%lld", (long long)groups);
    if (!c->has_bias) APPEND(", bias=False");
#undef APPEND
}

static const tg_module_kind CONV1D = {"Conv1d", conv_forward, conv_extra};
static const tg_module_kind CONV2D = {"Conv2d", conv_forward, conv_extra};
static const tg_module_kind CONV_TRANSPOSE2D = {"ConvTranspose2d", conv_forward, conv_extra};

static int conv_tensors(tg_module *m)
{
    conv *c = (conv *)m;
    int64_t groups = c->transposed ? c->topts.groups : c->opts.groups;
    groups = groups ? groups : 1;
    int64_t shape[4] = {c->transposed ? c->in_channels : c->out_channels,
                        (c->transposed ? c->out_channels : c->in_channels) / groups, c->kernel[0], c->kernel[1]};
    c->weight = tg__module_add_parameter(m, "weight", tg__init_linear_weight(tg_empty(shape, 2 + c->fields, TG_F32)));
    if (!c->weight) return -1;
    if (!c->has_bias) return 0;
    int64_t out = c->out_channels;
    c->bias = tg__module_add_parameter(m, "bias", tg__init_fan_in_uniform(tg_empty(&out, 1, TG_F32), c->weight));
    return c->bias ? 0 : -1;
}

/* _ConvNd's checks, in its order. */
static int check_conv(int64_t in_channels, int64_t out_channels, int64_t groups, bool padding_same,
                      const int64_t *stride, int fields)
{
    if (groups <= 0) return tg__faili(TG_E_INVALID, "groups must be a positive integer");
    if (in_channels % groups) return tg__faili(TG_E_INVALID, "in_channels must be divisible by groups");
    if (out_channels % groups) return tg__faili(TG_E_INVALID, "out_channels must be divisible by groups");
    if (padding_same && !all_one(stride, fields))
        return tg__faili(TG_E_INVALID, "padding='same' is not supported for strided convolutions");
    return 0;
}

static tg_module *new_conv(const tg_module_kind *kind, int64_t in_channels, int64_t out_channels,
                           const int64_t kernel[2], int fields, bool bias)
{
    conv *c = tg__module_new(kind, sizeof *c);
    if (!c) return NULL;
    c->in_channels = in_channels;
    c->out_channels = out_channels;
    c->kernel[0] = kernel[0];
    c->kernel[1] = fields == 2 ? kernel[1] : 0;
    c->fields = fields;
    c->has_bias = bias;
    return &c->base;
}

tg_module *tg_nn_conv1d(int64_t in_channels, int64_t out_channels, int64_t kernel_size, tg_conv_opts opts, bool bias)
{
    if (check_conv(in_channels, out_channels, opts.groups ? opts.groups : 1, opts.padding_same, opts.stride, 1))
        return NULL;
    tg_module *m = new_conv(&CONV1D, in_channels, out_channels, (const int64_t[]){kernel_size, 0}, 1, bias);
    if (m) ((conv *)m)->opts = opts;
    return tg__module_build(m, conv_tensors);
}

tg_module *tg_nn_conv2d(int64_t in_channels, int64_t out_channels, int64_t kh, int64_t kw, tg_conv_opts opts,
                        bool bias)
{
    if (check_conv(in_channels, out_channels, opts.groups ? opts.groups : 1, opts.padding_same, opts.stride, 2))
        return NULL;
    tg_module *m = new_conv(&CONV2D, in_channels, out_channels, (const int64_t[]){kh, kw}, 2, bias);
    if (m) ((conv *)m)->opts = opts;
    return tg__module_build(m, conv_tensors);
}

tg_module *tg_nn_conv_transpose2d(int64_t in_channels, int64_t out_channels, int64_t kh, int64_t kw,
                                  tg_conv_transpose_opts opts, bool bias)
{
    if (check_conv(in_channels, out_channels, opts.groups ? opts.groups : 1, false, opts.stride, 2)) return NULL;
    tg_module *m = new_conv(&CONV_TRANSPOSE2D, in_channels, out_channels, (const int64_t[]){kh, kw}, 2, bias);
    if (m) {
        ((conv *)m)->transposed = true;
        ((conv *)m)->topts = opts;
    }
    return tg__module_build(m, conv_tensors);
}
