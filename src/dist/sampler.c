/* torch.utils.data.DistributedSampler's indices for one rank and epoch. */
#include "dist.h"

#include <stdlib.h>

tg_tensor *tg_dist_sampler_indices(int64_t dataset_len, int64_t epoch, tg_dist_sampler_opts opts)
{
    static const char *const FN = "tg_dist_sampler_indices";
    int replicas = opts.num_replicas, rank = opts.rank;
    if (replicas == 0) {
        if (tg__dist_ready(FN)) return NULL;
        replicas = tg__dist.size;
        rank = tg__dist.rank;
    }
    if (replicas < 0) return tg_set_error(TG_E_INVALID, "%s(): num_replicas must be positive, got %d", FN, replicas), NULL;
    if (rank < 0 || rank >= replicas)
        return tg_set_error(TG_E_INVALID, "%s(): Invalid rank %d, rank should be in the interval [0, %d]", FN, rank,
                            replicas - 1), NULL;
    if (dataset_len < 0) return tg_set_error(TG_E_INVALID, "%s(): the dataset length is negative", FN), NULL;
    /* PyTorch's num_samples: with drop_last, the most that every rank has
       (ceil((len - replicas) / replicas)); else enough for every index. */
    int64_t per_rank = opts.drop_last ? dataset_len / replicas : (dataset_len + replicas - 1) / replicas;

    tg_tensor *order;
    if (opts.no_shuffle) {
        order = tg_arange(0, (double)dataset_len, 1, TG_I64);
    } else {
        tg_generator *gen = tg_generator_new(opts.seed + (uint64_t)epoch);
        if (!gen) return tg_set_error(TG_E_OOM, "%s(): out of memory", FN), NULL;
        order = tg_randperm_gen(dataset_len, gen);
        tg_generator_free(gen);
    }
    tg_tensor *out = tg_empty((const int64_t[]){per_rank}, 1, TG_I64);
    if (!order || !out) return NULL;
    const int64_t *from = tg_data_ptr(order);
    int64_t *to = tg_data_ptr(out);
    /* Position i of the padded list repeats the order from its start. */
    for (int64_t k = 0; k < per_rank; k++) to[k] = from[(rank + k * replicas) % dataset_len];
    return out;
}
