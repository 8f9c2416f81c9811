/* AccumulateGrad takes a leaf's first gradient instead of copying it when
   nothing else holds its bytes, also when it is a view whose base only it
   holds (a Linear weight's gradient is the transpose of a product's
   result, its bias's a view of a keepdim sum): the .grad is then a plain
   tensor, as PyTorch's is never a view, with the right values, and the
   backward allocates no more than one that adds into existing .grads in
   place (a copy would be one allocation more per leaf). */
#include "harness.h"
#include "graph/graph.h"

/* The allocations of one backward of sum(addmm(b, x, w^T)). */
static int64_t backward_allocations(tg_tensor *x, tg_tensor *w, tg_tensor *b)
{
    tg_scope_begin();
    tg_tensor *loss = tg_sum(tg_addmm(b, x, tg_t(w), 1, 1));
    int64_t before = tg__allocation_count();
    CHECK(tg_backward(loss, NULL) == 0);
    int64_t made = tg__allocation_count() - before;
    tg_scope_end();
    return made;
}

static void test_linear_grads_taken(void)
{
    float xs[8 * 4], ws[3 * 4];
    for (int i = 0; i < 32; i++) xs[i] = (float)(i % 5) - 2.0f;
    for (int i = 0; i < 12; i++) ws[i] = 0.1f * (float)i;
    tg_tensor *x = tg_retain(tg_from_f32(xs, TG_SHAPE(8, 4)));
    tg_tensor *w = tg_retain(tg_requires_grad_(tg_from_f32(ws, TG_SHAPE(3, 4)), true));
    tg_tensor *b = tg_retain(tg_requires_grad_(tg_zeros(TG_SHAPE(3), TG_F32), true));
    for (int step = 0; step < 2; step++) {   /* the second step finds no .grad either */
        tg_scope_begin();
        CHECK(tg_backward(tg_sum(tg_addmm(b, x, tg_t(w), 1, 1)), NULL) == 0);
        const tg_tensor *gw = tg_grad(w), *gb = tg_grad(b);
        CHECK(gw && !tg__view_base(gw) && atomic_load(&gw->storage->refs) == 1);
        CHECK(gb && !tg__view_base(gb) && atomic_load(&gb->storage->refs) == 1);
        CHECK(gw && tg_is_contiguous(gw));
        /* d sum / d w[o][i] = sum over rows of x[:, i]; d / d b[o] = rows */
        for (int o = 0; o < 3 && gw; o++)
            for (int i = 0; i < 4; i++) {
                float col = 0;
                for (int r = 0; r < 8; r++) col += xs[r * 4 + i];
                CHECK_CLOSE(tg_item(tg_select(tg_select(gw, 0, o), 0, i)), col, 0);
            }
        for (int o = 0; o < 3 && gb; o++) CHECK_CLOSE(tg_item(tg_select(gb, 0, o)), 8, 0);
        tg_zero_grad(w);
        tg_zero_grad(b);
        tg_scope_end();
    }
    int64_t taking = backward_allocations(x, w, b);        /* no .grad yet */
    int64_t adding = backward_allocations(x, w, b);        /* into the .grads just made */
    CHECK(taking == adding);
    tg_release(x);
    tg_release(w);
    tg_release(b);
}

int main(void)
{
    test_linear_grads_taken();
    return TEST_MAIN_END();
}
