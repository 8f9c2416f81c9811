/* The core layer: tensors and their storage, dtypes, geometry, scopes,
   errors and allocation. It includes no other layer's header and calls no
   other layer (docs/architecture.md). */
#ifndef TG_CORE_H
#define TG_CORE_H

#include "tensorgrad.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>

/* ------------------------------------------------------------ storage */

/* Note [Version counter]: a version counter is shared by a tensor, its views
   and its detach()es; tg_data() gets a fresh one over the same bytes. Every
   in-place operation bumps it, and saved tensors remember the value they had
   when saved, so the engine can tell when one was overwritten. */
typedef struct tg_version_counter {
    /* A new tensor's counter lives in its storage's block, as long as the
       storage: every tensor with it holds that storage, so it needs no count
       of its own. tg_data's counters are counted. */
    bool in_storage;
    atomic_int refs;
    atomic_uint_least64_t value;
    /* Which recorded operation last wrote a tensor with this counter, as
       the graph layer numbers operations (0: none). The core never reads
       it; a stale saved input's error names that operation, as PyTorch's
       does (Note [Saved inputs] in graph/saved.c). */
    atomic_int last_writer;
    /* The last tensor over this storage whose own geometry an in-place
       operation changed (t_, squeeze_, ...), as the graph layer numbers
       tensors (0: none), and its shape since: a stale saved input's error
       shows the shape it has now, as PyTorch's does. The core never reads
       them either. */
    atomic_uint_least64_t reshaped;
    int reshaped_ndim;
    int64_t reshaped_shape[TG_MAX_DIMS];
    /* Made in inference mode: its tensors are inference tensors, and
       writes do not move it (PyTorch's inference tensors have none). */
    bool inference;
} tg_version_counter;

/* A new counter at version 0, or NULL with an error. */
tg_version_counter *tg__version_new(void);
void tg__version_unref(tg_version_counter *v);

typedef struct tg_storage {
    atomic_int refs;
    void *data;
    size_t nbytes;
} tg_storage;

/* Note [Autograd data]: what autograd knows of a tensor (requires_grad,
   grad_fn, .grad, a view's base; graph/graph.h) sits behind one pointer,
   NULL for a tensor autograd never touched. The core only releases it, with
   the function the graph layer installs before it makes the first one. */
typedef struct tg_autograd tg_autograd;
void tg__install_autograd_release(void (*release)(tg_autograd *));

struct tg_tensor {
    atomic_int refs;
    bool in_block;                  /* the struct lives in its storage's block (tensor.c) */
    tg_storage *storage;
    tg_version_counter *version;
    tg_dtype dtype;
    int ndim;
    int64_t shape[TG_MAX_DIMS];
    int64_t strides[TG_MAX_DIMS];   /* in elements */
    int64_t offset;                 /* in elements */
    tg_autograd *autograd;          /* owned; NULL until autograd needs it */
};

/* Python's repr() of a float ("0.1", "1e-05", "1.0", "inf", "nan") into
   buf; returns buf. */
const char *tg__py_float(double v, char *buf, size_t cap);
/* Python's repr of a tuple of n integers into buf: "(4,)", "(2, 3)". */
const char *tg__py_tuple(const int64_t *v, int n, char *buf, size_t cap);

/* A growable string (text.c): zero-initialise, append with
   tg__text_append or tg__text_printf (after a failed one, appends do
   nothing and `failed` is set), and take the result with tg__text_take
   (NULL with a TG_E_OOM error when an append failed; free() it). */
typedef struct tg_text {
    char *s;
    size_t len, cap;
    bool failed;
} tg_text;
void tg__text_append(tg_text *t, const char *s, size_t n);
void tg__text_printf(tg_text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *tg__text_take(tg_text *t);

/* ------------------------------------------------------------- errors */

/* Set the thread's error and return NULL / -1. */
void *tg__fail(tg_status status, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int tg__faili(tg_status status, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Records "<fn>(): a tensor argument is NULL" unless an error is already
   set (an operation given the NULL result of a failed one keeps that
   failure's message); returns NULL. */
void *tg__null_arg(const char *fn);
/* Records "<fn>(): tensor used after its scope ended"; returns NULL. */
void *tg__dead_arg(const char *fn);
/* Whether t was freed and poisoned (debug mode; Note [Scope debugging] in
   tensor.c). */
bool tg__is_dead(const tg_tensor *t);
/* NULL (keeping an earlier error) or dead: the error for fn, and true. */
bool tg__bad_arg(const char *fn, const tg_tensor *t);
/* Argument checks naming the public function: __func__ in the function
   itself, or the name a shared helper was given by it. */
#define TG_ARG_OF(fn, t) do { if (tg__bad_arg(fn, t)) return NULL; } while (0)
#define TG_ARGI_OF(fn, t) do { if (tg__bad_arg(fn, t)) return -1; } while (0)
#define TG_ARG(t) TG_ARG_OF(__func__, t)
#define TG_ARGI(t) TG_ARGI_OF(__func__, t)

/* Passes a warning to the handler (tg_set_warning_handler). */
void tg__warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Allocation that records TG_E_OOM on failure (alloc.c). */
void *tg__malloc(size_t n);
void *tg__calloc(size_t count, size_t size);
void *tg__realloc(void *old, size_t n);   /* on failure old is left as it was */
#ifdef TG_FAULT_INJECTION
/* The calling thread's allocation number n (0 = the next) fails; -1 = none. */
void tg__fail_allocation_after(int64_t n);
int64_t tg__allocation_count(void);
/* Counts one allocation; false when fault injection makes it fail. */
bool tg__allocation_allowed(void);
#else
/* Without fault injection every allocation is allowed. */
static inline bool tg__allocation_allowed(void) { return true; }
#endif
/* Records TG_E_OOM for an allocation of n bytes; returns NULL. */
void *tg__out_of_memory(size_t n);

/* The caching allocator (cache.c, Note [Caching allocator]): blocks that
   are freed go back to a per-thread cache for the next allocation of their
   size class. Fails as tg__malloc does; free with tg__cache_free only. */
void *tg__cache_alloc(size_t n);
void *tg__cache_calloc(size_t n);   /* zeroed */
/* prefix + n bytes; a failure reports n (a storage header before its data). */
void *tg__cache_alloc_after(size_t prefix, size_t n);
void tg__cache_free(void *p);

/* -------------------------------------------------------------- dtype */

/* Inline: every kernel and iterator asks for it. */
static inline size_t tg__dtype_size(tg_dtype dt)
{
    static const unsigned char SIZES[] = {[TG_F32] = 4, [TG_F64] = 8, [TG_F16] = 2, [TG_BF16] = 2, [TG_C64] = 8,
                                          [TG_C128] = 16, [TG_I32] = 4, [TG_I64] = 8, [TG_BOOL] = 1,
                                          [TG_I8] = 1, [TG_U8] = 1, [TG_I16] = 2};
    return SIZES[dt];
}
enum { TG__NUM_DTYPES = TG_I16 + 1 };
/* Inline, as the dtype checks of every operation ask; false for a value
   that is no tg_dtype. */
static inline bool tg__is_floating(tg_dtype dt) { return dt == TG_F32 || dt == TG_F64 || dt == TG_F16 || dt == TG_BF16; }
static inline bool tg__is_complex(tg_dtype dt) { return dt == TG_C64 || dt == TG_C128; }
/* The dtypes that carry gradients, and that operations keep rather than promote. */
static inline bool tg__is_floating_or_complex(tg_dtype dt) { return tg__is_floating(dt) || tg__is_complex(dt); }
bool tg__is_integral(tg_dtype dt);        /* integers, not bool */
bool tg__is_supported(tg_dtype dt);       /* implemented in this build */
const char *tg__dtype_short(tg_dtype dt);  /* "Float", "Long", ... */
const char *tg__legacy_type(tg_dtype dt);  /* "torch.FloatTensor", "CPUBoolType", ... */
tg_dtype tg__promote(tg_dtype a, tg_dtype b);
/* PyTorch's result_type over tensors a and b (0-dim tensors weigh less). */
tg_dtype tg__result_type(const tg_tensor *a, const tg_tensor *b);
/* result_type of a tensor and a Python number (integral if whole). */
tg_dtype tg__result_type_scalar(const tg_tensor *a, double s);
bool tg__can_cast(tg_dtype from, tg_dtype to);
/* PyTorch's checked conversion of a number into dtype dt (c10's
   checked_convert): 0, or -1 with its error. */
int tg__checked_convert(double v, tg_dtype dt);
/* The smallest and largest value of an integer or bool dtype. */
int64_t tg__int_lowest(tg_dtype dt);
int64_t tg__int_max(tg_dtype dt);
double tg__load(const void *p, tg_dtype dt);
/* An integer or bool element, exactly (a double cannot hold every int64). */
int64_t tg__load_int(const void *p, tg_dtype dt);
/* v into an integer or bool element, wrapping around as PyTorch's do. */
void tg__store_int(void *p, tg_dtype dt, int64_t v);
/* v into any element, converted as PyTorch converts a double. */
void tg__store(void *p, tg_dtype dt, double v);

/* The address of t's first element. */
static inline char *tg__ptr(const tg_tensor *t)
{
    return (char *)t->storage->data + t->offset * (int64_t)tg__dtype_size(t->dtype);
}

/* ----------------------------------------------------------- geometry */

/* A tensor's geometry in its storage (offset in elements). */
typedef struct tg_strided {
    int ndim;
    int64_t shape[TG_MAX_DIMS];
    int64_t strides[TG_MAX_DIMS];
    int64_t offset;
} tg_strided;
void tg__strided_of(tg_strided *s, const tg_tensor *t);

/* Inline, as every operation and every edge of a backward asks: the
   loops over a few dims cost less than the calls. */
static inline int64_t tg__numel(const int64_t *shape, int ndim)
{
    int64_t n = 1;
    for (int i = 0; i < ndim; i++) n *= shape[i];
    return n;
}
void tg__contiguous_strides(const int64_t *shape, int ndim, int64_t *strides);
static inline bool tg__same_shape(const int64_t *a, int na, const int64_t *b, int nb)
{
    if (na != nb) return false;
    for (int i = 0; i < na; i++)
        if (a[i] != b[i]) return false;
    return true;
}
/* 0, or -1 with an error; fn (NULL: none) names the public function in
   this library's own messages (PyTorch's are kept as PyTorch words them). */
int tg__check_shape(const char *fn, const int64_t *shape, int ndim);
/* Wraps dim into [0, ndim) or fails with PyTorch's message. */
int tg__wrap_dim(int64_t dim, int ndim, int64_t *out);
/* The sizes of shape joined by ", " between open and close, into buf (cut
   to cap): "torch.Size([2, 3])" with "torch.Size([" and "])". Returns buf. */
const char *tg__shape_text(const int64_t *shape, int ndim, const char *open, const char *close,
                           char *buf, size_t cap);
/* "[2, 3]" into buf. */
const char *tg__shape_str(const int64_t *shape, int ndim, char *buf, size_t cap);
int tg__broadcast_shapes(const int64_t *a, int na, const int64_t *b, int nb,
                         int64_t *out, int *nout);
/* PyTorch's is_non_overlapping_and_dense. */
bool tg__is_dense(const tg_tensor *t);
/* The strides of a new result of `shape` computed elementwise from ops (in
   argument order), laid out as PyTorch lays it out (Note [Result layout]
   in geometry.c). */
void tg__result_strides(const int64_t *shape, int ndim, const tg_tensor *const *ops, int nops, int64_t *strides);

/* ------------------------------------------------------------- tensor */

/* Whether dt is a dtype this build implements, and whether a tensor of dtype
   dt and this shape can be made (0, or -1 with an error naming fn as
   tg__check_shape does). */
int tg__check_dtype(const char *fn, tg_dtype dt);
int tg__check_new(const char *fn, tg_dtype dt, const int64_t *shape, int ndim);
/* A new contiguous tensor, owned by the current scope. */
tg_tensor *tg__new(tg_dtype dt, const int64_t *shape, int ndim);
/* The same, laid out like the result of an elementwise operation on ops. */
tg_tensor *tg__new_like(tg_dtype dt, const int64_t *shape, int ndim, const tg_tensor *const *ops, int nops);
/* A tensor over t's storage with the given geometry, owned by the current
   scope; shares t's version counter. No autograd data. */
/* t shows d's storage, dtype and geometry; its version counter and
   autograd data stay (Note [Setting data] in tensor.c). */
void tg__set_storage(tg_tensor *t, const tg_tensor *d);
/* Inference mode is per thread; the tensors made in it are inference
   tensors (their version counter's flag). The graph layer sets it along
   with grad mode (tg_set_inference_mode). */
bool tg__inference_mode(void);
void tg__set_inference_flag(bool enabled);
static inline bool tg__is_inference(const tg_tensor *t) { return t->version->inference; }
tg_tensor *tg__alias(const tg_tensor *t, const int64_t *shape, const int64_t *strides,
                     int ndim, int64_t offset);
/* A 0-dim tensor of dtype dt holding v, all of it in *slot: a kernel's
   operand for a Python number, made without an allocation. No scope owns
   it and it has no count to drop; it lives as long as *slot, so it is
   only read by kernels, never referenced, saved or returned. */
typedef struct tg_stack_scalar {
    tg_tensor tensor;
    tg_storage storage;
    tg_version_counter version;
    max_align_t bytes;
} tg_stack_scalar;
tg_tensor *tg__stack_scalar(tg_stack_scalar *slot, double v, tg_dtype dt);
/* t itself, as one more reference owned by the current scope (PyTorch's
   operations that return self: contiguous() of a contiguous tensor, ...). */
tg_tensor *tg__share(const tg_tensor *t);
void tg__ref(tg_tensor *t);
void tg__unref(tg_tensor *t);
void tg__bump_version(tg_tensor *t);
/* Live tensors in the process, for the memory tests. */
int64_t tg__live_tensors(void);

/* Process-wide counts for the tests, changed without a locked instruction
   (Note [Live counts] in counter.c): live tensors, live nodes, and from
   TG_COUNT_NODES_MADE on the nodes made of each kind (the graph layer's
   numbering). */
enum { TG_COUNT_TENSORS, TG_COUNT_NODES, TG_COUNT_NODES_MADE, TG_COUNTERS = 512 };
/* The calling thread's slots once they are listed, NULL before and after
   (counter.c); inline, as every new tensor and node counts itself. */
extern _Thread_local atomic_int_least64_t *tg__thread_counts;
void tg__count_unlisted(int id, int64_t delta);
static inline void tg__count(int id, int64_t delta)
{
    atomic_int_least64_t *slots = tg__thread_counts;
    if (!slots) {
        tg__count_unlisted(id, delta);
        return;
    }
    /* only this thread writes its slots */
    atomic_store_explicit(&slots[id], atomic_load_explicit(&slots[id], memory_order_relaxed) + delta,
                          memory_order_relaxed);
}
int64_t tg__counted(int id);

/* -------------------------------------------------------------- scopes */

/* Hands the caller's reference to t to the current scope; on failure (out
   of memory) drops it instead and returns -1. */
int tg__scope_own(tg_tensor *t);

#include "capture.h"

#endif
