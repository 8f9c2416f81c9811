/* In-place operations. Each writes into its first argument, bumps the
   version counter and, when recording, gives the tensor a new history node
   whose next edge is the tensor's old history (PyTorch's rebase).

   Note [In-place and saved values]: an operation whose derivative reads
   self (mul_, div_, pow_, ...) must see self as it was before the write, so
   the recorded node is built over a copy of the old value that carries the
   old history (what PyTorch does with original_self = self.clone()).

   An operation on a view moves the recorded node into a CopySlices history
   of the view's base (Note [Views written in place] in shape.c). */
#include "../internal.h"

#include <string.h>

/* PyTorch's checks before writing into t (with other, may be NULL), in its
   order: autograd's (a view made in no-grad mode, a view of a leaf, a leaf),
   then the kernels' refusal of a tensor whose elements share memory (fill_
   and zero_ skip that one: PyTorch lets them write an expanded tensor). */
static int check_inplace(const tg_tensor *t, const tg_tensor *other, bool overlap)
{
    tg__view_grad_fn(t);   /* a view's history (and requires_grad) may be out of date */
    bool grad = tg_is_grad_enabled() && t->requires_grad;
    /* For PyTorch a view requires grad whenever its base does, even one made
       in no-grad mode (which has no history). */
    bool view_grad = t->view_base && t->view_base->requires_grad;
    if (tg_is_grad_enabled() && (grad || view_grad || (other && other->requires_grad)) && t->view_base &&
        t->view_no_grad)
        return tg__faili(TG_E_AUTOGRAD, "A view was created in no_grad mode and is being modified inplace with grad "
                                        "mode enabled. Given that this use case is ambiguous and error-prone, it "
                                        "is forbidden. You can clarify your code by moving both the view and the "
                                        "inplace either both inside the no_grad block (if you don't want the "
                                        "inplace to be tracked) or both outside (if you want the inplace to be "
                                        "tracked).");
    /* A view of a leaf that requires grad counts as requiring grad too, even
       one taken before the leaf was made to (PyTorch asks the base). */
    if (tg_is_grad_enabled() && view_grad && !t->view_base->grad_fn)
        return tg__faili(TG_E_AUTOGRAD, "a view of a leaf Variable that requires grad is being used in an in-place operation.");
    if (grad && !t->grad_fn)
        return tg__faili(TG_E_AUTOGRAD, "a leaf Variable that requires grad is being used in an in-place operation.");
    for (int i = 0; i < t->ndim && overlap; i++)
        if (t->strides[i] == 0 && t->shape[i] > 1)
            return tg__faili(TG_E_INVALID, "unsupported operation: more than one element of the written-to tensor "
                                           "refers to a single memory location. Please clone() the tensor before "
                                           "performing the operation.");
    return 0;
}

/* PyTorch's assert_no_partial_overlap: the operand read may be t itself or
   lie apart from it, not partly over it (t.add_(t.t()) would read values
   it has already written). Layouts too hard to tell (not dense) pass, as in
   PyTorch. */
static int check_overlap(const tg_tensor *t, const tg_tensor *other)
{
    if (t == other || t->storage != other->storage || tg_numel(t) == 0 || tg_numel(other) == 0 ||
        !tg__is_dense(t) || !tg__is_dense(other))
        return 0;
    const char *a0 = tg__ptr(t), *a1 = a0 + tg_numel(t) * (int64_t)tg__dtype_size(t->dtype);
    const char *b0 = tg__ptr(other), *b1 = b0 + tg_numel(other) * (int64_t)tg__dtype_size(other->dtype);
    bool partial = a0 == b0 && a1 == b1
                       ? t->ndim != other->ndim || memcmp(t->strides, other->strides, (size_t)t->ndim * sizeof *t->strides)
                       : a0 < b1 && b0 < a1;
    if (!partial) return 0;
    return tg__faili(TG_E_INVALID, "unsupported operation: some elements of the input tensor and the written-to tensor "
                                   "refer to a single memory location. Please clone() the tensor before performing "
                                   "the operation.");
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

/* y.mul_(y) saves y as the other operand. tg__save normally keeps an alias
   of it (Note [Saved inputs]), but when that alias could not be allocated it
   keeps y itself, and once y's history is this node that is a reference
   cycle. Keep it then the way a node keeps its own output (an alias without
   history, relinked on unpack), at the version it was saved at, so that
   backward still reports the overwrite. */
static int unsave_self(tg_node *n, tg_tensor *t)
{
    for (int i = 0; i < n->n_saved; i++) {
        tg_saved *s = &n->saved[i];
        if (s->data != t) continue;
        uint64_t version = s->version;
        tg__unref(t);
        s->data = NULL;
        if (tg__save_output(n, i, t)) return -1;
        s->version = version;
    }
    return 0;
}

/* pow_ saves its result: after an in-place operation that is t itself, as
   PyTorch saves self, so writing t again fails backward as in PyTorch. */
static int resave_output(tg_node *n, const tg_tensor *result, tg_tensor *t)
{
    for (int i = 0; i < n->n_saved; i++) {
        tg_saved *s = &n->saved[i];
        if (!s->is_output || !s->data || s->data->storage != result->storage) continue;
        tg__unref(s->data);
        s->data = NULL;
        if (tg__save_output(n, i, t)) return -1;
    }
    return 0;
}

/* An in-place result must have t's shape: broadcasting may not grow t. */
static int check_fits(const tg_tensor *t, const int64_t *shape, int ndim)
{
    if (tg__same_shape(shape, ndim, t->shape, t->ndim)) return 0;
    char a[256], b[256];
    return tg__faili(TG_E_SHAPE, "output with shape %s doesn't match the broadcast shape %s",
                     tg__shape_str(t->shape, t->ndim, a, sizeof a), tg__shape_str(shape, ndim, b, sizeof b));
}

/* t, a view, has just been given history n by an in-place operation:
   PyTorch's rebase_history moves n into a CopySlices history of the base,
   and regenerates the view's own from that. */
static int rebase_view(tg_tensor *t, tg_node *n)
{
    tg_tensor *b = t->view_base;
    tg_node *cs = tg__copy_slices_new(b, t, n);
    if (!cs) return -1;
    tg__set_history(b, cs);
    atomic_store(&t->version->inplace_op, (int)TG_OP_COPY_SLICES);   /* the base's history names it */
    return tg__regenerate_view(t);
}

/* Writes result into t and takes over its history; returns t. */
static tg_tensor *commit(tg_tensor *t, const tg_tensor *result)
{
    if (check_fits(t, result->shape, result->ndim)) return NULL;
    if (!tg__can_cast(result->dtype, t->dtype))
        return tg__fail(TG_E_DTYPE, "result type %s can't be cast to the desired output type %s",
                        tg__dtype_short(result->dtype), tg__dtype_short(t->dtype));
    tg__copy_into(t, result);
    tg__bump_version(t);
    if (result->grad_fn) {
        tg__node_ref(result->grad_fn);
        tg__set_history(t, result->grad_fn);
        atomic_store(&t->version->inplace_op, (int)result->grad_fn->op);
        if (unsave_self(result->grad_fn, t) || resave_output(result->grad_fn, result, t)) return NULL;
        if (t->view_base && rebase_view(t, result->grad_fn)) return NULL;
    }
    return t;
}

typedef tg_tensor *(*binary_fn)(const tg_tensor *, const tg_tensor *);
typedef tg_tensor *(*scalar_fn)(const tg_tensor *, double);

/* An in-place operation: its out-of-place twin (which records it), the
   kernel for the direct path, and whether its derivative reads self. */
typedef struct inplace_def {
    binary_fn tensor_op;
    scalar_fn scalar_op;
    tg_binop kernel;
    bool reads_self;
} inplace_def;

/* Writes t (op) other straight into t when nothing is recorded, no dtype
   changes and other does not share t's storage: no allocation, so nothing
   can fail half way (an optimizer's update relies on it). */
static bool try_direct(tg_tensor *t, const tg_tensor *other, tg_binop kernel, bool recorded)
{
    /* Integer dtypes take the general path, which reports their errors. */
    if (recorded || !tg__is_floating(t->dtype) || other->dtype != t->dtype || other->storage == t->storage)
        return false;
    tg__k_binary(kernel, t, t, other);
    tg__bump_version(t);
    return true;
}

static tg_tensor *inplace_binary(tg_tensor *t, const tg_tensor *other, const inplace_def *d)
{
    TG_ARG(t);
    TG_ARG(other);
    if (check_inplace(t, other, true) || check_overlap(t, other)) return NULL;
    int64_t shape[TG_MAX_DIMS];
    int nd;
    if (tg__broadcast_shapes(t->shape, t->ndim, other->shape, other->ndim, shape, &nd)) return NULL;
    tg_dtype dt = tg__result_type(t, other);
    if (!tg__can_cast(dt, t->dtype))
        return tg__fail(TG_E_DTYPE, "result type %s can't be cast to the desired output type %s",
                        tg__dtype_short(dt), tg__dtype_short(t->dtype));
    bool recorded = tg_is_grad_enabled() && (t->requires_grad || other->requires_grad);
    if (tg__same_shape(shape, nd, t->shape, t->ndim) && try_direct(t, other, d->kernel, recorded)) return t;
    /* other's gradient may read self too (c.mul_(x) with only x requiring
       grad): saving t itself would see the write below, and tie t to its
       own grad_fn in a reference cycle. */
    const tg_tensor *self = d->reads_self && recorded ? stand_in(t) : t;
    tg_tensor *r = self ? d->tensor_op(self, other) : NULL;
    return r ? commit(t, r) : NULL;
}

static tg_tensor *inplace_scalar(tg_tensor *t, double s, const inplace_def *d)
{
    TG_ARG(t);
    if (check_inplace(t, NULL, true)) return NULL;
    bool recorded = tg_is_grad_enabled() && t->requires_grad;
    tg_dtype rt = tg__result_type_scalar(t, s);
    if (d->kernel == TG_BIN_POW && !tg__can_cast(rt, t->dtype))   /* pow_'s own check and words */
        return tg__fail(TG_E_DTYPE, "Found dtype %s but expected %s", tg__dtype_short(t->dtype), tg__dtype_short(rt));
    if (rt == t->dtype) {
        /* s as a 0-dim tensor of t's dtype, on the stack */
        union { double f64; int64_t i64; char bytes[8]; } value;   /* aligned for any dtype */
        tg__store(value.bytes, t->dtype, s);
        tg_storage storage = {.data = value.bytes};
        tg_tensor scalar = {.dtype = t->dtype, .storage = &storage};
        if (try_direct(t, &scalar, d->kernel, recorded)) return t;
    }
    const tg_tensor *self = d->reads_self && recorded ? stand_in(t) : t;
    tg_tensor *r = self ? d->scalar_op(self, s) : NULL;
    return r ? commit(t, r) : NULL;
}

#define INPLACE(name, TENSOR_OP, SCALAR_OP, KERNEL, READS_SELF)                    \
    static const inplace_def name = {TENSOR_OP, SCALAR_OP, KERNEL, READS_SELF};
INPLACE(ADD_, tg_add, tg_add_scalar, TG_BIN_ADD, false)
INPLACE(SUB_, tg_sub, tg_sub_scalar, TG_BIN_SUB, false)
INPLACE(MUL_, tg_mul, tg_mul_scalar, TG_BIN_MUL, true)
INPLACE(DIV_, tg_div, tg_div_scalar, TG_BIN_DIV, true)
INPLACE(POW_, tg_pow, tg_pow_scalar, TG_BIN_POW, true)
INPLACE(MAXIMUM_, tg_maximum, NULL, TG_BIN_MAX, true)
INPLACE(MINIMUM_, tg_minimum, NULL, TG_BIN_MIN, true)
INPLACE(RSUB_, NULL, tg_rsub_scalar, TG_BIN_RSUB, false)

tg_tensor *tg_add_(tg_tensor *t, const tg_tensor *o) { return inplace_binary(t, o, &ADD_); }
tg_tensor *tg_sub_(tg_tensor *t, const tg_tensor *o) { return inplace_binary(t, o, &SUB_); }
tg_tensor *tg_mul_(tg_tensor *t, const tg_tensor *o) { return inplace_binary(t, o, &MUL_); }
tg_tensor *tg_div_(tg_tensor *t, const tg_tensor *o) { return inplace_binary(t, o, &DIV_); }
tg_tensor *tg_pow_(tg_tensor *t, const tg_tensor *o) { return inplace_binary(t, o, &POW_); }
tg_tensor *tg_maximum_(tg_tensor *t, const tg_tensor *o) { return inplace_binary(t, o, &MAXIMUM_); }
tg_tensor *tg_minimum_(tg_tensor *t, const tg_tensor *o) { return inplace_binary(t, o, &MINIMUM_); }
tg_tensor *tg_add_scalar_(tg_tensor *t, double s) { return inplace_scalar(t, s, &ADD_); }
tg_tensor *tg_sub_scalar_(tg_tensor *t, double s) { return inplace_scalar(t, s, &SUB_); }
tg_tensor *tg_mul_scalar_(tg_tensor *t, double s) { return inplace_scalar(t, s, &MUL_); }
tg_tensor *tg_div_scalar_(tg_tensor *t, double s) { return inplace_scalar(t, s, &DIV_); }
tg_tensor *tg_pow_scalar_(tg_tensor *t, double s) { return inplace_scalar(t, s, &POW_); }
tg_tensor *tg_rsub_scalar_(tg_tensor *t, double s) { return inplace_scalar(t, s, &RSUB_); }

/* zero_, fill_ and copy_: the old value gets no gradient. */
static tg_tensor *overwrite(tg_tensor *t, const tg_tensor *src, double value, tg_op op)
{
    TG_ARG(t);
    if (check_inplace(t, src, src != NULL) || (src && check_overlap(t, src))) return NULL;
    if (src) {
        int64_t shape[TG_MAX_DIMS];
        int nd;
        if (tg__broadcast_shapes(t->shape, t->ndim, src->shape, src->ndim, shape, &nd) ||
            check_fits(t, shape, nd))
            return NULL;
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
    if (n) {
        tg__set_history(t, n);
        atomic_store(&t->version->inplace_op, (int)op);
        if (t->view_base && rebase_view(t, n)) return NULL;
    }
    return t;
}

tg_tensor *tg_zero_(tg_tensor *t) { return overwrite(t, NULL, 0, TG_OP_ZERO); }
tg_tensor *tg_fill_(tg_tensor *t, double value) { return overwrite(t, NULL, value, TG_OP_FILL); }

tg_tensor *tg_copy_(tg_tensor *dst, const tg_tensor *src)
{
    TG_ARG(src);
    return overwrite(dst, src, 0, TG_OP_COPY);
}
