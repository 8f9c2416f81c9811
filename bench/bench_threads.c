/* Times add, exp and sum of 16M f32 elements on 1 thread and on N (the
   first argument, default 2), and prints one "name threads microseconds"
   line per run (the best of several) and each workload's speedup. */
#include <stdio.h>
#include <stdlib.h>
#include <tensorgrad.h>
#include <time.h>

enum { N_ELEMENTS = 16 * 1024 * 1024, REPS = 5 };

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

typedef enum workload { ADD, EXP, SUM, N_WORKLOADS } workload;
static const char *const NAMES[] = {"add_16M", "exp_16M", "sum_16M"};

static double best_us(workload w, const tg_tensor *a, const tg_tensor *b)
{
    double best = 1e300;
    for (int r = 0; r < REPS; r++) {
        tg_scope_begin();
        double start = now_us();
        tg_tensor *out = w == ADD ? tg_add(a, b) : w == EXP ? tg_exp(a) : tg_sum(a);
        double us = now_us() - start;
        if (!out) {
            fprintf(stderr, "%s: %s\n", NAMES[w], tg_last_error());
            exit(1);
        }
        tg_scope_end();
        if (us < best) best = us;
    }
    return best;
}

int main(int argc, char **argv)
{
    int threads = argc > 1 ? atoi(argv[1]) : 2;
    tg_manual_seed(0);
    tg_scope_begin();
    tg_tensor *a = tg_rand(TG_SHAPE(N_ELEMENTS), TG_F32), *b = tg_rand(TG_SHAPE(N_ELEMENTS), TG_F32);
    if (!a || !b || tg_set_num_threads(threads) != 0) {
        fprintf(stderr, "bench_threads: %s\n", tg_last_error());
        return 1;
    }
    double us[N_WORKLOADS][2];
    for (int w = 0; w < N_WORKLOADS; w++) {
        for (int k = 0; k < 2; k++) {
            int n = k ? threads : 1;
            tg_set_num_threads(n);
            us[w][k] = best_us((workload)w, a, b);
            printf("%s %d %.0f\n", NAMES[w], n, us[w][k]);
        }
    }
    for (int w = 0; w < N_WORKLOADS; w++)
        printf("%s speedup 1 -> %d threads: %.2fx\n", NAMES[w], threads, us[w][0] / us[w][1]);
    tg_scope_end();
    return 0;
}
