/* state_dict() and load_state_dict(): a module's parameters and buffers by
   full name, and loading them back with PyTorch's checks and messages
   (torch/nn/modules/module.py, _load_from_state_dict and load_state_dict). */
#include "nn.h"

#include <stdlib.h>
#include <string.h>

enum { NAME_CAP = 1024 };

static int save_tensor(void *ctx, const char *name, tg_tensor *t, bool is_buffer)
{
    (void)is_buffer;
    return tg_dict_set(ctx, name, tg_detach(t));
}

/* Detached tensors sharing the module's storage, as state_dict() (with
   keep_vars=False) returns them. */
tg_dict *tg_module_state_dict(const tg_module *m)
{
    if (!m) return tg__fail(TG_E_NULL, "%s(): the module is NULL", __func__);
    tg_dict *d = tg_dict_new();
    if (!d) return NULL;
    if (tg_scope_begin() < 0) {
        tg_dict_free(d);
        return NULL;
    }
    int rc = tg__module_walk(m, true, save_tensor, d);
    tg_scope_end();
    if (rc) {
        tg_dict_free(d);
        return NULL;
    }
    return d;
}

/* ---------------------------------------------------------- loading */

typedef struct copy {
    tg_tensor *dst;         /* borrowed from the module */
    const tg_tensor *src;   /* from the dict, or made in the loader's scope */
} copy;

/* Note [Loading all or nothing]: PyTorch copies every tensor that fits and
   then raises for the rest; here every check runs first and nothing is
   copied unless all pass, so a failed load leaves the module as it was. */
typedef struct loader {
    const tg_dict *dict;
    bool strict;
    char prefix[NAME_CAP];
    copy *copies;
    int n_copies, cap_copies;
    tg_text missing, unexpected, mismatched;   /* PyTorch's three lists */
    bool any_missing, any_unexpected;
} loader;

static int plan_copy(loader *l, tg_tensor *dst, const tg_tensor *src)
{
    if (l->n_copies == l->cap_copies) {
        int cap = l->cap_copies ? 2 * l->cap_copies : 16;
        copy *copies = tg__realloc(l->copies, (size_t)cap * sizeof *copies);
        if (!copies) return -1;
        l->copies = copies;
        l->cap_copies = cap;
    }
    l->copies[l->n_copies++] = (copy){dst, src};
    return 0;
}

static void list_key(tg_text *list, bool *any, const char *key)
{
    tg__text_printf(list, *any ? ", \"%s\"" : "\"%s\"", key);
    *any = true;
}

/* The value PyTorch loads into a module's tensor named key (the prefix
   already in l->prefix): the dict's, or NULL when the dict has none. An old
   checkpoint without BatchNorm's num_batches_tracked loads 0, as PyTorch's
   _BatchNorm._load_from_state_dict adds it for a dict without version. */
static const tg_tensor *source_of(const loader *l, const char *key, const char *name)
{
    int i = tg__dict_find(l->dict, key);
    if (i >= 0) return tg__dict_tensor(l->dict, i);
    if (strcmp(name, "num_batches_tracked") == 0) return tg_zeros(TG_SHAPE(), TG_I64);
    return NULL;
}

static int check_tensor(loader *l, const char *name, tg_tensor *dst)
{
    char key[NAME_CAP];
    if (snprintf(key, sizeof key, "%s%s", l->prefix, name) >= (int)sizeof key)
        return tg__faili(TG_E_INVALID, "a module's full parameter name is too long");
    const tg_tensor *src = source_of(l, key, name);
    if (!src) {
        if (l->strict) list_key(&l->missing, &l->any_missing, key);
        return 0;
    }
    /* A 1-dim value loads into a 0-dim tensor (checkpoints of PyTorch 0.3). */
    if (tg_ndim(dst) == 0 && tg_ndim(src) == 1 && !(src = tg_select(src, 0, 0))) return -1;
    if (!tg__same_shape(tg_shape(src), tg_ndim(src), tg_shape(dst), tg_ndim(dst))) {
        char from[256], to[256];
        tg__text_printf(&l->mismatched,
                        "\n\tsize mismatch for %s: copying a param with shape %s from checkpoint, the shape in "
                        "current model is %s.",
                        key, tg__shape_text(tg_shape(src), tg_ndim(src), "torch.Size([", "])", from, sizeof from),
                        tg__shape_text(tg_shape(dst), tg_ndim(dst), "torch.Size([", "])", to, sizeof to));
        return 0;
    }
    return plan_copy(l, dst, src);
}

/* Whether name is a child of m or one of its own tensors. */
static bool known_name(const tg_module *m, const char *name, size_t n)
{
    for (int i = 0; i < m->n_children; i++)
        if (strlen(m->child_names[i]) == n && memcmp(m->child_names[i], name, n) == 0) return true;
    const tg_dict *dicts[2] = {m->parameters, m->buffers};
    for (int d = 0; d < 2; d++)
        for (int i = 0; i < tg_dict_len(dicts[d]); i++) {
            const char *key = tg_dict_key(dicts[d], i);
            if (strlen(key) == n && memcmp(key, name, n) == 0) return true;
        }
    return false;
}

static void find_unexpected(loader *l, const tg_module *m)
{
    size_t len = strlen(l->prefix);
    char extra_state[NAME_CAP + sizeof "_extra_state"];
    snprintf(extra_state, sizeof extra_state, "%s_extra_state", l->prefix);
    if (tg__dict_find(l->dict, extra_state) >= 0) list_key(&l->unexpected, &l->any_unexpected, extra_state);
    for (int i = 0; i < tg_dict_len(l->dict); i++) {
        const char *key = tg_dict_key(l->dict, i);
        if (strncmp(key, l->prefix, len) != 0 || strcmp(key, extra_state) == 0) continue;
        const char *name = key + len;
        if (!known_name(m, name, strcspn(name, ".")))
            list_key(&l->unexpected, &l->any_unexpected, key);
    }
}

/* PyTorch's load(): this module's tensors, then each child's. */
static int check_module_tensors(loader *l, const tg_module *m)
{
    const tg_dict *dicts[2] = {m->parameters, m->buffers};
    for (int d = 0; d < 2; d++)
        for (int i = 0; i < tg_dict_len(dicts[d]); i++)
            if (check_tensor(l, tg_dict_key(dicts[d], i), tg__dict_tensor(dicts[d], i))) return -1;
    if (l->strict) find_unexpected(l, m);
    size_t len = strlen(l->prefix);
    for (int i = 0; i < m->n_children; i++) {
        if (snprintf(l->prefix + len, NAME_CAP - len, "%s.", m->child_names[i]) >= (int)(NAME_CAP - len))
            return tg__faili(TG_E_INVALID, "a module's full parameter name is too long");
        if (check_module_tensors(l, m->children[i])) return -1;
        l->prefix[len] = '\0';
    }
    return 0;
}

/* PyTorch's RuntimeError: "Error(s) in loading state_dict for <class>:"
   then the missing keys, the unexpected keys and the size mismatches. */
static int report(loader *l, const tg_module *m)
{
    tg_text message = {0};
    tg__text_printf(&message, "Error(s) in loading state_dict for %s:", m->kind->name);
    if (l->any_missing) tg__text_printf(&message, "\n\tMissing key(s) in state_dict: %s. ", l->missing.s);
    if (l->any_unexpected) tg__text_printf(&message, "\n\tUnexpected key(s) in state_dict: %s. ", l->unexpected.s);
    if (l->mismatched.len) tg__text_printf(&message, "%s", l->mismatched.s);
    bool failed = l->missing.failed || l->unexpected.failed || l->mismatched.failed;
    char *text = tg__text_take(&message);
    if (!text || failed) {
        free(text);
        return tg__faili(TG_E_OOM, "out of memory");
    }
    tg__faili(l->mismatched.len && !l->any_missing && !l->any_unexpected ? TG_E_SHAPE : TG_E_INVALID, "%s", text);
    free(text);
    return -1;
}

static int copy_all(const loader *l)
{
    int rc = 0;
    TG_NO_GRAD {
        for (int i = 0; rc == 0 && i < l->n_copies; i++)
            if (!tg_copy_(l->copies[i].dst, l->copies[i].src)) rc = -1;
    }
    return rc;
}

int tg_module_load_state_dict(tg_module *m, const tg_dict *d, bool strict)
{
    if (!m) return tg__faili(TG_E_NULL, "%s(): the module is NULL", __func__);
    if (!d) return tg__faili(TG_E_NULL, "%s(): the dict is NULL", __func__);
    if (tg_scope_begin() < 0) return -1;
    loader *l = tg__calloc(1, sizeof *l);
    int rc = l ? 0 : -1;
    if (l) {
        l->dict = d;
        l->strict = strict;
        rc = check_module_tensors(l, m);
        bool errors = l->any_missing || l->any_unexpected || l->mismatched.len || l->mismatched.failed;
        if (rc == 0 && errors) rc = report(l, m);
        if (rc == 0) rc = copy_all(l);
        free(l->copies);
        free(l->missing.s);
        free(l->unexpected.s);
        free(l->mismatched.s);
        free(l);
    }
    tg_scope_end();
    return rc;
}
