/* Copies: dtype conversion (to) and clone. Their gradient passes through
   (tg__d_identity, shape.c). */
#include "ops.h"

#include <stdatomic.h>
#include <string.h>

/* A copy of t in dtype dt, laid out like t (preserve_format) unless asked
   to be contiguous; no history. */
static tg_tensor *copy_of(const tg_tensor *t, tg_dtype dt, bool contiguous)
{
    tg_tensor *out = contiguous ? tg__new(dt, t->shape, t->ndim) : tg__new_like(dt, t->shape, t->ndim, &t, 1);
    if (out) tg__copy_into(out, t);
    return out;
}

tg_tensor *tg_to(const tg_tensor *t, tg_dtype dtype)
{
    TG_ARG(t);
    if (tg__check_dtype(__func__, dtype)) return NULL;
    if (dtype == t->dtype) return tg__share(t);   /* like PyTorch, the same tensor */
    static atomic_bool warned;   /* PyTorch's TORCH_WARN_ONCE */
    if (tg__is_complex(t->dtype) && !tg__is_complex(dtype) && !atomic_exchange(&warned, true))
        tg__warn("Casting complex values to real discards the imaginary part");
    tg_tensor *out = copy_of(t, dtype, false);
    if (!out) return NULL;
    if (!tg__is_floating_or_complex(dtype)) return out;   /* integers carry no gradient */
    return tg__record(out, (tg_record){.op = TG_OP_TO_COPY}, &t, 1, NULL) ? NULL : out;
}

/* clone with PyTorch's preserve_format (t's layout), or contiguous. */
static tg_tensor *clone(const char *fn, const tg_tensor *t, bool contiguous)
{
    TG_ARG_OF(fn, t);
    tg_tensor *out = copy_of(t, t->dtype, contiguous);
    if (!out) return NULL;
    if (tg__record(out, (tg_record){.op = TG_OP_CLONE}, &t, 1, NULL)) return NULL;
    return out;
}

tg_tensor *tg_clone(const tg_tensor *t) { return clone(__func__, t, false); }
tg_tensor *tg__clone_contiguous(const tg_tensor *t) { return clone(__func__, t, true); }

tg_tensor *tg__grad_copy(const tg_tensor *g, const tg_tensor *leaf)
{
    tg_tensor *grad = tg__new(leaf->dtype, leaf->shape, leaf->ndim);
    if (!grad) return NULL;
    if (tg__is_dense(leaf)) memcpy(grad->strides, leaf->strides, sizeof grad->strides);
    if (tg_is_grad_enabled()) return tg_copy_(grad, g);
    tg__copy_into(grad, g);
    return grad;
}
