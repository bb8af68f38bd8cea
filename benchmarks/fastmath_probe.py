"""Probe: how fast are the graphflow.kernels.fastmath functions in numba loops?

Times GELU (tanh form) over 2**22 float32 values with
  * numpy eager,
  * a numba loop calling np.tanh (scalar libm call, not vectorised),
  * a numba loop calling fast_tanh (serial, vectorised),
  * the same with prange (parallel),
  * a numba parallel copy loop (memory-bandwidth limit),
and, for the compiler's prange decision, serial vs parallel time of the
fast_tanh GELU loop for sizes 2**10 .. 2**22.  Also times a few compile-flag
variants and the other fastmath functions.

    python benchmarks/fastmath_probe.py            # full run (~1 min)
    python benchmarks/fastmath_probe.py --quick    # fewer repetitions
"""

import argparse
import os
import statistics
import sys
import time

import numba
import numpy as np
from numba import prange

try:
    from graphflow.kernels import fastmath as fm
except ImportError:  # running from a checkout without the package installed
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    from graphflow.kernels import fastmath as fm

fast_tanh = fm.fast_tanh

# GELU constants as float32 globals: numba freezes them as float32 constants,
# so the float32 loop never promotes to float64.
HALF = np.float32(0.5)
ONE = np.float32(1.0)
K0 = np.float32(0.7978845608)
K1 = np.float32(0.044715)

# Recommended flags for generated kernels: no nnan/ninf, no reassoc.
FM_SAFE = set(fm.RECOMMENDED_CALLER_FASTMATH)
OPTS = dict(fastmath=FM_SAFE, error_model="numpy")


@numba.njit(**OPTS)
def gelu_tanh(x):
    """Scalar tanh-GELU on float32 (the example the brief asks for)."""
    return HALF * x * (ONE + fast_tanh(K0 * (x + K1 * x * x * x)))


def gelu_numpy(x):
    return 0.5 * x * (1.0 + np.tanh(0.7978845608 * (x + 0.044715 * x * x * x)))


@numba.njit(**OPTS)
def gelu_libm_loop(x, y):
    for i in range(x.size):
        v = x[i]
        y[i] = HALF * v * (ONE + np.tanh(K0 * (v + K1 * v * v * v)))


@numba.njit(**OPTS)
def gelu_fast_loop(x, y):
    for i in range(x.size):
        y[i] = gelu_tanh(x[i])


@numba.njit(parallel=True, **OPTS)
def gelu_fast_prange(x, y):
    for i in prange(x.size):
        y[i] = gelu_tanh(x[i])


@numba.njit(parallel=True, **OPTS)
def copy_prange(x, y):
    for i in prange(x.size):
        y[i] = x[i]


@numba.njit(**OPTS)
def copy_loop(x, y):
    for i in range(x.size):
        y[i] = x[i]


def _gelu_variant(**opts):
    @numba.njit(**opts)
    def loop(x, y):
        for i in range(x.size):
            v = x[i]
            y[i] = HALF * v * (ONE + fast_tanh(K0 * (v + K1 * v * v * v)))
    return loop


def _unary_loop(f, parallel=False):
    if parallel:
        @numba.njit(parallel=True, **OPTS)
        def loop(x, y):
            for i in prange(x.size):
                y[i] = f(x[i])
    else:
        @numba.njit(**OPTS)
        def loop(x, y):
            for i in range(x.size):
                y[i] = f(x[i])
    return loop


def sample_times(fn, args, runs, inner=1):
    """Per-call times of `runs` repetitions (each averaging `inner` calls)."""
    fn(*args)  # warm-up (and compile)
    fn(*args)
    ts = []
    for _ in range(runs):
        t0 = time.perf_counter()
        for _ in range(inner):
            fn(*args)
        ts.append((time.perf_counter() - t0) / inner)
    return ts


def median_time(fn, args, runs, inner=1):
    return statistics.median(sample_times(fn, args, runs, inner))


def fmt_ms(t):
    return f"{t * 1e3:8.3f} ms"


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--runs", type=int, default=None)
    args = ap.parse_args(argv)
    runs = args.runs or (7 if args.quick else 21)

    import llvmlite.binding as llvm
    print(f"numba {numba.__version__}, numpy {np.__version__}, "
          f"threads={numba.get_num_threads()}, "
          f"cpu={numba.core.config.CPU_NAME or llvm.get_host_cpu_name()}")
    n = 2 ** 22
    rng = np.random.default_rng(0)
    x = (rng.standard_normal(n) * 3).astype(np.float32)
    y = np.empty_like(x)

    # correctness of the fast loop against numpy in float64
    ref = gelu_numpy(x.astype(np.float64))
    gelu_fast_loop(x, y)
    print(f"GELU fast vs float64 numpy: max abs err {np.max(np.abs(y - ref)):.3g}")
    gelu_fast_prange(x, y)
    assert np.max(np.abs(y - ref)) < 1e-5

    print(f"\nGELU(tanh) over 2**22 float32, median of {runs} runs after warm-up")
    res = {}
    res["numpy eager"] = median_time(gelu_numpy, (x,), runs)
    res["numba loop, np.tanh (libm)"] = median_time(gelu_libm_loop, (x, y), runs)
    res["numba loop, fast_tanh serial"] = median_time(gelu_fast_loop, (x, y), runs)
    res["numba prange, fast_tanh"] = median_time(gelu_fast_prange, (x, y), runs)
    res["numba serial copy"] = median_time(copy_loop, (x, y), runs)
    res["numba prange copy (memory limit)"] = median_time(copy_prange, (x, y), runs)
    base = res["numba loop, fast_tanh serial"]
    for k, v in res.items():
        print(f"  {k:36s} {fmt_ms(v)}   {v / base:6.2f}x of fast serial")
    print(f"  speed-up fast serial vs np.tanh loop: "
          f"{res['numba loop, np.tanh (libm)'] / base:.1f}x, vs numpy eager: "
          f"{res['numpy eager'] / base:.1f}x")
    print(f"  threading layer: {numba.threading_layer()}")
    print(f"  prange fast / prange copy: "
          f"{res['numba prange, fast_tanh'] / res['numba prange copy (memory limit)']:.2f}")

    print("\nCaller compile flags (serial fast_tanh GELU loop, 2**22 float32)")
    variants = [
        ("fastmath=True, error_model='numpy'", dict(fastmath=True, error_model="numpy")),
        ("fastmath=all but nnan/ninf, 'numpy'",
         dict(fastmath={"contract", "arcp", "reassoc", "nsz", "afn"}, error_model="numpy")),
        ("fastmath=RECOMMENDED (contract,arcp,nsz,afn)", dict(fastmath=FM_SAFE, error_model="numpy")),
        ("fastmath=False, error_model='numpy'", dict(error_model="numpy")),
        ("fastmath=False, error_model='python'", dict()),
    ]
    for label, opts in variants:
        t = median_time(_gelu_variant(**opts), (x, y), runs)
        print(f"  {label:44s} {fmt_ms(t)}")

    print("\nprange threshold: fast_tanh GELU loop, serial vs parallel "
          "(median; min in brackets; serial/parallel runs interleaved)")
    print(f"  {'n':>14s} {'serial':>22s} {'parallel':>22s} {'par/ser':>8s} {'(min)':>6s}")
    first_win = None
    for p in range(10, 23):
        m = 2 ** p
        xs = x[:m].copy()
        ys = np.empty_like(xs)
        inner = max(1, 2 ** 18 // m)
        sser, spar = [], []
        for _ in range(runs):  # interleave so that background load hits both
            sser += sample_times(gelu_fast_loop, (xs, ys), 1, inner)
            spar += sample_times(gelu_fast_prange, (xs, ys), 1, inner)
        ts, tp = statistics.median(sser), statistics.median(spar)
        ratio, rmin = tp / ts, min(spar) / min(sser)
        if ratio < 0.9 and first_win is None:
            first_win = m
        elif ratio >= 0.9:
            first_win = None
        print(f"  2**{p:<2d}={m:>8d} {ts * 1e6:10.1f}us ({min(sser) * 1e6:7.1f}) "
              f"{tp * 1e6:10.1f}us ({min(spar) * 1e6:7.1f}) {ratio:8.2f} {rmin:6.2f}")
    print(f"  parallel wins (median >10% faster, and at all larger sizes) from n = {first_win}")

    print("\nOther functions, 2**22 elements, serial / prange (ms, median; min in brackets)")
    for dt in (np.float32, np.float64):
        xd = x.astype(dt)
        yd = np.empty_like(xd)
        for name in fm.PUBLIC_FUNCTIONS:
            f = getattr(fm, name)
            arg = np.abs(xd) if name in ("fast_log",) else xd
            ts = sample_times(_unary_loop(f), (arg, yd), max(5, runs // 2))
            tp = sample_times(_unary_loop(f, True), (arg, yd), max(5, runs // 2))
            print(f"  {dt.__name__:8s} {name:14s} {statistics.median(ts) * 1e3:7.2f} "
                  f"{statistics.median(tp) * 1e3:7.2f}   (min {min(ts) * 1e3:6.2f} {min(tp) * 1e3:6.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
