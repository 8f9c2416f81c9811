/* Walking a graph: the node index and the breadth-first walk (Note
   [Walking a graph] in graph.h). */
#include "graph.h"

#include <stdlib.h>

/* The table takes a hash's low bits, which a product alone leaves as
   regular as the addresses' own: fold the high bits down. */
static size_t hash_node(const tg_node *n)
{
    uint64_t h = (uint64_t)(uintptr_t)n * 0x9E3779B97F4A7C15ull;
    return (size_t)(h ^ (h >> 32));
}

/* n's slot, or the empty slot where it would go. */
static size_t *slot_of(const tg_node_index *ix, const tg_node *n)
{
    size_t mask = ix->n_slots - 1;
    for (size_t i = hash_node(n) & mask;; i = (i + 1) & mask)
        if (!ix->slots[i] || ix->nodes[ix->slots[i] - 1] == n) return &ix->slots[i];
}

/* The table size the thread's last index needed (at most half full): a
   training loop walks graphs of the same size step after step, and a table
   made that size at once is never rehashed. It follows the last walk, so
   one large graph does not make every later table large. */
static _Thread_local size_t last_slots;

/* Doubles the table, and the nodes with it: the table stays at most half
   full. On failure ix is as it was. */
static int grow(tg_node_index *ix)
{
    size_t n_slots = ix->n_slots ? ix->n_slots * 2 : last_slots > 64 ? last_slots : 64;
    size_t *slots = tg__calloc(n_slots, sizeof *slots);
    tg_node **nodes = slots ? tg__realloc(ix->nodes, n_slots / 2 * sizeof *nodes) : NULL;
    if (!nodes) {
        free(slots);
        return -1;
    }
    free(ix->slots);
    ix->nodes = nodes;
    ix->slots = slots;
    ix->n_slots = n_slots;
    for (size_t id = 0; id < ix->count; id++) *slot_of(ix, nodes[id]) = id + 1;
    return 0;
}

/* Numbers n if it is new. */
static int add(tg_node_index *ix, tg_node *n)
{
    if (ix->count == ix->n_slots / 2 && grow(ix)) return -1;
    size_t *slot = slot_of(ix, n);
    if (!*slot) {
        ix->nodes[ix->count++] = n;
        *slot = ix->count;
    }
    return 0;
}

int tg__walk(tg_node_index *ix, tg_node *const *roots, int n_roots)
{
    size_t k = ix->count;
    for (int r = 0; r < n_roots; r++)
        if (roots[r] && add(ix, roots[r])) return -1;
    for (; k < ix->count; k++) {   /* the nodes found double as the queue */
        const tg_node *n = ix->nodes[k];
        for (int i = 0; i < n->n_next; i++)
            if (n->next[i].node && add(ix, n->next[i].node)) return -1;
    }
    return 0;
}

int64_t tg__node_id(const tg_node_index *ix, const tg_node *n)
{
    if (!ix->n_slots) return -1;
    size_t slot = *slot_of(ix, n);
    return (int64_t)slot - 1;
}

void tg__node_index_free(tg_node_index *ix)
{
    if (ix->n_slots) {
        size_t needed = 64;
        while (needed / 2 < ix->count) needed *= 2;
        last_slots = needed;
    }
    free(ix->nodes);
    free(ix->slots);
    *ix = (tg_node_index){0};
}
