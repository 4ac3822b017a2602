#!/usr/bin/env bash
# The whole test suite (lit + unit tests, through ctest) under ASan + UBSan:
# configures and builds build-asan/ with clang-22 and lld, every target
# instrumented (MLIR/LLVM from Debian are not), then runs ctest there.
# The same tree also builds the libFuzzer target (scripts/fuzz.sh), so CI
# compiles the project twice, not three times.
#   scripts/sanitize.sh [build-dir]        (default: build-asan)
# Environment: MOE_BUILD_LOCK=FILE runs ninja under flock FILE (a tree
# shared with other builds); NINJA_JOBS (default: all cores).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${1:-build-asan}

for tool in clang-22 clang++-22 ld.lld-22; do
  command -v "$tool" >/dev/null || {
    echo "sanitize: $tool missing (apt-get install clang-22 lld-22 libclang-rt-22-dev)" >&2
    exit 1
  }
done

ninja_() {
  if [ -n "${MOE_BUILD_LOCK:-}" ]; then
    flock "$MOE_BUILD_LOCK" ninja ${NINJA_JOBS:+-j$NINJA_JOBS} "$@"
  else
    ninja ${NINJA_JOBS:+-j$NINJA_JOBS} "$@"
  fi
}

if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  # -O1 and line tables: fast to build, readable stack traces. NDEBUG as in
  # Debian's MLIR (llvm::Statistic and other NDEBUG-dependent layouts must
  # match the libraries).
  cmake -G Ninja -S . -B "$BUILD_DIR" \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
    -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only -DNDEBUG" \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only -DNDEBUG" \
    -DLLVM_USE_LINKER=lld \
    -DMOE_SANITIZERS="address;undefined" \
    -DMOE_ENABLE_FUZZER=ON \
    -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
    -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit \
    -DPython3_EXECUTABLE=/usr/bin/python3
fi
ninja_ -C "$BUILD_DIR"

# These are also compiled into every tool (tools/SanitizerDefaults.cpp); the
# environment covers the unit tests and anything else. abort_on_error turns
# a report into SIGABRT, which `not` counts as a crash. Leak checking on.
export ASAN_OPTIONS=${ASAN_OPTIONS:-allow_user_poisoning=0:abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:abort_on_error=1}
ctest --test-dir "$BUILD_DIR" --output-on-failure
