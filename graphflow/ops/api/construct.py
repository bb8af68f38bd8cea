"""Constructors and graph structure: gf.constant, gf.zeros, gf.range, gf.group, gf.name_scope, ..."""
from __future__ import annotations

import contextlib as _contextlib

import numpy as np

from ... import context as ctx_mod
from ... import dtypes
from ...eager.tensor import EagerTensor
from ..convert import convert_to_tensor, is_tensorlike, python_value, scalar_or_array, to_array
from ..dispatch import apply
from .math import cast
from .op_call import opdef
from .shape import shape_tensor

_ctx = ctx_mod.context()


def constant(value, dtype=None, shape=None, name="Const"):
    """A constant tensor; `shape` reshapes or broadcasts a scalar fill, as TensorFlow."""
    if dtype is not None:
        dtype = dtypes.as_dtype(dtype)
    if isinstance(value, EagerTensor):
        value = value._value
    if is_tensorlike(value):
        t = convert_to_tensor(value)
        return t if dtype is None else cast(t, dtype)
    arr = to_array(value, dtype)
    if shape is not None:
        shape = tuple(int(d) for d in (shape.as_list() if hasattr(shape, "as_list") else shape))
        if arr.size == 1:
            arr = np.full(shape, arr.reshape(()), dtype=arr.dtype)
        elif arr.size == int(np.prod(shape)):
            arr = arr.reshape(shape)
        else:
            raise TypeError(f"Eager execution of tf.constant with unsupported shape. Tensor {value!r} "
                            f"(converted from {arr.shape}) has {arr.size} elements, but got `shape` {shape}")
    if _ctx.eager:
        return EagerTensor(scalar_or_array(arr))
    return apply(opdef("Const"), (), {"value": arr}, name)


def fill(dims, value, name=None):
    v = convert_to_tensor(value)
    return apply(opdef("Fill"), (shape_tensor(dims), v), {}, name)


def zeros(shape, dtype=dtypes.float32, name=None):
    dtype = dtypes.as_dtype(dtype)
    if _ctx.eager and not is_tensorlike(shape):
        return EagerTensor(np.zeros(_static_dims(shape), dtype=dtype.np))
    return fill(shape, constant(0, dtype), name)


def ones(shape, dtype=dtypes.float32, name=None):
    dtype = dtypes.as_dtype(dtype)
    if _ctx.eager and not is_tensorlike(shape):
        return EagerTensor(np.ones(_static_dims(shape), dtype=dtype.np))
    return fill(shape, constant(1, dtype), name)


def _static_dims(shape):
    if hasattr(shape, "as_list"):
        shape = shape.as_list()
    if isinstance(shape, (int, np.integer)):
        return (int(shape),)
    return tuple(int(d) for d in shape)


def zeros_like(input, dtype=None, name=None):  # noqa: A002
    x = convert_to_tensor(input)
    out = apply(opdef("ZerosLike"), (x,), {}, name)
    return out if dtype is None else cast(out, dtype)


def ones_like(input, dtype=None, name=None):  # noqa: A002
    x = convert_to_tensor(input)
    out = apply(opdef("OnesLike"), (x,), {}, name)
    return out if dtype is None else cast(out, dtype)


# The dtypes gf.range infers its own from, narrowest first: the widest of its arguments' wins.
_RANGE_DTYPES = (dtypes.int32, dtypes.int64, dtypes.float16, dtypes.float32, dtypes.float64)


def range(start, limit=None, delta=1, dtype=None, name="range"):  # noqa: A001
    """[start, start + delta, ...) up to limit; the bounds may be tensors whose values are only known
    when the graph runs (the length is then unknown while it is built). As in TensorFlow, without a
    dtype each Python bound is converted on its own (a float to float32) and then cast to the widest
    dtype among the bounds, so `range(np.float64(0.1), 3.0, 0.07)` steps by float32's 0.07."""
    if limit is None:
        start, limit = 0, start
    bounds = [convert_to_tensor(v, dtype=None if is_tensorlike(v) else dtype) for v in (start, limit, delta)]
    if dtype is None:
        dtype = max((t.dtype for t in bounds), key=lambda dt: _RANGE_DTYPES.index(dt) if dt in _RANGE_DTYPES else -1)
    dtype = dtypes.as_dtype(dtype)
    bounds = [t if t.dtype == dtype else cast(t, dtype) for t in bounds]
    return apply(opdef("Range"), tuple(bounds), {}, name)


def _known_int(v):
    """`v` as a Python int when known while the graph is built, else None (a graph tensor)."""
    v = python_value(v)
    if hasattr(v, "op"):
        from ..static_value import constant_value
        v = constant_value(v)
    return None if v is None else int(v)


def eye(num_rows, num_columns=None, batch_shape=None, dtype=dtypes.float32, name=None):
    """The identity matrix (or a batch of them); num_rows / num_columns may be graph tensors whose
    values are known only when the graph runs (then ones where range(rows)[:, None] == range(cols))."""
    dtype = dtypes.as_dtype(dtype)
    rows = _known_int(num_rows)
    cols = rows if num_columns is None else _known_int(num_columns)
    if rows is None or cols is None:
        return _eye_of_tensors(num_rows, num_rows if num_columns is None else num_columns, batch_shape, dtype)
    m = np.eye(rows, cols, dtype=dtype.np)
    if batch_shape is not None:
        m = np.broadcast_to(m, tuple(batch_shape) + m.shape).copy()
    return constant(m, dtype=dtype, name=name or "eye")


def _eye_of_tensors(num_rows, num_columns, batch_shape, dtype):
    from .shape import broadcast_to, concat, expand_dims, shape
    r = range(cast(convert_to_tensor(num_rows), dtypes.int32))
    c = range(cast(convert_to_tensor(num_columns), dtypes.int32))
    m = cast(apply(opdef("Equal"), (expand_dims(r, 1), expand_dims(c, 0)), {}), dtype)
    if batch_shape is not None:
        m = broadcast_to(m, concat([shape_tensor(batch_shape), shape(m)], 0))
    return m


def group(*inputs, name=None):
    """One op that runs all of `inputs` (graph mode); None eagerly, where everything already ran."""
    if _ctx.eager:
        return None
    graph = ctx_mod.current_graph()
    with graph.control_dependencies([i for i in inputs if i is not None]):
        return apply(opdef("NoOp"), (), {}, name or "NoOp")


def no_op(name=None):
    return group(name=name)


def control_dependencies(control_inputs):
    if _ctx.eager:
        return _contextlib.nullcontext()
    return ctx_mod.current_graph().control_dependencies(control_inputs)


def name_scope(name, default_name=None, values=None):
    if _ctx.eager:
        return ctx_mod.eager_name_scope(name if name is not None else default_name)
    return ctx_mod.current_graph().name_scope(name or default_name)
