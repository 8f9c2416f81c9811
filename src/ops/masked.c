/* Selection by a boolean mask: masked_select, and the masked_scatter its
   gradient is made of (as PyTorch's masked_select_backward). */
#include "ops.h"

/* t and mask broadcast together: their shape into shape, *ndim. */
static int mask_shape(const tg_tensor *t, const tg_tensor *mask, int64_t *shape, int *ndim)
{
    if (mask->dtype != TG_BOOL) return tg__faili(TG_E_DTYPE, "masked_select: expected BoolTensor or ByteTensor for mask");
    return tg__broadcast_shapes(mask->shape, mask->ndim, t->shape, t->ndim, shape, ndim);
}

tg_tensor *tg_masked_select(const tg_tensor *t, const tg_tensor *mask)
{
    TG_ARG(t);
    TG_ARG(mask);
    int64_t shape[TG_MAX_DIMS];
    int nd;
    if (mask_shape(t, mask, shape, &nd)) return NULL;
    int64_t count = tg__k_masked(false, (tg_tensor *)t, mask, shape, nd, NULL);
    tg_tensor *out = tg__new(t->dtype, &count, 1);
    if (!out) return NULL;
    tg__k_masked(false, (tg_tensor *)t, mask, shape, nd, tg__ptr(out));
    tg_node *n;
    /* the mask's address is the tangent rule's parameter (ops/tangents_tensor.c) */
    if (tg__record(out, (tg_record){.op = TG_OP_MASKED_SELECT, .n_saved = 2, TG_PARAMS(mask)}, &t, 1, &n)) return NULL;
    if (n) {   /* PyTorch saves self too, though the gradient reads only its sizes */
        tg__save(n, 0, t);
        tg__save(n, 1, mask);
    }
    return out;
}

/* zeros of self and mask's broadcast shape, g put where mask is true */
int tg__d_masked_select(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    tg_tensor *self = SAVED(0), *mask = SAVED(1);
    if (!self || !mask) return -1;
    int64_t shape[TG_MAX_DIMS];
    int nd;
    if (mask_shape(self, mask, shape, &nd)) return -1;
    tg_tensor *zeros = tg_zeros(shape, nd, g->dtype);
    return (gi[0] = zeros ? tg__masked_scatter(zeros, mask, g) : NULL) ? 0 : -1;
}

/* A copy of t with source's elements, in order, where mask (broadcast to
   t) is true; source has exactly as many elements as mask has true ones. */
tg_tensor *tg__masked_scatter(const tg_tensor *t, const tg_tensor *mask, const tg_tensor *source)
{
    tg_tensor *out = tg__cast(t, t->dtype);
    tg_tensor *packed = tg__cast(source, t->dtype);
    if (!out || !packed) return NULL;
    tg__k_masked(true, out, mask, out->shape, out->ndim, tg__ptr(packed));
    tg_node *n;
    if (tg__record(out, (tg_record){.op = TG_OP_MASKED_SCATTER, .n_saved = 1, TG_PARAMS(mask)},
                   (const tg_tensor *[]){t, source}, 2, &n))
        return NULL;
    if (n) tg__save(n, 0, mask);
    return out;
}

/* self: g but zero where mask is true; source: g where mask is true, in
   source's shape */
int tg__d_masked_scatter(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    tg_tensor *mask = SAVED(0);
    tg_tensor *zero = tg__scalar_tensor(0, g->dtype);
    if (!mask || !zero) return -1;
    if (NEED(0)) gi[0] = tg_where(mask, zero, g);
    if (NEED(1)) gi[1] = tg_reshape(tg_masked_select(g, mask), n->in_meta[1].shape, n->in_meta[1].ndim);
    return tg__derivative_done(n, gi);
}
