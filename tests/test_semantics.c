/* Autograd semantics, memory and error model, checked directly. */
#include "harness.h"
#include "graph/graph.h"

#include <pthread.h>
#include <tensorgrad.h>

static double at(const tg_tensor *t, int i)
{
    double buf[64];
    if (!t || tg_numel(t) > 64 || tg_copy_to_f64(t, buf)) return NAN;
    return buf[i];
}

static tg_tensor *vec3(double a, double b, double c, bool requires_grad)
{
    tg_tensor *t = tg_from_f64((double[]){a, b, c}, TG_SHAPE(3));
    return tg_requires_grad_(t, requires_grad);
}

static void test_scopes_free_everything(void)
{
    int64_t tensors = tg__live_tensors(), nodes = tg__live_nodes();
    tg_scope_begin();
    tg_tensor *x = vec3(1, 2, 3, true);
    tg_tensor *loss = tg_sum(tg_mul(tg_exp(x), x));
    CHECK(tg_backward(loss, NULL) == 0);
    CHECK(tg__live_tensors() > tensors);
    tg_scope_end();
    CHECK(tg__live_tensors() == tensors);
    CHECK(tg__live_nodes() == nodes);
}

static void test_keep_moves_to_parent(void)
{
    int64_t tensors = tg__live_tensors();
    tg_scope_begin();
    tg_scope_begin();
    tg_tensor *x = tg_keep(tg_full(TG_SHAPE(2), 7, TG_F32));
    tg_tensor *tmp = tg_add_scalar(x, 1);
    (void)tmp;
    tg_scope_end();
    CHECK(tg__live_tensors() == tensors + 1);   /* x survived, tmp did not */
    CHECK(at(x, 1) == 7);
    tg_scope_end();
    CHECK(tg__live_tensors() == tensors);
}

static void test_retain_release(void)
{
    int64_t tensors = tg__live_tensors();
    tg_tensor *param;
    tg_scope_begin();
    param = tg_retain(tg_ones(TG_SHAPE(2), TG_F32));
    tg_scope_end();
    CHECK(tg__live_tensors() == tensors + 1);
    CHECK(at(param, 0) == 1);
    tg_release(param);
    CHECK(tg__live_tensors() == tensors);
}

/* A training loop with a scope per step keeps memory flat. */
static void test_training_loop_is_flat(void)
{
    tg_tensor *w = tg_retain(tg_requires_grad_(tg_full(TG_SHAPE(3, 2), 0.1, TG_F32), true));
    tg_tensor *data = tg_retain(tg_from_f32((float[]){1, 2, 3, 4, 5, 6}, TG_SHAPE(2, 3)));
    tg_tensor *target = tg_retain(tg_from_f32((float[]){1, 0, 0, 1}, TG_SHAPE(2, 2)));
    int64_t tensors = 0, nodes = 0;
    for (int step = 0; step < 3000; step++) {
        tg_scope_begin();
        tg_tensor *loss = tg_mse_loss(tg_sigmoid(tg_matmul(data, w)), target);
        CHECK(tg_backward(loss, NULL) == 0);
        TG_NO_GRAD {
            tg_sub_(w, tg_mul_scalar(tg_grad(w), 0.5));
        }
        tg_zero_grad(w);
        tg_scope_end();
        if (step == 10) {
            tensors = tg__live_tensors();
            nodes = tg__live_nodes();
        }
    }
    CHECK(tg__live_tensors() == tensors);
    CHECK(tg__live_nodes() == nodes);
    tg_release(w);
    tg_release(data);
    tg_release(target);
}

static void test_null_keeps_first_error(void)
{
    tg_clear_error();
    tg_scope_begin();
    tg_tensor *a = tg_ones(TG_SHAPE(2), TG_F32), *b = tg_ones(TG_SHAPE(3), TG_F32);
    tg_tensor *r = tg_sum(tg_exp(tg_add(a, b)));
    CHECK(r == NULL);
    CHECK(tg_last_status() == TG_E_SHAPE);
    CHECK_STR(tg_last_error(),
              "The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 0");
    tg_clear_error();
    CHECK(tg_exp(NULL) == NULL);
    CHECK(tg_last_status() == TG_E_NULL);
    tg_clear_error();
    CHECK(tg_backward(NULL, NULL) == -1);
    tg_clear_error();
    tg_scope_end();
}

static void test_inplace_errors_leave_tensor(void)
{
    tg_scope_begin();
    tg_tensor *x = vec3(1, 2, 3, true);
    uint64_t v = tg_version(x);
    CHECK(tg_add_scalar_(x, 1) == NULL);
    CHECK_STR(tg_last_error(), "a leaf Variable that requires grad is being used in an in-place operation.");
    CHECK(tg_version(x) == v && at(x, 0) == 1);
    CHECK(tg_mul_(tg_select(x, 0, 0), x) == NULL);
    CHECK_STR(tg_last_error(), "a view of a leaf Variable that requires grad is being used in an in-place operation.");
    tg_tensor *y = tg_mul_scalar(x, 2);
    CHECK(tg_add_(y, tg_ones(TG_SHAPE(2, 3), TG_F64)) == NULL);   /* does not fit y's shape */
    CHECK(tg_version(y) == 0 && at(y, 2) == 6);
    tg_tensor *ints = tg_from_i64((int64_t[]){1, 2, 3}, TG_SHAPE(3));
    CHECK(tg_add_scalar_(ints, 0.5) == NULL);
    CHECK_STR(tg_last_error(), "result type Float can't be cast to the desired output type Long");
    CHECK(at(ints, 0) == 1);
    TG_NO_GRAD {
        CHECK(tg_add_scalar_(x, 1) == x);   /* allowed without grad mode */
    }
    CHECK(at(x, 0) == 2 && tg_version(x) == v + 1);
    tg_clear_error();
    tg_scope_end();
}

static void test_failed_backward_leaves_grads(void)
{
    tg_scope_begin();
    tg_tensor *x = vec3(1, 2, 3, true);
    tg_tensor *y = tg_exp(x);
    tg_tensor *loss = tg_sum(tg_mul(y, x));
    CHECK(tg_backward_ex(loss, NULL, (tg_backward_opts){.retain_graph = true}) == 0);
    double g0 = at(tg_grad(x), 0);
    tg_zero_(tg_detach(y));   /* modifies a saved output behind autograd's back */
    CHECK(tg_backward(loss, NULL) == -1);
    CHECK(tg_last_status() == TG_E_VERSION);
    CHECK(at(tg_grad(x), 0) == g0);
    tg_clear_error();
    tg_scope_end();
}

static void test_detach_and_data(void)
{
    tg_scope_begin();
    tg_tensor *x = vec3(1, 2, 3, true);
    tg_tensor *d = tg_detach(x), *raw = tg_data(x);
    CHECK(!tg_requires_grad(d) && !tg_requires_grad(raw) && tg_is_leaf(d));
    tg_mul_scalar_(d, 2);
    CHECK(tg_version(x) == 1 && at(x, 1) == 4);   /* shares data and version */
    tg_mul_scalar_(raw, 2);
    CHECK(tg_version(x) == 1 && at(x, 1) == 8);   /* shares data, not version */
    tg_scope_end();
}

static void *grad_mode_thread(void *arg)
{
    bool *seen = arg;
    seen[0] = tg_is_grad_enabled();
    tg_set_grad_enabled(false);
    seen[1] = tg_is_grad_enabled();
    return NULL;
}

static void test_grad_mode_is_per_thread(void)
{
    bool seen[2] = {false, true};
    CHECK(tg_is_grad_enabled());
    pthread_t th;
    CHECK(pthread_create(&th, NULL, grad_mode_thread, seen) == 0);
    pthread_join(th, NULL);
    CHECK(seen[0] && !seen[1]);
    CHECK(tg_is_grad_enabled());
    TG_NO_GRAD {
        CHECK(!tg_is_grad_enabled());
    }
    CHECK(tg_is_grad_enabled());
}

/* The per-op chain of bench/bench_chain.c: n ops on x and b. */
static tg_tensor *op_chain(tg_tensor *x, const tg_tensor *b, int n)
{
    for (int i = 0; i < n; i++) {
        switch (i % 5) {
        case 0: x = tg_mul(x, b); break;
        case 1: x = tg_add(x, b); break;
        case 2: x = tg_tanh(x); break;
        case 3: x = tg_sub_scalar(x, 0.5); break;
        default: x = tg_sigmoid(x); break;
        }
    }
    return x;
}

/* Without grad mode an operation on tensors that require grad records no
   node, gives its result no autograd data, and allocates only its result
   (one block for struct, storage and bytes; in debug mode the struct
   apart). */
static void test_no_grad_records_nothing(void)
{
    enum { OPS = 100 };
    tg_scope_begin();
    tg_tensor *x = vec3(0.5, -1, 2, true), *b = vec3(1.5, 0.25, -0.5, true);
    tg_scope_begin();   /* once before, so that the scope's list has room for what follows */
    TG_NO_GRAD { op_chain(x, b, OPS); }
    tg_empty(TG_SHAPE(3), TG_F64);
    tg_scope_end();
    int64_t nodes = tg__live_nodes(), made[] = {tg__nodes_created(TG_OP_MUL), tg__nodes_created(TG_OP_SIGMOID)};
#ifdef TG_FAULT_INJECTION
    int64_t allocations = tg__allocation_count();
    CHECK(tg_empty(TG_SHAPE(3), TG_F64) != NULL);
    int64_t per_result = tg__allocation_count() - allocations;
    CHECK(per_result >= 1 && per_result <= 2);
    allocations = tg__allocation_count();
#endif
    tg_tensor *y = NULL;
    TG_NO_GRAD { y = op_chain(x, b, OPS); }
#ifdef TG_FAULT_INJECTION
    CHECK(tg__allocation_count() - allocations == OPS * per_result);
#endif
    CHECK(y && y->autograd == NULL && !tg_requires_grad(y));
    CHECK(tg__live_nodes() == nodes);
    CHECK(tg__nodes_created(TG_OP_MUL) == made[0] && tg__nodes_created(TG_OP_SIGMOID) == made[1]);
    tg_tensor *z = op_chain(x, b, OPS);   /* with grad mode on: a node per op, and x's and b's AccumulateGrad */
    CHECK(z && tg_requires_grad(z) && tg__live_nodes() == nodes + OPS + 2);
    tg_scope_end();
}

static void test_requires_grad_rules(void)
{
    tg_scope_begin();
    tg_tensor *ints = tg_from_i64((int64_t[]){1}, TG_SHAPE(1));
    CHECK(tg_requires_grad_(ints, true) == NULL);
    CHECK_STR(tg_last_error(), "only Tensors of floating point dtype can require gradients");
    tg_tensor *x = vec3(1, 2, 3, true);
    tg_tensor *y = tg_mul_scalar(x, 2);
    CHECK(tg_requires_grad_(y, false) == NULL);
    CHECK(!tg_is_leaf(y) && tg_is_leaf(x));
    TG_NO_GRAD {
        CHECK(!tg_requires_grad(tg_mul_scalar(x, 2)));
    }
    tg_clear_error();
    tg_scope_end();
}

/* Releasing a very long chain of nodes must not recurse. */
static void test_deep_graph(void)
{
    tg_scope_begin();
    tg_tensor *x = tg_requires_grad_(tg_scalar(1), true);
    tg_tensor *y = tg_retain(x);
    for (int i = 0; i < 200000; i++) {
        tg_tensor *next = tg_add_scalar(y, 1e-6);
        tg_retain(next);
        tg_release(y);
        y = next;
        if (i % 1000 == 0) {   /* keep the scope small: keep only y */
            tg_scope_end();
            tg_scope_begin();
        }
    }
    CHECK(tg_backward(y, NULL) == 0);
    CHECK(at(tg_grad(x), 0) == 1);
    tg_release(y);
    tg_scope_end();
}

static void test_random(void)
{
    tg_scope_begin();
    tg_manual_seed(42);
    tg_tensor *a = tg_rand(TG_SHAPE(100000), TG_F32);
    tg_manual_seed(42);
    tg_tensor *b = tg_rand(TG_SHAPE(100000), TG_F32);
    CHECK(tg_item(tg_sum(tg_abs(tg_sub(a, b)))) == 0);   /* same seed, same stream */
    tg_tensor *mx = tg_max_dim(a, 0, false, NULL), *mn = tg_neg(tg_max_dim(tg_neg(a), 0, false, NULL));
    CHECK(tg_item(mx) < 1 && tg_item(mn) >= 0);
    CHECK_CLOSE(tg_item(tg_mean(a)), 0.5, 0.01);
    tg_tensor *n = tg_randn(TG_SHAPE(100000), TG_F64);
    CHECK_CLOSE(tg_item(tg_mean(n)), 0, 0.01);
    CHECK_CLOSE(tg_item(tg_mean(tg_mul(n, n))), 1, 0.02);
    CHECK(tg_rand(TG_SHAPE(2), TG_I64) == NULL);
    tg_clear_error();
    tg_scope_end();
}

int main(void)
{
    test_random();
    test_scopes_free_everything();
    test_keep_moves_to_parent();
    test_retain_release();
    test_training_loop_is_flat();
    test_null_keeps_first_error();
    test_inplace_errors_leave_tensor();
    test_failed_backward_leaves_grads();
    test_detach_and_data();
    test_grad_mode_is_per_thread();
    test_no_grad_records_nothing();
    test_requires_grad_rules();
    test_deep_graph();
    return TEST_MAIN_END();
}
