"""Run one computation in several modes: first call, agreement check, then timing.

This is the part of the contract that keeps the measurement honest, shared by the workload
modules and `graphflow.compare_modes`: every mode is called once (its first call, trace and
compile included, is timed on its own), its output is compared with the reference mode's, and
only a mode that agrees is timed, in rounds with the other modes and the peers. A mode that
disagrees is flagged and never timed; a mode whose machinery does not exist yet
(NotImplementedError, ImportError) is listed as unavailable.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from . import progress, rounds
from .rounds import Sampler, run_rounds
from .row import DISAGREES, ERROR, NUMPY, UNAVAILABLE, Row


@dataclass
class Mode:
    """One way to run the workload. `fn()` does one timed unit of work and returns its output."""
    name: str
    fn: Callable[[], Any]
    framework: str = "graphflow"
    compiles: bool = False        # report first call minus steady state as compile time
    stats: Callable[[], dict] | None = None   # after the first call: ops_before, ops_after, kernels
    check: bool = True            # compare the output with the reference mode's
    note: str = ""
    timed: bool = True            # False: called once (a slow reference), its first call the only figure


def run_modes(workload: str, modes: list[Mode], *, case: str = "", repeat: int = 20, warmup: int = 3,
              inner: int = 1, rtol: float = 1e-5, atol: float = 1e-6, reference: str | None = NUMPY,
              max_time: float | None = 10.0) -> list[Row]:
    """Rows for `modes`, in order. The reference is the mode named `reference` (else the first).

    Every mode's first call and agreement check come first; then the modes that agree are timed
    in rounds (graphflow.bench.rounds), together with the peers the runner installed for this
    workload, so all of them see the same load.
    """
    ref_name = reference if any(m.name == reference for m in modes) else (modes[0].name if modes else None)
    ordered = sorted(modes, key=lambda m: m.name != ref_name)   # the reference runs first
    label = f"{workload}{' ' + case if case else ''}"
    expected: Any = None
    rows: dict[str, Row] = {}
    timed: list[tuple[Mode, Row, Sampler]] = []
    for mode in ordered:
        progress.step(f"{label}: {mode.name}")
        row = Row(workload=workload, mode=mode.name, case=case, framework=mode.framework, note=mode.note)
        rows[mode.name] = row
        try:
            t0 = time.perf_counter()
            out = mode.fn()
            row.first_call_s = time.perf_counter() - t0
        except (NotImplementedError, ImportError) as e:
            row.status, row.note = UNAVAILABLE, _short(e)
            continue
        except Exception as e:  # a broken mode must not take the other modes' figures with it
            row.status, row.note = ERROR, _short(e)
            continue
        _apply_stats(row, mode)
        if mode.name == ref_name:
            expected = out
        elif mode.check and expected is not None:
            ok, detail = agree(out, expected, rtol=rtol, atol=atol)
            row.agrees = ok
            if not ok:
                row.status, row.note = DISAGREES, detail
                continue
        if not mode.timed:
            row.note = row.note or "reference only: first call, not timed in rounds"
            continue
        try:
            for _ in range(warmup):
                mode.fn()
        except Exception as e:
            row.status, row.note = ERROR, _short(e)
            continue
        timed.append((mode, row, Sampler(mode.fn, repeat=repeat, inner=inner, max_time=max_time)))
    log = run_rounds([s for _, _, s in timed], rounds.partners_for(workload, case), label)
    for mode, row, sampler in timed:
        row.load_avg = log.load
        if sampler.error is not None or not sampler.samples:
            row.status, row.note = ERROR, _short(sampler.error or RuntimeError("no samples"))
            continue
        row.median_s, row.min_s, row.max_s, row.repeats = sampler.stats()
        if mode.compiles:
            row.compile_s = max(0.0, row.first_call_s - row.median_s)
        _apply_stats(row, mode)   # again: a tiered plan compiles after its first call
    return [rows[m.name] for m in modes]


def _apply_stats(row: Row, mode: Mode) -> None:
    """Op/kernel counts (and a measured compile time, better than first call - median) from the plan."""
    if mode.stats is None:
        return
    try:
        found = mode.stats() or {}
    except Exception:   # stats are a bonus, never a failure
        return
    for key in ("ops_before", "ops_after", "kernels", "compile_s"):
        if found.get(key) is not None:
            setattr(row, key, found[key])


def agree(got: Any, expected: Any, rtol: float = 1e-5, atol: float = 1e-6) -> tuple[bool, str]:
    """Whether two (nested) outputs match in structure, shape and value; the reason if not."""
    a, b = flatten(got), flatten(expected)
    if len(a) != len(b):
        return False, f"{len(a)} outputs, expected {len(b)}"
    for i, (x, y) in enumerate(zip(a, b)):
        x, y = np.asarray(x), np.asarray(y)
        if x.shape != y.shape:
            return False, f"output {i}: shape {x.shape}, expected {y.shape}"
        if x.dtype.kind in "fc" or y.dtype.kind in "fc":
            xf, yf = x.astype(np.float64), y.astype(np.float64)
            if not np.allclose(xf, yf, rtol=rtol, atol=atol, equal_nan=True):
                err = float(np.nanmax(np.abs(xf - yf))) if x.size else 0.0
                return False, f"output {i}: max abs diff {err:.3g}"
        elif not np.array_equal(x, y):
            return False, f"output {i}: values differ"
    return True, ""


def flatten(value: Any) -> list:
    """Leaves of nested lists/tuples/dicts as numpy arrays (tensors via __array__/numpy())."""
    if isinstance(value, dict):
        return [leaf for k in sorted(value, key=str) for leaf in flatten(value[k])]
    if isinstance(value, (list, tuple)):
        return [leaf for v in value for leaf in flatten(v)]
    if hasattr(value, "numpy") and not isinstance(value, np.ndarray):
        value = value.numpy()
    return [np.asarray(value)]


def _short(e: BaseException, limit: int = 120) -> str:
    text = f"{type(e).__name__}: {e}".splitlines()[0] if str(e) else type(e).__name__
    return text if len(text) <= limit else text[: limit - 3] + "..."
