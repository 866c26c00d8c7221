"""Small all-constant models whose folded results are checked against values
computed by hand in constant-folding.test.

    make_fold_models.py OUTDIR
"""
import os
import sys

import numpy as np
from onnx import helper, TensorProto

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "models"))
from onnx_util import FLOAT, UINT8, INT8, INT4, f32, tensor, vinfo, node, model  # noqa: E402


def out(name, elem, shape):
    return vinfo(name, elem, shape)


def cases():
    yield "round", model([node("Round", ["x"], ["y"], "round")], "g", [],
                         [out("y", FLOAT, [6])],
                         [f32("x", [0.5, 1.5, 2.5, -0.5, -1.5, 2.4999998])])
    yield "quantize_saturate", model(
        [node("QuantizeLinear", ["x", "s", "z"], ["y"], "quant")], "g", [], [out("y", UINT8, [5])],
        [f32("x", [-1000, 0.3125, 0.375, 0.4375, 1000]), f32("s", 0.125), tensor("z", 2, np.uint8)])
    yield "cast_truncate", model(
        [node("Cast", ["x"], ["y"], "cast", to=INT8)], "g", [], [out("y", INT8, [4])],
        [f32("x", [-2.7, -0.5, 2.7, 127.9])])
    yield "quantize_int4", model(
        [node("QuantizeLinear", ["x", "s"], ["y"], "quant", output_dtype=INT4)], "g", [],
        [out("y", INT4, [4])], [f32("x", [-2.0, -1.0625, 0.9375, 2.0]), f32("s", 0.125)], opset=21)
    yield "qonnx_narrow", model(
        [node("Quant", ["x", "s", "z", "bw"], ["y"], "quant", domain="qonnx.custom_op.general",
              signed=1, narrow=1, rounding_mode="ROUND")], "g", [], [out("y", FLOAT, [5])],
        [f32("x", [-100, 0.0625, 0.1875, 0.3125, 100]), f32("s", 0.125), f32("z", 0.0), f32("bw", 4.0)],
        extra_opsets=[("qonnx.custom_op.general", 1)])
    yield "dequantize_uint8", model(
        [node("DequantizeLinear", ["q", "s", "z"], ["y"], "dequant")], "g", [], [out("y", FLOAT, [3])],
        [tensor("q", [0, 128, 255], np.uint8), f32("s", 0.5), tensor("z", 128, np.uint8)])


    # INT4 in int32_data: one packed byte per entry, low nibble first.
    t = TensorProto()
    t.name, t.data_type = "q", INT4
    t.dims.extend([3])
    t.int32_data.extend([0x21, 0x0F])
    yield "int4_int32_data", model(
        [node("DequantizeLinear", ["q", "s"], ["y"], "dequant")], "g", [], [out("y", FLOAT, [3])],
        [t, f32("s", 1.0)], opset=21)
    # FLOAT16 initializer (raw_data) cast to float.
    h = tensor("h", np.array([1.5, 65504.0, -0.0001], np.float16))
    yield "float16_cast", model([node("Cast", ["h"], ["y"], "cast", to=FLOAT)], "g", [],
                                [out("y", FLOAT, [3])], [h])


def main():
    os.makedirs(sys.argv[1], exist_ok=True)
    for name, m in cases():
        with open(os.path.join(sys.argv[1], name + ".onnx"), "wb") as f:
            f.write(m.SerializeToString())


if __name__ == "__main__":
    main()
