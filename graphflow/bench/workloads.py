"""The registry of workloads (BENCHMARKS.md's W1, W2, ...) and the adapter that runs any of them.

Adding a workload is one line in MODULES (the CLI, `bench --list` and the default suite read it);
a line in TITLES names it while its module is missing. A workload module exposes `WORKLOAD`,
`DESCRIPTION` and `run(size=None, repeat=None, quick=False) -> list[Row | dict]` (see docs/bench.md).
Modules are imported only when selected, so a missing or broken one costs its own rows, never the suite.
"""
from __future__ import annotations

import importlib
import inspect
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from .row import ERROR, UNAVAILABLE, Row

MODULES = {
    "W1": "graphflow.bench.w1_gelu",
    "W2": "graphflow.bench.w2_dispatch",
    "W3": "graphflow.bench.w3_mlp",
    "W4": "graphflow.bench.w4_mlp",
    "W5": "graphflow.bench.w5_keras",
    "W6": "graphflow.bench.w6_compile",
    "W7": "graphflow.bench.w7_cnn",
    "W8": "graphflow.bench.w8_lstm",
    "W9": "graphflow.bench.w9_infer",
}
TITLES = {   # used when a module is missing or has no DESCRIPTION
    "W1": "GELU chain, float32 vector",
    "W2": "dispatch overhead: x = x + 1.0, 100 times on a float32 scalar (time per chain)",
    "W3": "MLP 64-128-128-10 training step, batch 256 (time per step)",
    "W4": "MLP 784-1024-1024-10 training step, batch 512 (time per step)",
    "W5": "Keras fit on the digits dataset (time per epoch, test accuracy)",
    "W6": "first-call time of a K-op elementwise chain (trace + optimise + compile + run)",
    "W7": "CNN training step, 28x28x1, batch 64, SGD (time per step)",
    "W8": "Keras LSTM(128) forward + backward, batch 32, 64 features, T steps (time per step)",
    "W9": "MLP 64-128-128-10 inference at batch 1 (time per call)",
}
ALL = tuple(MODULES)


def describe(workload_id: str) -> str:
    """The workload's one-line description, for `graphflow bench --list`."""
    w = load(workload_id)
    return w.description + (f" [{w.missing}]" if w.missing else "")


@dataclass
class Workload:
    id: str
    description: str
    module: ModuleType | None
    missing: str = ""     # why the module could not be loaded


def load(workload_id: str, modules: dict[str, Any] | None = None) -> Workload:
    """The workload `workload_id`; `modules` maps ids to module objects or names (tests inject fakes)."""
    source = (modules or MODULES).get(workload_id)
    if source is None:
        return Workload(workload_id, TITLES.get(workload_id, ""), None, "no such workload")
    try:
        module = importlib.import_module(source) if isinstance(source, str) else source
    except ModuleNotFoundError as e:
        if isinstance(source, str) and e.name and source.startswith(e.name):
            return Workload(workload_id, TITLES.get(workload_id, ""), None, f"{source} not written yet")
        return Workload(workload_id, TITLES.get(workload_id, ""), None, f"import failed: {e}")
    except Exception as e:
        return Workload(workload_id, TITLES.get(workload_id, ""), None, f"import failed: {type(e).__name__}: {e}")
    description = getattr(module, "DESCRIPTION", None) or TITLES.get(workload_id, "")
    return Workload(workload_id, description.strip().splitlines()[0], module)


def run(workload: Workload, size: Any = None, repeat: int | None = None, quick: bool = False) -> list[Row]:
    """The workload's rows; a missing module or a crash becomes one row saying so."""
    if workload.module is None:
        return [Row(workload.id, "-", status=UNAVAILABLE, note=workload.missing)]
    fn = getattr(workload.module, "run", None)
    if fn is None:
        return [Row(workload.id, "-", status=UNAVAILABLE, note="module has no run()")]
    kwargs = _accepted(fn, {"size": size, "repeat": repeat, "quick": quick})
    try:
        raw = fn(**kwargs)
    except Exception as e:
        return [Row(workload.id, "-", status=ERROR, note=f"{type(e).__name__}: {e}".splitlines()[0][:160])]
    return [Row.from_any(r, workload.id) for r in raw or []]


def _accepted(fn, kwargs: dict) -> dict:
    """The keyword arguments `fn` accepts; None values are left out so the module's defaults hold."""
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return {}
    takes_any = any(p.kind is p.VAR_KEYWORD for p in params.values())
    return {k: v for k, v in kwargs.items() if v is not None and (takes_any or k in params)}
