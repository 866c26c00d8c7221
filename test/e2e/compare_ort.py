#!/usr/bin/python3
"""Golden model (qrcnnc --run) against ONNX Runtime on the generated models.

    compare_ort.py --models DIR --qrcnnc BIN --ort ORT_RUN_MJS --work DIR
                   [--samples N] [--only SUBSTR ...] [--form FORM ...]
                   [--require-all] [--requant MODE]

For every model of DIR/manifest.json that ONNX Runtime runs: random inputs
(make_inputs.py: the input quantizer's range widened 10% each side, 5% on
exact rounding ties), `qrcnnc MODEL --run` (with --run-meta, which gives the
quantization step of every output value) and ORT (`ort-run.mjs`, all models
in one process through --each, at the optimization level the manifest
says). Then per model:

  * quantized outputs (step > 0): each value identical, off by exactly one
    step (each case is listed), or worse. One step happens at rounding
    ties: ORT computes QDQ graphs in float32, and where a requantization
    multiplier sx*sw/sy is not a binary fraction the golden model's 31-bit
    multiplier decides an exact tie by the sign of its own rounding error,
    not half to even (docs/golden-model.md, "Exact ties");
  * float outputs (no step): within rtol 1e-4 / atol 1e-5 of ORT (float32
    accumulation order differs), else worse;
  * argmax of every multi-element output per sample (value of one-element
    index outputs) agrees on >= 99% of samples.

A model passes with no value worse than one step (or the float tolerance)
and >= 99% argmax agreement. A model the compiler refuses is skipped when
the manifest allows it to be refused ("either"/"reject"), a failure when it
must be accepted. Prints one line per model and a summary; exit 1 on any
failure.
"""

import argparse
import json
import os
import subprocess
import sys
import zlib

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
MAKE_INPUTS = os.path.join(HERE, "..", "models", "make_inputs.py")
PYTHON = "/usr/bin/python3"
RTOL, ATOL = 1e-4, 1e-5
MIN_ARGMAX_AGREEMENT = 0.99


def run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True)


def first_error(stderr):
    lines = [l for l in stderr.splitlines() if "error" in l]
    return (lines or stderr.splitlines() or ["(no message)"])[0].strip()


def compare(golden, ort, meta):
    """Counts for one model; golden and ort are flat float32 arrays."""
    outputs = meta["outputs"]
    sample_size = sum(int(np.prod(o["shape"])) for o in outputs)
    steps = np.concatenate([np.asarray(o["steps"], np.float64) for o in outputs])
    n = golden.size // sample_size
    g = golden.reshape(n, sample_size).astype(np.float64)
    o = ort.reshape(n, sample_size).astype(np.float64)
    diff = np.abs(g - o)
    quantized = steps > 0
    in_steps = diff[:, quantized] / steps[quantized]
    r = {
        "samples": n,
        "values": int(g.size),
        "identical": int((diff == 0).sum()),
        # A difference of one step, as float32 sees it.
        "one_step": int(((in_steps > 0) & (in_steps <= 1 + 1e-6)).sum()),
        "worse_quantized": int((in_steps > 1 + 1e-6).sum()),
        "max_steps": float(in_steps.max()) if in_steps.size else 0.0,
    }
    fl = ~quantized
    fg, fo = g[:, fl], o[:, fl]
    within = np.abs(fg - fo) <= ATOL + RTOL * np.abs(fo)
    within |= np.isnan(fg) & np.isnan(fo)
    r["float_values"] = int(fg.size)
    r["float_close"] = int(within.sum() - (diff[:, fl] == 0).sum())
    r["worse_float"] = int((~within).sum())
    r["max_float_diff"] = float(np.abs(fg - fo).max()) if fg.size else 0.0
    # Top class per sample.
    agree = np.ones(n, bool)
    offset = 0
    for out in outputs:
        size = int(np.prod(out["shape"]))
        if size > 1:
            agree &= g[:, offset:offset + size].argmax(1) == o[:, offset:offset + size].argmax(1)
        elif out["steps"][0] == 1.0:
            agree &= g[:, offset] == o[:, offset]
        offset += size
    r["argmax_agree"] = int(agree.sum())
    # Where the quantized values differ by one step: (sample, value index,
    # golden, ORT).
    cols = np.nonzero(quantized)[0]
    rows_, idx = np.nonzero((in_steps > 0) & (in_steps <= 1 + 1e-6))
    r["one_step_cases"] = [(int(s), int(cols[c]), float(g[s, cols[c]]), float(o[s, cols[c]]))
                           for s, c in zip(rows_, idx)]
    return r


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", required=True)
    ap.add_argument("--qrcnnc", required=True)
    ap.add_argument("--ort", required=True, help="scripts/ort/ort-run.mjs")
    ap.add_argument("--work", required=True)
    ap.add_argument("--samples", type=int, default=1000)
    ap.add_argument("--only", nargs="*", default=[], help="model name substrings")
    ap.add_argument("--form", nargs="*", default=[], help="manifest forms")
    ap.add_argument("--requant", default=None, help="pass --requant=MODE to qrcnnc")
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    with open(os.path.join(a.models, "manifest.json")) as f:
        manifest = json.load(f)

    selected = []
    for m in manifest["models"]:
        if a.only and not any(s in m["name"] for s in a.only):
            continue
        if a.form and m["form"] not in a.form:
            continue
        selected.append(m)

    rows, failures, skipped = [], [], []
    ort_lines, pending = [], []
    for m in selected:
        name = m["name"]
        ort = m.get("ort", {})
        if not ort.get("runs", False):
            skipped.append((name, "ONNX Runtime does not run it"))
            continue
        model = os.path.join(a.models, m["file"])
        ort_model = os.path.join(a.models, ort.get("file", m["file"]))
        base = os.path.join(a.work, name)
        seed = zlib.crc32(name.encode()) % 100000
        p = run([PYTHON, MAKE_INPUTS, model, str(a.samples), base + ".in.f32",
                 "--seed", str(seed)])
        if p.returncode != 0:
            failures.append("%s: make_inputs failed: %s" % (name, first_error(p.stderr)))
            continue
        cmd = [a.qrcnnc, model, "--run", base + ".in.f32", "-o", base + ".golden.f32",
               "--run-meta", base + ".meta.json"]
        if a.requant:
            cmd.append("--requant=" + a.requant)
        p = run(cmd)
        if p.returncode != 0:
            why = first_error(p.stderr)
            if m.get("frontend_expect", "accept") == "accept":
                failures.append("%s: qrcnnc --run failed: %s" % (name, why))
            else:
                skipped.append((name, "refused (%s): %s" % (m["frontend_expect"], why)))
            continue
        ort_lines.append("%s %s %s --opt %s" % (ort_model, base + ".in.f32", base + ".ort.f32",
                                                 ort.get("opt", "all")))
        pending.append((m, base))

    if ort_lines:
        listing = os.path.join(a.work, "ort-each.txt")
        with open(listing, "w") as f:
            f.write("\n".join(ort_lines) + "\n")
        p = run(["node", a.ort, "--each", listing])
        status = [json.loads(l) for l in p.stdout.splitlines() if l.startswith("{")]
        if len(status) != len(pending):
            print("ort-run --each gave %d results for %d runs: %s" %
                  (len(status), len(pending), p.stderr[-500:]))
            return 1
        for (m, base), st in zip(pending, status):
            name = m["name"]
            if not st["ok"]:
                failures.append("%s: ONNX Runtime failed: %s" % (name, st.get("error")))
                continue
            with open(base + ".meta.json") as f:
                meta = json.load(f)
            golden = np.fromfile(base + ".golden.f32", "<f4")
            theirs = np.fromfile(base + ".ort.f32", "<f4")
            if golden.size != theirs.size:
                failures.append("%s: %d golden values, %d from ORT" %
                                (name, golden.size, theirs.size))
                continue
            r = compare(golden, theirs, meta)
            r["name"], r["form"] = name, m["form"]
            rows.append(r)
            agreement = r["argmax_agree"] / max(r["samples"], 1)
            if r["worse_quantized"] or r["worse_float"] or agreement < MIN_ARGMAX_AGREEMENT:
                failures.append("%s: %d values worse than one step (max %.3g), %d float "
                                "values outside tolerance (max diff %.3g), argmax agrees on "
                                "%d/%d" % (name, r["worse_quantized"], r["max_steps"],
                                           r["worse_float"], r["max_float_diff"],
                                           r["argmax_agree"], r["samples"]))

    print("%-40s %-9s %7s %9s %9s %8s %7s %6s %9s" %
          ("model", "form", "samples", "values", "identical", "one-step", "close", "worse",
           "argmax"))
    for r in rows:
        print("%-40s %-9s %7d %9d %9d %8d %7d %6d %4d/%-4d" %
              (r["name"], r["form"], r["samples"], r["values"], r["identical"], r["one_step"],
               r["float_close"], r["worse_quantized"] + r["worse_float"], r["argmax_agree"],
               r["samples"]))
    for r in rows:
        for s, e, gv, ov in r["one_step_cases"]:
            print("ONE-STEP: %s sample %d value %d: golden %.9g, ORT %.9g" %
                  (r["name"], s, e, gv, ov))
    for name, why in skipped:
        print("SKIPPED: %s: %s" % (name, why))
    for f in failures:
        print("FAILED: " + f)
    one_step = sum(r["one_step"] for r in rows)
    failed_names = {f.split(":")[0] for f in failures}
    passed = sum(1 for r in rows if r["name"] not in failed_names)
    print("models: %d passed, %d failed, %d skipped; quantized values off by one step: %d" %
          (passed, len(failed_names), len(skipped), one_step))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
