/* The normalisation layers: LayerNorm, GroupNorm and RMSNorm (PyTorch
   2.4's), their weights ones and biases zeros, as torch.nn makes them. */
#include "nn.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Python's repr of a tuple of sizes: "(4,)", "(2, 3)". */
static void shape_tuple(char *buf, size_t cap, const int64_t *shape, int ndim)
{
    size_t len = (size_t)snprintf(buf, cap, "(");
    for (int i = 0; i < ndim && len < cap; i++)
        len += (size_t)snprintf(buf + len, cap - len, i ? ", %lld" : "%lld", (long long)shape[i]);
    if (len < cap) snprintf(buf + len, cap - len, ndim == 1 ? ",)" : ")");
}

/* LayerNorm and RMSNorm: normalised over the last dims, of these sizes. */
typedef struct shaped_norm {
    tg_module base;
    int64_t shape[TG_MAX_DIMS];
    int ndim;
    double eps;        /* RMSNorm: NAN is None */
    bool affine;
    tg_tensor *weight, *bias;   /* NULL without */
} shaped_norm;

static tg_tensor *layer_norm_forward(tg_module *m, const tg_tensor *input)
{
    const shaped_norm *n = (const shaped_norm *)m;
    return tg_layer_norm(input, n->shape, n->ndim, n->weight, n->bias, n->eps);
}

static tg_tensor *rms_norm_forward(tg_module *m, const tg_tensor *input)
{
    const shaped_norm *n = (const shaped_norm *)m;
    return tg_rms_norm(input, n->shape, n->ndim, n->weight, n->eps);
}

static void shaped_norm_extra(const tg_module *m, char *buf, size_t cap)
{
    const shaped_norm *n = (const shaped_norm *)m;
    char shape[256], eps[32];
    shape_tuple(shape, sizeof shape, n->shape, n->ndim);
    snprintf(buf, cap, "%s, eps=%s, elementwise_affine=%s", shape,
             isnan(n->eps) ? "None" : tg__py_float(n->eps, eps, sizeof eps), tg__py_bool(n->affine));
}

static const tg_module_kind LAYER_NORM = {"LayerNorm", layer_norm_forward, shaped_norm_extra};
static const tg_module_kind RMS_NORM = {"RMSNorm", rms_norm_forward, shaped_norm_extra};

static int shaped_norm_tensors(tg_module *m)
{
    shaped_norm *n = (shaped_norm *)m;
    if (!n->affine) return 0;
    n->weight = tg__module_add_parameter(m, "weight", tg_init_ones_(tg_empty(n->shape, n->ndim, TG_F32)));
    if (n->base.kind == &LAYER_NORM)
        n->bias = tg__module_add_parameter(m, "bias", tg_init_zeros_(tg_empty(n->shape, n->ndim, TG_F32)));
    return n->weight && (n->bias || n->base.kind != &LAYER_NORM) ? 0 : -1;
}

static tg_module *new_shaped_norm(const char *fn, const tg_module_kind *kind, const int64_t *shape, int ndim,
                                  double eps, bool affine)
{
    if (ndim < 0 || ndim > TG_MAX_DIMS) return tg__fail(TG_E_INVALID, "%s(): ndim %d is out of range", fn, ndim);
    if (ndim > 0 && !shape) return tg__fail(TG_E_NULL, "%s(): normalized_shape is NULL", fn);
    shaped_norm *n = tg__module_new(kind, sizeof *n);
    if (!n) return NULL;
    memcpy(n->shape, shape, sizeof *shape * (size_t)ndim);
    n->ndim = ndim;
    n->eps = eps;
    n->affine = affine;
    return tg__module_build(&n->base, shaped_norm_tensors);
}

tg_module *tg_nn_layer_norm(const int64_t *normalized_shape, int ndim, double eps, bool elementwise_affine)
{
    return new_shaped_norm(__func__, &LAYER_NORM, normalized_shape, ndim, eps, elementwise_affine);
}

tg_module *tg_nn_rms_norm(const int64_t *normalized_shape, int ndim, double eps, bool elementwise_affine)
{
    return new_shaped_norm(__func__, &RMS_NORM, normalized_shape, ndim, eps, elementwise_affine);
}

/* ------------------------------------------------------------ GroupNorm */

typedef struct group_norm {
    tg_module base;
    int64_t num_groups, num_channels;
    double eps;
    bool affine;
    tg_tensor *weight, *bias;
} group_norm;

static tg_tensor *group_norm_forward(tg_module *m, const tg_tensor *input)
{
    const group_norm *g = (const group_norm *)m;
    return tg_group_norm(input, g->num_groups, g->weight, g->bias, g->eps);
}

static void group_norm_extra(const tg_module *m, char *buf, size_t cap)
{
    const group_norm *g = (const group_norm *)m;
    char eps[32];
    snprintf(buf, cap, "%lld, %lld, eps=%s, affine=%s", (long long)g->num_groups, (long long)g->num_channels,
             tg__py_float(g->eps, eps, sizeof eps), tg__py_bool(g->affine));
}

static const tg_module_kind GROUP_NORM = {"GroupNorm", group_norm_forward, group_norm_extra};

static int group_norm_tensors(tg_module *m)
{
    group_norm *g = (group_norm *)m;
    if (!g->affine) return 0;
    g->weight = tg__module_add_parameter(m, "weight", tg_init_ones_(tg_empty(TG_SHAPE(g->num_channels), TG_F32)));
    g->bias = tg__module_add_parameter(m, "bias", tg_init_zeros_(tg_empty(TG_SHAPE(g->num_channels), TG_F32)));
    return g->weight && g->bias ? 0 : -1;
}

tg_module *tg_nn_group_norm(int64_t num_groups, int64_t num_channels, double eps, bool affine)
{
    if (num_groups == 0) return tg__fail(TG_E_INVALID, "integer division or modulo by zero");
    if (num_channels % num_groups != 0) return tg__fail(TG_E_INVALID, "num_channels must be divisible by num_groups");
    group_norm *g = tg__module_new(&GROUP_NORM, sizeof *g);
    if (!g) return NULL;
    g->num_groups = num_groups;
    g->num_channels = num_channels;
    g->eps = eps;
    g->affine = affine;
    return tg__module_build(&g->base, group_norm_tensors);
}
