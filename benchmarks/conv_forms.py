"""The two forms of a convolution pass on W7's shapes: im2col + one GEMM against the row-unfolded
shifted GEMMs (kernels/conv_gemm.py), for the forward pass and both gradients.

Times are CPU time of this thread (time.thread_time) with one BLAS thread, so a shared, busy
machine measures the kernels and not the scheduler; the forms are interleaved round by round and
the lowest and median of each are printed in milliseconds.

    OPENBLAS_NUM_THREADS=1 PYTHONPATH=$PWD python benchmarks/conv_forms.py [--rounds 15]
"""
from __future__ import annotations

import argparse
import time

import numpy as np

from graphflow.kernels import conv, conv_gemm, fast

# W7: (input, filter) of its two convolutions, VALID, stride 1
SHAPES = {"conv1 64x28x28x1 * 3x3x1x32": ((64, 28, 28, 1), (3, 3, 1, 32)),
          "conv2 64x13x13x32 * 3x3x32x64": ((64, 13, 13, 32), (3, 3, 32, 64))}
ATTRS = {"strides": (1, 1), "padding": "VALID"}


def im2col_forms(x, w, dy, geometry):
    m, k, o = dy.shape[0] * dy.shape[1] * dy.shape[2], w.shape[0] * w.shape[1] * w.shape[2], w.shape[3]
    col = np.empty((m, k), np.float32)
    out, dw, dx = np.empty(dy.shape, np.float32), np.empty(w.shape, np.float32), np.empty(x.shape, np.float32)

    def forward():
        conv.im2col(x, *geometry, col)
        np.matmul(col, w.reshape(k, o), out=out.reshape(m, o))

    def filter_grad():
        conv.im2col(x, *geometry, col)
        np.matmul(col.T, dy.reshape(m, o), out=dw.reshape(k, o))

    def input_grad():
        conv.col2im(np.matmul(dy.reshape(m, o), w.reshape(k, o).T), *geometry, dx)
    return {"forward": forward, "filter grad": filter_grad, "input grad": input_grad}


def unfolded_forms(x, w, dy, geometry):
    g = conv_gemm.Geometry(*x.shape, w.shape[0], w.shape[1], w.shape[3], *geometry[3:])
    out, dw, dx = np.empty(dy.shape, np.float32), np.empty(w.shape, np.float32), np.empty(x.shape, np.float32)
    fwd, flt, inp = ([np.empty(shape, np.float32) for shape in conv_gemm.scratch_shapes(g, call)]
                     for call in ("forward", "filter_grad", "input_grad"))     # a plan's reused buffers
    return {"forward": lambda: conv_gemm.forward(x, w, g, out, *fwd),
            "filter grad": lambda: conv_gemm.filter_grad(x, dy, g, dw, *flt),
            "input grad": lambda: conv_gemm.input_grad(dy, w, g, dx, *inp)}


def main(rounds: int) -> None:
    rng = np.random.default_rng(0)
    for name, (xs, ws) in SHAPES.items():
        x, w = rng.standard_normal(xs).astype(np.float32), rng.standard_normal(ws).astype(np.float32)
        geometry = fast.conv_geometry(xs, ws[:2], ATTRS)
        dy = rng.standard_normal((xs[0], geometry[8], geometry[9], ws[3])).astype(np.float32)
        forms = {"im2col": im2col_forms(x, w, dy, geometry), "row-unfolded": unfolded_forms(x, w, dy, geometry)}
        times = {(f, p): [] for f in forms for p in forms[f]}
        for fns in forms.values():
            for fn in fns.values():
                fn()                                   # compile or load the kernels
        for _ in range(rounds):
            for f, fns in forms.items():
                for p, fn in fns.items():
                    t0 = time.thread_time()
                    fn()
                    times[f, p].append(time.thread_time() - t0)
        print(name)
        for (f, p), ts in times.items():
            print(f"  {p:12s} {f:13s} lowest {1e3 * min(ts):6.2f} ms   median {1e3 * float(np.median(ts)):6.2f} ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    main(parser.parse_args().rounds)
