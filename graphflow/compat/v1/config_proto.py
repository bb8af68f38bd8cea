"""tf.compat.v1.ConfigProto and GPUOptions: the Session options TF1 programs pass.

`Session(config=ConfigProto(intra_op_parallelism_threads=...))` sets the threads graphflow's kernels
use if no kernel has run yet (graphflow/threading_config.py), as the first Session's config sizes
TensorFlow's process-wide pools. The placement and GPU fields are kept and read back: graphflow runs
on the CPU only, where every placement is soft and there is no GPU memory to grow.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields


def _checked(message: str, values: dict) -> dict:
    known = {f.name: f for f in fields(message)}
    for key, value in values.items():
        f = known.get(key)
        if f is None:
            raise ValueError(f'Protocol message {message.__name__} has no "{key}" field.')
        if f.type == "int" and (isinstance(value, bool) or not hasattr(value, "__index__")):
            raise TypeError(f"{message.__name__}.{key}: expected an int, got {value!r} ({type(value).__name__})")
        if f.type == "bool" and not isinstance(value, bool):
            raise TypeError(f"{message.__name__}.{key}: expected a bool, got {value!r} ({type(value).__name__})")
    return values


@dataclass
class GPUOptions:
    allow_growth: bool = False
    per_process_gpu_memory_fraction: float = 0.0
    visible_device_list: str = ""

    def __init__(self, **kwargs):
        for f in fields(GPUOptions):
            setattr(self, f.name, f.default)
        for key, value in _checked(GPUOptions, kwargs).items():
            setattr(self, key, value)


@dataclass
class ConfigProto:
    """Session options. Thread counts: 0 lets the system pick (see gf.config.threading)."""
    intra_op_parallelism_threads: int = 0
    inter_op_parallelism_threads: int = 0
    allow_soft_placement: bool = False
    log_device_placement: bool = False
    device_count: dict = field(default_factory=dict)
    gpu_options: GPUOptions = field(default_factory=GPUOptions)

    def __init__(self, **kwargs):
        self.intra_op_parallelism_threads = self.inter_op_parallelism_threads = 0
        self.allow_soft_placement = self.log_device_placement = False
        self.device_count, self.gpu_options = {}, GPUOptions()
        for key, value in _checked(ConfigProto, kwargs).items():
            setattr(self, key, dict(value) if key == "device_count" else value)
