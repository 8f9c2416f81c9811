/* Allocation-failure sweeps for tests built with TG_FAULT_INJECTION: runs a
   step once with allocation k failing, for k = 0, 1, ... until the step
   makes fewer than k + 1 allocations (so the failure was never reached).
   A run may succeed with its failure absorbed (an optional saved alias, say);
   every failed run must end in a TG_E_OOM error and leave as many live
   tensors and nodes as before it (nothing leaked, nothing half-made). Each run is inside a scope the sweep
   opens before the failure is armed and ends after, so the step's results
   are freed; the step returns 0 or -1 (a step that opens scopes of its own
   must check tg_scope_begin's result: it allocates too). */
#ifndef TG_TEST_ALLOC_SWEEP_H
#define TG_TEST_ALLOC_SWEEP_H

#include "harness.h"
#include "core/core.h"
#include "graph/graph.h"

typedef int (*alloc_step_fn)(void *ctx);

/* Returns the number of allocations the step makes, or -1. */
static int64_t alloc_sweep(const char *what, alloc_step_fn step, void *ctx)
{
    for (int64_t k = 0; k < 1000000; k++) {
        int64_t tensors = tg__live_tensors(), nodes = tg__live_nodes();
        tg_clear_error();
        tg_scope_begin();
        int64_t start = tg__allocation_count();
        tg__fail_allocation_after(k);
        int rc = step(ctx);
        tg__fail_allocation_after(-1);
        int64_t made = tg__allocation_count() - start;
        tg_scope_end();
        if (made <= k) {
            CHECK(rc == 0);
            return made;
        }
        if (rc == 0) continue;
        bool oom = tg_last_status() == TG_E_OOM;
        bool kept = tg__live_tensors() == tensors && tg__live_nodes() == nodes;
        CHECK(oom);
        CHECK(kept);
        if (!oom || !kept)
            fprintf(stderr, "  %s with allocation %lld failing: %s%s\n", what, (long long)k, tg_last_error(),
                    kept ? "" : " (live tensors or nodes changed)");
    }
    CHECK(!"the step never succeeded");
    return -1;
}

/* A function of fixed inputs swept with its first two derivatives: f(x),
   the gradient of sum(f(x)) with create_graph, and the gradient of the sum
   of that gradient's squares. */
enum { GRAD_CASE_INPUTS = 3 };
typedef struct grad_case {
    const char *name;
    tg_tensor *(*f)(tg_tensor *const *x);
    int n;   /* the leading inputs that require grad; 0: the forward alone */
} grad_case;
typedef struct grad_run {
    const grad_case *c;
    tg_tensor *const *inputs;
} grad_run;

static inline int grad_step(void *ctx)
{
    const grad_run *r = ctx;
    tg_tensor *const *x = r->inputs;
    int n = r->c->n;
    tg_tensor *out = r->c->f(x), *first[GRAD_CASE_INPUTS] = {0}, *second[GRAD_CASE_INPUTS] = {0};
    if (!out) return -1;
    if (n == 0) return 0;
    tg_tensor *total = tg_sum(out);
    tg_backward_opts create = {.retain_graph = true, .create_graph = true, .allow_unused = true};
    if (!total || tg_autograd_grad(&total, 1, x, n, NULL, create, first) != 0) return -1;
    tg_tensor *squares = NULL;
    for (int i = 0; i < n; i++)
        if (first[i]) {
            tg_tensor *s = tg_sum(tg_mul(first[i], first[i]));
            squares = squares ? tg_add(squares, s) : s;
        }
    if (!squares) return -1;
    if (!tg_requires_grad(squares)) return 0;
    return tg_autograd_grad(&squares, 1, x, n, NULL, (tg_backward_opts){.allow_unused = true}, second);
}

/* alloc_sweep of each case over inputs, saying how many allocations each
   makes. */
static inline void sweep_grad_cases(const grad_case *cases, size_t n_cases, tg_tensor *const *inputs)
{
    for (size_t i = 0; i < n_cases; i++) {
        grad_run r = {&cases[i], inputs};
        int64_t n = alloc_sweep(cases[i].name, grad_step, &r);
        printf("%s: %lld allocation sites swept\n", cases[i].name, (long long)n);
    }
}

#endif
