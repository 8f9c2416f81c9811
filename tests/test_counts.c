/* Reference counts while one thread runs and when a second one starts
   (Note [Counts while one thread runs] in src/core/refcount.c): the first
   thread owns them and changes them plainly; a second thread's first change
   makes them shared, even while the owner is changing the same counts.
   Each round runs in a forked child, whose only thread owns the counts, so
   the switch is tried many times; a lost change would leave a count wrong
   (a leaked or freed-too-soon tensor or node). Meant to run under
   ThreadSanitizer too. */
#include "harness.h"
#include "core/refcount.h"
#include "graph/graph.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

enum { ROUNDS = 40, STEPS = 2000 };

typedef struct shared_work {
    tg_tensor *leaf;   /* requires grad: every graph on it refs its AccumulateGrad node */
    atomic_int ready;
} shared_work;

/* Graphs on the shared leaf and the counts they change: the leaf's and its
   AccumulateGrad node's, from whichever thread runs it. */
static void build_graphs(shared_work *w)
{
    for (int i = 0; i < STEPS; i++) {
        tg_scope_begin();
        tg_tensor *y = tg_mul(w->leaf, w->leaf);
        tg_tensor *keep = tg_retain(y);
        tg_release(keep);
        tg_scope_end();
    }
}

static void *second_thread(void *arg)
{
    shared_work *w = arg;
    atomic_fetch_add(&w->ready, 1);
    while (atomic_load(&w->ready) < 2) {}
    build_graphs(w);
    return NULL;
}

/* One round in this process: the caller owns the counts; a second thread
   starts changing the same ones while it goes on. Exit status 0 when every
   count came back. */
static int one_round(void)
{
    float v[4] = {1, 2, 3, 4};
    shared_work w = {.leaf = tg_retain(tg_requires_grad_(tg_from_f32(v, TG_SHAPE(4)), true))};
    if (!w.leaf || atomic_load(&tg__counts_mode) != TG_COUNTS_OWNED || !tg__counts_owner) return 2;
    int64_t tensors = tg__live_tensors(), nodes = tg__live_nodes();
    int leaf_refs = atomic_load(&w.leaf->refs);
    pthread_t th;
    if (pthread_create(&th, NULL, second_thread, &w)) return 3;
    atomic_fetch_add(&w.ready, 1);
    while (atomic_load(&w.ready) < 2) {}
    build_graphs(&w);
    pthread_join(th, NULL);
    bool shared = atomic_load(&tg__counts_mode) == TG_COUNTS_SHARED;
    bool back = atomic_load(&w.leaf->refs) == leaf_refs && tg__live_tensors() == tensors && tg__live_nodes() == nodes;
    tg_release(w.leaf);
    return !shared ? 4 : !back ? 5 : 0;
}

/* This process has never started a thread: its counts are owned by its
   main thread, plainly changed, and each forked round starts so too. */
static void test_switch_while_owner_runs(void)
{
    float v[2] = {1, 2};
    tg_scope_begin();
    tg_tensor *x = tg_from_f32(v, TG_SHAPE(2));
    tg_tensor *kept = tg_retain(x);
    tg_release(kept);
    tg_scope_end();
    CHECK(atomic_load(&tg__counts_mode) == TG_COUNTS_OWNED);
    CHECK(tg__counts_owner);
    for (int r = 0; r < ROUNDS; r++) {
        fflush(NULL);   /* the child exits through exit(), which flushes its copy */
        pid_t pid = fork();
        if (pid == 0) exit(one_round());   /* atexit empties its caches: valgrind sees no leak */
        int status = -1;
        CHECK(pid > 0 && waitpid(pid, &status, 0) == pid);
        if (!WIFEXITED(status) || WEXITSTATUS(status)) {
            fprintf(stderr, "round %d: child status %d\n", r, status);
            CHECK(!"every count came back after the switch");
        }
    }
}

/* In this process too, at the end: a second thread makes the counts shared
   for good, and the owner then changes them atomically. */
static void test_shared_for_good(void)
{
    CHECK(one_round() == 0);
    CHECK(atomic_load(&tg__counts_mode) == TG_COUNTS_SHARED);
    float v[2] = {1, 2};
    int64_t tensors = tg__live_tensors();
    tg_scope_begin();
    tg_tensor *x = tg_retain(tg_from_f32(v, TG_SHAPE(2)));
    tg_release(x);
    tg_scope_end();
    CHECK(tg__live_tensors() == tensors);
}

int main(void)
{
    test_switch_while_owner_runs();
    test_shared_for_good();
    return TEST_MAIN_END();
}
