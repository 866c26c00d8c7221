#!/usr/bin/python3
"""Import ONNX's own operator tests (Debian's libonnx-testdata) with qrcnnc.

    run_node_tests.py --qrcnnc BIN --data DIR --table scope.tsv --work DIR
    run_node_tests.py ... --write-table NEW.tsv   (classify from scratch)

Every test of an op qrcnnc supports is listed in scope.tsv as `pass` (must
import: exit 0) or `reject` (outside what qrcnnc compiles, with the reason:
must fail cleanly, exit code 1 and one diagnostic that contains the table's
`match` text). A test of a supported op missing from the table is an error,
so the table stays complete.

qrcnnc compiles models whose weights are constants and whose inputs are
float32 tensors, while a node test feeds every operand as a graph input. So
each model is adapted before import (the adaptation is the test's "binding"
column in the table):

  * operands that are weights or parameters (Conv's W and B, Clip's bounds,
    Reshape's shape, QuantizeLinear's scale, ...) become initializers holding
    the test's own input data (test_data_set_0/input_K.pb);
  * an integer activation input of a quantized op (QLinearConv's x, ...) is
    fed through QuantizeLinear with the op's own scale and zero point from a
    float32 graph input;
  * ops that qrcnnc only evaluates at compile time (Shape, Cast, Div, ...)
    get all their inputs bound, and the folded outputs are compared with the
    test's expected outputs (output_K.pb);
  * a model stamped with an opset below 10 must be refused as it is, and is
    then converted to opset 13 with ONNX's version converter (what a user
    does with an old model) and imported.
"""

import argparse
import concurrent.futures
import os
import re
import subprocess
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper, version_converter, TensorProto

FLOAT = TensorProto.FLOAT
MIN_OPSET, CONVERT_TO = 10, 13

# Ops with run-time lowering: which inputs stay run-time tensors.
RUNTIME_INPUTS = {
    "Conv": [0], "Relu": [0], "Clip": [0], "LeakyRelu": [0], "MaxPool": [0],
    "AveragePool": [0], "GlobalAveragePool": [0], "GlobalMaxPool": [0],
    "Flatten": [0], "Reshape": [0], "Squeeze": [0], "Unsqueeze": [0],
    "Transpose": [0], "Gemm": [0], "MatMul": [0], "Add": [0, 1],
    "Mul": [0, 1], "Sub": [0], "BatchNormalization": [0], "Softmax": [0],
    "ArgMax": [0], "Identity": [0], "Dropout": [0], "QuantizeLinear": [0],
    "DequantizeLinear": [0], "QLinearConv": [0], "QLinearMatMul": [0],
    "ConvInteger": [0], "MatMulInteger": [0], "Shape": [0], "Size": [0],
}
# Integer activations of these ops are fed through QuantizeLinear:
# op -> (scale input index or None for 1.0, zero point input index or None).
QUANTIZED_ACTIVATION = {
    "DequantizeLinear": (1, 2), "QLinearConv": (1, 2), "QLinearMatMul": (1, 2),
    "ConvInteger": (None, 2), "MatMulInteger": (None, 2),
    # integer Clip / MaxPool act on stored integers: scale 1, zero point 0
    "Clip": (None, None), "MaxPool": (None, None),
}
# Ops qrcnnc evaluates only at compile time (constant folding).
FOLD_ONLY = {
    "Constant", "Cast", "Div", "Pow", "Round", "Neg", "Abs", "Floor", "Ceil",
    "Sqrt", "Reciprocal", "Sign", "Min", "Max", "Equal", "Less", "Greater",
    "LessOrEqual", "GreaterOrEqual", "And", "Or", "Xor", "Not", "Where",
    "Gather", "Concat", "Slice", "Expand", "ConstantOfShape", "Range",
}
SUPPORTED = set(RUNTIME_INPUTS) | FOLD_ONLY


def primary_op(name, model):
    """The op a node test is about, or None if it tests no supported op."""
    ops = [n.op_type for n in model.graph.node]
    if len(ops) == 1:
        return ops[0] if ops[0] in SUPPORTED else None
    base = name[len("test_"):].replace("_expanded", "")
    for op in sorted(SUPPORTED, key=len, reverse=True):
        if base.startswith(op.lower()):
            return op
    return None


def load_inputs(test_dir, model):
    data_dir = os.path.join(test_dir, "test_data_set_0")
    names = [i.name for i in model.graph.input]
    init_names = {t.name for t in model.graph.initializer}
    values = {}
    k = 0
    for name in names:
        if name in init_names:
            continue
        path = os.path.join(data_dir, "input_%d.pb" % k)
        k += 1
        if os.path.exists(path):
            t = TensorProto()
            with open(path, "rb") as f:
                t.ParseFromString(f.read())
            values[name] = t
    return values


def load_outputs(test_dir, model):
    data_dir = os.path.join(test_dir, "test_data_set_0")
    out = []
    for k, _ in enumerate(model.graph.output):
        path = os.path.join(data_dir, "output_%d.pb" % k)
        t = TensorProto()
        with open(path, "rb") as f:
            t.ParseFromString(f.read())
        out.append(numpy_helper.to_array(t))
    return out


def adapt(model, op, values):
    """Bind parameters as initializers, wrap integer activations; returns
    (model, binding description)."""
    m = onnx.ModelProto()
    m.CopyFrom(model)
    g = m.graph
    node = g.node[0] if len(g.node) == 1 else None
    runtime = set()
    if op in RUNTIME_INPUTS and node is not None:
        runtime = {node.input[i] for i in RUNTIME_INPUTS[op] if i < len(node.input)}
    elif op in RUNTIME_INPUTS:
        runtime = {g.input[0].name}
    bound, wrapped = [], []
    keep = []
    for vi in g.input:
        if vi.name in runtime:
            if vi.type.tensor_type.elem_type != FLOAT and op in QUANTIZED_ACTIVATION \
                    and node is not None:
                wrapped.append(vi.name)
            keep.append(vi)
            continue
        if vi.name not in values:
            keep.append(vi)
            continue
        t = TensorProto()
        t.CopyFrom(values[vi.name])
        t.name = vi.name
        # ONNX 1.12's test data stores BFLOAT16 inputs as UINT16 bit patterns.
        if t.data_type == TensorProto.UINT16 and \
                vi.type.tensor_type.elem_type == TensorProto.BFLOAT16:
            t.data_type = TensorProto.BFLOAT16
        g.initializer.append(t)
        bound.append(vi.name)
    del g.input[:]
    g.input.extend(keep)
    for name in wrapped:
        vi = next(v for v in g.input if v.name == name)
        elem = vi.type.tensor_type.elem_type
        scale_idx, zp_idx = QUANTIZED_ACTIVATION[op]
        scale_name, zp_name = name + "__scale", name + "__zero_point"
        init_names = {t.name: t for t in g.initializer}
        if zp_idx is not None and zp_idx < len(node.input) and node.input[zp_idx]:
            z = numpy_helper.to_array(init_names[node.input[zp_idx]])
        else:
            z = np.zeros((), onnx.mapping.TENSOR_TYPE_TO_NP_TYPE[elem])
        if scale_idx is not None and scale_idx < len(node.input):
            s = numpy_helper.to_array(init_names[node.input[scale_idx]])
        else:
            s = np.ones(np.shape(z), np.float32)
        g.initializer.append(numpy_helper.from_array(np.asarray(s, np.float32), scale_name))
        g.initializer.append(numpy_helper.from_array(np.asarray(z), zp_name))
        float_name = name + "__float"
        vi.name = float_name
        vi.type.tensor_type.elem_type = FLOAT
        q = helper.make_node("QuantizeLinear", [float_name, scale_name, zp_name], [name],
                             name=name + "__quantize")
        g.node.insert(0, q)
    parts = []
    if bound:
        parts.append("bound " + ",".join(bound))
    if wrapped:
        parts.append("quantized " + ",".join(wrapped))
    return m, "; ".join(parts) or "as is"


DENSE_RE = re.compile(r"(?:arith|qnn)\.constant dense<(.*?)> : tensor<([^>]*)>")


def parse_dense(text, shape_str):
    dims = [int(d) for d in shape_str.split("x")[:-1]] if "x" in shape_str else []
    elem = shape_str.split("x")[-1]
    count = int(np.prod(dims)) if dims else 1
    if text.startswith('"0x'):
        raw = bytes.fromhex(text[3:-1])
        if elem == "i1":  # MLIR packs i1 elements 8 per byte
            bits = np.unpackbits(np.frombuffer(raw, np.uint8), bitorder="little")
            return (bits[:count] if bits.size >= count else np.full(count, bits[0])).astype(np.bool_).reshape(dims)
        kinds = {"f32": np.float32, "f64": np.float64, "i64": np.int64, "i32": np.int32,
                 "i16": np.int16, "i8": np.int8, "ui8": np.uint8, "i1": np.bool_}
        arr = np.frombuffer(raw, kinds[elem])
        if arr.size == 1 and count > 1:
            arr = np.full(count, arr[0])
        return arr.reshape(dims)
    flat = re.findall(r"0x[0-9A-F]+|true|false|[-+0-9.eE]+", text)
    vals = []
    for v in flat:
        if v in ("true", "false"):
            vals.append(v == "true")
        elif v.startswith("0x"):
            bits = int(v, 16)
            vals.append(np.frombuffer(bits.to_bytes(8, "little"), np.float64)[0] if elem == "f64"
                        else np.frombuffer(bits.to_bytes(4, "little"), np.float32)[0])
        else:
            vals.append(float(v))
    arr = np.array(vals)
    if arr.size == 1 and count != 1:
        arr = np.full(count, arr[0])
    return arr.reshape(dims)


def folded_outputs(ir):
    """Values of the returned constants, in result order (None for a result
    that is not a constant)."""
    defs = {}
    for line in ir.splitlines():
        m = re.match(r"\s*(%\w+) = (.*)", line)
        if not m:
            continue
        d = DENSE_RE.search(m.group(2))
        if d:
            defs[m.group(1)] = parse_dense(d.group(1), d.group(2))
    ret = re.search(r"return (.*?) :", ir)
    if not ret:
        return []
    return [defs.get(v.strip()) for v in ret.group(1).split(",")]


def default_opset(model):
    return next((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), 0)


def run_one(qrcnnc, test_dir, name, work):
    model = onnx.load(os.path.join(test_dir, "model.onnx"))
    op = primary_op(name, model)
    if op is None:
        return None
    values = load_inputs(test_dir, model)
    m, binding = adapt(model, "__fold__" if op in FOLD_ONLY else op, values)
    path = os.path.join(work, name + ".onnx")
    old_opset = default_opset(m)
    if old_opset < MIN_OPSET:
        # qrcnnc reads opsets 10..21 and refuses older models; users convert
        # them with ONNX's version converter, and so does this test.
        onnx.save(m, path)
        p = subprocess.run([qrcnnc, path, "--import-only", "-o", os.devnull],
                           capture_output=True, text=True)
        if p.returncode != 1 or "opset %d is not supported" % old_opset not in p.stderr:
            return {"op": op, "binding": binding, "rc": 2, "numeric": None,
                    "stderr": "opset %d model not refused: %s" % (old_opset, p.stderr)}
        try:
            converted = version_converter.convert_version(model, CONVERT_TO)
            m, binding = adapt(converted, "__fold__" if op in FOLD_ONLY else op, values)
            binding += "; opset %d converted to %d" % (old_opset, CONVERT_TO)
        except Exception as e:  # the converter lacks an adapter: stays refused
            binding += "; opset %d (no version conversion: %s)" % (old_opset, str(e).split("\n")[0][:60])
    onnx.save(m, path)
    p = subprocess.run([qrcnnc, path, "--import-only", "-o", "-"], capture_output=True, text=True)
    result = {"op": op, "binding": binding, "rc": p.returncode, "stderr": p.stderr.strip(),
              "numeric": None}
    if p.returncode == 0:
        outs = folded_outputs(p.stdout)
        if outs and all(o is not None for o in outs):
            expected = load_outputs(test_dir, model)
            ok = len(expected) == len(outs)
            for got, exp in zip(outs, expected):
                exp = np.asarray(exp)
                if got.shape != exp.shape:
                    ok = False
                elif exp.dtype.kind == "f":
                    ok = ok and np.allclose(got.astype(np.float64), exp.astype(np.float64),
                                            rtol=1e-6, atol=0, equal_nan=True)
                else:
                    ok = ok and np.array_equal(got.astype(np.int64), exp.astype(np.int64))
            result["numeric"] = ok
    return result


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--qrcnnc", required=True)
    ap.add_argument("--data", default="/usr/share/libonnx-testdata/data/node")
    ap.add_argument("--table", help="scope.tsv to check against")
    ap.add_argument("--work", required=True)
    ap.add_argument("--write-table", help="write a fresh classification here")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    table = {}
    if a.table:
        with open(a.table) as f:
            for line in f:
                if line.startswith("#") or not line.strip():
                    continue
                cols = line.rstrip("\n").split("\t")
                table[cols[0]] = cols
    rows, problems = [], []
    counts = {"pass": 0, "reject": 0}
    numeric = [0, 0]
    names = [n for n in sorted(os.listdir(a.data))
             if os.path.isfile(os.path.join(a.data, n, "model.onnx"))]
    with concurrent.futures.ThreadPoolExecutor(max_workers=a.jobs) as pool:
        results = list(pool.map(lambda n: run_one(a.qrcnnc, os.path.join(a.data, n), n, a.work),
                                names))
    for name, r in zip(names, results):
        if r is None:
            continue
        status = "pass" if r["rc"] == 0 else "reject"
        diag_lines = [l for l in r["stderr"].splitlines() if l.startswith("qrcnnc: error:")]
        if r["rc"] not in (0, 1):
            problems.append("%s: exit code %d (crash?): %s" % (name, r["rc"], r["stderr"][-300:]))
        elif r["rc"] == 1 and len(diag_lines) != 1:
            problems.append("%s: rejected with %d diagnostics" % (name, len(diag_lines)))
        if r["numeric"] is not None:
            numeric[0] += 1
            if r["numeric"]:
                numeric[1] += 1
            else:
                problems.append("%s: folded output differs from the test's expected output" % name)
        counts[status] += 1
        reason = diag_lines[0][len("qrcnnc: error: "):] if diag_lines else ""
        rows.append((name, status, r["op"], r["binding"], reason))
        if a.table:
            want = table.get(name)
            if want is None:
                problems.append("%s: not in the table (%s, %s)" % (name, status, reason))
            elif want[1] != status:
                problems.append("%s: table says %s, got %s %s" % (name, want[1], status, reason))
            elif status == "reject" and len(want) > 4 and want[4] not in reason:
                problems.append("%s: rejected, but the diagnostic does not say '%s': %s" %
                                (name, want[4], reason))
    if a.table:
        listed = set(table) - {r[0] for r in rows}
        for name in sorted(listed):
            problems.append("%s: in the table but not a test of a supported op" % name)
    if a.write_table:
        with open(a.write_table, "w") as f:
            f.write("# test\texpect\top\tbinding\treason\n")
            for row in rows:
                f.write("\t".join(row) + "\n")
    for p in problems:
        print("PROBLEM: " + p)
    print("node tests of supported ops: %d; import: %d; rejected by design: %d" %
          (len(rows), counts["pass"], counts["reject"]))
    print("folded outputs compared with the expected outputs: %d, equal: %d" % tuple(numeric))
    print("problems: %d" % len(problems))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
