/* cosine_similarity and pairwise_distance: values, gradients and grad_fn
   chains with broadcasting, non-contiguous and 0-dim operands, f32 and f64,
   integer inputs, eps, the norms pairwise_distance takes (p = 1, 2, 3, 0,
   -1, inf), second derivatives and PyTorch's errors. Prints what
   nn_distance.py prints with PyTorch. */
#include <tensorgrad.h>

#include <math.h>
#include <stdio.h>

#include "nn_data.h"
#include "oracle.h"

static void pair_case(const char *label, tg_tensor *out, tg_tensor *a, tg_tensor *b)
{
    check_strided(label, out, (tg_tensor *[]){a, b}, 2);
}

typedef tg_tensor *(*pair_fn)(tg_tensor *a, tg_tensor *b);
static tg_tensor *cosine(tg_tensor *a, tg_tensor *b) { return tg_cosine_similarity(a, b, 1, 1e-8); }
static tg_tensor *distance2(tg_tensor *a, tg_tensor *b) { return tg_pairwise_distance(a, b, 2, 1e-6, false); }
static tg_tensor *distance3(tg_tensor *a, tg_tensor *b) { return tg_pairwise_distance(a, b, 3, 1e-6, false); }

/* The gradients of f(a, b) with a graph (f64 operands of shape (2, 3)),
   then the gradient of the sum of their cubes (the 2-norm's gradient has a
   constant length). */
static void second_order(const char *label, pair_fn f)
{
    tg_tensor *a = leaf64(data(5, 1, TG_SHAPE(2, 3))), *b = leaf64(data(3, 2, TG_SHAPE(2, 3)));
    tg_tensor *out = f(a, b);
    tg_tensor *leaves[2] = {a, b}, *g[2] = {NULL, NULL}, *h[2] = {NULL, NULL};
    char buf[128];
    if (tg_autograd_grad(&out, 1, leaves, 2, (tg_tensor *[]){weights(out)}, (tg_backward_opts){.create_graph = true, .retain_graph = true}, g))
        return (void)printf("%s error: %s\n", label, tg_last_error());
    tg_tensor *total = tg_add(tg_sum(tg_mul(tg_mul(g[0], g[0]), g[0])), tg_sum(tg_mul(tg_mul(g[1], g[1]), g[1])));
    if (tg_autograd_grad(&total, 1, leaves, 2, NULL, (tg_backward_opts){0}, h))
        return (void)printf("%s second error: %s\n", label, tg_last_error());
    for (int i = 0; i < 2; i++) {
        snprintf(buf, sizeof buf, "%s d%d", label, i);
        show(buf, tg_detach(g[i]));
        snprintf(buf, sizeof buf, "%s dd%d", label, i);
        show(buf, h[i]);
    }
}

static void cosine_cases(void)
{
    SCOPED({ tg_tensor *a = leaf(data(5, 1, TG_SHAPE(3, 4))), *b = leaf(data(3, 2, TG_SHAPE(3, 4)));
             pair_case("cosine", tg_cosine_similarity(a, b, 1, 1e-8), a, b); });
    SCOPED({ tg_tensor *a = leaf(data(5, 1, TG_SHAPE(3, 4))), *b = leaf(data(3, 2, TG_SHAPE(3, 4)));
             pair_case("cosine dim 0", tg_cosine_similarity(a, b, 0, 1e-8), a, b); });
    SCOPED({ tg_tensor *a = leaf(data(5, 1, TG_SHAPE(3, 4))), *b = leaf(data(3, 2, TG_SHAPE(4)));
             pair_case("cosine broadcast", tg_cosine_similarity(a, b, -1, 1e-8), a, b); });
    SCOPED({ tg_tensor *a = leaf(data(5, 1, TG_SHAPE(2, 1, 4))), *b = leaf(data(3, 2, TG_SHAPE(3, 4)));
             pair_case("cosine broadcast both", tg_cosine_similarity(a, b, 2, 1e-8), a, b); });
    SCOPED({ tg_tensor *a = leaf64(data(5, 1, TG_SHAPE(4, 3))), *b = leaf64(data(3, 2, TG_SHAPE(3, 4)));
             pair_case("cosine f64 transposed", tg_cosine_similarity(tg_t(a), b, 1, 1e-8), a, b); });
    SCOPED({ tg_tensor *a = leaf(data(5, 1, TG_SHAPE(4))), *b = leaf(data(3, 2, TG_SHAPE(4)));
             pair_case("cosine 1-D", tg_cosine_similarity(a, b, 0, 1e-8), a, b); });
    SCOPED({ tg_tensor *a = leaf(tg_scalar(0.5)), *b = leaf(tg_scalar(-2));
             pair_case("cosine 0-dim", tg_cosine_similarity(a, b, 0, 1e-8), a, b); });
    SCOPED({ tg_tensor *a = leaf(tg_from_f32(F32(1e-9f, 0, 0, 0.5f, 0, 0), TG_SHAPE(2, 3))), *b = leaf(data(3, 2, TG_SHAPE(2, 3)));
             pair_case("cosine tiny", tg_cosine_similarity(a, b, 1, 1e-8), a, b); });
    SCOPED({ tg_tensor *a = leaf(tg_from_f32(F32(1e-9f, 0, 0, 0.5f, 0, 0), TG_SHAPE(2, 3))), *b = leaf(data(3, 2, TG_SHAPE(2, 3)));
             pair_case("cosine eps 1e-3", tg_cosine_similarity(a, b, 1, 1e-3), a, b); });
    SCOPED({ tg_tensor *a = leaf(tg_zeros(TG_SHAPE(2, 3), TG_F32)), *b = leaf(data(3, 2, TG_SHAPE(2, 3)));
             pair_case("cosine zeros", tg_cosine_similarity(a, b, 1, 1e-8), a, b); });
    SCOPED({ tg_tensor *a = leaf(tg_zeros(TG_SHAPE(2, 0), TG_F32)), *b = leaf(tg_zeros(TG_SHAPE(2, 0), TG_F32));
             pair_case("cosine empty dim", tg_cosine_similarity(a, b, 1, 1e-8), a, b); });
    SCOPED({ tg_tensor *b = leaf(data(3, 2, TG_SHAPE(2, 3)));
             tg_tensor *a = tg_from_i64(I64(1, 2, 4, 0, -1, 4), TG_SHAPE(2, 3));
             check_strided("cosine i64 and f32", tg_cosine_similarity(a, b, 1, 1e-8), &b, 1); });
    SCOPED(show("cosine bool and f64", tg_cosine_similarity(tg_to(data(3, 2, TG_SHAPE(2, 3)), TG_BOOL), tg_to(data(5, 1, TG_SHAPE(2, 3)), TG_F64), 1, 1e-8)));
    SCOPED(second_order("cosine second order", cosine));
    ATTEMPT("cosine dim 2", tg_cosine_similarity(tg_ones(TG_SHAPE(3, 4), TG_F32), tg_ones(TG_SHAPE(3, 4), TG_F32), 2, 1e-8));
    ATTEMPT("cosine shapes", tg_cosine_similarity(tg_ones(TG_SHAPE(3, 4), TG_F32), tg_ones(TG_SHAPE(2, 4), TG_F32), 1, 1e-8));
    ATTEMPT("cosine i64", tg_cosine_similarity(tg_ones(TG_SHAPE(3), TG_I64), tg_ones(TG_SHAPE(3), TG_I64), 0, 1e-8));
}

static void pairwise_cases(void)
{
    tg_clear_error();
    static const struct { const char *label; double p; } NORMS[] = {
        {"pairwise", 2}, {"pairwise p=1", 1}, {"pairwise p=3", 3}, {"pairwise p=0", 0},
        {"pairwise p=-1", -1}, {"pairwise p=inf", INFINITY}, {"pairwise p=0.5", 0.5},
    };
    for (size_t i = 0; i < sizeof NORMS / sizeof NORMS[0]; i++)
        SCOPED({ tg_tensor *a = leaf(data(5, 1, TG_SHAPE(3, 4))), *b = leaf(data(3, 2, TG_SHAPE(3, 4)));
                 pair_case(NORMS[i].label, tg_pairwise_distance(a, b, NORMS[i].p, 1e-6, false), a, b); });
    SCOPED({ tg_tensor *a = leaf(data(5, 1, TG_SHAPE(3, 4))), *b = leaf(data(3, 2, TG_SHAPE(3, 4)));
             pair_case("pairwise keepdim", tg_pairwise_distance(a, b, 2, 1e-6, true), a, b); });
    SCOPED({ tg_tensor *a = leaf(data(5, 1, TG_SHAPE(4))), *b = leaf(data(3, 2, TG_SHAPE(3, 4)));
             pair_case("pairwise broadcast", tg_pairwise_distance(a, b, 2, 1e-6, false), a, b); });
    SCOPED({ tg_tensor *a = leaf64(data(5, 1, TG_SHAPE(4, 3))), *b = leaf64(data(3, 2, TG_SHAPE(3, 4)));
             pair_case("pairwise f64 transposed", tg_pairwise_distance(tg_t(a), b, 2, 1e-6, false), a, b); });
    SCOPED({ tg_tensor *a = leaf(data(5, 1, TG_SHAPE(4))), *b = leaf(data(3, 2, TG_SHAPE(4)));
             pair_case("pairwise 1-D", tg_pairwise_distance(a, b, 2, 1e-6, false), a, b); });
    SCOPED({ tg_tensor *a = leaf(tg_scalar(0.5)), *b = leaf(tg_scalar(-2));
             pair_case("pairwise 0-dim", tg_pairwise_distance(a, b, 2, 1e-6, false), a, b); });
    SCOPED({ tg_tensor *a = leaf(data(5, 1, TG_SHAPE(3, 4))), *b = leaf(data(5, 1, TG_SHAPE(3, 4)));
             pair_case("pairwise equal eps 0", tg_pairwise_distance(a, b, 2, 0, false), a, b); });
    SCOPED({ tg_tensor *a = leaf(tg_zeros(TG_SHAPE(2, 0), TG_F32)), *b = leaf(tg_zeros(TG_SHAPE(2, 0), TG_F32));
             pair_case("pairwise empty", tg_pairwise_distance(a, b, 2, 1e-6, false), a, b); });
    SCOPED(show("pairwise empty inf", tg_pairwise_distance(tg_zeros(TG_SHAPE(2, 0), TG_F32), tg_zeros(TG_SHAPE(2, 0), TG_F32), INFINITY, 1e-6, false)));
    SCOPED(show("pairwise empty -1", tg_pairwise_distance(tg_zeros(TG_SHAPE(2, 0), TG_F32), tg_zeros(TG_SHAPE(2, 0), TG_F32), -1, 1e-6, false)));
    SCOPED(show("pairwise i64", tg_pairwise_distance(tg_ones(TG_SHAPE(2, 3), TG_I64), tg_zeros(TG_SHAPE(2, 3), TG_I64), 2, 1e-6, false)));
    SCOPED(show("pairwise f32 and f64", tg_pairwise_distance(data(5, 1, TG_SHAPE(2, 3)), tg_to(data(3, 2, TG_SHAPE(2, 3)), TG_F64), 2, 1e-6, false)));
    SCOPED(second_order("pairwise second order", distance2));
    SCOPED(second_order("pairwise p=3 second order", distance3));
    ATTEMPT("pairwise shapes", tg_pairwise_distance(tg_ones(TG_SHAPE(3, 4), TG_F32), tg_ones(TG_SHAPE(2, 4), TG_F32), 2, 1e-6, false));
    ATTEMPT("pairwise bool", tg_pairwise_distance(tg_ones(TG_SHAPE(3), TG_BOOL), tg_ones(TG_SHAPE(3), TG_BOOL), 2, 1e-6, false));
}

int main(void)
{
    cosine_cases();
    pairwise_cases();
    return 0;
}
