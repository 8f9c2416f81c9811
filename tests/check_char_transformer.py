"""Runs examples/char_transformer and checks what a user would rely on:
- it learns: the final loss is below a fraction of ln(vocabulary size),
  the loss of a uniform guess (the vocabulary counted here from the text);
- the sample has the requested length and only characters of the text;
- plain lines (no \\r progress bar) go to a pipe;
- resuming is exact: RESUME_STEPS/2 steps, saved, then resumed to
  RESUME_STEPS, gives the checkpoint of a straight RESUME_STEPS-step run, every tensor (weights, optimizer
  and scheduler state, generators) bit for bit, read with the safetensors
  layout (8-byte little-endian header length, JSON header, data).

    check_char_transformer.py PROGRAM TEXT STEPS MAX_LOSS_FRACTION RESUME_STEPS"""
import json
import math
import os
import re
import struct
import subprocess
import sys
import tempfile

SAMPLE_LENGTH = 120


def run(program, *args):
    done = subprocess.run([program, *args], capture_output=True, timeout=600)
    out = done.stdout.decode("latin-1")
    print(out, end="")
    if done.returncode != 0:
        sys.exit(f"{program} {' '.join(args)} failed ({done.returncode}): {done.stderr.decode('latin-1')}")
    if "\r" in out:
        sys.exit("a progress bar (\\r) written to a pipe instead of plain lines")
    return out


def tensors(path):
    """name -> (dtype, shape, bytes) for every tensor of a safetensors file."""
    with open(path, "rb") as f:
        data = f.read()
    (header_length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + header_length])
    body = data[8 + header_length:]
    return {name: (entry["dtype"], entry["shape"], body[entry["data_offsets"][0]:entry["data_offsets"][1]])
            for name, entry in header.items() if name != "__metadata__"}


def final_loss(out):
    found = re.search(r"^final loss: ([0-9.]+)", out, re.M)
    if not found:
        sys.exit("no final loss line")
    return float(found.group(1))


def check_learning_and_sample(out, text_path, max_fraction):
    with open(text_path, "rb") as f:
        vocabulary = set(f.read())
    uniform = math.log(len(vocabulary))
    loss = final_loss(out)
    if not loss < max_fraction * uniform:
        sys.exit(f"final loss {loss} is not below {max_fraction} x ln({len(vocabulary)}) = {max_fraction * uniform:.4f}")
    header = re.search(rf"^sample \({SAMPLE_LENGTH} characters[^\n]*\n", out, re.M)
    if not header:
        sys.exit("no sample header")
    text = out[header.end():].encode("latin-1")
    if not text.endswith(b"\n"):
        sys.exit("the sample does not end the output with a newline")
    sample = text[:-1]
    if len(sample) != SAMPLE_LENGTH:
        sys.exit(f"the sample has {len(sample)} characters, not {SAMPLE_LENGTH}")
    strangers = set(sample) - vocabulary
    if strangers:
        sys.exit(f"the sample has characters not in the text: {sorted(strangers)}")


def main():
    program, text_path, steps, max_fraction = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    resume_steps = int(sys.argv[5])
    with tempfile.TemporaryDirectory() as tmp:
        learned = os.path.join(tmp, "learned.st")
        out = run(program, "--save", learned, "--steps", str(steps), "--sample", str(SAMPLE_LENGTH), text_path)
        check_learning_and_sample(out, text_path, max_fraction)

        steps = resume_steps
        common = ["--steps", str(steps), "--sample", str(SAMPLE_LENGTH), text_path]
        straight, half, resumed = (os.path.join(tmp, name) for name in ("straight.st", "half.st", "resumed.st"))
        out = run(program, "--save", straight, *common)
        run(program, "--save", half, "--stop-after", str(steps // 2), *common)
        resumed_out = run(program, "--resume", half, "--save", resumed, *common)
        if f"resumed from {half} at step {steps // 2}" not in resumed_out:
            sys.exit("the resumed run does not say it resumed at the saved step")
        a, b = tensors(straight), tensors(resumed)
        if a.keys() != b.keys():
            sys.exit(f"the checkpoints hold different tensors: {sorted(a.keys() ^ b.keys())}")
        different = [name for name in a if a[name] != b[name]]
        if different:
            sys.exit(f"resumed and straight runs differ in {len(different)} tensors, e.g. {different[:5]}")
        if not any(name.startswith("model.") for name in a) or not any(name.startswith("optimizer.") for name in a):
            sys.exit("the checkpoint lacks the model or the optimizer")
        if final_loss(resumed_out) != final_loss(out) or resumed_out.split("sample (")[1] != out.split("sample (")[1]:
            sys.exit("the resumed run's final loss or sample differs from the straight run's")
        print(f"resumed at step {steps // 2} of {steps}: all {len(a)} tensors bit-identical to the straight run")
    print("ok")


main()
