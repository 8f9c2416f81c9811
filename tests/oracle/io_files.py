# Oracle for io_files.c: NumPy and the spec checker (tests/safetensors_check.py)
# print what they wrote into the corpora, then read what the C program wrote
# (its directory is named after the parent process, compare.sh, which ran it
# just before) and torch loads the module's state dict into the same nn.Module.
import io
import os
import shutil
import sys

import numpy as np
import torch

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
sys.path.insert(0, os.path.join(root, "tests"))
import safetensors_check  # noqa: E402


def print_array(name, a):
    values = " ".join("%.17g" % v for v in np.asarray(a, dtype=np.float64).ravel())
    print("  %s: %s %s [%s]" % (name, torch.from_numpy(np.array(a, dtype=a.dtype.newbyteorder("="))).dtype, tuple(a.shape), values))


def print_dict(tensors):
    for name, a in tensors.items():
        print_array(name, a)


def load_all(directory, npy):
    for name in sorted(os.listdir(directory)):
        path = os.path.join(directory, name)
        print(name + ":")
        try:
            if npy:
                print_array("array", np.load(path))
            else:
                tensors, metadata = safetensors_check.read(path)
                for key in ("format", "source"):
                    if metadata and key in metadata:
                        print("  metadata %s = %s" % (key, metadata[key]))
                print_dict(tensors)
        except Exception:
            print("  refused")


print("C loads what NumPy wrote")
load_all(os.path.join(root, "fuzz", "corpus_npy"), True)
print("C loads what the checker wrote")
load_all(os.path.join(root, "fuzz", "corpus_safetensors"), False)

out = "/tmp/tg_io_files.%d" % os.getppid()
print("NumPy loads what C wrote")
try:
    tensors, metadata = safetensors_check.read(os.path.join(out, "made.safetensors"), strict_layout=True)
    assert metadata == {"format": "pt", "note": 'tensorgrad "wrote" this\n'}, metadata
    # The checker writes as the reference writer does: the same bytes.
    made = os.path.join(out, "made.safetensors")
    again = os.path.join(out, "again.safetensors")
    safetensors_check.write(again, tensors, metadata)
    with open(made, "rb") as f, open(again, "rb") as g:
        same = f.read() == g.read()
    print("made.safetensors: 0%s" % (", the bytes the reference writer writes" if same else ", other bytes"))
    # The C program prints in its dict's insertion order.
    order = ["matrix", "matrix.T", "scalar", "ints", "longs.every_other", "mask", "pixels.T", "chars", "shorts", "halves", "empty",
             'a name with "quotes" and \u00e9']
    for name in order:
        print_array(name, tensors[name])
    for i in range(len(order)):
        path = os.path.join(out, "%d.npy" % i)
        array = np.load(path)
        expected = io.BytesIO()
        np.save(expected, array)
        with open(path, "rb") as f:
            same = f.read() == expected.getvalue()
        print("%d.npy: 0%s" % (i, ", the bytes numpy.save writes" if same else ", other bytes than numpy.save"))
        print_array("array", array)

    net = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2))
    state, _ = safetensors_check.read(os.path.join(out, "module.safetensors"), strict_layout=True)
    net.load_state_dict({k: torch.from_numpy(v) for k, v in state.items()}, strict=True)
    print("module.safetensors: 0")
    x = torch.tensor([[0.5, -1, 2], [1, 1, -0.25]])
    with torch.no_grad():
        print("module output: " + " ".join("%.4f" % v for v in net(x).flatten().tolist()))
finally:
    shutil.rmtree(out, ignore_errors=True)
