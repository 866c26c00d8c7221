"""Export the quantized ECG models to ONNX, in two forms, and check them.

(a) QDQ form, opset 13, written by torch.onnx.export:
        input -> QuantizeLinear(SX, 128 uint8) -> DequantizeLinear
        per block: Conv(DQ(int8 weights on the int4 grid), float bias on the
        int32 grid) -> Relu -> QuantizeLinear(sa, 0 uint8) -> DequantizeLinear
        -> Clip(0, 15*sa) -> MaxPool(2) -> QuantizeLinear -> DequantizeLinear
        head: Flatten -> Gemm(DQ(int8 weights), float bias) -> logits (float)
    torch writes QuantizeLinear on the float weight; `fold_weight_quantize`
    replaces it by an int8 initializer (values -8..7) read by the
    DequantizeLinear. In the RCNN the four Conv nodes read the output of ONE
    DequantizeLinear of ONE weight initializer (checked).
(b) INT4 form, opset 21, written with the onnx Python API: weights are INT4
    (data type 22) initializers, activations are quantized to UINT4 (data
    type 21, via output_dtype, zero point omitted = 0; the type's range 0..15
    replaces the Clip), the weight zero point is an INT4 scalar (one value:
    a padded byte), bias is
    an int32 initializer with a DequantizeLinear at scale s_in*sw. Block:
        Conv -> Relu -> QuantizeLinear(uint4) -> DequantizeLinear -> MaxPool
    (no Q/DQ pair after the MaxPool: see export_int4). Debian's onnx 1.12 predates these
    types, so they are written as plain integers (constants below) and the
    nibbles are packed here: two values per byte, low nibble first, an odd
    count padded with a zero nibble. onnx.checker of 1.12 rejects such files
    (unknown data type); `check_structure` validates them instead.

Both forms are run by `run_onnx` (a small numpy interpreter of exactly the
ops used here) and compared with the PyTorch fake-quant model.
"""
from __future__ import annotations

import io
import json
import os
from fractions import Fraction
from typing import Dict, List

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
from onnx import helper, numpy_helper, TensorProto

from . import intref
from .models import (A_QMAX, CHANNELS, KERNEL, PAD, STEPS, SX, WINDOW, ZX,
                     EcgNet, weight_scale)

# ONNX data types that onnx 1.12 does not know (added in ONNX 1.16).
ONNX_UINT4 = 21
ONNX_INT4 = 22
OPSET_QDQ = 13
OPSET_INT4 = 21
IR_VERSION_INT4 = 10


# --- integer parameters of a QAT model -----------------------------------

def quant_params(model: EcgNet) -> dict:
    """Integer weights/biases and float32 scales, computed with the same torch
    float32 operations as the fake-quant forward pass."""
    assert model.quant
    layers = []
    s_in = torch.tensor(SX, dtype=torch.float32)

    def one(mod, s_in, s_out, kind):
        w = mod.weight.detach()
        sw = weight_scale(w)
        wq = torch.clamp(torch.round(w / sw), -8, 7).to(torch.int8)
        sb = s_in * sw
        bq = torch.round(mod.bias.detach() / sb).to(torch.int64)
        return {"kind": kind, "w": wq.numpy(), "sw": np.float32(sw),
                "b": bq.numpy().astype(np.int32), "s_in": np.float32(s_in),
                "s_out": None if s_out is None else np.float32(s_out)}

    a = model.act(0)
    layers.append(one(model.stem, s_in, a.scale, "conv"))
    s = torch.tensor(a.scale, dtype=torch.float32)
    for i in range(STEPS):
        a = model.act(i + 1)
        layers.append(one(model.body_layer(i), s, a.scale, "conv"))
        s = torch.tensor(a.scale, dtype=torch.float32)
    layers.append(one(model.fc, s, None, "linear"))
    return {"arch": model.arch, "sx": np.float32(SX), "zx": ZX, "layers": layers}


def param_bytes(model: EcgNet) -> int:
    """Storage of the distinct parameters: int4 weights packed two per byte,
    int32 biases, float32 scales (one per layer)."""
    total = 0
    mods = [model.stem] + ([model.rec] if model.arch == "rcnn" else list(model.body)) + [model.fc]
    for m in mods:
        total += (m.weight.numel() + 1) // 2 + 4 * m.bias.numel() + 4
    return total


# --- (a) QDQ export with torch.onnx.export --------------------------------

class _QdqNet(nn.Module):
    """Export-only network: the quantized model written with
    torch.fake_quantize_per_tensor_affine, which exports as a
    QuantizeLinear/DequantizeLinear pair. Weight fake-quantization is computed
    once per layer, so the RCNN's four Conv nodes share one weight."""

    def __init__(self, qp: dict):
        super().__init__()
        self.qp = qp
        self.arch = qp["arch"]
        L = qp["layers"]
        # initializer names: stem, step1..step4 (CNN) or rec (RCNN), fc
        self.names = (["stem"] + ([f"step{i + 1}" for i in range(STEPS)] if self.arch == "cnn"
                                  else ["rec"] * STEPS) + ["fc"])
        # float tensors exactly on the grids: w = q * sw, b = q_b * s_in * sw
        for i, l in enumerate(L):
            if self.arch == "rcnn" and i in (2, 3, 4):
                continue  # layers 2..4 are layer 1 again
            w = torch.from_numpy(l["w"].astype(np.float32)) * torch.tensor(l["sw"])
            b = torch.from_numpy(l["b"].astype(np.float64) *
                                 (float(l["s_in"]) * float(l["sw"]))).float()
            self.register_buffer(f"{self.names[i]}_weight", w)
            self.register_buffer(f"{self.names[i]}_bias", b)

    def forward(self, x):
        L = self.qp["layers"]
        x = torch.fake_quantize_per_tensor_affine(x, float(SX), ZX, 0, 255)
        cache = {}
        for i in range(1 + STEPS):
            src = 1 if (self.arch == "rcnn" and i > 1) else i
            if src not in cache:
                cache[src] = torch.fake_quantize_per_tensor_affine(
                    getattr(self, f"{self.names[src]}_weight"), float(L[src]["sw"]), 0, -128, 127)
            x = F.conv1d(x, cache[src], getattr(self, f"{self.names[src]}_bias"), padding=PAD)
            x = F.relu(x)
            sa = float(L[i]["s_out"])
            x = torch.fake_quantize_per_tensor_affine(x, sa, 0, 0, 255)
            x = torch.clamp(x, 0.0, A_QMAX * sa)
            x = F.max_pool1d(x, 2)
            x = torch.fake_quantize_per_tensor_affine(x, sa, 0, 0, 255)
        x = x.flatten(1)
        fc = L[-1]
        w = torch.fake_quantize_per_tensor_affine(self.fc_weight, float(fc["sw"]), 0, -128, 127)
        return F.linear(x, w, self.fc_bias)


def fold_weight_quantize(model: onnx.ModelProto) -> onnx.ModelProto:
    """QuantizeLinear(float initializer) -> int8/uint8 initializer."""
    g = model.graph
    inits = {t.name: t for t in g.initializer}
    consts = {}
    for n in g.node:
        if n.op_type == "Constant":
            consts[n.output[0]] = numpy_helper.to_array(n.attribute[0].t)

    def value(name):
        if name in inits:
            return numpy_helper.to_array(inits[name])
        return consts.get(name)

    keep = []
    new_inits = []
    replaced = {}
    for n in g.node:
        if n.op_type == "QuantizeLinear" and n.input[0] in inits:
            x = numpy_helper.to_array(inits[n.input[0]]).astype(np.float32)
            scale = np.float32(value(n.input[1]))
            zp = value(n.input[2])
            q = np.rint(x / scale).astype(np.int64) + int(zp)
            info = np.iinfo(zp.dtype)
            q = np.clip(q, info.min, info.max).astype(zp.dtype)
            name = n.input[0] + "_quantized"
            new_inits.append(numpy_helper.from_array(q, name))
            replaced[n.output[0]] = name
        else:
            keep.append(n)
    for n in keep:
        for i, inp in enumerate(n.input):
            if inp in replaced:
                n.input[i] = replaced[inp]
    del g.node[:]
    g.node.extend(keep)
    g.initializer.extend(new_inits)
    # drop initializers nobody reads any more
    used = {i for n in g.node for i in n.input}
    alive = [t for t in g.initializer if t.name in used]
    del g.initializer[:]
    g.initializer.extend(alive)
    return model


def export_qdq(qp: dict, path: str, classes: List[str]) -> onnx.ModelProto:
    net = _QdqNet(qp).eval()
    buf = io.BytesIO()
    dummy = torch.zeros(1, 1, WINDOW)
    torch.onnx.export(net, dummy, buf, opset_version=OPSET_QDQ,
                      input_names=["input"], output_names=["logits"],
                      do_constant_folding=True)
    m = onnx.load_from_string(buf.getvalue())
    m = fold_weight_quantize(m)
    _add_metadata(m, qp, classes)
    onnx.checker.check_model(m)
    onnx.save(m, path)
    return m


def _add_metadata(m: onnx.ModelProto, qp: dict, classes: List[str]):
    m.producer_name = "qrcnn examples/ecg"
    m.doc_string = (f"ECG heartbeat classifier ({qp['arch'].upper()}): input (1,1,{WINDOW}) "
                    f"float32 mV, one MIT-BIH MLII beat window (R peak at index 90), "
                    f"mean removed; output logits over classes {','.join(classes)}")
    for k, v in {"classes": ",".join(classes), "window": str(WINDOW),
                 "r_peak_index": "90", "input_units": "mV, window mean removed",
                 "arch": qp["arch"]}.items():
        p = m.metadata_props.add()
        p.key, p.value = k, v


# --- (b) INT4 export with the onnx API ----------------------------------

def pack_int4(values: np.ndarray) -> bytes:
    """Two 4-bit values per byte, low nibble first; odd count padded."""
    v = (np.asarray(values, np.int64).ravel() & 0xF).astype(np.uint8)
    if len(v) % 2:
        v = np.concatenate([v, np.zeros(1, np.uint8)])
    return (v[0::2] | (v[1::2] << 4)).tobytes()


def unpack_int4(raw: bytes, count: int, signed: bool) -> np.ndarray:
    b = np.frombuffer(raw, np.uint8)
    v = np.empty(len(b) * 2, np.int64)
    v[0::2] = b & 0xF
    v[1::2] = b >> 4
    v = v[:count]
    if signed:
        v = np.where(v >= 8, v - 16, v)
    return v


def int4_tensor(name: str, values: np.ndarray, dims, signed: bool) -> TensorProto:
    t = TensorProto()
    t.name = name
    t.data_type = ONNX_INT4 if signed else ONNX_UINT4  # plain int: 22 / 21
    t.dims.extend(list(dims))
    t.raw_data = pack_int4(values)
    return t


def export_int4(qp: dict, path: str, classes: List[str]) -> onnx.ModelProto:
    L = qp["layers"]
    nodes, inits = [], []
    f32 = lambda name, v: inits.append(numpy_helper.from_array(np.array(v, np.float32), name))

    f32("x_scale", SX)
    inits.append(numpy_helper.from_array(np.array(ZX, np.uint8), "x_zero_point"))
    inits.append(int4_tensor("w_zero_point", [0], [], signed=True))
    nodes.append(helper.make_node("QuantizeLinear", ["input", "x_scale", "x_zero_point"], ["x_q"], name="quant_input"))
    nodes.append(helper.make_node("DequantizeLinear", ["x_q", "x_scale", "x_zero_point"], ["x_dq"], name="dequant_input"))
    cur = "x_dq"
    names = ["stem"] + [f"step{i + 1}" for i in range(STEPS)] + ["fc"]
    made = set()
    for i, (l, nm) in enumerate(zip(L, names)):
        src = 1 if (qp["arch"] == "rcnn" and 1 < i <= STEPS) else i
        pn = "rec" if (qp["arch"] == "rcnn" and 1 <= i <= STEPS) else nm
        if src not in made:  # one set of initializers (and DQ nodes) per distinct layer
            made.add(src)
            ls = L[src]
            inits.append(int4_tensor(f"{pn}_w_q", ls["w"], ls["w"].shape, signed=True))
            f32(f"{pn}_w_scale", ls["sw"])
            nodes.append(helper.make_node("DequantizeLinear", [f"{pn}_w_q", f"{pn}_w_scale", "w_zero_point"],
                                          [f"{pn}_w"], name=f"{pn}_dequant_w"))
            inits.append(numpy_helper.from_array(ls["b"].astype(np.int32), f"{pn}_b_q"))
            f32(f"{pn}_b_scale", np.float32(ls["s_in"]) * np.float32(ls["sw"]))
            nodes.append(helper.make_node("DequantizeLinear", [f"{pn}_b_q", f"{pn}_b_scale"],
                                          [f"{pn}_b"], name=f"{pn}_dequant_b"))
        if l["kind"] == "conv":
            nodes.append(helper.make_node("Conv", [cur, f"{pn}_w", f"{pn}_b"], [f"{nm}_conv"], name=f"{nm}_conv",
                                          kernel_shape=[KERNEL], pads=[PAD, PAD], strides=[1], dilations=[1], group=1))
            nodes.append(helper.make_node("Relu", [f"{nm}_conv"], [f"{nm}_relu"], name=f"{nm}_relu"))
            # RCNN: one activation scale for the stem and all four steps
            asn = "act_scale" if qp["arch"] == "rcnn" else f"{nm}_a_scale"
            if asn not in {t.name for t in inits}:
                f32(asn, l["s_out"])
            # uint4 via output_dtype (zero point omitted = 0). With an explicit
            # UINT4 zero-point input, ONNX Runtime 1.30's QDQ propagation
            # moves the DequantizeLinear behind the MaxPool and then fails
            # ("tensor(uint4) ... of operator (MaxPool) is invalid").
            nodes.append(helper.make_node("QuantizeLinear", [f"{nm}_relu", asn], [f"{nm}_q"], name=f"{nm}_quant",
                                          output_dtype=ONNX_UINT4))
            nodes.append(helper.make_node("DequantizeLinear", [f"{nm}_q", asn], [f"{nm}_dq"], name=f"{nm}_dequant"))
            # No Q/DQ pair after the pool here (unlike the QDQ form): the
            # pool of grid values stays on the grid, and ONNX Runtime's
            # optimizer would fold DQ -> MaxPool -> Q into a MaxPool on uint4,
            # which it cannot run.
            nodes.append(helper.make_node("MaxPool", [f"{nm}_dq"], [f"{nm}_pool"], name=f"{nm}_pool", kernel_shape=[2], strides=[2]))
            cur = f"{nm}_pool"
        else:
            nodes.append(helper.make_node("Flatten", [cur], ["flat"], name="flatten", axis=1))
            nodes.append(helper.make_node("Gemm", ["flat", f"{pn}_w", f"{pn}_b"], ["logits"], name="fc_gemm", transB=1))
    inp = helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 1, WINDOW])
    out = helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, len(classes)])
    graph = helper.make_graph(nodes, f"ecg_{qp['arch']}_int4", [inp], [out], inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET_INT4)])
    m.ir_version = IR_VERSION_INT4
    _add_metadata(m, qp, classes)
    onnx.save(m, path)
    return m


# --- checks --------------------------------------------------------------

def _init_array(t: TensorProto) -> np.ndarray:
    if t.data_type in (ONNX_INT4, ONNX_UINT4):
        n = int(np.prod(t.dims)) if len(t.dims) else 1
        return unpack_int4(t.raw_data, n, t.data_type == ONNX_INT4).reshape(tuple(t.dims))
    return numpy_helper.to_array(t)


def check_structure(path: str, arch: str) -> dict:
    """Reload a file and check what the compiler relies on. Raises on error."""
    m = onnx.load(path)
    g = m.graph
    inits = {t.name: t for t in g.initializer}
    produced = {o for n in g.node for o in n.output}
    avail = set(inits) | {i.name for i in g.input}
    for n in g.node:  # topological order, everything defined
        for i in n.input:
            assert i == "" or i in avail, f"{path}: node {n.name or n.op_type} reads undefined {i}"
        avail |= set(n.output)
    by_out = {o: n for n in g.node for o in n.output}
    convs = [n for n in g.node if n.op_type == "Conv"]
    assert len(convs) == 1 + STEPS, f"{path}: {len(convs)} Conv nodes"
    # each weight: DQ of an initializer lying on the int4 grid
    weight_inits = []
    for n in convs + [n for n in g.node if n.op_type == "Gemm"]:
        dq = by_out[n.input[1]]
        assert dq.op_type == "DequantizeLinear", f"{path}: weight of {n.name} not from DQ"
        t = inits[dq.input[0]]
        v = _init_array(t)
        assert v.min() >= -8 and v.max() <= 7, f"{path}: weights off the int4 grid"
        if t.data_type in (ONNX_INT4, ONNX_UINT4):
            assert len(t.raw_data) == (int(np.prod(t.dims)) + 1) // 2, "bad int4 packing"
        weight_inits.append((n.name, dq.input[0], n.input[1]))
    body = weight_inits[1:1 + STEPS]
    distinct = {w for _, w, _ in body}
    if arch == "rcnn":
        assert len(distinct) == 1, f"{path}: RCNN body reads {len(distinct)} weight initializers"
        assert len({d for _, _, d in body}) == 1, f"{path}: RCNN body weights from several DQ nodes"
    else:
        assert len(distinct) == STEPS
    ops = {}
    for n in g.node:
        ops[n.op_type] = ops.get(n.op_type, 0) + 1
    checker = "passed"
    try:
        onnx.checker.check_model(m)
    except Exception as e:  # onnx 1.12 does not know INT4/UINT4
        checker = "rejected: " + str(e).splitlines()[0][:120]
    return {"ops": ops, "body_weight_initializers": sorted(distinct),
            "opset": m.opset_import[0].version, "onnx_checker_1_12": checker,
            "bytes": os.path.getsize(path)}


def run_onnx(path: str, x: np.ndarray) -> np.ndarray:
    """Numpy interpreter for the ops of these graphs (float64 math, QDQ
    semantics per the ONNX spec). x: (n, WINDOW) float32 -> (n, classes)."""
    m = onnx.load(path)
    g = m.graph
    env: Dict[str, np.ndarray] = {t.name: _init_array(t) for t in g.initializer}
    qtypes = {t.name: t.data_type for t in g.initializer}
    env[g.input[0].name] = x[:, None, :].astype(np.float32)
    for n in g.node:
        a = {at.name: helper.get_attribute_value(at) for at in n.attribute}
        ins = [env[i] if i else None for i in n.input]
        op = n.op_type
        if op == "Constant":
            r = numpy_helper.to_array(a["value"])
        elif op == "QuantizeLinear":
            zp_name = n.input[2] if len(n.input) > 2 else ""
            zp = ins[2] if zp_name else np.uint8(0)
            dt = qtypes.get(zp_name, a.get("output_dtype"))
            if dt == ONNX_UINT4:
                lo, hi = 0, 15
            elif dt == ONNX_INT4:
                lo, hi = -8, 7
            else:
                info = np.iinfo(np.asarray(zp).dtype)
                lo, hi = info.min, info.max
            r = np.clip(np.rint(ins[0].astype(np.float32) / np.float32(ins[1])) + np.int64(zp), lo, hi)
            r = r.astype(np.int64)
        elif op == "DequantizeLinear":
            zp = ins[2] if len(ins) > 2 and ins[2] is not None else 0
            r = ((ins[0].astype(np.int64) - np.int64(zp)) * np.float32(ins[1])).astype(np.float32)
        elif op == "Conv":
            xx, w = ins[0].astype(np.float64), ins[1].astype(np.float64)
            b = ins[2] if len(ins) > 2 else 0
            p = a.get("pads", [0, 0])
            xp = np.pad(xx, ((0, 0), (0, 0), (p[0], p[1])))
            k = w.shape[2]
            L = xp.shape[2] - k + 1
            cols = np.stack([xp[:, :, j:j + L] for j in range(k)], axis=-1)  # n,ci,L,k
            r = (np.einsum("nilk,oik->nol", cols, w) + np.asarray(b, np.float64)[None, :, None]).astype(np.float32)
        elif op == "Relu":
            r = np.maximum(ins[0], 0)
        elif op == "Clip":
            r = np.clip(ins[0], ins[1], ins[2])
        elif op == "MaxPool":
            k = a["kernel_shape"][0]
            L = ins[0].shape[2] // k
            r = ins[0][:, :, :L * k].reshape(ins[0].shape[0], ins[0].shape[1], L, k).max(-1)
        elif op == "Flatten":
            r = ins[0].reshape(ins[0].shape[0], -1)
        elif op == "Gemm":
            w = ins[1].astype(np.float64)
            w = w.T if a.get("transB", 0) else w
            r = (ins[0].astype(np.float64) @ w + ins[2]).astype(np.float32)
        else:
            raise NotImplementedError(f"run_onnx: op {op} in node {n.name}")
        env[n.output[0]] = r
    return env[g.output[0].name]


# --- driver ----------------------------------------------------------------

SUFFIX = {"inter": "", "nlrav": "_nlrav", "intra": "_intra"}


def _pick_test_beats(split, n=256, seed=0):
    """Stratified sample of test beats: every class represented."""
    rng = np.random.default_rng(seed)
    y = split.y_test
    k = len(split.classes)
    want = {c: min(int((y == c).sum()), 40) for c in range(1, k)}
    idx = [rng.choice(np.flatnonzero(y == c), want[c], replace=False) for c in want]
    rest = n - sum(want.values())
    idx.append(rng.choice(np.flatnonzero(y == 0), rest, replace=False))
    idx = np.sort(np.concatenate(idx))
    return idx


def export_all(args, splits, summary, log):
    out = args.models
    exports = {}
    for pname, split in splits.items():
        for arch in args.archs.split(","):
            ck = os.path.join(args.runs, f"{pname}_{arch}.pt")
            if not os.path.exists(ck):
                continue
            state = torch.load(ck)
            qm = EcgNet(arch, len(split.classes), quant=True)
            qm.load_state_dict(state["qat"])
            qm.eval()
            qp = quant_params(qm)
            base = f"ecg_{'qrcnn' if arch == 'rcnn' else 'qcnn'}{SUFFIX[pname]}"
            info = {}
            for form, fn in (("qdq", export_qdq), ("int4", export_int4)):
                path = os.path.join(out, f"{base}_{form}.onnx")
                fn(qp, path, split.classes)
                info[form] = check_structure(path, arch)
                info[form]["file"] = os.path.basename(path)
            # agreement on the whole test set: torch fake-quant vs integer
            # reference vs both ONNX files
            with torch.no_grad():
                xt = torch.from_numpy(split.x_test).unsqueeze(1)
                logits = torch.cat([qm(xt[i:i + 4096]) for i in range(0, len(xt), 4096)])
            p_torch = logits.argmax(1).numpy()
            p_int = intref.predict(qp, split.x_test)
            agree = {"test_beats": int(len(p_torch)),
                     "intref_vs_torch": int((p_int == p_torch).sum()),
                     "intref_accuracy": round(float((p_int == split.y_test).mean()), 4)}
            for form in ("qdq", "int4"):
                lg = run_onnx(os.path.join(out, info[form]["file"]), split.x_test)
                agree[f"onnx_{form}_vs_torch"] = int((lg.argmax(1) == p_torch).sum())
                agree[f"onnx_{form}_vs_intref"] = int((lg.argmax(1) == p_int).sum())
            for form in ("qdq", "int4"):
                back = intref.load_onnx_params(os.path.join(out, info[form]["file"]))
                same = all(np.array_equal(l1["w"], l2["w"]) and np.array_equal(l1["b"], l2["b"])
                           and l1["sw"] == l2["sw"] and l1["s_out"] == l2["s_out"]
                           for l1, l2 in zip(qp["layers"], back["layers"]))
                assert same and back["arch"] == arch, f"{info[form]['file']}: parameters do not read back"
                info[form]["params_read_back_identical"] = True
            info["agreement"] = agree
            info["requant_multipliers"] = [str(intref.multiplier(l)) for l in qp["layers"][:-1]]
            log(f"  export {base}: {json.dumps(agree)}")
            if pname == "inter":
                idx = _pick_test_beats(split)
                tb = os.path.join(out, "testbeats_ds2_256")
                split.x_test[idx].astype("<f4").tofile(tb + ".f32")
                np.savetxt(tb + "_label.txt", split.y_test[idx], fmt="%d")
                with open(tb + "_source.txt", "w") as fh:
                    fh.write("# record r_peak_sample label (window: samples r-90..r+89 of MLII)\n")
                    for i in idx:
                        fh.write(f"{split.test_records[i]} {split.test_samples[i]} "
                                 f"{split.classes[split.y_test[i]]}\n")
                np.savetxt(f"{tb}_{base}_pred.txt", p_torch[idx], fmt="%d")
                np.savetxt(f"{tb}_{base}_intref_pred.txt", p_int[idx], fmt="%d")
                info["testbeats_pred_intref_agree"] = int((p_int[idx] == p_torch[idx]).sum())
            exports[f"{pname}/{arch}"] = info
    summary["exports"] = exports
