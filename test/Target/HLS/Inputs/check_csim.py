#!/usr/bin/python3
"""Every test model through `qrcnnc --target hls`, its C testbench built with
g++ against the ap_int / hls::stream stand-ins and run on the same inputs as
the golden model (`qrcnnc --run`): the outputs must be bit-identical.

  check_csim.py [--models DIR] [--onnx FILE.onnx ...] [--beats F32 N]
                --work DIR [--samples N] [--only SUBSTR] [--no-fold-too]

A model is *in scope* when the golden model runs it and it is quantized
(every form but `float`). In scope, the project must build and match bit for
bit; a refusal (exit 1 with a diagnostic) is a failure unless the model is in
KNOWN_REFUSALS with its reason. A float model must be refused with exit 1
(never a crash). With --no-fold-too, every model with a recurrent conv is
also compiled with --no-fold (a DATAFLOW chain of separate conv stages) and
must give the same bits as the folded golden model.

The kernel and the testbench are built as one translation unit at -O1 (the
stand-in headers are parsed once per model); the checks run in two worker
processes. Prints one line per model and a summary; exit status 1 if
anything failed.
"""
import argparse
import concurrent.futures
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.abspath(os.path.join(HERE, "..", "..", "..", ".."))
MAKE_INPUTS = os.path.join(SRC, "test", "models", "make_inputs.py")

# In-scope models the hls target refuses, with the reason its diagnostic
# gives. A refusal of any other in-scope model, a crash or a wrong result
# is a failure.
KNOWN_REFUSALS = {
    "int4_quantize_output_dtype":
        "two quantizers of one float input (no layer): the hardware has one "
        "input port",
    "qop_qlinearconv2d_u8_weights":
        "2-D convolution: the hls target maps 1-D (NCW) networks",
}


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def check(job, args):
    model, form, no_fold, inputs_spec = job
    name = os.path.splitext(os.path.basename(model))[0]
    label = name + (" --no-fold" if no_fold else "")
    outdir = os.path.join(args.work, name + ("_nofold" if no_fold else ""))
    os.makedirs(outdir, exist_ok=True)
    inputs = os.path.join(outdir, "in.f32")
    gold = os.path.join(outdir, "gold.f32")
    hls = os.path.join(outdir, "hls")
    cmd = ["qrcnnc", model, "--target", "hls", "-o", hls, "--name", "net"]
    if no_fold:
        cmd.append("--no-fold")
    r = run(cmd)
    if r.returncode != 0:
        lines = [l for l in r.stderr.strip().splitlines()
                 if "error" in l] or r.stderr.strip().splitlines() or ["?"]
        first = lines[0][:200]
        if r.returncode == 1 and form in ("float", "reject"):
            return label, "REFUSED", first
        if r.returncode == 1 and name in KNOWN_REFUSALS:
            return label, "KNOWN", KNOWN_REFUSALS[name] + ": " + first
        return label, "FAIL", "qrcnnc --target hls exited %d: %s" % (
            r.returncode, first)
    if name in KNOWN_REFUSALS:
        return label, "FAIL", "compiles now: remove it from KNOWN_REFUSALS"
    if form in ("float", "reject"):
        return label, "FAIL", "a %s model compiled for the hls target" % form
    if inputs_spec:
        path, count = inputs_spec
        with open(path, "rb") as f:
            data = f.read()
        # The testbench needs whole samples; the beats file holds 180-float
        # windows.
        with open(inputs, "wb") as f:
            f.write(data[:count * 180 * 4])
    else:
        r = run([sys.executable, MAKE_INPUTS, model, str(args.samples), inputs,
                 "--seed", str(len(name))])
        if r.returncode != 0:
            return label, "FAIL", "make_inputs: " + r.stderr.strip()[-200:]
    r = run(["qrcnnc", model, "--run", inputs, "-o", gold])
    if r.returncode != 0:
        return label, "SKIP", "golden model refuses it: " + \
            (r.stderr.strip().splitlines() or ["?"])[0][:150]
    unity = os.path.join(hls, "csim_unity.cpp")
    with open(unity, "w") as f:
        f.write('#include "net.cpp"\n#include "net_tb.cpp"\n')
    binary = os.path.join(outdir, "csim")
    r = run([args.cxx, "-std=c++17", "-O1", "-Wall", "-Werror",
             "-Wno-unused-function", "-Wno-unknown-pragmas", "-Wno-unused-label", "-I", hls, unity, "-o", binary])
    if r.returncode != 0:
        return label, "FAIL", "testbench does not build: " + \
            r.stderr.strip()[:400]
    out = os.path.join(outdir, "out.f32")
    # The testbench compares against the golden outputs itself ...
    r = run([binary, inputs, out, gold])
    if r.returncode != 0:
        return label, "FAIL", "testbench exited %d: %s" % (
            r.returncode, r.stderr.strip()[-300:])
    # ... and cmp agrees, byte for byte.
    r = run(["cmp", out, gold])
    if r.returncode != 0:
        return label, "FAIL", "cmp: " + r.stdout.strip()
    values = os.path.getsize(out) // 4
    return label, "OK", "%d values bit-identical" % values


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--models", default=None,
                    help="folder of gen_models.py output (manifest.json)")
    ap.add_argument("--onnx", nargs="*", default=[],
                    help="further quantized models (e.g. the ECG models)")
    ap.add_argument("--beats", nargs=2, default=None,
                    metavar=("F32", "N"),
                    help="inputs for --onnx models: the first N 180-sample "
                         "windows of this file")
    ap.add_argument("--work", required=True)
    ap.add_argument("--samples", type=int, default=16)
    ap.add_argument("--only", default=None)
    ap.add_argument("--no-fold-too", action="store_true")
    ap.add_argument("--cxx", default="c++")
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()

    jobs = []
    if args.models:
        manifest = json.load(open(os.path.join(args.models, "manifest.json")))
        for m in manifest["models"]:
            path = os.path.join(args.models, m["file"])
            form = m["form"]
            # Models the frontend must reject (run-time quantization).
            if str(m.get("frontend_expect", "")).startswith("reject"):
                form = "reject"
            jobs.append((path, form, False, None))
            if args.no_fold_too and m.get("qrcnn"):
                jobs.append((path, form, True, None))
    beats = (args.beats[0], int(args.beats[1])) if args.beats else None
    for path in args.onnx:
        jobs.append((path, "ecg", False, beats))
        if args.no_fold_too and "qrcnn" in os.path.basename(path):
            jobs.append((path, "ecg", True, beats))
    if args.only:
        jobs = [j for j in jobs if args.only in os.path.basename(j[0])]
    counts = {}
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        for label, status, detail in pool.map(lambda j: check(j, args), jobs):
            counts[status] = counts.get(status, 0) + 1
            print("%-8s %-48s %s" % (status, label, detail))
            sys.stdout.flush()
    print("summary: " + ", ".join("%s %d" % kv for kv in sorted(counts.items())))
    sys.exit(1 if counts.get("FAIL") else 0)


if __name__ == "__main__":
    main()
