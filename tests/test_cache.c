/* The caching allocator (Note [Caching allocator] in src/core/cache.c): a
   freed tensor's block is reused by the next tensor of its size, big
   buffers stay mapped across steps until tg_empty_cache() returns them,
   tensors freed on another thread and threads that exit leak nothing, and a
   cache hit can still be made to fail. */
#include "harness.h"
#include "core/core.h"

#include <malloc.h>
#include <pthread.h>

enum { BIG = 16 << 20 };   /* elements: 64 MB in f32, above glibc's mmap threshold */

static void *data_of(const tg_tensor *t) { return t->storage->data; }

/* Bytes glibc holds in mmapped blocks (big blocks it unmaps when freed). */
static size_t mapped_bytes(void) { return mallinfo2().hblkhd; }

static void test_reuse(void)
{
    tg_scope_begin();
    void *first = data_of(tg_zeros(TG_SHAPE(1000), TG_F32));
    tg_scope_end();
    tg_scope_begin();
    tg_tensor *again = tg_ones(TG_SHAPE(999), TG_F32);   /* the same size class */
    CHECK(data_of(again) == first);
    CHECK(tg_item(tg_sum(again)) == 999);
    tg_scope_end();
}

/* A training-like loop over 64 MB tensors maps nothing new after its first
   step; tg_empty_cache() gives the memory back. */
static void test_flat_memory(void)
{
    tg_tensor *a = tg_retain(tg_ones(TG_SHAPE(BIG), TG_F32)), *b = tg_retain(tg_ones(TG_SHAPE(BIG), TG_F32));
    size_t after_first = 0;
    for (int step = 0; step < 5; step++) {
        tg_scope_begin();
        tg_tensor *c = tg_mul(tg_add(a, b), b);
        CHECK(tg_item(tg_select(c, 0, BIG - 1)) == 2);
        tg_scope_end();
        if (step == 0) after_first = mapped_bytes();
        else CHECK(mapped_bytes() == after_first);
    }
    tg_empty_cache();
    size_t step_bytes = 2 * (size_t)BIG * sizeof(float);   /* the two results */
    bool counted = after_first >= step_bytes;   /* not under a sanitizer's allocator, which glibc does not see */
    CHECK(!counted || mapped_bytes() + step_bytes <= after_first);
    tg_release(a);
    tg_release(b);
}

static void *release_it(void *t)
{
    tg_release(t);   /* into this thread's cache, freed when the thread ends */
    tg_scope_begin();
    for (int i = 0; i < 100; i++) tg_exp(tg_ones(TG_SHAPE(100 + i), TG_F64));
    tg_scope_end();
    return NULL;
}

/* Freed on a thread other than the one that made it. Under valgrind and
   ThreadSanitizer this must show no leak and no race. */
static void test_other_thread(void)
{
    tg_scope_begin();
    tg_tensor *t = tg_retain(tg_ones(TG_SHAPE(4096), TG_F32));
    tg_scope_end();
    int64_t live = tg__live_tensors();
    pthread_t th;
    CHECK(pthread_create(&th, NULL, release_it, t) == 0);
    pthread_join(th, NULL);
    CHECK(tg__live_tensors() == live - 1);
}

#ifdef TG_FAULT_INJECTION
/* A block waiting in the cache is still an allocation that can fail. */
static void test_hit_can_fail(void)
{
    tg_scope_begin();
    tg_zeros(TG_SHAPE(1000), TG_F32);
    tg_scope_end();
    tg_scope_begin();
    tg__fail_allocation_after(0);
    CHECK(tg_zeros(TG_SHAPE(1000), TG_F32) == NULL);
    tg__fail_allocation_after(-1);
    CHECK(tg_last_status() == TG_E_OOM);
    tg_clear_error();
    tg_scope_end();
}
#endif

int main(void)
{
    test_reuse();
    test_flat_memory();
    test_other_thread();
#ifdef TG_FAULT_INJECTION
    test_hit_can_fail();
#endif
    return TEST_MAIN_END();
}
