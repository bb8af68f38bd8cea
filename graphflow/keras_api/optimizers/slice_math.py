"""The arithmetic Keras 3 on TensorFlow applies to an IndexedSlices gradient (an embedding's), so
the update rules give TensorFlow's numbers and touch only the looked-up rows where Keras does.

Keras's rules (its TensorFlow backend's sparse decorators): an elementwise unary op (square,
sqrt, abs, sign, negative) maps each slice, duplicates separately; a product or quotient with a
scalar keeps the slices; a product with a dense tensor multiplies each slice by that tensor's row;
a sum or difference with a dense tensor, and `maximum`, densify (duplicate rows summed); assigning
slices to a variable is a scatter (update, add or sub). So Adam's second moment sees the sum of
each slice squared, not the square of the summed rows. Every function also takes dense tensors.

`rows(x, g)` with `scale_rows`/`divide_rows` computes a dense factor only at the gradient's rows:
the numbers Keras gets from the whole-table tensor, without building it.
"""
from __future__ import annotations

from ...ops import api
from ...ops.dispatch import apply
from ...ops.indexed_slices import IndexedSlices, is_indexed_slices, to_dense
from ...ops.registry import get


def _slices(values, like: IndexedSlices) -> IndexedSlices:
    return like.with_values(values)


def _is_scalar(x) -> bool:
    return not hasattr(x, "shape") or x.shape.rank == 0


def dense(x):
    """The dense tensor: slices with duplicate rows summed."""
    return to_dense(x) if is_indexed_slices(x) else x


def cast(x, dtype):
    if is_indexed_slices(x):
        return x if x.dtype is dtype else _slices(api.cast(x.values, dtype), x)
    return api.cast(x, dtype)


def square(x):
    return _slices(api.square(x.values), x) if is_indexed_slices(x) else api.square(x)


def absolute(x):
    return _slices(api.abs(x.values), x) if is_indexed_slices(x) else api.abs(x)


def clip_by_value(x, low, high):
    """Each slice clipped (the slices stay slices, as tf.clip_by_value keeps them)."""
    if is_indexed_slices(x):
        return _slices(api.clip_by_value(x.values, low, high), x)
    return api.clip_by_value(x, low, high)


def negative(x):
    return _slices(api.negative(x.values), x) if is_indexed_slices(x) else api.negative(x)


def multiply(x, y):
    """x * y; slices times a scalar stay slices, times a dense tensor take its rows."""
    if is_indexed_slices(x) and not is_indexed_slices(y):
        return _slices(api.multiply(x.values, y if _is_scalar(y) else rows(y, x)), x)
    if is_indexed_slices(y) and not is_indexed_slices(x):
        return _slices(api.multiply(x if _is_scalar(x) else rows(x, y), y.values), y)
    return api.multiply(dense(x), dense(y))


def divide(x, y):
    """x / y with a scalar y: slices stay slices; anything else is dense."""
    if is_indexed_slices(x) and _is_scalar(y):
        return _slices(api.divide(x.values, y), x)
    return api.divide(dense(x), dense(y))


def add(x, y):
    return api.add(dense(x), dense(y))


def subtract(x, y):
    return api.subtract(dense(x), dense(y))


def maximum(x, y):
    return api.maximum(dense(x), dense(y))


def rows(x, like):
    """x at the rows `like` names (all of x when `like` is dense): elementwise maths on these rows
    equals the rows of the same maths on the whole of x."""
    if is_indexed_slices(like):
        return api.gather(x, like.indices)
    return x


def scale_rows(g, factor_rows):
    """g times a dense factor given at g's rows (`rows(factor, g)`)."""
    return _slices(api.multiply(factor_rows, g.values), g) if is_indexed_slices(g) else api.multiply(factor_rows, g)


def divide_rows(g, divisor_rows):
    """g divided by a dense divisor given at g's rows (`rows(divisor, g)`)."""
    return _slices(api.divide(g.values, divisor_rows), g) if is_indexed_slices(g) else api.divide(g, divisor_rows)


def _scatter(var, slices: IndexedSlices, mode: str):
    values = slices.values if slices.dtype is var.dtype else api.cast(slices.values, var.dtype)
    indices, values = api.convert_to_tensor(slices.indices), api.convert_to_tensor(values)
    return apply(get("ResourceScatter"), (indices, values), {"var": var._state, "mode": mode})


def assign(var, value):
    """var = value (slices: their rows replaced); returns the variable's new value."""
    if is_indexed_slices(value):
        return _scatter(var, value, "update")
    var.assign(value)
    return value


def assign_add(var, value):
    """var += value (slices: a scatter add, duplicates added one by one); returns the new value."""
    return _scatter(var, value, "add") if is_indexed_slices(value) else assign(var, api.add(var, value))


def assign_sub(var, value):
    """var -= value (slices: a scatter sub); returns the new value."""
    return _scatter(var, value, "sub") if is_indexed_slices(value) else assign(var, api.subtract(var, value))
