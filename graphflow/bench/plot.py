"""`graphflow bench --plot`: the spread of every mode per workload (min, median, max on a log
axis, so a noisy row shows as a long whisker), and W6's compile-time curve.

matplotlib is an optional extra (`pip install 'graphflow[plot]'`); it is imported only here.
"""
from __future__ import annotations

import re
from pathlib import Path

from ..atomic_file import atomic_path
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
        draw_spread(ax, title, rows)
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
    suffix = str(path).rsplit(".", 1)[-1] if "." in str(path) else "png"
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=110, format=suffix)
    plt.close(fig)


COLORS = {"graphflow": "tab:blue", "numpy": "tab:gray", "numba": "tab:gray"}


def draw_spread(ax, title: str, rows) -> None:
    """One panel: a line from min to max per mode with a dot at the median (hollow when noisy)."""
    ys = range(len(rows))
    lows = [r.min_s * 1e3 for r in rows]
    meds = [r.median_s * 1e3 for r in rows]
    highs = [(r.max_s if r.max_s is not None else r.median_s) * 1e3 for r in rows]
    for y, r, lo, med, hi in zip(ys, rows, lows, meds, highs):
        color = COLORS.get(r.framework, "tab:orange")
        ax.plot([lo, hi], [y, y], color=color, linewidth=2, solid_capstyle="butt")
        ax.plot([lo, lo], [y - 0.2, y + 0.2], color=color, linewidth=1)
        ax.plot(med, y, "o", color=color, markersize=5, markerfacecolor="white" if r.noisy else color)
        ax.text(hi, y, " " + fmt_time(r.median_s) + ("*" if r.noisy else ""), va="center", fontsize=6)
    ax.set_yticks(list(ys), [r.mode for r in rows], fontsize=7)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlim(min(lows) / 2, max(highs) * 6)   # room for the labels right of the whiskers
    ax.set_xlabel("ms per unit, log scale: min to max, dot at the median (hollow: noisy)", fontsize=7)
    ax.set_title(title, fontsize=8)
