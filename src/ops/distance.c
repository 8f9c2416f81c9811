/* cosine_similarity and pairwise_distance, composed as PyTorch 1.13
   composes them (so with its graph nodes). */
#include "ops.h"

/* x as a tensor of dtype dt when it is an integer or bool one (PyTorch's
   cosine_similarity takes those), else x itself. */
static const tg_tensor *as_floating(const tg_tensor *x, tg_dtype dt)
{
    return tg__is_floating(x->dtype) ? x : tg_to(x, dt);
}

/* x's 2-norm along dim (kept), at least eps: sqrt(sum(x^2)), the sum
   clamped in place without grad so that the gradient ignores the clamp,
   as in PyTorch. */
static tg_tensor *clamped_norm(const tg_tensor *x, int64_t dim, double eps)
{
    tg_tensor *squared = tg_sum_dim(tg_pow_scalar(x, 2), &dim, 1, true);
    tg_tensor *clamped = NULL;
    TG_NO_GRAD { clamped = squared ? tg_clamp_min_(squared, eps * eps) : NULL; }
    return tg_sqrt(clamped);
}

/* PyTorch's cosine_similarity: x1 and x2 broadcast (expand), each divided by
   its norm along dim (at least eps), multiplied and summed along dim. */
tg_tensor *tg_cosine_similarity(const tg_tensor *x1, const tg_tensor *x2, int64_t dim, double eps)
{
    TG_ARG(x1);
    TG_ARG(x2);
    tg_dtype common = tg__result_type(x1, x2);
    if (!tg__is_floating(common))
        return tg__fail(TG_E_DTYPE, "expected common dtype to be floating point, yet common dtype is %s",
                        tg__dtype_short(common));
    int64_t shape[TG_MAX_DIMS];
    int nd;
    if (tg__broadcast_shapes(x1->shape, x1->ndim, x2->shape, x2->ndim, shape, &nd)) return NULL;
    const tg_tensor *a = as_floating(x1, common), *b = as_floating(x2, common);
    tg_tensor *ea = a ? tg_expand(a, shape, nd) : NULL, *eb = b ? tg_expand(b, shape, nd) : NULL;
    if (!ea || !eb) return NULL;
    tg_tensor *na = clamped_norm(ea, dim, eps), *nb = clamped_norm(eb, dim, eps);
    return tg_sum_dim(tg_mul(tg_div(ea, na), tg_div(eb, nb)), &dim, 1, false);
}

/* PyTorch's pairwise_distance: norm(x1 - x2 + eps, p) along the last dim
   of the broadcast shape (its + eps a C++ Scalar's, AddBackward1). */
tg_tensor *tg_pairwise_distance(const tg_tensor *x1, const tg_tensor *x2, double p, double eps, bool keepdim)
{
    TG_ARG(x1);
    TG_ARG(x2);
    int innermost = (x1->ndim > x2->ndim ? x1->ndim : x2->ndim) - 1;
    return tg__norm_dim(__func__, tg__add_scalar_node(tg_sub(x1, x2), eps), p, innermost, keepdim);
}
