/* The sharded optimizer (ZeroRedundancyOptimizer): a partition of the
   parameters over the ranks, a local optimizer over this rank's share, and
   the broadcast of every share after a step. */
#include "dist.h"

#include <stdlib.h>

struct tg_dist_zero {
    tg_tensor **params;   /* retained */
    int *owner;           /* by parameter */
    int n;
    tg_optimizer *local;  /* over the parameters this rank owns, or NULL */
};

/* PyTorch's _partition_parameters: by numel, largest first (a stable sort,
   so equal sizes keep their order; `order` gets it), each to the rank with
   the fewest elements so far (the lowest such rank). */
static int partition(tg_tensor *const *params, int n, int *owner, int *order)
{
    int64_t *load = calloc((size_t)tg__dist.size, sizeof *load);
    if (!load) return tg_set_error(TG_E_OOM, "tg_dist_zero_redundancy_optimizer(): out of memory");
    for (int i = 0; i < n; i++) {   /* insertion sort: stable, and n is small */
        int j = i;
        for (; j > 0 && tg_numel(params[order[j - 1]]) < tg_numel(params[i]); j--) order[j] = order[j - 1];
        order[j] = i;
    }
    for (int k = 0; k < n; k++) {
        int best = 0;
        for (int r = 1; r < tg__dist.size; r++)
            if (load[r] < load[best]) best = r;
        owner[order[k]] = best;
        load[best] += tg_numel(params[order[k]]);
    }
    free(load);
    return 0;
}

tg_dist_zero *tg_dist_zero_redundancy_optimizer(tg_tensor *const *params, int n, tg_dist_make_optimizer make_optimizer,
                                                void *ctx)
{
    static const char *const FN = "tg_dist_zero_redundancy_optimizer";
    if (tg__dist_ready(FN)) return NULL;
    if (!params || n <= 0 || !make_optimizer)
        return tg_set_error(TG_E_NULL, "%s(): needs parameters and a function making the local optimizer", FN), NULL;
    for (int i = 0; i < n; i++)
        if (!params[i] || tg_numel(params[i]) < 0) return tg_set_error(TG_E_NULL, "%s(): parameter %d is NULL", FN, i), NULL;
    tg_dist_zero *z = calloc(1, sizeof *z);
    tg_tensor **mine = malloc((size_t)n * sizeof *mine);
    int *order = malloc((size_t)n * sizeof *order);
    if (z) {
        z->params = malloc((size_t)n * sizeof *z->params);
        z->owner = malloc((size_t)n * sizeof *z->owner);
    }
    if (!z || !mine || !order || !z->params || !z->owner) {
        free(mine);
        free(order);
        if (z) free(z->params), free(z->owner), free(z);
        return tg_set_error(TG_E_OOM, "%s(): out of memory", FN), NULL;
    }
    z->n = n;
    int count = 0, rc = partition(params, n, z->owner, order);
    for (int i = 0; i < n; i++) z->params[i] = params[i];
    for (int k = 0; k < n && rc == 0; k++)   /* the local optimizer's order is PyTorch's: largest first */
        if (z->owner[order[k]] == tg__dist.rank) mine[count++] = params[order[k]];
    if (rc == 0 && count > 0) {
        z->local = make_optimizer(mine, count, ctx);
        if (!z->local) rc = -1;
    }
    free(mine);
    free(order);
    if (rc) {
        free(z->params), free(z->owner), free(z);
        return NULL;
    }
    for (int i = 0; i < n; i++) tg_retain(z->params[i]);
    return z;
}

int tg_dist_zero_step(tg_dist_zero *z)
{
    static const char *const FN = "tg_dist_zero_step";
    if (!z) return tg_set_error(TG_E_NULL, "%s(): the optimizer is NULL", FN);
    if (tg__dist_ready(FN) || (z->local && tg_optimizer_step(z->local))) return -1;
    for (int i = 0; i < z->n; i++)
        if (tg_dist_broadcast(z->params[i], z->owner[i])) return -1;
    return 0;
}

int tg_dist_zero_owner(const tg_dist_zero *z, int i)
{
    if (!z || i < 0 || i >= z->n)
        return tg_set_error(TG_E_INDEX, "tg_dist_zero_owner(): no parameter %d", i);
    return z->owner[i];
}

tg_optimizer *tg_dist_zero_local_optimizer(const tg_dist_zero *z) { return z ? z->local : NULL; }

void tg_dist_zero_free(tg_dist_zero *z)
{
    if (!z) return;
    tg_optimizer_free(z->local);
    for (int i = 0; i < z->n; i++) tg_release(z->params[i]);
    free(z->params);
    free(z->owner);
    free(z);
}
