/* A scheduler's state as a tg_dict (PyTorch's scheduler state_dict(),
   flattened to names: what changes as it steps), and loading it back all
   or nothing: every entry is checked before anything is written. */
#include "optim.h"

#include <stdio.h>
#include <string.h>

enum { KEY_CAP = 160 };

/* d[prefix + name], or NULL without an error when absent. */
static tg_tensor *entry(const tg_dict *d, const char *prefix, const char *name)
{
    char key[KEY_CAP];
    snprintf(key, sizeof key, "%s%s", prefix, name);
    for (int i = 0; i < tg_dict_len(d); i++)
        if (strcmp(tg_dict_key(d, i), key) == 0) return tg_dict_get(d, key);
    return NULL;
}

static int put(tg_dict *d, const char *prefix, const char *name, tg_tensor *t)
{
    char key[KEY_CAP];
    snprintf(key, sizeof key, "%s%s", prefix, name);
    return t ? tg_dict_set(d, key, t) : -1;
}

static bool is_plateau(const tg_scheduler *s) { return strcmp(s->kind->name, "ReduceLROnPlateau") == 0; }

/* PyTorch's _LRScheduler subclasses, which have base_lrs and _step_count
   (ReduceLROnPlateau and SequentialLR have neither). */
static bool is_lr_scheduler(const tg_scheduler *s) { return s->kind->get_lr != NULL; }

/* SequentialLR's children, or 0 for any other scheduler. */
static int n_children(const tg_scheduler *s)
{
    return strcmp(s->kind->name, "SequentialLR") == 0 ? s->u.sequential.n : 0;
}

static tg_tensor *count(int64_t v) { return tg_from_i64(&v, TG_SHAPE()); }

/* The entries in the order of PyTorch's state_dict(), left out what it
   holds that does not change (the constructor's arguments). */
static int put_state(tg_dict *d, const tg_scheduler *s, const char *prefix)
{
    int64_t n = s->n;
    int rc = 0;
    if (is_lr_scheduler(s)) rc |= put(d, prefix, "base_lrs", tg_from_f64(s->base_lrs, &n, 1));
    if (is_plateau(s)) {
        const sched_plateau *k = &s->u.plateau;
        rc |= put(d, prefix, "cooldown_counter", count(k->cooldown_counter));
        rc |= put(d, prefix, "best", tg_full(TG_SHAPE(), k->best, TG_F64));
        rc |= put(d, prefix, "num_bad_epochs", count(k->num_bad_epochs));
    }
    rc |= put(d, prefix, "last_epoch", count(s->last_epoch));
    if (is_lr_scheduler(s)) rc |= put(d, prefix, "_step_count", count(s->step_count));
    rc |= put(d, prefix, "_last_lr", tg_from_f64(s->last_lr, &n, 1));
    for (int i = 0; i < n_children(s); i++) {
        char child[KEY_CAP];
        snprintf(child, sizeof child, "%s_schedulers.%d.", prefix, i);
        rc |= put_state(d, s->u.sequential.schedulers[i], child);
    }
    return rc;
}

tg_dict *tg_scheduler_state_dict(const tg_scheduler *s)
{
    if (!s) return tg__fail(TG_E_NULL, "tg_scheduler_state_dict(): the scheduler is NULL");
    tg_dict *d = tg_dict_new();
    if (!d) return NULL;
    if (tg_scope_begin() < 0) {
        tg_dict_free(d);
        return NULL;
    }
    int rc = put_state(d, s, "");
    tg_scope_end();
    if (rc != 0 || tg_dict_set_metadata(d, "scheduler", s->kind->name) != 0) {
        tg_dict_free(d);
        return NULL;
    }
    return d;
}

/* d[prefix + name] when it is of dtype dt and has numel elements (0-dim
   for numel 0); NULL with an error naming the entry otherwise. */
static tg_tensor *checked(const tg_dict *d, const char *prefix, const char *name, tg_dtype dt, int64_t numel)
{
    tg_tensor *t = entry(d, prefix, name);
    if (!t)
        return tg__fail(TG_E_INVALID, "tg_scheduler_load_state_dict(): missing \"%s%s\" in the state dict", prefix,
                        name);
    bool shape_ok = numel == 0 ? tg_ndim(t) == 0 : tg_ndim(t) == 1 && tg_shape(t)[0] == numel;
    if (tg_dtype_of(t) != dt || !shape_ok) {
        char shape[32] = "[]";
        if (numel) snprintf(shape, sizeof shape, "[%lld]", (long long)numel);
        return tg__fail(TG_E_INVALID,
                        "tg_scheduler_load_state_dict(): \"%s%s\" should be %s of shape %s, got %s of %lld "
                        "element(s) in %d dimension(s)", prefix, name, tg_dtype_name(dt), shape,
                        tg_dtype_name(tg_dtype_of(t)), (long long)tg_numel(t), tg_ndim(t));
    }
    return t;
}

/* Every entry s's state needs, present and of the right dtype and shape. */
static int check_state(const tg_scheduler *s, const tg_dict *d, const char *prefix)
{
    if (!checked(d, prefix, "last_epoch", TG_I64, 0) || !checked(d, prefix, "_last_lr", TG_F64, s->n))
        return -1;
    if (is_lr_scheduler(s) &&
        (!checked(d, prefix, "_step_count", TG_I64, 0) || !checked(d, prefix, "base_lrs", TG_F64, s->n)))
        return -1;
    if (is_plateau(s) &&
        (!checked(d, prefix, "best", TG_F64, 0) || !checked(d, prefix, "num_bad_epochs", TG_I64, 0) ||
         !checked(d, prefix, "cooldown_counter", TG_I64, 0)))
        return -1;
    for (int i = 0; i < n_children(s); i++) {
        char child[KEY_CAP];
        snprintf(child, sizeof child, "%s_schedulers.%d.", prefix, i);
        if (check_state(s->u.sequential.schedulers[i], d, child) != 0) return -1;
    }
    return 0;
}

/* Writes the checked state into s; nothing here fails. */
static void apply_state(tg_scheduler *s, const tg_dict *d, const char *prefix)
{
    s->last_epoch = (int64_t)tg_item(entry(d, prefix, "last_epoch"));
    tg_copy_to_f64(entry(d, prefix, "_last_lr"), s->last_lr);
    if (is_lr_scheduler(s)) {
        s->step_count = (int64_t)tg_item(entry(d, prefix, "_step_count"));
        tg_copy_to_f64(entry(d, prefix, "base_lrs"), s->base_lrs);
    }
    if (is_plateau(s)) {
        sched_plateau *k = &s->u.plateau;
        k->best = tg_item(entry(d, prefix, "best"));
        k->num_bad_epochs = (int64_t)tg_item(entry(d, prefix, "num_bad_epochs"));
        k->cooldown_counter = (int64_t)tg_item(entry(d, prefix, "cooldown_counter"));
    }
    for (int i = 0; i < n_children(s); i++) {
        char child[KEY_CAP];
        snprintf(child, sizeof child, "%s_schedulers.%d.", prefix, i);
        apply_state(s->u.sequential.schedulers[i], d, child);
    }
}

int tg__scheduler_check_state(const tg_scheduler *s, const tg_dict *d)
{
    const char *fn = "tg_scheduler_load_state_dict()";
    if (!s) return tg__faili(TG_E_NULL, "%s: the scheduler is NULL", fn);
    if (!d) return tg__faili(TG_E_NULL, "%s: the state dict is NULL", fn);
    const char *kind = tg_dict_metadata(d, "scheduler");
    if (!kind || strcmp(kind, s->kind->name) != 0)
        return tg__faili(TG_E_INVALID, "%s: the state dict is of %s, the scheduler is %s", fn,
                         kind ? kind : "no scheduler", s->kind->name);
    return check_state(s, d, "");
}

void tg__scheduler_apply_state(tg_scheduler *s, const tg_dict *d) { apply_state(s, d, ""); }

int tg_scheduler_load_state_dict(tg_scheduler *s, const tg_dict *d)
{
    if (tg__scheduler_check_state(s, d) != 0) return -1;
    tg__scheduler_apply_state(s, d);
    return 0;
}
