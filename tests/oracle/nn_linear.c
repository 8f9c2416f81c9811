/* linear and bilinear: values, gradients, grad_fn chains and result strides
   for 1-D, 2-D, 3-D (contiguous and not) and 4-D inputs, with and without
   bias, f32 and f64, zero-size and integer inputs, second derivatives, and
   PyTorch's errors. Prints what nn_linear.py prints with PyTorch. */
#include <tensorgrad.h>

#include <stdio.h>

#include "nn_data.h"
#include "oracle.h"

static void linear_case(const char *label, tg_tensor *x, tg_tensor *w, tg_tensor *b)
{
    tg_tensor *leaves[3] = {x, w, b};
    check_strided(label, tg_linear(x, w, b), leaves, b ? 3 : 2);
}

static void linear_cases(void)
{
    SCOPED(linear_case("linear 2-D", leaf(data(5, 1, TG_SHAPE(2, 4))), leaf(data(3, 2, TG_SHAPE(3, 4))),
                       leaf(data(7, 3, TG_SHAPE(3)))));
    SCOPED(linear_case("linear 2-D no bias", leaf(data(5, 1, TG_SHAPE(2, 4))), leaf(data(3, 2, TG_SHAPE(3, 4))), NULL));
    SCOPED(linear_case("linear 1-D", leaf(data(5, 1, TG_SHAPE(4))), leaf(data(3, 2, TG_SHAPE(3, 4))),
                       leaf(data(7, 3, TG_SHAPE(3)))));
    SCOPED(linear_case("linear 1-D no bias", leaf(data(5, 1, TG_SHAPE(4))), leaf(data(3, 2, TG_SHAPE(3, 4))), NULL));
    SCOPED(linear_case("linear 3-D", leaf(data(5, 1, TG_SHAPE(2, 3, 4))), leaf(data(3, 2, TG_SHAPE(3, 4))),
                       leaf(data(7, 3, TG_SHAPE(3)))));
    SCOPED(linear_case("linear 3-D no bias", leaf(data(5, 1, TG_SHAPE(2, 3, 4))), leaf(data(3, 2, TG_SHAPE(3, 4))),
                       NULL));
    SCOPED(linear_case("linear 4-D", leaf(data(5, 1, TG_SHAPE(2, 1, 3, 4))), leaf(data(3, 2, TG_SHAPE(2, 4))),
                       leaf(data(7, 3, TG_SHAPE(2)))));
    SCOPED(linear_case("linear 1-D weight", leaf(data(5, 1, TG_SHAPE(2, 4))), leaf(data(3, 2, TG_SHAPE(4))), NULL));
    SCOPED(linear_case("linear broadcast bias", leaf(data(5, 1, TG_SHAPE(2, 4))), leaf(data(3, 2, TG_SHAPE(3, 4))),
                       leaf(data(7, 3, TG_SHAPE(2, 1)))));
    SCOPED(linear_case("linear zero rows", leaf(tg_zeros(TG_SHAPE(0, 4), TG_F32)), leaf(data(3, 2, TG_SHAPE(3, 4))),
                       leaf(data(7, 3, TG_SHAPE(3)))));
    SCOPED(linear_case("linear zero features", leaf(tg_zeros(TG_SHAPE(2, 0), TG_F32)), leaf(tg_zeros(TG_SHAPE(3, 0), TG_F32)),
                       leaf(data(7, 3, TG_SHAPE(3)))));
    SCOPED(linear_case("linear zero-size 3-D", leaf(tg_zeros(TG_SHAPE(2, 0, 4), TG_F32)), leaf(data(3, 2, TG_SHAPE(3, 4))),
                       leaf(data(7, 3, TG_SHAPE(3)))));

    /* non-contiguous operands, f64 */
    SCOPED({
        tg_tensor *x = leaf(data(5, 1, TG_SHAPE(2, 4, 3))), *w = leaf(data(3, 2, TG_SHAPE(4, 2))), *b = leaf(data(7, 3, TG_SHAPE(2)));
        check_strided("linear 3-D transposed", tg_linear(tg_transpose(x, 1, 2), tg_t(w), b), (tg_tensor *[]){x, w, b}, 3);
    });
    SCOPED({
        tg_tensor *x = leaf64(data(5, 1, TG_SHAPE(4, 2))), *w = leaf64(data(3, 2, TG_SHAPE(4, 3))), *b = leaf64(data(7, 3, TG_SHAPE(3)));
        check_strided("linear f64 transposed", tg_linear(tg_t(x), tg_t(w), b), (tg_tensor *[]){x, w, b}, 3);
    });
    SCOPED({
        tg_tensor *x = leaf64(data(5, 1, TG_SHAPE(3, 2, 4))), *w = leaf64(data(3, 2, TG_SHAPE(3, 4))), *b = leaf64(data(7, 3, TG_SHAPE(3)));
        check_strided("linear f64 3-D permuted", tg_linear(tg_permute(x, DIMS(1, 0, 2)), w, b), (tg_tensor *[]){x, w, b}, 3);
    });
    SCOPED({
        tg_tensor *x = leaf(data(5, 1, TG_SHAPE(4))), *w = leaf(data(3, 2, TG_SHAPE(3, 4))), *b = leaf64(data(7, 3, TG_SHAPE(3)));
        check_strided("linear 1-D f64 bias", tg_linear(x, w, b), (tg_tensor *[]){x, w, b}, 3);
    });
    SCOPED({
        tg_tensor *x = leaf(data(5, 1, TG_SHAPE(1, 4))), *w = leaf(data(3, 2, TG_SHAPE(3, 4)));
        tg_tensor *b = leaf(data(7, 3, TG_SHAPE(1)));
        check_strided("linear expanded input", tg_linear(tg_expand(x, TG_SHAPE(3, 2, 4)), w, tg_expand(b, TG_SHAPE(3))),
                      (tg_tensor *[]){x, w, b}, 3);
    });
    SCOPED({
        tg_tensor *w = leaf(data(3, 2, TG_SHAPE(3, 4))), *b = leaf(data(7, 3, TG_SHAPE(3)));
        check_strided("linear input without grad", tg_linear(data(5, 1, TG_SHAPE(2, 4)), w, b), (tg_tensor *[]){w, b}, 2);
    });
    SCOPED({
        tg_tensor *b = leaf(data(7, 3, TG_SHAPE(3)));
        check_strided("linear only bias", tg_linear(data(5, 1, TG_SHAPE(2, 2, 4)), tg_t(data(3, 2, TG_SHAPE(4, 3))), b), &b, 1);
    });
    SCOPED({
        tg_tensor *b = leaf(data(7, 3, TG_SHAPE(3)));
        check_strided("linear 1-D only bias", tg_linear(data(5, 1, TG_SHAPE(4)), data(3, 2, TG_SHAPE(3, 4)), b), &b, 1);
    });
    SCOPED({
        tg_tensor *b = leaf(data(7, 3, TG_SHAPE(3)));
        tg_tensor *x = tg_transpose(data(5, 1, TG_SHAPE(2, 4, 2)), 1, 2);
        check_strided("linear 3-D strided only bias", tg_linear(x, data(3, 2, TG_SHAPE(3, 4)), b), &b, 1);
    });

    SCOPED(show("linear i64", tg_linear(tg_to(data(5, 1, TG_SHAPE(2, 4)), TG_I64), tg_to(data(3, 2, TG_SHAPE(3, 4)), TG_I64),
                                        tg_to(data(7, 3, TG_SHAPE(3)), TG_I64))));
    SCOPED(show("linear i64 3-D", tg_linear(tg_to(data(5, 1, TG_SHAPE(2, 2, 4)), TG_I64),
                                            tg_to(data(3, 2, TG_SHAPE(3, 4)), TG_I64), NULL)));
}

static void linear_errors(void)
{
    ATTEMPT("linear 2x3 4x5", tg_linear(tg_ones(TG_SHAPE(2, 3), TG_F32), tg_ones(TG_SHAPE(5, 4), TG_F32), tg_ones(TG_SHAPE(5), TG_F32)));
    ATTEMPT("linear 2x3 4x5 no bias", tg_linear(tg_ones(TG_SHAPE(2, 3), TG_F32), tg_ones(TG_SHAPE(5, 4), TG_F32), NULL));
    ATTEMPT("linear 1-D mismatch", tg_linear(tg_ones(TG_SHAPE(3), TG_F32), tg_ones(TG_SHAPE(5, 4), TG_F32), tg_ones(TG_SHAPE(5), TG_F32)));
    ATTEMPT("linear 3-D mismatch", tg_linear(tg_ones(TG_SHAPE(2, 2, 3), TG_F32), tg_ones(TG_SHAPE(5, 4), TG_F32), tg_ones(TG_SHAPE(5), TG_F32)));
    ATTEMPT("linear 3-D mismatch no bias", tg_linear(tg_ones(TG_SHAPE(2, 2, 3), TG_F32), tg_ones(TG_SHAPE(5, 4), TG_F32), NULL));
    ATTEMPT("linear 3-D transposed mismatch", tg_linear(tg_transpose(tg_ones(TG_SHAPE(2, 3, 2), TG_F32), 1, 2),
                                                        tg_ones(TG_SHAPE(5, 4), TG_F32), tg_ones(TG_SHAPE(5), TG_F32)));
    ATTEMPT("linear 4-D mismatch", tg_linear(tg_ones(TG_SHAPE(2, 2, 2, 3), TG_F32), tg_ones(TG_SHAPE(5, 4), TG_F32), tg_ones(TG_SHAPE(5), TG_F32)));
    ATTEMPT("linear bias size", tg_linear(tg_ones(TG_SHAPE(2, 4), TG_F32), tg_ones(TG_SHAPE(5, 4), TG_F32), tg_ones(TG_SHAPE(4), TG_F32)));
    ATTEMPT("linear bias rows", tg_linear(tg_ones(TG_SHAPE(2, 4), TG_F32), tg_ones(TG_SHAPE(5, 4), TG_F32), tg_ones(TG_SHAPE(3, 5), TG_F32)));
    ATTEMPT("linear 3-D bias size", tg_linear(tg_ones(TG_SHAPE(2, 2, 4), TG_F32), tg_ones(TG_SHAPE(5, 4), TG_F32), tg_ones(TG_SHAPE(4), TG_F32)));
    ATTEMPT("linear 3-D bias rank", tg_linear(tg_ones(TG_SHAPE(2, 2, 4), TG_F32), tg_ones(TG_SHAPE(5, 4), TG_F32), tg_ones(TG_SHAPE(2, 1, 5), TG_F32)));
    ATTEMPT("linear 1-D bias", tg_linear(tg_ones(TG_SHAPE(4), TG_F32), tg_ones(TG_SHAPE(5, 4), TG_F32), tg_ones(TG_SHAPE(4), TG_F32)));
    ATTEMPT("linear 1-D bias grows", tg_linear(tg_ones(TG_SHAPE(4), TG_F32), tg_ones(TG_SHAPE(5, 4), TG_F32), tg_ones(TG_SHAPE(5, 5), TG_F32)));
    ATTEMPT("linear 3-D weight", tg_linear(tg_ones(TG_SHAPE(2, 4), TG_F32), tg_ones(TG_SHAPE(5, 4, 1), TG_F32), tg_ones(TG_SHAPE(5), TG_F32)));
    ATTEMPT("linear 1-D weight bias", tg_linear(tg_ones(TG_SHAPE(2, 4), TG_F32), tg_ones(TG_SHAPE(4), TG_F32), tg_ones(TG_SHAPE(), TG_F32)));
    ATTEMPT("linear 0-dim input", tg_linear(tg_ones(TG_SHAPE(), TG_F32), tg_ones(TG_SHAPE(5, 4), TG_F32), tg_ones(TG_SHAPE(5), TG_F32)));
    ATTEMPT("linear f64 input", tg_linear(tg_ones(TG_SHAPE(2, 4), TG_F64), tg_ones(TG_SHAPE(5, 4), TG_F32), tg_ones(TG_SHAPE(5), TG_F32)));
    ATTEMPT("linear f64 weight", tg_linear(tg_ones(TG_SHAPE(2, 4), TG_F32), tg_ones(TG_SHAPE(5, 4), TG_F64), tg_ones(TG_SHAPE(5), TG_F32)));
    ATTEMPT("linear f64 bias", tg_linear(tg_ones(TG_SHAPE(2, 4), TG_F32), tg_ones(TG_SHAPE(5, 4), TG_F32), tg_ones(TG_SHAPE(5), TG_F64)));
    ATTEMPT("linear 3-D f64 input", tg_linear(tg_ones(TG_SHAPE(2, 2, 4), TG_F64), tg_ones(TG_SHAPE(5, 4), TG_F32), tg_ones(TG_SHAPE(5), TG_F32)));
    ATTEMPT("linear 3-D f64 weight", tg_linear(tg_ones(TG_SHAPE(2, 2, 4), TG_F32), tg_ones(TG_SHAPE(5, 4), TG_F64), NULL));
    ATTEMPT("linear i64 bias", tg_linear(tg_ones(TG_SHAPE(2, 4), TG_F32), tg_ones(TG_SHAPE(5, 4), TG_F32), tg_ones(TG_SHAPE(5), TG_I64)));
    ATTEMPT("linear bool", tg_linear(tg_ones(TG_SHAPE(2, 4), TG_BOOL), tg_ones(TG_SHAPE(5, 4), TG_BOOL), NULL));
    ATTEMPT("linear NULL input", tg_linear(NULL, tg_ones(TG_SHAPE(5, 4), TG_F32), NULL));
}

/* First derivatives with a graph, then the gradient of their sum. */
static void second_order(const char *label, tg_tensor *out, tg_tensor *const *leaves, int n)
{
    tg_tensor *g[3] = {NULL, NULL, NULL};
    if (tg_autograd_grad(&out, 1, leaves, n, (tg_tensor *[]){weights(out)}, (tg_backward_opts){.create_graph = true, .retain_graph = true}, g) != 0) {
        printf("%s error: %s\n", label, tg_last_error());
        return;
    }
    tg_tensor *total = tg_sum(tg_mul(g[0], g[0]));
    for (int i = 1; i < n; i++) total = tg_add(total, tg_sum(tg_mul(g[i], g[i])));
    char buf[128];
    for (int i = 0; i < n; i++) {
        snprintf(buf, sizeof buf, "%s d%d", label, i);
        show(buf, tg_detach(g[i]));
    }
    tg_tensor *h[3] = {NULL, NULL, NULL};
    if (tg_autograd_grad(&total, 1, leaves, n, NULL, (tg_backward_opts){0}, h) != 0) {
        printf("%s second error: %s\n", label, tg_last_error());
        return;
    }
    for (int i = 0; i < n; i++) {
        snprintf(buf, sizeof buf, "%s dd%d", label, i);
        show(buf, h[i]);
    }
}

static void bilinear_case(const char *label, tg_tensor *x1, tg_tensor *x2, tg_tensor *w, tg_tensor *b)
{
    tg_tensor *leaves[4] = {x1, x2, w, b};
    check_strided(label, tg_bilinear(x1, x2, w, b), leaves, b ? 4 : 3);
}

static void bilinear_cases(void)
{
    SCOPED(bilinear_case("bilinear", leaf(data(5, 1, TG_SHAPE(3, 2))), leaf(data(3, 2, TG_SHAPE(3, 4))),
                         leaf(data(7, 3, TG_SHAPE(5, 2, 4))), leaf(data(2, 4, TG_SHAPE(5)))));
    SCOPED(bilinear_case("bilinear no bias", leaf(data(5, 1, TG_SHAPE(3, 2))), leaf(data(3, 2, TG_SHAPE(3, 4))),
                         leaf(data(7, 3, TG_SHAPE(5, 2, 4))), NULL));
    SCOPED(bilinear_case("bilinear 1-D", leaf(data(5, 1, TG_SHAPE(2))), leaf(data(3, 2, TG_SHAPE(4))),
                         leaf(data(7, 3, TG_SHAPE(5, 2, 4))), leaf(data(2, 4, TG_SHAPE(5)))));
    SCOPED(bilinear_case("bilinear 3-D", leaf(data(5, 1, TG_SHAPE(2, 3, 2))), leaf(data(3, 2, TG_SHAPE(2, 3, 4))),
                         leaf(data(7, 3, TG_SHAPE(5, 2, 4))), leaf(data(2, 4, TG_SHAPE(5)))));
    SCOPED(bilinear_case("bilinear zero batch", leaf(tg_zeros(TG_SHAPE(0, 2), TG_F32)), leaf(tg_zeros(TG_SHAPE(0, 4), TG_F32)),
                         leaf(data(7, 3, TG_SHAPE(5, 2, 4))), leaf(data(2, 4, TG_SHAPE(5)))));
    SCOPED({
        tg_tensor *x1 = leaf64(data(5, 1, TG_SHAPE(2, 3))), *x2 = leaf64(data(3, 2, TG_SHAPE(3, 4)));
        tg_tensor *w = leaf64(data(7, 3, TG_SHAPE(5, 4, 2))), *b = leaf64(data(2, 4, TG_SHAPE(5)));
        check_strided("bilinear f64 transposed", tg_bilinear(tg_t(x1), x2, tg_transpose(w, 1, 2), b),
                      (tg_tensor *[]){x1, x2, w, b}, 4);
    });
    SCOPED({
        tg_tensor *x1 = leaf64(data(5, 1, TG_SHAPE(3, 2))), *x2 = leaf64(data(3, 2, TG_SHAPE(3, 4)));
        tg_tensor *w = leaf64(data(7, 3, TG_SHAPE(5, 2, 4)));
        second_order("bilinear second order", tg_bilinear(x1, x2, w, NULL), (tg_tensor *[]){x1, x2, w}, 3);
    });
    SCOPED({
        tg_tensor *x = leaf64(data(5, 1, TG_SHAPE(2, 4))), *w = leaf64(data(3, 2, TG_SHAPE(3, 4)));
        second_order("linear second order", tg_mul(tg_linear(x, w, NULL), tg_linear(x, w, NULL)), (tg_tensor *[]){x, w}, 2);
    });
    SCOPED(show("bilinear i64", tg_bilinear(tg_to(data(5, 1, TG_SHAPE(3, 2)), TG_I64), tg_to(data(3, 2, TG_SHAPE(3, 4)), TG_I64),
                                            tg_to(data(7, 3, TG_SHAPE(5, 2, 4)), TG_I64), tg_to(data(2, 4, TG_SHAPE(5)), TG_I64))));
    SCOPED(show("bilinear f64 bias", tg_bilinear(data(5, 1, TG_SHAPE(3, 2)), data(3, 2, TG_SHAPE(3, 4)),
                                                 data(7, 3, TG_SHAPE(5, 2, 4)), tg_to(data(2, 4, TG_SHAPE(5)), TG_F64))));
}

static void bilinear_errors(void)
{
    tg_tensor *x1 = tg_ones(TG_SHAPE(3, 2), TG_F32), *x2 = tg_ones(TG_SHAPE(3, 4), TG_F32);
    tg_tensor *w = tg_ones(TG_SHAPE(5, 2, 4), TG_F32), *b = tg_ones(TG_SHAPE(5), TG_F32);
    ATTEMPT("bilinear input1 size", tg_bilinear(tg_ones(TG_SHAPE(3, 3), TG_F32), x2, w, b));
    ATTEMPT("bilinear input2 size", tg_bilinear(x1, tg_ones(TG_SHAPE(3, 3), TG_F32), w, b));
    ATTEMPT("bilinear batch", tg_bilinear(x1, tg_ones(TG_SHAPE(2, 4), TG_F32), w, b));
    ATTEMPT("bilinear ranks", tg_bilinear(tg_ones(TG_SHAPE(3, 2, 2), TG_F32), x2, w, b));
    ATTEMPT("bilinear 2-D weight", tg_bilinear(x1, x2, tg_ones(TG_SHAPE(5, 2), TG_F32), b));
    ATTEMPT("bilinear weight 2x4", tg_bilinear(x1, x2, tg_ones(TG_SHAPE(2, 4), TG_F32), NULL));
    ATTEMPT("bilinear 0-dim weight", tg_bilinear(x1, x2, tg_ones(TG_SHAPE(), TG_F32), NULL));
    ATTEMPT("bilinear 4-D weight", tg_bilinear(x1, x2, tg_ones(TG_SHAPE(5, 2, 4, 1), TG_F32), b));
    ATTEMPT("bilinear bias size", tg_bilinear(x1, x2, w, tg_ones(TG_SHAPE(4), TG_F32)));
    ATTEMPT("bilinear bias rows", tg_bilinear(x1, x2, w, tg_ones(TG_SHAPE(5, 1), TG_F32)));
    ATTEMPT("bilinear 0-dim bias", tg_bilinear(x1, x2, w, tg_ones(TG_SHAPE(), TG_F32)));
    ATTEMPT("bilinear 0-dim inputs", tg_bilinear(tg_ones(TG_SHAPE(), TG_F32), tg_ones(TG_SHAPE(), TG_F32), w, b));
    ATTEMPT("bilinear f64 input1", tg_bilinear(tg_to(x1, TG_F64), x2, w, b));
    ATTEMPT("bilinear f64 input2", tg_bilinear(x1, tg_to(x2, TG_F64), w, b));
    ATTEMPT("bilinear f64 weight", tg_bilinear(x1, x2, tg_to(w, TG_F64), b));
    ATTEMPT("bilinear bool", tg_bilinear(tg_to(x1, TG_BOOL), tg_to(x2, TG_BOOL), tg_to(w, TG_BOOL), NULL));
    ATTEMPT("bilinear zero features", tg_bilinear(tg_ones(TG_SHAPE(3, 0), TG_F32), x2, tg_ones(TG_SHAPE(5, 0, 4), TG_F32), NULL));
}

int main(void)
{
    linear_cases();
    linear_errors();
    bilinear_cases();
    bilinear_errors();
    return 0;
}
