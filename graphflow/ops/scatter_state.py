"""Scatter updates of a variable (TF1's scatter_update/add/sub/mul/div/min/max and scatter_nd_*).

One op per indexing style: `ResourceScatter` indexes the first axis, `ResourceScatterNd` takes
index tuples in its last axis; the `mode` attr names the update. Both write the variable's
`VariableState` and output its new value, as TF1's ref-returning scatter ops read back.
"""
from __future__ import annotations

import sys

import numpy as np

from ..shapes import TensorShape
from .registry import STATEFUL, OpDef, Spec, register

_UFUNCS = {"add": np.add, "sub": np.subtract, "mul": np.multiply, "div": np.divide, "min": np.minimum,
           "max": np.maximum}
MODES = ("update",) + tuple(_UFUNCS)
# sys.getrefcount of a variable's array held only by its VariableState, inside _write: the state,
# the local name and getrefcount's argument
_OWNED_REFS = 3


def _check(op, indices, updates, var, mode, expected):
    if mode not in MODES:
        raise ValueError(f"{op}: mode must be one of {MODES}, got {mode!r}")
    if not indices.dtype.is_integer:
        raise TypeError(f"{op}: indices must be int32 or int64, got {indices.dtype.name}")
    if updates.dtype is not var.dtype:
        raise TypeError(f"{op}: updates of dtype {updates.dtype.name} do not match variable {var.name} of dtype "
                        f"{var.dtype.name}")
    if expected is not None and not updates.shape.is_compatible_with(expected):
        raise ValueError(f"{op}: updates must have shape {TensorShape(expected)} for indices of shape "
                         f"{indices.shape} into variable {var.name} of shape {var.shape}, got {updates.shape}")
    return [Spec(var.shape, var.dtype)]


def _scatter_infer(indices, updates, var, mode):
    expected = None
    if indices.shape.dims is not None and var.shape.dims is not None:
        expected = tuple(indices.shape.dims) + tuple(var.shape.dims[1:])
    return _check("ResourceScatter", indices, updates, var, mode, expected)


def _scatter_nd_infer(indices, updates, var, mode):
    expected = None
    idims, vdims = indices.shape.dims, var.shape.dims
    if idims is not None and vdims is not None and idims and idims[-1] is not None:
        expected = tuple(idims[:-1]) + tuple(vdims[idims[-1]:])
    return _check("ResourceScatterNd", indices, updates, var, mode, expected)


def _write(var, index, updates, mode):
    value = var.read()
    # Update in place when nothing but the variable holds its array (no tensor read earlier can
    # see the change): a sparse update of a large table then costs its rows, not a table copy.
    if not (sys.getrefcount(value) <= _OWNED_REFS and value.flags.owndata and value.flags.writeable):
        value = np.array(value, copy=True)
    n = value.shape[0] if value.ndim else 0
    first = index[0] if isinstance(index, tuple) else index
    if np.size(first) and (np.min(first) < -n or np.max(first) >= n):
        from ..errors import InvalidArgumentError
        raise InvalidArgumentError(None, None, f"scatter into variable {var.name} of shape {value.shape}: "
                                   f"index out of range [0, {n}): {np.asarray(first).tolist()}")
    if mode == "update":
        value[index] = updates
    else:
        _UFUNCS[mode].at(value, index, updates)
    return var.write(value)


def _scatter(indices, updates, var, mode):
    return _write(var, np.asarray(indices), updates, mode)


def _scatter_nd(indices, updates, var, mode):
    return _write(var, tuple(np.moveaxis(np.asarray(indices), -1, 0)), updates, mode)


# The updates are copied into the table (never kept), and the table is written in place when
# only the variable holds it (`updates_in_place`: compiled plans drop their dead reads first).
register(OpDef("ResourceScatter", _scatter_infer, _scatter, kind=STATEFUL, stateful=True, differentiable=False,
               retains_inputs=False, updates_in_place=True))
register(OpDef("ResourceScatterNd", _scatter_nd_infer, _scatter_nd, kind=STATEFUL, stateful=True,
               differentiable=False, retains_inputs=False, updates_in_place=True))
