/* Saved tensors: what a node keeps for its derivative, and the checks that
   it is still what was saved. */
#include "graph.h"

#include <stdio.h>
#include <string.h>

/* Forward AD: an alias of a dual tensor gets its tangent, as PyTorch's
   SavedVariable keeps and restores the forward grad, so that a derivative
   recorded under create_graph reads tangents (forward-over-reverse). */
static void keep_tangent(tg_tensor *alias, const tg_tensor *of)
{
    tg_tensor *tangent = alias != of ? tg__tangent(of) : NULL;
    if (!tangent) return;
    tg__ref(tangent);
    if (tg__set_tangent(alias, tangent)) tg_clear_error();   /* out of memory: the alias has none */
}

static void save_slot(tg_node *n, int slot, tg_tensor *t, bool is_output)
{
    tg_saved *s = &n->saved[slot];
    tg__ref(t);
    s->data = t;
    s->version = atomic_load(&t->version->value);
    s->used = true;
    s->is_output = is_output;
    if (is_output) s->multi_output_nr = -1;
    tg__pack_saved(s);
}

void tg__saved_drop(tg_saved *s)
{
    if (s->data) tg__unref(s->data);
    s->data = NULL;
    if (s->packed) tg__packed_free(s->packed);
    s->packed = NULL;
}

/* Note [Saved inputs]: a node keeps an input as it was when saved: an alias
   (same storage, version counter and geometry) holding the grad_fn the input
   had then. Keeping the input itself would let a later in-place operation,
   which gives the input a newer history, close a reference cycle:
   z = y.abs(); y.pow_(z) makes y -> PowBackward1 -> z -> AbsBackward0 -> y.
   (The alias sees the in-place write through the version counter, so
   backward still fails; the error names the in-place operation, as
   PyTorch's names the input's grad_fn, through the counter's last_writer.)
   A leaf that requires grad is kept as it is, since its gradient must reach
   its own AccumulateGrad node and in-place operations on it are not
   recorded; so is any input when the alias cannot be allocated. The alias
   keeps the geometry the input had; when an in-place operation (t_,
   squeeze_, ...) changes the input's own, the version counter notes which
   tensor it was (tg__note_reshape), so that the error shows its shape now,
   as PyTorch's, which keeps the input itself, does. */
void tg__save(tg_node *n, int slot, const tg_tensor *t)
{
    tg__view_grad_fn(t);
    bool leaf = tg__requires_grad(t) && !tg__grad_fn(t);
    tg_status before = tg_last_status();
    tg_tensor *snapshot = leaf ? NULL : tg__alias(t, t->shape, t->strides, t->ndim, t->offset);
    if (!leaf && !snapshot && before == TG_OK) tg_clear_error();   /* the input itself serves */
    n->saved[slot].of_view = tg__view_base(t) != NULL;
    n->saved[slot].multi_output_nr = t->autograd && t->autograd->view_multi_output ? t->autograd->view_output_nr : -1;
    n->saved[slot].source = t->autograd ? t->autograd->serial : 0;
    tg_tensor *kept = snapshot && !tg__share_history(snapshot, t) ? snapshot : (tg_tensor *)t;
    keep_tangent(kept, t);
    save_slot(n, slot, kept, false);
}

void tg__note_reshape(tg_tensor *t)
{
    if (!t->autograd) return;   /* no node saved it as the tensor it is */
    tg_version_counter *v = t->version;
    v->reshaped_ndim = t->ndim;
    memcpy(v->reshaped_shape, t->shape, sizeof v->reshaped_shape);
    atomic_store(&v->reshaped, t->autograd->serial);
}

int tg__save_output(tg_node *n, int slot, const tg_tensor *out)
{
    /* The node's reference goes to an alias; the scope drops its own. */
    tg_tensor *alias = tg__alias(out, out->shape, out->strides, out->ndim, out->offset);
    if (!alias) return -1;
    keep_tangent(alias, out);
    save_slot(n, slot, alias, true);
    return 0;
}

static const char ERR_BACKWARD_TWICE[] =
    "Trying to backward through the graph a second time (or directly access saved tensors "
    "after they have already been freed). Saved intermediate values of the graph are freed "
    "when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to "
    "backward through the graph a second time or if you need to access saved tensors after "
    "calling backward.";

/* PyTorch's hand-written nodes carry their namespace. */
const char *tg__message_name(tg_op op)
{
    if (op == TG_OP_COPY) return "torch::autograd::CopyBackwards";
    return op == TG_OP_COPY_SLICES ? "torch::autograd::CopySlices" : tg__op_name(op);
}

static const char *node_message_name(const tg_node *n)
{
    return n->custom ? n->custom->name : tg__message_name(n->op);
}

/* PyTorch's closing hint; without anomaly mode tensorgrad adds none, since
   its messages are compared with PyTorch's up to " Hint:" (docs/autograd.md). */
static const char *version_hint(void)
{
    return tg__anomaly_enabled() ? " Hint: the backtrace further above shows the operation that failed to compute its "
                                   "gradient. The variable in question was changed in there or anywhere later. Good luck!"
                                 : "";
}

/* check_one's error paths; also the slots that need more than one look. */
static __attribute__((noinline)) int check_slot(const tg_node *n, int i)
{
    const tg_saved *s = &n->saved[i];
    if (n->released || (!s->data && !s->packed)) return tg__faili(TG_E_BACKWARD_TWICE, "%s", ERR_BACKWARD_TWICE);
    if (s->packed) return 0;   /* as PyTorch: versions are not tracked through hooks */
    /* PyTorch refuses the save itself, in the forward; a node here finds out here */
    if (tg__is_inference(s->data))
        return tg__faili(TG_E_AUTOGRAD, "Inference tensors cannot be saved for backward. To work around you can make a "
                                        "clone to get a normal tensor and use it in autograd.");
    uint64_t now = atomic_load(&s->data->version->value);
    if (now == s->version) return 0;
    /* PyTorch asks a saved input for its grad_fn first, which a written
       view of several outputs refuses */
    if (!s->is_output && s->multi_output_nr >= 0 && tg__grad_fn(s->data))
        return tg__multi_output_error(tg__grad_fn(s->data), s->multi_output_nr, true);
    char shape[256], which[128] = "";
    int writer = atomic_load(&s->data->version->last_writer);   /* Note [Saved inputs] */
    const tg_node *fn = s->is_output ? n : tg__grad_fn(s->data);
    /* A view written since has the history PyTorch regenerates for it. */
    if (!s->is_output && s->of_view && tg__requires_grad(s->data))
        snprintf(which, sizeof which, ", which is output 0 of %s,", tg__op_name(TG_OP_AS_STRIDED));
    else if (!s->is_output && writer)
        snprintf(which, sizeof which, ", which is output 0 of %s,", tg__message_name((tg_op)writer));
    else if (fn)
        snprintf(which, sizeof which, ", which is output %d of %s,",
                 s->is_output ? s->output_nr : s->data->autograd ? s->data->autograd->output_nr : 0,
                 node_message_name(fn));
    const tg_version_counter *v = s->data->version;
    bool reshaped = !s->is_output && s->source && atomic_load(&v->reshaped) == s->source;
    return tg__faili(TG_E_VERSION,
                     "one of the variables needed for gradient computation has been modified by an "
                     "inplace operation: [%s %s]%s is at version %llu; expected version %llu instead.%s",
                     tg__legacy_type(s->data->dtype),
                     reshaped ? tg__shape_str(v->reshaped_shape, v->reshaped_ndim, shape, sizeof shape)
                              : tg__shape_str(s->data->shape, s->data->ndim, shape, sizeof shape),
                     which,
                     (unsigned long long)now, (unsigned long long)s->version, version_hint());
}

/* Whether slot i of n holds what was saved, or was never used: the one
   look a backward takes at nearly every slot of every node. */
static inline int check_one(const tg_node *n, int i)
{
    const tg_saved *s = &n->saved[i];
    if (!s->used) return 0;
    if (!n->released && s->data && !s->packed && !tg__is_inference(s->data) &&
        atomic_load(&s->data->version->value) == s->version)
        return 0;
    return check_slot(n, i);
}

int tg__check_saved(const tg_node *n)
{
    for (int i = 0; i < n->n_saved; i++)
        if (check_one(n, i)) return -1;
    return n->fn ? tg__check_saved(n->fn) : 0;   /* CopySlices runs fn's derivative */
}

/* A packed slot's tensor, with the history the saved tensor had when
   recording a derivative. */
static tg_tensor *unpack_packed(tg_node *n, const tg_saved *s)
{
    tg_tensor *t = tg__unpacked(s);
    tg_node *history = s->is_output ? n : tg__packed_grad_fn(s);
    if (!t || !history || !tg_is_grad_enabled()) return t;
    tg__node_ref(history);
    if (tg__set_history(t, history)) return NULL;
    t->autograd->output_nr = s->output_nr;
    return t;
}

tg_tensor *tg__unpack(tg_node *n, int i)
{
    if (check_one(n, i)) return NULL;
    if (n->saved[i].packed) return unpack_packed(n, &n->saved[i]);
    tg_tensor *d = n->saved[i].data;
    if (!n->saved[i].is_output || !tg_is_grad_enabled()) return d;
    /* Recording a derivative (create_graph): re-link the output to its node. */
    tg_tensor *t = tg__alias(d, d->shape, d->strides, d->ndim, d->offset);
    if (!t) return NULL;
    keep_tangent(t, d);
    tg__node_ref(n);
    return tg__set_history(t, n) ? NULL : t;
}
