"""The user-facing op functions (gf.add, gf.reshape, gf.nn.relu, ...), built on the registry.

Each converts its arguments with TensorFlow's rules, then hands one OpDef to `dispatch.apply`,
which runs it now (eager) or adds it to the graph being built. Composite ops (gelu, moments,
logsumexp...) are written here with primitive ops, so they get gradients and fusion for free.
"""
from __future__ import annotations

import builtins
import math as _pymath

import numpy as np

from .. import context as ctx_mod
from .. import dtypes
from .. import tensor as _tensor_mod
from ..eager.tensor import EagerTensor
from ..errors import InvalidArgumentError
from ..tensor import Tensor
from . import array as _array_ops
from . import debug as _debug_ops  # noqa: F401  (declares the debug ops)
from . import linalg as _linalg_ops  # noqa: F401
from . import math as _math_ops  # noqa: F401
from . import nn as _nn_ops  # noqa: F401
from . import random as _random_ops
from . import reduce as _reduce_ops  # noqa: F401
from . import state as _state_ops  # noqa: F401
from .dispatch import apply, convert_to_tensor, scalar_or_array
from .registry import get

_ctx = ctx_mod.context()
_OP = {}


def _op(name):
    opdef = _OP.get(name)
    if opdef is None:
        opdef = _OP[name] = get(name)
    return opdef


def _is_tensorlike(x) -> bool:
    return isinstance(x, Tensor) or hasattr(x, "_as_graph_tensor")


def _invalid(op, message, graph_error=ValueError):
    """An argument error found before the op exists: TensorFlow reports it as
    InvalidArgumentError when eager, and as ValueError/TypeError while a graph is built."""
    if _ctx.eager:
        return InvalidArgumentError(None, op, f"{op}: {message}")
    return graph_error(f"{op}: {message}")


def _pair(x, y):
    """Convert two operands; a Python/numpy operand takes the dtype of the tensor operand."""
    if _is_tensorlike(x):
        x = convert_to_tensor(x)
        return x, convert_to_tensor(y, dtype_hint=x.dtype) if not _is_tensorlike(y) else convert_to_tensor(y)
    if _is_tensorlike(y):
        y = convert_to_tensor(y)
        return convert_to_tensor(x, dtype_hint=y.dtype), y
    x = convert_to_tensor(x)
    return x, convert_to_tensor(y, dtype_hint=x.dtype)


def _fast_eager_operand(x, y):
    """Hot path for `eager_tensor op python_scalar`: skip generic conversion."""
    ty = type(y)
    if ty is EagerTensor:
        return y
    if ty is float or ty is int:
        dt = x._value.dtype
        if dt.kind == "f" or (ty is int and dt.kind in "iu" and dt.itemsize >= 4 and -2**31 <= y < 2**31):
            return EagerTensor(dt.type(y))
    return None


def _binary(name, x, y, op_name=None):
    if _ctx.eager and type(x) is EagerTensor:
        fy = _fast_eager_operand(x, y)
        if fy is not None:
            return apply(_op(name), (x, fy), {})
    x, y = _pair(x, y)
    return apply(_op(name), (x, y), {}, op_name)


def _unary(name, x, op_name=None, **attrs):
    if type(x) is not EagerTensor or not _ctx.eager:
        x = convert_to_tensor(x)
    return apply(_op(name), (x,), attrs, op_name)


# ---- elementwise math -----------------------------------------------------------------------------

def add(x, y, name=None):
    try:
        return _binary("Add", x, y, name)
    except TypeError as e:
        # TF: eagerly, an int tensor + 2.5 fails in AddV2 (InvalidArgumentError), not in conversion
        if _ctx.eager and not (_is_tensorlike(x) and _is_tensorlike(y)):
            raise InvalidArgumentError(None, "AddV2", f"AddV2: {e}") from None
        raise


def subtract(x, y, name=None):
    return _binary("Sub", x, y, name)


def multiply(x, y, name=None):
    return _binary("Mul", x, y, name)


def truediv(x, y, name=None):
    """x / y; integer inputs are divided as floats (float64 for 32/64-bit ints), as in TF."""
    x, y = _pair(x, y)
    if x.dtype is not y.dtype:
        raise TypeError(f"truediv: x and y must have the same dtype, got {x.dtype.name} != {y.dtype.name}")
    if x.dtype.is_integer:
        target = dtypes.float32 if x.dtype.size <= 2 else dtypes.float64
        x, y = cast(x, target), cast(y, target)
    return apply(_op("RealDiv"), (x, y), {}, name)


def divide(x, y, name=None):
    return truediv(x, y, name)


def realdiv(x, y, name=None):
    return _binary("RealDiv", x, y, name)


def floordiv(x, y, name=None):
    return _binary("FloorDiv", x, y, name)


floor_div = floordiv


def mod(x, y, name=None):
    return _binary("FloorMod", x, y, name)


floormod = mod


def pow(x, y, name=None):  # noqa: A001  (TensorFlow's name)
    return _binary("Pow", x, y, name)


def maximum(x, y, name=None):
    return _binary("Maximum", x, y, name)


def minimum(x, y, name=None):
    return _binary("Minimum", x, y, name)


def squared_difference(x, y, name=None):
    return _binary("SquaredDifference", x, y, name)


def negative(x, name=None):
    return _unary("Neg", x, name)


def abs(x, name=None):  # noqa: A001
    return _unary("Abs", x, name)


def _make_unary(op_name, doc):
    def fn(x, name=None):
        return _unary(op_name, x, name)
    fn.__doc__ = doc
    return fn


sign = _make_unary("Sign", "Elementwise sign: -1, 0 or 1.")
exp = _make_unary("Exp", "Elementwise e**x.")
expm1 = _make_unary("Expm1", "Elementwise e**x - 1, accurate near 0.")
log = _make_unary("Log", "Elementwise natural logarithm.")
log1p = _make_unary("Log1p", "Elementwise log(1 + x), accurate near 0.")
sqrt = _make_unary("Sqrt", "Elementwise square root.")
rsqrt = _make_unary("Rsqrt", "Elementwise 1 / sqrt(x).")
square = _make_unary("Square", "Elementwise x * x.")
sin = _make_unary("Sin", "Elementwise sine.")
cos = _make_unary("Cos", "Elementwise cosine.")
tanh = _make_unary("Tanh", "Elementwise hyperbolic tangent.")
sigmoid = _make_unary("Sigmoid", "Elementwise 1 / (1 + exp(-x)).")
erf = _make_unary("Erf", "Elementwise Gauss error function.")
floor = _make_unary("Floor", "Elementwise floor.")
ceil = _make_unary("Ceil", "Elementwise ceiling.")
_round = _make_unary("Round", "Elementwise rounding, half to even (banker's rounding), as TensorFlow.")


def round(x, name=None):  # noqa: A001
    """Elementwise rounding, half to even (banker's rounding); integers are returned as they are."""
    x = convert_to_tensor(x)
    return x if x.dtype.is_integer else _round(x, name)


reciprocal = _make_unary("Reciprocal", "Elementwise 1 / x.")
softplus = _make_unary("Softplus", "Elementwise log(1 + exp(x)), computed stably.")
is_nan = _make_unary("IsNan", "Elementwise NaN test.")
is_finite = _make_unary("IsFinite", "Elementwise finiteness test.")
logical_not = _make_unary("LogicalNot", "Elementwise boolean not.")
identity = _make_unary("Identity", "Return a tensor with the same value.")
stop_gradient = _make_unary("StopGradient", "Identity in the forward pass; blocks gradients.")
relu = _make_unary("Relu", "max(x, 0).")


def add_n(inputs, name=None):
    """Sum a list of same-shaped tensors."""
    if not inputs:
        raise ValueError("add_n: inputs must be a non-empty list of tensors")
    tensors = [convert_to_tensor(t) for t in inputs]
    for t in tensors[1:]:
        if t.dtype is not tensors[0].dtype:
            raise _invalid("AddN", f"all inputs must have the same dtype, got "
                           f"{', '.join(u.dtype.name for u in tensors)}", TypeError)
        if not t.shape.is_compatible_with(tensors[0].shape):
            raise _invalid("AddN", f"all inputs must have the same shape, got "
                           f"{', '.join(str(u.shape) for u in tensors)}")
    out = tensors[0]
    for t in tensors[1:]:
        out = add(out, t)
    return out if len(tensors) > 1 else identity(out)


def cast(x, dtype, name=None):
    dtype = dtypes.as_dtype(dtype)
    x = convert_to_tensor(x)
    if x.dtype is dtype:
        return x
    return apply(_op("Cast"), (x,), {"dtype": dtype}, name)


def saturate_cast(x, dtype, name=None):
    return cast(clip_by_value(x, dtypes.as_dtype(dtype).min, dtypes.as_dtype(dtype).max), dtype, name)


# ---- comparison and logic ------------------------------------------------------------------------

def equal(x, y, name=None):
    return _binary("Equal", x, y, name)


def not_equal(x, y, name=None):
    return _binary("NotEqual", x, y, name)


def less(x, y, name=None):
    return _binary("Less", x, y, name)


def less_equal(x, y, name=None):
    return _binary("LessEqual", x, y, name)


def greater(x, y, name=None):
    return _binary("Greater", x, y, name)


def greater_equal(x, y, name=None):
    return _binary("GreaterEqual", x, y, name)


def logical_and(x, y, name=None):
    return _binary("LogicalAnd", x, y, name)


def logical_or(x, y, name=None):
    return _binary("LogicalOr", x, y, name)


def logical_xor(x, y, name=None):
    return logical_and(logical_or(x, y), logical_not(logical_and(x, y)), name)


def logical_and_or_bitwise(kind, x, y):
    """`&`, `|`, `^`: logical on bool tensors, bitwise on integer tensors (as TensorFlow)."""
    x, y = _pair(x, y)
    if x.dtype.is_bool:
        if kind == "xor":
            return logical_xor(x, y)
        return apply(_op("LogicalAnd" if kind == "and" else "LogicalOr"), (x, y), {})
    return apply(_op({"and": "BitwiseAnd", "or": "BitwiseOr", "xor": "BitwiseXor"}[kind]), (x, y), {})


def invert(x):
    x = convert_to_tensor(x)
    if x.dtype.is_bool:
        return logical_not(x)
    if not x.dtype.is_integer:
        raise _invalid("Invert", f"~ needs a bool or integer tensor, got {x.dtype.name}", TypeError)
    return subtract(negative(x), 1)


def where(condition, x=None, y=None, name=None):
    """3-argument where selects elementwise with broadcasting; 1-argument returns indices."""
    condition = convert_to_tensor(condition)
    if x is None and y is None:
        return apply(_op("Where"), (condition,), {}, name)
    x, y = _pair(x, y)
    return apply(_op("Select"), (condition, x, y), {}, name)


# ---- reductions ------------------------------------------------------------------------------------

def _axis_value(axis):
    if axis is None:
        return None
    if isinstance(axis, Tensor):
        if isinstance(axis, EagerTensor):
            axis = axis.numpy()
        else:
            from ..graph.graph import constant_value
            v = constant_value(axis)
            if v is None:
                raise ValueError("axis must be known when the graph is built (a Python int or list)")
            axis = v
    if isinstance(axis, (np.ndarray, np.generic)):
        if axis.dtype.kind not in "iu":
            raise TypeError(f"axis must be an integer or a list of integers, got {axis.dtype} values")
        return axis.tolist() if axis.ndim else int(axis)
    if isinstance(axis, (list, tuple)):
        return tuple(_int_axis(a) for a in axis)
    return _int_axis(axis)


def _int_axis(a):
    if isinstance(a, (bool, np.bool_)) or not isinstance(a, (int, np.integer)):
        raise TypeError(f"axis must be an integer or a list of integers, got {a!r}")
    return int(a)


def _reduce(name, x, axis, keepdims, op_name):
    x = convert_to_tensor(x)
    return apply(_op(name), (x,), {"axis": _axis_value(axis), "keepdims": bool(keepdims)}, op_name)


def reduce_sum(input_tensor, axis=None, keepdims=False, name=None):
    return _reduce("Sum", input_tensor, axis, keepdims, name)


def reduce_mean(input_tensor, axis=None, keepdims=False, name=None):
    return _reduce("Mean", input_tensor, axis, keepdims, name)


def reduce_max(input_tensor, axis=None, keepdims=False, name=None):
    return _reduce("Max", input_tensor, axis, keepdims, name)


def reduce_min(input_tensor, axis=None, keepdims=False, name=None):
    return _reduce("Min", input_tensor, axis, keepdims, name)


def reduce_prod(input_tensor, axis=None, keepdims=False, name=None):
    return _reduce("Prod", input_tensor, axis, keepdims, name)


def reduce_any(input_tensor, axis=None, keepdims=False, name=None):
    return _reduce("Any", input_tensor, axis, keepdims, name)


def reduce_all(input_tensor, axis=None, keepdims=False, name=None):
    return _reduce("All", input_tensor, axis, keepdims, name)


def reduce_logsumexp(input_tensor, axis=None, keepdims=False, name=None):
    """log(sum(exp(x))) computed stably by shifting by the (gradient-stopped) maximum."""
    x = convert_to_tensor(input_tensor)
    raw_max = reduce_max(x, axis, keepdims=True)
    my_max = stop_gradient(where(is_finite(raw_max), raw_max, zeros_like(raw_max)))
    out = add(log(reduce_sum(exp(subtract(x, my_max)), axis, keepdims=True)), my_max)
    if not keepdims:
        out = reshape(out, _reduced_shape(x, axis)) if _static_known(x) else squeeze(out, _axis_value(axis))
    return out


def _static_known(x):
    return x.shape.is_fully_defined()


def _reduced_shape(x, axis):
    from .infer import normalize_axes
    dims = x.shape.dims
    axes = normalize_axes(_axis_value(axis), len(dims))
    return [d for i, d in enumerate(dims) if i not in axes]


def argmax(input, axis=None, output_type=dtypes.int64, name=None):  # noqa: A002
    x = convert_to_tensor(input)
    return apply(_op("ArgMax"), (x,), {"axis": 0 if axis is None else _axis_value(axis),
                                       "output_type": dtypes.as_dtype(output_type)}, name)


def argmin(input, axis=None, output_type=dtypes.int64, name=None):  # noqa: A002
    x = convert_to_tensor(input)
    return apply(_op("ArgMin"), (x,), {"axis": 0 if axis is None else _axis_value(axis),
                                       "output_type": dtypes.as_dtype(output_type)}, name)


# ---- linear algebra ----------------------------------------------------------------------------------

def matmul(a, b, transpose_a=False, transpose_b=False, adjoint_a=False, adjoint_b=False, name=None, **unused):
    a, b = _pair(a, b)
    return apply(_op("MatMul"), (a, b), {"transpose_a": bool(transpose_a or adjoint_a),
                                         "transpose_b": bool(transpose_b or adjoint_b)}, name)


def einsum(equation, *inputs, **kwargs):
    tensors = [convert_to_tensor(t) for t in inputs]
    return apply(_op("Einsum"), tuple(tensors), {"equation": equation.replace(" ", "")}, kwargs.get("name"))


def tensordot(a, b, axes, name=None):
    """Contract `axes` of a with axes of b (an int: last N of a with first N of b)."""
    a, b = _pair(a, b)
    ra, rb = a.shape.rank, b.shape.rank
    if isinstance(axes, Tensor):
        axes = _axis_value(axes)
    if isinstance(axes, int):
        if axes < 0:
            raise ValueError("tensordot: axes must be non-negative")
        a_axes, b_axes = list(builtins.range(ra - axes, ra)), list(builtins.range(axes))
    else:
        a_axes, b_axes = axes
        a_axes = [a_axes] if isinstance(a_axes, int) else list(a_axes)
        b_axes = [b_axes] if isinstance(b_axes, int) else list(b_axes)
        a_axes = [x % ra for x in a_axes]
        b_axes = [x % rb for x in b_axes]
    letters = "abcdefghijklmnopqrstuvwxyz"
    la = list(letters[:ra])
    lb = list(letters[ra:ra + rb])
    for i, j in zip(a_axes, b_axes):
        lb[j] = la[i]
    out = [c for i, c in enumerate(la) if i not in a_axes] + [c for j, c in enumerate(lb) if j not in b_axes]
    return einsum(f"{''.join(la)},{''.join(lb)}->{''.join(out)}", a, b, name=name)


# ---- shapes -----------------------------------------------------------------------------------------

def _shape_tensor(shape):
    """A shape argument (list, tuple, TensorShape, tensor) as an int32/int64 vector tensor."""
    if hasattr(shape, "as_list"):
        shape = shape.as_list()
    if isinstance(shape, (list, tuple)) and not any(_is_tensorlike(s) for s in shape):
        return convert_to_tensor(np.asarray([int(s) for s in shape], dtype=np.int32).reshape(-1))
    t = convert_to_tensor(shape)
    if t.shape.rank == 0:
        t = reshape(t, [1])
    return t


def reshape(tensor, shape, name=None):
    x = convert_to_tensor(tensor)
    out = apply(_op("Reshape"), (x, _shape_tensor(shape)), {}, name)
    if not _ctx.eager and isinstance(shape, (list, tuple)) and out.shape.rank == len(shape):
        # dims given as Python ints are known even when others are dynamic ([gf.shape(x)[0], 3])
        out.set_shape([int(s) if isinstance(s, (int, np.integer)) and s >= 0 else None for s in shape])
    return out


def transpose(a, perm=None, conjugate=False, name=None):
    x = convert_to_tensor(a)
    perm = None if perm is None else tuple(int(p) for p in _axis_list(perm))
    return apply(_op("Transpose"), (x,), {"perm": perm}, name)


def _axis_list(v):
    v = _axis_value(v)
    return [v] if isinstance(v, int) else list(v)


def concat(values, axis, name="concat"):
    tensors = _same_dtype_list(values)
    if len(tensors) == 1:
        return identity(tensors[0])
    return apply(_op("ConcatV2"), tuple(tensors), {"axis": _axis_value(axis)}, name)


def _same_dtype_list(values):
    values = list(values)
    first = next((v for v in values if _is_tensorlike(v)), None)
    hint = convert_to_tensor(first).dtype if first is not None else None
    return [convert_to_tensor(v, dtype_hint=hint) if not _is_tensorlike(v) else convert_to_tensor(v)
            for v in values]


def stack(values, axis=0, name="stack"):
    tensors = _same_dtype_list(values)
    return apply(_op("Pack"), tuple(tensors), {"axis": int(axis)}, name)


def unstack(value, num=None, axis=0, name="unstack"):
    x = convert_to_tensor(value)
    if num is None:
        n = x.shape.dims[axis] if x.shape.dims is not None else None
        if n is None:
            raise ValueError(f"unstack: cannot infer num from shape {x.shape}")
        num = n
    out = apply(_op("Unpack"), (x,), {"num": int(num), "axis": int(axis)}, name)
    return list(out) if isinstance(out, (list, tuple)) else []


def split(value, num_or_size_splits, axis=0, num=None, name="split"):
    x = convert_to_tensor(value)
    axis = _axis_value(axis)
    dim = x.shape.dims[axis] if x.shape.dims is not None else None
    scalar_tensor = isinstance(num_or_size_splits, Tensor) and num_or_size_splits.shape.rank == 0
    if isinstance(num_or_size_splits, int) or scalar_tensor:
        n = int(_axis_value(num_or_size_splits))
        if dim is None:
            raise ValueError(f"split: the size of dimension {axis} must be known to split it into {n}")
        if dim % n:
            raise _invalid("Split", f"dimension {axis} of size {dim} is not divisible by {n} (shape {x.shape})")
        sizes = (dim // n,) * n
    else:
        sizes = [int(s) for s in _axis_list(num_or_size_splits)]
        if sizes.count(-1) == 1 and dim is not None:
            sizes[sizes.index(-1)] = dim - (builtins.sum(sizes) + 1)
        sizes = tuple(sizes)
    return list(apply(_op("Split"), (x,), {"sizes": sizes, "axis": axis}, name))


def expand_dims(input, axis, name=None):  # noqa: A002
    x = convert_to_tensor(input)
    return apply(_op("ExpandDims"), (x,), {"axis": _axis_value(axis)}, name)


def squeeze(input, axis=None, name=None):  # noqa: A002
    x = convert_to_tensor(input)
    a = _axis_value(axis)
    if isinstance(a, list):
        a = tuple(a)
    return apply(_op("Squeeze"), (x,), {"axis": a}, name)


def tile(input, multiples, name=None):  # noqa: A002
    x = convert_to_tensor(input)
    return apply(_op("Tile"), (x,), {"multiples": tuple(int(m) for m in _axis_list(multiples))}, name)


def pad(tensor, paddings, mode="CONSTANT", constant_values=0, name=None):
    x = convert_to_tensor(tensor)
    if isinstance(paddings, Tensor):
        paddings = np.asarray(paddings.numpy() if isinstance(paddings, EagerTensor) else _const_or_fail(paddings))
    pads = tuple((int(a), int(b)) for a, b in paddings)
    return apply(_op("Pad"), (x,), {"paddings": pads, "mode": mode.upper(),
                                    "constant_values": x.dtype.np.type(constant_values)}, name)


def _const_or_fail(t):
    from ..graph.graph import constant_value
    v = constant_value(t)
    if v is None:
        raise ValueError("this argument must be known when the graph is built")
    return v


def broadcast_to(input, shape, name=None):  # noqa: A002
    x = convert_to_tensor(input)
    return apply(_op("BroadcastTo"), (x, _shape_tensor(shape)), {}, name)


def shape(input, out_type=dtypes.int32, name=None):  # noqa: A002
    x = convert_to_tensor(input)
    return apply(_op("Shape"), (x,), {"out_type": dtypes.as_dtype(out_type)}, name)


def size(input, out_type=dtypes.int32, name=None):  # noqa: A002
    x = convert_to_tensor(input)
    return apply(_op("Size"), (x,), {"out_type": dtypes.as_dtype(out_type)}, name)


def rank(input, name=None):  # noqa: A002
    x = convert_to_tensor(input)
    return apply(_op("Rank"), (x,), {}, name)


def strided_slice(x, key):
    """x[key]: ints, slices (negative steps too), `...` and None (new axis)."""
    x = convert_to_tensor(x)
    try:
        index = _array_ops.normalize_index(key)
    except ValueError as e:
        raise _invalid("StridedSlice", str(e)) from None
    return apply(_op("StridedSlice"), (x,), {"index": index})


def gather(params, indices, validate_indices=None, axis=None, batch_dims=0, name=None):
    p = convert_to_tensor(params)
    i = convert_to_tensor(indices)
    return apply(_op("GatherV2"), (p, i), {"axis": 0 if axis is None else _axis_value(axis),
                                           "batch_dims": int(batch_dims)}, name)


def gather_nd(params, indices, batch_dims=0, name=None):
    p = convert_to_tensor(params)
    i = convert_to_tensor(indices)
    return apply(_op("GatherNd"), (p, i), {"batch_dims": int(batch_dims)}, name)


def one_hot(indices, depth, on_value=None, off_value=None, axis=None, dtype=None, name=None):
    i = convert_to_tensor(indices)
    given = [convert_to_tensor(v).dtype for v in (on_value, off_value) if v is not None]
    if dtype is None:
        dtype = given[0] if given else dtypes.float32
    dtype = dtypes.as_dtype(dtype)
    for d in given:
        if d is not dtype:
            raise TypeError(f"one_hot: dtype {d.name} of on_value/off_value does not match dtype {dtype.name}")
    if dtype.is_bool and not given:
        raise TypeError("one_hot: dtype bool needs explicit bool on_value and off_value")
    return apply(_op("OneHot"), (i,), {"depth": int(depth), "on_value": 1 if on_value is None else _scalar(on_value),
                                       "off_value": 0 if off_value is None else _scalar(off_value),
                                       "axis": -1 if axis is None else int(axis), "dtype": dtype}, name)


def _scalar(v):
    return v.numpy() if isinstance(v, EagerTensor) else v


def clip_by_value(t, clip_value_min, clip_value_max, name=None):
    """max(min(t, clip_value_max), clip_value_min): with min > max, every value becomes min (as TF)."""
    x = convert_to_tensor(t)
    return maximum(minimum(x, clip_value_max), clip_value_min, name)


# ---- constructors --------------------------------------------------------------------------------

def constant(value, dtype=None, shape=None, name="Const"):
    """A constant tensor; `shape` reshapes or broadcasts a scalar fill, as TensorFlow."""
    if dtype is not None:
        dtype = dtypes.as_dtype(dtype)
    if isinstance(value, EagerTensor):
        value = value._value
    if _is_tensorlike(value):
        t = convert_to_tensor(value)
        return t if dtype is None else cast(t, dtype)
    from .dispatch import to_array
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
    return apply(_op("Const"), (), {"value": arr}, name)


def fill(dims, value, name=None):
    v = convert_to_tensor(value)
    return apply(_op("Fill"), (_shape_tensor(dims), v), {}, name)


def zeros(shape, dtype=dtypes.float32, name=None):
    dtype = dtypes.as_dtype(dtype)
    if _ctx.eager and not _is_tensorlike(shape):
        return EagerTensor(np.zeros(_static_dims(shape), dtype=dtype.np))
    return fill(shape, constant(0, dtype), name)


def ones(shape, dtype=dtypes.float32, name=None):
    dtype = dtypes.as_dtype(dtype)
    if _ctx.eager and not _is_tensorlike(shape):
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
    out = apply(_op("ZerosLike"), (x,), {}, name)
    return out if dtype is None else cast(out, dtype)


def ones_like(input, dtype=None, name=None):  # noqa: A002
    x = convert_to_tensor(input)
    out = apply(_op("OnesLike"), (x,), {}, name)
    return out if dtype is None else cast(out, dtype)


def range(start, limit=None, delta=1, dtype=None, name="range"):  # noqa: A001
    if limit is None:
        start, limit = 0, start
    start, limit, delta = (_scalar(v) for v in (start, limit, delta))
    if dtype is None:
        dtype = dtypes.float32 if any(isinstance(v, (float, np.floating)) for v in (start, limit, delta)) \
            else dtypes.int32
    dtype = dtypes.as_dtype(dtype)
    if delta == 0:
        raise ValueError("range: delta must not be zero")
    return apply(_op("Range"), (), {"start": start, "limit": limit, "delta": delta, "dtype": dtype}, name)


def eye(num_rows, num_columns=None, batch_shape=None, dtype=dtypes.float32, name=None):
    dtype = dtypes.as_dtype(dtype)
    m = np.eye(int(num_rows), None if num_columns is None else int(num_columns), dtype=dtype.np)
    if batch_shape is not None:
        m = np.broadcast_to(m, tuple(batch_shape) + m.shape).copy()
    return constant(m, dtype=dtype, name=name or "eye")


def linspace(start, stop, num, name=None, axis=0):
    start, stop = _scalar(start), _scalar(stop)
    dt = np.asarray(start).dtype if isinstance(start, np.generic) else np.float32
    return constant(np.linspace(start, stop, int(_scalar(num)), dtype=dt), name=name or "linspace")


def group(*inputs, name=None):
    """One op that runs all of `inputs` (graph mode); None eagerly, where everything already ran."""
    if _ctx.eager:
        return None
    graph = ctx_mod.current_graph()
    with graph.control_dependencies([i for i in inputs if i is not None]):
        return apply(_op("NoOp"), (), {}, name or "NoOp")


def no_op(name=None):
    return group(name=name)


def control_dependencies(control_inputs):
    if _ctx.eager:
        import contextlib
        return contextlib.nullcontext()
    return ctx_mod.current_graph().control_dependencies(control_inputs)


def name_scope(name, default_name=None, values=None):
    if _ctx.eager:
        import contextlib
        return contextlib.nullcontext(name)
    return ctx_mod.current_graph().name_scope(name or default_name)


# ---- nn ------------------------------------------------------------------------------------------

def relu6(features, name=None):
    # 6 first: minimum sends a tie to its first input, so the gradient at 6 is 0 as in TF.
    x = relu(features)
    return minimum(convert_to_tensor(6, dtype=x.dtype), x, name)


def leaky_relu(features, alpha=0.2, name=None):
    x = convert_to_tensor(features)
    if x.dtype.is_integer:
        x = cast(x, dtypes.float32)   # as TF: integer features are computed in float32
    return where(greater(x, 0), x, multiply(x, alpha), name)


def elu(features, name=None):
    x = convert_to_tensor(features)
    return where(greater(x, 0), x, expm1(minimum(x, 0)), name)


def selu(features, name=None):
    """scale * (x if x >= 0 else alpha * (exp(x) - 1)); selecting on x >= 0 gives TF's gradient at 0."""
    alpha, scale = 1.6732632423543772, 1.0507009873554805
    x = convert_to_tensor(features)
    negative_part = multiply(expm1(minimum(x, 0)), alpha)
    return multiply(where(greater_equal(x, 0), x, negative_part), scale, name)


def gelu(features, approximate=False, name=None):
    """0.5 x (1 + erf(x / sqrt 2)); with approximate=True, the tanh form."""
    x = convert_to_tensor(features)
    if approximate:
        c = _pymath.sqrt(2 / _pymath.pi)
        inner = multiply(add(x, multiply(multiply(multiply(x, x), x), 0.044715)), c)
        return multiply(multiply(x, 0.5), add(tanh(inner), 1.0), name)
    return multiply(multiply(x, 0.5), add(erf(multiply(x, 1 / _pymath.sqrt(2))), 1.0), name)


def silu(features, beta=1.0, name=None):
    x = convert_to_tensor(features)
    return multiply(x, sigmoid(multiply(x, beta)), name)


swish = silu


def softmax(logits, axis=None, name=None):
    x = convert_to_tensor(logits)
    return apply(_op("Softmax"), (x,), {"axis": -1 if axis is None else int(axis)}, name)


def log_softmax(logits, axis=None, name=None):
    x = convert_to_tensor(logits)
    return apply(_op("LogSoftmax"), (x,), {"axis": -1 if axis is None else int(axis)}, name)


def sparse_softmax_cross_entropy_with_logits(labels=None, logits=None, name=None):
    if labels is None or logits is None:
        raise ValueError("sparse_softmax_cross_entropy_with_logits needs labels= and logits=")
    logits = convert_to_tensor(logits)
    labels = convert_to_tensor(labels)
    return apply(_op("SparseSoftmaxCrossEntropyWithLogits"), (logits, labels), {}, name)


def softmax_cross_entropy_with_logits(labels=None, logits=None, axis=-1, name=None):
    if labels is None or logits is None:
        raise ValueError("softmax_cross_entropy_with_logits needs labels= and logits=")
    logits = convert_to_tensor(logits)
    labels = convert_to_tensor(labels, dtype_hint=logits.dtype)
    return apply(_op("SoftmaxCrossEntropyWithLogits"), (logits, labels), {"axis": int(axis)}, name)


def sigmoid_cross_entropy_with_logits(labels=None, logits=None, name=None):
    """max(x, 0) - x * z + log(1 + exp(-|x|)): stable for any logit."""
    x = convert_to_tensor(logits)
    z = convert_to_tensor(labels, dtype_hint=x.dtype)
    if x.shape.is_fully_defined() and z.shape.is_fully_defined() and x.shape != z.shape:
        raise ValueError(f"sigmoid_cross_entropy_with_logits: logits and labels must have the same shape "
                         f"({x.shape} vs {z.shape})")
    # Both branches selected on x >= 0 (not relu/abs), so the gradient at x = 0 is sigmoid(0) - z, as TF.
    nonneg = greater_equal(x, zeros_like(x))
    relu_x = where(nonneg, x, zeros_like(x))
    neg_abs_x = where(nonneg, negative(x), x)
    return add(subtract(relu_x, multiply(x, z)), log1p(exp(neg_abs_x)), name)


def bias_add(value, bias, data_format=None, name=None):
    x = convert_to_tensor(value)
    b = convert_to_tensor(bias, dtype_hint=x.dtype)
    if b.shape.rank != 1:
        raise _invalid("BiasAdd", f"bias must be 1-D, got shape {b.shape}")
    if x.shape.rank is not None and x.shape.rank < 2:
        raise _invalid("BiasAdd", f"value must be at least rank 2, got shape {x.shape}")
    if data_format == "NCHW" and x.shape.rank and x.shape.rank > 2:
        b = reshape(b, [-1] + [1] * (x.shape.rank - 2))
    elif x.shape.dims is not None and b.shape.dims[0] is not None and x.shape.dims[-1] not in (None, b.shape.dims[0]):
        raise _invalid("BiasAdd", f"bias of size {b.shape.dims[0]} does not match the last dimension of "
                       f"{x.shape}")
    return add(x, b, name)


def conv2d(input, filters, strides, padding, data_format="NHWC", dilations=None, name=None):  # noqa: A002
    if data_format != "NHWC":
        raise ValueError("conv2d: only data_format='NHWC' is supported on the CPU")
    x = convert_to_tensor(input)
    w = convert_to_tensor(filters, dtype_hint=x.dtype)
    return apply(_op("Conv2D"), (x, w), {"strides": _hw(strides), "padding": _padding(padding, explicit=True),
                                         "dilations": _hw(dilations or 1)}, name)


def _hw(v):
    if isinstance(v, int):
        return (v, v)
    v = tuple(int(a) for a in v)
    return v[1:3] if len(v) == 4 else (v * 2 if len(v) == 1 else v)


def _padding(p, explicit=False):
    """'SAME', 'VALID' or (conv2d only) explicit NHWC pairs [[0, 0], [t, b], [l, r], [0, 0]]."""
    if explicit and isinstance(p, (list, tuple)):
        pairs = tuple((int(a), int(b)) for a, b in p)
        if len(pairs) != 4 or pairs[0] != (0, 0) or pairs[3] != (0, 0) or min(min(q) for q in pairs) < 0:
            raise _invalid("Conv2D", f"explicit padding must be [[0, 0], [top, bottom], [left, right], [0, 0]] "
                           f"with non-negative sizes, got {p!r}")
        return pairs[1:3]
    p = p.upper() if isinstance(p, str) else p
    if p not in ("SAME", "VALID"):
        raise _invalid("Conv2D" if explicit else "Pool", f"padding must be 'SAME' or 'VALID', got {p!r}")
    return p


def max_pool2d(input, ksize, strides, padding, data_format="NHWC", name=None):  # noqa: A002
    x = convert_to_tensor(input)
    return apply(_op("MaxPool"), (x,), {"ksize": _hw(ksize), "strides": _hw(strides),
                                        "padding": _padding(padding)}, name)


def avg_pool2d(input, ksize, strides, padding, data_format="NHWC", name=None):  # noqa: A002
    x = convert_to_tensor(input)
    return apply(_op("AvgPool"), (x,), {"ksize": _hw(ksize), "strides": _hw(strides),
                                        "padding": _padding(padding)}, name)


def l2_loss(t, name=None):
    x = convert_to_tensor(t)
    if not x.dtype.is_floating:
        raise _invalid("L2Loss", f"needs a float tensor, got {x.dtype.name}", TypeError)
    return multiply(reduce_sum(square(x)), 0.5, name)


def moments(x, axes, shift=None, keepdims=False, name=None):
    """Mean and (biased) variance over `axes`."""
    x = convert_to_tensor(x)
    mean = reduce_mean(x, axes, keepdims=True)
    variance = reduce_mean(squared_difference(x, stop_gradient(mean)), axes, keepdims=True)
    if not keepdims:
        mean = squeeze(mean, axes)
        variance = squeeze(variance, axes)
    return mean, variance


def dropout(x, rate, noise_shape=None, seed=None, name=None):
    """Zero each element with probability `rate`, scale the rest by 1 / (1 - rate)."""
    x = convert_to_tensor(x)
    rate_v = float(_scalar(rate))
    if not 0 <= rate_v < 1:
        raise ValueError(f"dropout: rate must be in [0, 1), got {rate_v}")
    if rate_v == 0:
        return identity(x)
    keep = greater_equal(random_uniform(noise_shape if noise_shape is not None else shape(x),
                                        dtype=x.dtype, seed=seed), rate_v)
    return where(keep, multiply(x, 1.0 / (1.0 - rate_v)), zeros_like(x), name)


# ---- random -----------------------------------------------------------------------------------------

def _random(name, shape, dtype, seed, **attrs):
    dtype = dtypes.as_dtype(dtype)
    return apply(_op(name), (_shape_tensor(shape),), {"dtype": dtype, "key": _random_ops.op_key(seed), **attrs})


def _float_dtype(dtype, fn):
    dtype = dtypes.as_dtype(dtype)
    if not dtype.is_floating:
        raise TypeError(f"{fn}: dtype must be a float type, got {dtype.name}")
    return dtype


def random_normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None):
    dtype = _float_dtype(dtype, "random.normal")
    return _random("RandomStandardNormal", shape, dtype, seed, mean=float(_scalar(mean)), stddev=float(_scalar(stddev)))


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None):
    dtype = _float_dtype(dtype, "random.truncated_normal")
    return _random("TruncatedNormal", shape, dtype, seed, mean=float(_scalar(mean)), stddev=float(_scalar(stddev)))


def random_uniform(shape, minval=0, maxval=None, dtype=dtypes.float32, seed=None, name=None):
    dtype = dtypes.as_dtype(dtype)
    if maxval is None and not dtype.is_integer:
        maxval = 1.0
    return _random("RandomUniform", shape, dtype, seed, minval=_scalar(minval), maxval=_scalar(maxval))


def random_shuffle(value, seed=None, name=None):
    x = convert_to_tensor(value)
    return apply(_op("RandomShuffle"), (x,), {"key": _random_ops.op_key(seed)}, name)


# ---- debugging ---------------------------------------------------------------------------------------

def print_(*inputs, output_stream="stderr", summarize=3, sep=" ", end="\n", name=None):
    """gf.print: prints now when eager; in a graph, prints each time the op runs."""
    stream = output_stream if isinstance(output_stream, str) else (
        "stdout" if output_stream is __import__("sys").stdout else "stderr")
    tensors = [convert_to_tensor(i) for i in inputs if _is_tensorlike(i)]
    template = tuple(None if _is_tensorlike(i) else i for i in inputs)
    return apply(_op("PrintV2"), tuple(tensors), {"template": template, "sep": sep, "end": end,
                                                  "stream": stream, "summarize": summarize}, name)


def check_numerics(tensor, message, name=None):
    x = convert_to_tensor(tensor)
    return apply(_op("CheckNumerics"), (x,), {"message": message}, name)


def assert_equal(x, y, data=None, summarize=None, message=None, name=None):
    x, y = _pair(x, y)
    return apply(_op("AssertEqual"), (x, y), {"message": (message + " ") if message else "",
                                              "summarize": summarize or 3}, name)


_tensor_mod._api = __import__(__name__, fromlist=["_"])

from ..eager import fastpath as _fastpath  # noqa: E402  (needs this module's functions)

_fastpath.install()
