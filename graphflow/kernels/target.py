"""The numba/BLAS backend as a target: what it can run (asked by the passes through
`PassConfig.target`) and how it builds kernels (read by `plan.lower_program`).

The compiler driver (graphflow/compiler.py) makes one per plan and hands it to both, so the passes
learn what the kernels render without importing them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from . import cache, codegen, lower, sgd


def load_cached(src):
    """The compiled kernel of a KernelSource, from the on-disk cache (compiling on a miss)."""
    return cache.load(src.key, src.source)


_render_memo: dict = {}


@dataclass(frozen=True)
class KernelTarget:
    """`allow_parallel`: generated loops may use threads; `load_kernel(KernelSource)` returns the
    callable kernel (explain passes one that only keeps the source); `strict`: a lowering that
    fails raises instead of falling back to the op's reference kernel; `interpret`: fused groups
    run through the expression interpreter (exprvm.py) until the compiler tiers up."""
    allow_parallel: bool = True
    load_kernel: Callable = load_cached
    strict: bool = False
    interpret: bool = False

    def can_render(self, opdef, in_dtypes: tuple, out_dtype) -> bool:
        key = (opdef, in_dtypes, out_dtype)
        ok = _render_memo.get(key)
        if ok is None:
            ok = _render_memo[key] = codegen.can_render(opdef, in_dtypes, out_dtype)
        return ok

    def writes_into_buffer(self, op) -> bool:
        return lower.writes_into_buffer(op)

    def inplace_ok(self, op) -> bool:
        return lower.inplace_ok(op)

    def gemm_update_ok(self, dtype, n_elements: int) -> bool:
        return n_elements >= sgd.MIN_ELEMENTS and sgd.gemm_for(dtype.np) is not None
