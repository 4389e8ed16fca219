#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Formats every C++ file git tracks with .clang-format (Debian 12's clang-format, 14).
#   packaging/format-code.sh           rewrite the files in place
#   packaging/format-code.sh --check   change nothing; list the files that differ and fail
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files '*.cpp' '*.h')
if [[ ${1:-} == --check ]]; then
    if ! clang-format --dry-run --Werror "${files[@]}" 2>/tmp/durable-format.$$; then
        grep -o '^[^:]*:[0-9]*:[0-9]*: error' /tmp/durable-format.$$ | cut -d: -f1 | sort -u | sed 's/^/  not formatted: /'
        echo "Run packaging/format-code.sh to format them (clang-format $(clang-format --version | grep -o '[0-9]*\.[0-9.]*' | head -1))."
        rm -f /tmp/durable-format.$$
        exit 1
    fi
    rm -f /tmp/durable-format.$$
    echo "Formatting: ${#files[@]} files match .clang-format"
else
    clang-format -i "${files[@]}"
fi
