/* Graph nodes: creation, edges, saved tensors, and release.

   Note [Ownership in the graph] (as in PyTorch):
   - a tensor holds its grad_fn strongly;
   - a node holds its next nodes and its saved inputs strongly;
   - a node saves its own output only as a detached alias (same storage and
     version counter, no grad_fn), and links it back to itself on unpack;
   - an AccumulateGrad node holds its leaf; the leaf points back weakly.

   Note [The weak AccumulateGrad pointer]: a leaf may be used by several
   threads at once (shared parameters), so leaf->grad_acc is read and written
   only under grad_acc_lock. A node whose count reached zero is on its way
   out but still allocated until node_free has cleared the pointer under the
   lock; tg__grad_edge takes a reference only from a count above zero (like
   std::weak_ptr::lock) and otherwise makes a new node. No other lock is
   taken under it. */
#include "../internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

const char *tg_node_name(const tg_node *n) { return n ? TG_OPS[n->op].name : NULL; }
int tg_node_num_next(const tg_node *n) { return n ? n->n_next : 0; }

const tg_node *tg_node_next(const tg_node *n, int i)
{
    if (!n || i < 0 || i >= n->n_next) return NULL;
    return n->next[i].node;
}

const tg_node *tg_grad_fn(const tg_tensor *t) { return tg__view_grad_fn(t); }

void tg__node_ref(tg_node *n) { atomic_fetch_add(&n->refs, 1); }

/* Releasing a node can release a long chain behind it; free them from a
   worklist instead of recursing, so deep graphs cannot overflow the stack. */
static _Thread_local tg_node **pending;
static _Thread_local size_t n_pending, cap_pending;
static _Thread_local bool draining;

static atomic_int_least64_t live_nodes;
static atomic_int_least64_t created[TG_OP_COUNT];   /* for tests that cover the table */

static pthread_mutex_t grad_acc_lock = PTHREAD_MUTEX_INITIALIZER;

int64_t tg__live_nodes(void) { return atomic_load(&live_nodes); }
int64_t tg__nodes_created(tg_op op) { return atomic_load(&created[op]); }

static void node_free(tg_node *n)
{
    atomic_fetch_sub(&live_nodes, 1);
    for (int i = 0; i < n->n_next; i++)
        if (n->next[i].node) tg__node_unref(n->next[i].node);
    for (int i = 0; i < n->n_saved; i++)
        if (n->saved[i].data) tg__unref(n->saved[i].data);
    if (n->leaf) {
        pthread_mutex_lock(&grad_acc_lock);
        if (n->leaf->grad_acc == n) n->leaf->grad_acc = NULL;   /* not a newer node's */
        pthread_mutex_unlock(&grad_acc_lock);
        tg__unref(n->leaf);
    }
    if (n->fn) tg__node_unref(n->fn);
    free(n->geom);
    free(n);
}

void tg__node_unref(tg_node *n)
{
    if (atomic_fetch_sub(&n->refs, 1) != 1) return;
    if (n_pending == cap_pending) {
        size_t cap = cap_pending ? cap_pending * 2 : 64;
        tg_node **p = realloc(pending, cap * sizeof *p);
        if (!p) {   /* no room for the worklist: fall back to recursion */
            node_free(n);
            return;
        }
        pending = p;
        cap_pending = cap;
    }
    pending[n_pending++] = n;
    if (draining) return;
    draining = true;
    while (n_pending) node_free(pending[--n_pending]);
    draining = false;
    free(pending);
    pending = NULL;
    cap_pending = 0;
}

bool tg_is_grad_enabled(void)
{
    tg_thread *th = tg__thread();
    return th ? th->grad_enabled : true;
}

bool tg_set_grad_enabled(bool enabled)
{
    tg_thread *th = tg__thread();
    if (!th) return true;
    bool prev = th->grad_enabled;
    th->grad_enabled = enabled;
    return prev;
}

bool tg__needs_grad(const tg_tensor *const *inputs, int n)
{
    if (!tg_is_grad_enabled()) return false;
    for (int i = 0; i < n; i++)   /* a view of a base written since may have gained a history */
        if (inputs[i] && (tg__view_grad_fn(inputs[i]) || inputs[i]->requires_grad)) return true;
    return false;
}

void tg__meta_of(tg_meta *m, const tg_tensor *t)
{
    m->dtype = t->dtype;
    m->ndim = t->ndim;
    memcpy(m->shape, t->shape, sizeof m->shape);
}

static tg_node *node_alloc(tg_op op)
{
    tg_node *n = tg__calloc(1, sizeof *n);
    if (!n) return NULL;
    atomic_fetch_add(&live_nodes, 1);
    atomic_fetch_add(&created[op], 1);
    atomic_init(&n->refs, 1);
    n->op = op;
    return n;
}

tg_edge tg__grad_edge(const tg_tensor *t)
{
    tg_edge e = {NULL, 0};
    tg__view_grad_fn(t);
    if (!t || !t->requires_grad) return e;
    if (t->grad_fn) {
        tg__node_ref(t->grad_fn);
        e.node = t->grad_fn;
        return e;
    }
    tg_tensor *leaf = (tg_tensor *)t;
    pthread_mutex_lock(&grad_acc_lock);
    tg_node *acc = leaf->grad_acc;
    int refs = acc ? atomic_load(&acc->refs) : 0;
    while (refs > 0 && !atomic_compare_exchange_weak(&acc->refs, &refs, refs + 1)) {}
    if (refs == 0) {   /* none, or one being freed: a new node */
        acc = node_alloc(TG_OP_ACCUMULATE_GRAD);
        if (acc) {
            acc->seq = UINT64_MAX;   /* accumulate as soon as ready, as PyTorch does */
            acc->leaf = leaf;
            tg__ref(leaf);
            tg__meta_of(&acc->out_meta, leaf);
            leaf->grad_acc = acc;   /* weak: the edge's reference is the only one */
        }
    }
    pthread_mutex_unlock(&grad_acc_lock);
    e.node = acc;
    return e;
}

tg_node *tg__node_new(tg_op op, const tg_tensor *const *inputs, int n)
{
    tg_node *node = node_alloc(op);
    if (!node) return NULL;
    tg_thread *th = tg__thread();
    node->seq = th ? th->next_seq++ : 0;
    node->n_next = n;
    for (int i = 0; i < n; i++) {
        if (!inputs[i]) continue;
        tg__meta_of(&node->in_meta[i], inputs[i]);
        if (!inputs[i]->requires_grad) continue;
        node->next[i] = tg__grad_edge(inputs[i]);
        if (!node->next[i].node) {
            tg__node_unref(node);
            return NULL;
        }
    }
    return node;
}

/* Note [CopySlices]: after an in-place operation on a view, the base's new
   history is a CopySlices node: its edge 0 is the base's old history, the
   others are those of fn (the operation's node) for its other inputs. Its
   derivative runs fn's on the view's part of the gradient
   (derivatives.c). */
tg_node *tg__copy_slices_new(const tg_tensor *base, const tg_tensor *view, tg_node *fn)
{
    tg_node *n = tg__node_new(TG_OP_COPY_SLICES, &base, 1);
    if (!n) return NULL;
    n->geom = tg__malloc(2 * sizeof *n->geom);
    if (!n->geom) {
        tg__node_unref(n);
        return NULL;
    }
    tg__strided_of(&n->geom[0], base);
    tg__strided_of(&n->geom[1], view);
    n->n_next = fn->n_next;
    for (int i = 1; i < fn->n_next; i++) {
        n->next[i] = fn->next[i];
        if (n->next[i].node) tg__node_ref(n->next[i].node);
        n->in_meta[i] = fn->in_meta[i];
    }
    tg__node_ref(fn);
    n->fn = fn;
    return n;
}

int tg__record(tg_tensor *out, tg_op op, const tg_tensor *const *inputs, int n, tg_node **node)
{
    if (node) *node = NULL;
    if (!tg__needs_grad(inputs, n)) return 0;
    tg_node *created = tg__node_new(op, inputs, n);
    if (!created) return -1;
    tg__set_history(out, created);
    if (node) *node = created;
    return 0;
}

void tg__set_history(tg_tensor *out, tg_node *node)
{
    if (out->grad_fn) tg__node_unref(out->grad_fn);
    out->grad_fn = node;
    out->requires_grad = true;
    tg__meta_of(&node->out_meta, out);
}

static void save_slot(tg_node *n, int slot, tg_tensor *t, bool is_output)
{
    tg_saved *s = &n->saved[slot];
    tg__ref(t);
    s->data = t;
    s->version = atomic_load(&t->version->value);
    s->used = true;
    s->is_output = is_output;
    if (slot >= n->n_saved) n->n_saved = slot + 1;
}

/* Note [Saved inputs]: a node keeps an input as it was when saved: an alias
   (same storage, version counter and geometry) holding the grad_fn the input
   had then. Keeping the input itself would let a later in-place operation,
   which gives the input a newer history, close a reference cycle:
   z = y.abs(); y.pow_(z) makes y -> PowBackward1 -> z -> AbsBackward0 -> y.
   (The alias sees the in-place write through the version counter, so
   backward still fails; the error names the in-place operation, as
   PyTorch's names the input's grad_fn, through the counter's inplace_op.)
   A leaf that requires grad is kept as it is, since its gradient must reach
   its own AccumulateGrad node and in-place operations on it are not
   recorded; so is any input when the alias cannot be allocated. */
int tg__save(tg_node *n, int slot, const tg_tensor *t)
{
    tg__view_grad_fn(t);
    tg_tensor *snapshot = t->requires_grad && !t->grad_fn
                              ? NULL : tg__alias(t, t->shape, t->strides, t->ndim, t->offset);
    n->saved[slot].of_view = t->view_base != NULL;
    if (!snapshot) {
        save_slot(n, slot, (tg_tensor *)t, false);
        return 0;
    }
    snapshot->requires_grad = t->requires_grad;
    if (t->grad_fn) {
        tg__node_ref(t->grad_fn);
        snapshot->grad_fn = t->grad_fn;
    }
    save_slot(n, slot, snapshot, false);
    return 0;
}

int tg__save_output(tg_node *n, int slot, const tg_tensor *out)
{
    /* The node's reference goes to an alias; the scope drops its own. */
    tg_tensor *alias = tg__alias(out, out->shape, out->strides, out->ndim, out->offset);
    if (!alias) return -1;
    save_slot(n, slot, alias, true);
    return 0;
}

static const char ERR_BACKWARD_TWICE[] =
    "Trying to backward through the graph a second time (or directly access saved tensors "
    "after they have already been freed). Saved intermediate values of the graph are freed "
    "when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to "
    "backward through the graph a second time or if you need to access saved tensors after "
    "calling backward.";

/* A node as PyTorch's messages name it: its C++ name, which for the
   hand-written CopyBackwards carries the namespace. */
static const char *message_name(int op)
{
    if (op == TG_OP_COPY) return "torch::autograd::CopyBackwards";
    return op == TG_OP_COPY_SLICES ? "torch::autograd::CopySlices" : TG_OPS[op].name;
}

static int check_one(const tg_node *n, int i)
{
    const tg_saved *s = &n->saved[i];
    if (!s->used) return 0;
    if (n->released || !s->data) return tg__faili(TG_E_BACKWARD_TWICE, "%s", ERR_BACKWARD_TWICE);
    uint64_t now = atomic_load(&s->data->version->value);
    if (now == s->version) return 0;
    char shape[256], which[128] = "";
    int op = atomic_load(&s->data->version->inplace_op);   /* Note [Saved inputs] */
    const tg_node *fn = s->is_output ? n : s->data->grad_fn;
    /* A view written since has the history PyTorch regenerates for it. */
    if (!s->is_output && s->of_view && s->data->requires_grad)
        snprintf(which, sizeof which, ", which is output 0 of %s,", TG_OPS[TG_OP_AS_STRIDED].name);
    else if (!s->is_output && op) snprintf(which, sizeof which, ", which is output 0 of %s,", message_name(op));
    else if (fn) snprintf(which, sizeof which, ", which is output 0 of %s,", message_name((int)fn->op));
    return tg__faili(TG_E_VERSION,
                     "one of the variables needed for gradient computation has been modified by an "
                     "inplace operation: [%s %s]%s is at version %llu; expected version %llu instead.",
                     tg__legacy_type(s->data->dtype),
                     tg__shape_str(s->data->shape, s->data->ndim, shape, sizeof shape), which,
                     (unsigned long long)now, (unsigned long long)s->version);
}

int tg__check_saved(const tg_node *n)
{
    for (int i = 0; i < n->n_saved; i++)
        if (check_one(n, i)) return -1;
    return n->fn ? tg__check_saved(n->fn) : 0;   /* CopySlices runs fn's derivative */
}

tg_tensor *tg__unpack(tg_node *n, int i)
{
    if (check_one(n, i)) return NULL;
    tg_tensor *d = n->saved[i].data;
    if (!n->saved[i].is_output || !tg_is_grad_enabled()) return d;
    /* Recording a derivative (create_graph): re-link the output to its node. */
    tg_tensor *t = tg__alias(d, d->shape, d->strides, d->ndim, d->offset);
    if (!t) return NULL;
    tg__node_ref(n);
    t->grad_fn = n;
    t->requires_grad = true;
    return t;
}
