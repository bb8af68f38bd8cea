"""gf.TensorArray: TensorFlow's list of same-dtype tensors (write/read/stack/...).

Two storages. While every index is known when a call is made (eagerly, or a loop graphflow
unrolls) the array is a Python list of tensors. An index only known when the graph runs (a
`for i in tf.range(n)` loop inside gf.function) switches it to a buffer: one tensor of shape
[size, *element_shape], written with tensor_scatter_nd_update and, with dynamic_size, grown by
concatenation. A loop carries the buffer as its variable (autograph.operators.state), which is
how TensorFlow's guides accumulate values in tf.function loops.
"""
from __future__ import annotations

import numpy as np

from ... import context as ctx_mod
from ... import dtypes
from ...shapes import TensorShape
from ...tensor import Tensor
from ..convert import convert_to_tensor, python_value
from ..static_value import constant_value
from .array_extra import tensor_scatter_nd_update
from .construct import zeros
from .shape import broadcast_to, concat, expand_dims, gather, reshape, shape, split, stack, unstack

_ctx = ctx_mod.context()


def _known(v):
    """The value of an index argument when it is known now, else None."""
    v = python_value(v)
    if isinstance(v, Tensor):
        v = constant_value(v)
    return v


def _index(v, what: str) -> int | None:
    v = _known(v)
    return None if v is None else int(v)


class TensorArray:
    """A list of same-dtype tensors with TensorFlow's TensorArray methods (write/read/stack/...).

    write, unstack and scatter return the array; keep using the returned value, as in TensorFlow."""

    def __init__(self, dtype, size=None, dynamic_size=None, clear_after_read=None, tensor_array_name=None,
                 handle=None, flow=None, infer_shape=True, element_shape=None, colocate_with_first_write_call=True,
                 name=None):
        self._dtype = dtypes.as_dtype(dtype)
        n = 0 if size is None else _index(size, "size")
        # A size known only when the graph runs: the array is a buffer from its first write (or now,
        # with a known element_shape), [size, *element_shape]
        self._run_size = None if n is not None else convert_to_tensor(size, dtype=dtypes.int32)
        self._items: list | None = [None] * (n or 0)
        self._buffer = None
        self._dynamic_size = bool(dynamic_size)
        self._element_shape = TensorShape(element_shape)
        self._infer_shape = infer_shape

    @classmethod
    def _with_buffer(cls, like: "TensorArray", buffer) -> "TensorArray":
        out = cls.__new__(cls)
        out._dtype, out._dynamic_size, out._infer_shape = like._dtype, like._dynamic_size, like._infer_shape
        out._items, out._buffer, out._run_size = None, buffer, None
        elem = TensorShape(buffer.shape.dims[1:]) if buffer.shape.rank else TensorShape(None)
        out._element_shape = like._element_shape.merge_with(elem) if like._element_shape.is_compatible_with(elem) \
            else elem
        return out

    def _edited(self) -> "TensorArray":
        """The array a list-mode write changes: itself eagerly (TensorFlow's eager arrays change in
        place), a copy in a graph (there a write only reaches the array it returns, as in TensorFlow)."""
        if _ctx.eager:
            return self
        out = TensorArray.__new__(TensorArray)
        out.__dict__.update(self.__dict__)
        out._items = list(self._items)
        return out

    dtype = property(lambda self: self._dtype)
    dynamic_size = property(lambda self: self._dynamic_size)

    @property
    def element_shape(self):
        return self._element_shape

    def size(self, name=None):
        if self._run_size is not None:
            return self._run_size
        if self._buffer is not None:
            return shape(self._buffer, out_type=dtypes.int32)[0]
        return convert_to_tensor(len(self._items), dtypes.int32)

    def _check(self, value):
        t = convert_to_tensor(value, dtype_hint=self._dtype)
        if t.dtype is not self._dtype:
            raise TypeError(f"TensorArray dtype is {self._dtype.name} but Op is trying to write dtype {t.dtype.name}")
        if self._infer_shape:
            if not self._element_shape.is_compatible_with(t.shape):
                raise ValueError(f"Incompatible shape for value ({t.shape}), expected ({self._element_shape})")
            self._element_shape = self._element_shape.merge_with(t.shape)
        return t

    # ---- the buffer ------------------------------------------------------------------------------------
    def needs_element_shape(self) -> bool:
        """Whether the array cannot become a buffer yet: nothing written and no element_shape."""
        return self._buffer is None and not self._element_shape.is_fully_defined() and \
            not any(x is not None for x in self._items)

    def as_buffer(self):
        """The array as one tensor [size, *element_shape] (unwritten elements are zeros)."""
        if self._buffer is not None:
            return self._buffer
        if self._run_size is not None and self._element_shape.rank is not None:
            # dims known only when the graph runs are 1 until the first write broadcasts them (_buffer_write)
            dims = np.asarray([1 if d is None else d for d in self._element_shape.dims], np.int32)
            return zeros(concat([reshape(self._run_size, [1]), dims], 0), self._dtype)
        if self._items and all(x is not None for x in self._items):
            return stack(self._items)
        if not self._element_shape.is_fully_defined():
            raise ValueError("TensorArray: an array carried by a loop needs its element_shape known before the "
                             "loop (pass element_shape=..., or write an element first)")
        return stack([self.read(i) for i in range(len(self._items))]) if self._items else \
            zeros([0] + self._element_shape.as_list(), self._dtype)

    def _buffer_write(self, index, value) -> "TensorArray":
        if self._buffer is None and self._run_size is not None:
            buf = zeros(concat([reshape(self._run_size, [1]), shape(value, out_type=dtypes.int32)], 0), self._dtype)
        elif self._buffer is None and not self._items:
            buf = zeros([0] + value.shape.as_list(), self._dtype)
        else:
            buf = self.as_buffer()
        if not TensorShape(buf.shape.dims[1:] if buf.shape.rank else None).is_fully_defined():
            # element dims unknown while the graph is built: a buffer of 1s there takes the value's
            buf = broadcast_to(buf, concat([shape(buf, out_type=dtypes.int32)[:1], shape(value, out_type=dtypes.int32)],
                                           0))
        i = reshape(convert_to_tensor(index, dtype_hint=dtypes.int32), [1, 1])
        if self._dynamic_size:
            from .math import cast, maximum, subtract
            i = cast(i, dtypes.int32)
            n = shape(buf, out_type=dtypes.int32)[:1]
            grow = maximum(subtract(reshape(i, [1]) + 1, n), 0)
            buf = concat([buf, zeros(concat([grow, shape(value, out_type=dtypes.int32)], 0), self._dtype)], 0)
        return TensorArray._with_buffer(self, tensor_scatter_nd_update(buf, i, expand_dims(value, 0)))

    # ---- TensorFlow's methods -------------------------------------------------------------------------
    def write(self, index, value, name=None):
        value = self._check(value)
        i = _index(index, "write")
        if self._buffer is not None or i is None or self._run_size is not None:
            return self._buffer_write(index, value)
        if i < 0:
            raise ValueError(f"TensorArray.write: index {i} must not be negative")
        if i >= len(self._items) and not self._dynamic_size:
            raise ValueError(f"Tried to write to index {i} but array is not resizeable and size is: "
                             f"{len(self._items)}")
        out = self._edited()
        out._items += [None] * (i + 1 - len(out._items))
        out._items[i] = value
        return out

    def read(self, index, name=None):
        i = _index(index, "read")
        if self._buffer is not None or i is None or self._run_size is not None:
            return gather(self.as_buffer(), index)
        if not 0 <= i < len(self._items):
            raise ValueError(f"Tried to read from index {i} but array size is: {len(self._items)}")
        item = self._items[i]
        return item if item is not None else self._zeros()

    def _zeros(self):
        if self._element_shape.is_fully_defined():
            return zeros(self._element_shape.as_list(), self._dtype)
        raise ValueError("TensorArray has unwritten elements and no fully defined element_shape")

    def stack(self, name=None):
        if self._buffer is not None or self._run_size is not None:
            return self.as_buffer()
        if not self._items:
            if self._element_shape.dims is None:
                raise ValueError("TensorArray.stack of an empty array needs a known element_shape")
            return zeros([0] + self._element_shape.as_list(), self._dtype)
        return stack([self.read(i) for i in range(len(self._items))])

    def gather(self, indices, name=None):
        known = _known(indices)
        if self._buffer is not None or known is None or self._run_size is not None:
            return gather(self.as_buffer(), indices)
        idx = [int(i) for i in np.reshape(known, -1)]
        return stack([self.read(i) for i in idx]) if idx else zeros([0] + self._element_shape.as_list(), self._dtype)

    def concat(self, name=None):
        if self._buffer is not None:
            return reshape(self._buffer, [-1] + self._buffer.shape.as_list()[2:])
        return concat([self.read(i) for i in range(len(self._items))], 0)

    def unstack(self, value, name=None):
        t = convert_to_tensor(value, dtype_hint=self._dtype)
        n = t.shape.dims[0] if t.shape.rank else None
        if self._buffer is not None or n is None or self._run_size is not None:
            return TensorArray._with_buffer(self, self._check_rows(t))
        if n > len(self._items) and not self._dynamic_size and self._items:
            raise ValueError(f"Cannot unstack {n} elements into a TensorArray of size {len(self._items)}")
        out = self._edited()
        out._items += [None] * (n - len(out._items))
        for i, row in enumerate(unstack(t, n)):
            out._items[i] = out._check(row)
        return out

    def _check_rows(self, t):
        if t.dtype is not self._dtype:
            raise TypeError(f"TensorArray dtype is {self._dtype.name} but Op is trying to write dtype {t.dtype.name}")
        return t

    def scatter(self, indices, value, name=None):
        known = _known(indices)
        value = convert_to_tensor(value, dtype_hint=self._dtype)
        if self._buffer is not None or known is None or self._run_size is not None:
            buf = tensor_scatter_nd_update(self.as_buffer(), reshape(indices, [-1, 1]), self._check_rows(value))
            return TensorArray._with_buffer(self, buf)
        idx = [int(i) for i in np.reshape(known, -1)]
        rows = gather(value, list(range(len(idx))))
        out = self._edited()
        for j, i in enumerate(idx):
            out = out.write(i, rows[j])
        return out

    def split(self, value, lengths, name=None):
        known = _known(lengths)
        if self._buffer is not None or known is None or self._run_size is not None:
            raise ValueError("TensorArray.split: graphflow needs the lengths (and the array's size) known when the "
                             "call is made")
        lens = [int(v) for v in np.reshape(known, -1)]
        value = convert_to_tensor(value, dtype_hint=self._dtype)
        pieces = split(value, lens, 0)
        out = self._edited()
        out._items += [None] * (len(pieces) - len(out._items))
        out._items[:len(pieces)] = list(pieces)       # pieces differ in length: their first dim is free
        out._element_shape = TensorShape([None] + value.shape.as_list()[1:]) if value.shape.rank else \
            TensorShape(None)
        return out

    def identity(self):
        return self

    def close(self, name=None):
        self._items, self._buffer, self._run_size = [], None, None

    def mark_used(self):
        pass

    def __repr__(self):
        size = self._run_size if self._run_size is not None else \
            len(self._items) if self._buffer is None else self._buffer.shape[0]
        return f"<TensorArray dtype={self._dtype.name} size={size}>"


# ---- what autograph's loops need to carry an array (autograph/operators/state.py) ---------------------------

def with_buffer(like: TensorArray, buffer) -> TensorArray:
    """An array like `like` (dtype, flags) stored as `buffer` ([size, *element_shape])."""
    return TensorArray._with_buffer(like, buffer)


def learn_element_shape(array: TensorArray, shape) -> None:
    """Give an array nothing has been written to the element shape one traced iteration wrote."""
    known = array._element_shape
    array._element_shape = known.merge_with(shape) if known.is_compatible_with(shape) else TensorShape(shape)
