"""Common-subexpression elimination: one op per (type, inputs, attrs, control inputs).

Stateful ops are never merged (two reads of a variable around an assign differ; two random
ops draw different numbers). Constants merge by value when small, by identity when large.
"""
from __future__ import annotations

import numpy as np

from ..ops.registry import Spec
from .program import Program, rebuild

_BIG = 4096


def freeze(value):
    """A hashable stand-in for an attr value (arrays by dtype, shape and bytes)."""
    if isinstance(value, np.ndarray) or isinstance(value, np.generic):
        arr = np.asarray(value)
        if arr.size > _BIG:
            return ("array-id", id(value))
        return ("array", arr.dtype.str, arr.shape, arr.tobytes())
    if isinstance(value, dict):
        return ("dict",) + tuple((k, freeze(v)) for k, v in sorted(value.items()))
    if isinstance(value, (list, tuple)):
        return (type(value).__name__,) + tuple(freeze(v) for v in value)
    if isinstance(value, float) and value != value:
        return ("nan",)
    try:
        hash(value)
    except TypeError:
        return ("id", id(value))
    return (type(value).__name__, value)


def run(graph: Program, config=None):
    seen: dict = {}
    cmap: dict = {}          # old op -> the new op standing for it
    merged = 0

    def visit(new, op, inputs):
        nonlocal merged
        if op.opdef.stateful or not op.outputs:
            return None
        key = (op.opdef, tuple(inputs), tuple(sorted((k, freeze(v)) for k, v in op.attrs.items())),
               tuple(cmap.get(c, c) for c in op.control_inputs))
        hit = seen.get(key)
        if hit is not None:
            merged += 1
            cmap[op] = hit
            return list(hit.outputs)
        copy = new.emit(op.opdef, inputs, op.attrs, name=op.name, specs=[Spec(t.shape, t.dtype) for t in op.outputs],
                        location=op.location)
        seen[key] = cmap[op] = copy
        return list(copy.outputs)

    new = rebuild(graph, visit)
    return (new if merged else graph), {"merged": merged}
