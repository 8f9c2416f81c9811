/* AccumulateGrad takes a leaf's first gradient as its .grad when nothing
   else holds it (Note [Accumulating into .grad] in src/engine/engine.c),
   and copies it when it is shared: with another leaf, with the caller, or
   as a view of a bigger or broadcast tensor. */
#include "harness.h"
#include "core/core.h"

static tg_tensor *leaf(const int64_t *shape, int ndim, double value)
{
    return tg_requires_grad_(tg_full(shape, ndim, value, TG_F32), true);
}

static const void *storage_of(const tg_tensor *t) { return t->storage; }

/* mul's gradient for x is a new tensor only the engine holds: it is taken,
   and later backwards add into it in place. */
static void test_taken(void)
{
    tg_tensor *x = leaf(TG_SHAPE(3), 1), *w = tg_full(TG_SHAPE(3), 5, TG_F32);
    CHECK(tg_backward(tg_sum(tg_mul(x, w)), NULL) == 0);
    tg_tensor *grad = tg_grad(x);
    CHECK(tg_item(tg_select(grad, 0, 2)) == 5);
    CHECK(tg_backward(tg_sum(tg_mul(x, w)), NULL) == 0);
    CHECK(tg_grad(x) == grad);
    CHECK(tg_item(tg_select(grad, 0, 0)) == 10);
}

/* add's backward passes one gradient to both inputs: each gets its own. */
static void test_shared_by_two_leaves(void)
{
    tg_tensor *a = leaf(TG_SHAPE(2, 2), 1), *b = leaf(TG_SHAPE(2, 2), 2);
    CHECK(tg_backward(tg_sum(tg_mul(tg_add(a, b), tg_full(TG_SHAPE(2, 2), 3, TG_F32))), NULL) == 0);
    tg_tensor *ga = tg_grad(a), *gb = tg_grad(b);
    CHECK(ga && gb && storage_of(ga) != storage_of(gb));
    tg_add_(ga, ga);
    CHECK(tg_item(tg_select(tg_select(gb, 0, 1), 0, 1)) == 3);
}

/* The caller's gradient (through a view) is copied, never kept. */
static void test_callers_gradient(void)
{
    tg_tensor *x = leaf(TG_SHAPE(4), 0), *g = tg_full(TG_SHAPE(2, 2), 7, TG_F32);
    CHECK(tg_backward(tg_reshape(x, TG_SHAPE(2, 2)), g) == 0);
    tg_tensor *grad = tg_grad(x);
    CHECK(grad && storage_of(grad) != storage_of(g));
    tg_zero_(g);
    CHECK(tg_item(tg_select(grad, 0, 3)) == 7);
}

/* A transposed leaf's .grad has the leaf's strides, as PyTorch gives it. */
static void test_layout(void)
{
    tg_tensor *x = tg_requires_grad_(tg_t(tg_full(TG_SHAPE(2, 3), 1, TG_F32)), true);
    CHECK(tg_backward(tg_sum(tg_mul(x, tg_full(TG_SHAPE(3, 2), 2, TG_F32))), NULL) == 0);
    tg_tensor *grad = tg_grad(x);
    CHECK(grad && tg_strides(grad)[0] == 1 && tg_strides(grad)[1] == 3);
}

int main(void)
{
    test_taken();
    test_shared_by_two_leaves();
    test_callers_gradient();
    test_layout();
    return TEST_MAIN_END();
}
