/* Threads: each thread trains its own model, threads share parameters under
   a lock or read them without one, tensors move between threads, and grad
   mode, scopes and errors stay per thread. Meant to run under
   ThreadSanitizer (make test SANITIZE=thread), where any data race fails it.

   The harness's counters are plain ints, so worker threads record what they
   saw and the main thread CHECKs it after pthread_join (or they use TCHECK,
   which takes a lock). */
#include "harness.h"
#include "core/pool.h"
#include "graph/graph.h"

#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <tensorgrad.h>

static pthread_mutex_t check_lock = PTHREAD_MUTEX_INITIALIZER;

#define TCHECK(cond) do {                   \
        bool tcheck_ = (cond);              \
        pthread_mutex_lock(&check_lock);    \
        CHECK(tcheck_ && #cond);            \
        pthread_mutex_unlock(&check_lock);  \
    } while (0)

/* Starts n threads, fn(args + i * arg_size) each. A thread that cannot be
   started ends the test program (the others may be waiting for it). */
static void start_threads(pthread_t *th, int n, void *(*fn)(void *), void *args, size_t arg_size)
{
    for (int i = 0; i < n; i++)
        if (pthread_create(&th[i], NULL, fn, (char *)args + (size_t)i * arg_size) != 0) {
            fprintf(stderr, "pthread_create failed\n");
            exit(1);
        }
}

static void join_threads(pthread_t *th, int n)
{
    for (int i = 0; i < n; i++) pthread_join(th[i], NULL);
}

/* A tiny deterministic generator for data and initial weights, so that a
   model's numbers do not depend on which thread reaches tg_rand first. */
static float lcg_uniform(uint64_t *s)
{
    *s = *s * 6364136223846793005ull + 1442695040888963407ull;
    return (float)((*s >> 40) * 0x1.0p-24) - 0.5f;   /* [-0.5, 0.5) */
}

static tg_tensor *lcg_tensor(uint64_t *s, float scale, const int64_t *shape, int ndim)
{
    float buf[512];
    int64_t n = tg__numel(shape, ndim);
    if (n > 512) return NULL;
    for (int64_t i = 0; i < n; i++) buf[i] = scale * lcg_uniform(s);
    return tg_from_f32(buf, shape, ndim);
}

/* ------------------------------------------- 1. one model per thread */

enum { N_SAMPLES = 32, N_IN = 6, N_HIDDEN = 12, TRAIN_STEPS = 300, N_MODELS = 4 };

typedef struct train_job {
    int model;                          /* seeds the data; odd models use BCE */
    double losses[TRAIN_STEPS];
    float params[N_IN * N_HIDDEN + N_HIDDEN + N_HIDDEN + 1];
    int failures;                       /* calls that failed */
    char error[256];
} train_job;

static void train_fail(train_job *job)
{
    if (job->failures++ == 0) snprintf(job->error, sizeof job->error, "%s", tg_last_error());
}

static void *train(void *arg)
{
    train_job *job = arg;
    uint64_t s = 0x5EED0000u + (uint64_t)job->model;
    bool bce = job->model % 2;
    tg_scope_begin();
    tg_tensor *x = lcg_tensor(&s, 4, TG_SHAPE(N_SAMPLES, N_IN));
    /* Targets from a fixed teacher: labels for BCE, values in (0, 1) for MSE. */
    tg_tensor *teacher = lcg_tensor(&s, 2, TG_SHAPE(N_IN, 1));
    tg_tensor *y = tg_sigmoid(tg_matmul(x, teacher));
    double v[N_SAMPLES];
    float labels[N_SAMPLES];
    if (bce && tg_copy_to_f64(y, v) == 0) {
        for (int i = 0; i < N_SAMPLES; i++) labels[i] = v[i] > 0.5;
        y = tg_from_f32(labels, TG_SHAPE(N_SAMPLES, 1));
    }
    tg_tensor *params[4] = {
        lcg_tensor(&s, 1, TG_SHAPE(N_IN, N_HIDDEN)),
        lcg_tensor(&s, 0.2f, TG_SHAPE(N_HIDDEN)),
        lcg_tensor(&s, 1, TG_SHAPE(N_HIDDEN, 1)),
        lcg_tensor(&s, 0.2f, TG_SHAPE(1)),
    };
    for (int i = 0; i < 4; i++) params[i] = tg_retain(tg_requires_grad_(params[i], true));
    if (!x || !y || !params[0] || !params[1] || !params[2] || !params[3]) train_fail(job);

    const double lr = bce ? 0.5 : 2.0;
    for (int step = 0; step < TRAIN_STEPS && !job->failures; step++) {
        tg_scope_begin();
        tg_tensor *h = tg_relu(tg_add(tg_matmul(x, params[0]), params[1]));
        tg_tensor *out = tg_add(tg_matmul(h, params[2]), params[3]);
        tg_tensor *loss = bce ? tg_binary_cross_entropy_with_logits(out, y)
                              : tg_mse_loss(tg_sigmoid(out), y);
        job->losses[step] = tg_item(loss);
        if (!loss || tg_backward(loss, NULL) != 0) train_fail(job);
        TG_NO_GRAD {
            for (int i = 0; i < 4; i++) {
                if (!tg_sub_(params[i], tg_mul_scalar(tg_grad(params[i]), lr))) train_fail(job);
                tg_zero_grad(params[i]);
            }
        }
        tg_scope_end();
    }

    double buf[N_IN * N_HIDDEN];
    float *p = job->params;
    for (int i = 0; i < 4; i++) {
        if (!params[i] || tg_copy_to_f64(params[i], buf)) {
            train_fail(job);
            continue;
        }
        for (int64_t k = 0; k < tg_numel(params[i]); k++) *p++ = (float)buf[k];
        tg_release(params[i]);
    }
    tg_scope_end();
    return NULL;
}

static void test_independent_training(void)
{
    int64_t tensors = tg__live_tensors(), nodes = tg__live_nodes();
    static train_job alone[N_MODELS], together[N_MODELS];
    pthread_t th[N_MODELS];
    /* Each model alone on a thread of its own, one after the other ... */
    for (int m = 0; m < N_MODELS; m++) {
        alone[m].model = m;
        start_threads(&th[m], 1, train, &alone[m], sizeof alone[m]);
        join_threads(&th[m], 1);
    }
    /* ... and all at once. */
    for (int m = 0; m < N_MODELS; m++) together[m].model = m;
    start_threads(th, N_MODELS, train, together, sizeof together[0]);
    join_threads(th, N_MODELS);

    for (int m = 0; m < N_MODELS; m++) {
        CHECK(alone[m].failures == 0 && together[m].failures == 0);
        if (alone[m].failures) fprintf(stderr, "model %d alone: %s\n", m, alone[m].error);
        if (together[m].failures) fprintf(stderr, "model %d together: %s\n", m, together[m].error);
        double first = together[m].losses[0], last = together[m].losses[TRAIN_STEPS - 1];
        CHECK(last == last && last < 0.5 * first);   /* trained */
        /* Bit for bit what the same training gives alone. */
        CHECK(memcmp(alone[m].losses, together[m].losses, sizeof alone[m].losses) == 0);
        CHECK(memcmp(alone[m].params, together[m].params, sizeof alone[m].params) == 0);
    }
    CHECK(together[0].losses[TRAIN_STEPS - 1] != together[2].losses[TRAIN_STEPS - 1]);
    /* Each thread's root scope went with the thread. */
    CHECK(tg__live_tensors() == tensors);
    CHECK(tg__live_nodes() == nodes);
}

/* ------------------------- 2. shared parameters, updated under a lock */

enum { N_READERS = 3, READER_STEPS = 60 };

typedef struct shared_model {
    pthread_mutex_t lock;        /* guards the parameters and their .grad */
    tg_tensor *params[3];        /* W (N_IN, N_HIDDEN), b (N_HIDDEN), v (N_HIDDEN, 1) */
    int updates;                 /* steps that found gradients, under lock */
    int readers_done;            /* under lock */
} shared_model;

typedef struct reader_job {
    shared_model *model;
    int id;
    int failures;
    double last_loss;
} reader_job;

static tg_tensor *shared_forward(tg_tensor *const *p, const tg_tensor *x)
{
    return tg_matmul(tg_relu(tg_add(tg_matmul(x, p[0]), p[1])), p[2]);
}

static void *shared_reader(void *arg)
{
    reader_job *job = arg;
    shared_model *m = job->model;
    uint64_t s = 0xABCDu + (uint64_t)job->id;
    for (int step = 0; step < READER_STEPS; step++) {
        tg_scope_begin();
        tg_tensor *x = lcg_tensor(&s, 2, TG_SHAPE(8, N_IN));
        tg_tensor *y = lcg_tensor(&s, 1, TG_SHAPE(8, 1));
        pthread_mutex_lock(&m->lock);
        tg_tensor *loss = tg_mse_loss(shared_forward(m->params, x), y);
        if (!loss || tg_backward(loss, NULL) != 0) job->failures++;
        pthread_mutex_unlock(&m->lock);
        /* The graph (and the AccumulateGrad nodes the other threads' graphs
           may share) goes here, outside the lock. */
        job->last_loss = tg_item(loss);
        tg_scope_end();
        sched_yield();
    }
    pthread_mutex_lock(&m->lock);
    m->readers_done++;
    pthread_mutex_unlock(&m->lock);
    return NULL;
}

static void *shared_updater(void *arg)
{
    shared_model *m = arg;
    for (bool done = false; !done;) {   /* until the readers are done and their gradients used */
        pthread_mutex_lock(&m->lock);
        done = m->readers_done == N_READERS;
        tg_scope_begin();
        bool any = false;
        TG_NO_GRAD {
            for (int i = 0; i < 3; i++) {
                tg_tensor *g = tg_grad(m->params[i]);
                if (!g) continue;
                any = true;
                tg_sub_(m->params[i], tg_mul_scalar(g, 0.01));
                tg_zero_grad(m->params[i]);
            }
        }
        m->updates += any;
        tg_scope_end();
        pthread_mutex_unlock(&m->lock);
        sched_yield();
    }
    return NULL;
}

static void make_shared_params(tg_tensor **params, uint64_t seed)
{
    uint64_t s = seed;
    tg_scope_begin();
    params[0] = tg_retain(tg_requires_grad_(lcg_tensor(&s, 1, TG_SHAPE(N_IN, N_HIDDEN)), true));
    params[1] = tg_retain(tg_requires_grad_(lcg_tensor(&s, 0.2f, TG_SHAPE(N_HIDDEN)), true));
    params[2] = tg_retain(tg_requires_grad_(lcg_tensor(&s, 1, TG_SHAPE(N_HIDDEN, 1)), true));
    tg_scope_end();
}

static void test_shared_params_under_lock(void)
{
    int64_t tensors = tg__live_tensors(), nodes = tg__live_nodes();
    shared_model m = {.lock = PTHREAD_MUTEX_INITIALIZER};
    make_shared_params(m.params, 42);
    CHECK(m.params[0] && m.params[1] && m.params[2]);
    if (!m.params[0] || !m.params[1] || !m.params[2]) return;

    reader_job jobs[N_READERS];
    pthread_t readers[N_READERS], updater;
    for (int i = 0; i < N_READERS; i++) jobs[i] = (reader_job){.model = &m, .id = i};
    start_threads(readers, N_READERS, shared_reader, jobs, sizeof jobs[0]);
    start_threads(&updater, 1, shared_updater, &m, 0);
    join_threads(readers, N_READERS);
    join_threads(&updater, 1);

    for (int i = 0; i < N_READERS; i++) {
        CHECK(jobs[i].failures == 0);
        CHECK(isfinite(jobs[i].last_loss));
    }
    CHECK(m.updates > 0);
    /* Every update bumped each parameter's version once. */
    CHECK(tg_version(m.params[0]) == (uint64_t)m.updates);
    CHECK(tg_version(m.params[2]) == (uint64_t)m.updates);
    for (int i = 0; i < 3; i++) tg_release(m.params[i]);
    CHECK(tg__live_tensors() == tensors);
    CHECK(tg__live_nodes() == nodes);
}

/* ------------- 2b. shared parameters read (not written) without a lock */

enum { N_GRADERS = 4, GRADER_STEPS = 50 };

typedef struct grader_job {
    tg_tensor *const *params;
    int id;
    int failures;
    double sums[GRADER_STEPS];   /* sum of d(loss)/d(W) per step */
} grader_job;

static void *shared_grader(void *arg)
{
    grader_job *job = arg;
    uint64_t s = 0x600Du + (uint64_t)job->id;
    for (int step = 0; step < GRADER_STEPS; step++) {
        tg_scope_begin();
        tg_tensor *x = lcg_tensor(&s, 2, TG_SHAPE(4, N_IN));
        tg_tensor *loss = tg_sum(tg_sigmoid(shared_forward(job->params, x)));
        tg_tensor *grads[3] = {0};
        /* tg_autograd_grad leaves .grad alone, so nothing shared is written. */
        if (tg_autograd_grad(&loss, 1, job->params, 3, NULL, (tg_backward_opts){0}, grads) != 0)
            job->failures++;
        job->sums[step] = tg_item(tg_sum(grads[0]));
        TG_NO_GRAD {   /* and a no-grad read of the same parameters */
            if (tg_grad_fn(shared_forward(job->params, x))) job->failures++;
        }
        tg_scope_end();
    }
    return NULL;
}

static void test_shared_params_read_only(void)
{
    int64_t tensors = tg__live_tensors(), nodes = tg__live_nodes();
    tg_tensor *params[3];
    make_shared_params(params, 7);
    CHECK(params[0] && params[1] && params[2]);
    if (!params[0] || !params[1] || !params[2]) return;

    static grader_job alone[N_GRADERS], together[N_GRADERS];
    pthread_t th[N_GRADERS];
    for (int i = 0; i < N_GRADERS; i++) {
        alone[i] = (grader_job){.params = params, .id = i};
        together[i] = alone[i];
        start_threads(&th[i], 1, shared_grader, &alone[i], sizeof alone[i]);
        join_threads(&th[i], 1);
    }
    start_threads(th, N_GRADERS, shared_grader, together, sizeof together[0]);
    join_threads(th, N_GRADERS);
    for (int i = 0; i < N_GRADERS; i++) {
        CHECK(alone[i].failures == 0 && together[i].failures == 0);
        CHECK(memcmp(alone[i].sums, together[i].sums, sizeof alone[i].sums) == 0);
    }
    for (int i = 0; i < 3; i++) {
        CHECK(tg_grad(params[i]) == NULL);
        CHECK(tg_version(params[i]) == 0);
        tg_release(params[i]);
    }
    CHECK(tg__live_tensors() == tensors);
    CHECK(tg__live_nodes() == nodes);
}

/* ------- 2c. backward into shared parameters from several threads at once */

enum { N_HOGWILD = 4, HOGWILD_STEPS = 50 };

typedef struct hogwild_job {
    tg_tensor *w;                /* shared leaf, (2, 3) f64 */
    int id;
    int failures;
} hogwild_job;

/* Each step adds (id + 1) * [1 2 3; 4 5 6] to w's .grad: whole numbers, so
   the total does not depend on the order the threads accumulate in. */
static void *hogwild(void *arg)
{
    hogwild_job *job = arg;
    for (int step = 0; step < HOGWILD_STEPS; step++) {
        tg_scope_begin();
        tg_tensor *c = tg_mul_scalar(tg_arange(1, 7, 1, TG_F64), job->id + 1);
        tg_tensor *loss = tg_sum(tg_mul(tg_relu(job->w), tg_view(c, TG_SHAPE(2, 3))));
        if (!loss || tg_backward(loss, NULL) != 0) job->failures++;
        tg_scope_end();
    }
    return NULL;
}

static void test_concurrent_accumulation(void)
{
    int64_t tensors = tg__live_tensors(), nodes = tg__live_nodes();
    tg_scope_begin();
    tg_tensor *w = tg_requires_grad_(tg_full(TG_SHAPE(2, 3), 0.5, TG_F64), true);
    hogwild_job jobs[N_HOGWILD];
    for (int i = 0; i < N_HOGWILD; i++) jobs[i] = (hogwild_job){w, i, 0};
    pthread_t th[N_HOGWILD];
    start_threads(th, N_HOGWILD, hogwild, jobs, sizeof jobs[0]);
    join_threads(th, N_HOGWILD);
    for (int i = 0; i < N_HOGWILD; i++) CHECK(jobs[i].failures == 0);
    double g[6] = {0};
    CHECK(tg_copy_to_f64(tg_grad(w), g) == 0);
    double per_unit = HOGWILD_STEPS * N_HOGWILD * (N_HOGWILD + 1) / 2.0;   /* steps x sum of (id + 1) */
    for (int k = 0; k < 6; k++) CHECK(g[k] == per_unit * (k + 1));
    tg_zero_grad(w);
    tg_scope_end();
    CHECK(tg__live_tensors() == tensors);
    CHECK(tg__live_nodes() == nodes);
}

/* ------------------- 3. grad mode, scopes and errors are per thread */

typedef struct pair_state {
    pthread_barrier_t barrier;
    tg_tensor *leaf;             /* shared, requires grad, read only */
} pair_state;

typedef struct pair_job {
    pair_state *st;
    int id;                      /* 0 or 1 */
} pair_job;

static void *per_thread_state(void *arg)
{
    pair_job *job = arg;
    pair_state *st = job->st;
    bool first = job->id == 0;

    /* Grad mode: thread 0 turns it off while thread 1 records. */
    if (first) tg_set_grad_enabled(false);
    pthread_barrier_wait(&st->barrier);
    tg_scope_begin();
    tg_tensor *y = tg_mul_scalar(st->leaf, 2);
    TCHECK(tg_is_grad_enabled() == !first);
    TCHECK((tg_grad_fn(y) != NULL) == !first);
    TCHECK(tg_requires_grad(y) == !first);
    pthread_barrier_wait(&st->barrier);
    if (first) tg_set_grad_enabled(true);
    TCHECK(tg_is_grad_enabled());
    tg_scope_end();

    /* Errors: thread 0 fails first; thread 1 sees nothing, then fails in
       its own way; thread 0 still sees its own message. */
    tg_clear_error();
    pthread_barrier_wait(&st->barrier);
    if (first) {
        TCHECK(tg_view(st->leaf, TG_SHAPE(7)) == NULL);
        TCHECK(tg_last_status() == TG_E_SHAPE);
    }
    pthread_barrier_wait(&st->barrier);
    if (!first) {
        TCHECK(tg_last_status() == TG_OK);
        TCHECK(strcmp(tg_last_error(), "") == 0);
        TCHECK(tg_transpose(st->leaf, 0, 5) == NULL);
        TCHECK(tg_last_status() == TG_E_INDEX);
    }
    pthread_barrier_wait(&st->barrier);
    if (first) {
        TCHECK(tg_last_status() == TG_E_SHAPE);
        TCHECK(strstr(tg_last_error(), "[7]") != NULL);
        TCHECK(strstr(tg_last_error(), "Dimension out of range") == NULL);
    } else {
        TCHECK(strstr(tg_last_error(), "Dimension out of range") != NULL);
    }
    tg_clear_error();

    /* Scopes: each thread's depths and tensors are its own. Thread 1 opens
       more scopes and ends them all while thread 0's tensors stay alive. */
    int depth = tg_scope_begin();
    TCHECK(depth == 1);
    tg_tensor *mine = tg_full(TG_SHAPE(3), first ? 10 : 20, TG_F32);
    tg_tensor *sum = tg_sum(mine);
    pthread_barrier_wait(&st->barrier);
    if (!first) {
        TCHECK(tg_scope_begin() == 2);
        TCHECK(tg_scope_begin() == 3);
        tg_full(TG_SHAPE(3), 1, TG_F32);
        tg_scope_end();
        tg_scope_end();
        tg_scope_end();   /* depth 0 now, but only on this thread */
        tg_scope_end();   /* nothing open: does nothing */
    }
    pthread_barrier_wait(&st->barrier);
    if (first) {
        TCHECK(tg_item(sum) == 30);
        TCHECK(tg_item(tg_sum(mine)) == 30);
        TCHECK(tg_scope_begin() == 2);
        tg_scope_end();
        tg_scope_end();
    } else {
        TCHECK(tg_scope_begin() == 1);
        tg_scope_end();
    }
    return NULL;
}

static void test_per_thread_state(void)
{
    int64_t tensors = tg__live_tensors(), nodes = tg__live_nodes();
    pair_state st;
    pthread_barrier_init(&st.barrier, NULL, 2);
    tg_scope_begin();
    st.leaf = tg_requires_grad_(tg_ones(TG_SHAPE(2, 3), TG_F32), true);
    pair_job jobs[2] = {{&st, 0}, {&st, 1}};
    pthread_t th[2];
    start_threads(th, 2, per_thread_state, jobs, sizeof jobs[0]);
    join_threads(th, 2);
    pthread_barrier_destroy(&st.barrier);
    CHECK(tg_is_grad_enabled());
    CHECK(tg_last_status() == TG_OK);
    tg_scope_end();
    CHECK(tg__live_tensors() == tensors);
    CHECK(tg__live_nodes() == nodes);
}

/* ------------------------- 4. tensors handed from thread to thread */

enum { HANDOFFS = 200, QUEUE_CAP = 8 };

typedef struct handoff_queue {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    tg_tensor *items[QUEUE_CAP];
    int head, count;
} handoff_queue;

static void queue_push(handoff_queue *q, tg_tensor *t)
{
    pthread_mutex_lock(&q->lock);
    while (q->count == QUEUE_CAP) pthread_cond_wait(&q->changed, &q->lock);
    q->items[(q->head + q->count++) % QUEUE_CAP] = t;
    pthread_cond_broadcast(&q->changed);
    pthread_mutex_unlock(&q->lock);
}

static tg_tensor *queue_pop(handoff_queue *q)
{
    pthread_mutex_lock(&q->lock);
    while (q->count == 0) pthread_cond_wait(&q->changed, &q->lock);
    tg_tensor *t = q->items[q->head];
    q->head = (q->head + 1) % QUEUE_CAP;
    q->count--;
    pthread_cond_broadcast(&q->changed);
    pthread_mutex_unlock(&q->lock);
    return t;
}

typedef struct handoff_state {
    handoff_queue q;
    tg_tensor *leaf;             /* shared leaf of the handed-over graphs */
    int failures;                /* consumer's */
} handoff_state;

/* Makes tensors with a graph behind them, keeps one reference each for the
   consumer, and drops its own references (scope_end) while the consumer may
   already be using them. */
static void *producer(void *arg)
{
    handoff_state *st = arg;
    for (int i = 0; i < HANDOFFS; i++) {
        tg_scope_begin();
        tg_tensor *t = tg_mul_scalar(tg_add_scalar(st->leaf, i), 2);   /* 2 (leaf + i) */
        queue_push(&st->q, tg_retain(t));
        tg_scope_end();
    }
    queue_push(&st->q, NULL);
    return NULL;
}

static void *consumer(void *arg)
{
    handoff_state *st = arg;
    for (int i = 0;; i++) {
        tg_tensor *t = queue_pop(&st->q);
        if (!t) break;
        tg_scope_begin();
        if (tg_item(tg_sum(t)) != 4.0 * (1 + i)) st->failures++;   /* leaf is ones(2) */
        if (i % 2 == 0 && tg_backward(tg_sum(t), NULL) != 0) st->failures++;
        tg_scope_end();
        tg_release(t);   /* the last reference: its graph goes on this thread */
    }
    return NULL;
}

static void test_handoff(void)
{
    int64_t tensors = tg__live_tensors(), nodes = tg__live_nodes();
    handoff_state st = {.q = {.lock = PTHREAD_MUTEX_INITIALIZER, .changed = PTHREAD_COND_INITIALIZER}};
    tg_scope_begin();
    st.leaf = tg_requires_grad_(tg_ones(TG_SHAPE(2), TG_F32), true);
    pthread_t th[2];
    start_threads(&th[0], 1, producer, &st, 0);
    start_threads(&th[1], 1, consumer, &st, 0);
    join_threads(th, 2);
    CHECK(st.failures == 0);
    /* The consumer ran backward through every other graph: 100 x d(2 sum)/dx. */
    double g[2] = {0, 0};
    CHECK(tg_copy_to_f64(tg_grad(st.leaf), g) == 0);
    CHECK(g[0] == 2.0 * HANDOFFS / 2 && g[1] == g[0]);
    tg_scope_end();
    CHECK(tg__live_tensors() == tensors);
    CHECK(tg__live_nodes() == nodes);
}

/* One tensor retained, used and released by several threads at once. */
enum { SHARERS = 4, SHARE_ROUNDS = 200 };

typedef struct share_job {
    tg_tensor *t;
    int failures;
} share_job;

static void *share_one(void *arg)
{
    share_job *job = arg;
    for (int i = 0; i < SHARE_ROUNDS; i++) {
        tg_tensor *t = tg_retain(job->t);
        tg_scope_begin();
        if (tg_item(tg_sum(tg_add(t, t))) != 12) job->failures++;
        tg_scope_end();
        tg_release(t);
    }
    tg_release(job->t);   /* the reference the main thread took for this thread */
    return NULL;
}

static void test_shared_refcount(void)
{
    int64_t tensors = tg__live_tensors();
    share_job jobs[SHARERS];
    tg_scope_begin();
    tg_tensor *t = tg_full(TG_SHAPE(3), 2, TG_F32);
    for (int i = 0; i < SHARERS; i++) jobs[i] = (share_job){tg_retain(t), 0};
    tg_scope_end();   /* now only the threads' references keep t */
    pthread_t th[SHARERS];
    start_threads(th, SHARERS, share_one, jobs, sizeof jobs[0]);
    join_threads(th, SHARERS);
    for (int i = 0; i < SHARERS; i++) CHECK(jobs[i].failures == 0);
    CHECK(tg__live_tensors() == tensors);
}

/* ------------------------------------------- 5. the shared generator */

enum { RAND_THREADS = 4, RAND_CHUNKS = 25, RAND_CHUNK = 40 };

typedef struct rand_job {
    bool normal;
    double values[RAND_CHUNKS][RAND_CHUNK];
    int failures;
} rand_job;

static void *draw(void *arg)
{
    rand_job *job = arg;
    for (int c = 0; c < RAND_CHUNKS; c++) {
        tg_scope_begin();
        tg_tensor *t = job->normal ? tg_randn(TG_SHAPE(RAND_CHUNK), TG_F64)
                                   : tg_rand(TG_SHAPE(RAND_CHUNK), TG_F64);
        if (!t || tg_copy_to_f64(t, job->values[c])) job->failures++;
        tg_scope_end();
    }
    return NULL;
}

/* Every chunk a thread drew is one whole chunk of the single-threaded
   stream from the same seed, and every chunk of the stream was drawn once:
   the generator hands out each tensor's values in one piece. */
static void check_rand(bool normal)
{
    static rand_job jobs[RAND_THREADS];
    /* The stream: the same draws, one thread after the other. */
    static double stream[RAND_THREADS * RAND_CHUNKS][RAND_CHUNK];
    tg_manual_seed(1234);
    for (int i = 0; i < RAND_THREADS; i++) {
        jobs[i] = (rand_job){.normal = normal};
        pthread_t th;
        start_threads(&th, 1, draw, &jobs[i], 0);
        join_threads(&th, 1);
        CHECK(jobs[i].failures == 0);
        memcpy(stream[i * RAND_CHUNKS], jobs[i].values, sizeof jobs[i].values);
    }

    tg_manual_seed(1234);
    pthread_t th[RAND_THREADS];
    for (int i = 0; i < RAND_THREADS; i++) jobs[i] = (rand_job){.normal = normal};
    start_threads(th, RAND_THREADS, draw, jobs, sizeof jobs[0]);
    join_threads(th, RAND_THREADS);

    bool used[RAND_THREADS * RAND_CHUNKS] = {false};
    int matched = 0, in_range = 0;
    for (int i = 0; i < RAND_THREADS; i++) {
        CHECK(jobs[i].failures == 0);
        for (int c = 0; c < RAND_CHUNKS; c++) {
            const double *v = jobs[i].values[c];
            for (int k = 0; k < RAND_CHUNK; k++)
                in_range += normal ? isfinite(v[k]) : v[k] >= 0 && v[k] < 1;
            for (int j = 0; j < RAND_THREADS * RAND_CHUNKS; j++) {
                if (used[j] || memcmp(stream[j], v, sizeof stream[j]) != 0) continue;
                used[j] = true;
                matched++;
                break;
            }
        }
    }
    CHECK(matched == RAND_THREADS * RAND_CHUNKS);
    CHECK(in_range == RAND_THREADS * RAND_CHUNKS * RAND_CHUNK);
}

static void *seed_and_draw(void *arg)
{
    (void)arg;
    for (int i = 0; i < 50; i++) {
        tg_manual_seed((uint64_t)i);
        tg_scope_begin();
        tg_rand(TG_SHAPE(16), TG_F32);
        tg_scope_end();
    }
    return NULL;
}

static void test_concurrent_rand(void)
{
    check_rand(false);
    check_rand(true);
    pthread_t th[2];   /* seeding while others draw is safe too */
    start_threads(th, 2, seed_and_draw, (char[2]){0}, 1);
    join_threads(th, 2);
}

/* --------- 6. matrix products big enough for OpenBLAS's own threads */

enum { BLAS_THREADS = 3, BLAS_N = 160, BLAS_ROUNDS = 3 };

/* Under ThreadSanitizer, OpenBLAS's worker threads need tests/tsan.supp:
   they synchronise with the caller in code TSan does not see. */
static void *big_matmul(void *arg)
{
    int *failures = arg;
    for (int r = 1; r <= BLAS_ROUNDS; r++) {
        tg_scope_begin();
        tg_tensor *a = tg_requires_grad_(tg_full(TG_SHAPE(BLAS_N, BLAS_N), 2, TG_F32), true);
        tg_tensor *b = tg_full(TG_SHAPE(BLAS_N, BLAS_N), r, TG_F32);
        tg_tensor *c = tg_sum(tg_matmul(a, b));   /* every product 2 r N */
        double n3 = (double)BLAS_N * BLAS_N * BLAS_N;
        if (tg_item(c) != 2 * r * n3) (*failures)++;
        if (tg_backward(c, NULL) != 0 || tg_item(tg_sum(tg_grad(a))) != r * n3) (*failures)++;
        tg_scope_end();
    }
    return NULL;
}

static void test_concurrent_blas(void)
{
    int failures[BLAS_THREADS] = {0};
    pthread_t th[BLAS_THREADS];
    start_threads(th, BLAS_THREADS, big_matmul, failures, sizeof failures[0]);
    join_threads(th, BLAS_THREADS);
    for (int i = 0; i < BLAS_THREADS; i++) CHECK(failures[i] == 0);
}

/* ----------------------------------------------------- 7. the thread pool */

static void test_num_threads_api(void)
{
    int before = tg_get_num_threads();
    tg_clear_error();
    CHECK(tg_set_num_threads(0) == -1);
    CHECK(tg_last_status() == TG_E_INVALID);
    CHECK(strstr(tg_last_error(), "tg_set_num_threads") != NULL);
    CHECK(tg_set_num_threads(-4) == -1);
    CHECK(tg_get_num_threads() == before);
    tg_clear_error();
    CHECK(tg_set_num_threads(5) == 0);
    CHECK(tg_get_num_threads() == 5);
    CHECK(tg_set_num_threads(before) == 0);
}

/* What the pieces of one tg__parallel_for saw. Pieces record under the
   lock; `hits` is written by one piece per index. */
typedef struct pieces_log {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    int started, pieces, threads_seen;
    pthread_t first_thread;
    bool other_thread;               /* a piece ran off the calling thread */
    int wait_for;                    /* pieces wait until this many started */
    bool released;                   /* ... or until this is set */
    unsigned char *hits;
    int64_t offset;
    int nested_pieces;               /* pieces of a parallel_for inside a piece */
} pieces_log;

static void count_nested(int64_t begin, int64_t end, void *arg)
{
    (void)begin, (void)end;
    pieces_log *log = arg;
    pthread_mutex_lock(&log->lock);
    log->nested_pieces++;
    pthread_mutex_unlock(&log->lock);
}

static void record_piece(int64_t begin, int64_t end, void *arg)
{
    pieces_log *log = arg;
    pthread_mutex_lock(&log->lock);
    log->started++;
    log->pieces++;
    if (!pthread_equal(pthread_self(), log->first_thread)) log->other_thread = true;
    pthread_cond_broadcast(&log->changed);
    while (log->started < log->wait_for && !log->released) pthread_cond_wait(&log->changed, &log->lock);
    pthread_mutex_unlock(&log->lock);
    for (int64_t i = begin; i < end; i++) log->hits[i - log->offset]++;
    /* From inside a piece: runs here, as one piece. */
    tg__parallel_for(0, 1000000, 10, count_nested, log);
}

static void init_log(pieces_log *log, unsigned char *hits, int64_t offset, int wait_for)
{
    *log = (pieces_log){.lock = PTHREAD_MUTEX_INITIALIZER, .changed = PTHREAD_COND_INITIALIZER,
                        .first_thread = pthread_self(), .wait_for = wait_for, .hits = hits, .offset = offset};
}

enum { RANGE = 100000 };

static bool each_index_once(const unsigned char *hits)
{
    for (int64_t i = 0; i < RANGE; i++)
        if (hits[i] != 1) return false;
    return true;
}

static void *hold_pool(void *arg)
{
    pieces_log *log = arg;
    log->first_thread = pthread_self();
    tg__parallel_for(0, RANGE, 1000, record_piece, log);
    return NULL;
}

static void test_parallel_for(void)
{
    static unsigned char hits[RANGE], other_hits[RANGE];
    int before = tg_get_num_threads();
    pieces_log log;

    /* Three threads: at most three pieces, every index once, and two
       pieces at once (each waits for a second one to start, which only a
       worker can start while the caller waits), so no timing is involved. */
    tg_set_num_threads(3);
    init_log(&log, hits, 5, 2);
    tg__parallel_for(5, 5 + RANGE, 1000, record_piece, &log);
    CHECK(log.pieces >= 2 && log.pieces <= 3);
    CHECK(log.other_thread);
    CHECK(each_index_once(hits));
    CHECK(log.nested_pieces == log.pieces);   /* one piece per nested call */

    /* A short range, or one thread: one piece, on the caller. */
    memset(hits, 0, sizeof hits);
    init_log(&log, hits, 0, 0);
    tg__parallel_for(0, RANGE, RANGE, record_piece, &log);
    CHECK(log.pieces == 1 && !log.other_thread && each_index_once(hits));
    tg_set_num_threads(1);
    memset(hits, 0, sizeof hits);
    init_log(&log, hits, 0, 0);
    tg__parallel_for(0, RANGE, 10, record_piece, &log);
    CHECK(log.pieces == 1 && !log.other_thread && each_index_once(hits));

    /* While another thread uses the pool (its pieces wait for release),
       this thread's range runs here, in one piece. */
    tg_set_num_threads(2);
    memset(hits, 0, sizeof hits);
    init_log(&log, hits, 0, 99);
    pthread_t holder;
    start_threads(&holder, 1, hold_pool, &log, 0);
    pthread_mutex_lock(&log.lock);
    while (log.started == 0) pthread_cond_wait(&log.changed, &log.lock);
    pthread_mutex_unlock(&log.lock);
    pieces_log mine;
    init_log(&mine, other_hits, 0, 0);
    tg__parallel_for(0, RANGE, 10, record_piece, &mine);
    CHECK(mine.pieces == 1 && !mine.other_thread && each_index_once(other_hits));
    pthread_mutex_lock(&log.lock);
    log.released = true;
    pthread_cond_broadcast(&log.changed);
    pthread_mutex_unlock(&log.lock);
    join_threads(&holder, 1);
    CHECK(each_index_once(hits));
    tg_set_num_threads(before);
}

/* Large operands of odd sizes (above the 32768-element grain, rows not
   a multiple of the split's alignment), from the deterministic generator. */
enum { ROWS = 37, COLS = 5003, BIG = ROWS * COLS, N_RESULTS = 32 };

static tg_tensor *big_tensor(uint64_t seed, tg_dtype dt, const int64_t *shape, int ndim)
{
    int64_t n = tg__numel(shape, ndim);
    double *v = malloc((size_t)n * sizeof *v);
    if (!v) return NULL;
    uint64_t s = seed;
    for (int64_t i = 0; i < n; i++) v[i] = 4 * lcg_uniform(&s);
    tg_tensor *t = tg_from_f64(v, shape, ndim);
    free(v);
    return dt == TG_F64 ? t : tg_to(t, dt);
}

typedef struct results {
    int n;
    int64_t len[N_RESULTS];
    double *values[N_RESULTS];
    int failures;
} results;

static void keep_result(results *r, const tg_tensor *t)
{
    if (!t || r->n == N_RESULTS) {
        r->failures++;
        return;
    }
    int64_t n = tg_numel(t);
    double *v = malloc((size_t)n * sizeof *v);
    if (!v || tg_copy_to_f64(t, v) != 0) {
        free(v);
        r->failures++;
        return;
    }
    r->len[r->n] = n;
    r->values[r->n++] = v;
}

static void free_results(results *r)
{
    for (int i = 0; i < r->n; i++) free(r->values[i]);
    r->n = 0;
}

static bool same_results(const results *a, const results *b)
{
    if (a->failures || b->failures || a->n != b->n) return false;
    for (int i = 0; i < a->n; i++)
        if (a->len[i] != b->len[i] || memcmp(a->values[i], b->values[i], (size_t)a->len[i] * sizeof(double)) != 0) {
            fprintf(stderr, "result %d differs\n", i);
            return false;
        }
    return true;
}

/* Elementwise operations, copies, reductions, softmax and layer_norm. */
static void run_kernels(results *r)
{
    tg_scope_begin();
    tg_tensor *x = big_tensor(1, TG_F32, TG_SHAPE(ROWS, COLS));
    tg_tensor *xt = big_tensor(2, TG_F32, TG_SHAPE(COLS, ROWS));
    tg_tensor *y = big_tensor(3, TG_F32, TG_SHAPE(COLS));
    tg_tensor *xd = big_tensor(4, TG_F64, TG_SHAPE(ROWS, COLS));
    int64_t dim0 = 0, dim1 = 1;
    keep_result(r, tg_exp(x));
    keep_result(r, tg_tanh(xd));
    keep_result(r, tg_add(x, y));                        /* broadcast */
    keep_result(r, tg_mul(x, tg_transpose(xt, 0, 1)));   /* a strided operand */
    keep_result(r, tg_contiguous(tg_transpose(xt, 0, 1)));
    keep_result(r, tg_sum(x));
    keep_result(r, tg_sum(xd));
    keep_result(r, tg_mean(tg_exp(xd)));
    keep_result(r, tg_amax(xd, NULL, 0, false));
    keep_result(r, tg_sum_dim(x, &dim0, 1, false));
    keep_result(r, tg_sum_dim(xd, &dim1, 1, true));
    tg_tensor *indices = NULL;
    keep_result(r, tg_max_dim(x, 1, false, &indices));
    keep_result(r, indices);
    keep_result(r, tg_softmax(x, 1));
    keep_result(r, tg_log_softmax(xd, 0));
    keep_result(r, tg_layer_norm(x, TG_SHAPE(COLS), y, tg_exp(y), 1e-5));
    keep_result(r, tg_layer_norm(xd, TG_SHAPE(COLS), NULL, NULL, 1e-5));
    tg_scope_end();
}

/* Two steps of Adam and of SGD with momentum on large parameters. */
static void run_optimizers(results *r)
{
    tg_scope_begin();
    tg_tensor *p[2] = {tg_requires_grad_(big_tensor(5, TG_F32, TG_SHAPE(BIG)), true),
                       tg_requires_grad_(big_tensor(6, TG_F64, TG_SHAPE(ROWS, COLS)), true)};
    tg_tensor *c[2] = {big_tensor(7, TG_F32, TG_SHAPE(BIG)), big_tensor(8, TG_F64, TG_SHAPE(ROWS, COLS))};
    tg_optimizer *adam = tg_adam(&p[0], 1, tg_adam_defaults());
    tg_optimizer *sgd = tg_sgd(&p[1], 1, (tg_sgd_opts){.lr = 0.1, .momentum = 0.9, .weight_decay = 0.01});
    if (!adam || !sgd) r->failures++;
    for (int step = 0; step < 2 && adam && sgd; step++) {
        tg_scope_begin();
        tg_optimizer_zero_grad(adam);
        tg_optimizer_zero_grad(sgd);
        tg_tensor *loss = tg_add(tg_sum(tg_mul(p[0], c[0])), tg_sum(tg_mul(tg_exp(p[1]), c[1])));
        if (tg_backward(loss, NULL) != 0 || tg_optimizer_step(adam) != 0 || tg_optimizer_step(sgd) != 0)
            r->failures++;
        tg_scope_end();
    }
    keep_result(r, p[0]);
    keep_result(r, p[1]);
    tg_optimizer_free(adam);
    tg_optimizer_free(sgd);
    tg_scope_end();
}

/* Convolutions (their tiles split across threads by images, and the
   backward by blocks of input channels: Note [Convolution tiles] in
   src/ops/conv.c; enough images and blocks for 3 threads, since a product
   that is not split gets OpenBLAS's threads, whose sums are its own) and
   a batched matrix product (its matrices split across threads), with
   their gradients from a backward without create_graph. */
static void run_products(results *r)
{
    tg_scope_begin();
    static const struct { int64_t x[4], w[4]; tg_conv_opts opts; } convs[] = {
        {{4, 96, 20, 30}, {5, 96, 3, 3}, {.padding = {1, 1}}},
        {{3, 6, 30, 50}, {6, 2, 3, 3}, {.groups = 3, .stride = {2, 1}}},
    };
    for (int i = 0; i < 2; i++) {
        tg_tensor *x = tg_requires_grad_(big_tensor(9 + i, TG_F32, convs[i].x, 4), true);
        tg_tensor *w = tg_requires_grad_(big_tensor(11 + i, TG_F32, convs[i].w, 4), true);
        tg_tensor *b = tg_requires_grad_(big_tensor(13 + i, TG_F32, convs[i].w, 1), true);
        tg_tensor *out = tg_conv2d(x, w, b, convs[i].opts);
        if (!out || tg_backward(tg_sum(tg_mul(out, out)), NULL) != 0) r->failures++;
        keep_result(r, out);
        keep_result(r, tg_grad(x));
        keep_result(r, tg_grad(w));
        keep_result(r, tg_grad(b));
    }
    tg_tensor *a = tg_requires_grad_(big_tensor(15, TG_F32, TG_SHAPE(8, 64, 64)), true);
    tg_tensor *m = tg_requires_grad_(big_tensor(16, TG_F32, TG_SHAPE(8, 64, 64)), true);
    tg_tensor *prod = tg_matmul(a, m);
    if (!prod || tg_backward(tg_sum(tg_mul(prod, prod)), NULL) != 0) r->failures++;
    keep_result(r, prod);
    keep_result(r, tg_grad(a));
    keep_result(r, tg_grad(m));
    tg_scope_end();
}

/* Bit for bit the same results on 1, 2 and 3 threads. */
static void test_results_across_thread_counts(void)
{
    int before = tg_get_num_threads();
    static results one, other;
    tg_set_num_threads(1);
    run_kernels(&one);
    run_optimizers(&one);
    run_products(&one);
    CHECK(one.failures == 0 && one.n == 30);
    for (int threads = 2; threads <= 3; threads++) {
        tg_set_num_threads(threads);
        run_kernels(&other);
        run_optimizers(&other);
        run_products(&other);
        CHECK(same_results(&one, &other));
        free_results(&other);
    }
    free_results(&one);
    tg_set_num_threads(before);
}

/* Several user threads running large kernels and matrix products at once,
   the pool shared among them (whoever finds it busy runs alone). */
enum { KERNEL_THREADS = 3, KERNEL_ROUNDS = 2 };

typedef struct kernels_job {
    const results *expected;
    int mismatches;
} kernels_job;

static void *run_kernels_job(void *arg)
{
    kernels_job *job = arg;
    for (int round = 0; round < KERNEL_ROUNDS; round++) {
        results mine = {0};
        run_kernels(&mine);
        job->mismatches += !same_results(job->expected, &mine);
        free_results(&mine);
        tg_scope_begin();
        tg_tensor *a = tg_full(TG_SHAPE(BLAS_N, BLAS_N), 2, TG_F32);
        if (tg_item(tg_sum(tg_matmul(a, a))) != 4.0 * BLAS_N * BLAS_N * BLAS_N) job->mismatches++;
        tg_scope_end();
    }
    return NULL;
}

static void test_kernels_from_user_threads(void)
{
    int before = tg_get_num_threads();
    static results expected;
    tg_set_num_threads(1);
    run_kernels(&expected);
    tg_set_num_threads(2);
    kernels_job jobs[KERNEL_THREADS];
    pthread_t th[KERNEL_THREADS];
    for (int i = 0; i < KERNEL_THREADS; i++) jobs[i] = (kernels_job){&expected, 0};
    start_threads(th, KERNEL_THREADS, run_kernels_job, jobs, sizeof jobs[0]);
    join_threads(th, KERNEL_THREADS);
    for (int i = 0; i < KERNEL_THREADS; i++) CHECK(jobs[i].mismatches == 0);
    free_results(&expected);
    tg_set_num_threads(before);
}

int main(void)
{
    /* Read at the first use, as PyTorch reads it at start. */
    setenv("OMP_NUM_THREADS", "3", 1);
    CHECK(tg_get_num_threads() == 3);
    test_independent_training();
    test_shared_params_under_lock();
    test_shared_params_read_only();
    test_concurrent_accumulation();
    test_per_thread_state();
    test_handoff();
    test_shared_refcount();
    test_concurrent_rand();
    test_concurrent_blas();
    test_num_threads_api();
    test_parallel_for();
    test_results_across_thread_counts();
    test_kernels_from_user_threads();
    return TEST_MAIN_END();
}
