/* tg_graph_dot: the graph behind a tensor as Graphviz DOT.

   The tensor is drawn as a box with its shape, then every node reachable
   from its grad_fn, once each, numbered n0, n1, ... in breadth-first
   discovery order so the text is the same from run to run. Edges go from a
   node to its next nodes (the direction gradients flow), one per edge of the
   graph, so mul(y, y) shows two edges to y's node. AccumulateGrad nodes show
   the shape of their leaf. */
#include "../ops/ops.h"

#include <stdlib.h>

/* The nodes found so far in discovery order, with an open-addressing index
   from node to id (slots hold id + 1; 0 is empty). */
typedef struct node_ids {
    const tg_node **order;
    size_t count, cap;
    size_t *slots;
    size_t n_slots;
} node_ids;

static size_t hash_node(const tg_node *n) { return ((uintptr_t)n >> 4) * 0x9E3779B97F4A7C15ull; }

static size_t *slot_of(const node_ids *ids, const tg_node *n)
{
    size_t mask = ids->n_slots - 1;
    for (size_t i = hash_node(n) & mask;; i = (i + 1) & mask)
        if (!ids->slots[i] || ids->order[ids->slots[i] - 1] == n) return &ids->slots[i];
}

static int grow(node_ids *ids)
{
    size_t n_slots = ids->n_slots ? ids->n_slots * 2 : 64;
    size_t *slots = tg__calloc(n_slots, sizeof *slots);
    const tg_node **order = slots ? tg__realloc(ids->order, n_slots / 2 * sizeof *order) : NULL;
    if (!order) {
        free(slots);
        return tg__faili(TG_E_OOM, "out of memory while drawing the graph");
    }
    free(ids->slots);
    ids->order = order;
    ids->cap = n_slots / 2;
    ids->slots = slots;
    ids->n_slots = n_slots;
    for (size_t id = 0; id < ids->count; id++) *slot_of(ids, order[id]) = id + 1;
    return 0;
}

/* n's id, numbering it if it is new; -1 when out of memory. */
static int64_t id_of(node_ids *ids, const tg_node *n)
{
    if (ids->count == ids->cap && grow(ids)) return -1;
    size_t *slot = slot_of(ids, n);
    if (!*slot) {
        ids->order[ids->count++] = n;
        *slot = ids->count;
    }
    return (int64_t)*slot - 1;
}

/* "(2, 3)", "(3)", "()" as torchviz writes sizes. */
static void write_shape(FILE *out, const int64_t *shape, int ndim)
{
    fputc('(', out);
    for (int i = 0; i < ndim; i++) fprintf(out, i ? ", %lld" : "%lld", (long long)shape[i]);
    fputc(')', out);
}

static void write_accumulate_grad(FILE *out, int64_t id, const tg_tensor *leaf)
{
    fprintf(out, "\tn%lld [label=\"%s\\n", (long long)id, tg__op_name(TG_OP_ACCUMULATE_GRAD));
    write_shape(out, leaf->shape, leaf->ndim);
    fprintf(out, "\" style=filled fillcolor=lightblue]\n");
}

/* n's box and its edges, numbering the next nodes it discovers. */
static int write_node(FILE *out, node_ids *ids, int64_t id, const tg_node *n)
{
    if (n->op == TG_OP_ACCUMULATE_GRAD) write_accumulate_grad(out, id, n->leaf);
    else fprintf(out, "\tn%lld [label=\"%s\"]\n", (long long)id, tg_node_name(n));
    for (int i = 0; i < n->n_next; i++) {
        if (!n->next[i].node) continue;
        int64_t next = id_of(ids, n->next[i].node);
        if (next < 0) return -1;
        fprintf(out, "\tn%lld -> n%lld\n", (long long)id, (long long)next);
    }
    return 0;
}

/* The nodes behind root in breadth-first order: ids->order is the queue. */
static int write_graph(FILE *out, const tg_node *root)
{
    node_ids ids = {0};
    int rc = id_of(&ids, root) < 0 ? -1 : 0;
    for (size_t k = 0; k < ids.count && rc == 0; k++) rc = write_node(out, &ids, (int64_t)k, ids.order[k]);
    free(ids.order);
    free(ids.slots);
    return rc;
}

int tg_graph_dot(const tg_tensor *t, FILE *out)
{
    TG_ARGI(t);
    if (!out) return tg__faili(TG_E_NULL, "tg_graph_dot(): out is NULL");
    fprintf(out, "digraph {\n\tnode [shape=box fontname=monospace fontsize=10]\n");
    fprintf(out, "\ttensor [label=\"tensor\\n");
    write_shape(out, t->shape, t->ndim);
    fprintf(out, "\" style=filled fillcolor=darkolivegreen1]\n");
    int rc = 0;
    /* A leaf that requires grad leads to its AccumulateGrad node, which may
       not exist yet (nothing has used the leaf): draw it from the leaf. */
    const tg_node *root = tg__view_grad_fn(t) ? tg__grad_fn(t) : tg__requires_grad(t) ? t->autograd->grad_acc : NULL;
    if (root || tg__requires_grad(t)) fprintf(out, "\ttensor -> n0\n");
    if (root) rc = write_graph(out, root);
    else if (tg__requires_grad(t)) write_accumulate_grad(out, 0, t);
    fprintf(out, "}\n");
    if (rc == 0 && ferror(out)) rc = tg__faili(TG_E_INVALID, "tg_graph_dot(): could not write the graph");
    return rc;
}
