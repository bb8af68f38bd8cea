"""The Tensor base class and the Python operators shared by tensors and variables.

Operators call the public op functions (bound late by `ops.api`), so `x + 1` is exactly `gf.add`.
"""
from __future__ import annotations

_api = None   # graphflow.ops.api, set when it is imported


class OperatorsMixin:
    """`+ - * / // % ** @ -x abs() < <= > >= & | ^ ~ []` for Tensor and Variable."""

    __slots__ = ()
    __array_priority__ = 100   # numpy defers to our reflected operators

    def __add__(self, other):
        return _api.add(self, other)

    def __radd__(self, other):
        return _api.add(other, self)

    def __sub__(self, other):
        return _api.subtract(self, other)

    def __rsub__(self, other):
        return _api.subtract(other, self)

    def __mul__(self, other):
        return _api.multiply(self, other)

    def __rmul__(self, other):
        return _api.multiply(other, self)

    def __truediv__(self, other):
        return _api.truediv(self, other)

    def __rtruediv__(self, other):
        return _api.truediv(other, self)

    def __floordiv__(self, other):
        return _api.floordiv(self, other)

    def __rfloordiv__(self, other):
        return _api.floordiv(other, self)

    def __mod__(self, other):
        return _api.mod(self, other)

    def __rmod__(self, other):
        return _api.mod(other, self)

    def __pow__(self, other):
        return _api.pow(self, other)

    def __rpow__(self, other):
        return _api.pow(other, self)

    def __matmul__(self, other):
        return _api.matmul(self, other)

    def __rmatmul__(self, other):
        return _api.matmul(other, self)

    def __neg__(self):
        return _api.negative(self)

    def __pos__(self):
        return self

    def __abs__(self):
        return _api.abs(self)

    def __lt__(self, other):
        return _api.less(self, other)

    def __le__(self, other):
        return _api.less_equal(self, other)

    def __gt__(self, other):
        return _api.greater(self, other)

    def __ge__(self, other):
        return _api.greater_equal(self, other)

    def __and__(self, other):
        return _api.logical_and_or_bitwise("and", self, other)

    def __rand__(self, other):
        return _api.logical_and_or_bitwise("and", other, self)

    def __or__(self, other):
        return _api.logical_and_or_bitwise("or", self, other)

    def __ror__(self, other):
        return _api.logical_and_or_bitwise("or", other, self)

    def __xor__(self, other):
        return _api.logical_and_or_bitwise("xor", self, other)

    def __rxor__(self, other):
        return _api.logical_and_or_bitwise("xor", other, self)

    def __invert__(self):
        return _api.invert(self)

    def __getitem__(self, key):
        return _api.strided_slice(self, key)


class Tensor(OperatorsMixin):
    """Base of EagerTensor (a value) and SymbolicTensor (a graph edge): `isinstance(x, gf.Tensor)`."""

    __slots__ = ()

    @property
    def ndim(self) -> int:
        return self.shape.rank

    def get_shape(self):
        return self.shape

    def __len__(self):
        dims = self.shape.dims
        if not dims:
            raise TypeError("len() of a scalar tensor" if dims == () else "len() of a tensor of unknown rank")
        if dims[0] is None:
            raise TypeError(f"len() is not defined for a tensor whose first dimension is unknown ({self.shape})")
        return dims[0]


def compare(kind: str, x, y):
    """`x == y` / `x != y` of tensors (kind "equal" / "not_equal"): TF2's elementwise comparison,
    `ops.api.logic.compare`; the tensor classes call it from their `__eq__` and `__ne__`."""
    return _api.compare(kind, x, y)
