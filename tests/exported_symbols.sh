#!/bin/sh
# exported_symbols.sh LIBRARY HEADER: the shared library exports exactly
# the functions the public header declares (no tg__ internals, no tables).
lib=$1 header=$2
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
${NM:-nm} -D --defined-only "$lib" | awk '$2 ~ /^[TDBRVW]$/ {print $3}' | sort -u > "$dir/exported"
sed -n 's/^[a-z][a-z0-9_ ]*[ *]\(tg_[a-z][a-z0-9_]*\)(.*/\1/p' "$header" | sort -u > "$dir/declared"
if ! diff -u "$dir/declared" "$dir/exported"; then
    echo "FAILED: $lib exports other symbols than $header declares (- declared only, + exported only)"
    exit 1
fi
echo "OK: $(wc -l < "$dir/exported") symbols exported, each declared in the header"
