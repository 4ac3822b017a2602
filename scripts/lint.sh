#!/usr/bin/env bash
# Mechanical checks: formatting, lit RUN lines, where TableGen files live.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0

files=$(git ls-files '*.cpp' '*.h')
if [ -n "$files" ]; then
  if ! clang-format-22 --dry-run -Werror $files; then
    echo "lint: run clang-format-22 -i on the files above"; status=1
  fi
fi

bad_run=$(git grep -n -E '^//[[:space:]]*RUN[[:space:]]*[^:[:space:]]' -- '*.mlir' '*.test' || true)
if [ -n "$bad_run" ]; then
  echo "lint: RUN lines without a colon (lit would skip them):"; echo "$bad_run"; status=1
fi

td_out=$(git ls-files '*.td' '*.pdll' | grep -v '^dialects/' || true)
if [ -n "$td_out" ]; then
  echo "lint: TableGen files outside dialects/:"; echo "$td_out"; status=1
fi

[ $status -eq 0 ] && echo "lint: clean"
exit $status
