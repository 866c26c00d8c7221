#!/usr/bin/env bash
# Installs every Debian package qrcnn's build, tests and examples need.
# Idempotent: does nothing when everything is there. Works as root or via sudo.
set -euo pipefail

packages=(
  # build
  cmake ninja-build g++ pkg-config
  llvm-19-dev llvm-19-tools libmlir-19-dev mlir-19-tools
  libonnx-dev libprotobuf-dev protobuf-compiler libcli11-dev libgtest-dev
  zlib1g-dev libzstd-dev
  # model generation, training, plots (Debian's /usr/bin/python3)
  python3 python3-onnx python3-numpy python3-scipy python3-torch python3-matplotlib
  # ONNX operator conformance data
  libonnx-testdata
  # embedded checks: Cortex-M build and QEMU
  gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm
  # fuzzing and sanitizers
  clang-19 libclang-rt-19-dev
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js runs ONNX Runtime for differential tests; any recent one will do.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)

if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "install-deps: installing ${missing[*]}"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# ONNX Runtime (CPU) for differential tests, from the npm registry. Its install
# script would download GPU binaries from a host we cannot reach; the CPU
# library ships inside the package, so scripts are skipped.
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [ -f "$here/ort/package-lock.json" ] && [ ! -d "$here/ort/node_modules/onnxruntime-node" ]; then
  (cd "$here/ort" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
fi
echo "install-deps: all dependencies present"
