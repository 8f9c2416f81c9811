/* The per-op overhead workload of issue 10, shared by bench_ops.c and
   bench_chain.c: 1000 ops on 4 floats, cycling through mul, add, tanh,
   sub_scalar and sigmoid, as tensorgrad operations and as the C loop a
   programmer would write for the same 4 floats. */
#ifndef BENCH_CHAIN_H
#define BENCH_CHAIN_H

#include <math.h>
#include <string.h>
#include <tensorgrad.h>

enum { CHAIN_OPS = 1000 };

static inline tg_tensor *chain_ops(tg_tensor *x, const tg_tensor *b)
{
    tg_tensor *y = x;
    for (int i = 0; i < CHAIN_OPS; i++) {
        switch (i % 5) {
        case 0: y = tg_mul(y, b); break;
        case 1: y = tg_add(y, b); break;
        case 2: y = tg_tanh(y); break;
        case 3: y = tg_sub_scalar(y, 0.5); break;
        default: y = tg_sigmoid(y); break;
        }
    }
    return y;
}

static inline void chain_c_loop(const float x[4], const float b[4], float out[4])
{
    float y[4];
    memcpy(y, x, sizeof y);
    for (int i = 0; i < CHAIN_OPS; i++) {
        for (int j = 0; j < 4; j++) {
            switch (i % 5) {
            case 0: y[j] *= b[j]; break;
            case 1: y[j] += b[j]; break;
            case 2: y[j] = tanhf(y[j]); break;
            case 3: y[j] -= 0.5f; break;
            default: y[j] = 1.0f / (1.0f + expf(-y[j])); break;
            }
        }
    }
    memcpy(out, y, sizeof y);
}

#endif
