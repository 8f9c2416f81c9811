/* tg_graph_dot: the graph behind a tensor as Graphviz DOT.

   The tensor is drawn as a box with its shape, then every node reachable
   from its grad_fn, once each, numbered n0, n1, ... in breadth-first
   discovery order so the text is the same from run to run. Edges go from a
   node to its next nodes (the direction gradients flow), one per edge of the
   graph, so mul(y, y) shows two edges to y's node. AccumulateGrad nodes show
   the shape of their leaf. */
#include "../ops/ops.h"

/* "(2, 3)", "(3)", "()" as torchviz writes sizes. */
static void write_shape(FILE *out, const int64_t *shape, int ndim)
{
    char text[512];
    fputs(tg__shape_text(shape, ndim, "(", ")", text, sizeof text), out);
}

static void write_accumulate_grad(FILE *out, int64_t id, const tg_tensor *leaf)
{
    fprintf(out, "\tn%lld [label=\"%s\\n", (long long)id, tg__op_name(TG_OP_ACCUMULATE_GRAD));
    write_shape(out, leaf->shape, leaf->ndim);
    fprintf(out, "\" style=filled fillcolor=lightblue]\n");
}

/* n's box and its edges. */
static void write_node(FILE *out, const tg_node_index *ix, int64_t id, const tg_node *n)
{
    if (n->op == TG_OP_ACCUMULATE_GRAD) write_accumulate_grad(out, id, n->leaf);
    else fprintf(out, "\tn%lld [label=\"%s\"]\n", (long long)id, tg_node_name(n));
    for (int i = 0; i < n->n_next; i++)
        if (n->next[i].node)
            fprintf(out, "\tn%lld -> n%lld\n", (long long)id, (long long)tg__node_id(ix, n->next[i].node));
}

/* The nodes behind root, numbered by the walk (Note [Walking a graph] in
   graph/graph.h): its breadth-first discovery order. */
static int write_graph(FILE *out, tg_node *root)
{
    tg_node_index ix = {0};
    int rc = tg__walk(&ix, &root, 1);
    if (rc) tg__faili(TG_E_OOM, "out of memory while drawing the graph");
    for (size_t k = 0; k < ix.count && rc == 0; k++) write_node(out, &ix, (int64_t)k, ix.nodes[k]);
    tg__node_index_free(&ix);
    return rc;
}

int tg_graph_dot(const tg_tensor *t, FILE *out)
{
    TG_ARGI(t);
    if (!out) return tg__faili(TG_E_NULL, "tg_graph_dot(): out is NULL");
    if (tg__check_view_rebase(t)) return -1;
    fprintf(out, "digraph {\n\tnode [shape=box fontname=monospace fontsize=10]\n");
    fprintf(out, "\ttensor [label=\"tensor\\n");
    write_shape(out, t->shape, t->ndim);
    fprintf(out, "\" style=filled fillcolor=darkolivegreen1]\n");
    int rc = 0;
    /* A leaf that requires grad leads to its AccumulateGrad node, which may
       not exist yet (nothing has used the leaf): draw it from the leaf. */
    tg_node *root = tg__view_grad_fn(t) ? tg__grad_fn(t) : tg__requires_grad(t) ? t->autograd->grad_acc : NULL;
    if (root || tg__requires_grad(t)) fprintf(out, "\ttensor -> n0\n");
    if (root) rc = write_graph(out, root);
    else if (tg__requires_grad(t)) write_accumulate_grad(out, 0, t);
    fprintf(out, "}\n");
    if (rc == 0 && ferror(out)) rc = tg__faili(TG_E_INVALID, "tg_graph_dot(): could not write the graph");
    return rc;
}
