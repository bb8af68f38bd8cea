"""How two modes' outputs must agree: bit for bit where the modes promise it, else closely.

Bit-identical: integers and booleans always; floats computed only by ops whose compiled kernel is
the same IEEE arithmetic as the numpy kernel (`Program.exact`); and every output of the
interpreted runs (eager, the reference interpreter and the first call of each compiled mode run
the same numpy kernels). Elsewhere floats match to the tolerance of the coarsest float dtype the
value went through (`Program.rtol`), and NaN/inf positions and signs match exactly.
"""
from __future__ import annotations

import numpy as np


def bits_equal(a, b) -> bool:
    a, b = np.asarray(a), np.asarray(b)
    if a.dtype != b.dtype or a.shape != b.shape:
        return False
    if a.dtype.kind != "f":
        return np.array_equal(a, b)
    nan_a, nan_b = np.isnan(a), np.isnan(b)
    return (np.array_equal(nan_a, nan_b) and np.array_equal(a[~nan_a], b[~nan_b])
            and np.array_equal(np.signbit(a[~nan_a]), np.signbit(b[~nan_b])))


def close(a, b, rtol: float) -> bool:
    a, b = np.asarray(a), np.asarray(b)
    if a.dtype != b.dtype or a.shape != b.shape:
        return False
    if a.dtype.kind != "f":
        return np.array_equal(a, b)
    if not (np.array_equal(np.isnan(a), np.isnan(b)) and np.array_equal(np.isposinf(a), np.isposinf(b))
            and np.array_equal(np.isneginf(a), np.isneginf(b))):
        return False
    fin = np.isfinite(a)
    x, y = a[fin].astype(np.float64), b[fin].astype(np.float64)
    scale = max(1.0, float(np.max(np.abs(y), initial=0.0)))
    return bool(np.all(np.abs(x - y) <= rtol * (np.abs(y) + scale)))


def disagreements(prog, results: dict) -> list:
    """Human-readable mismatches between the modes' results (empty when they agree)."""
    problems = []
    ref = results["eager"]
    if isinstance(ref, Exception):
        for mode, r in results.items():
            if not isinstance(r, Exception):
                problems.append(f"eager raised {type(ref).__name__}: {ref}; {mode} returned a value")
        return problems
    for mode, r in results.items():
        if isinstance(r, Exception):
            problems.append(f"{mode} raised {type(r).__name__}: {r}")
            continue
        for run, outs in enumerate(r):
            for k, (got, want) in enumerate(zip(outs, ref[0])):
                index = prog.outputs[k]
                exact = mode in ("eager", "graph_interpreted") or run == 0 or prog.exact[index]
                ok = bits_equal(got, want) if exact else close(got, want, prog.rtol[index])
                if not ok:
                    problems.append(f"{mode} run {run} output v{index} ({'bits' if exact else 'close'}): "
                                    f"got {np.asarray(got)!r}, eager {np.asarray(want)!r}")
    return problems
