/* scaled_dot_product_attention as PyTorch 2.0 defines it on the CPU (its
   math path, _scaled_dot_product_attention_math), composed from its
   operations and so with their graph. */
#include "ops.h"

#include <math.h>

/* A boolean mask as an additive one in dtype dt: 0 where true, -inf where
   false (PyTorch's zeros_like(mask).masked_fill_(mask.logical_not(), -inf)). */
static tg_tensor *additive_mask(const tg_tensor *mask, tg_dtype dt)
{
    tg_tensor *out = NULL;
    TG_NO_GRAD {
        tg_tensor *zeros = tg_zeros(mask->shape, mask->ndim, dt);
        out = zeros ? tg_masked_fill_(zeros, tg_logical_not(mask), -INFINITY) : NULL;
    }
    return out;
}

/* The lower-triangular (L, S) mask of is_causal, as an additive mask. */
static tg_tensor *causal_mask(int64_t l, int64_t s, tg_dtype dt)
{
    tg_tensor *keep = tg_tril(tg_ones(TG_SHAPE(l, s), TG_BOOL), 0);
    return keep ? additive_mask(keep, dt) : NULL;
}

/* query and key are each divided by the fourth root of the embedding size
   E before their product (so the scores are q k^T / sqrt(E)), the mask is
   added in place, softmax over the last dim, dropout of the weights when
   dropout_p > 0, and the product with value. */
tg_tensor *tg_scaled_dot_product_attention(const tg_tensor *q, const tg_tensor *k, const tg_tensor *v,
                                           const tg_tensor *attn_mask, double dropout_p, bool is_causal)
{
    TG_ARG(q);
    TG_ARG(k);
    TG_ARG(v);
    if (q->ndim == 0) return tg__fail(TG_E_INDEX, "Dimension specified as -1 but tensor has no dimensions");
    double scaling = sqrt(sqrt((double)q->shape[q->ndim - 1]));
    tg_tensor *query = tg__div_scalar_node(q, scaling);
    if (!query) return NULL;
    const tg_tensor *mask = attn_mask;
    if (is_causal) {
        if (attn_mask)
            return tg__fail(TG_E_INVALID,
                            "_scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True");
        int64_t dq, dk;   /* PyTorch reads query.size(-2), then key.size(-2) */
        if (tg__wrap_dim(-2, query->ndim, &dq) || tg__wrap_dim(-2, k->ndim, &dk)) return NULL;
        mask = causal_mask(query->shape[dq], k->shape[dk], query->dtype);
    } else if (mask && mask->dtype == TG_BOOL) {
        mask = additive_mask(mask, query->dtype);
    }
    if ((is_causal || attn_mask) && !mask) return NULL;
    tg_tensor *scores = tg_matmul(query, tg__div_scalar_node(tg_transpose(k, -2, -1), scaling));
    if (scores && mask) scores = tg_add_(scores, mask);
    tg_tensor *weights = tg_softmax(scores, -1);
    if (weights && dropout_p > 1)   /* C++'s at::dropout refuses it, printing p as C++ does */
        return tg__fail(TG_E_INVALID, "dropout probability has to be between 0 and 1, but got %g", dropout_p);
    if (dropout_p > 0) weights = tg_dropout(weights, dropout_p, true);
    return tg_matmul(weights, v);
}
