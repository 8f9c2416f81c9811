/* Sequential, Identity, Flatten and the activation layers: torch.nn's
   classes of the same names, their forwards the functional operations. */
#include "nn.h"

#include <stdio.h>

/* ------------------------------------------------------------ Sequential */

static tg_tensor *sequential_forward(tg_module *m, const tg_tensor *input)
{
    if (m->n_children == 0) return tg__share(input);
    const tg_tensor *x = input;
    for (int i = 0; i < m->n_children && x; i++) x = tg_module_forward(m->children[i], x);
    return (tg_tensor *)x;
}

static const tg_module_kind SEQUENTIAL = {"Sequential", sequential_forward, NULL};

/* The index of an earlier entry equal to children[i], or -1. */
static int earlier(tg_module *const *children, int i)
{
    for (int j = 0; j < i; j++)
        if (children[j] == children[i]) return j;
    return -1;
}

/* Frees children[from, n), each module once (NULL and repeats skipped). */
static void free_children(tg_module *const *children, int from, int n)
{
    for (int i = from; i < n; i++)
        if (earlier(children, i) < 0) tg_module_free(children[i]);
}

tg_module *tg_nn_sequential(tg_module *const *children, int n)
{
    if (n < 0) return tg__fail(TG_E_INVALID, "tg_nn_sequential(): n is negative");
    if (n > 0 && !children) return tg__fail(TG_E_NULL, "tg_nn_sequential(): children is NULL");
    int bad = -1;
    for (int i = 0; i < n && bad < 0; i++)
        if (!children[i] || earlier(children, i) >= 0) bad = i;
    /* A NULL child is a failed constructor: its error is kept. */
    if (bad >= 0 && !children[bad] && tg_last_status() == TG_OK)
        tg__fail(TG_E_NULL, "tg_nn_sequential(): a child module is NULL");
    else if (bad >= 0 && children[bad])
        tg__fail(TG_E_INVALID, "tg_nn_sequential(): child %d is child %d again", bad, earlier(children, bad));
    tg_module *m = bad >= 0 ? NULL : tg__module_new(&SEQUENTIAL, sizeof(tg_module));
    if (!m) {   /* it owns its children also when it fails */
        free_children(children, 0, n);
        return NULL;
    }
    char name[16];
    for (int i = 0; i < n; i++) {
        snprintf(name, sizeof name, "%d", i);
        if (tg__module_add_child(m, name, children[i])) {
            free_children(children, i + 1, n);
            tg_module_free(m);
            return NULL;
        }
    }
    return m;
}

/* -------------------------------------------------- Identity, Flatten */

static tg_tensor *identity_forward(tg_module *m, const tg_tensor *input)
{
    (void)m;
    return tg__share(input);
}

static const tg_module_kind IDENTITY = {"Identity", identity_forward, NULL};

tg_module *tg_nn_identity(void) { return tg__module_new(&IDENTITY, sizeof(tg_module)); }

typedef struct flatten {
    tg_module base;
    int64_t start_dim, end_dim;
} flatten;

static tg_tensor *flatten_forward(tg_module *m, const tg_tensor *input)
{
    const flatten *f = (const flatten *)m;
    return tg_flatten(input, f->start_dim, f->end_dim);
}

static void flatten_extra(const tg_module *m, char *buf, size_t cap)
{
    const flatten *f = (const flatten *)m;
    snprintf(buf, cap, "start_dim=%lld, end_dim=%lld", (long long)f->start_dim, (long long)f->end_dim);
}

static const tg_module_kind FLATTEN = {"Flatten", flatten_forward, flatten_extra};

tg_module *tg_nn_flatten(int64_t start_dim, int64_t end_dim)
{
    flatten *f = tg__module_new(&FLATTEN, sizeof *f);
    if (!f) return NULL;
    f->start_dim = start_dim;
    f->end_dim = end_dim;
    return &f->base;
}

/* ----------------------------------------------------------- activations */

/* An activation without arguments: the function is its forward. */
typedef struct activation {
    tg_module base;
    tg_tensor *(*function)(const tg_tensor *);
} activation;

static tg_tensor *activation_forward(tg_module *m, const tg_tensor *input)
{
    return ((const activation *)m)->function(input);
}

static tg_module *new_activation(const tg_module_kind *kind, tg_tensor *(*function)(const tg_tensor *))
{
    activation *a = tg__module_new(kind, sizeof *a);
    if (!a) return NULL;
    a->function = function;
    return &a->base;
}

#define TG_ACTIVATION(lower, Name, function)                                              \
    static const tg_module_kind Name##_KIND = {#Name, activation_forward, NULL};          \
    tg_module *tg_nn_##lower(void) { return new_activation(&Name##_KIND, function); }

TG_ACTIVATION(relu, ReLU, tg_relu)
TG_ACTIVATION(relu6, ReLU6, tg_relu6)
TG_ACTIVATION(tanh, Tanh, tg_tanh)
TG_ACTIVATION(sigmoid, Sigmoid, tg_sigmoid)
TG_ACTIVATION(silu, SiLU, tg_silu)
TG_ACTIVATION(mish, Mish, tg_mish)
TG_ACTIVATION(selu, SELU, tg_selu)
TG_ACTIVATION(hardsigmoid, Hardsigmoid, tg_hardsigmoid)
TG_ACTIVATION(hardswish, Hardswish, tg_hardswish)
TG_ACTIVATION(logsigmoid, LogSigmoid, tg_logsigmoid)

/* GELU(approximate='none' or 'tanh'). */
typedef struct gelu {
    tg_module base;
    bool tanh;
} gelu;

static tg_tensor *gelu_forward(tg_module *m, const tg_tensor *input)
{
    return ((const gelu *)m)->tanh ? tg_gelu_tanh(input) : tg_gelu(input);
}

static void gelu_extra(const tg_module *m, char *buf, size_t cap)
{
    snprintf(buf, cap, "approximate='%s'", ((const gelu *)m)->tanh ? "tanh" : "none");
}

static const tg_module_kind GELU = {"GELU", gelu_forward, gelu_extra};

tg_module *tg_nn_gelu(bool tanh_approximation)
{
    gelu *g = tg__module_new(&GELU, sizeof *g);
    if (!g) return NULL;
    g->tanh = tanh_approximation;
    return &g->base;
}

/* Activations of one float argument (LeakyReLU's negative_slope, ELU's
   and CELU's alpha). */
typedef struct scaled {
    tg_module base;
    double value;
    const char *argument;   /* its name in extra_repr */
    tg_tensor *(*function)(const tg_tensor *, double);
} scaled;

static tg_tensor *scaled_forward(tg_module *m, const tg_tensor *input)
{
    const scaled *s = (const scaled *)m;
    return s->function(input, s->value);
}

static void scaled_extra(const tg_module *m, char *buf, size_t cap)
{
    const scaled *s = (const scaled *)m;
    char value[32];
    snprintf(buf, cap, "%s=%s", s->argument, tg__py_float(s->value, value, sizeof value));
}

static tg_module *new_scaled(const tg_module_kind *kind, const char *argument, double value,
                             tg_tensor *(*function)(const tg_tensor *, double))
{
    scaled *s = tg__module_new(kind, sizeof *s);
    if (!s) return NULL;
    *s = (scaled){s->base, value, argument, function};
    return &s->base;
}

static const tg_module_kind LEAKY_RELU = {"LeakyReLU", scaled_forward, scaled_extra};
static const tg_module_kind ELU = {"ELU", scaled_forward, scaled_extra};
static const tg_module_kind CELU = {"CELU", scaled_forward, scaled_extra};

tg_module *tg_nn_leaky_relu(double negative_slope)
{
    return new_scaled(&LEAKY_RELU, "negative_slope", negative_slope, tg_leaky_relu);
}
tg_module *tg_nn_elu(double alpha) { return new_scaled(&ELU, "alpha", alpha, tg_elu); }
tg_module *tg_nn_celu(double alpha) { return new_scaled(&CELU, "alpha", alpha, tg_celu); }

/* Softmax(dim) and LogSoftmax(dim). */
typedef struct softmax {
    tg_module base;
    int64_t dim;
    tg_tensor *(*function)(const tg_tensor *, int64_t);
} softmax;

static tg_tensor *softmax_forward(tg_module *m, const tg_tensor *input)
{
    const softmax *s = (const softmax *)m;
    return s->function(input, s->dim);
}

static void softmax_extra(const tg_module *m, char *buf, size_t cap)
{
    snprintf(buf, cap, "dim=%lld", (long long)((const softmax *)m)->dim);
}

static tg_module *new_softmax(const tg_module_kind *kind, int64_t dim,
                              tg_tensor *(*function)(const tg_tensor *, int64_t))
{
    softmax *s = tg__module_new(kind, sizeof *s);
    if (!s) return NULL;
    s->dim = dim;
    s->function = function;
    return &s->base;
}

static const tg_module_kind SOFTMAX = {"Softmax", softmax_forward, softmax_extra};
static const tg_module_kind LOG_SOFTMAX = {"LogSoftmax", softmax_forward, softmax_extra};

tg_module *tg_nn_softmax(int64_t dim) { return new_softmax(&SOFTMAX, dim, tg_softmax); }
tg_module *tg_nn_log_softmax(int64_t dim) { return new_softmax(&LOG_SOFTMAX, dim, tg_log_softmax); }
