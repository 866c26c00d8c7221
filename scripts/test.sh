#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds, runs every lit test
# (IR, diagnostics, driver, importer, end-to-end, GoogleTest units) and ends
# with one line "N passed, N failed".
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${QRCNN_BUILD_DIR:-$root/build}"
bash "$root/scripts/install-deps.sh" || exit 1
bash "$root/scripts/build.sh" || exit 1

source "$root/scripts/lit-run.sh"
qrcnn_run_lit "$build/test" "$@"
qrcnn_lit_summary
exit "$lit_status"
