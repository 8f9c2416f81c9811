# nn_train_check.py PROGRAM SCRIPT: runs a model-level training test's C
# program and its PyTorch script (nn_train_*.c / .py) and compares their
# lines: text (the model's repr) exactly; "loss <step> <value>" (also "norm",
# the gradients' total norm, and "lr") within 1e-4 relative; "weight <name>
# <numel> <values>" element by element within 1e-3 (relative above 1,
# absolute below). Prints the worst difference of each kind; exit 77
# (skipped) without PyTorch.
import subprocess
import sys

LOSS_RTOL, WEIGHT_TOL = 1e-4, 1e-3


def run(command):
    done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if done.returncode != 0:
        print(done.stdout)
        sys.exit("FAILED: %s exited with %d" % (" ".join(command), done.returncode))
    return done.stdout.splitlines()


def compare(c_lines, py_lines):
    """The list of failures and the worst difference of each kind."""
    failures, worst = [], {}
    if len(c_lines) != len(py_lines):
        failures.append("%d lines from tensorgrad, %d from PyTorch" % (len(c_lines), len(py_lines)))
    for c, py in zip(c_lines, py_lines):
        cw, pw = c.split(), py.split()
        if pw[:1] in (["loss"], ["norm"], ["lr"]) and cw[:2] == pw[:2]:
            a, b = float(cw[2]), float(pw[2])
            diff = abs(a - b) / max(abs(b), 1e-30)
            worst[pw[0]] = max(worst.get(pw[0], 0.0), diff)
            if not diff <= LOSS_RTOL:
                failures.append("%s at step %s: %s, PyTorch %s" % (pw[0], pw[1], cw[2], pw[2]))
        elif pw[:1] == ["weight"] and cw[:3] == pw[:3] and len(cw) == len(pw):
            for i, (a, b) in enumerate(zip(map(float, cw[3:]), map(float, pw[3:]))):
                diff = abs(a - b) / max(abs(b), 1.0)
                worst["weight"] = max(worst.get("weight", 0.0), diff)
                if not diff <= WEIGHT_TOL:
                    failures.append("%s[%d]: %r, PyTorch %r" % (pw[1], i, a, b))
        elif c != py:
            failures.append("line differs:\n- %s\n+ %s" % (py[:200], c[:200]))
    return failures, worst


def main():
    try:
        import torch  # noqa: F401
    except ImportError:
        print("SKIPPED: PyTorch is not installed for %s" % sys.executable)
        sys.exit(77)
    program, script = sys.argv[1], sys.argv[2]
    c_lines = run([program])
    py_lines = run([sys.executable, script])
    failures, worst = compare(c_lines, py_lines)
    print("%d lines; worst differences: %s (tolerances: %g, weights %g)"
          % (len(py_lines), ", ".join("%s %.3g" % kv for kv in worst.items()), LOSS_RTOL, WEIGHT_TOL))
    for f in failures[:20]:
        print(f)
    if failures:
        sys.exit("FAILED: %d differences beyond the tolerances (- PyTorch, + tensorgrad)" % len(failures))
    print("OK")


main()
