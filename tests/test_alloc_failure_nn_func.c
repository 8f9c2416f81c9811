/* Allocation failure in linear, bilinear, dropout, embedding, one_hot, the
   distances and attention: each case's forward, its gradient with create_graph and
   the second derivative through that gradient are swept with every
   allocation failing in turn; each failed run must end in TG_E_OOM, and
   every run, failed or not, must leak nothing. */
#include "alloc_sweep.h"

#include <tensorgrad.h>


/* Optional arguments are made before the sweep: a NULL from a failed
   call would mean "none" to the function given it. */
static tg_tensor *bilinear_bias;

static tg_tensor *row(const tg_tensor *t) { return tg_select(t, 0, 1); }
/* x[2] is the bias, (3) */
static tg_tensor *f_linear(tg_tensor *const *x) { return tg_linear(x[0], x[1], x[2]); }
static tg_tensor *f_linear_1d(tg_tensor *const *x) { return tg_linear(row(x[0]), x[1], x[2]); }
static tg_tensor *f_linear_3d(tg_tensor *const *x) { return tg_linear(tg_unsqueeze(x[0], 0), x[1], x[2]); }
static tg_tensor *f_linear_3d_strided(tg_tensor *const *x)
{
    return tg_linear(tg_expand(tg_unsqueeze(x[0], 1), TG_SHAPE(3, 2, 3)), x[1], x[2]);
}
static tg_tensor *f_bilinear(tg_tensor *const *x)
{
    tg_tensor *weight = tg_stack((const tg_tensor *[]){x[1], tg_mul(x[1], x[1])}, 2, 0);
    return tg_bilinear(x[0], tg_mul(x[0], x[2]), weight, bilinear_bias);
}
static tg_tensor *f_dropout(tg_tensor *const *x) { return tg_dropout(x[0], 0.5, true); }
static tg_tensor *f_dropout_all(tg_tensor *const *x) { return tg_dropout(x[0], 1, true); }
static tg_tensor *f_dropout_inplace(tg_tensor *const *x) { return tg_dropout_(tg_mul_scalar(x[0], 1), 0.5, true); }
static tg_tensor *f_dropout2d_inplace(tg_tensor *const *x) { return tg_dropout2d_(tg_unsqueeze(tg_mul_scalar(x[0], 1), 0), 0.5, true); }
static tg_tensor *f_dropout2d(tg_tensor *const *x) { return tg_dropout2d(tg_unsqueeze(x[0], 0), 0.5, true); }
static tg_tensor *indices(void) { return tg_from_i64((const int64_t[]){2, 0, 2, 1}, TG_SHAPE(2, 2)); }
static tg_tensor *f_embedding(tg_tensor *const *x) { return tg_mul(tg_embedding(indices(), x[0]), x[2]); }
static tg_tensor *f_embedding_ex(tg_tensor *const *x)
{
    tg_embedding_opts opts = {.has_padding_idx = true, .padding_idx = 0, .scale_grad_by_freq = true};
    return tg_mul(tg_embedding_ex(indices(), x[0], opts), x[2]);
}
static tg_tensor *f_one_hot(tg_tensor *const *x) { (void)x; return tg_one_hot(indices(), -1); }
static tg_tensor *f_cosine_similarity(tg_tensor *const *x) { return tg_cosine_similarity(x[0], x[2], 1, 1e-8); }
static tg_tensor *f_pairwise_distance(tg_tensor *const *x) { return tg_pairwise_distance(x[0], x[1], 3, 1e-6, false); }
static tg_tensor *causal_mask;
static tg_tensor *f_attention(tg_tensor *const *x) { return tg_scaled_dot_product_attention(x[0], x[1], x[1], NULL, 0.5, false); }
static tg_tensor *f_attention_causal(tg_tensor *const *x) { return tg_scaled_dot_product_attention(x[0], x[1], x[0], NULL, 0, true); }
static tg_tensor *f_attention_mask(tg_tensor *const *x) { return tg_scaled_dot_product_attention(x[0], x[1], x[1], causal_mask, 0, false); }

static const grad_case CASES[] = {
    {"linear", f_linear, 3},
    {"linear 1-D", f_linear_1d, 3},
    {"linear 3-D", f_linear_3d, 3},
    {"linear 3-D strided", f_linear_3d_strided, 3},
    {"bilinear", f_bilinear, 3},
    {"dropout", f_dropout, 1},
    {"dropout p=1", f_dropout_all, 1},
    {"dropout2d", f_dropout2d, 1},
    {"dropout_", f_dropout_inplace, 1},
    {"dropout2d_", f_dropout2d_inplace, 1},
    {"embedding", f_embedding, 3},
    {"embedding_ex", f_embedding_ex, 3},
    {"one_hot", f_one_hot, 0},
    {"cosine_similarity", f_cosine_similarity, 3},
    {"pairwise_distance", f_pairwise_distance, 2},
    {"scaled_dot_product_attention", f_attention, 2},
    {"scaled_dot_product_attention causal", f_attention_causal, 2},
    {"scaled_dot_product_attention bool mask", f_attention_mask, 2},
};

int main(void)
{
    tg_tensor *x[GRAD_CASE_INPUTS];
    const double values[] = {0.5, -1.0, 2.0, 0.0, 3.0, -0.25, 1.5, 0.75, -2.0, 1.0, 0.25, -0.5};
    for (int i = 0; i < GRAD_CASE_INPUTS; i++)
        x[i] = tg_requires_grad_(tg_retain(tg_from_f64(values + i, (const int64_t[]){3, 3}, i < 2 ? 2 : 1)), true);
    bilinear_bias = tg_retain(tg_from_f64(values, TG_SHAPE(2)));
    causal_mask = tg_retain(tg_tril(tg_ones(TG_SHAPE(3, 3), TG_BOOL), 0));
    sweep_grad_cases(CASES, sizeof CASES / sizeof CASES[0], x);
    for (int i = 0; i < GRAD_CASE_INPUTS; i++) tg_release(x[i]);
    tg_release(bilinear_bias);
    tg_release(causal_mask);
    return TEST_MAIN_END();
}
