/* Forward-mode AD's public functions (torch.autograd.forward_ad): dual
   levels, make_dual and unpack_dual. The state lives in the graph layer
   (graph/dual.c), the tangent rules beside the operations
   (ops/tangents.c). */
#include "../ops/ops.h"

int tg_fwad_enter_dual_level(void)
{
    tg__install_tangent_hook(tg__propagate_tangent);
    return tg__dual_level_enter();
}

int tg_fwad_exit_dual_level(void) { return tg__dual_level_exit(); }

bool tg_fwad_level_open(void) { return tg__dual_level() != 0; }

static int check_floating(const char *what, const tg_tensor *t)
{
    if (tg__is_floating(t->dtype)) return 0;
    return tg__faili(TG_E_DTYPE, "Expected %s to be floating point or complex, but got: %s", what,
                     tg_dtype_name(t->dtype));
}

tg_tensor *tg_make_dual(const tg_tensor *primal, const tg_tensor *tangent)
{
    TG_ARG(primal);
    TG_ARG(tangent);
    if (!tg__dual_level())
        return tg__fail(TG_E_AUTOGRAD, "Trying to create a dual Tensor for forward AD but no level exists, make sure to "
                                       "enter_dual_level() first.");
    if (check_floating("primal", primal) || check_floating("tangent", tangent)) return NULL;
    if (!tg__same_shape(primal->shape, primal->ndim, tangent->shape, tangent->ndim)) {
        char p[256], t[256];
        return tg__fail(TG_E_SHAPE, "Trying to set a forward gradient that has a different size than that of the "
                                    "original Tensor, this is not supported. Tensor is of size %s while the given "
                                    "forward gradient is of size %s.",
                        tg__shape_str(primal->shape, primal->ndim, p, sizeof p),
                        tg__shape_str(tangent->shape, tangent->ndim, t, sizeof t));
    }
    /* PyTorch's make_dual is a view of the primal (ViewBackward0) */
    tg_tensor *dual = tg_view(primal, primal->shape, primal->ndim);
    tg_tensor *mirrored = dual ? tg__mirror_tangent(dual, tangent) : NULL;
    if (!mirrored) return NULL;
    tg__ref(mirrored);
    return tg__set_tangent(dual, mirrored) ? NULL : dual;
}

tg_tensor *tg_unpack_dual(const tg_tensor *t, tg_tensor **tangent)
{
    if (tangent) *tangent = NULL;
    TG_ARG(t);
    tg_tensor *found = tg__tangent(t);
    if (tangent && found && !(*tangent = tg__share(found))) return NULL;
    /* the primal: a view of t without the tangent (PyTorch's node for it is "Identity") */
    tg_tensor *primal = NULL;
    tg__tangents_pause();
    primal = tg__view_of(t, (tg_record){.op = TG_OP_UNPACK_DUAL}, t->shape, t->strides, t->ndim, t->offset);
    tg__tangents_resume();
    return primal;
}
