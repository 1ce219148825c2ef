#!/usr/bin/env bash
# Installs missing packages, builds, and runs every test (lit + gtest).
set -euo pipefail
cd "$(dirname "$0")/.."
utils/install-deps.sh
utils/build.sh
ninja -C build check-rasp
