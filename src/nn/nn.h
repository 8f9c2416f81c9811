/* The nn layer: modules (layers that own their parameters) and the
   initialisers. A layer is a struct whose first member is a tg_module, made
   by tg__module_new with its kind (Note [Modules]). */
#ifndef TG_NN_H
#define TG_NN_H

#include "../io/io.h"

/* Note [Modules]: a module is PyTorch's nn.Module. It owns its parameters
   and buffers (tg_dicts, in registration order, holding one reference each)
   and its children (in registration order, freed with it). Its kind says
   what PyTorch's class says: the name repr prints, the one-input forward,
   extra_repr. A layer keeps borrowed pointers to its own tensors in its
   struct (the dicts hold them; loading a state_dict copies into them, so
   they never change identity). Full names ("layers.1.norm1.weight") are
   built by tg__module_walk, in PyTorch's order: a module's parameters, then
   its buffers, then each child's, depth first. */
typedef struct tg_module_kind {
    const char *name;   /* PyTorch's class name */
    /* The one-input forward; NULL where the forward takes more (attention). */
    tg_tensor *(*forward)(tg_module *m, const tg_tensor *input);
    /* Writes PyTorch's extra_repr() into buf (cap bytes); NULL: empty. */
    void (*extra_repr)(const tg_module *m, char *buf, size_t cap);
} tg_module_kind;

struct tg_module {
    const tg_module_kind *kind;
    bool training;
    bool user_defined;   /* tg_nn_module's: its tensors and children may be replaced */
    tg_dict *parameters, *buffers;
    int n_children, cap_children;
    char **child_names;
    tg_module **children;
};

/* A zeroed layer struct of `size` bytes (at least sizeof(tg_module)) in
   training mode, or NULL with an error. */
void *tg__module_new(const tg_module_kind *kind, size_t size);
/* Registers t (a new tensor) as parameter `name`, made a leaf that
   requires grad: returns t (borrowed from m), or NULL with an error
   (t NULL keeps the error that made it). */
tg_tensor *tg__module_add_parameter(tg_module *m, const char *name, tg_tensor *t);
tg_tensor *tg__module_add_buffer(tg_module *m, const char *name, tg_tensor *t);
/* Finishes making m (NULL: returns NULL): runs make_tensors(m), which
   registers m's parameters and buffers, in a scope of its own, so that
   nothing of it stays in the caller's scope; frees m and returns NULL when
   it fails (returns non-zero). */
tg_module *tg__module_build(tg_module *m, int (*make_tensors)(tg_module *m));
/* Adds child under `name`, taking ownership (freeing it on failure, and
   failing when it is NULL); 0 or -1. */
int tg__module_add_child(tg_module *m, const char *name, tg_module *child);

/* Whether target is m or one of its descendants. */
bool tg__module_within(const tg_module *m, const tg_module *target);

/* Visits every parameter (and, with buffers, every buffer) of m and its
   descendants in state_dict order with its full name; stops at the first
   visit returning non-zero and returns that, else 0 (-1 with an error when a
   full name is longer than the walk's buffer). */
typedef int (*tg_tensor_visit)(void *ctx, const char *name, tg_tensor *t, bool is_buffer);
int tg__module_walk(const tg_module *m, bool buffers, tg_tensor_visit visit, void *ctx);

/* Python's repr of a bool. */
static inline const char *tg__py_bool(bool b) { return b ? "True" : "False"; }

/* MultiheadAttention's out_proj, a NonDynamicallyQuantizableLinear
   (layers_linear.c). */
tg_module *tg__nn_out_proj(int64_t embed_dim, bool bias);

/* A layer's child as its constructor registers it: the name, where the
   layer keeps it (borrowed), the module. tg__module_add_children adds
   children[0, n) in order, filling the slots; when one fails it frees the
   rest and returns -1 (m, holding those added, is the caller's to free). */
typedef struct tg_child_slot {
    const char *name;
    tg_module **slot;
    tg_module *child;
} tg_child_slot;
int tg__module_add_children(tg_module *m, const tg_child_slot *children, int n);

/* The Transformer layers' _ff_block (transformer.c):
   dropout_out(linear2(dropout(activation(linear1(x))))), the activation
   GELU or ReLU. */
typedef struct tg_transformer_ff {
    tg_module *linear1, *dropout, *linear2, *dropout_out;
    bool gelu;
} tg_transformer_ff;
tg_tensor *tg__transformer_feed_forward(const tg_transformer_ff *ff, const tg_tensor *x);

/* Under no-grad: t's values from PyTorch's initialisers (init.c). */
tg_tensor *tg__init_linear_weight(tg_tensor *weight);
tg_tensor *tg__init_fan_in_uniform(tg_tensor *t, const tg_tensor *weight);

#endif
