/* The per-op overhead workloads of issue 10, on their own so that a
   profiler (perf, valgrind --tool=callgrind) sees only them: a chain of
   1000 ops on 4 floats (mul, add, tanh, sub_scalar, sigmoid), forward and
   backward; the same chain forward under TG_NO_GRAD; and the chain as a
   hand-written C loop. Output: one "name microseconds" line per workload,
   the best of several repetitions, then the no-grad / C ratio.
   `bench_chain N WORKLOAD` (backward, no_grad or c_loop) runs one workload
   N times and prints nothing, for instruction counts under callgrind. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tensorgrad.h>
#include <time.h>

#include "chain.h"

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

typedef struct chain { tg_tensor *a, *b; float ca[4], cb[4], out[4]; } chain;

static tg_tensor *forward(const chain *c) { return chain_ops(c->a, c->b); }

static void chain_backward(chain *c)
{
    tg_backward(tg_sum(forward(c)), NULL);
    tg_zero_grad(c->a);
}

static void chain_no_grad(chain *c)
{
    TG_NO_GRAD { forward(c); }
}

/* What the chain computes, as a C programmer would write it. */
static void chain_c(chain *c) { chain_c_loop(c->ca, c->cb, c->out); }

typedef void (*workload_fn)(chain *c);

static double best_us(workload_fn fn, chain *c, int iters, int reps)
{
    double best = 1e300;
    for (int r = 0; r < reps; r++) {
        double start = now_us();
        for (int i = 0; i < iters; i++) {
            tg_scope_begin();
            fn(c);
            tg_scope_end();
        }
        double per = (now_us() - start) / iters;
        if (per < best) best = per;
    }
    return best;
}

int main(int argc, char **argv)
{
    chain c = {.ca = {0.3f, -1.2f, 0.8f, 2.1f}, .cb = {1.1f, -0.4f, 0.6f, -0.9f}};
    c.a = tg_retain(tg_requires_grad_(tg_from_f32(c.ca, TG_SHAPE(4)), true));
    c.b = tg_retain(tg_from_f32(c.cb, TG_SHAPE(4)));
    if (argc > 2) {   /* a fixed amount of work, for instruction counts */
        workload_fn fn = !strcmp(argv[2], "backward") ? chain_backward
                         : !strcmp(argv[2], "no_grad") ? chain_no_grad : chain_c;
        for (int i = atoi(argv[1]); i > 0; i--) {
            tg_scope_begin();
            fn(&c);
            tg_scope_end();
        }
    } else {
        double bwd = best_us(chain_backward, &c, 20, 10);
        double ng = best_us(chain_no_grad, &c, 50, 10);
        double hand = best_us(chain_c, &c, 200, 10);
        printf("op_chain_1000_backward %.2f\n", bwd);
        printf("op_chain_1000_no_grad %.2f\n", ng);
        printf("op_chain_1000_c_loop %.2f\n", hand);
        printf("no_grad_vs_c_loop %.1f\n", ng / hand);
    }
    tg_release(c.a);
    tg_release(c.b);
    return c.out[0] == 12345.0f;   /* keeps chain_c's result alive */
}
