"""The top-N table of a trace: time per op / kernel name, and the Python between them.

"Python between ops" is the profiled window minus the time inside op and kernel events: argument
conversion, dispatch, the plan's own bytecodes, the script's loop. In eager mode it is the cost of
the execution model; in a compiled plan it is what fusion and straight-line code remove.
"""
from __future__ import annotations

import json
import os
from collections import defaultdict
from typing import Optional

from .recorder import COMPILE, LEAVES, PLAN


def load_events(path: str) -> dict:
    with open(path) as f:
        return json.load(f)


def latest_trace(logdir) -> Optional[str]:
    """The newest `*.trace.json` under `logdir/plugins/profile/`, or None."""
    root = os.path.join(str(logdir), "plugins", "profile")
    found = [os.path.join(d, f) for d, _, files in os.walk(root) for f in files if f.endswith(".trace.json")]
    return max(found, key=os.path.getmtime) if found else None


def top(trace: dict, n: int = 15) -> list[dict]:
    """Rows {name, category, calls, total_us, mean_us, max_us, ops} for op and kernel events, most time first."""
    rows: dict = defaultdict(lambda: {"calls": 0, "total_us": 0.0, "max_us": 0.0, "ops": None})
    for e in trace["traceEvents"]:
        if e.get("ph") != "X" or e["cat"] not in LEAVES:
            continue
        row = rows[(e["name"], e["cat"])]
        row["calls"] += 1
        row["total_us"] += e["dur"]
        row["max_us"] = max(row["max_us"], e["dur"])
        if row["ops"] is None and "ops" in e.get("args", {}):
            row["ops"] = e["args"]["ops"]
    out = [{"name": name, "category": cat, "mean_us": r["total_us"] / r["calls"], **r}
           for (name, cat), r in rows.items()]
    return sorted(out, key=lambda r: -r["total_us"])[:n]


def totals(trace: dict) -> dict:
    """Window, time in ops/kernels, in plan calls, tracing/compiling, and the Python between ops
    (microseconds). Ops a trace runs (eager replays, the interpreter's first calls) count as compile."""
    events = [e for e in trace["traceEvents"] if e.get("ph") == "X"]
    compiling = _outermost([e for e in events if e["cat"] == COMPILE])
    outside = [e for e in events if not any(c["ts"] <= e["ts"] <= c["ts"] + c["dur"] for c in compiling)]
    in_ops = sum(e["dur"] for e in outside if e["cat"] in LEAVES)
    in_plans = sum(e["dur"] for e in outside if e["cat"] == PLAN)
    in_compile = sum(e["dur"] for e in compiling)
    window = trace.get("otherData", {}).get("window_us") or sum(e["dur"] for e in events)
    return {"window_us": window, "ops_us": in_ops, "plans_us": in_plans, "compile_us": in_compile,
            "python_us": max(window - in_ops - in_compile, 0.0)}


def _outermost(events: list) -> list:
    """Events not nested in another of the list (a plan compiled inside a trace counts once)."""
    events = sorted(events, key=lambda e: (e["ts"], -e["dur"]))
    out, end = [], -1.0
    for e in events:
        if e["ts"] >= end:
            out.append(e)
            end = e["ts"] + e["dur"]
    return out


def _us(v: float) -> str:
    return f"{v / 1e6:.2f} s" if v >= 1e6 else f"{v / 1e3:.2f} ms" if v >= 1e3 else f"{v:.1f} µs"


def format_top(trace: dict, n: int = 15) -> str:
    rows, t = top(trace, n), totals(trace)
    window = t["window_us"] or 1.0
    head = ["name", "category", "calls", "total", "mean", "max", "% of run"]
    body = [[r["name"][:60], r["category"], str(r["calls"]), _us(r["total_us"]), _us(r["mean_us"]),
             _us(r["max_us"]), f"{100 * r['total_us'] / window:.1f}"] for r in rows]
    widths = [max(len(x[i]) for x in [head] + body) for i in range(len(head))]
    lines = ["  ".join(v.ljust(w) if i < 2 else v.rjust(w) for i, (v, w) in enumerate(zip(row, widths))).rstrip()
             for row in [head] + body]
    for r in rows:
        if r["ops"]:
            lines.append(f"  {r['name'][:60]} covers: {', '.join(r['ops'])}")
    lines.append(f"run {_us(t['window_us'])}: tracing/compiling {_us(t['compile_us'])} "
                 f"({100 * t['compile_us'] / window:.1f}%), in ops/kernels {_us(t['ops_us'])} "
                 f"({100 * t['ops_us'] / window:.1f}%), Python between ops {_us(t['python_us'])} "
                 f"({100 * t['python_us'] / window:.1f}%)")
    return "\n".join(lines)
