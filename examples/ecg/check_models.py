#!/usr/bin/python3
"""Check the committed ECG models (no MIT-BIH data needed).

Usage: check_models.py [MODELS_DIR] [--ort RUNNER.mjs]

For every ecg_*.onnx: reload, structural checks (every weight from a
DequantizeLinear of an initializer on the int4 grid, RCNN: the four body
Convs read ONE weight initializer through ONE DequantizeLinear). Then, for
the DS2 test beats (testbeats_ds2_256.f32): the integer-exact reference
built from each ONNX file (qrcnn_ecg.intref.load_onnx_params) must give
exactly the integer predictions stored at export time, and the numpy ONNX
interpreter must agree with it; agreement with PyTorch's fake-quant model
is counted (float32 rounding ties may differ). With --ort, the models that
have stored predictions also run in ONNX Runtime (scripts/ort/ort-run.mjs,
node) and its argmax is compared with the integer reference.
"""
import glob
import os
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from qrcnn_ecg import export as X, intref  # noqa: E402


def main(argv):
    ort = None
    if "--ort" in argv:
        i = argv.index("--ort")
        ort = argv[i + 1]
        argv = argv[:i] + argv[i + 2:]
    d = argv[1] if len(argv) > 1 else os.path.join(HERE, "models")
    status = 0
    x = np.fromfile(os.path.join(d, "testbeats_ds2_256.f32"), "<f4").reshape(-1, 180)
    print(f"test beats {len(x)}")
    for path in sorted(glob.glob(os.path.join(d, "ecg_*.onnx"))):
        name = os.path.basename(path)
        arch = "rcnn" if "qrcnn" in name else "cnn"
        try:
            info = X.check_structure(path, arch)
        except AssertionError as e:
            print(f"FAIL {name}: {e}")
            status = 1
            continue
        qp = intref.load_onnx_params(path)
        scales = {float(l["s_out"]) for l in qp["layers"] if l["kind"] == "conv"}
        line = (f"{name}: opset {info['opset']} arch {qp['arch']} body weight initializers "
                f"{len(info['body_weight_initializers'])} activation scales {len(scales)}")
        if arch == "rcnn" and len(scales) != 1:
            print(f"FAIL {name}: the RCNN must use one activation scale")
            status = 1
        base = name.rsplit("_", 1)[0]
        ref = os.path.join(d, f"testbeats_ds2_256_{base}_intref_pred.txt")
        if os.path.exists(ref):
            p_int = intref.predict(qp, x)
            want = np.loadtxt(ref, dtype=np.int64)
            p_onnx = X.run_onnx(path, x).argmax(1)
            p_torch = np.loadtxt(os.path.join(d, f"testbeats_ds2_256_{base}_pred.txt"), dtype=np.int64)
            ok = bool((p_int == want).all())
            line += (f"; intref == stored {'yes' if ok else 'NO'}; onnx-numpy vs intref "
                     f"{int((p_onnx == p_int).sum())}/{len(x)}; torch vs intref "
                     f"{int((p_torch == p_int).sum())}/{len(x)}")
            if not ok:
                status = 1
            if ort:
                with tempfile.TemporaryDirectory() as tmp:
                    out = os.path.join(tmp, "out.f32")
                    r = subprocess.run(["node", ort, path, os.path.join(d, "testbeats_ds2_256.f32"), out],
                                       capture_output=True, text=True)
                    if r.returncode != 0:
                        print(f"FAIL {name}: ORT: {r.stderr.strip()}")
                        status = 1
                    else:
                        p_ort = np.fromfile(out, "<f4").reshape(len(x), -1).argmax(1)
                        line += f"; ORT vs intref {int((p_ort == p_int).sum())}/{len(x)}"
        print(line)
    print("ok" if status == 0 else "FAILED")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
