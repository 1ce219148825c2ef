#!/usr/bin/env bash
# Configures and builds the project in ./build (Release, clang-22, lld, Ninja).
# Debian's libMLIR.so is built with clang: the project must be too, or shared
# libraries that link it (C API, Python module, mlir-opt plugin) disagree with
# it on the implicit TypeIDs of op traits. ccache is used when installed.
# RASP_BUILD_DIR names another build directory; RASP_BUILD_TARGETS (a
# space-separated list) builds only those targets.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${RASP_BUILD_DIR:-build}
if [ ! -f "$build/build.ninja" ]; then
  launcher=()
  if command -v ccache >/dev/null; then
    launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  fi
  cmake -G Ninja -S . -B "$build" -DCMAKE_BUILD_TYPE=Release \
    -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
    -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
    -DLLVM_USE_LINKER=lld "${launcher[@]}" "$@"
fi
# shellcheck disable=SC2086 # a list of target names
ninja -C "$build" ${RASP_BUILD_TARGETS:-}
