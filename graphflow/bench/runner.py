"""The suite: run the selected workloads (then the peers) and assemble the report."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable

from . import peer_runner, progress, workloads
from .machine import load_average, machine_info
from .report import Report, add_ratios
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
    """Run every selected workload, then every peer on the same cases; never raises for a workload."""
    start = time.perf_counter()
    load_at_start = load_average()
    rows: list[Row] = []
    descriptions: dict[str, str] = {}
    with progress.listening(listener):
        for wid in config.workloads:
            progress.step(f"{wid}: starting")
            w = workloads.load(wid, modules)
            descriptions[wid] = w.description
            rows += workloads.run(w, size=config.sizes.get(wid), repeat=config.repeat, quick=config.quick)
        peer_status: dict[str, str] = {}
        if config.peers:
            cases = {wid: _cases(rows, wid) for wid in config.workloads}
            peer_rows, peer_status = peer_runner.run_peers(config.peers, cases, config.repeat, config.quick,
                                                              config.sizes)
            rows = _merge(rows, peer_rows, config.workloads)
    add_ratios(rows)
    cfg = {"workloads": config.workloads, "sizes": config.sizes, "repeat": config.repeat, "quick": config.quick,
           "peers": config.peers, "peer_status": peer_status}
    return Report(rows, machine_info(load_at_start), config.command, descriptions, cfg, time.perf_counter() - start)


def _cases(rows: list[Row], wid: str) -> list[str]:
    """The cases graphflow ran for `wid` in its standard modes, so the peers run the same sizes.

    Cases only a module's own extra rows have (W1's parallel-threshold sweep) stay graphflow's.
    """
    seen: list[str] = []
    for r in rows:
        if r.workload == wid and r.case and r.mode in STANDARD_MODES and r.case not in seen:
            seen.append(r.case)
    return seen


def _merge(rows: list[Row], peer_rows: list[Row], order: list[str]) -> list[Row]:
    """Peers' rows right after graphflow's rows of the same workload and case."""
    out: list[Row] = []
    for wid in order:
        mine = [r for r in rows if r.workload == wid]
        theirs = [r for r in peer_rows if r.workload == wid]
        cases = list(dict.fromkeys([r.case for r in mine] + [r.case for r in theirs]))
        for case in cases:
            out += [r for r in mine if r.case == case] + [r for r in theirs if r.case == case]
    out += [r for r in rows if r.workload not in order]
    out += [r for r in peer_rows if r.workload not in order]
    return out
