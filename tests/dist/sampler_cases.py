# Oracle for sampler_cases.c: torch.utils.data.DistributedSampler's indices
# without shuffling.
import torch
from torch.utils.data import DistributedSampler

for n in [0, 1, 5, 10, 12]:
    for replicas in range(1, 5):
        for drop in (0, 1):
            for rank in range(replicas):
                s = DistributedSampler(range(n), num_replicas=replicas, rank=rank, shuffle=False, drop_last=bool(drop))
                print(f"n={n} replicas={replicas} rank={rank} drop_last={drop}:" + "".join(f" {i}" for i in s))
