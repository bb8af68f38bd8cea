"""gf.TensorSpec: the shape (None dims allowed) and dtype a gf.function argument must have.

Used by `input_signature`, `get_concrete_function` and the trace cache: a concrete function
traced for a spec serves every tensor the spec admits.
"""
from __future__ import annotations

from . import dtypes
from .shapes import TensorShape, as_shape


class TensorSpec:
    """Describes a tensor: `TensorSpec(shape, dtype=gf.float32, name=None)`; `shape=None` means
    unknown rank, a None dimension any size."""

    __slots__ = ("_shape", "_dtype", "_name")

    def __init__(self, shape, dtype=dtypes.float32, name: str | None = None):
        self._shape = as_shape(shape)
        self._dtype = dtypes.as_dtype(dtype)
        self._name = name

    @property
    def shape(self) -> TensorShape:
        return self._shape

    @property
    def dtype(self) -> dtypes.DType:
        return self._dtype

    @property
    def name(self):
        return self._name

    @classmethod
    def from_tensor(cls, tensor, name=None) -> "TensorSpec":
        return cls(tensor.shape, tensor.dtype, name)

    @classmethod
    def from_spec(cls, spec, name=None) -> "TensorSpec":
        return cls(spec.shape, spec.dtype, name if name is not None else spec.name)

    def is_compatible_with(self, other) -> bool:
        """True when `other` (a spec or a tensor) has this dtype and a shape this spec admits."""
        other_dtype = getattr(other, "dtype", None)
        if other_dtype is None or dtypes.as_dtype(other_dtype) is not self._dtype:
            return False
        return self._shape.is_compatible_with(other.shape)

    def is_subtype_of(self, other: "TensorSpec") -> bool:
        """True when every tensor this spec admits is admitted by `other` (other is more general)."""
        if self._dtype is not other.dtype:
            return False
        mine, theirs = self._shape.dims, other.shape.dims
        if theirs is None:
            return True
        if mine is None or len(mine) != len(theirs):
            return False
        return all(t is None or m == t for m, t in zip(mine, theirs))

    def most_specific_common_supertype(self, others) -> "TensorSpec | None":
        """The narrowest spec admitting this and `others` (None if dtypes differ): dims that differ
        become None, and ranks that differ make the rank unknown."""
        dims = self._shape.dims
        for o in others:
            if o.dtype is not self._dtype:
                return None
            od = o.shape.dims
            if dims is None or od is None or len(dims) != len(od):
                dims = None
            else:
                dims = tuple(a if a == b else None for a, b in zip(dims, od))
        return TensorSpec(TensorShape(dims), self._dtype, self._name)

    def __eq__(self, other):
        return (isinstance(other, TensorSpec) and self._shape.dims == other.shape.dims
                and self._dtype is other.dtype and self._name == other.name)

    def __hash__(self):
        return hash((self._shape.dims, self._dtype.name, self._name))

    def __repr__(self):
        return f"TensorSpec(shape={self._shape}, dtype={self._dtype!r}, name={self._name!r})"
