"""Fast kernels of the recurrent sequence ops: ops/recurrent.py's drivers with numba step functions.

The drivers (the loop over time, numpy's matmul for the recurrent product, the O(T) reserve
buffers) are the reference kernels' own; the per-step gate pass changes, from a dozen numpy
calls to one compiled loop (kernels/rnn_cells.py), and the recurrent kernel's gradient (one
whole-sequence product) goes through gemm_pool, as compiled plans' big matmuls do. Set as
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


FAST_KERNELS = {
    "LSTMSequence": _fast(recurrent.lstm_forward, "lstm_step"),
    "LSTMSequenceGrad": _fast(recurrent.lstm_backward, "lstm_step_grad", product=gemm_pool.matmul),
    "GRUSequence": _fast(recurrent.gru_forward, "gru_step"),
    "GRUSequenceGrad": _fast(recurrent.gru_backward, "gru_step_grad", product=gemm_pool.matmul),
    "SimpleRNNSequence": _fast(recurrent.simple_forward, "simple_step"),
    "SimpleRNNSequenceGrad": _fast(recurrent.simple_backward, "simple_step_grad", product=gemm_pool.matmul),
}

for _name, _fn in FAST_KERNELS.items():
    get(_name).fast_kernel = _fn
