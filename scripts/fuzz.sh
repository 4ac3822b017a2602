#!/usr/bin/env bash
# Runs the libFuzzer targets of moe-fuzz (under ASan + UBSan) one after the
# other, each for an equal share of the time:
#   ir       modules: parse, verify, --moe-cost, reports, --moe-gpu-plan;
#            seeded with every .mlir of test/ and examples/ (split at
#            '// -----');
#   options  pass options of the plans, the cost and the plan search;
#            seeded with tools/moe-fuzz/seeds/options/;
#   machine  machine files; seeded with every machine JSON of test/;
#   hf       Hugging Face config.json; seeded with examples/configs/ and the
#            configs of test/;
#   csv      calibration CSVs; seeded with docs/data/published-h100.csv in
#            slices of five rows.
#   scripts/fuzz.sh [seconds] [build-dir]     (defaults: 60, build-asan)
# The tree is the one scripts/sanitize.sh configures (MOE_ENABLE_FUZZER=ON).
# A finding leaves its input in <build-dir>/fuzz/<target>/artifacts/ and makes
# this script fail. docs/Fuzzing.md.
# Environment: MOE_BUILD_LOCK, NINJA_JOBS as for scripts/sanitize.sh;
# FUZZ_TARGETS (default: all five); FUZZ_JOBS runs that many fuzzer processes
# at once (default 1); FUZZ_SEED and FUZZ_RUNS make a run reproducible: a
# fixed random seed and a fixed number of inputs per target instead of a
# time budget (CI uses both, so that a green local run means a green CI run);
# FUZZ_RUNS_<target> (e.g. FUZZ_RUNS_options) overrides FUZZ_RUNS for one.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_TO_RUN=${1:-60}
BUILD_DIR=${2:-build-asan}
TARGETS=(${FUZZ_TARGETS:-ir options machine hf csv})

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

# Seeds of target $1 into directory $2.
seed() {
  case "$1" in
  ir)
    # One seed per '// -----' chunk: the split-input-file tests hold many
    # small programs, and the parser stops at the first error of a file.
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
' "$2" ;;
  options) cp tools/moe-fuzz/seeds/options/* "$2" ;;
  machine)
    git ls-files -- 'test/*.json' 'examples/machines/*.json' | grep -v -e HFConfig -e config- |
      while read -r f; do cp "$f" "$2/$(echo "$f" | tr / _)"; done ;;
  hf)
    git ls-files -- 'examples/configs/*.json' 'test/Target/HFConfig/*.json' \
        'test/Malformed/Inputs/config-*.json' |
      while read -r f; do cp "$f" "$2/$(echo "$f" | tr / _)"; done ;;
  csv)
    /usr/bin/python3 -c '
import os, sys
lines = open("docs/data/published-h100.csv").read().splitlines()
for i in range(1, len(lines), 5):
    with open(os.path.join(sys.argv[1], "rows-%03d.csv" % i), "w") as f:
        f.write("\n".join([lines[0]] + lines[i:i + 5]) + "\n")
' "$2" ;;
  esac
}

export ASAN_OPTIONS=${ASAN_OPTIONS:-allow_user_poisoning=0:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
share=$(( SECONDS_TO_RUN / ${#TARGETS[@]} ))
[ "$share" -ge 1 ] || share=1
for target in "${TARGETS[@]}"; do
  WORK="$BUILD_DIR/fuzz/$target"
  rm -rf "$WORK/seeds"
  mkdir -p "$WORK/seeds" "$WORK/corpus" "$WORK/artifacts"
  seed "$target" "$WORK/seeds"
  dict=()
  case "$target" in
  ir) dict=(-dict=tools/moe-fuzz/moe.dict) ;;
  options) dict=(-dict=tools/moe-fuzz/options.dict) ;;
  esac
  args=(-max_total_time="$share" -rss_limit_mb=4096 -timeout=30
        -max_len=65536 -print_final_stats=1 "${dict[@]}"
        -artifact_prefix="$WORK/artifacts/")
  if [ -n "${FUZZ_SEED:-}" ]; then
    args+=(-seed="$FUZZ_SEED")
  fi
  runs_var="FUZZ_RUNS_$target"
  runs=${!runs_var:-${FUZZ_RUNS:-}}
  if [ -n "$runs" ]; then
    args+=(-runs="$runs")
  fi
  if [ "${FUZZ_JOBS:-1}" -gt 1 ]; then
    args+=(-fork="$FUZZ_JOBS")
  fi
  echo "fuzz: $target: $(ls "$WORK/seeds" | wc -l) seeds, ${share} s"
  status=0
  # New inputs go to corpus/ (kept between runs), seeds are read only.
  MOE_FUZZ_TARGET=$target "$BUILD_DIR/bin/moe-fuzz" "${args[@]}" \
    "$WORK/corpus" "$WORK/seeds" 2>"$WORK/fuzz.log" || status=$?
  grep -aE "^(#[0-9]+[[:space:]]+DONE|stat::number_of_executed_units|stat::peak_rss_mb|Done [0-9]+ runs)" \
    "$WORK/fuzz.log" | sed "s/^/fuzz: $target: /" || true
  if [ $status -ne 0 ]; then
    tail -60 "$WORK/fuzz.log"
    echo "fuzz: $target FAILED (exit $status); reproduce with" \
         "MOE_FUZZ_TARGET=$target $BUILD_DIR/bin/moe-fuzz <artifact>" \
         "(MOE_FUZZ_VERBOSE=1 prints the options):"
    ls -1 "$WORK/artifacts"
    exit $status
  fi
done
echo "fuzz: no finding in ${TARGETS[*]}"
