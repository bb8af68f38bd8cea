"""Op and kernel counts of a planned graph, read from whatever the plan exposes.

A plan may carry a `stats` attribute (a dict, a dataclass, the pass manager's per-pass list of
dicts, or a method returning one) with `ops_before`, `ops_after`, `kernels` and `compile_s`. A
tiered plan (compiler.py's CompiledPlan) is read through its newest executable (its pass
stats and lowered steps) and its `compile_seconds`; the reference interpreter's plan has only
its pruned op list, where every op is one kernel call. Anything missing is reported as unknown.
"""
from __future__ import annotations

import dataclasses
from typing import Any

KEYS = ("ops_before", "ops_after", "kernels")
_SYNONYMS = {
    "ops_before": ("ops_before", "ops_in", "num_ops_before", "n_ops_before", "ops_initial"),
    "ops_after": ("ops_after", "ops_out", "num_ops_after", "n_ops_after", "ops_final", "ops"),
    "kernels": ("kernels", "num_kernels", "n_kernels", "kernel_count", "kernel_calls"),
}


def plan_stats(plan: Any) -> dict[str, Any]:
    """{ops_before, ops_after, kernels, compile_s} of one plan, with only the keys it can tell."""
    out = _declared(plan)
    inner = _executable(plan)
    if inner is not None:
        out = {**plan_stats(inner), **out}
    steps = getattr(plan, "steps", None)
    if "kernels" not in out and isinstance(steps, list) and all(isinstance(s, tuple) for s in steps):
        # a lowered program: (op, step) pairs; every op but sources and no-ops is one call per run
        out["kernels"] = sum(1 for op, _ in steps if getattr(op, "type", None) not in _FREE)
    seconds = getattr(plan, "compile_seconds", None)
    if isinstance(seconds, float) and seconds > 0 and "compile_s" not in out:
        out["compile_s"] = seconds
    ops = getattr(plan, "ops", None)
    if isinstance(ops, (list, tuple)) and not out:
        out = {"ops_before": len(ops), "ops_after": len(ops), "kernels": len(ops)}
    return out


_FREE = ("Placeholder", "Const", "NoOp")


def _declared(plan: Any) -> dict[str, Any]:
    """What the plan's own `stats` says."""
    raw = getattr(plan, "stats", None)
    if callable(raw):
        try:
            raw = raw()
        except TypeError:
            raw = None
    if isinstance(raw, (list, tuple)) and raw and all(isinstance(d, dict) for d in raw):
        # the pass manager's per-pass list: ops before the first pass, after the last
        raw = {"ops_before": raw[0].get("ops_before"), "ops_after": raw[-1].get("ops_after"),
               **{k: v for d in raw for k, v in d.items() if k in _SYNONYMS["kernels"]}}
    if dataclasses.is_dataclass(raw) and not isinstance(raw, type):
        raw = dataclasses.asdict(raw)
    elif raw is not None and not isinstance(raw, dict):
        raw = {k: getattr(raw, k) for k in dir(raw) if not k.startswith("_")}
    out: dict[str, Any] = {}
    if isinstance(raw, dict):
        for key, names in _SYNONYMS.items():
            for name in names:
                value = raw.get(name)
                if isinstance(value, (list, tuple)):
                    value = len(value)
                if isinstance(value, int) and not isinstance(value, bool):
                    out[key] = value
                    break
        if isinstance(raw.get("compile_s"), float):
            out["compile_s"] = raw["compile_s"]
    return out


def _executable(plan: Any) -> Any:
    """The newest compiled executable of a tiered plan (one per feed-shape signature), if built."""
    execs = getattr(plan, "_execs", None)
    if isinstance(execs, dict):
        built = [e for e in execs.values() if e is not None]
        return built[-1] if built else None
    return None


def session_stats(sess: Any) -> dict[str, Any]:
    """Stats of the (last) plan a Session built."""
    plans = list(getattr(sess, "_plans", {}).values())
    return plan_stats(plans[-1]) if plans else {}


def function_stats(fn: Any, *args: Any) -> dict[str, Any]:
    """Stats of a gf.function's plan for `args`, probing the usual places; {} when unknown."""
    for obj in _candidates(fn, args):
        found = plan_stats(obj)
        if found:
            return found
    return {}


def _candidates(fn, args):
    yield fn
    for name in ("plan", "_plan"):
        if getattr(fn, name, None) is not None:
            yield getattr(fn, name)
    get = getattr(fn, "get_concrete_function", None)
    if get is None:
        return
    try:
        concrete = get(*args)
    except Exception:
        return
    yield concrete
    for name in ("plan", "_plan", "_compiled", "session"):
        inner = getattr(concrete, name, None)
        if inner is not None:
            yield inner
            if name == "session":
                yield from (list(getattr(inner, "_plans", {}).values())[-1:])
