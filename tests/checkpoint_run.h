/* A small training run for the checkpoint tests (test_checkpoint and its
   allocation-failure sweep): a Linear-Dropout-Linear model, Adam, a
   SequentialLR of LinearLR and CosineAnnealingLR and a generator for the
   inputs, and snapshots of everything a checkpoint load may change. */
#ifndef TG_TEST_CHECKPOINT_RUN_H
#define TG_TEST_CHECKPOINT_RUN_H

#include "harness.h"
#include "core/core.h"

#include <string.h>

typedef struct run {
    tg_module *model;
    tg_optimizer *opt;
    tg_scheduler *sched;
    tg_generator *gen;
} run;

static inline tg_module *make_model(int64_t hidden)
{
    return tg_nn_sequential((tg_module *[]){tg_nn_linear(4, hidden, true), tg_nn_dropout(0.3), tg_nn_linear(hidden, 1, true)}, 3);
}

/* A fresh run: its weights from the process-wide generator seeded with
   seed, its inputs' generator seeded with gen_seed. */
static inline run make_run(uint64_t seed, uint64_t gen_seed, int64_t hidden)
{
    tg_manual_seed(seed);
    run r = {make_model(hidden), NULL, NULL, tg_generator_new(gen_seed)};
    tg_tensor *ps[4];
    int n = tg_module_parameters(r.model, ps, 4);
    tg_adam_opts o = tg_adam_defaults();
    o.lr = 0.05;
    r.opt = tg_adam(ps, n, o);
    tg_scheduler *parts[] = {tg_linear_lr(r.opt, 0.25, 1.0, 3), tg_cosine_annealing_lr(r.opt, 8, 0.001)};
    r.sched = tg_sequential_lr(r.opt, parts, 2, (int64_t[]){3}, 1);
    return r;
}

static inline void free_run(run *r)
{
    tg_scheduler_free(r->sched);
    tg_optimizer_free(r->opt);
    tg_module_free(r->model);
    tg_generator_free(r->gen);
}

static inline void train(run *r, int steps)
{
    for (int i = 0; i < steps; i++) {
        tg_scope_begin();
        tg_tensor *x = tg_randn_gen(TG_SHAPE(8, 4), TG_F32, r->gen);
        tg_tensor *target = tg_sum_dim(x, (int64_t[]){1}, 1, true);
        tg_optimizer_zero_grad(r->opt);
        CHECK(tg_backward(tg_mse_loss(tg_module_forward(r->model, x), target), NULL) == 0);
        CHECK(tg_optimizer_step(r->opt) == 0);
        CHECK(tg_scheduler_step(r->sched) == 0);
        tg_scope_end();
    }
}

/* Two dicts of the same names, dtypes, shapes and bytes. */
static inline bool same_dicts(const tg_dict *a, const tg_dict *b)
{
    if (tg_dict_len(a) != tg_dict_len(b)) return false;
    for (int i = 0; i < tg_dict_len(a); i++) {
        const char *key = tg_dict_key(a, i);
        if (strcmp(key, tg_dict_key(b, i)) != 0) return false;
        tg_tensor *x = tg_contiguous(tg_dict_get(a, key)), *y = tg_contiguous(tg_dict_get(b, key));
        if (tg_dtype_of(x) != tg_dtype_of(y) || tg_numel(x) != tg_numel(y)) return false;
        if (memcmp(tg__ptr(x), tg__ptr(y), (size_t)tg_numel(x) * tg__dtype_size(tg_dtype_of(x))) != 0) return false;
    }
    return true;
}

/* Everything a load could change, to compare before and after. */
typedef struct snapshot { tg_dict *model, *opt, *sched; tg_tensor *global, *gen; } snapshot;

static inline snapshot take(const run *r)
{
    snapshot s = {tg_module_state_dict(r->model), tg_optimizer_state_dict(r->opt), tg_scheduler_state_dict(r->sched),
                  tg_retain(tg_generator_get_state(NULL)), tg_retain(tg_generator_get_state(r->gen))};
    /* The module's dict shares the parameters: keep copies. */
    for (int i = 0; i < tg_dict_len(s.model); i++)
        tg_dict_set(s.model, tg_dict_key(s.model, i), tg_clone(tg_dict_get(s.model, tg_dict_key(s.model, i))));
    return s;
}

static inline bool unchanged(const run *r, const snapshot *before)
{
    snapshot now = take(r);
    tg_dict *g0 = tg_dict_new(), *g1 = tg_dict_new();
    tg_dict_set(g0, "global", before->global), tg_dict_set(g0, "gen", before->gen);
    tg_dict_set(g1, "global", now.global), tg_dict_set(g1, "gen", now.gen);
    bool same = same_dicts(now.model, before->model) && same_dicts(now.opt, before->opt) &&
                same_dicts(now.sched, before->sched) && same_dicts(g0, g1);
    tg_dict_free(g0), tg_dict_free(g1);
    tg_dict_free(now.model), tg_dict_free(now.opt), tg_dict_free(now.sched);
    tg_release(now.global), tg_release(now.gen);
    return same;
}

static inline void drop(snapshot *s)
{
    tg_dict_free(s->model), tg_dict_free(s->opt), tg_dict_free(s->sched);
    tg_release(s->global), tg_release(s->gen);
}

#endif
