#!/usr/bin/python3
"""Generate a qnn network with its independent reference, lower it with
qnn-lower-to-loops, run the result (C++ through EmitC, and/or LLVM through
mlir-cpu-runner) and compare the float32 outputs bit for bit.

    check_lowering.py --work DIR [--modes cpp,jit] [--pipeline] [--golden] CASE...

CASE is a qnn_testgen.py case, spec:folded / spec:unfolded for the QRCNN
network of test/models/qrcnn.py, or file:MODEL.mlir (any single-input model;
random inputs with ties on the 2^-7 grid; only --golden gives it a
reference). --pipeline lowers the output of `--qnn-pipeline` (fusion,
folding, bit widths) instead of the model as written. --golden also runs the
golden model (`qrcnnc MODEL --run`) and compares it with the reference and
with the lowered code. Prints `CASE MODE: ok (N values)` per comparison, or
where the first values differ; exits 1 if any differ.
"""

import argparse
import os
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def sh(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.stdout.write("command failed: %s\n%s%s" % (" ".join(cmd), r.stdout, r.stderr))
        sys.exit(1)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", required=True)
    ap.add_argument("--modes", default="cpp,jit")
    ap.add_argument("--pipeline", action="store_true")
    ap.add_argument("--golden", action="store_true")
    ap.add_argument("cases", nargs="+")
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    py = sys.executable
    failed = 0

    def compare(label, path, expected):
        nonlocal failed
        got = np.fromfile(path, "<u4")
        if got.shape == expected.shape and np.array_equal(got, expected):
            print("%s: ok (%d values)" % (label, expected.size))
            return
        failed += 1
        if got.shape != expected.shape:
            print("%s: %d values, expected %d" % (label, got.size, expected.size))
            return
        bad = np.flatnonzero(got != expected)
        g, e = got.view("<f4"), expected.view("<f4")
        print("%s: %d of %d values differ, first at %d: %r, expected %r"
              % (label, bad.size, expected.size, bad[0], g[bad[0]], e[bad[0]]))

    for case in args.cases:
        name = os.path.basename(case[5:])[:-5] if case.startswith("file:") else case.replace(":", "_")
        base = os.path.join(args.work, name)
        expected = None
        if case.startswith("file:"):
            with open(case[5:]) as src, open(base + ".mlir", "w") as dst:
                dst.write(src.read())
        elif case.startswith("spec:"):
            sh([py, os.path.join(HERE, "qrcnn_spec_model.py"), base + ".mlir", base + ".in.f32",
                base + ".expected.f32"] + (["--unfolded"] if case == "spec:unfolded" else []))
        else:
            sh([py, os.path.join(HERE, "qnn_testgen.py"), case, args.work])
        lower = ["--qnn-pipeline"] if args.pipeline else []
        sh(["qrcnn-opt", base + ".mlir"] + lower + ["--qnn-lower-to-loops", "-o", base + ".loops.mlir"])
        if case.startswith("file:"):
            sys.path.insert(0, HERE)
            from run_lowered import find_entry
            _, types, n_in = find_entry(open(base + ".loops.mlir").read())
            rng = np.random.default_rng(11)
            size = sum(int(np.prod(d)) for d, _ in types[:n_in]) * 16
            x = rng.uniform(-1.3, 1.3, size)
            ties = rng.random(size) < 0.1
            x[ties] = (np.round(x[ties] * 128) + 0.5) / 128
            x.astype("<f4").tofile(base + ".in.f32")
        else:
            expected = np.fromfile(base + ".expected.f32", "<u4")
        if args.golden:
            sh(["qrcnnc", base + ".mlir", "--run", base + ".in.f32", "-o", base + ".golden.f32"])
            if expected is None:
                expected = np.fromfile(base + ".golden.f32", "<u4")
            else:
                compare("%s golden" % case, base + ".golden.f32", expected)
        for mode in args.modes.split(","):
            out = "%s.%s.f32" % (base, mode)
            sh([py, os.path.join(HERE, "run_lowered.py"), "--mode", mode, base + ".loops.mlir",
                base + ".in.f32", out, "--work", "%s.%s.work" % (base, mode)])
            compare("%s %s" % (case, mode), out, expected)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
