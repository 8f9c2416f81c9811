/* The autograd attributes of a tensor: requires_grad, is_leaf, grad. */
#include "../internal.h"

#include <pthread.h>

/* Note [The gradient lock]: threads may run backward into the same leaves at
   once (shared parameters), so a backward stores its leaves' gradients, and
   tg_zero_grad clears one, under one process-wide lock. The engine holds it
   across the whole store, so a backward stays all or nothing; under it,
   making and freeing tensors may take the AccumulateGrad lock (node.c),
   never the other way round. The pointer tg_grad returns is borrowed: read
   .grad while no backward into its leaf runs. */
static pthread_mutex_t grad_lock = PTHREAD_MUTEX_INITIALIZER;

void tg__lock_grads(void) { pthread_mutex_lock(&grad_lock); }
void tg__unlock_grads(void) { pthread_mutex_unlock(&grad_lock); }

tg_tensor *tg_requires_grad_(tg_tensor *t, bool requires_grad)
{
    TG_ARG(t);
    if (tg__view_grad_fn(t)) {
        if (requires_grad) return t;
        return tg__fail(TG_E_AUTOGRAD,
                        "you can only change requires_grad flags of leaf variables. If you want to use a computed "
                        "variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().");
    }
    if (requires_grad && !tg__is_floating(t->dtype))
        return tg__fail(TG_E_DTYPE, "only Tensors of floating point dtype can require gradients");
    if (requires_grad && t->view_base) {
        /* A view made a leaf of its own stops following its base: its base
           never takes its history from it, and holding the base would close
           a cycle (v -> base -> the base's in-place history -> v's
           AccumulateGrad -> v) once the base is written with v. */
        tg__unref(t->view_base);
        t->view_base = NULL;
    }
    t->requires_grad = requires_grad;
    return t;
}

/* Both through tg__view_grad_fn: a view's base may have a new history. */
bool tg_requires_grad(const tg_tensor *t) { return t && (tg__view_grad_fn(t) || t->requires_grad); }
bool tg_is_leaf(const tg_tensor *t) { return t && !tg__view_grad_fn(t); }
tg_tensor *tg_grad(const tg_tensor *t) { return t ? t->grad : NULL; }

void tg_zero_grad(tg_tensor *t)
{
    if (!t) return;
    tg__lock_grads();
    tg_tensor *grad = t->grad;
    t->grad = NULL;
    tg__unlock_grads();
    if (grad) tg__unref(grad);
}
