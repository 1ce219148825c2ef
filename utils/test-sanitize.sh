#!/usr/bin/env bash
# Builds the project with AddressSanitizer, UndefinedBehaviorSanitizer and
# libFuzzer's coverage in ./build-san (-O1; benchmarks off) and runs the fast
# tier of the suite there (lit + gtest; tests that load project libraries
# into an uninstrumented host are skipped), including a bounded run of each
# libFuzzer target (RASP_FUZZ_SECONDS each, default 60) that first replays
# its saved corpus. docs/Sanitizers.md. Extra arguments go to cmake.
set -euo pipefail
cd "$(dirname "$0")/.."
export RASP_BUILD_DIR=${RASP_SANITIZE_BUILD_DIR:-build-san}
utils/build.sh -DRASP_SANITIZE=address,undefined -DRASP_ENABLE_FUZZER=ON \
  -DRASP_ENABLE_BENCHMARKS=OFF \
  "-DCMAKE_CXX_FLAGS_RELEASE=-O1 -DNDEBUG" "-DCMAKE_C_FLAGS_RELEASE=-O1 -DNDEBUG" \
  "$@"
# The fast tier only: the long tier's ASan run would cost more than it finds.
env -u RASP_LONG_TESTS ninja -C "$RASP_BUILD_DIR" check-rasp
