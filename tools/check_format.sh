#!/usr/bin/env bash
# Fails when a C++ file differs from what clang-format (.clang-format) makes of it.
# Fix with: clang-format -i FILE (or every file: tools/check_format.sh --fix).
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(find src tests bench tools fuzz -name '*.cpp' -o -name '*.hpp' | sort)
if [ "${1:-}" = --fix ]; then
    clang-format -i "${files[@]}"
    exit 0
fi
clang-format --dry-run --Werror "${files[@]}"
echo "clang-format: ${#files[@]} files formatted as .clang-format says"
