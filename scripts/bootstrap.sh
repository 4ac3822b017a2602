#!/usr/bin/env bash
# Installs what moe-mlir needs from Debian 12's archive, configures and builds.
# Idempotent: a second run only rebuilds what changed.
#   scripts/bootstrap.sh [build-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${1:-build}

PKGS=(cmake ninja-build g++ python3 libmlir-22-dev mlir-22-tools llvm-22-dev
      llvm-22-tools clang-format-22 libgtest-dev libbenchmark-dev
      python3-numpy
      # scripts/sanitize.sh and scripts/fuzz.sh (ASan, UBSan, libFuzzer)
      clang-22 lld-22 libclang-rt-22-dev)
missing=()
for p in "${PKGS[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  cmake -G Ninja -S . -B "$BUILD_DIR" \
    -DCMAKE_BUILD_TYPE=Release \
    -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
    -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit \
    -DPython3_EXECUTABLE=/usr/bin/python3
fi
# MOE_BUILD_LOCK=FILE: build under flock FILE (a machine shared with other
# builds); NINJA_JOBS: parallel jobs (default: all cores).
${MOE_BUILD_LOCK:+flock "$MOE_BUILD_LOCK"} ninja ${NINJA_JOBS:+-j$NINJA_JOBS} -C "$BUILD_DIR"
