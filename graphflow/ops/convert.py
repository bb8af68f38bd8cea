"""Tensor conversion with TensorFlow's rules: Python/numpy values, variables and tensors of either
mode become tensors of the current mode (an EagerTensor now, a graph edge while building).

Every op function converts its arguments here before `dispatch.apply` runs or builds the op.
"""
from __future__ import annotations

import numpy as np

from .. import context as ctx_mod
from .. import dtypes
from ..eager.tensor import EagerTensor
from ..errors import format_location, user_frame
from ..tensor import Tensor
from .dispatch import apply
from .registry import get

_ctx = ctx_mod.context()


def is_tensorlike(x) -> bool:
    """A tensor of either mode, or something (a variable) that converts to one."""
    return isinstance(x, Tensor) or hasattr(x, "_as_graph_tensor")


def to_array(value, dtype=None, strict_python=True) -> np.ndarray:
    """A Python or numpy value as an array of `dtype` (TensorFlow's defaults when None).

    Python floats never silently become integers: `gf.constant(1.5, gf.int32)` is a TypeError.
    """
    if dtype is dtypes.string:
        return dtypes.to_bytes_array(value)
    if _is_text(value):         # asked once: this runs for every Python operand of every op
        if dtype is None:
            return dtypes.to_bytes_array(value)
        raise TypeError(f"Cannot convert {value!r} to EagerTensor of dtype {dtype.name}")
    if isinstance(value, np.ndarray) or isinstance(value, np.generic):
        arr = np.asarray(value)
        if dtype is None:
            if arr.dtype == np.float64 or arr.dtype.kind in "fiub":
                dtypes.from_numpy(arr.dtype)
            return arr
        if arr.dtype != dtype.np:
            if arr.dtype.kind == "f" and dtype.is_integer:
                raise TypeError(f"Cannot convert a {arr.dtype} array to a tensor of dtype {dtype.name}")
            arr = arr.astype(dtype.np)
        return arr
    if dtype is None:
        dtype = dtypes.infer_python_dtype(value)
        return np.asarray(value, dtype=dtype.np)
    if strict_python and not dtype.is_floating:
        probe = np.asarray(value)
        if probe.dtype.kind == "f" and (dtype.is_integer or dtype.is_bool):
            raise TypeError(f"Cannot convert {value!r} to EagerTensor of dtype {dtype.name}")
        if probe.dtype.kind in "iu" and dtype.is_integer:
            return probe.astype(dtype.np)   # out-of-range Python ints wrap around, as in TensorFlow
    return np.asarray(value, dtype=dtype.np)


def _is_text(value) -> bool:
    """Text values (str, bytes, numpy text arrays, lists of them) become string tensors."""
    if isinstance(value, (str, bytes, np.str_, np.bytes_)):
        return True
    if isinstance(value, np.ndarray):
        return value.dtype.kind in "SU" or (value.dtype.kind == "O" and value.size > 0
                                             and isinstance(value.flat[0], (str, bytes)))
    if isinstance(value, (list, tuple)) and value:
        first = value[0]
        while isinstance(first, (list, tuple)) and first:
            first = first[0]
        return isinstance(first, (str, bytes, np.str_, np.bytes_))
    return False


def scalar_or_array(arr):
    """Eager 0-d values are kept as numpy scalars: numpy's scalar arithmetic is far cheaper."""
    return arr[()] if arr.ndim == 0 and arr.dtype.kind != "O" else arr   # a 0-d string stays an array


def _contains_tensor(value) -> bool:
    if isinstance(value, (list, tuple)):
        return any(isinstance(v, (Tensor,)) or hasattr(v, "_as_graph_tensor") or _contains_tensor(v)
                   for v in value)
    return False


# (types, function, priority) from gf.register_tensor_conversion_function, lowest priority first
_CONVERSIONS: list = []


def register_conversion(types, fn, priority):
    _CONVERSIONS.append((tuple(types), fn, priority))
    _CONVERSIONS.sort(key=lambda entry: entry[2])


def _user_conversion(value, dtype, name):
    for types, fn, _ in _CONVERSIONS:
        if isinstance(value, types):
            out = fn(value, dtype=dtype, name=name, as_ref=False)
            if out is not NotImplemented:
                return out
    return None


def convert_to_tensor(value, dtype=None, name=None, dtype_hint=None):
    """gf.convert_to_tensor: a tensor of the current mode from a tensor, variable or value."""
    if dtype is not None:
        dtype = dtypes.as_dtype(dtype)
    if _CONVERSIONS and not isinstance(value, Tensor):
        converted = _user_conversion(value, dtype, name)
        if converted is not None:
            value = converted
    if _ctx.eager:
        if type(value) is EagerTensor:
            if dtype is not None and value._value.dtype != dtype.np:
                raise ValueError(f"Tensor conversion requested dtype {dtype.name} for a Tensor with "
                                 f"dtype {value.dtype.name}: {value!r}")
            return value
        if hasattr(value, "_as_eager_tensor"):
            t = value._as_eager_tensor()
            if dtype is not None and t._value.dtype != dtype.np:
                raise ValueError(f"Tensor conversion requested dtype {dtype.name} for a variable of dtype "
                                 f"{t.dtype.name}")
            return t
        if isinstance(value, Tensor):
            raise TypeError(f"A symbolic tensor ({value.name}) cannot be used while executing eagerly: "
                            "it belongs to a graph. Run it with a Session, or build it in eager mode.")
        if _contains_tensor(value):
            return _stacked(value, dtype)
        hint = dtype or (dtypes.as_dtype(dtype_hint) if dtype_hint is not None else None)
        return EagerTensor(scalar_or_array(to_array(value, hint)))
    graph = ctx_mod.current_graph()
    return graph_tensor(graph, value, dtype, dtype_hint, name)


def string_operand(x, op: str):
    """`x` as a string tensor for the text op `op` (tf.strings, tf.io, the image codecs), else a
    TypeError naming the op: Python text converts as gf.string, a tensor must already be one."""
    t = convert_to_tensor(x)
    if t.dtype is not dtypes.string and not hasattr(x, "dtype") and t.shape.num_elements() == 0:
        t = convert_to_tensor(x, dtype=dtypes.string)        # an empty list of names
    if t.dtype is not dtypes.string:
        raise TypeError(f"{op}: expected a string tensor, got {t.dtype.name}")
    return t


def graph_tensor(graph, value, dtype=None, dtype_hint=None, name=None):
    """`value` as a tensor of `graph`: captured when it belongs to an enclosing graph or is eager."""
    if isinstance(value, Tensor) and not isinstance(value, EagerTensor):    # a graph's tensor
        if value.graph is not graph:
            captured = getattr(graph, "capture", None)
            if captured is not None:
                value = captured(value)
            else:
                raise ValueError(f"Tensor {value.name} must be from the same graph as the ops it is used "
                                 f"with (it belongs to another graph). At {format_location(user_frame())}")
        if dtype is not None and value.dtype is not dtype:
            raise ValueError(f"Tensor conversion requested dtype {dtype.name} for Tensor {value.name} "
                             f"with dtype {value.dtype.name}")
        return value
    if hasattr(value, "_as_graph_tensor"):
        t = value._as_graph_tensor(graph)
        if dtype is not None and t.dtype is not dtype:
            raise ValueError(f"Tensor conversion requested dtype {dtype.name} for variable of dtype {t.dtype.name}")
        return t
    if isinstance(value, EagerTensor):
        capture_eager = getattr(graph, "capture_eager", None)
        if capture_eager is not None:
            return capture_eager(value)
        value = value._value
    if _contains_tensor(value):
        return _stacked(value, dtype)
    hint = dtype or (dtypes.as_dtype(dtype_hint) if dtype_hint is not None else None)
    arr = to_array(value, hint)
    return apply(get("Const"), (), {"value": arr}, name=name or "Const")


def same_dtype_list(values) -> list:
    """Convert a list of operands; Python/numpy values take the dtype of the first tensor in it."""
    values = list(values)
    first = next((v for v in values if is_tensorlike(v)), None)
    hint = convert_to_tensor(first).dtype if first is not None else None
    return [convert_to_tensor(v, dtype_hint=hint) if not is_tensorlike(v) else convert_to_tensor(v)
            for v in values]


def _stacked(values, dtype):
    """A (nested) list holding tensors is packed into one tensor, as `gf.stack` (then `gf.cast`) would."""
    out = apply(get("Pack"), tuple(same_dtype_list(values)), {"axis": 0}, "stack")
    if dtype is None or out.dtype is dtype:
        return out
    return apply(get("Cast"), (out,), {"dtype": dtype}, None)


def pair(x, y):
    """Convert two operands; a Python/numpy operand takes the dtype of the tensor operand."""
    if is_tensorlike(x):
        x = convert_to_tensor(x)
        return x, convert_to_tensor(y, dtype_hint=x.dtype) if not is_tensorlike(y) else convert_to_tensor(y)
    if is_tensorlike(y):
        y = convert_to_tensor(y)
        return convert_to_tensor(x, dtype_hint=y.dtype), y
    x = convert_to_tensor(x)
    return x, convert_to_tensor(y, dtype_hint=x.dtype)


def fast_eager_operand(x, y):
    """Hot path for `eager_tensor op python_scalar`: skip generic conversion (None when it does not apply)."""
    ty = type(y)
    if ty is EagerTensor:
        return y
    if ty is float or ty is int:
        dt = x._value.dtype
        if dt.kind == "f" or (ty is int and dt.kind in "iu" and dt.itemsize >= 4 and -2**31 <= y < 2**31):
            return EagerTensor(dt.type(y))
    return None


def python_value(v):
    """An attribute argument given as an EagerTensor is read as its numpy value."""
    return v.numpy() if isinstance(v, EagerTensor) else v
