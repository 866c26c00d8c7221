#!/usr/bin/env bash
# Builds qrcnn's libFuzzer targets (fuzz/) and runs each of them, then prints
# per target: executions, coverage (libFuzzer's cov / ft), corpus size and
# findings (crash / leak / timeout / oom reproducers). Exit code 1 if any
# target found something. See docs/reliability.md.
#
#   scripts/fuzz.sh [--time SECONDS | --runs N] [--timeout SECONDS]
#                   [--keep-going] [--parallel] [TARGET...]
#
# --time S       fuzz each target for S seconds (default 60)
# --runs N       or run N inputs per target (CI's smoke run: --runs 2000)
# --timeout S    an input running longer than S seconds is a finding
#                (libFuzzer's -timeout, wall-clock; default 10: raise it
#                on a loaded machine)
# --keep-going   after a finding, record it and fuzz on for the time left
# --parallel     run the targets at the same time (one process each)
# TARGET         onnx-import-fuzzer, onnx-proto-fuzzer, qnn-mlir-fuzzer
#                (default: all three)
#
# Build dir: $QRCNN_FUZZ_BUILD_DIR (default build-fuzz/, configured with
# clang-19, -DQRCNN_ENABLE_FUZZERS=ON). The corpus grows across runs in
# BUILD/fuzz/corpus/TARGET; seeds (the generated test models and the .mlir
# tests) are rebuilt from the source tree every run in BUILD/fuzz/seeds;
# reproducers land in BUILD/fuzz/findings/TARGET.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${QRCNN_FUZZ_BUILD_DIR:-$root/build-fuzz}"
seconds=60
runs=""
timeout=10
keep_going=0
parallel=0
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --time) seconds="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --timeout) timeout="$2"; shift 2 ;;
    --keep-going) keep_going=1; shift ;;
    --parallel) parallel=1; shift ;;
    -h|--help) sed -n '2,/^[^#]/{/^#/p}' "$0"; exit 0 ;;
    *) targets+=("$1"); shift ;;
  esac
done
[[ "$timeout" =~ ^[1-9][0-9]*$ ]] || {
  echo "fuzz: --timeout needs a whole number of seconds >= 1, got '$timeout'"; exit 2; }
[ ${#targets[@]} -gt 0 ] || targets=(onnx-import-fuzzer onnx-proto-fuzzer qnn-mlir-fuzzer)

if [ ! -f "$build/build.ninja" ]; then
  cmake -G Ninja -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19 \
    -DQRCNN_ENABLE_FUZZERS=ON >/dev/null || exit 1
fi
ninja -C "$build" -j"${QRCNN_JOBS:-2}" qrcnn-fuzzers qrcnn-test-models >/dev/null || {
  echo "fuzz: build failed"; exit 1; }

# Seeds: every generated test model (good and bad) and the ECG models for
# the ONNX targets; every .mlir test split at '// -----' for the IR target.
fz="$build/fuzz"
rm -rf "$fz/seeds"
mkdir -p "$fz/seeds/onnx" "$fz/seeds/mlir"
find "$build/test/models" "$root/examples/ecg/models" -name '*.onnx' -size -64k \
  -exec cp {} "$fz/seeds/onnx/" \; 2>/dev/null
/usr/bin/python3 - "$root" "$fz/seeds/mlir" <<'PY'
import pathlib, sys
root, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
files = sorted(root.glob("test/**/*.mlir")) + sorted(root.glob("examples/**/*.mlir"))
for f in files:
    for i, part in enumerate(f.read_text().split("// -----")):
        keep = [l for l in part.splitlines() if not l.lstrip().startswith("// ")]
        name = f"{f.relative_to(root).as_posix().replace('/', '_')}.{i}.mlir"
        (out / name).write_text("\n".join(keep) + "\n")
PY

# Sanitizer settings: leaks count; a report aborts so libFuzzer saves the
# reproducer. Suppressions for upstream (libMLIR/libLLVM) frames only.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$root/fuzz/lsan.supp}"

# Fuzzes one target; its summary line goes to $fz/TARGET.summary.
fuzz_target() {
  local t="$1" seeds dict corpus findings log execs start args left status n cov corp found
  case "$t" in
    qnn-mlir-fuzzer) seeds="$fz/seeds/mlir"; dict="$root/fuzz/mlir.dict" ;;
    onnx-*) seeds="$fz/seeds/onnx"; dict="" ;;
    *) echo "fuzz: unknown target $t" > "$fz/$t.summary"; return ;;
  esac
  corpus="$fz/corpus/$t"
  findings="$fz/findings/$t"
  mkdir -p "$corpus" "$findings"
  log="$fz/$t.log"
  : > "$log"
  execs=0
  start=$(date +%s)
  # One libFuzzer run, or with --keep-going as many as fit in the time.
  while :; do
    args=(-rss_limit_mb=2048 -timeout="$timeout" -max_len=65536 -print_final_stats=1
          -artifact_prefix="$findings/" -reload=0)
    [ -n "$dict" ] && args+=(-dict="$dict")
    if [ -n "$runs" ]; then
      args+=(-runs="$runs")
    else
      left=$(( seconds - ($(date +%s) - start) ))
      [ "$left" -gt 0 ] || break
      args+=(-max_total_time="$left")
    fi
    "$build/bin/$t" "${args[@]}" "$corpus" "$seeds" > "$log.run" 2>&1
    status=$?
    cat "$log.run" >> "$log"
    n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log.run" | tail -n1)
    # A crashed run prints no final stats: count its last progress line.
    [ -z "$n" ] && n=$(grep -o '^#[0-9]*' "$log.run" | tail -n1 | tr -d '#')
    execs=$(( execs + ${n:-0} ))
    echo "--- run ended with status $status after ${n:-0} executions" >> "$log"
    [ "$status" -ne 0 ] && [ "$keep_going" -eq 1 ] && [ -z "$runs" ] || break
  done
  rm -f "$log.run"
  cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$log" | tail -n1)
  corp=$(ls "$corpus" | wc -l)
  found=$(ls "$findings" | grep -c -E '^(crash|leak|timeout|oom)-' || true)
  {
    echo "$execs $found"
    echo "$t: $execs executions in $(( $(date +%s) - start )) s, ${cov:-cov: ? ft: ?}, corpus $corp, findings $found"
    ls "$findings" | grep -E '^(crash|leak|timeout|oom)-' | sed "s|^|  $findings/|"
  } > "$fz/$t.summary"
}

for t in "${targets[@]}"; do
  rm -f "$fz/$t.summary"
  if [ "$parallel" -eq 1 ]; then fuzz_target "$t" & else fuzz_target "$t"; fi
done
wait
total_execs=0
total_findings=0
for t in "${targets[@]}"; do
  read -r execs found < "$fz/$t.summary"
  total_execs=$(( total_execs + ${execs:-0} ))
  total_findings=$(( total_findings + ${found:-0} ))
  tail -n +2 "$fz/$t.summary" | sed 's/^/fuzz: /'
done
echo "fuzz: total $total_execs executions, $total_findings findings"
[ "$total_findings" -eq 0 ]
