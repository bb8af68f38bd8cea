"""Run one random program in every execution mode, each at least twice so the compiled tier runs.

    eager                 the ops run as they are called (twice: the result must not change)
    graph_interpreted     a TF1 graph run by Session(optimize=False): the reference interpreter
    graph_compiled        Session(): the first run interprets, the second runs the compiled plan
    function              gf.function: the first call interprets its trace, the second compiles

Each mode returns its outputs as numpy arrays, or the exception it raised.
"""
from __future__ import annotations

import warnings

import numpy as np

import graphflow as gf


def _quiet(fn):
    def run(prog):
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            try:
                return fn(prog)
            except Exception as e:        # noqa: BLE001  compared across modes by the caller
                return e
    return run


@_quiet
def eager(prog):
    runs = [[t.numpy() for t in prog.run([gf.constant(a) for a in prog.inputs])] for _ in range(2)]
    return runs


def _session_runs(prog, optimize):
    graph = gf.Graph()
    with graph.as_default():
        holders = [gf.compat.v1.placeholder(gf.as_dtype(a.dtype), a.shape) for a in prog.inputs]
        outs = prog.run(holders)
    feeds = dict(zip(holders, prog.inputs))
    with gf.compat.v1.Session(graph=graph, optimize=optimize) as sess:
        return [[np.asarray(v) for v in sess.run(outs, feed_dict=feeds)] for _ in range(2)]


@_quiet
def graph_interpreted(prog):
    return _session_runs(prog, optimize=False)


@_quiet
def graph_compiled(prog):
    return _session_runs(prog, optimize=True)


@_quiet
def function(prog):
    f = gf.function(lambda *xs: prog.run(list(xs)))
    args = [gf.constant(a) for a in prog.inputs]
    return [[t.numpy() for t in f(*args)] for _ in range(2)]


MODES = {"eager": eager, "graph_interpreted": graph_interpreted, "graph_compiled": graph_compiled,
         "function": function}
