#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine: install what is missing, build,
# and compile the shipped ECG heartbeat classifier (a QRCNN trained on
# MIT-BIH, examples/ecg) with qrcnnc to both targets, build the generated C++
# and classify 256 held-out beats with it, comparing with the golden model,
# the true labels and the PyTorch model's predictions.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${QRCNN_BUILD_DIR:-$root/build}"
bash "$root/scripts/install-deps.sh"
bash "$root/scripts/build.sh"

qrcnnc="$build/bin/qrcnnc"
models="$root/examples/ecg/models"
model="$models/ecg_qrcnn_qdq.onnx"
out="${QRCNN_OUT_DIR:-$root/out}"
mkdir -p "$out"

echo "== compiling $model"
"$qrcnnc" "$model" --target mlir --stats -o "$out/ecg_qrcnn.mlir"
"$qrcnnc" "$model" --target mlir --no-fold -o "$out/ecg_qrcnn.unfolded.mlir"
echo "wrote $out/ecg_qrcnn.mlir (folded) and $out/ecg_qrcnn.unfolded.mlir"

for target in cpp hls; do
  if "$qrcnnc" "$model" --target "$target" -o "$out/ecg_qrcnn_$target" 2>"$out/$target.log"; then
    echo "wrote $out/ecg_qrcnn_$target/"
  else
    echo "--target $target: $(head -n1 "$out/$target.log")"
  fi
done

echo "== classifying 256 MIT-BIH DS2 test beats with the compiled C++"
# Build the generated folder with its own CMakeLists (static library +
# harness), run the harness on the committed beats, and check it against the
# golden model (qrcnnc --run, bit for bit), the labels and the PyTorch model.
cpp="$out/ecg_qrcnn_cpp"
cmake -S "$cpp" -B "$cpp/build" -DCMAKE_BUILD_TYPE=Release >"$out/cpp-build.log"
cmake --build "$cpp/build" -j"${QRCNN_JOBS:-2}" >>"$out/cpp-build.log"
"$cpp/build/ecg_qrcnn_qdq_harness" "$models/testbeats_ds2_256.f32" "$out/ecg_qrcnn_logits.f32"
"$qrcnnc" "$model" --run "$models/testbeats_ds2_256.f32" -o "$out/ecg_qrcnn_golden.f32"
/usr/bin/python3 "$root/examples/ecg/score.py" "$out/ecg_qrcnn_logits.f32" \
  --labels "$models/testbeats_ds2_256_label.txt" --golden "$out/ecg_qrcnn_golden.f32" \
  --torch "$models/testbeats_ds2_256_ecg_qrcnn_pred.txt"
echo "(256 beats stratified by class: 129 N and 40 each of S, V, F, 7 Q. The full"
echo " evaluation on every test beat, with MIT-BIH: /usr/bin/python3 examples/ecg/evaluate.py;"
echo " results in examples/ecg/RESULTS.md)"
