#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine: install what is missing, build,
# and compile the shipped ECG heartbeat classifier (a QRCNN trained on
# MIT-BIH, examples/ecg) with qrcnnc, then classify 256 held-out beats with
# the compiled model and compare with the PyTorch model's predictions.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${QRCNN_BUILD_DIR:-$root/build}"
bash "$root/scripts/install-deps.sh"
bash "$root/scripts/build.sh"

qrcnnc="$build/bin/qrcnnc"
models="$root/examples/ecg/models"
model="$models/ecg_qrcnn_qdq.onnx"
out="$root/out"
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

echo "== classifying 256 MIT-BIH DS2 test beats with the compiled model"
"$qrcnnc" "$model" --run "$models/testbeats_ds2_256.f32" -o "$out/ecg_qrcnn_logits.f32"
/usr/bin/python3 - "$out/ecg_qrcnn_logits.f32" "$models" <<'PY'
import sys
import numpy as np
logits = np.fromfile(sys.argv[1], dtype="<f4").reshape(256, -1)
ours = logits.argmax(axis=1)  # first maximum wins, as in the integer reference
load = lambda name: np.loadtxt(f"{sys.argv[2]}/testbeats_ds2_256_{name}.txt", dtype=int)
for name, ref in [("PyTorch (fake-quant)", load("ecg_qrcnn_pred")),
                  ("integer reference", load("ecg_qrcnn_intref_pred")),
                  ("true labels", load("label"))]:
    print(f"compiled model vs {name}: {int((ours == ref).sum())}/{len(ref)} beats agree")
PY
