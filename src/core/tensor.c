/* Tensors: allocation, reference counts and readers. */
#include "core.h"
#include "refcount.h"

#include <math.h>
#include <stdalign.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------- reference counts */

/* Note [Storage blocks]: a new tensor's storage, version counter, struct
   and bytes are one block, in that order, the bytes aligned as malloc
   aligns: one allocation per result. The struct's storage reference keeps
   the block: when the tensor goes, its struct's memory stays until the
   storage goes, with the last view of its bytes. In debug mode (Note
   [Scope debugging]) the struct is allocated apart, as a view's is. */
typedef struct storage_block {
    tg_storage storage;
    tg_version_counter version;
    tg_tensor tensor;
} storage_block;
#define STORAGE_HEADER ((sizeof(storage_block) + alignof(max_align_t) - 1) / alignof(max_align_t) * alignof(max_align_t))

int64_t tg__live_tensors(void) { return tg__counted(TG_COUNT_TENSORS); }

static void storage_unref(tg_storage *s)
{
    if (tg__count_add(&s->refs, -1) == 1) tg__cache_free(s);   /* the whole block */
}

void tg__storage_release(tg_storage *s) { storage_unref(s); }

void tg__version_unref(tg_version_counter *v)
{
    if (v->in_storage) return;
    if (tg__count_add(&v->refs, -1) == 1) tg__cache_free(v);
}

static _Thread_local bool inference_mode;

bool tg__inference_mode(void) { return inference_mode; }
void tg__set_inference_flag(bool enabled) { inference_mode = enabled; }

static void version_init(tg_version_counter *v, bool in_storage)
{
    v->in_storage = in_storage;
    v->inference = inference_mode;
    atomic_init(&v->refs, 1);
    atomic_init(&v->value, 0);
    atomic_init(&v->last_writer, 0);
    atomic_init(&v->reshaped, 0);
}

tg_version_counter *tg__version_new(void)
{
    tg_version_counter *v = tg__cache_alloc(sizeof *v);
    if (v) version_init(v, false);
    return v;
}

/* Set once, before the first autograd data exists (Note [Autograd data]). */
static _Atomic(void (*)(tg_autograd *)) autograd_release;

void tg__install_autograd_release(void (*release)(tg_autograd *)) { atomic_store(&autograd_release, release); }

/* Note [Scope debugging]: in debug mode (TENSORGRAD_DEBUG=1, or a build
   with TG_DEBUG_DEFAULT) a tensor whose last reference goes does not go
   back to the allocator: its contents are released, its count is set to
   DEAD, and its struct waits in a quarantine of the last QUARANTINE tensors
   freed, so that the argument checks (tg__bad_arg) can tell a tensor used
   after its scope ended. At exit the quarantine is emptied, and tensors
   freed after that are freed at once. */
enum { QUARANTINE = 1 << 16, DEAD = -0x7eadbeef };

static pthread_once_t debug_once = PTHREAD_ONCE_INIT;
static bool debug_mode;
static pthread_mutex_t quarantine_lock = PTHREAD_MUTEX_INITIALIZER;
static tg_tensor **quarantine;   /* a ring of QUARANTINE entries */
static size_t quarantine_next, quarantine_count;
static atomic_bool exiting;

#ifndef TG_DEBUG_DEFAULT
#define TG_DEBUG_DEFAULT 0
#endif

static void drain_quarantine(void)
{
    pthread_mutex_lock(&quarantine_lock);
    atomic_store(&exiting, true);
    for (size_t i = 0; i < quarantine_count; i++) tg__cache_free(quarantine[i]);
    free(quarantine);
    quarantine = NULL;
    quarantine_count = 0;
    pthread_mutex_unlock(&quarantine_lock);
}

static void read_debug_mode(void)
{
    const char *env = getenv("TENSORGRAD_DEBUG");
    debug_mode = env && *env ? strcmp(env, "0") != 0 : TG_DEBUG_DEFAULT;
    if (debug_mode) atexit(drain_quarantine);
}

static bool in_debug_mode(void)
{
    pthread_once(&debug_once, read_debug_mode);
    return debug_mode;
}

/* Takes t, whose contents are released, into the quarantine; false when
   it is to be freed now. Its struct is its own allocation: in debug mode
   no struct lives in its storage's block (Note [Storage blocks]), so the
   quarantine holds no tensor's bytes. */
static bool quarantined(tg_tensor *t)
{
    if (!in_debug_mode() || atomic_load(&exiting)) return false;
    pthread_mutex_lock(&quarantine_lock);
    if (!quarantine && !atomic_load(&exiting)) quarantine = calloc(QUARANTINE, sizeof *quarantine);
    bool kept = quarantine != NULL;
    if (kept) {
        if (quarantine_count == QUARANTINE) tg__cache_free(quarantine[quarantine_next]);   /* the oldest */
        else quarantine_count++;
        quarantine[quarantine_next] = t;
        quarantine_next = (quarantine_next + 1) % QUARANTINE;
        memset(t, 0, sizeof *t);   /* poisoned: nothing in it leads anywhere */
        t->ndim = -1;
        atomic_init(&t->refs, DEAD);
    }
    pthread_mutex_unlock(&quarantine_lock);
    return kept;
}

bool tg__is_dead(const tg_tensor *t) { return atomic_load(&((tg_tensor *)t)->refs) == DEAD; }

bool tg__bad_arg(const char *fn, const tg_tensor *t)
{
    if (!t) return tg__null_arg(fn), true;
    if (tg__is_dead(t)) return tg__dead_arg(fn), true;
    return false;
}

void tg__ref(tg_tensor *t) { tg__count_add(&t->refs, 1); }

/* The storage whose block holds t's struct (in_block). */
static tg_storage *home_storage(tg_tensor *t)
{
    return &((storage_block *)(void *)((char *)t - offsetof(storage_block, tensor)))->storage;
}

void tg__unref(tg_tensor *t)
{
    if (tg__count_add(&t->refs, -1) != 1) return;
    if (t->autograd) atomic_load(&autograd_release)(t->autograd);
    tg__version_unref(t->version);   /* first: it may live in the storage's block */
    tg__count(TG_COUNT_TENSORS, -1);
    if (t->in_block) {
        tg_storage *home = home_storage(t);
        if (t->storage != home) storage_unref(t->storage);   /* given by tg__set_storage */
        storage_unref(home);   /* the struct goes with its block */
        return;
    }
    storage_unref(t->storage);
    if (!quarantined(t)) tg__cache_free(t);
}

/* Note [Setting data]: PyTorch's `t.data = d` makes t show d's storage,
   dtype and geometry and keeps t's version counter and autograd data. A
   struct that lives in its storage's block keeps that block (and its
   version counter, which may live there) for as long as it lives. */
void tg__set_storage(tg_tensor *t, const tg_tensor *d)
{
    tg__count_add(&d->storage->refs, 1);
    if (!t->in_block || t->storage != home_storage(t)) storage_unref(t->storage);
    t->storage = d->storage;
    t->dtype = d->dtype;
    t->ndim = d->ndim;
    memcpy(t->shape, d->shape, sizeof t->shape);
    memcpy(t->strides, d->strides, sizeof t->strides);
    t->offset = d->offset;
}

void tg__bump_version(tg_tensor *t)
{
    if (!t->version->inference) tg__count_add_u64(&t->version->value, 1);
}

/* --------------------------------------------------------------- making */

/* Sets up a new tensor struct at t with one reference. Field by field:
   zeroing the whole struct first (a block string store) took a tenth of
   the time of a small operation. Sizes past ndim read as 0. */
static void shell_init(tg_tensor *t, tg_dtype dt, const int64_t *shape, const int64_t *strides, int ndim,
                       int64_t offset)
{
    tg__count(TG_COUNT_TENSORS, 1);
    atomic_init(&t->refs, 1);
    t->in_block = false;
    t->storage = NULL;
    t->version = NULL;
    t->dtype = dt;
    t->ndim = ndim;
    for (int i = 0; i < ndim; i++) {
        t->shape[i] = shape[i];
        t->strides[i] = strides[i];
    }
    for (int i = ndim; i < TG_MAX_DIMS; i++) t->shape[i] = t->strides[i] = 0;
    t->offset = offset;
    t->autograd = NULL;
}

static tg_tensor *tensor_shell(tg_dtype dt, const int64_t *shape, const int64_t *strides,
                               int ndim, int64_t offset)
{
    tg_tensor *t = tg__cache_alloc(sizeof *t);
    if (t) shell_init(t, dt, shape, strides, ndim, offset);
    return t;
}

int tg__check_dtype(const char *fn, tg_dtype dt)
{
    const char *name = fn ? fn : "", *sep = fn ? "(): " : "";
    if ((unsigned)dt >= TG__NUM_DTYPES) return tg__faili(TG_E_DTYPE, "%s%s%d is not a tg_dtype", name, sep, (int)dt);
    if (!tg__is_supported(dt))
        return tg__faili(TG_E_DTYPE, "%s%sdtype %s is not supported yet", name, sep, tg_dtype_name(dt));
    return 0;
}

int tg__check_new(const char *fn, tg_dtype dt, const int64_t *shape, int ndim)
{
    return tg__check_dtype(fn, dt) ? -1 : tg__check_shape(fn, shape, ndim);
}

tg_tensor *tg__new(tg_dtype dt, const int64_t *shape, int ndim)
{
    if (tg__check_new(NULL, dt, shape, ndim)) return NULL;
    int64_t strides[TG_MAX_DIMS];
    tg__contiguous_strides(shape, ndim, strides);
    int64_t n = tg__numel(shape, ndim);
    size_t nbytes = (size_t)n * tg__dtype_size(dt);
    bool in_block = !in_debug_mode();   /* a quarantined struct must not hold its bytes */
    storage_block *block = tg__cache_alloc_after(STORAGE_HEADER, nbytes);
    tg_tensor *t = !block ? NULL : in_block ? &block->tensor : tg__cache_alloc(sizeof *t);
    if (!t) {
        tg__cache_free(block);
        return NULL;
    }
    shell_init(t, dt, shape, strides, ndim, 0);
    t->in_block = in_block;
    tg_storage *s = &block->storage;
    tg_version_counter *v = &block->version;
    version_init(v, true);
    atomic_init(&s->refs, 1);
    s->data = (char *)block + STORAGE_HEADER;
    s->nbytes = nbytes;
    t->storage = s;
    t->version = v;
    tg__capture_keep(s);
    return tg__scope_own(t) ? NULL : t;
}

tg_tensor *tg__new_like(tg_dtype dt, const int64_t *shape, int ndim, const tg_tensor *const *ops, int nops)
{
    tg_tensor *t = tg__new(dt, shape, ndim);
    if (t && ndim >= 2) tg__result_strides(shape, ndim, ops, nops, t->strides);   /* else contiguous, as made */
    return t;
}

tg_tensor *tg__alias(const tg_tensor *src, const int64_t *shape, const int64_t *strides,
                     int ndim, int64_t offset)
{
    tg_tensor *t = tensor_shell(src->dtype, shape, strides, ndim, offset);
    if (!t) return NULL;
    tg__count_add(&src->storage->refs, 1);
    if (!src->version->in_storage) tg__count_add(&src->version->refs, 1);
    t->storage = src->storage;
    t->version = src->version;
    return tg__scope_own(t) ? NULL : t;
}

tg_tensor *tg__stack_scalar(tg_stack_scalar *slot, double v, tg_dtype dt)
{
    tg_tensor *t = &slot->tensor;   /* 0-dim: no shape or strides to set */
    atomic_init(&t->refs, 1);
    t->in_block = false;
    t->storage = &slot->storage;
    t->version = &slot->version;
    t->dtype = dt;
    t->ndim = 0;
    t->offset = 0;
    t->autograd = NULL;
    atomic_init(&slot->storage.refs, 1);
    slot->storage.data = &slot->bytes;
    slot->storage.nbytes = tg__dtype_size(dt);
    version_init(&slot->version, true);
    tg__store(&slot->bytes, dt, v);
    return t;
}

tg_tensor *tg__share(const tg_tensor *t)
{
    tg__ref((tg_tensor *)t);
    return tg__scope_own((tg_tensor *)t) ? NULL : (tg_tensor *)t;
}

/* -------------------------------------------------------------- readers */

tg_dtype tg_dtype_of(const tg_tensor *t) { return tg__bad_arg(__func__, t) ? (tg_dtype)-1 : t->dtype; }
int tg_ndim(const tg_tensor *t) { return tg__bad_arg(__func__, t) ? -1 : t->ndim; }
const int64_t *tg_shape(const tg_tensor *t) { return tg__bad_arg(__func__, t) ? NULL : t->shape; }
const int64_t *tg_strides(const tg_tensor *t) { return tg__bad_arg(__func__, t) ? NULL : t->strides; }
int64_t tg_numel(const tg_tensor *t) { return tg__bad_arg(__func__, t) ? -1 : tg__numel(t->shape, t->ndim); }
uint64_t tg_version(const tg_tensor *t) { return tg__bad_arg(__func__, t) ? 0 : atomic_load(&t->version->value); }
void *tg_data_ptr(const tg_tensor *t)
{
    if (tg__bad_arg(__func__, t)) return NULL;
    tg__capture_refuse(__func__);   /* what the caller reads or writes there is not recorded */
    return tg__ptr(t);
}
size_t tg_element_size(const tg_tensor *t) { return tg__bad_arg(__func__, t) ? 0 : tg__dtype_size(t->dtype); }

bool tg_is_contiguous(const tg_tensor *t)
{
    if (tg__bad_arg(__func__, t)) return false;
    if (tg_numel(t) == 0) return true;   /* PyTorch: an empty tensor is contiguous */
    int64_t expected = 1;
    for (int i = t->ndim - 1; i >= 0; i--) {
        if (t->shape[i] == 1) continue;
        if (t->strides[i] != expected) return false;
        expected *= t->shape[i];
    }
    return true;
}

double tg_item(const tg_tensor *t)
{
    if (tg__bad_arg(__func__, t)) return NAN;
    int64_t n = tg_numel(t);
    if (n != 1) {
        tg__fail(TG_E_SHAPE, "a Tensor with %lld elements cannot be converted to Scalar", (long long)n);
        return NAN;
    }
    tg__capture_refuse(__func__);
    return tg__load(tg__ptr(t), t->dtype);
}

