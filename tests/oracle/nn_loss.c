/* The losses of two tensors (mse, l1, smooth_l1, huber, kl_div, binary
   cross entropy of probabilities and of logits) and margin_ranking_loss
   with each reduction, on contiguous, transposed, f64, 0-dim, broadcast and
   empty operands, with first and second derivatives; weights and
   pos_weight; PyTorch's errors and warnings. Prints what nn_loss.py prints
   with PyTorch. */
#include <tensorgrad.h>

#include <math.h>
#include <stdio.h>

#include "oracle.h"

static const char *const REDUCTION_NAMES[] = {"mean", "sum", "none"};
/* Data as Python's floats: f32 tensors round them, f64 ones keep them. */
#define F64(...) ((const double[]){__VA_ARGS__})
#define ANY_X F64(0.5, -1.0, 2.0, 0.0, 3.0, -0.25)
#define ANY_Y F64(1.0, 0.0, 0.5, 1.0, 0.25, -0.5)
#define PROB_X F64(0.2, 0.9, 0.5, 0.05, 0.6, 0.3)
#define PROB_Y F64(0.0, 1.0, 0.5, 0.25, 0.75, 1.0)
#define SIGNS F64(1.0, -1.0, 1.0, -1.0, -1.0, 1.0)

static tg_tensor *m23_f64(const double *v) { return tg_from_f64(v, TG_SHAPE(2, 3)); }
static tg_tensor *m23(const double *v) { return tg_to(m23_f64(v), TG_F32); }
static tg_tensor *leaf23(const double *v) { return leaf(m23(v)); }
static tg_tensor *leaf23_f64(const double *v) { return leaf(m23_f64(v)); }
/* A leaf stored transposed (3, 2); cases use its tg_t (2, 3). */
static tg_tensor *transposed(const double *v) { return leaf(tg_contiguous(tg_t(m23(v)))); }

/* First derivatives with create_graph (value and requires_grad, and with
   graphs their graphs), then the gradient of the sum of their squares. */
static void second_graphs(const char *label, tg_tensor *out, tg_tensor *const *leaves, int n, bool graphs)
{
    tg_tensor *g[3] = {NULL}, *h[3] = {NULL};
    tg_backward_opts create = {.retain_graph = true, .create_graph = true};
    if (!out || tg_autograd_grad(&out, 1, leaves, n, (tg_tensor *[]){weights(out)}, create, g) != 0) {
        printf("%s error: %s\n", label, tg_last_error());
        return;
    }
    char buf[200];
    tg_tensor *total = NULL;
    for (int i = 0; i < n; i++) {
        snprintf(buf, sizeof buf, "%s d1 %d", label, i);
        show(buf, tg_detach(g[i]));
        printf("%s requires_grad: %s\n", buf, tg_requires_grad(g[i]) ? "True" : "False");
        if (graphs) graph(buf, g[i]);
        tg_tensor *s = tg_sum(tg_mul(g[i], g[i]));
        total = total ? tg_add(total, s) : s;
    }
    if (tg_autograd_grad(&total, 1, leaves, n, NULL, (tg_backward_opts){.allow_unused = true}, h) != 0) {
        printf("%s d2 error: %s\n", label, tg_last_error());
        return;
    }
    for (int i = 0; i < n; i++) {
        snprintf(buf, sizeof buf, "%s d2 %d", label, i);
        show(buf, h[i]);
    }
}

static void second(const char *label, tg_tensor *out, tg_tensor *const *leaves, int n)
{
    second_graphs(label, out, leaves, n, false);
}

typedef tg_tensor *(*pair_fn)(const tg_tensor *, const tg_tensor *, tg_reduction);
static tg_tensor *smooth_l1(const tg_tensor *x, const tg_tensor *y, tg_reduction r) { return tg_smooth_l1_loss(x, y, r, 1.0); }
static tg_tensor *smooth_l1_half(const tg_tensor *x, const tg_tensor *y, tg_reduction r) { return tg_smooth_l1_loss(x, y, r, 0.5); }
static tg_tensor *smooth_l1_0(const tg_tensor *x, const tg_tensor *y, tg_reduction r) { return tg_smooth_l1_loss(x, y, r, 0.0); }
static tg_tensor *huber(const tg_tensor *x, const tg_tensor *y, tg_reduction r) { return tg_huber_loss(x, y, r, 1.0); }
static tg_tensor *huber_half(const tg_tensor *x, const tg_tensor *y, tg_reduction r) { return tg_huber_loss(x, y, r, 0.5); }
static tg_tensor *kl(const tg_tensor *x, const tg_tensor *y, tg_reduction r) { return tg_kl_div(x, y, r, false); }
static tg_tensor *kl_log(const tg_tensor *x, const tg_tensor *y, tg_reduction r) { return tg_kl_div(x, y, r, true); }
static tg_tensor *bce(const tg_tensor *x, const tg_tensor *y, tg_reduction r) { return tg_binary_cross_entropy_ex(x, y, NULL, r); }
static tg_tensor *bce_logits(const tg_tensor *x, const tg_tensor *y, tg_reduction r)
{
    return tg_binary_cross_entropy_with_logits_ex(x, y, NULL, NULL, r);
}

static const struct {
    const char *name;
    pair_fn f;
    const double *x, *y;
    bool kl, fused;   /* fused: its gradients' graphs are compared too */
} PAIRS[] = {
    {"mse_loss", tg_mse_loss_ex, ANY_X, ANY_Y, false, true},
    {"l1_loss", tg_l1_loss_ex, ANY_X, ANY_Y, false, false},
    {"smooth_l1_loss", smooth_l1, ANY_X, ANY_Y, false, true},
    {"smooth_l1_loss beta 0.5", smooth_l1_half, ANY_X, ANY_Y, false, true},
    {"smooth_l1_loss beta 0", smooth_l1_0, ANY_X, ANY_Y, false, true},
    {"huber_loss", huber, ANY_X, ANY_Y, false, true},
    {"huber_loss delta 0.5", huber_half, ANY_X, ANY_Y, false, true},
    {"kl_div", kl, ANY_X, PROB_Y, true, false},
    {"kl_div log_target", kl_log, ANY_X, ANY_Y, true, false},
    {"binary_cross_entropy", bce, PROB_X, PROB_Y, false, false},
    {"bce_with_logits", bce_logits, ANY_X, PROB_Y, false, false},
};

static void pair_cases(const char *name, pair_fn f, const double *xs, const double *ys, bool is_kl, bool fused)
{
    char label[200];
    tg_tensor *x, *y;
#define L(...) (snprintf(label, sizeof label, __VA_ARGS__), label)
    for (int r = 0; r < 3; r++) {
        const char *rn = REDUCTION_NAMES[r];
        tg_scope_begin();
        x = leaf23(xs), y = leaf23(ys);
        check(L("%s %s", name, rn), f(x, y, r), (tg_tensor *[]){x, y}, 2);
        x = leaf23(xs), y = m23(ys);
        check(L("%s %s input only", name, rn), f(x, y, r), &x, 1);
        x = transposed(xs), y = transposed(ys);
        check(L("%s %s transposed", name, rn), f(tg_t(x), tg_t(y), r), (tg_tensor *[]){x, y}, 2);
        x = leaf23_f64(xs), y = leaf23_f64(ys);
        check(L("%s %s f64", name, rn), f(x, y, r), (tg_tensor *[]){x, y}, 2);
        x = leaf(tg_scalar(xs[2])), y = leaf(tg_scalar(ys[2]));
        check(L("%s %s 0-dim", name, rn), f(x, y, r), (tg_tensor *[]){x, y}, 2);
        x = leaf23_f64(xs), y = leaf23_f64(ys);
        second_graphs(L("%s %s second", name, rn), f(x, y, r), (tg_tensor *[]){x, y}, 2, fused);
        ATTEMPT(L("%s %s empty", name, rn), f(tg_zeros(TG_SHAPE(0, 3), TG_F32), tg_zeros(TG_SHAPE(0, 3), TG_F32), r));
        tg_scope_end();
    }
    ATTEMPT(L("%s broadcast", name), f(leaf(tg_to(tg_from_f64(xs, TG_SHAPE(3)), TG_F32)), leaf23(ys), TG_MEAN));
    ATTEMPT(L("%s broadcast column", name), f(leaf(tg_from_f32(F32(0.5, 0.25), TG_SHAPE(2, 1))), leaf23(ys), TG_SUM));
    ATTEMPT(L("%s mismatch", name), f(tg_ones(TG_SHAPE(2), TG_F32), tg_ones(TG_SHAPE(3), TG_F32), TG_MEAN));
    ATTEMPT(L("%s i64", name), f(tg_from_i64(I64(1, 0), TG_SHAPE(2)), tg_from_i64(I64(1, 1), TG_SHAPE(2)), TG_MEAN));
    ATTEMPT(L("%s i64 sum", name), f(tg_from_i64(I64(1, 0), TG_SHAPE(2)), tg_from_i64(I64(1, 1), TG_SHAPE(2)), TG_SUM));
    ATTEMPT(L("%s i64 target", name), f(tg_from_f32(F32(0.5, 0.25), TG_SHAPE(2)), tg_from_i64(I64(1, 0), TG_SHAPE(2)),
                                        TG_MEAN));
    ATTEMPT(L("%s f64 target", name), f(tg_from_f32(F32(0.5, 0.25), TG_SHAPE(2)),
                                        tg_to(tg_from_f32(F32(1.0, 0.0), TG_SHAPE(2)), TG_F64), TG_MEAN));
    ATTEMPT(L("%s bool", name), f(tg_to(tg_from_i64(I64(1, 0), TG_SHAPE(2)), TG_BOOL),
                                  tg_to(tg_from_i64(I64(1, 1), TG_SHAPE(2)), TG_BOOL), TG_MEAN));
    ATTEMPT(L("%s reduction 7", name), f(tg_ones(TG_SHAPE(2), TG_F32), tg_ones(TG_SHAPE(2), TG_F32), (tg_reduction)7));
    if (!is_kl)
        ATTEMPT(L("%s batchmean", name), f(tg_ones(TG_SHAPE(2), TG_F32), tg_ones(TG_SHAPE(2), TG_F32), TG_BATCHMEAN));
}

static void parameter_cases(void)
{
    tg_scope_begin();
    ATTEMPT("smooth_l1_loss beta -1", tg_smooth_l1_loss(tg_ones(TG_SHAPE(2), TG_F32), tg_zeros(TG_SHAPE(2), TG_F32), TG_MEAN, -1));
    ATTEMPT("huber_loss delta 0", tg_huber_loss(tg_ones(TG_SHAPE(2), TG_F32), tg_zeros(TG_SHAPE(2), TG_F32), TG_MEAN, 0));
    ATTEMPT("huber_loss delta -1", tg_huber_loss(tg_ones(TG_SHAPE(2), TG_F32), tg_zeros(TG_SHAPE(2), TG_F32), TG_MEAN, -1));
    tg_tensor *x = leaf23(ANY_X), *y = leaf23(ANY_Y);
    check("smooth_l1_loss beta 2.5", tg_smooth_l1_loss(x, y, TG_MEAN, 2.5), (tg_tensor *[]){x, y}, 2);
    x = leaf23(ANY_X), y = leaf23(ANY_Y);
    check("huber_loss delta 2.5", tg_huber_loss(x, y, TG_MEAN, 2.5), (tg_tensor *[]){x, y}, 2);
    x = leaf23(ANY_X), y = leaf23(ANY_Y);
    check("l1_loss default", tg_l1_loss(x, y), (tg_tensor *[]){x, y}, 2);
    tg_scope_end();
}

static void kl_cases(void)
{
    char label[200];
    for (int lt = 0; lt < 2; lt++) {
        tg_scope_begin();
        const char *name = lt ? "kl_div log_target True" : "kl_div log_target False";
        tg_tensor *x = leaf23(ANY_X), *y = leaf23(PROB_Y);
        check(L("%s batchmean", name), tg_kl_div(x, y, TG_BATCHMEAN, lt), (tg_tensor *[]){x, y}, 2);
        x = leaf23(ANY_X), y = leaf23(PROB_Y);
        check(L("%s batchmean 3-D", name),
              tg_kl_div(tg_view(x, TG_SHAPE(2, 1, 3)), tg_view(y, TG_SHAPE(2, 1, 3)), TG_BATCHMEAN, lt),
              (tg_tensor *[]){x, y}, 2);
        x = leaf(tg_scalar(-1.5)), y = leaf(tg_scalar(0.25));
        check(L("%s batchmean 0-dim", name), tg_kl_div(x, y, TG_BATCHMEAN, lt), (tg_tensor *[]){x, y}, 2);
        ATTEMPT(L("%s batchmean empty", name),
                tg_kl_div(tg_zeros(TG_SHAPE(0, 3), TG_F32), tg_zeros(TG_SHAPE(0, 3), TG_F32), TG_BATCHMEAN, lt));
        x = leaf23_f64(ANY_X), y = leaf23_f64(PROB_Y);
        second(L("%s batchmean second", name), tg_kl_div(x, y, TG_BATCHMEAN, lt), (tg_tensor *[]){x, y}, 2);
        tg_scope_end();
    }
    ATTEMPT("kl_div negative target",
            tg_kl_div(tg_ones(TG_SHAPE(2), TG_F32), tg_from_f32(F32(-1.0, 1.0), TG_SHAPE(2)), TG_NONE, false));
}

static void bce_cases(void)
{
    char label[200];
    tg_scope_begin();
    tg_tensor *row = tg_from_f32(F32(0.5, 2.0, 1.0), TG_SHAPE(3)), *x, *y;
    for (int r = 0; r < 3; r++) {
        const char *rn = REDUCTION_NAMES[r];
        x = leaf23(PROB_X);
        check(L("bce weight row %s", rn), tg_binary_cross_entropy_ex(x, m23(PROB_Y), row, r), &x, 1);
        x = leaf23(PROB_X);
        check(L("bce weight full %s", rn), tg_binary_cross_entropy_ex(x, m23(PROB_Y), m23(ANY_Y), r), &x, 1);
        x = leaf23_f64(PROB_X), y = leaf23_f64(PROB_Y);
        second(L("bce weight %s second", rn), tg_binary_cross_entropy_ex(x, y, tg_to(row, TG_F64), r),
               (tg_tensor *[]){x, y}, 2);
    }
    x = leaf23(PROB_X), y = leaf23(PROB_Y);
    check("bce weight column", tg_binary_cross_entropy_ex(x, y, tg_from_f32(F32(2.0, 0.5), TG_SHAPE(2, 1)), TG_MEAN),
          (tg_tensor *[]){x, y}, 2);
    x = leaf(tg_from_f32(F32(0.0, 1.0, 0.0, 1.0), TG_SHAPE(4)));
    check("bce at 0 and 1", tg_binary_cross_entropy(x, tg_from_f32(F32(0.5, 0.0, 1.0, 0.25), TG_SHAPE(4))), &x, 1);
    ATTEMPT("bce weight mismatch", tg_binary_cross_entropy_ex(leaf23(PROB_X), m23(PROB_Y), tg_ones(TG_SHAPE(4), TG_F32), TG_MEAN));
    ATTEMPT("bce weight too big",
            tg_binary_cross_entropy_ex(leaf23(PROB_X), m23(PROB_Y), tg_ones(TG_SHAPE(2, 2, 3), TG_F32), TG_MEAN));
    ATTEMPT("bce weight requires grad",
            tg_binary_cross_entropy_ex(leaf23(PROB_X), m23(PROB_Y), leaf(tg_from_f32(F32(1, 2, 3), TG_SHAPE(3))), TG_MEAN));
    ATTEMPT("bce above 1", tg_binary_cross_entropy(tg_from_f32(F32(0.5, 1.5), TG_SHAPE(2)), tg_from_f32(F32(0.5, 0.5), TG_SHAPE(2))));
    ATTEMPT("bce below 0", tg_binary_cross_entropy(tg_from_f32(F32(-0.5, 0.5), TG_SHAPE(2)), tg_from_f32(F32(0.5, 0.5), TG_SHAPE(2))));
    ATTEMPT("bce nan", tg_binary_cross_entropy(tg_from_f32(F32(NAN, 0.5), TG_SHAPE(2)), tg_from_f32(F32(0.5, 0.5), TG_SHAPE(2))));
    ATTEMPT("bce target above 1",
            tg_binary_cross_entropy(tg_from_f32(F32(0.5, 0.5), TG_SHAPE(2)), tg_from_f32(F32(2.0, 0.5), TG_SHAPE(2))));
    ATTEMPT("bce size", tg_binary_cross_entropy(leaf23(PROB_X), tg_ones(TG_SHAPE(3), TG_F32)));
    show("bce default", tg_binary_cross_entropy(m23(PROB_X), m23(PROB_Y)));
    ATTEMPT("bce weight f64", tg_binary_cross_entropy_ex(leaf23(PROB_X), m23(PROB_Y), tg_to(row, TG_F64), TG_MEAN));
    ATTEMPT("bce weight i64", tg_binary_cross_entropy_ex(leaf23(PROB_X), m23(PROB_Y), tg_from_i64(I64(1, 2, 3), TG_SHAPE(3)), TG_MEAN));
    tg_scope_end();
}

static void bce_logits_cases(void)
{
    char label[200];
    tg_scope_begin();
    tg_tensor *row = tg_from_f32(F32(0.5, 2.0, 1.0), TG_SHAPE(3)), *pos = tg_from_f32(F32(3.0, 0.5, 1.0), TG_SHAPE(3));
    tg_tensor *column = tg_from_f32(F32(2.0, 0.5), TG_SHAPE(2, 1)), *x, *y;
    for (int r = 0; r < 3; r++) {
        const char *rn = REDUCTION_NAMES[r];
        x = leaf23(ANY_X);
        check(L("bce_with_logits weight %s", rn), tg_binary_cross_entropy_with_logits_ex(x, m23(PROB_Y), row, NULL, r),
              &x, 1);
        x = leaf23(ANY_X), y = leaf23(PROB_Y);
        check(L("bce_with_logits pos_weight %s", rn), tg_binary_cross_entropy_with_logits_ex(x, y, NULL, pos, r),
              (tg_tensor *[]){x, y}, 2);
        x = leaf23(ANY_X), y = leaf23(PROB_Y);
        check(L("bce_with_logits both %s", rn), tg_binary_cross_entropy_with_logits_ex(x, y, column, pos, r),
              (tg_tensor *[]){x, y}, 2);
        x = leaf23_f64(ANY_X), y = leaf23_f64(PROB_Y);
        second(L("bce_with_logits both %s second", rn),
               tg_binary_cross_entropy_with_logits_ex(x, y, tg_to(column, TG_F64), tg_to(pos, TG_F64), r),
               (tg_tensor *[]){x, y}, 2);
    }
    x = leaf(tg_from_f32(F32(-100.0, -30.0, 50.0, 100.0), TG_SHAPE(4)));
    check("bce_with_logits large",
          tg_binary_cross_entropy_with_logits_ex(x, tg_from_f32(F32(0.0, 1.0, 0.5, 1.0), TG_SHAPE(4)), NULL,
                                                 tg_from_f32(F32(2.0), TG_SHAPE(1)), TG_MEAN),
          &x, 1);
    tg_tensor *(*f)(const tg_tensor *, const tg_tensor *, const tg_tensor *, const tg_tensor *, tg_reduction) =
        tg_binary_cross_entropy_with_logits_ex;
    ATTEMPT("bce_with_logits weight mismatch", f(leaf23(ANY_X), m23(PROB_Y), tg_ones(TG_SHAPE(4), TG_F32), NULL, TG_MEAN));
    ATTEMPT("bce_with_logits weight too big",
            f(leaf23(ANY_X), m23(PROB_Y), tg_ones(TG_SHAPE(2, 2, 3), TG_F32), NULL, TG_MEAN));
    ATTEMPT("bce_with_logits pos_weight mismatch",
            f(leaf23(ANY_X), m23(PROB_Y), NULL, tg_ones(TG_SHAPE(4), TG_F32), TG_MEAN));
    ATTEMPT("bce_with_logits pos_weight too big",
            f(leaf23(ANY_X), m23(PROB_Y), NULL, tg_ones(TG_SHAPE(2, 2, 3), TG_F32), TG_MEAN));
    ATTEMPT("bce_with_logits weight requires grad",
            f(leaf23(ANY_X), m23(PROB_Y), leaf(tg_from_f32(F32(1, 2, 3), TG_SHAPE(3))), NULL, TG_MEAN));
    ATTEMPT("bce_with_logits pos_weight requires grad",
            f(leaf23(ANY_X), m23(PROB_Y), NULL, leaf(tg_from_f32(F32(1, 2, 3), TG_SHAPE(3))), TG_MEAN));
    ATTEMPT("bce_with_logits weight f64", f(leaf23(ANY_X), m23(PROB_Y), tg_to(row, TG_F64), NULL, TG_MEAN));
    ATTEMPT("bce_with_logits pos_weight f64", f(leaf23(ANY_X), m23(PROB_Y), NULL, tg_to(pos, TG_F64), TG_MEAN));
    ATTEMPT("bce_with_logits f64 target", f(leaf23(ANY_X), m23_f64(PROB_Y), NULL, pos, TG_MEAN));
    TG_NO_GRAD {
        ATTEMPT("bce_with_logits weight requires grad, no grad",
                f(leaf23(ANY_X), m23(PROB_Y), leaf(tg_from_f32(F32(1, 2, 3), TG_SHAPE(3))), NULL, TG_MEAN));
    }
    tg_scope_end();
}

static void margin_cases(void)
{
    char label[200];
    tg_scope_begin();
    tg_tensor *a, *b, *y;
    const double margins[] = {0.0, 0.5};
    for (int m = 0; m < 2; m++)
        for (int r = 0; r < 3; r++) {
            const char *rn = REDUCTION_NAMES[r];
            a = leaf23(ANY_X), b = leaf23(ANY_Y);
            check(L("margin_ranking_loss %.1f %s", margins[m], rn), tg_margin_ranking_loss(a, b, m23(SIGNS), margins[m], r),
                  (tg_tensor *[]){a, b}, 2);
            a = leaf23_f64(ANY_X), b = leaf23_f64(ANY_Y);
            second(L("margin_ranking_loss %.1f %s second", margins[m], rn),
                   tg_margin_ranking_loss(a, b, m23_f64(SIGNS), margins[m], r), (tg_tensor *[]){a, b}, 2);
        }
    a = leaf23(ANY_X), b = leaf23(ANY_Y), y = leaf23(SIGNS);
    check("margin_ranking_loss target grad", tg_margin_ranking_loss(a, b, y, 0.25, TG_MEAN), (tg_tensor *[]){a, b, y}, 3);
    a = leaf23(ANY_X), b = leaf(tg_from_f32(F32(0.5, 0.25, -1.0), TG_SHAPE(1, 3)));
    check("margin_ranking_loss broadcast",
          tg_margin_ranking_loss(a, b, tg_from_f32(F32(1.0, -1.0, 1.0), TG_SHAPE(1, 3)), 0.1, TG_MEAN),
          (tg_tensor *[]){a, b}, 2);
    a = leaf(tg_scalar(1.0)), b = leaf(tg_scalar(2.0));
    check("margin_ranking_loss 0-dim", tg_margin_ranking_loss(a, b, tg_scalar(-1.0), 0.5, TG_MEAN), (tg_tensor *[]){a, b}, 2);
    ATTEMPT("margin_ranking_loss dims", tg_margin_ranking_loss(tg_ones(TG_SHAPE(2, 3), TG_F32), tg_ones(TG_SHAPE(3), TG_F32),
                                                               tg_ones(TG_SHAPE(3), TG_F32), 0, TG_MEAN));
    ATTEMPT("margin_ranking_loss 0-dim target",
            tg_margin_ranking_loss(tg_ones(TG_SHAPE(2), TG_F32), tg_ones(TG_SHAPE(2), TG_F32), tg_scalar(1.0), 0, TG_MEAN));
    ATTEMPT("margin_ranking_loss mismatch", tg_margin_ranking_loss(tg_ones(TG_SHAPE(2), TG_F32), tg_ones(TG_SHAPE(3), TG_F32),
                                                                   tg_ones(TG_SHAPE(3), TG_F32), 0, TG_MEAN));
    ATTEMPT("margin_ranking_loss i64",
            tg_margin_ranking_loss(tg_from_i64(I64(1, 2), TG_SHAPE(2)), tg_from_i64(I64(2, 2), TG_SHAPE(2)),
                                   tg_from_i64(I64(1, -1), TG_SHAPE(2)), 0, TG_MEAN));
    ATTEMPT("margin_ranking_loss reduction 7",
            tg_margin_ranking_loss(tg_ones(TG_SHAPE(2), TG_F32), tg_ones(TG_SHAPE(2), TG_F32), tg_ones(TG_SHAPE(2), TG_F32),
                                   0, (tg_reduction)7));
    tg_scope_end();
}

/* Saved tensors changed in place before backward: PyTorch's error. */
static void version(const char *label, tg_tensor *loss, tg_tensor *changed)
{
    tg_clear_error();
    if (!loss || !changed) printf("%s: setup error: %s\n", label, tg_last_error());
    else if (tg_backward(loss, NULL) == 0) printf("%s: no error\n", label);
    else printf("%s: error: %s\n", label, tg_last_error());
}

static void version_cases(void)
{
    tg_scope_begin();
    tg_tensor *y = tg_softmax(leaf23(ANY_X), 1), *loss = tg_sum(y);
    version("version softmax", loss, tg_add_scalar_(y, 1));
    tg_tensor *a = tg_mul_scalar(leaf23(ANY_X), 2);
    loss = tg_mse_loss(a, m23(ANY_Y));
    version("version mse_loss", loss, tg_add_scalar_(a, 1));
    tg_tensor *logp = tg_log_softmax(leaf23(ANY_X), 1);
    loss = tg_nll_loss(logp, tg_from_i64(I64(0, 2), TG_SHAPE(2)));
    version("version nll_loss", loss, tg_mul_scalar_(logp, 2));
    tg_tensor *t = m23(PROB_Y);
    loss = tg_binary_cross_entropy(leaf23(PROB_X), t);
    version("version bce target", loss, tg_mul_scalar_(t, 0.5));
    tg_tensor *w = tg_from_f32(F32(0.5, 2.0, 1.0), TG_SHAPE(3));
    loss = tg_binary_cross_entropy_with_logits_ex(leaf23(ANY_X), m23(PROB_Y), w, NULL, TG_MEAN);
    version("version bce_with_logits weight", loss, tg_mul_scalar_(w, 2));
    t = m23(ANY_Y);
    loss = tg_smooth_l1_loss(leaf23(ANY_X), t, TG_MEAN, 1.0);
    version("version smooth_l1_loss target", loss, tg_add_scalar_(t, 1));
    tg_scope_end();
}

int main(void)
{
    for (size_t i = 0; i < sizeof PAIRS / sizeof PAIRS[0]; i++)
        pair_cases(PAIRS[i].name, PAIRS[i].f, PAIRS[i].x, PAIRS[i].y, PAIRS[i].kl, PAIRS[i].fused);
    parameter_cases();
    kl_cases();
    bce_cases();
    bce_logits_cases();
    margin_cases();
    version_cases();
    return 0;
}
