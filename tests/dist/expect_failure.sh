#!/bin/sh
# expect_failure.sh MPIRUN PROGRAM MODE TEXT: `mpirun -np 2 PROGRAM MODE`
# must end with a non-zero status within 30 seconds, its output holding TEXT.
mpirun=$1 prog=$2 mode=$3 text=$4
out=$(mktemp) || exit 1
trap 'rm -f "$out"' EXIT
start=$(date +%s)
timeout 60 "$mpirun" --oversubscribe -np 2 "$prog" "$mode" > "$out" 2>&1
rc=$?
elapsed=$(( $(date +%s) - start ))
cat "$out"
if [ $rc -eq 0 ] || [ $rc -eq 124 ] || [ $elapsed -gt 30 ]; then
    echo "FAILED: status $rc after $elapsed s (expected a failure within 30 s)"
    exit 1
fi
if ! grep -q "$text" "$out"; then
    echo "FAILED: the output does not say '$text'"
    exit 1
fi
echo "OK: the job ended with status $rc after $elapsed s"
