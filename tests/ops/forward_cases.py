"""Forward test cases for every op in the registry: how to draw inputs, how to build the op with the
public API, and an independent numpy reference.

`tests/ops/test_ops.py` runs each case eagerly, as a TF1 graph (Session, reference interpreter and
default pipeline) and, once it exists, through gf.function, and compares all of them with the
reference. A case draws its inputs with hypothesis: `draw(d)` returns (arrays, attrs); arrays become
tensors (constants eagerly, fed placeholders in graphs), attrs are passed as Python values.
"""
from __future__ import annotations

import contextlib
import io
import math
import sys
from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import graphflow as gf
from graphflow.ops import dispatch
from graphflow.ops.registry import get
from graphflow.ops.state import VariableState

FLOAT_DTYPES = (np.float32, np.float64)
INT_DTYPES = (np.int32, np.int64)


@dataclass
class Case:
    op: str                                  # the registry name this case exercises
    draw: Callable                           # draw(d) -> (list of arrays, dict of attrs)
    build: Callable                          # build(*tensors, **attrs) -> tensor / list of tensors
    reference: Optional[Callable] = None     # reference(*arrays, **attrs) -> array(s); None: `check`
    check: Optional[Callable] = None         # check(result_arrays, *arrays, **attrs) for random ops
    rtol: float = 1e-5
    name: str = ""
    notes: dict = field(default_factory=dict)

    def __post_init__(self):
        self.name = self.name or self.op


# ---- drawing helpers -------------------------------------------------------------------------------

def _rng(d):
    return np.random.default_rng(d(st.integers(0, 2**31 - 1)))


def shape(d, min_dims=0, max_dims=3, min_side=0, max_side=4):
    return d(hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side))


def values(d, shp, dtype=np.float32, lo=-3.0, hi=3.0):
    rng = _rng(d)
    dtype = np.dtype(dtype)
    if dtype.kind == "b":
        return rng.integers(0, 2, shp).astype(bool)
    if dtype.kind in "iu":
        return rng.integers(int(lo), int(hi) + 1, shp).astype(dtype)
    return rng.uniform(lo, hi, shp).astype(dtype)


def float_dtype(d):
    return d(st.sampled_from(FLOAT_DTYPES))


def broadcast_pair(d, dtype, lo=-3.0, hi=3.0, lo2=None, hi2=None):
    """Two arrays whose shapes broadcast (size-0 and size-1 dims included)."""
    shapes = d(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, min_side=0, max_side=3))
    a, b = shapes.input_shapes
    return [values(d, a, dtype, lo, hi), values(d, b, dtype, lo if lo2 is None else lo2, hi if hi2 is None else hi2)]


def axis_for(d, rank):
    """An axis of a tensor of `rank`, negative half the time."""
    a = d(st.integers(0, max(rank - 1, 0)))
    return a - rank if rank and d(st.booleans()) else a


# ---- case makers ---------------------------------------------------------------------------------------

CASES: list[Case] = []


def case(*args, **kwargs) -> Case:
    c = Case(*args, **kwargs)
    CASES.append(c)
    return c


def unary(op, fn, ref, dtypes=FLOAT_DTYPES, lo=-3.0, hi=3.0, rtol=1e-5):
    def draw(d):
        dt = d(st.sampled_from(dtypes))
        return [values(d, shape(d), dt, lo, hi)], {}
    case(op, draw, lambda x: fn(x), lambda x: ref(x), rtol=rtol)


def binary(op, fn, ref, dtypes=FLOAT_DTYPES, lo=-3.0, hi=3.0, lo2=None, hi2=None):
    def draw(d):
        dt = d(st.sampled_from(dtypes))
        return broadcast_pair(d, dt, lo, hi, lo2, hi2), {}
    case(op, draw, lambda x, y: fn(x, y), lambda x, y: ref(x, y))


def _erf(x):
    return np.vectorize(math.erf, otypes=[x.dtype])(x) if x.size else x.copy()


def _sigmoid(x):
    return (1 / (1 + np.exp(-x.astype(np.float64)))).astype(x.dtype)


ALL_NUMERIC = FLOAT_DTYPES + INT_DTYPES

unary("Neg", gf.negative, np.negative, ALL_NUMERIC)
unary("Abs", gf.abs, np.abs, ALL_NUMERIC)
unary("Sign", gf.sign, np.sign, ALL_NUMERIC)
unary("Exp", gf.exp, np.exp)
unary("Expm1", gf.math.expm1, np.expm1)
unary("Log", gf.math.log, np.log, lo=0.01, hi=5.0)
unary("Log1p", gf.math.log1p, np.log1p, lo=-0.9, hi=5.0)
unary("Sqrt", gf.sqrt, np.sqrt, lo=0.0, hi=5.0)
unary("Rsqrt", gf.math.rsqrt, lambda x: (1 / np.sqrt(x)).astype(x.dtype), lo=0.1, hi=5.0)
unary("Square", gf.square, np.square, ALL_NUMERIC)
unary("Sin", gf.sin, np.sin)
unary("Cos", gf.cos, np.cos)
unary("Tanh", gf.tanh, np.tanh)
unary("Sigmoid", gf.sigmoid, _sigmoid, lo=-30.0, hi=30.0)
unary("Erf", gf.math.erf, _erf)
unary("Softplus", gf.math.softplus, lambda x: np.log1p(np.exp(-np.abs(x))) + np.maximum(x, 0), lo=-30.0, hi=30.0)
unary("Floor", gf.floor, np.floor)
unary("Ceil", gf.math.ceil, np.ceil)
unary("Round", gf.round, np.round, lo=-4.0, hi=4.0)
unary("Reciprocal", gf.math.reciprocal, lambda x: (1 / x).astype(x.dtype), lo=0.5, hi=4.0)
unary("Relu", gf.nn.relu, lambda x: np.where(x > 0, x, 0).astype(x.dtype), ALL_NUMERIC)
unary("IsNan", gf.math.is_nan, np.isnan)
unary("IsFinite", gf.math.is_finite, np.isfinite)
unary("LogicalNot", gf.logical_not, np.logical_not, (np.bool_,))
unary("Identity", gf.identity, lambda x: x, ALL_NUMERIC + (np.bool_,))
unary("StopGradient", gf.stop_gradient, lambda x: x, ALL_NUMERIC)
unary("ZerosLike", gf.zeros_like, np.zeros_like, ALL_NUMERIC + (np.bool_,))
unary("OnesLike", gf.ones_like, np.ones_like, ALL_NUMERIC + (np.bool_,))

binary("Add", gf.add, np.add, ALL_NUMERIC)
binary("Sub", gf.subtract, np.subtract, ALL_NUMERIC)
binary("Mul", gf.multiply, np.multiply, ALL_NUMERIC)
binary("RealDiv", gf.math.realdiv, np.divide, lo=0.5, hi=3.0)
binary("FloorDiv", gf.math.floordiv, lambda x, y: np.floor_divide(x, y), ALL_NUMERIC, lo=1.0, hi=9.0)
binary("FloorMod", gf.math.floormod, np.mod, ALL_NUMERIC, lo=-9.0, hi=9.0, lo2=1.0, hi2=4.0)
binary("Pow", gf.pow, np.power, FLOAT_DTYPES, lo=0.1, hi=3.0)
binary("Maximum", gf.maximum, np.maximum, ALL_NUMERIC)
binary("Minimum", gf.minimum, np.minimum, ALL_NUMERIC)
binary("SquaredDifference", gf.math.squared_difference, lambda x, y: np.square(x - y), ALL_NUMERIC)
binary("Less", gf.less, np.less, ALL_NUMERIC)
binary("LessEqual", gf.less_equal, np.less_equal, ALL_NUMERIC)
binary("Greater", gf.greater, np.greater, ALL_NUMERIC)
binary("GreaterEqual", gf.greater_equal, np.greater_equal, ALL_NUMERIC)
binary("Equal", gf.math.equal, np.equal, INT_DTYPES + (np.bool_,))
binary("NotEqual", gf.math.not_equal, np.not_equal, INT_DTYPES + (np.bool_,))
binary("LogicalAnd", gf.logical_and, np.logical_and, (np.bool_,))
binary("LogicalOr", gf.logical_or, np.logical_or, (np.bool_,))
binary("BitwiseAnd", lambda x, y: x & y, np.bitwise_and, INT_DTYPES, lo=-50, hi=50)
binary("BitwiseOr", lambda x, y: x | y, np.bitwise_or, INT_DTYPES, lo=-50, hi=50)
binary("BitwiseXor", lambda x, y: x ^ y, np.bitwise_xor, INT_DTYPES, lo=-50, hi=50)


def _draw_cast(d):
    src = d(st.sampled_from(ALL_NUMERIC + (np.bool_,)))
    dst = d(st.sampled_from([t for t in ("float32", "float64", "int32", "int64", "bool") if t != np.dtype(src).name]))
    return [values(d, shape(d), src, -5, 5)], {"dtype": dst}


case("Cast", _draw_cast, lambda x, dtype: gf.cast(x, dtype), lambda x, dtype: x.astype(dtype))


def _draw_select(d):
    shapes = d(hnp.mutually_broadcastable_shapes(num_shapes=3, max_dims=3, min_side=0, max_side=3)).input_shapes
    dt = d(st.sampled_from(ALL_NUMERIC))
    return [values(d, shapes[0], np.bool_), values(d, shapes[1], dt), values(d, shapes[2], dt)], {}


case("Select", _draw_select, gf.where, np.where)
case("Where", lambda d: ([values(d, shape(d), np.bool_)], {}), lambda c: gf.where(c),
     lambda c: np.argwhere(c).astype(np.int64))


# ---- reductions -------------------------------------------------------------------------------------------

def _draw_reduce(dtypes):
    def draw(d):
        x = values(d, shape(d, min_side=1 if dtypes is None else 0), d(st.sampled_from(dtypes or FLOAT_DTYPES)))
        rank = x.ndim
        kind = d(st.sampled_from(["none", "int", "list"])) if rank else "none"
        if kind == "int":
            axis = axis_for(d, rank)
        elif kind == "list":
            axis = sorted(set(d(st.lists(st.integers(-rank, rank - 1), min_size=0, max_size=rank))),
                          key=lambda a: a % rank)
            axis = [a for i, a in enumerate(axis) if a % rank not in {b % rank for b in axis[:i]}]
        else:
            axis = None
        return [x], {"axis": axis, "keepdims": d(st.booleans())}
    return draw


def _np_axis(axis):
    return tuple(axis) if isinstance(axis, list) else axis


def _max_ref(x, axis, keepdims):
    """TF's max of an empty axis is the dtype's lowest value."""
    lowest = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min
    return np.max(x, axis=axis, keepdims=keepdims, initial=lowest)


def _min_ref(x, axis, keepdims):
    highest = np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).max
    return np.min(x, axis=axis, keepdims=keepdims, initial=highest)


for _op, _fn, _ref, _dts in (
        ("Sum", gf.reduce_sum, np.sum, ALL_NUMERIC), ("Prod", gf.reduce_prod, np.prod, ALL_NUMERIC),
        ("Max", gf.reduce_max, _max_ref, ALL_NUMERIC), ("Min", gf.reduce_min, _min_ref, ALL_NUMERIC),
        ("Any", gf.reduce_any, np.any, (np.bool_,)), ("All", gf.reduce_all, np.all, (np.bool_,))):
    case(_op, _draw_reduce(_dts), (lambda fn: lambda x, axis, keepdims: fn(x, axis, keepdims))(_fn),
         (lambda ref: lambda x, axis, keepdims: np.asarray(ref(x, axis=_np_axis(axis), keepdims=keepdims),
                                                           dtype=x.dtype))(_ref))


def _mean_ref(x, axis, keepdims):
    if x.dtype.kind in "iu":
        s = np.sum(x, axis=_np_axis(axis), keepdims=keepdims, dtype=np.int64)
        n = x.size // max(s.size, 1)
        return (np.sign(s) * (np.abs(s) // max(n, 1))).astype(x.dtype)    # truncates toward zero
    return np.mean(x, axis=_np_axis(axis), keepdims=keepdims).astype(x.dtype)


case("Mean", _draw_reduce(ALL_NUMERIC), lambda x, axis, keepdims: gf.reduce_mean(x, axis, keepdims), _mean_ref)


def _draw_arg(d):
    x = values(d, shape(d, min_dims=1, min_side=1), d(st.sampled_from(ALL_NUMERIC)))
    return [x], {"axis": axis_for(d, x.ndim), "output_type": d(st.sampled_from(["int32", "int64"]))}


case("ArgMax", _draw_arg, lambda x, axis, output_type: gf.argmax(x, axis, output_type=output_type),
     lambda x, axis, output_type: np.argmax(x, axis).astype(output_type))
case("ArgMin", _draw_arg, lambda x, axis, output_type: gf.argmin(x, axis, output_type=output_type),
     lambda x, axis, output_type: np.argmin(x, axis).astype(output_type))


# ---- linear algebra -----------------------------------------------------------------------------------------

def _draw_matmul(d):
    m, k, n = (d(st.integers(0, 4)) for _ in range(3))
    batch = d(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=2, min_side=1, max_side=2)).input_shapes
    ta, tb = d(st.booleans()), d(st.booleans())
    dt = d(st.sampled_from(FLOAT_DTYPES + (np.int32,)))
    a = values(d, batch[0] + ((k, m) if ta else (m, k)), dt)
    b = values(d, batch[1] + ((n, k) if tb else (k, n)), dt)
    return [a, b], {"transpose_a": ta, "transpose_b": tb}


def _matmul_ref(a, b, transpose_a, transpose_b):
    a = np.swapaxes(a, -1, -2) if transpose_a else a
    b = np.swapaxes(b, -1, -2) if transpose_b else b
    out = np.einsum("...ij,...jk->...ik", a.astype(np.float64), b.astype(np.float64))
    return out.astype(a.dtype)


case("MatMul", _draw_matmul, lambda a, b, **k: gf.matmul(a, b, **k), _matmul_ref)


def _draw_einsum(d):
    eq, shapes = d(st.sampled_from([
        ("ij,jk->ik", [(2, 3), (3, 4)]), ("bij,bjk->bik", [(2, 2, 3), (2, 3, 1)]), ("ii->i", [(3, 3)]),
        ("ij->ji", [(2, 0)]), ("i,j->ij", [(3,), (2,)]), ("ij,ij->", [(2, 3), (2, 3)])]))
    return [values(d, s, np.float32) for s in shapes], {"equation": eq}


case("Einsum", _draw_einsum, lambda *xs, equation: gf.einsum(equation, *xs),
     lambda *xs, equation: np.einsum(equation, *[x.astype(np.float64) for x in xs]).astype(np.float32))


# ---- shapes -----------------------------------------------------------------------------------------------------

case("Const", lambda d: ([], {"value": values(d, shape(d), d(st.sampled_from(ALL_NUMERIC)))}),
     lambda value: gf.constant(value), lambda value: value)
case("Placeholder", lambda d: ([values(d, shape(d))], {}), lambda x: gf.identity(x), lambda x: x)


def _draw_reshape(d):
    x = values(d, shape(d), d(st.sampled_from(ALL_NUMERIC)))
    target = list(np.random.default_rng(0).permutation(x.shape)) if x.ndim else []
    if x.size and target and d(st.booleans()):
        target[d(st.integers(0, len(target) - 1))] = -1
    return [x], {"shape": [int(t) for t in target]}


case("Reshape", _draw_reshape, lambda x, shape: gf.reshape(x, shape),
     lambda x, shape: np.reshape(x, shape))


def _draw_transpose(d):
    x = values(d, shape(d))
    perm = list(d(st.permutations(range(x.ndim))))
    return [x], {"perm": perm if d(st.booleans()) else None}


case("Transpose", _draw_transpose, lambda x, perm: gf.transpose(x, perm), lambda x, perm: np.transpose(x, perm))


def _draw_concat(d):
    base = list(shape(d, min_dims=1))
    axis = axis_for(d, len(base))
    xs = []
    for _ in range(d(st.integers(2, 3))):
        s = list(base)
        s[axis] = d(st.integers(0, 3))
        xs.append(values(d, tuple(s)))
    return xs, {"axis": axis}


case("ConcatV2", _draw_concat, lambda *xs, axis: gf.concat(list(xs), axis),
     lambda *xs, axis: np.concatenate(xs, axis))


def _draw_pack(d):
    s = shape(d)
    xs = [values(d, s) for _ in range(d(st.integers(1, 3)))]
    return xs, {"axis": axis_for(d, len(s) + 1)}


case("Pack", _draw_pack, lambda *xs, axis: gf.stack(list(xs), axis), lambda *xs, axis: np.stack(xs, axis))


def _draw_unpack(d):
    x = values(d, shape(d, min_dims=1))
    return [x], {"axis": axis_for(d, x.ndim)}


case("Unpack", _draw_unpack, lambda x, axis: gf.unstack(x, axis=axis),
     lambda x, axis: list(np.moveaxis(x, axis, 0)))


def _draw_split(d):
    x = values(d, shape(d, min_dims=1, min_side=1))
    axis = axis_for(d, x.ndim)
    n = x.shape[axis]
    if d(st.booleans()):
        return [x], {"num_or_size_splits": d(st.sampled_from([k for k in range(1, n + 1) if n % k == 0])),
                     "axis": axis}
    cuts = sorted(d(st.lists(st.integers(0, n), max_size=3)))
    sizes = [b - a for a, b in zip([0] + cuts, cuts + [n])]
    return [x], {"num_or_size_splits": sizes, "axis": axis}


def _split_ref(x, num_or_size_splits, axis):
    if isinstance(num_or_size_splits, int):
        return np.split(x, num_or_size_splits, axis)
    return np.split(x, np.cumsum(num_or_size_splits)[:-1], axis)


case("Split", _draw_split, lambda x, **k: gf.split(x, **k), _split_ref)


def _draw_expand(d):
    x = values(d, shape(d))
    return [x], {"axis": axis_for(d, x.ndim + 1)}


case("ExpandDims", _draw_expand, lambda x, axis: gf.expand_dims(x, axis), lambda x, axis: np.expand_dims(x, axis))


def _draw_squeeze(d):
    x = values(d, shape(d, min_side=1, max_side=2))
    ones = [i for i, s in enumerate(x.shape) if s == 1]
    axis = None if not ones or d(st.booleans()) else [i - x.ndim if d(st.booleans()) else i
                                                      for i in d(st.lists(st.sampled_from(ones), min_size=1,
                                                                          unique=True))]
    return [x], {"axis": axis}


case("Squeeze", _draw_squeeze, lambda x, axis: gf.squeeze(x, axis),
     lambda x, axis: np.squeeze(x, None if axis is None else tuple(axis)))


def _draw_tile(d):
    x = values(d, shape(d, max_side=3))
    return [x], {"multiples": [d(st.integers(0, 3)) for _ in range(x.ndim)]}


case("Tile", _draw_tile, lambda x, multiples: gf.tile(x, multiples), lambda x, multiples: np.tile(x, multiples))


def _draw_pad(d):
    x = values(d, shape(d, min_side=1))
    mode = d(st.sampled_from(["CONSTANT", "REFLECT", "SYMMETRIC"]))
    limit = {"CONSTANT": 3, "REFLECT": 0, "SYMMETRIC": 1}[mode]
    pads = [[d(st.integers(0, min(3, s - 1 + limit) if mode != "CONSTANT" else 3)) for _ in range(2)]
            for s in x.shape]
    return [x], {"paddings": pads, "mode": mode, "constant_values": d(st.sampled_from([0, 1.5]))}


def _pad_ref(x, paddings, mode, constant_values):
    if x.ndim == 0:
        return x
    if mode == "CONSTANT":
        return np.pad(x, paddings, constant_values=constant_values)
    return np.pad(x, paddings, mode=mode.lower())


case("Pad", _draw_pad, lambda x, **k: gf.pad(x, **k), _pad_ref)


def _draw_broadcast_to(d):
    shapes = d(hnp.mutually_broadcastable_shapes(num_shapes=1, max_dims=3, max_side=3))
    return [values(d, shapes.input_shapes[0])], {"shape": list(shapes.result_shape)}


case("BroadcastTo", _draw_broadcast_to, lambda x, shape: gf.broadcast_to(x, shape),
     lambda x, shape: np.broadcast_to(x, shape))


def _draw_fill(d):
    return [values(d, (), d(st.sampled_from(ALL_NUMERIC)))], {"dims": list(shape(d))}


case("Fill", _draw_fill, lambda v, dims: gf.fill(dims, v), lambda v, dims: np.full(dims, v, v.dtype))


def _draw_range(d):
    start, delta = d(st.integers(-5, 5)), d(st.sampled_from([-2, -1, 1, 3]))
    return [], {"start": start, "limit": start + delta * d(st.integers(0, 5)), "delta": delta,
                "dtype": d(st.sampled_from(["int32", "int64", "float32"]))}


case("Range", _draw_range, lambda **k: gf.range(**k),
     lambda start, limit, delta, dtype: np.arange(start, limit, delta).astype(dtype))
case("Shape", lambda d: ([values(d, shape(d))], {"out_type": d(st.sampled_from(["int32", "int64"]))}),
     lambda x, out_type: gf.shape(x, out_type=out_type), lambda x, out_type: np.array(x.shape, out_type))
case("Size", lambda d: ([values(d, shape(d))], {}), gf.size, lambda x: np.int32(x.size))
case("Rank", lambda d: ([values(d, shape(d))], {}), gf.rank, lambda x: np.int32(x.ndim))


def _draw_slice(d):
    x = values(d, shape(d, min_dims=1, max_dims=3, max_side=5))
    key = []
    for s in x.shape:
        kind = d(st.sampled_from(["int", "slice", "slice"] if s else ["slice"]))
        if kind == "int":
            key.append(d(st.integers(-s, s - 1)))
        else:
            bound = st.none() | st.integers(-s - 2, s + 2)
            key.append(slice(d(bound), d(bound), d(st.none() | st.sampled_from([-3, -2, -1, 1, 2]))))
    if d(st.booleans()):
        key.insert(d(st.integers(0, len(key))), None)
    if d(st.booleans()) and len(key) > 1:
        key = [Ellipsis] + key[len(key) // 2 + 1:]
    return [x], {"key": tuple(key)}


case("StridedSlice", _draw_slice, lambda x, key: x[key], lambda x, key: x[key])


def _strided_slice_grad(x, dy, key):
    from graphflow.ops.array import normalize_index
    return dispatch.apply(get("StridedSliceGrad"), (x, dy), {"index": normalize_index(key)})


def _draw_slice_grad(d):
    (x,), attrs = _draw_slice(d)
    return [x, values(d, x[attrs["key"]].shape)], attrs


def _slice_grad_ref(x, dy, key):
    out = np.zeros_like(x)
    out[key] = dy
    return out


case("StridedSliceGrad", _draw_slice_grad, _strided_slice_grad, _slice_grad_ref)


def _draw_gather(d):
    p = values(d, shape(d, min_dims=1, min_side=1))
    axis = axis_for(d, p.ndim)
    idx = _rng(d).integers(0, p.shape[axis], shape(d, max_dims=2)).astype(d(st.sampled_from(INT_DTYPES)))
    return [p, idx], {"axis": axis}


case("GatherV2", _draw_gather, lambda p, i, axis: gf.gather(p, i, axis=axis),
     lambda p, i, axis: np.take(p, i, axis=axis))


def _draw_gather_nd(d):
    p = values(d, shape(d, min_dims=1, min_side=1))
    k = d(st.integers(1, p.ndim))
    rng = _rng(d)
    lead = shape(d, max_dims=2)
    idx = np.stack([rng.integers(0, p.shape[j], lead) for j in range(k)], axis=-1).astype(np.int32)
    return [p, idx], {}


case("GatherNd", _draw_gather_nd, gf.gather_nd, lambda p, i: p[tuple(np.moveaxis(i, -1, 0))])


def _draw_segment_sum(d):
    data = values(d, shape(d, min_dims=1))
    n = d(st.integers(1, 4))
    return [data, _rng(d).integers(0, n, data.shape[:1]).astype(np.int32)], {"num_segments": n}


def _segment_sum_ref(data, ids, num_segments):
    out = np.zeros((num_segments,) + data.shape[1:], data.dtype)
    for i, s in enumerate(ids):
        out[s] += data[i]
    return out


case("UnsortedSegmentSum", _draw_segment_sum,
     lambda data, ids, num_segments: dispatch.apply(get("UnsortedSegmentSum"), (data, ids),
                                                    {"num_segments": num_segments}),
     _segment_sum_ref)


def _draw_one_hot(d):
    depth = d(st.integers(0, 4))
    idx = _rng(d).integers(-1, depth + 1, shape(d, max_dims=2)).astype(np.int32)
    return [idx], {"depth": depth, "axis": d(st.sampled_from([None, 0, -1])), "on_value": 2.0, "off_value": -1.0}


def _one_hot_ref(i, depth, axis, on_value, off_value):
    out = np.where(i[..., None] == np.arange(depth), on_value, off_value).astype(np.float32)
    return out if axis in (None, -1) else np.moveaxis(out, -1, axis)


case("OneHot", _draw_one_hot, lambda i, **k: gf.one_hot(i, **k), _one_hot_ref)
case("NoOp", lambda d: ([values(d, shape(d))], {}),
     lambda x: _after(gf.no_op(), x), lambda x: x)


def _after(op, x):
    """x, made to run after `op` in a graph (ops with no outputs are otherwise pruned)."""
    if op is None:
        return gf.identity(x)
    with gf.control_dependencies([op]):
        return gf.identity(x)


# ---- nn ---------------------------------------------------------------------------------------------------------

def _draw_softmax(d):
    x = values(d, shape(d, min_dims=1), float_dtype(d), -10, 10)
    return [x], {"axis": axis_for(d, x.ndim)}


def _softmax_ref(x, axis):
    e = np.exp(x.astype(np.float64) - x.max(axis, keepdims=True, initial=-np.inf))
    return (e / e.sum(axis, keepdims=True)).astype(x.dtype)


case("Softmax", _draw_softmax, lambda x, axis: gf.nn.softmax(x, axis), _softmax_ref)
case("LogSoftmax", _draw_softmax, lambda x, axis: gf.nn.log_softmax(x, axis),
     lambda x, axis: np.log(_softmax_ref(x.astype(np.float64), axis)).astype(x.dtype))


def _draw_sparse_xent(d):
    lead = shape(d, min_dims=0, max_dims=2)
    n = d(st.integers(1, 4))
    return [values(d, lead + (n,), float_dtype(d)),
            _rng(d).integers(0, n, lead).astype(d(st.sampled_from(INT_DTYPES)))], {}


def _sparse_xent_ref(logits, labels):
    logp = np.log(_softmax_ref(logits.astype(np.float64), -1))
    return (-np.take_along_axis(logp, labels[..., None].astype(np.intp), -1)[..., 0]).astype(logits.dtype)


case("SparseSoftmaxCrossEntropyWithLogits", _draw_sparse_xent,
     lambda logits, labels: gf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits),
     _sparse_xent_ref)


def _draw_xent(d):
    s = shape(d, min_dims=1)
    dt = float_dtype(d)
    labels = values(d, s, dt, 0, 1)
    return [values(d, s, dt), labels / np.maximum(labels.sum(-1, keepdims=True), 1e-3).astype(dt)], {}


case("SoftmaxCrossEntropyWithLogits", _draw_xent,
     lambda logits, labels: gf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits),
     lambda logits, labels: (-(labels * np.log(_softmax_ref(logits.astype(np.float64), -1))).sum(-1))
     .astype(logits.dtype))


def _conv_ref(x, w, strides, padding, dilations=1):
    """Direct loops over output positions: independent of the kernel's sliding-window einsum."""
    n, h, wd, c = x.shape
    kh, kw, _, co = w.shape
    sh = sw = strides
    dh = dw = dilations
    eh, ew = (kh - 1) * dh + 1, (kw - 1) * dw + 1
    if padding == "VALID":
        oh, ow, pt, pl = max(0, (h - eh) // sh + 1), max(0, (wd - ew) // sw + 1), 0, 0
    else:
        oh, ow = -(-h // sh), -(-wd // sw)
        pt = max((oh - 1) * sh + eh - h, 0) // 2
        pl = max((ow - 1) * sw + ew - wd, 0) // 2
    out = np.zeros((n, oh, ow, co), np.float64)
    for i in range(oh):
        for j in range(ow):
            for a in range(kh):
                for b in range(kw):
                    y, z = i * sh + a * dh - pt, j * sw + b * dw - pl
                    if 0 <= y < h and 0 <= z < wd:
                        out[:, i, j, :] += x[:, y, z, :].astype(np.float64) @ w[a, b].astype(np.float64)
    return out.astype(x.dtype)


def _draw_conv(d):
    n, h, wd, c, co = (d(st.integers(1, 3)), d(st.integers(1, 6)), d(st.integers(1, 6)), d(st.integers(1, 3)),
                       d(st.integers(1, 3)))
    kh, kw = d(st.integers(1, 3)), d(st.integers(1, 3))
    dt = float_dtype(d)
    return [values(d, (n, h, wd, c), dt), values(d, (kh, kw, c, co), dt)], {
        "strides": d(st.integers(1, 3)), "padding": d(st.sampled_from(["SAME", "VALID"])),
        "dilations": d(st.integers(1, 2))}


def _conv_build(x, w, strides, padding, dilations):
    return gf.nn.conv2d(x, w, strides=strides, padding=padding, dilations=dilations)


case("Conv2D", _draw_conv, _conv_build, _conv_ref, rtol=1e-4)


def _pool_ref(x, ksize, strides, padding, how):
    n, h, wd, c = x.shape
    if padding == "VALID":
        oh, ow, pt, pl = max(0, (h - ksize) // strides + 1), max(0, (wd - ksize) // strides + 1), 0, 0
    else:
        oh, ow = -(-h // strides), -(-wd // strides)
        pt = max((oh - 1) * strides + ksize - h, 0) // 2
        pl = max((ow - 1) * strides + ksize - wd, 0) // 2
    out = np.zeros((n, oh, ow, c), x.dtype)
    for i in range(oh):
        for j in range(ow):
            y0, z0 = i * strides - pt, j * strides - pl
            win = x[:, max(y0, 0):y0 + ksize, max(z0, 0):z0 + ksize, :]
            out[:, i, j, :] = win.max(axis=(1, 2)) if how == "max" else win.mean(axis=(1, 2))
    return out


def _draw_pool(d):
    x = values(d, (d(st.integers(1, 2)), d(st.integers(1, 6)), d(st.integers(1, 6)), d(st.integers(1, 3))),
               float_dtype(d))
    return [x], {"ksize": d(st.integers(1, 3)), "strides": d(st.integers(1, 3)),
                 "padding": d(st.sampled_from(["SAME", "VALID"]))}


case("MaxPool", _draw_pool, lambda x, **k: gf.nn.max_pool2d(x, **k), lambda x, **k: _pool_ref(x, how="max", **k))
case("AvgPool", _draw_pool, lambda x, **k: gf.nn.avg_pool2d(x, **k), lambda x, **k: _pool_ref(x, how="avg", **k),
     rtol=1e-4)


# ---- variables ---------------------------------------------------------------------------------------------------

def _variable_update(method):
    """Create a variable from x, apply `method(y)`, then read it: in a graph, the same order is
    forced with control dependencies (initializer -> update -> read)."""
    def build(x, y):
        v = gf.Variable(x)
        if gf.executing_eagerly():
            getattr(v, method)(y)
            return v.read_value()
        with gf.control_dependencies([v.initializer]):
            update = getattr(v, method)(y)
        with gf.control_dependencies([update]):
            return gf.identity(v.read_value())
    return build


def _draw_two_same(d):
    s = shape(d)
    dt = d(st.sampled_from(ALL_NUMERIC))
    return [values(d, s, dt), values(d, s, dt)], {}


case("AssignVariableOp", _draw_two_same, _variable_update("assign"), lambda x, y: y)
case("AssignAddVariableOp", _draw_two_same, _variable_update("assign_add"), lambda x, y: x + y)
case("AssignSubVariableOp", _draw_two_same, _variable_update("assign_sub"), lambda x, y: x - y)
def _after_init(fn):
    """Create a variable from x and return fn(variable), run after its initializer in a graph."""
    def build(x):
        v = gf.Variable(x)
        if gf.executing_eagerly():
            return fn(v)
        with gf.control_dependencies([v.initializer]):
            return gf.identity(fn(v))
    return build


case("ReadVariableOp", lambda d: ([values(d, shape(d))], {}), _after_init(lambda v: v.read_value()), lambda x: x)
case("VarIsInitializedOp", lambda d: ([values(d, shape(d))], {}),
     _after_init(lambda v: dispatch.apply(get("VarIsInitializedOp"), (), {"var": v._state})),
     lambda x: np.bool_(True))


def _gemm_update_draw(d):
    m, k, n = d(st.integers(1, 4)), d(st.integers(1, 4)), d(st.integers(1, 4))
    dt = float_dtype(d)
    return [values(d, (m, n), dt), values(d, (m, k), dt), values(d, (k, n), dt), values(d, (), dt)], {}


def _gemm_update_build(w, a, b, lr):
    """The op the in-place update pass makes of an SGD step, applied to a fresh variable."""
    var = VariableState("gemm_update_target", w.shape, w.dtype)
    return dispatch.apply(get("InplaceGemmUpdate"), (a, b, w, lr), {"var": var})


case("InplaceGemmUpdate", _gemm_update_draw, _gemm_update_build, lambda w, a, b, lr: w - lr * (a @ b), rtol=1e-4)


def _scatter_build(mode, nd):
    """Variable x, then TF1's scatter_<mode> (or scatter_nd_<mode>) of rows 0 and 2 (or two elements)."""
    def build(x, updates):
        from graphflow.compat.v1 import state_ops
        v = gf.Variable(x)
        fn = getattr(state_ops, f"scatter_nd_{mode}" if nd else f"scatter_{mode}")
        indices = [[0, 1], [2, 0]] if nd else [0, 2]
        if gf.executing_eagerly():
            return fn(v, indices, updates)
        with gf.control_dependencies([v.initializer]):
            return gf.identity(fn(v, indices, updates))
    return build


def _draw_scatter(nd):
    def draw(d):
        dt = d(st.sampled_from(FLOAT_DTYPES))
        x = values(d, (3, 2), dt, 0.5, 3.0)
        return [x, values(d, (2,) if nd else (2, 2), dt, 0.5, 3.0)], {}
    return draw


def _scatter_reference(mode, nd):
    ufunc = {"update": None, "add": np.add, "sub": np.subtract, "mul": np.multiply, "div": np.divide,
             "min": np.minimum, "max": np.maximum}[mode]

    def ref(x, updates):
        out = x.copy()
        index = ([0, 2], [1, 0]) if nd else [0, 2]
        if ufunc is None:
            out[index] = updates
        else:
            ufunc.at(out, index, updates)
        return out
    return ref


case("ResourceScatter", _draw_scatter(False), _scatter_build("add", False), _scatter_reference("add", False),
     name="ResourceScatter-add")
case("ResourceScatter", _draw_scatter(False), _scatter_build("update", False), _scatter_reference("update", False),
     name="ResourceScatter-update")
case("ResourceScatter", _draw_scatter(False), _scatter_build("max", False), _scatter_reference("max", False),
     name="ResourceScatter-max")
case("ResourceScatterNd", _draw_scatter(True), _scatter_build("update", True), _scatter_reference("update", True),
     name="ResourceScatterNd-update")
case("ResourceScatterNd", _draw_scatter(True), _scatter_build("sub", True), _scatter_reference("sub", True),
     name="ResourceScatterNd-sub")
case("PlaceholderWithDefault", lambda d: ([values(d, shape(d))], {}),
     lambda x: gf.compat.v1.placeholder_with_default(x, [None] * x.shape.rank) if not gf.executing_eagerly()
     else gf.compat.v1.placeholder_with_default(x, None), lambda x: x)


# ---- debugging ---------------------------------------------------------------------------------------------------

def _print_build(x):
    return _after(gf.print("x =", x, output_stream=sys.stdout, summarize=2), x)


case("PrintV2", lambda d: ([values(d, shape(d))], {}), _print_build, lambda x: x)
case("CheckNumerics", lambda d: ([values(d, shape(d), float_dtype(d))], {}),
     lambda x: gf.debugging.check_numerics(x, "finite"), lambda x: x)
case("AssertEqual", lambda d: ([values(d, shape(d), d(st.sampled_from(ALL_NUMERIC)))], {}),
     lambda x: _after(gf.debugging.assert_equal(x, x), x), lambda x: x)
case("Assert", lambda d: ([values(d, shape(d), d(st.sampled_from(ALL_NUMERIC)))], {}),
     lambda x: _after(gf.debugging.Assert(gf.constant(True), ["x is", x]), x), lambda x: x)



# ---- summaries (graphflow/ops/summary.py): the sink/encoder attrs stand in for graphflow.summary ------------

class _CollectingSink:
    """A WriteSummary sink that keeps what it was handed."""

    def __init__(self):
        self.written = []

    def __call__(self, step, value):
        self.written.append((step, np.array(value)))


def _bytes_of(value) -> bytes:
    return np.ascontiguousarray(value).tobytes()


def _write_summary_draw(d):
    return [np.bool_(d(st.booleans())), np.int64(d(st.integers(0, 100))), values(d, shape(d))], \
        {"sink": _CollectingSink()}


case("WriteSummary", _write_summary_draw,
     lambda c, s, x, sink: dispatch.apply(get("WriteSummary"), (c, s, x), {"sink": sink}),
     lambda c, s, x, sink: np.bool_(c))
case("EncodeSummary", lambda d: ([values(d, shape(d))], {}),
     lambda x: dispatch.apply(get("EncodeSummary"), (x,), {"encode": _bytes_of}),
     lambda x: np.asarray(_bytes_of(x)))             # a fetched string scalar is bytes, as in TF
case("MergeSummary", lambda d: ([values(d, shape(d)), values(d, shape(d))], {}),
     lambda x, y: dispatch.apply(get("MergeSummary"), tuple(
         dispatch.apply(get("EncodeSummary"), (t,), {"encode": _bytes_of}) for t in (x, y)), {}),
     lambda x, y: np.asarray(_bytes_of(x) + _bytes_of(y)))

def captured_stdout():
    """Collects what PrintV2 writes (it looks up sys.stdout when it runs)."""
    buf = io.StringIO()
    return buf, contextlib.redirect_stdout(buf)


# ---- random ----------------------------------------------------------------------------------------------------
# Values cannot be compared with numpy; each case checks shape, dtype and a property, and the
# test compares eager with graph under the same seed (same op key -> same stream).

def _draw_random_shape(d):
    return [], {"shape": list(shape(d)), "dtype": d(st.sampled_from(["float32", "float64"]))}


case("RandomStandardNormal", _draw_random_shape, lambda **k: gf.random.normal(**k),
     check=lambda out, shape, dtype: out.shape == tuple(shape) and out.dtype == dtype and np.isfinite(out).all())
case("TruncatedNormal", _draw_random_shape, lambda **k: gf.random.truncated_normal(**k),
     check=lambda out, shape, dtype: out.shape == tuple(shape) and out.dtype == dtype and (np.abs(out) <= 2).all())


def _draw_uniform(d):
    dtype = d(st.sampled_from(["float32", "float64", "int32", "int64"]))
    lo = d(st.integers(-5, 5))
    return [], {"shape": list(shape(d)), "dtype": dtype, "minval": lo, "maxval": lo + d(st.integers(1, 5))}


case("RandomUniform", _draw_uniform, lambda **k: gf.random.uniform(**k),
     check=lambda out, shape, dtype, minval, maxval: out.shape == tuple(shape) and out.dtype == dtype
     and ((out >= minval) & (out < maxval)).all())
case("RandomShuffle", lambda d: ([values(d, shape(d, min_dims=1))], {}), gf.random.shuffle,
     check=lambda out, x: out.shape == x.shape and sorted(map(bytes, out)) == sorted(map(bytes, x)))

# ---- tf.data iterators (graphflow/ops/iterator.py): the op pulls a pipeline's next element -------------------

def _draw_dataset_values(d):
    return [], {"values": values(d, shape(d), d(st.sampled_from(ALL_NUMERIC)))}


def _iterator_build(op_name):
    """A one-element dataset of `values`: start its iterator, then pull with `op_name`."""
    def build(values):
        from graphflow.data.graph_iterator import IteratorState
        state = IteratorState(gf.data.Dataset.from_tensors(values)._node)
        start = dispatch.apply(get("MakeIterator"), (), {"iterator": state})
        if gf.executing_eagerly():
            return list(dispatch.apply(get(op_name), (), {"iterator": state}))
        with gf.control_dependencies([start]):
            return [gf.identity(t) for t in dispatch.apply(get(op_name), (), {"iterator": state})]
    return build


case("IteratorGetNext", _draw_dataset_values, _iterator_build("IteratorGetNext"), lambda values: [values])
case("IteratorGetNextOrEnd", _draw_dataset_values, _iterator_build("IteratorGetNextOrEnd"),
     lambda values: [np.bool_(True), values])
case("MakeIterator", _draw_dataset_values, _iterator_build("IteratorGetNext"), lambda values: [values])

from . import forward_cases_linalg_nn_image  # noqa: E402,F401  (adds the tf.linalg/nn/image op cases)

BY_OP = {}
for _c in CASES:
    BY_OP.setdefault(_c.op, []).append(_c)


# ---- ops that only gradients use (graphflow/ops/grad_ops.py) --------------------------------------------
# Each gets a loop-based reference written from the op's definition, not from its kernel.

def _apply(name, inputs, attrs):
    return dispatch.apply(get(name), tuple(inputs), attrs)


def _draw_sum_to_shape(d):
    shapes = d(hnp.mutually_broadcastable_shapes(num_shapes=1, max_dims=3, max_side=3))
    small = shapes.input_shapes[0]
    return [values(d, shapes.result_shape), np.array(small, np.int32)], {}


def _sum_to_shape_ref(dy, shape):
    shape = tuple(int(s) for s in shape)
    lead = dy.ndim - len(shape)
    out = dy.sum(axis=tuple(range(lead))) if lead else dy
    for i, s in enumerate(shape):
        if s == 1 and out.shape[i] != 1:
            out = out.sum(axis=i, keepdims=True)
    return out.astype(dy.dtype)


def _draw_relu_grad(d):
    s = shape(d)
    dt = d(st.sampled_from(ALL_NUMERIC))
    return [values(d, s, dt), values(d, s, dt)], {}


def _draw_cwise_grad(d):
    """(y, dy) with some zeros in dy: the grad kernels return 0 there, whatever y is."""
    s = shape(d)
    dt = d(st.sampled_from(FLOAT_DTYPES))
    dy = values(d, s, dt)
    dy[values(d, s, dt) > 1.0] = 0
    return [values(d, s, dt, lo=0.25, hi=3.0) * np.where(values(d, s, dt) > 0, 1, -1).astype(dt), dy], {}


def _zero_where_no_upstream(formula):
    def ref(y, dy):
        with np.errstate(all="ignore"):
            return np.where(dy == 0, 0, formula(y, dy)).astype(dy.dtype)
    return ref


def _draw_split_v(d):
    (x,), attrs = _draw_split(d)
    n = x.shape[attrs["axis"]]
    sizes = attrs["num_or_size_splits"]
    sizes = [n // sizes] * sizes if isinstance(sizes, int) else sizes
    return [x, np.array(sizes, np.int32)], {"axis": attrs["axis"]}


def _draw_scatter_nd(d):
    target = shape(d, min_dims=1, min_side=1, max_side=3)
    k = d(st.integers(1, len(target)))
    lead = shape(d, max_dims=2)
    rng = _rng(d)
    idx = np.stack([rng.integers(0, target[j], lead) for j in range(k)], axis=-1).astype(np.int32)
    return [idx, values(d, lead + target[k:]), np.array(target, np.int32)], {}


def _scatter_nd_ref(idx, updates, shape):
    out = np.zeros(tuple(shape), updates.dtype)
    flat_idx = idx.reshape(-1, idx.shape[-1])
    flat_upd = updates.reshape((-1,) + updates.shape[idx.ndim - 1:])
    for i, u in zip(flat_idx, flat_upd):
        out[tuple(i)] += u
    return out


def _draw_mirror_pad_grad(d):
    (x,), attrs = _draw_pad(d)
    mode = attrs["mode"] if attrs["mode"] != "CONSTANT" else "REFLECT"
    limit = 0 if mode == "REFLECT" else 1
    pads = [[min(a, s - 1 + limit), min(b, s - 1 + limit)] for (a, b), s in zip(attrs["paddings"], x.shape)]
    padded = tuple(s + a + b for s, (a, b) in zip(x.shape, pads))
    return [values(d, padded)], {"paddings": tuple(map(tuple, pads)), "mode": mode, "core": x.shape}


def _pairs_tensor(paddings):
    return gf.constant(np.asarray(paddings, np.int32).reshape(-1, 2))


def _mirror_pad_grad_ref(dy, paddings, mode, core):
    """Pad the element indices the same way: each padded position names its source element."""
    if not core:
        return dy.copy()
    src = np.pad(np.arange(int(np.prod(core))).reshape(core), paddings, mode=mode.lower())
    out = np.zeros(int(np.prod(core)), dy.dtype)
    np.add.at(out, src.ravel(), dy.ravel())
    return out.reshape(core)


def _conv_geometry(h, wd, kh, kw, s, dil, padding):
    eh, ew = (kh - 1) * dil + 1, (kw - 1) * dil + 1
    if padding == "VALID":
        return max(0, (h - eh) // s + 1), max(0, (wd - ew) // s + 1), 0, 0
    oh, ow = -(-h // s), -(-wd // s)
    return oh, ow, max((oh - 1) * s + eh - h, 0) // 2, max((ow - 1) * s + ew - wd, 0) // 2


def _taps(x_shape, w_shape, strides, padding, dilations):
    """(i, j, a, b, y, z): output (i, j) reads input (y, z) through filter tap (a, b)."""
    h, wd = x_shape[1:3]
    kh, kw = w_shape[:2]
    oh, ow, pt, pl = _conv_geometry(h, wd, kh, kw, strides, dilations, padding)
    for i in range(oh):
        for j in range(ow):
            for a in range(kh):
                for b in range(kw):
                    y, z = i * strides + a * dilations - pt, j * strides + b * dilations - pl
                    if 0 <= y < h and 0 <= z < wd:
                        yield i, j, a, b, y, z


# The backprop kernels do not handle an empty forward output (a VALID window larger than the
# input) yet; that geometry is left out here and reported to the autodiff work.
def _draw_conv_backprop(d):
    (x, w), attrs = _draw_conv(d)
    dy = values(d, _conv_ref(x, w, **attrs).shape, x.dtype)
    assume(dy.size > 0)
    return [x, w, dy], attrs


def _conv_attrs_of(attrs):
    return {"strides": (attrs["strides"],) * 2, "padding": attrs["padding"], "dilations": (attrs["dilations"],) * 2}


def _backprop_input_ref(x, w, dy, strides, padding, dilations):
    dx = np.zeros(x.shape, np.float64)
    for i, j, a, b, y, z in _taps(x.shape, w.shape, strides, padding, dilations):
        dx[:, y, z, :] += dy[:, i, j, :] @ w[a, b].T
    return dx.astype(x.dtype)


def _backprop_filter_ref(x, w, dy, strides, padding, dilations):
    dw = np.zeros(w.shape, np.float64)
    for i, j, a, b, y, z in _taps(x.shape, w.shape, strides, padding, dilations):
        dw[a, b] += x[:, y, z, :].T @ dy[:, i, j, :]
    return dw.astype(x.dtype)


case("Conv2DBackpropInput", _draw_conv_backprop,
     lambda x, w, dy, **a: _apply("Conv2DBackpropInput", (gf.shape(x), w, dy), _conv_attrs_of(a)),
     _backprop_input_ref, rtol=1e-4)
case("Conv2DBackpropFilter", _draw_conv_backprop,
     lambda x, w, dy, **a: _apply("Conv2DBackpropFilter", (x, gf.shape(w), dy), _conv_attrs_of(a)),
     _backprop_filter_ref, rtol=1e-4)


def _pool_windows(x_shape, ksize, strides, padding):
    """(i, j, cells): the in-bounds (y, z) cells of output window (i, j), in row-major order."""
    h, wd = x_shape[1:3]
    oh, ow, pt, pl = _conv_geometry(h, wd, ksize, ksize, strides, 1, padding)
    for i in range(oh):
        for j in range(ow):
            yield i, j, [(i * strides + a - pt, j * strides + b - pl) for a in range(ksize) for b in range(ksize)
                         if 0 <= i * strides + a - pt < h and 0 <= j * strides + b - pl < wd]


def _draw_pool_backprop(d):
    (x,), attrs = _draw_pool(d)
    y = _pool_ref(x, how="max", **attrs)
    assume(y.size > 0)
    return [x, y, values(d, y.shape, x.dtype)], attrs


def _pool_attrs_of(attrs):
    return {"ksize": (attrs["ksize"],) * 2, "strides": (attrs["strides"],) * 2, "padding": attrs["padding"]}


def _first_max(x, n, c, cells):
    vals = [x[n, y, z, c] for y, z in cells]
    return cells[int(np.argmax(vals))]


def _max_pool_grad_ref(x, y, dy, ksize, strides, padding):
    dx = np.zeros_like(x)
    for i, j, cells in _pool_windows(x.shape, ksize, strides, padding):
        for n in range(x.shape[0]):
            for c in range(x.shape[3]):
                yy, zz = _first_max(x, n, c, cells)
                dx[n, yy, zz, c] += dy[n, i, j, c]
    return dx


def _max_pool_grad_grad_ref(x, y, g, ksize, strides, padding):
    out = np.zeros(y.shape, x.dtype)
    for i, j, cells in _pool_windows(x.shape, ksize, strides, padding):
        for n in range(x.shape[0]):
            for c in range(x.shape[3]):
                yy, zz = _first_max(x, n, c, cells)
                out[n, i, j, c] = g[n, yy, zz, c]
    return out


def _draw_max_pool_grad_grad(d):
    (x,), attrs = _draw_pool(d)
    assume(_pool_ref(x, how="max", **attrs).size > 0)
    return [x, _pool_ref(x, how="max", **attrs), values(d, x.shape, x.dtype)], attrs


def _avg_pool_grad_ref(x, dy, ksize, strides, padding):
    dx = np.zeros(x.shape, np.float64)
    for i, j, cells in _pool_windows(x.shape, ksize, strides, padding):
        for yy, zz in cells:
            dx[:, yy, zz, :] += dy[:, i, j, :] / len(cells)
    return dx.astype(x.dtype)


def _draw_avg_pool_grad(d):
    (x,), attrs = _draw_pool(d)
    assume(_pool_ref(x, how="avg", **attrs).size > 0)
    return [x, values(d, _pool_ref(x, how="avg", **attrs).shape, x.dtype)], attrs


try:
    import graphflow.ops.grad_ops  # noqa: F401  (declares these ops; owned by the autodiff work)
except ImportError:   # pragma: no cover
    pass
else:
    case("SumToShape", _draw_sum_to_shape, lambda dy, s: _apply("SumToShape", (dy, s), {}), _sum_to_shape_ref)
    case("ReluGrad", _draw_relu_grad, lambda dy, y: _apply("ReluGrad", (dy, y), {}),
         lambda dy, y: np.where(y > 0, dy, 0).astype(dy.dtype))
    case("SqrtGrad", _draw_cwise_grad, lambda y, dy: _apply("SqrtGrad", (y, dy), {}),
         _zero_where_no_upstream(lambda y, dy: dy * 0.5 / y))
    case("RsqrtGrad", _draw_cwise_grad, lambda y, dy: _apply("RsqrtGrad", (y, dy), {}),
         _zero_where_no_upstream(lambda y, dy: dy * -0.5 * y ** 3))
    case("ReciprocalGrad", _draw_cwise_grad, lambda y, dy: _apply("ReciprocalGrad", (y, dy), {}),
         _zero_where_no_upstream(lambda y, dy: -dy * y * y))
    case("SplitV", _draw_split_v,
         lambda x, sizes, axis: list(_apply("SplitV", (x, sizes), {"axis": axis, "num": int(sizes.shape[0])})),
         lambda x, sizes, axis: np.split(x, np.cumsum(sizes)[:-1], axis))
    case("ScatterNd", _draw_scatter_nd, lambda i, u, s: _apply("ScatterNd", (i, u, s), {}), _scatter_nd_ref)
    case("MirrorPadGrad", _draw_mirror_pad_grad,
         lambda dy, paddings, mode, core: _apply("MirrorPadGrad", (dy, _pairs_tensor(paddings)), {"mode": mode}),
         _mirror_pad_grad_ref)
    case("MaxPoolGrad", _draw_pool_backprop,
         lambda x, y, dy, **a: _apply("MaxPoolGrad", (x, y, dy), _pool_attrs_of(a)), _max_pool_grad_ref)
    case("MaxPoolGradGrad", _draw_max_pool_grad_grad,
         lambda x, y, g, **a: _apply("MaxPoolGradGrad", (x, y, g), _pool_attrs_of(a)), _max_pool_grad_grad_ref)
    case("AvgPoolGrad", _draw_avg_pool_grad,
         lambda x, dy, **a: _apply("AvgPoolGrad", (gf.shape(x), dy), _pool_attrs_of(a)), _avg_pool_grad_ref,
         rtol=1e-4)
    BY_OP.clear()
    for _c in CASES:
        BY_OP.setdefault(_c.op, []).append(_c)


# ---- control flow (graphflow/ops/control.py): an op only in graphs; eagerly the Python branch runs ------

def _draw_cond(d):
    return [values(d, (), np.bool_), values(d, shape(d), float_dtype(d))], {}


def _cond_build(stateful):
    def build(pred, x):
        def wrap(t):
            return gf.debugging.check_numerics(t, "branch") if stateful else t
        return gf.cond(pred, lambda: wrap(x * 2.0), lambda: wrap(x - 1.0))
    return build


def _draw_while(d):
    return [values(d, shape(d), float_dtype(d))], {"n": d(st.integers(0, 4))}


def _while_build(stateful):
    def build(x, n):
        def body(i, acc):
            acc = acc * 2.0
            return i + 1, (gf.debugging.check_numerics(acc, "loop") if stateful else acc)
        return gf.while_loop(lambda i, acc: i < n, body, (gf.constant(0), x))[1]
    return build


if hasattr(gf, "cond") and hasattr(gf, "while_loop"):
    for _op, _stateful in (("StatelessIf", False), ("If", True)):
        case(_op, _draw_cond, _cond_build(_stateful), lambda p, x: np.where(p, x * 2, x - 1).astype(x.dtype))
    for _op, _stateful in (("StatelessWhile", False), ("While", True)):
        case(_op, _draw_while, _while_build(_stateful), lambda x, n: (x * 2.0 ** n).astype(x.dtype))
    BY_OP.clear()
    for _c in CASES:
        BY_OP.setdefault(_c.op, []).append(_c)


# ---- recurrent sequence ops: Keras's LSTM/GRU/SimpleRNN loops, written out step by step ------------

_RNN_ACT = {"linear": lambda v: v, "relu": lambda v: np.maximum(v, 0), "sigmoid": lambda v: 1 / (1 + np.exp(-v)),
            "tanh": np.tanh}
_RNN_GATES = {"LSTMSequence": 4, "GRUSequence": 3, "SimpleRNNSequence": 1}


def _rnn_cell(op, z_x, states, rk, rb, act, ract):
    """One step of the cell on the projected input: (h, new states)."""
    h = states[0]
    u = h.shape[1]
    if op == "SimpleRNNSequence":
        h = act(z_x + h @ rk)
        return h, [h]
    if op == "LSTMSequence":
        z = z_x + h @ rk
        i, f, g, o = ract(z[:, :u]), ract(z[:, u:2 * u]), act(z[:, 2 * u:3 * u]), ract(z[:, 3 * u:])
        c = f * states[1] + i * g
        h = o * act(c)
        return h, [h, c]
    inner = h @ rk + rb
    z, r = ract(z_x[:, :u] + inner[:, :u]), ract(z_x[:, u:2 * u] + inner[:, u:2 * u])
    hh = act(z_x[:, 2 * u:] + r * inner[:, 2 * u:])
    h = z * h + (1 - z) * hh
    return h, [h]


def _rnn_reference(op):
    """(outputs (T, B, U) in processing order, final states...) with Keras's mask rule."""
    def ref(x, *rest, activation="tanh", recurrent_activation="sigmoid", go_backwards=False,
            zero_output_for_mask=False):
        n_states = 2 if op == "LSTMSequence" else 1
        states, rk = [s.astype(np.float64) for s in rest[:n_states]], rest[n_states].astype(np.float64)
        rb = rest[n_states + 1] if op == "GRUSequence" else None
        mask = rest[n_states + (2 if op == "GRUSequence" else 1):]
        mask = mask[0] if mask else None
        act, ract = _RNN_ACT[activation], _RNN_ACT[recurrent_activation]
        t, u = x.shape[0], rk.shape[0]
        outs, previous = [], np.zeros((x.shape[1], u))
        for s in range(t):
            ti = t - 1 - s if go_backwards else s
            h, new = _rnn_cell(op, x[ti].astype(np.float64), states, rk, rb, act, ract)
            if mask is not None:
                keep = mask[ti][:, None] != 0
                h = np.where(keep, h, previous)
                new = [np.where(keep, a, b) for a, b in zip(new, states)]
                previous = h
                if zero_output_for_mask:
                    h = np.where(keep, h, 0.0)
            outs.append(h)
            states = new
        ys = np.stack(outs) if outs else np.zeros((0, x.shape[1], u))
        return [a.astype(x.dtype) for a in [ys, *states]]
    return ref


def _draw_rnn(op, activations=tuple(_RNN_ACT)):
    def draw(d):
        dt = float_dtype(d)
        t, b, u = d(st.integers(0, 3)), d(st.integers(1, 2)), d(st.integers(1, 3))
        g = _RNN_GATES[op] * u
        arrays = [values(d, (t, b, g), dt, -2, 2)] + [values(d, (b, u), dt, -1, 1)
                                                     for _ in range(2 if op == "LSTMSequence" else 1)]
        arrays.append(values(d, (u, g), dt, -1, 1))
        if op == "GRUSequence":
            arrays.append(values(d, (g,), dt, -1, 1))
        if d(st.booleans()):
            arrays.append((_rng(d).random((t, b)) < 0.6).astype(dt))
        attrs = {"activation": d(st.sampled_from(activations)), "go_backwards": d(st.booleans()),
                 "zero_output_for_mask": d(st.booleans())}
        if op != "SimpleRNNSequence":
            attrs["recurrent_activation"] = d(st.sampled_from(activations))
        return arrays, attrs
    return draw


def _rnn_build(op):
    def build(*tensors, **attrs):
        return list(_apply(op, tensors, attrs))[:3 if op == "LSTMSequence" else 2]   # not the reserve
    return build


for _op in _RNN_GATES:
    case(_op, _draw_rnn(_op), _rnn_build(_op), _rnn_reference(_op), rtol=1e-4)


def _rnn_grad_build(op):
    """The forward op, then its gradient op on the forward op's outputs (reserve outputs included)."""
    n_out = 3 if op == "LSTMSequence" else 2

    def build(*tensors, **attrs):
        outs = list(_apply(op, tensors[:-n_out], attrs))
        n = _N_INPUTS[op]
        forward_inputs, mask = tensors[1:n], tensors[n:-n_out]
        saved = outs[n_out:]
        hs = saved[-1:] if mask else []
        reserve = saved[:-1] if mask else saved
        grads = tensors[-n_out:]
        return list(_apply(op + "Grad", (*forward_inputs, outs[0], *reserve, *grads, *mask, *hs), attrs))
    return build


_N_INPUTS = {"LSTMSequence": 4, "GRUSequence": 4, "SimpleRNNSequence": 3}


def _rnn_vjp(op):
    """The gradient op's outputs by central differences of the step-by-step reference."""
    forward = _rnn_reference(op)
    n_out = 3 if op == "LSTMSequence" else 2

    def ref(*arrays, **attrs):
        inputs, cotangents = [a.astype(np.float64) for a in arrays[:-n_out]], arrays[-n_out:]
        n_diff = _N_INPUTS[op]

        def loss(xs):
            return sum(float(np.sum(w * o)) for w, o in zip(cotangents, forward(*xs, **attrs)))
        grads = []
        for i in range(n_diff):
            g = np.zeros(inputs[i].shape)
            for j in np.ndindex(*inputs[i].shape):
                up = [a.copy() for a in inputs]
                down = [a.copy() for a in inputs]
                up[i][j] += 1e-6
                down[i][j] -= 1e-6
                g[j] = (loss(up) - loss(down)) / 2e-6
            grads.append(g.astype(arrays[0].dtype))
        return grads
    return ref


def _draw_rnn_grad(op):
    draw_forward = _draw_rnn(op, ("linear", "sigmoid", "tanh"))     # no kink for the differences

    def draw(d):
        arrays, attrs = draw_forward(d)
        arrays = [a.astype(np.float64) for a in arrays]
        t, b, u = arrays[0].shape[0], arrays[0].shape[1], arrays[1].shape[1]
        grads = [values(d, (t, b, u), np.float64)] + [values(d, (b, u), np.float64)
                                                      for _ in range((3 if op == "LSTMSequence" else 2) - 1)]
        return arrays + grads, attrs
    return draw


for _op in _RNN_GATES:
    case(_op + "Grad", _draw_rnn_grad(_op), _rnn_grad_build(_op), _rnn_vjp(_op), rtol=1e-4)
BY_OP.clear()
for _c in CASES:
    BY_OP.setdefault(_c.op, []).append(_c)

# The op families added later keep their cases in modules of their own; each rebuilds BY_OP.
from . import forward_cases_api, forward_cases_complex, forward_cases_text  # noqa: E402,F401
