"""W2: dispatch overhead. A float32 scalar; x = x + 1.0 applied 100 times.

Eager cost per op against a numpy 0-d array, and the graph cost per call of the whole chain
(Session.run with a feed; gf.function when available).
"""
from __future__ import annotations

import numpy as np

import graphflow as gf

from .timing import measure

CHAIN = 100


def numpy_chain(x):
    for _ in range(CHAIN):
        x = x + np.float32(1.0)
    return x


def eager_chain(x):
    for _ in range(CHAIN):
        x = x + 1.0
    return x


def run(repeat: int = 30) -> list[dict]:
    rows = []
    x_np = np.asarray(1.0, dtype=np.float32)
    t_np = measure(lambda: numpy_chain(x_np), repeat=repeat)
    rows.append({"workload": "W2", "mode": "numpy", "per_op_us": t_np.median / CHAIN * 1e6, **t_np.as_dict()})
    with gf.eager_mode():
        x = gf.constant(1.0)
        expected = float(eager_chain(x))
        t_e = measure(lambda: eager_chain(x), repeat=repeat)
    rows.append({"workload": "W2", "mode": "eager", "per_op_us": t_e.median / CHAIN * 1e6, **t_e.as_dict()})
    graph = gf.Graph()
    with graph.as_default():
        p = gf.compat.v1.placeholder(gf.float32, [])
        y = eager_chain(p)
    for optimize, mode in ((False, "graph-interpreted"), (True, "graph-compiled")):
        sess = gf.compat.v1.Session(graph=graph, optimize=optimize)
        got = float(sess.run(y, {p: 1.0}))
        assert got == expected, (mode, got, expected)
        t = measure(lambda: sess.run(y, {p: 1.0}), repeat=repeat)
        rows.append({"workload": "W2", "mode": mode, "per_call_us": t.median * 1e6, **t.as_dict()})
    return rows
