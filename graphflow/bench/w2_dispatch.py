"""W2: dispatch overhead. A float32 scalar; x = x + 1.0 applied 100 times.

The cost of the execution model itself: eager cost per op against a numpy 0-d array, and the
graph cost per call of the whole chain (Session.run with a feed, gf.function when available).
"""
from __future__ import annotations

import numpy as np

import graphflow as gf

from .modes import Mode, run_modes
from .row import EAGER, FUNCTION, GRAPH_COMPILED, GRAPH_INTERPRETED, NUMPY, Row
from .stats import function_stats, session_stats

WORKLOAD = "W2"
DESCRIPTION = "dispatch overhead: x = x + 1.0 chained on a float32 scalar (time per chain; per op in notes)"
CHAIN = 100
NUMPY_UFUNC = "numpy ufunc calls"


def numpy_chain(x, k: int = CHAIN):
    one = np.float32(1.0)
    for _ in range(k):
        x = x + one
    return x


def numpy_ufunc_chain(x, k: int = CHAIN):
    """BENCHMARKS.md's numpy figure: one ufunc call per op on a 0-d value (numpy's own dispatch)."""
    one = np.float32(1.0)
    for _ in range(k):
        x = np.add(x, one)
    return x


def chain(x, k: int = CHAIN):
    for _ in range(k):
        x = x + 1.0
    return x


def modes(k: int) -> list[Mode]:
    x_np = np.asarray(1.0, dtype=np.float32)
    with gf.eager_mode():
        x = gf.constant(1.0)
    graph = gf.Graph()
    with graph.as_default():
        p = gf.compat.v1.placeholder(gf.float32, [])
        y = chain(p, k)
    interpreted = gf.compat.v1.Session(graph=graph, optimize=False)
    compiled = gf.compat.v1.Session(graph=graph)

    def eager():
        with gf.eager_mode():
            return chain(x, k)

    out = [Mode(NUMPY, lambda: numpy_chain(x_np, k), framework="numpy"),
           Mode(NUMPY_UFUNC, lambda: numpy_ufunc_chain(x_np, k), framework="numpy"),
           Mode(EAGER, eager),
           Mode(GRAPH_INTERPRETED, lambda: interpreted.run(y, {p: 1.0}), compiles=True,
                stats=lambda: session_stats(interpreted)),
           Mode(GRAPH_COMPILED, lambda: compiled.run(y, {p: 1.0}), compiles=True,
                stats=lambda: session_stats(compiled))]
    function = getattr(gf, "function", None)
    if function is not None:
        fn = function(lambda v: chain(v, k))

        def call():
            with gf.eager_mode():
                return fn(x)
        out.append(Mode(FUNCTION, call, compiles=True, stats=lambda: function_stats(fn, x)))
    else:
        def missing():
            raise NotImplementedError("gf.function not available yet")
        out.append(Mode(FUNCTION, missing))
    return out


def run(size: int | None = None, repeat: int | None = None, quick: bool = False) -> list[Row]:
    """size: the chain length (default 100)."""
    k = int(size or CHAIN)
    rows = run_modes(WORKLOAD, modes(k), case=f"chain={k}", repeat=repeat or (30 if quick else 100), inner=10)
    for r in rows:
        if r.timed:
            r.extra["per_op_us"] = r.median_s / k * 1e6
            r.note = r.note or (f"{r.extra['per_op_us']:.2f} µs/op" if r.mode in (NUMPY, NUMPY_UFUNC, EAGER)
                                else f"{r.median_s * 1e6:.1f} µs/call")
    return rows
