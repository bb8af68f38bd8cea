"""The suite: run the selected workloads with the peers interleaved, and assemble the report.

Per workload, every found peer's process starts first (graphflow.bench.peer_runner); while the
workload runs, `run_modes` times graphflow's modes and the peers' modes of the same case in the
same rounds (graphflow.bench.rounds). Cases a workload measures otherwise (W5's epochs, W6's
fresh processes) are run by the peers right after it.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from ..kernels import interpreter_build
from . import peer_runner, progress, rounds, workloads
from .machine import load_average, machine_info
from .report import Report, add_ratios, mark_noisy
from .row import EAGER, FUNCTION, GRAPH_COMPILED, GRAPH_INTERPRETED, KERAS_COMPILED, KERAS_EAGER, NUMPY, Row

STANDARD_MODES = (NUMPY, EAGER, GRAPH_INTERPRETED, GRAPH_COMPILED, FUNCTION, KERAS_COMPILED, KERAS_EAGER)


@dataclass
class SuiteConfig:
    workloads: list[str] = field(default_factory=lambda: list(workloads.ALL))
    sizes: dict[str, Any] = field(default_factory=dict)     # workload id -> size override
    repeat: int | None = None
    quick: bool = True           # the default suite fits in 2 minutes; --full uses BENCHMARKS.md sizes
    peers: list[str] = field(default_factory=list)
    command: str = "graphflow bench"


def run_suite(config: SuiteConfig, listener: Callable[[str], None] | None = None,
              modules: dict[str, Any] | None = None) -> Report:
    """Run every selected workload, the peers in the same rounds; never raises for a workload."""
    start = time.perf_counter()
    # no background interpreter build (kernels/interpreter_build.py) competes with the timings;
    # W6 builds the interpreter itself and reports the build as its own column
    os.environ[interpreter_build.ENV] = "off"
    load_at_start = load_average()
    rows: list[Row] = []
    descriptions: dict[str, str] = {}
    found, peer_status = peer_runner.discover(config.peers)
    tracker = progress.SuiteProgress(listener, config.workloads, config.quick, len(found)) if listener else None
    with progress.listening(tracker):
        for k, wid in enumerate(config.workloads):
            if tracker is not None:
                tracker.start_workload(k)
            w = workloads.load(wid, modules)
            descriptions[wid] = w.description
            mine, theirs = run_workload(w, config, found)
            rows += _merge(mine, theirs)
    for peer in found:
        version = next((r.extra["version"] for r in rows if r.framework == peer and "version" in r.extra), "?")
        peer_status[peer] = f"{peer} {version} ({found[peer]})"
    rows += peer_runner.skipped_rows(peer_status, found)
    add_ratios(rows)
    cfg = {"workloads": config.workloads, "sizes": config.sizes, "repeat": config.repeat, "quick": config.quick,
           "peers": config.peers, "peer_status": peer_status}
    machine = machine_info(load_at_start)
    mark_noisy(rows, machine.get("usable_cores"))
    return Report(rows, machine, config.command, descriptions, cfg, time.perf_counter() - start)


def run_workload(w: workloads.Workload, config: SuiteConfig, found: dict[str, str]) -> tuple[list[Row], list[Row]]:
    """(graphflow's rows, the peers' rows) of one workload, timed in shared rounds."""
    size = config.sizes.get(w.id)
    peer_config = {"repeat": config.repeat, "quick": config.quick, "size": size}
    peers = peer_runner.start_workload(found, w.id, peer_config) if found and w.module is not None else []

    def partners(workload: str, case: str) -> list:
        if workload != w.id or not case:
            return []
        return [c for c in (p.prepare([case]) for p in peers) if c is not None]
    load = load_average()
    try:
        with rounds.interleaved(partners):
            mine = workloads.run(w, size=size, repeat=config.repeat, quick=config.quick)
        load = _max_load(load, load_average())
        theirs: list[Row] = []
        for p in peers:
            p.run_remaining(_cases(mine, w.id))
            theirs += p.rows
    finally:
        for p in peers:
            p.process.close()
    for r in mine:    # rows timed outside the rounds (W5's epochs, W6's processes): the workload's load
        if r.timed and r.load_avg is None:
            r.load_avg = load
    return mine, theirs


def _max_load(a: float | None, b: float | None) -> float | None:
    return b if a is None else a if b is None else max(a, b)


def _cases(rows: list[Row], wid: str) -> list[str]:
    """The cases graphflow ran for `wid` in its standard modes, so the peers run the same sizes.

    Cases only a module's own extra rows have (W1's parallel-threshold sweep) stay graphflow's.
    """
    seen: list[str] = []
    for r in rows:
        if r.workload == wid and r.case and r.mode in STANDARD_MODES and r.case not in seen:
            seen.append(r.case)
    return seen


def _merge(mine: list[Row], theirs: list[Row]) -> list[Row]:
    """Peers' rows right after graphflow's rows of the same case."""
    out: list[Row] = []
    cases = list(dict.fromkeys([r.case for r in mine] + [r.case for r in theirs]))
    for case in cases:
        out += [r for r in mine if r.case == case] + [r for r in theirs if r.case == case]
    return out
