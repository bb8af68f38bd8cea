"""Variable ops. A variable's value lives on its `VariableState`; reads and assigns go through it.

One storage object serves eager variables, TF1 graph variables and variables captured by
`gf.function`, so every executor reads and writes the same place.
"""
from __future__ import annotations

import numpy as np

from .. import dtypes
from ..errors import FailedPreconditionError
from ..shapes import TensorShape
from .registry import SOURCE, STATEFUL, VARIABLE, OpDef, Spec, register


class VariableState:
    """The mutable storage of one variable: its value (None until initialised), shape, dtype."""

    __slots__ = ("name", "shape", "dtype", "value", "__weakref__")

    def __init__(self, name, shape, dtype, value=None):
        self.name = name
        self.shape = TensorShape(shape)
        self.dtype = dtype
        self.value = value

    def read(self):
        if self.value is None:
            raise FailedPreconditionError(None, None, f"Attempting to use uninitialized value {self.name}")
        return self.value

    def write(self, value):
        value = np.asarray(value, dtype=self.dtype.np)
        if self.shape.dims != value.shape and not self.shape.is_compatible_with(value.shape):
            raise ValueError(f"Cannot assign a value of shape {value.shape} to variable {self.name} "
                             f"of shape {self.shape}")
        self.value = value
        return value

    def __repr__(self):
        return f"VariableState({self.name})"


def _read_infer(var):
    return [Spec(var.shape, var.dtype)]


def _read(var):
    return var.read()


register(OpDef("ReadVariableOp", _read_infer, _read, kind=SOURCE, stateful=True, differentiable=True,
               source=VARIABLE))


def _assign_infer(value, var):
    if value.dtype is not var.dtype:
        raise TypeError(f"Cannot assign a {value.dtype.name} value to variable {var.name} of dtype {var.dtype.name}")
    if not value.shape.is_compatible_with(var.shape):
        raise ValueError(f"Cannot assign a value of shape {value.shape} to variable {var.name} of shape {var.shape}")
    return [Spec(var.shape, var.dtype)]


def _assign(value, var):
    return var.write(value)


def _assign_add(delta, var):
    return var.write(var.read() + delta)


def _assign_sub(delta, var):
    return var.write(var.read() - delta)


for _name, _kernel in (("AssignVariableOp", _assign), ("AssignAddVariableOp", _assign_add),
                       ("AssignSubVariableOp", _assign_sub)):
    register(OpDef(_name, _assign_infer, _kernel, kind=STATEFUL, stateful=True, differentiable=False))


def _is_init_infer(var):
    return [Spec(TensorShape(()), dtypes.bool_)]


def _is_init(var):
    return np.bool_(var.value is not None)


register(OpDef("VarIsInitializedOp", _is_init_infer, _is_init, kind=SOURCE, stateful=True, differentiable=False))
