/* Activation checkpointing (torch.utils.checkpoint): a function run so that
   the graph keeps only its inputs, and recomputed during backward.

   Note [Checkpoint as a custom function]: tg_checkpoint runs fn once in
   grad mode on detached inputs, to learn which leaves (parameters) it
   reads, and keeps only the output's value; the graph of that run goes at
   once. The output is then recorded as one custom function
   (CheckpointFunctionBackward, ops/function.c) over fn's inputs and those
   leaves, which it saves (so writing one in place before backward fails
   with the version error). Its backward runs fn again in grad mode, with
   the random generator as it was before the first run (dropout draws the
   same mask), and takes the gradients of that run's output with
   tg_autograd_grad: so they go through the engine like any other node's
   (tg_autograd_grad and create_graph work through it, as with PyTorch's
   use_reentrant=False) and the leaves get theirs at the end of the outer
   backward. */
#include "nn.h"
#include "../graph/graph.h"   /* the walk that finds the leaves fn reads */

#include <stdlib.h>

typedef struct checkpoint_run {
    tg_gradcheck_fn fn;
    void *fn_ctx;
    void (*free_ctx)(void *);   /* when the run owns fn_ctx (checkpoint_sequential's segments) */
    int n_args;             /* the node's first inputs are fn's; the others are the leaves it reads */
    tg_tensor *rng_state;   /* the process-wide generator's state before the first run (the
                               node's copy holds a reference of its own) */
    tg_tensor *value;       /* forward only: the first run's output, detached (borrowed) */
} checkpoint_run;

static void run_free(void *p)
{
    checkpoint_run *r = p;
    if (r->free_ctx) r->free_ctx(r->fn_ctx);
    if (r->rng_state) tg_release(r->rng_state);
    free(r);
}

static int checkpoint_forward(tg_ctx *ctx, tg_tensor *const *in, int n_in, void *args, tg_tensor **out, int n_out)
{
    (void)n_out;
    checkpoint_run *given = args;
    checkpoint_run *r = tg__malloc(sizeof *r);
    if (!r) return -1;
    *r = *given;
    r->value = NULL;
    given->free_ctx = NULL;   /* fn_ctx is the node's now */
    tg_retain(r->rng_state);
    tg_ctx_set_data(ctx, r, run_free);
    out[0] = tg__alias(given->value, given->value->shape, given->value->strides, given->value->ndim,
                       given->value->offset);
    return out[0] ? tg_ctx_save_for_backward(ctx, in, n_in) : -1;
}

/* fn(inputs) in grad mode, in the current scope. */
static tg_tensor *run_fn(const checkpoint_run *r, tg_tensor *const *inputs)
{
    tg_tensor *out = NULL;
    TG_ENABLE_GRAD out = r->fn(inputs, r->n_args, r->fn_ctx);
    return out;
}

static int checkpoint_backward(tg_ctx *ctx, tg_tensor *const *g, int n_out, tg_tensor **gi, int n_in)
{
    (void)n_out;
    const checkpoint_run *r = tg_ctx_data(ctx);
    bool create_graph = tg_is_grad_enabled();   /* the engine's mode is create_graph */
    tg_tensor **saved = tg__calloc((size_t)n_in, sizeof *saved);
    tg_tensor **targets = tg__calloc((size_t)n_in, sizeof *targets);
    tg_tensor **grads = tg__calloc((size_t)n_in, sizeof *grads);
    bool *needs = tg__calloc((size_t)n_in, sizeof *needs);
    int *input_of = tg__calloc((size_t)n_in, sizeof *input_of);   /* target k is node input input_of[k] */
    int rc = saved && targets && grads && needs && input_of ? 0 : -1;
    for (int i = 0; i < n_in && rc == 0; i++) {
        saved[i] = tg_ctx_saved(ctx, i);
        needs[i] = tg_ctx_needs_input_grad(ctx, i) && tg_requires_grad(saved[i]);
        if (!saved[i]) rc = -1;
    }
    tg_tensor *now = rc == 0 ? tg_generator_get_state(NULL) : NULL;
    tg_tensor *out = NULL;
    if (now && tg_generator_set_state(NULL, r->rng_state) == 0) {
        out = run_fn(r, saved);   /* on the saved inputs themselves: create_graph links to them */
        if (tg_generator_set_state(NULL, now) != 0) out = NULL;
    }
    if (!out) rc = -1;
    int n_targets = 0;
    for (int i = 0; i < n_in && rc == 0; i++) {
        if (!needs[i]) continue;
        input_of[n_targets] = i;
        targets[n_targets++] = saved[i];
    }
    if (rc == 0 && n_targets && tg_requires_grad(out)) {
        tg_backward_opts opts = {.create_graph = create_graph, .allow_unused = true};
        tg_tensor *go = g[0];
        rc = tg_autograd_grad(&out, 1, targets, n_targets, &go, opts, grads);
        for (int k = 0; k < n_targets && rc == 0; k++) gi[input_of[k]] = grads[k];
    }
    free(saved);
    free(targets);
    free(grads);
    free(needs);
    free(input_of);
    return rc == 0 ? n_in : -1;
}

static const tg_function_def CHECKPOINT = {"CheckpointFunction", checkpoint_forward, checkpoint_backward};

/* The leaves that require grad reached from t's history, other than the
   detached inputs fn ran on, each once, retained: written to *leaves (a
   new array), their count returned, or -1. */
static int leaves_read(const tg_tensor *t, tg_tensor *const *detached, int n_args, tg_tensor ***leaves)
{
    *leaves = NULL;
    tg_node *root = tg__grad_fn(t);
    if (!root) return 0;
    tg_node_index ix = {0};
    int count = -1;
    if (tg__walk(&ix, &root, 1) == 0 && (*leaves = tg__calloc(ix.count + 1, sizeof **leaves))) {
        count = 0;
        for (size_t id = 0; id < ix.count; id++) {
            tg_tensor *leaf = ix.nodes[id]->leaf;
            bool own = false;
            for (int i = 0; i < n_args && leaf; i++) own = own || detached[i] == leaf;
            if (leaf && !own) (*leaves)[count++] = tg_retain(leaf);
        }
    }
    tg__node_index_free(&ix);
    return count;
}

/* tg_checkpoint, taking ownership of ctx when free_ctx is given (also when
   it fails). */
static tg_tensor *checkpoint(tg_gradcheck_fn fn, tg_tensor *const *inputs, int n, void *ctx, void (*free_ctx)(void *))
{
    checkpoint_run run = {fn, ctx, free_ctx, n, NULL, NULL};
    tg_tensor *result = NULL;
    if (!tg_is_grad_enabled()) {   /* nothing would be saved anyway */
        result = fn(inputs, n, ctx);
        if (free_ctx) free_ctx(ctx);
        return result;
    }
    run.rng_state = tg_generator_get_state(NULL);
    bool *needs = tg__calloc((size_t)n + 1, sizeof *needs);
    tg_tensor **detached = tg__calloc((size_t)n + 1, sizeof *detached);
    tg_tensor **leaves = NULL;
    int n_leaves = -1;
    if (run.rng_state && needs && detached && tg_scope_begin() >= 0) {
        /* on detached inputs, so that the walk stops at them */
        bool ok = true;
        for (int i = 0; i < n && ok; i++) {
            needs[i] = tg_requires_grad(inputs[i]);
            detached[i] = tg_detach(inputs[i]);
            ok = detached[i] && (!needs[i] || tg_requires_grad_(detached[i], true));
        }
        tg_tensor *out = ok ? run_fn(&run, detached) : NULL;
        n_leaves = out ? leaves_read(out, detached, n, &leaves) : -1;
        run.value = out ? tg_keep(tg_detach(out)) : NULL;
        tg_scope_end();
    }
    bool records = false;
    for (int i = 0; i < n && needs; i++) records = records || needs[i];
    tg_tensor **all = n_leaves >= 0 && run.value ? tg__calloc((size_t)(n + n_leaves) + 1, sizeof *all) : NULL;
    if (all && !records && n_leaves == 0) {
        result = run.value;   /* nothing requires grad: the value is the result */
    } else if (all) {
        for (int i = 0; i < n; i++) all[i] = inputs[i];
        for (int k = 0; k < n_leaves; k++) all[n + k] = leaves[k];
        if (tg_function_apply(&CHECKPOINT, all, n + n_leaves, &run, &result, 1) != 0) result = NULL;
    }
    for (int k = 0; k < n_leaves; k++) tg_release(leaves[k]);
    free(leaves);
    free(all);
    free(needs);
    free(detached);
    if (run.free_ctx) run.free_ctx(ctx);   /* no node took it */
    return result;
}

tg_tensor *tg_checkpoint(tg_gradcheck_fn fn, tg_tensor *const *inputs, int n, void *ctx)
{
    if (!fn || n < 0 || (n > 0 && !inputs)) return tg__fail(TG_E_NULL, "%s(): fn or inputs is NULL", __func__);
    for (int i = 0; i < n; i++) TG_ARG(inputs[i]);
    return checkpoint(fn, inputs, n, ctx, NULL);
}

/* fn of tg_checkpoint_sequential's segments: children [first, last] of a
   Sequential, in order. */
typedef struct segment {
    tg_module *m;
    int first, last;
} segment;

static tg_tensor *run_segment(tg_tensor *const *inputs, int n, void *ctx)
{
    (void)n;
    const segment *s = ctx;
    tg_tensor *x = inputs[0];
    for (int i = s->first; i <= s->last && x; i++) x = tg_module_forward(s->m->children[i], x);
    return x;
}

tg_tensor *tg_checkpoint_sequential(tg_module *m, int segments, const tg_tensor *input)
{
    if (!m) return tg__fail(TG_E_NULL, "%s(): the module is NULL", __func__);
    TG_ARG(input);
    if (segments < 1) return tg__fail(TG_E_INVALID, "%s(): segments must be at least 1, got %d", __func__, segments);
    /* PyTorch's split: segments - 1 checkpointed runs of n / segments
       children, then the rest run as usual */
    int size = m->n_children / segments, end = -1;
    tg_tensor *x = (tg_tensor *)input;
    for (int start = 0; start < size * (segments - 1) && x; start += size) {
        end = start + size - 1;
        segment *s = tg__malloc(sizeof *s);   /* the node's, as long as it lives */
        if (!s) return NULL;
        *s = (segment){m, start, end};
        x = checkpoint(run_segment, &x, 1, s, free);
    }
    segment rest = {m, end + 1, m->n_children - 1};
    return x ? run_segment(&x, 1, &rest) : NULL;
}
