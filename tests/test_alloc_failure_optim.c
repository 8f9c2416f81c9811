/* Optimizers, schedulers and clipping with their N-th allocation failing,
   for every N (tests/alloc_sweep.h): each fails with TG_E_OOM and leaks
   nothing, and a failed optimizer step, state load or clipping leaves
   every parameter, gradient and state tensor as it was. */
#include "alloc_sweep.h"
#include "optim/optim.h"

#include <stdlib.h>
#include <string.h>

enum { N_PARAMS = 3, MAX_VALUES = 64 };

/* w (4, 5), b (5), and c (2), which never gets a gradient. */
static void make_params(tg_tensor **ps)
{
    ps[0] = tg_retain(tg_requires_grad_(tg_div_scalar(tg_reshape(tg_arange(-10, 10, 1, TG_F32), TG_SHAPE(4, 5)), 7), true));
    ps[1] = tg_retain(tg_requires_grad_(tg_linspace(-1, 1, 5, TG_F32), true));
    ps[2] = tg_retain(tg_requires_grad_(tg_ones(TG_SHAPE(2), TG_F32), true));
}

static void release_params(tg_tensor **ps)
{
    for (int i = 0; i < N_PARAMS; i++) tg_release(ps[i]);
}

static void backward(tg_tensor **ps)
{
    tg_scope_begin();
    tg_tensor *wb = tg_matmul(ps[0], ps[1]);
    CHECK(tg_backward(tg_add(tg_sum(tg_mul(wb, wb)), tg_sum(tg_sin(ps[1]))), NULL) == 0);
    tg_scope_end();
}

/* What a failed step must leave as it was: the parameters' and the
   gradients' values, and each parameter's state (its tensors, which a step
   replaces rather than writes, and its step count). */
typedef struct snapshot {
    double values[2 * N_PARAMS][MAX_VALUES];
    tg_tensor *state[N_PARAMS][OPTIM_MAX_STATE];
    int64_t steps[N_PARAMS];
} snapshot;

static optim_param *slot(tg_optimizer *opt, int i)
{
    for (int g = 0; g < opt->n_groups; i -= opt->groups[g].n, g++)
        if (i < opt->groups[g].n) return &opt->groups[g].params[i];
    return NULL;
}

static void take(snapshot *s, tg_tensor **ps, tg_optimizer *opt)
{
    memset(s, 0, sizeof *s);
    for (int i = 0; i < N_PARAMS; i++) {
        tg_copy_to_f64(ps[i], s->values[i]);
        if (tg_grad(ps[i])) tg_copy_to_f64(tg_grad(ps[i]), s->values[N_PARAMS + i]);
        if (!opt) continue;
        memcpy(s->state[i], slot(opt, i)->state, sizeof s->state[i]);
        s->steps[i] = slot(opt, i)->step;
    }
}

static bool same(tg_tensor **ps, tg_optimizer *opt, const snapshot *before)
{
    snapshot now;
    take(&now, ps, opt);
    return memcmp(&now, before, sizeof now) == 0;
}

typedef struct run {
    tg_optimizer *opt;
    tg_tensor **ps;
    snapshot before;
    tg_dict *state;
} run;

/* After a failed run nothing changed; a run that succeeded (its failure
   absorbed, or none reached) is the state the next run starts from. */
static void check_or_retake(run *r, int rc, tg_optimizer *opt)
{
    if (rc != 0) CHECK(same(r->ps, opt, &r->before));
    else take(&r->before, r->ps, opt);
}

static int step(void *ctx)
{
    run *r = ctx;
    int rc = tg_optimizer_step(r->opt);
    check_or_retake(r, rc, r->opt);
    return rc;
}

static int load(void *ctx)
{
    run *r = ctx;
    int rc = tg_optimizer_load_state_dict(r->opt, r->state);
    check_or_retake(r, rc, r->opt);
    return rc;
}

static int clip_norm(void *ctx)
{
    run *r = ctx;
    double total;
    int rc = tg_clip_grad_norm_(r->ps, N_PARAMS, 0.5, 3.0, &total);
    check_or_retake(r, rc, NULL);
    return rc;
}

static int clip_value(void *ctx)
{
    run *r = ctx;
    int rc = tg_clip_grad_value_(r->ps, N_PARAMS, 0.1);
    check_or_retake(r, rc, NULL);
    return rc;
}

typedef tg_optimizer *(*make_fn)(tg_tensor *const *ps);

static tg_optimizer *sgd(tg_tensor *const *ps)
{
    tg_optimizer *opt = tg_sgd(ps, 2, (tg_sgd_opts){.lr = 0.01, .momentum = 0.9, .weight_decay = 0.1});
    if (opt && tg_sgd_add_param_group(opt, &ps[2], 1, (tg_sgd_opts){.lr = 0.1, .momentum = 0.5, .nesterov = true}) != 0) {
        tg_optimizer_free(opt);
        return NULL;
    }
    return opt;
}
static tg_optimizer *adam(tg_tensor *const *ps)
{
    tg_adam_opts o = tg_adam_defaults();
    o.amsgrad = true, o.weight_decay = 0.1, o.maximize = true;
    return tg_adam(ps, N_PARAMS, o);
}
static tg_optimizer *adamw(tg_tensor *const *ps) { return tg_adamw(ps, N_PARAMS, tg_adamw_defaults()); }
static tg_optimizer *rmsprop(tg_tensor *const *ps)
{
    tg_rmsprop_opts o = tg_rmsprop_defaults();
    o.momentum = 0.9, o.centered = true, o.weight_decay = 0.1;
    return tg_rmsprop(ps, N_PARAMS, o);
}
static tg_optimizer *adagrad(tg_tensor *const *ps)
{
    tg_adagrad_opts o = tg_adagrad_defaults();
    o.lr_decay = 0.01, o.weight_decay = 0.1;
    tg_optimizer *opt = tg_adagrad(ps, 2, o);
    if (opt && tg_adagrad_add_param_group(opt, &ps[2], 1, o) != 0) {
        tg_optimizer_free(opt);
        return NULL;
    }
    return opt;
}
static const make_fn MAKERS[] = {sgd, adam, adamw, rmsprop, adagrad};

/* Making one (with its groups and eager state) and freeing it. */
static int construct(void *ctx)
{
    run *r = ctx;
    tg_optimizer *opt = (*(const make_fn *)r->state)(r->ps);
    tg_optimizer_free(opt);
    return opt ? 0 : -1;
}

static void sweep_optimizer(make_fn make)
{
    tg_tensor *ps[N_PARAMS];
    make_params(ps);
    run r = {.ps = ps, .state = (tg_dict *)&make};
    alloc_sweep("optimizer construction", construct, &r);
    r.opt = make(ps);
    backward(ps);
    for (int k = 0; k < 2; k++) {   /* the step that makes the state, and one that reads it */
        take(&r.before, ps, r.opt);
        CHECK(alloc_sweep("tg_optimizer_step", step, &r) > 0);
    }
    tg_dict *saved = tg_optimizer_state_dict(r.opt);
    CHECK(tg_optimizer_step(r.opt) == 0);
    r.state = saved;
    take(&r.before, ps, r.opt);
    CHECK(alloc_sweep("tg_optimizer_load_state_dict", load, &r) > 0);
    tg_dict_free(saved);
    tg_optimizer_free(r.opt);
    release_params(ps);
}

static int state_dict(void *ctx)
{
    tg_dict *d = tg_optimizer_state_dict(((run *)ctx)->opt);
    tg_dict_free(d);
    return d ? 0 : -1;
}

static void sweep_clipping(void)
{
    tg_tensor *ps[N_PARAMS];
    make_params(ps);
    backward(ps);
    run r = {.ps = ps};
    take(&r.before, ps, NULL);
    CHECK(alloc_sweep("tg_clip_grad_norm_", clip_norm, &r) > 0);
    take(&r.before, ps, NULL);
    alloc_sweep("tg_clip_grad_value_", clip_value, &r);
    r.opt = adam(ps);
    alloc_sweep("tg_optimizer_state_dict", state_dict, &r);
    tg_optimizer_free(r.opt);
    release_params(ps);
}

/* The loss scaler: unscale_ computes every gradient before writing any. */
typedef struct scaler_run {
    run r;
    tg_grad_scaler *scaler;
} scaler_run;

static int unscale(void *ctx)
{
    scaler_run *s = ctx;
    int rc = tg_grad_scaler_unscale_(s->scaler, s->r.opt);
    check_or_retake(&s->r, rc, NULL);
    tg_grad_scaler_update(s->scaler);   /* so that the next run may unscale again */
    return rc;
}

static int scaler_new_and_scale(void *ctx)
{
    tg_grad_scaler *scaler = tg_grad_scaler_new(4, 2, 0.5, 2);
    tg_tensor *scaled = scaler ? tg_grad_scaler_scale(scaler, ctx) : NULL;
    tg_grad_scaler_free(scaler);
    return scaled ? 0 : -1;
}

static void sweep_scaler(void)
{
    tg_tensor *ps[N_PARAMS];
    make_params(ps);
    backward(ps);
    scaler_run s = {.r = {.ps = ps, .opt = sgd(ps)}, .scaler = tg_grad_scaler_new(4, 2, 0.5, 2)};
    take(&s.r.before, ps, NULL);
    CHECK(alloc_sweep("tg_grad_scaler_unscale_", unscale, &s) > 0);
    alloc_sweep("tg_grad_scaler_new and scale", scaler_new_and_scale, ps[1]);
    tg_grad_scaler_free(s.scaler);
    tg_optimizer_free(s.r.opt);
    release_params(ps);
}

static double constant(int64_t epoch, void *user_data) { return (void)epoch, *(const double *)user_data; }

/* Every scheduler made, stepped and freed. */
static int schedulers(void *ctx)
{
    tg_optimizer *opt = ctx;
    static const double half = 0.5;
    tg_scheduler *made[8] = {
        tg_step_lr(opt, 2, 0.5),
        tg_multistep_lr(opt, (const int64_t[]){1, 3}, 2, 0.5),
        tg_exponential_lr(opt, 0.9),
        tg_cosine_annealing_lr(opt, 5, 0),
        tg_one_cycle_lr(opt, tg_one_cycle_defaults(0.1, 10)),
        tg_reduce_lr_on_plateau(opt, tg_plateau_defaults()),
    };
    tg_scheduler *chain[] = {tg_linear_lr(opt, 0.5, 1, 3), tg_lambda_lr(opt, constant, (void *)&half)};
    made[6] = chain[0] && chain[1] ? tg_sequential_lr(opt, chain, 2, (const int64_t[]){2}, 1) : NULL;
    if (!made[6]) {
        tg_scheduler_free(chain[0]);
        tg_scheduler_free(chain[1]);
    }
    int rc = 0;
    for (int i = 0; i < 7; i++) {
        if (!made[i]) rc = -1;
        else if (i == 5) rc |= tg_scheduler_step_metric(made[i], 1.0);
        else for (int k = 0; k < 4; k++) rc |= tg_scheduler_step(made[i]);
        tg_scheduler_free(made[i]);
    }
    return rc;
}

int main(void)
{
    for (size_t k = 0; k < sizeof MAKERS / sizeof MAKERS[0]; k++) sweep_optimizer(MAKERS[k]);
    sweep_clipping();
    sweep_scaler();
    tg_tensor *ps[N_PARAMS];
    make_params(ps);
    tg_optimizer *opt = sgd(ps);
    alloc_sweep("schedulers", schedulers, opt);
    tg_optimizer_free(opt);
    release_params(ps);
    return TEST_MAIN_END();
}
