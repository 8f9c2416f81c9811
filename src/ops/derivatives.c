/* The table of derivatives, one per row of graph/ops.def, each defined
   beside its operation. */
#include "ops.h"

const tg_derivative_fn TG_DERIVATIVES[TG_OP_COUNT] = {
#define TG_OP(id, name, derivative) [TG_OP_##id] = derivative,
#include "../graph/ops.def"
};

int tg__derivative_done(const tg_node *n, tg_tensor *const *gi)
{
    for (int i = 0; i < n->n_next; i++)
        if (NEED(i) && !gi[i]) return -1;
    return 0;
}
