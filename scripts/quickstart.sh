#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine: install what is missing, build,
# and compile the shipped example model.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${QRCNN_BUILD_DIR:-$root/build}"
bash "$root/scripts/install-deps.sh"
bash "$root/scripts/build.sh"

model="$root/examples/models/qrcnn_tiny.mlir"
out="$root/out"
mkdir -p "$out"
echo "== compiling $model"
"$build/bin/qrcnnc" "$model" --target mlir -o "$out/qrcnn_tiny.folded.mlir"
"$build/bin/qrcnnc" "$model" --target mlir --no-fold -o "$out/qrcnn_tiny.unfolded.mlir"
echo "wrote $out/qrcnn_tiny.folded.mlir and $out/qrcnn_tiny.unfolded.mlir"
