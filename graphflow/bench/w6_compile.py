"""W6: compile cost vs graph size. A float32 vector of 1024; a chain of K elementwise ops
alternating x*1.0001 and x+0.5; the time of the first call (trace + optimise + compile + run).

Each measurement runs in a fresh Python process, so nothing compiled earlier in a process helps.
Fused groups of a graph whose kernels are not cached run first through the expression
interpreter (kernels/exprvm.py), compiled once per toolchain: `interp_build_s` is that one-time
compile, measured once per run in its own process; every cache directory below starts with only
the interpreter in it. Like the peers (TF's and JAX's runners call a one-op function first), a
process runs an unrelated one-op graph before the timed call: numba's one-time start-up in a
process (importing numba, its target, loading the interpreter) is reported as `numba_init_s`, and
`import_s` is `import graphflow`; `trace_s` is the part of the first call spent building the graph
(the chain's Python, as tf.function's tracing). Modes (all Session.run compiling on the first call,
GRAPHFLOW_JIT_AFTER=1, except the tiered one):
  graph-compiled              cold: the graph's kernels are not cached; the first call runs its
                              groups in the interpreter, the second compiles them (compile_s)
  graph-compiled warm         a new process after that one: the optimised program (plan cache) and
                              the kernels load from the cache; its groups are interpreted first too
  graph-compiled warm, no plan cache   the same with GRAPHFLOW_PLAN_CACHE=0: the passes run again
  graph-compiled specialised  cold, no interpreter (GRAPHFLOW_TIER_UP_AFTER=0): the first call
                              compiles every kernel, as a new machine's first process does
  graph-compiled tiered       the default (GRAPHFLOW_JIT_AFTER=2): the first call runs the reference
                              interpreter on the user's graph; compile_s is the second call's cost
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


def _child(k: int, jit_after: int, repeat: int, import_s: float) -> dict:
    """Runs in the fresh process (after timing `import graphflow`): the figures for one K."""
    import numpy as np

    import graphflow as gf
    from graphflow.kernels import cache, plan_cache

    t0 = time.perf_counter()        # numba's one-time start-up, on an unrelated graph run once
    warm = gf.Graph()
    with warm.as_default():
        p = gf.compat.v1.placeholder(gf.float32, [4])
        y = p - 0.25
    gf.compat.v1.Session(graph=warm).run(y, {p: np.ones(4, np.float32)})
    numba_init_s = time.perf_counter() - t0
    before, plans_before = dict(cache.stats), dict(plan_cache.stats)

    x_np = np.random.RandomState(0).standard_normal(1024).astype(np.float32)
    t0, c0 = time.perf_counter(), time.process_time()
    graph = gf.Graph()
    with graph.as_default():
        x = gf.compat.v1.placeholder(gf.float32, [1024])
        out = chain(x, k)
    trace_s, trace_cpu_s = time.perf_counter() - t0, time.process_time() - c0      # building the graph
    sess = gf.compat.v1.Session(graph=graph)
    first = sess.run(out, {x: x_np})
    first_call_s = time.perf_counter() - t0
    first_call_cpu_s = time.process_time() - c0     # what a busy machine's waiting does not inflate
    plan = next(iter(sess._plans.values()))
    first_ex = plan.executable() if plan._execs else None
    interpreted = len(first_ex.pending) if first_ex is not None else 0
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
    ex = plan.executable()
    return {"import_s": import_s, "numba_init_s": numba_init_s, "first_call_s": first_call_s,
            "first_call_cpu_s": first_call_cpu_s, "trace_s": trace_s, "trace_cpu_s": trace_cpu_s,
            "plan_cache_hits": plan_cache.stats["hits"] - plans_before["hits"],
            "second_call_s": second_call_s, "median_s": sorted(times)[len(times) // 2], "min_s": min(times),
            "max_s": max(times), "compile_s": plan.compile_seconds,
            "agrees": bool(np.allclose(first, want, rtol=1e-5) and np.allclose(got, want, rtol=1e-5)),
            "bit_identical_tiers": bool(np.array_equal(first, got)),
            "ops_before": ex.stats[0]["ops_before"] if ex.stats else None,
            "ops_after": ex.stats[-1]["ops_after"] if ex.stats else None,
            "kernels": len(ex.kernels), "distinct_kernels": len({s.key for s in ex.kernels}),
            "interpreted_groups": interpreted,
            "kernel_compiles": cache.stats["compiles"] - before["compiles"],
            "kernel_disk_loads": cache.stats["disk_loads"] - before["disk_loads"]}


def build_interpreter(cache_dir: str) -> float:
    """Compile the float32 expression interpreter into `cache_dir` in a new process; its seconds."""
    code = ("import json, time; t0 = time.perf_counter(); from graphflow.kernels import exprvm; "
            "exprvm.load('float32'); print(json.dumps(time.perf_counter() - t0))")
    return float(_run_child(code, dict(os.environ, GRAPHFLOW_CACHE_DIR=cache_dir)))


def _run_child(code: str, env: dict) -> str:
    env.pop("GRAPHFLOW_STRICT", None)
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=900)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "child failed")
    return proc.stdout.strip().splitlines()[-1]


def measure_in_subprocess(k: int, cache_dir: str, jit_after: int, repeat: int = 20, tier_up_after: int = 1,
                          plan_cache: bool = True) -> dict:
    env = dict(os.environ, GRAPHFLOW_CACHE_DIR=cache_dir, GRAPHFLOW_JIT_AFTER=str(jit_after),
               GRAPHFLOW_TIER_UP_AFTER=str(tier_up_after), GRAPHFLOW_PLAN_CACHE="1" if plan_cache else "0")
    code = ("import json, time; t0 = time.perf_counter(); import graphflow; t = time.perf_counter() - t0; "
            f"from graphflow.bench.w6_compile import _child; print(json.dumps(_child({k}, {jit_after}, {repeat}, t)))")
    return json.loads(_run_child(code, env))


_EXTRA = ("import_s", "numba_init_s", "first_call_cpu_s", "trace_s", "trace_cpu_s", "plan_cache_hits",
          "second_call_s", "distinct_kernels", "interpreted_groups", "bit_identical_tiers")


def _row(k, mode, fig, temperature, interp_build_s=None) -> Row:
    extra = {"cache": temperature, **{key: fig[key] for key in _EXTRA}}
    if interp_build_s is not None:
        extra["interp_build_s"] = interp_build_s
    return Row(WORKLOAD, mode, case=f"K={k}", median_s=fig["median_s"], min_s=fig["min_s"], max_s=fig["max_s"],
               repeats=20, first_call_s=fig["first_call_s"], compile_s=fig["compile_s"],
               ops_before=fig["ops_before"], ops_after=fig["ops_after"], kernels=fig["kernels"],
               agrees=fig["agrees"], status="ok" if fig["agrees"] else "disagrees",
               note=(f"{temperature} cache: {fig['kernel_compiles']} compiled, {fig['kernel_disk_loads']} loaded, "
                     f"{fig['interpreted_groups']} interpreted, "
                     f"plan {'cached' if fig['plan_cache_hits'] else 'built'}; "
                     f"first call CPU {fig['first_call_cpu_s'] * 1e3:.1f}ms (graph building "
                     f"{fig['trace_cpu_s'] * 1e3:.1f}ms); "
                     f"numba start-up {fig['numba_init_s']:.2f}s; import {fig['import_s']:.2f}s"),
               extra=extra)


def run(size=None, repeat: int | None = None, quick: bool = False) -> list[Row]:
    """size: the list of K (default 10, 100, 1000; quick: 10, 100)."""
    ks = (size if isinstance(size, (list, tuple)) else [size]) if size else (QUICK_KS if quick else KS)
    rows = []
    base = tempfile.mkdtemp(prefix="graphflow-w6-interp-")
    try:
        interp_build_s = build_interpreter(base)
        for k in ks:
            rows += _rows_for(int(k), base, repeat or 20, interp_build_s)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    return rows


def _fresh_dir(base: str) -> str:
    """A cache directory holding only the interpreter (a copy of `base`)."""
    tmp = tempfile.mkdtemp(prefix="graphflow-w6-")
    shutil.copytree(base, tmp, dirs_exist_ok=True)
    return tmp


def _rows_for(k: int, base: str, repeat: int, interp_build_s: float) -> list[Row]:
    rows = []
    tmp = _fresh_dir(base)
    try:
        for temperature in ("cold", "warm"):
            fig = measure_in_subprocess(k, tmp, jit_after=1, repeat=repeat)
            row = _row(k, GRAPH_COMPILED + ("" if temperature == "cold" else " warm"), fig, temperature,
                       interp_build_s)
            if temperature == "cold":
                row.compile_s = fig["second_call_s"]
                row.note += f"; 2nd call compiles in {fig['second_call_s']:.3f}s"
            rows.append(row)
        fig = measure_in_subprocess(k, tmp, jit_after=1, repeat=repeat, plan_cache=False)
        rows.append(_row(k, GRAPH_COMPILED + " warm, no plan cache", fig, "warm", interp_build_s))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    tmp = tempfile.mkdtemp(prefix="graphflow-w6-")
    try:
        fig = measure_in_subprocess(k, tmp, jit_after=1, repeat=repeat, tier_up_after=0)
        rows.append(_row(k, GRAPH_COMPILED + " specialised", fig, "cold, no interpreter"))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    tmp = _fresh_dir(base)
    try:
        fig = measure_in_subprocess(k, tmp, jit_after=2, repeat=repeat)
        row = _row(k, GRAPH_COMPILED + " tiered", fig, "cold", interp_build_s)
        row.compile_s = fig["second_call_s"]
        row.note = (f"first call: reference interpreter; {row.note}; "
                    f"2nd call builds in {fig['second_call_s']:.3f}s")
        rows.append(row)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return rows
