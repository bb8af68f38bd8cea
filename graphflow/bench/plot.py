"""`graphflow bench --plot`: the modes of each workload as bars, and W6's compile-time curve.

matplotlib is an optional extra (`pip install 'graphflow[plot]'`); it is imported only here.
"""
from __future__ import annotations

import re
from pathlib import Path

from .report import Report, fmt_time


def plot_report(report: Report, path: str | Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    timed = [r for r in report.rows if r.timed]
    groups: dict[str, list] = {}
    for r in timed:
        if r.workload != "W6":
            groups.setdefault(f"{r.workload} {r.case}".strip(), []).append(r)
    w6 = [r for r in timed if r.workload == "W6" and r.first_call_s is not None]
    panels = len(groups) + (1 if w6 else 0)
    if panels == 0:
        raise ValueError("nothing was timed: no plot to draw")
    cols = 2 if panels > 1 else 1
    nrows = (panels + cols - 1) // cols
    fig, axes = plt.subplots(nrows, cols, figsize=(7 * cols, 3.2 * nrows), squeeze=False)
    flat = [ax for row in axes for ax in row]
    for ax, (title, rows) in zip(flat, groups.items()):
        labels = [r.mode for r in rows]
        values = [r.median_s * 1e3 for r in rows]
        colors = ["tab:blue" if r.framework == "graphflow" else "tab:gray" if r.framework == "numpy"
                  else "tab:orange" for r in rows]
        ax.barh(range(len(rows)), values, color=colors)
        ax.set_yticks(range(len(rows)), labels, fontsize=7)
        ax.invert_yaxis()
        ax.set_xscale("log")
        # log bars need a floor well below the shortest one, or the shortest looks like nothing
        ax.set_xlim(min(values) / 4, max(values) * 4)
        for i, r in enumerate(rows):
            ax.text(values[i], i, " " + fmt_time(r.median_s), va="center", fontsize=6)
        ax.set_xlabel("median ms (log scale; lower is faster)", fontsize=8)
        ax.set_title(title, fontsize=8)
    if w6:
        ax = flat[len(groups)]
        series: dict[str, list] = {}
        for r in w6:
            k = re.search(r"K=(\d+)", r.case)
            if k:
                series.setdefault(r.mode, []).append((int(k.group(1)), r.first_call_s))
        for mode, points in series.items():
            points.sort()
            ax.plot([p[0] for p in points], [p[1] for p in points], marker="o", label=mode)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("K (ops in the chain)", fontsize=8)
        ax.set_ylabel("first call, s", fontsize=8)
        ax.set_title("W6: first-call (compile) time vs graph size", fontsize=8)
        ax.legend(fontsize=7)
    for ax in flat[panels:]:
        ax.set_visible(False)
    fig.suptitle(f"graphflow bench on {report.machine.get('cpu', '?')}, {report.machine.get('usable_cores')} cores",
                 fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
