#!/usr/bin/env bash
# Builds the project with AddressSanitizer, UndefinedBehaviorSanitizer and
# libFuzzer's coverage in ./build-san (-O1; benchmarks off) and runs the fast
# tier of the suite there (lit + gtest; tests that load project libraries
# into an uninstrumented host are skipped, and what only they need is not
# built), including a bounded run of each libFuzzer target
# (RASP_FUZZ_SECONDS each, default 60) that first replays its saved corpus.
# docs/Sanitizers.md. Extra arguments go to cmake.
#
# RASP_SANITIZE_DEADLINE (seconds since the epoch; utils/test.sh sets it in
# CI) bounds the whole run: the build stops early enough to leave
# RASP_SANITIZE_TEST_SECONDS (default 600) for the tests, and the tests stop
# at the deadline. Running out of time is not a test failure: the script
# says which step it stopped and exits with status 75.
set -euo pipefail
cd "$(dirname "$0")/.."
export RASP_BUILD_DIR=${RASP_SANITIZE_BUILD_DIR:-build-san}
deadline=${RASP_SANITIZE_DEADLINE:-}
test_seconds=${RASP_SANITIZE_TEST_SECONDS:-600}

# Runs "$@" until $1 seconds before the deadline (no limit without one).
# timeout(1) stops the whole process group: ninja, clang, lit and the tests.
bounded() {
  local reserve=$1
  shift
  if [ -z "$deadline" ]; then
    "$@"
    return
  fi
  local left=$((deadline - reserve - $(date +%s)))
  if [ "$left" -le 0 ]; then
    return 124
  fi
  timeout "$left" "$@"
}

# Reports a step ($1) stopped at its time limit ($2) and ends the run.
stopped() {
  echo "sanitizer stage: $1 stopped after ${SECONDS}s, at $2" \
    "(deadline $(date -u -d "@$deadline" +%H:%M:%S) UTC); not a test" \
    "failure (docs/Sanitizers.md)"
  exit 75
}

status=0
RASP_BUILD_TARGETS=rasp-test-depends bounded "$test_seconds" utils/build.sh \
  -DRASP_SANITIZE=address,undefined -DRASP_ENABLE_FUZZER=ON \
  -DRASP_ENABLE_BENCHMARKS=OFF \
  "-DCMAKE_CXX_FLAGS_RELEASE=-O1 -DNDEBUG" "-DCMAKE_C_FLAGS_RELEASE=-O1 -DNDEBUG" \
  "$@" || status=$?
if [ "$status" = 124 ]; then
  stopped "the build" "${test_seconds}s before the deadline, kept for the tests"
fi
if [ "$status" != 0 ]; then exit "$status"; fi
echo "sanitizer stage: built in ${SECONDS}s"

# The fast tier only: the long tier's ASan run would cost more than it finds.
unset RASP_LONG_TESTS
bounded 0 ninja -C "$RASP_BUILD_DIR" check-rasp || status=$?
if [ "$status" = 124 ]; then stopped "the tests" "the deadline"; fi
echo "sanitizer stage: built and tested in ${SECONDS}s"
exit "$status"
