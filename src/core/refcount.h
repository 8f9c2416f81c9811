/* Reference counts and the other counters that threads share (Note
   [Counts while one thread runs] in refcount.c): a plain load and store
   while a single thread uses tensorgrad, a locked read-modify-write from
   the moment a second thread does. Every change of such a counter after
   its atomic_init goes through these functions. */
#ifndef TG_REFCOUNT_H
#define TG_REFCOUNT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

enum { TG_COUNTS_UNCLAIMED, TG_COUNTS_OWNED, TG_COUNTS_SHARED };
extern atomic_int tg__counts_mode;
extern atomic_int tg__counts_busy;      /* the owner is changing a count plainly */
extern _Thread_local bool tg__counts_owner;

/* Claims the counts for the calling thread when nobody has, or makes them
   shared when another thread owns them (waiting for its change in flight). */
void tg__counts_claim_or_share(void);

/* True when the calling thread may change a count with a plain load and
   store, which tg__counts_plain_end() must then follow. */
static inline bool tg__counts_plain_begin(void)
{
    if (tg__counts_owner) {
        atomic_store_explicit(&tg__counts_busy, 1, memory_order_relaxed);
        /* the compiler's order only: the sharer's membarrier orders the CPU's */
        atomic_signal_fence(memory_order_seq_cst);
        if (atomic_load_explicit(&tg__counts_mode, memory_order_relaxed) == TG_COUNTS_OWNED) return true;
        atomic_store_explicit(&tg__counts_busy, 0, memory_order_release);
    } else if (atomic_load_explicit(&tg__counts_mode, memory_order_relaxed) != TG_COUNTS_SHARED) {
        tg__counts_claim_or_share();
    }
    return false;
}

static inline void tg__counts_plain_end(void) { atomic_store_explicit(&tg__counts_busy, 0, memory_order_release); }

/* *c += delta; returns the value before. */
static inline int tg__count_add(atomic_int *c, int delta)
{
    if (!tg__counts_plain_begin()) return atomic_fetch_add(c, delta);
    int old = atomic_load_explicit(c, memory_order_relaxed);
    atomic_store_explicit(c, old + delta, memory_order_relaxed);
    tg__counts_plain_end();
    return old;
}

static inline uint64_t tg__count_add_u64(atomic_uint_least64_t *c, uint64_t delta)
{
    if (!tg__counts_plain_begin()) return atomic_fetch_add(c, delta);
    uint64_t old = atomic_load_explicit(c, memory_order_relaxed);
    atomic_store_explicit(c, old + delta, memory_order_relaxed);
    tg__counts_plain_end();
    return old;
}

/* Adds one to *c unless it is 0 (std::weak_ptr::lock); whether it did. */
static inline bool tg__count_add_unless_zero(atomic_int *c)
{
    if (tg__counts_plain_begin()) {
        int old = atomic_load_explicit(c, memory_order_relaxed);
        if (old > 0) atomic_store_explicit(c, old + 1, memory_order_relaxed);
        tg__counts_plain_end();
        return old > 0;
    }
    int old = atomic_load(c);
    while (old > 0 && !atomic_compare_exchange_weak(c, &old, old + 1)) {}
    return old > 0;
}

#endif
