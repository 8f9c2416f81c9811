/* Allocation failure in conv1d, conv2d, conv_transpose2d, unfold and fold:
   forward and backward (and a backward with create_graph) run once for
   every N with allocation N failing; each failed run ends in TG_E_OOM and
   leaks no tensor or node. */
#include "alloc_sweep.h"

#include <tensorgrad.h>

typedef struct leaves {
    tg_tensor *x, *w, *b;
} leaves;

static tg_tensor *leaf_of(const int64_t *shape, int ndim)
{
    tg_tensor *t = tg_div_scalar(tg_arange(0, (double)tg__numel(shape, ndim), 1, TG_F64), 8);
    return tg_retain(tg_requires_grad_(tg_reshape(t, shape, ndim), true));
}

static leaves make(const int64_t *xs, int xd, const int64_t *ws, int wd, int64_t bias)
{
    tg_scope_begin();
    leaves l = {leaf_of(xs, xd), leaf_of(ws, wd), leaf_of((const int64_t[]){bias}, 1)};
    tg_scope_end();
    return l;
}

static void release(leaves *l)
{
    tg_release(l->x);
    tg_release(l->w);
    tg_release(l->b);
}

typedef tg_tensor *(*op_fn)(const leaves *l);

static tg_tensor *conv2d(const leaves *l)
{
    return tg_conv2d(l->x, l->w, l->b, (tg_conv_opts){.stride = {2, 1}, .padding = {1, 1}, .groups = 2});
}
static tg_tensor *conv2d_same_unbatched(const leaves *l)
{
    return tg_conv2d(tg_select(l->x, 0, 0), l->w, l->b, (tg_conv_opts){.padding_same = true, .groups = 2});
}
static tg_tensor *conv2d_channels_last(const leaves *l)
{
    tg_tensor *x = tg_permute(tg_contiguous(tg_permute(l->x, (const int64_t[]){0, 2, 3, 1}, 4)),
                              (const int64_t[]){0, 3, 1, 2}, 4);
    return tg_conv2d(x, l->w, l->b, (tg_conv_opts){.groups = 2});
}
static tg_tensor *conv1d(const leaves *l) { return tg_conv1d(l->x, l->w, l->b, (tg_conv_opts){.padding = {1}}); }
static tg_tensor *conv_transpose2d(const leaves *l)
{
    return tg_conv_transpose2d(l->x, l->w, l->b, (tg_conv_transpose_opts){.stride = {2, 2}, .output_padding = {1, 0}});
}
static tg_tensor *unfold(const leaves *l) { return tg_unfold(l->x, (tg_fold_opts){.kernel_size = {2, 2}, .padding = {1, 0}}); }
static tg_tensor *fold(const leaves *l)
{
    return tg_fold(l->x, (const int64_t[]){3, 4}, (tg_fold_opts){.kernel_size = {2, 2}});
}

typedef struct step_ctx {
    leaves *l;
    op_fn op;
    bool create_graph;
} step_ctx;

/* The operation, then backward (create_graph: autograd_grad with a graph
   and a backward through it). */
static int step(void *vctx)
{
    step_ctx *c = vctx;
    if (tg_scope_begin() < 0) return -1;
    tg_tensor *out = c->op(c->l);
    int rc = -1;
    if (out && !c->create_graph) {
        rc = tg_backward(tg_sum(tg_mul(out, out)), NULL);
    } else if (out) {
        tg_tensor *g;
        tg_backward_opts create = {.retain_graph = true, .create_graph = true};
        tg_tensor *s = tg_sum(tg_mul(out, out));
        rc = tg_autograd_grad(&s, 1, &c->l->x, 1, NULL, create, &g);
        if (rc == 0) rc = tg_backward(tg_sum(tg_mul(g, g)), NULL);
    }
    tg_scope_end();
    return rc;
}

static bool no_grads(const leaves *l) { return !tg_grad(l->x) && !tg_grad(l->w) && !tg_grad(l->b); }

static void sweep(const char *what, leaves l, op_fn op, bool uses_weight)
{
    for (int cg = 0; cg < 2; cg++) {
        step_ctx c = {&l, op, cg == 1};
        int64_t allocations = alloc_sweep(what, step, &c);
        CHECK(allocations > 0);
        if (allocations < 0) fprintf(stderr, "  %s%s never succeeded: %s\n", what, cg ? " (create_graph)" : "", tg_last_error());
        CHECK(tg_grad(l.x) != NULL);
        CHECK(!uses_weight || tg_grad(l.w) != NULL);
        tg_zero_grad(l.x);
        tg_zero_grad(l.w);
        tg_zero_grad(l.b);
        CHECK(no_grads(&l));
    }
    release(&l);
}

int main(void)
{
    const int64_t x4[] = {2, 4, 3, 4}, w4[] = {4, 2, 2, 2};
    sweep("conv2d", make(x4, 4, w4, 4, 4), conv2d, true);
    sweep("conv2d same unbatched", make(x4, 4, w4, 4, 4), conv2d_same_unbatched, true);
    sweep("conv2d channels-last", make(x4, 4, w4, 4, 4), conv2d_channels_last, true);
    sweep("conv1d", make((const int64_t[]){2, 3, 5}, 3, (const int64_t[]){2, 3, 2}, 3, 2), conv1d, true);
    sweep("conv_transpose2d", make(x4, 4, (const int64_t[]){4, 3, 2, 2}, 4, 3), conv_transpose2d, true);
    sweep("unfold", make(x4, 4, w4, 4, 4), unfold, false);
    sweep("fold", make((const int64_t[]){2, 8, 6}, 3, w4, 4, 4), fold, false);
    return TEST_MAIN_END();
}
