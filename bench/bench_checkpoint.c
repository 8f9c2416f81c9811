/* Peak memory of training a deep MLP with activation checkpointing against
   without it: each run in a child process of its own (so that each peak
   RSS is its run's), the same model, batch and steps; prints
   "checkpoint.plain.rss", "checkpoint.segments.rss" (MiB), the ratio, and
   each run's step time (ms):

     bench_checkpoint [LAYERS WIDTH BATCH SEGMENTS]   (default 24 256 1024 6)

   The checkpointed run wraps the same Sequential in
   tg_checkpoint_sequential(model, SEGMENTS, x). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <tensorgrad.h>
#include <unistd.h>

#include "bench.h"

enum { STEPS = 3, MAX_LAYERS = 256 };

typedef struct config {
    int layers, width, batch, segments;
} config;

typedef struct result {
    double rss_mib, step_ms;
} result;

/* LAYERS x (Linear(width, width), Tanh), trained STEPS steps of SGD on
   mean(out^2); segments 0: no checkpointing. */
static result train(const config *c, int segments)
{
    tg_manual_seed(1);
    tg_module *children[2 * MAX_LAYERS];
    for (int i = 0; i < c->layers; i++) {
        children[2 * i] = tg_nn_linear(c->width, c->width, true);
        children[2 * i + 1] = tg_nn_tanh();
    }
    tg_module *model = tg_nn_sequential(children, 2 * c->layers);
    int n = tg_module_parameters(model, NULL, 0);
    tg_tensor **params = malloc((size_t)n * sizeof *params);
    tg_module_parameters(model, params, n);
    for (int i = 0; i < n; i++) tg_retain(params[i]);
    tg_optimizer *opt = tg_sgd(params, n, (tg_sgd_opts){.lr = 0.01});
    tg_tensor *x = tg_retain(tg_randn(TG_SHAPE(c->batch, c->width), TG_F32));
    double start = 0;
    for (int step = 0; step < STEPS; step++) {
        if (step == 1) start = bench_now_us();   /* the first step warms the allocator */
        tg_scope_begin();
        tg_tensor *out = segments ? tg_checkpoint_sequential(model, segments, x) : tg_module_forward(model, x);
        tg_tensor *loss = tg_mean(tg_mul(out, out));
        if (!loss || tg_backward(loss, NULL) != 0 || tg_optimizer_step(opt) != 0) {
            fprintf(stderr, "bench_checkpoint: %s\n", tg_last_error());
            exit(1);
        }
        tg_optimizer_zero_grad(opt);
        tg_scope_end();
    }
    result r = {bench_peak_rss_mib(), (bench_now_us() - start) / 1e3 / (STEPS - 1)};
    tg_optimizer_free(opt);
    for (int i = 0; i < n; i++) tg_release(params[i]);
    free(params);
    tg_release(x);
    tg_module_free(model);
    return r;
}

/* train() in a child process; its result comes back through a pipe. */
static result in_child(const config *c, int segments)
{
    int fds[2];
    result r = {0, 0};
    if (pipe(fds) != 0) return r;
    pid_t pid = fork();
    if (pid == 0) {
        result mine = train(c, segments);
        ssize_t written = write(fds[1], &mine, sizeof mine);
        _exit(written == (ssize_t)sizeof mine ? 0 : 1);
    }
    close(fds[1]);
    if (pid < 0 || read(fds[0], &r, sizeof r) != (ssize_t)sizeof r) r = (result){0, 0};
    close(fds[0]);
    if (pid > 0) waitpid(pid, NULL, 0);
    return r;
}

int main(int argc, char **argv)
{
    config c = {24, 256, 1024, 6};
    if (argc == 5) c = (config){atoi(argv[1]), atoi(argv[2]), atoi(argv[3]), atoi(argv[4])};
    if (c.layers < 1 || c.layers > MAX_LAYERS || c.width < 1 || c.batch < 1 || c.segments < 1) {
        fprintf(stderr, "usage: bench_checkpoint [LAYERS WIDTH BATCH SEGMENTS]\n");
        return 2;
    }
    result plain = in_child(&c, 0), ckpt = in_child(&c, c.segments);
    if (plain.rss_mib <= 0 || ckpt.rss_mib <= 0) {
        fprintf(stderr, "bench_checkpoint: a run failed\n");
        return 1;
    }
    printf("checkpoint.plain.rss %.1f\ncheckpoint.segments.rss %.1f\n", plain.rss_mib, ckpt.rss_mib);
    printf("checkpoint.rss_ratio %.3f\n", ckpt.rss_mib / plain.rss_mib);
    printf("checkpoint.plain.step_ms %.1f\ncheckpoint.segments.step_ms %.1f\n", plain.step_ms, ckpt.step_ms);
    printf("checkpoint.time_ratio %.3f\n", ckpt.step_ms / plain.step_ms);
    return 0;
}
