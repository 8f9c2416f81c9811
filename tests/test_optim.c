/* Optimizers, schedulers and clipping beyond what the oracle compares: a
   run's state saved after 10 steps, loaded into a fresh optimizer and trained 10 more steps is bit for bit the run of 20
   uninterrupted steps; skipped parameters; flat memory; the readers' and
   loaders' errors; and arguments PyTorch has no counterpart for. */
#include "harness.h"
#include "core/core.h"

#include <stdlib.h>
#include <string.h>

enum { N_PARAMS = 3 };

/* w (4, 5), b (5) and c (2), which never gets a gradient. */
static void make_params(tg_tensor **ps, tg_dtype dt)
{
    ps[0] = tg_retain(tg_requires_grad_(tg_to(tg_div_scalar(tg_reshape(tg_arange(-10, 10, 1, TG_F32), TG_SHAPE(4, 5)), 7), dt), true));
    ps[1] = tg_retain(tg_requires_grad_(tg_to(tg_linspace(-1, 1, 5, TG_F32), dt), true));
    ps[2] = tg_retain(tg_requires_grad_(tg_ones(TG_SHAPE(2), dt), true));
}

static void copy_params(tg_tensor *const *from, tg_tensor **to)
{
    for (int i = 0; i < N_PARAMS; i++) to[i] = tg_retain(tg_requires_grad_(tg_clone(tg_detach(from[i])), true));
}

static void release_params(tg_tensor **ps)
{
    for (int i = 0; i < N_PARAMS; i++) tg_release(ps[i]);
}

/* loss = sum((w @ b)^2 + sin(b)) / (step + 1): gradients that depend on the
   parameters and the step. */
static void backward(tg_tensor **ps, int step)
{
    tg_scope_begin();
    tg_tensor *wb = tg_matmul(ps[0], ps[1]);
    tg_tensor *loss = tg_div_scalar(tg_add(tg_sum(tg_mul(wb, wb)), tg_sum(tg_sin(ps[1]))), step + 1);
    CHECK(tg_backward(loss, NULL) == 0);
    tg_scope_end();
}

static void train(tg_optimizer *opt, tg_tensor **ps, int from, int to)
{
    for (int step = from; step < to; step++) {
        tg_optimizer_zero_grad(opt);
        backward(ps, step);
        CHECK(tg_optimizer_step(opt) == 0);
    }
}

static bool same_bits(tg_tensor *const *a, tg_tensor *const *b)
{
    for (int i = 0; i < N_PARAMS; i++) {
        int64_t n = tg_numel(a[i]);
        double *x = malloc((size_t)n * sizeof *x), *y = malloc((size_t)n * sizeof *y);
        tg_copy_to_f64(a[i], x);
        tg_copy_to_f64(b[i], y);
        bool same = tg_numel(b[i]) == n && memcmp(x, y, (size_t)n * sizeof *x) == 0;
        free(x);
        free(y);
        if (!same) return false;
    }
    return true;
}

typedef tg_optimizer *(*make_fn)(tg_tensor *const *ps);

static tg_optimizer *sgd(tg_tensor *const *ps)
{
    tg_optimizer *opt = tg_sgd(ps, 2, (tg_sgd_opts){.lr = 0.01, .momentum = 0.9, .nesterov = true});
    tg_sgd_add_param_group(opt, &ps[2], 1, (tg_sgd_opts){.lr = 0.1, .momentum = 0.5, .dampening = 0.1});
    return opt;
}
static tg_optimizer *adam(tg_tensor *const *ps)
{
    tg_adam_opts o = tg_adam_defaults();
    o.amsgrad = true, o.weight_decay = 0.1;
    return tg_adam(ps, N_PARAMS, o);
}
static tg_optimizer *adamw(tg_tensor *const *ps) { return tg_adamw(ps, N_PARAMS, tg_adamw_defaults()); }
static tg_optimizer *rmsprop(tg_tensor *const *ps)
{
    tg_rmsprop_opts o = tg_rmsprop_defaults();
    o.momentum = 0.9, o.centered = true;
    return tg_rmsprop(ps, N_PARAMS, o);
}
static tg_optimizer *adagrad(tg_tensor *const *ps)
{
    tg_adagrad_opts o = tg_adagrad_defaults();
    o.lr_decay = 0.01, o.initial_accumulator_value = 0.1;
    return tg_adagrad(ps, N_PARAMS, o);
}

/* 10 steps, the state into a fresh optimizer over copies of the
   parameters (the first one freed), 10 more: the same bits as 20 steps. */
static void resume(make_fn make, tg_dtype dt)
{
    tg_tensor *full[N_PARAMS], *half[N_PARAMS], *resumed[N_PARAMS];
    make_params(full, dt);
    make_params(half, dt);
    tg_optimizer *a = make(full), *b = make(half);
    train(a, full, 0, 20);
    train(b, half, 0, 10);
    tg_dict *state = tg_optimizer_state_dict(b);
    tg_optimizer_free(b);
    copy_params(half, resumed);
    tg_optimizer *c = make(resumed);
    CHECK(state && tg_optimizer_load_state_dict(c, state) == 0);
    train(c, resumed, 10, 20);
    CHECK(same_bits(full, resumed));
    tg_dict_free(state);
    tg_optimizer_free(a);
    tg_optimizer_free(c);
    release_params(full);
    release_params(half);
    release_params(resumed);
}

/* A parameter without a gradient is not written (its version stays). */
static void skipped(void)
{
    tg_tensor *ps[N_PARAMS];
    make_params(ps, TG_F32);
    tg_optimizer *opt = adam(ps);
    uint64_t version = tg_version(ps[2]);
    train(opt, ps, 0, 3);
    CHECK(tg_version(ps[2]) == version);
    CHECK(tg_item(tg_sum(ps[2])) == 2.0);
    tg_dict *d = tg_optimizer_state_dict(opt);
    bool has_state2 = false;
    for (int i = 0; i < tg_dict_len(d); i++) has_state2 |= strncmp(tg_dict_key(d, i), "state.2.", 8) == 0;
    CHECK(!has_state2);
    tg_dict_free(d);
    tg_optimizer_free(opt);
    release_params(ps);
}

/* Steps make no tensors that outlive them. */
static void flat_memory(void)
{
    tg_tensor *ps[N_PARAMS];
    make_params(ps, TG_F32);
    tg_optimizer *opt = rmsprop(ps);
    train(opt, ps, 0, 2);
    int64_t live = tg__live_tensors();
    train(opt, ps, 2, 50);
    CHECK(tg__live_tensors() == live);
    tg_optimizer_free(opt);
    release_params(ps);
}

static void optimizer_errors(void)
{
    tg_tensor *ps[N_PARAMS];
    make_params(ps, TG_F32);
    tg_sgd_opts o = {.lr = 0.1};
    CHECK(!tg_sgd((tg_tensor *[]){tg_ones(TG_SHAPE(2), TG_I64)}, 1, o));
    CHECK_STR(tg_last_error(), "tg_sgd(): parameters must be float32, float64, float16 or bfloat16, got torch.int64");
    CHECK(!tg_sgd((tg_tensor *[]){ps[0], ps[0]}, 2, o));
    CHECK_STR(tg_last_error(), "tg_sgd(): parameter 1 appears twice in its group");
    CHECK(!tg_sgd((tg_tensor *[]){NULL}, 1, o));
    CHECK(!tg_sgd(NULL, -1, o));
    tg_optimizer *opt = tg_sgd(ps, 2, o);
    CHECK(tg_adam_add_param_group(opt, &ps[2], 1, tg_adam_defaults()) == -1);
    CHECK_STR(tg_last_error(), "tg_adam_add_param_group(): the optimizer is SGD");
    CHECK(tg_sgd_add_param_group(opt, &ps[2], 1, (tg_sgd_opts){.lr = -1}) == -1);
    CHECK_STR(tg_last_error(), "Invalid learning rate: -1.0");
    CHECK(tg_optimizer_num_groups(opt) == 1);
    CHECK(isnan(tg_optimizer_get_lr(opt, 1)));
    CHECK_STR(tg_last_error(), "tg_optimizer_get_lr(): group 1 out of range (the optimizer has 1)");
    CHECK(tg_optimizer_set_lr(opt, -1, 0.5) == -1);
    CHECK(tg_optimizer_set_lr(opt, 0, 0.5) == 0 && tg_optimizer_get_lr(opt, 0) == 0.5);
    CHECK(tg_optimizer_get_momentum(opt, 0) == 0);
    CHECK(tg_optimizer_step(NULL) == -1);
    CHECK(tg_optimizer_num_groups(NULL) == -1);
    tg_optimizer_zero_grad(NULL);
    tg_optimizer_free(NULL);
    tg_optimizer *ada = adagrad(ps);
    CHECK(isnan(tg_optimizer_get_momentum(ada, 0)));
    CHECK_STR(tg_last_error(), "tg_optimizer_get_momentum(): Adagrad has no momentum");

    /* loading: another optimizer's state, another shape, nothing changed */
    train(ada, ps, 0, 2);
    tg_dict *state = tg_optimizer_state_dict(ada);
    CHECK(tg_optimizer_load_state_dict(opt, state) == -1);
    CHECK_STR(tg_last_error(), "tg_optimizer_load_state_dict(): the state is a Adagrad's, the optimizer is SGD");
    tg_tensor *other[N_PARAMS];
    other[0] = tg_retain(tg_requires_grad_(tg_zeros(TG_SHAPE(5, 4), TG_F32), true));
    other[1] = tg_retain(ps[1]);
    other[2] = tg_retain(ps[2]);
    tg_optimizer *wrong = adagrad(other);
    tg_dict *before = tg_optimizer_state_dict(wrong);
    CHECK(tg_optimizer_load_state_dict(wrong, state) == -1);
    CHECK_STR(tg_last_error(), "tg_optimizer_load_state_dict(): state.0.sum does not have its parameter's shape");
    tg_dict *after = tg_optimizer_state_dict(wrong);
    CHECK(tg_dict_len(before) == tg_dict_len(after));
    for (int i = 0; i < tg_dict_len(after); i++)
        CHECK(tg_item(tg_sum(tg_ne(tg_dict_get(before, tg_dict_key(before, i)), tg_dict_get(after, tg_dict_key(after, i))))) == 0);
    CHECK(tg_optimizer_load_state_dict(NULL, state) == -1 && tg_optimizer_load_state_dict(wrong, NULL) == -1);
    CHECK(!tg_optimizer_state_dict(NULL));
    /* a state without Adagrad's sums: made again at the next step */
    tg_dict *groups_only = tg_dict_new();
    for (int i = 0; i < tg_dict_len(state); i++)
        if (strncmp(tg_dict_key(state, i), "state.", 6) != 0)
            tg_dict_set(groups_only, tg_dict_key(state, i), tg_dict_get(state, tg_dict_key(state, i)));
    CHECK(tg_optimizer_load_state_dict(ada, groups_only) == 0);
    train(ada, ps, 0, 1);
    tg_dict_free(groups_only);
    tg_dict_free(before);
    tg_dict_free(after);
    tg_dict_free(state);
    tg_optimizer_free(wrong);
    release_params(other);
    tg_optimizer_free(ada);

    /* zero_grad: zeros in place, or none */
    backward(ps, 0);
    tg_tensor *g = tg_grad(ps[0]);
    tg_optimizer_zero_grad(opt);
    CHECK(tg_grad(ps[0]) && tg_item(tg_sum(tg_abs(g))) == 0);
    tg_optimizer_zero_grad_to_none(opt);
    CHECK(!tg_grad(ps[0]) && !tg_grad(ps[1]));
    tg_optimizer_free(opt);
    release_params(ps);
}

/* d without one key. */
static tg_dict *without(const tg_dict *d, const char *key)
{
    tg_dict *out = tg_dict_new();
    for (int i = 0; i < tg_dict_len(d); i++)
        if (strcmp(tg_dict_key(d, i), key) != 0) CHECK(tg_dict_set(out, tg_dict_key(d, i), tg_dict_get(d, tg_dict_key(d, i))) == 0);
    return out;
}

/* A state that lacks a buffer the optimizer keeps, or its step, is refused
   and changes nothing; a buffer the options do not use may be absent. */
static void incomplete_state(void)
{
    static const struct {
        make_fn make;
        const char *key, *error;   /* error NULL: loads */
    } CASES[] = {
        {adam, "state.0.exp_avg", "tg_optimizer_load_state_dict(): state.0.exp_avg is missing"},
        {adam, "state.1.max_exp_avg_sq", "tg_optimizer_load_state_dict(): state.1.max_exp_avg_sq is missing"},
        {adam, "state.1.step", "tg_optimizer_load_state_dict(): state.1.step is missing"},
        {adamw, "state.0.exp_avg_sq", "tg_optimizer_load_state_dict(): state.0.exp_avg_sq is missing"},
        {rmsprop, "state.0.momentum_buffer", "tg_optimizer_load_state_dict(): state.0.momentum_buffer is missing"},
        {rmsprop, "state.1.grad_avg", "tg_optimizer_load_state_dict(): state.1.grad_avg is missing"},
        {adagrad, "state.0.sum", "tg_optimizer_load_state_dict(): state.0.sum is missing"},
        {adagrad, "state.0.step", "tg_optimizer_load_state_dict(): state.0.step is missing"},
        {sgd, "state.0.momentum_buffer", NULL},   /* SGD's only buffer: no state for that parameter */
    };
    for (size_t k = 0; k < sizeof CASES / sizeof *CASES; k++) {
        tg_tensor *ps[N_PARAMS], *qs[N_PARAMS];
        make_params(ps, TG_F32);
        copy_params(ps, qs);
        tg_optimizer *trained = CASES[k].make(ps), *fresh = CASES[k].make(qs);
        train(trained, ps, 0, 2);
        train(fresh, qs, 0, 1);
        tg_dict *full = tg_optimizer_state_dict(trained);
        tg_dict *cut = without(full, CASES[k].key);
        CHECK(tg_dict_len(cut) == tg_dict_len(full) - 1);
        tg_dict *before = tg_optimizer_state_dict(fresh);
        int rc = tg_optimizer_load_state_dict(fresh, cut);
        if (CASES[k].error) {
            CHECK(rc == -1);
            CHECK_STR(tg_last_error(), CASES[k].error);
            tg_dict *after = tg_optimizer_state_dict(fresh);
            CHECK(tg_dict_len(before) == tg_dict_len(after));
            for (int i = 0; i < tg_dict_len(after); i++)
                CHECK(tg_item(tg_sum(tg_ne(tg_dict_get(before, tg_dict_key(before, i)), tg_dict_get(after, tg_dict_key(after, i))))) == 0);
            tg_dict_free(after);
        } else {
            CHECK(rc == 0);
        }
        tg_dict_free(before);
        tg_dict_free(cut);
        tg_dict_free(full);
        tg_optimizer_free(trained);
        tg_optimizer_free(fresh);
        release_params(ps);
        release_params(qs);
    }
    /* Adam without amsgrad keeps no max_exp_avg_sq, so a state has none */
    tg_tensor *ps[N_PARAMS];
    make_params(ps, TG_F32);
    tg_optimizer *plain = tg_adam(ps, N_PARAMS, tg_adam_defaults());
    train(plain, ps, 0, 1);
    tg_dict *state = tg_optimizer_state_dict(plain);
    CHECK(tg_dict_len(state) > 0 && tg_optimizer_load_state_dict(plain, state) == 0);
    tg_dict_free(state);
    tg_optimizer_free(plain);
    release_params(ps);
}

static double halve(int64_t epoch, void *user_data) { return (void)user_data, 1.0 / (double)(1 << (epoch % 8)); }

static void scheduler_errors(void)
{
    tg_tensor *ps[N_PARAMS];
    make_params(ps, TG_F32);
    tg_optimizer *opt = sgd(ps);
    CHECK(!tg_step_lr(opt, 0, 0.1));
    CHECK_STR(tg_last_error(), "tg_step_lr(): step_size must be positive, got 0");
    CHECK(!tg_cosine_annealing_lr(opt, -3, 0));
    CHECK(!tg_linear_lr(opt, 0.5, 1, 0));
    CHECK(!tg_multistep_lr(opt, NULL, 2, 0.1));
    CHECK(!tg_lambda_lr(opt, NULL, NULL));
    CHECK(!tg_step_lr(NULL, 1, 0.1));
    CHECK(tg_scheduler_step(NULL) == -1 && tg_scheduler_step_metric(NULL, 1) == -1);
    tg_scheduler *s = tg_lambda_lr(opt, halve, NULL);
    CHECK(tg_scheduler_step_metric(s, 1.0) == -1);
    CHECK_STR(tg_last_error(), "tg_scheduler_step_metric(): only ReduceLROnPlateau steps with a metric");
    CHECK(isnan(tg_scheduler_last_lr(s, 2)));
    for (int i = 0; i < 3; i++) CHECK(tg_scheduler_step(s) == 0);
    CHECK(tg_scheduler_last_epoch(s) == 3 && tg_scheduler_last_lr(s, 1) == 0.1 / 8);
    tg_scheduler *plateau = tg_reduce_lr_on_plateau(opt, tg_plateau_defaults());
    CHECK(tg_scheduler_step(plateau) == -1);
    CHECK(tg_scheduler_last_lr(plateau, 0) == tg_optimizer_get_lr(opt, 0));
    tg_scheduler *parts[] = {s, plateau};
    CHECK(!tg_sequential_lr(opt, parts, 2, (const int64_t[]){3}, 1));
    CHECK_STR(tg_last_error(), "tg_sequential_lr(): scheduler 1 is not stepped by epochs");
    CHECK(!tg_sequential_lr(opt, parts, 0, NULL, 0));
    tg_scheduler_free(s);
    tg_scheduler_free(plateau);
    tg_scheduler_free(NULL);
    tg_optimizer_free(opt);
    release_params(ps);
}

static void clip_errors(void)
{
    tg_tensor *ps[N_PARAMS];
    make_params(ps, TG_F32);
    double total = -1;
    CHECK(tg_clip_grad_norm_(ps, N_PARAMS, 1.0, 2.0, &total) == 0 && total == 0);
    CHECK(tg_clip_grad_norm_(NULL, -1, 1.0, 2.0, NULL) == -1);
    CHECK(tg_clip_grad_value_((tg_tensor *[]){NULL}, 1, 1.0) == -1);
    CHECK(tg_clip_grad_value_(ps, 0, 1.0) == 0);
    release_params(ps);
}

int main(void)
{
    const make_fn makers[] = {sgd, adam, adamw, rmsprop, adagrad};
    for (int k = 0; k < 5; k++) {
        resume(makers[k], TG_F32);
        resume(makers[k], TG_F64);
    }
    skipped();
    flat_memory();
    optimizer_errors();
    incomplete_state();
    scheduler_errors();
    clip_errors();
    return TEST_MAIN_END();
}
