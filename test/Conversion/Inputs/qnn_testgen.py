#!/usr/bin/python3
"""Small qnn networks, written as qnn IR, with an independent numpy/Python
reference of the numeric contract (shared/DESIGN.md, "Numeric contract"), to
check the loops that qnn-lower-to-loops produces bit for bit.

    qnn_testgen.py CASE OUTDIR [--samples N] [--seed S]
    qnn_testgen.py --list

writes OUTDIR/CASE.mlir, OUTDIR/CASE.in.f32 (samples concatenated, inputs in
order) and OUTDIR/CASE.expected.f32 (per sample, all outputs in order, int64
outputs as float32, like scripts/ort/ort-run.mjs).

The reference is plain Python on integers: requantization multipliers as
computeRequantParams defines them (31-bit mantissa, exact mode), the kernel as
rt::requantize defines it, quantization as x / s in float32 rounded half to
even, dequantization as float32(q - z) * float32(s). Nothing is taken from the
compiler's output.
"""

import argparse
import math
import sys

import numpy as np

# ---------------------------------------------------------------------------
# numeric contract
# ---------------------------------------------------------------------------


# Mantissa bits of the requantization modes (qnn.requant_mode).
MODE_BITS = {"exact": 31, "fixed16": 16, "pow2": 1}
MODE = ["exact"]  # the mode of the model being built


def requant_params(m):
    """(multiplier, shift) with m ~= multiplier * 2^-shift, the mantissa
    rounded half to even to the mode's width."""
    bits = MODE_BITS[MODE[0]]
    frac, exp = math.frexp(m)
    assert -31 <= exp <= 31, "multiplier out of range"
    mant = int(round(math.ldexp(frac, bits)))  # Python rounds floats half to even
    shift = bits - exp
    if mant == 1 << bits:
        mant >>= 1
        shift -= 1
    return mant, shift


def rounding_shift(v, shift):
    if shift <= 0:
        return v << -shift
    q = v >> shift  # floor
    rem = v - (q << shift)
    half = 1 << (shift - 1)
    if rem > half or (rem == half and q & 1):
        q += 1
    return q


def requantize(acc, m, zp, lo, hi):
    mult, shift = requant_params(m)
    y = rounding_shift(int(acc) * mult, shift) + zp
    return min(max(y, lo), hi)


def quantize(x, scale, zp, lo, hi):
    """ONNX Runtime's QuantizeLinear: float32 division, clamp in float to
    [lo - zp, hi - zp] (NaN goes to lo), round half to even."""
    with np.errstate(all="ignore"):
        v = np.float32(x) / np.float32(scale)
    if np.isnan(v):
        return lo
    v = float(np.clip(v, lo - zp, hi - zp))
    return int(min(max(int(np.rint(v)) + zp, lo), hi))


def fmt(v):
    return "%.17e" % v


# ---------------------------------------------------------------------------
# types and values
# ---------------------------------------------------------------------------


class Q:
    """A uniform quantized element type."""

    def __init__(self, bits, signed, scale, zp=0, lo=None, hi=None, axis=None):
        self.bits, self.signed = bits, signed
        self.scales = list(scale) if isinstance(scale, (list, tuple, np.ndarray)) else [scale]
        self.axis = axis
        self.zps = list(zp) if isinstance(zp, (list, tuple)) else [zp] * len(self.scales)
        full_lo = -(1 << (bits - 1)) if signed else 0
        full_hi = (1 << (bits - 1)) - 1 if signed else (1 << bits) - 1
        self.lo = full_lo if lo is None else lo
        self.hi = full_hi if hi is None else hi
        self.narrowed = (self.lo, self.hi) != (full_lo, full_hi)

    @property
    def scale(self):
        return self.scales[0]

    @property
    def zp(self):
        return self.zps[0]

    def mlir(self):
        storage = ("i" if self.signed else "u") + str(self.bits)
        if self.narrowed:
            storage += "<%d:%d>" % (self.lo, self.hi)
        def one(s, z):
            return fmt(s) + (":%d" % z if z else "")
        if self.axis is None:
            return "!quant.uniform<%s:f32, %s>" % (storage, one(self.scale, self.zp))
        return "!quant.uniform<%s:f32:%d, {%s}>" % (
            storage, self.axis, ", ".join(one(s, z) for s, z in zip(self.scales, self.zps)))


def acc_type(qx, qw, axis=1):
    if len(qw.scales) == 1:
        return Q(32, True, qx.scale * qw.scale)
    return Q(32, True, [qx.scale * s for s in qw.scales], axis=axis)


class V:
    """An SSA value: name, shape, element type (Q, 'f32' or 'i64')."""

    def __init__(self, name, shape, etype):
        self.name, self.shape, self.etype = name, list(shape), etype

    def type(self):
        e = self.etype.mlir() if isinstance(self.etype, Q) else self.etype
        return "tensor<%s>" % "x".join([str(d) for d in self.shape] + [e])


def arr(a):
    return "[" + ", ".join(arr(x) if isinstance(x, np.ndarray) else str(int(x)) for x in a) + "]"


def window_out(size, k, s, pb, pe, d):
    return (size + pb + pe - (d * (k - 1) + 1)) // s + 1


class Model:
    def __init__(self, name="net", mode="exact"):
        self.name = name
        self.mode = mode
        MODE[0] = mode
        self.lines, self.args, self.results, self.steps = [], [], [], []
        self.count = 0

    def _new(self, shape, etype):
        self.count += 1
        return V("%%v%d" % self.count, shape, etype)

    # -- builders ------------------------------------------------------------
    def input(self, shape, etype="f32"):
        """A float input, or (etype a Q) a quantized one holding stored
        integers; samples pass them as float32."""
        v = V("%%arg%d" % len(self.args), shape, etype)
        self.args.append(v)
        return v

    def output(self, *values):
        self.results.extend(values)

    def constant(self, ints, q):
        ints = np.asarray(ints, np.int64)
        v = self._new(ints.shape, q)
        storage = ("i" if q.signed else "ui") + str(q.bits)
        self.lines.append("%s = qnn.constant dense<%s> : tensor<%s> : %s" % (
            v.name, arr(ints) if ints.ndim else str(int(ints)),
            "x".join([str(d) for d in ints.shape] + [storage]), v.type()))
        self.steps.append(lambda env, v=v, ints=ints: env.__setitem__(v.name, ints))
        return v

    def quantize(self, x, q):
        v = self._new(x.shape, q)
        x.quant = q  # input samples follow the quantizer's range
        self.lines.append("%s = qnn.quantize %s : %s -> %s" % (v.name, x.name, x.type(), v.type()))
        def run(env):
            env[v.name] = np.vectorize(lambda e: quantize(e, q.scale, q.zp, q.lo, q.hi),
                                       otypes=[np.int64])(env[x.name])
        self.steps.append(run)
        return v

    def dequantize(self, x):
        v = self._new(x.shape, "f32")
        q = x.etype
        self.lines.append("%s = qnn.dequantize %s : %s -> %s" % (v.name, x.name, x.type(), v.type()))
        def run(env):
            a = env[x.name]
            s = np.ones(a.shape, np.float32)
            z = np.zeros(a.shape, np.int64)
            if q.axis is None:
                s[...], z[...] = np.float32(q.scale), q.zp
            else:
                shape = [1] * a.ndim
                shape[q.axis] = -1
                s = s * np.asarray(q.scales, np.float32).reshape(shape)
                z = z + np.asarray(q.zps, np.int64).reshape(shape)
            env[v.name] = (a - z).astype(np.float32) * s
        self.steps.append(run)
        return v

    def requantize(self, x, q):
        v = self._new(x.shape, q)
        qi = x.etype
        self.lines.append("%s = qnn.requantize %s : %s -> %s" % (v.name, x.name, x.type(), v.type()))
        def run(env):
            a = env[x.name]
            out = np.zeros(a.shape, np.int64)
            for idx in np.ndindex(*a.shape):
                c = idx[qi.axis] if qi.axis is not None else 0
                out[idx] = requantize(a[idx] - qi.zps[c], qi.scales[c] / q.scale, q.zp, q.lo, q.hi)
            env[v.name] = out
        self.steps.append(run)
        return v

    def conv(self, x, w, b=None, strides=None, pads=None, dilations=None, group=1, acc_bits=None):
        sp = len(x.shape) - 2
        strides = strides or [1] * sp
        pads = pads or [0] * (2 * sp)
        dilations = dilations or [1] * sp
        out = [x.shape[0], w.shape[0]] + [
            window_out(x.shape[2 + d], w.shape[2 + d], strides[d], pads[d], pads[sp + d], dilations[d])
            for d in range(sp)]
        v = self._new(out, acc_type(x.etype, w.etype))
        attrs = "strides = array<i64: %s>, pads = array<i64: %s>, dilations = array<i64: %s>" % (
            ", ".join(map(str, strides)), ", ".join(map(str, pads)), ", ".join(map(str, dilations)))
        if group != 1:
            attrs += ", group = %d : i64" % group
        if acc_bits:
            attrs += ", acc_bits = %d : i64" % acc_bits
        ops = [x, w] + ([b] if b else [])
        self.lines.append("%s = qnn.conv %s {%s} : (%s) -> %s" % (
            v.name, ", ".join(o.name for o in ops), attrs, ", ".join(o.type() for o in ops), v.type()))
        def run(env):
            env[v.name] = conv_ref(env[x.name] - x.etype.zp, env[w.name],
                                   env[b.name] if b else None, strides, pads, dilations, group)
        self.steps.append(run)
        return v

    def recurrent_conv(self, x, w, b, iterations, pads, strides=None, dilations=None,
                       pool_kernel=None, pool_strides=None, acc_bits=None):
        sp = len(x.shape) - 2
        strides = strides or [1] * sp
        dilations = dilations or [1] * sp
        shape = list(x.shape)
        for _ in range(iterations):
            shape = shape[:2] + [window_out(shape[2 + d], w.shape[2 + d], strides[d], pads[d],
                                            pads[sp + d], dilations[d]) for d in range(sp)]
            if pool_kernel:
                shape = shape[:2] + [window_out(shape[2 + d], pool_kernel[d], pool_strides[d], 0, 0, 1)
                                     for d in range(sp)]
        v = self._new(shape, x.etype)
        attrs = "iterations = %d, strides = array<i64: %s>, pads = array<i64: %s>, dilations = array<i64: %s>" % (
            iterations, ", ".join(map(str, strides)), ", ".join(map(str, pads)),
            ", ".join(map(str, dilations)))
        if pool_kernel:
            attrs += ", pool_kernel = array<i64: %s>, pool_strides = array<i64: %s>" % (
                ", ".join(map(str, pool_kernel)), ", ".join(map(str, pool_strides)))
        if acc_bits:
            attrs += ", acc_bits = %d" % acc_bits
        ops = [x, w] + ([b] if b else [])
        self.lines.append("%s = qnn.recurrent_conv %s {%s} : (%s) -> %s" % (
            v.name, ", ".join(o.name for o in ops), attrs, ", ".join(o.type() for o in ops), v.type()))
        q = x.etype
        acc = acc_type(q, w.etype)
        def run(env):
            y = env[x.name]
            for _ in range(iterations):
                a = conv_ref(y - q.zp, env[w.name], env[b.name] if b else None, strides, pads,
                             dilations, 1)
                y = requant_array(a, acc, q)
                if pool_kernel:
                    y = maxpool_ref(y, pool_kernel, pool_strides, [0] * (2 * sp), [1] * sp, q.lo)
            env[v.name] = y
        self.steps.append(run)
        return v

    def maxpool(self, x, kernel, strides, pads=None, dilations=None):
        sp = len(x.shape) - 2
        pads = pads or [0] * (2 * sp)
        dilations = dilations or [1] * sp
        out = x.shape[:2] + [window_out(x.shape[2 + d], kernel[d], strides[d], pads[d], pads[sp + d],
                                        dilations[d]) for d in range(sp)]
        v = self._new(out, x.etype)
        self.lines.append(
            "%s = qnn.maxpool %s {kernel = array<i64: %s>, strides = array<i64: %s>, pads = array<i64: %s>, "
            "dilations = array<i64: %s>} : %s -> %s" % (
                v.name, x.name, ", ".join(map(str, kernel)), ", ".join(map(str, strides)),
                ", ".join(map(str, pads)), ", ".join(map(str, dilations)), x.type(), v.type()))
        self.steps.append(lambda env: env.__setitem__(
            v.name, maxpool_ref(env[x.name], kernel, strides, pads, dilations, x.etype.lo)))
        return v

    def avgpool(self, x, q, kernel, strides, pads=None, count_include_pad=False):
        sp = len(x.shape) - 2
        pads = pads or [0] * (2 * sp)
        out = x.shape[:2] + [window_out(x.shape[2 + d], kernel[d], strides[d], pads[d], pads[sp + d], 1)
                             for d in range(sp)]
        v = self._new(out, q)
        self.lines.append(
            "%s = qnn.avgpool %s {kernel = array<i64: %s>, strides = array<i64: %s>, pads = array<i64: %s>%s}"
            " : %s -> %s" % (v.name, x.name, ", ".join(map(str, kernel)), ", ".join(map(str, strides)),
                             ", ".join(map(str, pads)),
                             ", count_include_pad = true" if count_include_pad else "", x.type(), v.type()))
        qi = x.etype
        def run(env):
            a = env[x.name]
            res = np.zeros(out, np.int64)
            for idx in np.ndindex(*out):
                total, count = 0, 0
                for tap in np.ndindex(*kernel):
                    pos = [idx[2 + d] * strides[d] + tap[d] - pads[d] for d in range(sp)]
                    if all(0 <= p < x.shape[2 + d] for d, p in enumerate(pos)):
                        total += int(a[tuple(idx[:2]) + tuple(pos)]) - qi.zp
                        count += 1
                if count_include_pad:
                    count = int(np.prod(kernel))
                res[idx] = requantize(total, qi.scale / (count * q.scale), q.zp, q.lo, q.hi)
            env[v.name] = res
        self.steps.append(run)
        return v

    def dense(self, x, w, b=None, acc_bits=None):
        v = self._new([x.shape[0], w.shape[0]], acc_type(x.etype, w.etype))
        ops = [x, w] + ([b] if b else [])
        attrs = " {acc_bits = %d : i64}" % acc_bits if acc_bits else ""
        self.lines.append("%s = qnn.dense %s%s : (%s) -> %s" % (
            v.name, ", ".join(o.name for o in ops), attrs, ", ".join(o.type() for o in ops), v.type()))
        def run(env):
            acc = (env[x.name] - x.etype.zp) @ env[w.name].T
            if b:
                acc = acc + env[b.name][None, :]
            env[v.name] = acc
        self.steps.append(run)
        return v

    def add(self, a, b, q):
        shape = list(np.broadcast_shapes(tuple(a.shape), tuple(b.shape)))
        v = self._new(shape, q)
        self.lines.append("%s = qnn.add %s, %s : (%s, %s) -> %s" % (
            v.name, a.name, b.name, a.type(), b.type(), v.type()))
        qa, qb = a.etype, b.etype
        def run(env):
            ma, sa = requant_params(qa.scale / q.scale)
            mb, sb = requant_params(qb.scale / q.scale)
            s = max(sa, sb)
            x = np.broadcast_to(env[a.name], shape)
            y = np.broadcast_to(env[b.name], shape)
            res = np.zeros(shape, np.int64)
            for idx in np.ndindex(*shape):
                t = ((int(x[idx]) - qa.zp) * ma << (s - sa)) + ((int(y[idx]) - qb.zp) * mb << (s - sb))
                res[idx] = min(max(rounding_shift(t, s) + q.zp, q.lo), q.hi)
            env[v.name] = res
        self.steps.append(run)
        return v

    def clamp(self, x, lo, hi):
        q = x.etype
        nq = Q(q.bits, q.signed, q.scale, q.zp, max(q.lo, lo), min(q.hi, hi))
        v = self._new(x.shape, nq)
        self.lines.append("%s = qnn.clamp %s {min = %s : f64, max = %s : f64} : %s -> %s" % (
            v.name, x.name, fmt(lo), fmt(hi), x.type(), v.type()))
        self.steps.append(lambda env: env.__setitem__(v.name, np.clip(env[x.name], nq.lo, nq.hi)))
        return v

    def reshape(self, x, shape):
        v = self._new(shape, x.etype)
        self.lines.append("%s = qnn.reshape %s : %s -> %s" % (v.name, x.name, x.type(), v.type()))
        self.steps.append(lambda env: env.__setitem__(v.name, env[x.name].reshape(shape)))
        return v

    def argmax(self, x, axis, keepdims=True):
        shape = list(x.shape)
        if keepdims:
            shape[axis] = 1
        else:
            del shape[axis]
        v = self._new(shape, "i64")
        self.lines.append("%s = qnn.argmax %s {axis = %d : i64, keepdims = %s} : %s -> %s" % (
            v.name, x.name, axis, "true" if keepdims else "false", x.type(), v.type()))
        self.steps.append(lambda env: env.__setitem__(
            v.name, np.argmax(env[x.name], axis=axis, keepdims=keepdims).astype(np.int64)))
        return v

    # -- output ----------------------------------------------------------------
    def mlir(self):
        module_attrs = 'qnn.requant_mode = "%s"' % self.mode if self.mode != "exact" else ""
        args = ", ".join("%s: %s" % (a.name, a.type()) for a in self.args)
        results = ", ".join(r.type() for r in self.results)
        body = "\n".join("  " + l for l in self.lines)
        head = "module%s {\n" % (" attributes {%s}" % module_attrs if module_attrs else "")
        return (head + "func.func @%s(%s) -> (%s) {\n%s\n  return %s : %s\n}\n}\n" % (
            self.name, args, results, body, ", ".join(r.name for r in self.results), results))

    def evaluate(self, inputs):
        MODE[0] = self.mode
        env = {a.name: (x.astype(np.int64) if isinstance(a.etype, Q) else x)
               for a, x in zip(self.args, inputs)}
        for step in self.steps:
            step(env)
        return [env[r.name] for r in self.results]


def conv_ref(x, w, b, strides, pads, dilations, group):
    """x already minus its zero point (padding is 0); exact int64."""
    sp = x.ndim - 2
    n, ci = x.shape[:2]
    co = w.shape[0]
    cig = w.shape[1]
    out_sp = [window_out(x.shape[2 + d], w.shape[2 + d], strides[d], pads[d], pads[sp + d], dilations[d])
              for d in range(sp)]
    xp = np.pad(x, [(0, 0), (0, 0)] + [(pads[d], pads[sp + d]) for d in range(sp)])
    out = np.zeros([n, co] + out_sp, np.int64)
    for idx in np.ndindex(*out.shape):
        nn, c = idx[:2]
        g = c // (co // group)
        acc = int(b[c]) if b is not None else 0
        for i in range(cig):
            for tap in np.ndindex(*w.shape[2:]):
                pos = tuple(idx[2 + d] * strides[d] + tap[d] * dilations[d] for d in range(sp))
                acc += int(xp[(nn, g * cig + i) + pos]) * int(w[(c, i) + tap])
        out[idx] = acc
    return out


def requant_array(a, qi, q):
    out = np.zeros(a.shape, np.int64)
    for idx in np.ndindex(*a.shape):
        c = idx[qi.axis] if qi.axis is not None else 0
        out[idx] = requantize(a[idx] - qi.zps[c], qi.scales[c] / q.scale, q.zp, q.lo, q.hi)
    return out


def maxpool_ref(a, kernel, strides, pads, dilations, lowest):
    sp = a.ndim - 2
    out_sp = [window_out(a.shape[2 + d], kernel[d], strides[d], pads[d], pads[sp + d], dilations[d])
              for d in range(sp)]
    out = np.zeros(list(a.shape[:2]) + out_sp, np.int64)
    for idx in np.ndindex(*out.shape):
        best = lowest
        for tap in np.ndindex(*kernel):
            pos = [idx[2 + d] * strides[d] + tap[d] * dilations[d] - pads[d] for d in range(sp)]
            if all(0 <= p < a.shape[2 + d] for d, p in enumerate(pos)):
                best = max(best, int(a[tuple(idx[:2]) + tuple(pos)]))
        out[idx] = best
    return out


# ---------------------------------------------------------------------------
# cases
# ---------------------------------------------------------------------------
U8 = lambda s, z=128: Q(8, False, s, z)                      # noqa: E731
U4 = lambda s, relu=True: Q(8, False, s, 0, 0, 15)            # noqa: E731
I4W = lambda s, axis=None: Q(4, True, s, axis=axis)           # noqa: E731


def rand_w(rng, shape, lo=-8, hi=7):
    return rng.integers(lo, hi + 1, size=shape)


def case_tiny_like(rng):
    """stem conv + pool, recurrent conv (per-tensor), dense, dequantize."""
    m = Model("tiny_like")
    sx, sw, sa = 2.0 ** -7, 2.0 ** -3, 2.0 ** -4
    x = m.input([1, 1, 32])
    q = m.quantize(x, U8(sx))
    w = m.constant(rand_w(rng, (4, 1, 3)), I4W(sw))
    b = m.constant(rng.integers(-40, 40, 4), Q(32, True, sx * sw))
    a = m.requantize(m.conv(q, w, b, pads=[1, 1]), U4(sa))
    p = m.maxpool(a, [2], [2])
    wr = m.constant(rand_w(rng, (4, 4, 3)), I4W(sw))
    br = m.constant(rng.integers(-8, 8, 4), Q(32, True, sa * sw))
    r = m.recurrent_conv(p, wr, br, 3, [1, 1], pool_kernel=[2], pool_strides=[2])
    f = m.reshape(r, [1, 8])
    wf = m.constant(rand_w(rng, (3, 8)), I4W(sw))
    m.output(m.dequantize(m.dense(f, wf)))
    return m


def case_odd_scales(rng):
    """Non-dyadic scales, per-channel weights, ReLU6-like clamp range, two
    outputs (logits and the block activation)."""
    m = Model("odd_scales")
    sx, sa = 0.0123, 0.07
    sws = [0.031, 0.047, 0.0113, 0.09, 0.05]
    x = m.input([1, 2, 24])
    q = m.quantize(x, U8(sx, 117))
    w = m.constant(rand_w(rng, (5, 2, 5)), I4W(sws, axis=0))
    b = m.constant(rng.integers(-300, 300, 5), Q(32, True, [sx * s for s in sws], axis=0))
    a = m.requantize(m.conv(q, w, b, pads=[2, 1], strides=[2]), Q(8, False, sa, 3, 3, 12))
    wr = m.constant(rand_w(rng, (5, 5, 3)), I4W(sws, axis=0))
    br = m.constant(rng.integers(-20, 20, 5), Q(32, True, [sa * s for s in sws], axis=0))
    r = m.recurrent_conv(a, wr, br, 2, [1, 1], acc_bits=16)
    f = m.reshape(r, [1, 60])
    wf = m.constant(rand_w(rng, (4, 60)), I4W([0.02, 0.03, 0.05, 0.011], axis=0))
    d = m.dense(f, wf, m.constant(rng.integers(-500, 500, 4),
                                  Q(32, True, [sa * s for s in [0.02, 0.03, 0.05, 0.011]], axis=0)))
    m.output(m.dequantize(d), m.dequantize(r))
    return m


def case_pools(rng):
    """Standalone padded max pool (dilated), average pools with and without
    counting padding, overlapping pool in a recurrent conv, argmax."""
    m = Model("pools")
    sx, sw, sa = 2.0 ** -6, 0.25, 0.125
    x = m.input([1, 3, 20])
    q = m.quantize(x, Q(8, True, sx, -5))
    mp = m.maxpool(q, [3], [2], pads=[2, 1], dilations=[2])
    ap = m.avgpool(q, Q(8, True, 0.011, 4), [4], [3], pads=[2, 2])
    ap2 = m.avgpool(q, Q(8, True, 0.019, -3), [3], [1], pads=[1, 1], count_include_pad=True)
    w = m.constant(rand_w(rng, (3, 3, 3)), I4W(sw))
    r = m.recurrent_conv(m.requantize(mp, U4(sa)), w, None, 2, [1, 1],
                         pool_kernel=[3], pool_strides=[1])
    m.output(m.dequantize(r), m.dequantize(ap), m.dequantize(ap2),
             m.argmax(m.dequantize(ap2), 2, keepdims=False))
    return m


def case_add_group_2d(rng):
    """2-D grouped dilated conv kept as an i32 buffer (two readers), an add
    broadcasting a one-channel branch over the channels, clamp, argmax over
    channels with keepdims."""
    m = Model("add_group_2d")
    sx = 0.02
    x = m.input([1, 4, 6, 5])
    q = m.quantize(x, U8(sx, 100))
    w = m.constant(rand_w(rng, (4, 2, 3, 2)), I4W([0.1, 0.05, 0.2, 0.15], axis=0))
    c = m.conv(q, w, None, strides=[1, 2], pads=[1, 0, 1, 1], dilations=[1, 2], group=2)
    a = m.requantize(c, Q(8, True, 0.05, 2))
    w1 = m.constant(rand_w(rng, (1, 4, 3, 1)), I4W(0.3))
    y = m.requantize(m.conv(q, w1, None, strides=[1, 3], pads=[1, 0, 1, 0]), Q(8, True, 0.03, -7))
    s = m.add(a, y, Q(8, True, 0.04, 1))
    cl = m.clamp(s, -20.0, 90.0)
    m.output(m.dequantize(cl), m.argmax(cl, 1, keepdims=True), m.dequantize(c))
    return m


def case_quantize_edges(rng):
    """Quantization ties and saturation; a 16-bit signed storage type (an i16
    container) downstream."""
    m = Model("quantize_edges")
    x = m.input([1, 1, 40])
    x.specials = True  # NaN, infinities, -0, huge values
    a = m.quantize(x, Q(8, False, 0.5, 10))
    b = m.requantize(a, Q(16, True, 2.0 ** -10, -3))
    m.output(m.dequantize(a), m.dequantize(b))
    return m


def case_reshapes(rng):
    """Reshapes of an entry buffer (read through a different shape), and a
    conv whose result reaches the output through a reshape (written through
    it); a recurrent conv reading a reshaped function input copies it in."""
    m = Model("reshapes")
    x = m.input([1, 12])
    q = m.quantize(x, U8(0.03, 120))
    r = m.reshape(q, [1, 3, 4])
    w = m.constant(rand_w(rng, (3, 3, 2)), I4W(0.2))
    a = m.requantize(m.conv(r, w, pads=[0, 1]), Q(8, True, 0.1, -4))
    out = m.reshape(a, [1, 12])
    act = U4(0.05)
    b = m.requantize(m.reshape(m.conv(r, w), [1, 3, 3]), act)
    wr = m.constant(rand_w(rng, (3, 3, 3)), I4W(0.125))
    rc = m.recurrent_conv(m.reshape(m.reshape(b, [1, 9]), [1, 3, 3]), wr, None, 2, [1, 1])
    m.output(m.dequantize(out), m.dequantize(m.reshape(rc, [9, 1])))
    return m


def case_requant_modes(mode):
    def build(rng):
        """Requantization of raw accumulators (an i32 input) with per-channel
        multipliers from 2^-20 to 300: in pow2 and fixed16 modes some shifts
        are negative (a left shift), others positive, in one table."""
        m = Model("requant_" + mode, mode)
        scales = [3.7e-7, 0.013, 0.5, 0.75, 1.0, 2.5, 3.0, 77.7, 300.0]
        x = m.input([1, len(scales), 12], Q(32, True, scales, axis=1))
        x.acc_range = 1 << 14
        a = m.requantize(x, Q(8, False, 1.0, 7))
        b = m.requantize(x, Q(16, True, 0.5, -100))
        m.output(m.dequantize(a), m.dequantize(b))
        return m
    return build


CASES = {
    "reshapes": case_reshapes,
    "requant_exact": case_requant_modes("exact"),
    "requant_fixed16": case_requant_modes("fixed16"),
    "requant_pow2": case_requant_modes("pow2"),
    "tiny_like": case_tiny_like,
    "odd_scales": case_odd_scales,
    "pools": case_pools,
    "add_group_2d": case_add_group_2d,
    "quantize_edges": case_quantize_edges,
}


def make_inputs(m, rng, samples):
    """Per argument: uniform over its quantizer's range widened by 20% on each
    side (values saturate), a quarter of them exactly on rounding ties."""
    out = []
    for _ in range(samples):
        sample = []
        for a in m.args:
            n = int(np.prod(a.shape))
            q = getattr(a, "quant", None)
            if isinstance(a.etype, Q):
                # Raw stored integers (passed as float32), a third of them
                # small so that ties and low bits matter.
                r = getattr(a, "acc_range", 1 << 10)
                v = rng.integers(-r, r, n)
                small = rng.random(n) < 0.3
                v[small] = rng.integers(-9, 10, n)[small]
            elif q is not None:
                lo_r, hi_r = (q.lo - q.zp) * q.scale, (q.hi - q.zp) * q.scale
                span = hi_r - lo_r
                v = rng.uniform(lo_r - 0.2 * span, hi_r + 0.2 * span, n)
                ties = rng.random(n) < 0.25
                k = rng.integers(q.lo - q.zp, q.hi - q.zp, n)
                v[ties] = (k[ties] + 0.5) * q.scale
            else:
                v = rng.uniform(-2, 2, n)
            if getattr(a, "specials", False):
                v[:6] = [np.nan, np.inf, -np.inf, -0.0, 3e38, -3e38]
                rng.shuffle(v)
            sample.append(v.astype(np.float32).reshape(a.shape))
        out.append(sample)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("case", nargs="?")
    ap.add_argument("outdir", nargs="?")
    ap.add_argument("--samples", type=int, default=8)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--list", action="store_true")
    args = ap.parse_args()
    if args.list:
        print("\n".join(CASES))
        return 0
    if args.case not in CASES or not args.outdir:
        ap.error("need CASE (one of %s) and OUTDIR" % ", ".join(CASES))
    rng = np.random.default_rng(args.seed)
    m = CASES[args.case](rng)
    inputs = make_inputs(m, rng, args.samples)
    base = "%s/%s" % (args.outdir, args.case)
    with open(base + ".mlir", "w") as f:
        f.write(m.mlir())
    with open(base + ".in.f32", "wb") as f:
        for sample in inputs:
            for v in sample:
                f.write(np.ascontiguousarray(v, "<f4").tobytes())
    with open(base + ".expected.f32", "wb") as f:
        for sample in inputs:
            for r in m.evaluate(sample):
                f.write(np.ascontiguousarray(np.asarray(r).astype(np.float32), "<f4").tobytes())
    return 0


if __name__ == "__main__":
    sys.exit(main())
