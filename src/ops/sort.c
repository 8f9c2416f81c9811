/* Sorting: sort, argsort and topk along a dim. */
#include "ops.h"

typedef tg_sort_params sort_params;   /* ops/ops.h */

/* zeros of shape with src's values at idx along dim: what PyTorch's
   derivatives of sort and topk make with scatter (ScatterBackward0). */
static tg_tensor *scatter_new(const tg_tensor *src, int64_t dim, const tg_tensor *idx, const int64_t *shape, int ndim)
{
    tg_tensor *zeros = tg_zeros(shape, ndim, src->dtype);
    return zeros ? tg_scatter(zeros, dim, idx, src) : NULL;
}

/* The gradient goes back to where each value came from (the saved
   indices), zero elsewhere (topk). */
int tg__d_sort(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    const sort_params *p = n->params;
    const tg_meta *in = &n->in_meta[0];
    tg_tensor *idx = SAVED(0);
    if (!idx) return -1;
    gi[0] = in->ndim == 0 ? g : scatter_new(g, p->dim, idx, in->shape, in->ndim);
    return gi[0] ? 0 : -1;
}

/* t's runs along dim sorted (their first k when op is TOPK), values laid
   out as t (topk: contiguous), recorded as op (TG_OP_COUNT: not, for
   argsort), saving the indices. */
static tg_tensor *sorted(const char *fn, tg_op op, const tg_tensor *t, int64_t dim, bool descending, int64_t k,
                         tg_tensor **indices)
{
    *indices = NULL;
    TG_ARG_OF(fn, t);
    sort_params p;
    if (tg__wrap_dim(dim, t->ndim, &p.dim)) return NULL;
    int64_t d = p.dim, shape[TG_MAX_DIMS];
    bool topk = op == TG_OP_TOPK;
    if (topk && t->dtype == TG_BOOL) return tg__fail(TG_E_DTYPE, "\"topk_cpu\" not implemented for 'Bool'");
    if (topk && (k < 0 || k > (t->ndim ? t->shape[d] : 1)))
        return tg__fail(TG_E_INDEX, "selected index k out of range");
    /* PyTorch's kernels refuse complex; a 0-dim tensor is copied without
       them, but not differentiated */
    if (t->ndim > 0 && tg__refuse_complex(fn, t, NULL)) return NULL;
    if (tg__is_complex(t->dtype) && tg__needs_grad(&t, 1))
        return tg__fail(TG_E_AUTOGRAD, "%s does not support automatic differentiation for outputs with complex dtype.",
                        topk ? "topk" : "sort");
    for (int i = 0; i < t->ndim; i++) shape[i] = topk && i == d ? k : t->shape[i];
    tg_tensor *values = topk ? tg__new(t->dtype, shape, t->ndim) : tg__new_like(t->dtype, shape, t->ndim, &t, 1);
    tg_tensor *idx = topk ? tg__new(TG_I64, shape, t->ndim) : tg__new_like(TG_I64, shape, t->ndim, &t, 1);
    if (!values || !idx) return NULL;
    if (t->ndim == 0) {
        tg__copy_into(values, t);
        tg__k_fill(idx, 0);
    } else if (tg__k_sort(values, idx, t, (int)d, descending)) {
        return NULL;
    }
    if (op != TG_OP_COUNT) {
        p.indices = idx;
        tg_node *n;
        if (tg__record(values, (tg_record){.op = op, .n_saved = 1, TG_PARAMS(p)}, &t, 1, &n)) return NULL;
        if (n) tg__save(n, 0, idx);
    }
    *indices = idx;
    return values;
}

tg_tensor *tg_sort(const tg_tensor *t, int64_t dim, bool descending, tg_tensor **indices)
{
    tg_tensor *idx, *values = sorted(__func__, TG_OP_SORT, t, dim, descending, 0, &idx);
    if (indices) *indices = idx;
    return values;
}

tg_tensor *tg_argsort(const tg_tensor *t, int64_t dim, bool descending)
{
    tg_tensor *idx;
    return sorted(__func__, TG_OP_COUNT, t, dim, descending, 0, &idx) ? idx : NULL;
}

/* Always sorted: sorted = false allows any order, as in PyTorch. */
tg_tensor *tg_topk(const tg_tensor *t, int64_t k, int64_t dim, bool largest, bool sorted_, tg_tensor **indices)
{
    (void)sorted_;
    tg_tensor *idx, *values = sorted(__func__, TG_OP_TOPK, t, dim, largest, k, &idx);
    if (indices) *indices = idx;
    return values;
}
