/* Views' histories: which tensor a view is of, the history a view gets
   when its storage is written through another view or its base, and the
   CopySlices history of a base written through a view. */
#include "graph.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

/* Note [Views written in place]: an in-place operation on a view v of a
   base b that requires grad (or with another operand that does) gives b a
   CopySlices history (Note [CopySlices] below) and v the history
   AsStridedBackward0(b's history), v's geometry in b's storage. Any other
   view of b reads the new values too, so, as in PyTorch, a view whose
   version counter moved since its grad_fn was set gets the same kind of
   history, from b's current one, when its grad_fn is next needed
   (tg__view_grad_fn: read by tg_grad_fn, tg_requires_grad, tg_is_leaf,
   printing, and whenever the view is used by an operation). */
int tg__set_view_of(tg_tensor *v, const tg_tensor *t)
{
    if (tg__is_inference(t)) return 0;   /* PyTorch tracks no views of inference tensors */
    tg_autograd *a = tg__autograd(v);
    if (!a) return -1;
    tg_tensor *base = tg__view_base(t) ? tg__view_base(t) : (tg_tensor *)t;
    tg__ref(base);
    a->view_base = base;
    atomic_init(&a->view_version, atomic_load(&t->version->value));
    /* as PyTorch propagates it */
    a->view_no_grad = !tg_is_grad_enabled() || (tg__view_base(t) && t->autograd->view_no_grad);
    a->view_multi_output = tg_is_grad_enabled() && tg__view_base(t) && t->autograd->view_multi_output;
    return 0;
}

int tg__regenerate_view(tg_tensor *t)
{
    tg_autograd *a = t->autograd;
    const tg_tensor *b = a->view_base;
    uint64_t now = atomic_load(&t->version->value);
    if (!tg__requires_grad(b)) {   /* no history to regenerate from */
        atomic_store(&a->view_version, now);
        return 0;
    }
    tg_view_geometry geometry;
    tg__strided_of(&geometry.base, b);
    tg__strided_of(&geometry.view, t);
    tg_node *n = tg__node_new((tg_record){.op = TG_OP_AS_STRIDED, TG_PARAMS(geometry)}, &b, 1);
    if (!n || tg__set_history(t, n)) return -1;
    atomic_store(&a->view_version, now);
    return 0;
}

int tg__multi_output_error(const tg_node *fn, int output_nr, bool indirect)
{
    const char *modified = indirect ? "its base or another view of its base has been" : "is being";
    char what[192];
    if (fn)
        snprintf(what, sizeof what, "Output %d of %s is a view and %s modified inplace.", output_nr, tg__op_name(fn->op),
                 modified);
    else
        snprintf(what, sizeof what, "A view was created in no_grad mode and %s modified inplace with grad mode enabled.",
                 modified);
    return tg__faili(TG_E_AUTOGRAD, "%s This view is the output of a function that returns multiple views. Such "
                                    "functions do not allow the output views to be modified inplace. You should "
                                    "replace the inplace operation by an out-of-place one.",
                     what);
}

/* Regenerations are serialized so that two threads reading one view's
   grad_fn do not both replace it. (As for any in-place change, writing a
   tensor while another thread uses its views is the caller's race.) */
static pthread_mutex_t regenerate_lock = PTHREAD_MUTEX_INITIALIZER;

static bool is_stale(const tg_tensor *t)
{
    const tg_autograd *a = t->autograd;
    return a && a->view_base && (a->grad_fn || tg__requires_grad(a->view_base)) &&
           atomic_load(&t->version->value) != atomic_load(&a->view_version);
}

/* A stale view of a function of several outputs, with a history (one made
   before its base required grad has none to refuse), or a stale view made
   in no-grad mode (PyTorch's CreationMeta::MULTI_OUTPUT_NODE and
   NO_GRAD_MODE). */
static bool refused(const tg_tensor *t)
{
    return is_stale(t) && ((t->autograd->view_multi_output && t->autograd->grad_fn) || t->autograd->view_no_grad);
}

int tg__check_view_rebase(const tg_tensor *t)
{
    if (!t || !refused(t)) return 0;
    if (!t->autograd->view_multi_output)
        return tg__faili(TG_E_AUTOGRAD, "A view was created in no_grad mode and its base or another view of its base "
                                        "has been modified inplace with grad mode enabled. Given that this use case "
                                        "is ambiguous and error-prone, it is forbidden. You can clarify your code by "
                                        "moving both the view and the inplace either both inside the no_grad block "
                                        "(if you don't want the inplace to be tracked) or both outside (if you want "
                                        "the inplace to be tracked).");
    return tg__multi_output_error(t->autograd->grad_fn, t->autograd->view_output_nr, true);
}

tg_node *tg__view_grad_fn(const tg_tensor *t)
{
    if (!t) return NULL;
    if (tg__check_view_rebase(t)) return NULL;
    if (is_stale(t)) {
        pthread_mutex_lock(&regenerate_lock);
        if (is_stale(t)) tg__regenerate_view((tg_tensor *)t);   /* out of memory: the old history stays, with the error */
        pthread_mutex_unlock(&regenerate_lock);
    }
    return tg__grad_fn(t);
}

/* Note [CopySlices]: after an in-place operation on a view, the base's new
   history is a CopySlices node: its edge 0 is the base's old history, the
   others are those of fn (the operation's node) for its other inputs. Its
   derivative runs fn's on the view's part of the gradient
   (ops/inplace.c). */
tg_node *tg__copy_slices_new(const tg_tensor *base, const tg_tensor *view, tg_node *fn)
{
    tg_view_geometry geometry;
    tg__strided_of(&geometry.base, base);
    tg__strided_of(&geometry.view, view);
    /* Only the base's edge is made here: the others are fn's. */
    const tg_tensor **inputs = tg__calloc((size_t)fn->n_next, sizeof *inputs);
    if (!inputs) return NULL;
    inputs[0] = base;
    tg_node *n = tg__node_new((tg_record){.op = TG_OP_COPY_SLICES, TG_PARAMS(geometry)}, inputs, fn->n_next);
    free(inputs);
    if (!n) return NULL;
    for (int i = 1; i < fn->n_next; i++) {
        n->next[i] = fn->next[i];
        if (n->next[i].node) tg__node_ref(n->next[i].node);
        n->in_meta[i] = fn->in_meta[i];
    }
    tg__node_ref(fn);
    n->fn = fn;
    return n;
}
