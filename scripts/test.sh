#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds, runs every lit test
# (IR, diagnostics, driver, importer, end-to-end, GoogleTest units) and ends
# with one line "N passed, N failed".
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${QRCNN_BUILD_DIR:-$root/build}"
bash "$root/scripts/install-deps.sh" || exit 1
bash "$root/scripts/build.sh" || exit 1

log="$(mktemp)"
/usr/bin/python3 /usr/lib/llvm-19/build/utils/lit/lit.py -sv "$build/test" "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
count() { sed -n "s/^  $1: *\([0-9]*\).*/\1/p" "$log" | head -n1; }
passed=$(( $(count Passed || true) + 0 ))
failed=$(( $(count Failed || true) + $(count Unresolved || true) + $(count "Timed Out" || true) + 0 ))
rm -f "$log"
echo "$passed passed, $failed failed"
exit "$status"
