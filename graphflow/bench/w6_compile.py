"""W6: compile cost vs graph size. A float32 vector of 1024; a chain of K elementwise ops
alternating x*1.0001 and x+0.5; the time of the first call (trace + optimise + compile + run).

Each measurement runs in a fresh Python process, so nothing compiled earlier helps: `cold` with
an empty GRAPHFLOW_CACHE_DIR, `warm` with the cache the cold process left. Like the peers (JAX's
runner jits a one-op function first), a process warms numba up on an unrelated one-op graph
before the timed call: numba's one-time initialisation (~0.5 s, mostly importing scipy.linalg for
BLAS) is a process cost, reported separately as `numba_init_s`. Modes:
  graph-compiled          Session.run compiling on the first call (GRAPHFLOW_JIT_AFTER=1)
  graph-compiled tiered   the default: the first call runs the reference interpreter, the second
                          compiles; first_call_s is the first call, compile_s the second's cost
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

from .row import GRAPH_COMPILED, Row

WORKLOAD = "W6"
DESCRIPTION = "first-call time of a K-op elementwise chain (trace + optimise + compile + run)"
KS = (10, 100, 1000)
QUICK_KS = (10, 100)


def chain(x, k: int):
    for i in range(k):
        x = x * 1.0001 if i % 2 == 0 else x + 0.5
    return x


def _child(k: int, jit_after: int, repeat: int) -> dict:
    """Runs in the fresh process: the figures for one K, as a dict."""
    t0 = time.perf_counter()
    import numpy as np

    import graphflow as gf
    from graphflow.kernels import cache
    import_s = time.perf_counter() - t0

    t0 = time.perf_counter()        # numba's one-time start-up, on an unrelated graph
    warm = gf.Graph()
    with warm.as_default():
        p = gf.compat.v1.placeholder(gf.float32, [4])
        y = p - 0.25
    sess = gf.compat.v1.Session(graph=warm)
    sess.run(y, {p: np.ones(4, np.float32)})
    sess.run(y, {p: np.ones(4, np.float32)})
    numba_init_s = time.perf_counter() - t0
    before = dict(cache.stats)

    x_np = np.random.RandomState(0).standard_normal(1024).astype(np.float32)
    t0 = time.perf_counter()
    graph = gf.Graph()
    with graph.as_default():
        x = gf.compat.v1.placeholder(gf.float32, [1024])
        out = chain(x, k)
    sess = gf.compat.v1.Session(graph=graph)
    first = sess.run(out, {x: x_np})
    first_call_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    sess.run(out, {x: x_np})
    second_call_s = time.perf_counter() - t0
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        got = sess.run(out, {x: x_np})
        times.append(time.perf_counter() - t0)
    want = x_np
    for i in range(k):
        want = want * np.float32(1.0001) if i % 2 == 0 else want + np.float32(0.5)
    plan = next(iter(sess._plans.values()))
    ex = plan.executable()
    return {"import_s": import_s, "numba_init_s": numba_init_s, "first_call_s": first_call_s,
            "second_call_s": second_call_s, "median_s": sorted(times)[len(times) // 2], "min_s": min(times),
            "max_s": max(times), "compile_s": plan.compile_seconds,
            "agrees": bool(np.allclose(first, want, rtol=1e-5) and np.allclose(got, want, rtol=1e-5)),
            "ops_before": ex.stats[0]["ops_before"] if ex.stats else None,
            "ops_after": ex.stats[-1]["ops_after"] if ex.stats else None,
            "kernels": len(ex.kernels), "distinct_kernels": len({s.key for s in ex.kernels}),
            "kernel_compiles": cache.stats["compiles"] - before["compiles"],
            "kernel_disk_loads": cache.stats["disk_loads"] - before["disk_loads"]}


def measure_in_subprocess(k: int, cache_dir: str, jit_after: int, repeat: int = 20) -> dict:
    env = dict(os.environ, GRAPHFLOW_CACHE_DIR=cache_dir, GRAPHFLOW_JIT_AFTER=str(jit_after))
    env.pop("GRAPHFLOW_STRICT", None)
    code = (f"import json, sys; from graphflow.bench.w6_compile import _child; "
            f"print(json.dumps(_child({k}, {jit_after}, {repeat})))")
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "child failed")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _row(k, mode, fig, temperature) -> Row:
    return Row(WORKLOAD, mode, case=f"K={k}", median_s=fig["median_s"], min_s=fig["min_s"], max_s=fig["max_s"],
               repeats=20, first_call_s=fig["first_call_s"], compile_s=fig["compile_s"],
               ops_before=fig["ops_before"], ops_after=fig["ops_after"], kernels=fig["kernels"],
               agrees=fig["agrees"], status="ok" if fig["agrees"] else "disagrees",
               note=f"{temperature} cache: {fig['kernel_compiles']} compiled, {fig['kernel_disk_loads']} loaded",
               extra={"cache": temperature, **{key: fig[key] for key in ("import_s", "numba_init_s",
                                                                           "second_call_s", "distinct_kernels")}})


def run(size=None, repeat: int | None = None, quick: bool = False) -> list[Row]:
    """size: the list of K (default 10, 100, 1000; quick: 10, 100)."""
    ks = (size if isinstance(size, (list, tuple)) else [size]) if size else (QUICK_KS if quick else KS)
    rows = []
    for k in ks:
        tmp = tempfile.mkdtemp(prefix="graphflow-w6-")
        try:
            for temperature in ("cold", "warm"):
                fig = measure_in_subprocess(int(k), tmp, jit_after=1, repeat=repeat or 20)
                rows.append(_row(k, GRAPH_COMPILED + ("" if temperature == "cold" else " warm"), fig, temperature))
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        tmp = tempfile.mkdtemp(prefix="graphflow-w6-")
        try:
            fig = measure_in_subprocess(int(k), tmp, jit_after=2, repeat=repeat or 20)
            row = _row(k, GRAPH_COMPILED + " tiered", fig, "cold")
            row.compile_s = fig["second_call_s"]
            row.note = "first call interpreted; " + row.note + f"; 2nd call compiles in {fig['second_call_s']:.3f}s"
            rows.append(row)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return rows
