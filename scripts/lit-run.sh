# Sourced by scripts/test.sh and scripts/test-sanitized.sh: runs lit once and
# counts its result, so both print the summary CI looks for the same way.
#
#   qrcnn_run_lit TESTDIR [LIT ARGS...]
#     runs lit -sv on TESTDIR (output shown as it comes), then sets
#     lit_status (lit's exit status), lit_passed, and lit_failed (failed +
#     unresolved + timed out).
#   qrcnn_lit_summary [SUFFIX]
#     prints "N passed, N failed" (then " SUFFIX" if given).

qrcnn_run_lit() {
  local testdir="$1" log
  shift
  log="$(mktemp)"
  /usr/bin/python3 /usr/lib/llvm-19/build/utils/lit/lit.py -sv "$testdir" "$@" 2>&1 | tee "$log"
  lit_status=${PIPESTATUS[0]}
  lit_passed=$(( $(_qrcnn_lit_count "$log" Passed) + 0 ))
  lit_failed=$(( $(_qrcnn_lit_count "$log" Failed) + $(_qrcnn_lit_count "$log" Unresolved) + $(_qrcnn_lit_count "$log" "Timed Out") + 0 ))
  rm -f "$log"
}

# One row of lit's closing table ("  Passed: 12 (100.00%)", or "  Passed  : 1"
# when an "Excluded" row, from --filter, widens the labels); empty if absent.
_qrcnn_lit_count() {
  sed -n "s/^  $2 *: *\([0-9]*\).*/\1/p" "$1" | head -n1
}

qrcnn_lit_summary() {
  echo "$lit_passed passed, $lit_failed failed${1:+ $1}"
}
