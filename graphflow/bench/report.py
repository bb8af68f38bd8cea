"""A finished run: rows + machine + command, and its forms: text table, JSON, CSV, Markdown."""
from __future__ import annotations

import csv
import io
import json
import sys
import textwrap
from dataclasses import dataclass, field
from typing import Any

from .machine import describe
from .row import EAGER_BASELINES, NUMPY, OK, ROW_FIELDS, Row

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


# ---- noisy rows ------------------------------------------------------------------------------------
NOISY_SPREAD = 1.5     # median/min above this: the samples disagree too much to trust the median
NOISY_MARK = "*"


def mark_noisy(rows: list[Row], cores: int | None) -> None:
    """Fill `noisy` with the reasons a timed row is suspect: a wide spread, or a load average above
    the cores while it was timed (other processes competed for the CPU)."""
    for r in rows:
        reasons = []
        if r.timed and r.min_s and r.median_s / r.min_s > NOISY_SPREAD:
            reasons.append(f"median/min {r.median_s / r.min_s:.1f}")
        if r.timed and cores and r.load_avg is not None and r.load_avg > cores:
            reasons.append(f"load {r.load_avg:.1f} on {cores} cores")
        r.noisy = "; ".join(reasons)


# ---- text -----------------------------------------------------------------------------------------
WIDTH = 100                    # the table fits a 100-column terminal
MODE_WIDTH = 24
HEAD = ("mode", "median", "min", "×eager", "×numpy", "1st call", "compile", "ops", "kern", "notes")
FRAMEWORK_SHORT = {"tensorflow": "tf"}   # "tensorflow tf.function" reads as "tf tf.function" in the table


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
    """One row's cells for the wide forms (Markdown, compare_modes): COLUMNS."""
    workload = f"{r.workload} {r.case}".strip()
    ops = "-" if r.ops_before is None and r.ops_after is None else f"{_n(r.ops_before)}/{_n(r.ops_after)}"
    if not r.timed:
        status = r.status.upper() if r.status == "disagrees" else r.status
        first = fmt_time(r.first_call_s) if r.status == OK and r.first_call_s is not None else ""
        return [workload, r.mode, status, "", "", "", first, "", ops if r.status == "disagrees" else "", "", r.note]
    median = fmt_time(r.median_s) + (NOISY_MARK if r.noisy else "")
    return [workload, r.mode, median, fmt_time(r.min_s), fmt_ratio(r.ratio_vs_eager),
            fmt_ratio(r.ratio_vs_numpy), fmt_time(r.first_call_s), fmt_time(r.compile_s), ops, _n(r.kernels), r.note]


def short_mode(r: Row) -> str:
    first, _, rest = r.mode.partition(" ")
    name = f"{FRAMEWORK_SHORT[first]} {rest}" if first in FRAMEWORK_SHORT and rest else r.mode
    return _clip(name, MODE_WIDTH)


def table_cells(r: Row) -> list[str]:
    """One row's cells for the 100-column table (HEAD): the case is in the group's title line, and
    the median carries the noisy mark (or a space, so the numbers stay aligned)."""
    c = cells(r)
    if r.timed:
        c[2] = c[2] if r.noisy else c[2] + " "
    return [short_mode(r)] + c[2:]


def _clip(note: str, limit: int = 90) -> str:
    """Text stays on one screen line in the table; JSON/CSV/Markdown keep it whole."""
    return note if len(note) <= limit else note[: limit - 3] + "..."


def _n(v) -> str:
    return "-" if v is None else str(v)


def groups(report: Report) -> list[tuple[str, list[Row]]]:
    """(title line, rows) per workload and case, in the report's order."""
    out: list[tuple[str, list[Row]]] = []
    key = None
    for r in report.rows:
        if (r.workload, r.case) != key:
            key = (r.workload, r.case)
            desc = report.descriptions.get(r.workload, "")
            title = f"{r.workload} {r.case}".strip() + (f": {desc}" if desc else "")
            out.append((_clip(title, WIDTH), []))
        out[-1][1].append(r)
    return out


def header_paragraphs(report: Report) -> list[str]:
    """The machine, the peers (or how to add them): one paragraph each."""
    out = describe(report.machine).splitlines()
    peers = report.config.get("peer_status") or {}
    if peers:
        out.append("peers: " + "; ".join(peers.values()))
    if report.config.get("peer_hint"):
        out.append(report.config["peer_hint"])
    return out


def header_lines(report: Report) -> list[str]:
    return [line for part in header_paragraphs(report) for line in textwrap.wrap(part, WIDTH, subsequent_indent="  ")]


def footnote_paragraphs(report: Report) -> list[str]:
    cores = report.machine.get("usable_cores")
    text = ["×eager / ×numpy: median over graphflow eager's / the numpy baseline's median, same workload and "
            "case (lower is faster). 1st call: the first call, tracing and compilation included. compile: "
            "the plan's compile time when it reports one, else 1st call minus median. ops: graph ops before/"
            "after the passes; kern: kernel calls per run."]
    if any(r.noisy for r in report.rows):
        text.append(f"{NOISY_MARK} noisy: the median is more than {NOISY_SPREAD}x the min, or the load average "
                    f"exceeded the {cores} cores while the row was timed; trust it less and re-run on a quieter "
                    "machine. Every mode and peer of a case is timed in the same rounds, so ratios within a "
                    "case hold better than absolute times.")
    return text


def footnotes(report: Report) -> list[str]:
    return [line for t in footnote_paragraphs(report) for line in textwrap.wrap(t, WIDTH)]


def table_lines(report: Report) -> list[tuple[str, Row | None]]:
    """The table's lines (at most WIDTH columns), each with its row (None for titles and rules)."""
    body = [(title, rows, [table_cells(r) for r in rows]) for title, rows in groups(report)]
    all_cells = [list(HEAD)] + [c for _, _, cs in body for c in cs]
    widths = [max(len(c[i]) for c in all_cells) for i in range(len(HEAD) - 1)]
    room = max(12, WIDTH - (sum(widths) + len(widths) - 1 + 2))

    def line(c: list[str]) -> str:
        fixed = " ".join(v.ljust(w) if i == 0 else v.rjust(w) for i, (v, w) in enumerate(zip(c, widths)))
        return (fixed + "  " + _clip(c[-1], room)).rstrip()

    head = line(list(HEAD))
    out: list[tuple[str, Row | None]] = [(head, None), ("-" * min(WIDTH, len(head) + room), None)]
    for title, rows, cs in body:
        out.append((title, None))
        out += [(line(c), r) for r, c in zip(rows, cs)]
    return out


def format_table(report: Report) -> str:
    """The plain-text table, grouped by workload and case, machine on top, footnotes below."""
    lines = header_lines(report) + [""] + [text for text, _ in table_lines(report)]
    return "\n".join(lines + [""] + footnotes(report))


def print_table(report: Report, stream=None) -> None:
    """On a terminal with rich installed, the table through rich (titles bold, noisy rows yellow,
    failed rows red); the plain table otherwise (a file or a pipe stays easy for programs to read)."""
    stream = stream or sys.stdout
    try:
        if not stream.isatty():
            raise ImportError
        from rich.console import Console
        from rich.text import Text
    except (ImportError, AttributeError):
        print(format_table(report), file=stream)
        return
    console = Console(file=stream, width=min(Console(file=stream).width, WIDTH), highlight=False)
    for text in header_lines(report) + [""]:
        console.print(Text(text))
    for n, (text, r) in enumerate(table_lines(report)):
        style = ("bold" if n == 0 or r is None else "yellow" if r.noisy
                 else "red" if r.status in ("disagrees", "error") else "")
        console.print(Text(text, style=style), no_wrap=True, overflow="ellipsis")
    for text in [""] + footnotes(report):
        console.print(Text(text))


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
        out.append("Peers, each in its own process per workload and timed in the same rounds as graphflow's modes "
                   "(interpreters from the current Python or `GRAPHFLOW_PEER_PYTHON_<NAME>`): "
                   + "; ".join(peers.values()) + ".")
        out.append("")
    by_workload: dict[str, list[Row]] = {}
    for r in report.rows:
        by_workload.setdefault(r.workload, []).append(r)
    for wid, rows in by_workload.items():
        out += [f"## {wid}: {report.descriptions.get(wid, '')}".rstrip(": "), ""]
        out.append("| " + " | ".join(COLUMNS) + " |")
        out.append("|" + "---|" * len(COLUMNS))
        for r in rows:
            out.append("| " + " | ".join(c.replace("|", "\\|").replace("*", "\\*") for c in cells(r)) + " |")
        out.append("")
    noisy = [r for r in report.rows if r.noisy]
    if noisy:
        out.append(f"\\* noisy (median more than {NOISY_SPREAD}x the min, or a load average above the "
                   f"{m['usable_cores']} cores while timed): " + "; ".join(
                       f"{r.workload} {r.mode} ({r.noisy})" for r in noisy) + ".")
        out.append("")
    return "\n".join(out)
