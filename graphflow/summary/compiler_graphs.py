"""The compiler's before/after pair for TensorBoard: the program as traced and as optimised (fused
kernels as nodes of their own, listing the ops they replaced), as two runs of one log directory."""
from __future__ import annotations

import os

from ..explain import explain
from .event_writer import EventWriter
from .graph_def import graph_def

BEFORE, AFTER = "before", "after"


def write_explanation(explanation, logdir: str) -> tuple[str, str]:
    """Write an Explanation's input program to `logdir/before` and its optimised program to
    `logdir/after`; returns the two run directories."""
    runs = []
    for run, program in ((BEFORE, explanation.input_program), (AFTER, explanation.program)):
        path = os.path.join(os.fspath(logdir), run)
        writer = EventWriter(path)
        try:
            writer.add_graph_def(graph_def(program), 0)
        finally:
            writer.close()
        runs.append(path)
    return runs[0], runs[1]


def write_compiler_graphs(logdir: str, fn_or_graph, *args, **explain_options) -> tuple[str, str]:
    """Explain `fn_or_graph` (as `graphflow.explain` takes it) and write the before/after graphs."""
    return write_explanation(explain(fn_or_graph, *args, **explain_options), logdir)
