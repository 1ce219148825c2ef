#!/usr/bin/env bash
# Installs missing packages, builds, and runs every test (lit + gtest +
# pytest), long tests included. Then the sanitizer stage: the fast tier again
# under ASan+UBSan with bounded libFuzzer runs (utils/test-sanitize.sh,
# ./build-san; docs/Sanitizers.md), when the time left allows it.
#
# The time budget is CI's: RASP_TEST_BUDGET_SECONDS (default 5400, the 90
# minutes of .ci/run) counted from RASP_TEST_START (seconds since the epoch;
# .ci/run sets it, otherwise this script's start), of which
# RASP_TEST_MARGIN_SECONDS (default 1800, so a run stays well under the
# limit) stay unused. The sanitizer stage starts only if at least
# RASP_SANITIZE_MIN_SECONDS (default 1200: the tests' 600 and a warm build)
# are left before that margin, and stops at it (utils/test-sanitize.sh);
# skipping or stopping is said in the log and is never a failure.
# RASP_TEST_SANITIZERS=0 turns the stage off.
set -euo pipefail
cd "$(dirname "$0")/.."
start=${RASP_TEST_START:-$(date +%s)}
budget=${RASP_TEST_BUDGET_SECONDS:-5400}
margin=${RASP_TEST_MARGIN_SECONDS:-1800}
min_seconds=${RASP_SANITIZE_MIN_SECONDS:-1200}

utils/install-deps.sh
utils/build.sh
# CI runs every tier, the long tests included (a developer's plain
# `ninja -C build check-rasp` skips them). A failure here still lets the
# sanitizer run report its own results.
status=0
RASP_LONG_TESTS=1 ninja -C build check-rasp || status=$?

deadline=$((start + budget - margin))
now=$(date +%s)
used=$(((now - start) / 60))
left=$(((deadline - now) / 60))
if [ "${RASP_TEST_SANITIZERS:-1}" != 1 ]; then
  echo "sanitizer stage: skipped (RASP_TEST_SANITIZERS=$RASP_TEST_SANITIZERS)"
elif [ $((deadline - now)) -lt "$min_seconds" ]; then
  echo "sanitizer stage: skipped: ${used} min of the $((budget / 60))-min" \
    "budget used, ${left} min left before the $((margin / 60))-min margin," \
    "it needs at least $((min_seconds / 60)) min"
else
  echo "sanitizer stage: starting after ${used} min; it stops within" \
    "${left} min, leaving $((margin / 60)) of the $((budget / 60)) min unused"
  rc=0
  RASP_SANITIZE_DEADLINE=$deadline utils/test-sanitize.sh || rc=$?
  # 75: stopped by the deadline (it said so); not a test failure.
  if [ "$rc" != 0 ] && [ "$rc" != 75 ]; then status=$rc; fi
fi
exit "$status"
