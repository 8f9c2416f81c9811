/* scaled_dot_product_attention: values, gradients and grad_fn chains for
   2-D, 3-D and 4-D (multi-head, f64: f32's sums differ in the last digits)
   inputs, L != S and Ev != E, boolean,
   additive (requiring grad) and causal masks, a fully masked row, f64 and
   non-contiguous operands, dropout (p = 1 exactly, p = 0.5 its graph),
   second derivatives and errors. Prints what nn_attention.py prints with
   PyTorch 1.13, where PyTorch 2.0's definition is written out. */
#include <tensorgrad.h>

#include <math.h>
#include <stdio.h>

#include "nn_data.h"
#include "oracle.h"

static tg_tensor *sdpa(tg_tensor *const *x, const tg_tensor *mask, double p, bool causal)
{
    return tg_scaled_dot_product_attention(x[0], x[1], x[2], mask, p, causal);
}

/* q (.., L, E), k (.., S, E), v (.., S, Ev) as leaves, with these shapes. */
static void make(tg_tensor **x, const int64_t *qs, const int64_t *ks, const int64_t *vs, int nd, bool f64)
{
    x[0] = data(5, 1, qs, nd);
    x[1] = data(3, 2, ks, nd);
    x[2] = data(7, 3, vs, nd);
    for (int i = 0; i < 3; i++) x[i] = f64 ? leaf64(x[i]) : leaf(x[i]);
}

#define Q3 I64(2, 3, 4)
#define K3 I64(2, 5, 4)
#define V3 I64(2, 5, 2)

static void cases(void)
{
    tg_tensor *x[4];
    SCOPED(make(x, Q3, K3, V3, 3, false); check_strided("sdpa 3-D", sdpa(x, NULL, 0, false), x, 3));
    SCOPED(make(x, I64(3, 4), I64(3, 4), I64(3, 4), 2, false); check_strided("sdpa 2-D", sdpa(x, NULL, 0, false), x, 3));
    SCOPED(make(x, I64(2, 2, 3, 4), I64(2, 2, 5, 4), I64(2, 2, 5, 3), 4, true);
           check_strided("sdpa 4-D f64", sdpa(x, NULL, 0, false), x, 3));
    SCOPED(make(x, I64(2, 2, 3, 4), I64(1, 2, 5, 4), I64(2, 1, 5, 3), 4, true);
           check_strided("sdpa broadcast batch f64", sdpa(x, NULL, 0, false), x, 3));
    SCOPED(make(x, Q3, K3, V3, 3, false);
           tg_tensor *m = tg_from_bool((const bool[]){1, 0, 1, 1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 1, 1}, TG_SHAPE(3, 5));
           check_strided("sdpa bool mask", sdpa(x, m, 0, false), x, 3));
    SCOPED(make(x, Q3, K3, V3, 3, false);
           x[3] = leaf(data(2, 5, TG_SHAPE(2, 1, 5)));
           check_strided("sdpa float mask", sdpa(x, x[3], 0, false), x, 4));
    SCOPED(make(x, Q3, K3, V3, 3, false);
           check_strided("sdpa f64 mask", sdpa(x, tg_to(data(2, 5, TG_SHAPE(3, 5)), TG_F64), 0, false), x, 3));
    SCOPED(make(x, Q3, K3, V3, 3, false); check_strided("sdpa causal", sdpa(x, NULL, 0, true), x, 3));
    SCOPED(make(x, I64(2, 5, 4), I64(2, 3, 4), I64(2, 3, 2), 3, false);
           check_strided("sdpa causal L > S", sdpa(x, NULL, 0, true), x, 3));
    SCOPED(make(x, Q3, K3, V3, 3, false);
           tg_tensor *m = tg_from_bool((const bool[]){1, 0, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1}, TG_SHAPE(3, 5));
           check_strided("sdpa masked row", sdpa(x, m, 0, false), x, 3));
    SCOPED(make(x, Q3, I64(2, 4, 5), V3, 3, true);
           tg_tensor *in[3] = {x[0], tg_transpose(x[1], 1, 2), tg_t(tg_select(x[2], 0, 0))};
           in[2] = tg_expand(tg_t(in[2]), TG_SHAPE(2, 5, 2));
           check_strided("sdpa f64 strided", sdpa(in, NULL, 0, false), x, 3));
    SCOPED(make(x, Q3, K3, V3, 3, false); check_strided("sdpa dropout 1", sdpa(x, NULL, 1, false), x, 3));
    SCOPED(make(x, Q3, K3, V3, 3, false);
           tg_tensor *y = sdpa(x, NULL, 0.5, false);
           graph("sdpa dropout 0.5", y));
    SCOPED(make(x, Q3, K3, V3, 3, false);
           printf("sdpa dropout -1 as 0: %s\n", tg_item(tg_all(tg_eq(sdpa(x, NULL, -1, false), sdpa(x, NULL, 0, false)))) ? "True" : "False"));
}

/* The gradients with a graph, then the gradient of the sum of their cubes. */
static void second_order(void)
{
    tg_tensor *x[3], *g[3] = {NULL, NULL, NULL}, *h[3] = {NULL, NULL, NULL};
    make(x, Q3, K3, V3, 3, true);
    tg_tensor *out = sdpa(x, tg_from_bool((const bool[]){1, 0, 1, 1, 1, 0, 1, 1, 1, 0, 1, 1, 1, 1, 1}, TG_SHAPE(3, 5)), 0, false);
    if (tg_autograd_grad(&out, 1, x, 3, (tg_tensor *[]){weights(out)}, (tg_backward_opts){.create_graph = true, .retain_graph = true}, g))
        return (void)printf("sdpa second order error: %s\n", tg_last_error());
    tg_tensor *total = tg_sum(tg_mul(tg_mul(g[0], g[0]), g[0]));
    for (int i = 1; i < 3; i++) total = tg_add(total, tg_sum(tg_mul(tg_mul(g[i], g[i]), g[i])));
    if (tg_autograd_grad(&total, 1, x, 3, NULL, (tg_backward_opts){0}, h))
        return (void)printf("sdpa second order error: %s\n", tg_last_error());
    char buf[64];
    for (int i = 0; i < 3; i++) {
        snprintf(buf, sizeof buf, "sdpa d%d", i);
        show(buf, tg_detach(g[i]));
        snprintf(buf, sizeof buf, "sdpa dd%d", i);
        show(buf, h[i]);
    }
}

static void errors(void)
{
    tg_tensor *q = tg_ones(TG_SHAPE(2, 3, 4), TG_F32), *k = tg_ones(TG_SHAPE(2, 5, 4), TG_F32);
    tg_tensor *v = tg_ones(TG_SHAPE(2, 5, 2), TG_F32);
    ATTEMPT("sdpa causal with mask", tg_scaled_dot_product_attention(q, k, v, tg_ones(TG_SHAPE(3, 5), TG_BOOL), 0, true));
    ATTEMPT("sdpa embedding sizes", tg_scaled_dot_product_attention(q, tg_ones(TG_SHAPE(2, 5, 3), TG_F32), v, NULL, 0, false));
    ATTEMPT("sdpa value rows", tg_scaled_dot_product_attention(q, k, tg_ones(TG_SHAPE(2, 4, 2), TG_F32), NULL, 0, false));
    ATTEMPT("sdpa batches", tg_scaled_dot_product_attention(q, tg_ones(TG_SHAPE(3, 5, 4), TG_F32), v, NULL, 0, false));
    ATTEMPT("sdpa mask shape", tg_scaled_dot_product_attention(q, k, v, tg_ones(TG_SHAPE(3, 4), TG_F32), 0, false));
    ATTEMPT("sdpa mask grows", tg_scaled_dot_product_attention(q, k, v, tg_ones(TG_SHAPE(3, 2, 3, 5), TG_F32), 0, false));
    ATTEMPT("sdpa f64 key", tg_scaled_dot_product_attention(q, tg_to(k, TG_F64), v, NULL, 0, false));
    ATTEMPT("sdpa f64 value", tg_scaled_dot_product_attention(q, k, tg_to(v, TG_F64), NULL, 0, false));
    ATTEMPT("sdpa i64", tg_scaled_dot_product_attention(tg_to(q, TG_I64), tg_to(k, TG_I64), tg_to(v, TG_I64), NULL, 0, false));
    ATTEMPT("sdpa 0-dim", tg_scaled_dot_product_attention(tg_ones(TG_SHAPE(), TG_F32), k, v, NULL, 0, false));
    ATTEMPT("sdpa 1-D causal", tg_scaled_dot_product_attention(tg_ones(TG_SHAPE(4), TG_F32), k, v, NULL, 0, true));
    ATTEMPT("sdpa dropout 1.5", tg_scaled_dot_product_attention(q, k, v, NULL, 1.5, false));
    ATTEMPT("sdpa dropout 2", tg_scaled_dot_product_attention(q, k, v, NULL, 2, false));
    ATTEMPT("sdpa dropout 1e7", tg_scaled_dot_product_attention(q, k, v, NULL, 1e7, false));
}

int main(void)
{
    cases();
    SCOPED(second_order());
    errors();
    return 0;
}
