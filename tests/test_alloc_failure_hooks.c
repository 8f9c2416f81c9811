/* Hooks, retain_grad and backward from several roots with inputs, with
   their N-th allocation failing, for every N (tests/alloc_sweep.h): each
   failed run ends in TG_E_OOM and leaks nothing (no tensor, node or hook
   context), and a failed backward stores no .grad. */
#include "alloc_sweep.h"

static int contexts;   /* hook contexts alive */
static void ctx_free(void *ctx)
{
    (void)ctx;
    contexts--;
}

static int doubles(const tg_tensor *g, tg_tensor **replacement, void *ctx)
{
    (void)ctx;
    *replacement = tg_mul_scalar(g, 2);
    return *replacement ? 0 : -1;
}

static int halves_first(const tg_node *node, tg_tensor **grad_inputs, int n_inputs, tg_tensor *const *grad_outputs,
                        int n_outputs, void *ctx)
{
    (void)node, (void)n_inputs, (void)grad_outputs, (void)n_outputs, (void)ctx;
    if (!grad_inputs[0]) return 0;
    grad_inputs[0] = tg_mul_scalar(grad_inputs[0], 0.5);
    return grad_inputs[0] ? 0 : -1;
}

static int adds_one(const tg_node *node, tg_tensor **grad_outputs, int n, void *ctx)
{
    (void)node, (void)n, (void)ctx;
    grad_outputs[0] = tg_add_scalar(grad_outputs[0], 1);
    return grad_outputs[0] ? 0 : -1;
}

static int reads_grad(tg_tensor *leaf, void *ctx)
{
    (void)ctx;
    return tg_grad(leaf) ? 0 : -1;
}

/* Registers with a context, counting it alive only once registered. */
static int registered(tg_hook_handle h)
{
    if (h < 0) return -1;
    contexts++;
    return 0;
}

static int hooked_step(void *unused)
{
    (void)unused;
    tg_tensor *x = tg_requires_grad_(tg_from_f32((const float[]){1, 2}, TG_SHAPE(2)), true);
    tg_tensor *w = tg_requires_grad_(tg_from_f32((const float[]){3, 4}, TG_SHAPE(2)), true);
    tg_tensor *y = tg_mul(x, w);
    if (!y || registered(tg_register_hook(y, doubles, &contexts, ctx_free)) ||
        registered(tg_register_hook(x, doubles, &contexts, ctx_free)) ||
        registered(tg_node_register_prehook(tg_grad_fn(y), adds_one, &contexts, ctx_free)) ||
        registered(tg_node_register_hook(tg_grad_fn(y), halves_first, &contexts, ctx_free)) ||
        registered(tg_register_post_accumulate_grad_hook(w, reads_grad, &contexts, ctx_free)) || !tg_retain_grad(y))
        return -1;
    tg_tensor *z = tg_mul_scalar(y, 3);
    tg_tensor *roots[2] = {tg_sum(z), tg_sum(y)};
    if (!roots[0] || !roots[1]) return -1;
    int rc = tg_backward_multi(roots, 2, NULL, NULL, 0, (tg_backward_opts){.retain_graph = true});
    if (rc != 0) {
        /* none stored, or (the post-accumulate hooks failing) all */
        bool any = tg_grad(x) || tg_grad(w) || tg_grad(y), all = tg_grad(x) && tg_grad(w) && tg_grad(y);
        CHECK(!any || all);
        return -1;
    }
    tg_tensor *inputs[2] = {y, w};
    return tg_backward_multi(roots, 1, NULL, inputs, 2, (tg_backward_opts){0});
}

int main(void)
{
    int64_t made = alloc_sweep("hooks, retain_grad, backward_multi", hooked_step, NULL);
    CHECK(made > 0);
    CHECK(contexts == 0);
    printf("hooked backward: %lld allocations\n", (long long)made);
    return TEST_MAIN_END();
}
