/* Arithmetic with a C++ Scalar, as PyTorch's C++ composites write it:
   t + s is add.Scalar (AddBackward1) and t / s div.Scalar (DivBackward1),
   where Python's t + s and t / s (tg_add_scalar, tg_div_scalar) wrap s as
   a tensor (AddBackward0, DivBackward0). */
#include "ops.h"

typedef struct scalar_params { double s; } scalar_params;

/* f(t, s) computed without history and recorded as op; s is a double,
   so an integer t becomes float. */
static tg_tensor *scalar_node(tg_op op, tg_tensor *(*f)(const tg_tensor *, double), const tg_tensor *t, double s)
{
    if (!t) return NULL;
    tg_tensor *out = NULL;
    TG_NO_GRAD { out = f(tg__is_floating(t->dtype) ? t : tg_to(t, TG_F32), s); }
    scalar_params p = {s};
    if (out && tg__record(out, (tg_record){.op = op, TG_PARAMS(p)}, &t, 1, NULL)) return NULL;
    return out;
}

tg_tensor *tg__add_scalar_node(const tg_tensor *t, double s) { return scalar_node(TG_OP_ADD_SCALAR, tg_add_scalar, t, s); }
tg_tensor *tg__div_scalar_node(const tg_tensor *t, double s) { return scalar_node(TG_OP_DIV_SCALAR, tg_div_scalar, t, s); }

int tg__d_add_scalar(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    gi[0] = g;
    return tg__derivative_done(n, gi);
}

/* grad / s, itself a div.Scalar */
int tg__d_div_scalar(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    const scalar_params *p = n->params;
    gi[0] = tg__div_scalar_node(g, p->s);
    return tg__derivative_done(n, gi);
}
