"""A finished run: rows + machine + command, and its forms: text table, JSON, CSV, Markdown."""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from typing import Any

from .machine import describe
from .row import EAGER_BASELINES, NUMPY, ROW_FIELDS, Row

COLUMNS = ("workload", "mode", "median", "min", "vs eager", "vs numpy", "first call", "compile", "ops before/after",
           "kernels", "notes")


@dataclass
class Report:
    rows: list[Row]
    machine: dict[str, Any]
    command: str = "graphflow bench"
    descriptions: dict[str, str] = field(default_factory=dict)   # workload id -> one line
    config: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"command": self.command, "machine": self.machine, "config": self.config,
                "seconds": self.seconds, "descriptions": self.descriptions,
                "rows": [r.as_dict() for r in self.rows]}


def add_ratios(rows: list[Row]) -> None:
    """Fill ratio_vs_eager / ratio_vs_numpy: medians within the same workload and case."""
    eager: dict[tuple, float] = {}
    numpy: dict[tuple, float] = {}
    for base in EAGER_BASELINES[::-1]:   # the first name of EAGER_BASELINES wins
        for r in rows:
            if r.timed and r.framework == "graphflow" and r.mode == base:
                eager[(r.workload, r.case)] = r.median_s
    for r in rows:
        if r.timed and r.mode == NUMPY:
            numpy[(r.workload, r.case)] = r.median_s
    for r in rows:
        key = (r.workload, r.case)
        if r.timed:
            r.ratio_vs_eager = r.median_s / eager[key] if eager.get(key) else None
            r.ratio_vs_numpy = r.median_s / numpy[key] if numpy.get(key) else None


# ---- text -----------------------------------------------------------------------------------------
def fmt_time(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds <= 0:
        return "0"
    scale, unit = next(((s, u) for s, u in ((1.0, "s"), (1e-3, "ms"), (1e-6, "µs")) if seconds >= s),
                       (1e-9, "ns"))
    v = seconds / scale
    return f"{v:.0f} {unit}" if v >= 100 else f"{v:.1f} {unit}" if v >= 10 else f"{v:.2f} {unit}"


def fmt_ratio(r: float | None) -> str:
    if r is None:
        return "-"
    return f"{r:.2f}x" if r < 10 else f"{r:.1f}x" if r < 100 else f"{r:.0f}x"


def cells(r: Row) -> list[str]:
    """One table line's cells (COLUMNS)."""
    workload = f"{r.workload} {r.case}".strip()
    ops = "-" if r.ops_before is None and r.ops_after is None else f"{_n(r.ops_before)}/{_n(r.ops_after)}"
    if not r.timed:
        status = r.status.upper() if r.status == "disagrees" else r.status
        return [workload, r.mode, status, "", "", "", "", "", ops if r.status == "disagrees" else "", "", r.note]
    return [workload, r.mode, fmt_time(r.median_s), fmt_time(r.min_s), fmt_ratio(r.ratio_vs_eager),
            fmt_ratio(r.ratio_vs_numpy), fmt_time(r.first_call_s), fmt_time(r.compile_s), ops, _n(r.kernels), r.note]


def _clip(note: str, limit: int = 90) -> str:
    """Notes stay on one screen line in the table; JSON/CSV/Markdown keep them whole."""
    return note if len(note) <= limit else note[: limit - 3] + "..."


def _n(v) -> str:
    return "-" if v is None else str(v)


def format_table(report: Report) -> str:
    """The plain-text table, grouped by workload, with the machine on top."""
    lines = [describe(report.machine)]
    peers = report.config.get("peer_status") or {}
    if peers:
        lines.append("peers: " + "; ".join(peers.values()))
    lines.append("")
    table = [list(COLUMNS)]
    groups: list[tuple[str, list[Row]]] = []
    for r in report.rows:
        if not groups or groups[-1][0] != r.workload:
            groups.append((r.workload, []))
        groups[-1][1].append(r)
    body: list[list[str] | str] = []
    for wid, rows in groups:
        desc = report.descriptions.get(wid)
        if desc:
            body.append(f"{wid}: {desc}")
        body.extend(cells(r) for r in rows)
    widths = [max(len(row[i]) for row in table + [b for b in body if isinstance(b, list)])
              for i in range(len(COLUMNS) - 1)]
    right = set(range(2, len(COLUMNS) - 1))

    def line(row: list[str]) -> str:
        parts = [c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths))]
        return ("  ".join(parts) + "  " + row[-1]).rstrip()

    lines.append(line(table[0]))
    lines.append("-" * len(line(table[0])))
    for b in body:
        lines.append(("  " + b) if isinstance(b, str) else line(b[:-1] + [_clip(b[-1])]))
    lines.append("")
    lines.append("vs eager / vs numpy: median divided by graphflow eager's / the hand-written numpy "
                 "baseline's median for the same workload and case (lower is faster).\ncompile: the "
                 "plan's measured compile time when it reports one (a tiered plan compiles on a later call than "
                 "the first), else first call minus steady state.\nops: graph ops before/after the passes; "
                 "kernels: kernel calls per run.")
    return "\n".join(lines)


# ---- files ----------------------------------------------------------------------------------------
def to_json(report: Report) -> str:
    return json.dumps(report.as_dict(), indent=2, default=str)


CSV_FIELDS = tuple(f for f in ROW_FIELDS if f != "extra") + ("extra",)


def to_csv(report: Report) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for r in report.rows:
        d = r.as_dict()
        d["extra"] = json.dumps(d["extra"], default=str, sort_keys=True) if d["extra"] else ""
        writer.writerow(d)
    return buf.getvalue()


def to_markdown(report: Report) -> str:
    """RESULTS.md: the command that made it, the machine, then one table per workload."""
    m = report.machine
    load = m.get("load_average") or {}
    out = ["# graphflow benchmark results", "",
           "Generated by one run of:", "", "```bash", report.command, "```", "",
           f"- machine: {m['cpu']}, {m['usable_cores']} of {m['cores']} cores, {m['platform']}",
           f"- python {m['python']}, numpy {m['numpy']}, numba {m['numba']} (threading layer: "
           f"{m['numba_threading_layer']}; {m['numba_threads']} threads), graphflow {m['graphflow']}",
           f"- BLAS: {m.get('blas', 'unknown')}",
           f"- load average (1 min): {load.get('start')} at start, {load.get('end')} at end",
           f"- wall time of the run: {report.seconds:.0f} s", "",
           "Times are medians after warm-up; `vs eager` and `vs numpy` divide by graphflow eager's and the "
           "hand-written numpy baseline's median for the same workload and case (lower is faster); "
           "`first call` is the very first call (tracing, optimisation and compilation included, "
           "unless a tiered plan interprets its first call and compiles on a later one); `compile` is the "
           "plan's measured compile time when it reports one, else the first call minus the steady state. "
           "Workloads are defined in BENCHMARKS.md; `docs/bench.md` explains every column. "
           "Compare ratios within this run, not absolute times across machines; a load average "
           "above the core count means other processes competed for the CPU.", ""]
    peers = report.config.get("peer_status") or {}
    if peers:
        out.append("Peers, each in its own process per workload (interpreters from the current Python or "
                   "`GRAPHFLOW_PEER_PYTHON_<NAME>`): " + "; ".join(peers.values()) + ".")
        out.append("")
    by_workload: dict[str, list[Row]] = {}
    for r in report.rows:
        by_workload.setdefault(r.workload, []).append(r)
    for wid, rows in by_workload.items():
        out += [f"## {wid}: {report.descriptions.get(wid, '')}".rstrip(": "), ""]
        out.append("| " + " | ".join(COLUMNS) + " |")
        out.append("|" + "---|" * len(COLUMNS))
        for r in rows:
            out.append("| " + " | ".join(c.replace("|", "\\|") for c in cells(r)) + " |")
        out.append("")
    return "\n".join(out)
