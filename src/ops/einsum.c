/* einsum as PyTorch 1.13 computes it (aten/src/ATen/native/Linear.cpp),
   so that its graph has PyTorch's nodes: parse the equation, align every
   operand to one order of dimensions (output dims, then contracted ones),
   taking diagonals for repeated labels, and contract the operands left to
   right, each pair through bmm (sumproduct_pair). The equation is
   untrusted input: every malformed one fails with PyTorch's message. */
#include "ops.h"

#include <stdlib.h>
#include <string.h>

enum { LETTERS = 26, LABELS = 2 * LETTERS, ELLIPSIS = LABELS, MAX_PERM = LABELS + TG_MAX_DIMS };

static bool is_letter(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static int subscript(unsigned char c) { return c <= 'Z' ? c - 'A' : c - 'a' + LETTERS; }
static char label_of(int s) { return (char)(s < LETTERS ? s + 'A' : s - LETTERS + 'a'); }

/* PyTorch's diagonal(t, 0, d1, d2): a view without d1 and d2 and with
   their diagonal last (DiagonalBackward0, whose gradient is as_strided's). */
static tg_tensor *diagonal(const tg_tensor *t, int d1, int d2)
{
    tg_view_geometry p;
    tg__strided_of(&p.base, t);
    tg_strided *v = &p.view;
    v->ndim = 0;
    v->offset = t->offset;
    for (int i = 0; i < t->ndim; i++) {
        if (i == d1 || i == d2) continue;
        v->shape[v->ndim] = t->shape[i];
        v->strides[v->ndim++] = t->strides[i];
    }
    v->shape[v->ndim] = t->shape[d1] < t->shape[d2] ? t->shape[d1] : t->shape[d2];
    v->strides[v->ndim++] = t->strides[d1] + t->strides[d2];
    tg_tensor *out = tg__alias(t, v->shape, v->strides, v->ndim, v->offset);
    if (!out || tg__set_view_of(out, t)) return NULL;
    return tg__record(out, (tg_record){.op = TG_OP_EINSUM_DIAGONAL, TG_PARAMS(p)}, &t, 1, NULL) ? NULL : out;
}

/* movedim(t, -1, d), as PyTorch does it: a permute. */
static tg_tensor *last_to(const tg_tensor *t, int d)
{
    if (!t) return NULL;   /* diagonal failed (out of memory) */
    int64_t order[TG_MAX_DIMS];
    for (int i = 0, k = 0; i < t->ndim; i++) order[i] = i == d ? t->ndim - 1 : k++;
    return tg_permute(t, order, t->ndim);
}

/* PyTorch's sumproduct_pair(left, right, sum_dims, keepdim=true): the sum
   of left * right over sum_dims (ascending) through permutes and bmm. */
static tg_tensor *sumproduct_pair(const tg_tensor *left, const tg_tensor *right, const int64_t *sum_dims, int nsum)
{
    if (!left || !right) return NULL;
    if (nsum == 0) return tg_mul(left, right);
    int dim = left->ndim, nlro = 0, nlo = 0, nro = 0;
    int64_t lro[TG_MAX_DIMS], lo[TG_MAX_DIMS], ro[TG_MAX_DIMS];
    int64_t lro_size = 1, lo_size = 1, ro_size = 1, sum_size = 1;
    bool summed[TG_MAX_DIMS] = {false};
    for (int k = 0; k < nsum; k++) summed[sum_dims[k]] = true;
    for (int i = 0; i < dim; i++) {
        bool sl = left->shape[i] != 1, sr = right->shape[i] != 1;
        if ((summed[i] || (sl && sr)) && sl && sr && left->shape[i] != right->shape[i])
            return tg__fail(TG_E_SHAPE, "non-broadcast dimensions must match");
        if (summed[i]) {
            if (sl && sr) sum_size *= left->shape[i];
            else if (sl) left = tg_sum_dim(left, (int64_t[]){i}, 1, true);
            else if (sr) right = tg_sum_dim(right, (int64_t[]){i}, 1, true);
            if (!left || !right) return NULL;
        } else if (sl && sr) {
            lro[nlro++] = i;
            lro_size *= left->shape[i];
        } else if (sl) {
            lo[nlo++] = i;
            lo_size *= left->shape[i];
        } else {
            ro[nro++] = i;
            ro_size *= right->shape[i];
        }
    }
    int64_t out_size[TG_MAX_DIMS], lperm[TG_MAX_DIMS], rperm[TG_MAX_DIMS], operm[TG_MAX_DIMS];
    int k = 0;
    for (int i = 0; i < nlro; i++, k++) out_size[k] = left->shape[lro[i]], lperm[k] = rperm[k] = lro[i];
    for (int i = 0; i < nlo; i++, k++) out_size[k] = left->shape[lo[i]], lperm[k] = lo[i];
    for (int i = 0; i < nsum; i++, k++) out_size[k] = 1, lperm[k] = sum_dims[i];
    for (int i = 0; i < nro; i++, k++) out_size[k] = right->shape[ro[i]], lperm[k] = ro[i];
    k = nlro;
    for (int i = 0; i < nsum; i++) rperm[k++] = sum_dims[i];
    for (int i = 0; i < nro; i++) rperm[k++] = ro[i];
    for (int i = 0; i < nlo; i++) rperm[k++] = lo[i];
    for (int i = 0; i < dim; i++) operm[lperm[i]] = i;
    tg_tensor *l = tg_reshape(tg_permute(left, lperm, dim), (int64_t[]){lro_size, lo_size, sum_size}, 3);
    tg_tensor *r = tg_reshape(tg_permute(right, rperm, dim), (int64_t[]){lro_size, sum_size, ro_size}, 3);
    return tg_permute(tg_view(tg_bmm(l, r), out_size, dim), operm, dim);
}

/* The parsed equation: each operand's subscripts (ELLIPSIS for "..."). */
typedef struct equation {
    unsigned char *labels;   /* all operands' subscripts, in order */
    int *start;              /* operand i's are labels[start[i] .. start[i + 1]) */
    size_t arrow;            /* where "->" starts, or SIZE_MAX */
} equation;

static int parse_inputs(const char *eq, int n, equation *e)
{
    const char *a = strstr(eq, "->");
    size_t len = a ? (size_t)(a - eq) : strlen(eq);
    e->arrow = a ? len : SIZE_MAX;
    e->labels = tg__malloc(len + 1);
    e->start = e->labels ? tg__calloc((size_t)n + 1, sizeof *e->start) : NULL;
    if (!e->start) return -1;
    int op = 0, count = 0;
    bool ellipsis = false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)eq[i];
        if (c == ' ') continue;
        if (c == '.') {
            if (ellipsis)
                return tg__faili(TG_E_INVALID, "einsum(): found '.' for operand %d for which an ellipsis was already found", op);
            if (!(i + 2 < len && eq[i + 1] == '.' && eq[i + 2] == '.'))
                return tg__faili(TG_E_INVALID, "einsum(): found '.' for operand %d that is not part of any ellipsis", op);
            i += 2;
            e->labels[count++] = ELLIPSIS;
            ellipsis = true;
        } else if (c == ',') {
            if (++op >= n) return tg__faili(TG_E_INVALID, "einsum(): fewer operands were provided than specified in the equation");
            e->start[op] = count;
            ellipsis = false;
        } else if (!is_letter(c)) {
            return tg__faili(TG_E_INVALID, "einsum(): invalid subscript given at index %zu in the equation string, subscripts must be in [a-zA-Z]", i);
        } else {
            e->labels[count++] = (unsigned char)subscript(c);
        }
    }
    if (op != n - 1) return tg__faili(TG_E_INVALID, "einsum(): more operands were provided than specified in the equation");
    e->start[n] = count;
    return 0;
}

/* The einsum state after parsing: where each label (and the ellipsis's
   dims) goes in the aligned order of dimensions. */
typedef struct alignment {
    int perm_index[LABELS];   /* -1: unused */
    int count[LABELS];
    int ell_dims, ell_index, out_dims, dims;
} alignment;

/* Counts labels, checks each operand's subscripts against its dims and
   places the output's dims first, as PyTorch does. */
static int align(const char *eq, const tg_tensor *const *ts, int n, const equation *e, alignment *al)
{
    memset(al, 0, sizeof *al);
    for (int s = 0; s < LABELS; s++) al->perm_index[s] = -1;
    for (int i = 0; i < n; i++) {
        int nlabels = e->start[i + 1] - e->start[i];
        bool ell = false;
        for (int k = e->start[i]; k < e->start[i + 1]; k++) {
            if (e->labels[k] != ELLIPSIS) {
                al->count[e->labels[k]]++;
                continue;
            }
            ell = true;
            nlabels--;
            if (ts[i]->ndim - nlabels > al->ell_dims) al->ell_dims = ts[i]->ndim - nlabels;
        }
        if (ell ? nlabels > ts[i]->ndim : nlabels != ts[i]->ndim)
            return tg__faili(TG_E_SHAPE, "einsum(): the number of subscripts in the equation (%d) %s (%d) for operand %d%s", nlabels,
                             ell ? "is more than the number of dimensions" : "does not match the number of dimensions",
                             ts[i]->ndim, i, ell ? "" : " and no ellipsis was given");
    }
    /* nlabels <= ndim above, so ell_dims <= TG_MAX_DIMS */
    int perm = 0;
    bool ell_out = false;
    if (e->arrow == SIZE_MAX) {   /* implicit: the ellipsis, then labels seen once */
        perm = al->ell_dims;
        ell_out = true;
        for (int s = 0; s < LABELS; s++)
            if (al->count[s] == 1) al->perm_index[s] = perm++;
    } else {
        const char *rhs = eq + e->arrow + 2;
        size_t len = strlen(rhs);
        for (size_t i = 0; i < len; i++) {
            unsigned char c = (unsigned char)rhs[i];
            if (c == ' ') continue;
            if (c == '.') {
                if (ell_out) return tg__faili(TG_E_INVALID, "einsum(): found '.' for output but an ellipsis (...) was already found");
                if (!(i + 2 < len && rhs[i + 1] == '.' && rhs[i + 2] == '.'))
                    return tg__faili(TG_E_INVALID, "einsum(): found '.' for output that is not part of any ellipsis (...)");
                i += 2;
                al->ell_index = perm;
                perm += al->ell_dims;
                ell_out = true;
                continue;
            }
            if (!is_letter(c))
                return tg__faili(TG_E_INVALID, "einsum(): invalid subscript given at index %zu in the equation string, subscripts must be in [a-zA-Z]",
                                 e->arrow + 2 + i);
            int s = subscript(c);
            if (al->count[s] == 0 || al->perm_index[s] != -1)
                return tg__faili(TG_E_INVALID, "einsum(): output subscript %c%s", c,
                                 al->perm_index[s] > -1 ? " appears more than once in the output"
                                                        : " does not appear in the equation for any input operand");
            al->perm_index[s] = perm++;
        }
    }
    al->out_dims = perm;
    if (!ell_out) {
        al->ell_index = perm;
        perm += al->ell_dims;
    }
    for (int s = 0; s < LABELS; s++)
        if (al->count[s] > 0 && al->perm_index[s] == -1) al->perm_index[s] = perm++;
    al->dims = perm;
    if (perm > TG_MAX_DIMS)
        return tg__faili(TG_E_SHAPE, "tg_einsum(): the equation needs %d dimensions, more than the %d a tensor may have", perm, TG_MAX_DIMS);
    return 0;
}

/* Operand i aligned to al's order (diagonals taken, missing dims of size
   1), checking sizes against those seen so far (label_size, ell_size) and
   counting per dim the operands where it is not 1 (dim_counts). */
static tg_tensor *aligned(const tg_tensor *t, int i, const equation *e, const alignment *al, int64_t *label_size,
                          int64_t *ell_size, int64_t *dim_counts)
{
    int64_t permutation[TG_MAX_DIMS];
    for (int k = 0; k < al->dims; k++) permutation[k] = -1;
    int dim = 0, nlabels = e->start[i + 1] - e->start[i];
    for (int k = e->start[i]; k < e->start[i + 1] && t; k++) {
        int s = e->labels[k];
        if (s == ELLIPSIS) {
            int ndim = t->ndim - (nlabels - 1);
            for (int j = al->ell_dims - ndim; j < al->ell_dims; j++) {
                if (t->shape[dim] != 1) {
                    if (ell_size[j] != 1 && ell_size[j] != t->shape[dim])
                        return tg__fail(TG_E_SHAPE, "einsum(): dimension %d covered by ellipsis in operand %dhas size %lld which does not broadcast with previously seen ellipsis with size %lld for the respective dimension",
                                        dim, i, (long long)t->shape[dim], (long long)ell_size[j]);
                    ell_size[j] = t->shape[dim];
                    dim_counts[al->ell_index + j]++;
                }
                permutation[al->ell_index + j] = dim++;
            }
        } else if (permutation[al->perm_index[s]] == -1) {
            if (t->shape[dim] != 1) {
                if (label_size[s] != 1 && label_size[s] != t->shape[dim])
                    return tg__fail(TG_E_SHAPE, "einsum(): subscript %c has size %lld for operand %d which does not broadcast with previously seen size %lld",
                                    label_of(s), (long long)t->shape[dim], i, (long long)label_size[s]);
                label_size[s] = t->shape[dim];
                dim_counts[al->perm_index[s]]++;
            }
            permutation[al->perm_index[s]] = dim++;
        } else {   /* a repeated label: its diagonal */
            int prev = (int)permutation[al->perm_index[s]];
            if (t->shape[dim] != t->shape[prev])
                return tg__fail(TG_E_SHAPE, "einsum(): subscript %c is repeated for operand %d but the sizes don't match, %lld != %lld",
                                label_of(s), i, (long long)t->shape[dim], (long long)t->shape[prev]);
            t = last_to(diagonal(t, prev, dim), prev);
        }
    }
    for (int k = 0; k < al->dims && t; k++)
        if (permutation[k] == -1) {
            t = tg_unsqueeze(t, dim);
            permutation[k] = dim++;
        }
    return t ? tg_permute(t, permutation, al->dims) : NULL;
}

/* Contracts the aligned operands left to right (PyTorch's loop with no
   path): dims no later operand has are summed as soon as possible. */
static tg_tensor *contract(tg_tensor **ops, int n, const alignment *al, int64_t *dim_counts)
{
    tg_tensor *acc = ops[0];
    for (int k = 1; k < n && acc; k++) {
        tg_tensor *a = acc, *b = ops[k];
        int64_t sum_dims[TG_MAX_DIMS], a_sum[TG_MAX_DIMS], b_sum[TG_MAX_DIMS];
        int ns = 0, na = 0, nb = 0;
        for (int d = al->out_dims; d < al->dims; d++) {
            if (a->shape[d] != 1 && b->shape[d] != 1) {
                if (--dim_counts[d] == 1) {
                    sum_dims[ns++] = d;
                    dim_counts[d] = 0;
                }
            } else if (dim_counts[d] == 1) {
                if (a->shape[d] != 1) {
                    a_sum[na++] = d;
                    dim_counts[d] = 0;
                } else if (b->shape[d] != 1) {
                    b_sum[nb++] = d;
                    dim_counts[d] = 0;
                }
            }
        }
        if (na) a = tg_sum_dim(a, a_sum, na, true);
        if (nb) b = tg_sum_dim(b, b_sum, nb, true);
        acc = sumproduct_pair(a, b, sum_dims, ns);
    }
    return acc;
}

tg_tensor *tg_einsum(const char *eq, const tg_tensor *const *ts, int n)
{
    if (!eq) return tg__fail(TG_E_NULL, "tg_einsum(): equation is NULL");
    if (n <= 0) return tg__fail(TG_E_INVALID, "einsum(): must specify the equation string and at least one operand, or at least one operand and its subscripts list");
    if (!ts) return tg__fail(TG_E_NULL, "tg_einsum(): ts is NULL");
    for (int i = 0; i < n; i++) TG_ARG(ts[i]);
    equation e = {0};
    alignment al;
    tg_tensor *out = NULL, **ops = NULL;
    int64_t label_size[LABELS], ell_size[TG_MAX_DIMS], dim_counts[TG_MAX_DIMS] = {0};
    for (int s = 0; s < LABELS; s++) label_size[s] = 1;
    for (int d = 0; d < TG_MAX_DIMS; d++) ell_size[d] = 1;
    if (parse_inputs(eq, n, &e) || align(eq, ts, n, &e, &al) || !(ops = tg__calloc((size_t)n, sizeof *ops))) goto done;
    for (int i = 0; i < n; i++)
        if (!(ops[i] = aligned(ts[i], i, &e, &al, label_size, ell_size, dim_counts))) goto done;
    out = contract(ops, n, &al, dim_counts);
    if (out && al.dims > al.out_dims) {
        if (n > 1) {
            out = tg_view(out, out->shape, al.out_dims);   /* the summed dims all have size 1 now */
        } else {
            int64_t dims[TG_MAX_DIMS];
            for (int d = al.out_dims; d < al.dims; d++) dims[d - al.out_dims] = d;
            out = tg_sum_dim(out, dims, al.dims - al.out_dims, false);
        }
    }
done:
    free(e.labels);
    free(e.start);
    free(ops);
    return out;
}
