"""Scalar helpers that generated kernels call: the parts of scalar expressions numba has no
single vectorisable spelling for, and reduction steps that may reassociate.

Each helper is compiled on its own flags and LLVM inlines it into the calling loop, keeping
those flags on its instructions: `acc_add` may reassociate (so LLVM vectorises the reduction
into partial sums) while the surrounding elementwise code keeps strict IEEE order.
"""
from __future__ import annotations

import numpy as np
from numba import njit, types
from numba.extending import overload

_REASSOC = {"reassoc", "nsz"}


@njit(fastmath=_REASSOC, error_model="numpy")
def acc_add(a, b):
    return a + b


@njit(fastmath=_REASSOC, error_model="numpy")
def acc_mul(a, b):
    return a * b


@njit(error_model="numpy")
def acc_max(a, b):
    return b if (b > a or b != b) else a         # NaN propagates, as numpy's max


@njit(error_model="numpy")
def acc_min(a, b):
    return b if (b < a or b != b) else a


def floordiv(x, y):
    """TF FloorDiv: floor(x / y) for floats, floor division for integers."""
    raise NotImplementedError("only callable from numba kernels")


@overload(floordiv, inline="always")
def _floordiv(x, y):
    if isinstance(x, types.Float) or isinstance(y, types.Float):
        return lambda x, y: np.floor(x / y)
    return lambda x, y: x // y


def floormod(x, y):
    """TF FloorMod (numpy's mod): the result takes the divisor's sign."""
    raise NotImplementedError("only callable from numba kernels")


@overload(floormod, inline="always")
def _floormod(x, y):
    return lambda x, y: x % y


def power(x, y):
    raise NotImplementedError("only callable from numba kernels")


@overload(power, inline="always")
def _power(x, y):
    return lambda x, y: x ** y


@njit(error_model="numpy")
def to_bool(x):
    return x != 0
