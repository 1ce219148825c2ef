#!/usr/bin/env bash
# Installs missing packages, builds, and runs the bundled example.
set -euo pipefail
cd "$(dirname "$0")/.."
utils/install-deps.sh
utils/build.sh
./build/bin/rasp-opt --version | head -1
