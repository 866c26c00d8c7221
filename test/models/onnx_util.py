"""Small helpers shared by the qrcnn test-model generators.

Runs on Debian's python3-onnx 1.12, whose TensorProto.DataType enum stops at
BFLOAT16 (16).  INT4 (22) and UINT4 (21) arrived with ONNX 1.16 (IR version
10); `data_type` / `elem_type` are plain int32 fields, so we write them by
number through the named constants below and pack the nibbles ourselves.
"""

import numpy as np
from onnx import helper, numpy_helper, TensorProto

# ---- data types by number (onnx.proto3 TensorProto.DataType) --------------
FLOAT = 1
UINT8 = 2
INT8 = 3
UINT16 = 4
INT16 = 5
INT32 = 6
INT64 = 7
STRING = 8
BOOL = 9
FLOAT16 = 10
DOUBLE = 11
UINT32 = 12
UINT64 = 13
COMPLEX64 = 14
COMPLEX128 = 15
BFLOAT16 = 16
UINT4 = 21  # ONNX 1.16 / IR 10, opset 21
INT4 = 22   # ONNX 1.16 / IR 10, opset 21

DTYPE_NAMES = {
    FLOAT: "float32", UINT8: "uint8", INT8: "int8", UINT16: "uint16",
    INT16: "int16", INT32: "int32", INT64: "int64", STRING: "string",
    BOOL: "bool", FLOAT16: "float16", DOUBLE: "float64", UINT32: "uint32",
    UINT64: "uint64", COMPLEX64: "complex64", COMPLEX128: "complex128",
    BFLOAT16: "bfloat16", UINT4: "uint4", INT4: "int4",
}

NP_TO_ONNX = {
    np.dtype(np.float32): FLOAT, np.dtype(np.uint8): UINT8,
    np.dtype(np.int8): INT8, np.dtype(np.int32): INT32,
    np.dtype(np.int64): INT64, np.dtype(np.bool_): BOOL,
}

# IR version written for each default-domain opset (the lowest IR version
# that allows it; INT4 needs IR 10, which is what opset 21 implies).
IR_FOR_OPSET = {6: 3, 7: 3, 10: 5, 11: 6, 12: 7, 13: 7, 14: 7, 15: 8,
                16: 8, 17: 8, 18: 8, 19: 9, 20: 9, 21: 10, 99: 10}


# ---- int4 packing --------------------------------------------------------
def pack_int4(values, signed):
    """Pack integers two per byte, element 2i in the low nibble, 2i+1 in the
    high nibble; an odd count is padded with a zero high nibble."""
    v = np.asarray(values, dtype=np.int64).ravel()
    lo, hi = (-8, 7) if signed else (0, 15)
    if v.size and (v.min() < lo or v.max() > hi):
        raise ValueError("int4 value out of range %d..%d" % (lo, hi))
    nib = (v & 0xF).astype(np.uint8)
    if nib.size % 2:
        nib = np.concatenate([nib, np.zeros(1, np.uint8)])
    return (nib[0::2] | (nib[1::2] << 4)).astype(np.uint8).tobytes()


def unpack_int4(raw, count, signed):
    b = np.frombuffer(raw, dtype=np.uint8)
    nib = np.empty(b.size * 2, dtype=np.int64)
    nib[0::2] = b & 0xF
    nib[1::2] = b >> 4
    nib = nib[:count]
    if signed:
        nib = np.where(nib >= 8, nib - 16, nib)
    return nib


def int4_tensor(name, values, signed, dims=None):
    """TensorProto of data type INT4 (signed) or UINT4, packed in raw_data."""
    arr = np.asarray(values)
    t = TensorProto()
    t.name = name
    t.data_type = INT4 if signed else UINT4
    t.dims.extend(list(arr.shape) if dims is None else list(dims))
    t.raw_data = pack_int4(arr, signed)
    return t


# ---- tensors / value infos ------------------------------------------------
def raw_tensor(name, dtype, dims, raw=b"", int32_data=None):
    """A TensorProto with the given bytes (or int32_data) taken as they are,
    whatever the dims say: malformed initializers for the error tests."""
    t = TensorProto()
    t.name = name
    t.data_type = dtype
    t.dims.extend(dims)
    if int32_data is not None:
        t.int32_data.extend(int32_data)
    else:
        t.raw_data = raw
    return t


def tensor(name, arr, dtype=None):
    arr = np.asarray(arr)
    if dtype is not None:
        arr = arr.astype(dtype)
    return numpy_helper.from_array(arr, name)


def f32(name, arr):
    return tensor(name, arr, np.float32)


def i64(name, arr):
    return tensor(name, arr, np.int64)


def vinfo(name, elem, shape):
    return helper.make_tensor_value_info(name, elem, shape)


def node(op, inputs, outputs, name, domain=None, **attrs):
    n = helper.make_node(op, inputs, outputs, name=name, **attrs)
    if domain is not None:
        n.domain = domain
    return n


def model(nodes, name, inputs, outputs, initializers=(), opset=13,
          extra_opsets=(), ir_version=None, value_info=(), doc="",
          functions=()):
    g = helper.make_graph(list(nodes), name, list(inputs), list(outputs),
                          initializer=list(initializers),
                          value_info=list(value_info))
    ops = [helper.make_opsetid("", opset)]
    ops += [helper.make_opsetid(d, v) for d, v in extra_opsets]
    m = helper.make_model(g, opset_imports=ops, producer_name="qrcnn-gen_models",
                          producer_version="1")
    m.ir_version = ir_version or IR_FOR_OPSET.get(opset, 8)
    if doc:
        m.doc_string = doc
    for f in functions:
        m.functions.append(f)
    return m


def describe_value(vi):
    tt = vi.type.tensor_type
    dims = []
    for d in tt.shape.dim:
        if d.HasField("dim_value"):
            dims.append(int(d.dim_value))
        elif d.HasField("dim_param"):
            dims.append(d.dim_param)
        else:
            dims.append(None)
    return {"name": vi.name, "shape": dims,
            "dtype": DTYPE_NAMES.get(tt.elem_type, str(tt.elem_type))}


# ---- numerics -------------------------------------------------------------
def round_half_even(x):
    return np.rint(x)


def dyadic(mantissa, exp):
    """mantissa * 2**exp as float32 (exact for small odd mantissas)."""
    v = np.float32(mantissa * 2.0 ** exp)
    assert float(v) == mantissa * 2.0 ** exp
    return v
