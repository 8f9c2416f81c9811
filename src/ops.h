/* The operation table's enum and rows (see ops.def). */
#ifndef TG_OPS_H
#define TG_OPS_H

typedef struct tg_node tg_node;
typedef struct tg_tensor tg_tensor;

/* Writes gradients for the needed inputs into grad_inputs; 0, or -1 with an
   error. A needed input left NULL receives no gradient. */
typedef int (*tg_derivative_fn)(tg_node *node, tg_tensor *grad, tg_tensor **grad_inputs);

typedef enum tg_op {
#define TG_OP(id, name, derivative) TG_OP_##id,
#include "ops.def"
#undef TG_OP
    TG_OP_COUNT
} tg_op;

typedef struct tg_op_info {
    const char *name;
    tg_derivative_fn derivative;
} tg_op_info;

extern const tg_op_info TG_OPS[TG_OP_COUNT];

#endif
