#!/usr/bin/python3
"""Run the float entry of a module lowered by qnn-lower-to-loops on raw
float32 samples, two independent ways:

    run_lowered.py --mode cpp LOWERED.mlir IN.f32 OUT.f32 --work DIR
    run_lowered.py --mode jit LOWERED.mlir IN.f32 OUT.f32 --work DIR

cpp: qrcnn-opt --qnn-convert-loops-to-emitc, mlir-translate --mlir-to-cpp,
     compiled with a small C++ harness (the path the CPU backend takes);
jit: upstream passes to the LLVM dialect, executed by mlir-cpu-runner with a
     harness function that embeds the samples.

IN.f32 holds the samples concatenated (all inputs of a sample in order);
OUT.f32 gets, per sample, every output in order as float32 (int64 outputs
converted), the layout of scripts/ort/ort-run.mjs and `qrcnnc --run`.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys

import numpy as np


def find_entry(text):
    """(name, [(dims, elem)], num_inputs) of the float entry."""
    for m in re.finditer(r"func\.func @([\w$.]+)\((.*?)\)\s+attributes \{([^}]*)\}", text):
        name, args, attrs = m.groups()
        if 'qnn.entry = "float"' not in attrs:
            continue
        types = [(dims, elem) for dims, elem in
                 ((list(map(int, re.findall(r"(\d+)x", full))), re.sub(r"^(\d+x)*", "", full))
                  for full in re.findall(r"memref<([^>]*)>", args))]
        n_in = int(re.search(r"qnn\.num_inputs = (\d+)", attrs).group(1))
        return name, types, n_in
    sys.exit("run_lowered.py: no function with qnn.entry = \"float\"")


CTYPES = {"f32": "float", "i64": "int64_t", "i32": "int32_t", "i8": "int8_t", "i16": "int16_t"}


def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        sys.exit("run_lowered.py: %s failed (%d):\n%s%s" % (cmd[0], r.returncode, r.stdout, r.stderr))
    return r.stdout


def run_cpp(lowered, name, types, n_in, inp, out, work):
    emitc = os.path.join(work, "model.emitc.mlir")
    cpp = os.path.join(work, "model.cpp")
    run(["qrcnn-opt", lowered, "--qnn-convert-loops-to-emitc", "-o", emitc])
    # The qnn.quant_type annotations name the quant dialect, which
    # mlir-translate does not load; the C++ printer ignores them anyway.
    run(["mlir-translate", "--allow-unregistered-dialect", "--mlir-to-cpp", emitc, "-o", cpp])
    decls, calls, reads, writes = [], [], [], []
    for i, (dims, elem) in enumerate(types):
        var = ("in%d" if i < n_in else "out%d") % i
        decls.append("static %s %s%s;" % (CTYPES[elem], var, "".join("[%d]" % d for d in dims)))
        calls.append(var)
        count = int(np.prod(dims)) if dims else 1
        if i < n_in and elem == "f32":
            reads.append("if (fread(%s, sizeof %s, 1, in) != 1) return done(%d);" % (var, var, i))
        elif i < n_in:  # stored integers, passed as float32
            reads.append("for (size_t k = 0; k < %d; ++k) { float f; if (fread(&f, 4, 1, in) != 1) "
                         "return done(%d); ((%s *)%s)[k] = (%s)f; }"
                         % (count, i, CTYPES[elem], var, CTYPES[elem]))
        elif elem == "f32":
            writes.append("fwrite(%s, sizeof %s, 1, out);" % (var, var))
        else:
            writes.append("for (size_t k = 0; k < %d; ++k) { float f = (float)((const %s *)%s)[k]; "
                          "fwrite(&f, 4, 1, out); }" % (count, CTYPES[elem], var))
    harness = """#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
namespace model {
#include "%s"
}
%s
static FILE *in, *out;
static int done(int input) { return input == 0 && feof(in) ? 0 : 3; }
int main(int argc, char **argv) {
  if (argc != 3 || !(in = fopen(argv[1], "rb")) || !(out = fopen(argv[2], "wb")))
    return 2;
  for (;;) {
    %s
    model::%s(%s);
    %s
  }
}
""" % (os.path.basename(cpp), "\n".join(decls), "\n    ".join(reads), name, ", ".join(calls), "\n    ".join(writes))
    src = os.path.join(work, "harness.cpp")
    exe = os.path.join(work, "harness")
    with open(src, "w") as f:
        f.write(harness)
    cxx = shutil.which("c++") or shutil.which("g++") or shutil.which("clang++")
    run([cxx, "-std=c++17", "-O1", "-w", "-o", exe, src])
    run([exe, inp, out])


def loops(dims, body, indent="    "):
    """Nested scf.for over dims; body(ivs) returns lines."""
    lines, ivs = [], []
    for d, n in enumerate(dims):
        iv = "%%iv%d" % loops.count
        loops.count += 1
        lines.append(indent * (d + 1) + "scf.for %s = %%c0 to %%c%d step %%c1 {" % (iv, n))
        ivs.append(iv)
    lines += [indent * (len(dims) + 1) + l for l in body(ivs)]
    for d in reversed(range(len(dims))):
        lines.append(indent * (d + 1) + "}")
    return lines


loops.count = 0


def run_jit(lowered, name, types, n_in, inp, out, work):
    raw = np.fromfile(inp, "<f4")
    in_sizes = [int(np.prod(d)) if d else 1 for d, _ in types[:n_in]]
    samples = raw.size // sum(in_sizes)
    assert samples * sum(in_sizes) == raw.size, "input size is not a whole number of samples"
    per_sample = raw.reshape(samples, -1)
    out_sizes = [int(np.prod(d)) if d else 1 for d, _ in types[n_in:]]
    total = sum(out_sizes)
    consts = {0, 1} | {d for dims, _ in types for d in dims} | {samples}
    text = open(lowered).read().rstrip()
    assert text.endswith("}")
    lines = [text[:-1]]
    offset = 0
    for i, (dims, _) in enumerate(types[:n_in]):
        data = np.ascontiguousarray(per_sample[:, offset:offset + in_sizes[i]], "<f4")
        offset += in_sizes[i]
        lines.append('  memref.global "private" constant @qrcnn_harness_in%d : memref<%dx%sxf32> = dense<"0x%s">'
                     % (i, samples, "x".join(map(str, dims)), data.tobytes().hex().upper()))
    lines.append("  func.func private @printMemrefI32(memref<*xi32>) attributes {llvm.emit_c_interface}")
    lines.append("  func.func @qrcnn_harness() {")
    for c in sorted(consts | {total}):
        lines.append("    %%c%d = arith.constant %d : index" % (c, c))
    bufs = []
    for i, (dims, elem) in enumerate(types):
        mt = "memref<%sx%s>" % ("x".join(map(str, dims)), elem)
        lines.append("    %%buf%d = memref.alloc() : %s" % (i, mt))
        bufs.append(("%%buf%d" % i, mt))
    for i in range(n_in):
        lines.append("    %%g%d = memref.get_global @qrcnn_harness_in%d : memref<%dx%sxf32>"
                     % (i, i, samples, "x".join(map(str, types[i][0]))))
    lines.append("    %%bits = memref.alloc() : memref<%dx%dxi32>" % (samples, total))
    lines.append("    scf.for %s = %%c0 to %%c%d step %%c1 {" % ("%s", samples))
    for i, (dims, elem) in enumerate(types[:n_in]):
        gt = "memref<%dx%sxf32>" % (samples, "x".join(map(str, dims)))
        convert = [] if elem == "f32" else ["%%x = arith.fptosi %%f : f32 to %s" % elem]
        lines += loops(dims, lambda ivs, i=i, gt=gt, convert=convert: [
            "%%%s = memref.load %%g%d[%%s, %s] : %s" % ("x" if not convert else "f", i, ", ".join(ivs), gt)]
            + convert + [
            "memref.store %%x, %s[%s] : %s" % (bufs[i][0], ", ".join(ivs), bufs[i][1])], "      ")
    lines.append("      func.call @%s(%s) : (%s) -> ()" % (
        name, ", ".join(b for b, _ in bufs), ", ".join(t for _, t in bufs)))
    offset = 0
    for i, (dims, elem) in enumerate(types[n_in:], start=n_in):
        def body(ivs, i=i, dims=dims, elem=elem, offset=offset):
            out = ["%%v = memref.load %s[%s] : %s" % (bufs[i][0], ", ".join(ivs), bufs[i][1])]
            if elem == "f32":
                out.append("%b = arith.bitcast %v : f32 to i32")
            else:
                out += ["%%f = arith.sitofp %%v : %s to f32" % elem, "%b = arith.bitcast %f : f32 to i32"]
            out.append("%%flat0 = arith.constant %d : index" % offset)
            acc = "%flat0"
            stride = 1
            for d in reversed(range(len(dims))):
                out.append("%%st%d = arith.constant %d : index" % (d, stride))
                out.append("%%m%d = arith.muli %s, %%st%d : index" % (d, ivs[d], d))
                out.append("%%a%d = arith.addi %s, %%m%d : index" % (d, acc, d))
                acc = "%%a%d" % d
                stride *= dims[d]
            out.append("memref.store %%b, %%bits[%%s, %s] : memref<%dx%dxi32>" % (acc, samples, total))
            return out
        lines += loops(dims, body, "      ")
        offset += out_sizes[i - n_in]
    lines.append("    }")
    lines.append("    %%u = memref.cast %%bits : memref<%dx%dxi32> to memref<*xi32>" % (samples, total))
    lines.append("    func.call @printMemrefI32(%u) : (memref<*xi32>) -> ()")
    lines.append("    return")
    lines.append("  }")
    lines.append("}")
    # Loop bodies reuse value names (%x, %v, ...): each region is its own
    # name scope.
    text = "\n".join(lines)
    src = os.path.join(work, "harness.mlir")
    with open(src, "w") as f:
        f.write(text + "\n")
    llvm = os.path.join(work, "harness.llvm.mlir")
    run(["mlir-opt", src, "--convert-scf-to-cf", "--finalize-memref-to-llvm", "--convert-arith-to-llvm",
         "--convert-cf-to-llvm", "--convert-func-to-llvm", "--reconcile-unrealized-casts", "-o", llvm])
    libdir = os.path.join(os.path.dirname(os.path.realpath(shutil.which("mlir-cpu-runner"))), "..", "lib")
    libs = ",".join(os.path.join(libdir, l) for l in ("libmlir_runner_utils.so", "libmlir_c_runner_utils.so"))
    printed = run(["mlir-cpu-runner", llvm, "-e", "qrcnn_harness", "-entry-point-result=void",
                   "-shared-libs=" + libs])
    values = [int(v) for v in re.findall(r"-?\d+", printed.split("data =", 1)[1])]
    assert len(values) == samples * total, "runner printed %d values, expected %d" % (len(values), samples * total)
    np.asarray(values, np.int64).astype("<i4").tofile(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mode", choices=["cpp", "jit"], required=True)
    ap.add_argument("lowered")
    ap.add_argument("inputs")
    ap.add_argument("outputs")
    ap.add_argument("--work", required=True)
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    name, types, n_in = find_entry(open(args.lowered).read())
    (run_cpp if args.mode == "cpp" else run_jit)(args.lowered, name, types, n_in, args.inputs,
                                                 args.outputs, args.work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
