#!/usr/bin/python3
"""Generate qrcnn's ONNX test models.

    /usr/bin/python3 test/models/gen_models.py OUTDIR [--no-torch] [--only SUBSTR]

Writes OUTDIR/*.onnx, OUTDIR/manifest.json, OUTDIR/bad/*.onnx and
OUTDIR/bad/manifest.json. Deterministic: every model's random values come
from a seed derived from its name, so the same command writes the same bytes
(the torch-exported model aside, whose bytes also carry torch's version).

Needs Debian's python3-onnx (1.12), numpy and (for form g) torch. INT4/UINT4
(ONNX 1.16) are written by number; see onnx_util.py.
"""

import argparse
import json
import os
import sys
import zlib

import numpy as np
import onnx
from onnx import numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from onnx_util import (FLOAT, INT8, INT64, UINT4, INT4,  # noqa: E402
                       f32, i64, tensor, int4_tensor, vinfo, node, model,
                       describe_value, dyadic)
import qrcnn  # noqa: E402
import bad_models  # noqa: E402

MANIFEST_VERSION = 1


def rng_for(name):
    return np.random.default_rng(zlib.crc32(name.encode()))


def rnd(rng, shape, lo=-1.0, hi=1.0):
    return rng.uniform(lo, hi, size=shape).astype(np.float32)


class Registry:
    def __init__(self, outdir, only=None):
        self.outdir = outdir
        self.only = only
        self.entries = []

    def want(self, name):
        return self.only is None or self.only in name

    def add(self, name, form, description, m, covers=(), qrcnn_info=None,
            expect="accept", ort=None, notes=None, extra=None):
        if not self.want(name):
            return
        path = os.path.join(self.outdir, name + ".onnx")
        with open(path, "wb") as f:
            f.write(m.SerializeToString())
        opsets = {(o.domain or "ai.onnx"): o.version for o in m.opset_import}
        init_names = {t.name for t in m.graph.initializer}
        e = {
            "name": name,
            "file": name + ".onnx",
            "form": form,
            "description": description,
            "opsets": opsets,
            "ir_version": m.ir_version,
            "covers": sorted(set(covers) | {n.op_type for n in m.graph.node}),
            "inputs": [describe_value(v) for v in m.graph.input if v.name not in init_names],
            "outputs": [describe_value(v) for v in m.graph.output],
            "frontend_expect": expect,
            "ort": {"runs": True, "opt": "all"},
        }
        if ort:
            e["ort"].update(ort)
        if form == "qonnx":
            comp = qrcnn.with_quant_functions(m)
            cname = name + ".ort.onnx"
            with open(os.path.join(self.outdir, cname), "wb") as f:
                f.write(comp.SerializeToString())
            e["ort"]["file"] = cname
            e["ort"]["note"] = ("ONNX Runtime has no QONNX Quant kernel; the companion file is the same "
                                "graph plus model-local FunctionProto definitions of Quant in standard ops")
        if qrcnn_info is not None:
            e["qrcnn"] = qrcnn_info
        if notes:
            e["notes"] = notes
        if extra:
            e.update(extra)
        self.entries.append(e)


# ==========================================================================
# a. float graphs
# ==========================================================================
def single(r, name, nodes, inits, ins, outs, opset, desc, covers=(), **kw):
    r.add(name, "float", desc, model(nodes, name, ins, outs, inits, opset=opset), covers=covers, **kw)


def gen_float(r):
    # ---- Conv 1-D ----
    for op in (11, 13, 21):
        n = "float_conv1d_pads_op%d" % op
        g = rng_for(n)
        single(r, n, [node("Conv", ["x", "W", "B"], ["y"], "conv", pads=[1, 2])],
               [f32("W", rnd(g, (4, 2, 3))), f32("B", rnd(g, 4))],
               [vinfo("x", FLOAT, [1, 2, 20])], [vinfo("y", FLOAT, [1, 4, 21])], op,
               "Conv 1-D with asymmetric explicit pads [1,2], bias, no kernel_shape attribute")
    for ap in ("SAME_UPPER", "SAME_LOWER"):
        n = "float_conv1d_%s_stride2" % ap.lower()
        g = rng_for(n)
        single(r, n, [node("Conv", ["x", "W", "B"], ["y"], "conv", auto_pad=ap, strides=[2], kernel_shape=[4])],
               [f32("W", rnd(g, (3, 2, 4))), f32("B", rnd(g, 3))],
               [vinfo("x", FLOAT, [1, 2, 15])], [vinfo("y", FLOAT, [1, 3, 8])], 13,
               "Conv 1-D auto_pad=%s, stride 2, even kernel: total pad 3 split %s" %
               (ap, "1 begin / 2 end" if ap == "SAME_UPPER" else "2 begin / 1 end"))
    n = "float_conv1d_valid_dilation2"
    g = rng_for(n)
    single(r, n, [node("Conv", ["x", "W", "B"], ["y"], "conv", auto_pad="VALID", dilations=[2], kernel_shape=[3])],
           [f32("W", rnd(g, (3, 2, 3))), f32("B", rnd(g, 3))],
           [vinfo("x", FLOAT, [1, 2, 20])], [vinfo("y", FLOAT, [1, 3, 16])], 13,
           "Conv 1-D auto_pad=VALID with dilation 2")
    n = "float_conv1d_group2"
    g = rng_for(n)
    single(r, n, [node("Conv", ["x", "W", "B"], ["y"], "conv", group=2, pads=[1, 1], kernel_shape=[3])],
           [f32("W", rnd(g, (6, 2, 3))), f32("B", rnd(g, 6))],
           [vinfo("x", FLOAT, [1, 4, 12])], [vinfo("y", FLOAT, [1, 6, 12])], 13,
           "Conv 1-D group=2 (4 -> 6 channels)")
    n = "float_conv1d_depthwise_stride2"
    g = rng_for(n)
    single(r, n, [node("Conv", ["x", "W"], ["y"], "conv", group=4, pads=[2, 2], strides=[2], kernel_shape=[5])],
           [f32("W", rnd(g, (4, 1, 5)))],
           [vinfo("x", FLOAT, [1, 4, 12])], [vinfo("y", FLOAT, [1, 4, 6])], 13,
           "Conv 1-D depthwise (group = channels = 4), stride 2, no bias")
    # ---- Conv 2-D ----
    n = "float_conv2d_pads_strides_dilations"
    g = rng_for(n)
    single(r, n, [node("Conv", ["x", "W", "B"], ["y"], "conv", pads=[1, 0, 2, 1], strides=[2, 1],
                       dilations=[1, 2], kernel_shape=[3, 3])],
           [f32("W", rnd(g, (4, 3, 3, 3))), f32("B", rnd(g, 4))],
           [vinfo("x", FLOAT, [1, 3, 10, 12])], [vinfo("y", FLOAT, [1, 4, 6, 9])], 13,
           "Conv 2-D, pads [h0=1,w0=0,h1=2,w1=1], strides [2,1], dilations [1,2]")
    for ap in ("SAME_UPPER", "SAME_LOWER"):
        n = "float_conv2d_%s_stride2" % ap.lower()
        g = rng_for(n)
        single(r, n, [node("Conv", ["x", "W"], ["y"], "conv", auto_pad=ap, strides=[2, 2], kernel_shape=[3, 3])],
               [f32("W", rnd(g, (3, 2, 3, 3)))],
               [vinfo("x", FLOAT, [1, 2, 7, 8])], [vinfo("y", FLOAT, [1, 3, 4, 4])], 13,
               "Conv 2-D auto_pad=%s, stride 2 (odd and even spatial sizes)" % ap)
    n = "float_conv2d_group2"
    g = rng_for(n)
    single(r, n, [node("Conv", ["x", "W", "B"], ["y"], "conv", group=2, pads=[1, 1, 1, 1], kernel_shape=[3, 3])],
           [f32("W", rnd(g, (4, 2, 3, 3))), f32("B", rnd(g, 4))],
           [vinfo("x", FLOAT, [1, 4, 6, 6])], [vinfo("y", FLOAT, [1, 4, 6, 6])], 11,
           "Conv 2-D group=2, opset 11")
    # ---- activations ----
    x = [vinfo("x", FLOAT, [1, 4, 10])]
    y = [vinfo("y", FLOAT, [1, 4, 10])]
    single(r, "float_relu_op13", [node("Relu", ["x"], ["y"], "relu")], [], x, y, 13, "Relu")
    single(r, "float_leakyrelu_op13", [node("LeakyRelu", ["x"], ["y"], "leaky", alpha=0.1)], [], x, y, 13,
           "LeakyRelu alpha=0.1")
    for op in (11, 13, 21):
        single(r, "float_clip_inputs_op%d" % op,
               [node("Clip", ["x", "lo", "hi"], ["y"], "clip")], [f32("lo", -0.25), f32("hi", 0.5)], x, y, op,
               "Clip, opset-11+ form: min and max as scalar initializer inputs")
    single(r, "float_clip_max_only_op13", [node("Clip", ["x", "", "hi"], ["y"], "clip")], [f32("hi", 0.75)],
           x, y, 13, "Clip with the min input omitted (empty name), max given")
    single(r, "float_clip_attr_op10", [node("Clip", ["x"], ["y"], "clip", min=0.0, max=0.5)], [], x, y, 10,
           "Clip, opset-6 attribute form (Clip-6 is current in opsets 6..10; model stamped opset 10)")
    single(r, "float_clip_constant_bounds_op13",
           [node("Constant", [], ["lo"], "c_lo", value=onnx.helper.make_tensor("v", FLOAT, [], [0.0])),
            node("Constant", [], ["hi"], "c_hi", value=onnx.helper.make_tensor("v", FLOAT, [], [0.375])),
            node("Clip", ["x", "lo", "hi"], ["y"], "clip")], [], x, y, 13,
           "Clip whose bounds come from Constant nodes rather than initializers")
    # ---- pooling ----
    single(r, "float_maxpool1d_k2s2", [node("MaxPool", ["x"], ["y"], "pool", kernel_shape=[2], strides=[2])], [],
           [vinfo("x", FLOAT, [1, 3, 11])], [vinfo("y", FLOAT, [1, 3, 5])], 13,
           "MaxPool 1-D k=2 s=2 on odd length (floor)")
    single(r, "float_maxpool1d_ceil", [node("MaxPool", ["x"], ["y"], "pool", kernel_shape=[2], strides=[2],
                                            ceil_mode=1)], [],
           [vinfo("x", FLOAT, [1, 3, 11])], [vinfo("y", FLOAT, [1, 3, 6])], 13, "MaxPool 1-D ceil_mode=1")
    single(r, "float_maxpool2d_k3s2p1", [node("MaxPool", ["x"], ["y"], "pool", kernel_shape=[3, 3], strides=[2, 2],
                                              pads=[1, 1, 1, 1])], [],
           [vinfo("x", FLOAT, [1, 2, 9, 9])], [vinfo("y", FLOAT, [1, 2, 5, 5])], 11, "MaxPool 2-D k3 s2 pad 1, opset 11")
    for cip in (0, 1):
        single(r, "float_avgpool2d_count_include_pad%d" % cip,
               [node("AveragePool", ["x"], ["y"], "pool", kernel_shape=[3, 3], pads=[1, 1, 1, 1],
                     count_include_pad=cip)], [],
               [vinfo("x", FLOAT, [1, 2, 6, 6])], [vinfo("y", FLOAT, [1, 2, 6, 6])], 13,
               "AveragePool 2-D k3 pad 1, count_include_pad=%d (border averages differ)" % cip)
    single(r, "float_avgpool1d_k4s2", [node("AveragePool", ["x"], ["y"], "pool", kernel_shape=[4], strides=[2])], [],
           [vinfo("x", FLOAT, [1, 3, 12])], [vinfo("y", FLOAT, [1, 3, 5])], 21, "AveragePool 1-D k4 s2, opset 21")
    single(r, "float_globalavgpool2d", [node("GlobalAveragePool", ["x"], ["y"], "gap")], [],
           [vinfo("x", FLOAT, [1, 4, 5, 5])], [vinfo("y", FLOAT, [1, 4, 1, 1])], 13, "GlobalAveragePool 2-D")
    single(r, "float_globalavgpool1d", [node("GlobalAveragePool", ["x"], ["y"], "gap")], [],
           [vinfo("x", FLOAT, [1, 4, 9])], [vinfo("y", FLOAT, [1, 4, 1])], 13, "GlobalAveragePool 1-D")
    # ---- shape ops ----
    single(r, "float_flatten_axis1", [node("Flatten", ["x"], ["y"], "flatten", axis=1)], [],
           [vinfo("x", FLOAT, [1, 3, 4, 5])], [vinfo("y", FLOAT, [1, 60])], 13, "Flatten axis=1")
    single(r, "float_flatten_axis2_op21", [node("Flatten", ["x"], ["y"], "flatten", axis=2)], [],
           [vinfo("x", FLOAT, [1, 3, 4, 5])], [vinfo("y", FLOAT, [3, 20])], 21, "Flatten axis=2, opset 21")
    for op in (11, 13, 21):
        single(r, "float_reshape_zero_minus1_op%d" % op,
               [node("Reshape", ["x", "shape"], ["y"], "reshape")], [i64("shape", [0, -1, 2])],
               [vinfo("x", FLOAT, [2, 3, 4])], [vinfo("y", FLOAT, [2, 6, 2])], op,
               "Reshape with a constant shape holding 0 (copy dim) and -1 (infer)" +
               (" (allowzero absent = 0)" if op >= 14 else ""))
    single(r, "float_squeeze_unsqueeze_attr_op11",
           [node("Squeeze", ["x"], ["s"], "squeeze", axes=[0, 2]),
            node("Unsqueeze", ["s"], ["y"], "unsqueeze", axes=[0, -1])], [],
           [vinfo("x", FLOAT, [1, 3, 1, 4])], [vinfo("y", FLOAT, [1, 3, 4, 1])], 11,
           "Squeeze/Unsqueeze with axes as attribute (opsets 11/12), negative axis")
    for op in (13, 21):
        single(r, "float_squeeze_unsqueeze_input_op%d" % op,
               [node("Squeeze", ["x", "sq_axes"], ["s"], "squeeze"),
                node("Unsqueeze", ["s", "unsq_axes"], ["y"], "unsqueeze")],
               [i64("sq_axes", [0, 2]), i64("unsq_axes", [0, -1])],
               [vinfo("x", FLOAT, [1, 3, 1, 4])], [vinfo("y", FLOAT, [1, 3, 4, 1])], op,
               "Squeeze/Unsqueeze with axes as an int64 input (opset 13+), negative axis")
    single(r, "float_transpose_identity", [node("Transpose", ["x"], ["y"], "transpose", perm=[0, 1, 2])], [],
           [vinfo("x", FLOAT, [1, 3, 5])], [vinfo("y", FLOAT, [1, 3, 5])], 13, "Transpose with identity permutation")
    single(r, "float_transpose_nchw_to_nhwc", [node("Transpose", ["x"], ["y"], "transpose", perm=[0, 2, 3, 1])], [],
           [vinfo("x", FLOAT, [1, 3, 4, 5])], [vinfo("y", FLOAT, [1, 4, 5, 3])], 13, "Transpose NCHW -> NHWC")
    # ---- Gemm / MatMul / Add / Mul ----
    n = "float_gemm_transB"
    g = rng_for(n)
    single(r, n, [node("Gemm", ["x", "W", "B"], ["y"], "gemm", transB=1)], [f32("W", rnd(g, (4, 6))), f32("B", rnd(g, 4))],
           [vinfo("x", FLOAT, [2, 6])], [vinfo("y", FLOAT, [2, 4])], 13, "Gemm transB=1 with bias (Linear layer)")
    n = "float_gemm_transA_alpha_beta"
    g = rng_for(n)
    single(r, n, [node("Gemm", ["x", "W", "B"], ["y"], "gemm", transA=1, alpha=0.5, beta=2.0)],
           [f32("W", rnd(g, (6, 4))), f32("B", rnd(g, (1, 4)))],
           [vinfo("x", FLOAT, [6, 2])], [vinfo("y", FLOAT, [2, 4])], 13, "Gemm transA=1, alpha=0.5, beta=2, C [1,4]")
    n = "float_gemm_no_c_op11"
    g = rng_for(n)
    single(r, n, [node("Gemm", ["x", "W"], ["y"], "gemm")], [f32("W", rnd(g, (6, 3)))],
           [vinfo("x", FLOAT, [1, 6])], [vinfo("y", FLOAT, [1, 3])], 11, "Gemm without C (optional since opset 11)")
    n = "float_matmul_add_bias"
    g = rng_for(n)
    single(r, n, [node("MatMul", ["x", "W"], ["m"], "matmul"), node("Add", ["m", "B"], ["y"], "bias_add")],
           [f32("W", rnd(g, (6, 3))), f32("B", rnd(g, 3))],
           [vinfo("x", FLOAT, [1, 5, 6])], [vinfo("y", FLOAT, [1, 5, 3])], 13, "MatMul 3-D x 2-D then Add bias (broadcast)")
    n = "float_add_broadcast"
    g = rng_for(n)
    single(r, n, [node("Add", ["x", "B"], ["a"], "add_const"), node("Relu", ["x"], ["r"], "relu"),
                  node("Add", ["a", "r"], ["y"], "add_tensors")], [f32("B", rnd(g, (4, 1)))],
           [vinfo("x", FLOAT, [1, 4, 6])], [vinfo("y", FLOAT, [1, 4, 6])], 13,
           "Add of a [4,1] constant (channel broadcast) and Add of two activations")
    n = "float_mul_const"
    g = rng_for(n)
    single(r, n, [node("Mul", ["x", "k"], ["a"], "mul_scalar"), node("Mul", ["a", "kc"], ["y"], "mul_channel")],
           [f32("k", 0.375), f32("kc", rnd(g, (4, 1)))],
           [vinfo("x", FLOAT, [1, 4, 6])], [vinfo("y", FLOAT, [1, 4, 6])], 13, "Mul by a scalar and by a per-channel constant")
    for op in (11, 21):
        n = "float_conv_batchnorm_op%d" % op
        g = rng_for(n)
        single(r, n, [node("Conv", ["x", "W", "B"], ["c"], "conv", kernel_shape=[3]),
                      node("BatchNormalization", ["c", "gamma", "beta", "mean", "var"], ["y"], "bn", epsilon=1e-3)],
               [f32("W", rnd(g, (4, 2, 3))), f32("B", rnd(g, 4)), f32("gamma", rnd(g, 4, 0.5, 1.5)),
                f32("beta", rnd(g, 4)), f32("mean", rnd(g, 4)), f32("var", rnd(g, 4, 0.5, 2.0))],
               [vinfo("x", FLOAT, [1, 2, 16])], [vinfo("y", FLOAT, [1, 4, 14])], op,
               "BatchNormalization (inference) after Conv, to fold into the conv")
    # ---- Softmax / ArgMax ----
    for op in (11, 13):
        single(r, "float_softmax_default_axis_op%d" % op, [node("Softmax", ["x"], ["y"], "softmax")], [],
               [vinfo("x", FLOAT, [1, 3, 4])], [vinfo("y", FLOAT, [1, 3, 4])], op,
               "Softmax with default axis: opset 11 = axis 1 over the coerced 2-D [1,12]; "
               "opset 13 = axis -1 over the last dim" if op == 11 else
               "Softmax with default axis (-1 since opset 13)")
    single(r, "float_argmax_keepdims_op11", [node("ArgMax", ["x"], ["y"], "argmax", axis=1, keepdims=1)], [],
           [vinfo("x", FLOAT, [1, 5])], [vinfo("y", INT64, [1, 1])], 11, "ArgMax axis=1 keepdims=1 (int64 output)")
    single(r, "float_argmax_nokeepdims_op13", [node("ArgMax", ["x"], ["y"], "argmax", axis=-1, keepdims=0)], [],
           [vinfo("x", FLOAT, [1, 5])], [vinfo("y", INT64, [1])], 13, "ArgMax axis=-1 keepdims=0 (int64 output)")
    # ---- Identity / Dropout / Constant ----
    single(r, "float_identity_dropout_op11",
           [node("Identity", ["x"], ["i"], "identity"), node("Dropout", ["i"], ["d"], "dropout", ratio=0.25),
            node("Relu", ["d"], ["y"], "relu")], [], x, y, 11, "Identity and Dropout-10 (ratio attribute) at inference")
    single(r, "float_identity_dropout_op13",
           [node("Identity", ["x"], ["i"], "identity"), node("Dropout", ["i", "ratio"], ["d", "mask"], "dropout"),
            node("Relu", ["d"], ["y"], "relu")], [f32("ratio", 0.25)], x, y, 13,
           "Identity and Dropout-13 (ratio input, unused mask output) at inference")
    n = "float_constant_nodes"
    g = rng_for(n)
    single(r, n, [node("Constant", [], ["c"], "const_tensor", value=numpy_helper.from_array(rnd(g, (4, 1)), "c")),
                  node("Constant", [], ["k"], "const_float", value_float=0.5),
                  node("Add", ["x", "c"], ["a"], "add"), node("Mul", ["a", "k"], ["y"], "mul")], [], x, y, 13,
           "Constant nodes (value tensor; value_float) feeding Add and Mul")
    # ---- Shape arithmetic constant at compile time ----
    for op in (11, 13):
        nodes = [node("Shape", ["x"], ["shp"], "shape"),
                 node("Gather", ["shp", "idx0"], ["d0"], "gather", axis=0)]
        inits = [i64("idx0", 0), i64("minus1", [-1])]
        if op == 11:
            nodes.append(node("Unsqueeze", ["d0"], ["d0v"], "unsqueeze", axes=[0]))
        else:
            nodes.append(node("Unsqueeze", ["d0", "axes0"], ["d0v"], "unsqueeze"))
            inits.append(i64("axes0", [0]))
        nodes += [node("Concat", ["d0v", "minus1"], ["newshape"], "concat", axis=0),
                  node("Reshape", ["x", "newshape"], ["y"], "reshape")]
        single(r, "float_shape_gather_concat_reshape_op%d" % op, nodes, inits,
               [vinfo("x", FLOAT, [1, 4, 6])], [vinfo("y", FLOAT, [1, 24])], op,
               "Shape -> Gather(0) -> Unsqueeze -> Concat(-1) -> Reshape: torch's flatten, constant at compile time")
    single(r, "float_shape_slice_concat_reshape_op21",
           [node("Shape", ["x"], ["d0v"], "shape", start=0, end=1),
            node("Concat", ["d0v", "minus1"], ["newshape"], "concat", axis=0),
            node("Reshape", ["x", "newshape"], ["y"], "reshape")], [i64("minus1", [-1])],
           [vinfo("x", FLOAT, [1, 4, 6])], [vinfo("y", FLOAT, [1, 24])], 21,
           "Shape-15 with start/end attributes -> Concat -> Reshape, opset 21")
    # ---- small whole networks ----
    n = "float_cnn1d_small"
    g = rng_for(n)
    single(r, n, [node("Conv", ["x", "W1", "B1"], ["c1"], "conv1", kernel_shape=[5], pads=[2, 2]),
                  node("Relu", ["c1"], ["r1"], "relu1"),
                  node("MaxPool", ["r1"], ["p1"], "pool1", kernel_shape=[2], strides=[2]),
                  node("Conv", ["p1", "W2", "B2"], ["c2"], "conv2", kernel_shape=[5], pads=[2, 2]),
                  node("Relu", ["c2"], ["r2"], "relu2"),
                  node("MaxPool", ["r2"], ["p2"], "pool2", kernel_shape=[2], strides=[2]),
                  node("Flatten", ["p2"], ["f"], "flatten", axis=1),
                  node("Gemm", ["f", "Wf", "Bf"], ["logits"], "fc", transB=1),
                  node("Softmax", ["logits"], ["y"], "softmax", axis=1)],
           [f32("W1", rnd(g, (4, 1, 5))), f32("B1", rnd(g, 4)), f32("W2", rnd(g, (4, 4, 5))), f32("B2", rnd(g, 4)),
            f32("Wf", rnd(g, (5, 40))), f32("Bf", rnd(g, 5))],
           [vinfo("x", FLOAT, [1, 1, 40])], [vinfo("y", FLOAT, [1, 5])], 13,
           "Small float 1-D CNN: conv/relu/pool x2, flatten, Gemm, Softmax")
    n = "float_mlp_dynamic_batch"
    g = rng_for(n)
    single(r, n, [node("Gemm", ["x", "W1", "B1"], ["h"], "fc1", transB=1), node("Relu", ["h"], ["hr"], "relu"),
                  node("Gemm", ["hr", "W2", "B2"], ["y"], "fc2", transB=1)],
           [f32("W1", rnd(g, (6, 8))), f32("B1", rnd(g, 6)), f32("W2", rnd(g, (3, 6))), f32("B2", rnd(g, 3))],
           [vinfo("x", FLOAT, ["N", 8])], [vinfo("y", FLOAT, ["N", 3])], 13,
           "MLP whose batch dimension is symbolic ('N'): exercises dynamic-batch handling",
           expect="either: a compiler may require static shapes (then batch 1 or a clear error)")


# ==========================================================================
# b. QDQ form
# ==========================================================================
def qdq_conv_model(name, *, x_dtype=np.uint8, zx=100, sx=dyadic(3, -7), w=None, w_scale, w_axis=None,
                   b=None, y_dtype=np.uint8, zy=0, sy=dyadic(5, -6), four_bit=None, in_shape=(1, 2, 16),
                   pads=(1, 1), opset=13, weight_dtype=np.int8, relu=False):
    """x -> Q -> DQ -> Conv(DQ(w), bias) [-> Relu] -> 4-bit variant -> DQ -> y."""
    nodes = [node("QuantizeLinear", ["x", "x.scale", "x.zp"], ["x_q"], "x_quant"),
             node("DequantizeLinear", ["x_q", "x.scale", "x.zp"], ["x_dq"], "x_dequant")]
    inits = [f32("x.scale", sx), tensor("x.zp", zx, x_dtype)]
    co = w.shape[0]
    wz = np.zeros(co if w_axis is not None else (), weight_dtype)
    inits += [tensor("w_q", w, weight_dtype), f32("w.scale", w_scale), tensor("w.zp", wz, weight_dtype)]
    kw = {"axis": w_axis} if w_axis is not None else {}
    nodes.append(node("DequantizeLinear", ["w_q", "w.scale", "w.zp"], ["w"], "w_dequant", **kw))
    conv_in = ["x_dq", "w"]
    if b is not None:
        inits.append(f32("bias", b))
        conv_in.append("bias")
    nodes.append(node("Conv", conv_in, ["conv"], "conv", kernel_shape=[w.shape[2]], pads=list(pads)))
    t = "conv"
    if relu:
        nodes.append(node("Relu", [t], ["relu"], "relu"))
        t = "relu"
    inits += [f32("y.scale", sy), tensor("y.zp", zy, y_dtype)]
    if four_bit == "float_clip":
        inits += [f32("clip.lo", 0.0), f32("clip.hi", 15 * float(sy))]
        nodes.append(node("Clip", [t, "clip.lo", "clip.hi"], ["clip"], "clip4"))
        nodes.append(node("QuantizeLinear", ["clip", "y.scale", "y.zp"], ["y_q"], "y_quant"))
        q = "y_q"
    else:
        nodes.append(node("QuantizeLinear", [t, "y.scale", "y.zp"], ["y_q8"], "y_quant"))
        q = "y_q8"
        if four_bit in ("qclip", "relu_qclip"):
            if four_bit == "relu_qclip":
                nodes.append(node("Relu", [q], ["y_relu_q"], "relu_q"))
                q = "y_relu_q"
            inits += [tensor("q.lo", 0, y_dtype), tensor("q.hi", 15, y_dtype)]
            nodes.append(node("Clip", [q, "q.lo", "q.hi"], ["y_q4"], "clip4_q"))
            q = "y_q4"
    nodes.append(node("DequantizeLinear", [q, "y.scale", "y.zp"], ["y"], "y_dequant"))
    L = in_shape[2]
    lout = L + pads[0] + pads[1] - w.shape[2] + 1
    return model(nodes, name, [vinfo("x", FLOAT, list(in_shape))], [vinfo("y", FLOAT, [1, co, lout])], inits,
                 opset=opset)


def int4_grid(g, shape):
    return g.integers(-8, 8, size=shape)


def gen_qdq(r):
    n = "qdq_conv_per_tensor_u8"
    g = rng_for(n)
    w = int4_grid(g, (4, 2, 3))
    sw = dyadic(5, -6)
    sx = dyadic(3, -7)
    b = (g.integers(-50, 50, 4) * np.float64(sx) * np.float64(sw)).astype(np.float32)
    r.add(n, "qdq", "QDQ per tensor: uint8 activations (input zp 100, output zp 0), int8 weight container "
          "holding int4 values, float bias on the sx*sw grid",
          qdq_conv_model(n, w=w, w_scale=sw, b=b, sx=sx))
    n = "qdq_conv_offgrid_float_bias"
    g = rng_for(n)
    w = int4_grid(g, (4, 2, 3))
    grid = np.float64(sx) * np.float64(sw)
    # off-grid bias: two exact ties (k+0.5) for round-half-even, two arbitrary
    b = (np.array([10.5, -3.5, 7.3, -21.8]) * grid).astype(np.float32)
    r.add(n, "qdq", "QDQ conv with a float bias OFF the sx*sw grid: values 10.5, -3.5 (exact ties -> 10, -4 by "
          "round half to even), 7.3 and -21.8 grid steps",
          qdq_conv_model(n, w=w, w_scale=sw, b=b, sx=sx, four_bit="float_clip", relu=True),
          notes="DESIGN.md: a QDQ model's float bias is rounded half to even onto the int32 grid at sx*sw; "
                "int32 bias expected [10, -4, 7, -22]. ONNX Runtime keeps this Conv in float (it fuses only "
                "int32 DequantizeLinear biases), so its outputs may differ from the contract by a step",
          extra={"expected_int32_bias": [10, -4, 7, -22]})
    n = "qdq_conv_per_axis_s8"
    g = rng_for(n)
    w = int4_grid(g, (4, 2, 3))
    sw = np.array([dyadic(m, -7) for m in (3, 5, 7, 9)], np.float32)
    r.add(n, "qdq", "QDQ per axis: int8 activations (input zp -3, output zp 5), per-output-channel weight "
          "scales (axis 0), no bias",
          qdq_conv_model(n, w=w, w_scale=sw, w_axis=0, x_dtype=np.int8, zx=-3, y_dtype=np.int8, zy=5),
          expect="either: signed 8-bit activations are outside the uint4/uint8 contract")
    n = "qdq_conv_int8_weights_full_range"
    g = rng_for(n)
    w = g.integers(-128, 128, size=(4, 2, 3))
    r.add(n, "qdq", "QDQ conv whose int8 weights use the full -128..127 range (8-bit weights)",
          qdq_conv_model(n, w=w, w_scale=dyadic(1, -9)),
          expect="either: 8-bit weights are outside the int4 contract (accept as 8-bit or reject clearly)")
    # 4-bit ranges
    for style, dt, zy, desc, op, ortkw in (
            ("qclip", np.uint8, 0, "(i) Clip(0,15) on the uint8 output of QuantizeLinear", 13, None),
            ("qclip", np.int8, 0, "(i) Clip(0,15) on the int8 output of QuantizeLinear (zero point 0)", 13, None),
            ("relu_qclip", np.int8, 0, "(i) Relu then Clip(0,15) on the int8 output of QuantizeLinear", 14,
             {"opt": "disabled", "why": "ONNX Runtime 1.30's Relu+Clip fusion (FuseReluClip, a rewrite rule "
              "already at level 'basic') throws 'Unexpected data type for Clip min input of 3' on int8 "
              "tensors; the model runs with --opt disabled"}),
            ("float_clip", np.uint8, 0, "(ii) Clip(0, 15*sy) on the float value before QuantizeLinear", 13, None)):
        n = "qdq_4bit_%s_%s" % (style, "u8" if dt == np.uint8 else "s8")
        g = rng_for(n)
        w = int4_grid(g, (4, 2, 3))
        sw = dyadic(7, -7)
        sx = dyadic(3, -7)
        b = (g.integers(-50, 100, 4) * np.float64(sx) * np.float64(sw)).astype(np.float32)
        r.add(n, "qdq", "4-bit activations " + desc + "; weights int4 values in int8",
              qdq_conv_model(n, w=w, w_scale=sw, b=b, sx=sx, y_dtype=dt, zy=zy, four_bit=style, opset=op,
                             relu=(style == "float_clip")),
              ort=ortkw)
    n = "qdq_int4_weights_int8_init_per_axis"
    g = rng_for(n)
    w = int4_grid(g, (6, 3, 5))
    sw = np.array([dyadic(m, -8) for m in (3, 5, 7, 9, 11, 13)], np.float32)
    r.add(n, "qdq", "(iii) weights as an int8 initializer whose values lie in -8..7, per-axis scales; "
          "the 4-bit weight range is known only from the initializer's values",
          qdq_conv_model(n, w=w, w_scale=sw, w_axis=0, in_shape=(1, 3, 20), pads=(2, 2), four_bit="float_clip",
                         relu=True))
    n = "qdq_nondyadic_requant"
    g = rng_for(n)
    w = int4_grid(g, (4, 2, 3))
    r.add(n, "qdq", "QDQ conv whose requantization multiplier sx*sw/sy = (3*2^-8)(2^-5)/(5*2^-6) = 3/5*2^-7 "
          "is NOT a binary fraction (output scale with mantissa 5)",
          qdq_conv_model(n, w=w, w_scale=dyadic(1, -5), sx=dyadic(3, -8), sy=dyadic(5, -6), four_bit="float_clip",
                         relu=True),
          notes="DESIGN.md assumes M is a binary fraction; this model checks what the compiler does otherwise")
    gen_weight_prep(r)
    # QDQ MatMul + Gemm
    n = "qdq_matmul_gemm"
    g = rng_for(n)
    w1 = int4_grid(g, (16, 8))
    w2 = int4_grid(g, (4, 8))
    sx, s1, sw1, sw2 = dyadic(3, -7), dyadic(5, -5), dyadic(3, -6), dyadic(5, -7)
    b2 = (g.integers(-30, 30, 4) * np.float64(s1) * np.float64(sw2)).astype(np.float32)
    nodes = [node("QuantizeLinear", ["x", "x.scale", "u8zp"], ["x_q"], "x_quant"),
             node("DequantizeLinear", ["x_q", "x.scale", "u8zp"], ["x_dq"], "x_dequant"),
             node("DequantizeLinear", ["w1_q", "w1.scale", "s8zp"], ["w1"], "w1_dequant"),
             node("MatMul", ["x_dq", "w1"], ["h"], "matmul"),
             node("Relu", ["h"], ["hr"], "relu"),
             node("QuantizeLinear", ["hr", "h.scale", "u8zp0"], ["h_q"], "h_quant"),
             node("DequantizeLinear", ["h_q", "h.scale", "u8zp0"], ["h_dq"], "h_dequant"),
             node("DequantizeLinear", ["w2_q", "w2.scale", "s8zp"], ["w2"], "w2_dequant"),
             node("Gemm", ["h_dq", "w2", "b2"], ["y"], "gemm", transB=1)]
    inits = [f32("x.scale", sx), tensor("u8zp", 128, np.uint8), tensor("u8zp0", 0, np.uint8),
             tensor("s8zp", 0, np.int8), tensor("w1_q", w1, np.int8), f32("w1.scale", sw1),
             f32("h.scale", s1), tensor("w2_q", w2, np.int8), f32("w2.scale", sw2), f32("b2", b2)]
    r.add(n, "qdq", "QDQ MatMul (weights [16,8]) -> Relu -> Q/DQ -> Gemm transB with float bias",
          model(nodes, n, [vinfo("x", FLOAT, [1, 16])], [vinfo("y", FLOAT, [1, 4])], inits, opset=13))
    n = "qdq_per_axis_op21"
    g = rng_for(n)
    w = int4_grid(g, (4, 2, 3))
    sw = np.array([dyadic(m, -7) for m in (3, 5, 7, 9)], np.float32)
    r.add(n, "qdq", "QDQ per-axis conv in opset 21 (QuantizeLinear/DequantizeLinear-21 with int8/uint8)",
          qdq_conv_model(n, w=w, w_scale=sw, w_axis=0, opset=21, four_bit="float_clip", relu=True))


def gen_weight_prep(r):
    """(iv) one prepared weight read by several Convs; (v) prepared per use."""
    C, Lx, Kk = 4, 24, 3
    for shared in (True, False):
        n = "qdq_weight_prep_shared" if shared else "qdq_weight_prep_per_use"
        g = rng_for(n)
        sw = dyadic(3, -6)
        sa = dyadic(5, -5)
        wint = int4_grid(g, (C, C, Kk))
        wf = ((wint + g.uniform(-0.45, 0.45, wint.shape)) * np.float64(sw)).astype(np.float32)
        bias = (g.integers(0, 40, C) * np.float64(sa) * np.float64(sw)).astype(np.float32)
        inits = [f32("x.scale", sa), tensor("act.zp", 0, np.uint8), f32("conv.weight", wf),
                 f32("w.scale", sw), f32("w.qmin", -8.0), f32("w.qmax", 7.0), tensor("w.zp", 0, np.int8),
                 f32("conv.bias", bias), f32("clip.lo", 0.0), f32("clip.hi", 15 * float(sa))]
        nodes = [node("QuantizeLinear", ["x", "x.scale", "act.zp"], ["x_q"], "x_quant"),
                 node("DequantizeLinear", ["x_q", "x.scale", "act.zp"], ["a0"], "x_dequant")]

        def prep(tag):
            if shared:
                # Div -> Round -> Clip -> Mul -> QuantizeLinear -> DequantizeLinear
                return [node("Div", ["conv.weight", "w.scale"], ["w_div" + tag], "w_div" + tag),
                        node("Round", ["w_div" + tag], ["w_round" + tag], "w_round" + tag),
                        node("Clip", ["w_round" + tag, "w.qmin", "w.qmax"], ["w_clip" + tag], "w_clip" + tag),
                        node("Mul", ["w_clip" + tag, "w.scale"], ["w_fq" + tag], "w_mul" + tag),
                        node("QuantizeLinear", ["w_fq" + tag, "w.scale", "w.zp"], ["w_q" + tag], "w_quant" + tag),
                        node("DequantizeLinear", ["w_q" + tag, "w.scale", "w.zp"], ["w" + tag], "w_dequant" + tag)]
            # Div -> Round -> Clip -> Cast(int8) -> DequantizeLinear, again for every use
            return [node("Div", ["conv.weight", "w.scale"], ["w_div" + tag], "w_div" + tag),
                    node("Round", ["w_div" + tag], ["w_round" + tag], "w_round" + tag),
                    node("Clip", ["w_round" + tag, "w.qmin", "w.qmax"], ["w_clip" + tag], "w_clip" + tag),
                    node("Cast", ["w_clip" + tag], ["w_q" + tag], "w_cast" + tag, to=INT8),
                    node("DequantizeLinear", ["w_q" + tag, "w.scale", "w.zp"], ["w" + tag], "w_dequant" + tag)]

        if shared:
            nodes += prep("")
        for i in range(3):
            tag = "_%d" % (i + 1)
            if not shared:
                nodes += prep(tag)
            wname = "w" if shared else "w" + tag
            nodes += [node("Conv", ["a%d" % i, wname, "conv.bias"], ["c" + tag], "conv" + tag,
                           kernel_shape=[Kk], pads=[1, 1]),
                      node("Relu", ["c" + tag], ["r" + tag], "relu" + tag),
                      node("Clip", ["r" + tag, "clip.lo", "clip.hi"], ["cl" + tag], "clip4" + tag),
                      node("QuantizeLinear", ["cl" + tag, "x.scale", "act.zp"], ["q" + tag], "quant" + tag),
                      node("DequantizeLinear", ["q" + tag, "x.scale", "act.zp"], ["a%d" % (i + 1) if i < 2 else "y"],
                           "dequant" + tag)]
        r.add(n, "qdq", ("(iv) weights prepared ONCE by a constant subgraph over a float initializer "
                         "(Div, Round, Clip, Mul, QuantizeLinear, DequantizeLinear) left in the graph; "
                         "the result is read by three chained Convs" if shared else
                         "(v) weights prepared AGAIN for each of three chained Convs by its own constant "
                         "subgraph (Div, Round, Clip, Cast to int8, DequantizeLinear) over one float initializer"),
              model(nodes, n, [vinfo("x", FLOAT, [1, C, Lx])], [vinfo("y", FLOAT, [1, C, Lx])], inits, opset=13),
              qrcnn_info={"expected_chains": [3], "folds_fully": True, "blocks": 3,
                          "note": "uint8 input quantized at the block activation scale; three 4->4 conv blocks "
                                  "(k=3, pad 1, relu, 4-bit), no pooling"})


# ==========================================================================
# c. INT4 / UINT4 (opset 21)
# ==========================================================================
def gen_int4(r):
    n = "int4_conv_odd_count_weights"
    g = rng_for(n)
    w = int4_grid(g, (3, 3, 3))                  # 27 values -> 14 bytes, last high nibble 0
    sw = np.array([dyadic(m, -6) for m in (3, 5, 7)], np.float32)
    sx, sy = dyadic(3, -7), dyadic(5, -5)
    wz = np.array([0, 0, 0])                    # 3 int4 zero points -> 2 bytes
    nodes = [node("QuantizeLinear", ["x", "x.scale", "x.zp"], ["x_q"], "x_quant"),
             node("DequantizeLinear", ["x_q", "x.scale", "x.zp"], ["x_dq"], "x_dequant"),
             node("DequantizeLinear", ["w_q", "w.scale", "w.zp"], ["w"], "w_dequant", axis=0),
             node("Conv", ["x_dq", "w"], ["c"], "conv", kernel_shape=[3], pads=[1, 1]),
             node("Relu", ["c"], ["cr"], "relu"),
             node("QuantizeLinear", ["cr", "y.scale", "y.zp"], ["y_q"], "y_quant"),
             node("DequantizeLinear", ["y_q", "y.scale", "y.zp"], ["y"], "y_dequant")]
    inits = [f32("x.scale", sx), tensor("x.zp", 128, np.uint8), int4_tensor("w_q", w, True), f32("w.scale", sw),
             int4_tensor("w.zp", wz, True), f32("y.scale", sy), int4_tensor("y.zp", np.array(0), False)]
    r.add(n, "int4", "INT4 weight initializer [3,3,3] (27 values: odd count, 14 bytes, padded high nibble), "
          "per-axis scale with an INT4 zero-point vector of 3 (odd), uint4 activation via a scalar UINT4 "
          "zero point (one padded byte)",
          model(nodes, n, [vinfo("x", FLOAT, [1, 3, 10])], [vinfo("y", FLOAT, [1, 3, 10])], inits, opset=21),
          extra={"int4_initializers": {"w_q": "INT4 [3,3,3] 14 bytes", "w.zp": "INT4 [3] 2 bytes",
                                       "y.zp": "UINT4 [] 1 byte"}})
    n = "int4_quantize_output_dtype"
    nodes = [node("QuantizeLinear", ["x", "s"], ["q4"], "quant_u4", output_dtype=UINT4),
             node("DequantizeLinear", ["q4", "s"], ["y_u4"], "dequant_u4"),
             node("QuantizeLinear", ["x", "s"], ["qs4"], "quant_s4", output_dtype=INT4),
             node("DequantizeLinear", ["qs4", "s"], ["y_s4"], "dequant_s4")]
    r.add(n, "int4", "QuantizeLinear without zero point, output_dtype=21 (UINT4) and =22 (INT4): the "
          "container's saturation makes the 4-bit range; two outputs",
          model(nodes, n, [vinfo("x", FLOAT, [1, 4, 8])],
                [vinfo("y_u4", FLOAT, [1, 4, 8]), vinfo("y_s4", FLOAT, [1, 4, 8])], [f32("s", dyadic(3, -4))],
                opset=21))
    n = "int4_matmul_odd_count"
    g = rng_for(n)
    w = int4_grid(g, (5, 3))                    # 15 values -> 8 bytes
    nodes = [node("QuantizeLinear", ["x", "x.scale", "x.zp"], ["x_q"], "x_quant"),
             node("DequantizeLinear", ["x_q", "x.scale", "x.zp"], ["x_dq"], "x_dequant"),
             node("DequantizeLinear", ["w_q", "w.scale"], ["w"], "w_dequant"),
             node("MatMul", ["x_dq", "w"], ["y"], "matmul")]
    r.add(n, "int4", "MatMul with an INT4 weight [5,3] (15 values, odd) dequantized per tensor, no zero point",
          model(nodes, n, [vinfo("x", FLOAT, [1, 5])], [vinfo("y", FLOAT, [1, 3])],
                [f32("x.scale", dyadic(3, -7)), tensor("x.zp", 128, np.uint8), int4_tensor("w_q", w, True),
                 f32("w.scale", dyadic(5, -6))], opset=21))
    n = "int4_uint4_weights_zero_point"
    g = rng_for(n)
    w = g.integers(0, 16, size=(4, 2, 3))
    nodes = [node("QuantizeLinear", ["x", "x.scale", "x.zp"], ["x_q"], "x_quant"),
             node("DequantizeLinear", ["x_q", "x.scale", "x.zp"], ["x_dq"], "x_dequant"),
             node("DequantizeLinear", ["w_q", "w.scale", "w.zp"], ["w"], "w_dequant"),
             node("Conv", ["x_dq", "w"], ["y"], "conv", kernel_shape=[3])]
    r.add(n, "int4", "UINT4 weight initializer with zero point 8 (values -8..7 after the offset), per tensor",
          model(nodes, n, [vinfo("x", FLOAT, [1, 2, 9])], [vinfo("y", FLOAT, [1, 4, 7])],
                [f32("x.scale", dyadic(3, -7)), tensor("x.zp", 128, np.uint8), int4_tensor("w_q", w, False),
                 f32("w.scale", dyadic(5, -6)), int4_tensor("w.zp", np.array(8), False)], opset=21),
          expect="either: a non-zero weight zero point is outside the symmetric contract unless folded")


# ==========================================================================
# d. QOperator form
# ==========================================================================
def gen_qop(r):
    sx, sw, sy = dyadic(3, -7), dyadic(5, -6), dyadic(3, -5)
    n = "qop_qlinearconv1d_per_channel"
    g = rng_for(n)
    w = int4_grid(g, (4, 2, 3))
    swc = np.array([dyadic(m, -7) for m in (3, 5, 7, 9)], np.float32)
    nodes = [node("QuantizeLinear", ["x", "x.scale", "x.zp"], ["x_q"], "x_quant"),
             node("QLinearConv", ["x_q", "x.scale", "x.zp", "w_q", "w.scale", "w.zp", "y.scale", "y.zp", "b_q"],
                  ["y_q"], "qconv", kernel_shape=[3], pads=[1, 1]),
             node("DequantizeLinear", ["y_q", "y.scale", "y.zp"], ["y"], "y_dequant")]
    inits = [f32("x.scale", sx), tensor("x.zp", 128, np.uint8), tensor("w_q", w, np.int8), f32("w.scale", swc),
             tensor("w.zp", np.zeros(4), np.int8), f32("y.scale", sy), tensor("y.zp", 0, np.uint8),
             tensor("b_q", g.integers(-200, 200, 4), np.int32)]
    r.add(n, "qoperator", "QLinearConv 1-D: uint8 x (zp 128), int8 weights per channel (int4 values), "
          "int32 bias, uint8 output zp 0",
          model(nodes, n, [vinfo("x", FLOAT, [1, 2, 16])], [vinfo("y", FLOAT, [1, 4, 16])], inits, opset=13))
    n = "qop_qlinearconv2d_u8_weights"
    g = rng_for(n)
    w = g.integers(0, 16, size=(3, 2, 3, 3))
    nodes = [node("QuantizeLinear", ["x", "x.scale", "x.zp"], ["x_q"], "x_quant"),
             node("QLinearConv", ["x_q", "x.scale", "x.zp", "w_q", "w.scale", "w.zp", "y.scale", "y.zp"],
                  ["y_q"], "qconv", kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1]),
             node("DequantizeLinear", ["y_q", "y.scale", "y.zp"], ["y"], "y_dequant")]
    inits = [f32("x.scale", sx), tensor("x.zp", 128, np.uint8), tensor("w_q", w, np.uint8), f32("w.scale", sw),
             tensor("w.zp", 8, np.uint8), f32("y.scale", sy), tensor("y.zp", 128, np.uint8)]
    r.add(n, "qoperator", "QLinearConv 2-D stride 2, uint8 weights with zero point 8, no bias, output zp 128",
          model(nodes, n, [vinfo("x", FLOAT, [1, 2, 7, 7])], [vinfo("y", FLOAT, [1, 3, 4, 4])], inits, opset=13),
          expect="either: uint8 weights with zero point 8 hold int4 values after the offset")
    n = "qop_qlinearmatmul"
    g = rng_for(n)
    w = int4_grid(g, (8, 4))
    nodes = [node("QuantizeLinear", ["x", "x.scale", "x.zp"], ["x_q"], "x_quant"),
             node("QLinearMatMul", ["x_q", "x.scale", "x.zp", "w_q", "w.scale", "w.zp", "y.scale", "y.zp"],
                  ["y_q"], "qmatmul"),
             node("DequantizeLinear", ["y_q", "y.scale", "y.zp"], ["y"], "y_dequant")]
    inits = [f32("x.scale", sx), tensor("x.zp", 128, np.uint8), tensor("w_q", w, np.int8), f32("w.scale", sw),
             tensor("w.zp", 0, np.int8), f32("y.scale", sy), tensor("y.zp", 128, np.uint8)]
    r.add(n, "qoperator", "QLinearMatMul uint8 x int8 (int4 values) -> uint8 (zp 128)",
          model(nodes, n, [vinfo("x", FLOAT, [1, 8])], [vinfo("y", FLOAT, [1, 4])], inits, opset=13))
    for wdt in (np.uint8, np.int8):
        n = "qop_convinteger_%s_weights" % ("u8" if wdt == np.uint8 else "s8")
        g = rng_for(n)
        wi = int4_grid(g, (4, 2, 3))
        wzp = 8 if wdt == np.uint8 else 0
        bias = (g.integers(-100, 100, 4) * np.float64(sx) * np.float64(sw)).astype(np.float32).reshape(4, 1)
        nodes = [node("QuantizeLinear", ["x", "x.scale", "x.zp"], ["x_q"], "x_quant"),
                 node("ConvInteger", ["x_q", "w_q", "x.zp", "w.zp"], ["acc"], "convinteger", kernel_shape=[3],
                      pads=[1, 1]),
                 node("Cast", ["acc"], ["acc_f"], "cast", to=FLOAT),
                 node("Mul", ["acc_f", "scale"], ["m"], "rescale"),
                 node("Add", ["m", "bias"], ["y"], "bias_add")]
        inits = [f32("x.scale", sx), tensor("x.zp", 128, np.uint8), tensor("w_q", wi + wzp, wdt),
                 tensor("w.zp", wzp, wdt), f32("scale", np.float32(np.float64(sx) * np.float64(sw))), f32("bias", bias)]
        r.add(n, "qoperator", "ConvInteger (x uint8 zp 128, %s weights zp %d holding int4 values) -> Cast -> "
              "Mul(sx*sw) -> Add bias, the rescale ORT's quantizer writes" % (np.dtype(wdt).name, wzp),
              model(nodes, n, [vinfo("x", FLOAT, [1, 2, 12])], [vinfo("y", FLOAT, [1, 4, 12])], inits, opset=13))
    n = "qop_matmulinteger"
    g = rng_for(n)
    wi = int4_grid(g, (8, 4))
    nodes = [node("QuantizeLinear", ["x", "x.scale", "x.zp"], ["x_q"], "x_quant"),
             node("MatMulInteger", ["x_q", "w_q", "x.zp", "w.zp"], ["acc"], "matmulinteger"),
             node("Cast", ["acc"], ["acc_f"], "cast", to=FLOAT),
             node("Mul", ["acc_f", "scale"], ["m"], "rescale"),
             node("Add", ["m", "bias"], ["y"], "bias_add")]
    inits = [f32("x.scale", sx), tensor("x.zp", 128, np.uint8), tensor("w_q", wi, np.int8), tensor("w.zp", 0, np.int8),
             f32("scale", np.float32(np.float64(sx) * np.float64(sw))),
             f32("bias", (g.integers(-100, 100, 4) * np.float64(sx) * np.float64(sw)).astype(np.float32))]
    r.add(n, "qoperator", "MatMulInteger (uint8 x int8) -> Cast -> Mul(sx*sw) -> Add bias",
          model(nodes, n, [vinfo("x", FLOAT, [1, 8])], [vinfo("y", FLOAT, [1, 4])], inits, opset=13))
    n = "qop_convinteger_dynamic"
    g = rng_for(n)
    wi = int4_grid(g, (4, 2, 3))
    nodes = [node("DynamicQuantizeLinear", ["x"], ["x_q", "x_scale", "x_zp"], "x_dynquant"),
             node("ConvInteger", ["x_q", "w_q", "x_zp", "w.zp"], ["acc"], "convinteger", kernel_shape=[3],
                  pads=[1, 1]),
             node("Cast", ["acc"], ["acc_f"], "cast", to=FLOAT),
             node("Mul", ["x_scale", "w.scale"], ["s"], "scales_mul"),
             node("Mul", ["acc_f", "s"], ["y"], "rescale")]
    inits = [tensor("w_q", wi + 8, np.uint8), tensor("w.zp", 8, np.uint8), f32("w.scale", sw)]
    r.add(n, "qoperator", "ConvInteger after DynamicQuantizeLinear, exactly as onnxruntime.quantization."
          "quantize_dynamic writes it (activation scale computed at run time)",
          model(nodes, n, [vinfo("x", FLOAT, [1, 2, 12])], [vinfo("y", FLOAT, [1, 4, 12])], inits, opset=13),
          expect="reject: the activation scale is data-dependent (DynamicQuantizeLinear); diagnostic should name "
                 "node 'x_dynquant'")


# ==========================================================================
# e. QONNX
# ==========================================================================
def gen_qonnx(r):
    sx, sw, sa = dyadic(3, -7), dyadic(5, -6), dyadic(3, -5)
    for dom, n in ((qrcnn.QONNX_DOMAIN, "qonnx_conv_relu_quant"), (qrcnn.FINN_DOMAIN, "qonnx_finn_domain_conv")):
        g = rng_for(n)
        wi = int4_grid(g, (4, 2, 3))
        b = (g.integers(-50, 100, 4) * np.float64(sx) * np.float64(sw)).astype(np.float32)
        nodes = []
        qrcnn.quant(nodes, "x", "x.scale", "x.zp", "bw8", "x_q", "x_quant", signed=0, domain=dom)
        qrcnn.quant(nodes, "conv.weight", "w.scale", "zero", "bw4", "w_q", "weight_quant", signed=1, domain=dom)
        nodes += [node("Conv", ["x_q", "w_q", "conv.bias"], ["c"], "conv", kernel_shape=[3], pads=[1, 1]),
                  node("Relu", ["c"], ["cr"], "relu")]
        qrcnn.quant(nodes, "cr", "a.scale", "zero", "bw4", "y", "act_quant", signed=0, domain=dom)
        inits = [f32("x.scale", sx), f32("x.zp", 128.0), f32("bw8", 8.0), f32("bw4", 4.0), f32("zero", 0.0),
                 f32("conv.weight", qrcnn.off_grid(wi, sw, g)), f32("w.scale", sw), f32("conv.bias", b),
                 f32("a.scale", sa)]
        r.add(n, "qonnx", "QONNX Quant nodes in domain %s: 8-bit unsigned input (zp 128), 4-bit signed "
              "weights (Quant on a float initializer, narrow=0), float bias, Relu -> 4-bit unsigned Quant" % dom,
              model(nodes, n, [vinfo("x", FLOAT, [1, 2, 16])], [vinfo("y", FLOAT, [1, 4, 16])], inits, opset=13,
                    extra_opsets=[(dom, 1)]))
    n = "qonnx_per_channel_narrow_bias32"
    g = rng_for(n)
    wi = g.integers(-7, 8, size=(4, 2, 3))
    swc = np.array([dyadic(m, -7) for m in (3, 5, 7, 9)], np.float32)
    bi = g.integers(-100, 100, 4)
    bs = (np.float64(sx) * swc.astype(np.float64)).astype(np.float32)
    nodes = []
    qrcnn.quant(nodes, "x", "x.scale", "x.zp", "bw8", "x_q", "x_quant", signed=0)
    qrcnn.quant(nodes, "conv.weight", "w.scale", "zero", "bw4", "w_q", "weight_quant", signed=1, narrow=1)
    qrcnn.quant(nodes, "conv.bias", "b.scale", "zero", "bw32", "b_q", "bias_quant", signed=1)
    nodes += [node("Conv", ["x_q", "w_q", "b_q"], ["c"], "conv", kernel_shape=[3], pads=[1, 1]),
              node("Relu", ["c"], ["cr"], "relu")]
    qrcnn.quant(nodes, "cr", "a.scale", "zero", "bw4", "y", "act_quant", signed=0)
    inits = [f32("x.scale", sx), f32("x.zp", 128.0), f32("bw8", 8.0), f32("bw4", 4.0), f32("bw32", 32.0),
             f32("zero", 0.0), f32("conv.weight", qrcnn.off_grid(wi, swc.reshape(4, 1, 1), g)),
             f32("w.scale", swc.reshape(4, 1, 1)), f32("conv.bias", (bi * bs.astype(np.float64)).astype(np.float32)),
             f32("b.scale", bs), f32("a.scale", sa)]
    r.add(n, "qonnx", "QONNX: per-channel weight scale [4,1,1], narrow=1 signed 4-bit weights (-7..7), "
          "bias through a 32-bit signed Quant at scale sx*sw[c] (Brevitas Int32Bias)",
          model(nodes, n, [vinfo("x", FLOAT, [1, 2, 16])], [vinfo("y", FLOAT, [1, 4, 16])], inits, opset=13,
                extra_opsets=[(qrcnn.QONNX_DOMAIN, 1)]))
    n = "qonnx_gemm"
    g = rng_for(n)
    wi = int4_grid(g, (4, 8))
    nodes = []
    qrcnn.quant(nodes, "x", "x.scale", "x.zp", "bw8", "x_q", "x_quant", signed=0)
    qrcnn.quant(nodes, "fc.weight", "w.scale", "zero", "bw4", "w_q", "weight_quant", signed=1)
    nodes.append(node("Gemm", ["x_q", "w_q", "fc.bias"], ["y"], "fc", transB=1))
    inits = [f32("x.scale", sx), f32("x.zp", 128.0), f32("bw8", 8.0), f32("bw4", 4.0), f32("zero", 0.0),
             f32("fc.weight", qrcnn.off_grid(wi, sw, g)), f32("w.scale", sw),
             f32("fc.bias", (g.integers(-50, 50, 4) * np.float64(sx) * np.float64(sw)).astype(np.float32))]
    r.add(n, "qonnx", "QONNX: Gemm (Linear) with 4-bit Quant weights and float logits",
          model(nodes, n, [vinfo("x", FLOAT, [1, 8])], [vinfo("y", FLOAT, [1, 4])], inits, opset=13,
                extra_opsets=[(qrcnn.QONNX_DOMAIN, 1)]))


# ==========================================================================
# f. QRCNN-shaped models in every form
# ==========================================================================
def gen_qrcnn(r):
    forms = (
        ("qrcnn_qdq", "qdq", lambda s, n: qrcnn.emit_qdq(s, n, "float"),
         "QDQ opset 13, int8/uint8 containers; 4-bit activations by Relu -> Clip(0, 15*sa) on the float value; "
         "one DequantizeLinear of the shared block weight read by all four Convs; int32 biases via "
         "DequantizeLinear; Q/DQ re-inserted after each MaxPool"),
        ("qrcnn_qdq_qclip", "qdq", lambda s, n: qrcnn.emit_qdq(s, n, "qclip"),
         "QDQ opset 13; 4-bit activations by Relu -> QuantizeLinear(uint8) -> Clip(0,15) on the integers"),
        ("qrcnn_int4", "int4", qrcnn.emit_int4,
         "opset 21: INT4 weight initializers (per-axis scales, INT4 zero-point vector for the blocks), activations "
         "QuantizeLinear(output_dtype=UINT4) with no zero point; one DequantizeLinear per block Conv, all reading "
         "the same INT4 initializer; stem bias by a separate Add; MaxPool on the dequantized float"),
        ("qrcnn_qop", "qoperator", qrcnn.emit_qop,
         "QOperator opset 13: QLinearConv (output zp 0 = fused ReLU) -> Clip(0,15) uint8 -> MaxPool uint8; "
         "head MatMulInteger -> Cast -> Mul -> Add"),
        ("qrcnn_qonnx", "qonnx", qrcnn.emit_qonnx,
         "QONNX (Brevitas-style) opset 13 + qonnx.custom_op.general: Quant on float weights (one per Conv call, "
         "all reading the same initializer), Relu -> 4-bit unsigned Quant, 8-bit unsigned input Quant"),
    )
    stats = qrcnn.activation_stats(qrcnn.Spec())
    for base, form, emit, desc in forms:
        for suffix, spec, vdesc in qrcnn.variants():
            if base == "qrcnn_qdq_qclip" and suffix:
                continue
            spec.multipliers()
            n = base + suffix
            if not r.want(n):
                continue
            info = spec.describe()
            if not suffix:
                info["activation_stats_ecg_like"] = stats
            r.add(n, form, desc + ". " + vdesc[0].upper() + vdesc[1:] + ".", emit(spec, n), qrcnn_info=info,
                  extra={"reference": {"module": "test/models/qrcnn.py", "spec_variant": spec.variant}})
        # the main model again with a symbolic batch dimension, for batched ORT benchmarks
        if base == "qrcnn_qdq_qclip":
            continue
        spec = qrcnn.Spec()
        spec.dynamic_batch = True
        n = base + "_dynbatch"
        if r.want(n):
            r.add(n, form, desc + ". Same as %s but the batch dimension is symbolic ('N'), for batched "
                  "benchmarks." % base, emit(spec, n), qrcnn_info=spec.describe(),
                  expect="either: a compiler may require static shapes (then batch 1 or a clear error)",
                  extra={"reference": {"module": "test/models/qrcnn.py", "spec_variant": "main"}})


# ==========================================================================
# g. torch.onnx.export of one nn.Conv1d called four times
# ==========================================================================
def gen_torch(r, outdir):
    n = "qrcnn_torch_export"
    if not r.want(n):
        return
    import torch
    import torch.nn as nn
    from torch.nn.utils import parametrize

    torch.manual_seed(0)
    spec = qrcnn.Spec(per_channel=False)
    spec.variant = "torch_per_tensor"
    spec.multipliers()
    sx, zx, sa = float(spec.sx), spec.zx, float(spec.sa)
    sw0, sw = float(spec.stem_sw), float(spec.block_sw[0])
    sfc = float(spec.fc_sw)

    attempts = []

    class FakeQuantWeight(nn.Module):
        def __init__(self, scale, qmin, qmax):
            super().__init__()
            self.scale, self.qmin, self.qmax = scale, qmin, qmax

        def forward(self, w):
            return torch.fake_quantize_per_tensor_affine(w, self.scale, 0, self.qmin, self.qmax)

    class Net(nn.Module):
        def __init__(self, wq_range):
            super().__init__()
            self.stem = nn.Conv1d(1, qrcnn.C, qrcnn.K_STEM, padding=1)
            self.block = nn.Conv1d(qrcnn.C, qrcnn.C, qrcnn.K, padding=2)   # one module, called four times
            self.fc = nn.Linear(qrcnn.C * spec.final_len(), qrcnn.CLASSES)
            self.pool = nn.MaxPool1d(2)
            with torch.no_grad():
                self.stem.weight.copy_(torch.tensor(qrcnn.off_grid(spec.stem_w, sw0, rng_for(n))))
                self.stem.bias.copy_(torch.tensor(qrcnn.stem_bias_f(spec)))
                self.block.weight.copy_(torch.tensor(qrcnn.off_grid(spec.weights["W"], sw, rng_for(n + "b"))))
                self.block.bias.copy_(torch.tensor(qrcnn.block_bias_f(spec, 0)))
                self.fc.weight.copy_(torch.tensor(qrcnn.off_grid(spec.fc_w, sfc, rng_for(n + "f"))))
                self.fc.bias.copy_(torch.tensor(qrcnn.fc_bias_f(spec)))
            lo, hi = wq_range
            parametrize.register_parametrization(self.stem, "weight", FakeQuantWeight(sw0, lo, hi))
            parametrize.register_parametrization(self.block, "weight", FakeQuantWeight(sw, lo, hi))
            parametrize.register_parametrization(self.fc, "weight", FakeQuantWeight(sfc, lo, hi))
            self.act_range = (0, 15) if wq_range == (-8, 7) else (0, 255)

        def act(self, x):
            x = torch.relu(x)
            if self.act_range == (0, 255):
                x = torch.clamp(x, 0.0, 15 * sa)      # 15 steps inside the uint8 container
            return torch.fake_quantize_per_tensor_affine(x, sa, 0, *self.act_range)

        def forward(self, x):
            x = torch.fake_quantize_per_tensor_affine(x, sx, zx, 0, 255)
            x = self.pool(self.act(self.stem(x)))
            for _ in range(4):
                x = self.pool(self.act(self.block(x)))
            return self.fc(torch.flatten(x, 1))

    path = os.path.join(outdir, n + ".onnx")
    dummy = torch.zeros(1, 1, spec.L)
    exported = None
    for wq in ((-8, 7), (-128, 127)):
        net = Net(wq).eval()
        try:
            torch.onnx.export(net, dummy, path, opset_version=13, input_names=["x"], output_names=["logits"],
                              do_constant_folding=True)
            exported = wq
            attempts.append({"quant_range": list(wq), "result": "exported"})
            break
        except Exception as e:  # torch's exporter refuses ranges other than int8/uint8
            attempts.append({"quant_range": list(wq), "result": "%s: %s" % (type(e).__name__, str(e).split("\n")[0])})
    m = onnx.load(path)
    # torch's own output
    with torch.no_grad():
        xs = torch.tensor(np.random.default_rng(3).uniform(-1.6, 1.6, (8, 1, spec.L)).astype(np.float32))
        torch_out = net(xs).numpy()
    ref = qrcnn.reference_outputs(spec, xs.numpy())[0]
    # what did the exporter write for the four block convs?
    prod = {o: nd for nd in m.graph.node for o in nd.output}
    inits = {t.name: t for t in m.graph.initializer}
    convs = [nd for nd in m.graph.node if nd.op_type == "Conv"]
    block_convs = [c for c in convs if _conv_in_channels(c, prod, inits) == qrcnn.C]
    wsrc = []
    for c in block_convs:
        wname = c.input[1]
        p = prod.get(wname)
        chain = []
        while p is not None and p.op_type in ("DequantizeLinear", "QuantizeLinear", "Identity"):
            chain.append("%s(%s)" % (p.op_type, p.name))
            wname = p.input[0]
            p = prod.get(wname)
        wsrc.append({"conv": c.name, "weight_input": c.input[1], "through": chain,
                     "root": wname, "root_kind": "initializer" if wname in inits else
                     ("node " + p.op_type if p is not None else "unknown")})
    roots = {w["root"] for w in wsrc}
    direct = {w["weight_input"] for w in wsrc}
    same_root_contents = len({inits[x].raw_data for x in roots if x in inits}) == 1 if roots else False
    assert len(block_convs) == 4, "expected four block convs, found %d" % len(block_convs)
    assert same_root_contents, "the four block convs do not read one weight value"
    w0 = wsrc[0]
    summary = ("The exporter wrote: the four block Convs read %s, %s the float initializer '%s'" %
               ("ONE tensor '%s'" % next(iter(direct)) if len(direct) == 1 else
                "%d different tensors %s" % (len(direct), sorted(direct)),
                "made by " + " <- ".join(w0["through"]) + " from" if len(direct) == 1 and w0["through"] else
                "all from", w0["root"] if len(roots) == 1 else sorted(roots)))
    diff = np.abs(torch_out - ref)
    info = spec.describe()
    info["variant"] = "torch_export"
    e_extra = {"graph_form": "qdq",
               "torch": {"torch_version": torch.__version__, "attempts": attempts,
                         "exported_with_weight_range": list(exported),
                         "activation_handling": ("fake_quantize 0..15" if exported == (-8, 7) else
                                                 "Relu -> Clip(0, 15*sa) -> fake_quantize uint8 0..255"),
                         "what_the_exporter_wrote": summary, "weight_paths": wsrc,
                         "distinct_weight_roots": sorted(roots),
                         "torch_vs_int_reference_max_abs_diff": float(diff.max())},
               "reference": {"module": "test/models/qrcnn.py", "spec_variant": "Spec(per_channel=False)"}}
    # re-register so the manifest entry has proper metadata
    r.add(n, "torch", "QRCNN exported by torch.onnx.export (opset 13) from a module calling one nn.Conv1d four "
          "times; weights fake-quantized per tensor on the int4 grid inside an int8 container, activations "
          "clamped to 15 steps of a uint8 fake quantizer, uint8 input. " + summary + ".",
          m, qrcnn_info=info, extra=e_extra)


def _conv_in_channels(c, prod, inits):
    name = c.input[1]
    seen = 0
    while name not in inits and seen < 10:
        p = prod.get(name)
        if p is None:
            return None
        name = p.input[0]
        seen += 1
    t = inits.get(name)
    return t.dims[1] if t is not None and len(t.dims) == 3 else None


# ==========================================================================
def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("outdir")
    ap.add_argument("--no-torch", action="store_true", help="skip the torch.onnx.export model (form g)")
    ap.add_argument("--only", help="generate only models whose name contains this string")
    a = ap.parse_args()
    os.makedirs(a.outdir, exist_ok=True)
    r = Registry(a.outdir, a.only)
    gen_float(r)
    gen_qdq(r)
    gen_int4(r)
    gen_qop(r)
    gen_qonnx(r)
    gen_qrcnn(r)
    if not a.no_torch:
        gen_torch(r, a.outdir)
    # onnx 1.12's checker knows opsets up to 17 and no INT4: check what it can
    for e in r.entries:
        if max(e["opsets"].values()) <= 17 and e["opsets"].get("ai.onnx", 0) <= 17:
            try:
                onnx.checker.check_model(os.path.join(a.outdir, e["file"]))
                e["onnx_checker"] = "ok (onnx %s)" % onnx.__version__
            except Exception as ex:
                e["onnx_checker"] = "FAILED: %s" % str(ex).split("\n")[0]
                print("checker failed for %s: %s" % (e["name"], ex), file=sys.stderr)
        else:
            e["onnx_checker"] = "skipped: onnx %s predates opset %d / INT4" % (onnx.__version__,
                                                                               e["opsets"].get("ai.onnx", 0))
    counts = {}
    for e in r.entries:
        counts[e["form"]] = counts.get(e["form"], 0) + 1
    man = {"version": MANIFEST_VERSION, "generator": "test/models/gen_models.py", "counts": counts,
           "models": r.entries}
    if a.only is None:
        with open(os.path.join(a.outdir, "manifest.json"), "w") as f:
            json.dump(man, f, indent=1, sort_keys=False)
            f.write("\n")
    nbad = 0
    if a.only is None or "bad" in a.only:
        nbad = bad_models.generate(os.path.join(a.outdir, "bad"))
    print("wrote %d models (%s) and %d bad models to %s" %
          (len(r.entries), ", ".join("%s %d" % kv for kv in sorted(counts.items())), nbad, a.outdir))


if __name__ == "__main__":
    main()
