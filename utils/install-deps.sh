#!/usr/bin/env bash
# Installs the Debian 12 packages the project needs, skipping those already
# present. Needs root (or sudo) only when something is missing.
set -euo pipefail
pkgs=(cmake ninja-build clang-22 lld-22 libclang-rt-22-dev
      llvm-22 llvm-22-dev llvm-22-tools libmlir-22-dev mlir-22-tools
      libgtest-dev libbenchmark-dev nlohmann-json3-dev
      python3 python3-dev python3-numpy python3-pybind11 python3-pytest
      python3-matplotlib python3-torch chromium)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
