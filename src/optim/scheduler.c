/* What the learning-rate schedulers share (PyTorch's _LRScheduler): base
   learning rates, last_epoch, the step that writes the groups' lr, and the
   public readers. The schedulers themselves are in schedulers.c,
   one_cycle.c, plateau.c and sequential.c. */
#include "optim.h"

#include <math.h>
#include <stdlib.h>

double tg__group_lr(const tg_scheduler *s, int g) { return s->opt->groups[g].opts.sgd.lr; }

static void set_group_lr(tg_scheduler *s, int g, double lr) { s->opt->groups[g].opts.sgd.lr = lr; }

tg_scheduler *tg__scheduler_new(const char *fn, const sched_kind *kind, tg_optimizer *opt)
{
    if (!opt) return tg__fail(TG_E_NULL, "%s(): the optimizer is NULL", fn);
    tg_scheduler *s = tg__calloc(1, sizeof *s);
    double *lrs = tg__calloc(3 * (size_t)opt->n_groups + 1, sizeof *lrs);
    if (!s || !lrs) {
        free(s);
        free(lrs);
        return NULL;
    }
    *s = (tg_scheduler){kind, opt, opt->n_groups, lrs, lrs + opt->n_groups, lrs + 2 * opt->n_groups, -1, 0, {{0}}};
    for (int g = 0; g < s->n; g++) s->last_lr[g] = tg__group_lr(s, g);
    return s;
}

int tg__scheduler_step_at(tg_scheduler *s, bool closed, int64_t epoch)
{
    int64_t last_epoch = s->last_epoch;
    s->step_count++;
    s->last_epoch = closed ? epoch : s->last_epoch + 1;
    if (closed && s->kind->closed_form) {
        s->kind->closed_form(s, s->next_lr);
    } else if (s->kind->get_lr(s, s->next_lr) != 0) {
        s->step_count--;
        s->last_epoch = last_epoch;
        return -1;
    }
    for (int g = 0; g < s->n; g++) {
        set_group_lr(s, g, s->next_lr[g]);
        s->last_lr[g] = s->next_lr[g];
    }
    return 0;
}

tg_scheduler *tg__scheduler_start(tg_scheduler *s)
{
    if (!s) return NULL;
    for (int g = 0; g < s->n; g++) {
        optim_group *group = &s->opt->groups[g];
        if (!group->has_initial_lr) group->initial_lr = group->opts.sgd.lr, group->has_initial_lr = true;
        s->base_lrs[g] = group->initial_lr;
    }
    s->step_count = 0;
    if (tg__scheduler_step_at(s, false, 0) != 0) {
        tg_scheduler_free(s);
        return NULL;
    }
    return s;
}

int tg_scheduler_step(tg_scheduler *s)
{
    if (!s) return tg__faili(TG_E_NULL, "tg_scheduler_step(): the scheduler is NULL");
    if (s->kind->step) return s->kind->step(s);
    if (!s->kind->get_lr)
        return tg__faili(TG_E_INVALID, "tg_scheduler_step(): ReduceLROnPlateau steps with tg_scheduler_step_metric()");
    return tg__scheduler_step_at(s, false, 0);
}

double tg_scheduler_last_lr(const tg_scheduler *s, int group)
{
    if (!s) return tg__faili(TG_E_NULL, "tg_scheduler_last_lr(): the scheduler is NULL"), NAN;
    if (group < 0 || group >= s->n)
        return tg__faili(TG_E_INDEX, "tg_scheduler_last_lr(): group %d out of range (the scheduler has %d)", group,
                         s->n), NAN;
    return s->last_lr[group];
}

int64_t tg_scheduler_last_epoch(const tg_scheduler *s)
{
    if (!s) return tg__faili(TG_E_NULL, "tg_scheduler_last_epoch(): the scheduler is NULL");
    return s->last_epoch;
}

void tg_scheduler_free(tg_scheduler *s)
{
    if (!s) return;
    if (s->kind->release) s->kind->release(s);
    free(s->base_lrs);
    free(s);
}
