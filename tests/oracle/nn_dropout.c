/* dropout and dropout2d: what does not depend on the random stream (p = 0,
   p = 1 and evaluation exactly; for p in (0, 1) the graph, the layout, and
   that every output element is 0 or the input scaled by 1 / (1 - p), with
   the gradient through the same mask, and whole channels for dropout2d),
   warnings and PyTorch's errors. Prints what nn_dropout.py prints with
   PyTorch; the masks' statistics are tests/test_dropout.c's. */
#include <tensorgrad.h>

#include <math.h>
#include <stdio.h>

#include "nn_data.h"
#include "oracle.h"

/* nn_data.h's values + 0.125: none is 0, so only dropped elements are. */
static tg_tensor *nonzero(int a, int b, const int64_t *shape, int ndim) { return tg_add_scalar(data(a, b, shape, ndim), 0.125); }

/* A leaf laid out as t transposed (last two dims), or permuted by perm. */
static tg_tensor *strided_leaf(tg_tensor *t, const int64_t *perm, int n)
{
    TG_NO_GRAD { t = perm ? tg_permute(t, perm, n) : tg_t(t); }
    return leaf(t);
}

static const char *yes(const tg_tensor *flag) { return flag && tg_item(flag) != 0 ? "True" : "False"; }

/* out and the gradient of out.backward(weights(out)) at x, each element 0
   (dropped) or scaled by s = 1 / (1 - p). */
static void masked(const char *label, tg_tensor *x, tg_tensor *out, double p)
{
    printf("%s stride: ", label);
    print_strides(out);
    printf("\n");
    graph(label, out);
    tg_tensor *s = tg_div_scalar(tg_ones(TG_SHAPE(), tg_dtype_of(x)), 1 - p);
    tg_tensor *kept = tg_ne_scalar(out, 0);
    tg_tensor *scaled = tg_eq(out, tg_mul(x, s));
    printf("%s 0 or x * s: %s\n", label, yes(tg_all(tg_logical_or(tg_logical_not(kept), scaled))));
    tg_tensor *w = weights(out);
    if (tg_backward(out, w)) return (void)printf("%s backward error: %s\n", label, tg_last_error());
    tg_tensor *expected = tg_where(kept, tg_mul(w, s), tg_zeros_like(w));
    printf("%s grad through the mask: %s\n", label, yes(tg_all(tg_eq(tg_grad(x), expected))));
}

/* Whether each (n, c) channel of out (N, C, ...) is all dropped or all kept. */
static void channels(const char *label, const tg_tensor *out)
{
    int64_t rows = tg_shape(out)[0] * tg_shape(out)[1];
    tg_tensor *dropped = tg_to(tg_reshape(tg_eq_scalar(out, 0), TG_SHAPE(rows, -1)), TG_F32);
    tg_tensor *same = tg_eq(tg_amax(dropped, DIMS(1), false), tg_amin(dropped, DIMS(1), false));
    printf("%s whole channels: %s\n", label, yes(tg_all(same)));
}

static void dropout_cases(void)
{
    SCOPED({ tg_tensor *x = leaf(nonzero(5, 1, TG_SHAPE(4, 3)));
             printf("dropout p=0 is the input: %s\n", tg_dropout(x, 0, true) == x ? "True" : "False");
             printf("dropout eval is the input: %s\n", tg_dropout(x, 0.5, false) == x ? "True" : "False");
             printf("dropout empty is the input: %s\n", tg_dropout(tg_ones(TG_SHAPE(0, 2), TG_F32), 0.5, true) ? "True" : "False"); });
    SCOPED({ tg_tensor *x = leaf(nonzero(5, 1, TG_SHAPE(4, 3)));
             check_strided("dropout p=1", tg_dropout(x, 1, true), &x, 1); });
    SCOPED({ tg_tensor *x = leaf(tg_from_f32(F32(NAN, INFINITY, 1), TG_SHAPE(3)));
             check_strided("dropout p=1 nan", tg_dropout(x, 1, true), &x, 1); });
    SCOPED({ tg_tensor *x = leaf(nonzero(5, 1, TG_SHAPE(4, 3)));
             check_strided("dropout p=1 transposed", tg_dropout(tg_t(x), 1, true), &x, 1); });
    SCOPED(show("dropout p=1 i64", tg_dropout(tg_ones(TG_SHAPE(3), TG_I64), 1, true)));
    SCOPED(show("dropout p=0 i64", tg_dropout(tg_ones(TG_SHAPE(3), TG_I64), 0, true)));
    SCOPED({ tg_tensor *x = leaf(nonzero(5, 1, TG_SHAPE(16, 8))); masked("dropout p=0.5", x, tg_dropout(x, 0.5, true), 0.5); });
    SCOPED({ tg_tensor *x = leaf(nonzero(5, 1, TG_SHAPE(16, 8))); masked("dropout p=0.2", x, tg_dropout(x, 0.2, true), 0.2); });
    SCOPED({ tg_tensor *x = strided_leaf(tg_to(nonzero(5, 1, TG_SHAPE(8, 16)), TG_F64), NULL, 0);
             masked("dropout f64 transposed", x, tg_dropout(x, 0.5, true), 0.5); });
    SCOPED({ tg_tensor *x = leaf(nonzero(5, 1, TG_SHAPE(16, 8)));
             tg_generator *gen = tg_generator_new(7);
             masked("dropout generator", x, tg_dropout_gen(x, 0.75, true, gen), 0.75);
             tg_generator_free(gen); });
    SCOPED({ tg_tensor *x = leaf(nonzero(5, 1, TG_SHAPE(16, 8)));
             tg_tensor *y = tg_mul_scalar(x, 1);
             tg_tensor *out = tg_dropout_(y, 0.5, true);
             printf("dropout_ returns its input: %s, version %llu\n", out == y ? "True" : "False",
                    (unsigned long long)tg_version(y));
             masked("dropout_", x, out, 0.5); });
    SCOPED({ tg_tensor *x = leaf(nonzero(5, 1, TG_SHAPE(4, 3)));
             check_strided("dropout_ p=1", tg_dropout_(tg_mul_scalar(x, 1), 1, true), &x, 1); });
    SCOPED({ tg_tensor *x = leaf(nonzero(5, 1, TG_SHAPE(4, 3)));
             tg_tensor *y = tg_dropout_(x, 0, true);
             printf("dropout_ p=0 on a leaf: %s, version %llu\n", y == x ? "True" : "False", (unsigned long long)tg_version(x));
             y = tg_dropout_(x, 0.5, false);
             printf("dropout_ eval on a leaf: %s, version %llu\n", y == x ? "True" : "False", (unsigned long long)tg_version(x)); });
    SCOPED(show("dropout_ p=1 i64", tg_dropout_(tg_ones(TG_SHAPE(3), TG_I64), 1, true)));
    ATTEMPT("dropout_ leaf", tg_dropout_(leaf(tg_ones(TG_SHAPE(3), TG_F32)), 0.5, true));
    ATTEMPT("dropout_ leaf p=1", tg_dropout_(leaf(tg_ones(TG_SHAPE(3), TG_F32)), 1, true));
    ATTEMPT("dropout_ expanded", tg_dropout_(tg_expand(tg_ones(TG_SHAPE(3), TG_F32), TG_SHAPE(2, 3)), 0.5, true));
    ATTEMPT("dropout_ i64", tg_dropout_(tg_ones(TG_SHAPE(3), TG_I64), 0.5, true));
    ATTEMPT("dropout_ p=-1", tg_dropout_(tg_ones(TG_SHAPE(3), TG_F32), -1, true));
    ATTEMPT("dropout p=-0.1", tg_dropout(tg_ones(TG_SHAPE(3), TG_F32), -0.1, true));
    ATTEMPT("dropout p=1.1", tg_dropout(tg_ones(TG_SHAPE(3), TG_F32), 1.1, true));
    ATTEMPT("dropout p=2 eval", tg_dropout(tg_ones(TG_SHAPE(3), TG_F32), 2, false));
    ATTEMPT("dropout p=1e-05", tg_dropout(tg_ones(TG_SHAPE(3), TG_F32), -1e-05, true));
    ATTEMPT("dropout p=1e6", tg_dropout(tg_ones(TG_SHAPE(3), TG_F32), 1e6, true));
    ATTEMPT("dropout p=inf", tg_dropout(tg_ones(TG_SHAPE(3), TG_F32), INFINITY, true));
    ATTEMPT("dropout p=nan", tg_dropout(tg_ones(TG_SHAPE(3), TG_F32), NAN, true));
    ATTEMPT("dropout i64", tg_dropout(tg_ones(TG_SHAPE(3), TG_I64), 0.5, true));
    ATTEMPT("dropout bool", tg_dropout(tg_ones(TG_SHAPE(3), TG_BOOL), 0.5, true));
}

static void dropout2d_cases(void)
{
    SCOPED({ tg_tensor *x = leaf(nonzero(5, 1, TG_SHAPE(4, 6, 2, 2)));
             tg_tensor *y = tg_dropout2d(x, 0.5, true);
             channels("dropout2d", y);
             masked("dropout2d", x, y, 0.5); });
    SCOPED({ tg_tensor *x = leaf(nonzero(5, 1, TG_SHAPE(6, 4, 3)));
             tg_tensor *y = tg_dropout2d(x, 0.5, true);
             channels("dropout2d 3-D", y);
             masked("dropout2d 3-D", x, y, 0.5); });
    SCOPED({ tg_tensor *x = strided_leaf(nonzero(5, 1, TG_SHAPE(4, 2, 2, 6)), DIMS(0, 3, 1, 2));
             tg_generator *gen = tg_generator_new(3);
             tg_tensor *y = tg_dropout2d_gen(x, 0.5, true, gen);
             channels("dropout2d permuted", y);
             masked("dropout2d permuted", x, y, 0.5);
             tg_generator_free(gen); });
    SCOPED({ tg_tensor *x = leaf(nonzero(5, 1, TG_SHAPE(2, 3, 2, 2)));
             check_strided("dropout2d p=1", tg_dropout2d(x, 1, true), &x, 1); });
    SCOPED({ tg_tensor *x = leaf(nonzero(5, 1, TG_SHAPE(2, 3, 2, 2)));
             printf("dropout2d eval is the input: %s\n", tg_dropout2d(x, 0.5, false) == x ? "True" : "False");
             printf("dropout2d p=0 is the input: %s\n", tg_dropout2d(x, 0, true) == x ? "True" : "False"); });
    SCOPED({ tg_tensor *x = leaf(nonzero(5, 1, TG_SHAPE(3, 4)));
             tg_tensor *y = tg_dropout2d(x, 0.5, true);
             channels("dropout2d 2-D", tg_unsqueeze(y, -1)); });
    SCOPED({ tg_tensor *x = leaf(nonzero(5, 1, TG_SHAPE(3)));
             check_strided("dropout2d 1-D p=1", tg_dropout2d(x, 1, true), &x, 1); });
    SCOPED({ tg_tensor *x = leaf(nonzero(5, 1, TG_SHAPE(4, 6, 2, 2)));
             tg_tensor *y = tg_dropout2d_(tg_mul_scalar(x, 1), 0.5, true);
             channels("dropout2d_", y);
             masked("dropout2d_", x, y, 0.5); });
    ATTEMPT("dropout2d_ leaf", tg_dropout2d_(leaf(tg_ones(TG_SHAPE(1, 2, 2, 2), TG_F32)), 0.5, true));
    ATTEMPT("dropout2d 1-D", tg_dropout2d(tg_ones(TG_SHAPE(3), TG_F32), 0.5, true));
    ATTEMPT("dropout2d 0-d", tg_dropout2d(tg_ones(TG_SHAPE(), TG_F32), 0.5, true));
    ATTEMPT("dropout2d 5-D eval", tg_dropout2d(tg_ones(TG_SHAPE(1, 1, 1, 1, 1), TG_F32), 0.5, false));
    ATTEMPT("dropout2d p=1.5", tg_dropout2d(tg_ones(TG_SHAPE(1, 2, 2, 2), TG_F32), 1.5, true));
    ATTEMPT("dropout2d i64", tg_dropout2d(tg_ones(TG_SHAPE(1, 2, 2, 2), TG_I64), 0.5, true));
}

int main(void)
{
    dropout_cases();
    dropout2d_cases();
    return 0;
}
