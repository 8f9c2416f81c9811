/* Private declarations shared by the library's files. */
#ifndef TG_INTERNAL_H
#define TG_INTERNAL_H

#include "tensorgrad.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>

/* ------------------------------------------------------------ storage */

/* Note [Version counter]: a version counter is shared by a tensor, its views and
   its detach()es; tg_data() gets a fresh one over the same bytes. Every
   in-place operation bumps it, and saved tensors remember the value they had
   when saved, so the engine can tell when one was overwritten. */
typedef struct tg_version_counter {
    atomic_int refs;
    atomic_uint_least64_t value;
    /* The op of the last recorded in-place operation on a tensor with this
       counter (0: none), which a stale saved input's error names as PyTorch
       does (Note [Saved inputs] in autograd/node.c). */
    atomic_int inplace_op;
} tg_version_counter;

typedef struct tg_storage {
    atomic_int refs;
    void *data;
    size_t nbytes;
} tg_storage;

struct tg_tensor {
    atomic_int refs;
    tg_storage *storage;
    tg_version_counter *version;
    tg_dtype dtype;
    int ndim;
    int64_t shape[TG_MAX_DIMS];
    int64_t strides[TG_MAX_DIMS];   /* in elements */
    int64_t offset;                 /* in elements */

    /* autograd */
    bool requires_grad;             /* a leaf's flag; true for any tensor with grad_fn */
    tg_node *grad_fn;               /* strong; NULL for leaves */
    tg_tensor *grad;                /* strong; a leaf's accumulated gradient */
    tg_node *grad_acc;              /* weak: the leaf's AccumulateGrad node, if alive */
    tg_tensor *view_base;           /* strong; set on differentiable views */
    /* A view's: the version its grad_fn belongs to (Note [Views written in
       place] in ops/shape.c), and whether it was made in no-grad mode (or
       from a view that was), which PyTorch forbids writing with grad on. */
    atomic_uint_least64_t view_version;
    bool view_no_grad;
};

/* ------------------------------------------------------------- errors */

/* Set the thread's error and return NULL / -1. */
void *tg__fail(tg_status status, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int tg__faili(tg_status status, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Records "argument is NULL" unless an error is already set; returns NULL. */
void *tg__null_arg(const char *fn);
#define TG_ARG(t) do { if (!(t)) return tg__null_arg(__func__); } while (0)
#define TG_ARGI(t) do { if (!(t)) { tg__null_arg(__func__); return -1; } } while (0)

/* Allocation that records TG_E_OOM on failure (alloc.c). */
void *tg__malloc(size_t n);
void *tg__calloc(size_t count, size_t size);
void *tg__realloc(void *old, size_t n);   /* on failure old is left as it was */
#ifdef TG_FAULT_INJECTION
/* The calling thread's allocation number n (0 = the next) fails; -1 = none. */
void tg__fail_allocation_after(int64_t n);
int64_t tg__allocation_count(void);
#endif

/* -------------------------------------------------------------- dtype */

size_t tg__dtype_size(tg_dtype dt);
bool tg__is_floating(tg_dtype dt);
bool tg__is_supported(tg_dtype dt);       /* implemented in this build */
const char *tg__dtype_short(tg_dtype dt);  /* "Float", "Long", ... */
const char *tg__legacy_type(tg_dtype dt);  /* "torch.FloatTensor", ... */
tg_dtype tg__promote(tg_dtype a, tg_dtype b);
/* PyTorch's result_type over tensors a and b (0-dim tensors weigh less). */
tg_dtype tg__result_type(const tg_tensor *a, const tg_tensor *b);
/* result_type of a tensor and a Python number (integral if whole). */
tg_dtype tg__result_type_scalar(const tg_tensor *a, double s);
bool tg__can_cast(tg_dtype from, tg_dtype to);
double tg__load(const void *p, tg_dtype dt);
void tg__store(void *p, tg_dtype dt, double v);

/* ------------------------------------------------------------- tensor */

/* A new contiguous tensor, owned by the current scope. */
tg_tensor *tg__new(tg_dtype dt, const int64_t *shape, int ndim);
/* The same, laid out like the result of an elementwise operation on ops
   (Note [Result layout] in kernels/iter.c). */
tg_tensor *tg__new_like(tg_dtype dt, const int64_t *shape, int ndim, const tg_tensor *const *ops, int nops);
/* A tensor over t's storage with the given geometry, owned by the current
   scope; shares t's version counter. No autograd metadata. */
tg_tensor *tg__alias(const tg_tensor *t, const int64_t *shape, const int64_t *strides,
                     int ndim, int64_t offset);
/* t itself, as one more reference owned by the current scope (PyTorch's
   operations that return self: contiguous() of a contiguous tensor, ...). */
tg_tensor *tg__share(const tg_tensor *t);
void tg__ref(tg_tensor *t);
void tg__unref(tg_tensor *t);
char *tg__ptr(const tg_tensor *t);            /* address of the first element */
int64_t tg__numel(const int64_t *shape, int ndim);
void tg__contiguous_strides(const int64_t *shape, int ndim, int64_t *strides);
bool tg__same_shape(const int64_t *a, int na, const int64_t *b, int nb);
int tg__check_shape(const int64_t *shape, int ndim);   /* 0 or -1 with error */
/* Wraps dim into [0, ndim) or fails with PyTorch's message. */
int tg__wrap_dim(int64_t dim, int ndim, int64_t *out);
/* "[2, 3]" into buf. */
const char *tg__shape_str(const int64_t *shape, int ndim, char *buf, size_t cap);
/* Hands the caller's reference to t to the current scope; on failure (out
   of memory) drops it instead and returns -1. */
int tg__scope_own(tg_tensor *t);
void tg__bump_version(tg_tensor *t);
/* Live tensors and nodes in the process, for the memory tests. */
int64_t tg__live_tensors(void);
int64_t tg__live_nodes(void);

/* ------------------------------------------------------------ kernels */

/* Strided iteration over same-shaped operands (operand 0 is the output).
   The loop gets each operand's pointer and byte stride along the innermost
   (coalesced) dimension. */
typedef void (*tg_loop_fn)(char **data, const int64_t *strides, int64_t n, void *ctx);
typedef struct tg_iter_operand {
    char *data;
    int64_t strides[TG_MAX_DIMS];   /* bytes, aligned to the iteration shape */
} tg_iter_operand;
void tg__iter_run(tg_iter_operand *ops, int nops, const int64_t *shape, int ndim,
                  tg_loop_fn fn, void *ctx);
/* An operand for t broadcast to an ndim-dim shape (stride 0 along broadcast dims). */
void tg__operand(tg_iter_operand *op, const tg_tensor *t, int ndim);
/* PyTorch's is_non_overlapping_and_dense. */
bool tg__is_dense(const tg_tensor *t);
/* The strides of a new result of `shape` computed elementwise from ops (in
   argument order), laid out as PyTorch lays it out (Note [Result layout]). */
void tg__result_strides(const int64_t *shape, int ndim, const tg_tensor *const *ops, int nops, int64_t *strides);
int tg__broadcast_shapes(const int64_t *a, int na, const int64_t *b, int nb,
                         int64_t *out, int *nout);

/* dst (any strides) = src broadcast to dst's shape, converting dtypes. */
void tg__copy_into(tg_tensor *dst, const tg_tensor *src);

typedef enum tg_binop {
    TG_BIN_ADD, TG_BIN_SUB, TG_BIN_MUL, TG_BIN_DIV, TG_BIN_POW, TG_BIN_MAX, TG_BIN_MIN,
    TG_BIN_RSUB, TG_BIN_EQ, TG_BIN_GT, TG_BIN_LT, TG_BIN_GE, TG_BIN_LE
} tg_binop;
typedef enum tg_unop {
    TG_UN_NEG, TG_UN_EXP, TG_UN_LOG, TG_UN_SQRT, TG_UN_ABS, TG_UN_SIN, TG_UN_COS,
    TG_UN_TANH, TG_UN_SIGMOID, TG_UN_RELU, TG_UN_SIGN, TG_UN_LOG1P
} tg_unop;
/* out = a op b; all three of out's dtype except comparisons (out bool),
   a and b broadcast to out's shape. */
void tg__k_binary(tg_binop op, tg_tensor *out, const tg_tensor *a, const tg_tensor *b);
void tg__k_unary(tg_unop op, tg_tensor *out, const tg_tensor *a);
/* out[...] = sum of a over the dims where out has size 1 and a does not
   (out has a's rank). Accumulates in double (int64 for integers) in a
   buffer of its own: 0, or -1 when that cannot be allocated. */
int tg__k_sum_to(tg_tensor *out, const tg_tensor *a);
/* values/indices (a's rank, size 1 along dim) = max of a along dim. */
void tg__k_max_dim(tg_tensor *values, tg_tensor *indices, const tg_tensor *a, int dim);
/* c[b] = a[b] @ bm[b] for 3-D contiguous-or-strided operands of one dtype. */
void tg__k_bmm(tg_tensor *c, const tg_tensor *a, const tg_tensor *bm);
void tg__k_fill(tg_tensor *t, double v);
/* out = cond ? a : b, with a, b and out of one dtype and cond bool. */
void tg__k_where(tg_tensor *out, const tg_tensor *cond, const tg_tensor *a, const tg_tensor *b);
tg_tensor *tg__binary_kernel(tg_binop k, const tg_tensor *a, const tg_tensor *b, tg_dtype dt, tg_dtype out_dt);

/* ------------------------------------------------------------ autograd */

#include "ops.h"

typedef struct tg_edge {
    tg_node *node;        /* strong; NULL when that input needs no gradient */
    int input_nr;
} tg_edge;

typedef struct tg_meta {
    tg_dtype dtype;
    int ndim;
    int64_t shape[TG_MAX_DIMS];
} tg_meta;

typedef struct tg_saved {
    tg_tensor *data;      /* strong; for the node's own output, a detached alias */
    uint64_t version;
    bool used;            /* this slot was saved (its data goes on release) */
    bool is_output;
    bool of_view;         /* the tensor saved was a view */
} tg_saved;

/* A tensor's geometry in its storage (offset in elements). */
typedef struct tg_strided {
    int ndim;
    int64_t shape[TG_MAX_DIMS];
    int64_t strides[TG_MAX_DIMS];
    int64_t offset;
} tg_strided;
void tg__strided_of(tg_strided *s, const tg_tensor *t);

#define TG_NODE_MAX_IN 3
#define TG_NODE_MAX_SAVED 3

struct tg_node {
    atomic_int refs;
    tg_op op;
    uint64_t seq;
    int n_next;
    tg_edge next[TG_NODE_MAX_IN];
    tg_meta in_meta[TG_NODE_MAX_IN];   /* each input's dtype and shape */
    tg_meta out_meta;
    int n_saved;
    tg_saved saved[TG_NODE_MAX_SAVED];
    bool released;                     /* saved tensors freed by a backward */
    /* operation parameters */
    double scalar;
    int64_t ints[TG_MAX_DIMS + 2];
    int n_ints;
    bool flag;
    tg_tensor *leaf;                   /* AccumulateGrad: strong */
    /* CopySlices and AsStridedBackward0: the base's geometry and the view's
       (geom[0], geom[1]; owned). CopySlices also holds the node of the
       in-place operation on the view (strong), whose derivative it runs. */
    tg_strided *geom;
    tg_node *fn;
};

void tg__node_ref(tg_node *n);
/* How many nodes of op this process has made (tests check each row of the
   table is exercised). */
int64_t tg__nodes_created(tg_op op);
void tg__node_unref(tg_node *n);
/* Whether an operation on these inputs is recorded. */
bool tg__needs_grad(const tg_tensor *const *inputs, int n);
/* A node for op with edges to inputs' histories, or NULL with an error. */
tg_node *tg__node_new(tg_op op, const tg_tensor *const *inputs, int n);
/* Records out = op(inputs) when grad mode is on and an input requires grad:
   a new node becomes out's history and goes to *node (may be NULL) for the
   caller to add what its derivative needs; *node is NULL when nothing is
   recorded. 0, or -1 with an error. */
int tg__record(tg_tensor *out, tg_op op, const tg_tensor *const *inputs, int n, tg_node **node);
/* Attach node as out's history (takes the caller's node reference). */
void tg__set_history(tg_tensor *out, tg_node *node);
/* Saves t (or, with save_output, out as the node's own output) in slot i. */
int tg__save(tg_node *n, int slot, const tg_tensor *t);
int tg__save_output(tg_node *n, int slot, const tg_tensor *out);
/* The i-th saved tensor, checked against its version; NULL with an error. */
tg_tensor *tg__unpack(tg_node *n, int i);
int tg__check_saved(const tg_node *n);
/* PyTorch's CopySlices: base's new history after fn, the node of an in-place
   operation on view, wrote into it. NULL with an error. */
tg_node *tg__copy_slices_new(const tg_tensor *base, const tg_tensor *view, tg_node *fn);
/* t's grad_fn, first regenerated (AsStridedBackward0 of its base) when t is
   a view whose storage was written since its grad_fn was set. */
tg_node *tg__view_grad_fn(const tg_tensor *t);
/* Makes the view t's history AsStridedBackward0 of its base's. 0 or -1. */
int tg__regenerate_view(tg_tensor *t);
/* The edge a gradient for t flows into (t's grad_fn, or its AccumulateGrad). */
tg_edge tg__grad_edge(const tg_tensor *t);
/* The process-wide lock over every leaf's .grad (Note [The gradient lock]). */
void tg__lock_grads(void);
void tg__unlock_grads(void);

/* Reduce g to shape by summing broadcast dims (differentiable). */
tg_tensor *tg__sum_to(const tg_tensor *g, const int64_t *shape, int ndim);
/* Non-differentiable helpers used by derivatives and kernels. */
tg_tensor *tg__compare(tg_binop op, const tg_tensor *a, const tg_tensor *b);
tg_tensor *tg__compare_scalar(tg_binop op, const tg_tensor *a, double s);
tg_tensor *tg__cast(const tg_tensor *t, tg_dtype dt);   /* no history */
tg_tensor *tg__where(const tg_tensor *cond, const tg_tensor *a, const tg_tensor *b);
tg_tensor *tg__scalar_tensor(double v, tg_dtype dt);
void tg__meta_of(tg_meta *m, const tg_tensor *t);

/* Differentiable building blocks not in the public API. */
tg_tensor *tg__mm(const tg_tensor *a, const tg_tensor *b);
tg_tensor *tg__bmm(const tg_tensor *a, const tg_tensor *b);
tg_tensor *tg__mv(const tg_tensor *a, const tg_tensor *v);
tg_tensor *tg__dot(const tg_tensor *a, const tg_tensor *b);
tg_tensor *tg__unsafe_view(const tg_tensor *t, const int64_t *shape, int ndim);
/* clone(memory_format=torch.contiguous_format): CloneBackward0, contiguous. */
tg_tensor *tg__clone_contiguous(const tg_tensor *t);
/* relu's derivative, PyTorch's threshold_backward(g, y, 0): g where y > 0. */
tg_tensor *tg__threshold_backward(const tg_tensor *g, const tg_tensor *y);
tg_tensor *tg__select_backward(const tg_tensor *g, const tg_meta *in, int64_t dim, int64_t index);
tg_tensor *tg__slice_backward(const tg_tensor *g, const tg_meta *in, int64_t dim,
                              int64_t start, int64_t end, int64_t step);
/* A view of t's storage with geometry v (AsStridedBackward0). */
tg_tensor *tg__as_strided(const tg_tensor *t, const tg_strided *v);
/* as_strided's gradient: a tensor laid out as base (in a storage of its own)
   holding g's elements summed where v would read them. */
tg_tensor *tg__as_strided_backward(const tg_tensor *g, const tg_strided *base, const tg_strided *v);
/* A new tensor of zeros with s's shape and strides, at offset 0 of a storage
   just large enough (PyTorch's new_empty_strided, zeroed). */
tg_tensor *tg__zeros_strided(tg_dtype dt, const tg_strided *s);

/* -------------------------------------------------------------- scopes */

typedef struct tg_thread {
    bool grad_enabled;
    bool grad_mode_set;
    uint64_t next_seq;
    tg_tensor **owned;        /* every scope's tensors, innermost last */
    size_t n_owned, cap_owned;
    size_t *scope_start;      /* first index of each open scope */
    int depth, cap_depth;
} tg_thread;

tg_thread *tg__thread(void);

#endif
