/* Matrix products: mm, bmm, mv, dot, addmm, baddbmm, outer, and matmul
   composed from them with PyTorch's rules (and so PyTorch's graph nodes). */
#include "ops.h"

#include <string.h>

static int check_float_pair(const char *name, const tg_tensor *a, const tg_tensor *b)
{
    if (a->dtype != b->dtype)
        return tg__faili(TG_E_DTYPE, "expected scalar type %s but found %s",
                         tg__dtype_short(a->dtype), tg__dtype_short(b->dtype));
    if (a->dtype == TG_BOOL)
        return tg__faili(TG_E_DTYPE, "\"%s\" not implemented for 'Bool'", name);
    return 0;
}

/* Whether a matrix is column-major: PyTorch's mm_mat1_backward and
   mm_mat2_backward then compute its gradient transposed, in that layout. */
static bool col_major(const tg_tensor *t)
{
    return t->ndim == 2 && t->strides[0] == 1 && t->strides[1] == t->shape[0];
}

/* The parameters of the products' nodes: addmm's and baddbmm's scalars
   (1 for the others), and each operand's layout. */
typedef struct product_params {
    double beta, alpha;
    bool col_major[2];
} product_params;

/* Records out = op(in[0..k)), a product of the last two inputs a and b:
   a's gradient reads b (slot 1), b's reads a (slot 0). */
static tg_tensor *record_product(tg_op op, tg_tensor *out, const tg_tensor *const *in, int k, double beta, double alpha)
{
    const tg_tensor *a = in[k - 2], *b = in[k - 1];
    product_params p = {beta, alpha, {col_major(a), col_major(b)}};
    tg_node *n;
    if (tg__record(out, (tg_record){.op = op, .n_saved = 2, TG_PARAMS(p)}, in, k, &n)) return NULL;
    if (!n) return out;
    if (NEED(k - 1)) tg__save(n, 0, a);
    if (NEED(k - 2)) tg__save(n, 1, b);
    return out;
}

static tg_tensor *record2(tg_op op, tg_tensor *out, const tg_tensor *a, const tg_tensor *b)
{
    return record_product(op, out, (const tg_tensor *[]){a, b}, 2, 1, 1);
}

/* tg__mul_scalar_node (ops.h) */
typedef struct scale_params { double s; } scale_params;

tg_tensor *tg__mul_scalar_node(const tg_tensor *t, double s)
{
    tg_tensor *out = NULL;
    TG_NO_GRAD { out = tg_mul_scalar(t, s); }
    scale_params p = {s};
    if (out && tg__record(out, (tg_record){.op = TG_OP_SCALE_BY, TG_PARAMS(p)}, &t, 1, NULL)) return NULL;
    return out;
}

int tg__d_mul_scalar(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    const scale_params *p = n->params;
    if (NEED(0)) gi[0] = tg__mul_scalar_node(g, p->s);
    return tg__derivative_done(n, gi);
}

/* PyTorch's maybe_multiply: t itself when s is 1. */
static tg_tensor *maybe_multiply(tg_tensor *t, double s) { return s == 1 || !t ? t : tg__mul_scalar_node(t, s); }

/* PyTorch's mm_mat1_backward and mm_mat2_backward. */
static tg_tensor *mat1_backward(const tg_tensor *g, const tg_tensor *mat2, bool mat1_col_major, double alpha)
{
    return maybe_multiply(mat1_col_major ? tg_t(tg_mm(tg_conj(mat2), tg_t(g))) : tg_mm(g, tg_conj(tg_t(mat2))), alpha);
}

static tg_tensor *mat2_backward(const tg_tensor *g, const tg_tensor *mat1, bool mat2_col_major, double alpha)
{
    return maybe_multiply(mat2_col_major ? tg_t(tg_mm(tg_t(g), tg_conj(mat1))) : tg_mm(tg_conj(tg_t(mat1)), g), alpha);
}

/* t itself when each of its matrices has unit stride along one dim (what
   GEMM takes), else a contiguous copy: gradients of reductions arrive
   expanded, with stride 0, and are worth one copy. */
static const tg_tensor *gemm_ready(const tg_tensor *t)
{
    int64_t s1 = t->strides[1], s2 = t->strides[2];
    bool rows = s2 == 1 && (s1 >= t->shape[2] || t->shape[1] == 1);
    bool cols = s1 == 1 && (s2 >= t->shape[1] || t->shape[2] == 1);
    return rows || cols ? t : tg__cast(t, t->dtype);
}

/* (B, M, K) @ (B, K, N) into a new (B, M, N) tensor. */
static tg_tensor *bmm_kernel(const tg_tensor *a, const tg_tensor *b)
{
    const tg_tensor *ga = gemm_ready(a), *gb = gemm_ready(b);
    tg_tensor *out = ga && gb ? tg__new(a->dtype, (int64_t[]){a->shape[0], a->shape[1], b->shape[2]}, 3) : NULL;
    if (out) tg__k_bmm(out, ga, gb);
    return out;
}

/* a 2-D view as (1, M, K) for the batched kernel. */
static tg_tensor *as_batch(const tg_tensor *t)
{
    int64_t shape[3] = {1, t->ndim > 1 ? t->shape[0] : 1, t->shape[t->ndim - 1]};
    int64_t strides[3] = {0, t->ndim > 1 ? t->strides[0] : 0, t->strides[t->ndim - 1]};
    return tg__alias(t, shape, strides, 3, t->offset);
}

tg_tensor *tg_mm(const tg_tensor *a, const tg_tensor *b)
{
    TG_ARG(a);
    TG_ARG(b);
    if (a->ndim != 2) return tg__fail(TG_E_SHAPE, "self must be a matrix");
    if (b->ndim != 2) return tg__fail(TG_E_SHAPE, "mat2 must be a matrix");
    if (a->shape[1] != b->shape[0])
        return tg__fail(TG_E_SHAPE, "mat1 and mat2 shapes cannot be multiplied (%lldx%lld and %lldx%lld)",
                        (long long)a->shape[0], (long long)a->shape[1], (long long)b->shape[0], (long long)b->shape[1]);
    if (check_float_pair("addmm_impl_cpu_", a, b)) return NULL;
    tg_tensor *ab = as_batch(a), *bb = as_batch(b);
    tg_tensor *o = ab && bb ? bmm_kernel(ab, bb) : NULL;
    tg_tensor *out = o ? tg__alias(o, (int64_t[]){a->shape[0], b->shape[1]}, o->strides + 1, 2, 0) : NULL;
    return out ? record2(TG_OP_MM, out, a, b) : NULL;
}

int tg__d_mm(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    const product_params *p = n->params;
    if (NEED(0)) gi[0] = mat1_backward(g, SAVED(1), p->col_major[0], 1);
    if (NEED(1)) gi[1] = mat2_backward(g, SAVED(0), p->col_major[1], 1);
    return tg__derivative_done(n, gi);
}

/* bmm's and baddbmm's checks of the batches a and b (name: the kernel's). */
static int check_batches(const char *name, const tg_tensor *a, const tg_tensor *b)
{
    if (a->ndim != 3) return tg__faili(TG_E_SHAPE, "batch1 must be a 3D tensor");
    if (b->ndim != 3) return tg__faili(TG_E_SHAPE, "batch2 must be a 3D tensor");
    if (a->shape[0] != b->shape[0] || a->shape[2] != b->shape[1])
        return tg__faili(TG_E_SHAPE, "Expected size for first two dimensions of batch2 tensor to be: [%lld, %lld] but got: [%lld, %lld].",
                         (long long)a->shape[0], (long long)a->shape[2], (long long)b->shape[0], (long long)b->shape[1]);
    return check_float_pair(name, a, b);
}

tg_tensor *tg_bmm(const tg_tensor *a, const tg_tensor *b)
{
    TG_ARG(a);
    TG_ARG(b);
    if (check_batches("bmm", a, b)) return NULL;
    tg_tensor *out = bmm_kernel(a, b);
    return out ? record2(TG_OP_BMM, out, a, b) : NULL;
}

int tg__d_bmm(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    if (NEED(0)) gi[0] = tg_bmm(g, tg_conj(tg_transpose(SAVED(1), 1, 2)));
    if (NEED(1)) gi[1] = tg_bmm(tg_conj(tg_transpose(SAVED(0), 1, 2)), g);
    return tg__derivative_done(n, gi);
}

tg_tensor *tg_mv(const tg_tensor *a, const tg_tensor *v)
{
    TG_ARG(a);
    TG_ARG(v);
    if (a->ndim != 2 || v->ndim != 1)
        return tg__fail(TG_E_SHAPE, "vector + matrix @ vector expected, got 1, %d, %d", a->ndim, v->ndim);
    if (a->shape[1] != v->shape[0])
        return tg__fail(TG_E_SHAPE, "size mismatch, got %lld, %lldx%lld,%lld", (long long)a->shape[0],
                        (long long)a->shape[0], (long long)a->shape[1], (long long)v->shape[0]);
    if (check_float_pair("addmv_impl_cpu", a, v)) return NULL;
    tg_tensor *ab = as_batch(a);
    tg_tensor *vb = tg__alias(v, (int64_t[]){1, v->shape[0], 1}, (int64_t[]){0, v->strides[0], 1}, 3, v->offset);
    tg_tensor *o = ab && vb ? bmm_kernel(ab, vb) : NULL;
    tg_tensor *out = o ? tg__alias(o, (int64_t[]){a->shape[0]}, (int64_t[]){1}, 1, 0) : NULL;
    return out ? record2(TG_OP_MV, out, a, v) : NULL;
}

int tg__d_mv(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    if (NEED(0)) gi[0] = tg_outer(g, tg_conj(SAVED(1)));   /* PyTorch's ger */
    if (NEED(1)) gi[1] = tg_mv(tg_t(tg_conj(SAVED(0))), g);
    return tg__derivative_done(n, gi);
}

tg_tensor *tg_dot(const tg_tensor *a, const tg_tensor *b)
{
    TG_ARG(a);
    TG_ARG(b);
    if (a->ndim != 1 || b->ndim != 1)
        return tg__fail(TG_E_SHAPE, "1D tensors expected, but got %dD and %dD tensors", a->ndim, b->ndim);
    if (a->shape[0] != b->shape[0])
        return tg__fail(TG_E_SHAPE, "inconsistent tensor size, expected tensor [%lld] and src [%lld] to have the same number of elements, but got %lld and %lld elements respectively",
                        (long long)a->shape[0], (long long)b->shape[0], (long long)a->shape[0], (long long)b->shape[0]);
    if (a->dtype != b->dtype)
        return tg__fail(TG_E_DTYPE, "dot : expected both vectors to have same dtype, but found %s and %s",
                        tg__dtype_short(a->dtype), tg__dtype_short(b->dtype));
    if (check_float_pair("dot", a, b)) return NULL;
    tg_tensor *ab = tg__alias(a, (int64_t[]){1, 1, a->shape[0]}, (int64_t[]){0, 0, a->strides[0]}, 3, a->offset);
    tg_tensor *bb = tg__alias(b, (int64_t[]){1, b->shape[0], 1}, (int64_t[]){0, b->strides[0], 1}, 3, b->offset);
    tg_tensor *o = ab && bb ? bmm_kernel(ab, bb) : NULL;
    tg_tensor *out = o ? tg__alias(o, NULL, NULL, 0, 0) : NULL;
    return out ? record2(TG_OP_DOT, out, a, b) : NULL;
}

int tg__d_dot(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    if (NEED(0)) gi[0] = tg_mul(g, tg_conj(SAVED(1)));
    if (NEED(1)) gi[1] = tg_mul(g, tg_conj(SAVED(0)));
    return tg__derivative_done(n, gi);
}

/* PyTorch composes outer as a.reshape({n, 1}) * b. */
tg_tensor *tg_outer(const tg_tensor *a, const tg_tensor *b)
{
    TG_ARG(a);
    TG_ARG(b);
    if (a->ndim != 1) return tg__fail(TG_E_SHAPE, "outer: Expected 1-D argument self, but got %d-D", a->ndim);
    if (b->ndim != 1) return tg__fail(TG_E_SHAPE, "outer: Expected 1-D argument vec2, but got %d-D", b->ndim);
    return tg_mul(tg_reshape(a, (int64_t[]){a->shape[0], 1}, 2), b);
}

/* out = alpha * out + beta * bias, with integer scalars truncated as
   PyTorch converts them; beta 0 ignores bias (its NaNs too). */
static tg_tensor *scale_and_add(tg_tensor *out, const tg_tensor *bias, double beta, double alpha)
{
    if (!out) return NULL;
    if (alpha != 1) {
        tg_tensor *s = tg__scalar_tensor(alpha, out->dtype);
        if (!s) return NULL;
        tg__k_binary(TG_BIN_MUL, out, out, s);
    }
    if (beta == 0) return out;
    if (beta != 1) {
        tg_tensor *s = tg__scalar_tensor(beta, out->dtype);
        tg_tensor *scaled = s ? tg__new(out->dtype, out->shape, out->ndim) : NULL;
        if (!scaled) return NULL;
        tg__k_binary(TG_BIN_MUL, scaled, bias, s);
        bias = scaled;
    }
    tg__k_binary(TG_BIN_ADD, out, out, bias);
    return out;
}

/* bias expanded to shape (its error names expand's sizes), without history. */
static tg_tensor *expand_bias(const tg_tensor *bias, const int64_t *shape, int ndim)
{
    tg_tensor *e = NULL;
    TG_NO_GRAD { e = tg_expand(bias, shape, ndim); }
    return e;
}

tg_tensor *tg_addmm(const tg_tensor *bias, const tg_tensor *a, const tg_tensor *b, double beta, double alpha)
{
    TG_ARG(bias);
    TG_ARG(a);
    TG_ARG(b);
    if (a->ndim != 2) return tg__fail(TG_E_SHAPE, "mat1 must be a matrix, got %d-D tensor", a->ndim);
    if (b->ndim != 2) return tg__fail(TG_E_SHAPE, "mat2 must be a matrix, got %d-D tensor", b->ndim);
    if (a->shape[1] != b->shape[0])
        return tg__fail(TG_E_SHAPE, "mat1 and mat2 shapes cannot be multiplied (%lldx%lld and %lldx%lld)",
                        (long long)a->shape[0], (long long)a->shape[1], (long long)b->shape[0], (long long)b->shape[1]);
    if (bias->dtype != b->dtype) return tg__fail(TG_E_DTYPE, "self and mat2 must have the same dtype");
    if (a->dtype != b->dtype) return tg__fail(TG_E_DTYPE, "mat1 and mat2 must have the same dtype");
    tg_tensor *e = expand_bias(bias, (int64_t[]){a->shape[0], b->shape[1]}, 2);
    if (!e || check_float_pair("addmm_impl_cpu_", a, b)) return NULL;
    tg_tensor *ab = as_batch(a), *bb = as_batch(b);
    tg_tensor *o = ab && bb ? bmm_kernel(ab, bb) : NULL;
    tg_tensor *out = o ? tg__alias(o, (int64_t[]){a->shape[0], b->shape[1]}, o->strides + 1, 2, 0) : NULL;
    out = scale_and_add(out, e, beta, alpha);
    return out ? record_product(TG_OP_ADDMM, out, (const tg_tensor *[]){bias, a, b}, 3, beta, alpha) : NULL;
}

int tg__d_addmm(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    const product_params *p = n->params;
    if (NEED(0)) gi[0] = maybe_multiply(g, p->beta);
    if (NEED(1)) gi[1] = mat1_backward(g, SAVED(1), p->col_major[0], p->alpha);
    if (NEED(2)) gi[2] = mat2_backward(g, SAVED(0), p->col_major[1], p->alpha);
    return tg__derivative_done(n, gi);
}

/* PyTorch 1.13 expands t to the result's shape (read from batch1's first
   two sizes and batch2's third) before it checks the batches, and takes t
   of any dtype (the result has the batches'). */
tg_tensor *tg_baddbmm(const tg_tensor *t, const tg_tensor *batch1, const tg_tensor *batch2, double beta, double alpha)
{
    TG_ARG(t);
    TG_ARG(batch1);
    TG_ARG(batch2);
    int64_t d;
    if (batch1->ndim == 0) return tg__fail(TG_E_INDEX, "Dimension specified as 0 but tensor has no dimensions");
    if (tg__wrap_dim(1, batch1->ndim, &d)) return NULL;
    if (batch2->ndim == 0) return tg__fail(TG_E_INDEX, "Dimension specified as 2 but tensor has no dimensions");
    if (tg__wrap_dim(2, batch2->ndim, &d)) return NULL;
    int64_t shape[3] = {batch1->shape[0], batch1->shape[1], batch2->shape[2]};
    tg_tensor *e = expand_bias(t, shape, 3);
    if (!e || check_batches("baddbmm", batch1, batch2)) return NULL;
    if (e->dtype != batch1->dtype) e = tg__cast(e, batch1->dtype);
    tg_tensor *out = e ? scale_and_add(bmm_kernel(batch1, batch2), e, beta, alpha) : NULL;
    return out ? record_product(TG_OP_BADDBMM, out, (const tg_tensor *[]){t, batch1, batch2}, 3, beta, alpha) : NULL;
}

int tg__d_baddbmm(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    const product_params *p = n->params;
    if (NEED(0)) gi[0] = maybe_multiply(g, p->beta);
    if (NEED(1)) gi[1] = maybe_multiply(tg_bmm(g, tg_conj(tg_transpose(SAVED(1), 1, 2))), p->alpha);
    if (NEED(2)) gi[2] = maybe_multiply(tg_bmm(tg_conj(tg_transpose(SAVED(0), 1, 2)), g), p->alpha);
    return tg__derivative_done(n, gi);
}

/* matmul(t1, t2) where one of them has >= 3 dims and the other 1 or 2:
   fold the batch dims into rows and use mm/mv (PyTorch transposes the
   problem when the larger operand is on the right). */
static tg_tensor *matmul_folded(const tg_tensor *a, const tg_tensor *b)
{
    bool transpose = b->ndim > a->ndim;
    const tg_tensor *t1 = a, *t2 = b;
    if (transpose) {
        t1 = tg_transpose(b, -1, -2);
        t2 = a->ndim == 2 ? tg_t(a) : a;
        if (!t1 || !t2) return NULL;
    }
    int64_t out_shape[TG_MAX_DIMS];
    int nd = t1->ndim - 1;
    memcpy(out_shape, t1->shape, (size_t)nd * sizeof *out_shape);
    int64_t rows = tg__numel(out_shape, nd);
    if (t2->ndim == 2) out_shape[nd++] = t2->shape[1];
    tg_tensor *folded = tg_reshape(t1, (int64_t[]){rows, t1->shape[t1->ndim - 1]}, 2);
    if (!folded) return NULL;
    if (t2->ndim == 1) return tg__unsafe_view(tg_mv(folded, t2), out_shape, nd);
    tg_tensor *out = tg_mm(folded, t2);
    out = out ? tg__unsafe_view(out, out_shape, nd) : NULL;
    if (!out || !transpose) return out;
    return tg_contiguous(tg_transpose(out, -1, -2));
}

static tg_tensor *matmul_batched(const tg_tensor *a, const tg_tensor *b)
{
    int64_t n = a->ndim > 1 ? a->shape[a->ndim - 2] : 1, m1 = a->shape[a->ndim - 1];
    int64_t m2 = b->ndim > 1 ? b->shape[b->ndim - 2] : b->shape[0], p = b->ndim > 1 ? b->shape[b->ndim - 1] : 1;
    int nb1 = a->ndim > 2 ? a->ndim - 2 : 0, nb2 = b->ndim > 2 ? b->ndim - 2 : 0;
    int64_t batch[TG_MAX_DIMS];
    int nbatch;
    if (tg__broadcast_shapes(a->shape, nb1, b->shape, nb2, batch, &nbatch)) return NULL;
    if (nbatch + 2 > TG_MAX_DIMS) return tg__fail(TG_E_SHAPE, "tg_matmul(): tensors may have at most %d dimensions", TG_MAX_DIMS);
    int64_t total = tg__numel(batch, nbatch);
    int64_t e1[TG_MAX_DIMS], e2[TG_MAX_DIMS], out_shape[TG_MAX_DIMS];
    memcpy(e1, batch, (size_t)nbatch * sizeof *batch);
    memcpy(e2, batch, (size_t)nbatch * sizeof *batch);
    memcpy(out_shape, batch, (size_t)nbatch * sizeof *batch);
    e1[nbatch] = n; e1[nbatch + 1] = m1;
    e2[nbatch] = m2; e2[nbatch + 1] = p;
    int nout = nbatch;
    if (a->ndim > 1) out_shape[nout++] = n;
    if (b->ndim > 1) out_shape[nout++] = p;
    if (m1 != m2) {
        return tg__fail(TG_E_SHAPE, "Expected size for first two dimensions of batch2 tensor to be: [%lld, %lld] but got: [%lld, %lld].",
                        (long long)total, (long long)m1, (long long)total, (long long)m2);
    }
    tg_tensor *ea = tg_expand(a->ndim == 1 ? tg_unsqueeze(a, 0) : a, e1, nbatch + 2);
    tg_tensor *eb = tg_expand(b->ndim == 1 ? tg_unsqueeze(b, 1) : b, e2, nbatch + 2);
    tg_tensor *ra = tg_reshape(ea, (int64_t[]){total, n, m1}, 3);
    tg_tensor *rb = tg_reshape(eb, (int64_t[]){total, m2, p}, 3);
    return tg__unsafe_view(tg_bmm(ra, rb), out_shape, nout);
}

/* PyTorch 1.13's should_fold(): t has >= 3 dims and the other operand <= 2,
   except a 3-D t against a matrix when t's last two dims are transposed
   under a slowest first dim (as permute(0, 2, 1) makes): folding would copy,
   so bmm takes it as it is. */
static bool should_fold(const tg_tensor *t, int other_ndim)
{
    if (t->ndim < 3 || other_ndim > 2) return false;
    return !(t->ndim == 3 && other_ndim == 2 && t->strides[2] != 1 && t->strides[0] == t->shape[1] * t->shape[2]);
}

tg_tensor *tg_matmul(const tg_tensor *a, const tg_tensor *b)
{
    TG_ARG(a);
    TG_ARG(b);
    int d1 = a->ndim, d2 = b->ndim;
    if (d1 == 0 || d2 == 0)
        return tg__fail(TG_E_SHAPE, "both arguments to matmul need to be at least 1D, but they are %dD and %dD", d1, d2);
    if (d1 == 1 && d2 == 1) return tg_dot(a, b);
    if (d1 == 2 && d2 == 1) return tg_mv(a, b);
    if (d1 == 1 && d2 == 2) {
        if (a->shape[0] != b->shape[0])
            return tg__fail(TG_E_SHAPE, "mat1 and mat2 shapes cannot be multiplied (1x%lld and %lldx%lld)",
                            (long long)a->shape[0], (long long)b->shape[0], (long long)b->shape[1]);
        return tg__squeeze_inplace(tg_mm(tg_unsqueeze(a, 0), b), 0);
    }
    if (d1 == 2 && d2 == 2) return tg_mm(a, b);
    /* PyTorch 1.13 folds whenever one side has >= 3 dims and the other <= 2
       (whatever the sizes, so mismatched ones fail in mm or mv with their
       messages), but for the one layout should_fold() leaves to bmm. */
    if (should_fold(a, d2) || should_fold(b, d1)) return matmul_folded(a, b);
    return matmul_batched(a, b);
}
