/* In-place operations. Each writes into its first argument, bumps the
   version counter and, when recording, gives the tensor a new history node
   whose next edge is the tensor's old history (PyTorch's rebase).

   Note [In-place and saved values]: an operation whose derivative reads
   self (mul_, div_, pow_, ...) must see self as it was before the write, so
   the recorded node is built over a copy of the old value that carries the
   old history (what PyTorch does with original_self = self.clone()).

   An operation on a view moves the recorded node into a CopySlices history
   of the view's base (Note [Views written in place] in graph/view.c).

   Here: the machinery every in-place operation shares (declared in
   ops/ops.h), the arithmetic forms, zero_, fill_, copy_ and CopySlices'
   derivative; the twins of other operations are in ops/inplace_unary.c and
   ops/inplace_pointwise.c. */
#include "ops.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* PyTorch's refusal to write a view from split, chunk or unbind, or a view
   of one (Note [Multi-output views] in join.c), named by the history it was
   made with. */
static int multi_output_error(const tg_tensor *t)
{
    const tg_node *fn = tg__grad_fn(t);
    return tg__multi_output_error(fn, fn ? tg__multi_output(fn) : 0, false);
}

/* PyTorch's checks before writing into t (with other, may be NULL), in its
   order: autograd's (a view made in no-grad mode, a view of a leaf, a leaf),
   then the kernels' refusal of a tensor whose elements share memory (fill_
   and zero_ skip that one: PyTorch lets them write an expanded tensor). */
int tg__check_inplace(const tg_tensor *t, const tg_tensor *other, bool overlap)
{
    if (tg__is_inference(t) && !tg__inference_mode())
        return tg__faili(TG_E_AUTOGRAD, "Inplace update to inference tensor outside InferenceMode is not allowed.You "
                                        "can make a clone to get a normal tensor before doing inplace update.See "
                                        "https://github.com/pytorch/rfcs/pull/17 for more details.");
    /* before a stale history is regenerated: PyTorch names the one it was made with */
    const tg_autograd *a = t->autograd;
    if (a && a->view_multi_output && tg_is_grad_enabled() &&
        (a->requires_grad || tg__requires_grad(a->view_base) || (other && tg__requires_grad(other))))
        return multi_output_error(t);
    tg__view_grad_fn(t);   /* a view's history (and requires_grad) may be out of date */
    bool grad = tg_is_grad_enabled() && tg__requires_grad(t);
    const tg_tensor *base = tg__view_base(t);
    /* For PyTorch a view requires grad whenever its base does, even one made
       in no-grad mode (which has no history). */
    bool view_grad = base && tg__requires_grad(base);
    bool rebased = tg_is_grad_enabled() && (grad || view_grad || (other && tg__requires_grad(other))) && base;
    if (rebased && t->autograd->view_no_grad)
        return tg__faili(TG_E_AUTOGRAD, "A view was created in no_grad mode and is being modified inplace with grad "
                                        "mode enabled. Given that this use case is ambiguous and error-prone, it "
                                        "is forbidden. You can clarify your code by moving both the view and the "
                                        "inplace either both inside the no_grad block (if you don't want the "
                                        "inplace to be tracked) or both outside (if you want the inplace to be "
                                        "tracked).");
    /* A view of a leaf that requires grad counts as requiring grad too, even
       one taken before the leaf was made to (PyTorch asks the base). */
    if (tg_is_grad_enabled() && view_grad && !tg__grad_fn(base))
        return tg__faili(TG_E_AUTOGRAD, "a view of a leaf Variable that requires grad is being used in an in-place operation.");
    if (grad && !tg__grad_fn(t))
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
int tg__check_overlap(const tg_tensor *t, const tg_tensor *other)
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

tg_tensor *tg__stand_in(const tg_tensor *t)
{
    tg_tensor *c = tg__cast(t, t->dtype);
    if (!c) return NULL;
    /* a leaf (in no-grad mode, so no graph anyway) stands for itself */
    if (tg__grad_fn(t) && tg__share_history(c, t)) return NULL;
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

int tg__check_fits(const tg_tensor *t, const int64_t *shape, int ndim)
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
    tg_tensor *b = tg__view_base(t);
    tg_node *cs = tg__copy_slices_new(b, t, n);
    if (!cs || tg__set_history(b, cs)) return -1;
    atomic_store(&t->version->last_writer, (int)TG_OP_COPY_SLICES);   /* the base's history names it */
    return tg__regenerate_view(t);
}

/* Writes result into t and takes over its history; returns t. */
/* Forward AD: t, just written in place with `written` (an operation's
   result, copy_'s source; NULL: a fill), takes its tangent (zeros when it
   has none). It goes into t's own tangent when t has one, so that the
   views sharing that tangent's storage see it too. 0 or -1. */
static int commit_tangent(tg_tensor *t, const tg_tensor *written)
{
    if (!tg__dual_level()) return 0;
    tg_tensor *old = tg__tangent(t), *new = written ? tg__tangent(written) : NULL;
    if (!old && !new) return 0;
    tg_tensor *done;
    tg__tangents_pause();
    if (old) {
        done = new ? tg_copy_(old, new) : tg_zero_(old);
    } else {
        tg_tensor *fitted = tg_expand(new, t->shape, t->ndim);
        done = fitted ? tg__mirror_tangent(t, fitted) : NULL;
        if (done) {
            tg__ref(done);
            if (tg__set_tangent(t, done)) done = NULL;
        }
    }
    tg__tangents_resume();
    return done ? 0 : -1;
}

tg_tensor *tg__commit(tg_tensor *t, const tg_tensor *result)
{
    if (tg__check_fits(t, result->shape, result->ndim)) return NULL;
    if (!tg__can_cast(result->dtype, t->dtype))
        return tg__fail(TG_E_DTYPE, "result type %s can't be cast to the desired output type %s",
                        tg__dtype_short(result->dtype), tg__dtype_short(t->dtype));
    tg__copy_into(t, result);
    tg__bump_version(t);
    if (commit_tangent(t, result)) return NULL;
    tg_node *n = tg__grad_fn(result);
    if (n) {
        tg__node_ref(n);
        if (tg__set_history(t, n)) return NULL;
        atomic_store(&t->version->last_writer, (int)n->op);
        if (unsave_self(n, t) || resave_output(n, result, t)) return NULL;
        if (tg__view_base(t) && rebase_view(t, n)) return NULL;
    }
    return t;
}

/* Writes t (op) other straight into t when nothing is recorded, no dtype
   changes and other does not share t's storage: no allocation, so nothing
   can fail half way (an optimizer's update relies on it). */
static bool try_direct(tg_tensor *t, const tg_tensor *other, tg_binary_kernel kernel, bool recorded)
{
    /* Integer dtypes take the general path, which reports their errors. */
    if (recorded || !tg__is_floating(t->dtype) || other->dtype != t->dtype || other->storage == t->storage)
        return false;
    if (tg__dual_level() && (tg__tangent(t) || tg__tangent(other))) return false;   /* forward AD needs a result */
    tg__k_binary(kernel, t, t, other);
    tg__bump_version(t);
    return true;
}

tg_tensor *tg__inplace_binary(const char *fn, tg_tensor *t, const tg_tensor *other, const tg_inplace_def *d)
{
    TG_ARG_OF(fn, t);
    TG_ARG_OF(fn, other);
    if (tg__check_inplace(t, other, true) || tg__check_overlap(t, other)) return NULL;
    int64_t shape[TG_MAX_DIMS];
    int nd;
    if (tg__broadcast_shapes(t->shape, t->ndim, other->shape, other->ndim, shape, &nd)) return NULL;
    tg_dtype dt = tg__result_type(t, other);
    if (!tg__can_cast(dt, t->dtype))
        return tg__fail(TG_E_DTYPE, "result type %s can't be cast to the desired output type %s",
                        tg__dtype_short(dt), tg__dtype_short(t->dtype));
    bool recorded = tg_is_grad_enabled() && (tg__requires_grad(t) || tg__requires_grad(other));
    if (tg__same_shape(shape, nd, t->shape, t->ndim) && try_direct(t, other, d->kernel, recorded)) return t;
    /* other's gradient may read self too (c.mul_(x) with only x requiring
       grad): saving t itself would see the write below, and tie t to its
       own grad_fn in a reference cycle. */
    const tg_tensor *self = d->reads_self && recorded ? tg__stand_in(t) : t;
    tg_tensor *r = self ? d->tensor_op(self, other) : NULL;
    return r ? tg__commit(t, r) : NULL;
}

tg_tensor *tg__inplace_scalar(const char *fn, tg_tensor *t, double s, const tg_inplace_def *d)
{
    TG_ARG_OF(fn, t);
    if (tg__check_inplace(t, NULL, true)) return NULL;
    bool recorded = tg_is_grad_enabled() && tg__requires_grad(t);
    tg_dtype rt = tg__result_type_scalar(t, s);
    if (d->own_scalar_check && !tg__can_cast(rt, t->dtype))
        return tg__fail(TG_E_DTYPE, "Found dtype %s but expected %s", tg__dtype_short(t->dtype), tg__dtype_short(rt));
    if (rt == t->dtype) {
        /* s as a 0-dim tensor of t's dtype, on the stack */
        union { double c128[2]; int64_t i64; char bytes[16]; } value;   /* room and alignment for any dtype */
        tg__store(value.bytes, t->dtype, s);
        tg_storage storage = {.data = value.bytes};
        tg_tensor scalar = {.dtype = t->dtype, .storage = &storage};
        if (try_direct(t, &scalar, d->kernel, recorded)) return t;
    }
    const tg_tensor *self = d->reads_self && recorded ? tg__stand_in(t) : t;
    tg_tensor *r = self ? d->scalar_op(self, s) : NULL;
    return r ? tg__commit(t, r) : NULL;
}

static const tg_inplace_def ADD_ = {tg_add, tg_add_scalar, TG_BIN_ADD, .reads_self = false};
static const tg_inplace_def SUB_ = {tg_sub, tg_sub_scalar, TG_BIN_SUB, .reads_self = false};
static const tg_inplace_def MUL_ = {tg_mul, tg_mul_scalar, TG_BIN_MUL, .reads_self = true};
static const tg_inplace_def DIV_ = {tg_div, tg_div_scalar, TG_BIN_DIV, .reads_self = true};
static const tg_inplace_def POW_ = {tg_pow, tg_pow_scalar, TG_BIN_POW, .reads_self = true, .own_scalar_check = true};
static const tg_inplace_def MAXIMUM_ = {tg_maximum, NULL, TG_BIN_MAX, .reads_self = true};
static const tg_inplace_def MINIMUM_ = {tg_minimum, NULL, TG_BIN_MIN, .reads_self = true};
static const tg_inplace_def RSUB_ = {NULL, tg_rsub_scalar, TG_BIN_RSUB, .reads_self = false};

tg_tensor *tg_add_(tg_tensor *t, const tg_tensor *o) { return tg__inplace_binary(__func__, t, o, &ADD_); }
tg_tensor *tg_sub_(tg_tensor *t, const tg_tensor *o) { return tg__inplace_binary(__func__, t, o, &SUB_); }
tg_tensor *tg_mul_(tg_tensor *t, const tg_tensor *o) { return tg__inplace_binary(__func__, t, o, &MUL_); }
tg_tensor *tg_div_(tg_tensor *t, const tg_tensor *o) { return tg__inplace_binary(__func__, t, o, &DIV_); }
tg_tensor *tg_pow_(tg_tensor *t, const tg_tensor *o) { return tg__inplace_binary(__func__, t, o, &POW_); }
tg_tensor *tg_maximum_(tg_tensor *t, const tg_tensor *o) { return tg__inplace_binary(__func__, t, o, &MAXIMUM_); }
tg_tensor *tg_minimum_(tg_tensor *t, const tg_tensor *o) { return tg__inplace_binary(__func__, t, o, &MINIMUM_); }
tg_tensor *tg_add_scalar_(tg_tensor *t, double s) { return tg__inplace_scalar(__func__, t, s, &ADD_); }
tg_tensor *tg_sub_scalar_(tg_tensor *t, double s) { return tg__inplace_scalar(__func__, t, s, &SUB_); }
tg_tensor *tg_mul_scalar_(tg_tensor *t, double s) { return tg__inplace_scalar(__func__, t, s, &MUL_); }
tg_tensor *tg_div_scalar_(tg_tensor *t, double s) { return tg__inplace_scalar(__func__, t, s, &DIV_); }
tg_tensor *tg_pow_scalar_(tg_tensor *t, double s) { return tg__inplace_scalar(__func__, t, s, &POW_); }
tg_tensor *tg_rsub_scalar_(tg_tensor *t, double s) { return tg__inplace_scalar(__func__, t, s, &RSUB_); }
/* square_ is pow_(2), as in PyTorch (bool is refused with pow_'s words). */
tg_tensor *tg_square_(tg_tensor *t) { return tg__inplace_scalar(__func__, t, 2, &POW_); }

/* zero_, fill_ and copy_: the old value gets no gradient. */
static tg_tensor *overwrite(const char *fn, tg_tensor *t, const tg_tensor *src, double value, tg_op op)
{
    TG_ARG_OF(fn, t);
    if (tg__check_inplace(t, src, src != NULL) || (src && tg__check_overlap(t, src))) return NULL;
    if (src) {
        int64_t shape[TG_MAX_DIMS];
        int nd;
        if (tg__broadcast_shapes(t->shape, t->ndim, src->shape, src->ndim, shape, &nd) ||
            tg__check_fits(t, shape, nd))
            return NULL;
    }
    const tg_tensor *ins[2] = {t, src};
    tg_node *n = NULL;
    if (tg__needs_grad(ins, 2) && tg__is_floating_or_complex(t->dtype)) {
        n = tg__node_new((tg_record){.op = op}, ins, src ? 2 : 1);
        if (!n) return NULL;
    }
    if (src) tg__copy_into(t, src);
    else tg__k_fill(t, value);
    tg__bump_version(t);
    if (commit_tangent(t, src)) return NULL;
    if (n) {
        if (tg__set_history(t, n)) return NULL;
        atomic_store(&t->version->last_writer, (int)op);
        if (tg__view_base(t) && rebase_view(t, n)) return NULL;
    }
    return t;
}

/* zero_, fill_ (and sign, whose gradient is zero too): zeros_like(g), as
   derivatives.yaml, which has no history even when g has one */
tg_tensor *tg_zero_(tg_tensor *t) { return overwrite(__func__, t, NULL, 0, TG_OP_ZERO); }
tg_tensor *tg_fill_(tg_tensor *t, double value) { return overwrite(__func__, t, NULL, value, TG_OP_FILL); }
int tg__d_zero(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    if (NEED(0) && !(gi[0] = tg_zeros(g->shape, g->ndim, g->dtype))) return -1;
    return 0;
}

/* copy_: nothing to the old value, g to the source. */
tg_tensor *tg_copy_(tg_tensor *dst, const tg_tensor *src)
{
    TG_ARG(src);
    return overwrite(__func__, dst, src, 0, TG_OP_COPY);
}

int tg__d_copy(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    if (NEED(0) && !(gi[0] = tg_zeros(g->shape, g->ndim, g->dtype))) return -1;
    if (NEED(1)) gi[1] = g;
    return 0;
}

/* PyTorch's CopySlices::apply (Note [CopySlices] in graph/view.c): the gradient
   for the base, in its layout, with the view's part replaced by what fn's
   derivative gives for the view's old value; fn's other gradients as they
   are. Written with differentiable operations: under create_graph the
   copy_ into the view of the new tensor is recorded as a CopySlices too. */
int tg__d_copy_slices(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    const tg_view_geometry *p = n->params;
    tg_strided at = p->view;
    at.offset -= p->base.offset;
    tg_tensor *result = tg__zeros_strided(g->dtype, &p->base);
    result = result ? tg_copy_(result, g) : NULL;
    tg_tensor *slice = result ? tg__as_strided(result, &at) : NULL;
    tg_tensor *grad_slice = slice ? tg__clone_contiguous(slice) : NULL;
    tg_tensor **res = grad_slice ? tg__calloc((size_t)n->fn->n_next, sizeof *res) : NULL;
    if (!res) return -1;
    int rc = TG_DERIVATIVES[n->fn->op](n->fn, grad_slice, res);
    if (rc == 0 && NEED(0)) {
        /* After zero_ or fill_ on an expanded view this copy_ fails, with
           PyTorch's error, as PyTorch's does. */
        tg_tensor *w = res[0] ? tg_copy_(slice, res[0]) : tg_zero_(slice);
        gi[0] = w ? result : NULL;
    }
    for (int i = 1; i < n->n_next && rc == 0; i++)
        if (NEED(i)) gi[i] = res[i];
    free(res);
    return rc ? rc : tg__derivative_done(n, gi);
}
