"""Malformed and hostile ONNX files for the importer's error suite.

Each entry of bad/manifest.json names the file, why it is bad, the node the
diagnostic should name (null when the problem is not in a node: unreadable
bytes, graph-level or opset-level errors) and its op type, and a few words
the diagnostic could contain (`expect_words`, lowercase hints, not exact
text). The importer must answer each with one clear diagnostic and a
non-zero exit: never a crash, a hang, a huge allocation or silent output.
"""

import json
import os

import numpy as np
from onnx import helper, TensorProto

from onnx_util import (raw_tensor, FLOAT, UINT8, INT64, STRING, COMPLEX64, INT4,
                       f32, i64, tensor, vinfo, node, model, pack_int4)


def _ok_conv_model(name="ok"):
    """A small valid model whose bytes are cut or corrupted below."""
    g = np.random.default_rng(1)
    return model([node("Conv", ["x", "W", "B"], ["c"], "conv0", kernel_shape=[3], pads=[1, 1]),
                  node("Relu", ["c"], ["y"], "relu0")], name,
                 [vinfo("x", FLOAT, [1, 2, 16])], [vinfo("y", FLOAT, [1, 4, 16])],
                 [f32("W", g.uniform(-1, 1, (4, 2, 3))), f32("B", g.uniform(-1, 1, 4))], opset=13)


def _qdq_conv(name, x_scale=0.0234375, x_zp=128, w_scale_vals=None, axis=None, x_zp_tensor=None):
    g = np.random.default_rng(2)
    w = g.integers(-8, 8, (4, 2, 3))
    ws = np.full(4, 0.03125, np.float32) if w_scale_vals is None else np.asarray(w_scale_vals, np.float32)
    kw = {} if axis is None else {"axis": axis}
    zp = x_zp_tensor if x_zp_tensor is not None else tensor("x.zp", x_zp, np.uint8)
    return model([node("QuantizeLinear", ["x", "x.scale", "x.zp"], ["x_q"], "x_quant"),
                  node("DequantizeLinear", ["x_q", "x.scale", "x.zp"], ["x_dq"], "x_dequant"),
                  node("DequantizeLinear", ["w_q", "w.scale", "w.zp"], ["w"], "w_dequant", **kw),
                  node("Conv", ["x_dq", "w"], ["y"], "conv0", kernel_shape=[3], pads=[1, 1])], name,
                 [vinfo("x", FLOAT, [1, 2, 16])], [vinfo("y", FLOAT, [1, 4, 16])],
                 [f32("x.scale", x_scale), zp, tensor("w_q", w, np.int8), f32("w.scale", ws),
                  tensor("w.zp", np.zeros(ws.shape, np.int8), np.int8)], opset=13)


def cases():
    """Yield (name, bytes, reason, node_name, op_type, expect_words)."""
    ok = _ok_conv_model().SerializeToString()
    yield ("truncated_file", ok[: len(ok) // 2],
           "valid model cut to half its bytes: the protobuf ends inside an initializer",
           None, None, ["parse", "truncated"])
    yield ("garbage_bytes", np.random.default_rng(666).integers(0, 256, 4096, dtype=np.uint8).tobytes(),
           "4096 random bytes, not a protobuf ModelProto", None, None, ["parse"])
    yield ("empty_file", b"", "zero-byte file", None, None, ["empty"])
    yield ("text_not_onnx", b"ir_version: 8\ngraph { name: 'g' }\n",
           "protobuf text format instead of the binary encoding", None, None, ["parse"])

    g = np.random.default_rng(3)
    m = model([node("Conv", ["x", "W"], ["y"], "conv_bad_channels", kernel_shape=[3], pads=[1, 1])], "g",
              [vinfo("x", FLOAT, [1, 3, 16])], [vinfo("y", FLOAT, [1, 4, 16])], [f32("W", g.uniform(-1, 1, (4, 2, 3)))])
    yield ("conv_channel_mismatch", m.SerializeToString(),
           "Conv weight [4,2,3] expects 2 input channels but the input has 3 (group 1)",
           "conv_bad_channels", "Conv", ["channel", "weight"])

    m = model([node("Add", ["x", "no_such_tensor"], ["y"], "add_undefined")], "g",
              [vinfo("x", FLOAT, [1, 4])], [vinfo("y", FLOAT, [1, 4])])
    yield ("undefined_input", m.SerializeToString(),
           "node input 'no_such_tensor' is neither a graph input, an initializer nor a node output",
           "add_undefined", "Add", ["no_such_tensor", "undefined"])

    m = model([node("Conv", ["x", "conv0.weight", "conv0.bias"], ["y"], "conv_missing_init", kernel_shape=[3])], "g",
              [vinfo("x", FLOAT, [1, 2, 16])], [vinfo("y", FLOAT, [1, 4, 14])], [f32("conv0.bias", np.zeros(4))],
              value_info=[vinfo("conv0.weight", FLOAT, [4, 2, 3])])
    yield ("missing_initializer", m.SerializeToString(),
           "Conv weight 'conv0.weight' has a value_info entry but no initializer and no producer",
           "conv_missing_init", "Conv", ["conv0.weight", "initializer"])

    m = model([node("Conv", ["x", "W"], ["y"], "conv_runtime_weight", kernel_shape=[3])], "g",
              [vinfo("x", FLOAT, [1, 2, 16]), vinfo("W", FLOAT, [4, 2, 3])], [vinfo("y", FLOAT, [1, 4, 14])])
    yield ("weight_is_graph_input", m.SerializeToString(),
           "Conv weight is a second graph input (not constant): weights must be known at compile time",
           "conv_runtime_weight", "Conv", ["constant", "weight"])

    m = model([node("Add", ["x", "t2"], ["t1"], "cycle_a"), node("Relu", ["t1"], ["t2"], "cycle_b"),
               node("Identity", ["t1"], ["y"], "out")], "g",
              [vinfo("x", FLOAT, [1, 4])], [vinfo("y", FLOAT, [1, 4])])
    yield ("cycle", m.SerializeToString(), "cycle_a reads t2 which cycle_b computes from cycle_a's output t1",
           "cycle_a", "Add", ["cycle"])

    g = np.random.default_rng(4)
    m = model([node("LSTM", ["x", "W", "R"], ["y"], "lstm0", hidden_size=4)], "g",
              [vinfo("x", FLOAT, [5, 1, 3])], [vinfo("y", FLOAT, [5, 1, 1, 4])],
              [f32("W", g.uniform(-1, 1, (1, 16, 3))), f32("R", g.uniform(-1, 1, (1, 16, 4)))])
    yield ("unsupported_op_lstm", m.SerializeToString(), "LSTM is a valid ONNX op outside the supported set",
           "lstm0", "LSTM", ["lstm", "unsupported"])

    m = model([node("Foo", ["x"], ["y"], "foo0", domain="com.example", alpha=1.0)], "g",
              [vinfo("x", FLOAT, [1, 4])], [vinfo("y", FLOAT, [1, 4])], extra_opsets=[("com.example", 1)])
    yield ("unsupported_custom_op", m.SerializeToString(), "custom op com.example::Foo",
           "foo0", "Foo", ["foo", "com.example"])

    m = model([node("Relu", ["x"], ["y"], "relu0")], "g", [vinfo("x", FLOAT, [1, 4])], [vinfo("y", FLOAT, [1, 4])],
              opset=7)
    yield ("opset7", m.SerializeToString(),
           "default-domain opset 7 is below the supported range (the oldest supported model in the suite is opset "
           "10, float_clip_attr_op10)", None, None, ["opset", "7"])
    m = model([node("Relu", ["x"], ["y"], "relu0")], "g", [vinfo("x", FLOAT, [1, 4])], [vinfo("y", FLOAT, [1, 4])],
              opset=99)
    yield ("opset99", m.SerializeToString(), "default-domain opset 99 does not exist yet", None, None,
           ["opset", "99"])

    g = np.random.default_rng(5)
    m = model([node("Conv", ["x", "W"], ["y"], "conv_bogus_pad", auto_pad="BOGUS", kernel_shape=[3])], "g",
              [vinfo("x", FLOAT, [1, 2, 16])], [vinfo("y", FLOAT, [1, 4, 16])], [f32("W", g.uniform(-1, 1, (4, 2, 3)))])
    yield ("conv_auto_pad_bogus", m.SerializeToString(), "Conv auto_pad='BOGUS' is not a valid value",
           "conv_bogus_pad", "Conv", ["auto_pad", "bogus"])

    m = model([node("ArgMax", ["x"], ["y"], "argmax_last", axis=1, keepdims=1, select_last_index=1)], "g",
              [vinfo("x", FLOAT, [1, 5])], [vinfo("y", INT64, [1, 1])], opset=13)
    yield ("argmax_select_last_index", m.SerializeToString(),
           "ArgMax select_last_index=1 (tie-breaking toward the last index); bad only if the frontend does not "
           "implement it — then it must say so rather than silently pick the first", "argmax_last", "ArgMax",
           ["select_last_index"])

    g = np.random.default_rng(6)
    m = model([node("Conv", ["x", "W"], ["y"], "conv_dilation0", kernel_shape=[3], dilations=[0])], "g",
              [vinfo("x", FLOAT, [1, 2, 16])], [vinfo("y", FLOAT, [1, 4, 16])], [f32("W", g.uniform(-1, 1, (4, 2, 3)))])
    yield ("conv_zero_dilation", m.SerializeToString(), "Conv dilations=[0] (must be >= 1)",
           "conv_dilation0", "Conv", ["dilation"])

    m = model([node("Identity", ["x"], ["y"], "id_string")], "g", [vinfo("x", STRING, [1, 4])],
              [vinfo("y", STRING, [1, 4])])
    yield ("string_input", m.SerializeToString(), "graph input of element type STRING", "id_string", "Identity",
           ["string", "type"])
    m = model([node("Relu", ["x"], ["y"], "relu_complex")], "g", [vinfo("x", COMPLEX64, [1, 4])],
              [vinfo("y", COMPLEX64, [1, 4])])
    yield ("complex_input", m.SerializeToString(), "graph input of element type COMPLEX64", "relu_complex", "Relu",
           ["complex", "type"])

    # INT4 initializer [4,2,3] = 24 values needs 12 bytes; give 11
    w = np.random.default_rng(7).integers(-8, 8, 24)
    wt = raw_tensor("w_q", INT4, [4, 2, 3], pack_int4(w, True)[:11])
    m = model([node("DequantizeLinear", ["w_q", "w.scale"], ["w"], "w_dequant"),
               node("Conv", ["x", "w"], ["y"], "conv0", kernel_shape=[3])], "g",
              [vinfo("x", FLOAT, [1, 2, 16])], [vinfo("y", FLOAT, [1, 4, 14])], [wt, f32("w.scale", 0.0625)], opset=21)
    yield ("int4_wrong_byte_count", m.SerializeToString(),
           "INT4 initializer w_q has dims [4,2,3] (24 values = 12 bytes) but raw_data holds 11 bytes",
           "w_dequant", "DequantizeLinear", ["w_q", "bytes", "int4"])
    wt = raw_tensor("w_q", INT4, [3, 3, 3], pack_int4(np.zeros(27, int), True) + b"\x00")
    m = model([node("DequantizeLinear", ["w_q", "w.scale"], ["w"], "w_dequant"),
               node("Conv", ["x", "w"], ["y"], "conv0", kernel_shape=[3])], "g",
              [vinfo("x", FLOAT, [1, 3, 16])], [vinfo("y", FLOAT, [1, 3, 14])], [wt, f32("w.scale", 0.0625)], opset=21)
    yield ("int4_odd_count_extra_byte", m.SerializeToString(),
           "INT4 initializer with 27 values must hold ceil(27/2)=14 bytes; it holds 15",
           "w_dequant", "DequantizeLinear", ["w_q", "bytes", "int4"])

    bt = raw_tensor("B", FLOAT, [-4], b"")
    m = model([node("Add", ["x", "B"], ["y"], "add_negdim")], "g", [vinfo("x", FLOAT, [1, 4])],
              [vinfo("y", FLOAT, [1, 4])], [bt])
    yield ("negative_dims_initializer", m.SerializeToString(), "initializer B has dims [-4]",
           "add_negdim", "Add", ["negative", "dim"])
    m = model([node("Relu", ["x"], ["y"], "relu0")], "g", [vinfo("x", FLOAT, [1, -3])], [vinfo("y", FLOAT, [1, -3])])
    yield ("negative_dims_input", m.SerializeToString(), "graph input x has shape [1,-3]", "relu0", "Relu",
           ["negative", "dim"])
    m = model([node("Relu", ["x"], ["y"], "relu_huge")], "g", [vinfo("x", FLOAT, [1, 2 ** 40])],
              [vinfo("y", FLOAT, [1, 2 ** 40])])
    yield ("dim_2pow40", m.SerializeToString(),
           "graph input x has a dimension of 2^40 (4 TiB of float32): must be refused before allocating",
           "relu_huge", "Relu", ["too large", "dim"])
    bt = raw_tensor("B", FLOAT, [2 ** 32, 2 ** 32, 16], b"\x00" * 16)
    m = model([node("Add", ["x", "B"], ["y"], "add_overflow")], "g", [vinfo("x", FLOAT, [1, 4])],
              [vinfo("y", FLOAT, [1, 4])], [bt])
    yield ("element_count_overflow", m.SerializeToString(),
           "initializer B has dims [2^32, 2^32, 16]: the element count 2^68 overflows 64 bits",
           "add_overflow", "Add", ["overflow"])
    bt = raw_tensor("B", FLOAT, [4, 3], np.zeros(10, np.float32).tobytes())
    m = model([node("Add", ["x", "B"], ["y"], "add_short")], "g", [vinfo("x", FLOAT, [4, 3])],
              [vinfo("y", FLOAT, [4, 3])], [bt])
    yield ("initializer_data_too_short", m.SerializeToString(),
           "float initializer B [4,3] needs 48 bytes of raw_data; it has 40", "add_short", "Add", ["bytes", "size"])

    yield ("scale_zero", _qdq_conv("g", x_scale=0.0).SerializeToString(),
           "QuantizeLinear scale x.scale is 0", "x_quant", "QuantizeLinear", ["scale", "zero"])
    yield ("scale_negative", _qdq_conv("g", x_scale=-0.0234375).SerializeToString(),
           "QuantizeLinear scale x.scale is negative", "x_quant", "QuantizeLinear", ["scale", "negative"])
    yield ("scale_nan", _qdq_conv("g", x_scale=float("nan")).SerializeToString(),
           "QuantizeLinear scale x.scale is NaN", "x_quant", "QuantizeLinear", ["scale", "nan"])
    yield ("scale_inf", _qdq_conv("g", x_scale=float("inf")).SerializeToString(),
           "QuantizeLinear scale x.scale is +Inf", "x_quant", "QuantizeLinear", ["scale", "inf"])
    zp = raw_tensor("x.zp", UINT8, [], int32_data=[300])
    yield ("zero_point_out_of_range", _qdq_conv("g", x_zp_tensor=zp).SerializeToString(),
           "uint8 zero point x.zp stores 300 in int32_data (uint8 values live there); 300 does not fit uint8",
           "x_quant", "QuantizeLinear", ["zero point", "range"])
    yield ("per_axis_scale_wrong_length", _qdq_conv("g", w_scale_vals=[0.03125] * 3, axis=0).SerializeToString(),
           "DequantizeLinear of the [4,2,3] weight along axis 0 has 3 scales (needs 4)", "w_dequant",
           "DequantizeLinear", ["scale", "axis", "length"])
    m = _qdq_conv("g")
    for nd in m.graph.node:
        if nd.name == "x_quant":
            nd.attribute.extend([helper.make_attribute("axis", 1)])
            break
    for t in m.graph.initializer:
        if t.name == "x.scale":
            t.CopyFrom(f32("x.scale", [0.0234375] * 3))
        if t.name == "x.zp":
            t.CopyFrom(tensor("x.zp", [128] * 3, np.uint8))
    yield ("quantize_per_axis_wrong_length", m.SerializeToString(),
           "QuantizeLinear along axis 1 of x [1,2,16] has 3 scales / zero points (needs 2)", "x_quant",
           "QuantizeLinear", ["scale", "axis", "length"])

    m = model([], "empty", [], [])
    yield ("empty_graph", m.SerializeToString(), "graph with no inputs, nodes or outputs", None, None,
           ["empty", "output"])
    m = model([node("Relu", ["x"], ["y"], "relu_a"), node("Sigmoid", ["x"], ["y"], "dup_producer")], "g",
              [vinfo("x", FLOAT, [1, 4])], [vinfo("y", FLOAT, [1, 4])])
    yield ("duplicate_output_name", m.SerializeToString(), "two nodes both produce tensor 'y' (SSA violated)",
           "dup_producer", "Sigmoid", ["duplicate", "y"])
    m = model([node("Relu", ["x"], ["y"], "relu0")], "g", [vinfo("x", FLOAT, [1, 4])],
              [vinfo("y", FLOAT, [1, 4]), vinfo("y", FLOAT, [1, 4])])
    yield ("duplicate_graph_output", m.SerializeToString(), "graph output 'y' is listed twice", None, None,
           ["duplicate", "output"])
    m = model([node("Relu", ["x"], ["r"], "relu0")], "g", [vinfo("x", FLOAT, [1, 4])],
              [vinfo("never_made", FLOAT, [1, 4])])
    yield ("output_not_produced", m.SerializeToString(), "graph output 'never_made' is produced by no node",
           None, None, ["never_made"])
    m = model([node("Reshape", ["x", "shape"], ["y"], "reshape_bad")], "g", [vinfo("x", FLOAT, [1, 4, 6])],
              [vinfo("y", FLOAT, [5, 5])], [i64("shape", [5, 5])])
    yield ("reshape_impossible", m.SerializeToString(), "Reshape of 24 elements to [5,5] (25 elements)",
           "reshape_bad", "Reshape", ["reshape", "24", "25"])
    m = model([node("Reshape", ["x", "shape"], ["y"], "reshape_two_minus1")], "g", [vinfo("x", FLOAT, [1, 4, 6])],
              [vinfo("y", FLOAT, [4, 6])], [i64("shape", [-1, -1])])
    yield ("reshape_two_minus1", m.SerializeToString(), "Reshape shape [-1,-1] has two inferred dims",
           "reshape_two_minus1", "Reshape", ["-1"])
    g = np.random.default_rng(8)
    m = model([node("Gemm", ["x", "W", "B"], ["y"], "gemm_bad_k", transB=1)], "g", [vinfo("x", FLOAT, [1, 8])],
              [vinfo("y", FLOAT, [1, 5])], [f32("W", g.uniform(-1, 1, (5, 6))), f32("B", np.zeros(5))])
    yield ("gemm_k_mismatch", m.SerializeToString(), "Gemm A is [1,8] but B^T is [6,5]: K 8 != 6",
           "gemm_bad_k", "Gemm", ["gemm", "8", "6"])
    m = model([node("Conv", ["x"], ["y"], "conv_no_weight", kernel_shape=[3])], "g", [vinfo("x", FLOAT, [1, 2, 16])],
              [vinfo("y", FLOAT, [1, 4, 14])])
    yield ("conv_missing_weight_input", m.SerializeToString(), "Conv with one input (no weight)",
           "conv_no_weight", "Conv", ["input", "weight"])
    m = model([node("QuantizeLinear", ["x", "s", "z"], ["q"], "q_u16"),
               node("DequantizeLinear", ["q", "s", "z"], ["y"], "dq_u16")], "g",
              [vinfo("x", FLOAT, [1, 4])], [vinfo("y", FLOAT, [1, 4])],
              [f32("s", 0.5), tensor("z", 0, np.int32)], opset=13)
    yield ("quantize_int32_zero_point", m.SerializeToString(),
           "QuantizeLinear whose zero point (and so output) type is int32, not a supported container",
           "q_u16", "QuantizeLinear", ["type", "int32"])
    m = model([node("Quant", ["x", "s", "z", "bw"], ["y"], "quant_floor", domain="qonnx.custom_op.general",
                    signed=1, narrow=0, rounding_mode="FLOOR")], "g",
              [vinfo("x", FLOAT, [1, 4])], [vinfo("y", FLOAT, [1, 4])],
              [f32("s", 0.5), f32("z", 0.0), f32("bw", 4.0)], extra_opsets=[("qonnx.custom_op.general", 1)])
    yield ("qonnx_rounding_mode_floor", m.SerializeToString(),
           "QONNX Quant rounding_mode='FLOOR' (only 'ROUND' is specified for the suite)", "quant_floor", "Quant",
           ["rounding_mode", "floor"])
    m = model([node("Quant", ["x", "s", "z", "bw"], ["y"], "quant_bw_fraction", domain="qonnx.custom_op.general",
                    signed=1, narrow=0, rounding_mode="ROUND")], "g",
              [vinfo("x", FLOAT, [1, 4])], [vinfo("y", FLOAT, [1, 4])],
              [f32("s", 0.5), f32("z", 0.0), f32("bw", 3.5)], extra_opsets=[("qonnx.custom_op.general", 1)])
    yield ("qonnx_fractional_bitwidth", m.SerializeToString(), "QONNX Quant bitwidth 3.5 is not an integer",
           "quant_bw_fraction", "Quant", ["bitwidth"])


def generate(outdir):
    os.makedirs(outdir, exist_ok=True)
    entries = []
    for name, data, reason, node_name, op_type, words in cases():
        fn = name + ".onnx"
        with open(os.path.join(outdir, fn), "wb") as f:
            f.write(data)
        entries.append({"name": name, "file": fn, "reason": reason, "node": node_name, "op_type": op_type,
                        "expect_words": words, "bytes": len(data)})
    with open(os.path.join(outdir, "manifest.json"), "w") as f:
        json.dump({"version": 1, "note": __doc__.strip(), "models": entries}, f, indent=1)
        f.write("\n")
    return len(entries)
