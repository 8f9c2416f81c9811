/* Broadcasting and strided iteration.

   Note [Iteration]: operands share one shape. Size-1 dimensions are dropped
   and neighbouring dimensions that are contiguous with each other in every
   operand are merged, so a contiguous (or scalar-broadcast) operation becomes
   one flat inner loop. Dimension order is never changed, so operands are
   visited in row-major order. */
#include "../internal.h"

#include <string.h>

#define MAX_OPERANDS 4

int tg__broadcast_shapes(const int64_t *a, int na, const int64_t *b, int nb,
                         int64_t *out, int *nout)
{
    int n = na > nb ? na : nb;
    for (int i = n - 1; i >= 0; i--) {   /* from the last dim, so errors name the one PyTorch names */
        int ia = na - n + i, ib = nb - n + i;
        int64_t sa = ia >= 0 ? a[ia] : 1, sb = ib >= 0 ? b[ib] : 1;
        if (sa != sb && sa != 1 && sb != 1)
            return tg__faili(TG_E_SHAPE,
                             "The size of tensor a (%lld) must match the size of tensor b (%lld) at non-singleton dimension %d",
                             (long long)sa, (long long)sb, i);
        out[i] = sa == 1 ? sb : sa;
    }
    *nout = n;
    return 0;
}

void tg__operand(tg_iter_operand *op, const tg_tensor *t, int ndim)
{
    int64_t es = (int64_t)tg__dtype_size(t->dtype);
    op->data = tg__ptr(t);
    for (int i = 0; i < ndim; i++) {
        int j = t->ndim - ndim + i;
        op->strides[i] = (j >= 0 && t->shape[j] != 1) ? t->strides[j] * es : 0;
    }
}

void tg__iter_run(tg_iter_operand *ops, int nops, const int64_t *shape, int ndim,
                  tg_loop_fn fn, void *ctx)
{
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

/* ---------------------------------------------------------------- layout */

/* Note [Result layout]: PyTorch gives the result of an elementwise operation
   the layout of its inputs (TensorIterator): x.t() * 2 is transposed too, so
   that views of results succeed or fail as they do in PyTorch. Copies (clone,
   to) keep their input's layout the same way (empty_like's preserve_format).
   Empty results stay contiguous. */

/* PyTorch's is_non_overlapping_and_dense: the elements fill one block of
   memory exactly, in some order of the dims. */
bool tg__is_dense(const tg_tensor *t)
{
    int perm[TG_MAX_DIMS], n = 0;
    for (int i = 0; i < t->ndim; i++) {   /* dims of size 0 and 1 do not matter */
        if (t->shape[i] < 2) continue;
        int j = n++;
        for (; j > 0 && t->strides[perm[j - 1]] > t->strides[i]; j--) perm[j] = perm[j - 1];
        perm[j] = i;
    }
    int64_t want = 1;
    for (int k = 0; k < n; k++) {
        if (t->strides[perm[k]] != want) return false;
        want *= t->shape[perm[k]];
    }
    return true;
}

/* TensorIterator's fast setup: operands of the result's shape that are all
   contiguous, or all dense with one set of strides, give it their layout.
   Returns false when it does not apply. */
static bool shared_layout(const int64_t *shape, int ndim, const tg_tensor *const *ops, int nops, int64_t *strides)
{
    bool contiguous = true;
    for (int k = 0; k < nops; k++) {
        if (!tg__same_shape(ops[k]->shape, ops[k]->ndim, shape, ndim)) return false;
        contiguous = contiguous && tg_is_contiguous(ops[k]);
    }
    if (contiguous) return true;   /* strides are already contiguous */
    for (int k = 0; k < nops; k++) {
        if (!tg__is_dense(ops[k])) return false;
        if (memcmp(ops[k]->strides, ops[0]->strides, (size_t)ndim * sizeof *strides) != 0) return false;
    }
    memcpy(strides, ops[0]->strides, (size_t)ndim * sizeof *strides);
    return true;
}

/* TensorIterator's reorder_dimensions: > 0 when dim a should be iterated
   after (be slower than) dim b. The first operand whose strides differ
   decides; broadcast dims (stride 0) abstain; equal strides put the smaller
   dim first. */
static int should_swap(const int64_t (*st)[TG_MAX_DIMS], int nops, const int64_t *shape, int a, int b)
{
    for (int k = 0; k < nops; k++) {
        int64_t sa = st[k][a], sb = st[k][b];
        if (sa == 0 || sb == 0) continue;
        if (sa != sb) return sa < sb ? -1 : 1;
        if (shape[a] > shape[b]) return 1;
    }
    return 0;
}

void tg__result_strides(const int64_t *shape, int ndim, const tg_tensor *const *ops, int nops, int64_t *strides)
{
    tg__contiguous_strides(shape, ndim, strides);
    if (ndim < 2 || tg__numel(shape, ndim) == 0 || nops > MAX_OPERANDS) return;
    if (shared_layout(shape, ndim, ops, nops, strides)) return;
    /* Each operand's strides over the result's dims, 0 where broadcast. */
    int64_t st[MAX_OPERANDS][TG_MAX_DIMS];
    for (int k = 0; k < nops; k++) {
        for (int i = 0; i < ndim; i++) {
            int j = ops[k]->ndim - ndim + i;
            bool broadcast = j < 0 || (ops[k]->shape[j] == 1 && shape[i] != 1);
            st[k][i] = broadcast ? 0 : ops[k]->strides[j];
        }
    }
    /* perm lists the dims fastest first; insertion sort as PyTorch's. */
    int perm[TG_MAX_DIMS];
    for (int i = 0; i < ndim; i++) perm[i] = ndim - 1 - i;
    for (int i = 1; i < ndim; i++) {
        int d1 = i;
        for (int d0 = i - 1; d0 >= 0; d0--) {
            int c = should_swap(st, nops, shape, perm[d0], perm[d1]);
            if (c > 0) {
                int tmp = perm[d0];
                perm[d0] = perm[d1];
                perm[d1] = tmp;
                d1 = d0;
            } else if (c < 0) {
                break;
            }
        }
    }
    bool reversed = true;   /* row-major after all: keep the contiguous strides */
    for (int i = 0; i < ndim; i++) reversed = reversed && perm[i] == ndim - 1 - i;
    if (reversed) return;
    int64_t next = 1;
    for (int i = 0; i < ndim; i++) {
        strides[perm[i]] = next;
        next *= shape[perm[i]];
    }
}
