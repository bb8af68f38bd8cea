"""gf.linspace: `num` evenly spaced values from start to stop. Known arguments give a constant;
tensor arguments (a `num` known only when the graph runs, N-D start/stop) build TensorFlow's own
composite (linspace_nd), so the values, the errors and the gradient to start/stop are its."""
from __future__ import annotations

import builtins

import numpy as np

from ... import dtypes
from ...errors import InvalidArgumentError
from ..convert import convert_to_tensor, is_tensorlike
from .construct import constant, range, zeros_like  # noqa: A004
from .logic import greater_equal, where
from .math import add, cast, maximum, multiply, subtract, truediv
from .shape import concat, expand_dims, gather, reshape


def linspace(start, stop, num, name=None, axis=0):
    """`num` values from `start` to `stop` (both included) along `axis`; `num` may be a tensor known
    only when the graph runs. start/stop may be N-D (broadcast together); the values are
    start + i * (stop - start) / (num - 1), the last exactly stop. Integer start/stop give float64.

    Raises:
      InvalidArgumentError: num < 0 (TensorFlow's Range message), when num's value is known.
    """
    if not any(map(is_tensorlike, (start, stop, num))) and np.ndim(start) == np.ndim(stop) == 0 and axis in (0, -1):
        if int(num) < 0:      # TensorFlow's composite fails in its Range
            raise InvalidArgumentError(None, "Range", f"Range: Requires start <= limit when delta > 0: 1/{int(num)}")
        dt = _constant_dtype(np.asarray(start).dtype, isinstance(start, np.generic))
        return constant(np.linspace(start, stop, int(num), dtype=dt), name=name or "linspace")
    return _linspace_nd(start, stop, num, axis)


def _constant_dtype(dt, numpy_scalar):
    """TensorFlow's: a Python float is float32, a numpy float keeps its dtype, integers divide to float64."""
    if dt.kind in "iu":
        return np.float64
    return dt if numpy_scalar else np.float32


def _linspace_nd(start, stop, num, axis):
    start = convert_to_tensor(start)
    stop = convert_to_tensor(stop, dtype=start.dtype)
    num = convert_to_tensor(num, dtype=None if is_tensorlike(num) else dtypes.int32)
    if not num.dtype.is_integer:
        raise TypeError(f"linspace: num must be an integer, got {num.dtype.name}")
    start, stop = add(start, zeros_like(stop)), add(stop, zeros_like(start))     # broadcast together
    rank = start.shape.rank
    if rank is None:
        raise ValueError("linspace: the rank of start and stop must be known")
    if not -(rank + 1) <= axis <= rank:
        raise ValueError(f"linspace: axis {axis} is out of range for {rank + 1}-D output")
    axis %= rank + 1
    first, last = expand_dims(start, axis), expand_dims(stop, axis)
    steps = maximum(subtract(num, 1), 1)                       # no division by zero for num 0 and 1
    delta = truediv(subtract(last, first), cast(steps, last.dtype))
    first, last = cast(first, delta.dtype), cast(last, delta.dtype)
    inner = range(1, where(greater_equal(num, 0), steps, -1), dtype=dtypes.int64)  # num < 0: Range's error
    inner = reshape(cast(inner, delta.dtype), [-1 if d == axis else 1 for d in builtins.range(rank + 1)])
    values = concat([first, add(first, multiply(delta, inner)), last], axis)   # [start, middle, stop]
    return gather(values, range(maximum(num, 0)), axis=axis)                   # the first num (0 and 1 too)

