/* StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR, LinearLR and
   LambdaLR: each get_lr (recursive) and _get_closed_form_lr as PyTorch
   1.13 writes them, expression for expression. */
#include "optim.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define EACH_GROUP for (int g = 0; g < s->n; g++)

/* ----------------------------------------------------------------- StepLR */

static int step_get_lr(tg_scheduler *s, double *lrs)
{
    const sched_step *k = &s->u.step;
    bool unchanged = s->last_epoch == 0 || s->last_epoch % k->step_size != 0;
    EACH_GROUP lrs[g] = unchanged ? tg__group_lr(s, g) : tg__group_lr(s, g) * k->gamma;
    return 0;
}

static void step_closed_form(const tg_scheduler *s, double *lrs)
{
    const sched_step *k = &s->u.step;
    EACH_GROUP lrs[g] = s->base_lrs[g] * pow(k->gamma, (double)(s->last_epoch / k->step_size));
}

static const sched_kind STEP_LR = {.name = "StepLR", .get_lr = step_get_lr, .closed_form = step_closed_form};

/* A positive count, or -1 with an error of this library's own. */
static int check_positive(const char *fn, const char *what, int64_t v)
{
    if (v < 1) return tg__faili(TG_E_INVALID, "%s(): %s must be positive, got %lld", fn, what, (long long)v);
    return 0;
}

tg_scheduler *tg_step_lr(tg_optimizer *opt, int64_t step_size, double gamma)
{
    if (check_positive(__func__, "step_size", step_size) != 0) return NULL;
    tg_scheduler *s = tg__scheduler_new(__func__, &STEP_LR, opt);
    if (s) s->u.step = (sched_step){step_size, gamma};
    return tg__scheduler_start(s);
}

/* ------------------------------------------------------------ MultiStepLR */

/* How many milestones equal epoch, and how many are at most epoch. */
static int64_t count_equal(const sched_multistep *k, int64_t epoch)
{
    int64_t c = 0;
    for (int i = 0; i < k->n; i++) c += k->milestones[i] == epoch;
    return c;
}

static int64_t count_up_to(const sched_multistep *k, int64_t epoch)
{
    int64_t c = 0;
    for (int i = 0; i < k->n; i++) c += k->milestones[i] <= epoch;
    return c;
}

static int multistep_get_lr(tg_scheduler *s, double *lrs)
{
    const sched_multistep *k = &s->u.multistep;
    int64_t times = count_equal(k, s->last_epoch);
    EACH_GROUP lrs[g] = times == 0 ? tg__group_lr(s, g) : tg__group_lr(s, g) * pow(k->gamma, (double)times);
    return 0;
}

static void multistep_closed_form(const tg_scheduler *s, double *lrs)
{
    const sched_multistep *k = &s->u.multistep;
    EACH_GROUP lrs[g] = s->base_lrs[g] * pow(k->gamma, (double)count_up_to(k, s->last_epoch));
}

static void multistep_release(tg_scheduler *s) { free(s->u.multistep.milestones); }

static const sched_kind MULTISTEP_LR = {
    .name = "MultiStepLR", .get_lr = multistep_get_lr, .closed_form = multistep_closed_form, .release = multistep_release,
};

tg_scheduler *tg_multistep_lr(tg_optimizer *opt, const int64_t *milestones, int n, double gamma)
{
    if (n < 0 || (n > 0 && !milestones))
        return tg__fail(TG_E_INVALID, "%s(): milestones is NULL or n is negative", __func__);
    int64_t *copy = tg__malloc((size_t)n * sizeof *copy + 1);
    if (!copy) return NULL;
    if (n) memcpy(copy, milestones, (size_t)n * sizeof *copy);
    tg_scheduler *s = tg__scheduler_new(__func__, &MULTISTEP_LR, opt);
    if (!s) {
        free(copy);
        return NULL;
    }
    s->u.multistep = (sched_multistep){copy, n, gamma};
    return tg__scheduler_start(s);
}

/* ---------------------------------------------------------- ExponentialLR */

static int exponential_get_lr(tg_scheduler *s, double *lrs)
{
    EACH_GROUP lrs[g] = s->last_epoch == 0 ? tg__group_lr(s, g) : tg__group_lr(s, g) * s->u.gamma;
    return 0;
}

static void exponential_closed_form(const tg_scheduler *s, double *lrs)
{
    EACH_GROUP lrs[g] = s->base_lrs[g] * pow(s->u.gamma, (double)s->last_epoch);
}

static const sched_kind EXPONENTIAL_LR = {.name = "ExponentialLR", .get_lr = exponential_get_lr, .closed_form = exponential_closed_form};

tg_scheduler *tg_exponential_lr(tg_optimizer *opt, double gamma)
{
    tg_scheduler *s = tg__scheduler_new(__func__, &EXPONENTIAL_LR, opt);
    if (s) s->u.gamma = gamma;
    return tg__scheduler_start(s);
}

/* ------------------------------------------------------ CosineAnnealingLR */

static int cosine_get_lr(tg_scheduler *s, double *lrs)
{
    const sched_cosine *k = &s->u.cosine;
    double T_max = (double)k->T_max, epoch = (double)s->last_epoch;
    EACH_GROUP {
        double lr = tg__group_lr(s, g), base_lr = s->base_lrs[g];
        if (s->last_epoch == 0)
            lrs[g] = lr;
        else if (s->step_count == 1 && s->last_epoch > 0)
            lrs[g] = k->eta_min + (base_lr - k->eta_min) * (1 + cos(epoch * M_PI / T_max)) / 2;
        else if ((s->last_epoch - 1 - k->T_max) % (2 * k->T_max) == 0)
            lrs[g] = lr + (base_lr - k->eta_min) * (1 - cos(M_PI / T_max)) / 2;
        else
            lrs[g] = (1 + cos(M_PI * epoch / T_max)) / (1 + cos(M_PI * (epoch - 1) / T_max)) * (lr - k->eta_min) +
                     k->eta_min;
    }
    return 0;
}

static void cosine_closed_form(const tg_scheduler *s, double *lrs)
{
    const sched_cosine *k = &s->u.cosine;
    EACH_GROUP lrs[g] = k->eta_min + (s->base_lrs[g] - k->eta_min) *
                                         (1 + cos(M_PI * (double)s->last_epoch / (double)k->T_max)) / 2;
}

static const sched_kind COSINE_LR = {.name = "CosineAnnealingLR", .get_lr = cosine_get_lr, .closed_form = cosine_closed_form};

tg_scheduler *tg_cosine_annealing_lr(tg_optimizer *opt, int64_t T_max, double eta_min)
{
    if (check_positive(__func__, "T_max", T_max) != 0) return NULL;
    tg_scheduler *s = tg__scheduler_new(__func__, &COSINE_LR, opt);
    if (s) s->u.cosine = (sched_cosine){T_max, eta_min};
    return tg__scheduler_start(s);
}

/* --------------------------------------------------------------- LinearLR */

static int linear_get_lr(tg_scheduler *s, double *lrs)
{
    const sched_linear *k = &s->u.linear;
    double span = k->end_factor - k->start_factor;
    EACH_GROUP {
        double lr = tg__group_lr(s, g);
        if (s->last_epoch == 0)
            lrs[g] = lr * k->start_factor;
        else if (s->last_epoch > k->total_iters)
            lrs[g] = lr;
        else
            lrs[g] = lr * (1. + span / ((double)k->total_iters * k->start_factor + (double)(s->last_epoch - 1) * span));
    }
    return 0;
}

static void linear_closed_form(const tg_scheduler *s, double *lrs)
{
    const sched_linear *k = &s->u.linear;
    int64_t epochs = s->last_epoch < k->total_iters ? s->last_epoch : k->total_iters;
    EACH_GROUP lrs[g] = s->base_lrs[g] * (k->start_factor + (k->end_factor - k->start_factor) * (double)epochs /
                                                                (double)k->total_iters);
}

static const sched_kind LINEAR_LR = {.name = "LinearLR", .get_lr = linear_get_lr, .closed_form = linear_closed_form};

tg_scheduler *tg_linear_lr(tg_optimizer *opt, double start_factor, double end_factor, int64_t total_iters)
{
    if (start_factor > 1.0 || start_factor < 0)
        return tg__fail(TG_E_INVALID, "Starting multiplicative factor expected to be between 0 and 1.");
    if (end_factor > 1.0 || end_factor < 0)
        return tg__fail(TG_E_INVALID, "Ending multiplicative factor expected to be between 0 and 1.");
    if (check_positive(__func__, "total_iters", total_iters) != 0) return NULL;
    tg_scheduler *s = tg__scheduler_new(__func__, &LINEAR_LR, opt);
    if (s) s->u.linear = (sched_linear){start_factor, end_factor, total_iters};
    return tg__scheduler_start(s);
}

/* --------------------------------------------------------------- LambdaLR */

static int lambda_get_lr(tg_scheduler *s, double *lrs)
{
    const sched_lambda *k = &s->u.lambda;
    EACH_GROUP lrs[g] = s->base_lrs[g] * k->fn(s->last_epoch, k->user_data);
    return 0;
}

static const sched_kind LAMBDA_LR = {.name = "LambdaLR", .get_lr = lambda_get_lr};

tg_scheduler *tg_lambda_lr(tg_optimizer *opt, tg_lr_lambda fn, void *user_data)
{
    if (!fn) return tg__fail(TG_E_NULL, "%s(): fn is NULL", __func__);
    tg_scheduler *s = tg__scheduler_new(__func__, &LAMBDA_LR, opt);
    if (s) s->u.lambda = (sched_lambda){fn, user_data};
    return tg__scheduler_start(s);
}
