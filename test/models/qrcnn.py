"""QRCNN-shaped test models: one integer specification, emitted in each of
the ONNX forms qrcnn ingests, plus an exact numpy reference of the numeric
contract in shared/DESIGN.md ("Numeric contract").

Network (L=180, C=12, 5 classes):
    x float [1,1,L] --quantize uint8 (sx, zx)-->
    stem   conv 1->C, k=3, pad 1, relu, 4-bit (uint4 0..15, scale sa), maxpool 2
    block  conv C->C, k=5, pad 2, relu, 4-bit, maxpool 2      x4, weight-tied
    flatten -> Gemm (C*5 -> 5) -> logits float [1,5]

All scales are float32 values m*2^e with small odd m. Every requantization
multiplier M = s_in*s_w/s_out is then a binary fraction (the stem's
M = 7*2^-8; a block's M = s_w[c] because its input and output scales are
equal), so the exact integer reference below and ONNX Runtime's float32
arithmetic agree bit for bit except on rare ties.
"""

import copy
from fractions import Fraction

import numpy as np
from onnx import helper, AttributeProto

from onnx_util import (FLOAT, UINT4,
                       f32, tensor, int4_tensor, vinfo, node, model,
                       dyadic)

QONNX_DOMAIN = "qonnx.custom_op.general"
FINN_DOMAIN = "finn.custom_op.general"

L, C, K_STEM, K, CLASSES = 180, 12, 3, 5, 5


# --------------------------------------------------------------------------
# specification
# --------------------------------------------------------------------------
class Spec:
    """Integer parameters and scales of one QRCNN-shaped model."""

    def __init__(self, seed=20230611, per_channel=True):
        rng = np.random.default_rng(seed)
        self.L, self.C = L, C
        self.sx = dyadic(3, -8)          # 0.01171875, input range about +-1.5
        self.zx = 128
        self.stem_w = rng.integers(-8, 8, size=(C, 1, K_STEM))
        self.stem_sw = dyadic(7, -7)     # per tensor
        self.sa = dyadic(3, -7)          # stem output = block activation scale
        self.stem_b = rng.integers(-100, 300, size=C)      # grid sx*stem_sw
        mant = rng.choice([3, 5, 7, 9, 11, 13], size=C)
        if not per_channel:
            mant[:] = 7
        self.per_channel = per_channel
        self.block_sw = np.array([dyadic(int(m), -8) for m in mant], np.float32)
        self.weights = {"W": rng.integers(-8, 8, size=(C, C, K)),
                        "W_alt": rng.integers(-8, 8, size=(C, C, K))}
        self.biases = {"B": rng.integers(20, 220, size=C)}  # grid s_in*sw[c]
        # one entry per block: weight id, bias id, output scale
        self.blocks = [dict(w="W", b="B", out_scale=self.sa) for _ in range(4)]
        self.fc_w = rng.integers(-8, 8, size=(CLASSES, C * self.final_len()))
        self.fc_sw = dyadic(5, -7)
        self.fc_b = rng.integers(-300, 300, size=CLASSES)    # grid s_last*fc_sw
        self.branch_outputs = []      # block indices also exported as outputs
        self.separate_inits = False   # one initializer per block (equal contents)
        self.expected_chains = [4]
        self.variant = "main"
        self.dynamic_batch = False    # symbolic first input/output dim 'N'

    # lengths ------------------------------------------------------------
    def lengths(self):
        """Conv output length of the stem and each block (before pooling)."""
        out, n = [], self.L
        for _ in range(1 + len(self.blocks)):
            out.append(n)
            n //= 2
        return out

    def final_len(self):
        return self.L // 2 ** 5

    def macs(self):
        ls = self.lengths()
        m = C * 1 * K_STEM * ls[0]
        m += sum(C * C * K * n for n in ls[1:])
        return int(m + CLASSES * C * self.final_len())

    def in_scale(self, i):
        return self.sa if i == 0 else self.blocks[i - 1]["out_scale"]

    def last_scale(self):
        return self.blocks[-1]["out_scale"]

    def multipliers(self):
        """Exact requantization multipliers; asserts they are binary fractions."""
        ms = [Fraction(float(self.sx)) * Fraction(float(self.stem_sw)) / Fraction(float(self.sa))]
        for i, b in enumerate(self.blocks):
            for c in range(C):
                ms.append(Fraction(float(self.in_scale(i))) * Fraction(float(self.block_sw[c]))
                          / Fraction(float(b["out_scale"])))
        for m in ms:
            d = m.denominator
            assert d & (d - 1) == 0, "requantization multiplier %s is not a binary fraction" % m
        return ms

    def describe(self):
        return {
            "variant": self.variant,
            "L": self.L, "C": C, "stem_kernel": K_STEM, "block_kernel": K,
            "blocks": len(self.blocks), "classes": CLASSES, "macs": self.macs(),
            "expected_chains": self.expected_chains,
            "folds_fully": self.expected_chains == [4],
            "input_scale": float(self.sx), "input_zero_point": self.zx,
            "activation_scale": float(self.sa),
            "block_out_scales": [float(b["out_scale"]) for b in self.blocks],
            "block_weights": [b["w"] for b in self.blocks],
            "weights_per_channel": self.per_channel,
            "branch_outputs": ["block%d_out" % (i + 1) for i in self.branch_outputs],
            "dynamic_batch": self.dynamic_batch,
        }


def variants(base=None):
    """(name suffix, Spec, description) for the main model and the fold tests."""
    base = base or Spec()
    out = [("", base, "all four blocks share one weight initializer and one "
            "activation scale: folds into one recurrent conv with iterations=4")]
    s = copy.deepcopy(base)
    s.blocks[2]["w"] = "W_alt"
    s.expected_chains = [2, 1, 1]
    s.variant = "neg_weights3"
    out.append(("_neg_weights3", s, "block 3 reads different weights: blocks 1-2 "
                "fold (2 iterations), blocks 3 and 4 stay single convs"))
    s = copy.deepcopy(base)
    s.blocks[1]["out_scale"] = dyadic(3, -6)   # 2*sa: M stays a binary fraction
    s.expected_chains = [1, 1, 1, 1]
    s.variant = "neg_scale2"
    out.append(("_neg_scale2", s, "block 2 writes a different activation scale "
                "(2*sa), so blocks 2 and 3 differ in requantization from 1 and 4: "
                "no two adjacent blocks are identical, nothing folds"))
    s = copy.deepcopy(base)
    s.branch_outputs = [1]
    s.expected_chains = [2, 2]
    s.variant = "neg_branch"
    out.append(("_neg_branch", s, "block 2's output is also a graph output: a "
                "chain may end there but not run through it (2+2 iterations)"))
    s = copy.deepcopy(base)
    s.separate_inits = True
    s.variant = "equal_contents"
    out.append(("_equal_contents", s, "each block reads its own initializers whose "
                "contents are equal: must still fold into iterations=4"))
    return out


# --------------------------------------------------------------------------
# exact integer reference of the numeric contract
# --------------------------------------------------------------------------
def _conv1d_int(x, w, b, pad):
    """x [N,Ci,T] int64 (already minus zero point), w [Co,Ci,k], b [Co]."""
    n, ci, t = x.shape
    co, _, k = w.shape
    xp = np.zeros((n, ci, t + 2 * pad), np.int64)
    xp[:, :, pad:pad + t] = x
    acc = np.zeros((n, co, t), np.int64) + b[None, :, None]
    for j in range(k):
        acc += np.einsum("nit,oi->not", xp[:, :, j:j + t], w[:, :, j])
    return acc


def _requant(acc, m, zy=0, lo=0, hi=15):
    """clamp(round_half_even(acc*M)+zy); M a binary fraction -> exact in f64."""
    m = np.asarray([float(v) for v in np.atleast_1d(m)], np.float64)
    y = np.rint(acc.astype(np.float64) * m[None, :, None]).astype(np.int64) + zy
    return np.clip(y, lo, hi)


def _maxpool2(y):
    t = y.shape[2] // 2
    return y[:, :, :2 * t].reshape(y.shape[0], y.shape[1], t, 2).max(axis=3)


def reference(spec, x):
    """x float32 [N,1,L] -> (logits float32 [N,5], {name: int activations})."""
    x = np.asarray(x, np.float32)
    q = np.clip(np.rint(x / spec.sx) + spec.zx, 0, 255).astype(np.int64)
    acts = {"x_q": q}
    m_stem = Fraction(float(spec.sx)) * Fraction(float(spec.stem_sw)) / Fraction(float(spec.sa))
    y = _maxpool2(_requant(_conv1d_int(q - spec.zx, spec.stem_w, spec.stem_b, K_STEM // 2), [m_stem] * C))
    acts["stem_out"] = y
    for i, b in enumerate(spec.blocks):
        s_in = Fraction(float(spec.in_scale(i)))
        ms = [s_in * Fraction(float(spec.block_sw[c])) / Fraction(float(b["out_scale"])) for c in range(C)]
        y = _maxpool2(_requant(_conv1d_int(y, spec.weights[b["w"]], spec.biases[b["b"]], K // 2), ms))
        acts["block%d_out" % (i + 1)] = y
    flat = y.reshape(y.shape[0], -1)
    acc = flat @ spec.fc_w.T + spec.fc_b[None, :]
    logits = (acc.astype(np.float64) * float(spec.last_scale()) * float(spec.fc_sw)).astype(np.float32)
    return logits, acts


def reference_outputs(spec, x):
    """Graph outputs in order, as float32 arrays [N, ...]."""
    logits, acts = reference(spec, x)
    outs = [logits]
    for i in spec.branch_outputs:
        outs.append((acts["block%d_out" % (i + 1)] * float(spec.blocks[i]["out_scale"])).astype(np.float32))
    return outs


# --------------------------------------------------------------------------
# float values of the parameters
# --------------------------------------------------------------------------
def stem_bias_f(spec):
    return (spec.stem_b * np.float64(spec.sx) * np.float64(spec.stem_sw)).astype(np.float32)


def block_bias_f(spec, i):
    b = spec.biases[spec.blocks[i]["b"]]
    return (b * np.float64(spec.in_scale(i)) * spec.block_sw.astype(np.float64)).astype(np.float32)


def fc_bias_f(spec):
    return (spec.fc_b * np.float64(spec.last_scale()) * np.float64(spec.fc_sw)).astype(np.float32)


def _check_exact(f, ints, scale):
    assert np.array_equal(f.astype(np.float64) / np.asarray(scale, np.float64), ints)


class _Names:
    """Initializer naming shared by the emitters: a block's weight / bias
    initializer is shared unless spec.separate_inits."""

    def __init__(self, spec):
        self.spec = spec

    def w(self, i):
        b = self.spec.blocks[i]
        return "%s_b%d" % (b["w"], i + 1) if self.spec.separate_inits else b["w"]

    def b(self, i):
        """Bias init name: float bias depends on the block's input scale."""
        s = self.spec
        b = s.blocks[i]
        key = "%s_s%s" % (b["b"], _scale_tag(s.in_scale(i)))
        return key + "_b%d" % (i + 1) if s.separate_inits else key


def _scale_tag(s):
    return ("%g" % float(s)).replace(".", "p").replace("-", "m")


def _io(spec):
    b = "N" if spec.dynamic_batch else 1
    inputs = [vinfo("x", FLOAT, [b, 1, spec.L])]
    outputs = [vinfo("logits", FLOAT, [b, CLASSES])]
    ls = spec.lengths()
    for i in spec.branch_outputs:
        outputs.append(vinfo("block%d_out" % (i + 1), FLOAT, [b, C, ls[i + 1] // 2]))
    return inputs, outputs


class _Graph:
    """The nodes and initializers of a model being emitted; an initializer
    is kept once per name (blocks share scales and zero points)."""

    def __init__(self):
        self.nodes, self.inits, self.seen = [], [], set()

    def init(self, t):
        if t.name not in self.seen:
            self.seen.add(t.name)
            self.inits.append(t)

    def act_scale(self, scale):
        """The name of the initializer holding activation scale `scale`
        (one per value), added if new."""
        name = "act_scale_" + _scale_tag(scale)
        self.init(f32(name, scale))
        return name

    def build(self, spec, name, **kwargs):
        """The model, with input x and outputs logits (and the branch
        outputs); kwargs go to onnx_util.model (opset, extra_opsets)."""
        ins, outs = _io(spec)
        return model(self.nodes, name, ins, outs, self.inits, **kwargs)


def _quantize_input(g, spec, dequantize=True):
    """x -> QuantizeLinear "x_q" (uint8, scale sx, zero point zx), then
    DequantizeLinear "x_dq" unless the model reads x_q itself."""
    g.init(f32("x.scale", spec.sx))
    g.init(tensor("x.zero_point", spec.zx, np.uint8))
    g.nodes.append(node("QuantizeLinear", ["x", "x.scale", "x.zero_point"], ["x_q"], "x_quant"))
    if dequantize:
        g.nodes.append(node("DequantizeLinear", ["x_q", "x.scale", "x.zero_point"], ["x_dq"],
                            "x_dequant"))


# --------------------------------------------------------------------------
# QDQ form (opset 13): int8/uint8 containers, 4-bit ranges made by Clip
# --------------------------------------------------------------------------
def emit_qdq(spec, name, clip_style="float"):
    """clip_style 'float': Relu -> Clip(0, 15*s) on the float value -> Q -> DQ.
    clip_style 'qclip': Relu -> Q(uint8) -> Clip(0, 15) on uint8 -> DQ."""
    nm = _Names(spec)
    g = _Graph()
    nodes, seen, init = g.nodes, g.seen, g.init
    _quantize_input(g, spec)

    def act(prefix, conv_out, out_scale, pooled_name):
        s = g.act_scale(out_scale)
        init(tensor("act.zero_point", 0, np.uint8))
        init(f32("relu.min", 0.0))
        nodes.append(node("Relu", [conv_out], [prefix + "_relu"], prefix + "_relu"))
        if clip_style == "float":
            init(f32("clip4.max_" + _scale_tag(out_scale), 15 * float(out_scale)))
            nodes.append(node("Clip", [prefix + "_relu", "relu.min", "clip4.max_" + _scale_tag(out_scale)],
                              [prefix + "_clip"], prefix + "_clip4"))
            nodes.append(node("QuantizeLinear", [prefix + "_clip", s, "act.zero_point"], [prefix + "_q"], prefix + "_quant"))
            qn = prefix + "_q"
        else:
            init(tensor("u4.min", 0, np.uint8))
            init(tensor("u4.max", 15, np.uint8))
            nodes.append(node("QuantizeLinear", [prefix + "_relu", s, "act.zero_point"], [prefix + "_q8"], prefix + "_quant"))
            nodes.append(node("Clip", [prefix + "_q8", "u4.min", "u4.max"], [prefix + "_q"], prefix + "_clip4"))
            qn = prefix + "_q"
        nodes.append(node("DequantizeLinear", [qn, s, "act.zero_point"], [prefix + "_dq"], prefix + "_dequant"))
        nodes.append(node("MaxPool", [prefix + "_dq"], [prefix + "_pool"], prefix + "_pool", kernel_shape=[2], strides=[2]))
        # ORT's QDQ quantizer re-quantizes after MaxPool with the same scale
        nodes.append(node("QuantizeLinear", [prefix + "_pool", s, "act.zero_point"], [prefix + "_pool_q"], prefix + "_pool_quant"))
        nodes.append(node("DequantizeLinear", [prefix + "_pool_q", s, "act.zero_point"], [pooled_name], prefix + "_pool_dequant"))

    # stem: weights int8 initializer (int4 values) + DQ per tensor, bias int32 + DQ
    init(tensor("stem.w_q", spec.stem_w, np.int8))
    init(f32("stem.w_scale", spec.stem_sw))
    init(tensor("w.zero_point", 0, np.int8))
    init(tensor("stem.b_q", spec.stem_b, np.int32))
    init(f32("stem.b_scale", np.float32(spec.sx * spec.stem_sw)))
    init(tensor("b.zero_point", 0, np.int32))
    nodes += [node("DequantizeLinear", ["stem.w_q", "stem.w_scale", "w.zero_point"], ["stem.w"], "stem_w_dequant"),
              node("DequantizeLinear", ["stem.b_q", "stem.b_scale", "b.zero_point"], ["stem.b"], "stem_b_dequant"),
              node("Conv", ["x_dq", "stem.w", "stem.b"], ["stem_conv"], "stem_conv",
                   kernel_shape=[K_STEM], pads=[1, 1])]
    act("stem", "stem_conv", spec.sa, "stem_out")
    prev = "stem_out"
    zc = np.zeros(C, np.int8)
    for i, b in enumerate(spec.blocks):
        p = "block%d" % (i + 1)
        wn, bn = nm.w(i), nm.b(i)
        if wn + "_q" not in seen:
            init(tensor(wn + "_q", spec.weights[b["w"]], np.int8))
            init(f32("block.w_scale", spec.block_sw))
            init(tensor("block.w_zero_point", zc, np.int8))
            nodes.append(node("DequantizeLinear", [wn + "_q", "block.w_scale", "block.w_zero_point"],
                              [wn], wn + "_dequant", axis=0))
        if bn + "_q" not in seen:
            bs = (np.float64(spec.in_scale(i)) * spec.block_sw.astype(np.float64)).astype(np.float32)
            init(tensor(bn + "_q", spec.biases[b["b"]], np.int32))
            init(f32(bn + "_scale", bs))
            init(tensor("block.b_zero_point", np.zeros(C, np.int32), np.int32))
            nodes.append(node("DequantizeLinear", [bn + "_q", bn + "_scale", "block.b_zero_point"],
                              [bn], bn + "_dequant", axis=0))
        nodes.append(node("Conv", [prev, wn, bn], [p + "_conv"], p + "_conv", kernel_shape=[K], pads=[2, 2]))
        out = "block%d_out" % (i + 1) if i in spec.branch_outputs else p + "_out"
        act(p, p + "_conv", b["out_scale"], out)
        prev = out
    init(tensor("fc.w_q", spec.fc_w, np.int8))
    init(f32("fc.w_scale", spec.fc_sw))
    init(tensor("fc.b_q", spec.fc_b, np.int32))
    init(f32("fc.b_scale", np.float32(np.float64(spec.last_scale()) * spec.fc_sw)))
    nodes += [node("Flatten", [prev], ["flat"], "flatten", axis=1),
              node("DequantizeLinear", ["fc.w_q", "fc.w_scale", "w.zero_point"], ["fc.w"], "fc_w_dequant"),
              node("DequantizeLinear", ["fc.b_q", "fc.b_scale", "b.zero_point"], ["fc.b"], "fc_b_dequant"),
              node("Gemm", ["flat", "fc.w", "fc.b"], ["logits"], "fc", transB=1)]
    return g.build(spec, name, opset=13)


# --------------------------------------------------------------------------
# INT4 form (opset 21): int4 weight initializers, uint4 activations
# --------------------------------------------------------------------------
def emit_int4(spec, name):
    nm = _Names(spec)
    g = _Graph()
    nodes, seen, init = g.nodes, g.seen, g.init
    _quantize_input(g, spec)

    def act(prefix, conv_out, out_scale, pooled):
        s = g.act_scale(out_scale)
        nodes.append(node("Relu", [conv_out], [prefix + "_relu"], prefix + "_relu"))
        # uint4 saturation makes the 4-bit range; no zero point -> output_dtype
        nodes.append(node("QuantizeLinear", [prefix + "_relu", s], [prefix + "_q"], prefix + "_quant",
                          output_dtype=UINT4))
        nodes.append(node("DequantizeLinear", [prefix + "_q", s], [prefix + "_dq"], prefix + "_dequant"))
        nodes.append(node("MaxPool", [prefix + "_dq"], [pooled], prefix + "_pool", kernel_shape=[2], strides=[2]))

    init(int4_tensor("stem.w_q", spec.stem_w, signed=True))
    init(f32("stem.w_scale", spec.stem_sw))
    nodes += [node("DequantizeLinear", ["stem.w_q", "stem.w_scale"], ["stem.w"], "stem_w_dequant"),
              node("Conv", ["x_dq", "stem.w"], ["stem_conv0"], "stem_conv", kernel_shape=[K_STEM], pads=[1, 1])]
    # bias added by a separate Add (as some exporters split it), broadcast [C,1]
    sb = stem_bias_f(spec)
    _check_exact(sb, spec.stem_b, np.float64(spec.sx) * np.float64(spec.stem_sw))
    init(f32("stem.b", sb.reshape(C, 1)))
    nodes.append(node("Add", ["stem_conv0", "stem.b"], ["stem_conv"], "stem_bias"))
    act("stem", "stem_conv", spec.sa, "stem_out")
    prev = "stem_out"
    for i, b in enumerate(spec.blocks):
        p = "block%d" % (i + 1)
        wn, bn = nm.w(i), nm.b(i)
        init(int4_tensor(wn + "_q", spec.weights[b["w"]], signed=True))
        init(f32("block.w_scale", spec.block_sw))
        init(int4_tensor("block.w_zero_point", np.zeros(C, np.int64), signed=True))
        # one DequantizeLinear per Conv, all reading the same int4 initializer
        nodes.append(node("DequantizeLinear", [wn + "_q", "block.w_scale", "block.w_zero_point"],
                          [p + "_w"], p + "_w_dequant", axis=0))
        if bn + "_q" not in seen:
            bs = (np.float64(spec.in_scale(i)) * spec.block_sw.astype(np.float64)).astype(np.float32)
            init(tensor(bn + "_q", spec.biases[b["b"]], np.int32))
            init(f32(bn + "_scale", bs))
            nodes.append(node("DequantizeLinear", [bn + "_q", bn + "_scale"], [bn], bn + "_dequant", axis=0))
        nodes.append(node("Conv", [prev, p + "_w", bn], [p + "_conv"], p + "_conv", kernel_shape=[K], pads=[2, 2]))
        out = "block%d_out" % (i + 1) if i in spec.branch_outputs else p + "_out"
        act(p, p + "_conv", b["out_scale"], out)
        prev = out
    init(int4_tensor("fc.w_q", spec.fc_w, signed=True))
    init(f32("fc.w_scale", spec.fc_sw))
    fb = fc_bias_f(spec)
    init(f32("fc.b", fb))
    nodes += [node("Flatten", [prev], ["flat"], "flatten", axis=1),
              node("DequantizeLinear", ["fc.w_q", "fc.w_scale"], ["fc.w"], "fc_w_dequant"),
              node("Gemm", ["flat", "fc.w", "fc.b"], ["logits"], "fc", transB=1)]
    return g.build(spec, name, opset=21)


# --------------------------------------------------------------------------
# QOperator form (opset 13): QLinearConv chain, MatMulInteger head
# --------------------------------------------------------------------------
def emit_qop(spec, name):
    nm = _Names(spec)
    g = _Graph()
    nodes, init = g.nodes, g.init
    _quantize_input(g, spec, dequantize=False)
    init(tensor("act.zero_point", 0, np.uint8))
    init(tensor("u4.min", 0, np.uint8))
    init(tensor("u4.max", 15, np.uint8))

    def tail(prefix, conv_out, pooled, out_scale, export):
        nodes.append(node("Clip", [conv_out, "u4.min", "u4.max"], [prefix + "_clip"], prefix + "_clip4"))
        q_out = prefix + "_pool_q"
        nodes.append(node("MaxPool", [prefix + "_clip"], [q_out], prefix + "_pool", kernel_shape=[2], strides=[2]))
        if export:
            s = "act_scale_" + _scale_tag(out_scale)
            nodes.append(node("DequantizeLinear", [q_out, s, "act.zero_point"], [pooled], prefix + "_export_dequant"))
        return q_out

    s_a = g.act_scale(spec.sa)
    init(tensor("stem.w_q", spec.stem_w, np.int8))
    init(f32("stem.w_scale", spec.stem_sw))
    init(tensor("w.zero_point", 0, np.int8))
    init(tensor("stem.b_q", spec.stem_b, np.int32))
    # output zero point 0 on uint8: negative values saturate to 0 (fused ReLU)
    nodes.append(node("QLinearConv", ["x_q", "x.scale", "x.zero_point", "stem.w_q", "stem.w_scale", "w.zero_point",
                                      s_a, "act.zero_point", "stem.b_q"], ["stem_conv_q"], "stem_qconv",
                      kernel_shape=[K_STEM], pads=[1, 1]))
    prev = tail("stem", "stem_conv_q", None, spec.sa, False)
    prev_scale = s_a
    for i, b in enumerate(spec.blocks):
        p = "block%d" % (i + 1)
        wn, bn = nm.w(i), nm.b(i)
        s_out = g.act_scale(b["out_scale"])
        init(tensor(wn + "_q", spec.weights[b["w"]], np.int8))
        init(f32("block.w_scale", spec.block_sw))
        init(tensor("block.w_zero_point", np.zeros(C, np.int8), np.int8))
        init(tensor(bn + "_q", spec.biases[b["b"]], np.int32))
        nodes.append(node("QLinearConv", [prev, prev_scale, "act.zero_point", wn + "_q", "block.w_scale",
                                          "block.w_zero_point", s_out, "act.zero_point", bn + "_q"],
                          [p + "_conv_q"], p + "_qconv", kernel_shape=[K], pads=[2, 2]))
        prev = tail(p, p + "_conv_q", "block%d_out" % (i + 1), b["out_scale"], i in spec.branch_outputs)
        prev_scale = s_out
    init(tensor("fc.wT_q", spec.fc_w.T, np.int8))
    init(f32("fc.scale", np.float32(np.float64(spec.last_scale()) * spec.fc_sw)))
    init(f32("fc.b", fc_bias_f(spec)))
    nodes += [node("Flatten", [prev], ["flat_q"], "flatten", axis=1),
              node("MatMulInteger", ["flat_q", "fc.wT_q", "act.zero_point", "w.zero_point"], ["fc_acc"], "fc_matmulinteger"),
              node("Cast", ["fc_acc"], ["fc_acc_f"], "fc_cast", to=FLOAT),
              node("Mul", ["fc_acc_f", "fc.scale"], ["fc_mul"], "fc_rescale"),
              node("Add", ["fc_mul", "fc.b"], ["logits"], "fc_bias")]
    return g.build(spec, name, opset=13)


# --------------------------------------------------------------------------
# QONNX form: Quant nodes as Brevitas exports them
# --------------------------------------------------------------------------
def qonnx_quant_function(domain):
    """FunctionProto defining Quant(x, scale, zeropt, bitwidth) with attributes
    signed / narrow / rounding_mode ("ROUND" only) by standard ops, so that
    ONNX Runtime can run a QONNX graph (companion *.ort.onnx files only):
        y = (clip(round(x/scale + zeropt), qmin, qmax) - zeropt) * scale
        signed: qmin = -2^(b-1) + narrow, qmax = 2^(b-1) - 1
        unsigned: qmin = 0, qmax = 2^b - 1 - narrow
    """
    n = []
    for out, ref in (("signed_i", "signed"), ("narrow_i", "narrow")):
        a = AttributeProto()
        a.name, a.ref_attr_name, a.type = "value_int", ref, AttributeProto.INT
        c = helper.make_node("Constant", [], [out])
        c.attribute.append(a)
        n.append(c)
    mk = helper.make_node
    n += [mk("Cast", ["signed_i"], ["sg"], to=FLOAT), mk("Cast", ["narrow_i"], ["nw"], to=FLOAT),
          mk("Constant", [], ["two"], value=helper.make_tensor("two", FLOAT, [], [2.0])),
          mk("Constant", [], ["one"], value=helper.make_tensor("one", FLOAT, [], [1.0])),
          mk("Pow", ["two", "bitwidth"], ["p"]), mk("Div", ["p", "two"], ["half"]),
          mk("Sub", ["nw", "half"], ["smin"]), mk("Mul", ["sg", "smin"], ["qmin"]),
          mk("Sub", ["half", "one"], ["smax"]), mk("Sub", ["p", "one"], ["u1"]),
          mk("Sub", ["u1", "nw"], ["umax"]), mk("Sub", ["one", "sg"], ["ns"]),
          mk("Mul", ["sg", "smax"], ["a1"]), mk("Mul", ["ns", "umax"], ["a2"]),
          mk("Add", ["a1", "a2"], ["qmax"]),
          mk("Div", ["x", "scale"], ["xs"]), mk("Add", ["xs", "zeropt"], ["xz"]),
          mk("Round", ["xz"], ["xr"]), mk("Max", ["xr", "qmin"], ["xl"]),
          mk("Min", ["xl", "qmax"], ["xc"]), mk("Sub", ["xc", "zeropt"], ["xd"]),
          mk("Mul", ["xd", "scale"], ["y"])]
    return helper.make_function(domain, "Quant", ["x", "scale", "zeropt", "bitwidth"], ["y"], n,
                                [helper.make_opsetid("", 13)],
                                attributes=["signed", "narrow", "rounding_mode"])


def with_quant_functions(m):
    """Companion model for ONNX Runtime: the same graph plus model-local
    function definitions of Quant for every QONNX-like domain it imports."""
    m2 = copy.deepcopy(m)
    doms = {n.domain for n in m2.graph.node if n.op_type == "Quant"}
    for d in sorted(doms):
        m2.functions.append(qonnx_quant_function(d))
    m2.ir_version = max(m2.ir_version, 8)
    return m2


def quant(nodes, x, scale, zp, bw, out, name, signed, narrow=0, domain=QONNX_DOMAIN):
    nodes.append(node("Quant", [x, scale, zp, bw], [out], name, domain=domain,
                      signed=signed, narrow=narrow, rounding_mode="ROUND"))


def off_grid(ints, scale, rng, amp=0.3):
    """Float weights that Quant rounds back to `ints` (as trained weights are)."""
    noise = rng.uniform(-amp, amp, size=np.shape(ints))
    return ((np.asarray(ints) + noise) * np.asarray(scale, np.float64)).astype(np.float32)


def emit_qonnx(spec, name, domain=QONNX_DOMAIN, seed=7):
    rng = np.random.default_rng(seed)
    nm = _Names(spec)
    g = _Graph()
    nodes, init = g.nodes, g.init
    for v in (0, 4, 8):
        init(f32("bw%d" % v if v else "zero", float(v)))
    init(f32("x.scale", spec.sx))
    init(f32("x.zero_point", float(spec.zx)))
    quant(nodes, "x", "x.scale", "x.zero_point", "bw8", "x_quant", "x_quant", signed=0, domain=domain)

    def act(prefix, conv_out, out_scale, pooled):
        s = g.act_scale(out_scale)
        nodes.append(node("Relu", [conv_out], [prefix + "_relu"], prefix + "_relu"))
        quant(nodes, prefix + "_relu", s, "zero", "bw4", prefix + "_act", prefix + "_act_quant", signed=0, domain=domain)
        nodes.append(node("MaxPool", [prefix + "_act"], [pooled], prefix + "_pool", kernel_shape=[2], strides=[2]))

    init(f32("stem.weight", off_grid(spec.stem_w, spec.stem_sw, rng)))
    init(f32("stem.w_scale", spec.stem_sw))
    init(f32("stem.bias", stem_bias_f(spec)))
    quant(nodes, "stem.weight", "stem.w_scale", "zero", "bw4", "stem_wq", "stem_weight_quant", signed=1, domain=domain)
    nodes.append(node("Conv", ["x_quant", "stem_wq", "stem.bias"], ["stem_conv"], "stem_conv",
                      kernel_shape=[K_STEM], pads=[1, 1]))
    act("stem", "stem_conv", spec.sa, "stem_out")
    prev = "stem_out"
    wfloat = {k: off_grid(v, spec.block_sw.reshape(C, 1, 1), rng) for k, v in spec.weights.items()}
    for i, b in enumerate(spec.blocks):
        p = "block%d" % (i + 1)
        wn, bn = nm.w(i), nm.b(i)
        init(f32(wn + ".weight", wfloat[b["w"]]))
        init(f32("block.w_scale", spec.block_sw.reshape(C, 1, 1)))
        init(f32(bn + ".bias", block_bias_f(spec, i)))
        # Brevitas re-quantizes the weight at each call of the shared module
        quant(nodes, wn + ".weight", "block.w_scale", "zero", "bw4", p + "_wq", p + "_weight_quant", signed=1, domain=domain)
        nodes.append(node("Conv", [prev, p + "_wq", bn + ".bias"], [p + "_conv"], p + "_conv",
                          kernel_shape=[K], pads=[2, 2]))
        out = "block%d_out" % (i + 1) if i in spec.branch_outputs else p + "_out"
        act(p, p + "_conv", b["out_scale"], out)
        prev = out
    init(f32("fc.weight", off_grid(spec.fc_w, spec.fc_sw, rng)))
    init(f32("fc.w_scale", spec.fc_sw))
    init(f32("fc.bias", fc_bias_f(spec)))
    quant(nodes, "fc.weight", "fc.w_scale", "zero", "bw4", "fc_wq", "fc_weight_quant", signed=1, domain=domain)
    nodes += [node("Flatten", [prev], ["flat"], "flatten", axis=1),
              node("Gemm", ["flat", "fc_wq", "fc.bias"], ["logits"], "fc", transB=1)]
    return g.build(spec, name, opset=13, extra_opsets=[(domain, 1)])


# --------------------------------------------------------------------------
# statistics (used to choose the parameters; also written to the manifest)
# --------------------------------------------------------------------------
def activation_stats(spec, n=64, seed=5):
    rng = np.random.default_rng(seed)
    t = np.linspace(0, 1, spec.L, dtype=np.float32)
    # ECG-like: a few bumps plus noise, within the input quantizer's range
    x = np.zeros((n, 1, spec.L), np.float32)
    for k in range(n):
        c = rng.uniform(0.3, 0.7)
        x[k, 0] = (rng.uniform(0.5, 1.4) * np.exp(-((t - c) / 0.02) ** 2)
                   - 0.3 * np.exp(-((t - c - 0.08) / 0.04) ** 2)
                   + rng.normal(0, 0.05, spec.L))
    _, acts = reference(spec, x)
    out = {}
    for k, v in acts.items():
        if k == "x_q":
            continue
        out[k] = {"zero": round(float((v == 0).mean()), 3), "sat15": round(float((v == 15).mean()), 3),
                  "mean": round(float(v.mean()), 2)}
    return out
