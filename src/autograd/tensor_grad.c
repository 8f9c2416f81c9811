/* The autograd attributes of a tensor: requires_grad, is_leaf, grad. */
#include "../internal.h"

tg_tensor *tg_requires_grad_(tg_tensor *t, bool requires_grad)
{
    TG_ARG(t);
    if (t->grad_fn) {
        if (requires_grad) return t;
        return tg__fail(TG_E_AUTOGRAD,
                        "you can only change requires_grad flags of leaf variables. If you want to use a computed "
                        "variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().");
    }
    if (requires_grad && !tg__is_floating(t->dtype))
        return tg__fail(TG_E_DTYPE, "only Tensors of floating point dtype can require gradients");
    t->requires_grad = requires_grad;
    return t;
}

bool tg_requires_grad(const tg_tensor *t) { return t && t->requires_grad; }
bool tg_is_leaf(const tg_tensor *t) { return t && !t->grad_fn; }
tg_tensor *tg_grad(const tg_tensor *t) { return t ? t->grad : NULL; }

void tg_zero_grad(tg_tensor *t)
{
    if (!t || !t->grad) return;
    tg__unref(t->grad);
    t->grad = NULL;
}
