#!/usr/bin/env bash
# Runs the libFuzzer target moe-fuzz (parse + verify + --moe-cost +
# --moe-cost-report + --moe-gpu-plan, under ASan + UBSan) for a while, seeded
# with every .mlir file of test/ and examples/ (split at '// -----').
#   scripts/fuzz.sh [seconds] [build-dir]     (defaults: 60, build-asan)
# The tree is the one scripts/sanitize.sh configures (MOE_ENABLE_FUZZER=ON);
# it is configured here too when missing. A crash leaves its input in
# <build-dir>/fuzz/artifacts/ and makes this script fail. docs/Fuzzing.md.
# Environment: MOE_BUILD_LOCK, NINJA_JOBS as for scripts/sanitize.sh;
# FUZZ_JOBS runs that many fuzzer processes at once (default 1);
# FUZZ_SEED and FUZZ_RUNS make a run reproducible: a fixed random seed and a
# fixed number of inputs instead of a time budget (CI uses both, so that a
# green local run means a green CI run).
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_TO_RUN=${1:-60}
BUILD_DIR=${2:-build-asan}

ninja_() {
  if [ -n "${MOE_BUILD_LOCK:-}" ]; then
    flock "$MOE_BUILD_LOCK" ninja ${NINJA_JOBS:+-j$NINJA_JOBS} "$@"
  else
    ninja ${NINJA_JOBS:+-j$NINJA_JOBS} "$@"
  fi
}

if ! grep -q "MOE_ENABLE_FUZZER:BOOL=ON" "$BUILD_DIR/CMakeCache.txt" 2>/dev/null; then
  echo "fuzz: $BUILD_DIR is not configured with MOE_ENABLE_FUZZER=ON;" \
       "run scripts/sanitize.sh $BUILD_DIR first" >&2
  exit 1
fi
ninja_ -C "$BUILD_DIR" moe-fuzz

WORK="$BUILD_DIR/fuzz"
SEEDS="$WORK/seeds"
rm -rf "$SEEDS"
mkdir -p "$SEEDS" "$WORK/corpus" "$WORK/artifacts"
# One seed per '// -----' chunk: the split-input-file tests hold many small
# programs, and the parser stops at the first error of a file.
git ls-files -z -- 'test/*.mlir' 'examples/*.mlir' |
  xargs -0 /usr/bin/python3 -c '
import os, sys
out = sys.argv[1]
for path in sys.argv[2:]:
    data = open(path, "rb").read()
    for i, chunk in enumerate(data.split(b"\n// -----\n")):
        name = path.replace("/", "_") + "." + str(i)
        with open(os.path.join(out, name), "wb") as f:
            f.write(chunk)
' "$SEEDS"
echo "fuzz: $(ls "$SEEDS" | wc -l) seeds, ${SECONDS_TO_RUN} s"

# New inputs go to corpus/ (kept between runs), seeds are read only.
export ASAN_OPTIONS=${ASAN_OPTIONS:-allow_user_poisoning=0:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
args=(-max_total_time="$SECONDS_TO_RUN" -rss_limit_mb=4096 -timeout=30
      -max_len=65536 -dict=tools/moe-fuzz/moe.dict -print_final_stats=1
      -artifact_prefix="$WORK/artifacts/")
if [ -n "${FUZZ_SEED:-}" ]; then
  args+=(-seed="$FUZZ_SEED")
fi
if [ -n "${FUZZ_RUNS:-}" ]; then
  args+=(-runs="$FUZZ_RUNS")
fi
if [ "${FUZZ_JOBS:-1}" -gt 1 ]; then
  args+=(-fork="$FUZZ_JOBS")
fi
status=0
"$BUILD_DIR/bin/moe-fuzz" "${args[@]}" "$WORK/corpus" "$SEEDS" \
  2>"$WORK/fuzz.log" || status=$?
grep -E "^(#[0-9]+[[:space:]]+DONE|stat::|Done [0-9]+ runs)" "$WORK/fuzz.log" || true
if [ $status -ne 0 ]; then
  tail -60 "$WORK/fuzz.log"
  echo "fuzz: FAILED (exit $status); reproduce with $BUILD_DIR/bin/moe-fuzz <artifact>," \
       "MOE_FUZZ_VERBOSE=1 prints the options:"
  ls -1 "$WORK/artifacts"
  exit $status
fi
echo "fuzz: no crash in ${SECONDS_TO_RUN} s"
