/* linear and bilinear, composed as PyTorch 1.13 composes them (so with its
   graph nodes), and bilinear's _trilinear, the one primitive among them
   (TrilinearBackward0). */
#include "ops.h"

#include <string.h>

/* input (rows..., in) as a matrix (rows, in) @ weight.t() + bias, viewed
   back: PyTorch's _flatten_nd_linear, for contiguous 3-D inputs. */
static tg_tensor *flatten_nd_linear(const tg_tensor *input, const tg_tensor *weight_t, const tg_tensor *bias)
{
    int64_t rows = input->shape[0] * input->shape[1];
    tg_tensor *flat = tg_view(input, (int64_t[]){rows, input->shape[2]}, 2);
    tg_tensor *out = tg_addmm(bias, flat, weight_t, 1, 1);
    return out ? tg_view(out, (int64_t[]){input->shape[0], input->shape[1], out->shape[1]}, 3) : NULL;
}

/* PyTorch's at::linear: addmm for a matrix with bias, the flattened addmm
   for a contiguous 3-D input with bias, else matmul and an in-place add_
   of the bias. */
tg_tensor *tg_linear(const tg_tensor *input, const tg_tensor *weight, const tg_tensor *bias)
{
    TG_ARG(input);
    TG_ARG(weight);
    tg_tensor *weight_t = tg_t(weight);
    if (!weight_t) return NULL;
    if (bias && input->ndim == 2) return tg_addmm(bias, input, weight_t, 1, 1);
    if (bias && input->ndim == 3 && tg_is_contiguous(input)) return flatten_nd_linear(input, weight_t, bias);
    tg_tensor *out = tg_matmul(input, weight_t);
    return out && bias ? tg_add_(out, bias) : out;
}

/* ------------------------------------------------------------ _trilinear */

/* Dims of the product space as bits: which dims each input lacks (is
   unsqueezed at), and which are summed over. */
typedef struct trilinear_params {
    int total_dim;
    uint32_t expand[3];
    uint32_t sumdim;
} trilinear_params;

/* The einsum equation of _trilinear: one label per dim of the product
   space; each input has the labels of the dims it does not lack, the result
   those not summed. */
static void trilinear_equation(const trilinear_params *p, char *eq)
{
    for (int k = 0; k < 3; k++) {
        for (int d = 0; d < p->total_dim; d++)
            if (!(p->expand[k] >> d & 1)) *eq++ = (char)('a' + d);
        *eq++ = k < 2 ? ',' : '-';
    }
    *eq++ = '>';
    for (int d = 0; d < p->total_dim; d++)
        if (!(p->sumdim >> d & 1)) *eq++ = (char)('a' + d);
    *eq = '\0';
}

/* PyTorch's _trilinear(i1, i2, i3, expand1, expand2, expand3, sumdim): the
   three inputs unsqueezed at their expand dims, multiplied and summed over
   sumdim; computed by einsum and added into zeros, as PyTorch accumulates
   it (so its layout is contiguous and its zeros positive). The inputs
   share a dtype. */
static tg_tensor *trilinear(const tg_tensor *i1, const tg_tensor *i2, const tg_tensor *i3, uint32_t expand1,
                            uint32_t expand2, uint32_t expand3, uint32_t sumdim)
{
    if (!i1 || !i2 || !i3) return NULL;
    trilinear_params p = {i1->ndim + __builtin_popcount(expand1), {expand1, expand2, expand3}, sumdim};
    char eq[4 * TG_MAX_DIMS + 8];
    trilinear_equation(&p, eq);
    const tg_tensor *in[3] = {i1, i2, i3};
    tg_tensor *out = NULL;
    TG_NO_GRAD {
        tg_tensor *product = tg_einsum(eq, in, 3);
        out = product ? tg_add_(tg_zeros(product->shape, product->ndim, product->dtype), product) : NULL;
    }
    tg_node *n;
    if (!out || tg__record(out, (tg_record){.op = TG_OP_TRILINEAR, .n_saved = 3, TG_PARAMS(p)}, in, 3, &n)) return NULL;
    if (!n) return out;
    /* each input's gradient reads the other two */
    for (int k = 0; k < 3; k++)
        if (NEED((k + 1) % 3) || NEED((k + 2) % 3)) tg__save(n, k, in[k]);
    return out;
}

/* _trilinear with the parameters of a TrilinearBackward0 record (forward
   AD's rule, ops/tangents_tensor.c) */
tg_tensor *tg__trilinear_as(const void *params, const tg_tensor *i1, const tg_tensor *i2, const tg_tensor *i3)
{
    const trilinear_params *p = params;
    return trilinear(i1, i2, i3, p->expand[0], p->expand[1], p->expand[2], p->sumdim);
}

/* PyTorch's _trilinear_backward: each gradient a _trilinear with the
   gradient in that input's place and the roles of its expand dims and
   sumdim exchanged. */
int tg__d_trilinear(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    const trilinear_params *p = n->params;
    const uint32_t *e = p->expand;
    if (NEED(0)) gi[0] = trilinear(g, SAVED(1), SAVED(2), p->sumdim, e[1], e[2], e[0]);
    if (NEED(1)) gi[1] = trilinear(SAVED(0), g, SAVED(2), e[0], p->sumdim, e[2], e[1]);
    if (NEED(2)) gi[2] = trilinear(SAVED(0), SAVED(1), g, e[0], e[1], p->sumdim, e[2]);
    return tg__derivative_done(n, gi);
}

/* ---------------------------------------------------------------- bilinear */

/* t.size(dim) with PyTorch's errors. */
static int size_of(const tg_tensor *t, int64_t dim, int64_t *size)
{
    if (t->ndim == 0)
        return tg__faili(TG_E_INDEX, "Dimension specified as %lld but tensor has no dimensions", (long long)dim);
    int64_t d;
    if (tg__wrap_dim(dim, t->ndim, &d)) return -1;
    *size = t->shape[d];
    return 0;
}

/* PyTorch's checks of bilinear's arguments, in its order. */
static int check_bilinear(const tg_tensor *in1, const tg_tensor *in2, const tg_tensor *weight, const tg_tensor *bias)
{
    if (in1->ndim != in2->ndim)
        return tg__faili(TG_E_SHAPE, "bilinear(): input dimensions do not match: got %d and %d", in1->ndim, in2->ndim);
    for (int i = 0; i < in1->ndim - 1; i++)
        if (in1->shape[i] != in2->shape[i])
            return tg__faili(TG_E_SHAPE, "bilinear(): input batch dimensions do not match at dim %d: got %lld and %lld",
                             i, (long long)in1->shape[i], (long long)in2->shape[i]);
    int64_t n1 = 0, n2 = 0, w0 = 0, w1 = 0, w2 = 0, b0 = 0;
    if (size_of(in1, -1, &n1) || size_of(weight, 1, &w1)) return -1;
    if (n1 != w1)
        return tg__faili(TG_E_SHAPE, "bilinear(): input1 size does not match weight size: got %lld but expected %lld",
                         (long long)n1, (long long)w1);
    if (size_of(in2, -1, &n2) || size_of(weight, 2, &w2)) return -1;
    if (n2 != w2)
        return tg__faili(TG_E_SHAPE, "bilinear(): input2 size does not match weight size: got %lld but expected %lld",
                         (long long)n2, (long long)w2);
    if (bias && (size_of(bias, 0, &b0) || size_of(weight, 0, &w0))) return -1;
    if (bias && b0 != w0)
        return tg__faili(TG_E_SHAPE, "bilinear(): bias size does not match weight size: got %lld but expected %lld",
                         (long long)b0, (long long)w0);
    if (weight->ndim != 3) return tg__faili(TG_E_SHAPE, "number of dimensions must match");
    /* _trilinear's products (bmm) name input1's dtype against the other's */
    const tg_tensor *other = weight->dtype != in1->dtype ? weight : in2;
    if (other->dtype != in1->dtype)
        return tg__faili(TG_E_DTYPE, "expected scalar type %s but found %s", tg__dtype_short(in1->dtype),
                         tg__dtype_short(other->dtype));
    if (in1->dtype == TG_BOOL) return tg__faili(TG_E_DTYPE, "\"bmm\" not implemented for 'Bool'");
    return 0;
}

/* Dims of the product space (batch, out, in1, in2) as bits. */
enum { BATCH = 1u << 0, OUT = 1u << 1, IN1 = 1u << 2, IN2 = 1u << 3 };

/* PyTorch's bilinear: the inputs flattened to (batch, features), one
   _trilinear over (batch, out, in1, in2), reshaped back, plus bias. */
tg_tensor *tg_bilinear(const tg_tensor *input1, const tg_tensor *input2, const tg_tensor *weight, const tg_tensor *bias)
{
    TG_ARG(input1);
    TG_ARG(input2);
    TG_ARG(weight);
    if (check_bilinear(input1, input2, weight, bias)) return NULL;
    int nd = input1->ndim;
    int64_t out_shape[TG_MAX_DIMS];
    memcpy(out_shape, input1->shape, (size_t)(nd - 1) * sizeof *out_shape);
    out_shape[nd - 1] = weight->shape[0];
    tg_tensor *flat1 = tg_reshape(input1, (int64_t[]){-1, input1->shape[nd - 1]}, 2);
    tg_tensor *flat2 = tg_reshape(input2, (int64_t[]){-1, input2->shape[nd - 1]}, 2);
    tg_tensor *out = tg_reshape(trilinear(flat1, weight, flat2, OUT | IN2, BATCH, OUT | IN1, IN1 | IN2), out_shape, nd);
    return out && bias ? tg_add(out, bias) : out;
}
