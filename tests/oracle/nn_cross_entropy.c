/* nll_loss and cross_entropy over class indices ((N, C), (C), (N, C, d1,
   ...) inputs), with weights, ignore_index and label smoothing, and over
   class probabilities; each reduction; values, gradients, graphs, second
   derivatives (with the graph of the first) and PyTorch's errors. Prints
   what nn_cross_entropy.py prints with PyTorch. */
#include <tensorgrad.h>

#include <math.h>
#include <stdio.h>

#include "oracle.h"

static const char *const REDUCTION_NAMES[] = {"mean", "sum", "none"};
#define F64(...) ((const double[]){__VA_ARGS__})
#define X34 F64(0.5, -1.0, 2.0, 0.25, 0.0, 3.0, -0.25, 1.5, -2.0, 0.75, 1.0, -0.5)
#define P34 F64(0.25, 0.25, 0.5, 0.0, 0.1, 0.2, 0.3, 0.4, 1.0, 0.0, 0.0, 0.0)
#define W4 F32(0.5, 2.0, 1.0, 0.25)

static tg_tensor *m34(const double *v) { return tg_to(tg_from_f64(v, TG_SHAPE(3, 4)), TG_F32); }
static tg_tensor *t3(void) { return tg_from_i64(I64(0, 2, 3), TG_SHAPE(3)); }
static tg_tensor *t23(void) { return tg_from_i64(I64(0, 1, 3, 2, 2, 0), TG_SHAPE(2, 3)); }

/* Python's values(n): ((k * 7) % 11 - 5) / 2, and probabilities(n):
   ((k * 7) % 11 - 5) / 200 + 0.25, as f32. */
static tg_tensor *sequence(int n, double scale, double shift)
{
    double v[64];
    for (int k = 0; k < n; k++) v[k] = (double)((k * 7) % 11 - 5) / scale + shift;
    return tg_to(tg_from_f64(v, TG_SHAPE(n)), TG_F32);
}
static tg_tensor *values(int n) { return sequence(n, 2, 0); }

/* The first derivative with create_graph (value, graph), then the gradient
   of the sum of its squares. */
static void second(const char *label, tg_tensor *out, tg_tensor *x)
{
    char buf[200];
    tg_tensor *g = NULL, *h = NULL;
    tg_backward_opts create = {.retain_graph = true, .create_graph = true};
    if (!out || tg_autograd_grad(&out, 1, &x, 1, (tg_tensor *[]){weights(out)}, create, &g) != 0) {
        printf("%s error: %s\n", label, tg_last_error());
        return;
    }
    snprintf(buf, sizeof buf, "%s d1", label);
    show(buf, tg_detach(g));
    graph(buf, g);
    tg_tensor *total = tg_sum(tg_mul(g, g));
    if (tg_autograd_grad(&total, 1, &x, 1, NULL, (tg_backward_opts){0}, &h) != 0) {
        printf("%s d2 error: %s\n", label, tg_last_error());
        return;
    }
    snprintf(buf, sizeof buf, "%s d2", label);
    show(buf, h);
}

typedef tg_tensor *(*class_fn)(const tg_tensor *, const tg_tensor *, tg_ce_opts);

static tg_ce_opts opts_of(tg_reduction r, const tg_tensor *weight, int64_t ignore_index, double smoothing)
{
    tg_ce_opts o = tg_ce_defaults();
    o.reduction = r;
    o.weight = weight;
    o.ignore_index = ignore_index;
    o.label_smoothing = smoothing;
    return o;
}

static const struct {
    const char *name;
    bool weighted;
    int64_t ignore_index;
    double smoothing;
} OPTS[] = {
    {"plain", false, -100, 0},
    {"weight", true, -100, 0},
    {"ignore", false, 2, 0},
    {"weight ignore", true, 3, 0},
    {"smoothing", false, -100, 0.2},
    {"smoothing weight", true, -100, 0.5},
    {"smoothing ignore", false, 2, 0.2},
    {"smoothing weight ignore", true, 0, 0.5},
};

static void option_cases(const char *fname, class_fn f, int k)
{
    char label[200];
#define L(...) (snprintf(label, sizeof label, __VA_ARGS__), label)
    const char *on = OPTS[k].name;
    tg_scope_begin();
    tg_tensor *w = OPTS[k].weighted ? tg_from_f32(W4, TG_SHAPE(4)) : NULL, *x;
    tg_tensor *w64 = w ? tg_to(w, TG_F64) : NULL;
    int64_t ig = OPTS[k].ignore_index;
    double s = OPTS[k].smoothing;
    for (int r = 0; r < 3; r++) {
        const char *rn = REDUCTION_NAMES[r];
        tg_ce_opts o = opts_of(r, w, ig, s);
        x = leaf(m34(X34));
        check(L("%s %s %s", fname, on, rn), f(x, t3(), o), &x, 1);
        x = leaf(tg_from_f64(X34, TG_SHAPE(3, 4)));
        second(L("%s %s %s second", fname, on, rn), f(x, t3(), opts_of(r, w64, ig, s)), x);
        x = leaf(tg_select(m34(X34), 0, 1));
        check(L("%s %s %s 1-D", fname, on, rn), f(x, tg_from_i64(I64(1), TG_SHAPE()), o), &x, 1);
        x = leaf(values(24));
        check(L("%s %s %s 3-D", fname, on, rn), f(tg_view(x, TG_SHAPE(2, 4, 3)), t23(), o), &x, 1);
        x = leaf(values(24));
        check(L("%s %s %s 4-D", fname, on, rn), f(tg_view(x, TG_SHAPE(2, 4, 1, 3)), tg_view(t23(), TG_SHAPE(2, 1, 3)), o),
              &x, 1);
        x = leaf(values(24));
        check(L("%s %s %s 5-D", fname, on, rn),
              f(tg_view(x, TG_SHAPE(2, 4, 3, 1, 1)), tg_view(t23(), TG_SHAPE(2, 3, 1, 1)), o), &x, 1);
    }
    tg_ce_opts o = opts_of(TG_MEAN, w, ig, s);
    x = leaf(tg_contiguous(tg_t(m34(X34))));
    check(L("%s %s transposed", fname, on), f(tg_t(x), t3(), o), &x, 1);
    x = leaf(values(24));
    check(L("%s %s 3-D transposed", fname, on), f(tg_transpose(tg_view(x, TG_SHAPE(2, 3, 4)), 1, 2), t23(), o), &x, 1);
    x = leaf(values(24));
    check(L("%s %s 3-D none transposed", fname, on),
          f(tg_transpose(tg_view(x, TG_SHAPE(2, 3, 4)), 1, 2), t23(), opts_of(TG_NONE, w, ig, s)), &x, 1);
    x = leaf(tg_from_f64(X34, TG_SHAPE(3, 4)));
    check(L("%s %s f64", fname, on), f(x, t3(), opts_of(TG_MEAN, w64, ig, s)), &x, 1);
    for (int r = 0; r < 3; r++) {
        const char *rn = REDUCTION_NAMES[r];
        tg_ce_opts ro = opts_of(r, w, ig, s);
        ATTEMPT(L("%s %s all ignored %s", fname, on, rn), f(m34(X34), tg_from_i64(I64(-100, -100, -100), TG_SHAPE(3)), ro));
        ATTEMPT(L("%s %s empty %s", fname, on, rn), f(tg_zeros(TG_SHAPE(0, 4), TG_F32), tg_zeros(TG_SHAPE(0), TG_I64), ro));
        ATTEMPT(L("%s %s empty 3-D %s", fname, on, rn),
                f(tg_zeros(TG_SHAPE(0, 4, 2), TG_F32), tg_zeros(TG_SHAPE(0, 2), TG_I64), ro));
    }
    tg_scope_end();
}

static void error_cases(const char *fname, class_fn f)
{
    char label[200];
    tg_scope_begin();
    tg_ce_opts d = tg_ce_defaults();
    tg_tensor *x = m34(X34);
    tg_tensor *zeros4d = tg_zeros(TG_SHAPE(2, 3, 2, 2), TG_F32), *t4d = tg_zeros(TG_SHAPE(2, 2, 2), TG_I64);
    tg_ce_opts o = d;
    o.ignore_index = 2;
    ATTEMPT(L("%s 1-D ignored", fname), f(tg_select(x, 0, 0), tg_from_i64(I64(2), TG_SHAPE()), o));
    ATTEMPT(L("%s out of bounds", fname), f(x, tg_from_i64(I64(0, 5, 1), TG_SHAPE(3)), d));
    ATTEMPT(L("%s negative", fname), f(x, tg_from_i64(I64(0, -1, 1), TG_SHAPE(3)), d));
    o.ignore_index = 5;
    ATTEMPT(L("%s out of bounds ignored", fname), f(x, tg_from_i64(I64(0, 5, 1), TG_SHAPE(3)), o));
    ATTEMPT(L("%s out of bounds 4-D", fname),
            f(tg_zeros(TG_SHAPE(1, 3, 2, 2), TG_F32), tg_from_i64(I64(0, 1, 2, 3), TG_SHAPE(1, 2, 2)), d));
    ATTEMPT(L("%s out of bounds 3-D", fname),
            f(tg_zeros(TG_SHAPE(2, 3, 2), TG_F32), tg_from_i64(I64(0, 7, 0, 0), TG_SHAPE(2, 2)), d));
    ATTEMPT(L("%s float target", fname), f(x, tg_from_f32(F32(0.0, 2.0, 3.0), TG_SHAPE(3)), d));
    ATTEMPT(L("%s i32 target", fname), f(x, tg_to(t3(), TG_I32), d));
    ATTEMPT(L("%s bool target", fname), f(x, tg_to(tg_from_i64(I64(0, 1, 1), TG_SHAPE(3)), TG_BOOL), d));
    ATTEMPT(L("%s i64 input", fname), f(tg_from_i64(I64(1, 2, 3, 4), TG_SHAPE(2, 2)), tg_from_i64(I64(0, 1), TG_SHAPE(2)), d));
    ATTEMPT(L("%s batch", fname), f(x, tg_from_i64(I64(0, 2), TG_SHAPE(2)), d));
    ATTEMPT(L("%s 2-D target", fname), f(x, tg_from_i64(I64(0, 2, 3), TG_SHAPE(1, 3)), d));
    ATTEMPT(L("%s 0-dim target", fname), f(x, tg_from_i64(I64(1), TG_SHAPE()), d));
    ATTEMPT(L("%s 0-dim input", fname), f(tg_scalar(1.0), tg_from_i64(I64(0), TG_SHAPE()), d));
    ATTEMPT(L("%s 1-D input 1-D target", fname), f(tg_from_f32(F32(1, 2, 3), TG_SHAPE(3)), tg_from_i64(I64(2), TG_SHAPE(1)), d));
    o = d;
    o.weight = tg_ones(TG_SHAPE(3), TG_F32);
    ATTEMPT(L("%s weight size", fname), f(x, t3(), o));
    o.weight = tg_ones(TG_SHAPE(2, 2), TG_F32);
    ATTEMPT(L("%s weight 2-D", fname), f(x, t3(), o));
    o.weight = tg_ones(TG_SHAPE(4), TG_I64);
    ATTEMPT(L("%s weight i64", fname), f(x, t3(), o));
    o.weight = tg_ones(TG_SHAPE(4), TG_F64);
    ATTEMPT(L("%s weight f64", fname), f(x, t3(), o));
    o.weight = leaf(tg_ones(TG_SHAPE(4), TG_F32));
    ATTEMPT(L("%s weight requires grad", fname), f(x, t3(), o));
    o.weight = leaf(tg_ones(TG_SHAPE(3), TG_F32));
    ATTEMPT(L("%s 4-D weight requires grad", fname), f(zeros4d, t4d, o));
    o.weight = tg_ones(TG_SHAPE(4), TG_F32);
    ATTEMPT(L("%s 4-D weight size", fname), f(zeros4d, t4d, o));
    o.weight = tg_ones(TG_SHAPE(3), TG_F64);
    ATTEMPT(L("%s 4-D weight f64", fname), f(zeros4d, t4d, o));
    ATTEMPT(L("%s 4-D float target", fname), f(zeros4d, tg_zeros(TG_SHAPE(2, 2, 2), TG_F32), d));
    ATTEMPT(L("%s 3-D target size", fname), f(tg_ones(TG_SHAPE(2, 3, 4), TG_F32), tg_ones(TG_SHAPE(2, 5), TG_I64), d));
    ATTEMPT(L("%s 3-D batch", fname), f(tg_ones(TG_SHAPE(2, 3, 4), TG_F32), tg_ones(TG_SHAPE(3, 4), TG_I64), d));
    ATTEMPT(L("%s 4-D target size", fname), f(tg_ones(TG_SHAPE(2, 3, 4, 5), TG_F32), tg_ones(TG_SHAPE(2, 4, 4), TG_I64), d));
    ATTEMPT(L("%s 4-D target dims", fname), f(tg_ones(TG_SHAPE(2, 3, 4, 5), TG_F32), tg_ones(TG_SHAPE(2, 20), TG_I64), d));
    ATTEMPT(L("%s no classes", fname), f(tg_ones(TG_SHAPE(2, 0), TG_F32), tg_zeros(TG_SHAPE(2), TG_I64), d));
    o = d;
    o.reduction = (tg_reduction)7;
    ATTEMPT(L("%s reduction 7", fname), f(x, t3(), o));
    o.reduction = TG_BATCHMEAN;
    ATTEMPT(L("%s batchmean", fname), f(x, t3(), o));
    tg_scope_end();
}

static const struct {
    const char *name;
    bool weighted;
    double smoothing;
} PROBS[] = {
    {"probabilities", false, 0},
    {"probabilities weight", true, 0},
    {"probabilities smoothing", false, 0.2},
    {"probabilities smoothing weight", true, 0.1},
};

static void probability_cases(void)
{
    char label[200];
    for (int k = 0; k < 4; k++) {
        tg_scope_begin();
        const char *on = PROBS[k].name;
        tg_tensor *w = PROBS[k].weighted ? tg_from_f32(W4, TG_SHAPE(4)) : NULL, *x, *y;
        tg_tensor *w64 = w ? tg_to(w, TG_F64) : NULL;
        double s = PROBS[k].smoothing;
        for (int r = 0; r < 3; r++) {
            const char *rn = REDUCTION_NAMES[r];
            tg_ce_opts o = opts_of(r, w, -100, s);
            x = leaf(m34(X34)), y = leaf(m34(P34));
            check(L("cross_entropy %s %s", on, rn), tg_cross_entropy_ex(x, y, o), (tg_tensor *[]){x, y}, 2);
            x = leaf(tg_from_f64(X34, TG_SHAPE(3, 4)));
            second(L("cross_entropy %s %s second", on, rn),
                   tg_cross_entropy_ex(x, tg_from_f64(P34, TG_SHAPE(3, 4)), opts_of(r, w64, -100, s)), x);
            x = leaf(tg_select(m34(X34), 0, 0)), y = leaf(tg_select(m34(P34), 0, 1));
            check(L("cross_entropy %s %s 1-D", on, rn), tg_cross_entropy_ex(x, y, o), (tg_tensor *[]){x, y}, 2);
            x = leaf(values(24)), y = leaf(sequence(24, 200, 0.25));
            check(L("cross_entropy %s %s 3-D", on, rn),
                  tg_cross_entropy_ex(tg_view(x, TG_SHAPE(2, 4, 3)), tg_view(y, TG_SHAPE(2, 4, 3)), o),
                  (tg_tensor *[]){x, y}, 2);
            ATTEMPT(L("cross_entropy %s %s empty", on, rn),
                    tg_cross_entropy_ex(tg_zeros(TG_SHAPE(0, 4), TG_F32), tg_zeros(TG_SHAPE(0, 4), TG_F32), o));
        }
        tg_scope_end();
    }
    tg_scope_begin();
    tg_ce_opts d = tg_ce_defaults(), o;
    tg_tensor *x = leaf(tg_contiguous(tg_t(m34(X34)))), *y = leaf(m34(P34));
    check("cross_entropy probabilities transposed", tg_cross_entropy(tg_t(x), y), (tg_tensor *[]){x, y}, 2);
    ATTEMPT("cross_entropy probabilities i64 target", tg_cross_entropy(m34(X34), tg_ones(TG_SHAPE(3, 4), TG_I64)));
    o = d;
    o.ignore_index = 1;
    ATTEMPT("cross_entropy probabilities ignore_index", tg_cross_entropy_ex(m34(X34), m34(P34), o));
    o = d;
    o.label_smoothing = 1.5;
    ATTEMPT("cross_entropy probabilities smoothing 1.5", tg_cross_entropy_ex(m34(X34), m34(P34), o));
    o = d;
    o.weight = tg_ones(TG_SHAPE(3), TG_F32);
    ATTEMPT("cross_entropy probabilities weight size", tg_cross_entropy_ex(m34(X34), m34(P34), o));
    ATTEMPT("cross_entropy 0-dim float", tg_cross_entropy(tg_scalar(1.0), tg_scalar(0.5)));
    const double smoothings[] = {1.5, -0.5, 1.0};
    const char *const smoothing_names[] = {"1.5", "-0.5", "1"};
    for (int i = 0; i < 3; i++) {
        char label[80];
        o = d;
        o.label_smoothing = smoothings[i];
        snprintf(label, sizeof label, "cross_entropy smoothing %s", smoothing_names[i]);
        ATTEMPT(label, tg_cross_entropy_ex(m34(X34), t3(), o));
    }
    o = d;
    o.label_smoothing = 0.1;
    ATTEMPT("cross_entropy smoothing all ignored", tg_cross_entropy_ex(m34(X34), tg_from_i64(I64(-100, -100, -100), TG_SHAPE(3)), o));
    o.weight = tg_from_f32(W4, TG_SHAPE(4));
    ATTEMPT("cross_entropy smoothing all ignored weight",
            tg_cross_entropy_ex(m34(X34), tg_from_i64(I64(-100, -100, -100), TG_SHAPE(3)), o));
    ATTEMPT("cross_entropy large", tg_cross_entropy(tg_from_f32(F32(1000.0, -1000.0, 0.0), TG_SHAPE(1, 3)),
                                                    tg_from_i64(I64(1), TG_SHAPE(1))));
    ATTEMPT("cross_entropy -inf", tg_cross_entropy(tg_from_f32(F32(-INFINITY, 1.0, 0.0), TG_SHAPE(1, 3)),
                                                   tg_from_i64(I64(1), TG_SHAPE(1))));
    tg_scope_end();
}

int main(void)
{
    const struct { const char *name; class_fn f; int n_opts; } FUNCS[] = {
        {"nll_loss", tg_nll_loss_ex, 4},
        {"cross_entropy", tg_cross_entropy_ex, 8},
    };
    for (int i = 0; i < 2; i++) {
        for (int k = 0; k < FUNCS[i].n_opts; k++) option_cases(FUNCS[i].name, FUNCS[i].f, k);
        error_cases(FUNCS[i].name, FUNCS[i].f);
    }
    tg_scope_begin();
    tg_tensor *x = leaf(m34(X34));
    tg_ce_opts none = tg_ce_defaults();
    none.reduction = TG_NONE;
    check("nll_loss raw none", tg_nll_loss_ex(x, t3(), none), &x, 1);
    x = leaf(m34(X34));
    check("nll_loss default", tg_nll_loss(x, t3()), &x, 1);
    TG_NO_GRAD {
        tg_ce_opts o = tg_ce_defaults();
        o.weight = leaf(tg_ones(TG_SHAPE(4), TG_F32));
        ATTEMPT("nll_loss weight requires grad, no grad", tg_nll_loss_ex(m34(X34), t3(), o));
    }
    tg_scope_end();
    probability_cases();
    return 0;
}
