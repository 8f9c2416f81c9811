/* The 16M-float elementwise kernels and reductions against this process's
   STREAM triad (a = b + 3 c): each op's bytes read and written per second,
   its result allocated inside a scope as a user's code does, and the ratio
   to triad. TENSORGRAD_SIMD=none|avx2|avx512 picks the instruction set
   (docs/performance.md); bench/bench_vecmath.py prints PyTorch's times for
   the same ops. Output: "name microseconds GB/s ratio-to-triad". */
#include <stdio.h>
#include <stdlib.h>
#include <tensorgrad.h>
#include <time.h>

enum { BIG = 16 << 20, REPS = 7 };

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

typedef enum op { ADD, MUL, EXP, TANH, SIGMOID, GELU, SUM, SOFTMAX, LAYER_NORM, OP_COUNT } op;
static const char *const NAMES[OP_COUNT] = {"add", "mul", "exp", "tanh", "sigmoid", "gelu", "sum", "softmax",
                                            "layer_norm"};
/* bytes moved per element: operands read plus the result written */
static const int BYTES[OP_COUNT] = {12, 12, 8, 8, 8, 8, 4, 8, 8};

static void run(op o, tg_tensor *a, tg_tensor *b, tg_tensor *rows)
{
    switch (o) {
    case ADD: tg_add(a, b); break;
    case MUL: tg_mul(a, b); break;
    case EXP: tg_exp(a); break;
    case TANH: tg_tanh(a); break;
    case SIGMOID: tg_sigmoid(a); break;
    case GELU: tg_gelu(a); break;
    case SUM: tg_sum(a); break;
    case SOFTMAX: tg_softmax(rows, 1); break;
    case LAYER_NORM: tg_layer_norm(rows, (int64_t[]){1024}, 1, NULL, NULL, 1e-5); break;
    case OP_COUNT: break;
    }
}

static void triad(float *x, const float *y, const float *z)
{
    for (int64_t i = 0; i < BIG; i++) x[i] = y[i] + 3.0f * z[i];
}

int main(void)
{
    tg_manual_seed(0);
    tg_tensor *a = tg_retain(tg_randn((int64_t[]){BIG}, 1, TG_F32));
    tg_tensor *b = tg_retain(tg_randn((int64_t[]){BIG}, 1, TG_F32));
    tg_tensor *rows = tg_retain(tg_randn((int64_t[]){BIG / 1024, 1024}, 2, TG_F32));
    float *x = malloc(BIG * sizeof(float)), *y = malloc(BIG * sizeof(float)), *z = malloc(BIG * sizeof(float));
    if (!a || !b || !rows || !x || !y || !z) return 1;
    for (int64_t i = 0; i < BIG; i++) x[i] = 0, y[i] = (float)i, z[i] = 1;
    /* interleaved: each round times triad and every op once; the best of the rounds counts */
    double best_triad = 1e300, best[OP_COUNT];
    for (int k = 0; k < OP_COUNT; k++) best[k] = 1e300;
    for (int r = 0; r < REPS; r++) {
        double t0 = now_us();
        triad(x, y, z);
        double t = now_us() - t0;
        if (t < best_triad) best_triad = t;
        for (int k = 0; k < OP_COUNT; k++) {
            tg_scope_begin();
            t0 = now_us();
            run((op)k, a, b, rows);
            t = now_us() - t0;
            tg_scope_end();
            if (t < best[k]) best[k] = t;
        }
    }
    const char *simd = getenv("TENSORGRAD_SIMD");
    double triad_gbs = 12.0 * BIG / best_triad / 1e3;
    printf("# 16M f32, TENSORGRAD_SIMD=%s, check %g\n", simd ? simd : "(unset)", (double)x[BIG / 2]);
    printf("triad %.0f %.2f 1.00\n", best_triad, triad_gbs);
    for (int k = 0; k < OP_COUNT; k++) {
        double gbs = (double)BYTES[k] * BIG / best[k] / 1e3;
        printf("%s %.0f %.2f %.2f\n", NAMES[k], best[k], gbs, gbs / triad_gbs);
    }
    free(x), free(y), free(z);
    tg_release(a), tg_release(b), tg_release(rows);
    return 0;
}
