/* The pooling layers: MaxPool1d, MaxPool2d, AvgPool2d, AdaptiveAvgPool2d
   and AdaptiveMaxPool2d over the functional pools. */
#include "nn.h"

#include <stdio.h>

typedef struct pool {
    tg_module base;
    tg_pool_opts opts;   /* stride filled in: PyTorch's stride=None is kernel_size */
    int fields;          /* 1: MaxPool1d, reading element [0] of each field */
} pool;

/* A field as PyTorch prints what it was given: an int when both sizes
   are equal (or the layer is 1-d), else a tuple. */
static const char *field(char *buf, size_t cap, const int64_t *v, int fields)
{
    if (fields == 1 || v[0] == v[1]) snprintf(buf, cap, "%lld", (long long)v[0]);
    else snprintf(buf, cap, "(%lld, %lld)", (long long)v[0], (long long)v[1]);
    return buf;
}

static tg_tensor *max_pool_forward(tg_module *m, const tg_tensor *input)
{
    const pool *p = (const pool *)m;
    return p->fields == 1 ? tg_max_pool1d(input, p->opts) : tg_max_pool2d(input, p->opts);
}

static tg_tensor *avg_pool_forward(tg_module *m, const tg_tensor *input)
{
    return tg_avg_pool2d(input, ((const pool *)m)->opts);
}

static void max_pool_extra(const tg_module *m, char *buf, size_t cap)
{
    const pool *p = (const pool *)m;
    char k[48], s[48], pad[48], d[48];
    snprintf(buf, cap, "kernel_size=%s, stride=%s, padding=%s, dilation=%s, ceil_mode=%s",
             field(k, sizeof k, p->opts.kernel_size, p->fields), field(s, sizeof s, p->opts.stride, p->fields),
             field(pad, sizeof pad, p->opts.padding, p->fields), field(d, sizeof d, p->opts.dilation, p->fields),
             tg__py_bool(p->opts.ceil_mode));
}

static void avg_pool_extra(const tg_module *m, char *buf, size_t cap)
{
    const pool *p = (const pool *)m;
    char k[48], s[48], pad[48];
    snprintf(buf, cap, "kernel_size=%s, stride=%s, padding=%s", field(k, sizeof k, p->opts.kernel_size, 2),
             field(s, sizeof s, p->opts.stride, 2), field(pad, sizeof pad, p->opts.padding, 2));
}

static const tg_module_kind MAX_POOL1D = {"MaxPool1d", max_pool_forward, max_pool_extra};
static const tg_module_kind MAX_POOL2D = {"MaxPool2d", max_pool_forward, max_pool_extra};
static const tg_module_kind AVG_POOL2D = {"AvgPool2d", avg_pool_forward, avg_pool_extra};

static tg_module *new_pool(const tg_module_kind *kind, tg_pool_opts opts, int fields)
{
    pool *p = tg__module_new(kind, sizeof *p);
    if (!p) return NULL;
    for (int i = 0; i < 2; i++) {
        if (!opts.stride[i]) opts.stride[i] = opts.kernel_size[i];
        if (!opts.dilation[i]) opts.dilation[i] = 1;
    }
    p->opts = opts;
    p->fields = fields;
    return &p->base;
}

tg_module *tg_nn_max_pool1d(tg_pool_opts opts) { return new_pool(&MAX_POOL1D, opts, 1); }
tg_module *tg_nn_max_pool2d(tg_pool_opts opts) { return new_pool(&MAX_POOL2D, opts, 2); }
tg_module *tg_nn_avg_pool2d(tg_pool_opts opts) { return new_pool(&AVG_POOL2D, opts, 2); }

/* AdaptiveAvgPool2d(output_size) and AdaptiveMaxPool2d(output_size). */
typedef struct adaptive {
    tg_module base;
    int64_t size[2];
} adaptive;

static tg_tensor *adaptive_avg_forward(tg_module *m, const tg_tensor *input)
{
    const adaptive *a = (const adaptive *)m;
    return tg_adaptive_avg_pool2d(input, a->size[0], a->size[1]);
}

static tg_tensor *adaptive_max_forward(tg_module *m, const tg_tensor *input)
{
    const adaptive *a = (const adaptive *)m;
    return tg_adaptive_max_pool2d(input, a->size[0], a->size[1], NULL);
}

static void adaptive_extra(const tg_module *m, char *buf, size_t cap)
{
    char size[48];
    snprintf(buf, cap, "output_size=%s", field(size, sizeof size, ((const adaptive *)m)->size, 2));
}

static const tg_module_kind ADAPTIVE_AVG = {"AdaptiveAvgPool2d", adaptive_avg_forward, adaptive_extra};
static const tg_module_kind ADAPTIVE_MAX = {"AdaptiveMaxPool2d", adaptive_max_forward, adaptive_extra};

static tg_module *new_adaptive(const tg_module_kind *kind, int64_t out_h, int64_t out_w)
{
    adaptive *a = tg__module_new(kind, sizeof *a);
    if (!a) return NULL;
    a->size[0] = out_h;
    a->size[1] = out_w;
    return &a->base;
}

tg_module *tg_nn_adaptive_avg_pool2d(int64_t out_h, int64_t out_w) { return new_adaptive(&ADAPTIVE_AVG, out_h, out_w); }
tg_module *tg_nn_adaptive_max_pool2d(int64_t out_h, int64_t out_w) { return new_adaptive(&ADAPTIVE_MAX, out_h, out_w); }
