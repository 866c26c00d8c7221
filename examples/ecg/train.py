#!/usr/bin/python3
"""Train the ECG CNN and RCNN (float, then quantization-aware) on the three
protocols, then export the quantized models to ONNX.

    /usr/bin/python3 examples/ecg/train.py [--mitdb DIR] [--threads 1]

Writes checkpoints to examples/ecg/runs/ (not committed) and the small
deliverables to examples/ecg/models/: ONNX files, metrics.json, test beats.
Deterministic: fixed seeds, single-threaded by default, CPU only.
Run `--export-only` to redo the export from existing checkpoints and
`--quick` for a smoke test (tiny epochs, written to runs/quick/).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from qrcnn_ecg import beats as B  # noqa: E402
from qrcnn_ecg import protocols as P  # noqa: E402
from qrcnn_ecg.models import (EcgNet, activation_buffers, count_params,  # noqa: E402
                              macs_per_beat, CHANNELS, KERNEL, WINDOW, SX, ZX)

PROTOCOLS = {
    "nlrav": lambda bs, seed: P.balanced(bs, seed),
    "intra": lambda bs, seed: P.aami_intra(bs, seed),
    "inter": lambda bs, seed: P.aami_inter(bs),
}


def seed_all(seed: int):
    torch.manual_seed(seed)
    np.random.seed(seed)


def class_weights(y: np.ndarray, k: int, balanced: bool) -> torch.Tensor:
    if balanced:
        return torch.ones(k)
    n = np.bincount(y, minlength=k).astype(np.float64)
    w = 1.0 / np.sqrt(np.maximum(n, 1.0))
    return torch.tensor(w / w.sum() * k, dtype=torch.float32)


@torch.no_grad()
def predict(model, x: np.ndarray, bs: int = 2048) -> np.ndarray:
    model.eval()
    out = []
    for i in range(0, len(x), bs):
        xb = torch.from_numpy(x[i:i + bs]).unsqueeze(1)
        out.append(model(xb).argmax(1).numpy())
    return np.concatenate(out) if out else np.zeros(0, np.int64)


def evaluate(pred: np.ndarray, y: np.ndarray, classes) -> dict:
    k = len(classes)
    cm = np.zeros((k, k), np.int64)
    np.add.at(cm, (y, pred), 1)
    per = {}
    f1s = []
    for c, name in enumerate(classes):
        tp = cm[c, c]
        se = tp / max(cm[c].sum(), 1)
        ppv = tp / max(cm[:, c].sum(), 1)
        f1 = 2 * se * ppv / max(se + ppv, 1e-12)
        f1s.append(f1)
        per[name] = {"n": int(cm[c].sum()), "sensitivity": round(float(se), 4),
                     "ppv": round(float(ppv), 4)}
    return {"accuracy": round(float((pred == y).mean()), 4),
            "macro_f1": round(float(np.mean(f1s)), 4),
            "per_class": per, "confusion": cm.tolist()}


def train(model, split, epochs, lr, seed, batch=128, balanced=False, log=None):
    seed_all(seed)
    k = len(split.classes)
    wt = class_weights(split.y_train, k, balanced)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    steps = epochs * ((len(split.y_train) + batch - 1) // batch)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=max(steps, 1),
                                                pct_start=0.15)
    x = torch.from_numpy(split.x_train).unsqueeze(1)
    y = torch.from_numpy(split.y_train)
    g = torch.Generator().manual_seed(seed)
    for ep in range(epochs):
        model.train()
        perm = torch.randperm(len(y), generator=g)
        tot, n = 0.0, 0
        for i in range(0, len(y), batch):
            idx = perm[i:i + batch]
            loss = F.cross_entropy(model(x[idx]), y[idx], weight=wt)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            tot += float(loss) * len(idx)
            n += len(idx)
        if log:
            log(f"    epoch {ep + 1}/{epochs} loss {tot / n:.4f}")
    return model


def calibrate(model, x: np.ndarray, n: int = 4096, seed: int = 0):
    """Pick the power-of-two activation scales on n training beats: weights
    and input quantized, activations still float while observing."""
    rng = np.random.default_rng(seed)
    idx = rng.choice(len(x), min(n, len(x)), replace=False)
    model.set_quant(True)
    for a in model.acts:
        a.mode, a.observing = "float", True  # clipped at the current scale
    with torch.no_grad():
        model.eval()
        model(torch.from_numpy(x[idx]).unsqueeze(1))
    for a in model.acts:
        a.observing = False
        a.mode = "quant"
        a.calibrate()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mitdb", default=B.default_mitdb_dir())
    ap.add_argument("--models", default=os.path.join(HERE, "models"))
    ap.add_argument("--runs", default=os.path.join(HERE, "runs"))
    ap.add_argument("--protocols", default="nlrav,intra,inter")
    ap.add_argument("--archs", default="cnn,rcnn")
    ap.add_argument("--epochs-float", type=int, default=None,
                    help="default: 800k beat presentations, at most 40 epochs "
                         "(40 for the balanced set, 10 intra-patient, 16 DS1)")
    ap.add_argument("--epochs-qat", type=int, default=None, help="default: half of --epochs-float")
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--quick", action="store_true", help="smoke test: 1+1 epochs, 2000 beats")
    ap.add_argument("--export-only", action="store_true")
    ap.add_argument("--calibrate", action="store_true",
                    help="choose activation scales by calibration instead of the fixed 2**-3")
    ap.add_argument("--class-weights", choices=["sqrt", "none"], default="sqrt",
                    help="AAMI protocols: loss weights 1/sqrt(class count) (default) or none")
    ap.add_argument("--skip-export", action="store_true")
    ap.add_argument("--resume", action="store_true", help="skip trainings with a checkpoint")
    args = ap.parse_args(argv)

    torch.set_num_threads(args.threads)
    torch.use_deterministic_algorithms(True)
    if args.quick:
        args.epochs_float, args.epochs_qat = 1, 1
        args.runs = os.path.join(args.runs, "quick")
        args.models = os.path.join(args.runs, "models")
    os.makedirs(args.runs, exist_ok=True)
    os.makedirs(args.models, exist_ok=True)
    logf = open(os.path.join(args.runs, "train.log"), "a")

    def log(msg):
        print(msg, flush=True)
        logf.write(msg + "\n")
        logf.flush()

    t0 = time.time()
    all_beats = B.load_beats(args.mitdb)
    log(f"loaded {len(all_beats)} MLII beats from {args.mitdb} in {time.time() - t0:.1f} s")
    metrics_path = os.path.join(args.runs, "metrics_partial.json")
    metrics = json.load(open(metrics_path)) if os.path.exists(metrics_path) else {}
    splits = {}
    for pname in args.protocols.split(","):
        split = PROTOCOLS[pname](all_beats, args.seed)
        if args.quick:
            r = np.random.default_rng(0)
            i = r.choice(len(split.y_train), 2000, replace=False)
            j = r.choice(len(split.y_test), 1000, replace=False)
            split.x_train, split.y_train = split.x_train[i], split.y_train[i]
            split.x_test, split.y_test = split.x_test[j], split.y_test[j]
            split.test_records, split.test_samples = split.test_records[j], split.test_samples[j]
        splits[pname] = split
        for arch in args.archs.split(","):
            key = f"{pname}/{arch}"
            ck = os.path.join(args.runs, f"{pname}_{arch}.pt")
            if args.export_only or (args.resume and os.path.exists(ck) and key in metrics):
                continue
            log(f"== {key}: {split.name}, {len(split.y_train)} train / {len(split.y_test)} test; "
                f"{split.notes}")
            k = len(split.classes)
            bal = pname == "nlrav" or args.class_weights == "none"
            ef_n = args.epochs_float or min(40, max(8, round(800000 / len(split.y_train))))
            eq_n = args.epochs_qat or max(1, ef_n // 2)
            # float
            seed_all(args.seed)
            fm = EcgNet(arch, k, quant=False)
            t = time.time()
            train(fm, split, ef_n, args.lr, args.seed, balanced=bal, log=log)
            tf = time.time() - t
            ef = evaluate(predict(fm, split.x_test), split.y_test, split.classes)
            log(f"  float {arch}: acc {ef['accuracy']} macroF1 {ef['macro_f1']} ({tf:.0f} s)")
            # QAT, initialised from the float weights
            qm = EcgNet(arch, k, quant=True)
            qm.load_state_dict(fm.state_dict())
            if args.calibrate:
                calibrate(qm, split.x_train, seed=args.seed)
            e0 = evaluate(predict(qm, split.x_test), split.y_test, split.classes)
            log(f"  post-training quantized (before QAT): acc {e0['accuracy']}; "
                f"act log2 scales {[int(a.log2s) for a in qm.acts]}")
            t = time.time()
            train(qm, split, eq_n, args.lr / 3, args.seed + 1, balanced=bal, log=log)
            tq = time.time() - t
            eq = evaluate(predict(qm, split.x_test), split.y_test, split.classes)
            log(f"  QAT {arch}: acc {eq['accuracy']} macroF1 {eq['macro_f1']} ({tq:.0f} s)")
            torch.save({"float": fm.state_dict(), "qat": qm.state_dict(), "arch": arch,
                        "classes": split.classes}, ck)
            metrics[key] = {
                "protocol": split.name, "notes": split.notes,
                "train_beats": int(len(split.y_train)), "test_beats": int(len(split.y_test)),
                "params": count_params(fm),
                "float": ef, "ptq_before_qat": {"accuracy": e0["accuracy"]}, "quantized": eq,
                "act_log2_scales": [int(a.log2s) for a in qm.acts],
                "train_seconds_float": round(tf, 1), "train_seconds_qat": round(tq, 1),
                "epochs_float": ef_n, "epochs_qat": eq_n,
            }
            json.dump(metrics, open(metrics_path, "w"), indent=1)

    # export + summary
    from qrcnn_ecg import export as X
    summary = {
        "window": {"length": WINDOW, "before_r": B.BEFORE, "lead": B.LEAD, "fs_hz": 360,
                   "normalisation": "x = (adc - mean(adc)) / gain  [mV]"},
        "architecture": {"channels": CHANNELS, "kernel": KERNEL, "padding": "same (2)",
                         "pool": "maxpool 2 after stem and each step", "steps": 4},
        "quantization": {"input": f"uint8 scale {SX} zero point {ZX}",
                         "weights": "int4 symmetric per tensor (max|w|/7)",
                         "activations": "uint4, power-of-two scales, RCNN: one shared quantizer",
                         "bias": "int32 at s_in*sw, round half to even"},
        "macs_per_beat": macs_per_beat(),
        "activation_buffer_bytes": activation_buffers(),
        "params": {"cnn": count_params(EcgNet("cnn")), "rcnn": count_params(EcgNet("rcnn"))},
        "param_bytes_int4_weights_int32_bias": {
            a: X.param_bytes(EcgNet(a)) for a in ("cnn", "rcnn")},
        "total_training_seconds": round(sum(m.get("train_seconds_float", 0) +
                                            m.get("train_seconds_qat", 0)
                                            for m in metrics.values()), 1),
        "threads": args.threads,
        "results": metrics,
    }
    summary["class_weights"] = args.class_weights
    if not args.skip_export:
        X.export_all(args, splits, summary, log)
    json.dump(summary, open(os.path.join(args.models, "metrics.json"), "w"), indent=1)
    log(f"done in {time.time() - t0:.0f} s")


if __name__ == "__main__":
    main()
