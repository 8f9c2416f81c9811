#!/bin/sh
# tests/run_guide_example.sh PROGRAM [EXPECTED]: runs one example of a guide
# page (tests/guides.cmake) in a directory of its own, so that the files it
# writes go nowhere else. It must exit 0 and, when EXPECTED is given, print
# exactly that file's text (the page's ```output block).
set -eu
program=$1 expected=${2:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
(cd "$work" && "$program") > "$work/stdout" || status=$?
if [ "$status" -ne 0 ]; then
    echo "$program exited with $status; it printed:" >&2
    cat "$work/stdout" >&2
    exit 1
fi
if [ -n "$expected" ]; then
    diff -u "$expected" "$work/stdout" || { echo "$program: output differs from the page's output block" >&2; exit 1; }
fi
echo "$program: ok"
