# Oracle for io_dict.c: a Python dict of tensors, as state_dict() returns it.
from oracle import show
import torch


def print_keys(label, d):
    print(label + ":", list(d.keys()), "len", len(d))


d = {}
d["weight"] = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
d["bias"] = torch.tensor([0.5, -0.5])
d["num_batches_tracked"] = torch.tensor(0)
print_keys("keys", d)

d["weight"] = torch.zeros(3, dtype=torch.float64)
print_keys("keys after replacing weight", d)
show("weight", d["weight"])

bias = d["bias"]
bias.mul_(4)
show("bias after an in-place write through a handle", d["bias"])

metadata = {}
metadata["format"] = "pt"
metadata["format"] = "np"
metadata["author"] = "tensorgrad"
print("metadata:", {"format": metadata["format"], "author": metadata["author"]}, "absent:", metadata.get("other"))
