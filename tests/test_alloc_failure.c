/* Allocation failure: a whole training step (forward, backward, SGD update)
   is run once for every N from 0 to the step's number of allocations, with
   allocation N made to fail. Each run must end in a clean TG_E_OOM error,
   leak nothing, and leave the parameters and their gradients bit for bit as
   they were before the step. */
#include "harness.h"
#include "kernels/kernels.h"
#include "graph/graph.h"

#include <stdlib.h>
#include <tensorgrad.h>

enum { N_PARAMS = 4 };

typedef struct model {
    tg_tensor *x, *y;                 /* data (8, 4) and targets (8, 1) */
    tg_tensor *params[N_PARAMS];      /* w1 (4, 3), b1 (3), w2 (3, 1), b2 (1) */
} model;

static tg_tensor *fixed(const int64_t *shape, int ndim, double scale)
{
    int64_t n = tg__numel(shape, ndim);
    double *v = malloc((size_t)n * sizeof *v);
    for (int64_t i = 0; i < n; i++) v[i] = scale * (double)((i * 7 + 3) % 11 - 5) / 5.0;
    tg_tensor *t = tg_retain(tg_from_f64(v, shape, ndim));
    free(v);
    return t;
}

static model make_model(void)
{
    model m = {fixed(TG_SHAPE(8, 4), 1.0), fixed(TG_SHAPE(8, 1), 0.5),
               {fixed(TG_SHAPE(4, 3), 0.3), fixed(TG_SHAPE(3), 0.1), fixed(TG_SHAPE(3, 1), 0.3),
                fixed(TG_SHAPE(1), 0.1)}};
    tg_tensor *sig = tg_sigmoid(m.y);   /* targets in (0, 1) */
    tg_copy_(m.y, sig);
    for (int i = 0; i < N_PARAMS; i++) tg_requires_grad_(m.params[i], true);
    return m;
}

static void free_model(model *m)
{
    tg_release(m->x);
    tg_release(m->y);
    for (int i = 0; i < N_PARAMS; i++) tg_release(m->params[i]);
}

/* One training step, as a user writes it with tensorgrad's guarantees in
   mind: every operation fails cleanly, a backward writes all gradients or
   none, and the update first makes every new value (which may fail) and
   only then writes them in place (which allocates nothing, so cannot). The
   step accumulates into .grad like PyTorch; if it fails after its backward
   succeeded, it takes that backward's contribution back out again. */
static int train_step(model *m, double lr)
{
    if (tg_scope_begin() < 0) return -1;
    tg_tensor **p = m->params;
    tg_tensor *before[N_PARAMS] = {0};
    for (int i = 0; i < N_PARAMS; i++) {
        before[i] = tg_grad(p[i]) ? tg_clone(tg_grad(p[i])) : NULL;
        if (tg_grad(p[i]) && !before[i]) goto fail;
    }
    tg_tensor *h = tg_relu(tg_add(tg_matmul(m->x, p[0]), p[1]));
    tg_tensor *loss = tg_binary_cross_entropy_with_logits(tg_add(tg_matmul(h, p[2]), p[3]), m->y);
    if (!loss || tg_backward(loss, NULL) != 0) goto fail;
    tg_tensor *update[N_PARAMS];
    for (int i = 0; i < N_PARAMS; i++)
        if (!(update[i] = tg_mul_scalar(tg_grad(p[i]), lr))) goto undo_backward;
    TG_NO_GRAD {
        for (int i = 0; i < N_PARAMS; i++) tg_sub_(p[i], update[i]);
    }
    tg_scope_end();
    return 0;
undo_backward:
    /* Gradients as they were: copied back in place (no allocation), or
       cleared where there were none. */
    for (int i = 0; i < N_PARAMS; i++) {
        if (before[i]) tg__copy_into(tg_grad(p[i]), before[i]);
        else tg_zero_grad(p[i]);
    }
fail:
    tg_scope_end();
    return -1;
}

/* Parameters and gradients, flattened, to compare bit for bit. */
typedef struct snapshot { double values[64]; bool has_grad[N_PARAMS]; int n; } snapshot;

static snapshot take(const model *m)
{
    snapshot s = {.n = 0};
    for (int i = 0; i < N_PARAMS; i++) {
        tg_copy_to_f64(m->params[i], s.values + s.n);
        s.n += (int)tg_numel(m->params[i]);
        s.has_grad[i] = tg_grad(m->params[i]) != NULL;
        if (s.has_grad[i]) {
            tg_copy_to_f64(tg_grad(m->params[i]), s.values + s.n);
            s.n += (int)tg_numel(m->params[i]);
        }
    }
    return s;
}

static bool same(const snapshot *a, const snapshot *b)
{
    return a->n == b->n && memcmp(a->values, b->values, (size_t)a->n * sizeof *a->values) == 0 &&
           memcmp(a->has_grad, b->has_grad, sizeof a->has_grad) == 0;
}

/* Runs the step with allocation k failing for k = 0, 1, ... until the step
   makes fewer than k + 1 allocations and succeeds; returns that count. */
static int64_t sweep(model *m)
{
    for (int64_t k = 0; k < 100000; k++) {
        snapshot before = take(m);
        int64_t tensors = tg__live_tensors(), nodes = tg__live_nodes();
        tg_clear_error();
        tg__fail_allocation_after(k);
        int rc = train_step(m, 0.1);
        tg__fail_allocation_after(-1);
        if (rc == 0) return k;
        snapshot after = take(m);
        CHECK(tg_last_status() == TG_E_OOM);
        CHECK(same(&before, &after));
        CHECK(tg__live_tensors() == tensors && tg__live_nodes() == nodes);
        if (tg_last_status() != TG_E_OOM || !same(&before, &after))
            fprintf(stderr, "  with allocation %lld failing: %s\n", (long long)k, tg_last_error());
    }
    CHECK(!"the step never succeeded");
    return -1;
}

int main(void)
{
    model m = make_model();
    int64_t without_grads = sweep(&m);   /* the first step finds no .grad */
    int64_t with_grads = sweep(&m);      /* later steps accumulate into one */
    printf("allocation sites swept: %lld + %lld\n", (long long)without_grads, (long long)with_grads);
    free_model(&m);
    return TEST_MAIN_END();
}
