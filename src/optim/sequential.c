/* SequentialLR: one scheduler after another, switching at milestones (the
   warm-up of a schedule by chaining), as PyTorch 1.13. */
#include "optim.h"

#include <stdlib.h>
#include <string.h>

/* Python's bisect_right: how many milestones are at most epoch. */
static int bisect_right(const int64_t *milestones, int n, int64_t epoch)
{
    int i = 0;
    while (i < n && milestones[i] <= epoch) i++;
    return i;
}

static int sequential_step(tg_scheduler *s)
{
    sched_sequential *k = &s->u.sequential;
    int64_t epoch = s->last_epoch + 1;
    int idx = bisect_right(k->milestones, k->n - 1, epoch);
    tg_scheduler *current = k->schedulers[idx];
    bool at_milestone = idx > 0 && k->milestones[idx - 1] == epoch;
    int rc = at_milestone ? tg__scheduler_step_at(current, true, 0) : tg_scheduler_step(current);
    if (rc != 0) return -1;
    s->last_epoch = epoch;
    memcpy(s->last_lr, current->last_lr, (size_t)s->n * sizeof *s->last_lr);
    return 0;
}

static void release(tg_scheduler *s)
{
    for (int i = 0; i < s->u.sequential.n; i++) tg_scheduler_free(s->u.sequential.schedulers[i]);
    free(s->u.sequential.schedulers);
}

static const sched_kind SEQUENTIAL_LR = {.name = "SequentialLR", .step = sequential_step, .release = release};

static int check(const char *fn, const tg_optimizer *opt, tg_scheduler *const *schedulers, int n,
                 const int64_t *milestones, int n_milestones)
{
    if (n < 1 || !schedulers) return tg__faili(TG_E_INVALID, "%s(): no schedulers", fn);
    if (n_milestones < 0 || (n_milestones > 0 && !milestones))
        return tg__faili(TG_E_INVALID, "%s(): milestones is NULL or n_milestones is negative", fn);
    for (int i = 0; i < n; i++) {
        if (!schedulers[i]) return tg__faili(TG_E_NULL, "%s(): scheduler %d is NULL", fn, i);
        if (schedulers[i]->opt != opt)
            return tg__faili(TG_E_INVALID,
                             "Sequential Schedulers expects all schedulers to belong to the same optimizer, but got "
                             "schedulers at index %d to be different than the optimizer passed in.", i);
        if (!schedulers[i]->kind->get_lr)
            return tg__faili(TG_E_INVALID, "%s(): scheduler %d is not stepped by epochs", fn, i);
    }
    if (n_milestones != n - 1)
        return tg__faili(TG_E_INVALID,
                         "Sequential Schedulers expects number of schedulers provided to be one more than the number "
                         "of milestone points, but got number of schedulers %d and the number of milestones to be "
                         "equal to %d", n, n_milestones);
    return 0;
}

tg_scheduler *tg_sequential_lr(tg_optimizer *opt, tg_scheduler *const *schedulers, int n,
                               const int64_t *milestones, int n_milestones)
{
    if (!opt) return tg__fail(TG_E_NULL, "%s(): the optimizer is NULL", __func__);
    if (check(__func__, opt, schedulers, n, milestones, n_milestones) != 0) return NULL;
    tg_scheduler **own = tg__malloc((size_t)n * sizeof *own + (size_t)n * sizeof(int64_t));
    tg_scheduler *s = own ? tg__scheduler_new(__func__, &SEQUENTIAL_LR, opt) : NULL;
    if (!s) {
        free(own);
        return NULL;
    }
    memcpy(own, schedulers, (size_t)n * sizeof *own);
    int64_t *own_milestones = (int64_t *)(own + n);
    if (n_milestones) memcpy(own_milestones, milestones, (size_t)n_milestones * sizeof *own_milestones);
    s->u.sequential = (sched_sequential){own, n, own_milestones};
    s->last_epoch = 0;
    /* Back to the initial lr, every scheduler's step undone, and the first
       one's initial step again. */
    for (int g = 0; g < s->n; g++) opt->groups[g].opts.sgd.lr = opt->groups[g].initial_lr;
    for (int i = 0; i < n; i++) own[i]->last_epoch--;
    own[0]->step_count = 0;
    tg__scheduler_step_at(own[0], false, 0);
    memcpy(s->last_lr, own[0]->last_lr, (size_t)s->n * sizeof *s->last_lr);
    return s;
}
