/* The backward engine.

   Count dependencies from the roots, then run nodes whose gradients are all
   in, highest sequence number first (PyTorch's order), summing the
   gradients that reach each node. Everything a run could fail on (freed
   graphs, saved tensors modified in place) is checked before any node runs,
   so a failed backward leaves every tensor as it was. */
#include "../ops/ops.h"
#include "anomaly.h"

#include <stdlib.h>
#include <string.h>

typedef struct entry {
    tg_node *node;
    size_t *next;        /* the ids of node's next edges' nodes (SIZE_MAX: none) */
    int deps;            /* edges into this node not yet run */
    bool needed;         /* runs (leads to a leaf or an input we want) */
    bool ran;            /* its derivative ran in this backward */
    int capture;         /* index into the inputs + 1, or 0 */
    tg_tensor *buffer;   /* the sum of incoming gradients (strong) */
    tg_tensor **more;    /* a custom function's sums for its outputs after the first (strong;
                            Note [Custom function outputs] in ops/function.c) */
} entry;

/* A .grad a backward stores besides its leaves': a non-leaf's that
   retains it, or a non-leaf input's of tg_backward_multi. */
typedef struct extra_grad {
    tg_tensor *tensor;   /* strong */
    tg_tensor *grad;     /* strong */
} extra_grad;

typedef struct task {
    tg_node_index ix;    /* every node reachable from the roots */
    entry *entries;      /* by the node's id in ix */
    size_t *next_ids;    /* every entry's next, one after the other */
    entry **order;       /* every entry, topologically sorted */
    entry **heap;        /* ready nodes, max-heap on seq */
    size_t n_heap;
    entry **accumulated; /* the AccumulateGrad entries in the order they ran */
    size_t n_accumulated;
    extra_grad *extra;   /* room for one per node */
    size_t n_extra;
} task;

/* The entry of n, a node the walk found. */
static entry *entry_of(const task *t, const tg_node *n) { return &t->entries[tg__node_id(&t->ix, n)]; }

/* The entry e's i-th edge leads to, or NULL when it leads nowhere. */
static entry *next_entry(const task *t, const entry *e, int i)
{
    return e->next[i] == SIZE_MAX ? NULL : &t->entries[e->next[i]];
}

static void drop_more(entry *e)
{
    if (!e->more) return;
    for (int j = 1; j < e->node->custom->n_out; j++)
        if (e->more[j - 1]) tg__unref(e->more[j - 1]);
    tg__cache_free(e->more);
    e->more = NULL;
}

static void task_free(task *t)
{
    for (size_t id = 0; t->entries && id < t->ix.count; id++) {
        if (t->entries[id].buffer) tg__unref(t->entries[id].buffer);
        drop_more(&t->entries[id]);
    }
    for (size_t i = 0; i < t->n_extra; i++) {
        tg__unref(t->extra[i].tensor);
        if (t->extra[i].grad) tg__unref(t->extra[i].grad);
    }
    tg__cache_free(t->extra);
    tg__cache_free(t->accumulated);
    tg__node_index_free(&t->ix);
    tg__cache_free(t->entries);
    tg__cache_free(t->next_ids);
    tg__cache_free(t->order);
    tg__cache_free(t->heap);
}

/* Finds every node reachable from the roots (Note [Walking a graph] in
   graph/graph.h), looks up once where each edge leads, and counts each
   node's incoming edges. The passes after this one index arrays. */
static int discover(task *t, tg_node *const *roots, int n_roots)
{
    size_t n_edges = 0;
    bool ok = tg__walk(&t->ix, roots, n_roots) == 0;
    for (size_t id = 0; ok && id < t->ix.count; id++) n_edges += (size_t)t->ix.nodes[id]->n_next;
    ok = ok && (t->entries = tg__cache_calloc(t->ix.count * sizeof *t->entries)) &&
         (t->next_ids = tg__cache_alloc((n_edges + 1) * sizeof *t->next_ids));
    if (!ok) return tg__faili(TG_E_OOM, "out of memory while building the backward graph");
    size_t *ids = t->next_ids;
    for (size_t id = 0; id < t->ix.count; id++) {
        entry *e = &t->entries[id];
        e->node = t->ix.nodes[id];
        e->next = ids;
        for (int i = 0; i < e->node->n_next; i++) {
            const tg_node *next = e->node->next[i].node;
            size_t next_id = next ? (size_t)tg__node_id(&t->ix, next) : SIZE_MAX;
            *ids++ = next_id;
            if (next_id != SIZE_MAX) t->entries[next_id].deps++;
        }
    }
    return 0;
}

/* Sorts the entries into t->order so that every node comes before the
   nodes it feeds (Kahn's algorithm on a copy of the dependency counts). */
static int sort_topologically(task *t)
{
    size_t count = t->ix.count;
    t->order = tg__cache_alloc((count + 1) * sizeof *t->order);
    int *left = tg__cache_alloc((count + 1) * sizeof *left);   /* dependency counts, by id */
    if (!t->order || !left) {
        tg__cache_free(left);
        return -1;
    }
    size_t head = 0, tail = 0;
    for (size_t id = 0; id < count; id++) {
        left[id] = t->entries[id].deps;
        if (left[id] == 0) t->order[tail++] = &t->entries[id];
    }
    while (head < tail) {
        const entry *e = t->order[head++];
        for (int i = 0; i < e->node->n_next; i++) {
            entry *c = next_entry(t, e, i);
            if (c && --left[c - t->entries] == 0) t->order[tail++] = c;
        }
    }
    tg__cache_free(left);
    return 0;
}

/* needed(n): n leads to a capture or, when accumulating, to a leaf (with
   only_inputs, a leaf among the inputs). Walk the topological order
   backwards so successors are decided first. */
static void mark_needed(task *t, bool accumulate, bool only_inputs)
{
    for (size_t k = t->ix.count; k-- > 0;) {
        entry *e = t->order[k];
        tg_node *n = e->node;
        if (n->op == TG_OP_ACCUMULATE_GRAD || (accumulate && e->capture)) {
            e->needed = accumulate && (!only_inputs || e->capture);
            continue;
        }
        for (int i = 0; i < n->n_next && !e->needed; i++) {
            const entry *c = next_entry(t, e, i);
            if (c) e->needed = c->needed || c->capture;
        }
    }
}

static void heap_push(task *t, entry *e)
{
    size_t i = t->n_heap++;
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (t->heap[parent]->node->seq >= e->node->seq) break;
        t->heap[i] = t->heap[parent];
        i = parent;
    }
    t->heap[i] = e;
}

static entry *heap_pop(task *t)
{
    entry *top = t->heap[0], *last = t->heap[--t->n_heap];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= t->n_heap) break;
        if (c + 1 < t->n_heap && t->heap[c + 1]->node->seq > t->heap[c]->node->seq) c++;
        if (t->heap[c]->node->seq <= last->node->seq) break;
        t->heap[i] = t->heap[c];
        i = c;
    }
    if (t->n_heap) t->heap[i] = last;
    return top;
}

/* Adds g, a gradient of e's output output_nr, into its buffer, which keeps
   its own reference. */
static int add_to_buffer(entry *e, int output_nr, tg_tensor *g)
{
    tg_tensor **slot = &e->buffer;
    if (output_nr > 0) {
        if (!e->more && !(e->more = tg__cache_calloc((size_t)e->node->custom->n_out * sizeof *e->more))) return -1;
        slot = &e->more[output_nr - 1];
    }
    if (!*slot) {
        tg__ref(g);
        *slot = g;
        return 0;
    }
    tg_tensor *sum = tg_add(*slot, g);
    if (!sum) return -1;
    tg__ref(sum);
    tg__unref(*slot);
    *slot = sum;
    return 0;
}

static bool has_gradient(const entry *e) { return e->buffer || e->more; }

/* A custom function's backward gets every output's gradient (the first
   as the hooks left it). */
static int run_custom(entry *e, tg_tensor *first, tg_tensor **grads)
{
    int n_out = e->node->custom->n_out;
    tg_tensor **outs = tg__cache_calloc((size_t)n_out * sizeof *outs);
    if (!outs) return -1;
    outs[0] = first;
    for (int j = 1; j < n_out && e->more; j++) outs[j] = e->more[j - 1];
    int rc = tg__function_backward(e->node, outs, grads);
    tg__cache_free(outs);
    return rc;
}

/* Brings a derivative's result to the shape and dtype of the input it is for. */
static tg_tensor *fit_gradient(const tg_node *n, int i, tg_tensor *g)
{
    const tg_meta *m = &n->in_meta[i];
    if (!tg__same_shape(g->shape, g->ndim, m->shape, m->ndim)) {
        int64_t tmp[TG_MAX_DIMS];
        int nd;
        char got[256], want[256];
        if (tg__broadcast_shapes(g->shape, g->ndim, m->shape, m->ndim, tmp, &nd) ||
            !tg__same_shape(tmp, nd, g->shape, g->ndim))
            return tg__fail(TG_E_AUTOGRAD,
                            "Function %s returned an invalid gradient at index %d - got %s but expected shape compatible with %s",
                            tg_node_name(n), i, tg__shape_str(g->shape, g->ndim, got, sizeof got),
                            tg__shape_str(m->shape, m->ndim, want, sizeof want));
        g = tg__sum_to(g, m->shape, m->ndim);
        if (!g) return NULL;
    }
    /* A real input's part of a complex gradient is its real part
       (PyTorch's handle_r_to_c). */
    if (tg__is_complex(g->dtype) && !tg__is_complex(m->dtype)) g = tg_real(g);
    if (g && g->dtype != m->dtype) g = tg_to(g, m->dtype);
    return g;
}

/* Note [A backward is all or nothing]: a backward can fail half way (out of
   memory, say). So that it then leaves everything as it was, it writes
   nothing outside itself until every node has run: the gradients for the
   leaves wait in their AccumulateGrad entries, their new .grad tensors are
   all made before any is stored, and saved tensors are released at the end.

   Note [Accumulating into .grad]: the first gradient becomes .grad itself
   when nothing else holds it or its storage and it has .grad's layout, as
   PyTorch's AccumulateGrad steals it; otherwise it is copied, since one
   tensor may reach several leaves (add's backward passes its gradient to
   both inputs) or be the caller's. Under create_graph the copy is recorded
   (PyTorch's CopyBackwards) and later sums are out of place, so .grad keeps
   a graph; otherwise later sums are in place. Like PyTorch, a .grad with a
   graph that leads back to its own leaf is a reference cycle: clear it with
   tg_zero_grad when done. */

/* Whether g, a leaf's first gradient outside create_graph, can be its .grad
   as it is: only the engine's buffer holds it, its bytes are its own (or
   its own and its base's, when only g holds that base: a transposed
   product's or a keepdim sum's result), and its strides are the ones
   tg__grad_copy would give the copy. */
static bool can_take(const tg_tensor *g, const tg_tensor *leaf)
{
    int holders = tg__sole_view(g) ? 2 : 1;
    if (atomic_load(&g->refs) != 1 || atomic_load(&g->storage->refs) != holders ||
        atomic_load(&g->version->refs) != 1)
        return false;
    if (g->autograd && (g->autograd->grad_fn || g->autograd->requires_grad)) return false;
    size_t nbytes = (size_t)tg__numel(g->shape, g->ndim) * tg__dtype_size(g->dtype);
    if (g->offset != 0 || g->storage->nbytes != nbytes) return false;
    int64_t strides[TG_MAX_DIMS];
    if (tg__is_dense(leaf)) memcpy(strides, leaf->strides, sizeof strides);
    else tg__contiguous_strides(leaf->shape, leaf->ndim, strides);
    return g->ndim == 0 || memcmp(g->strides, strides, (size_t)g->ndim * sizeof *strides) == 0;
}

/* The new .grad for leaf, or NULL when g is to be added in place. */
static int prepare_grad(const tg_tensor *leaf, tg_tensor *g, bool create_graph, tg_tensor **out)
{
    *out = NULL;
    tg_tensor *grad = tg__grad_of(leaf);
    if (grad && !create_graph) return 0;
    if (!grad && !create_graph && can_take(g, leaf)) {
        grad = g;
        tg__forget_base(g);
    } else grad = grad ? tg_add(grad, g) : tg__grad_copy(g, leaf);
    if (!grad) return -1;
    tg__ref(grad);
    *out = grad;
    return 0;
}

/* Stores every waiting leaf gradient (with `leaves`) and the extra ones,
   or none of them. Adding in place into a .grad of the gradient's dtype
   and shape allocates nothing, so it cannot fail once the new tensors are
   made. */
static int accumulate_all(task *t, bool leaves, bool create_graph)
{
    tg_tensor **fresh = tg__cache_calloc((t->ix.count + 1) * sizeof *fresh);
    if (!fresh) return -1;
    tg__lock_grads();   /* other threads may store into the same leaves */
    int rc = 0;
    for (size_t k = 0; k < t->ix.count && rc == 0; k++) {
        entry *e = t->order[k];
        if (leaves && e->node->op == TG_OP_ACCUMULATE_GRAD && e->buffer)
            rc = prepare_grad(e->node->leaf, e->buffer, create_graph, &fresh[k]);
    }
    for (size_t i = 0; i < t->n_extra && rc == 0; i++) {   /* out of place: a non-leaf's .grad is a clone */
        extra_grad *x = &t->extra[i];
        tg_tensor *old = tg__grad_of(x->tensor);
        tg_tensor *grad = old ? tg_add(old, x->grad) : tg__grad_copy(x->grad, x->tensor);
        if (!grad) rc = -1;
        else tg__ref(grad);
        tg__unref(x->grad);
        x->grad = grad;   /* now the new .grad; NULL after a failure */
    }
    if (rc != 0) {
        for (size_t i = 0; i < t->n_extra; i++) {
            if (t->extra[i].grad) tg__unref(t->extra[i].grad);
            t->extra[i].grad = NULL;
        }
    }
    for (size_t k = 0; k < t->ix.count; k++) {
        entry *e = t->order[k];
        if (!leaves || e->node->op != TG_OP_ACCUMULATE_GRAD || !e->buffer) continue;
        tg_autograd *leaf = e->node->leaf->autograd;
        if (rc != 0) {
            if (fresh[k]) tg__unref(fresh[k]);
        } else if (fresh[k]) {
            if (leaf->grad) tg__unref(leaf->grad);
            leaf->grad = fresh[k];
        } else if (!tg_add_(leaf->grad, e->buffer)) {
            rc = -1;
        }
    }
    for (size_t i = 0; i < t->n_extra && rc == 0; i++) {
        tg_autograd *a = t->extra[i].tensor->autograd;
        if (a->grad) tg__unref(a->grad);
        a->grad = t->extra[i].grad;
        t->extra[i].grad = NULL;
    }
    tg__unlock_grads();
    tg__cache_free(fresh);
    return rc;
}

/* Without retain_graph, the nodes that ran drop what they saved. */
static void release_saved(task *t)
{
    for (size_t k = 0; k < t->ix.count; k++) {
        entry *e = t->order[k];
        if (!e->ran) continue;
        /* CopySlices ran its fn's derivative too */
        for (tg_node *n = e->node; n; n = n->fn) {
            n->released = true;
            for (int i = 0; i < n->n_saved; i++)
                if (n->saved[i].used) tg__saved_drop(&n->saved[i]);
        }
    }
}

/* Runs the node's derivative on g, its gradient after the hooks, then
   its hooks on what the derivative made. */
static int run_node(task *t, entry *e, tg_tensor *g)
{
    tg_node *n = e->node;
    enum { FEW = 4 };   /* most operations have at most this many inputs */
    tg_tensor *few[FEW] = {0};
    tg_tensor **grads = n->n_next <= FEW ? few : tg__cache_calloc((size_t)n->n_next * sizeof *grads);
    if (!grads) return -1;
    int rc = n->custom ? run_custom(e, g, grads) : TG_DERIVATIVES[n->op](n, g, grads);
    if (rc == 0 && atomic_load(&n->hooks)) rc = tg__run_node_hooks(n, grads, &g);
    if (rc == 0 && tg__anomaly_check_nan()) rc = tg__check_nan_gradients(n, grads);
    for (int i = 0; i < n->n_next && rc == 0; i++) {
        entry *target = next_entry(t, e, i);
        if (!target || !grads[i] || (!target->needed && !target->capture)) continue;
        tg_tensor *fitted = fit_gradient(n, i, grads[i]);
        rc = fitted ? add_to_buffer(target, n->next[i].input_nr, fitted) : -1;
    }
    if (rc != 0 && tg__anomaly_enabled()) tg__warn_forward_site(n);
    e->ran = rc == 0;
    if (grads != few) tg__cache_free(grads);
    return rc;
}

/* Note [Hooks in a backward]: at a node, PyTorch 1.13 runs the node's
   pre-hooks, then the hooks of the tensor it made, then stores that
   tensor's retained .grad (here: keeps it to store with the leaves'), then
   the derivative, then the node's hooks. At an AccumulateGrad node, its
   pre-hooks and the leaf's hooks run when it is reached, and the gradient
   they leave waits for accumulate_all. Captured gradients
   (tg_autograd_grad) are taken before any hook. */
static int run_grad_hooks(task *t, entry *e, tg_tensor **g)
{
    tg_node *n = e->node;
    _Atomic(tg_hook_list *) *tensor_hooks = n->op == TG_OP_ACCUMULATE_GRAD ? &n->leaf->autograd->hooks : &n->hooks;
    if (!atomic_load(&n->hooks) && !atomic_load(tensor_hooks)) return 0;   /* nearly every node: nothing to run */
    int rc = tg__run_grad_hooks(&n->hooks, n, TG_HOOK_PRE, g);
    if (rc == 0) rc = tg__run_grad_hooks(tensor_hooks, n, TG_HOOK_TENSOR, g);
    tg_tensor *retained = rc == 0 && n->op != TG_OP_ACCUMULATE_GRAD ? tg__retained_by(n) : NULL;
    if (retained) {
        tg__ref(*g);
        t->extra[t->n_extra++] = (extra_grad){retained, *g};
    }
    return rc;
}

/* Runs an entry that is needed and has a gradient. */
static int run_entry(task *t, entry *e)
{
    tg_node *n = e->node;
    if (n->op == TG_OP_ACCUMULATE_GRAD && !atomic_load(&n->hooks) && !atomic_load(&n->leaf->autograd->hooks)) {
        t->accumulated[t->n_accumulated++] = e;   /* no hook: nothing to open a scope for */
        return 0;
    }
    if (tg_scope_begin() < 0) return -1;
    tg_tensor *g = e->buffer;   /* NULL for a custom function whose first output got none */
    int rc = g ? run_grad_hooks(t, e, &g) : 0;
    if (rc == 0 && e->node->op != TG_OP_ACCUMULATE_GRAD) {
        rc = run_node(t, e, g);
    } else if (rc == 0) {   /* the leaf's gradient waits, as the hooks left it */
        tg__ref(g);
        tg__unref(e->buffer);
        e->buffer = g;
        t->accumulated[t->n_accumulated++] = e;
    }
    tg_scope_end();
    return rc;
}

static void release_children(task *t, entry *e)
{
    for (int i = 0; i < e->node->n_next; i++) {
        entry *c = next_entry(t, e, i);
        if (c && --c->deps == 0 && (c->needed || c->capture)) heap_push(t, c);
    }
}

/* Runs backward from roots (each with a gradient, already checked). With
   grads_out, captures the inputs' gradients there instead of accumulating;
   without, accumulates into every leaf, or only into the inputs when there
   are any (a non-leaf input retains its grad, as PyTorch's backward makes
   it). */
static int run_backward(tg_tensor *const *roots, tg_tensor *const *grads, int n_roots,
                        tg_tensor *const *inputs, int n_in, tg_backward_opts opts,
                        tg_tensor **grads_out)
{
    task t = {0};
    int rc = -1;
    tg_node **root_nodes = tg__calloc((size_t)n_roots + 1, sizeof *root_nodes);
    tg_edge *root_edges = tg__calloc((size_t)n_roots + 1, sizeof *root_edges);
    tg_edge *input_edges = tg__calloc((size_t)n_in + 1, sizeof *input_edges);
    if (!root_nodes || !root_edges || !input_edges) goto done;
    for (int r = 0; r < n_roots; r++) {
        root_edges[r] = tg__grad_edge(roots[r]);
        if (!root_edges[r].node) goto done;
        root_nodes[r] = root_edges[r].node;
    }
    if (discover(&t, root_nodes, n_roots)) goto done;
    for (int i = 0; i < n_in; i++) {
        input_edges[i] = tg__grad_edge(inputs[i]);
        if (!input_edges[i].node) goto done;
        int64_t id = tg__node_id(&t.ix, input_edges[i].node);   /* -1: not in the graph */
        if (id >= 0 && !t.entries[id].capture) t.entries[id].capture = i + 1;   /* repeats are filled in below */
    }
    if (sort_topologically(&t)) goto done;
    mark_needed(&t, !grads_out, n_in > 0);
    /* Of the nodes that would fail, report the one PyTorch runs first: the
       highest sequence number (a node runs once every node that feeds it,
       all created after it, has run). */
    tg_node *first_bad = NULL;
    for (size_t k = 0; k < t.ix.count; k++) {
        entry *e = t.order[k];
        if (e->needed && tg__check_saved(e->node) && (!first_bad || e->node->seq > first_bad->seq))
            first_bad = e->node;
    }
    if (first_bad) {
        tg__check_saved(first_bad);   /* its message */
        if (tg__anomaly_enabled()) tg__warn_forward_site(first_bad);
        goto done;
    }
    t.heap = tg__cache_alloc((t.ix.count + 1) * sizeof *t.heap);
    t.accumulated = tg__cache_alloc((t.ix.count + 1) * sizeof *t.accumulated);
    t.extra = tg__cache_alloc((t.ix.count + (size_t)n_in + 1) * sizeof *t.extra);
    if (!t.heap || !t.accumulated || !t.extra) goto done;

    bool prev_mode = tg_set_grad_enabled(opts.create_graph);
    rc = 0;
    for (int r = 0; r < n_roots && rc == 0; r++)
        rc = add_to_buffer(entry_of(&t, root_nodes[r]), root_edges[r].input_nr, grads[r]);
    for (size_t k = 0; k < t.ix.count && rc == 0; k++) {
        entry *e = t.order[k];
        if (e->deps == 0 && (e->needed || e->capture)) heap_push(&t, e);
    }
    while (rc == 0 && t.n_heap) {
        entry *e = heap_pop(&t);
        if (grads_out && e->capture && e->buffer) {
            tg__ref(e->buffer);
            grads_out[e->capture - 1] = e->buffer;
        }
        if (e->needed && has_gradient(e)) rc = run_entry(&t, e);
        if (e->node->op == TG_OP_ACCUMULATE_GRAD) continue;   /* waits for accumulate_all */
        if (e->buffer) {
            tg__unref(e->buffer);
            e->buffer = NULL;
        }
        drop_more(e);
        release_children(&t, e);
    }
    /* tg_autograd_grad stores no leaf's .grad, but retained ones as PyTorch's does */
    if (rc == 0 && (!grads_out || t.n_extra)) rc = accumulate_all(&t, !grads_out, opts.create_graph);
    for (size_t i = 0; i < t.n_accumulated && rc == 0; i++)
        rc = tg__run_post_accumulate_hooks(t.accumulated[i]->node->leaf);
    tg_set_grad_enabled(prev_mode);
    /* PyTorch's retain_graph defaults to create_graph: a graph whose
       derivatives were recorded is kept for them. */
    if (rc == 0 && !opts.retain_graph && !opts.create_graph) release_saved(&t);
    for (int i = 0; i < n_in && rc == 0 && grads_out; i++) {   /* an input given twice gets the same gradient */
        int64_t id = tg__node_id(&t.ix, input_edges[i].node);
        int first = id >= 0 ? t.entries[id].capture - 1 : i;
        if (first != i && grads_out[first]) {
            tg__ref(grads_out[first]);
            grads_out[i] = grads_out[first];
        }
    }
done:
    for (int r = 0; r < n_roots && root_edges; r++)
        if (root_edges[r].node) tg__node_unref(root_edges[r].node);
    for (int i = 0; i < n_in && input_edges; i++)
        if (input_edges[i].node) tg__node_unref(input_edges[i].node);
    free(root_nodes);
    free(root_edges);
    free(input_edges);
    task_free(&t);
    return rc;
}

/* PyTorch's _make_grads: the gradient for each output, checked or implied.
   Fills grads with scope-owned tensors. */
static int make_grads(tg_tensor *const *outputs, tg_tensor *const *given, int n, tg_tensor **grads)
{
    for (int i = 0; i < n; i++) {
        const tg_tensor *out = outputs[i];
        const tg_tensor *g = given ? given[i] : NULL;
        if (!tg__requires_grad(out))
            return tg__faili(TG_E_AUTOGRAD, "element %d of tensors does not require grad and does not have a grad_fn", i);
        if (g) {
            if (!tg__same_shape(g->shape, g->ndim, out->shape, out->ndim)) {
                char a[300], b[300];
                return tg__faili(TG_E_SHAPE,
                                 "Mismatch in shape: grad_output[%d] has a shape of %s and output[%d] has a shape of %s.",
                                 i, tg__shape_text(g->shape, g->ndim, "torch.Size([", "])", a, sizeof a),
                                 i, tg__shape_text(out->shape, out->ndim, "torch.Size([", "])", b, sizeof b));
            }
            /* In the output's dtype, as PyTorch's validate_outputs casts it
               (a leaf root adds it straight into its .grad). */
            grads[i] = g->dtype == out->dtype ? (tg_tensor *)g : tg_to(g, out->dtype);
            if (!grads[i]) return -1;
            continue;
        }
        if (tg_numel(out) != 1)
            return tg__faili(TG_E_AUTOGRAD, "grad can be implicitly created only for scalar outputs");
        grads[i] = tg_ones(out->shape, out->ndim, out->dtype);
        if (!grads[i]) return -1;
    }
    return 0;
}

/* PyTorch's engine warns of the cycle once per process (TORCH_WARN_ONCE),
   in words that name its Python API; these name the C one. */
static void warn_create_graph_cycle(void)
{
    static atomic_bool warned;
    if (atomic_exchange(&warned, true)) return;
    tg__warn("Using tg_backward_ex() with create_graph will create a reference cycle between the parameter and "
             "its gradient which can cause a memory leak. We recommend using tg_autograd_grad() when creating "
             "the graph to avoid this. If you have to use this function, make sure to clear the gradients of "
             "your parameters with tg_zero_grad() after use to break the cycle and avoid the leak.");
}

/* fn is the public function's name, for errors. */
static int backward(const char *fn, tg_tensor *root, const tg_tensor *gradient, tg_backward_opts opts)
{
    TG_ARGI_OF(fn, root);
    if (gradient) TG_ARGI_OF(fn, gradient);   /* NULL is allowed; a dead one is not */
    if (tg_scope_begin() < 0) return -1;
    tg_tensor *g = NULL;
    tg_tensor *given = (tg_tensor *)gradient;
    int rc = make_grads(&root, gradient ? &given : NULL, 1, &g);
    if (rc == 0 && opts.create_graph) warn_create_graph_cycle();
    if (rc == 0) rc = run_backward(&root, &g, 1, NULL, 0, opts, NULL);
    tg_scope_end();
    return rc;
}

int tg_backward_ex(tg_tensor *root, const tg_tensor *gradient, tg_backward_opts opts)
{
    return backward(__func__, root, gradient, opts);
}

int tg_backward(tg_tensor *root, const tg_tensor *gradient)
{
    return backward(__func__, root, gradient, (tg_backward_opts){0});
}

int tg_backward_multi(tg_tensor *const *roots, int n, tg_tensor *const *grads, tg_tensor *const *inputs, int n_in,
                      tg_backward_opts opts)
{
    if (n < 0 || n_in < 0 || (n > 0 && !roots) || (n_in > 0 && !inputs))
        return tg__faili(TG_E_NULL, "tg_backward_multi(): roots or inputs is NULL");
    if (inputs && n_in == 0) return tg__faili(TG_E_AUTOGRAD, "'inputs' argument to backward() cannot be empty.");
    for (int i = 0; i < n; i++) {
        TG_ARGI(roots[i]);
        if (grads && grads[i]) TG_ARGI(grads[i]);   /* NULL entries are allowed */
    }
    for (int i = 0; i < n_in; i++) TG_ARGI(inputs[i]);
    if (n == 0) return 0;   /* as torch.autograd.backward([]) */
    if (tg_scope_begin() < 0) return -1;
    tg_tensor **made = tg__calloc((size_t)n, sizeof *made);
    int rc = made ? make_grads(roots, grads, n, made) : -1;
    /* PyTorch's backward makes each input retain its grad (a no-op for leaves) */
    for (int i = 0; i < n_in && rc == 0; i++) rc = tg_retain_grad(inputs[i]) ? 0 : -1;
    if (rc == 0 && opts.create_graph) warn_create_graph_cycle();
    if (rc == 0) rc = run_backward(roots, made, n, inputs, n_in, opts, NULL);
    tg_scope_end();
    free(made);
    return rc;
}

int tg_autograd_grad(tg_tensor *const *outputs, int n_out, tg_tensor *const *inputs, int n_in,
                     tg_tensor *const *grad_outputs, tg_backward_opts opts, tg_tensor **grads_out)
{
    if (!outputs || (n_in > 0 && !inputs) || !grads_out || n_out < 0 || n_in < 0)
        return tg__faili(TG_E_NULL, "tg_autograd_grad(): outputs, inputs or grads_out is NULL");
    if (n_in == 0) return tg__faili(TG_E_INVALID, "grad requires non-empty inputs.");
    for (int i = 0; i < n_out; i++) {
        TG_ARGI(outputs[i]);
        if (grad_outputs && grad_outputs[i]) TG_ARGI(grad_outputs[i]);   /* NULL entries are allowed */
    }
    for (int i = 0; i < n_in; i++) TG_ARGI(inputs[i]);
    if (tg_scope_begin() < 0) return -1;
    tg_tensor **grads = tg__calloc((size_t)n_out + 1, sizeof *grads);
    tg_tensor **captured = tg__calloc((size_t)n_in, sizeof *captured);
    /* the outputs are checked first, as PyTorch checks them */
    int rc = grads && captured ? make_grads(outputs, grad_outputs, n_out, grads) : -1;
    for (int i = 0; i < n_in && rc == 0; i++)
        if (!tg__requires_grad(inputs[i]) && !tg__view_grad_fn(inputs[i]))
            rc = tg__faili(TG_E_AUTOGRAD, "One of the differentiated Tensors does not require grad");
    if (rc == 0 && n_out > 0) rc = run_backward(outputs, grads, n_out, inputs, n_in, opts, captured);
    for (int i = 0; i < n_in && rc == 0; i++)
        if (!captured[i] && !opts.allow_unused)
            rc = tg__faili(TG_E_AUTOGRAD,
                           "One of the differentiated Tensors appears to not have been used in the graph. Set allow_unused=True if this is the desired behavior.");
    tg_scope_end();
    for (int i = 0; i < n_in && captured; i++) {
        if (rc == 0) {   /* hand our reference to the caller's scope; unused inputs get NULL */
            rc = captured[i] ? tg__scope_own(captured[i]) : 0;
            grads_out[i] = rc == 0 ? captured[i] : NULL;
        } else if (captured[i]) {
            tg__unref(captured[i]);
        }
    }
    free(grads);
    free(captured);
    return rc;
}
