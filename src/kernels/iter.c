/* Strided iteration.

   Note [Iteration]: operands share one shape. Size-1 dimensions are dropped
   and neighbouring dimensions that are contiguous with each other in every
   operand are merged, so a contiguous (or scalar-broadcast) operation becomes
   one flat inner loop. Dimension order is never changed, so operands are
   visited in row-major order. */
#include "kernels.h"

#include <string.h>

#define MAX_OPERANDS 4   /* where() has the most: out, cond, a, b */

void tg__operand(tg_iter_operand *op, const tg_tensor *t, int ndim)
{
    int64_t es = (int64_t)tg__dtype_size(t->dtype);
    op->data = tg__ptr(t);
    for (int i = 0; i < ndim; i++) {
        int j = t->ndim - ndim + i;
        op->strides[i] = (j >= 0 && t->shape[j] != 1) ? t->strides[j] * es : 0;
    }
}

/* Whether every operand walks the whole shape as one flat run (row-major
   contiguous in its own element size, or a broadcast scalar with strides
   0), and then the element count: the common case, with no dimensions to
   merge. Only small runs take this path; large ones go through the general
   path, which may split them among threads. */
enum { SMALL_FLAT_RUN = 4096 };   /* elements */
static bool one_flat_run(const tg_iter_operand *ops, int nops, const int64_t *shape, int ndim, int64_t *count)
{
    if (ndim == 0) return false;
    int64_t n = shape[ndim - 1];
    for (int d = ndim - 2; d >= 0; d--) {
        for (int k = 0; k < nops; k++)
            if (ops[k].strides[d] != ops[k].strides[d + 1] * shape[d + 1]) return false;
        n *= shape[d];
    }
    *count = n;
    return true;
}

void tg__iter_run(tg_iter_operand *ops, int nops, const int64_t *shape, int ndim,
                  tg_loop_fn fn, void *ctx)
{
    int64_t count;
    if (nops <= MAX_OPERANDS && one_flat_run(ops, nops, shape, ndim, &count) && count <= SMALL_FLAT_RUN) {
        char *ptr[MAX_OPERANDS];
        int64_t inner_stride[MAX_OPERANDS];
        for (int k = 0; k < nops; k++) { ptr[k] = ops[k].data; inner_stride[k] = ops[k].strides[ndim - 1]; }
        if (count > 0) fn(ptr, inner_stride, count, ctx);
        return;
    }
    int64_t size[TG_MAX_DIMS];
    int64_t stride[MAX_OPERANDS][TG_MAX_DIMS];
    int nd = 0;
    for (int d = 0; d < ndim; d++) {
        if (shape[d] == 0) return;
        if (shape[d] == 1) continue;
        bool merge = nd > 0;
        for (int k = 0; k < nops && merge; k++)
            merge = stride[k][nd - 1] == ops[k].strides[d] * shape[d];
        if (merge) {
            size[nd - 1] *= shape[d];
            for (int k = 0; k < nops; k++) stride[k][nd - 1] = ops[k].strides[d];
            continue;
        }
        size[nd] = shape[d];
        for (int k = 0; k < nops; k++) stride[k][nd] = ops[k].strides[d];
        nd++;
    }
    char *ptr[MAX_OPERANDS];
    int64_t inner_stride[MAX_OPERANDS];
    if (nd == 0) {
        for (int k = 0; k < nops; k++) { ptr[k] = ops[k].data; inner_stride[k] = 0; }
        fn(ptr, inner_stride, 1, ctx);
        return;
    }
    int inner = nd - 1;
    for (int k = 0; k < nops; k++) inner_stride[k] = stride[k][inner];
    int64_t idx[TG_MAX_DIMS] = {0};
    for (;;) {
        for (int k = 0; k < nops; k++) {
            char *p = ops[k].data;
            for (int d = 0; d < inner; d++) p += idx[d] * stride[k][d];
            ptr[k] = p;
        }
        fn(ptr, inner_stride, size[inner], ctx);
        int d = inner - 1;
        while (d >= 0 && ++idx[d] == size[d]) idx[d--] = 0;
        if (d < 0) return;
    }
}

