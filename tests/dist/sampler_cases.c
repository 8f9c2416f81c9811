/* tg_dist_sampler_indices without shuffling, for datasets, replica counts,
   ranks and drop_last: prints what sampler_cases.py prints with PyTorch's
   DistributedSampler (shuffle=False), whose order is deterministic. */
#include <tensorgrad_dist.h>

#include <stdlib.h>

int main(void)
{
    static const int64_t LENGTHS[] = {0, 1, 5, 10, 12};
    for (size_t i = 0; i < sizeof LENGTHS / sizeof *LENGTHS; i++)
        for (int replicas = 1; replicas <= 4; replicas++)
            for (int drop = 0; drop < 2; drop++)
                for (int rank = 0; rank < replicas; rank++) {
                    tg_dist_sampler_opts o = {.num_replicas = replicas, .rank = rank, .no_shuffle = true, .drop_last = drop};
                    tg_tensor *t = tg_dist_sampler_indices(LENGTHS[i], 0, o);
                    printf("n=%lld replicas=%d rank=%d drop_last=%d:", (long long)LENGTHS[i], replicas, rank, drop);
                    if (!t) {
                        printf(" error: %s\n", tg_last_error());
                        continue;
                    }
                    const int64_t *v = tg_data_ptr(t);
                    for (int64_t k = 0; k < tg_numel(t); k++) printf(" %lld", (long long)v[k]);
                    printf("\n");
                }
    return 0;
}
