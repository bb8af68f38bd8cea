"""TF1's Dimension: one size of a shape, None when unknown; arithmetic keeps None unknown."""
from __future__ import annotations


def _value(other):
    return other.value if isinstance(other, Dimension) else (None if other is None else int(other))


class Dimension:
    """A dimension size (int) or None. `Dimension(3) + Dimension(None)` is `Dimension(None)`."""

    __slots__ = ("_value",)

    def __init__(self, value):
        if isinstance(value, Dimension):
            value = value.value
        if value is not None:
            if isinstance(value, bool) or int(value) != value:
                raise TypeError(f"Dimension value must be integer or None, got {value!r}")
            if int(value) < 0:
                raise ValueError(f"Dimension {value} must be >= 0")
            value = int(value)
        self._value = value

    @property
    def value(self):
        return self._value

    def _combine(self, other, fn):
        b = _value(other)
        return Dimension(None if self._value is None or b is None else fn(self._value, b))

    def __add__(self, other):
        return self._combine(other, lambda a, b: a + b)

    __radd__ = __add__

    def __sub__(self, other):
        return self._combine(other, lambda a, b: a - b)

    def __rsub__(self, other):
        return Dimension(other)._combine(self, lambda a, b: a - b)

    def __mul__(self, other):
        return self._combine(other, lambda a, b: a * b)

    __rmul__ = __mul__

    def __floordiv__(self, other):
        return self._combine(other, lambda a, b: a // b)

    def __rfloordiv__(self, other):
        return Dimension(other)._combine(self, lambda a, b: a // b)

    def __mod__(self, other):
        return self._combine(other, lambda a, b: a % b)

    def __eq__(self, other):
        b = _value(other) if isinstance(other, (Dimension, int)) or other is None else other
        if self._value is None or b is None:
            return None
        return self._value == b

    def __ne__(self, other):
        eq = self.__eq__(other)
        return None if eq is None else not eq

    def __lt__(self, other):
        b = _value(other)
        return None if self._value is None or b is None else self._value < b

    def __le__(self, other):
        b = _value(other)
        return None if self._value is None or b is None else self._value <= b

    def __gt__(self, other):
        b = _value(other)
        return None if self._value is None or b is None else self._value > b

    def __ge__(self, other):
        b = _value(other)
        return None if self._value is None or b is None else self._value >= b

    def __hash__(self):
        return hash(self._value)

    def __int__(self):
        if self._value is None:
            raise TypeError("Cannot convert an unknown Dimension to an int")
        return self._value

    __index__ = __int__

    def is_compatible_with(self, other) -> bool:
        b = _value(other)
        return self._value is None or b is None or self._value == b

    def assert_is_compatible_with(self, other):
        if not self.is_compatible_with(other):
            raise ValueError(f"Dimensions {self} and {other} are not compatible")

    def merge_with(self, other) -> "Dimension":
        """The known one of two compatible dimensions."""
        self.assert_is_compatible_with(other)
        return Dimension(self._value if self._value is not None else _value(other))

    def __repr__(self):
        return f"Dimension({self._value!r})"

    def __str__(self):
        return "?" if self._value is None else str(self._value)


def dimension_value(dimension):
    """The int (or None) of a Dimension, an int or None."""
    return dimension.value if isinstance(dimension, Dimension) else dimension


def dimension_at_index(shape, index):
    dims = shape.dims if hasattr(shape, "dims") else shape
    return Dimension(None if dims is None else dims[index])
