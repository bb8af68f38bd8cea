"""EagerTensor: an immutable value computed now, wrapping a numpy array (or numpy scalar)."""
from __future__ import annotations

import numpy as np

from .. import dtypes
from ..shapes import TensorShape
from ..tensor import Tensor, compare


class EagerTensor(Tensor):
    __slots__ = ("_value", "__weakref__")

    def __init__(self, value):
        self._value = value

    @property
    def dtype(self) -> dtypes.DType:
        return dtypes.from_numpy(self._value.dtype)

    @property
    def shape(self) -> TensorShape:
        return TensorShape(self._value.shape)

    @property
    def name(self):
        raise AttributeError("Tensor.name is undefined when eager execution is enabled.")

    @property
    def op(self):
        raise AttributeError("Tensor.op is undefined when eager execution is enabled.")

    @property
    def graph(self):
        raise AttributeError("Tensor.graph is undefined when eager execution is enabled.")

    @property
    def device(self) -> str:
        return "/job:localhost/replica:0/task:0/device:CPU:0"

    def numpy(self):
        """The value as numpy (a numpy scalar for 0-d tensors, like TensorFlow)."""
        v = self._value
        return v[()] if isinstance(v, np.ndarray) and v.ndim == 0 else v

    def __array__(self, dtype=None, copy=None):
        a = np.asarray(self._value)
        return a if dtype is None else a.astype(dtype)

    def __bool__(self):
        return bool(self._value)

    def __index__(self):
        if self._value.dtype.kind not in "iu" or np.ndim(self._value):
            raise TypeError("Only integer scalar tensors can be used as an index")
        return int(self._value)

    def __int__(self):
        return int(self._value)

    def __float__(self):
        return float(self._value)

    def __iter__(self):
        if not np.ndim(self._value):
            raise TypeError("Cannot iterate over a scalar tensor.")
        return (EagerTensor(v) for v in self._value)

    def __eq__(self, other):
        return compare("equal", self, other)

    def __ne__(self, other):
        return compare("not_equal", self, other)

    def __hash__(self):
        raise TypeError("Tensor is unhashable. Instead, use tensor.ref() as the key.")

    def ref(self):
        return _Ref(self)

    def __repr__(self):
        return (f"<tf.Tensor: shape={self.shape}, dtype={self.dtype.name}, "
                f"numpy={_numpy_repr(self.numpy())}>")

    def __str__(self):
        return f"tf.Tensor({_numpy_str(self.numpy())}, shape={self.shape}, dtype={self.dtype.name})"

    def __format__(self, spec):
        return format(self.numpy(), spec) if spec else str(self)

    def __reduce__(self):
        return (EagerTensor, (np.asarray(self._value),))


class _Ref:
    """A hashable reference to a tensor (`tensor.ref()`), as TensorFlow offers."""
    __slots__ = ("_t",)

    def __init__(self, t):
        self._t = t

    def deref(self):
        return self._t

    def __hash__(self):
        return id(self._t)

    def __eq__(self, other):
        return isinstance(other, _Ref) and other._t is self._t


def _numpy_repr(v):
    """What TensorFlow shows after `numpy=`: numpy's repr of arrays, the Python value of scalars,
    and a leading newline when the text spans several lines."""
    text = repr(v.item() if hasattr(v, "item") else v) if np.ndim(v) == 0 else repr(np.asarray(v))
    return "\n" + text if "\n" in text else text


def _numpy_str(v):
    text = str(v) if np.ndim(v) == 0 else str(np.asarray(v))
    return "\n" + text if "\n" in text else text
