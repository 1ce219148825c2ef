#!/usr/bin/env bash
# Installs missing packages, builds, and runs the bundled example
# examples/reverse.rasp on a few inputs.
set -euo pipefail
cd "$(dirname "$0")/.."
utils/install-deps.sh
utils/build.sh
set -x
./build/bin/rasp-run examples/reverse.rasp --vocab=a,b,c,d --max-seq-len=5 \
  --mode=craft --input="a b c d" --input="d a b" --input="c"
