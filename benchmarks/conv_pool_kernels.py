"""The few-channel convolution and tiled max-pool kernels against the general ones they stand in
for, on W7's shapes and one thread: im2col_planes against row-major im2col (alone and with the
products of conv.forward / conv.filter_grad), the im2col passes in runs of images that fit L2
(conv.CHUNK_BYTES) against one run, max_pool_tiled, max_pool_2x2 and max_pool_grad_tiled against
max_pool and max_pool_grad.

Times are CPU time of this thread (time.thread_time) with one BLAS thread, so a busy machine
measures the kernels rather than the scheduler; the forms run interleaved round by round and the
lowest and median of each are printed in milliseconds, with the ratio of the medians.

    OPENBLAS_NUM_THREADS=1 GRAPHFLOW_THREADING=off PYTHONPATH=$PWD python benchmarks/conv_pool_kernels.py [--rounds 30]

--blocks instead times W7's tiled pools in one call against batch_blocks' blocks on the pool's
threads (wall and process CPU time, the load average beside them): run it with threading on.

    PYTHONPATH=$PWD python benchmarks/conv_pool_kernels.py --blocks [--rounds 300]
"""
from __future__ import annotations

import argparse
import os
import time

import numpy as np

from graphflow.kernels import batch_blocks, conv, fast, pool

VALID = {"strides": (1, 1), "padding": "VALID"}
# im2col alone: (input, filter window), W7's first conv and more channels (MAX_PLANE_CHANNELS)
GATHERS = {"C=1 64x28x28x1 3x3 (W7 conv1)": ((64, 28, 28, 1), (3, 3)),
           "C=3 64x28x28x3 3x3": ((64, 28, 28, 3), (3, 3)),
           "C=6 64x28x28x6 3x3": ((64, 28, 28, 6), (3, 3)),
           "C=8 64x28x28x8 3x3": ((64, 28, 28, 8), (3, 3))}
CONV1 = ((64, 28, 28, 1), (3, 3, 1, 32))
# the im2col passes in runs of CHUNK_BYTES or in one run: (input, filter, padding)
CHUNKED = {"W7 conv1 64x28x28x1 * 3x3x1x32": ((64, 28, 28, 1), (3, 3, 1, 32), "VALID"),
           "64x28x28x3 * 3x3x3x32 SAME": ((64, 28, 28, 3), (3, 3, 3, 32), "SAME"),
           "64x28x28x8 * 3x3x8x32 SAME": ((64, 28, 28, 8), (3, 3, 8, 32), "SAME")}
POOLS = {"pool1 64x26x26x32": (64, 26, 26, 32), "pool2 64x11x11x64": (64, 11, 11, 64)}


def _gather_forms(xs, window):
    x = np.random.default_rng(0).standard_normal(xs).astype(np.float32)
    g = fast.conv_geometry(xs, window, VALID)
    m, k = xs[0] * g[8] * g[9], window[0] * window[1] * xs[3]
    rows, planes = np.empty((m, k), np.float32), np.empty((k, m), np.float32)
    return {"im2col rows": lambda: conv.im2col(x, *g, rows),
            "im2col planes": lambda: conv.im2col_planes(x, *g, planes)}


def _conv_forms():
    """conv.forward and conv.filter_grad on W7's first conv, gathering rows or planes."""
    (xs, ws), rng = CONV1, np.random.default_rng(0)
    x, w = rng.standard_normal(xs).astype(np.float32), rng.standard_normal(ws).astype(np.float32)
    g = fast.conv_geometry(xs, ws[:2], VALID)
    m, k, o = xs[0] * g[8] * g[9], ws[0] * ws[1] * ws[2], ws[3]
    dy = rng.standard_normal((m, o)).astype(np.float32)
    col, out, dw = np.empty((m, k), np.float32), np.empty((m, o), np.float32), np.empty((k, o), np.float32)

    def both(limit):
        def run(call):
            conv.MAX_PLANE_CHANNELS = limit
            call()
        return run
    rows, planes = both(0), both(conv.MAX_PLANE_CHANNELS)
    fwd = lambda: conv.forward(x, w.reshape(k, o), g, out, col)       # noqa: E731
    flt = lambda: conv.filter_grad(x, dy, g, dw, col)                   # noqa: E731
    return {"forward, rows": lambda: rows(fwd), "forward, planes": lambda: planes(fwd),
            "filter grad, rows": lambda: rows(flt), "filter grad, planes": lambda: planes(flt)}


def _chunk_forms(xs, ws, padding):
    """conv.forward and conv.filter_grad in runs of CHUNK_BYTES and in one run of the batch."""
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal(xs).astype(np.float32), rng.standard_normal(ws).astype(np.float32)
    g = fast.conv_geometry(xs, ws[:2], {"strides": (1, 1), "padding": padding})
    m, k, o = xs[0] * g[8] * g[9], ws[0] * ws[1] * ws[2], ws[3]
    dy = rng.standard_normal((m, o)).astype(np.float32)
    col, out, dw = np.empty((m, k), np.float32), np.empty((m, o), np.float32), np.empty((k, o), np.float32)
    chunk = conv.CHUNK_BYTES

    def sized(size, call):
        def run():
            conv.CHUNK_BYTES = size
            call()
        return run
    fwd = lambda: conv.forward(x, w.reshape(k, o), g, out, col)       # noqa: E731
    flt = lambda: conv.filter_grad(x, dy, g, dw, col)                   # noqa: E731
    return {"forward, one run": sized(1 << 62, fwd), "forward, chunks": sized(chunk, fwd),
            "filter grad, one run": sized(1 << 62, flt), "filter grad, chunks": sized(chunk, flt)}


def _pool_forms(xs):
    rng = np.random.default_rng(0)
    x = rng.standard_normal(xs).astype(np.float32)
    kh, kw, sh, sw, ph, pw, oh, ow = fast.pool_geometry(xs, {"ksize": (2, 2), "strides": (2, 2), "padding": "VALID"})
    y = np.empty((xs[0], oh, ow, xs[3]), np.float32)
    pool.max_pool(x, kh, kw, sh, sw, ph, pw, y)
    dy, dx = rng.standard_normal(y.shape).astype(np.float32), np.empty(xs, np.float32)
    return {"max_pool": lambda: pool.max_pool(x, kh, kw, sh, sw, ph, pw, y),
            "max_pool_tiled": lambda: pool.max_pool_tiled(x, kh, kw, sh, sw, y),
            "max_pool_2x2": lambda: pool.max_pool_2x2(x, sh, sw, y),
            "max_pool_grad": lambda: pool.max_pool_grad(x, y, dy, kh, kw, sh, sw, ph, pw, dx),
            "max_pool_grad_tiled": lambda: pool.max_pool_grad_tiled(x, y, dy, kh, kw, sh, sw, dx)}


def _timed(forms: dict, rounds: int) -> dict:
    for f in forms.values():
        f()                                     # compile, fault the buffers in
    times = {name: [] for name in forms}
    for _ in range(rounds):
        for name, f in forms.items():
            t0 = time.thread_time()
            f()
            times[name].append((time.thread_time() - t0) * 1e3)
    return times


def _print(title: str, times: dict, pairs) -> None:
    print(title)
    for name, ts in times.items():
        print(f"  {name:24s} lowest {min(ts):7.3f}  median {float(np.median(ts)):7.3f} ms")
    for old, new in pairs:
        print(f"  {old} / {new}: {float(np.median(times[old]) / np.median(times[new])):.2f}x")


def blocks(rounds: int) -> None:
    """W7's tiled pools in one call and in batch_blocks' blocks, wall and CPU time."""
    forms = {}
    for title, xs in POOLS.items():
        for name, f in _pool_forms(xs).items():
            if name.endswith(("_tiled", "_2x2")):
                kernel = getattr(pool, name)
                forms[f"{title} {name}, one call"] = f
                forms[f"{title} {name}, blocks"] = _split(kernel, f)
    load0 = os.getloadavg()[0]
    for f in forms.values():
        f()
    wall, cpu = {name: [] for name in forms}, {name: [] for name in forms}
    for _ in range(rounds):
        for name, f in forms.items():
            c0, t0 = time.process_time(), time.perf_counter()
            f()
            wall[name].append((time.perf_counter() - t0) * 1e3)
            cpu[name].append((time.process_time() - c0) * 1e3)
    print(f"load average {load0:.1f} -> {os.getloadavg()[0]:.1f}; blocks: {batch_blocks.blocks(64, 1 << 40)}")
    for name in forms:
        print(f"  {name:48s} wall lowest {min(wall[name]):6.3f} median {float(np.median(wall[name])):6.3f}"
              f"  cpu median {float(np.median(cpu[name])):6.3f} ms")


def _split(kernel, call):
    """`call` with `kernel` swapped for batch_blocks.per_image(kernel) in the pool module."""
    name, in_blocks = kernel.__name__, batch_blocks.per_image(kernel)

    def run():
        setattr(pool, name, in_blocks)
        try:
            call()
        finally:
            setattr(pool, name, kernel)
    return run


def main(rounds: int) -> None:
    limit = conv.MAX_PLANE_CHANNELS
    for title, (xs, window) in GATHERS.items():
        _print(f"gather {title}", _timed(_gather_forms(xs, window), rounds), [("im2col rows", "im2col planes")])
    _print("W7 conv1 64x28x28x1 * 3x3x1x32, with the product", _timed(_conv_forms(), rounds),
           [("forward, rows", "forward, planes"), ("filter grad, rows", "filter grad, planes")])
    conv.MAX_PLANE_CHANNELS = limit
    chunk = conv.CHUNK_BYTES
    for title, (xs, ws, padding) in CHUNKED.items():
        _print(f"{title}, in runs of {chunk} bytes or one run", _timed(_chunk_forms(xs, ws, padding), rounds),
               [("forward, one run", "forward, chunks"), ("filter grad, one run", "filter grad, chunks")])
    conv.CHUNK_BYTES = chunk
    for title, xs in POOLS.items():
        _print(f"W7 {title} 2x2/2 VALID", _timed(_pool_forms(xs), rounds),
               [("max_pool", "max_pool_tiled"), ("max_pool", "max_pool_2x2"),
                ("max_pool_grad", "max_pool_grad_tiled")])


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--blocks", action="store_true", help="the pools in one call against blocks on threads")
    args = parser.parse_args()
    (blocks if args.blocks else main)(args.rounds)
