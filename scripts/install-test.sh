#!/usr/bin/env bash
# Installs a built tree into a scratch prefix and builds and tests the
# consumer project (examples/consumer) against it through
# find_package(MoE CONFIG); also runs the installed tools and plugin.
#   scripts/install-test.sh [build-dir]          (default: build)
# Environment: MOE_BUILD_LOCK, NINJA_JOBS as for scripts/sanitize.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${1:-build}
WORK="$BUILD_DIR/install-test"
PREFIX="$PWD/$WORK/prefix"

ninja_() {
  if [ -n "${MOE_BUILD_LOCK:-}" ]; then
    flock "$MOE_BUILD_LOCK" ninja ${NINJA_JOBS:+-j$NINJA_JOBS} "$@"
  else
    ninja ${NINJA_JOBS:+-j$NINJA_JOBS} "$@"
  fi
}

rm -rf "$WORK"
cmake --install "$BUILD_DIR" --prefix "$PREFIX" >/dev/null
echo "install: $(find "$PREFIX" -type f | wc -l) files in $PREFIX"

# The installed tools and plugin run from the prefix.
"$PREFIX/bin/moe-opt" examples/consumer/layer.mlir --moe-cost=machine=h100-sxm \
  --moe-cost-report -o /dev/null | grep -q "moe-mlir cost report"
/usr/lib/llvm-22/bin/mlir-opt examples/consumer/layer.mlir \
  --load-dialect-plugin="$PREFIX/lib/libMoEPlugin.so" \
  --load-pass-plugin="$PREFIX/lib/libMoEPlugin.so" \
  --pass-pipeline='builtin.module(moe-cost{machine=h100-sxm})' | grep -q "moe.cost_summary"
echo "install: installed moe-opt and libMoEPlugin.so (in mlir-opt) run"

# A separate project finds the package and links the libraries. Only the
# prefix is given: MoEConfig.cmake finds the MLIR it was built with.
cmake -G Ninja -S examples/consumer -B "$WORK/consumer" \
  -DCMAKE_PREFIX_PATH="$PREFIX" -DCMAKE_BUILD_TYPE=Release >/dev/null
ninja_ -C "$WORK/consumer"
ctest --test-dir "$WORK/consumer" --output-on-failure
