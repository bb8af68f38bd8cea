"""W4: the W3 training step at 784-1024-1024-10, batch 512 (BLAS-bound; see w3_mlp for the modes)."""
from __future__ import annotations

from .row import Row
from .w3_mlp import W4, MLPConfig, run_config

WORKLOAD = "W4"
DESCRIPTION = "MLP 784-1024-1024-10 training step, batch 512, SGD (time per step)"


def run(size: int | None = None, repeat: int | None = None, quick: bool = False) -> list[Row]:
    """size: the batch (default 512)."""
    cfg = MLPConfig(W4.sizes, int(size or W4.batch))
    return run_config(cfg, WORKLOAD, repeat or (5 if quick else 20), max_time=30.0)
