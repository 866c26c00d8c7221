"""Writes a qnn function with a chain of N identical conv -> requantize
blocks (1 channel, 1 value, kernel 1), cheap to parse, fold and run, for
the test of the recurrent-conv iteration cap (2^16) in
qnn-fold-recurrent-conv.

    long_chain.py N OUT.mlir

Weight 3 (i4, scale 0.5), activation u8 scale 0.5 zero point 0, accumulator
scale 0.25: each block computes y = clamp(round(3 * x * 0.25 / 0.5)) on the
stored integers, i.e. q -> round_half_even(1.5 * q), clamped to 255.
"""
import sys

n, out = int(sys.argv[1]), sys.argv[2]
lines = [
    "!a = !quant.uniform<u8:f32, 0.5>",
    "!w = !quant.uniform<i4:f32, 0.5>",
    "!c = !quant.uniform<i32:f32, 0.25>",
    "func.func @main(%x: tensor<1x1x1xf32>) -> tensor<1x1x1xf32> {",
    "  %w = qnn.constant dense<3> : tensor<1x1x1xi4> : tensor<1x1x1x!w>",
    "  %r0 = qnn.quantize %x : tensor<1x1x1xf32> -> tensor<1x1x1x!a>",
]
attrs = "{strides = array<i64: 1>, pads = array<i64: 0, 0>, dilations = array<i64: 1>}"
for i in range(1, n + 1):
    lines.append("  %%c%d = qnn.conv %%r%d, %%w %s : (tensor<1x1x1x!a>, tensor<1x1x1x!w>) -> tensor<1x1x1x!c>"
                 % (i, i - 1, attrs))
    lines.append("  %%r%d = qnn.requantize %%c%d : tensor<1x1x1x!c> -> tensor<1x1x1x!a>" % (i, i))
lines.append("  %%y = qnn.dequantize %%r%d : tensor<1x1x1x!a> -> tensor<1x1x1xf32>" % n)
lines.append("  return %y : tensor<1x1x1xf32>")
lines.append("}")
with open(out, "w") as f:
    f.write("\n".join(lines) + "\n")
