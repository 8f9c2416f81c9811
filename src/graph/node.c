/* Graph nodes: creation, edges, recording, release, and grad mode.

   Note [Ownership in the graph] (as in PyTorch):
   - a tensor holds its grad_fn strongly;
   - a node holds its next nodes and its saved inputs strongly;
   - a node saves its own output only as a detached alias (same storage and
     version counter, no grad_fn), and links it back to itself on unpack;
   - an AccumulateGrad node holds its leaf; the leaf points back weakly.

   Note [The weak AccumulateGrad pointer]: a leaf may be used by several
   threads at once (shared parameters), so its grad_acc is read and written
   only under grad_acc_lock. A node whose count reached zero is on its way
   out but still allocated until node_free has cleared the pointer under the
   lock; tg__grad_edge takes a reference only from a count above zero (like
   std::weak_ptr::lock) and otherwise makes a new node. No other lock is
   taken under it. */
#include "graph.h"
#include "../core/refcount.h"

#include <pthread.h>
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

static const char *const OP_NAMES[TG_OP_COUNT] = {
    [TG_OP_ACCUMULATE_GRAD] = "AccumulateGrad",
#define TG_OP(id, name, derivative) [TG_OP_##id] = name,
#include "ops.def"
};

const char *tg__op_name(tg_op op) { return OP_NAMES[op]; }

const char *tg_node_name(const tg_node *n)
{
    if (!n) return NULL;
    return n->custom ? n->custom->name : OP_NAMES[n->op];
}
int tg_node_num_next(const tg_node *n) { return n ? n->n_next : 0; }

const tg_node *tg_node_next(const tg_node *n, int i)
{
    if (!n || i < 0 || i >= n->n_next) return NULL;
    return n->next[i].node;
}

const tg_node *tg_grad_fn(const tg_tensor *t) { return tg__bad_arg(__func__, t) ? NULL : tg__view_grad_fn(t); }

/* ------------------------------------------------------------ grad mode */

/* Grad mode and node numbering are per thread, as in PyTorch. */
static _Thread_local bool grad_disabled;
static _Thread_local uint64_t next_seq;

bool tg_is_grad_enabled(void) { return !grad_disabled; }

bool tg_set_grad_enabled(bool enabled)
{
    bool prev = !grad_disabled;
    grad_disabled = !enabled;
    return prev;
}

/* Inference mode turns grad mode off (on, when disabled), as PyTorch's
   InferenceMode guard sets both; TG_INFERENCE_MODE restores both after. */
bool tg_set_inference_mode(bool enabled)
{
    bool prev = tg__inference_mode();
    tg__set_inference_flag(enabled);
    grad_disabled = enabled;
    return prev;
}

bool tg_is_inference_mode_enabled(void) { return tg__inference_mode(); }

bool tg_is_inference(const tg_tensor *t) { return !tg__bad_arg(__func__, t) && tg__is_inference(t); }

bool tg__needs_grad(const tg_tensor *const *inputs, int n)
{
    if (grad_disabled) return false;
    for (int i = 0; i < n; i++) {
        if (!inputs[i]) continue;
        if (tg__requires_grad(inputs[i]) || tg__view_requires_grad(inputs[i])) return true;
        /* a view of a base written since may have gained a history */
        if (tg__view_base(inputs[i]) && tg__view_grad_fn(inputs[i])) return true;
    }
    return false;
}

/* ------------------------------------------------------------- release */

void tg__node_ref(tg_node *n) { tg__count_add(&n->refs, 1); }

/* Releasing a node can release a long chain behind it; free them from a
   worklist instead of recursing, so deep graphs cannot overflow the stack.
   The worklist starts in a fixed array (a chain needs one entry at a time)
   and moves to the heap only when a release fans out wider. */
enum { FIXED_PENDING = 64 };
static _Thread_local tg_node *fixed_pending[FIXED_PENDING];
static _Thread_local tg_node **pending;
static _Thread_local size_t n_pending, cap_pending;
static _Thread_local bool draining;

_Static_assert(TG_COUNT_NODES_MADE + TG_OP_COUNT <= TG_COUNTERS, "a count of nodes made for every op");

static pthread_mutex_t grad_acc_lock = PTHREAD_MUTEX_INITIALIZER;

int64_t tg__live_nodes(void) { return tg__counted(TG_COUNT_NODES); }
/* for tests that cover the table */
int64_t tg__nodes_created(tg_op op) { return tg__counted(TG_COUNT_NODES_MADE + (int)op); }

static void node_free(tg_node *n)
{
    tg__count(TG_COUNT_NODES, -1);
    for (int i = 0; i < n->n_next; i++)
        if (n->next[i].node) tg__node_unref(n->next[i].node);
    for (int i = 0; i < n->n_saved; i++)
        if (n->saved[i].used) tg__saved_drop(&n->saved[i]);   /* most slots never are */
    if (n->leaf) {
        tg_autograd *leaf = n->leaf->autograd;
        pthread_mutex_lock(&grad_acc_lock);
        if (leaf->grad_acc == n) leaf->grad_acc = NULL;   /* not a newer node's */
        pthread_mutex_unlock(&grad_acc_lock);
        tg__unref(n->leaf);
    }
    if (n->fn) tg__node_unref(n->fn);
    if (n->custom) n->custom->destroy(n->custom);
    tg__hooks_free(atomic_load(&n->hooks));
    tg__cache_free(n);
}

void tg__node_unref(tg_node *n)
{
    if (tg__count_add(&n->refs, -1) != 1) return;
    if (!pending) {
        pending = fixed_pending;
        cap_pending = FIXED_PENDING;
    }
    if (n_pending == cap_pending) {
        size_t cap = cap_pending * 2;
        tg_node **p = pending == fixed_pending ? malloc(cap * sizeof *p) : realloc(pending, cap * sizeof *p);
        if (!p) {   /* no room for the worklist: fall back to recursion */
            node_free(n);
            return;
        }
        if (pending == fixed_pending) memcpy(p, fixed_pending, sizeof fixed_pending);
        pending = p;
        cap_pending = cap;
    }
    pending[n_pending++] = n;
    if (draining) return;
    draining = true;
    while (n_pending) node_free(pending[--n_pending]);
    draining = false;
    if (pending != fixed_pending) free(pending);
    pending = NULL;
}

/* ------------------------------------------------------------ creation */

void tg__meta_of(tg_meta *m, const tg_tensor *t)
{
    m->dtype = t->dtype;
    m->ndim = t->ndim;
    memcpy(m->shape, t->shape, sizeof m->shape);
}

static size_t round_up(size_t n) { return (n + alignof(max_align_t) - 1) / alignof(max_align_t) * alignof(max_align_t); }

/* A node with room for n_inputs edges, n_saved slots and the parameters,
   laid out one after another in a single allocation (Note [Nodes]). All
   zero but the inputs' metadata, which the caller fills (a third of the
   block for a binary operation). */
static tg_node *node_alloc(tg_record what, int n_inputs)
{
    size_t at_next = round_up(sizeof(tg_node));
    size_t at_meta = at_next + round_up((size_t)n_inputs * sizeof(tg_edge));
    size_t at_saved = at_meta + round_up((size_t)n_inputs * sizeof(tg_meta));
    size_t at_params = at_saved + round_up((size_t)what.n_saved * sizeof(tg_saved));
    char *block = tg__cache_alloc(at_params + what.params_size);
    if (!block) return NULL;
    memset(block, 0, at_meta);
    memset(block + at_saved, 0, at_params + what.params_size - at_saved);
    tg_node *n = (tg_node *)block;
    tg__count(TG_COUNT_NODES, 1);
    tg__count(TG_COUNT_NODES_MADE + (int)what.op, 1);
    atomic_init(&n->refs, 1);
    n->op = what.op;
    n->n_next = n_inputs;
    n->n_saved = what.n_saved;
    n->next = (tg_edge *)(block + at_next);
    n->in_meta = (tg_meta *)(block + at_meta);
    n->saved = (tg_saved *)(block + at_saved);
    if (what.params_size) {
        n->params = block + at_params;
        memcpy(n->params, what.params, what.params_size);
    }
    return n;
}

tg_edge tg__grad_edge(const tg_tensor *t)
{
    tg_edge e = {NULL, 0};
    if (!t) return e;
    if (tg__view_base(t)) {   /* only a view's history can be stale */
        if (tg__check_view_rebase(t)) return e;   /* tg__node_new fails with its error */
        tg__view_grad_fn(t);
    }
    if (!tg__requires_grad(t)) return e;
    tg_autograd *leaf = t->autograd;
    if (leaf->grad_fn) {
        tg__node_ref(leaf->grad_fn);
        e.node = leaf->grad_fn;
        e.input_nr = leaf->output_nr;
        return e;
    }
    pthread_mutex_lock(&grad_acc_lock);
    tg_node *acc = leaf->grad_acc;
    if (!acc || !tg__count_add_unless_zero(&acc->refs)) {   /* none, or one being freed: a new node */
        acc = node_alloc((tg_record){.op = TG_OP_ACCUMULATE_GRAD}, 0);
        if (acc) {
            acc->seq = UINT64_MAX;   /* accumulate as soon as ready, as PyTorch does */
            acc->leaf = (tg_tensor *)t;
            tg__ref(acc->leaf);
            tg__meta_of(&acc->out_meta, t);
            leaf->grad_acc = acc;   /* weak: the edge's reference is the only one */
        }
    }
    pthread_mutex_unlock(&grad_acc_lock);
    e.node = acc;
    return e;
}

void tg__forget_grad_accumulator(tg_autograd *a)
{
    pthread_mutex_lock(&grad_acc_lock);
    a->grad_acc = NULL;   /* the node keeps its leaf; it only stops being found */
    pthread_mutex_unlock(&grad_acc_lock);
}

tg_node *tg__node_new(tg_record what, const tg_tensor *const *inputs, int n)
{
    tg_node *node = node_alloc(what, n);
    if (!node) return NULL;
    node->seq = next_seq++;
    if (tg__anomaly_enabled()) node->anomaly_site = tg__anomaly_site();
    for (int i = 0; i < n; i++) {
        if (!inputs[i]) {
            node->in_meta[i] = (tg_meta){0};
            continue;
        }
        tg__meta_of(&node->in_meta[i], inputs[i]);
        if (tg__check_view_rebase(inputs[i])) {   /* a view whose history PyTorch refuses to make */
            tg__node_unref(node);
            return NULL;
        }
        if (!tg__requires_grad(inputs[i])) continue;
        node->next[i] = tg__grad_edge(inputs[i]);
        if (!node->next[i].node) {
            tg__node_unref(node);
            return NULL;
        }
    }
    return node;
}

int tg__record(tg_tensor *out, tg_record what, const tg_tensor *const *inputs, int n, tg_node **node)
{
    if (node) *node = NULL;
    tg_tangent_hook tangent_rules = tg__forward_hook();   /* forward AD: out's tangent first */
    if (tangent_rules && tangent_rules(out, &what, inputs, n)) return -1;
    if (!tg__needs_grad(inputs, n)) return 0;
    tg_node *created = tg__node_new(what, inputs, n);
    if (!created || tg__set_history(out, created)) return -1;
    if (node) *node = created;
    return 0;
}

int tg__set_history(tg_tensor *out, tg_node *node)
{
    tg_autograd *a = tg__autograd(out);
    if (!a) {
        tg__node_unref(node);
        return -1;
    }
    if (a->retains_grad && tg__retain_set(node, out)) {   /* retain_grad follows an in-place write */
        tg__node_unref(node);
        return -1;
    }
    if (a->grad_fn) {
        if (a->retains_grad) tg__retain_forget(a->grad_fn, a);
        tg__node_unref(a->grad_fn);
    }
    a->grad_fn = node;
    a->output_nr = 0;
    a->requires_grad = true;
    tg__meta_of(&node->out_meta, out);
    return 0;
}
