/* Note [Caching allocator]: tensor structs, storages with their data, and
   nodes come from here rather than straight from malloc, so that a training
   step reuses the blocks the previous one freed: no system call, no page
   fault, no glibc bookkeeping per op.

   Each block carries a small header naming its size class. A freed block
   goes on a free list of the freeing thread (whichever thread allocated
   it: the lists are per thread, so they need no lock), up to CACHE_CAP
   bytes per thread; beyond that, or for blocks larger than the largest
   class, it goes back to the system. tg_empty_cache() asks every thread to
   return its blocks: the calling thread does at once, the others at their
   next cached allocation or free (a generation number they compare, a plain
   atomic load). A thread's lists are freed when it exits, the main
   thread's at process exit (atexit), and after that blocks go straight to
   and from the system.

   A cache hit is still an allocation for fault injection (alloc.c): it
   fails when the injected failure says so. */
#include "core.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SANITIZE_ADDRESS__)   /* gcc */
#define TG_ASAN 1
#elif defined(__has_feature)         /* clang */
#if __has_feature(address_sanitizer)
#define TG_ASAN 1
#endif
#endif
#ifdef TG_ASAN   /* blocks in the cache cannot be read or written */
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

/* Size classes: multiples of SMALL_STEP up to SMALL_MAX, then four classes
   per power of two up to 2^MAX_LOG2 bytes. */
enum {
    SMALL_STEP = 64,
    SMALL_MAX = 1024,
    SMALL_CLASSES = SMALL_MAX / SMALL_STEP,
    MAX_LOG2 = 36,
    CLASSES = SMALL_CLASSES + (MAX_LOG2 - 10) * 4,
    UNCACHED = -1,
};
#define CACHE_CAP ((size_t)1 << 30)   /* bytes kept per thread */

/* In front of every block; 16 bytes keep the block's malloc alignment. */
typedef struct header {
    int64_t size_class;
    int64_t size;   /* class_size(size_class), so that the hot paths need not recompute it */
} header;

typedef struct free_block { struct free_block *next; } free_block;

enum cache_state { UNSET, OPEN, CLOSED };

typedef struct thread_cache {
    free_block *lists[CLASSES];
    size_t bytes;          /* held in the lists */
    uint64_t generation;   /* of the last tg_empty_cache this thread obeyed */
    enum cache_state state;
} thread_cache;

static _Thread_local thread_cache cache;
/* Bumped by tg_empty_cache; the top bit is set at process exit. */
static atomic_uint_least64_t generation;
#define EXITING ((uint64_t)1 << 63)
static pthread_once_t setup_once = PTHREAD_ONCE_INIT;
static pthread_key_t exit_key;

static size_t class_size(int c)
{
    if (c < SMALL_CLASSES) return (size_t)(c + 1) * SMALL_STEP;
    int k = c - SMALL_CLASSES, log2 = 10 + k / 4;
    return ((size_t)1 << log2) + ((size_t)(k % 4 + 1) << (log2 - 2));
}

static int size_class(size_t n)
{
    if (n <= SMALL_MAX) return n ? (int)((n - 1) / SMALL_STEP) : 0;
    int log2 = 63 - __builtin_clzll((unsigned long long)(n - 1));   /* 2^log2 < n <= 2^(log2+1) */
    if (log2 >= MAX_LOG2) return UNCACHED;
    size_t quarter = (size_t)1 << (log2 - 2);
    int k = (int)((n - 1 - ((size_t)1 << log2)) / quarter);
    return SMALL_CLASSES + (log2 - 10) * 4 + k;
}

static void flush(thread_cache *c)
{
    for (int i = 0; i < CLASSES; i++) {
        while (c->lists[i]) {
            free_block *b = c->lists[i];
            UNPOISON(b, class_size(i));
            c->lists[i] = b->next;
            free((header *)b - 1);
        }
    }
    c->bytes = 0;
}

static void close_thread_cache(void *unused)
{
    (void)unused;
    flush(&cache);
    cache.state = CLOSED;
}

static void close_at_exit(void)
{
    atomic_fetch_or(&generation, EXITING);
    close_thread_cache(NULL);
}

static void setup(void)
{
    pthread_key_create(&exit_key, close_thread_cache);
    atexit(close_at_exit);
}

/* this_cache when the thread's cache is new, has to obey tg_empty_cache,
   or is closed. */
static __attribute__((noinline)) thread_cache *this_cache_slow(void)
{
    if (cache.state == UNSET) {
        pthread_once(&setup_once, setup);
        pthread_setspecific(exit_key, &cache);   /* so that thread exit closes it */
        cache.state = OPEN;
        cache.generation = atomic_load_explicit(&generation, memory_order_relaxed);
    }
    uint64_t now = atomic_load_explicit(&generation, memory_order_relaxed);
    if (now != cache.generation) {
        cache.generation = now;
        flush(&cache);
        if (now & EXITING) cache.state = CLOSED;
    }
    return cache.state == OPEN ? &cache : NULL;
}

/* The calling thread's cache, or NULL when blocks go to the system. */
static inline thread_cache *this_cache(void)
{
    thread_cache *c = &cache;
    if (c->state == OPEN && c->generation == atomic_load_explicit(&generation, memory_order_relaxed)) return c;
    return this_cache_slow();
}

void *tg__cache_alloc_after(size_t prefix, size_t n)
{
    if (!tg__allocation_allowed() || n > SIZE_MAX - sizeof(header) - prefix) return tg__out_of_memory(n);
    size_t total = prefix + n;
    int c = size_class(total);
    thread_cache *tc = c == UNCACHED ? NULL : this_cache();
    if (tc && tc->lists[c]) {
        free_block *b = tc->lists[c];
        size_t size = (size_t)((header *)b - 1)->size;   /* the header is never poisoned */
        UNPOISON(b, size);
        tc->lists[c] = b->next;
        tc->bytes -= size;
        return b;
    }
    size_t size = c == UNCACHED ? total : class_size(c);
    header *h = malloc(sizeof *h + size);
    if (!h) return tg__out_of_memory(n);
    h->size_class = c;
    h->size = (int64_t)size;
    return h + 1;
}

void *tg__cache_alloc(size_t n) { return tg__cache_alloc_after(0, n); }

void *tg__cache_calloc(size_t n)
{
    void *p = tg__cache_alloc(n);
    return p ? memset(p, 0, n) : NULL;
}

void tg__cache_free(void *p)
{
    if (!p) return;
    header *h = (header *)p - 1;
    int c = (int)h->size_class;
    thread_cache *tc = c == UNCACHED ? NULL : this_cache();
    size_t size = (size_t)h->size;
    if (!tc || tc->bytes + size > CACHE_CAP) {
        free(h);
        return;
    }
    free_block *b = p;
    b->next = tc->lists[c];
    tc->lists[c] = b;
    tc->bytes += size;
    POISON(b, size);
}

void tg_empty_cache(void)
{
    atomic_fetch_add(&generation, 1);
    this_cache_slow();
}
