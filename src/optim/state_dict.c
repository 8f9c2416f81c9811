/* An optimizer's state as a tg_dict (PyTorch's Optimizer.state_dict,
   flattened to names), and loading it back all or nothing. */
#include "optim.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

enum { KEY_CAP = 160 };

/* d[name] = t, the name formatted; -1 when t is NULL or setting fails. */
static int put(tg_dict *d, tg_tensor *t, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int put(tg_dict *d, tg_tensor *t, const char *fmt, ...)
{
    char key[KEY_CAP];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(key, sizeof key, fmt, ap);
    va_end(ap);
    return t ? tg_dict_set(d, key, t) : -1;
}

/* d[name] without an error when absent (NULL then). */
static tg_tensor *find(const tg_dict *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static tg_tensor *find(const tg_dict *d, const char *fmt, ...)
{
    char key[KEY_CAP];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(key, sizeof key, fmt, ap);
    va_end(ap);
    for (int i = 0; i < tg_dict_len(d); i++)
        if (strcmp(tg_dict_key(d, i), key) == 0) return tg_dict_get(d, key);
    return NULL;
}

static tg_tensor *number(double v, tg_dtype dt) { return tg_full(TG_SHAPE(), v, dt); }

static tg_tensor *hyper_value(const optim_opts *o, const optim_hyper *h)
{
    const char *field = (const char *)o + h->offset;
    if (h->is_bool) return tg_from_bool((const bool *)field, TG_SHAPE());
    return number(*(const double *)field, TG_F64);
}

static int put_state(tg_dict *d, const optim_kind *kind, const optim_param *p, int64_t index)
{
    int rc = 0;
    if (kind->step_dtype != (tg_dtype)-1)
        rc |= put(d, number((double)p->step, kind->step_dtype), "state.%lld.step", (long long)index);
    for (int s = 0; s < OPTIM_MAX_STATE; s++)
        if (p->state[s]) rc |= put(d, p->state[s], "state.%lld.%s", (long long)index, kind->state_names[s]);
    return rc;
}

static int put_group(tg_dict *d, const optim_kind *kind, const optim_group *g, int gi, int64_t first)
{
    int rc = 0;
    for (int h = 0; h < kind->n_hypers; h++)
        rc |= put(d, hyper_value(&g->opts, &kind->hypers[h]), "param_groups.%d.%s", gi, kind->hypers[h].name);
    if (g->has_initial_lr) rc |= put(d, number(g->initial_lr, TG_F64), "param_groups.%d.initial_lr", gi);
    tg_tensor *ids = tg_arange((double)first, (double)(first + g->n), 1, TG_I64);
    rc |= put(d, ids, "param_groups.%d.params", gi);
    return rc;
}

tg_dict *tg_optimizer_state_dict(const tg_optimizer *opt)
{
    if (!opt) return tg__fail(TG_E_NULL, "tg_optimizer_state_dict(): the optimizer is NULL");
    tg_dict *d = tg_dict_new();
    if (!d) return NULL;
    if (tg_scope_begin() < 0) {
        tg_dict_free(d);
        return NULL;
    }
    int rc = tg_dict_set_metadata(d, "optimizer", opt->kind->name);
    int64_t index = 0;
    for (int g = 0; g < opt->n_groups; g++)
        for (int i = 0; i < opt->groups[g].n; i++, index++)
            if (opt->groups[g].params[i].has_state) rc |= put_state(d, opt->kind, &opt->groups[g].params[i], index);
    index = 0;
    for (int g = 0; g < opt->n_groups; index += opt->groups[g].n, g++) rc |= put_group(d, opt->kind, &opt->groups[g], g, index);
    tg_scope_end();
    if (rc != 0) {
        tg_dict_free(d);
        return NULL;
    }
    return d;
}

/* ------------------------------------------------------------- loading */

/* One parameter's loaded state, not yet written. */
typedef struct loaded {
    tg_tensor *state[OPTIM_MAX_STATE];
    int64_t step;
    bool has_state;
} loaded;

/* A parameter with state has its step and every buffer the optimizer keeps
   under the group's options: PyTorch would fail at the next step instead. */
static int check_complete(const optim_kind *kind, const optim_opts *opts, int64_t id, bool has_step,
                          const loaded *l)
{
    if (!l->has_state) return 0;
    if (kind->step_dtype != (tg_dtype)-1 && !has_step)
        return tg__faili(TG_E_INVALID, "tg_optimizer_load_state_dict(): state.%lld.step is missing", (long long)id);
    for (int s = 0; s < OPTIM_MAX_STATE && kind->state_names[s]; s++)
        if (!l->state[s] && tg__optim_holds(kind, opts, s))
            return tg__faili(TG_E_INVALID, "tg_optimizer_load_state_dict(): state.%lld.%s is missing", (long long)id,
                             kind->state_names[s]);
    return 0;
}

/* state.<id>.<name> in the parameter's dtype (PyTorch casts all but step),
   under the group's loaded options. */
static int load_param(const tg_dict *d, const optim_kind *kind, const optim_opts *opts, const tg_tensor *param,
                      int64_t id, loaded *out)
{
    tg_tensor *step = kind->step_dtype != (tg_dtype)-1 ? find(d, "state.%lld.step", (long long)id) : NULL;
    out->has_state = step != NULL;
    out->step = step ? (int64_t)tg_item(step) : 0;
    for (int s = 0; s < OPTIM_MAX_STATE && kind->state_names[s]; s++) {
        tg_tensor *t = find(d, "state.%lld.%s", (long long)id, kind->state_names[s]);
        if (!t) continue;
        if (tg_ndim(t) != param->ndim || memcmp(tg_shape(t), param->shape, (size_t)param->ndim * sizeof(int64_t)))
            return tg__faili(TG_E_SHAPE, "tg_optimizer_load_state_dict(): state.%lld.%s does not have its parameter's shape",
                             (long long)id, kind->state_names[s]);
        out->state[s] = tg__cast(t, param->dtype);
        if (!out->state[s]) return -1;
        out->has_state = true;
    }
    return check_complete(kind, opts, id, step != NULL, out);
}

static int load_group(const tg_dict *d, const optim_kind *kind, const optim_group *g, int gi, optim_group *out,
                      loaded *params)
{
    *out = *g;
    for (int h = 0; h < kind->n_hypers; h++) {
        const optim_hyper *hyper = &kind->hypers[h];
        tg_tensor *t = find(d, "param_groups.%d.%s", gi, hyper->name);
        if (!t) return tg__faili(TG_E_INVALID, "tg_optimizer_load_state_dict(): param_groups.%d.%s is missing", gi, hyper->name);
        char *field = (char *)&out->opts + hyper->offset;
        if (hyper->is_bool) *(bool *)field = tg_item(t) != 0;
        else *(double *)field = tg_item(t);
    }
    tg_tensor *initial_lr = find(d, "param_groups.%d.initial_lr", gi);
    out->has_initial_lr = initial_lr != NULL;
    out->initial_lr = initial_lr ? tg_item(initial_lr) : 0;
    double *ids = tg__malloc((size_t)g->n * sizeof *ids + 1);
    int rc = ids && tg_copy_to_f64(find(d, "param_groups.%d.params", gi), ids) == 0 ? 0 : -1;
    for (int i = 0; i < g->n && rc == 0; i++) rc = load_param(d, kind, &out->opts, g->params[i].param, (int64_t)ids[i], &params[i]);
    free(ids);
    return rc;
}

/* PyTorch's checks: as many groups, each of as many parameters. */
static int check_sizes(const tg_optimizer *opt, const tg_dict *d)
{
    const char *name = tg_dict_metadata(d, "optimizer");
    if (name && strcmp(name, opt->kind->name) != 0)
        return tg__faili(TG_E_INVALID, "tg_optimizer_load_state_dict(): the state is a %s's, the optimizer is %s", name,
                         opt->kind->name);
    int groups = 0;
    while (find(d, "param_groups.%d.params", groups)) groups++;
    if (groups != opt->n_groups)
        return tg__faili(TG_E_INVALID, "loaded state dict has a different number of parameter groups");
    for (int g = 0; g < groups; g++) {
        tg_tensor *ids = find(d, "param_groups.%d.params", g);
        if (tg_ndim(ids) != 1 || tg_numel(ids) != opt->groups[g].n)
            return tg__faili(TG_E_INVALID,
                             "loaded state dict contains a parameter group that doesn't match the size of optimizer's group");
    }
    return 0;
}

static void commit_param(optim_param *p, const loaded *l)
{
    for (int s = 0; s < OPTIM_MAX_STATE; s++) {
        if (l->state[s]) tg_retain(l->state[s]);
        if (p->state[s]) tg_release(p->state[s]);
        p->state[s] = l->state[s];
    }
    p->step = l->step;
    p->has_state = l->has_state;
}

static int load_all(tg_optimizer *opt, const tg_dict *d, optim_group *groups, loaded *params)
{
    if (check_sizes(opt, d) != 0) return -1;
    loaded *at = params;
    for (int g = 0; g < opt->n_groups; at += opt->groups[g].n, g++)
        if (load_group(d, opt->kind, &opt->groups[g], g, &groups[g], at) != 0) return -1;
    at = params;
    for (int g = 0; g < opt->n_groups; g++) {
        opt->groups[g] = groups[g];
        for (int i = 0; i < opt->groups[g].n; i++) commit_param(&opt->groups[g].params[i], at++);
    }
    return 0;
}

int tg_optimizer_load_state_dict(tg_optimizer *opt, const tg_dict *d)
{
    if (!opt || !d) return tg__faili(TG_E_NULL, "tg_optimizer_load_state_dict(): the optimizer or the dict is NULL");
    int64_t n = 0;
    for (int g = 0; g < opt->n_groups; g++) n += opt->groups[g].n;
    optim_group *groups = tg__calloc((size_t)opt->n_groups + 1, sizeof *groups);
    loaded *params = tg__calloc((size_t)n + 1, sizeof *params);
    int rc = groups && params && tg_scope_begin() >= 0 ? 0 : -1;
    if (rc == 0) {
        rc = load_all(opt, d, groups, params);
        tg_scope_end();
    }
    free(groups);
    free(params);
    return rc;
}
