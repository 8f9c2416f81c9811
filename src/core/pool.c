/* The thread pool behind tg__parallel_for, and tg_set_num_threads.

   Note [Pool]: one process-wide pool of tg_get_num_threads() - 1 workers,
   started at the first parallel_for that needs them (and restarted there
   after the count changes). One thread at a time uses it: the user thread
   holding `use_lock` posts a job (a range cut into pieces), takes pieces
   itself along with the workers, and waits for the last one. Another user
   thread that finds the pool in use runs its range inline instead of
   waiting, and code running inside a piece (on a worker or on the posting
   thread) never posts again, so there is no nesting and no deadlock. Idle
   workers sleep on a condition variable. BLAS calls hold `use_lock` too
   (tg__blas_begin), so OpenBLAS's threads and the pool's never compete for
   the cores. At exit the workers are stopped and joined. */
#include "core.h"
#include "pool.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static pthread_mutex_t use_lock = PTHREAD_MUTEX_INITIALIZER;   /* held by the thread using the pool */

/* The job and the workers, under `lock`. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t work_posted = PTHREAD_COND_INITIALIZER;
static pthread_cond_t job_done = PTHREAD_COND_INITIALIZER;
static struct {
    tg_range_fn fn;
    void *ctx;
    int64_t begin, length;
    int pieces, next, unfinished;   /* pieces handed out so far, not yet finished */
    uint64_t generation;            /* counts the jobs posted */
    bool stop;                      /* workers exit */
} job;
static pthread_t *workers;
static int n_workers;   /* changed only under use_lock */

static _Atomic int num_threads;   /* 0 until first read */
static _Thread_local bool in_pool;   /* running a piece, or holding use_lock */

/* ------------------------------------------------------- the thread count */

/* Whether cpu is the first logical CPU of its physical core (sysfs). */
static bool first_of_core(long cpu)
{
    char path[96];
    snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu%ld/topology/thread_siblings_list", cpu);
    FILE *f = fopen(path, "r");
    if (!f) return false;
    long first = -1;
    bool ok = fscanf(f, "%ld", &first) == 1;
    fclose(f);
    return ok && first == cpu;
}

/* What PyTorch starts with: OMP_NUM_THREADS when it is a positive integer,
   else the number of physical cores, else of online CPUs. */
static int default_threads(void)
{
    const char *env = getenv("OMP_NUM_THREADS");
    if (env && *env) {
        char *end;
        errno = 0;
        long n = strtol(env, &end, 10);
        if (!errno && *end == '\0' && n >= 1 && n <= INT_MAX) return (int)n;
    }
    long online = sysconf(_SC_NPROCESSORS_ONLN), cores = 0;
    for (long cpu = 0; cpu < online; cpu++) cores += first_of_core(cpu);
    if (cores >= 1 && cores <= online) return (int)cores;
    return online >= 1 && online <= INT_MAX ? (int)online : 1;
}

int tg_get_num_threads(void)
{
    int n = num_threads;
    if (n == 0) {
        int expected = 0;
        atomic_compare_exchange_strong(&num_threads, &expected, default_threads());
        n = num_threads;
    }
    return n;
}

int tg_set_num_threads(int n)
{
    if (n < 1) return tg__faili(TG_E_INVALID, "%s(): expects a positive number of threads, got %d", __func__, n);
    num_threads = n;
    return 0;
}

/* ------------------------------------------------------------- the workers */

static int64_t piece_start(int i) { return job.begin + job.length * i / job.pieces; }

/* Takes and runs pieces of the current job until none is left. Called and
   returns with `lock` held. */
static void run_pieces(void)
{
    while (job.next < job.pieces) {
        int i = job.next++;
        int64_t b = piece_start(i), e = piece_start(i + 1);
        tg_range_fn fn = job.fn;
        void *ctx = job.ctx;
        pthread_mutex_unlock(&lock);
        fn(b, e, ctx);
        pthread_mutex_lock(&lock);
        if (--job.unfinished == 0) pthread_cond_signal(&job_done);
    }
}

/* arg: the jobs posted before the worker was started, which it skips. */
static void *worker_main(void *arg)
{
    in_pool = true;
    pthread_mutex_lock(&lock);
    for (uint64_t seen = (uint64_t)(uintptr_t)arg;;) {
        while (!job.stop && job.generation == seen) pthread_cond_wait(&work_posted, &lock);
        if (job.stop) break;
        seen = job.generation;
        run_pieces();
    }
    pthread_mutex_unlock(&lock);
    return NULL;
}

/* Stops and joins every worker. Called with use_lock held. */
static void stop_workers(void)
{
    pthread_mutex_lock(&lock);
    job.stop = true;
    pthread_cond_broadcast(&work_posted);
    pthread_mutex_unlock(&lock);
    for (int i = 0; i < n_workers; i++) pthread_join(workers[i], NULL);
    free(workers);
    workers = NULL;
    n_workers = 0;
    job.stop = false;
}

/* At exit, unless a thread is using the pool (exit from inside a piece):
   then the process ends with the workers asleep. */
static void shut_down(void)
{
    if (pthread_mutex_trylock(&use_lock) != 0) return;
    stop_workers();
    pthread_mutex_unlock(&use_lock);
}

static void register_shut_down(void) { atexit(shut_down); }

/* Makes the pool n - 1 workers strong, as far as threads can be started
   (the posting thread runs whatever pieces nobody else takes). Called with
   use_lock held. */
static void resize(int n)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, register_shut_down);
    if (n_workers) stop_workers();
    workers = malloc((size_t)(n - 1) * sizeof *workers);
    if (!workers) return;
    void *posted = (void *)(uintptr_t)job.generation;   /* jobs are posted under use_lock, which is held */
    while (n_workers < n - 1 && pthread_create(&workers[n_workers], NULL, worker_main, posted) == 0) n_workers++;
}

void tg__parallel_for(int64_t begin, int64_t end, int64_t grain, tg_range_fn fn, void *ctx)
{
    int64_t length = end - begin;
    if (length <= 0) return;
    int threads = tg_get_num_threads();
    /* While recording, the kernels the pieces call are recorded on this
       thread, in order (Note [Capture] in capture.c). */
    if (length <= grain || threads == 1 || tg__capture_on() || in_pool || pthread_mutex_trylock(&use_lock) != 0) {
        fn(begin, end, ctx);
        return;
    }
    in_pool = true;
    if (n_workers != threads - 1) resize(threads);
    int64_t most = (length + grain - 1) / grain;
    pthread_mutex_lock(&lock);
    job.fn = fn;
    job.ctx = ctx;
    job.begin = begin;
    job.length = length;
    job.pieces = most < threads ? (int)most : threads;
    job.next = 0;
    job.unfinished = job.pieces;
    job.generation++;
    pthread_cond_broadcast(&work_posted);
    run_pieces();
    while (job.unfinished > 0) pthread_cond_wait(&job_done, &lock);
    pthread_mutex_unlock(&lock);
    in_pool = false;
    pthread_mutex_unlock(&use_lock);
}

tg_blas_lease tg__blas_begin(void)
{
    int threads = tg_get_num_threads();
    if (threads == 1 || in_pool) return (tg_blas_lease){1, false};
    pthread_mutex_lock(&use_lock);
    in_pool = true;
    return (tg_blas_lease){threads, true};
}

void tg__blas_end(tg_blas_lease lease)
{
    if (!lease.held) return;
    in_pool = false;
    pthread_mutex_unlock(&use_lock);
}
