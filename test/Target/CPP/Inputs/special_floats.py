"""Writes float32 inputs that stress quantization: exact ties of the scales in
quantize_special.mlir (k + 1/2 steps, both signs), their float neighbours,
the clamp bounds and just beyond, NaN, +-inf, +-FLT_MAX, denormals, +-0,
and random values; SAMPLES samples of COUNT floats.

    special_floats.py OUT.f32 COUNT SAMPLES
"""
import sys

import numpy as np

out, count, samples = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
values = [np.nan, -np.nan, np.inf, -np.inf, 3.4028235e38, -3.4028235e38,
          1e-45, -1e-45, 1.1754942e-38, 0.0, -0.0, 1e30, -1e30]
for scale in (0.01171875, 0.1, 0.0078125, 3.7e-5):
    for k in (0, 1, 2, 3, 7, 63, 64, 126, 127, 128, 129, 254, 255, 300,
              32766, 32767, 32768):
        for sign in (1, -1):
            tie = np.float32(sign * (k + 0.5) * scale)
            values += [tie, np.nextafter(tie, np.float32(np.inf)),
                       np.nextafter(tie, np.float32(-np.inf)),
                       np.float32(sign * k * scale)]
values = np.array(values, dtype=np.float32)
rng = np.random.default_rng(7)
total = count * samples
extra = rng.uniform(-3, 3, size=max(0, total - len(values))).astype(np.float32)
data = np.concatenate([values, extra])[:total]
# Spread the specials over every input and sample.
rng.shuffle(data)
data.astype(np.float32).tofile(out)
