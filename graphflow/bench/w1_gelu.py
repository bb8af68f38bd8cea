"""W1: the GELU chain y = 0.5*x*(1+tanh(0.7978845608*(x+0.044715*x*x*x))) on a float32 vector.

Fusion and transcendental throughput: the compiled graph is one generated kernel (fastmath tanh,
a parallel loop above the size threshold). The limits are measured in the same run: a numba
parallel copy loop (one read and one write stream) and np.copyto. With `quick=False` the module
also sweeps sizes to show where the parallel loop starts to pay (kernels/lower.py's threshold).
"""
from __future__ import annotations

import numpy as np

import graphflow as gf

from .modes import Mode, run_modes
from .row import EAGER, FUNCTION, GRAPH_COMPILED, GRAPH_INTERPRETED, NUMPY, Row
from .stats import function_stats, session_stats
from .timing import measure

WORKLOAD = "W1"
DESCRIPTION = "GELU chain on a float32 vector (time per call)"
N = 2 ** 22
C = 0.7978845608


def gelu(x):
    return 0.5 * x * (1.0 + gf.tanh(C * (x + 0.044715 * x * x * x)))


def gelu_numpy(x):
    c = np.float32(C)
    return np.float32(0.5) * x * (np.float32(1) + np.tanh(c * (x + np.float32(0.044715) * x * x * x)))


def _copy_kernel():
    from numba import njit, prange

    @njit(parallel=True, cache=True)
    def copy(x, out):
        for i in prange(x.size):
            out[i] = x[i]
    return copy


def modes(n: int) -> list[Mode]:
    x_np = np.random.RandomState(0).uniform(-4, 4, n).astype(np.float32)
    out = np.empty_like(x_np)
    copy = _copy_kernel()
    with gf.eager_mode():
        x = gf.constant(x_np)
    graph = gf.Graph()
    with graph.as_default():
        p = gf.compat.v1.placeholder(gf.float32, [n])
        y = gelu(p)
    interpreted = gf.compat.v1.Session(graph=graph, optimize=False)
    compiled = gf.compat.v1.Session(graph=graph)

    def eager():
        with gf.eager_mode():
            return gelu(x)

    def compiled_call():
        return compiled.run(y, {p: x_np})

    compiled_call()          # the tiered plan compiles on its second call: time the compiled code
    result = [Mode(NUMPY, lambda: gelu_numpy(x_np), framework="numpy"),
              Mode(EAGER, eager),
              Mode(GRAPH_INTERPRETED, lambda: interpreted.run(y, {p: x_np}), compiles=True,
                   stats=lambda: session_stats(interpreted)),
              Mode(GRAPH_COMPILED, compiled_call, compiles=True, stats=lambda: session_stats(compiled))]
    function = getattr(gf, "function", None)
    if function is not None:
        fn = function(gelu)

        def call():
            with gf.eager_mode():
                return fn(x)
        result.append(Mode(FUNCTION, call, compiles=True, stats=lambda: function_stats(fn, x)))
    result.append(Mode("limit: numba parallel copy", lambda: (copy(x_np, out), out)[1], framework="numba",
                       check=False))
    result.append(Mode("limit: np.copyto", lambda: (np.copyto(out, x_np), out)[1], framework="numpy", check=False))
    return result


def parallel_crossover(sizes=(2 ** 10, 2 ** 12, 2 ** 14, 2 ** 16, 2 ** 18, 2 ** 20), repeat: int = 30) -> list[Row]:
    """Compiled GELU with serial and with parallel loops per size: where threads start to pay."""
    from ..compiler import compile_plan
    rows = []
    for n in sizes:
        x_np = np.random.RandomState(0).uniform(-4, 4, n).astype(np.float32)
        graph = gf.Graph()
        with graph.as_default():
            p = gf.compat.v1.placeholder(gf.float32, [n])
            y = gelu(p)
        for parallel in (False, True):
            plan = compile_plan(graph, [y], [], [p], {"jit_after": 1, "parallel": parallel})
            plan([x_np])
            if parallel:   # force the parallel variant whatever the threshold says
                from ..kernels import lower
                saved = lower.PARALLEL_MIN_WORK, lower.PARALLEL_MIN_SIZE
                lower.PARALLEL_MIN_WORK = lower.PARALLEL_MIN_SIZE = 0
                try:
                    plan = compile_plan(graph, [y], [], [p], {"jit_after": 1})
                    plan([x_np])
                finally:
                    lower.PARALLEL_MIN_WORK, lower.PARALLEL_MIN_SIZE = saved
            t = measure(lambda p=plan, v=x_np: p([v]), repeat=repeat, inner=max(1, 2 ** 14 // n))
            rows.append(Row(WORKLOAD, f"{GRAPH_COMPILED} {'parallel' if parallel else 'serial'}", case=f"N={n}",
                            median_s=t.median, min_s=t.min, max_s=t.max, repeats=t.repeats,
                            first_call_s=t.first_call, note="parallel-threshold sweep"))
    return rows


def run(size: int | None = None, repeat: int | None = None, quick: bool = False) -> list[Row]:
    """size: the vector length (default 2**22)."""
    n = int(size or N)
    rows = run_modes(WORKLOAD, modes(n), case=f"N={n}", repeat=repeat or (10 if quick else 30), rtol=1e-4,
                     atol=1e-5)
    limit = next((r for r in rows if r.mode == "limit: numba parallel copy" and r.timed), None)
    for r in rows:
        if r.timed and limit is not None and r.mode != limit.mode:
            r.extra["vs_copy_limit"] = r.median_s / limit.median_s
            if r.mode in (GRAPH_COMPILED, FUNCTION):
                r.note = r.note or f"{r.extra['vs_copy_limit']:.2f}x the copy limit"
    if not quick:
        rows += parallel_crossover(repeat=repeat or 30)
    return rows
