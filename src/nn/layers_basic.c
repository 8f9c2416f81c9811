/* The containers (Sequential, ModuleList, ModuleDict), Identity, Flatten
   and the activation layers: torch.nn's classes of the same names, their
   forwards the functional operations. */
#include "nn.h"

#include <stdio.h>
#include <string.h>

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

/* Fails (with fn's error) when children[0, n) has a NULL or a repeated
   module, freeing them; 0 when they are n distinct modules. */
static int check_children(const char *fn, tg_module *const *children, int n)
{
    if (n < 0) return tg__faili(TG_E_INVALID, "%s(): n is negative", fn);
    if (n > 0 && !children) return tg__faili(TG_E_NULL, "%s(): children is NULL", fn);
    int bad = -1;
    for (int i = 0; i < n && bad < 0; i++)
        if (!children[i] || earlier(children, i) >= 0) bad = i;
    if (bad < 0) return 0;
    /* A NULL child is a failed constructor: its error is kept. */
    if (!children[bad] && tg_last_status() == TG_OK) tg__fail(TG_E_NULL, "%s(): a child module is NULL", fn);
    else if (children[bad]) tg__fail(TG_E_INVALID, "%s(): child %d is child %d again", fn, bad, earlier(children, bad));
    free_children(children, 0, n);
    return -1;
}

/* A container of kind holding children, named "0", "1", ...; it owns them
   also when it fails. */
static tg_module *new_list(const char *fn, const tg_module_kind *kind, tg_module *const *children, int n)
{
    if (check_children(fn, children, n)) return NULL;
    tg_module *m = tg__module_new(kind, sizeof(tg_module));
    if (!m) {
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

tg_module *tg_nn_sequential(tg_module *const *children, int n)
{
    return new_list(__func__, &SEQUENTIAL, children, n);
}

/* ---------------------------------------------- ModuleList, ModuleDict */

/* nn.Module's forward of a class that defines none. */
static tg_tensor *missing_forward(tg_module *m, const tg_tensor *input)
{
    (void)input;
    return tg__fail(TG_E_INVALID, "Module [%s] is missing the required \"forward\" function", m->kind->name);
}

static const tg_module_kind MODULE_LIST = {"ModuleList", missing_forward, NULL};
static const tg_module_kind MODULE_DICT = {"ModuleDict", missing_forward, NULL};

/* A container's children are replaced by name, as PyTorch's __setitem__
   replaces them (tg_module_add_module replaces in modules of the user's own). */
static tg_module *replaceable(tg_module *m)
{
    if (m) m->user_defined = true;
    return m;
}

tg_module *tg_nn_module_list(tg_module *const *modules, int n)
{
    return replaceable(new_list(__func__, &MODULE_LIST, modules, n));
}

/* 0 when m is a container of kind, else -1 with fn's error. */
static int check_kind(const char *fn, const tg_module *m, const tg_module_kind *kind)
{
    if (!m) return tg__faili(TG_E_NULL, "%s(): the module is NULL", fn);
    if (m->kind != kind)
        return tg__faili(TG_E_INVALID, "%s(): the module is a %s, not a %s", fn, m->kind->name, kind->name);
    return 0;
}

/* list[index] as Python indexes it: the non-negative index, or -1 with
   PyTorch's IndexError. */
static int list_index(const tg_module *list, int64_t index)
{
    int64_t n = list->n_children;
    if (index < -n || index >= n) return tg__faili(TG_E_INDEX, "index %lld is out of range", (long long)index);
    return (int)(index < 0 ? index + n : index);
}

/* A failed call frees module, which it was to own, unless module is m,
   holds it or is held by it (as tg_module_add_module); returns -1. */
static int refuse(const tg_module *m, tg_module *module)
{
    if (!(m && module && (tg__module_within(module, m) || tg__module_within(m, module)))) tg_module_free(module);
    return -1;
}

int tg_module_list_append(tg_module *list, tg_module *module)
{
    if (check_kind(__func__, list, &MODULE_LIST)) return refuse(list, module);
    char name[16];
    snprintf(name, sizeof name, "%d", list->n_children);
    return tg_module_add_module(list, name, module);
}

tg_module *tg_module_list_get(const tg_module *list, int64_t index)
{
    if (check_kind(__func__, list, &MODULE_LIST)) return NULL;
    int i = list_index(list, index);
    return i < 0 ? NULL : list->children[i];
}

int tg_module_list_set(tg_module *list, int64_t index, tg_module *module)
{
    if (check_kind(__func__, list, &MODULE_LIST)) return refuse(list, module);
    int i = list_index(list, index);
    if (i < 0) return refuse(list, module);
    return tg_module_add_module(list, list->child_names[i], module);
}

tg_module *tg_nn_module_dict(const char *const *keys, tg_module *const *modules, int n)
{
    if (n > 0 && !keys) {
        if (modules) free_children(modules, 0, n);
        return tg__fail(TG_E_NULL, "%s(): keys is NULL", __func__);
    }
    if (check_children(__func__, modules, n)) return NULL;
    tg_module *d = replaceable(tg__module_new(&MODULE_DICT, sizeof(tg_module)));
    for (int i = 0; i < n; i++) {
        if (d && tg_module_dict_set(d, keys[i], modules[i]) == 0) continue;
        free_children(modules, d ? i + 1 : i, n);   /* a failed set freed modules[i] */
        tg_module_free(d);
        return NULL;
    }
    return d;
}

int tg_module_dict_set(tg_module *d, const char *key, tg_module *module)
{
    if (check_kind(__func__, d, &MODULE_DICT)) return refuse(d, module);
    return tg_module_add_module(d, key, module);
}

/* The index of d's key, or -1. */
static int dict_find(const tg_module *d, const char *key)
{
    for (int i = 0; i < d->n_children; i++)
        if (strcmp(d->child_names[i], key) == 0) return i;
    return -1;
}

tg_module *tg_module_dict_get(const tg_module *d, const char *key)
{
    if (check_kind(__func__, d, &MODULE_DICT)) return NULL;
    if (!key) return tg__fail(TG_E_NULL, "%s(): the key is NULL", __func__);
    int i = dict_find(d, key);
    return i < 0 ? tg__fail(TG_E_INDEX, "%s", key) : d->children[i];   /* PyTorch's KeyError(key) */
}

const char *tg_module_dict_key(const tg_module *d, int i)
{
    if (check_kind(__func__, d, &MODULE_DICT)) return NULL;
    if (i < 0 || i >= d->n_children) return tg__fail(TG_E_INDEX, "index %d is out of range", i);
    return d->child_names[i];
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
