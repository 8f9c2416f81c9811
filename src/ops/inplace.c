/* In-place operations. Each writes into its first argument, bumps the
   version counter and, when recording, gives the tensor a new history node
   whose next edge is the tensor's old history (PyTorch's rebase).

   Note [In-place and saved values]: an operation whose derivative reads
   self (mul_, div_, pow_, ...) must see self as it was before the write, so
   the recorded node is built over a copy of the old value that carries the
   old history (what PyTorch does with original_self = self.clone()). */
#include "../internal.h"

#include <string.h>

static int check_inplace(const tg_tensor *t)
{
    if (!tg_is_grad_enabled() || !t->requires_grad) return 0;
    if (t->view_base && t->view_base->requires_grad && !t->view_base->grad_fn)
        return tg__faili(TG_E_AUTOGRAD, "a view of a leaf Variable that requires grad is being used in an in-place operation.");
    if (!t->grad_fn)
        return tg__faili(TG_E_AUTOGRAD, "a leaf Variable that requires grad is being used in an in-place operation.");
    if (t->view_base)
        return tg__faili(TG_E_AUTOGRAD, "in-place operations on a view of a tensor that requires grad are not "
                                        "supported by tensorgrad; use the out-of-place operation instead");
    return 0;
}

/* A copy of t's current value that stands for t in the graph. */
static tg_tensor *stand_in(const tg_tensor *t)
{
    tg_tensor *c = tg__cast(t, t->dtype);
    if (!c) return NULL;
    c->requires_grad = t->requires_grad;
    if (t->grad_fn) {
        tg__node_ref(t->grad_fn);
        c->grad_fn = t->grad_fn;
    }
    if (!t->grad_fn && t->requires_grad) {   /* a leaf in no-grad mode: no graph anyway */
        c->requires_grad = false;
    }
    return c;
}

/* Writes result into t and takes over its history; returns t. */
static tg_tensor *commit(tg_tensor *t, const tg_tensor *result)
{
    if (!tg__same_shape(result->shape, result->ndim, t->shape, t->ndim)) {
        char a[256], b[256];
        return tg__fail(TG_E_SHAPE, "output with shape %s doesn't match the broadcast shape %s",
                        tg__shape_str(t->shape, t->ndim, a, sizeof a),
                        tg__shape_str(result->shape, result->ndim, b, sizeof b));
    }
    if (!tg__can_cast(result->dtype, t->dtype))
        return tg__fail(TG_E_DTYPE, "result type %s can't be cast to the desired output type %s",
                        tg__dtype_short(result->dtype), tg__dtype_short(t->dtype));
    tg__copy_into(t, result);
    tg__bump_version(t);
    if (result->grad_fn) {
        tg__node_ref(result->grad_fn);
        tg__set_history(t, result->grad_fn);
    }
    return t;
}

typedef tg_tensor *(*binary_fn)(const tg_tensor *, const tg_tensor *);
typedef tg_tensor *(*scalar_fn)(const tg_tensor *, double);

/* Ops whose derivative does not read self can run on t itself. */
static bool reads_self(binary_fn f) { return f != tg_add && f != tg_sub; }

static tg_tensor *inplace_binary(tg_tensor *t, const tg_tensor *other, binary_fn f)
{
    TG_ARG(t);
    TG_ARG(other);
    if (check_inplace(t)) return NULL;
    int64_t shape[TG_MAX_DIMS];
    int nd;
    if (tg__broadcast_shapes(t->shape, t->ndim, other->shape, other->ndim, shape, &nd)) return NULL;
    tg_dtype dt = tg__result_type(t, other);
    if (!tg__can_cast(dt, t->dtype))
        return tg__fail(TG_E_DTYPE, "result type %s can't be cast to the desired output type %s",
                        tg__dtype_short(dt), tg__dtype_short(t->dtype));
    /* other's gradient may read self too (c.mul_(x) with only x requiring
       grad): saving t itself would see the write below, and tie t to its
       own grad_fn in a reference cycle. */
    bool recorded = tg_is_grad_enabled() && (t->requires_grad || other->requires_grad);
    const tg_tensor *self = reads_self(f) && recorded ? stand_in(t) : t;
    tg_tensor *r = self ? f(self, other) : NULL;
    return r ? commit(t, r) : NULL;
}

static tg_tensor *inplace_scalar(tg_tensor *t, double s, scalar_fn f, bool self_read)
{
    TG_ARG(t);
    if (check_inplace(t)) return NULL;
    const tg_tensor *self = self_read && t->requires_grad && tg_is_grad_enabled() ? stand_in(t) : t;
    tg_tensor *r = self ? f(self, s) : NULL;
    return r ? commit(t, r) : NULL;
}

tg_tensor *tg_add_(tg_tensor *t, const tg_tensor *o) { return inplace_binary(t, o, tg_add); }
tg_tensor *tg_sub_(tg_tensor *t, const tg_tensor *o) { return inplace_binary(t, o, tg_sub); }
tg_tensor *tg_mul_(tg_tensor *t, const tg_tensor *o) { return inplace_binary(t, o, tg_mul); }
tg_tensor *tg_div_(tg_tensor *t, const tg_tensor *o) { return inplace_binary(t, o, tg_div); }
tg_tensor *tg_pow_(tg_tensor *t, const tg_tensor *o) { return inplace_binary(t, o, tg_pow); }
tg_tensor *tg_maximum_(tg_tensor *t, const tg_tensor *o) { return inplace_binary(t, o, tg_maximum); }
tg_tensor *tg_minimum_(tg_tensor *t, const tg_tensor *o) { return inplace_binary(t, o, tg_minimum); }
tg_tensor *tg_add_scalar_(tg_tensor *t, double s) { return inplace_scalar(t, s, tg_add_scalar, false); }
tg_tensor *tg_sub_scalar_(tg_tensor *t, double s) { return inplace_scalar(t, s, tg_sub_scalar, false); }
tg_tensor *tg_mul_scalar_(tg_tensor *t, double s) { return inplace_scalar(t, s, tg_mul_scalar, false); }
tg_tensor *tg_div_scalar_(tg_tensor *t, double s) { return inplace_scalar(t, s, tg_div_scalar, false); }
tg_tensor *tg_pow_scalar_(tg_tensor *t, double s) { return inplace_scalar(t, s, tg_pow_scalar, true); }
tg_tensor *tg_rsub_scalar_(tg_tensor *t, double s) { return inplace_scalar(t, s, tg_rsub_scalar, false); }

/* zero_, fill_ and copy_: the old value gets no gradient. */
static tg_tensor *overwrite(tg_tensor *t, const tg_tensor *src, double value, tg_op op)
{
    TG_ARG(t);
    if (check_inplace(t)) return NULL;
    if (src) {
        int64_t shape[TG_MAX_DIMS];
        int nd;
        if (tg__broadcast_shapes(t->shape, t->ndim, src->shape, src->ndim, shape, &nd)) return NULL;
        if (!tg__same_shape(shape, nd, t->shape, t->ndim)) {
            char a[256], b[256];
            return tg__fail(TG_E_SHAPE, "output with shape %s doesn't match the broadcast shape %s",
                            tg__shape_str(t->shape, t->ndim, a, sizeof a), tg__shape_str(shape, nd, b, sizeof b));
        }
    }
    const tg_tensor *ins[2] = {t, src};
    tg_node *n = NULL;
    if (tg__needs_grad(ins, 2) && tg__is_floating(t->dtype)) {
        n = tg__node_new(op, ins, src ? 2 : 1);
        if (!n) return NULL;
    }
    if (src) tg__copy_into(t, src);
    else tg__k_fill(t, value);
    tg__bump_version(t);
    if (n) tg__set_history(t, n);
    return t;
}

tg_tensor *tg_zero_(tg_tensor *t) { return overwrite(t, NULL, 0, TG_OP_ZERO); }
tg_tensor *tg_fill_(tg_tensor *t, double value) { return overwrite(t, NULL, value, TG_OP_FILL); }

tg_tensor *tg_copy_(tg_tensor *dst, const tg_tensor *src)
{
    TG_ARG(src);
    return overwrite(dst, src, 0, TG_OP_COPY);
}
