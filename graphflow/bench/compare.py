"""`gf.compare_modes`: one user function run eagerly, as a graph without passes, and compiled.

The library side of `graphflow bench`: the same first-call / agreement / timing discipline
(graphflow.bench.modes) applied to the user's own code instead of our workloads.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from .modes import Mode, run_modes
from .report import cells
from .row import EAGER, FUNCTION, GRAPH_COMPILED, GRAPH_INTERPRETED, Row
from .stats import function_stats, session_stats


@dataclass
class ModeComparison:
    """What `compare_modes` found: one Row per mode, printable as a table."""
    name: str
    rows: list[Row]

    @property
    def agree(self) -> bool:
        """True when every mode that ran matched the eager result."""
        return all(r.agrees is not False for r in self.rows)

    def row(self, mode: str) -> Row:
        return next(r for r in self.rows if r.mode == mode)

    def as_dict(self) -> dict[str, Any]:
        return {"function": self.name, "agree": self.agree, "rows": [r.as_dict() for r in self.rows]}

    def __str__(self) -> str:
        head = ["mode", "median", "min", "vs eager", "first call", "compile", "ops before/after", "kernels", "notes"]
        body = []
        for r in self.rows:
            c = cells(r)
            body.append([c[1], c[2], c[3], c[4], c[6], c[7], c[8], c[9], c[10]])
        widths = [max(len(x[i]) for x in [head] + body) for i in range(len(head))]
        lines = [f"compare_modes({self.name}): " + ("all modes agree" if self.agree else "MODES DISAGREE")]
        for row in [head] + body:
            lines.append("  ".join(v.ljust(w) if i == 0 else v.rjust(w) for i, (v, w) in
                                   enumerate(zip(row, widths))).rstrip())
        return "\n".join(lines)

    __repr__ = __str__


def compare_modes(fn: Callable[..., Any], *args: Any, repeat: int = 20, rtol: float = 1e-5, atol: float = 1e-6,
                  **kwargs: Any) -> ModeComparison:
    """Run `fn(*args, **kwargs)` eagerly, as a TF1 graph without passes, compiled, and as gf.function.

    Array and tensor arguments become graph inputs (placeholders of their shape and dtype);
    Python values and `kwargs` are passed as they are, as gf.function does. Every mode's result is
    checked against the eager one before it is timed; a mode that disagrees is flagged, not timed.
    `fn` should be pure (no variable updates), since each mode calls it many times.

    Args:
      fn: a function of tensors returning a tensor or a nested list/tuple/dict of tensors.
      *args: its positional arguments.
      repeat: timed calls per mode (after a first call and warm-up).
      rtol, atol: agreement tolerance against the eager result.
      **kwargs: keyword arguments for `fn`.

    Returns:
      A `ModeComparison`: `print` it for a table, `.rows` for the figures, `.as_dict()` for JSON.
    """
    import graphflow as gf

    arrays = [_as_array(a) for a in args]
    with gf.eager_mode():
        eager_args = [gf.constant(a) if a is not None else v for a, v in zip(arrays, args)]
    graph = gf.Graph()
    with graph.as_default():
        holders = [gf.compat.v1.placeholder(gf.as_dtype(a.dtype), a.shape) if a is not None else None
                   for a in arrays]
        outputs = fn(*[h if h is not None else v for h, v in zip(holders, args)], **kwargs)
    feed = {h: a for h, a in zip(holders, arrays) if h is not None}
    interpreted = gf.compat.v1.Session(graph=graph, optimize=False)
    compiled = gf.compat.v1.Session(graph=graph)

    def eager():
        with gf.eager_mode():
            return fn(*eager_args, **kwargs)

    modes = [Mode(EAGER, eager),
             Mode(GRAPH_INTERPRETED, lambda: interpreted.run(outputs, feed), compiles=True,
                  stats=lambda: session_stats(interpreted)),
             Mode(GRAPH_COMPILED, lambda: compiled.run(outputs, feed), compiles=True,
                  stats=lambda: session_stats(compiled))]
    function = getattr(gf, "function", None)
    if function is not None:
        traced = function(lambda *a: fn(*a, **kwargs))

        def call():
            with gf.eager_mode():
                return traced(*eager_args)
        modes.append(Mode(FUNCTION, call, compiles=True, stats=lambda: function_stats(traced, *eager_args)))
    name = getattr(fn, "__name__", type(fn).__name__)
    rows = run_modes(name, modes, repeat=repeat, rtol=rtol, atol=atol, reference=EAGER, max_time=5.0)
    base = rows[0].median_s if rows[0].timed else None
    before = rows[1].ops_before
    for r in rows:
        if r.timed and base:
            r.ratio_vs_eager = r.median_s / base
        if r.ops_before is None and r.mode != EAGER:
            r.ops_before = before
    return ModeComparison(name, rows)


def _as_array(value: Any) -> np.ndarray | None:
    """The numpy value of an array-like argument; None for Python scalars and other objects."""
    if isinstance(value, (bool, int, float, str)) or value is None:
        return None
    if hasattr(value, "numpy") and not isinstance(value, np.ndarray):
        return np.asarray(value.numpy())
    if isinstance(value, (np.ndarray, np.generic, list, tuple)):
        arr = np.asarray(value)
        if arr.dtype == np.float64 and not isinstance(value, np.ndarray):
            arr = arr.astype(np.float32)   # Python lists become float32 tensors, as in TF
        return arr if arr.dtype.kind in "fiub" else None
    return None
