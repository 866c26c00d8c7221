#!/usr/bin/python3
"""Checks of the generated models that need no ONNX Runtime.

    /usr/bin/python3 test/models/selftest.py OUTDIR

- int4 packing: round trips, low nibble first, odd counts padded with zero;
- every INT4/UINT4 initializer holds exactly ceil(n/2) bytes;
- manifest: every form present, every file exists, inputs/outputs match the
  graph, expected_chains present on QRCNN models;
- QRCNN structure: in the fold-fully variants the four block Convs read the
  same weight (the same initializer, the same producer output, or, for
  *_equal_contents, initializers with equal bytes); in _neg_weights3 block 3
  reads other contents;
- the exact reference of every spec has binary-fraction multipliers;
- bad/: at least 22 files, each documented.
Ends with 'N passed, M failed'.
"""

import json
import os
import sys

import numpy as np
import onnx
from onnx import numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from onnx_util import INT4, UINT4, pack_int4, unpack_int4, describe_value  # noqa: E402
import qrcnn  # noqa: E402

results = []


def check(name, cond, detail=""):
    results.append((name, bool(cond), detail))
    if not cond:
        print("FAIL %s %s" % (name, detail))


def weight_root(m, conv):
    """Follow a Conv's weight input through DQ/Q/Quant/Cast/elementwise prep
    back to a float or integer initializer; returns (initializer name, path)."""
    prod = {o: n for n in m.graph.node for o in n.output}
    inits = {t.name for t in m.graph.initializer}
    name, path = conv.input[1], []
    while name not in inits:
        p = prod.get(name)
        if p is None:
            return None, path
        path.append(p.name)
        name = p.input[0]
    return name, path


def main(outdir):
    # ---- packing ----
    v = np.array([-8, 7, 0, -1, 3])
    raw = pack_int4(v, True)
    check("pack_int4 low nibble first, odd padded", raw == bytes([0x78, 0xF0, 0x03]), raw.hex())
    check("unpack_int4 round trip", np.array_equal(unpack_int4(raw, 5, True), v))
    u = np.arange(16)
    check("uint4 round trip", np.array_equal(unpack_int4(pack_int4(u, False), 16, False), u))

    man = json.load(open(os.path.join(outdir, "manifest.json")))
    forms = {e["form"] for e in man["models"]}
    for f in ("float", "qdq", "int4", "qoperator", "qonnx"):
        check("form %s present" % f, f in forms)
    qforms = {e["form"] for e in man["models"] if e.get("qrcnn") and e["name"].startswith("qrcnn_")}
    check("a QRCNN model in each form", {"qdq", "int4", "qoperator", "qonnx"} <= qforms, str(qforms))
    for e in man["models"]:
        path = os.path.join(outdir, e["file"])
        if not os.path.exists(path):
            check("exists " + e["file"], False)
            continue
        m = onnx.load(path)
        inits = {t.name for t in m.graph.initializer}
        ins = [describe_value(x) for x in m.graph.input if x.name not in inits]
        outs = [describe_value(x) for x in m.graph.output]
        check("io " + e["name"], ins == e["inputs"] and outs == e["outputs"])
        for t in m.graph.initializer:
            if t.data_type in (INT4, UINT4):
                n = int(np.prod(t.dims)) if len(t.dims) else 1
                check("int4 bytes %s:%s" % (e["name"], t.name), len(t.raw_data) == (n + 1) // 2,
                      "%d values, %d bytes" % (n, len(t.raw_data)))
        if e.get("ort", {}).get("file"):
            check("companion exists " + e["name"], os.path.exists(os.path.join(outdir, e["ort"]["file"])))
        q = e.get("qrcnn")
        if not q:
            continue
        check("expected_chains " + e["name"], isinstance(q.get("expected_chains"), list))
        if not e["name"].startswith("qrcnn_"):
            continue
        convs = [n for n in m.graph.node if n.op_type in ("Conv", "QLinearConv")]
        check("stem + four block convs " + e["name"], len(convs) == 5, str(len(convs)))
        blocks = convs[1:]
        wi = 3 if blocks and blocks[0].op_type == "QLinearConv" else 1
        roots, direct = [], []
        for c in blocks:
            if wi == 3:
                roots.append(c.input[3])
                direct.append(c.input[3])
            else:
                r, _ = weight_root(m, c)
                roots.append(r)
                direct.append(c.input[1])
        tmap = {t.name: t for t in m.graph.initializer}

        def content(r):
            t = tmap[r]
            if t.data_type in (INT4, UINT4):
                return t.raw_data
            return numpy_helper.to_array(t).tobytes()
        cont = [content(r) if r in tmap else None for r in roots]
        variant = q.get("variant", "")
        if variant in ("main", "torch_export") or e["name"].endswith("_dynbatch") or variant in ("neg_scale2", "neg_branch"):
            check("one weight initializer " + e["name"], len(set(roots)) == 1, str(roots))
        if variant == "equal_contents":
            check("separate initializers " + e["name"], len(set(roots)) == 4, str(roots))
            check("equal contents " + e["name"], len(set(cont)) == 1)
        if variant == "neg_weights3":
            check("block 3 differs " + e["name"], cont[2] != cont[0] and cont[0] == cont[1] == cont[3])
    # ---- specs ----
    for _, spec, _ in qrcnn.variants():
        try:
            spec.multipliers()
            ok = True
        except AssertionError:
            ok = False
        check("binary-fraction multipliers " + spec.variant, ok)
        x = np.zeros((1, 1, spec.L), np.float32)
        check("reference runs " + spec.variant, qrcnn.reference(spec, x)[0].shape == (1, 5))
    # ---- bad ----
    bad = json.load(open(os.path.join(outdir, "bad", "manifest.json")))
    check(">= 22 bad models", len(bad["models"]) >= 22, str(len(bad["models"])))
    for b in bad["models"]:
        check("bad documented " + b["name"], b["reason"] and "node" in b and
              os.path.exists(os.path.join(outdir, "bad", b["file"])))
    passed = sum(1 for r in results if r[1])
    failed = len(results) - passed
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    sys.exit(main(sys.argv[1]))
