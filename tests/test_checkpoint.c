/* Checkpoints: training stopped after K steps, saved, loaded into fresh
   objects (model, Adam, SequentialLR, generator) and trained K more steps
   is bit for bit the run of 2K uninterrupted steps, with dropout drawing
   from the process-wide generator and the inputs from a generator of
   their own; bad checkpoints fail with a message and change nothing; the
   scheduler and generator states round-trip. */
#include "harness.h"
#include "checkpoint_run.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

enum { K = 6 };

static void test_resume(const char *path)
{
    run whole = make_run(1, 11, 8);
    train(&whole, 2 * K);

    run first = make_run(1, 11, 8);
    train(&first, K);
    CHECK(tg_save_checkpoint(path, first.model, first.opt, first.sched, first.gen, K) == 0);
    free_run(&first);

    tg_manual_seed(999);   /* the resumed run's own draws must not matter */
    run resumed = make_run(5, 3, 8);
    int64_t step = -1;
    CHECK(tg_load_checkpoint(path, resumed.model, resumed.opt, resumed.sched, resumed.gen, &step) == 0);
    CHECK(step == K);
    CHECK(tg_scheduler_last_epoch(resumed.sched) == K);
    train(&resumed, K);

    tg_dict *a = tg_module_state_dict(whole.model), *b = tg_module_state_dict(resumed.model);
    CHECK(same_dicts(a, b));
    tg_dict_free(a), tg_dict_free(b);
    a = tg_optimizer_state_dict(whole.opt), b = tg_optimizer_state_dict(resumed.opt);
    CHECK(same_dicts(a, b));
    tg_dict_free(a), tg_dict_free(b);
    CHECK(tg_scheduler_last_lr(whole.sched, 0) == tg_scheduler_last_lr(resumed.sched, 0));
    free_run(&whole);
    free_run(&resumed);
}

/* A load of path into r fails with an error containing message and changes nothing. */
static void check_refused(const char *path, run *r, tg_scheduler *sched, const char *message)
{
    snapshot before = take(r);
    CHECK(tg_load_checkpoint(path, r->model, r->opt, sched, r->gen, NULL) == -1);
    CHECK(strstr(tg_last_error(), message) != NULL);
    if (!strstr(tg_last_error(), message)) fprintf(stderr, "got: %s\n", tg_last_error());
    CHECK(unchanged(r, &before));
    drop(&before);
}

/* The checkpoint at path without entry name, written to bad. */
static void without(const char *path, const char *name, const char *bad)
{
    tg_dict *d = tg_load_safetensors(path), *out = tg_dict_new();
    for (int i = 0; i < tg_dict_len(d); i++)
        if (strcmp(tg_dict_key(d, i), name) != 0) tg_dict_set(out, tg_dict_key(d, i), tg_dict_get(d, tg_dict_key(d, i)));
    const char *meta[] = {"format", "step", "optimizer", "scheduler"};
    for (int i = 0; i < 4; i++) tg_dict_set_metadata(out, meta[i], tg_dict_metadata(d, meta[i]));
    CHECK(tg_save_safetensors(out, bad) == 0);
    tg_dict_free(d), tg_dict_free(out);
}

static void test_bad_checkpoints(const char *path, const char *bad)
{
    run saved = make_run(1, 11, 8);
    train(&saved, 2);
    CHECK(tg_save_checkpoint(path, saved.model, saved.opt, saved.sched, saved.gen, 2) == 0);
    free_run(&saved);

    run r = make_run(2, 4, 8);
    train(&r, 1);
    without(path, "model.2.bias", bad);
    check_refused(bad, &r, r.sched, "Missing key(s) in state_dict: \"2.bias\"");
    without(path, "scheduler._schedulers.1.base_lrs", bad);
    check_refused(bad, &r, r.sched, "missing \"_schedulers.1.base_lrs\"");
    without(path, "rng.generator", bad);
    check_refused(bad, &r, r.sched, "\"rng.\" entries");
    without(path, "optimizer.param_groups.0.lr", bad);
    check_refused(bad, &r, r.sched, "param_groups.0.lr is missing");

    tg_dict *odd_step = tg_load_safetensors(path);
    tg_dict_set_metadata(odd_step, "step", "12x");
    CHECK(tg_save_safetensors(odd_step, bad) == 0);
    tg_dict_free(odd_step);
    check_refused(bad, &r, r.sched, "tg_load_checkpoint(): the checkpoint's step \"12x\" is not a number");

    tg_scheduler *step_lr = tg_step_lr(r.opt, 2, 0.5);
    check_refused(path, &r, step_lr, "the state dict is of SequentialLR, the scheduler is StepLR");
    tg_scheduler_free(step_lr);

    tg_dict *plain = tg_dict_new();
    tg_dict_set(plain, "w", tg_ones(TG_SHAPE(2), TG_F32));
    CHECK(tg_save_safetensors(plain, bad) == 0);
    tg_dict_free(plain);
    check_refused(bad, &r, r.sched, "not a checkpoint");
    free_run(&r);

    run wide = make_run(2, 4, 9);
    check_refused(path, &wide, wide.sched, "does not have its parameter's shape");
    tg_dict *d = tg_load_safetensors(path);   /* the model's shapes are checked too, after the optimizer's */
    tg_dict_set(d, "optimizer.state.0.exp_avg", tg_zeros(TG_SHAPE(9, 4), TG_F32));
    tg_dict_set(d, "optimizer.state.1.exp_avg", tg_zeros(TG_SHAPE(9), TG_F32));
    tg_dict_set(d, "optimizer.state.1.exp_avg_sq", tg_zeros(TG_SHAPE(9), TG_F32));
    tg_dict_set(d, "optimizer.state.0.exp_avg_sq", tg_zeros(TG_SHAPE(9, 4), TG_F32));
    tg_dict_set(d, "optimizer.state.2.exp_avg", tg_zeros(TG_SHAPE(1, 9), TG_F32));
    tg_dict_set(d, "optimizer.state.2.exp_avg_sq", tg_zeros(TG_SHAPE(1, 9), TG_F32));
    CHECK(tg_save_safetensors(d, bad) == 0);
    tg_dict_free(d);
    train(&wide, 1);
    check_refused(bad, &wide, wide.sched, "size mismatch for 0.weight");
    free_run(&wide);
}

static void test_generator_state(void)
{
    tg_generator *g = tg_generator_new(3);
    tg_tensor *state = tg_generator_get_state(g);
    CHECK(tg_dtype_of(state) == TG_I64 && tg_ndim(state) == 1 && tg_shape(state)[0] == 4);
    tg_tensor *a = tg_rand_gen(TG_SHAPE(5), TG_F64, g);
    CHECK(tg_generator_set_state(g, state) == 0);
    tg_tensor *b = tg_rand_gen(TG_SHAPE(5), TG_F64, g);
    CHECK(memcmp(tg__ptr(a), tg__ptr(b), 5 * sizeof(double)) == 0);
    CHECK(tg_generator_set_state(g, tg_zeros(TG_SHAPE(4), TG_I64)) == -1);
    CHECK(tg_generator_set_state(g, tg_zeros(TG_SHAPE(4), TG_F32)) == -1);
    CHECK_STR(tg_last_error(), "tg_generator_set_state(): expected a torch.int64 state of shape [4], got "
                               "torch.float32 with 4 elements");
    CHECK(tg_generator_set_state(NULL, tg_generator_get_state(NULL)) == 0);
    tg_generator_free(g);
}

/* ReduceLROnPlateau's own state goes across, and a dict of another
   number of groups is refused. */
static void test_plateau_state(void)
{
    run r = make_run(1, 1, 8);
    tg_plateau_opts o = tg_plateau_defaults();
    o.patience = 1, o.cooldown = 2;
    tg_scheduler *a = tg_reduce_lr_on_plateau(r.opt, o), *b = tg_reduce_lr_on_plateau(r.opt, o);
    double metrics[] = {3, 2, 2.5, 2.5, 2.4};
    for (int i = 0; i < 5; i++) CHECK(tg_scheduler_step_metric(a, metrics[i]) == 0);
    tg_dict *d = tg_scheduler_state_dict(a);
    CHECK(tg_item(tg_dict_get(d, "best")) == 2);
    CHECK(tg_item(tg_dict_get(d, "cooldown_counter")) == 1);
    CHECK(tg_scheduler_load_state_dict(b, d) == 0);
    tg_dict *e = tg_scheduler_state_dict(b);
    CHECK(same_dicts(d, e));
    CHECK_STR(tg_dict_metadata(e, "scheduler"), "ReduceLROnPlateau");
    tg_dict_set(e, "_last_lr", tg_zeros(TG_SHAPE(2), TG_F64));
    CHECK(tg_scheduler_load_state_dict(b, e) == -1);
    CHECK_STR(tg_last_error(), "tg_scheduler_load_state_dict(): \"_last_lr\" should be torch.float64 of shape [1], "
                               "got torch.float64 of 2 element(s) in 1 dimension(s)");
    tg_dict_free(d), tg_dict_free(e);
    tg_scheduler_free(a), tg_scheduler_free(b);
    free_run(&r);
}

int main(void)
{
    char path[64], bad[64];
    snprintf(path, sizeof path, "test_checkpoint_%d.safetensors", (int)getpid());
    snprintf(bad, sizeof bad, "test_checkpoint_bad_%d.safetensors", (int)getpid());
    test_generator_state();
    test_plateau_state();
    test_resume(path);
    test_bad_checkpoints(path, bad);
    remove(path);
    remove(bad);
    return TEST_MAIN_END();
}
