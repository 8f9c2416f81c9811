/* A progress line for the training examples: on a terminal a bar redrawn in
   place with \r (steps, loss, steps per second, time left); when the output
   is a file or a pipe, one plain line per call. Header-only: each example
   includes it. */
#ifndef EXAMPLES_PROGRESS_H
#define EXAMPLES_PROGRESS_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

typedef struct progress {
    int total;            /* steps in the run */
    int first;            /* steps done before this process started (a resumed run) */
    bool on_terminal;
    struct timespec start;
} progress;

static inline double progress__seconds_since(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) * 1e-9;
}

/* A run of total steps whose first `first` were done before (resumed from
   a checkpoint): they count as done but not in the speed. */
static inline progress progress_start_at(int first, int total)
{
    progress p = {.total = total, .first = first, .on_terminal = isatty(fileno(stdout)) != 0};
    clock_gettime(CLOCK_MONOTONIC, &p.start);
    return p;
}

static inline progress progress_start(int total)
{
    return progress_start_at(0, total);
}

/* Reports that `done` of the steps are finished, the last with this loss. */
static inline void progress_show(const progress *p, int done, double loss)
{
    enum { WIDTH = 30 };
    double elapsed = progress__seconds_since(&p->start);
    double rate = elapsed > 0 ? (done - p->first) / elapsed : 0;
    double left = rate > 0 ? (p->total - done) / rate : 0;
    if (!p->on_terminal) {
        printf("step %d/%d  loss %.4f  %.0f steps/s  %.1fs left\n", done, p->total, loss, rate, left);
        return;
    }
    int filled = p->total > 0 ? WIDTH * done / p->total : WIDTH;
    char bar[WIDTH + 1];
    for (int i = 0; i < WIDTH; i++) bar[i] = i < filled ? '#' : '.';
    bar[WIDTH] = '\0';
    printf("\r[%s] %d/%d  loss %.4f  %.0f steps/s  %.1fs left ", bar, done, p->total, loss, rate, left);
    if (done == p->total) printf("\n");
    fflush(stdout);
}

#endif
