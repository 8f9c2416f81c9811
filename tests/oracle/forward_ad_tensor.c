/* torch.autograd.forward_ad through the tensor operations: xlogy, fmod and
   remainder, prod, the extremes, var and std, logsumexp, the norms,
   cumprod, lerp, in-place comparisons and writes, random draws and the
   complex operations (the primal and the tangent of each result). Prints
   what forward_ad_tensor.py prints with PyTorch. */
#include <tensorgrad.h>

#include <math.h>
#include <stdio.h>

#include "oracle.h"

static const double X[] = {0.2, 0.45, 0.7, 0.35, 0.9, 0.15};
static const double TX[] = {1.0, -0.5, 2.0, 0.25, 1.5, -1.0};
static const double Y[] = {0.6, 0.3, 0.8, 0.5, 0.1, 0.65};
static const double TY[] = {-1.0, 0.75, 0.5, 2.0, -0.25, 1.0};
static const double W[] = {0.1, 0.9, 0.5, 0.3, 0.75, 0.2};
/* ties (max, amax, sort), zeros (xlogy, prod, cumprod) and negatives */
static const double TIES[] = {0.5, -0.25, 0.5, 0.0, 0.5, -1.5};

static tg_tensor *m23(const double *v) { return tg_from_f64(v, TG_SHAPE(2, 3)); }
static tg_tensor *dual(const double *x, const double *tx) { return tg_make_dual(m23(x), m23(tx)); }

static void binary(void)
{
    show_dual("xlogy", tg_xlogy(dual(X, TX), dual(Y, TY)));
    show_dual("xlogy zeros", tg_xlogy(dual(TIES, TX), dual(Y, TY)));
    show_dual("xlogy only other", tg_xlogy(m23(X), dual(Y, TY)));
    show_dual("xlogy_scalar", tg_xlogy_scalar(dual(X, TX), 3));
    show_dual("scalar_xlogy", tg_scalar_xlogy(2, dual(Y, TY)));
    show_dual("fmod", tg_fmod(dual(X, TX), dual(Y, TY)));
    show_dual("remainder", tg_remainder(dual(TIES, TX), dual(Y, TY)));
    show_dual("fmod only other", tg_fmod(m23(X), dual(Y, TY)));
    show_dual("fmod_scalar", tg_fmod_scalar(dual(TIES, TX), 0.3));
    show_dual("remainder_scalar", tg_remainder_scalar(dual(TIES, TX), -0.3));
    show_dual("lerp", tg_lerp(dual(X, TX), dual(Y, TY), dual(W, TY)));
    show_dual("lerp primal weight", tg_lerp(dual(X, TX), m23(Y), m23(W)));
}

static void reductions(void)
{
    show_dual("prod", tg_prod(dual(X, TX)));
    show_dual("prod zero", tg_prod(dual(TIES, TX)));
    show_dual("prod_dim", tg_prod_dim(dual(TIES, TX), 1, false));
    show_dual("prod_dim keepdim", tg_prod_dim(dual(X, TX), 0, true));
    show_dual("max", tg_max(dual(X, TX)));
    show_dual("max ties", tg_max(dual(TIES, TX)));
    show_dual("min", tg_min(dual(TIES, TX)));
    show_dual("amax ties", tg_amax(dual(TIES, TX), DIMS(1), false));
    show_dual("amin keepdim", tg_amin(dual(X, TX), DIMS(0), true));
    show_dual("max_dim", tg_max_dim(dual(X, TX), 1, false, NULL));
    show_dual("max_dim ties", tg_max_dim(dual(TIES, TX), 1, true, NULL));
    show_dual("min_dim", tg_min_dim(dual(TIES, TX), 0, false, NULL));
    show_dual("var", tg_var(dual(X, TX), DIMS(1), 1, false));
    show_dual("var all", tg_var(dual(X, TX), NULL, 0, 0, false));
    show_dual("std", tg_std(dual(X, TX), DIMS(0), 1, true));
    tg_tensor *mean = NULL;
    show_dual("var_mean var", tg_var_mean(dual(X, TX), DIMS(1), 1, false, &mean));
    show_dual("var_mean mean", mean);
    show_dual("std_mean std", tg_std_mean(dual(X, TX), DIMS(0), 0, false, &mean));
    show_dual("std_mean mean", mean);
    show_dual("logsumexp", tg_logsumexp(dual(X, TX), DIMS(1), false));
    show_dual("vector_norm 2", tg_vector_norm(dual(TIES, TX), 2, NULL, 0, false));
    show_dual("vector_norm 3", tg_vector_norm(dual(X, TX), 3, DIMS(1), true));
    show_dual("vector_norm 1", tg_vector_norm(dual(TIES, TX), 1, DIMS(0), false));
    show_dual("vector_norm inf", tg_vector_norm(dual(TIES, TX), INFINITY, DIMS(1), false));
    show_dual("pairwise_distance", tg_pairwise_distance(dual(X, TX), dual(Y, TY), 2, 1e-6, false));
    show_dual("cumprod", tg_cumprod(dual(X, TX), 1));
    show_dual("cumprod zeros", tg_cumprod(dual(TIES, TX), 1));
    show_dual("cumprod dim 0", tg_cumprod(dual(TIES, TX), 0));
}

static void reorderings_and_indexing(void)
{
    show_dual("sort", tg_sort(dual(TIES, TX), 1, false, NULL));
    show_dual("sort descending", tg_sort(dual(TIES, TX), 0, true, NULL));
    show_dual("topk", tg_topk(dual(TIES, TX), 2, 1, true, true, NULL));
    show_dual("topk smallest", tg_topk(dual(X, TX), 1, 0, false, true, NULL));
    show_dual("tril", tg_tril(dual(X, TX), 0));
    show_dual("triu", tg_triu(dual(X, TX), 1));
    show_dual("flip", tg_flip(dual(X, TX), DIMS(0, 1)));
    show_dual("roll", tg_roll(dual(X, TX), I64(1, -1), I64(1, 0), 2));
    show_dual("roll flat", tg_roll(dual(X, TX), I64(2), NULL, 1));
    show_dual("repeat", tg_repeat(dual(X, TX), I64(2, 1, 2), 3));
    tg_tensor *index = tg_from_i64(I64(0, 2, 0, 1, 1, 2), TG_SHAPE(2, 3));
    tg_tensor *permutation = tg_from_i64(I64(2, 0, 1, 0, 1, 2), TG_SHAPE(2, 3));
    show_dual("gather", tg_gather(dual(X, TX), 1, index));
    show_dual("index_select", tg_index_select(dual(X, TX), 1, tg_from_i64(I64(2, 0), TG_SHAPE(2))));
    show_dual("scatter", tg_scatter(dual(X, TX), 1, permutation, dual(Y, TY)));
    show_dual("scatter only src", tg_scatter(m23(X), 1, permutation, dual(Y, TY)));
    show_dual("scatter_add", tg_scatter_add(dual(X, TX), 1, index, dual(Y, TY)));
    show_dual("index_add", tg_index_add(dual(X, TX), 1, tg_from_i64(I64(2, 0, 2), TG_SHAPE(3)), dual(Y, TY), 0.5));
    static const tg_scatter_reduction REDUCTIONS[] = {TG_SCATTER_SUM, TG_SCATTER_MEAN, TG_SCATTER_AMAX, TG_SCATTER_AMIN,
                                                      TG_SCATTER_PROD};
    static const char *const NAMES[] = {"sum", "mean", "amax", "amin", "prod"};
    tg_tensor *into = tg_from_i64(I64(0, 2, 1, 1, 1, 0), TG_SHAPE(2, 3));
    char label[64];
    for (int r = 0; r < 5; r++)
        for (int include_self = 1; include_self >= 0; include_self--) {
            snprintf(label, sizeof label, "scatter_reduce %s %s", NAMES[r], include_self ? "True" : "False");
            show_dual(label, tg_scatter_reduce(dual(X, TX), 1, into, dual(TIES, TY), REDUCTIONS[r], include_self));
        }
    show_dual("scatter_reduce ties", tg_scatter_reduce(dual(TIES, TX), 1, into, dual(TIES, TY), TG_SCATTER_AMAX, false));
    show_dual("scatter_reduce small index",
            tg_scatter_reduce(dual(X, TX), 0, tg_from_i64(I64(1, 0), TG_SHAPE(1, 2)), dual(Y, TY), TG_SCATTER_AMIN, true));
    tg_tensor *mask = tg_gt_scalar(m23(W), 0.4);
    show_dual("masked_select", tg_masked_select(dual(X, TX), mask));
    show_dual("masked_fill", tg_masked_fill(dual(X, TX), mask, 2));
    tg_tensor *pieces[3];
    if (tg_split(dual(X, TX), 2, 1, pieces, 3) == 2) show_dual("split", pieces[1]);
    if (tg_unbind(dual(X, TX), 0, pieces, 3) == 2) show_dual("unbind", pieces[1]);
    show_dual("einsum diagonal", tg_einsum("ii->i", (const tg_tensor *[]){tg_narrow(dual(X, TX), 1, 0, 2)}, 1));
}

/* the gradient of a view of zeros (2, 3) at a dual g, recorded */
static tg_tensor *view_backward(tg_tensor *view(const tg_tensor *), tg_tensor *g)
{
    tg_tensor *x = tg_requires_grad_(tg_zeros(TG_SHAPE(2, 3), TG_F64), true), *grad = NULL;
    tg_tensor *y = view(x);
    if (!y || tg_autograd_grad(&y, 1, &x, 1, &g, (tg_backward_opts){.create_graph = true}, &grad)) return NULL;
    return grad;
}
static tg_tensor *select_row(const tg_tensor *t) { return tg_select(t, 0, 1); }
static tg_tensor *slice_columns(const tg_tensor *t) { return tg_slice(t, 1, 1, 3, 1); }
static tg_tensor *upper_diagonal(const tg_tensor *t) { return tg_diagonal(t, 1, 0, 1); }

static void view_gradients(void)
{
    show_dual("select_backward", view_backward(select_row, tg_make_dual(tg_from_f64(Y, TG_SHAPE(3)), tg_from_f64(TY, TG_SHAPE(3)))));
    show_dual("slice_backward", view_backward(slice_columns, tg_make_dual(tg_from_f64(Y, TG_SHAPE(2, 2)), tg_from_f64(TY, TG_SHAPE(2, 2)))));
    show_dual("diagonal_backward", view_backward(upper_diagonal, tg_make_dual(tg_from_f64(Y, TG_SHAPE(2)), tg_from_f64(TY, TG_SHAPE(2)))));
    show_dual("diag_embed", tg_diag_embed(dual(X, TX), 1, 0, 2));
}

static void advanced_indexing_and_bilinear(void)
{
    tg_tensor *rows = tg_from_i64(I64(1, 0, 1), TG_SHAPE(3));
    show_dual("index", tg_index(dual(X, TX), TG_INDEX(TG_IDX_T(rows))));
    show_dual("index mask", tg_index(dual(X, TX), TG_INDEX(TG_IDX_T(tg_gt_scalar(m23(W), 0.4)))));
    show_dual("index slice and rows", tg_index(dual(X, TX), TG_INDEX(TG_IDX_ALL, TG_IDX_T(tg_from_i64(I64(2, 0), TG_SHAPE(2))))));
    tg_tensor *two = tg_from_i64(I64(1, 0), TG_SHAPE(2));
    show_dual("index_put", tg_index_put(dual(X, TX), TG_INDEX(TG_IDX_T(two)), dual(Y, TY), false));
    show_dual("index_put only values", tg_index_put(m23(X), TG_INDEX(TG_IDX_T(two)), dual(Y, TY), false));
    show_dual("index_put accumulate", tg_index_put(dual(X, TX), TG_INDEX(TG_IDX_T(rows)), tg_make_dual(tg_from_f64(Y, TG_SHAPE(3)), tg_from_f64(TY, TG_SHAPE(3))), true));
    show_dual("index_put mask value", tg_index_put(dual(X, TX), TG_INDEX(TG_IDX_T(tg_gt_scalar(m23(W), 0.4))), tg_make_dual(tg_from_f64((const double[]){0.5}, TG_SHAPE()), tg_from_f64((const double[]){2}, TG_SHAPE())), false));
    tg_tensor *weight = tg_make_dual(tg_from_f64(TIES, TG_SHAPE(2, 3, 1)), tg_from_f64(TY, TG_SHAPE(2, 3, 1)));
    show_dual("bilinear", tg_bilinear(dual(X, TX), tg_narrow(dual(Y, TY), 1, 0, 1), weight, NULL));
}

static void inplace_and_random(void)
{
    show_dual("eq_", tg_eq_(dual(X, TX), m23(X)));
    show_dual("lt_ of a dual other", tg_lt_(m23(X), dual(Y, TY)));
    show_dual("ge_scalar_", tg_ge_scalar_(dual(X, TX), 0.5));
    show_dual("fill_", tg_fill_(dual(X, TX), 2));
    tg_manual_seed(1);
    tg_tensor *tangent;
    tg_unpack_dual(tg_uniform_(dual(X, TX), 0, 1), &tangent);
    show("uniform_ tangent", tangent);
    tg_unpack_dual(tg_normal_(dual(X, TX), 0, 1), &tangent);
    show("normal_ tangent", tangent);
    tg_unpack_dual(tg_uniform_(tg_mul_scalar(dual(X, TX), 2), 0, 1), &tangent);
    show("uniform_ of a result tangent", tangent);
    tg_unpack_dual(tg_normal_(tg_mul_scalar(dual(X, TX), 2), 0, 1), &tangent);
    show("normal_ of a result tangent", tangent);
    tg_unpack_dual(tg_bernoulli(dual(W, TX)), &tangent);
    show("bernoulli tangent", tangent);
}

static void complex_ops(void)
{
    show_dual("complex", tg_complex(dual(X, TX), dual(Y, TY)));
    show_dual("complex only imag", tg_complex(m23(X), dual(Y, TY)));
    show_dual("view_as_real", tg_view_as_real(tg_complex(dual(X, TX), dual(Y, TY))));
    show_dual("conj", tg_view_as_real(tg_conj(tg_complex(dual(X, TX), dual(Y, TY)))));
    show_dual("angle", tg_angle(tg_complex(dual(X, TX), dual(TIES, TY))));
    show_dual("angle real", tg_angle(dual(TIES, TX)));
    show_dual("polar", tg_polar(dual(X, TX), dual(Y, TY)));
    show_dual("view_as_complex",
            tg_view_as_complex(tg_stack((const tg_tensor *[]){dual(X, TX), dual(Y, TY)}, 2, -1)));
}

int main(void)
{
    if (tg_fwad_enter_dual_level()) return 1;
    binary();
    reductions();
    reorderings_and_indexing();
    view_gradients();
    advanced_indexing_and_bilinear();
    inplace_and_random();
    complex_ops();
    return tg_fwad_exit_dual_level() ? 1 : 0;
}
