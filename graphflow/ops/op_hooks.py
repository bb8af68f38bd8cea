"""Checks that watch every op as it runs, switched on by tf.debugging: check-numerics mode and
device placement logging. `dispatch` calls `after_eager` for each eager op and `after_build` for
each op added to a graph, only while a check is on (one flag test on the hot path otherwise)."""
from __future__ import annotations

import sys

import numpy as np

from ..errors import InvalidArgumentError
from .registry import get

_state = {"check_numerics": False, "log_device_placement": False}
active = False          # any check on: read by dispatch before calling the hooks
DEVICE = "/job:localhost/replica:0/task:0/device:CPU:0"


def _update():
    global active
    active = _state["check_numerics"] or _state["log_device_placement"]


def set_check_numerics(on: bool):
    _state["check_numerics"] = on
    _update()


def set_log_device_placement(on: bool):
    _state["log_device_placement"] = on
    _update()


def log_device_placement() -> bool:
    return _state["log_device_placement"]


def _check_arrays(op_name, arrays):
    for i, a in enumerate(arrays):
        a = np.asarray(a)
        if a.dtype.kind == "f" and not np.all(np.isfinite(a)):
            what = "NaN" if np.isnan(a).any() else "Inf"
            raise InvalidArgumentError(None, op_name, f"\n!!! Detected Infinity or NaN in output {i} of eagerly-"
                                                      f"executing op \"{op_name}\" (# of outputs: {len(arrays)}) "
                                                      f"!!!\n  {what} values found")


def after_eager(opdef, outputs):
    """Called with an eagerly executed op's output tensors."""
    if _state["log_device_placement"]:
        print(f"Executing op {opdef.name} in device {DEVICE}", file=sys.stderr)
    if _state["check_numerics"]:
        _check_arrays(opdef.name, [t._value for t in outputs])


def after_build(opdef, outputs, apply):
    """Called with a new graph op's outputs and dispatch's `apply`; returns the outputs, float ones
    wrapped in a numerics check."""
    if not _state["check_numerics"] or opdef.name == "CheckNumerics" or opdef.stateful:
        return outputs
    return [apply(get("CheckNumerics"), (t,), {"message": f"Detected Infinity or NaN in output of op {opdef.name}"})
            if t.dtype.is_floating else t for t in outputs]
