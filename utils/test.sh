#!/usr/bin/env bash
# Installs missing packages, builds, and runs every test (lit + gtest +
# pytest), long tests included.
set -euo pipefail
cd "$(dirname "$0")/.."
utils/install-deps.sh
utils/build.sh
# CI runs every tier, the long tests included (a developer's plain
# `ninja -C build check-rasp` skips them).
RASP_LONG_TESTS=1 ninja -C build check-rasp
