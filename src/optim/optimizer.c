/* What every optimizer shares (PyTorch's Optimizer base class): parameter
   groups, the state of each parameter, the all-or-nothing step, zero_grad
   and free. */
#include "optim.h"

#include <math.h>
#include <stdlib.h>

static void release_param(optim_param *p)
{
    tg_release(p->param);
    for (int i = 0; i < OPTIM_MAX_STATE; i++)
        if (p->state[i]) tg_release(p->state[i]);
}

static bool in_optimizer(const tg_optimizer *opt, const tg_tensor *t)
{
    for (int g = 0; g < opt->n_groups; g++)
        for (int i = 0; i < opt->groups[g].n; i++)
            if (opt->groups[g].params[i].param == t) return true;
    return false;
}

/* PyTorch's add_param_group checks, in its order, then this library's
   own: each parameter once in its group, and of a dtype it steps. */
static int check_params(const char *fn, const tg_optimizer *opt, tg_tensor *const *params, int n)
{
    if (n < 0 || (n > 0 && !params)) return tg__faili(TG_E_INVALID, "%s(): params is NULL or n is negative", fn);
    for (int i = 0; i < n; i++) {
        if (tg__bad_arg(fn, params[i])) return -1;
        if (!tg_is_leaf(params[i])) return tg__faili(TG_E_INVALID, "can't optimize a non-leaf Tensor");
    }
    for (int i = 0; i < n; i++)
        if (in_optimizer(opt, params[i]))
            return tg__faili(TG_E_INVALID, "some parameters appear in more than one parameter group");
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < i; j++)
            if (params[j] == params[i])
                return tg__faili(TG_E_INVALID, "%s(): parameter %d appears twice in its group", fn, i);
        tg_dtype dt = tg_dtype_of(params[i]);
        if (dt != TG_F32 && dt != TG_F64 && dt != TG_F16 && dt != TG_BF16)
            return tg__faili(TG_E_DTYPE, "%s(): parameters must be float32, float64, float16 or bfloat16, got %s",
                             fn, tg_dtype_name(dt));
    }
    return 0;
}

bool tg__optim_holds(const optim_kind *kind, const optim_opts *o, int s)
{
    return kind->state_names[s] && (!kind->holds || kind->holds(o, s));
}

/* A new buffer s for param: the kind's, or zeros. */
static tg_tensor *new_buffer(const optim_kind *kind, const optim_opts *o, const tg_tensor *param, int s)
{
    return kind->init ? kind->init(o, param, s) : tg_zeros(tg_shape(param), tg_ndim(param), tg_dtype_of(param));
}

/* The eager state of a new group's parameters (Adagrad's), made before the
   group is added so that a failure changes nothing. */
static int init_state(const optim_kind *kind, optim_group *g)
{
    if (!kind->eager_state) return 0;
    for (int i = 0; i < g->n; i++) {
        for (int s = 0; s < OPTIM_MAX_STATE; s++) {
            if (!tg__optim_holds(kind, &g->opts, s)) continue;
            tg_tensor *t = new_buffer(kind, &g->opts, g->params[i].param, s);
            if (!t) return -1;
            g->params[i].state[s] = tg_retain(t);
        }
        g->params[i].has_state = true;
    }
    return 0;
}

static int add_group(const char *fn, tg_optimizer *opt, tg_tensor *const *params, int n, const optim_opts *o)
{
    if (opt->kind->check(fn, o) != 0 || check_params(fn, opt, params, n) != 0) return -1;
    optim_group *groups = tg__realloc(opt->groups, (size_t)(opt->n_groups + 1) * sizeof *groups);
    if (!groups) return -1;
    opt->groups = groups;
    optim_group g = {.opts = *o, .params = tg__calloc((size_t)n + 1, sizeof(optim_param)), .n = n};
    if (!g.params) return -1;
    for (int i = 0; i < n; i++) g.params[i].param = params[i];
    if (tg_scope_begin() < 0) goto fail;
    int rc = init_state(opt->kind, &g);
    tg_scope_end();
    if (rc != 0) goto fail;
    for (int i = 0; i < n; i++) tg_retain(params[i]);
    opt->groups[opt->n_groups++] = g;
    return 0;
fail:
    for (int i = 0; i < n; i++)
        for (int s = 0; s < OPTIM_MAX_STATE; s++)
            if (g.params[i].state[s]) tg_release(g.params[i].state[s]);
    free(g.params);
    return -1;
}

tg_optimizer *tg__optimizer_new(const char *fn, const optim_kind *kind, tg_tensor *const *params, int n,
                                const optim_opts *o)
{
    if (kind->check(fn, o) != 0) return NULL;
    if (n == 0) return tg__fail(TG_E_INVALID, "optimizer got an empty parameter list");
    tg_optimizer *opt = tg__calloc(1, sizeof *opt);
    if (!opt) return NULL;
    opt->kind = kind;
    if (add_group(fn, opt, params, n, o) != 0) {
        tg_optimizer_free(opt);
        return NULL;
    }
    return opt;
}

int tg__optimizer_add_group(const char *fn, tg_optimizer *opt, const optim_kind *const *kinds,
                            tg_tensor *const *params, int n, const optim_opts *o)
{
    if (!opt) return tg__faili(TG_E_NULL, "%s(): the optimizer is NULL", fn);
    bool fits = false;
    for (int k = 0; kinds[k]; k++) fits |= kinds[k] == opt->kind;
    if (!fits) return tg__faili(TG_E_INVALID, "%s(): the optimizer is %s", fn, opt->kind->name);
    return add_group(fn, opt, params, n, o);
}

/* ------------------------------------------------------------- the step */

/* The buffers a parameter's step needs that it does not have yet, made
   before any parameter is written (they belong to the step's scope). */
typedef struct pending {
    optim_param *slot;
    const optim_group *group;
    tg_tensor *made[OPTIM_MAX_STATE];
    bool fresh;   /* some buffer is new: this is its first step */
} pending;

static int prepare(const optim_kind *kind, const optim_group *g, optim_param *slot, pending *out)
{
    out->slot = slot;
    out->group = g;
    for (int s = 0; s < OPTIM_MAX_STATE; s++) {
        if (slot->state[s] || !tg__optim_holds(kind, &g->opts, s)) continue;
        out->made[s] = new_buffer(kind, &g->opts, slot->param, s);
        if (!out->made[s]) return -1;
        out->fresh = true;
    }
    return 0;
}

/* Gives the parameter its new buffers and steps it; nothing here can fail. */
static void commit(const optim_kind *kind, const pending *p)
{
    optim_param *slot = p->slot;
    const optim_opts *o = &p->group->opts;
    tg_tensor *state[OPTIM_MAX_STATE];
    for (int s = 0; s < OPTIM_MAX_STATE; s++) {
        if (p->made[s]) slot->state[s] = tg_retain(p->made[s]);
        state[s] = tg__optim_holds(kind, o, s) ? slot->state[s] : NULL;
    }
    kind->update(o, slot->step + 1, p->fresh, slot->param, tg__grad_of(slot->param), state);
    slot->step++;
    slot->has_state = true;
}

static int64_t count_with_grad(const tg_optimizer *opt)
{
    int64_t n = 0;
    for (int g = 0; g < opt->n_groups; g++)
        for (int i = 0; i < opt->groups[g].n; i++) n += tg__grad_of(opt->groups[g].params[i].param) != NULL;
    return n;
}

static int prepare_all(const tg_optimizer *opt, pending *todo)
{
    int64_t k = 0;
    for (int g = 0; g < opt->n_groups; g++)
        for (int i = 0; i < opt->groups[g].n; i++) {
            optim_param *slot = &opt->groups[g].params[i];
            if (tg__grad_of(slot->param) && prepare(opt->kind, &opt->groups[g], slot, &todo[k++]) != 0) return -1;
        }
    return 0;
}

/* All or nothing: every new buffer is made first, then each parameter is
   stepped in place. */
int tg_optimizer_step(tg_optimizer *opt)
{
    if (!opt) return tg__faili(TG_E_NULL, "tg_optimizer_step(): the optimizer is NULL");
    int64_t n = count_with_grad(opt);
    pending *todo = tg__calloc((size_t)n + 1, sizeof *todo);
    if (!todo) return -1;
    if (tg_scope_begin() < 0) {
        free(todo);
        return -1;
    }
    int rc = prepare_all(opt, todo);
    if (rc == 0)
        for (int64_t k = 0; k < n; k++) commit(opt->kind, &todo[k]);
    tg_scope_end();
    free(todo);
    return rc;
}

/* ------------------------------------------------- groups, grads, free */

static void zero_grads(tg_optimizer *opt, bool set_to_none)
{
    if (!opt) return;
    for (int g = 0; g < opt->n_groups; g++)
        for (int i = 0; i < opt->groups[g].n; i++) {
            tg_tensor *p = opt->groups[g].params[i].param;
            if (!tg__grad_of(p)) continue;
            if (set_to_none) tg_zero_grad(p);
            else TG_NO_GRAD { tg_zero_(tg__grad_of(p)); }
        }
}

void tg_optimizer_zero_grad(tg_optimizer *opt) { zero_grads(opt, false); }

void tg_optimizer_zero_grad_to_none(tg_optimizer *opt) { zero_grads(opt, true); }

void tg_optimizer_free(tg_optimizer *opt)
{
    if (!opt) return;
    for (int g = 0; g < opt->n_groups; g++) {
        for (int i = 0; i < opt->groups[g].n; i++) release_param(&opt->groups[g].params[i]);
        free(opt->groups[g].params);
    }
    free(opt->groups);
    free(opt);
}

int tg_optimizer_num_groups(const tg_optimizer *opt)
{
    if (!opt) return tg__faili(TG_E_NULL, "tg_optimizer_num_groups(): the optimizer is NULL");
    return opt->n_groups;
}

/* Group g of opt, or NULL with an error naming fn. */
static optim_group *group_of(const char *fn, const tg_optimizer *opt, int g)
{
    if (!opt) return tg__fail(TG_E_NULL, "%s(): the optimizer is NULL", fn);
    if (g < 0 || g >= opt->n_groups)
        return tg__fail(TG_E_INDEX, "%s(): group %d out of range (the optimizer has %d)", fn, g, opt->n_groups);
    return &opt->groups[g];
}

/* Every options struct starts with lr: the union's members share it as
   their common initial sequence. */
double tg_optimizer_get_lr(const tg_optimizer *opt, int group)
{
    const optim_group *g = group_of(__func__, opt, group);
    return g ? g->opts.sgd.lr : NAN;
}

int tg_optimizer_set_lr(tg_optimizer *opt, int group, double lr)
{
    optim_group *g = group_of(__func__, opt, group);
    if (!g) return -1;
    g->opts.sgd.lr = lr;
    return 0;
}

double tg_optimizer_get_momentum(const tg_optimizer *opt, int group)
{
    const optim_group *g = group_of(__func__, opt, group);
    if (!g) return NAN;
    if (!opt->kind->momentum_name) return tg__faili(TG_E_INVALID, "%s(): %s has no momentum", __func__, opt->kind->name), NAN;
    return *(const double *)((const char *)&g->opts + opt->kind->momentum_offset);
}

double *tg__optimizer_momentum(tg_optimizer *opt, int g)
{
    if (!opt->kind->momentum_name) return NULL;
    return (double *)((char *)&opt->groups[g].opts + opt->kind->momentum_offset);
}
