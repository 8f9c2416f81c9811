/* Scopes: every tensor a function returns is owned by the calling thread's
   innermost open scope (or its root scope) until tg_scope_end.

   Note [Scope layout]: all scopes of a thread share one array of owned
   tensors; scope k owns the entries from scope_start[k] up to the next
   scope's start. Moving a tensor to the enclosing scope (tg_keep) is a swap
   with the first entry of the current scope and one increment of its start. */
#include "core.h"

#include <pthread.h>
#include <stdlib.h>

typedef struct tg_thread {
    tg_tensor **owned;        /* every scope's tensors, innermost last */
    size_t n_owned, cap_owned;
    size_t *scope_start;      /* first index of each open scope */
    int depth, cap_depth;
} tg_thread;

static pthread_key_t thread_key;
static pthread_once_t thread_key_once = PTHREAD_ONCE_INIT;
static _Thread_local tg_thread *current;

static void release_range(tg_thread *th, size_t from)
{
    /* Release in reverse so that later results go before what they used. */
    while (th->n_owned > from) {
        tg_tensor *t = th->owned[--th->n_owned];
        tg__unref(t);
    }
}

static void thread_free(void *p)
{
    tg_thread *th = p;
    current = th;   /* releasing may run code that looks the state up */
    release_range(th, 0);
    free(th->owned);
    free(th->scope_start);
    free(th);
    current = NULL;
}

static void main_thread_exit(void)
{
    if (current) thread_free(current);
}

static void make_key(void)
{
    pthread_key_create(&thread_key, thread_free);
    atexit(main_thread_exit);
}

static tg_thread *thread_state(void)
{
    if (current) return current;
    pthread_once(&thread_key_once, make_key);
    tg_thread *th = tg__calloc(1, sizeof *th);
    if (!th) return NULL;
    current = th;
    pthread_setspecific(thread_key, th);
    return th;
}

static bool grow_owned(tg_thread *th)
{
    if (th->n_owned < th->cap_owned) return true;
    size_t cap = th->cap_owned ? th->cap_owned * 2 : 256;
    tg_tensor **p = tg__realloc(th->owned, cap * sizeof *p);
    if (!p) return false;
    th->owned = p;
    th->cap_owned = cap;
    return true;
}

int tg__scope_own(tg_tensor *t)
{
    tg_thread *th = thread_state();
    if (!th || !grow_owned(th)) {
        tg__unref(t);
        return tg__faili(TG_E_OOM, "out of memory: could not record a tensor in its scope");
    }
    th->owned[th->n_owned++] = t;
    return 0;
}

int tg_scope_begin(void)
{
    tg_thread *th = thread_state();
    if (!th) return tg__faili(TG_E_OOM, "out of memory: could not open a scope");
    if (th->depth == th->cap_depth) {
        int cap = th->cap_depth ? th->cap_depth * 2 : 16;
        size_t *p = tg__realloc(th->scope_start, (size_t)cap * sizeof *p);
        if (!p) return tg__faili(TG_E_OOM, "out of memory: could not open a scope");
        th->scope_start = p;
        th->cap_depth = cap;
    }
    th->scope_start[th->depth++] = th->n_owned;
    return th->depth;
}

void tg_scope_end(void)
{
    tg_thread *th = thread_state();
    if (!th || th->depth == 0) {
        tg__fail(TG_E_SCOPE, "tg_scope_end(): no scope is open");
        return;
    }
    release_range(th, th->scope_start[--th->depth]);
}

int tg_scope_depth(void)
{
    tg_thread *th = thread_state();
    return th ? th->depth : 0;
}

int64_t tg_scope_size(void)
{
    tg_thread *th = thread_state();
    if (!th) return 0;
    return (int64_t)(th->n_owned - (th->depth ? th->scope_start[th->depth - 1] : 0));
}

tg_tensor *tg_keep(tg_tensor *t)
{
    TG_ARG(t);
    tg_thread *th = thread_state();
    if (!th || th->depth == 0)
        return tg__fail(TG_E_SCOPE, "tg_keep(): no scope is open, and the root scope has no enclosing one");
    size_t start = th->scope_start[th->depth - 1];
    for (size_t i = th->n_owned; i-- > start;) {
        if (th->owned[i] != t) continue;
        th->owned[i] = th->owned[start];
        th->owned[start] = t;
        th->scope_start[th->depth - 1] = start + 1;
        return t;
    }
    return tg__fail(TG_E_SCOPE, "tg_keep(): the current scope does not own this tensor "
                                "(it was kept already, retained, or made in another scope)");
}

tg_tensor *tg_retain(tg_tensor *t)
{
    TG_ARG(t);
    tg__ref(t);
    return t;
}

/* Like free(NULL), releasing NULL does nothing. */
void tg_release(tg_tensor *t)
{
    if (t && !tg__bad_arg(__func__, t)) tg__unref(t);
}
