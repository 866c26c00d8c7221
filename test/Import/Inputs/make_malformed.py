"""More malformed and hostile ONNX models for the importer's error suite
(test/models/bad_models.py holds the shared ones): each is one problem that
must give one diagnostic and exit code 1.

    make_malformed.py OUTDIR
"""
import os
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "models"))
from onnx_util import (FLOAT, UINT8, INT8, INT32, INT64, INT4, f32, i64, tensor,  # noqa: E402
                       vinfo, node, model)


def conv_model(name, attrs, x_shape=(1, 2, 16), w_shape=(4, 2, 3), y_shape=None):
    g = np.random.default_rng(1)
    return model([node("Conv", ["x", "W"], ["y"], name, **attrs)], "g",
                 [vinfo("x", FLOAT, list(x_shape))], [vinfo("y", FLOAT, y_shape)],
                 [f32("W", g.uniform(-1, 1, w_shape))])


def cases():
    yield "constantofshape_huge", model(
        [node("ConstantOfShape", ["shape"], ["big"], "make_big"),
         node("Add", ["x", "big"], ["y"], "add_big")], "g",
        [vinfo("x", FLOAT, [1, 4])], [vinfo("y", FLOAT, None)], [i64("shape", [1 << 20, 1 << 20])])
    m = conv_model("conv_float_strides", {})
    m.graph.node[0].attribute.extend([helper.make_attribute("strides", [1.5])])
    yield "attribute_wrong_type", m
    yield "reshape_runtime_shape", model(
        [node("ArgMax", ["x"], ["t"], "argmax", axis=1, keepdims=0),
         node("Reshape", ["x", "t"], ["y"], "reshape_dynamic")], "g",
        [vinfo("x", FLOAT, [2, 3])], [vinfo("y", FLOAT, None)])
    yield "qlinearconv_scale_mismatch", model(
        [node("QuantizeLinear", ["x", "sx", "zx"], ["xq"], "x_quant"),
         node("QLinearConv", ["xq", "sx2", "zx", "w", "sw", "zw", "sy", "zy"], ["yq"], "qconv",
              kernel_shape=[3]),
         node("DequantizeLinear", ["yq", "sy", "zy"], ["y"], "y_dequant")], "g",
        [vinfo("x", FLOAT, [1, 2, 8])], [vinfo("y", FLOAT, [1, 4, 6])],
        [f32("sx", 0.0625), f32("sx2", 0.125), tensor("zx", 128, np.uint8),
         tensor("w", np.ones((4, 2, 3)), np.int8), f32("sw", 0.5), tensor("zw", 0, np.int8),
         f32("sy", 0.25), tensor("zy", 0, np.uint8)])
    yield "dequantize_float_tensor", model(
        [node("Relu", ["x"], ["r"], "relu"), node("DequantizeLinear", ["r", "s"], ["y"], "dq_float")],
        "g", [vinfo("x", FLOAT, [1, 4])], [vinfo("y", FLOAT, [1, 4])], [f32("s", 0.5)])
    yield "conv3d", conv_model("conv3d", {}, x_shape=(1, 2, 4, 4, 4), w_shape=(3, 2, 3, 3, 3))
    yield "gemm_runtime_b", model(
        [node("Relu", ["b"], ["br"], "relu_b"), node("Gemm", ["x", "br"], ["y"], "gemm_runtime")], "g",
        [vinfo("x", FLOAT, [1, 4]), vinfo("b", FLOAT, [4, 3])], [vinfo("y", FLOAT, [1, 3])])
    yield "clip_min_above_max", model(
        [node("Clip", ["x", "lo", "hi"], ["y"], "clip_inverted")], "g",
        [vinfo("x", FLOAT, [1, 4])], [vinfo("y", FLOAT, [1, 4])], [f32("lo", 1.0), f32("hi", -1.0)])
    yield "argmax_axis_out_of_range", model(
        [node("ArgMax", ["x"], ["y"], "argmax_axis5", axis=5)], "g",
        [vinfo("x", FLOAT, [1, 5])], [vinfo("y", INT64, None)])
    yield "transpose_bad_perm", model(
        [node("Transpose", ["x"], ["y"], "transpose_dup", perm=[0, 0, 1])], "g",
        [vinfo("x", FLOAT, [1, 2, 3])], [vinfo("y", FLOAT, None)])
    yield "batchnorm_wrong_length", model(
        [node("Conv", ["x", "W"], ["c"], "conv", kernel_shape=[3]),
         node("BatchNormalization", ["c", "g", "b", "m", "v"], ["y"], "bn_short")], "g",
        [vinfo("x", FLOAT, [1, 2, 8])], [vinfo("y", FLOAT, [1, 4, 6])],
        [f32("W", np.ones((4, 2, 3))), f32("g", np.ones(3)), f32("b", np.ones(3)),
         f32("m", np.zeros(3)), f32("v", np.ones(3))])
    yield "matmul_rank1", model(
        [node("MatMul", ["x", "W"], ["y"], "matmul_vector")], "g",
        [vinfo("x", FLOAT, [4])], [vinfo("y", FLOAT, [3])], [f32("W", np.ones((4, 3)))])
    w = f32("W", np.ones((4, 2, 3)))
    w.ClearField("raw_data")
    w.data_location = TensorProto.EXTERNAL
    w.external_data.extend([onnx.StringStringEntryProto(key="location", value="weights.bin")])
    yield "external_data", model([node("Conv", ["x", "W"], ["y"], "conv_external")], "g",
                                 [vinfo("x", FLOAT, [1, 2, 8])], [vinfo("y", FLOAT, [1, 4, 6])], [w])
    yield "output_shape_disagrees", model(
        [node("Relu", ["x"], ["y"], "relu")], "g", [vinfo("x", FLOAT, [1, 4])], [vinfo("y", FLOAT, [1, 5])])
    yield "quantize_block_size", model(
        [node("QuantizeLinear", ["x", "s"], ["q"], "q_blocked", block_size=2, axis=1),
         node("DequantizeLinear", ["q", "s"], ["y"], "dq", block_size=2, axis=1)], "g",
        [vinfo("x", FLOAT, [1, 4])], [vinfo("y", FLOAT, [1, 4])], [f32("s", [[0.5, 0.5]])], opset=21)
    yield "qonnx_bitwidth_zero", model(
        [node("Quant", ["x", "s", "z", "bw"], ["y"], "quant_bw0", domain="qonnx.custom_op.general",
              signed=0, narrow=0, rounding_mode="ROUND")], "g",
        [vinfo("x", FLOAT, [1, 4])], [vinfo("y", FLOAT, [1, 4])],
        [f32("s", 0.5), f32("z", 0.0), f32("bw", 0.0)], extra_opsets=[("qonnx.custom_op.general", 1)])
    t = TensorProto()
    t.name, t.data_type = "w_q", INT4
    t.dims.extend([4])
    t.int32_data.extend([0x12, 0x345])
    yield "int4_int32_data_overflow", model(
        [node("DequantizeLinear", ["w_q", "s"], ["w"], "w_dequant"),
         node("Add", ["x", "w"], ["y"], "add")], "g",
        [vinfo("x", FLOAT, [4])], [vinfo("y", FLOAT, [4])], [t, f32("s", 0.5)], opset=21)
    yield "gather_index_out_of_range", model(
        [node("Shape", ["x"], ["s"], "shape"), node("Gather", ["s", "i"], ["d"], "gather_dim7", axis=0),
         node("Reshape", ["x", "d"], ["y"], "reshape")], "g",
        [vinfo("x", FLOAT, [2, 3])], [vinfo("y", FLOAT, None)], [i64("i", [7])])
    yield "integer_division_by_zero", model(
        [node("Div", ["a", "b"], ["c"], "div_zero"), node("Reshape", ["x", "c"], ["y"], "reshape")], "g",
        [vinfo("x", FLOAT, [2, 3])], [vinfo("y", FLOAT, None)], [i64("a", [6]), i64("b", [0])])
    yield "squeeze_non_unit", model(
        [node("Squeeze", ["x", "axes"], ["y"], "squeeze_dim1")], "g",
        [vinfo("x", FLOAT, [1, 4])], [vinfo("y", FLOAT, None)], [i64("axes", [1])])
    yield "opset22", model([node("Relu", ["x"], ["y"], "relu")], "g",
                           [vinfo("x", FLOAT, [1, 4])], [vinfo("y", FLOAT, [1, 4])], opset=22)
    yield "quantize_axis_out_of_range", model(
        [node("QuantizeLinear", ["x", "s", "z"], ["q"], "q_axis9", axis=9),
         node("DequantizeLinear", ["q", "s", "z"], ["y"], "dq")], "g",
        [vinfo("x", FLOAT, [1, 2])], [vinfo("y", FLOAT, [1, 2])],
        [f32("s", [0.5, 0.25]), tensor("z", [0, 0], np.uint8)])
    yield "zero_point_type_mismatch", model(
        [node("QuantizeLinear", ["x", "s", "z"], ["q"], "x_quant"),
         node("DequantizeLinear", ["q", "s", "z8"], ["y"], "dq_int8_zp")], "g",
        [vinfo("x", FLOAT, [1, 2])], [vinfo("y", FLOAT, [1, 2])],
        [f32("s", 0.5), tensor("z", 0, np.uint8), tensor("z8", 0, np.int8)])
    yield "sub_runtime", model(
        [node("Relu", ["x"], ["r"], "relu"), node("Sub", ["x", "r"], ["y"], "sub_tensors")], "g",
        [vinfo("x", FLOAT, [1, 4])], [vinfo("y", FLOAT, [1, 4])])
    yield "pool_kernel_too_large", model(
        [node("MaxPool", ["x"], ["y"], "pool_k9", kernel_shape=[9])], "g",
        [vinfo("x", FLOAT, [1, 2, 4])], [vinfo("y", FLOAT, None)])


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    n = 0
    for name, m in cases():
        if isinstance(m, onnx.ModelProto) and m.ir_version == 0:
            m.ir_version = 8
        with open(os.path.join(out, name + ".onnx"), "wb") as f:
            f.write(m.SerializeToString())
        n += 1
    print("wrote %d malformed models" % n)


if __name__ == "__main__":
    main()
