"""The eager hot path for Python operators on EagerTensors (benchmark W2).

`x + 1.0` on an EagerTensor with no active tape calls the op's kernel directly: numpy's NEP 50
rules keep a Python scalar "weak", so float32 + 1.0 stays float32 exactly as TensorFlow does.
Anything unusual (other dtypes, tapes, graph mode, errors) falls back to the public op function,
which runs the same kernel through `dispatch.execute`, so results are identical either way.
"""
from __future__ import annotations

import operator

from .. import context as ctx_mod
from ..eager.tensor import EagerTensor
from . import api
from .registry import get

_ctx = ctx_mod.context()

# (method name, op, public function, reflected)
_TABLE = (
    ("__add__", "Add", api.add, False), ("__radd__", "Add", api.add, True),
    ("__sub__", "Sub", api.subtract, False), ("__rsub__", "Sub", api.subtract, True),
    ("__mul__", "Mul", api.multiply, False), ("__rmul__", "Mul", api.multiply, True),
    ("__lt__", "Less", api.less, False), ("__le__", "LessEqual", api.less_equal, False),
    ("__gt__", "Greater", api.greater, False), ("__ge__", "GreaterEqual", api.greater_equal, False),
)


def _make(opname, slow, reflected):
    ufunc = get(opname).kernel
    allowed = get(opname).allowed_np

    def method(self, other):
        if _ctx.eager and not _ctx.tapes:
            v = self._value
            dt = v.dtype
            if dt in allowed:
                to = type(other)
                if to is EagerTensor:
                    o = other._value
                    if o.dtype == dt:
                        try:
                            return EagerTensor(ufunc(o, v) if reflected else ufunc(v, o))
                        except ValueError:
                            pass   # let the slow path explain the broadcasting error
                elif to is float:
                    if dt.kind == "f":
                        return EagerTensor(ufunc(other, v) if reflected else ufunc(v, other))
                elif to is int:
                    # int8/int16 would raise OverflowError in numpy where TensorFlow wraps: slow path
                    if dt.kind == "f" or (dt.itemsize >= 4 and -2**31 <= other < 2**31):
                        return EagerTensor(ufunc(other, v) if reflected else ufunc(v, other))
        return slow(other, self) if reflected else slow(self, other)

    return method


def _make_truediv(reflected):
    ufunc = operator.truediv

    def method(self, other):
        if _ctx.eager and not _ctx.tapes:
            v = self._value
            if v.dtype.kind == "f":
                to = type(other)
                if to is float or to is int or (to is EagerTensor and other._value.dtype == v.dtype):
                    o = other._value if to is EagerTensor else other
                    try:
                        return EagerTensor(ufunc(o, v) if reflected else ufunc(v, o))
                    except ValueError:
                        pass
        return api.truediv(other, self) if reflected else api.truediv(self, other)

    return method


def install():
    """Give EagerTensor its fast Python operators (`+ - * / < <= > >=`)."""
    for name, opname, slow, reflected in _TABLE:
        setattr(EagerTensor, name, _make(opname, slow, reflected))
    EagerTensor.__truediv__ = _make_truediv(False)
    EagerTensor.__rtruediv__ = _make_truediv(True)
