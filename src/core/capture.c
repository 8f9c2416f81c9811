/* Record once, replay many: the tape of thunks and tg_capture_step,
   tg_capture_replay and tg_capture_free.

   Note [Capture]: tensorgrad's operations check their arguments, make
   their results and record their nodes on the host, and leave every write
   of tensor memory to a kernel (src/kernels/kernels.h). While a thread
   records, each kernel entry appends a thunk (the kernel and a copy of its
   arguments: tensors' geometry, numbers, plans) and runs it with recording
   paused, so that the kernels it calls in turn are not recorded twice. A
   replay runs the thunks in order: the same kernels on the same memory in
   the same order, so that its results are an eager step's to the bit. The
   capture holds every storage made while it recorded (results, .grad,
   optimizer state made by the step) and every storage a thunk names, so
   the memory the thunks write stays valid; tensors made before the
   capture (parameters, static inputs) are used in place. What writes
   memory outside a kernel records a thunk of its own: bytes written on the
   host (tg__capture_written), random draws (which draw anew from their
   generator), the optimizers' steps (one thunk per step that reruns it, so
   that step counts advance). What cannot be replayed (a value read on the
   host, a result whose shape depends on values) refuses, and the capture
   fails. */
#include "core.h"
#include "refcount.h"

#include <stdlib.h>
#include <string.h>

typedef struct thunk {
    tg_thunk_fn run;
    void *args;
} thunk;

/* A growable array of pointers, NULL-free. */
typedef struct ptr_list {
    void **p;
    size_t n, cap;
} ptr_list;

struct tg_capture {
    thunk *thunks, *prechecks;
    size_t n_thunks, cap_thunks, n_prechecks, cap_prechecks;
    ptr_list made;       /* storages made while recording */
    ptr_list held;       /* storages the thunks name */
    ptr_list buffers;    /* argument blocks and copies of bytes */
    tg_status failed;    /* TG_OK, TG_E_OOM or TG_E_INVALID (refused) */
    char refused[128];   /* what refused */
    atomic_flag replaying;
};

_Thread_local tg_capture *tg__capture_recording;
/* The capture the thread builds, recording or paused. */
static _Thread_local tg_capture *building;

static void mark_oom(tg_capture *c)
{
    if (c->failed == TG_OK) c->failed = TG_E_OOM;
}

static bool list_push(tg_capture *c, ptr_list *l, void *p)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 16;
        void **grown = tg__allocation_allowed() ? realloc(l->p, cap * sizeof *grown) : NULL;
        if (!grown) {
            mark_oom(c);
            return false;
        }
        l->p = grown;
        l->cap = cap;
    }
    l->p[l->n++] = p;
    return true;
}

static bool push_thunk(tg_capture *c, thunk **a, size_t *n, size_t *cap, thunk t)
{
    if (*n == *cap) {
        size_t grown_cap = *cap ? 2 * *cap : 64;
        thunk *grown = tg__allocation_allowed() ? realloc(*a, grown_cap * sizeof *grown) : NULL;
        if (!grown) {
            mark_oom(c);
            return false;
        }
        *a = grown;
        *cap = grown_cap;
    }
    (*a)[(*n)++] = t;
    return true;
}

/* A block of size bytes the capture frees, or NULL (marked failed). */
static void *capture_buffer(tg_capture *c, size_t size)
{
    void *b = tg__allocation_allowed() ? calloc(1, size ? size : 1) : NULL;
    if (!b || !list_push(c, &c->buffers, b)) {
        free(b);
        mark_oom(c);
        return NULL;
    }
    return b;
}

void *tg__capture_thunk(tg_thunk_fn run, size_t size, bool precheck)
{
    tg_capture *c = tg__capture_recording;
    if (!c) return NULL;
    void *args = capture_buffer(c, size);
    if (!args) return NULL;
    thunk t = {run, args};
    bool ok = precheck ? push_thunk(c, &c->prechecks, &c->n_prechecks, &c->cap_prechecks, t)
                       : push_thunk(c, &c->thunks, &c->n_thunks, &c->cap_thunks, t);
    return ok ? args : NULL;
}

tg_capture *tg__capture_pause(void)
{
    tg_capture *c = tg__capture_recording;
    tg__capture_recording = NULL;
    return c;
}

void tg__capture_resume(tg_capture *c) { tg__capture_recording = c; }

void tg__capture_refuse(const char *what)
{
    tg_capture *c = tg__capture_recording;
    if (!c || c->failed != TG_OK) return;
    c->failed = TG_E_INVALID;
    snprintf(c->refused, sizeof c->refused, "%s", what);
}

static void hold(tg_capture *c, ptr_list *l, tg_storage *s)
{
    tg__count_add(&s->refs, 1);
    if (!list_push(c, l, s)) tg__storage_release(s);
}

/* Whether t is a 0-dim operand on the stack: tg__stack_scalar's (its
   storage and bytes in its slot), or one over a storage no one counts (the
   in-place operations' number, ops/inplace.c). */
static bool on_stack(const tg_tensor *t)
{
    if (t->ndim != 0) return false;
    if (atomic_load(&t->storage->refs) == 0) return true;
    const char *slot = (const char *)t;
    return (const char *)t->storage == slot + offsetof(tg_stack_scalar, storage) &&
           (const char *)t->storage->data == slot + offsetof(tg_stack_scalar, bytes);
}

void tg__capture_tensor(tg_captured *dst, const tg_tensor *src)
{
    if (!src) return;   /* an optional operand: dst stays zero */
    dst->t = *src;
    dst->t.autograd = NULL;
    dst->t.version = NULL;   /* replays bump no counter */
    if (on_stack(src)) {
        size_t size = tg__dtype_size(src->dtype);
        memcpy(&dst->bytes, tg__ptr(src), size);
        atomic_init(&dst->own.refs, 1);
        dst->own.data = &dst->bytes;
        dst->own.nbytes = size;
        dst->t.storage = &dst->own;
        dst->t.offset = 0;
        return;
    }
    tg_capture *c = tg__capture_recording;
    if (c) hold(c, &c->held, src->storage);
}

void tg__capture_keep(tg_storage *s)
{
    tg_capture *c = building;
    if (c) hold(c, &c->made, s);
}

bool tg__capture_owns(const tg_storage *s)
{
    tg_capture *c = building;
    for (size_t i = 0; c && i < c->made.n; i++)
        if (c->made.p[i] == s) return true;
    return false;
}

typedef struct restore_args {
    void *dst;
    const void *src;
    size_t n;
} restore_args;

static int restore(void *p)
{
    restore_args *a = p;
    memcpy(a->dst, a->src, a->n);
    return 0;
}

void tg__capture_written(const tg_tensor *t)
{
    tg_capture *c = tg__capture_recording;
    if (!c || !t->storage->nbytes) return;
    void *copy = capture_buffer(c, t->storage->nbytes);
    restore_args *a = copy ? tg__capture_thunk(restore, sizeof *a, false) : NULL;
    if (!a) return;
    memcpy(copy, t->storage->data, t->storage->nbytes);
    hold(c, &c->held, t->storage);
    *a = (restore_args){t->storage->data, copy, t->storage->nbytes};
}

void tg_capture_free(tg_capture *c)
{
    if (!c) return;
    for (size_t i = 0; i < c->held.n; i++) tg__storage_release(c->held.p[i]);
    for (size_t i = 0; i < c->made.n; i++) tg__storage_release(c->made.p[i]);
    for (size_t i = 0; i < c->buffers.n; i++) free(c->buffers.p[i]);
    free(c->held.p);
    free(c->made.p);
    free(c->buffers.p);
    free(c->thunks);
    free(c->prechecks);
    free(c);
}

tg_capture *tg_capture_step(int (*step)(void *ctx), void *ctx)
{
    if (!step) return tg__fail(TG_E_NULL, "tg_capture_step(): step is NULL");
    if (building) return tg__fail(TG_E_INVALID, "tg_capture_step(): a capture is already being recorded on this thread");
    tg_capture *c = tg__calloc(1, sizeof *c);
    if (!c) return NULL;
    atomic_flag_clear(&c->replaying);
    if (tg_scope_begin() < 0) {
        free(c);
        return NULL;
    }
    building = c;
    tg__capture_recording = c;
    int rc = step(ctx);
    tg__capture_recording = NULL;
    building = NULL;
    tg_scope_end();
    if (rc != 0 || c->failed != TG_OK) {
        if (rc == 0 && c->failed == TG_E_OOM) tg__fail(TG_E_OOM, "tg_capture_step(): out of memory while recording");
        else if (rc == 0)
            tg__fail(TG_E_INVALID, "tg_capture_step(): %s cannot be captured: it reads tensor values on the host or "
                                   "makes a result whose shape depends on them", c->refused);
        tg_capture_free(c);
        return NULL;
    }
    return c;
}

static int run_all(const thunk *ts, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (ts[i].run(ts[i].args) != 0) return -1;
    return 0;
}

int tg_capture_replay(tg_capture *c)
{
    if (!c) return tg__faili(TG_E_NULL, "tg_capture_replay(): the capture is NULL");
    if (building) return tg__faili(TG_E_INVALID, "tg_capture_replay(): cannot replay while tg_capture_step records");
    if (atomic_flag_test_and_set(&c->replaying))
        return tg__faili(TG_E_INVALID, "tg_capture_replay(): the capture is being replayed by another thread");
    int rc = run_all(c->prechecks, c->n_prechecks) == 0 && run_all(c->thunks, c->n_thunks) == 0 ? 0 : -1;
    atomic_flag_clear(&c->replaying);
    return rc;
}
