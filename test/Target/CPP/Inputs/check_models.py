#!/usr/bin/python3
"""Every test model through `qrcnnc --target cpp`, built and run through its
harness, against the golden model (`qrcnnc --run`): the outputs must be
bit-identical.

  check_models.py --models DIR [--mlir FILE.mlir ...] --work DIR
                  [--samples N] [--only SUBSTR] [--cxx c++] [--cxxflags FLAGS]

A model is *in scope* when the golden model runs it and it is quantized
(every form but `float`). In scope, the C++ must build (-Wall -Werror,
-fno-exceptions -fno-rtti) and match bit for bit. A float model may be
refused by the integer lowering, with a diagnostic and exit status 1 (never a
crash), or compile and match. Prints one line per model and a summary;
exit status 1 if anything failed.
"""
import argparse
import json
import os
import re
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))

# In-scope models that qnn-lower-to-loops refuses today, with its reason: a
# refusal (exit 1, a diagnostic) is reported as KNOWN rather than FAIL. A
# crash or a wrong result is still a failure, and so is a refusal of any
# other model.
KNOWN_REFUSALS = {
    "int4_quantize_output_dtype":
        "each float input must be read by exactly one qnn.quantize",
}
SRC = os.path.abspath(os.path.join(HERE, "..", "..", "..", ".."))
MAKE_INPUTS = os.path.join(SRC, "test", "models", "make_inputs.py")


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def mlir_inputs(path, samples, out, seed):
    """Random inputs for a qnn IR model: the float arguments of @main."""
    text = open(path).read()
    sig = re.search(r"func\.func @\w+\(([^)]*)\)", text).group(1)
    count = 0
    for shape in re.findall(r"tensor<([0-9x]+)xf32>", sig):
        count += int(np.prod([int(d) for d in shape.split("x")]))
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1.5, 1.5, size=(samples, count)).astype(np.float32)
    # Some exact ties on the input grid of the usual scales.
    x[:, ::7] = np.round(x[:, ::7] * 64) / 64
    x.tofile(out)


def check(model, form, work, args, stats):
    name = os.path.splitext(os.path.basename(model))[0]
    outdir = os.path.join(work, name)
    os.makedirs(outdir, exist_ok=True)
    inputs = os.path.join(outdir, "in.f32")
    gold = os.path.join(outdir, "gold.f32")
    if model.endswith(".mlir"):
        mlir_inputs(model, args.samples, inputs, seed=len(name))
    else:
        r = run([sys.executable, MAKE_INPUTS, model, str(args.samples), inputs,
                 "--seed", str(len(name))])
        if r.returncode != 0:
            return "FAIL", "make_inputs: " + r.stderr.strip()[-200:]
    r = run(["qrcnnc", model, "--run", inputs, "-o", gold])
    if r.returncode != 0 and form == "mlir":
        return "FAIL", "golden model refuses it: " + r.stderr.strip()[:300]
    if r.returncode != 0:
        return "SKIP", "golden model refuses it: " + \
            (r.stderr.strip().splitlines() or ["?"])[0][:150]
    cpp = os.path.join(outdir, "cpp")
    r = run(["qrcnnc", model, "--target", "cpp", "-o", cpp, "--name", "net"] +
            args.option)
    if r.returncode != 0:
        first = (r.stderr.strip().splitlines() or ["?"])[0][:160]
        if r.returncode == 1 and form == "float":
            return "REFUSED", first
        if r.returncode == 1 and name in KNOWN_REFUSALS:
            return "KNOWN", KNOWN_REFUSALS[name] + ": " + first
        return "FAIL", "qrcnnc --target cpp exited %d: %s" % (r.returncode,
                                                               first)
    if name in KNOWN_REFUSALS:
        return "FAIL", "compiles now: remove it from KNOWN_REFUSALS"
    harness = os.path.join(outdir, "harness")
    r = run([args.cxx] + args.cxxflags.split() + ["-std=c++11", "-fno-exceptions", "-fno-rtti",
             "-Wall", "-Werror", "-I", cpp, os.path.join(cpp, "net.cpp"),
             os.path.join(cpp, "net_harness.cpp"), "-o", harness])
    if r.returncode != 0:
        return "FAIL", "C++ does not build: " + r.stderr.strip()[:300]
    out = os.path.join(outdir, "out.f32")
    r = run([harness, inputs, out])
    if r.returncode != 0:
        return "FAIL", "harness exited %d: %s" % (r.returncode, r.stderr[:200])
    a = np.fromfile(out, dtype=np.uint32)
    b = np.fromfile(gold, dtype=np.uint32)
    if a.shape != b.shape:
        return "FAIL", "%d output values, golden model %d" % (a.size, b.size)
    differ = int(np.count_nonzero(a != b))
    if differ:
        return "FAIL", "%d of %d output values differ from the golden model" % (
            differ, a.size)
    stats["values"] += a.size
    return "OK", "%d values bit-identical" % a.size


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--models", default=None,
                    help="folder of gen_models.py output (manifest.json)")
    ap.add_argument("--mlir", nargs="*", default=[])
    ap.add_argument("--work", required=True)
    ap.add_argument("--samples", type=int, default=16)
    ap.add_argument("--only", default=None,
                    help="only the --models whose file name contains this")
    ap.add_argument("--option", action="append", default=[],
                    help="an option for qrcnnc --target cpp (repeatable), "
                         "e.g. --option=--row-block=1")
    ap.add_argument("--cxx", default="c++")
    ap.add_argument("--cxxflags", default="-O2",
                    help="flags for building each model and its harness "
                         "(sanitize.test: -O1 -fsanitize=address,undefined)")
    args = ap.parse_args()

    todo = []
    if args.models:
        manifest = json.load(open(os.path.join(args.models, "manifest.json")))
        todo = [(os.path.join(args.models, m["file"]), m["form"])
                for m in manifest["models"]]
    if args.only:
        todo = [t for t in todo if args.only in os.path.basename(t[0])]
    todo += [(path, "mlir") for path in args.mlir]
    counts = {}
    stats = {"values": 0}
    for model, form in todo:
        status, detail = check(model, form, args.work, args, stats)
        counts[status] = counts.get(status, 0) + 1
        print("%-8s %-45s %-9s %s" % (status, os.path.basename(model), form,
                                      detail))
        sys.stdout.flush()
    print("summary: " + ", ".join("%s %d" % kv for kv in sorted(counts.items()))
          + "; %d output values compared" % stats["values"])
    sys.exit(1 if counts.get("FAIL") else 0)


if __name__ == "__main__":
    main()
