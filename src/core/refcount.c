/* Note [Counts while one thread runs]: reference counts (of tensors,
   storages, version counters and graph nodes), version numbers and serial
   numbers are changed on every operation, and a locked read-modify-write
   (lock xadd) was the largest single cost of a small one. Most programs
   use tensorgrad from one thread, so the counts have three modes:

   - UNCLAIMED until the first thread changes a count; that thread then
     owns them (OWNED) and changes them with a plain load and store;
   - the first change by any other thread makes them SHARED for good:
     every thread, the owner too, uses atomic read-modify-writes from then.

   Switching must not lose a change the owner makes at that moment (it may
   have read OWNED and not yet stored the count). The owner raises
   counts_busy around each plain change, and the sharer, after storing
   SHARED, runs membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED), a full memory
   barrier on every thread of the process, then waits until counts_busy is
   down: after the barrier the owner either sees SHARED, or its raised flag
   is visible (the asymmetric Dekker handshake of userspace RCU). The
   owner's fast path thus has no fence and no locked instruction. Where
   membarrier is not available (not Linux, or refused), counts are SHARED
   from the start, as they always were.

   Nothing else is asked of callers: a thread other than the owner makes
   the counts shared before its first change of one, whatever it received
   and however. The thread pool's workers change no count (their pieces
   run kernels on bytes), so operations split across the pool keep them
   owned. */
#include "refcount.h"

#include <pthread.h>
#include <sched.h>

#if defined(__linux__)
#include <linux/membarrier.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

atomic_int tg__counts_mode = TG_COUNTS_UNCLAIMED;
atomic_int tg__counts_busy;
_Thread_local bool tg__counts_owner;

static pthread_mutex_t mode_lock = PTHREAD_MUTEX_INITIALIZER;

#if defined(__linux__) && defined(__NR_membarrier)
static bool barrier_registered(void)
{
    return syscall(__NR_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) == 0;
}

static void barrier_all_threads(void) { syscall(__NR_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0); }
#else
static bool barrier_registered(void) { return false; }
static void barrier_all_threads(void) {}
#endif

void tg__counts_claim_or_share(void)
{
    pthread_mutex_lock(&mode_lock);
    int mode = atomic_load(&tg__counts_mode);
    if (mode == TG_COUNTS_UNCLAIMED) {
        bool owned = barrier_registered();
        tg__counts_owner = owned;
        atomic_store(&tg__counts_mode, owned ? TG_COUNTS_OWNED : TG_COUNTS_SHARED);
    } else if (mode == TG_COUNTS_OWNED && !tg__counts_owner) {
        atomic_store(&tg__counts_mode, TG_COUNTS_SHARED);
        barrier_all_threads();
        while (atomic_load_explicit(&tg__counts_busy, memory_order_acquire)) sched_yield();
    }
    pthread_mutex_unlock(&mode_lock);
}
