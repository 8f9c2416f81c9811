/* Allocation failure in softmax, log_softmax and the losses: each case's
   forward, its gradient with create_graph and the second derivative
   through that gradient are swept with every allocation failing in turn
   (tests/alloc_sweep.h); each failed run must end in TG_E_OOM and leak
   nothing. */
#include "alloc_sweep.h"

#include <tensorgrad.h>

enum { MAX_INPUTS = 3 };

typedef tg_tensor *(*case_fn)(tg_tensor *const *x);

typedef struct sweep_case {
    const char *name;
    case_fn f;
    int n;   /* inputs that require grad, made by main */
} sweep_case;

static tg_tensor *const *inputs;

/* f(x), d f / d x with create_graph, and d (sum of the squared first
   derivatives) / d x, in a scope of its own. */
static int step(void *ctx)
{
    const sweep_case *c = ctx;
    if (tg_scope_begin() < 0) return -1;
    int rc = -1;
    tg_tensor *out = c->f(inputs), *first[MAX_INPUTS] = {0}, *second[MAX_INPUTS] = {0};
    tg_tensor *total = out ? tg_sum(out) : NULL;
    tg_backward_opts create = {.retain_graph = true, .create_graph = true, .allow_unused = true};
    if (total && tg_autograd_grad(&total, 1, inputs, c->n, NULL, create, first) == 0) {
        tg_tensor *squares = NULL;
        for (int i = 0; i < c->n; i++)
            if (first[i]) {
                tg_tensor *s = tg_sum(tg_mul(first[i], first[i]));
                squares = squares ? tg_add(squares, s) : s;
            }
        if (squares && tg_requires_grad(squares))
            rc = tg_autograd_grad(&squares, 1, inputs, c->n, NULL, (tg_backward_opts){.allow_unused = true}, second);
        else if (squares)
            rc = 0;
    }
    tg_scope_end();
    return rc;
}

static tg_tensor *f_softmax(tg_tensor *const *x) { return tg_softmax(x[0], 1); }
static tg_tensor *f_log_softmax(tg_tensor *const *x) { return tg_log_softmax(x[0], 0); }

static const sweep_case CASES[] = {
    {"softmax", f_softmax, 1},
    {"log_softmax", f_log_softmax, 1},
};

int main(void)
{
    tg_tensor *x[MAX_INPUTS];
    const double values[] = {0.5, -1.0, 2.0, 0.0, 3.0, -0.25, 1.5, 0.75, -2.0, 1.0, 0.25, -0.5};
    for (int i = 0; i < MAX_INPUTS; i++)
        x[i] = tg_requires_grad_(tg_retain(tg_from_f64(values + i, TG_SHAPE(3, 3))), true);
    inputs = x;
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        int64_t n = alloc_sweep(CASES[i].name, step, (void *)&CASES[i]);
        printf("%s: %lld allocation sites swept\n", CASES[i].name, (long long)n);
    }
    for (int i = 0; i < MAX_INPUTS; i++) tg_release(x[i]);
    return TEST_MAIN_END();
}
