/* The module core (Note [Modules] in nn.h): making and freeing modules,
   registering parameters, buffers and children, walking them by full name,
   train/eval, and the public readers. */
#include "nn.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* The longest full name a walk builds ("layers.11.self_attn.out_proj.bias"
   is 33 characters). */
enum { NAME_CAP = 1024 };

void *tg__module_new(const tg_module_kind *kind, size_t size)
{
    tg_module *m = tg__calloc(1, size);
    if (!m) return NULL;
    m->kind = kind;
    m->training = true;
    m->parameters = tg_dict_new();
    m->buffers = m->parameters ? tg_dict_new() : NULL;
    if (!m->buffers) {
        tg_dict_free(m->parameters);
        free(m);
        return NULL;
    }
    return m;
}

void tg_module_free(tg_module *m)
{
    if (!m) return;
    for (int i = 0; i < m->n_children; i++) {
        tg_module_free(m->children[i]);
        free(m->child_names[i]);
    }
    free(m->children);
    free(m->child_names);
    tg_dict_free(m->parameters);
    tg_dict_free(m->buffers);
    free(m);
}

tg_tensor *tg__module_add_parameter(tg_module *m, const char *name, tg_tensor *t)
{
    if (!t || !tg_requires_grad_(t, true) || tg_dict_set(m->parameters, name, t)) return NULL;
    return t;
}

tg_tensor *tg__module_add_buffer(tg_module *m, const char *name, tg_tensor *t)
{
    if (!t || tg_dict_set(m->buffers, name, t)) return NULL;
    return t;
}

tg_module *tg__module_build(tg_module *m, int (*make_tensors)(tg_module *m))
{
    if (!m) return NULL;
    int rc = tg_scope_begin() < 0 ? -1 : 0;
    if (rc == 0) {
        rc = make_tensors(m);
        tg_scope_end();
    }
    if (rc) {
        tg_module_free(m);
        return NULL;
    }
    return m;
}

int tg__module_add_child(tg_module *m, const char *name, tg_module *child)
{
    if (!child) return -1;
    if (m->n_children == m->cap_children) {
        int cap = m->cap_children ? 2 * m->cap_children : 4;
        tg_module **children = tg__realloc(m->children, (size_t)cap * sizeof *children);
        if (children) m->children = children;
        char **names = children ? tg__realloc(m->child_names, (size_t)cap * sizeof *names) : NULL;
        if (names) m->child_names = names;
        if (!names) {
            tg_module_free(child);
            return -1;
        }
        m->cap_children = cap;
    }
    size_t n = strlen(name) + 1;
    char *copy = tg__malloc(n);
    if (!copy) {
        tg_module_free(child);
        return -1;
    }
    memcpy(copy, name, n);
    m->child_names[m->n_children] = copy;
    m->children[m->n_children++] = child;
    return 0;
}

int tg__module_add_children(tg_module *m, const tg_child_slot *children, int n)
{
    for (int i = 0; i < n; i++) {
        *children[i].slot = children[i].child;
        if (tg__module_add_child(m, children[i].name, children[i].child)) {
            for (int j = i + 1; j < n; j++) tg_module_free(children[j].child);
            return -1;
        }
    }
    return 0;
}

/* ------------------------------------------------------------- walking */

typedef struct walk {
    bool buffers;
    tg_tensor_visit visit;
    void *ctx;
    char name[NAME_CAP];
} walk;

/* Visits the tensors of dict d, named w->name[0, len) + their names. */
static int walk_dict(walk *w, size_t len, const tg_dict *d, bool is_buffer)
{
    for (int i = 0; i < tg_dict_len(d); i++) {
        const char *key = tg_dict_key(d, i);
        size_t n = strlen(key);
        if (len + n >= NAME_CAP) return tg__faili(TG_E_INVALID, "a module's full parameter name is too long");
        memcpy(w->name + len, key, n + 1);
        int rc = w->visit(w->ctx, w->name, tg__dict_tensor(d, i), is_buffer);
        if (rc) return rc;
    }
    return 0;
}

static int walk_module(walk *w, size_t len, const tg_module *m)
{
    int rc = walk_dict(w, len, m->parameters, false);
    if (!rc && w->buffers) rc = walk_dict(w, len, m->buffers, true);
    for (int i = 0; !rc && i < m->n_children; i++) {
        size_t n = strlen(m->child_names[i]);
        if (len + n + 1 >= NAME_CAP) return tg__faili(TG_E_INVALID, "a module's full parameter name is too long");
        memcpy(w->name + len, m->child_names[i], n);
        w->name[len + n] = '.';
        rc = walk_module(w, len + n + 1, m->children[i]);
    }
    return rc;
}

int tg__module_walk(const tg_module *m, bool buffers, tg_tensor_visit visit, void *ctx)
{
    walk w = {.buffers = buffers, .visit = visit, .ctx = ctx};
    return walk_module(&w, 0, m);
}

/* ------------------------------------------------------------- readers */

static int check_module(const char *fn, const tg_module *m)
{
    return m ? 0 : tg__faili(TG_E_NULL, "%s(): the module is NULL", fn);
}

const char *tg_module_name(const tg_module *m) { return check_module(__func__, m) ? NULL : m->kind->name; }

tg_tensor *tg_module_forward(tg_module *m, const tg_tensor *input)
{
    if (check_module(__func__, m)) return NULL;
    TG_ARG(input);
    if (m->user_defined && !m->kind->forward)
        return tg__fail(TG_E_INVALID, "tg_module_forward(): %s is a module of the user's own, with no forward here",
                        m->kind->name);
    if (!m->kind->forward)
        return tg__fail(TG_E_INVALID, "tg_module_forward(): %s takes more than one input; call its own forward",
                        m->kind->name);
    return m->kind->forward(m, input);
}

int tg_module_train(tg_module *m, bool training)
{
    if (check_module(__func__, m)) return -1;
    m->training = training;
    for (int i = 0; i < m->n_children; i++) tg_module_train(m->children[i], training);
    return 0;
}

bool tg_module_is_training(const tg_module *m) { return check_module(__func__, m) ? false : m->training; }

int tg_module_num_children(const tg_module *m) { return check_module(__func__, m) ? -1 : m->n_children; }

/* The descendant a dotted path names ("layers.1.norm1"), or NULL with
   PyTorch's get_submodule error. */
tg_module *tg_module_get_submodule(const tg_module *m, const char *path)
{
    if (check_module(__func__, m)) return NULL;
    if (!path) return tg__fail(TG_E_NULL, "%s(): the name is NULL", __func__);
    tg_module *at = (tg_module *)m;
    for (const char *p = path; *p;) {
        size_t n = strcspn(p, ".");
        tg_module *next = NULL;
        for (int i = 0; i < at->n_children && !next; i++)
            if (strlen(at->child_names[i]) == n && memcmp(at->child_names[i], p, n) == 0) next = at->children[i];
        if (!next)
            return tg__fail(TG_E_INDEX, "%s has no attribute `%.*s`", at->kind->name, (int)n, p);
        at = next;
        p += n + (p[n] == '.');
    }
    return at;
}

/* The tensor of a module's own dict that a dotted name ends in. */
static tg_tensor *get_tensor(const char *fn, const tg_module *m, const char *name, bool is_buffer)
{
    if (check_module(fn, m)) return NULL;
    if (!name) return tg__fail(TG_E_NULL, "%s(): the name is NULL", fn);
    const char *dot = strrchr(name, '.');
    const tg_module *owner = m;
    if (dot) {
        size_t n = (size_t)(dot - name);
        char path[NAME_CAP];
        if (n >= NAME_CAP) return tg__fail(TG_E_INVALID, "%s(): the name is too long", fn);
        memcpy(path, name, n);
        path[n] = '\0';
        if (!(owner = tg_module_get_submodule(m, path))) return NULL;
    }
    const char *leaf = dot ? dot + 1 : name;
    const tg_dict *d = is_buffer ? owner->buffers : owner->parameters;
    for (int i = 0; i < tg_dict_len(d); i++)
        if (strcmp(tg_dict_key(d, i), leaf) == 0) return tg__share(tg__dict_tensor(d, i));
    return tg__fail(TG_E_INDEX, "%s has no attribute `%s`", owner->kind->name, leaf);
}

tg_tensor *tg_module_get_parameter(const tg_module *m, const char *name)
{
    return get_tensor(__func__, m, name, false);
}

tg_tensor *tg_module_get_buffer(const tg_module *m, const char *name) { return get_tensor(__func__, m, name, true); }

/* ---------------------------------------------------------- parameters */

typedef struct tensor_list {
    tg_tensor **items;   /* borrowed */
    int n, cap;
} tensor_list;

/* A parameter registered twice (shared weights) is listed once, as
   PyTorch's parameters() lists it. */
static int list_parameter(void *ctx, const char *name, tg_tensor *t, bool is_buffer)
{
    (void)name, (void)is_buffer;
    tensor_list *l = ctx;
    for (int i = 0; i < l->n; i++)
        if (l->items[i] == t) return 0;
    if (l->n == l->cap) {
        int cap = l->cap ? 2 * l->cap : 16;
        tg_tensor **items = tg__realloc(l->items, (size_t)cap * sizeof *items);
        if (!items) return -1;
        l->items = items;
        l->cap = cap;
    }
    l->items[l->n++] = t;
    return 0;
}

/* m's parameters in PyTorch's order (free l->items), or -1 with an error. */
static int list_parameters(const tg_module *m, tensor_list *l)
{
    *l = (tensor_list){0};
    if (tg__module_walk(m, false, list_parameter, l) == 0) return 0;
    free(l->items);
    return -1;
}

int tg_module_parameters(const tg_module *m, tg_tensor **out, int max_out)
{
    if (check_module(__func__, m)) return -1;
    if (max_out > 0 && !out) return tg__faili(TG_E_NULL, "%s(): out is NULL", __func__);
    tensor_list l;
    if (list_parameters(m, &l)) return -1;
    int rc = l.n;
    if (out && l.n > max_out)
        rc = tg__faili(TG_E_INVALID, "%s(): the module has %d parameters, more than max_out (%d)", __func__, l.n,
                       max_out);
    /* The handles go to the current scope; on a failure the ones made are
       its to drop, and out is left as it was. */
    for (int i = 0; out && rc >= 0 && i < l.n; i++)
        if (!tg__share(l.items[i])) rc = -1;
    if (out && rc >= 0) memcpy(out, l.items, (size_t)l.n * sizeof *out);
    free(l.items);
    return rc;
}

int64_t tg_module_parameter_count(const tg_module *m, bool trainable_only)
{
    if (check_module(__func__, m)) return -1;
    tensor_list l;
    if (list_parameters(m, &l)) return -1;
    int64_t count = 0;
    for (int i = 0; i < l.n; i++)
        if (!trainable_only || tg_requires_grad(l.items[i])) count += tg_numel(l.items[i]);
    free(l.items);
    return count;
}

tg_module *tg_module_requires_grad_(tg_module *m, bool requires_grad)
{
    if (check_module(__func__, m)) return NULL;
    tensor_list l;
    if (list_parameters(m, &l)) return NULL;
    for (int i = 0; i < l.n; i++) tg_requires_grad_(l.items[i], requires_grad);   /* leaves: cannot fail */
    free(l.items);
    return m;
}

/* Module.to(dtype): every floating or complex parameter and buffer, and
   its .grad, converted in place (tg_set_data), so that the tensors a user
   or an optimizer holds stay the module's. Every copy is made before the
   first is put in, so a failure changes nothing. */
tg_module *tg_module_to(tg_module *m, tg_dtype dtype)
{
    if (check_module(__func__, m)) return NULL;
    if (!tg__is_floating_or_complex(dtype))
        return tg__fail(TG_E_DTYPE, "nn.Module.to only accepts floating point or complex dtypes, but got desired dtype=%s",
                        tg_dtype_name(dtype));
    if (tg__is_complex(dtype))
        tg__warn("Complex modules are a new feature under active development whose design may change, and some "
                 "modules might not work as expected when using complex tensors as parameters or buffers. Please "
                 "file an issue at https://github.com/pytorch/pytorch/issues/new?template=bug-report.yml if a "
                 "complex module does not work as expected.");
    tensor_list l = {0};
    if (tg__module_walk(m, true, list_parameter, &l)) {
        free(l.items);
        return NULL;
    }
    tg_tensor **copies = tg__calloc((size_t)l.n * 2 + 1, sizeof *copies);   /* data, then .grad, per tensor */
    bool ok = copies != NULL;
    tg_scope_begin();
    TG_NO_GRAD {
        for (int i = 0; ok && i < l.n; i++) {
            tg_tensor *t = l.items[i], *grad = tg_grad(t);
            if (!tg__is_floating_or_complex(t->dtype)) continue;
            ok = (copies[2 * i] = tg_to(t, dtype)) && (!grad || (copies[2 * i + 1] = tg_to(grad, dtype)));
        }
        for (int i = 0; ok && i < l.n; i++) {
            if (!copies[2 * i]) continue;
            tg_set_data(l.items[i], copies[2 * i]);   /* a floating or complex dtype: cannot fail */
            if (copies[2 * i + 1]) tg_set_grad(l.items[i], copies[2 * i + 1]);   /* now of the same dtype */
        }
    }
    tg_scope_end();
    free(copies);
    free(l.items);
    return ok ? m : NULL;
}

void tg_module_zero_grad(tg_module *m)
{
    tensor_list l;
    if (check_module(__func__, m) || list_parameters(m, &l)) return;
    for (int i = 0; i < l.n; i++) tg_zero_grad(l.items[i]);
    free(l.items);
}

/* Named dicts: the tensors themselves (no detach), by full name. */
static int add_named(void *ctx, const char *name, tg_tensor *t, bool is_buffer)
{
    (void)is_buffer;
    return tg_dict_set(ctx, name, t);
}

static int add_named_buffer(void *ctx, const char *name, tg_tensor *t, bool is_buffer)
{
    return is_buffer ? tg_dict_set(ctx, name, t) : 0;
}

static tg_dict *named(const char *fn, const tg_module *m, bool buffers)
{
    if (check_module(fn, m)) return NULL;
    tg_dict *d = tg_dict_new();
    if (d && tg__module_walk(m, buffers, buffers ? add_named_buffer : add_named, d)) {
        tg_dict_free(d);
        return NULL;
    }
    return d;
}

tg_dict *tg_module_named_parameters(const tg_module *m) { return named(__func__, m, false); }
tg_dict *tg_module_named_buffers(const tg_module *m) { return named(__func__, m, true); }
