"""Scoring the compiled models: classification metrics, confusion matrices
(text and PNG), and the explanation of every beat on which the compiled code
and the PyTorch model predict different classes.

Argmax convention (examples/ecg/README.md): the first maximum wins, as in
the integer reference and in `np.argmax`. The compiled code writes float32
logits `scale * q` with integer `q`, so equal integer logits give equal
floats and `np.argmax` of its output is the first maximum of the integers.
"""
from __future__ import annotations

import os
from typing import Dict, List, Sequence

import numpy as np

from . import intref


def read_outputs(path: str, num_classes: int) -> np.ndarray:
    """Raw little-endian float32 logits (the harness / `qrcnnc --run` format)."""
    out = np.fromfile(path, dtype="<f4")
    if out.size % num_classes:
        raise ValueError(f"{path}: {out.size} floats is not a multiple of {num_classes} classes")
    return out.reshape(-1, num_classes)


def top_tie(logits: np.ndarray) -> np.ndarray:
    """True where more than one class shares the maximal logit exactly."""
    return (logits == logits.max(axis=1, keepdims=True)).sum(axis=1) > 1


def metrics(pred: np.ndarray, y: np.ndarray, classes: Sequence[str]) -> dict:
    """Accuracy, macro F1, per-class sensitivity (recall) and positive
    predictive value (precision), and the confusion matrix (rows: true
    class, columns: predicted class). A class never predicted has PPV None."""
    k = len(classes)
    cm = np.zeros((k, k), np.int64)
    np.add.at(cm, (y, pred), 1)
    per, f1s = {}, []
    for c, name in enumerate(classes):
        tp, n, npred = int(cm[c, c]), int(cm[c].sum()), int(cm[:, c].sum())
        se = tp / n if n else None
        ppv = tp / npred if npred else None
        f1 = 2 * se * ppv / (se + ppv) if se and ppv else 0.0
        f1s.append(f1)
        per[name] = {"n": n, "predicted": npred, "tp": tp, "sensitivity": se, "ppv": ppv, "f1": f1}
    return {"beats": int(len(y)), "correct": int((pred == y).sum()),
            "accuracy": float((pred == y).mean()), "macro_f1": float(np.mean(f1s)),
            "per_class": per, "confusion": cm.tolist()}


def confusion_text(cm, classes: Sequence[str]) -> str:
    """Fixed-width confusion matrix, rows true class, columns predicted."""
    cm = np.asarray(cm)
    w = max(6, len(str(cm.max())) + 1)
    lines = ["true\\pred" + "".join(f"{c:>{w}}" for c in classes) + f"{'total':>{w + 1}}"]
    for c, row in zip(classes, cm):
        lines.append(f"{c:<9}" + "".join(f"{v:>{w}}" for v in row) + f"{row.sum():>{w + 1}}")
    return "\n".join(lines)


def plot_confusion(cm, classes: Sequence[str], title: str, path: str):
    """PNG of the confusion matrix: counts in the cells, colour = fraction
    of the true class (row-normalised), so rare classes stay visible."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cm = np.asarray(cm)
    frac = cm / np.maximum(cm.sum(axis=1, keepdims=True), 1)
    fig, ax = plt.subplots(figsize=(4.8, 4.2), dpi=100)
    im = ax.imshow(frac, cmap="Blues", vmin=0.0, vmax=1.0)
    k = len(classes)
    ax.set_xticks(range(k), labels=classes)
    ax.set_yticks(range(k), labels=classes)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    ax.set_title(title, fontsize=9)
    for i in range(k):
        for j in range(k):
            ax.text(j, i, f"{cm[i, j]}\n{100 * frac[i, j]:.1f}%", ha="center", va="center",
                    fontsize=7, color="white" if frac[i, j] > 0.5 else "black")
    fig.colorbar(im, ax=ax, fraction=0.046, pad=0.04, label="fraction of true class")
    fig.tight_layout()
    # no date or version in the file: a re-run gives the same bytes
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)


# --- why does the compiled code differ from PyTorch on a beat? ------------

def exact_layers(qp: dict, x: np.ndarray):
    """Integer reference keeping each block's pre-rounding value as an exact
    fraction num/den (= acc * M) and its rounded uint4 activations (before
    the pool). Returns ([(num, den, q)] per block, integer logits)."""
    a = intref.quantize_input(x)[:, None, :]
    z = intref.ZX
    blocks = []
    for layer in qp["layers"][:-1]:
        acc = intref.conv_int(a, z, layer["w"], layer["b"])
        m = intref.multiplier(layer)
        num = acc * m.numerator
        q = np.clip(intref.round_half_even_div(num, m.denominator), 0, 15)
        blocks.append((num, m.denominator, q))
        n = q.shape[2] // 2
        a = q[:, :, :2 * n].reshape(q.shape[0], q.shape[1], n, 2).max(-1)
        z = 0
    fc = qp["layers"][-1]
    logits = a.reshape(a.shape[0], -1) @ fc["w"].astype(np.int64).T + fc["b"].astype(np.int64)
    return blocks, logits


def torch_layers(model, x: np.ndarray):
    """The PyTorch QAT model's value y / s entering each activation
    quantizer (float32, before rounding), in call order, and its logits."""
    import torch
    seen = []
    hooks = [m.register_forward_pre_hook(lambda mod, inp: seen.append(
        (inp[0].detach() / mod.scale).numpy())) for m in model.acts]
    try:
        with torch.no_grad():
            model.eval()
            logits = model(torch.from_numpy(np.ascontiguousarray(x)).unsqueeze(1)).numpy()
    finally:
        for h in hooks:
            h.remove()
    return seen, logits


def explain_disagreements(qp: dict, model, x: np.ndarray, compiled_logits: np.ndarray,
                          torch_pred: np.ndarray, idx: np.ndarray) -> List[Dict]:
    """For each beat in idx (compiled argmax != PyTorch argmax) find the
    cause by comparing the PyTorch model with the exact integer computation:

    * ``logit_tie``: every 4-bit activation of PyTorch equals the integer
      one, and the integer logits of the compiled code tie exactly at the
      top between its choice (the first maximum) and PyTorch's (float32
      rounding of the same real number decides which of the tied logits is
      larger there).
    * ``activation_rounding``: some activation differs; reported with the
      block, the count and the largest distance of the exact pre-rounding
      value from a half-way point (in quantization steps): float32
      accumulation in PyTorch rounded a value lying within that distance of
      a tie the other way.
    * ``unexplained``: anything else (should never happen).
    """
    out = []
    if len(idx) == 0:
        return out
    blocks, ilog = exact_layers(qp, x[idx])
    tvals, tlog = torch_layers(model, x[idx])
    for j, i in enumerate(idx):
        rec = {"beat": int(i), "compiled": int(np.argmax(compiled_logits[i])),
               "torch": int(torch_pred[i]), "int_logits": ilog[j].tolist(),
               "torch_logits": [float(v) for v in tlog[j]]}
        first = None
        for b, ((num, den, q), tv) in enumerate(zip(blocks, tvals)):
            tq = np.clip(np.round(tv[j]), 0, 15)
            diff = np.argwhere(tq != q[j])
            if len(diff):
                first = (b, diff, num, den)
                break
        top = np.flatnonzero(ilog[j] == ilog[j].max())
        if first is None:
            ok = len(top) > 1 and rec["compiled"] == top[0] and rec["torch"] in top
            rec["kind"] = "logit_tie" if ok else "unexplained"
            rec["tied_classes"] = top.tolist()
        else:
            b, diff, num, den = first
            dist = []
            for c, t in diff:
                n = int(num[j, c, t])
                r = n - (n // den) * den            # n/den = floor + r/den
                dist.append(abs(2 * r - den) / (2 * den))  # |frac - 1/2|
            rec["kind"] = "activation_rounding"
            rec["block"] = int(b)
            rec["activations_differing"] = int(len(diff))
            rec["max_distance_from_half_step"] = float(max(dist))
        out.append(rec)
    return out
