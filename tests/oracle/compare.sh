#!/bin/sh
# compare.sh PROGRAM SCRIPT PYTHON: runs the C program and the PyTorch script
# and compares their output line for line. Exit 77 (skipped) without PyTorch.
prog=$1 script=$2 python=${3:-/usr/bin/python3}
if ! "$python" -c "import torch" >/dev/null 2>&1; then
    echo "SKIPPED: PyTorch is not installed for $python"
    exit 77
fi
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
"$prog" > "$dir/c.txt" 2>&1; rc=$?
if [ $rc -ne 0 ]; then
    cat "$dir/c.txt"
    echo "FAILED: $prog exited with $rc"
    exit 1
fi
"$python" "$script" > "$dir/py.txt" 2>&1 || { cat "$dir/py.txt"; echo "FAILED: $script"; exit 1; }
if ! diff -u "$dir/py.txt" "$dir/c.txt"; then
    echo "FAILED: output differs from PyTorch (- PyTorch, + tensorgrad)"
    exit 1
fi
echo "OK: $(wc -l < "$dir/c.txt") lines identical to PyTorch"
