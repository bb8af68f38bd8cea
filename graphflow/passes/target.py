"""What the backend can run, as the passes need to know it, without the passes importing it.

The fuser asks whether an op's scalar expression renders for some dtypes; the memory planner
whether a lowered op writes into buffers the plan provides and whether it may write over a dying
input; the in-place update pass whether a weight update pays as one GEMM. The compiler driver
(graphflow/compiler.py) puts the kernels' answers in `PassConfig.target` (kernels/target.py);
passes run alone get `REFERENCE`, the answers for the reference interpreter, which runs every op
with its numpy kernel.
"""
from __future__ import annotations

from typing import Protocol


class Target(Protocol):
    def can_render(self, opdef, in_dtypes: tuple, out_dtype) -> bool:
        """Whether a fused kernel can compute `opdef` over these input dtypes into `out_dtype`."""

    def writes_into_buffer(self, op) -> bool:
        """Whether `op` runs as a compiled step writing its outputs into arrays the plan provides."""

    def inplace_ok(self, op) -> bool:
        """Whether such an op may write an output over a dying input of its shape and dtype."""

    def gemm_update_ok(self, dtype, n_elements: int) -> bool:
        """Whether a weight update of this dtype and size pays as one GEMM on the weight's array."""


class ReferenceTarget:
    """The reference interpreter: fused groups run their members' numpy kernels, so any op with
    a scalar expression fuses; every op allocates its own outputs."""

    def can_render(self, opdef, in_dtypes: tuple, out_dtype) -> bool:
        return opdef.scalar_expr is not None

    def writes_into_buffer(self, op) -> bool:
        return False

    def inplace_ok(self, op) -> bool:
        return False

    def gemm_update_ok(self, dtype, n_elements: int) -> bool:
        return False


REFERENCE = ReferenceTarget()
