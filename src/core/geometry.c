/* Geometry: shapes, strides, broadcasting and the layout of results. */
#include "core.h"

#include <string.h>

void tg__contiguous_strides(const int64_t *shape, int ndim, int64_t *strides)
{
    int64_t s = 1;
    for (int i = ndim - 1; i >= 0; i--) {
        strides[i] = s;
        s *= shape[i] > 1 ? shape[i] : 1;
    }
}

const char *tg__shape_text(const int64_t *shape, int ndim, const char *open, const char *close,
                           char *buf, size_t cap)
{
    size_t len = (size_t)snprintf(buf, cap, "%s", open);
    for (int i = 0; i < ndim && len < cap; i++)
        len += (size_t)snprintf(buf + len, cap - len, i ? ", %lld" : "%lld", (long long)shape[i]);
    if (len < cap) snprintf(buf + len, cap - len, "%s", close);
    return buf;
}

const char *tg__shape_str(const int64_t *shape, int ndim, char *buf, size_t cap)
{
    return tg__shape_text(shape, ndim, "[", "]", buf, cap);
}

int tg__check_shape(const char *fn, const int64_t *shape, int ndim)
{
    /* "tg_zeros(): " before this library's own messages, when named */
    const char *name = fn ? fn : "", *sep = fn ? "(): " : "";
    if (ndim < 0 || ndim > TG_MAX_DIMS)
        return tg__faili(TG_E_SHAPE, "%s%stensors may have at most %d dimensions, got %d", name, sep, TG_MAX_DIMS, ndim);
    if (ndim > 0 && !shape) return tg__faili(TG_E_NULL, "%s%sshape is NULL", name, sep);
    /* The product of the sizes with zeros read as ones bounds the element
       count and the contiguous strides (tg__contiguous_strides), so an empty
       shape like (0, 2^40, 2^40) must fit too. */
    int64_t n = 1;
    for (int i = 0; i < ndim; i++) {
        if (shape[i] < 0)
            return tg__faili(TG_E_SHAPE, "Trying to create tensor with negative dimension %lld: %s",
                             (long long)shape[i], tg__shape_str(shape, ndim, (char[256]){0}, 256));
        int64_t size = shape[i] > 1 ? shape[i] : 1;
        /* 16: room for the widest element; no division, which every new
           tensor would pay for */
        if (__builtin_mul_overflow(n, size, &n) || n > INT64_MAX / 16)
            return tg__faili(TG_E_SHAPE, "Storage size calculation overflowed with sizes=%s",
                             tg__shape_str(shape, ndim, (char[256]){0}, 256));
    }
    return 0;
}

int tg__wrap_dim(int64_t dim, int ndim, int64_t *out)
{
    int64_t n = ndim > 0 ? ndim : 1;   /* a 0-dim tensor accepts dims -1 and 0 */
    if (dim < -n || dim >= n)
        return tg__faili(TG_E_INDEX, "Dimension out of range (expected to be in range of [%lld, %lld], but got %lld)",
                         (long long)-n, (long long)(n - 1), (long long)dim);
    *out = dim < 0 ? dim + n : dim;
    return 0;
}

void tg__strided_of(tg_strided *s, const tg_tensor *t)
{
    s->ndim = t->ndim;
    memcpy(s->shape, t->shape, sizeof s->shape);
    memcpy(s->strides, t->strides, sizeof s->strides);
    s->offset = t->offset;
}

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

/* ---------------------------------------------------------------- layout */

/* The most operands an elementwise operation lays its result out from. */
enum { MAX_OPERANDS = 4 };

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
