/* The thread pool (pool.c): one per process, tg_set_num_threads threads
   including the caller's. See docs/threads.md. */
#ifndef TG_POOL_H
#define TG_POOL_H

#include <stdbool.h>
#include <stdint.h>

/* PyTorch's at::internal::GRAIN_SIZE: below this many elements an
   operation is not worth splitting. */
#define TG_GRAIN_SIZE 32768

/* Runs fn over [begin, end) in contiguous pieces of at least grain
   (>= 1) indices, on up to tg_get_num_threads() threads, and returns when
   every piece is done. fn gets its piece and ctx; pieces must not depend
   on each other or on how the range is split. The whole range runs on the
   calling thread when it is at most grain long, with one thread
   configured, from inside a piece (no nested parallelism) or while another
   thread is using the pool. */
typedef void (*tg_range_fn)(int64_t begin, int64_t end, void *ctx);
void tg__parallel_for(int64_t begin, int64_t end, int64_t grain, tg_range_fn fn, void *ctx);

/* The grain for items (rows) of per_item elements each: as many as make
   TG_GRAIN_SIZE elements, at least 1; items of no elements never split. */
static inline int64_t tg__grain_of(int64_t per_item)
{
    return per_item > 0 ? (TG_GRAIN_SIZE + per_item - 1) / per_item : INT64_MAX;
}

/* Brackets a BLAS call, so that the pool and the BLAS's own threads are
   never busy at once: while a lease is held the pool is not used by
   another thread (tg__blas_begin waits for a running parallel_for), and
   the BLAS may use lease.threads threads; one from inside a pool piece. */
typedef struct tg_blas_lease { int threads; bool held; } tg_blas_lease;
tg_blas_lease tg__blas_begin(void);
void tg__blas_end(tg_blas_lease lease);

#endif
