/* Note [Live counts]: the tests read how many tensors and nodes are alive
   and how many nodes of each kind were made. Every operation changes these
   counts, on whichever thread runs it, so one shared atomic per count
   would cost a locked instruction (and a contended cache line) per change.
   Instead each thread adds into slots of its own, which only it writes
   (a plain load and store, atomic only so that a reader may look), and a
   reader sums every live thread's slots and what exited threads left.

   A thread's slots join the list at its first count and leave it when the
   thread exits (a key destructor), their totals going to `exited`. Counts
   made after that, by other destructors of the exiting thread, go straight
   to `exited`. */
#include "core.h"

#include <pthread.h>

typedef struct thread_counts {
    atomic_int_least64_t slots[TG_COUNTERS];
    struct thread_counts *next, *prev;
    enum { NEW, LISTED, GONE } state;
} thread_counts;

static _Thread_local thread_counts mine;
_Thread_local atomic_int_least64_t *tg__thread_counts;   /* mine.slots while LISTED */
static pthread_mutex_t list_lock = PTHREAD_MUTEX_INITIALIZER;
static thread_counts *threads;   /* under list_lock */
static atomic_int_least64_t exited[TG_COUNTERS];
static pthread_once_t key_once = PTHREAD_ONCE_INIT;
static pthread_key_t exit_key;

static void thread_exit(void *p)
{
    thread_counts *c = p;
    pthread_mutex_lock(&list_lock);
    for (int i = 0; i < TG_COUNTERS; i++)
        atomic_fetch_add(&exited[i], atomic_load_explicit(&c->slots[i], memory_order_relaxed));
    if (c->prev) c->prev->next = c->next;
    else threads = c->next;
    if (c->next) c->next->prev = c->prev;
    c->state = GONE;
    tg__thread_counts = NULL;
    pthread_mutex_unlock(&list_lock);
}

static void make_key(void) { pthread_key_create(&exit_key, thread_exit); }

/* Lists the calling thread's slots; false once it is exiting. */
static __attribute__((noinline)) bool listed(void)
{
    if (mine.state == GONE) return false;
    pthread_once(&key_once, make_key);
    pthread_mutex_lock(&list_lock);
    mine.next = threads;
    mine.prev = NULL;
    if (threads) threads->prev = &mine;
    threads = &mine;
    mine.state = LISTED;
    tg__thread_counts = mine.slots;
    pthread_mutex_unlock(&list_lock);
    pthread_setspecific(exit_key, &mine);
    return true;
}

/* tg__count's way before the thread's slots are listed (listing them) and
   after they left the list. */
void tg__count_unlisted(int id, int64_t delta)
{
    if (mine.state != LISTED && !listed()) {
        atomic_fetch_add(&exited[id], delta);
        return;
    }
    atomic_int_least64_t *slot = &mine.slots[id];   /* only this thread writes it */
    atomic_store_explicit(slot, atomic_load_explicit(slot, memory_order_relaxed) + delta, memory_order_relaxed);
}

int64_t tg__counted(int id)
{
    pthread_mutex_lock(&list_lock);
    int64_t sum = atomic_load(&exited[id]);
    for (const thread_counts *c = threads; c; c = c->next) sum += atomic_load_explicit(&c->slots[id], memory_order_relaxed);
    pthread_mutex_unlock(&list_lock);
    return sum;
}
