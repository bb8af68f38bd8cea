"""How `graphflow compare` shows its result: a text table (rich's when installed), Markdown, JSON
and a bar chart. Figures are medians over `--repeat` runs; `-` means not measured."""
from __future__ import annotations

import json
import sys

from .report import fmt_time
from .script_compare import ModeResult, ScriptComparison

HEAD = ["mode", "wall", "steady", "compile", "first calls", "peak mem", "kernels", "agrees", "notes"]


def cells(r: ModeResult) -> list[str]:
    sec = fmt_time
    agrees = {True: "yes", False: "NO", None: "-"}[r.agrees]
    note = r.note
    if r.disagreement is not None:
        note = f"line {r.disagreement.line}: {r.disagreement.reason}"
    status = {"ok": None, "error": "error", "timeout": "timeout", "n/a": "n/a"}[r.status]
    compile_s = None if r.compile_s is None else r.compile_s + (r.trace_s or 0.0)
    return [r.mode, status or sec(r.wall_s), sec(r.steady_s), sec(compile_s), sec(r.first_calls_s),
            "-" if r.peak_rss_mb is None else f"{r.peak_rss_mb:.0f} MB",
            "-" if r.kernels is None else str(r.kernels), agrees, note]


def headline(c: ScriptComparison) -> str:
    verdict = ("all modes agree" if c.agree else "MODES DISAGREE") if c.reference else "no mode ran"
    ref = f" (reference: {c.reference})" if c.reference else ""
    return f"graphflow compare {c.script}: {verdict}{ref}"


def details(c: ScriptComparison) -> list[str]:
    """The first disagreement and each failure's traceback, below the table."""
    out = []
    for r in c.results:
        if r.disagreement is not None:
            out.append(f"{r.mode} disagrees with {c.reference} at {r.disagreement}")
        if r.status == "error" and r.error:
            out.append(f"{r.mode} failed: {r.error['type']}: {r.error['message']}")
            if r.error.get("line"):
                out.append(f"  at {r.error['line']}")
            if r.error.get("traceback"):
                out.extend("  " + line for line in r.error["traceback"].rstrip().splitlines())
        if r.status == "timeout":
            out.append(f"{r.mode}: {r.note}")
    return out


def format_table(c: ScriptComparison) -> str:
    rows = [cells(r) for r in c.results]
    widths = [max(len(x[i]) for x in [HEAD] + rows) for i in range(len(HEAD))]
    lines = [headline(c)]
    for row in [HEAD] + rows:
        lines.append("  ".join(v.ljust(w) if i in (0, 8) else v.rjust(w)
                               for i, (v, w) in enumerate(zip(row, widths))).rstrip())
    return "\n".join(lines + details(c))


def print_table(c: ScriptComparison) -> None:
    """rich's table on a terminal when rich is installed; the plain table otherwise (and when the
    output goes to a file or a pipe, so it stays easy to read by programs)."""
    if not sys.stdout.isatty():
        print(format_table(c))
        return
    try:
        from rich.console import Console
        from rich.table import Table
    except ImportError:
        print(format_table(c))
        return
    table = Table(title=headline(c))
    for i, h in enumerate(HEAD):
        table.add_column(h, justify="left" if i in (0, 8) else "right")
    for r in c.results:
        table.add_row(*cells(r))
    console = Console()
    console.print(table)
    for line in details(c):
        console.print(line, markup=False, highlight=False)


def to_markdown(c: ScriptComparison) -> str:
    lines = [f"`{c.command}`" if c.command else f"`graphflow compare {c.script}`", "", headline(c), "",
             "| " + " | ".join(HEAD) + " |", "|" + "---|" * len(HEAD)]
    lines += ["| " + " | ".join(v.replace("|", "\\|") for v in cells(r)) + " |" for r in c.results]
    extra = details(c)
    return "\n".join(lines + ([""] + ["```"] + extra + ["```"] if extra else []))


def to_json(c: ScriptComparison) -> str:
    return json.dumps(c.as_dict(), indent=2)


def plot(c: ScriptComparison, path) -> None:
    """Bars of wall and steady-state time per mode (needs matplotlib)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ..atomic_file import atomic_path
    ran = [r for r in c.results if r.wall_s is not None]
    fig, ax = plt.subplots(figsize=(1.6 * max(len(ran), 2) + 2, 3.5))
    xs = range(len(ran))
    ax.bar([x - 0.2 for x in xs], [r.wall_s for r in ran], 0.4, label="wall")
    ax.bar([x + 0.2 for x in xs], [r.steady_s for r in ran], 0.4, label="steady state")
    ax.set_xticks(list(xs), [r.mode for r in ran])
    ax.set_ylabel("seconds")
    ax.set_title(headline(c), fontsize=9)
    ax.legend()
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format=str(path).rsplit(".", 1)[-1] if "." in str(path) else "png")
    plt.close(fig)
