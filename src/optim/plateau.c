/* ReduceLROnPlateau: the lr times factor after patience epochs without
   improvement of a metric, as PyTorch 1.13. */
#include "optim.h"

#include <math.h>

static bool is_better(const tg_plateau_opts *o, double a, double best)
{
    if (!o->mode_max && !o->threshold_abs) return a < best * (1. - o->threshold);
    if (!o->mode_max) return a < best - o->threshold;
    if (!o->threshold_abs) return a > best * (o->threshold + 1.);
    return a > best + o->threshold;
}

static void reduce_lr(tg_scheduler *s)
{
    const tg_plateau_opts *o = &s->u.plateau.o;
    for (int g = 0; g < s->n; g++) {
        double old_lr = tg__group_lr(s, g);
        double new_lr = fmax(old_lr * o->factor, o->min_lr);
        if (old_lr - new_lr > o->eps) s->opt->groups[g].opts.sgd.lr = new_lr;
    }
}

int tg_scheduler_step_metric(tg_scheduler *s, double metric)
{
    if (!s) return tg__faili(TG_E_NULL, "tg_scheduler_step_metric(): the scheduler is NULL");
    if (s->kind->get_lr || s->kind->step)
        return tg__faili(TG_E_INVALID, "tg_scheduler_step_metric(): only ReduceLROnPlateau steps with a metric");
    sched_plateau *k = &s->u.plateau;
    s->last_epoch++;
    if (is_better(&k->o, metric, k->best)) {
        k->best = metric;
        k->num_bad_epochs = 0;
    } else {
        k->num_bad_epochs++;
    }
    if (k->cooldown_counter > 0) {
        k->cooldown_counter--;
        k->num_bad_epochs = 0;
    }
    if (k->num_bad_epochs > k->o.patience) {
        reduce_lr(s);
        k->cooldown_counter = k->o.cooldown;
        k->num_bad_epochs = 0;
    }
    for (int g = 0; g < s->n; g++) s->last_lr[g] = tg__group_lr(s, g);
    return 0;
}

static const sched_kind PLATEAU = {.name = "ReduceLROnPlateau"};

tg_plateau_opts tg_plateau_defaults(void)
{
    return (tg_plateau_opts){.factor = 0.1, .patience = 10, .threshold = 1e-4, .eps = 1e-8};
}

/* Not an _LRScheduler in PyTorch: it sets no initial_lr and takes no
   initial step. */
tg_scheduler *tg_reduce_lr_on_plateau(tg_optimizer *opt, tg_plateau_opts opts)
{
    if (opts.factor >= 1.0) return tg__fail(TG_E_INVALID, "Factor should be < 1.0.");
    if (!opt) return tg__fail(TG_E_NULL, "%s(): the optimizer is NULL", __func__);
    tg_scheduler *s = tg__scheduler_new(__func__, &PLATEAU, opt);
    if (!s) return NULL;
    s->last_epoch = 0;
    s->u.plateau = (sched_plateau){opts, opts.mode_max ? -INFINITY : INFINITY, 0, 0};
    return s;
}
