/* Advanced indexing with its N-th allocation failing, for every N: tg_index
   (with a mask and mixed items) and its backward, tg_index_put_ through a
   view with accumulate, and tg_index_put with backward and create_graph.
   A failed run reports TG_E_OOM and leaks nothing. */
#include <tensorgrad.h>

#include "alloc_sweep.h"

static const double START[6] = {0.5, -1, 2, 3, -0.25, 4};

static tg_tensor *input(void)
{
    return tg_requires_grad_(tg_from_f64(START, TG_SHAPE(2, 3)), true);
}

/* backward of sum(out * out) into x, recorded when create_graph, and
   the scope the step opened closed */
static int finish(tg_tensor *out, tg_tensor *x, bool create_graph)
{
    tg_tensor *loss = out ? tg_sum(tg_mul(out, out)) : NULL, *grad = NULL;
    int rc = loss ? tg_autograd_grad(&loss, 1, &x, 1, NULL, (tg_backward_opts){.create_graph = create_graph}, &grad) : -1;
    if (rc == 0 && create_graph) rc = tg_backward(tg_sum(grad), NULL);
    tg_scope_end();
    return rc;
}

static int index_step(void *ctx)
{
    (void)ctx;
    if (tg_scope_begin() < 0) return -1;
    tg_tensor *x = input();
    tg_tensor *mask = tg_gt_scalar(tg_detach(x), 0);
    tg_tensor *i = tg_from_i64((const int64_t[]){2, -3}, TG_SHAPE(2));
    tg_tensor *a = tg_index(x, TG_INDEX(TG_IDX_T(mask)));
    tg_tensor *b = tg_index(x, TG_INDEX(TG_IDX_NEW, TG_IDX_SLICE(0, 2, 1), TG_IDX_T(i)));
    return finish(a && b ? tg_add(tg_sum(a), tg_sum(b)) : NULL, x, false);
}

static int put_step(void *ctx)
{
    (void)ctx;
    if (tg_scope_begin() < 0) return -1;
    tg_tensor *x = input(), *v = tg_requires_grad_(tg_from_f64(START, TG_SHAPE(1, 2)), true);   /* leading ones dropped */
    tg_tensor *y = tg_mul_scalar(x, 1);
    tg_tensor *i = tg_from_i64((const int64_t[]){1, 1}, TG_SHAPE(2));
    tg_tensor *r = tg_index_put_(y, TG_INDEX(TG_IDX_SLICE(0, 1, 1), TG_IDX_T(i)), v, true);
    tg_tensor *mask = r ? tg_gt_scalar(tg_detach(r), 1) : NULL;
    tg_tensor *w = mask ? tg_index_put_(r, TG_INDEX(TG_IDX_T(mask)), tg_scalar(7), false) : NULL;
    return finish(w, x, false);
}

static int out_of_place_step(void *ctx)
{
    (void)ctx;
    if (tg_scope_begin() < 0) return -1;
    tg_tensor *x = input(), *v = tg_requires_grad_(tg_from_f64(START, TG_SHAPE(3)), true);
    tg_tensor *i = tg_from_i64((const int64_t[]){0}, TG_SHAPE(1));
    return finish(tg_index_put(x, TG_INDEX(TG_IDX_T(i)), v, false), x, true);
}

int main(void)
{
    CHECK(alloc_sweep("tg_index", index_step, NULL) > 0);
    CHECK(alloc_sweep("tg_index_put_", put_step, NULL) > 0);
    CHECK(alloc_sweep("tg_index_put", out_of_place_step, NULL) > 0);
    return TEST_MAIN_END();
}
