"""The compile pipeline shared by Session.run and gf.function: prune -> passes -> lower -> plan.

    specialise (passes/program.py)   the fetched part of the user's graph, feeds as placeholders
    passes (passes/manager.py)       dependency tidying, folding, simplification, CSE, fusion,
                                     remapping, memory planning; switches in gf.config.optimizer
    lower (kernels/lower.py)         fused groups -> generated numba kernels (kernels/codegen.py,
                                     cached on disk by kernels/cache.py), MatMul -> BLAS, softmax
                                     family -> hand-written kernels, everything else -> reference
    plan (kernels/plan.py)           one straight-line Python function per feed-shape signature
"""
from __future__ import annotations

from typing import Optional

from .kernels.plan import CompiledPlan


def compile_plan(graph, fetch_tensors, fetch_ops, feed_tensors, options: Optional[dict] = None):
    """A callable plan computing `fetch_tensors` (and running `fetch_ops`) from fed arrays.

    `plan(list_of_fed_arrays) -> list_of_fetched_arrays`. `options` may switch passes (the keys
    of gf.config.optimizer.set_experimental_options), set `jit_after` (calls interpreted before
    compiling; 1 compiles at once) and `parallel` (allow multi-threaded kernels).
    """
    return CompiledPlan(graph, fetch_tensors, fetch_ops, feed_tensors, options)
