/* view, reshape, transpose, permute, expand, contiguous, clone, unsqueeze,
   squeeze, select and slice: values, strides, contiguity, graphs and
   gradients, on contiguous and non-contiguous inputs. Prints what
   ops_shape.py prints with PyTorch. */
#include <tensorgrad.h>

#include <stdio.h>

#include "oracle.h"

/* Python's print(label, "stride:", t.stride(), "contiguous:", ...). */
static void geometry(const char *label, const tg_tensor *t)
{
    printf("%s stride: ", label);
    print_strides(t);
    printf(" contiguous: %s\n", tg_is_contiguous(t) ? "True" : "False");
}

static void case_(const char *label, tg_tensor *out, tg_tensor *x)
{
    if (out) geometry(label, out);
    check(label, out, &x, 1);
}

/* (2, 6) leaf with values 0, 0.25, ..., 2.75. */
static tg_tensor *mat(void)
{
    return leaf(tg_reshape(tg_div_scalar(tg_arange(0, 12, 1, TG_F32), 4), TG_SHAPE(2, 6)));
}

/* (2, 3, 4) leaf with values 0, 0.5, ..., 11.5. */
static tg_tensor *cube(void)
{
    return leaf(tg_reshape(tg_div_scalar(tg_arange(0, 24, 1, TG_F32), 2), TG_SHAPE(2, 3, 4)));
}

static tg_tensor *row3(void) { return leaf(tg_from_f32(F32(1.0, 2.0, 3.0), TG_SHAPE(1, 3))); }
static tg_tensor *t2(const tg_tensor *x) { return tg_transpose(x, 0, 1); }

/* CASE(label, leaf expression, expression of x) */
#define CASE(label, LEAF, EXPR) do {          \
        tg_scope_begin();                     \
        tg_tensor *x = (LEAF);                \
        case_((label), (EXPR), x);            \
        tg_scope_end();                       \
    } while (0)

static void view_tests(void)
{
    CASE("view 3x4", mat(), tg_view(x, TG_SHAPE(3, 4)));
    CASE("view -1x2", mat(), tg_view(x, TG_SHAPE(-1, 2)));
    CASE("view 12", mat(), tg_view(x, TG_SHAPE(12)));
    CASE("view 2x3x2", mat(), tg_view(x, TG_SHAPE(2, 3, -1)));
    CASE("view of transposed, viewable", mat(), tg_view(t2(x), TG_SHAPE(6, 1, 2)));
    CASE("view of select", cube(), tg_view(tg_select(x, 0, 1), TG_SHAPE(12)));
    CASE("view of expanded", mat(), tg_view(tg_expand(tg_unsqueeze(x, 0), TG_SHAPE(3, 2, 6)), TG_SHAPE(3, 12)));
    CASE("view 0-dim to 1x1", leaf(tg_scalar(2.0)), tg_view(x, TG_SHAPE(1, 1)));
    CASE("view 1x1 to 0-dim", leaf(tg_from_f32(F32(2.0), TG_SHAPE(1, 1))), tg_view(x, TG_SHAPE()));
}

static void reshape_tests(void)
{
    CASE("reshape contiguous", mat(), tg_reshape(x, TG_SHAPE(4, 3)));
    CASE("reshape -1", cube(), tg_reshape(x, TG_SHAPE(-1)));
    CASE("reshape same shape", mat(), tg_reshape(x, TG_SHAPE(2, 6)));
    CASE("reshape transposed", mat(), tg_reshape(t2(x), TG_SHAPE(12)));
    CASE("reshape transposed viewable", mat(), tg_reshape(t2(x), TG_SHAPE(6, 2, 1)));
    CASE("reshape transposed viewable 2", mat(), tg_reshape(t2(x), TG_SHAPE(6, 1, 2)));
    CASE("reshape permuted", cube(), tg_reshape(tg_permute(x, DIMS(2, 0, 1)), TG_SHAPE(4, 6)));
    CASE("reshape expanded", mat(), tg_reshape(tg_expand(tg_slice(x, 1, 0, 1, 1), TG_SHAPE(2, 3)), TG_SHAPE(6)));
    CASE("reshape sliced", mat(), tg_reshape(tg_slice(x, 1, 0, 6, 2), TG_SHAPE(3, 2)));
}

static void transpose_tests(void)
{
    CASE("transpose 0 1", mat(), tg_transpose(x, 0, 1));
    CASE("transpose -1 -3", cube(), tg_transpose(x, -1, -3));
    CASE("transpose 1 1", cube(), tg_transpose(x, 1, 1));
    CASE("transpose 0-dim", leaf(tg_scalar(3.0)), tg_transpose(x, 0, -1));
    CASE("transpose of transpose", cube(), tg_transpose(tg_transpose(x, 0, 2), 1, 2));
    CASE("permute 2 0 1", cube(), tg_permute(x, DIMS(2, 0, 1)));
    CASE("permute -1 0 -2", cube(), tg_permute(x, DIMS(-1, 0, -2)));
    CASE("permute identity", cube(), tg_permute(x, DIMS(0, 1, 2)));
    CASE("permute 0-dim", leaf(tg_scalar(3.0)), tg_permute(x, NULL, 0));
    CASE("permute sliced", cube(), tg_permute(tg_slice(x, 2, 1, 4, 2), DIMS(1, 2, 0)));
}

static void expand_tests(void)
{
    CASE("expand rows", row3(), tg_expand(x, TG_SHAPE(2, 3)));
    CASE("expand cols", leaf(tg_from_f32(F32(1.0, 2.0, 3.0), TG_SHAPE(3, 1))), tg_expand(x, TG_SHAPE(3, 4)));
    CASE("expand leading", leaf(tg_from_f32(F32(1.0, 2.0, 3.0), TG_SHAPE(3))), tg_expand(x, TG_SHAPE(2, 2, 3)));
    CASE("expand -1", row3(), tg_expand(x, TG_SHAPE(4, -1)));
    CASE("expand 0-dim", leaf(tg_scalar(1.5)), tg_expand(x, TG_SHAPE(2, 2)));
    CASE("expand same", mat(), tg_expand(x, TG_SHAPE(2, 6)));
    CASE("expand of expand", leaf(tg_from_f32(F32(1.0, 2.0), TG_SHAPE(2, 1))),
         tg_expand(tg_expand(x, TG_SHAPE(2, 3)), TG_SHAPE(4, 2, 3)));
    CASE("expand transposed", leaf(tg_from_f32(F32(1.0, 2.0), TG_SHAPE(1, 2))), tg_expand(t2(x), TG_SHAPE(2, 3)));
}

static void copy_tests(void)
{
    CASE("contiguous of contiguous", mat(), tg_contiguous(tg_mul_scalar(x, 1)));
    CASE("contiguous transposed", mat(), tg_contiguous(t2(x)));
    CASE("contiguous expanded", leaf(tg_from_f32(F32(1.0, 2.0), TG_SHAPE(1, 2))),
         tg_contiguous(tg_expand(x, TG_SHAPE(3, 2))));
    CASE("clone", mat(), tg_clone(x));
    CASE("clone transposed", mat(), tg_clone(t2(x)));
}

static void squeeze_tests(void)
{
    char label[64];
    static const int64_t un[] = {0, 1, 2, -1, -3};
    for (int i = 0; i < 5; i++) {
        snprintf(label, sizeof label, "unsqueeze %lld", (long long)un[i]);
        CASE(label, mat(), tg_unsqueeze(x, un[i]));
    }
    CASE("unsqueeze transposed", mat(), tg_unsqueeze(t2(x), 1));
    CASE("unsqueeze 0-dim", leaf(tg_scalar(2.0)), tg_unsqueeze(x, -1));
    CASE("unsqueeze sliced", mat(), tg_unsqueeze(tg_slice(x, 1, 1, 6, 2), 2));
    static const int64_t sq[] = {0, 1, -1, -2, 2};
    for (int i = 0; i < 5; i++) {
        snprintf(label, sizeof label, "squeeze %lld", (long long)sq[i]);
        CASE(label, leaf(tg_from_f32(F32(1.0, 2.0, 3.0), TG_SHAPE(1, 3, 1))), tg_squeeze_dim(x, sq[i]));
    }
    CASE("squeeze 0-dim", leaf(tg_scalar(2.0)), tg_squeeze_dim(x, 0));
    CASE("squeeze expanded", leaf(tg_from_f32(F32(1.0, 2.0), TG_SHAPE(1, 2))),
         tg_squeeze_dim(tg_expand(x, TG_SHAPE(1, 2)), 0));
}

static void index_tests(void)
{
    char label[64];
    static const int64_t sel[][2] = {{0, 1}, {1, 0}, {-1, -1}, {2, 3}, {-2, -3}};
    for (int i = 0; i < 5; i++) {
        snprintf(label, sizeof label, "select %lld %lld", (long long)sel[i][0], (long long)sel[i][1]);
        CASE(label, cube(), tg_select(x, sel[i][0], sel[i][1]));
    }
    CASE("select transposed", mat(), tg_select(t2(x), 0, 4));
    CASE("select of select", cube(), tg_select(tg_select(x, 2, 1), 0, 1));
    CASE("select expanded", leaf(tg_from_f32(F32(1.0, 2.0), TG_SHAPE(1, 2))),
         tg_select(tg_expand(x, TG_SHAPE(3, 2)), 0, 2));
    static const int64_t sl[][4] = {{1, 1, 5, 1}, {1, 0, 6, 2}, {1, 1, 100, 3}, {1, -4, -1, 1}, {0, -100, 1, 1},
                                    {1, 5, 2, 1}, {-1, 2, 6, 4}, {0, 1, 2, 1}, {1, 6, 8, 1}};
    for (int i = 0; i < 9; i++) {
        snprintf(label, sizeof label, "slice %lld %lld %lld %lld", (long long)sl[i][0], (long long)sl[i][1],
                 (long long)sl[i][2], (long long)sl[i][3]);
        CASE(label, mat(), tg_slice(x, sl[i][0], sl[i][1], sl[i][2], sl[i][3]));
    }
    CASE("slice permuted", cube(), tg_slice(tg_permute(x, DIMS(1, 2, 0)), 1, 1, 4, 2));
    CASE("slice of slice", mat(), tg_slice(tg_slice(x, 1, 1, 6, 1), 1, 0, 5, 2));
    CASE("slice expanded", leaf(tg_from_f32(F32(1.0, 2.0), TG_SHAPE(2, 1))),
         tg_slice(tg_expand(x, TG_SHAPE(2, 5)), 1, 1, 5, 3));
}

/* Results of elementwise operations and copies keep their inputs' layout
   (TensorIterator, empty_like's preserve_format), which decides what can be
   viewed later. */
static void layout(const char *label, const tg_tensor *t)
{
    char buf[128];
    snprintf(buf, sizeof buf, "layout %s", label);
    if (t) geometry(buf, t);
    else printf("%s error: %s\n", buf, tg_last_error());
}

static void layout_tests(void)
{
    tg_scope_begin();
    tg_tensor *c = tg_reshape(tg_div_scalar(tg_arange(0, 24, 1, TG_F32), 2), TG_SHAPE(2, 3, 4));
    tg_tensor *p = tg_permute(c, DIMS(2, 0, 1));
    tg_tensor *s = tg_slice(c, 2, 0, 4, 2);
    tg_tensor *st = tg_transpose(s, 0, 2);
    tg_tensor *e = tg_expand(tg_from_f32(F32(1.0, 2.0, 3.0), TG_SHAPE(3, 1)), TG_SHAPE(3, 4));
    tg_tensor *t43 = tg_transpose(tg_ones(TG_SHAPE(4, 3), TG_F32), 0, 1);
    layout("clone permuted", tg_clone(p));
    layout("clone sliced", tg_clone(s));
    layout("clone sliced transposed", tg_clone(st));
    layout("clone expanded", tg_clone(e));
    layout("to f64 sliced transposed", tg_to(st, TG_F64));
    layout("to int64 permuted", tg_to(p, TG_I64));
    layout("exp sliced transposed", tg_exp(st));
    layout("neg permuted", tg_neg(p));
    layout("relu sliced transposed", tg_relu(st));
    layout("permuted + 1", tg_add_scalar(p, 1));
    layout("permuted * 0-dim", tg_mul(p, tg_scalar(2.0)));
    layout("permuted + contiguous", tg_add(p, tg_contiguous(p)));
    layout("contiguous + permuted", tg_add(tg_contiguous(p), p));
    layout("permuted + permuted f64", tg_add(p, tg_to(p, TG_F64)));
    layout("int64 permuted + 1.5", tg_add_scalar(tg_to(p, TG_I64), 1.5));
    layout("expanded + 1", tg_add_scalar(e, 1));
    layout("expanded * transposed", tg_mul(e, t43));
    layout("transposed * expanded", tg_mul(t43, e));
    layout("transposed + row", tg_add(t43, tg_ones(TG_SHAPE(4), TG_F32)));
    layout("row + transposed", tg_add(tg_ones(TG_SHAPE(4), TG_F32), t43));
    layout("where transposed condition", tg_where(tg_transpose(tg_ones(TG_SHAPE(4, 3), TG_BOOL), 0, 1),
                                                  tg_ones(TG_SHAPE(3, 4), TG_F32), tg_scalar(0.0)));
    layout("size-1 transposed + 1", tg_add_scalar(tg_transpose(tg_ones(TG_SHAPE(1, 3), TG_F32), 0, 1), 1));
    layout("size-1 mul", tg_mul(tg_transpose(tg_ones(TG_SHAPE(3, 1), TG_F32), 0, 1), tg_ones(TG_SHAPE(1, 3), TG_F32)));
    layout("size-1 permuted + 1", tg_add_scalar(tg_permute(tg_ones(TG_SHAPE(4, 1, 3), TG_F32), DIMS(1, 2, 0)), 1));
    layout("maximum permuted", tg_maximum(p, tg_contiguous(p)));
    layout("sum_dim permuted", tg_sum_dim(p, DIMS(1), true));
    layout("mean_dim permuted", tg_mean_dim(p, DIMS(0), false));
    layout("contiguous permuted", tg_contiguous(p));
    layout("reshape permuted", tg_reshape(p, TG_SHAPE(4, 6)));
    layout("reshape permuted copy", tg_reshape(p, TG_SHAPE(24)));
    tg_clear_error();
    tg_tensor *v = tg_view(tg_mul_scalar(tg_transpose(c, 0, 2), 2), TG_SHAPE(24));
    printf("view of transposed result: %s\n", v ? "None" : tg_last_error());
    show("value exp sliced transposed", tg_exp(st));
    /* A leaf's .grad takes the leaf's layout when it is dense, else it is contiguous. */
    tg_tensor *lt = leaf(tg_transpose(tg_reshape(tg_arange(0, 6, 1, TG_F32), TG_SHAPE(2, 3)), 0, 1));
    tg_backward(tg_sum(tg_mul_scalar(lt, 2)), NULL);
    geometry("grad of transposed leaf", tg_grad(lt));
    tg_tensor *ls = leaf(tg_slice(tg_reshape(tg_arange(0, 12, 1, TG_F32), TG_SHAPE(2, 6)), 1, 0, 6, 2));
    tg_backward(tg_sum(tg_mul_scalar(ls, 2)), NULL);
    geometry("grad of sliced leaf", tg_grad(ls));
    tg_scope_end();
}

static void other_tests(void)
{
    tg_scope_begin();
    /* Longer chains of views. */
    tg_tensor *x = cube();
    tg_tensor *y = tg_reshape(tg_transpose(x, 0, 2), TG_SHAPE(4, 6));
    tg_tensor *z = tg_expand(tg_unsqueeze(tg_slice(y, 1, 1, 6, 2), 0), TG_SHAPE(2, 4, 3));
    case_("chain", tg_mul(tg_select(z, 2, 1), tg_select(z, 2, 0)), x);

    /* Views of tensors that do not require grad; detach shares storage. */
    x = tg_reshape(tg_arange(0, 6, 1, TG_F32), TG_SHAPE(2, 3));
    show("plain view", tg_view(x, TG_SHAPE(3, 2)));
    y = mat();
    tg_tensor *d = tg_detach(y);
    geometry("detach", d);
    printf("detach requires_grad: %s is_leaf: %s\n", tg_requires_grad(d) ? "True" : "False",
           tg_is_leaf(d) ? "True" : "False");
    tg_add_scalar_(d, 1);
    show("after detach add_", y);
    printf("versions: %llu %llu\n", (unsigned long long)tg_version(y), (unsigned long long)tg_version(d));
    tg_tensor *e = tg_data(y);
    tg_mul_scalar_(e, 2);
    show("after data mul_", y);
    printf("versions: %llu %llu\n", (unsigned long long)tg_version(y), (unsigned long long)tg_version(e));
    tg_scope_end();
}

int main(void)
{
    view_tests();
    reshape_tests();
    transpose_tests();
    expand_tests();
    copy_tests();
    squeeze_tests();
    index_tests();
    layout_tests();
    other_tests();
    return 0;
}
