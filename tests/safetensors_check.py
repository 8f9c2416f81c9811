"""A small safetensors reader and writer that follows the published spec
(huggingface/safetensors README: an 8-byte little-endian header length N,
N bytes of JSON {"__metadata__": {str: str}, name: {"dtype", "shape",
"data_offsets": [begin, end]}}, then the data section), with NumPy arrays.

read(path, strict_layout=False) -> (tensors: dict name -> ndarray in the
header's order, metadata: dict or None); it raises ValueError on anything
the spec forbids: a header length over 100,000,000 bytes or past the end,
invalid UTF-8 or JSON, a repeated name, offsets that are not contiguous
from 0 to the end of the file, a byte count that is not dtype x shape.
strict_layout also checks what the reference writer does: the header padded
with spaces to a multiple of 8, the tensors in data order sorted by dtype
alignment (the reference's Dtype order, descending) then name.

write(path, tensors, metadata=None) writes as the reference writer does.

As a program: safetensors_check.py FILE... checks each file (strict layout)
and prints its tensors' names, dtypes and shapes."""
import json
import struct
import sys

import numpy as np

MAX_HEADER_SIZE = 100_000_000
# The reference's Dtype enum order (increasing alignment) and NumPy dtypes.
DTYPES = ["BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16", "F16", "BF16",
          "I32", "U32", "F32", "F64", "I64", "U64"]
NUMPY = {"BOOL": np.bool_, "U8": np.uint8, "I8": np.int8, "I16": np.int16, "U16": np.uint16,
         "F16": np.float16, "I32": np.int32, "U32": np.uint32, "F32": np.float32,
         "F64": np.float64, "I64": np.int64, "U64": np.uint64}
NAME_OF = {np.dtype(v).str: k for k, v in NUMPY.items()}


def _unique_object(pairs):
    names = [k for k, _ in pairs]
    if len(names) != len(set(names)):
        raise ValueError("a repeated name in the header")
    return dict(pairs)


def read(path, strict_layout=False):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 8:
        raise ValueError("shorter than the header length")
    (n,) = struct.unpack("<Q", data[:8])
    if n > MAX_HEADER_SIZE:
        raise ValueError("header length over the limit")
    if 8 + n > len(data):
        raise ValueError("header length past the end of the file")
    text = data[8:8 + n].decode("utf-8")
    header = json.loads(text, object_pairs_hook=_unique_object)
    if not isinstance(header, dict):
        raise ValueError("the header is not an object")
    metadata = header.pop("__metadata__", None)
    if metadata is not None and not all(isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()):
        raise ValueError("__metadata__ is not a string map")
    body = data[8 + n:]
    entries = []
    for name, info in header.items():
        dtype, shape, (begin, end) = info["dtype"], info["shape"], info["data_offsets"]
        if dtype not in NUMPY:
            raise ValueError("unknown dtype " + dtype)
        count = 1
        for s in shape:
            if not isinstance(s, int) or s < 0:
                raise ValueError("a bad size")
            count *= s
        if end - begin != count * np.dtype(NUMPY[dtype]).itemsize:
            raise ValueError("byte count is not dtype x shape for " + name)
        entries.append((begin, end, name, dtype, shape))
    at = 0
    for begin, end, name, _, _ in sorted(entries):
        if begin != at:
            raise ValueError("offsets not contiguous at " + name)
        at = end
    if at != len(body):
        raise ValueError("the data section is not covered exactly")
    if strict_layout:
        json_end = len(data[8:8 + n].rstrip(b" "))
        if n % 8 or n - json_end >= 8 or not text.rstrip(" ").endswith("}"):
            raise ValueError("the header is not padded with spaces to a multiple of 8")
        in_data_order = [(name, dtype) for _, _, name, dtype, _ in sorted(entries)]
        expected = sorted(in_data_order, key=lambda e: (-DTYPES.index(e[1]), e[0].encode("utf-8")))
        if in_data_order != expected:
            raise ValueError("tensors not sorted by alignment then name")
    tensors = {}
    for begin, end, name, dtype, shape in entries:
        array = np.frombuffer(body[begin:end], dtype=np.dtype(NUMPY[dtype]).newbyteorder("<"))
        tensors[name] = array.reshape(shape).copy()
    return tensors, metadata


def write(path, tensors, metadata=None):
    arrays = {name: np.array(a, order="C") for name, a in tensors.items()}
    order = sorted(arrays, key=lambda name: (-DTYPES.index(NAME_OF[arrays[name].dtype.newbyteorder("<").str]),
                                             name.encode("utf-8")))
    header = {}
    if metadata is not None:
        header["__metadata__"] = metadata
    offset = 0
    for name in order:
        a = arrays[name]
        header[name] = {"dtype": NAME_OF[a.dtype.newbyteorder("<").str], "shape": list(a.shape),
                        "data_offsets": [offset, offset + a.nbytes]}
        offset += a.nbytes
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for name in order:
            f.write(arrays[name].astype(arrays[name].dtype.newbyteorder("<")).tobytes())


if __name__ == "__main__":
    for file in sys.argv[1:]:
        tensors, metadata = read(file, strict_layout=True)
        print(file, metadata, [(k, str(v.dtype), v.shape) for k, v in tensors.items()])
