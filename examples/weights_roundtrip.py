"""PyTorch's half of examples/weights_roundtrip.c: the same network as a
torch.nn.Sequential, weights exchanged as safetensors files by state_dict
name, both ways.

    python3 weights_roundtrip.py PROGRAM   (PROGRAM: the built weights_roundtrip)

1. C to PyTorch: PROGRAM trains the network and saves its state_dict and
   its outputs on some inputs; here load_state_dict(strict=True) takes the
   weights and the network must give the same outputs.
2. PyTorch to C: the network trains here, its state_dict and outputs are
   saved, and PROGRAM loads them and must give the same outputs (and must
   not, once a weight is changed).

This PyTorch has no safetensors package, so the two functions below read
and write the format as its specification describes it: an 8-byte
little-endian header length, a JSON header {name: {"dtype", "shape",
"data_offsets": [begin, end]}} and the tensors' bytes after it."""
import json
import os
import struct
import subprocess
import sys
import tempfile

try:
    import numpy as np
    import torch
    from torch import nn
except ImportError:
    print("weights_roundtrip.py needs PyTorch and NumPy (Debian: python3-torch) for " + sys.executable)
    sys.exit(77)   # ctest's "skipped"

TOLERANCE = 1e-4
DTYPES = {"F32": np.float32, "F64": np.float64, "I32": np.int32, "I64": np.int64, "BOOL": np.bool_}


def load_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    header.pop("__metadata__", None)
    body = data[8 + length:]
    tensors = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        array = np.frombuffer(body[begin:end], dtype=np.dtype(DTYPES[info["dtype"]]).newbyteorder("<"))
        tensors[name] = torch.from_numpy(array.reshape(info["shape"]).copy())
    return tensors


def save_safetensors(tensors, path):
    names = {np.dtype(v): k for k, v in DTYPES.items()}
    header, chunks, offset = {}, [], 0
    for name, t in tensors.items():
        array = np.ascontiguousarray(t.detach().numpy())
        chunks.append(array.astype(array.dtype.newbyteorder("<")).tobytes())
        header[name] = {"dtype": names[array.dtype], "shape": list(array.shape),
                        "data_offsets": [offset, offset + len(chunks[-1])]}
        offset += len(chunks[-1])
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)   # the header padded to 8 bytes, as the reference writer does
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(chunks))


def make_model():
    return nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(4 * 4 * 4, 16), nn.LayerNorm(16), nn.GELU(), nn.Linear(16, 3))


def make_batch(n):
    """Images of noise, each labelled with its brightest third (columns 0-2, 3-5, 6-7)."""
    images = torch.randn(n, 1, 8, 8)
    bands = [images[..., 0:3], images[..., 3:6], images[..., 6:8]]
    return images, torch.cat([b.mean(dim=(2, 3)) for b in bands], 1).argmax(1)


def c_to_torch(program, tmp):
    weights, data = os.path.join(tmp, "c_weights.safetensors"), os.path.join(tmp, "c_data.safetensors")
    subprocess.run([program, "save", weights, data], check=True)
    model = make_model()
    model.load_state_dict(load_safetensors(weights), strict=True)
    model.eval()
    saved = load_safetensors(data)
    with torch.no_grad():
        difference = (model(saved["input"]) - saved["output"]).abs().max().item()
    print(f"PyTorch with the C weights: largest difference from the C outputs {difference:.3g}", flush=True)
    return difference <= TOLERANCE


def torch_to_c(program, tmp):
    torch.manual_seed(0)
    model = make_model()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    for step in range(30):
        images, labels = make_batch(32)
        loss = nn.functional.cross_entropy(model(images), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    model.eval()
    images, _ = make_batch(16)
    with torch.no_grad():
        outputs = model(images)
    weights, data = os.path.join(tmp, "torch_weights.safetensors"), os.path.join(tmp, "torch_data.safetensors")
    save_safetensors(model.state_dict(), weights)
    save_safetensors({"input": images, "output": outputs}, data)
    print(f"PyTorch trained (loss {loss.item():.4f}) and saved {len(model.state_dict())} tensors", flush=True)
    if subprocess.run([program, "check", weights, data]).returncode != 0:
        return False
    # The check can fail: one weight moved by 0.01 must show in the outputs.
    state = model.state_dict()
    state["8.bias"][0] += 0.01
    save_safetensors(state, weights)
    print("the same with 8.bias[0] moved by 0.01 (must be refused):", flush=True)
    return subprocess.run([program, "check", weights, data], stderr=subprocess.DEVNULL).returncode == 1


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    with tempfile.TemporaryDirectory() as tmp:
        to_torch, to_c = c_to_torch(sys.argv[1], tmp), torch_to_c(sys.argv[1], tmp)
    if not (to_torch and to_c):
        sys.exit(f"the outputs differ by more than {TOLERANCE}")
    print("ok: the same outputs both ways")


main()
