"""IndexedSlices: a gradient that names rows of a dense tensor instead of holding all of them.

The gradient of a gather (an embedding lookup) with respect to its params is one row of values per
looked-up index, duplicates kept, as TensorFlow returns it: backprop hands it to the source
variable as it is, so an optimizer can update only those rows, and densifies it (duplicate rows
summed) wherever it meets a dense gradient or another op's gradient function.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .. import dtypes
from ..eager.tensor import EagerTensor
from ..shapes import TensorShape
from . import api as gf
from .api import framework
from .dispatch import apply
from .grad_ops import scatter_nd
from .registry import get


class IndexedSlices:
    """Rows of a dense tensor of shape `dense_shape`: dense[indices[i]] += values[i], zeros elsewhere.

    Args:
      values: a tensor of shape [n] + dense_shape[1:].
      indices: an int32/int64 vector of n row numbers (repeats add up when densified).
      dense_shape: the dense tensor's shape (a list or an int vector tensor), or None.
    """

    def __init__(self, values, indices, dense_shape=None):
        self.values = gf.convert_to_tensor(values)
        self.indices = gf.convert_to_tensor(indices)
        if dense_shape is None:
            self._static_shape = TensorShape(None)
            self.dense_shape = None
        elif isinstance(dense_shape, (list, tuple)) and all(isinstance(d, (int, np.integer)) for d in dense_shape):
            self._static_shape = TensorShape([int(d) for d in dense_shape])
            self.dense_shape = gf.constant(np.array(dense_shape, np.int32 if self.indices.dtype.name == "int32"
                                                    else np.int64))
        else:
            self.dense_shape = gf.convert_to_tensor(dense_shape)
            value = self.dense_shape.numpy() if type(self.dense_shape) is EagerTensor else None
            self._static_shape = TensorShape(None if value is None else [int(d) for d in value])

    dtype = property(lambda self: self.values.dtype)
    shape = property(lambda self: self._static_shape)
    dense_shape_static = shape
    device = property(lambda self: getattr(self.values, "device", ""))

    def __repr__(self):
        return f"IndexedSlices(indices={self.indices}, values={self.values}, dense_shape={self.dense_shape})"

    def __neg__(self):
        return IndexedSlices(gf.negative(self.values), self.indices, self.dense_shape)

    def with_values(self, values) -> IndexedSlices:
        """The same rows with other values (e.g. the values squared, or scaled)."""
        return _like(self, values)

    # the protocol convert_to_tensor follows for tensor-like objects (as for variables): the dense value
    def _as_eager_tensor(self):
        return to_dense(self)

    def _as_graph_tensor(self, graph):
        return to_dense(self)

    def __array__(self, dtype=None, copy=None):
        value = to_dense(self).numpy()
        return value if dtype is None else value.astype(dtype)

    def numpy(self):
        """The dense value (eager only), so code written against dense gradients keeps working."""
        return to_dense(self).numpy()

    def _type_spec(self):
        return IndexedSlicesSpec(self.dense_shape_static, self.dtype, self.indices.dtype)


class IndexedSlicesSpec(framework.TypeSpec):
    """The spec of IndexedSlices."""

    def __init__(self, shape=None, dtype=dtypes.float32, indices_dtype=dtypes.int64, dense_shape_dtype=None,
                 indices_shape=None):
        self.shape = TensorShape(shape)
        self.dtype = dtypes.as_dtype(dtype)
        self.indices_dtype = dtypes.as_dtype(indices_dtype)

    value_type = property(lambda self: IndexedSlices)

    def __eq__(self, other):
        return isinstance(other, IndexedSlicesSpec) and self.dtype is other.dtype

    def __hash__(self):
        return hash(self.dtype)



def _like(slices: IndexedSlices, values) -> IndexedSlices:
    out = IndexedSlices.__new__(IndexedSlices)
    out.values, out.indices, out.dense_shape = values, slices.indices, slices.dense_shape
    out._static_shape = slices._static_shape
    return out


def is_indexed_slices(x) -> bool:
    return type(x) is IndexedSlices


def to_dense(slices: IndexedSlices):
    """The dense tensor the slices stand for: zeros with every row of values added at its index."""
    rows = slices.shape.dims[0] if slices.shape.dims else None
    if rows is not None:   # (converted: a function being traced captures tensors of the graph outside it)
        values, indices = gf.convert_to_tensor(slices.values), gf.convert_to_tensor(slices.indices)
        return apply(get("UnsortedSegmentSum"), (values, indices), {"num_segments": int(rows)})
    if slices.dense_shape is None:
        raise ValueError("IndexedSlices without a dense_shape cannot be converted to a tensor")
    return scatter_nd(gf.expand_dims(slices.indices, -1), slices.values, slices.dense_shape)


def concat(parts: list) -> IndexedSlices:
    """The sum of several IndexedSlices of one tensor, as one: their rows side by side."""
    if len(parts) == 1:
        return parts[0]
    index_dtype = parts[0].indices.dtype
    indices = [p.indices if p.indices.dtype is index_dtype else gf.cast(p.indices, index_dtype) for p in parts]
    out = _like(parts[0], gf.concat([p.values for p in parts], 0))
    out.indices = gf.concat(indices, 0)
    return out


def from_dense(x) -> IndexedSlices:
    """A dense gradient as slices naming every row (to join slices of the same variable)."""
    rows = gf.range(gf.shape(x, out_type="int32")[0]) if x.shape.dims is None or x.shape.dims[0] is None \
        else gf.constant(np.arange(x.shape.dims[0], dtype=np.int32))
    return IndexedSlices(x, rows, x.shape.as_list() if x.shape.is_fully_defined() else gf.shape(x))


class IndexedSlicesValue(NamedTuple):
    """What Session.run returns for IndexedSlices (TF1's value type); numpy sees the dense array."""

    values: np.ndarray
    indices: np.ndarray
    dense_shape: np.ndarray | None

    def __array__(self, dtype=None, copy=None):
        if self.dense_shape is None:
            raise ValueError("IndexedSlicesValue without a dense_shape has no dense value")
        out = np.zeros(tuple(int(d) for d in self.dense_shape), self.values.dtype)
        np.add.at(out, self.indices, self.values)
        return out if dtype is None else out.astype(dtype)
