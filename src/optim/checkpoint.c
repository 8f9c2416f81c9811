/* Training checkpoints: the model's, optimizer's and scheduler's state
   dicts and the generators' states in one safetensors file under
   prefixed names, and loading them back all or nothing. */
#include "optim.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FORMAT "tensorgrad-checkpoint-1"

enum { KEY_CAP = 200 };

static const char *const PARTS[] = {"model.", "optimizer.", "scheduler.", "rng."};

/* Every entry of part under prefix, and part's kind metadata (if any). */
static int put_part(tg_dict *d, tg_dict *part, const char *prefix, const char *kind_key)
{
    if (!part) return -1;
    int rc = 0;
    for (int i = 0; i < tg_dict_len(part) && rc == 0; i++) {
        char key[KEY_CAP];
        snprintf(key, sizeof key, "%s%s", prefix, tg_dict_key(part, i));
        rc = tg_dict_set(d, key, tg_dict_get(part, tg_dict_key(part, i)));
    }
    const char *kind = kind_key ? tg_dict_metadata(part, kind_key) : NULL;
    if (rc == 0 && kind) rc = tg_dict_set_metadata(d, kind_key, kind);
    tg_dict_free(part);
    return rc;
}

static int put_rng(tg_dict *d, const char *name, tg_generator *gen)
{
    tg_tensor *state = tg_generator_get_state(gen);
    return state ? tg_dict_set(d, name, state) : -1;
}

static int fill(tg_dict *d, const tg_module *model, const tg_optimizer *opt, const tg_scheduler *sched,
                tg_generator *gen, int64_t step)
{
    char step_text[32];
    snprintf(step_text, sizeof step_text, "%" PRId64, step);
    if (tg_dict_set_metadata(d, "format", FORMAT) != 0 || tg_dict_set_metadata(d, "step", step_text) != 0) return -1;
    if (model && put_part(d, tg_module_state_dict(model), "model.", NULL) != 0) return -1;
    if (opt && put_part(d, tg_optimizer_state_dict(opt), "optimizer.", "optimizer") != 0) return -1;
    if (sched && put_part(d, tg_scheduler_state_dict(sched), "scheduler.", "scheduler") != 0) return -1;
    if (put_rng(d, "rng.global", NULL) != 0) return -1;
    return gen ? put_rng(d, "rng.generator", gen) : 0;
}

int tg_save_checkpoint(const char *path, const tg_module *model, const tg_optimizer *opt, const tg_scheduler *sched,
                       tg_generator *gen, int64_t step)
{
    if (!path) return tg__faili(TG_E_NULL, "tg_save_checkpoint(): path is NULL");
    tg_dict *d = tg_dict_new();
    if (!d || tg_scope_begin() < 0) {
        tg_dict_free(d);
        return -1;
    }
    int rc = fill(d, model, opt, sched, gen, step);
    if (rc == 0) rc = tg_save_safetensors(d, path);
    tg_scope_end();
    tg_dict_free(d);
    return rc;
}

/* ------------------------------------------------------------- loading */

/* The entries of d under prefix, the prefix taken off, with d's
   kind_key metadata; NULL when out of memory. */
static tg_dict *part_of(const tg_dict *d, const char *prefix, const char *kind_key)
{
    tg_dict *part = tg_dict_new();
    size_t len = strlen(prefix);
    for (int i = 0; part && i < tg_dict_len(d); i++) {
        const char *key = tg_dict_key(d, i);
        if (strncmp(key, prefix, len) == 0 && tg_dict_set(part, key + len, tg_dict_get(d, key)) != 0) {
            tg_dict_free(part);
            return NULL;
        }
    }
    const char *kind = kind_key ? tg_dict_metadata(d, kind_key) : NULL;
    if (part && kind && tg_dict_set_metadata(part, kind_key, kind) != 0) {
        tg_dict_free(part);
        return NULL;
    }
    return part;
}

static bool has_prefix(const tg_dict *d, const char *prefix)
{
    for (int i = 0; i < tg_dict_len(d); i++)
        if (strncmp(tg_dict_key(d, i), prefix, strlen(prefix)) == 0) return true;
    return false;
}

static bool has_entry(const tg_dict *d, const char *name)
{
    for (int i = 0; i < tg_dict_len(d); i++)
        if (strcmp(tg_dict_key(d, i), name) == 0) return true;
    return false;
}

/* The format, the step, and that the file holds the parts given and no
   others; 0, or -1 with an error. */
static int check_layout(const tg_dict *d, const tg_module *model, const tg_optimizer *opt, const tg_scheduler *sched,
                        const tg_generator *gen, int64_t *step)
{
    const char *fn = "tg_load_checkpoint()";
    const char *format = tg_dict_metadata(d, "format");
    const char *step_text = tg_dict_metadata(d, "step");
    if (!format || strcmp(format, FORMAT) != 0 || !step_text)
        return tg__faili(TG_E_INVALID, "%s: not a checkpoint (its format is %s, expected " FORMAT ")", fn,
                         format ? format : "missing");
    for (int i = 0; i < tg_dict_len(d); i++) {
        const char *key = tg_dict_key(d, i);
        bool known = false;
        for (size_t p = 0; p < sizeof PARTS / sizeof *PARTS; p++) known |= strncmp(key, PARTS[p], strlen(PARTS[p])) == 0;
        if (!known) return tg__faili(TG_E_INVALID, "%s: unexpected entry \"%s\"", fn, key);
    }
    /* A model may have no state (no entries); an optimizer and a scheduler
       always have some. */
    if ((model == NULL && has_prefix(d, "model.")) || (opt == NULL) == has_prefix(d, "optimizer.") ||
        (sched == NULL) == has_prefix(d, "scheduler."))
        return tg__faili(TG_E_INVALID, "%s: the checkpoint's parts (model %s, optimizer %s, scheduler %s) do not "
                         "match the objects given", fn, has_prefix(d, "model.") ? "yes" : "no",
                         has_prefix(d, "optimizer.") ? "yes" : "no", has_prefix(d, "scheduler.") ? "yes" : "no");
    if (!has_entry(d, "rng.global") || (gen != NULL) != has_entry(d, "rng.generator"))
        return tg__faili(TG_E_INVALID, "%s: the checkpoint's \"rng.\" entries do not match the generator given", fn);
    char *end;
    *step = strtoll(step_text, &end, 10);
    if (end == step_text || *end != '\0')
        return tg__faili(TG_E_INVALID, "%s: the checkpoint's step \"%s\" is not a number", fn, step_text);
    return 0;
}

/* The generators' states set from d, the old ones kept in old_global and
   old_gen for undoing; 0, or -1 having changed nothing. */
static int load_rng(const tg_dict *d, tg_generator *gen, tg_tensor **old_global, tg_tensor **old_gen)
{
    *old_global = tg_generator_get_state(NULL);
    *old_gen = gen ? tg_generator_get_state(gen) : NULL;
    if (!*old_global || (gen && !*old_gen)) return -1;
    if (tg_generator_set_state(NULL, tg_dict_get(d, "rng.global")) != 0) return -1;
    if (gen && tg_generator_set_state(gen, tg_dict_get(d, "rng.generator")) != 0) {
        tg_generator_set_state(NULL, *old_global);
        return -1;
    }
    return 0;
}

/* An optimizer's groups and its parameters' state as they are, holding
   references to the state tensors, to put back exactly (the same tensors)
   when a later part of a load fails. */
typedef struct optim_undo {
    optim_group *groups;    /* opt->n_groups copies */
    optim_param *params;    /* every parameter's, the groups' in order */
} optim_undo;

static int optim_undo_take(const tg_optimizer *opt, optim_undo *u)
{
    size_t n = 0;
    for (int g = 0; g < opt->n_groups; g++) n += (size_t)opt->groups[g].n;
    u->groups = tg__malloc((size_t)opt->n_groups * sizeof *u->groups + n * sizeof *u->params + 1);
    if (!u->groups) return -1;
    u->params = (optim_param *)(u->groups + opt->n_groups);
    optim_param *at = u->params;
    for (int g = 0; g < opt->n_groups; g++) {
        u->groups[g] = opt->groups[g];
        for (int i = 0; i < opt->groups[g].n; i++, at++) {
            *at = opt->groups[g].params[i];
            for (int k = 0; k < OPTIM_MAX_STATE; k++)
                if (at->state[k]) tg_retain(at->state[k]);
        }
    }
    return 0;
}

/* Puts the taken state back (restore) or only drops the references. */
static void optim_undo_end(tg_optimizer *opt, optim_undo *u, bool restore)
{
    if (!u->groups) return;
    optim_param *at = u->params;
    for (int g = 0; g < opt->n_groups; g++) {
        if (restore) opt->groups[g] = u->groups[g];
        for (int i = 0; i < opt->groups[g].n; i++, at++) {
            optim_param *p = &opt->groups[g].params[i];
            for (int k = 0; k < OPTIM_MAX_STATE; k++) {
                tg_tensor **drop = restore ? &p->state[k] : &at->state[k];
                if (*drop) tg_release(*drop);
            }
            if (restore) *p = *at;
        }
    }
    free(u->groups);
}

static int load_parts(const tg_dict *d, tg_module *model, tg_optimizer *opt, tg_scheduler *sched, tg_generator *gen)
{
    tg_dict *model_d = part_of(d, "model.", NULL);
    tg_dict *opt_d = part_of(d, "optimizer.", "optimizer");
    tg_dict *sched_d = part_of(d, "scheduler.", "scheduler");
    optim_undo opt_before = {0};
    tg_tensor *old_global = NULL, *old_gen = NULL;
    int rc = -1;
    if (!model_d || !opt_d || !sched_d || (opt && optim_undo_take(opt, &opt_before) != 0)) goto done;
    if (sched && tg__scheduler_check_state(sched, sched_d) != 0) goto done;
    if (load_rng(d, gen, &old_global, &old_gen) != 0) goto done;
    if (opt && tg_optimizer_load_state_dict(opt, opt_d) != 0) goto undo_rng;
    if (model && tg_module_load_state_dict(model, model_d, true) != 0) goto undo_opt;
    if (sched) tg__scheduler_apply_state(sched, sched_d);
    rc = 0;
    goto done;
undo_opt:
    if (opt) optim_undo_end(opt, &opt_before, true);
    opt_before.groups = NULL;
undo_rng:
    tg_generator_set_state(NULL, old_global);
    if (gen) tg_generator_set_state(gen, old_gen);
done:
    tg_dict_free(model_d);
    tg_dict_free(opt_d);
    tg_dict_free(sched_d);
    if (opt) optim_undo_end(opt, &opt_before, false);
    return rc;
}

int tg_load_checkpoint(const char *path, tg_module *model, tg_optimizer *opt, tg_scheduler *sched,
                       tg_generator *gen, int64_t *step)
{
    if (!path) return tg__faili(TG_E_NULL, "tg_load_checkpoint(): path is NULL");
    tg_dict *d = tg_load_safetensors(path);
    if (!d) return -1;
    if (tg_scope_begin() < 0) {
        tg_dict_free(d);
        return -1;
    }
    int64_t saved_step = 0;
    int rc = check_layout(d, model, opt, sched, gen, &saved_step);
    if (rc == 0) rc = load_parts(d, model, opt, sched, gen);
    tg_scope_end();
    tg_dict_free(d);
    if (rc == 0 && step) *step = saved_step;
    return rc;
}
