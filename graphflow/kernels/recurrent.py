"""Fast kernels of the recurrent sequence ops: ops/recurrent.py's drivers with numba step functions.

The drivers (the loop over time, numpy's matmul for the recurrent product, the O(T) reserve
buffers) are the reference kernels' own; the per-step gate pass changes, from a dozen numpy
calls to one compiled loop (kernels/rnn_cells.py), and the recurrent kernel's gradient is computed
in chunks on gemm_pool's helper threads while the backward loop runs (OverlappedKernelGrad). Set as
`OpDef.fast_kernel`, so eager, the interpreter and compiled plans all run it. Declines (returns
None) dtypes other than float32/64.
The numba module is imported on first use, so `import graphflow` does not load numba.
"""
from __future__ import annotations

import numpy as np

from ..ops import recurrent
from ..ops.registry import get
from . import gemm_pool

_FLOATS = frozenset({np.dtype(np.float32), np.dtype(np.float64)})
_cells = None


def _cell(name):
    global _cells
    if _cells is None:
        from . import rnn_cells
        _cells = rnn_cells
    return getattr(_cells, name)


def _fast(driver, step_name, **extra):
    def kernel(*arrays, **attrs):
        if any(a.dtype not in _FLOATS or a.dtype != arrays[0].dtype for a in arrays):
            return None
        return driver(_cell(step_name), *arrays, **attrs, **extra)
    kernel.__name__ = f"{driver.__name__}_fast"
    return kernel


# Chunks of the recurrent kernel's gradient: about CHUNKS per sequence, at least MIN_CHUNK_STEPS
# steps each (W8: 50 steps in 5 chunks of 10, each 128x320 @ 320x512, 0.45 ms on one core, as long
# as the loop takes for those 10 steps).
CHUNKS, MIN_CHUNK_STEPS = 5, 8


class OverlappedKernelGrad(recurrent.RecurrentKernelGrad):
    """The recurrent kernel's gradient computed while backpropagation through time runs: each
    chunk of steps the loop has finished is one product (h_{s-1}^T dz_s over the chunk) queued on
    gemm_pool's helper threads, the chunks' partial sums added at the end. A helper that gets no
    core leaves its chunks to the caller, which computes them after the loop as before. Sequences
    whose whole product is too small for the pool run as the reference does, with gemm_pool's
    matmul for the big product."""

    def __init__(self, h0, hs, dz):
        super().__init__(h0, hs, dz)
        t, b, g = dz.shape
        big = h0.shape[1] * g * b * max(t - 1, 0) >= gemm_pool.MIN_MACS
        self.bg = gemm_pool.background() if big else None
        self.chunk = max(MIN_CHUNK_STEPS, -(-t // CHUNKS))
        self.start = t              # steps [s, start) are done and not yet queued
        self.parts = []

    def __enter__(self):
        if self.bg is not None:
            self.bg.__enter__()
        return self

    def __exit__(self, *exc):
        return self.bg.__exit__(*exc) if self.bg is not None else False

    def product(self, a, b, out):
        gemm_pool.matmul(a, b, out)

    def done(self, s):
        if self.bg is None or s == 0 or (self.start - s < self.chunk and s > 1):
            return
        u, g = self.h0.shape[1], self.dz.shape[2]
        a, b = self.hs[s - 1:self.start - 1].reshape(-1, u).T, self.dz[s:self.start].reshape(-1, g)
        part = np.empty((u, g), self.dz.dtype)
        self.parts.append(part)
        self.bg.submit([lambda: np.matmul(a, b, out=part)])
        self.start = s

    def result(self):
        if self.bg is None:
            return super().result()
        h0, dz = self.h0, self.dz
        out = np.empty((h0.shape[1], dz.shape[2]), dz.dtype)
        recurrent.step_matmul(h0.T, dz[0], out)
        self.bg.finish()
        for part in self.parts:
            out += part
        return out


FAST_KERNELS = {
    "LSTMSequence": _fast(recurrent.lstm_forward, "lstm_step"),
    "LSTMSequenceGrad": _fast(recurrent.lstm_backward, "lstm_step_grad", weight_grad=OverlappedKernelGrad),
    "GRUSequence": _fast(recurrent.gru_forward, "gru_step"),
    "GRUSequenceGrad": _fast(recurrent.gru_backward, "gru_step_grad", weight_grad=OverlappedKernelGrad),
    "SimpleRNNSequence": _fast(recurrent.simple_forward, "simple_step"),
    "SimpleRNNSequenceGrad": _fast(recurrent.simple_backward, "simple_step_grad", weight_grad=OverlappedKernelGrad),
}

for _name, _fn in FAST_KERNELS.items():
    get(_name).fast_kernel = _fn
