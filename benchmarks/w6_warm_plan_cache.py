"""W6's warm first call at K=1000 with and without the plan cache, in alternating new processes.

Each pair of processes finds the kernels cached; one also finds the optimised program
(kernels/plan_cache.py), the other runs with GRAPHFLOW_PLAN_CACHE=0 (specialisation and every
pass again: the path before the plan cache). Prints each process's first call (wall and CPU)
and the part of it spent building the graph, then min and median per setting.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/w6_warm_plan_cache.py [pairs] [K]
"""
import os
import shutil
import sys
import tempfile

from graphflow.bench.w6_compile import build_interpreter, measure_in_subprocess

FIGURES = ("first_call_s", "first_call_cpu_s", "trace_s", "trace_cpu_s")


def main(pairs: int = 8, k: int = 1000) -> None:
    cache_dir = tempfile.mkdtemp(prefix="graphflow-w6-warm-")
    try:
        build_interpreter(cache_dir)
        measure_in_subprocess(k, cache_dir, jit_after=1, repeat=3)       # cold: caches kernels and plan
        rows: dict = {"plan cache": [], "no plan cache": []}
        for i in range(pairs):
            for name, on in (("plan cache", True), ("no plan cache", False)):
                fig = measure_in_subprocess(k, cache_dir, jit_after=1, repeat=3, plan_cache=on)
                rows[name].append(fig)
                print(f"{i} {name}: first call {fig['first_call_s'] * 1e3:.1f} ms wall, "
                      f"{fig['first_call_cpu_s'] * 1e3:.1f} ms CPU (graph building {fig['trace_cpu_s'] * 1e3:.1f} ms "
                      f"CPU); load {os.getloadavg()[0]:.1f}", flush=True)
        for name, figs in rows.items():
            for key in FIGURES:
                v = sorted(f[key] * 1e3 for f in figs)
                print(f"{name:14s} {key:17s} min {v[0]:7.1f} ms  median {v[len(v) // 2]:7.1f} ms")
    finally:
        shutil.rmtree(cache_dir, ignore_errors=True)


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
