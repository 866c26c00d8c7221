#!/usr/bin/env bash
# The whole lit suite under AddressSanitizer + UndefinedBehaviorSanitizer
# (+ LeakSanitizer), then a smoke run of every fuzz target. One extra build
# serves both: clang-19 with -DQRCNN_ENABLE_FUZZERS=ON, which compiles the
# project with -fsanitize=address,undefined (see docs/reliability.md).
#
# Fails (exit 1) on any failed test, on any sanitizer report, even one in a
# process whose exit status a test ignores (reports are also written to
# files and counted), and on any fuzz finding. Prints "N passed, N failed".
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${QRCNN_SANITIZE_BUILD_DIR:-$root/build-sanitize}"
start=$(date +%s)

if [ ! -f "$build/build.ninja" ]; then
  cmake -G Ninja -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19 \
    -DQRCNN_ENABLE_FUZZERS=ON >/dev/null || exit 1
fi
ninja -C "$build" -j"${QRCNN_JOBS:-2}" all qrcnn-fuzzers >/dev/null || {
  echo "test-sanitized: build failed"; exit 1; }
echo "test-sanitized: build took $(( $(date +%s) - start )) s"

reports="$build/sanitizer-reports"
rm -rf "$reports"
mkdir -p "$reports"
# abort_on_error: a report is a crash (SIGABRT), which `not` does not
# accept as an expected failure; log_path: each report also lands in a file.
export ASAN_OPTIONS="abort_on_error=1:detect_leaks=1:log_path=$reports/asan"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:abort_on_error=1:log_path=$reports/ubsan"
export LSAN_OPTIONS="suppressions=$root/fuzz/lsan.supp"

source "$root/scripts/lit-run.sh"
qrcnn_run_lit "$build/test" "$@"
status=$lit_status
found=$(find "$reports" -type f | wc -l)
for f in $(find "$reports" -type f | head -n 5); do
  echo "--- sanitizer report $f"; head -n 40 "$f"
done
echo "test-sanitized: $found sanitizer reports"
qrcnn_lit_summary "(sanitized: address,undefined)"
[ "$status" -eq 0 ] && [ "$lit_failed" -eq 0 ] && [ "$found" -eq 0 ] || status=1

unset ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS
QRCNN_FUZZ_BUILD_DIR="$build" bash "$root/scripts/fuzz.sh" --runs "${QRCNN_FUZZ_SMOKE_RUNS:-2000}" || status=1
echo "test-sanitized: $(( $(date +%s) - start )) s in all"
exit "$status"
