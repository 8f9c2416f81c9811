"""Writes the seed corpora of the file loaders' fuzzers, which the oracle
tests/oracle/io_files also loads: valid files of every dtype NumPy and
tensorgrad share (written by numpy.save in .npy versions 1.0, 2.0 and 3.0,
C and Fortran order, both byte orders, and by tests/safetensors_check.py
as the reference writer writes) plus known attacks on loaders. Run with
/usr/bin/python3 fuzz/make_file_corpus.py from the repository root."""
import os
import struct
import sys

import numpy as np
from numpy.lib import format as npy_format

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "tests"))
import safetensors_check  # noqa: E402

NPY = os.path.join(here, "corpus_npy")
ST = os.path.join(here, "corpus_safetensors")


def arrays():
    return {
        "f32": np.arange(6, dtype=np.float32).reshape(2, 3) / 4 - 0.5,
        "f64": np.array(3.25, dtype=np.float64),
        "i32": np.array([[-2, 7], [40000, -1]], dtype=np.int32),
        "i64": np.array([2**40, -3, 0], dtype=np.int64),
        "bool": np.array([True, False, True]),
        "i8": np.array([-128, 0, 127], dtype=np.int8),
        "u8": np.array([[0, 200], [17, 255]], dtype=np.uint8),
        "i16": np.array([-32768, 300, 32767], dtype=np.int16),
        "empty": np.zeros((0, 3), dtype=np.float32),
    }


def npy(name, a, version=None, fortran=False):
    if fortran:
        a = np.asfortranarray(a)
    with open(os.path.join(NPY, name + ".npy"), "wb") as f:
        if version is None:
            np.save(f, a)
        else:
            npy_format.write_array(f, a, version=version)


def raw(directory, name, data):
    with open(os.path.join(directory, name), "wb") as f:
        f.write(data)


def main():
    os.makedirs(NPY, exist_ok=True)
    os.makedirs(ST, exist_ok=True)
    for name, a in arrays().items():
        npy(name, a)
    npy("f64_v2", np.arange(4.0).reshape(2, 2), version=(2, 0))
    npy("i32_v3", np.arange(6, dtype=np.int32).reshape(3, 2), version=(3, 0))
    npy("f32_fortran", np.arange(24, dtype=np.float32).reshape(2, 3, 4), fortran=True)
    npy("i64_big", np.arange(5, dtype=">i8") * 1000)
    npy("i16_big", np.arange(5, dtype=">i2") * -300)
    npy("f64_big_fortran", np.arange(6, dtype=">f8").reshape(2, 3), fortran=True)
    # An .npy header asking for 4 GB of data from a file that has none.
    header = b"{'descr': '<f4', 'fortran_order': False, 'shape': (1073741824,), }"
    header += b" " * (64 - 10 - len(header) - 1) + b"\n"
    raw(NPY, "attack_4gb", b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header)

    safetensors_check.write(os.path.join(ST, "all.safetensors"), arrays(), {"format": "np", "source": "checker"})
    safetensors_check.write(os.path.join(ST, "one.safetensors"), {"w": np.ones((2, 2), np.float32)})
    safetensors_check.write(os.path.join(ST, "none.safetensors"), {})
    # A 12-byte file whose header length asks for 4 GB.
    raw(ST, "attack_12_bytes_4gb", struct.pack("<Q", 0xFFFFFFFF) + b"{}  ")
    # 77 bytes whose offsets send a naive loader 64 KiB past the end.
    text = b'{"x":{"dtype":"F32","shape":[16384],"data_offsets":[0,65536]}}'
    data = struct.pack("<Q", len(text)) + text
    raw(ST, "attack_77_bytes_64k", data + b"\0" * (77 - len(data)))
    # Offsets pointing past the data section.
    text = b'{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[1000,1004]}}'
    raw(ST, "attack_offsets_past_data", struct.pack("<Q", len(text)) + text + b"\0" * 8)


main()
