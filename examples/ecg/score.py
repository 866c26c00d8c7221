#!/usr/bin/python3
"""Score a compiled ECG model's outputs on a set of beats.

    score.py OUT.f32 --labels LABELS.txt [--classes N,S,V,F,Q]
             [--golden GOLDEN.f32] [--torch PRED.txt]
             [--min-accuracy A] [--min-sensitivity CLASS=S ...]

OUT.f32: the float32 logits written by the generated harness
(`NAME_harness IN.f32 OUT.f32`), one row per beat. Predictions are the first
maximum (the integer reference's convention). Prints accuracy, per-class
sensitivity / PPV and the confusion matrix; with --golden, whether the file
is byte-identical to `qrcnnc --run`'s; with --torch (one class index per
line, the PyTorch QAT model's predictions), the agreement, and each
mismatch: an exact tie of the compiled logits at the top, with PyTorch's
class among the tied ones, is an explained mismatch (PyTorch's float32
rounding breaks the tie); any other mismatch is not. Exit status 1 when
the outputs differ from --golden, a floor is missed, or a mismatch is not
explained.
"""
import argparse
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from qrcnn_ecg import evaluation as E  # noqa: E402


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("outputs")
    ap.add_argument("--labels", required=True, help="true class index per line")
    ap.add_argument("--classes", default="N,S,V,F,Q")
    ap.add_argument("--golden", help="qrcnnc --run outputs: must be byte-identical")
    ap.add_argument("--torch", help="PyTorch predictions, one class index per line")
    ap.add_argument("--min-accuracy", type=float)
    ap.add_argument("--min-sensitivity", action="append", default=[], metavar="CLASS=S")
    args = ap.parse_args(argv)

    classes = args.classes.split(",")
    logits = E.read_outputs(args.outputs, len(classes))
    y = np.loadtxt(args.labels, dtype=np.int64, ndmin=1)
    if len(y) != len(logits):
        sys.exit(f"score.py: {len(logits)} outputs but {len(y)} labels")
    pred = logits.argmax(1)
    m = E.metrics(pred, y, classes)
    ok = True
    print(f"beats {len(y)}")
    line = f"accuracy {m['accuracy']:.4f} ({m['correct']}/{len(y)})"
    if args.min_accuracy is not None:
        good = m["accuracy"] >= args.min_accuracy
        ok &= good
        line += f" floor {args.min_accuracy:.4f}: {'ok' if good else 'BELOW FLOOR'}"
    print(line)
    floors = dict(s.split("=") for s in args.min_sensitivity)
    for c, v in m["per_class"].items():
        se = "-" if v["sensitivity"] is None else f"{v['sensitivity']:.3f}"
        ppv = "-" if v["ppv"] is None else f"{v['ppv']:.3f}"
        line = f"class {c}: n {v['n']} sensitivity {se} ppv {ppv}"
        if c in floors:
            good = v["sensitivity"] is not None and v["sensitivity"] >= float(floors[c])
            ok &= good
            line += f" floor {float(floors[c]):.3f}: {'ok' if good else 'BELOW FLOOR'}"
        print(line)
    print(E.confusion_text(m["confusion"], classes))
    ties = E.top_tie(logits)
    print(f"exact ties at the top of the compiled logits: {int(ties.sum())}")
    if args.golden:
        same = open(args.outputs, "rb").read() == open(args.golden, "rb").read()
        ok &= same
        print(f"compiled == golden model (bytes): {'yes' if same else 'NO'}")
    if args.torch:
        tp = np.loadtxt(args.torch, dtype=np.int64, ndmin=1)
        bad = np.flatnonzero(tp != pred)
        top = logits == logits.max(axis=1, keepdims=True)
        explained = [i for i in bad if ties[i] and top[i, tp[i]]]
        other = [i for i in bad if i not in explained]
        ok &= not other
        print(f"compiled vs PyTorch: {len(y) - len(bad)}/{len(y)} agree; {len(bad)} differ: "
              f"{len(explained)} exact logit ties, {len(other)} unexplained")
        for i in bad:
            tied = "=".join(classes[c] for c in np.flatnonzero(top[i]))
            why = f"tie {tied} (first maximum wins)" if i in explained else "UNEXPLAINED"
            print(f"  beat {i}: compiled {classes[pred[i]]}, PyTorch {classes[tp[i]]}: {why}")
    print("ok" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
