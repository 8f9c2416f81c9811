/* cat, stack, flatten, unflatten, squeeze and narrow: values, strides,
   whether the result shares its input's storage, graphs, gradients and
   errors, on contiguous, transposed, expanded, 0-dim and empty inputs, f64
   and integer tensors. Prints what ops_join.py prints with PyTorch. */
#include <tensorgrad.h>

#include <stdio.h>

#include "oracle.h"

static void geometry(const char *label, const tg_tensor *t)
{
    printf("%s %s stride: ", label, tg_dtype_name(tg_dtype_of(t)));
    print_strides(t);
    printf("\n");
}

/* Whether out shares x's version counter (a view, or x itself): bump out's
   through a detached alias and look at x's. */
static void shares(const char *label, const tg_tensor *out, const tg_tensor *x)
{
    uint64_t before = tg_version(x);
    tg_tensor *r = tg_mul_scalar_(tg_detach(out), 1);
    if (!r) printf("%s shares: error: %s\n", label, tg_last_error());
    else printf("%s shares: %s\n", label, tg_version(x) != before ? "True" : "False");
    tg_clear_error();
}

/* A case of one leaf x: geometry, sharing, then check(). */
static void case_(const char *label, tg_tensor *out, tg_tensor *x)
{
    check(label, out, &x, 1);
    if (out) {   /* after check: bumping the version gives a view a new history */
        geometry(label, out);
        shares(label, out, x);
    }
    tg_clear_error();
}

/* Leaves 0, 0.5, ... in a shape (f32), and the same in f64. */
static tg_tensor *seq(const int64_t *shape, int ndim)
{
    int64_t n = 1;
    for (int i = 0; i < ndim; i++) n *= shape[i];
    return leaf(tg_reshape(tg_div_scalar(tg_arange(0, (double)n, 1, TG_F32), 2), shape, ndim));
}
static tg_tensor *seq64(const int64_t *shape, int ndim) { return leaf64(tg_detach(seq(shape, ndim))); }
static tg_tensor *ints(const int64_t *shape, int ndim)
{
    int64_t n = 1;
    for (int i = 0; i < ndim; i++) n *= shape[i];
    return tg_reshape(tg_arange(0, (double)n, 1, TG_I64), shape, ndim);
}
static tg_tensor *t2(const tg_tensor *x) { return tg_transpose(x, 0, 1); }

/* CASE(label, leaf expression, expression of x), in a scope of its own */
#define CASE(label, LEAF, EXPR) \
    do { tg_scope_begin(); tg_tensor *x = (LEAF); case_((label), (EXPR), x); tg_scope_end(); } while (0)

/* A case of several leaves joined: value, geometry, graph, gradients. */
static void joined(const char *label, tg_tensor *out, tg_tensor *const *leaves, int n)
{
    check(label, out, leaves, n);
    if (out) geometry(label, out);
    tg_clear_error();
}

static void cat_tests(void)
{
    tg_scope_begin();
    tg_tensor *a = seq(TG_SHAPE(2, 3)), *b = seq64(TG_SHAPE(2, 2));
    joined("cat dim 1 promoted", tg_cat((const tg_tensor *[]){a, b}, 2, 1), (tg_tensor *[]){a, b}, 2);
    a = seq(TG_SHAPE(2, 3)), b = seq(TG_SHAPE(1, 3));
    joined("cat dim 0", tg_cat((const tg_tensor *[]){a, b, a}, 3, 0), (tg_tensor *[]){a, b}, 2);
    a = seq(TG_SHAPE(2, 3)), b = seq(TG_SHAPE(3, 2));
    joined("cat transposed", tg_cat((const tg_tensor *[]){t2(b), a}, 2, -1), (tg_tensor *[]){a, b}, 2);
    a = seq(TG_SHAPE(3, 1));
    joined("cat expanded", tg_cat((const tg_tensor *[]){tg_expand(a, TG_SHAPE(3, 2)), a}, 2, 1), &a, 1);
    a = seq(TG_SHAPE(2, 3));
    joined("cat one", tg_cat((const tg_tensor *[]){a}, 1, 0), &a, 1);
    a = seq(TG_SHAPE(2, 3)), b = seq(TG_SHAPE(0));
    joined("cat skips (0,)", tg_cat((const tg_tensor *[]){b, a, b}, 3, 1), (tg_tensor *[]){a, b}, 2);
    a = seq(TG_SHAPE(2, 3)), b = seq(TG_SHAPE(2, 0));
    joined("cat (2, 0)", tg_cat((const tg_tensor *[]){a, b}, 2, 1), (tg_tensor *[]){a, b}, 2);
    a = seq(TG_SHAPE(0)), b = seq(TG_SHAPE(0));
    joined("cat only (0,)", tg_cat((const tg_tensor *[]){a, b}, 2, 3), (tg_tensor *[]){a, b}, 2);
    a = seq(TG_SHAPE(1, 3));
    tg_tensor *i = ints(TG_SHAPE(1, 3));
    joined("cat float and int", tg_cat((const tg_tensor *[]){i, a}, 2, 0), &a, 1);
    show("cat ints", tg_cat((const tg_tensor *[]){i, i}, 2, 1));
    show("cat int and bool", tg_cat((const tg_tensor *[]){i, tg_ones(TG_SHAPE(1, 3), TG_BOOL)}, 2, 0));
    show("cat bools", tg_cat((const tg_tensor *[]){tg_ones(TG_SHAPE(2), TG_BOOL), tg_zeros(TG_SHAPE(1), TG_BOOL)}, 2, 0));
    show("cat int and empty f64", tg_cat((const tg_tensor *[]){i, tg_zeros(TG_SHAPE(0), TG_F64)}, 2, 0));
    tg_tensor *m = seq(TG_SHAPE(2, 3));
    show("cat error dims", tg_cat((const tg_tensor *[]){m, tg_ones(TG_SHAPE(3), TG_F32)}, 2, 0));
    show("cat error dims 3", tg_cat((const tg_tensor *[]){m, tg_ones(TG_SHAPE(2, 3, 1), TG_F32)}, 2, 0));
    show("cat error sizes", tg_cat((const tg_tensor *[]){m, tg_ones(TG_SHAPE(2, 2), TG_F32)}, 2, 0));
    show("cat error sizes 1", tg_cat((const tg_tensor *[]){m, m, tg_ones(TG_SHAPE(3, 3), TG_F32)}, 3, 1));
    show("cat error 0-dim", tg_cat((const tg_tensor *[]){m, tg_scalar(2)}, 2, 0));
    show("cat error dim", tg_cat((const tg_tensor *[]){m, m}, 2, 2));
    show("cat error dim after (0,)", tg_cat((const tg_tensor *[]){tg_ones(TG_SHAPE(0), TG_F32), m}, 2, 5));
    show("cat error empty list", tg_cat(NULL, 0, 0));
    tg_clear_error();
    show("cat error NULL", tg_cat((const tg_tensor *[]){m, NULL}, 2, 0));
    tg_clear_error();
    tg_scope_end();
}

static void stack_tests(void)
{
    tg_scope_begin();
    tg_tensor *a = seq(TG_SHAPE(2, 3)), *b = seq64(TG_SHAPE(2, 3));
    for (int d = -3; d < 3; d++) {
        char label[64];
        snprintf(label, sizeof label, "stack dim %d", d);
        joined(label, tg_stack((const tg_tensor *[]){a, b, a}, 3, d), (tg_tensor *[]){a, b}, 2);
    }
    a = seq(TG_SHAPE(3, 2));
    joined("stack transposed", tg_stack((const tg_tensor *[]){t2(a), seq(TG_SHAPE(2, 3))}, 2, 1), &a, 1);
    a = seq(TG_SHAPE(1, 3));
    joined("stack expanded", tg_stack((const tg_tensor *[]){tg_expand(a, TG_SHAPE(2, 3)), t2(seq(TG_SHAPE(3, 2)))}, 2, 2), &a, 1);
    a = leaf(tg_scalar(1.5)), b = leaf(tg_scalar(-2));
    joined("stack 0-dim", tg_stack((const tg_tensor *[]){a, b}, 2, 0), (tg_tensor *[]){a, b}, 2);
    a = seq(TG_SHAPE(0));
    joined("stack (0,)", tg_stack((const tg_tensor *[]){a, a}, 2, 1), &a, 1);
    a = seq(TG_SHAPE(2, 0));
    joined("stack (2, 0)", tg_stack((const tg_tensor *[]){a, a}, 2, 0), &a, 1);
    show("stack ints", tg_stack((const tg_tensor *[]){ints(TG_SHAPE(2)), ints(TG_SHAPE(2))}, 2, 1));
    show("stack int and 0-dim float", tg_stack((const tg_tensor *[]){tg_arange(0, 1, 1, TG_I64), tg_ones(TG_SHAPE(1), TG_F64)}, 2, 0));
    tg_tensor *m = seq(TG_SHAPE(2, 3));
    show("stack error sizes", tg_stack((const tg_tensor *[]){m, tg_ones(TG_SHAPE(2, 2), TG_F32)}, 2, 0));
    show("stack error sizes last", tg_stack((const tg_tensor *[]){m, tg_ones(TG_SHAPE(2, 3, 1), TG_F32)}, 2, 2));
    show("stack error 0-dim", tg_stack((const tg_tensor *[]){tg_scalar(1), tg_ones(TG_SHAPE(1), TG_F32)}, 2, 0));
    show("stack error dim", tg_stack((const tg_tensor *[]){m, m}, 2, 3));
    show("stack error dim negative", tg_stack((const tg_tensor *[]){m, m}, 2, -4));
    show("stack error empty list", tg_stack(NULL, 0, 0));
    tg_clear_error();
    tg_scope_end();
}

static void flatten_tests(void)
{
    CASE("flatten all", seq(TG_SHAPE(2, 3, 4)), tg_flatten(x, 0, -1));
    CASE("flatten 1", seq(TG_SHAPE(2, 3, 4)), tg_flatten(x, 1, -1));
    CASE("flatten 0 1", seq(TG_SHAPE(2, 3, 4)), tg_flatten(x, 0, 1));
    CASE("flatten one dim", seq(TG_SHAPE(2, 3, 4)), tg_flatten(x, 1, 1));
    CASE("flatten transposed", seq(TG_SHAPE(2, 3, 4)), tg_flatten(tg_transpose(x, 0, 1), 0, -1));
    CASE("flatten transposed viewable", seq(TG_SHAPE(2, 3, 4)), tg_flatten(tg_transpose(x, 0, 1), 2, 2));
    CASE("flatten transposed 1", seq(TG_SHAPE(2, 3, 4)), tg_flatten(tg_transpose(x, 0, 2), 1, 2));
    CASE("flatten expanded", seq(TG_SHAPE(3, 1)), tg_flatten(tg_expand(x, TG_SHAPE(3, 2)), 0, 1));
    CASE("flatten 0-dim", leaf(tg_scalar(2)), tg_flatten(x, 0, -1));
    CASE("flatten empty", seq(TG_SHAPE(2, 0, 3)), tg_flatten(x, 0, 1));
    CASE("flatten f64", seq64(TG_SHAPE(2, 2)), tg_flatten(x, 0, 1));
    tg_scope_begin();
    show("flatten ints", tg_flatten(ints(TG_SHAPE(2, 3)), 0, -1));
    show("flatten error order", tg_flatten(seq(TG_SHAPE(2, 3, 4)), 2, 1));
    show("flatten error dim", tg_flatten(seq(TG_SHAPE(2, 3, 4)), 0, 3));
    show("flatten error 0-dim", tg_flatten(tg_scalar(1), 0, 1));
    tg_clear_error();
    tg_scope_end();
    CASE("unflatten", seq(TG_SHAPE(2, 12)), tg_unflatten(x, 1, I64(3, 4), 2));
    CASE("unflatten -1", seq(TG_SHAPE(2, 12)), tg_unflatten(x, -1, I64(2, -1, 3), 3));
    CASE("unflatten 1", seq(TG_SHAPE(2, 3)), tg_unflatten(x, 0, I64(2), 1));
    CASE("unflatten transposed", seq(TG_SHAPE(2, 12)), tg_unflatten(t2(x), 0, I64(4, 3), 2));
    CASE("unflatten expanded", seq(TG_SHAPE(1, 3)), tg_unflatten(tg_expand(x, TG_SHAPE(4, 3)), 0, I64(2, 2), 2));
    CASE("unflatten empty", seq(TG_SHAPE(2, 0, 3)), tg_unflatten(x, 1, I64(5, 0), 2));
    CASE("unflatten f64", seq64(TG_SHAPE(6)), tg_unflatten(x, 0, I64(3, 1, 2), 3));
    tg_scope_begin();
    tg_tensor *m = seq(TG_SHAPE(2, 3));
    show("unflatten ints", tg_unflatten(ints(TG_SHAPE(6)), 0, I64(2, 3), 2));
    show("unflatten error fit", tg_unflatten(m, 1, I64(2, 2), 2));
    show("unflatten error two -1", tg_unflatten(m, 1, I64(-1, -1), 2));
    show("unflatten error negative", tg_unflatten(m, 1, I64(-2, 3), 2));
    show("unflatten error empty sizes", tg_unflatten(m, 1, NULL, 0));
    show("unflatten error dim", tg_unflatten(m, 2, I64(1, 3), 2));
    show("unflatten error 0-dim", tg_unflatten(tg_scalar(1), 0, I64(1), 1));
    show("unflatten error ambiguous", tg_unflatten(tg_ones(TG_SHAPE(2, 0), TG_F32), 1, I64(0, -1), 2));
    tg_clear_error();
    tg_scope_end();
}

static void squeeze_narrow_tests(void)
{
    CASE("squeeze", seq(TG_SHAPE(1, 3, 1, 2)), tg_squeeze(x));
    CASE("squeeze none", seq(TG_SHAPE(2, 3)), tg_squeeze(x));
    CASE("squeeze all ones", seq(TG_SHAPE(1, 1)), tg_squeeze(x));
    CASE("squeeze 0-dim", leaf(tg_scalar(3)), tg_squeeze(x));
    CASE("squeeze transposed", seq(TG_SHAPE(3, 1, 2)), tg_squeeze(tg_transpose(x, 0, 2)));
    CASE("squeeze expanded", seq(TG_SHAPE(1, 1, 3)), tg_squeeze(tg_expand(x, TG_SHAPE(1, 2, 3))));
    CASE("squeeze empty", seq(TG_SHAPE(1, 0, 1)), tg_squeeze(x));
    CASE("squeeze f64", seq64(TG_SHAPE(2, 1)), tg_squeeze(x));
    CASE("narrow", seq(TG_SHAPE(2, 3, 4)), tg_narrow(x, 1, 1, 2));
    CASE("narrow negative", seq(TG_SHAPE(2, 3, 4)), tg_narrow(x, -1, -2, 2));
    CASE("narrow to empty at end", seq(TG_SHAPE(2, 3, 4)), tg_narrow(x, 1, 3, 0));
    CASE("narrow transposed", seq(TG_SHAPE(2, 3, 4)), tg_narrow(tg_transpose(x, 0, 2), 0, 1, 3));
    CASE("narrow expanded", seq(TG_SHAPE(3, 1)), tg_narrow(tg_expand(x, TG_SHAPE(3, 4)), 1, 1, 2));
    CASE("narrow empty", seq(TG_SHAPE(0)), tg_narrow(x, 0, -1, 0));
    CASE("narrow f64", seq64(TG_SHAPE(5)), tg_narrow(x, 0, 1, 3));
    tg_scope_begin();
    tg_tensor *c = seq(TG_SHAPE(2, 3, 4));
    show("squeeze ints", tg_squeeze(ints(TG_SHAPE(1, 3))));
    show("narrow ints", tg_narrow(ints(TG_SHAPE(2, 3)), 1, 1, 1));
    show("narrow error past end", tg_narrow(c, 1, 2, 2));
    show("narrow error negative length", tg_narrow(c, 1, 1, -1));
    show("narrow error start", tg_narrow(c, 1, 5, 0));
    show("narrow error start negative", tg_narrow(c, 1, -4, 0));
    show("narrow error dim", tg_narrow(c, 3, 0, 0));
    show("narrow error 0-dim", tg_narrow(tg_scalar(1), 0, 0, 1));
    show("narrow error empty start", tg_narrow(tg_ones(TG_SHAPE(0), TG_F32), 0, 1, 0));
    show("view error ambiguous", tg_view(tg_ones(TG_SHAPE(0), TG_F32), TG_SHAPE(0, -1)));
    show("view error no fit", tg_view(tg_ones(TG_SHAPE(2), TG_F32), TG_SHAPE(0, -1)));
    tg_clear_error();
    tg_scope_end();
}

/* The pieces of x: each one's value, geometry and graph, then the
   gradient of sum_i (i + 1) * sum(piece i) (of piece `only` alone when it
   is not -1), and whether piece 0 shares x's storage. */
static void pieces(const char *label, tg_tensor *x, tg_tensor **ps, int count, int only)
{
    printf("%s count: %d\n", label, count);
    if (count < 0) printf("%s error: %s\n", label, tg_last_error());
    char name[96];
    tg_tensor *total = NULL;
    for (int i = 0; i < count; i++) {
        snprintf(name, sizeof name, "%s %d", label, i);
        show(name, ps[i]);
        geometry(name, ps[i]);
        graph(name, ps[i]);
        if (only >= 0 && i != only) continue;
        tg_tensor *term = tg_sum(tg_mul_scalar(ps[i], i + 1));
        total = total ? tg_add(total, term) : term;
    }
    if (total && tg_requires_grad(total)) {
        if (tg_backward(total, NULL)) printf("%s backward error: %s\n", label, tg_last_error());
        show(label, tg_grad(x));
    }
    if (count > 0) shares(label, ps[0], x);
    tg_clear_error();
}

#define PIECES(label, LEAF, CALL, only) do {  \
        tg_scope_begin();                     \
        tg_tensor *x = (LEAF), *ps[8];        \
        int count = (CALL);                   \
        pieces((label), x, ps, count, only);  \
        tg_scope_end();                       \
    } while (0)

static void split_tests(void)
{
    PIECES("split", seq(TG_SHAPE(5, 2)), tg_split(x, 2, 0, ps, 8), -1);
    PIECES("split dim -1", seq(TG_SHAPE(2, 5)), tg_split(x, 3, -1, ps, 8), -1);
    PIECES("split one used", seq(TG_SHAPE(5, 2)), tg_split(x, 2, 0, ps, 8), 1);
    PIECES("split larger", seq(TG_SHAPE(2, 3)), tg_split(x, 5, 1, ps, 8), -1);
    PIECES("split transposed", seq(TG_SHAPE(2, 4)), tg_split(t2(x), 3, 0, ps, 8), -1);
    PIECES("split expanded", seq(TG_SHAPE(1, 3)), tg_split(tg_expand(x, TG_SHAPE(4, 3)), 2, 0, ps, 8), -1);
    PIECES("split empty", seq(TG_SHAPE(0, 3)), tg_split(x, 0, 0, ps, 8), -1);
    PIECES("split empty 2", seq(TG_SHAPE(0, 3)), tg_split(x, 2, 0, ps, 8), -1);
    PIECES("split f64", seq64(TG_SHAPE(3)), tg_split(x, 1, 0, ps, 8), -1);
    PIECES("split ints", ints(TG_SHAPE(3)), tg_split(x, 2, 0, ps, 8), -1);
    PIECES("chunk", seq(TG_SHAPE(5)), tg_chunk(x, 3, 0, ps, 8), -1);
    PIECES("chunk 4 of 6", seq(TG_SHAPE(2, 6)), tg_chunk(x, 4, 1, ps, 8), -1);
    PIECES("chunk one used", seq(TG_SHAPE(6)), tg_chunk(x, 2, 0, ps, 8), 0);
    PIECES("chunk transposed", seq(TG_SHAPE(3, 2)), tg_chunk(t2(x), 2, 1, ps, 8), -1);
    PIECES("chunk empty", seq(TG_SHAPE(2, 0)), tg_chunk(x, 3, 1, ps, 8), -1);
    PIECES("chunk 1", seq(TG_SHAPE(4)), tg_chunk(x, 1, 0, ps, 8), -1);
    PIECES("unbind", seq(TG_SHAPE(3, 2)), tg_unbind(x, 0, ps, 8), -1);
    PIECES("unbind dim 1", seq(TG_SHAPE(2, 3)), tg_unbind(x, -1, ps, 8), -1);
    PIECES("unbind one used", seq(TG_SHAPE(3, 2)), tg_unbind(x, 0, ps, 8), 2);
    PIECES("unbind transposed", seq(TG_SHAPE(2, 3)), tg_unbind(t2(x), 1, ps, 8), -1);
    PIECES("unbind expanded", seq(TG_SHAPE(1, 2)), tg_unbind(tg_expand(x, TG_SHAPE(3, 2)), 0, ps, 8), -1);
    PIECES("unbind 1-D", seq64(TG_SHAPE(3)), tg_unbind(x, 0, ps, 8), -1);
    PIECES("unbind empty", seq(TG_SHAPE(0, 3)), tg_unbind(x, 0, ps, 8), -1);
    PIECES("unbind of empty dim", seq(TG_SHAPE(2, 0)), tg_unbind(x, 0, ps, 8), -1);
    PIECES("unbind ints", ints(TG_SHAPE(2, 2)), tg_unbind(x, 1, ps, 8), -1);
    PIECES("split error 0-dim", leaf(tg_scalar(1)), tg_split(x, 1, 0, ps, 8), -1);
    PIECES("split error negative", seq(TG_SHAPE(2, 3)), tg_split(x, -1, 0, ps, 8), -1);
    PIECES("split error zero", seq(TG_SHAPE(2, 3)), tg_split(x, 0, 0, ps, 8), -1);
    PIECES("split error dim", seq(TG_SHAPE(2, 3)), tg_split(x, 1, 2, ps, 8), -1);
    PIECES("chunk error 0-dim", leaf(tg_scalar(1)), tg_chunk(x, 1, 0, ps, 8), -1);
    PIECES("chunk error zero", seq(TG_SHAPE(2, 3)), tg_chunk(x, 0, 0, ps, 8), -1);
    PIECES("chunk error negative", seq(TG_SHAPE(2, 3)), tg_chunk(x, -1, 0, ps, 8), -1);
    PIECES("chunk error dim", seq(TG_SHAPE(2, 3)), tg_chunk(x, 1, -3, ps, 8), -1);
    PIECES("unbind error 0-dim", leaf(tg_scalar(1)), tg_unbind(x, 0, ps, 8), -1);
    PIECES("unbind error 0-dim dim", leaf(tg_scalar(1)), tg_unbind(x, 3, ps, 8), -1);
    PIECES("unbind error dim", seq(TG_SHAPE(2, 3)), tg_unbind(x, 2, ps, 8), -1);
    PIECES("split error max_out", seq(TG_SHAPE(5)), tg_split(x, 1, 0, ps, 4), -1);
    PIECES("unbind error max_out", seq(TG_SHAPE(3)), tg_unbind(x, 0, ps, 2), -1);

    /* In place on the pieces: refused while they are tracked. */
    tg_scope_begin();
    tg_tensor *x = seq(TG_SHAPE(6)), *ps[8];
    tg_tensor *y = tg_mul_scalar(x, 1);
    tg_split(y, 4, 0, ps, 8);
    show("split mul_", tg_mul_scalar_(ps[1], 2));
    show("split view of piece mul_", tg_mul_scalar_(tg_view(ps[0], TG_SHAPE(2, 2)), 2));
    show("split select of piece zero_", tg_zero_(tg_select(ps[1], 0, 0)));
    tg_unbind(y, 0, ps, 8);
    show("unbind add_", tg_add_scalar_(ps[2], 1));
    show("unbind copy_", tg_copy_(ps[3], tg_scalar(1)));
    tg_chunk(x, 2, 0, ps, 8);
    show("chunk of leaf fill_", tg_fill_(ps[1], 1));
    tg_split(tg_ones(TG_SHAPE(3), TG_F32), 2, 0, ps, 8);
    show("split of constant mul_ by grad", tg_mul_(ps[0], tg_slice(x, 0, 0, 2, 1)));
    show("split of constant mul_", tg_mul_scalar_(ps[1], 2));
    TG_NO_GRAD {
        tg_split(y, 3, 0, ps, 8);
        printf("split in no_grad add_ in no_grad: %s\n", tg_add_scalar_(ps[0], 1) ? "done" : tg_last_error());
    }
    show("split in no_grad add_", tg_add_scalar_(ps[1], 1));
    show("after", y);
    tg_clear_error();
    /* written in place after their base was */
    tg_split(y, 4, 0, ps, 8);
    tg_mul_scalar_(y, 2);
    show("split after base mul_", tg_mul_scalar_(ps[1], 2));
    tg_unbind(y, 0, ps, 8);
    tg_add_scalar_(ps[0], 0);
    tg_clear_error();
    show("unbind after another piece", tg_add_scalar_(ps[0], 1));
    tg_split(tg_ones(TG_SHAPE(4), TG_F32), 2, 0, ps, 8);
    tg_tensor *c = tg_ones(TG_SHAPE(2), TG_F32);
    tg_copy_(tg_slice(ps[0], 0, 0, 2, 1), c);
    show("split of constant after write", tg_mul_(ps[1], tg_slice(x, 0, 0, 2, 1)));
    tg_clear_error();
    tg_scope_end();
}

static void copy_tests(void)
{
    CASE("repeat", seq(TG_SHAPE(2, 3)), tg_repeat(x, DIMS(2, 1, 2)));
    CASE("repeat same", seq(TG_SHAPE(2, 3)), tg_repeat(x, DIMS(1, 1)));
    CASE("repeat zero", seq(TG_SHAPE(2, 3)), tg_repeat(x, DIMS(0, 2)));
    CASE("repeat transposed", seq(TG_SHAPE(2, 3)), tg_repeat(t2(x), DIMS(2, 3)));
    CASE("repeat expanded", seq(TG_SHAPE(3, 1)), tg_repeat(tg_expand(x, TG_SHAPE(3, 2)), DIMS(1, 2)));
    CASE("repeat 0-dim", leaf(tg_scalar(1.5)), tg_repeat(x, DIMS(3)));
    CASE("repeat 0-dim none", leaf(tg_scalar(1.5)), tg_repeat(x, NULL, 0));
    CASE("repeat empty", seq(TG_SHAPE(0, 2)), tg_repeat(x, DIMS(2, 2)));
    CASE("repeat f64", seq64(TG_SHAPE(3)), tg_repeat(x, DIMS(2, 2)));
    CASE("tile", seq(TG_SHAPE(2, 3)), tg_tile(x, DIMS(2)));
    CASE("tile more", seq(TG_SHAPE(3)), tg_tile(x, DIMS(2, 2)));
    CASE("tile none", seq(TG_SHAPE(2, 3)), tg_tile(x, NULL, 0));
    CASE("flip 0", seq(TG_SHAPE(2, 3)), tg_flip(x, DIMS(0)));
    CASE("flip both", seq(TG_SHAPE(2, 3)), tg_flip(x, DIMS(-1, 0)));
    CASE("flip none", seq(TG_SHAPE(2, 3)), tg_flip(x, NULL, 0));
    CASE("flip transposed", seq(TG_SHAPE(2, 3)), tg_flip(t2(x), DIMS(0)));
    CASE("flip expanded", seq(TG_SHAPE(1, 3)), tg_flip(tg_expand(x, TG_SHAPE(2, 3)), DIMS(1)));
    CASE("flip 0-dim", leaf(tg_scalar(2)), tg_flip(x, DIMS(0)));
    CASE("flip empty", seq(TG_SHAPE(0, 2)), tg_flip(x, DIMS(0, 1)));
    CASE("roll", seq(TG_SHAPE(2, 3)), tg_roll(x, I64(1), I64(1), 1));
    CASE("roll negative", seq(TG_SHAPE(2, 3)), tg_roll(x, I64(-4), I64(-1), 1));
    CASE("roll two", seq(TG_SHAPE(2, 3)), tg_roll(x, I64(1, 2), I64(0, 1), 2));
    CASE("roll same dim twice", seq(TG_SHAPE(4)), tg_roll(x, I64(1, 2), I64(0, 0), 2));
    CASE("roll flat", seq(TG_SHAPE(2, 3)), tg_roll(x, I64(2), NULL, 1));
    CASE("roll transposed", seq(TG_SHAPE(2, 3)), tg_roll(t2(x), I64(1), I64(1), 1));
    CASE("roll transposed flat", seq(TG_SHAPE(2, 3)), tg_roll(t2(x), I64(-1), NULL, 1));
    CASE("roll expanded", seq(TG_SHAPE(1, 3)), tg_roll(tg_expand(x, TG_SHAPE(2, 3)), I64(1), I64(1), 1));
    CASE("roll 0-dim", leaf(tg_scalar(2)), tg_roll(x, I64(1), NULL, 1));
    CASE("roll empty", seq(TG_SHAPE(0, 3)), tg_roll(x, I64(1), I64(0), 1));
    CASE("roll large", seq(TG_SHAPE(3)), tg_roll(x, I64(4611686018427387905), I64(0), 1));
    CASE("tril", seq(TG_SHAPE(3, 4)), tg_tril(x, 0));
    CASE("tril 1", seq(TG_SHAPE(3, 4)), tg_tril(x, 1));
    CASE("tril -1", seq(TG_SHAPE(3, 4)), tg_tril(x, -1));
    CASE("tril far", seq(TG_SHAPE(3, 4)), tg_tril(x, -100));
    CASE("triu", seq(TG_SHAPE(3, 4)), tg_triu(x, 0));
    CASE("triu 2", seq(TG_SHAPE(3, 4)), tg_triu(x, 2));
    CASE("triu -1 transposed", seq(TG_SHAPE(3, 4)), tg_triu(t2(x), -1));
    CASE("triu batched", seq(TG_SHAPE(2, 2, 3)), tg_triu(x, 1));
    CASE("tril expanded", seq(TG_SHAPE(1, 3)), tg_tril(tg_expand(x, TG_SHAPE(3, 3)), 0));
    CASE("tril empty", seq(TG_SHAPE(0, 3)), tg_tril(x, 0));
    CASE("triu f64", seq64(TG_SHAPE(2, 2)), tg_triu(x, 0));
    tg_scope_begin();
    tg_tensor *m = seq(TG_SHAPE(2, 3));
    show("repeat ints", tg_repeat(ints(TG_SHAPE(2)), DIMS(2, 2)));
    show("flip bools", tg_flip(tg_from_bool((const bool[]){true, false, false}, TG_SHAPE(3)), DIMS(0)));
    show("roll ints", tg_roll(ints(TG_SHAPE(2, 2)), I64(1), I64(0), 1));
    show("tril ints", tg_tril(ints(TG_SHAPE(3, 3)), 0));
    show("triu bools", tg_triu(tg_ones(TG_SHAPE(2, 2), TG_BOOL), 1));
    show("repeat error fewer", tg_repeat(m, DIMS(2)));
    show("repeat error negative", tg_repeat(m, DIMS(2, -1)));
    show("tile error negative", tg_tile(m, DIMS(-1)));
    show("flip error repeated", tg_flip(m, DIMS(0, -2)));
    show("flip error dim", tg_flip(m, DIMS(2)));
    show("roll error none", tg_roll(m, NULL, NULL, 0));
    show("roll error align", tg_roll(m, I64(1, 2), NULL, 2));
    show("roll error dim", tg_roll(m, I64(1), I64(2), 1));
    show("roll error 0-dim", tg_roll(tg_scalar(1), I64(1), I64(0), 1));
    show("tril error 1-D", tg_tril(tg_ones(TG_SHAPE(3), TG_F32), 0));
    show("triu error 0-dim", tg_triu(tg_scalar(1), 0));
    tg_clear_error();
    tg_scope_end();
}

static void diagonal_tests(void)
{
    CASE("movedim", seq(TG_SHAPE(2, 3, 4)), tg_movedim(x, 0, 2));
    CASE("movedim back", seq(TG_SHAPE(2, 3, 4)), tg_movedim(x, -1, 0));
    CASE("movedim same", seq(TG_SHAPE(2, 3)), tg_movedim(x, 1, 1));
    CASE("movedim transposed", seq(TG_SHAPE(2, 3, 4)), tg_movedim(tg_transpose(x, 0, 2), 1, 0));
    CASE("movedim 0-dim", leaf(tg_scalar(2)), tg_movedim(x, 0, -1));
    CASE("movedim 1-D", seq(TG_SHAPE(3)), tg_movedim(x, 0, 0));
    CASE("diagonal", seq(TG_SHAPE(3, 4)), tg_diagonal(x, 0, 0, 1));
    CASE("diagonal 1", seq(TG_SHAPE(3, 4)), tg_diagonal(x, 1, 0, 1));
    CASE("diagonal -1 swapped", seq(TG_SHAPE(3, 4)), tg_diagonal(x, -1, 1, 0));
    CASE("diagonal far", seq(TG_SHAPE(2, 3)), tg_diagonal(x, -5, 0, 1));
    CASE("diagonal 3-D", seq(TG_SHAPE(2, 3, 4)), tg_diagonal(x, 1, -1, 0));
    CASE("diagonal transposed", seq(TG_SHAPE(3, 4)), tg_diagonal(t2(x), 0, 0, 1));
    CASE("diagonal expanded", seq(TG_SHAPE(1, 3)), tg_diagonal(tg_expand(x, TG_SHAPE(3, 3)), 0, 0, 1));
    CASE("diagonal f64", seq64(TG_SHAPE(2, 2)), tg_diagonal(x, 0, 0, 1));
    CASE("diag_embed", seq(TG_SHAPE(2, 3)), tg_diag_embed(x, 0, -2, -1));
    CASE("diag_embed 1 0 2", seq(TG_SHAPE(2, 3)), tg_diag_embed(x, 1, 0, 2));
    CASE("diag_embed -1 -1 0", seq(TG_SHAPE(2, 3)), tg_diag_embed(x, -1, -1, 0));
    CASE("diag_embed transposed", seq(TG_SHAPE(2, 3)), tg_diag_embed(t2(x), 0, -2, -1));
    CASE("diag_embed 1-D", seq64(TG_SHAPE(3)), tg_diag_embed(x, 0, -2, -1));
    CASE("diag_embed empty", seq(TG_SHAPE(2, 0)), tg_diag_embed(x, 0, -2, -1));
    tg_scope_begin();
    tg_tensor *m = seq(TG_SHAPE(2, 3));
    show("diagonal ints", tg_diagonal(ints(TG_SHAPE(3, 3)), 0, 0, 1));
    show("diag_embed ints", tg_diag_embed(ints(TG_SHAPE(2)), 0, -2, -1));
    show("movedim error", tg_movedim(m, 2, 0));
    show("diagonal error same", tg_diagonal(m, 0, 0, -2));
    show("diagonal error dim", tg_diagonal(m, 0, 0, 2));
    show("diagonal error 1-D", tg_diagonal(tg_ones(TG_SHAPE(3), TG_F32), 0, 0, 1));
    show("diag_embed error same", tg_diag_embed(m, 0, 1, 1));
    show("diag_embed error dim", tg_diag_embed(m, 0, 3, 1));
    show("diag_embed error 0-dim", tg_diag_embed(tg_scalar(1), 0, -2, -1));
    tg_clear_error();
    tg_scope_end();
}

/* An in-place view operation on y (x * 1, or a view of it): the result,
   whether it is y itself, its strides and version, graph and gradient. */
static void restrided(const char *label, tg_tensor *x, tg_tensor *y, tg_tensor *r)
{
    show(label, r);
    if (!r) {
        tg_clear_error();
        return;
    }
    printf("%s same: %s version: %llu\n", label, r == y ? "True" : "False", (unsigned long long)tg_version(r));
    geometry(label, r);
    graph(label, r);
    if (tg_requires_grad(r)) backprop(label, r, &x, 1);
    tg_clear_error();
}

#define RESTRIDE(label, LEAF, Y, CALL) do {   \
        tg_scope_begin();                     \
        tg_tensor *x = (LEAF);                \
        tg_tensor *y = (Y);                   \
        restrided((label), x, y, (CALL));     \
        tg_scope_end();                       \
    } while (0)

static void inplace_view_tests(void)
{
    RESTRIDE("t_", seq(TG_SHAPE(2, 3)), tg_mul_scalar(x, 1), tg_t_(y));
    RESTRIDE("t_ 1-D", seq(TG_SHAPE(3)), tg_mul_scalar(x, 1), tg_t_(y));
    RESTRIDE("t_ of a view", seq(TG_SHAPE(2, 3)), tg_view(tg_mul_scalar(x, 1), TG_SHAPE(3, 2)), tg_t_(y));
    RESTRIDE("transpose_", seq(TG_SHAPE(2, 3, 4)), tg_mul_scalar(x, 1), tg_transpose_(y, 0, -1));
    RESTRIDE("squeeze_", seq(TG_SHAPE(1, 3, 1)), tg_mul_scalar(x, 1), tg_squeeze_(y));
    RESTRIDE("squeeze_ of a view", seq(TG_SHAPE(2, 3)), tg_unsqueeze(tg_mul_scalar(x, 1), 0), tg_squeeze_(y));
    RESTRIDE("squeeze_dim_", seq(TG_SHAPE(1, 3)), tg_mul_scalar(x, 1), tg_squeeze_dim_(y, 0));
    RESTRIDE("squeeze_dim_ no-op", seq(TG_SHAPE(2, 3)), tg_mul_scalar(x, 1), tg_squeeze_dim_(y, 1));
    RESTRIDE("unsqueeze_", seq(TG_SHAPE(2, 3)), tg_mul_scalar(x, 1), tg_unsqueeze_(y, 1));
    RESTRIDE("unsqueeze_ -1", seq(TG_SHAPE(2, 3)), tg_transpose(tg_mul_scalar(x, 1), 0, 1), tg_unsqueeze_(y, -1));
    RESTRIDE("t_ then mul", seq(TG_SHAPE(2, 3)), tg_mul_scalar(x, 1), tg_mul(tg_t_(y), tg_t(x)));
    RESTRIDE("tril_", seq(TG_SHAPE(3, 3)), tg_mul_scalar(x, 1), tg_tril_(y, 0));
    RESTRIDE("triu_ 1 transposed", seq(TG_SHAPE(3, 4)), tg_t(tg_mul_scalar(x, 1)), tg_triu_(y, 1));
    RESTRIDE("triu_ of a slice", seq(TG_SHAPE(3, 3)), tg_slice(tg_mul_scalar(x, 1), 0, 1, 3, 1), tg_triu_(y, 0));
    RESTRIDE("tril_ plain", tg_ones(TG_SHAPE(2, 2), TG_F32), ints(TG_SHAPE(2, 3)), tg_tril_(y, 0));
    RESTRIDE("tril_ error leaf", leaf(tg_ones(TG_SHAPE(2, 3), TG_F32)), x, tg_tril_(y, 0));
    RESTRIDE("tril_ error 1-D", seq(TG_SHAPE(3)), tg_mul_scalar(x, 1), tg_tril_(y, 0));
    RESTRIDE("t_ plain", tg_ones(TG_SHAPE(2, 3), TG_F32), tg_arange(0, 6, 1, TG_F32), tg_t_(tg_view(y, TG_SHAPE(2, 3))));
    RESTRIDE("t_ ints", tg_ones(TG_SHAPE(2, 3), TG_F32), ints(TG_SHAPE(2, 3)), tg_t_(y));
    RESTRIDE("t_ error leaf", leaf(tg_ones(TG_SHAPE(2, 3), TG_F32)), x, tg_t_(y));
    RESTRIDE("t_ error view of leaf", seq(TG_SHAPE(2, 3)), tg_view(x, TG_SHAPE(3, 2)), tg_t_(y));
    RESTRIDE("t_ error 3-D", seq(TG_SHAPE(2, 3, 4)), tg_mul_scalar(x, 1), tg_t_(y));
    RESTRIDE("transpose_ error dim", seq(TG_SHAPE(2, 3)), tg_mul_scalar(x, 1), tg_transpose_(y, 0, 2));
    RESTRIDE("squeeze_dim_ error dim", seq(TG_SHAPE(2, 3)), tg_mul_scalar(x, 1), tg_squeeze_dim_(y, 2));
    RESTRIDE("unsqueeze_ error dim", seq(TG_SHAPE(2, 3)), tg_mul_scalar(x, 1), tg_unsqueeze_(y, 3));
    tg_scope_begin();
    tg_tensor *x = seq(TG_SHAPE(2, 3)), *ps[2];
    tg_split(tg_mul_scalar(x, 1), 1, 0, ps, 2);
    show("t_ error split", tg_t_(ps[1]));
    tg_clear_error();
    tg_tensor *r = NULL;
    TG_NO_GRAD { r = tg_t_(x); }
    printf("t_ leaf in no_grad same: %s\n", r == x ? "True" : "False");
    geometry("t_ leaf in no_grad", x);
    tg_scope_end();
}

/* The gradient of y = f(x) with create_graph, for a gy that requires grad:
   its value and graph, which are those of the derivative's operations. */
static void second(const char *label, tg_tensor *x, tg_tensor *y)
{
    tg_tensor *gy = leaf(tg_detach(weights(y))), *r = NULL;
    tg_backward_opts opts = {.create_graph = true};
    if (tg_autograd_grad(&y, 1, &x, 1, &gy, opts, &r)) printf("%s error: %s\n", label, tg_last_error());
    show(label, r);
    if (r) graph(label, r);
    tg_clear_error();
}

#define SECOND(label, LEAF, EXPR) \
    do { tg_scope_begin(); tg_tensor *x = (LEAF); second((label), x, (EXPR)); tg_scope_end(); } while (0)

static tg_tensor *piece(tg_tensor *const *ps, int count, int i) { return count > i ? ps[i] : NULL; }

static void second_order_tests(void)
{
    tg_tensor *ps[4];
    SECOND("grad of cat", seq64(TG_SHAPE(2, 2)), tg_cat((const tg_tensor *[]){x, tg_mul_scalar(x, 2)}, 2, 1));
    SECOND("grad of stack", seq64(TG_SHAPE(2, 2)), tg_stack((const tg_tensor *[]){x, tg_mul_scalar(x, 2)}, 2, 1));
    SECOND("grad of split", seq64(TG_SHAPE(3, 2)), piece(ps, tg_split(x, 2, 0, ps, 4), 1));
    SECOND("grad of unbind", seq64(TG_SHAPE(3, 2)), piece(ps, tg_unbind(x, 1, ps, 4), 0));
    SECOND("grad of squeeze", seq64(TG_SHAPE(1, 2, 1)), tg_squeeze(x));
    SECOND("grad of squeeze none", seq64(TG_SHAPE(2, 2)), tg_squeeze(x));
    SECOND("grad of squeeze_", seq64(TG_SHAPE(2, 1)), tg_squeeze_(tg_mul_scalar(x, 1)));
    SECOND("grad of unsqueeze_", seq64(TG_SHAPE(2, 2)), tg_unsqueeze_(tg_mul_scalar(x, 1), 1));
    SECOND("grad of t_", seq64(TG_SHAPE(2, 3)), tg_t_(tg_mul_scalar(x, 1)));
    SECOND("grad of narrow", seq64(TG_SHAPE(2, 3)), tg_narrow(x, 1, 1, 2));
    SECOND("grad of flatten", seq64(TG_SHAPE(2, 3)), tg_flatten(x, 0, 1));
    SECOND("grad of unflatten", seq64(TG_SHAPE(6)), tg_unflatten(x, 0, I64(2, 3), 2));
    SECOND("grad of movedim", seq64(TG_SHAPE(2, 3)), tg_movedim(x, 0, 1));
    SECOND("grad of repeat", seq64(TG_SHAPE(2)), tg_repeat(x, DIMS(2, 2)));
    SECOND("grad of flip", seq64(TG_SHAPE(2, 3)), tg_flip(x, DIMS(1)));
    SECOND("grad of roll", seq64(TG_SHAPE(2, 3)), tg_roll(x, I64(1), I64(1), 1));
    SECOND("grad of tril", seq64(TG_SHAPE(2, 2)), tg_tril(x, 0));
    SECOND("grad of diagonal", seq64(TG_SHAPE(2, 2)), tg_diagonal(x, 0, 0, 1));
    SECOND("grad of diag_embed", seq64(TG_SHAPE(2)), tg_diag_embed(x, 0, -2, -1));
}

int main(void)
{
    cat_tests();
    stack_tests();
    flatten_tests();
    squeeze_narrow_tests();
    split_tests();
    copy_tests();
    diagonal_tests();
    inplace_view_tests();
    second_order_tests();
    return 0;
}
