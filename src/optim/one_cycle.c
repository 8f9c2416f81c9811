/* OneCycleLR: two or three phases of annealing the lr (and the momentum)
   between the group's initial_lr, max_lr and min_lr, as PyTorch 1.13. */
#include "optim.h"

#include <math.h>
#include <stdlib.h>

/* One phase: where it ends, and which of initial, max and min lr (and of
   max and base momentum) it goes between. */
typedef enum { INITIAL_LR, MAX_LR, MIN_LR } lr_name;
typedef enum { MAX_MOMENTUM, BASE_MOMENTUM } momentum_name;
typedef struct phase {
    double end_step;
    lr_name start_lr, end_lr;
    momentum_name start_momentum, end_momentum;
} phase;

static int phases_of(const tg_one_cycle_opts *o, phase *p)
{
    double total = (double)o->total_steps;
    p[0] = (phase){o->pct_start * total - 1, INITIAL_LR, MAX_LR, MAX_MOMENTUM, BASE_MOMENTUM};
    if (!o->three_phase) {
        p[1] = (phase){total - 1, MAX_LR, MIN_LR, BASE_MOMENTUM, MAX_MOMENTUM};
        return 2;
    }
    p[1] = (phase){2 * o->pct_start * total - 2, MAX_LR, INITIAL_LR, BASE_MOMENTUM, MAX_MOMENTUM};
    p[2] = (phase){total - 1, INITIAL_LR, MIN_LR, MAX_MOMENTUM, MAX_MOMENTUM};
    return 3;
}

static double anneal(bool linear, double start, double end, double pct)
{
    if (linear) return (end - start) * pct + start;
    double cos_out = cos(M_PI * pct) + 1;
    return end + (start - end) / 2.0 * cos_out;
}

static double lr_value(const tg_scheduler *s, int g, lr_name which)
{
    const sched_one_cycle *k = &s->u.one_cycle;
    return which == INITIAL_LR ? s->opt->groups[g].initial_lr : which == MAX_LR ? k->max_lrs[g] : k->min_lrs[g];
}

static int get_lr(tg_scheduler *s, double *lrs)
{
    const tg_one_cycle_opts *o = &s->u.one_cycle.o;
    int64_t step_num = s->last_epoch;
    if (step_num > o->total_steps)
        return tg__faili(TG_E_INVALID, "Tried to step %lld times. The specified number of total steps is %lld",
                         (long long)step_num + 1, (long long)o->total_steps);
    phase phases[3];
    int n = phases_of(o, phases);
    for (int g = 0; g < s->n; g++) {
        double start_step = 0;
        for (int i = 0; i < n; i++) {
            const phase *p = &phases[i];
            if ((double)step_num <= p->end_step || i == n - 1) {
                double pct = ((double)step_num - start_step) / (p->end_step - start_step);
                lrs[g] = anneal(o->anneal_linear, lr_value(s, g, p->start_lr), lr_value(s, g, p->end_lr), pct);
                if (o->cycle_momentum) {
                    double start = p->start_momentum == MAX_MOMENTUM ? o->max_momentum : o->base_momentum;
                    double end = p->end_momentum == MAX_MOMENTUM ? o->max_momentum : o->base_momentum;
                    *tg__optimizer_momentum(s->opt, g) = anneal(o->anneal_linear, start, end, pct);
                }
                break;
            }
            start_step = p->end_step;
        }
    }
    return 0;
}

static void release(tg_scheduler *s) { free(s->u.one_cycle.max_lrs); }

static const sched_kind ONE_CYCLE_LR = {.name = "OneCycleLR", .get_lr = get_lr, .release = release};

tg_one_cycle_opts tg_one_cycle_defaults(double max_lr, int64_t total_steps)
{
    return (tg_one_cycle_opts){.max_lr = max_lr, .total_steps = total_steps, .pct_start = 0.3, .cycle_momentum = true,
                               .base_momentum = 0.85, .max_momentum = 0.95, .div_factor = 25.,
                               .final_div_factor = 1e4};
}

static int check(const tg_optimizer *opt, const tg_one_cycle_opts *o)
{
    char buf[32];
    if (o->total_steps <= 0)
        return tg__faili(TG_E_INVALID, "Expected positive integer total_steps, but got %lld", (long long)o->total_steps);
    if (o->pct_start < 0 || o->pct_start > 1 || isnan(o->pct_start))
        return tg__faili(TG_E_INVALID, "Expected float between 0 and 1 pct_start, but got %s",
                         tg__py_float(o->pct_start, buf, sizeof buf));
    if (o->cycle_momentum && !opt->kind->momentum_name)
        return tg__faili(TG_E_INVALID, "optimizer must support momentum with `cycle_momentum` option enabled");
    return 0;
}

tg_scheduler *tg_one_cycle_lr(tg_optimizer *opt, tg_one_cycle_opts opts)
{
    if (!opt) return tg__fail(TG_E_NULL, "%s(): the optimizer is NULL", __func__);
    if (check(opt, &opts) != 0) return NULL;
    double *lrs = tg__calloc(2 * (size_t)opt->n_groups + 1, sizeof *lrs);
    tg_scheduler *s = lrs ? tg__scheduler_new(__func__, &ONE_CYCLE_LR, opt) : NULL;
    if (!s) {
        free(lrs);
        return NULL;
    }
    s->u.one_cycle = (sched_one_cycle){opts, lrs, lrs + opt->n_groups};
    /* PyTorch's constructor sets initial_lr whether set or not. */
    for (int g = 0; g < opt->n_groups; g++) {
        optim_group *group = &opt->groups[g];
        group->initial_lr = opts.max_lr / opts.div_factor, group->has_initial_lr = true;
        lrs[g] = opts.max_lr;
        lrs[opt->n_groups + g] = group->initial_lr / opts.final_div_factor;
        if (opts.cycle_momentum) *tg__optimizer_momentum(opt, g) = opts.max_momentum;
    }
    return tg__scheduler_start(s);
}
