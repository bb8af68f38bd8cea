"""gf.SparseTensor: TensorFlow's sparse tensor, three dense tensors (indices int64 [N, rank],
values [N], dense_shape int64 [rank]). The tf.sparse functions that work on it are in sparse.py,
compositions of dense ops, so they run eagerly and in graphs and need no kernels of their own."""
from __future__ import annotations

from ... import dtypes
from ...eager.tensor import EagerTensor
from ...shapes import TensorShape
from ..convert import convert_to_tensor
from ..static_value import constant_value


def _dims(t, rank: int, what: str) -> list:
    dims = t.shape.dims
    if dims is None:
        return [None] * rank
    if len(dims) != rank:
        raise ValueError(f"SparseTensor: {what} must have rank {rank}, got shape {t.shape}")
    return list(dims)


def _compatible(a, b) -> None:
    if a is not None and b is not None and a != b:
        raise ValueError(f"Dimensions {a} and {b} are not compatible")


class SparseTensor:
    """A sparse tensor: `values[i]` sits at `indices[i]` of a tensor of shape `dense_shape`.

    Args:
      indices: int64 [N, rank] (lexicographically ordered for most ops; tf.sparse.reorder sorts).
      values: [N] of any dtype.
      dense_shape: int64 [rank].
    Raises:
      ValueError: when the three shapes do not fit together.
    """

    def __init__(self, indices, values, dense_shape):
        self._indices = convert_to_tensor(indices, dtype=dtypes.int64)
        self._values = convert_to_tensor(values)
        self._dense_shape = convert_to_tensor(dense_shape, dtype=dtypes.int64)
        n, rank = _dims(self._indices, 2, "indices")
        (n_values,) = _dims(self._values, 1, "values")
        (n_shape,) = _dims(self._dense_shape, 1, "dense_shape")
        _compatible(n, n_values)
        _compatible(rank, n_shape)
        known = self._dense_shape.numpy() if isinstance(self._dense_shape, EagerTensor) else \
            constant_value(self._dense_shape)
        self._shape = TensorShape([int(d) for d in known]) if known is not None else \
            TensorShape([None] * n_shape) if n_shape is not None else TensorShape(None)

    @classmethod
    def from_value(cls, value) -> "SparseTensor":
        if isinstance(value, SparseTensor):
            return value
        return cls(value.indices, value.values, value.dense_shape)

    indices = property(lambda self: self._indices)
    values = property(lambda self: self._values)
    dense_shape = property(lambda self: self._dense_shape)
    dtype = property(lambda self: self._values.dtype)
    shape = property(lambda self: self._shape)

    def get_shape(self) -> TensorShape:
        return self._shape

    def set_shape(self, shape) -> None:
        self._shape = self._shape.merge_with(TensorShape(shape))

    def with_values(self, new_values) -> "SparseTensor":
        """The same indices and dense_shape with other values (one per index)."""
        return SparseTensor(self._indices, new_values, self._dense_shape)

    def _dense_operand(self, other):
        """`other` broadcast to this tensor's shape, read at its indices (sparse-dense arithmetic)."""
        from .shape import broadcast_to, gather_nd
        dense = convert_to_tensor(other, dtype_hint=self.dtype)
        return gather_nd(broadcast_to(dense, self._dense_shape), self._indices)

    def __mul__(self, other):
        from .math import multiply
        return self.with_values(multiply(self._values, self._dense_operand(other)))

    def __truediv__(self, other):
        from .math import truediv
        return self.with_values(truediv(self._values, self._dense_operand(other)))

    __rmul__ = __mul__

    def __repr__(self):
        return f"SparseTensor(indices={self._indices}, values={self._values}, dense_shape={self._dense_shape})"

    def __array__(self, dtype=None):
        raise TypeError("a SparseTensor is not a dense array: use tf.sparse.to_dense(sp) first")
