#!/usr/bin/python3
"""Benchmark of the CPU backend on the QRCNN-shaped test model.

    bench/run_bench.py [--build BUILD] [--repeat 5] [--calls 2000] [--batches 40]
                       [--ort-runs 2000] [--quick]

Compares, on one thread and the same QDQ model (test/models qrcnn_qdq, and
qrcnn_qdq_dynbatch for ONNX Runtime's batched run):

  * the C++ that `qrcnnc --target cpp` generates, built with the portable
    flags of its CMakeLists.txt (-O3) and for this machine (-O3
    -march=native): batch 1 = each inference timed alone, batch 256 = 256
    consecutive inferences (bench_cpp.cpp);
  * ONNX Runtime 1.30 through scripts/ort/ort-run.mjs --bench --threads 1
    (its session.run only; node's call overhead is part of ORT as a user
    meets it);
  * the golden model (`qrcnnc --run`, which reports its own time per sample);
  * one core's integer MAC peak (mac_peak.cpp, same flags), giving the
    achieved fraction of the arithmetic limit.

Every figure is the median of --repeat runs (each run itself reports medians).
Prints a table and a JSON summary line. Needs the build's qrcnnc and test
models (ninja -C BUILD), node with scripts/ort/node_modules, and a C++
compiler.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(HERE)
# The generated CMakeLists' default, the same for this machine, and for
# this machine with 256-bit vectors (rows of 11..180 positions leave much of
# a 512-bit loop to scalar remainders).
FLAVOURS = [("portable", ["-O3"]), ("native", ["-O3", "-march=native"]),
            ("native-256", ["-O3", "-march=native", "-mprefer-vector-width=256"])]


def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        sys.exit("$ %s\n%s%s" % (" ".join(cmd), r.stdout, r.stderr))
    return r.stdout + r.stderr


def last_json(text):
    for line in reversed(text.splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    raise ValueError("no JSON line in:\n" + text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.path.join(SRC, "build"))
    ap.add_argument("--work", default=None)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--calls", type=int, default=2000)
    ap.add_argument("--batches", type=int, default=40)
    ap.add_argument("--ort-runs", type=int, default=1000)
    ap.add_argument("--cxx", default="c++")
    ap.add_argument("--quick", action="store_true",
                    help="tiny counts: checks that everything runs")
    args = ap.parse_args()
    if args.quick:
        args.repeat, args.calls, args.batches, args.ort_runs = 1, 50, 2, 20

    qrcnnc = os.path.join(args.build, "bin", "qrcnnc")
    models = os.path.join(args.build, "test", "models")
    work = args.work or os.path.join(args.build, "bench")
    os.makedirs(work, exist_ok=True)
    model = os.path.join(models, "qrcnn_qdq.onnx")
    manifest = json.load(open(os.path.join(models, "manifest.json")))
    entry = next(m for m in manifest["models"] if m["name"] == "qrcnn_qdq")
    macs = entry["qrcnn"]["macs"]
    inputs = os.path.join(work, "in.f32")
    run([sys.executable, os.path.join(SRC, "test", "models", "make_inputs.py"),
         model, "256", inputs, "--seed", "1", "--kind", "ecg"])

    # The generated library, bit-identical to the golden model first.
    out = os.path.join(work, "qrcnn")
    run([qrcnnc, model, "--target", "cpp", "-o", out, "--name", "qrcnn"])
    rows = {}
    for flavour, flags in FLAVOURS:
        exe = os.path.join(work, "bench_cpp_" + flavour)
        run([args.cxx] + flags + ["-std=c++11", "-fno-exceptions", "-fno-rtti",
            "-I", out, '-DBENCH_HEADER="qrcnn.h"', "-DBENCH_PREFIX=QRCNN",
            "-DBENCH_RUN=qrcnn_run", os.path.join(out, "qrcnn.cpp"),
            os.path.join(HERE, "bench_cpp.cpp"), "-o", exe])
        peak_exe = os.path.join(work, "mac_peak_" + flavour)
        run([args.cxx] + flags + [os.path.join(HERE, "mac_peak.cpp"), "-o",
                                  peak_exe])
        results = [last_json(run([exe, inputs, str(args.calls),
                                  str(args.batches)]))
                   for _ in range(args.repeat)]
        peaks = [last_json(run([peak_exe])) for _ in range(max(1, args.repeat // 2))]
        rows[flavour] = {
            "batch1_us": statistics.median(r["batch1_median_us"] for r in results),
            "batch1_cpu_us": statistics.median(r["batch1_cpu_median_us"] for r in results),
            "batch256_us": statistics.median(r["batch256_median_us_per_sample"] for r in results),
            "batch256_cpu_us": statistics.median(
                r["batch256_cpu_median_us_per_sample"] for r in results),
            "int16_peak": max(p["int16_macs_per_s"] for p in peaks),
            "int16_instruction": peaks[0]["int16_instruction"],
            "int8_peak": max(p["int8_macs_per_s"] for p in peaks),
            "int8_instruction": peaks[0]["int8_instruction"],
        }

    # ONNX Runtime, one thread: batch 1 and a looped 256 on the fixed-shape
    # model, a real batch of 256 on the symbolic-batch one.
    ort = os.path.join(SRC, "scripts", "ort", "ort-run.mjs")
    ort_fixed = [last_json(run(["node", ort, model, inputs, "--bench",
                                str(args.ort_runs), "--threads", "1"]))
                 for _ in range(args.repeat)]
    dyn = os.path.join(models, "qrcnn_qdq_dynbatch.onnx")
    ort_batched = [last_json(run(["node", ort, dyn, inputs, "--bench",
                                  str(max(2, args.ort_runs // 100)), "--threads", "1"]))
                   for _ in range(args.repeat)]
    ort_row = {
        "batch1_us": statistics.median(r["batch1_median_us"] for r in ort_fixed),
        "batch256_us": statistics.median(
            r["batch256_median_us_per_sample"] for r in ort_batched),
    }

    # The golden model reports "--run: N samples in T ms".
    golden = []
    for _ in range(args.repeat):
        text = run([qrcnnc, model, "--run", inputs, "-o",
                    os.path.join(work, "gold.f32"), "--timing"])
        m = re.search(r"--run: (\d+) samples in ([0-9.]+) ms", text)
        golden.append(float(m.group(2)) * 1000 / int(m.group(1)))
    golden_us = statistics.median(golden)

    print("QRCNN-shaped model (qrcnn_qdq: L=180, C=12, %d MACs), one thread, "
          "medians of %d runs" % (macs, args.repeat))
    header = ("| implementation | batch 1 us/beat | batch 256 us/beat | "
              "ORT / this (batch 1) | GMAC/s (batch 1) | of int16 peak | "
              "of int8 peak |")
    print(header)
    print("|" + "---|" * 7)
    for flavour, flags in FLAVOURS:
        r = rows[flavour]
        rate = macs / (r["batch1_us"] * 1e-6)
        print("| generated C++, %s (%s) | %.2f | %.2f | %.1fx | %.2f | %.1f%% "
              "(%s, %.0f GMAC/s) | %.1f%% (%s, %.0f GMAC/s) |" %
              (flavour, " ".join(flags), r["batch1_us"], r["batch256_us"],
               ort_row["batch1_us"] / r["batch1_us"], rate / 1e9,
               100 * rate / r["int16_peak"], r["int16_instruction"],
               r["int16_peak"] / 1e9, 100 * rate / r["int8_peak"],
               r["int8_instruction"], r["int8_peak"] / 1e9))
    print("| ONNX Runtime 1.30 (node, 1 thread) | %.2f | %.2f | 1.0x | %.2f | | |" %
          (ort_row["batch1_us"], ort_row["batch256_us"],
           macs / (ort_row["batch1_us"] * 1e-6) / 1e9))
    print("| golden model (qrcnnc --run) | | %.2f | | %.2f | | |" %
          (golden_us, macs / (golden_us * 1e-6) / 1e9))
    print("CPU time per inference of the generated C++ (batch 1 / batch 256; "
          "less sensitive to a loaded machine than wall time): " +
          ", ".join("%s %.2f / %.2f us" % (f, rows[f]["batch1_cpu_us"],
                                           rows[f]["batch256_cpu_us"])
                    for f, _ in FLAVOURS))
    # One core's limit is the best int16 MAC rate any build reached; the
    # fastest build is measured against it (not against its own, possibly
    # narrower, instruction set).
    core_peak = max(rows[f]["int16_peak"] for f, _ in FLAVOURS)
    best_rate = max(macs / (rows[f]["batch1_us"] * 1e-6) for f, _ in FLAVOURS)
    print("targets: >= 5x faster than ONNX Runtime at batch 1 (best here: "
          "%.1fx); within 4x of one core's int16 MAC limit (best here: %.1fx "
          "= %.1f%% of %.0f GMAC/s)" %
          (max(ort_row["batch1_us"] / rows[f]["batch1_us"] for f, _ in FLAVOURS),
           core_peak / best_rate, 100 * best_rate / core_peak, core_peak / 1e9))
    print(json.dumps({"macs": macs, "cpp": rows, "ort": ort_row,
                      "golden_us_per_sample": golden_us}))


if __name__ == "__main__":
    main()
