/* Saved-tensor hooks (torch.autograd.graph.saved_tensors_hooks): a
   per-thread stack of (pack, unpack) pairs; while one is pushed, every
   tensor a node saves goes through the innermost pack hook, and the node
   keeps what it returned until backward asks for the tensor back through
   unpack. As in PyTorch, versions are not tracked through hooks (the
   tensor packed may be a copy), and the hooks run with grad mode off and
   no hooks active, so that what they compute records nothing. */
#include "graph.h"

#include <stdlib.h>

enum { MAX_DEPTH = 64 };

static _Thread_local tg_saved_tensors_hooks stack[MAX_DEPTH];
static _Thread_local int depth;

struct tg_packed {
    tg_saved_tensors_hooks hooks;
    void *handle;                  /* what pack returned */
    tg_node *grad_fn;              /* strong: a saved input's history; NULL for outputs and leaves */
};

int tg_saved_tensors_hooks_push(tg_saved_tensors_hooks hooks)
{
    if (!hooks.pack || !hooks.unpack) return tg__faili(TG_E_NULL, "%s(): pack or unpack is NULL", __func__);
    if (depth == MAX_DEPTH) return tg__faili(TG_E_INVALID, "%s(): more than %d hooks pushed", __func__, MAX_DEPTH);
    stack[depth++] = hooks;
    return 0;
}

int tg_saved_tensors_hooks_pop(void)
{
    if (depth == 0) return tg__faili(TG_E_INVALID, "%s(): no saved-tensor hooks are pushed", __func__);
    depth--;
    return 0;
}

/* Runs a hook with grad mode off and no hooks active. */
#define HOOK_CALL(result, call) do {                  \
        int depth_ = depth;                           \
        bool grad_ = tg_set_grad_enabled(false);      \
        depth = 0;                                    \
        result = (call);                              \
        depth = depth_;                               \
        tg_set_grad_enabled(grad_);                   \
    } while (0)

void tg__pack_saved(tg_saved *s)
{
    tg_tensor *t = s->data;
    if (depth == 0 || (tg__requires_grad(t) && !tg__grad_fn(t))) return;
    tg_packed *p = tg__calloc(1, sizeof *p);
    if (!p) {
        tg_clear_error();   /* the tensor itself serves, as when an alias cannot be made */
        return;
    }
    p->hooks = stack[depth - 1];
    HOOK_CALL(p->handle, p->hooks.pack(t, p->hooks.user));
    if (!p->handle) {   /* keep the tensor as it is */
        tg__warn("a saved-tensor pack hook failed (%s): the tensor is kept as it is", tg_last_error());
        tg_clear_error();
        free(p);
        return;
    }
    if (!s->is_output && tg__grad_fn(t)) {
        p->grad_fn = tg__grad_fn(t);
        tg__node_ref(p->grad_fn);
        s->output_nr = t->autograd->output_nr;
    }
    s->packed = p;
    s->data = NULL;
    tg__unref(t);
}

tg_tensor *tg__unpacked(const tg_saved *s)
{
    const tg_packed *p = s->packed;
    tg_tensor *t;
    HOOK_CALL(t, p->hooks.unpack(p->handle, p->hooks.user));
    if (!t && tg_last_status() == TG_OK) tg__faili(TG_E_INVALID, "a saved-tensor unpack hook returned NULL");
    if (!t) return NULL;
    /* a tensor of its own: the history given it must not be another's */
    return tg__alias(t, t->shape, t->strides, t->ndim, t->offset);
}

tg_node *tg__packed_grad_fn(const tg_saved *s) { return s->packed->grad_fn; }

void tg__packed_free(tg_packed *p)
{
    if (p->hooks.free) p->hooks.free(p->handle, p->hooks.user);
    if (p->grad_fn) tg__node_unref(p->grad_fn);
    free(p);
}
