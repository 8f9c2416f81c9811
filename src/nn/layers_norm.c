/* The normalisation layers: LayerNorm, GroupNorm and RMSNorm (PyTorch
   2.4's), their weights ones and biases zeros, as torch.nn makes them. */
#include "nn.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

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
    snprintf(buf, cap, "%s, eps=%s, elementwise_affine=%s", tg__py_tuple(n->shape, n->ndim, shape, sizeof shape),
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
    if (num_groups == 0) return tg__fail(TG_E_INVALID, "integer modulo by zero");
    if (num_channels % num_groups != 0) return tg__fail(TG_E_INVALID, "num_channels must be divisible by num_groups");
    group_norm *g = tg__module_new(&GROUP_NORM, sizeof *g);
    if (!g) return NULL;
    g->num_groups = num_groups;
    g->num_channels = num_channels;
    g->eps = eps;
    g->affine = affine;
    return tg__module_build(&g->base, group_norm_tensors);
}

/* ---------------------------------------------------- BatchNorm1d/2d */

typedef struct batch_norm {
    tg_module base;
    int64_t num_features;
    double eps, momentum;   /* momentum NAN: None, a cumulative average */
    bool affine, track_running_stats;
    int dims;               /* 1: BatchNorm1d, 2: BatchNorm2d */
    tg_tensor *weight, *bias, *running_mean, *running_var, *num_batches_tracked;
} batch_norm;

/* _BatchNorm.forward: counts the batch, picks the momentum, and uses the
   running statistics in evaluation mode. */
static tg_tensor *batch_norm_forward(tg_module *m, const tg_tensor *input)
{
    batch_norm *b = (batch_norm *)m;
    int ndim = tg_ndim(input);
    if (b->dims == 1 && ndim != 2 && ndim != 3)
        return tg__fail(TG_E_SHAPE, "expected 2D or 3D input (got %dD input)", ndim);
    if (b->dims == 2 && ndim != 4) return tg__fail(TG_E_SHAPE, "expected 4D input (got %dD input)", ndim);
    double factor = isnan(b->momentum) ? 0.0 : b->momentum;
    if (m->training && b->track_running_stats) {
        TG_NO_GRAD tg_add_scalar_(b->num_batches_tracked, 1);
        if (isnan(b->momentum)) factor = 1.0 / tg_item(b->num_batches_tracked);
    }
    bool use_batch_stats = m->training || !b->running_mean;
    bool pass_running = !m->training || b->track_running_stats;
    return tg_batch_norm(input, pass_running ? b->running_mean : NULL, pass_running ? b->running_var : NULL,
                         b->weight, b->bias, use_batch_stats, factor, b->eps);
}

static void batch_norm_extra(const tg_module *m, char *buf, size_t cap)
{
    const batch_norm *b = (const batch_norm *)m;
    char eps[32], momentum[32];
    snprintf(buf, cap, "%lld, eps=%s, momentum=%s, affine=%s, track_running_stats=%s", (long long)b->num_features,
             tg__py_float(b->eps, eps, sizeof eps),
             isnan(b->momentum) ? "None" : tg__py_float(b->momentum, momentum, sizeof momentum),
             tg__py_bool(b->affine), tg__py_bool(b->track_running_stats));
}

static const tg_module_kind BATCH_NORM1D = {"BatchNorm1d", batch_norm_forward, batch_norm_extra};
static const tg_module_kind BATCH_NORM2D = {"BatchNorm2d", batch_norm_forward, batch_norm_extra};

static int batch_norm_tensors(tg_module *m)
{
    batch_norm *b = (batch_norm *)m;
    const int64_t *c = &b->num_features;
    if (b->affine) {
        b->weight = tg__module_add_parameter(m, "weight", tg_init_ones_(tg_empty(c, 1, TG_F32)));
        b->bias = tg__module_add_parameter(m, "bias", tg_init_zeros_(tg_empty(c, 1, TG_F32)));
        if (!b->weight || !b->bias) return -1;
    }
    if (!b->track_running_stats) return 0;
    b->running_mean = tg__module_add_buffer(m, "running_mean", tg_zeros(c, 1, TG_F32));
    b->running_var = tg__module_add_buffer(m, "running_var", tg_ones(c, 1, TG_F32));
    b->num_batches_tracked = tg__module_add_buffer(m, "num_batches_tracked", tg_zeros(TG_SHAPE(), TG_I64));
    return b->running_mean && b->running_var && b->num_batches_tracked ? 0 : -1;
}

static tg_module *new_batch_norm(const tg_module_kind *kind, int dims, int64_t num_features, double eps,
                                 double momentum, bool affine, bool track_running_stats)
{
    batch_norm *b = tg__module_new(kind, sizeof *b);
    if (!b) return NULL;
    b->num_features = num_features;
    b->eps = eps;
    b->momentum = momentum;
    b->affine = affine;
    b->track_running_stats = track_running_stats;
    b->dims = dims;
    return tg__module_build(&b->base, batch_norm_tensors);
}

tg_module *tg_nn_batch_norm1d(int64_t num_features, double eps, double momentum, bool affine, bool track_running_stats)
{
    return new_batch_norm(&BATCH_NORM1D, 1, num_features, eps, momentum, affine, track_running_stats);
}

tg_module *tg_nn_batch_norm2d(int64_t num_features, double eps, double momentum, bool affine, bool track_running_stats)
{
    return new_batch_norm(&BATCH_NORM2D, 2, num_features, eps, momentum, affine, track_running_stats);
}
