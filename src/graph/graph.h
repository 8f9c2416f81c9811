/* The graph layer: what autograd records. Nodes and their edges, saved
   tensors, views' histories, grad mode, and the autograd data of tensors
   (requires_grad, grad_fn, .grad). It sees the core only: it never runs a
   kernel or an operation. */
#ifndef TG_GRAPH_H
#define TG_GRAPH_H

#include "../core/core.h"

/* ------------------------------------------------------------ op table */

/* The kinds of node, one per row of ops.def (and the sink that stores a
   leaf's gradient, whose work the engine does itself). */
typedef enum tg_op {
    TG_OP_ACCUMULATE_GRAD,
#define TG_OP(id, name, derivative) TG_OP_##id,
#include "ops.def"
    TG_OP_COUNT
} tg_op;

/* The node name PyTorch prints for op ("MulBackward0"). */
const char *tg__op_name(tg_op op);

/* ------------------------------------------------------- autograd data */

typedef struct tg_hook_list tg_hook_list;   /* hooks.c */

/* A tensor's autograd data (Note [Autograd data] in core/core.h); a new
   one is set field by field in tg__autograd (tensor_grad.c). */
struct tg_autograd {
    uint64_t serial;                /* no other tensor's autograd data has had it */
    bool requires_grad;             /* a leaf's flag; true for any tensor with grad_fn */
    tg_node *grad_fn;               /* strong; NULL for leaves */
    tg_tensor *grad;                /* strong; a leaf's accumulated gradient */
    tg_node *grad_acc;              /* weak: the leaf's AccumulateGrad node, if alive */
    tg_tensor *view_base;           /* strong; set on differentiable views */
    /* A view's: the version its grad_fn belongs to (Note [Views written in
       place] in view.c), and whether it was made in no-grad mode (or from a
       view that was), which PyTorch forbids writing with grad on. */
    atomic_uint_least64_t view_version;
    bool view_no_grad;
    /* A view from split, chunk or unbind in grad mode, or a view of one
       (ops/join.c: PyTorch's CreationMeta::MULTI_OUTPUT_NODE), and which
       output of its node it is (0 for a view of one). */
    bool view_multi_output;
    int view_output_nr;
    /* Forward AD (graph/dual.c): the tangent, strong, laid out in a storage
       that mirrors this tensor's (Note [Tangent layout]); it counts only
       at dual level tangent_level. */
    tg_tensor *tangent;
    uint64_t tangent_level;
    int output_nr;                  /* which output of grad_fn it is (a custom function's; else 0) */
    /* A leaf's tensor and post-accumulate hooks (hooks.c); NULL when it
       never had one. */
    _Atomic(tg_hook_list *) hooks;
    bool retains_grad;              /* a non-leaf's .grad is stored (tg_retain_grad) */
};

/* t's autograd data, made on first use; NULL (with an error) only when
   out of memory. */
tg_autograd *tg__autograd(tg_tensor *t);

/* Readers of the fields; a tensor without autograd data has none set.
   tg__requires_grad is the flag itself: a view whose base was written
   since may have gained a history (tg__view_grad_fn). */
static inline bool tg__requires_grad(const tg_tensor *t) { return t->autograd && t->autograd->requires_grad; }
static inline tg_node *tg__grad_fn(const tg_tensor *t) { return t->autograd ? t->autograd->grad_fn : NULL; }
static inline tg_tensor *tg__view_base(const tg_tensor *t) { return t->autograd ? t->autograd->view_base : NULL; }
static inline tg_tensor *tg__grad_of(const tg_tensor *t) { return t->autograd ? t->autograd->grad : NULL; }
/* For PyTorch a view requires grad whenever its base does, even one with
   no history (made in no-grad mode, or before its base required grad). */
static inline bool tg__view_requires_grad(const tg_tensor *t)
{
    return t->autograd && t->autograd->view_base && tg__requires_grad(t->autograd->view_base);
}

/* Gives alias (a tensor over t's storage) t's requires_grad and grad_fn,
   so that it stands for t in the graph. 0, or -1 when out of memory. */
int tg__share_history(tg_tensor *alias, const tg_tensor *t);

/* The process-wide lock over every leaf's .grad (Note [The gradient lock]
   in tensor_grad.c). */
void tg__lock_grads(void);
void tg__unlock_grads(void);

/* ------------------------------------------------------------- nodes */

typedef struct tg_edge {
    tg_node *node;        /* strong; NULL when that input needs no gradient */
    int input_nr;
} tg_edge;

typedef struct tg_meta {
    tg_dtype dtype;
    int ndim;
    int64_t shape[TG_MAX_DIMS];
} tg_meta;
void tg__meta_of(tg_meta *m, const tg_tensor *t);

typedef struct tg_packed tg_packed;   /* saved_hooks.c */
typedef struct tg_saved {
    tg_tensor *data;      /* strong; for the node's own output, a detached alias */
    tg_packed *packed;    /* owned: what saved-tensor hooks made of data (then NULL) */
    uint64_t version;
    bool used;            /* this slot was saved (its data goes on release) */
    bool is_output;
    bool of_view;         /* the tensor saved was a view */
    int multi_output_nr;  /* a view from split, chunk or unbind (or of one): its output number; else -1 */
    uint64_t source;      /* an input's: the serial of its autograd data (0: it had none) */
    int output_nr;        /* an output's: which output of the node it is */
} tg_saved;

/* Note [Custom nodes]: a node of a user's autograd function (TG_OP_FUNCTION,
   ops/function.c) has a name of the user's and may have several outputs;
   the ops layer embeds this header in its context and frees it through
   destroy when the node goes. */
typedef struct tg_custom_node {
    const char *name;                  /* "<ClassName>Backward" */
    int n_out;
    void (*destroy)(struct tg_custom_node *);
} tg_custom_node;

/* Note [Nodes]: a node has one edge (and one input's metadata) per input
   of its operation, as many saved-tensor slots as its derivative reads,
   and the operation's parameters as a struct of the operation's own type
   (params), all in one allocation. The operation's file defines the
   struct, what is saved in which slot, and the derivative that reads them
   (docs/adding_an_op.md). */
struct tg_node {
    atomic_int refs;
    tg_op op;
    uint64_t seq;
    int n_next;
    int n_saved;
    tg_edge *next;                     /* n_next edges */
    tg_meta *in_meta;                  /* each input's dtype and shape */
    tg_saved *saved;                   /* n_saved slots */
    void *params;                      /* NULL when the operation has none */
    tg_meta out_meta;
    bool released;                     /* saved tensors freed by a backward */
    tg_tensor *leaf;                   /* AccumulateGrad: strong */
    tg_node *fn;                       /* CopySlices: the in-place operation's node, strong */
    tg_custom_node *custom;            /* a custom function's context (owned); NULL for others */
    const char *anomaly_site;          /* anomaly mode: the forward call that made it (static text) */
    _Atomic(tg_hook_list *) hooks;     /* hooks.c; NULL when it never had one */
};

/* What a recorded operation keeps besides its inputs' edges. */
typedef struct tg_record {
    tg_op op;
    int n_saved;                       /* saved-tensor slots */
    const void *params;                /* copied into the node */
    size_t params_size;
    const void *tangent_ctx;           /* forward AD: what the rule reads besides inputs and params, while recording */
} tg_record;
#define TG_PARAMS(p) .params = &(p), .params_size = sizeof(p)

void tg__node_ref(tg_node *n);
void tg__node_unref(tg_node *n);
/* Whether an operation on these inputs is recorded. */
bool tg__needs_grad(const tg_tensor *const *inputs, int n);
/* A node with edges to inputs' histories (NULL inputs get none), or NULL
   with an error. */
tg_node *tg__node_new(tg_record what, const tg_tensor *const *inputs, int n);
/* Records out = op(inputs) when grad mode is on and an input requires grad:
   a new node becomes out's history and goes to *node (may be NULL) for the
   caller to save what its derivative needs; *node is NULL when nothing is
   recorded. 0, or -1 with an error. */
int tg__record(tg_tensor *out, tg_record what, const tg_tensor *const *inputs, int n, tg_node **node);
/* Attach node as out's history, taking the caller's node reference (also
   on failure: -1 when out of memory). */
int tg__set_history(tg_tensor *out, tg_node *node);
/* Later graphs get a new AccumulateGrad node for this leaf. */
void tg__forget_grad_accumulator(tg_autograd *a);
/* The edge a gradient for t flows into (t's grad_fn, or its AccumulateGrad). */
tg_edge tg__grad_edge(const tg_tensor *t);

/* Saves t in slot i (Note [Saved inputs] in saved.c). */
void tg__save(tg_node *n, int slot, const tg_tensor *t);
/* Notes t's geometry after an in-place operation changed it, for the
   version errors of the nodes that saved t (Note [Saved inputs]). */
void tg__note_reshape(tg_tensor *t);
/* Saves out, the node's own output, in slot i; 0 or -1. */
int tg__save_output(tg_node *n, int slot, const tg_tensor *out);
/* The i-th saved tensor, checked against its version; NULL with an error. */
tg_tensor *tg__unpack(tg_node *n, int i);
/* Drops what slot s keeps (its tensor, or what the hooks packed). */
void tg__saved_drop(tg_saved *s);
/* Saved-tensor hooks (saved_hooks.c): with hooks pushed on the calling
   thread, s's tensor goes through the innermost pack hook and s keeps what
   it returned instead (a leaf that requires grad is kept as it is).
   tg__unpacked gives it back through the unpack hook (owned by the current
   scope, without history); tg__packed_grad_fn is the history a saved input
   had. */
void tg__pack_saved(tg_saved *s);
tg_tensor *tg__unpacked(const tg_saved *s);
tg_node *tg__packed_grad_fn(const tg_saved *s);
void tg__packed_free(tg_packed *p);
/* Whether every saved tensor n's derivative reads is still as saved; 0, or
   -1 with PyTorch's error. */
int tg__check_saved(const tg_node *n);
/* A node as PyTorch's messages name it (its C++ name). */
const char *tg__message_name(tg_op op);

/* ------------------------------------------------------- anomaly mode */

/* Anomaly mode (anomaly.c): process-wide, as PyTorch's. While it is on,
   new nodes note the calling thread's label (tg_anomaly_label). */
bool tg__anomaly_enabled(void);
bool tg__anomaly_check_nan(void);
const char *tg__anomaly_site(void);

/* -------------------------------------------------------------- views */

/* The geometries of a view and of its base in their storage: the
   parameters of AsStridedBackward0 and CopySlices. */
typedef struct tg_view_geometry {
    tg_strided base, view;
} tg_view_geometry;

/* Makes v, a new alias of t, a differentiable view of t's base. 0 or -1. */
int tg__set_view_of(tg_tensor *v, const tg_tensor *t);
/* Whether v is a view without history whose base, also without one, only
   v holds: then v's bytes are v's alone once it forgets its base. */
bool tg__sole_view(const tg_tensor *v);
/* Makes v a plain tensor again (drops its base): for a gradient the engine
   takes as a leaf's .grad, since PyTorch's .grad is never a view. */
void tg__forget_base(tg_tensor *v);
/* t's grad_fn, first regenerated (AsStridedBackward0 of its base) when t is
   a view whose storage was written since its grad_fn was set. */
tg_node *tg__view_grad_fn(const tg_tensor *t);
/* PyTorch's handle_view_on_rebase for the views of a function of several
   outputs (split, chunk, unbind, and views of theirs), which get no new
   history: the error for fn, a view's history, as output output_nr of its
   node; `indirect` when its base or another view was written, else the
   view itself is being written. Returns -1. */
int tg__multi_output_error(const tg_node *fn, int output_nr, bool indirect);
/* 0, or -1 with that error when t is such a view and its storage was
   written since its history was set: tg__view_grad_fn gives it NULL, and
   whatever needs its history fails. */
int tg__check_view_rebase(const tg_tensor *t);
/* Makes the view t's history AsStridedBackward0 of its base's. 0 or -1. */
int tg__regenerate_view(tg_tensor *t);
/* PyTorch's CopySlices: base's new history after fn, the node of an in-place
   operation on view, wrote into it. NULL with an error. */
tg_node *tg__copy_slices_new(const tg_tensor *base, const tg_tensor *view, tg_node *fn);

/* -------------------------------------------------------------- walks */

/* Note [Walking a graph]: the engine, tg_graph_dot and tg_gradcheck all
   need the nodes reachable from some roots, each once, and a dense number
   for each (walk.c). A node index holds them in the order they were found,
   with an open-addressing table from a node's address to its id. The walk
   is breadth-first and iterative (graphs can be far deeper than the stack):
   the roots in order, then each found node's next edges in edge order, so
   ids are the same from run to run. A zeroed index is empty. */
typedef struct tg_node_index {
    tg_node **nodes;      /* by id, in discovery order; not referenced */
    size_t count;
    size_t *slots;        /* id + 1, 0 when empty; n_slots a power of 2 */
    size_t n_slots;
} tg_node_index;

/* Adds every node reachable from roots through next edges (NULL roots and
   edges lead nowhere). Nodes already in ix count as walked. 0, or -1 when
   out of memory (ix then holds part of the graph; free it all the same). */
int tg__walk(tg_node_index *ix, tg_node *const *roots, int n_roots);
/* n's id, or -1 when n is not in ix. */
int64_t tg__node_id(const tg_node_index *ix, const tg_node *n);
void tg__node_index_free(tg_node_index *ix);

/* --------------------------------------------------------- forward AD */

/* The thread's dual level (0: none) and its bounds (graph/dual.c). Entering
   fails with PyTorch's error when a level is open (no nesting, as in 1.13). */
uint64_t tg__dual_level(void);
int tg__dual_level_enter(void);
int tg__dual_level_exit(void);
/* t's tangent at the open level (borrowed), or NULL. */
tg_tensor *tg__tangent(const tg_tensor *t);
/* Makes tangent (the caller's reference, taken also on failure) t's at the
   open level; NULL clears it. 0, or -1 when out of memory. */
int tg__set_tangent(tg_tensor *t, tg_tensor *tangent);
/* What tg__record calls first while a level is open and tangents are not
   being computed: the operations' tangent rules (ops/tangents.c), which
   give out its tangent when an input has one. Installed by the engine when
   a level opens. 0, or -1 with an error. */
typedef int (*tg_tangent_hook)(tg_tensor *out, const tg_record *what, const tg_tensor *const *inputs, int n);
void tg__install_tangent_hook(tg_tangent_hook hook);
/* The hook while a level is open and rules are not running, else NULL. */
tg_tangent_hook tg__forward_hook(void);
/* Tangent rules compute with primals only: while they run, operations
   propagate no tangent. Nested pairs are allowed. */
void tg__tangents_pause(void);
void tg__tangents_resume(void);
/* -------------------------------------------------------------- hooks */

/* Note [Hooks] (hooks.c): the hooks of a node (pre-hooks, hooks, and the
   hooks of the tensor it made) or of a leaf's autograd data (its tensor
   hooks and post-accumulate hooks) are one list per owner, in registration
   order, made on the first registration and freed with the owner. Handles
   find a hook through one process-wide table; a backward takes a reference
   on the hooks it calls, so a hook removed meanwhile is freed after it. */
typedef enum tg_hook_kind { TG_HOOK_TENSOR, TG_HOOK_PRE, TG_HOOK_POST, TG_HOOK_POST_ACCUMULATE } tg_hook_kind;

/* Frees an owner's list (its hooks' contexts go once no backward uses them). */
void tg__hooks_free(tg_hook_list *list);
/* The owner's hooks of kind (TG_HOOK_PRE: node's pre-hooks; TG_HOOK_TENSOR:
   the hooks of the tensor node made, or of a leaf), in order, on g: each
   may replace *g (with a tensor the hook's scope owns), checked against
   the original's shape and dtype. 0, or -1 with an error. */
int tg__run_grad_hooks(_Atomic(tg_hook_list *) *owner, const tg_node *node, tg_hook_kind kind, tg_tensor **g);
/* n's hooks, on the gradients its derivative made for its inputs. */
int tg__run_node_hooks(const tg_node *n, tg_tensor **grad_inputs, tg_tensor *const *grad_outputs);
/* The leaf's post-accumulate hooks. */
int tg__run_post_accumulate_hooks(tg_tensor *leaf);
/* The tensor whose .grad n's gradient goes to (tg_retain_grad), with a
   reference, or NULL. */
tg_tensor *tg__retained_by(const tg_node *n);
/* Points n's retained tensor at t, or nowhere (t NULL); a tensor freed
   clears it (tg__retain_forget). 0, or -1 when out of memory. */
int tg__retain_set(tg_node *n, tg_tensor *t);
void tg__retain_forget(tg_node *n, const tg_autograd *a);

/* -------------------------------------------------------- for the tests */

/* Live nodes in the process, and how many nodes of op it has made (a test
   checks every row of the table is exercised). */
int64_t tg__live_nodes(void);
int64_t tg__nodes_created(tg_op op);

#endif
