#!/usr/bin/env bash
# Configures (once) and builds qrcnn into build/ with Ninja.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${QRCNN_BUILD_DIR:-$root/build}"
if [ ! -f "$build/build.ninja" ]; then
  cmake -G Ninja -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release ${QRCNN_CMAKE_ARGS:-}
fi
ninja -C "$build" -j"${QRCNN_JOBS:-2}"
