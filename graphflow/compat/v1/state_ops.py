"""TF1's functional variable updates: assign*, scatter_* and scatter_nd_*, each returning the new value."""
from __future__ import annotations

from ...ops import api, scatter_state
from ...ops.dispatch import apply
from ...ops.registry import get


def assign(ref, value, validate_shape=None, use_locking=None, name=None):
    return ref.assign(value)


def assign_add(ref, value, use_locking=None, name=None):
    return ref.assign_add(value)


def assign_sub(ref, value, use_locking=None, name=None):
    return ref.assign_sub(value)


def _scatter(op, mode, ref, indices, updates, name):
    if not hasattr(ref, "_state"):
        raise TypeError(f"{op}: ref must be a Variable, got {type(ref).__name__}")
    indices = api.convert_to_tensor(indices)
    updates = api.convert_to_tensor(updates, dtype=ref.dtype)
    return apply(get(op), (indices, updates), {"var": ref._state, "mode": mode},
                 name or ref.name.split(":")[0] + "/Scatter")


def _make(op, mode):
    def fn(ref, indices, updates, use_locking=None, name=None):
        return _scatter(op, mode, ref, indices, updates, name)
    kind = "scatter_nd" if op.endswith("Nd") else "scatter"
    fn.__name__ = f"{kind}_{mode}"
    fn.__doc__ = (f"Apply `{mode}` to the variable's rows (scatter) or elements (scatter_nd) at `indices`; "
                  "returns the variable's new value.")
    return fn


scatter_update = _make("ResourceScatter", "update")
scatter_add = _make("ResourceScatter", "add")
scatter_sub = _make("ResourceScatter", "sub")
scatter_mul = _make("ResourceScatter", "mul")
scatter_div = _make("ResourceScatter", "div")
scatter_min = _make("ResourceScatter", "min")
scatter_max = _make("ResourceScatter", "max")
scatter_nd_update = _make("ResourceScatterNd", "update")
scatter_nd_add = _make("ResourceScatterNd", "add")
scatter_nd_sub = _make("ResourceScatterNd", "sub")
_ = scatter_state   # importing it declares the scatter ops
