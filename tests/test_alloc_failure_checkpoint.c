/* Scheduler and generator states and checkpoints with their N-th
   allocation failing, for every N (tests/alloc_sweep.h): each fails with
   TG_E_OOM and leaks nothing, and a failed load changes no parameter,
   optimizer or scheduler state and no generator. */
#include "alloc_sweep.h"
#include "checkpoint_run.h"

#include <stdio.h>
#include <unistd.h>

typedef struct ctx {
    run *r;
    const char *path;
    tg_dict *sched_state;
    snapshot before;
} ctx;

static int get_state(void *p)
{
    return tg_generator_get_state(((ctx *)p)->r->gen) ? 0 : -1;
}

static int set_state(void *p)
{
    ctx *c = p;
    return tg_generator_set_state(c->r->gen, c->before.gen);
}

static int sched_state_dict(void *p)
{
    tg_dict *d = tg_scheduler_state_dict(((ctx *)p)->r->sched);
    tg_dict_free(d);
    return d ? 0 : -1;
}

static int sched_load(void *p)
{
    ctx *c = p;
    return tg_scheduler_load_state_dict(c->r->sched, c->sched_state);
}

static int save(void *p)
{
    ctx *c = p;
    return tg_save_checkpoint(c->path, c->r->model, c->r->opt, c->r->sched, c->r->gen, 3);
}

static int load(void *p)
{
    ctx *c = p;
    int rc = tg_load_checkpoint(c->path, c->r->model, c->r->opt, c->r->sched, c->r->gen, NULL);
    if (rc != 0) {
        tg__fail_allocation_after(-1);   /* the comparison allocates */
        CHECK(unchanged(c->r, &c->before));
    }
    return rc;
}

int main(void)
{
    char path[64];
    snprintf(path, sizeof path, "test_alloc_checkpoint_%d.safetensors", (int)getpid());
    run saved = make_run(1, 11, 8);
    train(&saved, 3);
    ctx c = {&saved, path, tg_scheduler_state_dict(saved.sched), take(&saved)};
    CHECK(alloc_sweep("tg_generator_get_state", get_state, &c) > 0);
    alloc_sweep("tg_generator_set_state", set_state, &c);
    CHECK(alloc_sweep("tg_scheduler_state_dict", sched_state_dict, &c) > 0);
    alloc_sweep("tg_scheduler_load_state_dict", sched_load, &c);
    CHECK(alloc_sweep("tg_save_checkpoint", save, &c) > 0);
    drop(&c.before);
    tg_dict_free(c.sched_state);

    run fresh = make_run(2, 4, 8);
    train(&fresh, 1);
    c.r = &fresh;
    c.before = take(&fresh);
    CHECK(alloc_sweep("tg_load_checkpoint", load, &c) > 0);
    drop(&c.before);
    free_run(&saved);
    free_run(&fresh);
    remove(path);
    return TEST_MAIN_END();
}
