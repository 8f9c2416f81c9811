/* Gradient hooks beyond what the oracle compares: a hook that fails makes
   backward fail with nothing written, removal, the contexts' destructors
   (each called once, whenever the hook goes), hooks that register hooks,
   and hooks fired from two threads' backward passes at once (run under
   ThreadSanitizer by `make test SANITIZE=thread`). */
#include "harness.h"
#include "core/core.h"
#include "graph/graph.h"

#include <pthread.h>
#include <stdatomic.h>

static int fail(const tg_tensor *g, tg_tensor **replacement, void *ctx)
{
    (void)g, (void)replacement, (void)ctx;
    return -1;
}

/* Fails through a failing tensorgrad call, whose error the backward keeps. */
static int fail_in_call(const tg_tensor *g, tg_tensor **replacement, void *ctx)
{
    (void)ctx;
    *replacement = tg_view(g, TG_SHAPE(7));
    return *replacement ? 0 : -1;
}

static int doubles(const tg_tensor *g, tg_tensor **replacement, void *ctx)
{
    (void)ctx;
    *replacement = tg_mul_scalar(g, 2);
    return 0;
}

static int fail_post_accumulate(tg_tensor *leaf, void *ctx)
{
    (void)leaf, (void)ctx;
    return -1;
}

static tg_tensor *leaf2(float a, float b) { return tg_requires_grad_(tg_from_f32((const float[]){a, b}, TG_SHAPE(2)), true); }

static double first(const tg_tensor *t)
{
    double v[2];
    tg_copy_to_f64(t, v);
    return v[0];
}

static void failing_hooks_write_nothing(void)
{
    tg_scope_begin();
    tg_tensor *x = leaf2(1, 2), *w = leaf2(3, 4);
    CHECK(tg_backward(tg_sum(tg_mul(x, w)), NULL) == 0);   /* w.grad = x = [1, 2] */
    tg_tensor *y = tg_mul(x, w);
    tg_retain_grad(y);
    tg_tensor *z = tg_sum(tg_mul_scalar(y, 3));
    tg_hook_handle h = tg_register_hook(y, fail, NULL, NULL);
    CHECK(h > 0);
    tg_clear_error();
    CHECK(tg_backward_ex(z, NULL, (tg_backward_opts){.retain_graph = false}) == -1);
    CHECK_STR(tg_last_error(), "a hook returned an error");
    CHECK(first(tg_grad(w)) == 1 && first(tg_grad(x)) == 3);   /* as the first backward left them */
    CHECK(tg_grad(y) == NULL);
    tg_hook_remove(h);
    CHECK(tg_register_hook(y, fail_in_call, NULL, NULL) > 0);
    CHECK(tg_backward(z, NULL) == -1);
    CHECK(strstr(tg_last_error(), "shape '[7]' is invalid") != NULL);
    CHECK(first(tg_grad(w)) == 1);

    /* a leaf's hook: no leaf of that backward is stored */
    tg_tensor *a = leaf2(1, 1), *b = leaf2(2, 2);
    tg_register_hook(b, fail, NULL, NULL);
    CHECK(tg_backward(tg_sum(tg_mul(a, b)), NULL) == -1);
    CHECK(tg_grad(a) == NULL && tg_grad(b) == NULL);

    /* a post-accumulate hook runs after every .grad is stored */
    tg_tensor *p = leaf2(1, 1), *q = leaf2(5, 5);
    tg_register_post_accumulate_grad_hook(p, fail_post_accumulate, NULL, NULL);
    tg_clear_error();
    CHECK(tg_backward(tg_sum(tg_mul(p, q)), NULL) == -1);
    CHECK(tg_grad(p) && first(tg_grad(p)) == 5 && tg_grad(q) && first(tg_grad(q)) == 1);
    CHECK(tg_register_post_accumulate_grad_hook(y, fail_post_accumulate, NULL, NULL) == -1);
    CHECK_STR(tg_last_error(), "post accumulate grad hooks cannot be registered on non-leaf tensors");
    tg_scope_end();
}

static int freed;
static void count_free(void *ctx)
{
    (void)ctx;
    freed++;
}

static void destructors(void)
{
    int64_t tensors = tg__live_tensors(), nodes = tg__live_nodes();
    freed = 0;
    tg_scope_begin();
    tg_tensor *x = leaf2(1, 2);
    tg_hook_handle on_leaf = tg_register_hook(x, doubles, NULL, count_free);
    tg_tensor *y = tg_mul_scalar(x, 3);
    tg_register_hook(y, doubles, NULL, count_free);
    tg_node_register_prehook(tg_grad_fn(y), NULL, NULL, count_free);   /* refused: fn NULL */
    CHECK(freed == 0);
    tg_tensor *z = tg_sum(y);
    CHECK(tg_backward(z, NULL) == 0);
    CHECK(first(tg_grad(x)) == 12);   /* 1 * 2 (y's hook) * 3 * 2 (x's hook) */
    tg_hook_remove(on_leaf);
    CHECK(freed == 1);
    tg_hook_remove(on_leaf);
    CHECK(freed == 1);
    tg_scope_end();   /* y's node, and x, go: y's hook with them */
    CHECK(freed == 2);
    CHECK(tg__live_tensors() == tensors && tg__live_nodes() == nodes);
    tg_hook_remove(on_leaf + 1);   /* its owner is gone: nothing happens */
    CHECK(freed == 2);
}

/* A hook that registers another on the same tensor and removes itself. */
typedef struct self_removing {
    tg_tensor *t;
    tg_hook_handle self, added;
} self_removing;

static int register_more(const tg_tensor *g, tg_tensor **replacement, void *ctx)
{
    (void)g, (void)replacement;
    self_removing *s = ctx;
    s->added = tg_register_hook(s->t, doubles, NULL, NULL);
    tg_hook_remove(s->self);
    return 0;
}

static void hooks_that_register_hooks(void)
{
    tg_scope_begin();
    tg_tensor *x = leaf2(1, 1);
    self_removing s = {.t = x};
    s.self = tg_register_hook(x, register_more, &s, NULL);
    CHECK(tg_backward(tg_sum(x), NULL) == 0);
    CHECK(s.added > s.self && first(tg_grad(x)) == 1);   /* the new hook runs from the next backward */
    tg_zero_grad(x);
    CHECK(tg_backward(tg_sum(x), NULL) == 0);
    CHECK(first(tg_grad(x)) == 2);
    tg_scope_end();
}

/* Two threads run backward passes through their own graphs over one shared
   leaf, with hooks on their own tensors and one post-accumulate hook on
   the shared leaf. */
static atomic_int tensor_hook_calls, accumulate_calls;

static int count_tensor_hook(const tg_tensor *g, tg_tensor **replacement, void *ctx)
{
    (void)g, (void)replacement, (void)ctx;
    atomic_fetch_add(&tensor_hook_calls, 1);
    return 0;
}

static int count_accumulated(tg_tensor *leaf, void *ctx)
{
    (void)ctx;
    tg_tensor *grad = tg_grad(leaf);   /* readable from the hook: the store is done */
    if (grad) atomic_fetch_add(&accumulate_calls, 1);
    return 0;
}

enum { STEPS = 50 };

static void *worker(void *arg)
{
    tg_tensor *shared = arg;
    int ok = 0;
    for (int i = 0; i < STEPS; i++) {
        tg_scope_begin();
        tg_tensor *y = tg_mul_scalar(shared, 2);
        tg_hook_handle h = tg_register_hook(y, count_tensor_hook, NULL, NULL);
        tg_retain_grad(y);
        ok += h > 0 && tg_backward(tg_sum(y), NULL) == 0 && tg_grad(y) != NULL;
        tg_hook_remove(h);
        tg_scope_end();
    }
    return (void *)(intptr_t)ok;
}

static void two_threads(void)
{
    tg_tensor *shared = tg_retain(leaf2(1, 1));
    tg_register_post_accumulate_grad_hook(shared, count_accumulated, NULL, NULL);
    pthread_t th[2];
    for (int i = 0; i < 2; i++) CHECK(pthread_create(&th[i], NULL, worker, shared) == 0);
    intptr_t ok = 0;
    for (int i = 0; i < 2; i++) {
        void *r;
        pthread_join(th[i], &r);
        ok += (intptr_t)r;
    }
    CHECK(ok == 2 * STEPS);
    CHECK(atomic_load(&tensor_hook_calls) == 2 * STEPS && atomic_load(&accumulate_calls) == 2 * STEPS);
    CHECK(first(tg_grad(shared)) == 2 * 2 * STEPS);
    tg_release(shared);
}

/* tg_set_inference_mode itself: it sets grad mode with it; the block
   restores both. */
static void inference_mode_calls(void)
{
    CHECK(tg_set_inference_mode(true) == false);
    CHECK(!tg_is_grad_enabled() && tg_is_inference_mode_enabled());
    tg_tensor *t = tg_ones(TG_SHAPE(2), TG_F32);
    CHECK(tg_is_inference(t) && tg_version(tg_add_scalar_(t, 1)) == 0);
    CHECK(tg_set_inference_mode(false) == true);
    CHECK(tg_is_grad_enabled() && !tg_is_inference_mode_enabled());
    tg_set_grad_enabled(false);
    TG_INFERENCE_MODE {
        CHECK(tg_is_inference_mode_enabled());
        TG_INFERENCE_MODE_OFF CHECK(tg_is_grad_enabled() && !tg_is_inference_mode_enabled());
    }
    CHECK(!tg_is_grad_enabled() && !tg_is_inference_mode_enabled());
    tg_set_grad_enabled(true);
}

int main(void)
{
    inference_mode_calls();
    failing_hooks_write_nothing();
    destructors();
    hooks_that_register_hooks();
    two_threads();
    return TEST_MAIN_END();
}
