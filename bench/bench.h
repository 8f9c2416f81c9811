/* What every benchmark program in bench/ shares: a clock, best-of-N timing
   and the process's memory counters. Each program prints one
   "key value" line per measurement; bench/table.py turns the lines of all
   programs into the table. */
#ifndef TG_BENCH_H
#define TG_BENCH_H

#include <stdio.h>
#include <sys/resource.h>
#include <time.h>

static inline double bench_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

typedef void (*bench_fn)(void *ctx);

/* The best of `reps` runs of `iters` calls, per call, in microseconds. */
static inline double bench_best_us(bench_fn fn, void *ctx, int iters, int reps)
{
    double best = 1e300;
    for (int r = 0; r < reps; r++) {
        double start = bench_now_us();
        for (int i = 0; i < iters; i++) fn(ctx);
        double per = (bench_now_us() - start) / iters;
        if (per < best) best = per;
    }
    return best;
}

/* Peak resident set size of this process so far, in MiB. */
static inline double bench_peak_rss_mib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_maxrss / 1024.0;
}

/* Minor page faults of this process so far: memory taken from the system. */
static inline long bench_minor_faults(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_minflt;
}

#endif
