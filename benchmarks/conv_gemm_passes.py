"""The three passes of W7's second convolution (64x13x13x32 * 3x3x32x64, VALID; --sweep: other
image sizes too): the row-unfolded GEMMs of kernels/conv_gemm.py against an earlier version of
that module (`--base`, by default the commit before the per-image GEMMs: shifted GEMMs over the
whole batch's unfolded rows, with an output of HU rows per image copied into y, dy copied into HU
rows per image and a fold that zeroes dx and adds into it). --narrow adds few channels (C = 1, 2,
3, 8), conv_gemm against conv.py's im2col passes: where conv_gemm.MIN_UNFOLDED draws the line.

With one thread (graphflow's threading off, one BLAS thread) a pass is timed in CPU time of this
thread, which a busy machine moves little; with two in wall time and in the process's CPU time
(the work both threads did), the passes split into blocks of images on gemm_pool's threads as in a
plan. Each setting runs in a process of its own (--threads: only one of them). The forms are
interleaved round by round; lowest and median per pass in ms, and the ratio of the medians
(base / new: above 1, the new form is faster).

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE PYTHONPATH=$PWD \\
        python benchmarks/conv_gemm_passes.py [--rounds 30] [--sweep] [--narrow]
"""
from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
BASE = "42009f8"          # shifted GEMMs over the whole batch (conv_gemm.py before the per-image GEMMs)
W7_CONV2 = ((64, 13, 13, 32), (3, 3, 32, 64), "VALID")
# --sweep: small images make many small per-image GEMMs (4x4: 16 rows each), big ones few big ones
SWEEP = [((64, 4, 4, 64), (3, 3, 64, 64), "SAME"), ((256, 6, 6, 32), (3, 3, 32, 32), "SAME"),
         ((8, 56, 56, 64), (3, 3, 64, 64), "SAME")]
# --narrow: few channels, conv_gemm against conv.py's im2col passes (conv_gemm.MIN_UNFOLDED)
NARROW = [((64, 28, 28, 1), (3, 3, 1, 32), "VALID"), ((64, 28, 28, 2), (3, 3, 2, 32), "SAME"),
          ((64, 28, 28, 3), (3, 3, 3, 32), "SAME"), ((64, 28, 28, 8), (3, 3, 8, 32), "SAME")]
ONE_THREAD = {"GRAPHFLOW_THREADING": "off", "OPENBLAS_NUM_THREADS": "1", "NUMBA_NUM_THREADS": "1"}
TWO_THREADS = {}      # graphflow's default: a thread per core


def load_base(ref: str):
    """conv_gemm.py as of git `ref`, imported as a sibling module of graphflow.kernels (its
    relative imports resolve there; numba caches it beside its temporary file)."""
    source = subprocess.run(["git", "-C", str(ROOT), "show", f"{ref}:graphflow/kernels/conv_gemm.py"],
                            check=True, capture_output=True, text=True).stdout
    path = Path(tempfile.mkdtemp(prefix="conv_gemm_base_")) / "conv_gemm_base.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("graphflow.kernels.conv_gemm_base", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def passes(module, x, w, dy, g):
    """{pass: fn} for one version of conv_gemm, its work buffers allocated once, as a plan does."""
    out, dw, dx = np.empty(dy.shape, np.float32), np.empty(w.shape, np.float32), np.empty(x.shape, np.float32)
    fwd, flt, inp = ([np.zeros(shape, np.float32) for shape in module.scratch_shapes(g, call)]
                     for call in ("forward", "filter_grad", "input_grad"))
    return {"forward": lambda: module.forward(x, w, g, out, *fwd),
            "filter grad": lambda: module.filter_grad(x, dy, g, dw, *flt),
            "input grad": lambda: module.input_grad(dy, w, g, dx, *inp)}, (out, dw, dx)


def im2col_passes(x, w, dy, geometry):
    """{pass: fn} of conv.py's im2col passes (rows or planes, as fast.py calls them)."""
    from graphflow.kernels import conv
    (n, oh, ow, o), k = dy.shape, w.shape[0] * w.shape[1] * w.shape[2]
    m = n * oh * ow
    out, dw, dx, col = (np.empty(s, np.float32) for s in (dy.shape, w.shape, x.shape, (m, k)))
    return {"forward": lambda: conv.forward(x, w.reshape(k, o), geometry, out.reshape(m, o), col),
            "filter grad": lambda: conv.filter_grad(x, dy.reshape(m, o), geometry, dw.reshape(k, o), col),
            "input grad": lambda: conv.input_grad(dy.reshape(m, o), w.reshape(k, o), geometry, dx)}, (out, dw, dx)


def run(rounds: int, threads: int, base_ref: str, cases: list, narrow: bool) -> None:
    from graphflow import threading_config
    threading_config.start()
    base = load_base(base_ref)
    for case in cases:
        time_case(rounds, threads, base_ref, *case,
                  lambda x, w, dy, geometry, g: passes(base, x, w, dy, base.Geometry(*g)))
    for case in NARROW if narrow else []:
        time_case(rounds, threads, "im2col", *case, lambda x, w, dy, geometry, g: im2col_passes(x, w, dy, geometry))


def time_case(rounds: int, threads: int, base_name: str, x_shape, w_shape, padding, base_passes) -> None:
    from graphflow.kernels import conv_gemm, fast
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal(x_shape).astype(np.float32), rng.standard_normal(w_shape).astype(np.float32)
    geometry = fast.conv_geometry(x_shape, w_shape[:2], {"strides": (1, 1), "padding": padding})
    dy = rng.standard_normal((x_shape[0], geometry[8], geometry[9], w_shape[3])).astype(np.float32)
    g = conv_gemm.Geometry(*x_shape, *w_shape[:2], w_shape[3], *geometry[3:])      # whatever `applies` says
    forms = {"base": base_passes(x, w, dy, geometry, g), "new": passes(conv_gemm, x, w, dy, g)}
    for fns, _ in forms.values():
        for fn in fns.values():
            fn()                                   # compile or load the kernels
    for a, b in zip(forms["base"][1], forms["new"][1]):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-3 * max(1.0, float(np.abs(a).max())))
    clocks = {"thread CPU": time.thread_time} if threads == 1 else {"wall": time.perf_counter,
                                                                     "process CPU": time.process_time}
    times = {(c, f, p): [] for c in clocks for f in forms for p in forms[f][0]}
    for _ in range(rounds):
        for p in forms["new"][0]:
            for f, (fns, _) in forms.items():
                t0 = {c: clock() for c, clock in clocks.items()}
                fns[p]()
                for c, clock in clocks.items():
                    times[c, f, p].append(clock() - t0[c])
    name = "W7 conv2 " if (x_shape, w_shape, padding) == W7_CONV2 else ""
    print(f"{name}{x_shape} * {w_shape} {padding}, {threads} thread(s), {rounds} rounds, base {base_name}, "
          f"load {os.getloadavg()[0]:.2f}")
    for c in clocks:       # process CPU: the work both threads did (what splitting adds), whatever the load
        for p in forms["new"][0]:
            med = {f: float(np.median(times[c, f, p])) for f in forms}
            row = "   ".join(f"{f} lowest {1e3 * min(times[c, f, p]):5.2f} median {1e3 * med[f]:5.2f}" for f in forms)
            print(f"  {c:11s} {p:12s} {row}   base/new {med['base'] / med['new']:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--threads", type=int, choices=(1, 2), help="only this setting (default: both)")
    parser.add_argument("--base", default=BASE, help="git ref of the conv_gemm.py to compare against")
    parser.add_argument("--sweep", action="store_true", help="also other image sizes (SWEEP)")
    parser.add_argument("--narrow", action="store_true", help="also few channels against conv.py's im2col (NARROW)")
    parser.add_argument("--child", type=int, choices=(1, 2), help=argparse.SUPPRESS)   # this process times
    args = parser.parse_args()
    if args.child:
        run(args.rounds, args.child, args.base, [W7_CONV2] + (SWEEP if args.sweep else []), args.narrow)
        return
    for threads, env in ((1, ONE_THREAD), (2, TWO_THREADS)):
        if args.threads in (None, threads):     # each in a process of its own: thread counts are set at start
            subprocess.run([sys.executable, __file__, "--rounds", str(args.rounds), "--child", str(threads),
                            "--base", args.base] + [f"--{flag}" for flag in ("sweep", "narrow") if getattr(args, flag)],
                           check=True, env={**os.environ, **env})


if __name__ == "__main__":
    main()
