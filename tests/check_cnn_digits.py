"""Runs examples/cnn_digits and checks what a user would rely on: the
held-out accuracy it prints is above a threshold, its progress goes to a
pipe as plain lines (no \\r), and the weights file it saves follows the
safetensors spec and loads into the same network built with torch.nn
(strict load_state_dict: every name and shape PyTorch's), BatchNorm having
counted one batch per step.

    check_cnn_digits.py PROGRAM [MIN_ACCURACY]   (exit 77, skipped, without PyTorch)"""
import os
import re
import subprocess
import sys
import tempfile

try:
    import torch
    from torch import nn

    import safetensors_check   # needs NumPy, which PyTorch brings
except ImportError:
    print("SKIPPED: PyTorch or NumPy is not installed for " + sys.executable)
    sys.exit(77)


def torch_model():
    return nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Dropout(0.2), nn.Linear(16 * 4 * 4, 10))


def main():
    program = sys.argv[1]
    min_accuracy = float(sys.argv[2]) if len(sys.argv) > 2 else 0.95
    with tempfile.TemporaryDirectory() as tmp:
        weights = os.path.join(tmp, "digits.safetensors")
        run = subprocess.run([program, weights], capture_output=True, text=True, timeout=600)
        print(run.stdout, end="")
        if run.returncode != 0:
            sys.exit(f"{program} failed ({run.returncode}): {run.stderr}")
        if "\r" in run.stdout:
            sys.exit("a progress bar (\\r) written to a pipe instead of plain lines")
        found = re.search(r"^held-out accuracy: ([0-9.]+)", run.stdout, re.M)
        if not found:
            sys.exit("no held-out accuracy line")
        if float(found.group(1)) < min_accuracy:
            sys.exit(f"held-out accuracy {found.group(1)} is below {min_accuracy}")
        steps = re.findall(r"^step (\d+)/(\d+) ", run.stdout, re.M)
        if not steps or steps[-1][0] != steps[-1][1]:
            sys.exit("no plain progress line for the last step")

        tensors, _ = safetensors_check.read(weights, strict_layout=True)
    model = torch_model()
    expected = list(model.state_dict().keys())
    if sorted(tensors) != sorted(expected):
        sys.exit(f"state_dict names {sorted(tensors)}, PyTorch's {sorted(expected)}")
    model.load_state_dict({name: torch.from_numpy(a) for name, a in tensors.items()}, strict=True)
    for name, t in model.state_dict().items():
        if t.is_floating_point() and not torch.isfinite(t).all():
            sys.exit(f"{name} holds values that are not finite")
    if int(tensors["1.num_batches_tracked"]) != int(steps[-1][1]):
        sys.exit(f"BatchNorm counted {int(tensors['1.num_batches_tracked'])} batches in {steps[-1][1]} steps")
    if not (tensors["1.running_var"] != 1).any():
        sys.exit("BatchNorm's running variance never moved from its initial ones")
    print("ok")


main()
