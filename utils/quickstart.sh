#!/usr/bin/env bash
# Installs missing packages, builds, then compiles the bundled example
# examples/reverse.rasp to a transformer and runs it on two inputs.
set -euo pipefail
cd "$(dirname "$0")/.."
utils/install-deps.sh
utils/build.sh
set -x
./build/bin/rasp-run examples/reverse.rasp --vocab=a,b,c,d --max-seq-len=5 \
  --input="a b c d" --input="c a b"
