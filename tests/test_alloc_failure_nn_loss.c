/* Allocation failure in softmax, log_softmax and the losses: each case's
   forward, its gradient with create_graph and the second derivative
   through that gradient are swept with every allocation failing in turn
   (tests/alloc_sweep.h); each failed run must end in TG_E_OOM and leak
   nothing. */
#include "alloc_sweep.h"

#include <stdio.h>
#include <tensorgrad.h>

/* Class weights made before the sweeps (a NULL weight means none). */
static tg_tensor *weight3;

static tg_tensor *targets(void) { return tg_from_i64((const int64_t[]){0, 2, 1}, TG_SHAPE(3)); }
static tg_ce_opts options(const tg_tensor *weight, int64_t ignore_index, double smoothing, tg_reduction r)
{
    tg_ce_opts o = tg_ce_defaults();
    o.weight = weight, o.ignore_index = ignore_index, o.label_smoothing = smoothing, o.reduction = r;
    return o;
}

static tg_tensor *f_softmax(tg_tensor *const *x) { return tg_softmax(x[0], 1); }
static tg_tensor *f_log_softmax(tg_tensor *const *x) { return tg_log_softmax(x[0], 0); }
static tg_tensor *f_mse(tg_tensor *const *x) { return tg_mse_loss(x[0], x[1]); }
static tg_tensor *f_mse_none(tg_tensor *const *x) { return tg_mse_loss_ex(x[0], tg_select(x[1], 0, 1), TG_NONE); }
static tg_tensor *f_l1(tg_tensor *const *x) { return tg_l1_loss(x[0], x[1]); }
static tg_tensor *f_l1_sum(tg_tensor *const *x) { return tg_l1_loss_ex(x[0], x[1], TG_SUM); }
static tg_tensor *f_smooth_l1(tg_tensor *const *x) { return tg_smooth_l1_loss(x[0], x[1], TG_MEAN, 0.5); }
static tg_tensor *f_huber(tg_tensor *const *x) { return tg_huber_loss(x[0], x[1], TG_SUM, 0.5); }
static tg_tensor *f_bce(tg_tensor *const *x) { return tg_binary_cross_entropy(tg_sigmoid(x[0]), tg_sigmoid(x[1])); }
static tg_tensor *f_bce_weight(tg_tensor *const *x)
{
    return tg_binary_cross_entropy_ex(tg_sigmoid(x[0]), tg_sigmoid(x[1]), weight3, TG_NONE);
}
static tg_tensor *f_bce_logits(tg_tensor *const *x) { return tg_binary_cross_entropy_with_logits(x[0], tg_sigmoid(x[1])); }
static tg_tensor *f_bce_logits_weights(tg_tensor *const *x)
{
    return tg_binary_cross_entropy_with_logits_ex(x[0], tg_sigmoid(x[1]), weight3, weight3, TG_SUM);
}
static tg_tensor *f_kl_div(tg_tensor *const *x) { return tg_kl_div(x[0], tg_sigmoid(x[1]), TG_BATCHMEAN, false); }
static tg_tensor *f_kl_div_log(tg_tensor *const *x) { return tg_kl_div(x[0], x[1], TG_SUM, true); }
static tg_tensor *f_margin(tg_tensor *const *x) { return tg_margin_ranking_loss(x[0], x[1], tg_sign(tg_detach(x[2])), 0.5, TG_MEAN); }
static tg_tensor *f_nll(tg_tensor *const *x) { return tg_nll_loss(x[0], targets()); }
static tg_tensor *f_nll_2d(tg_tensor *const *x)
{
    tg_tensor *t = tg_from_i64((const int64_t[]){0, 2, 1}, TG_SHAPE(1, 1, 3));
    return tg_nll_loss_ex(tg_view(x[0], TG_SHAPE(1, 3, 1, 3)), t, options(weight3, 1, 0, TG_NONE));
}
static tg_tensor *f_nll_3d(tg_tensor *const *x)
{
    return tg_nll_loss(tg_view(x[0], TG_SHAPE(1, 3, 3)), tg_from_i64((const int64_t[]){0, 2, 1}, TG_SHAPE(1, 3)));
}
static tg_tensor *f_cross_entropy(tg_tensor *const *x) { return tg_cross_entropy(x[0], targets()); }
static tg_tensor *f_cross_entropy_smoothing(tg_tensor *const *x)
{
    return tg_cross_entropy_ex(x[0], targets(), options(weight3, 2, 0.2, TG_MEAN));
}
static tg_tensor *f_cross_entropy_smoothing_1d(tg_tensor *const *x)
{
    return tg_cross_entropy_ex(tg_select(x[0], 0, 0), tg_from_i64((const int64_t[]){1}, TG_SHAPE()),
                               options(NULL, -100, 0.1, TG_SUM));
}
static tg_tensor *f_cross_entropy_probabilities(tg_tensor *const *x)
{
    return tg_cross_entropy_ex(x[0], tg_softmax(x[1], 1), options(weight3, -100, 0.1, TG_MEAN));
}

static const grad_case CASES[] = {
    {"softmax", f_softmax, 1},
    {"log_softmax", f_log_softmax, 1},
    {"mse_loss", f_mse, 2},
    {"mse_loss none, broadcast", f_mse_none, 2},
    {"l1_loss", f_l1, 2},
    {"l1_loss sum", f_l1_sum, 2},
    {"smooth_l1_loss", f_smooth_l1, 2},
    {"huber_loss", f_huber, 2},
    {"binary_cross_entropy", f_bce, 2},
    {"binary_cross_entropy weight", f_bce_weight, 2},
    {"binary_cross_entropy_with_logits", f_bce_logits, 2},
    {"binary_cross_entropy_with_logits weights", f_bce_logits_weights, 2},
    {"kl_div batchmean", f_kl_div, 2},
    {"kl_div log_target", f_kl_div_log, 2},
    {"margin_ranking_loss", f_margin, 2},
    {"nll_loss", f_nll, 1},
    {"nll_loss 4-D", f_nll_2d, 1},
    {"nll_loss 3-D", f_nll_3d, 1},
    {"cross_entropy", f_cross_entropy, 1},
    {"cross_entropy smoothing", f_cross_entropy_smoothing, 1},
    {"cross_entropy smoothing 1-D", f_cross_entropy_smoothing_1d, 1},
    {"cross_entropy probabilities", f_cross_entropy_probabilities, 2},
};

int main(void)
{
    tg_tensor *x[GRAD_CASE_INPUTS];
    const double values[] = {0.5, -1.0, 2.0, 0.0, 3.0, -0.25, 1.5, 0.75, -2.0, 1.0, 0.25, -0.5};
    for (int i = 0; i < GRAD_CASE_INPUTS; i++)
        x[i] = tg_requires_grad_(tg_retain(tg_from_f64(values + i, TG_SHAPE(3, 3))), true);
    weight3 = tg_retain(tg_from_f64((const double[]){0.5, 2.0, 1.0}, TG_SHAPE(3)));
    sweep_grad_cases(CASES, sizeof CASES / sizeof CASES[0], x);
    for (int i = 0; i < GRAD_CASE_INPUTS; i++) tg_release(x[i]);
    tg_release(weight3);
    return TEST_MAIN_END();
}
