"""The pass manager: runs the pipeline of `Graph -> Graph` passes with switches, dumps and checks.

Each pass is a module with `run(graph, config) -> (graph, stats)`; the manager records per-pass
op counts and times, calls `config.dump(name, graph)` after each pass, and in debug mode
(`config.verify`, or GRAPHFLOW_VERIFY_PASSES=1) verifies the invariants after each one.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from types import ModuleType
from typing import Optional

from . import cse, deps, fold, fuse, inplace_update, memory, prune, remap, simplify
from .config import PassConfig
from .program import Program
from .verify import verify


@dataclass(frozen=True)
class Pass:
    name: str
    module: ModuleType
    switch: Optional[str]      # None: always runs (pruning is needed for correctness)


PIPELINE = (
    Pass("dependency_optimization", deps, "dependency_optimization"),
    Pass("constant_folding", fold, "constant_folding"),
    Pass("arithmetic_optimization", simplify, "arithmetic_optimization"),
    Pass("common_subexpression_elimination", cse, "common_subexpression_elimination"),
    Pass("constant_folding_2", fold, "constant_folding"),
    Pass("prune", prune, None),
    Pass("fusion", fuse, "fusion"),
    Pass("remapping", remap, "remapping"),
    Pass("inplace_update", inplace_update, "remapping"),    # rewrites what remapping fused
    Pass("memory_optimization", memory, "memory_optimization"),
)


def run(graph: Program, config: Optional[PassConfig] = None, pipeline=PIPELINE):
    """Run the pipeline; returns (optimised program, stats list with one dict per pass run)."""
    config = config or PassConfig()
    stats = []
    if config.dump is not None:
        config.dump("input", graph)
    if config.verify:
        verify(graph, "input")
    for p in pipeline:
        if p.switch is not None and not config.on(p.switch):
            continue
        before = len(graph.operations)
        t0 = time.perf_counter()
        graph, st = p.module.run(graph, config)
        entry = {"pass": p.name, "ops_before": before, "ops_after": len(graph.operations),
                 "seconds": time.perf_counter() - t0, **(st or {})}
        stats.append(entry)
        if config.verify:
            verify(graph, p.name)
        if config.dump is not None:
            config.dump(p.name, graph)
    return graph, stats


def op_counts(graph) -> dict:
    counts: dict = {}
    for op in graph.operations:
        counts[op.type] = counts.get(op.type, 0) + 1
    return dict(sorted(counts.items()))
