/* Modules of the user's own (a subclass of nn.Module in PyTorch): an empty
   module with a class name, and registering parameters, buffers and
   children on any module, with nn.Module's checks and messages. */
#include "nn.h"

#include <stdlib.h>
#include <string.h>

enum { CLASS_NAME_CAP = 128 };

typedef struct custom {
    tg_module base;
    tg_module_kind kind;   /* base.kind points here: the name is the user's */
    char name[CLASS_NAME_CAP];
} custom;

tg_module *tg_nn_module(const char *class_name)
{
    if (!class_name || !*class_name) return tg__fail(TG_E_INVALID, "tg_nn_module(): the class name is NULL or empty");
    if (strlen(class_name) >= CLASS_NAME_CAP)
        return tg__fail(TG_E_INVALID, "tg_nn_module(): the class name is longer than %d characters", CLASS_NAME_CAP - 1);
    custom *c = tg__module_new(NULL, sizeof *c);
    if (!c) return NULL;
    strcpy(c->name, class_name);
    c->kind = (tg_module_kind){c->name, NULL, NULL};
    c->base.kind = &c->kind;
    c->base.user_defined = true;
    return &c->base;
}

static int find_child(const tg_module *m, const char *name)
{
    for (int i = 0; i < m->n_children; i++)
        if (strcmp(m->child_names[i], name) == 0) return i;
    return -1;
}

/* nn.Module's checks of a name to register as `what` ("parameter",
   "buffer", "module"); `own` is the dict of that kind (NULL: children). */
static int check_name(const char *fn, const tg_module *m, const char *what, const char *name, const tg_dict *own)
{
    if (!m) return tg__faili(TG_E_NULL, "%s(): the module is NULL", fn);
    if (!name) return tg__faili(TG_E_NULL, "%s(): the name is NULL", fn);
    if (strchr(name, '.')) {
        if (!own) return tg__faili(TG_E_INVALID, "module name can't contain \".\", got: %s", name);
        return tg__faili(TG_E_INVALID, "%s name can't contain \".\"", what);
    }
    if (!*name) return tg__faili(TG_E_INVALID, "%s name can't be empty string \"\"", what);
    bool in_parameters = tg__dict_find(m->parameters, name) >= 0, in_buffers = tg__dict_find(m->buffers, name) >= 0;
    bool in_children = find_child(m, name) >= 0;
    bool elsewhere = (in_parameters && own != m->parameters) || (in_buffers && own != m->buffers) ||
                     (in_children && own != NULL);
    if (elsewhere) return tg__faili(TG_E_INVALID, "attribute '%s' already exists", name);
    /* A layer's own tensors and children are what its forward reads. */
    bool replacing = in_parameters || in_buffers || in_children;
    if (replacing && !m->user_defined)
        return tg__faili(TG_E_INVALID, "%s(): %s's own %s '%s' cannot be replaced", fn, m->kind->name, what, name);
    return 0;
}

int tg_module_register_parameter(tg_module *m, const char *name, tg_tensor *t)
{
    if (check_name(__func__, m, "parameter", name, m ? m->parameters : NULL)) return -1;
    TG_ARGI(t);
    if (tg_grad_fn(t))
        return tg__faili(TG_E_AUTOGRAD,
                         "Cannot assign non-leaf Tensor to parameter '%s'. Model parameters must be created "
                         "explicitly. To express '%s' as a function of another Tensor, compute the value in the "
                         "forward() method.",
                         name, name);
    bool was = tg_requires_grad(t);
    if (!tg_requires_grad_(t, true)) return -1;
    if (tg_dict_set(m->parameters, name, t) == 0) return 0;
    tg_requires_grad_(t, was);   /* a failed call changes no tensor */
    return -1;
}

int tg_module_register_buffer(tg_module *m, const char *name, tg_tensor *t)
{
    if (check_name(__func__, m, "buffer", name, m ? m->buffers : NULL)) return -1;
    TG_ARGI(t);
    return tg_dict_set(m->buffers, name, t);
}

bool tg__module_within(const tg_module *m, const tg_module *target)
{
    if (m == target) return true;
    for (int i = 0; i < m->n_children; i++)
        if (tg__module_within(m->children[i], target)) return true;
    return false;
}

/* Takes ownership of child, also when it fails, unless child is m, holds
   m or is held by m already (then nothing changes). */
int tg_module_add_module(tg_module *m, const char *name, tg_module *child)
{
    bool related = m && child && (tg__module_within(child, m) || tg__module_within(m, child));
    int rc = check_name(__func__, m, "module", name, NULL);
    if (rc == 0 && !child && tg_last_status() == TG_OK) rc = tg__faili(TG_E_NULL, "%s(): the child is NULL", __func__);
    if (rc == 0 && related)
        rc = tg__faili(TG_E_INVALID, "%s(): the child is the module, holds it or is held by it already", __func__);
    if (rc || !child) {
        if (!related) tg_module_free(child);
        return -1;
    }
    int i = find_child(m, name);
    if (i < 0) return tg__module_add_child(m, name, child);
    tg_module_free(m->children[i]);   /* replaced in its place, as in PyTorch */
    m->children[i] = child;
    return 0;
}
