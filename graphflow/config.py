"""gf.config: process-wide switches for running functions and for the graph optimiser.

`run_functions_eagerly` makes every gf.function run its Python body eagerly (for debugging).
`optimizer.set_experimental_options` turns compiler passes on and off; the compiler reads
`optimizer.get_experimental_options()` (or `pass_enabled(name)`) when it builds a plan.
`threading` sets the threads kernels use (graphflow/threading_config.py).
"""
from __future__ import annotations

import os as _os
import threading as _threading
import types

from . import threading_config as threading  # noqa: F401  gf.config.threading, as in TensorFlow

_lock = _threading.Lock()
_run_eagerly = [False]   # a list so readers on the gf.function hot path need one load

#: Passes of graphflow's compiler and their defaults, named like TensorFlow's Grappler options.
DEFAULT_OPTIMIZER_OPTIONS = {
    "constant_folding": True,
    "arithmetic_optimization": True,          # algebraic simplification
    "common_subexpression_elimination": True,
    "remapping": True,                        # matmul/conv + bias + activation fusion
    "fusion": True,                           # elementwise/reduction fusion into generated kernels
    "memory_optimization": True,              # liveness-based buffer reuse, in-place updates
    "dependency_optimization": True,          # pruning of dead ops and redundant control edges
}


def run_functions_eagerly(run_eagerly: bool) -> None:
    """Make every gf.function run its Python function eagerly (True) or traced (False)."""
    _run_eagerly[0] = bool(run_eagerly)


def functions_run_eagerly() -> bool:
    return _run_eagerly[0]


experimental_run_functions_eagerly = run_functions_eagerly   # TensorFlow's deprecated alias


class _Optimizer:
    """gf.config.optimizer: switches for the graph passes (TensorFlow's Grappler options)."""

    def __init__(self):
        self._options = dict(DEFAULT_OPTIMIZER_OPTIONS)
        self._jit = False

    def set_experimental_options(self, options: dict) -> None:
        """Turn passes on or off, e.g. `{'constant_folding': False}`. Unknown keys are kept too."""
        with _lock:
            for key, value in dict(options).items():
                self._options[str(key)] = value

    def get_experimental_options(self) -> dict:
        with _lock:
            return dict(self._options)

    def pass_enabled(self, name: str) -> bool:
        return bool(self._options.get(name, True))

    def reset(self) -> None:
        """Back to the defaults (tests use it)."""
        with _lock:
            self._options = dict(DEFAULT_OPTIMIZER_OPTIONS)
            self._jit = False

    def set_jit(self, enabled) -> None:
        self._jit = bool(enabled)

    def get_jit(self) -> bool:
        return self._jit


optimizer = _Optimizer()


class PhysicalDevice(types.SimpleNamespace):
    pass


def list_physical_devices(device_type: str | None = None) -> list:
    """graphflow runs on the CPU only: one CPU device, no GPUs."""
    cpu = PhysicalDevice(name="/physical_device:CPU:0", device_type="CPU")
    return [cpu] if device_type in (None, "CPU") else []


def list_logical_devices(device_type: str | None = None) -> list:
    cpu = PhysicalDevice(name="/device:CPU:0", device_type="CPU")
    return [cpu] if device_type in (None, "CPU") else []


experimental = types.SimpleNamespace(
    list_physical_devices=list_physical_devices,
    set_memory_growth=lambda device, enable: None,
    enable_op_determinism=lambda: None,
)


# ---- bounded caches ---------------------------------------------------------------------------------
# Compiled kernels (per process) and traced concrete functions (per gf.function) are kept in LRU
# caches: a long fuzzing or serving process that retraces forever otherwise grows without bound
# (issue 11 measured 1.7 GB). The layers that own the caches register how to measure them.

_cache_limits = {"compiled_kernels": int(_os.environ.get("GRAPHFLOW_MAX_KERNELS", 512)),
                 "concrete_functions": int(_os.environ.get("GRAPHFLOW_MAX_TRACES", 64))}
_cache_sizes: dict = {}


def set_cache_limits(compiled_kernels: int | None = None, concrete_functions: int | None = None) -> None:
    """Bound the compiled-kernel cache (process-wide) and the traces kept per gf.function.
    Least recently used entries beyond a limit are dropped (a dropped trace is retraced on use)."""
    for key, value in (("compiled_kernels", compiled_kernels), ("concrete_functions", concrete_functions)):
        if value is not None:
            if int(value) < 1:
                raise ValueError(f"set_cache_limits: {key} must be at least 1, got {value}")
            _cache_limits[key] = int(value)


def cache_limit(name: str) -> int:
    return _cache_limits[name]


def register_cache_size(name: str, size) -> None:
    """`size()` returns the current number of entries of cache `name` (called by get_cache_info)."""
    _cache_sizes[name] = size


def get_cache_info() -> dict:
    """{cache name: {"size": entries now, "limit": the LRU bound}} for the compiled kernels and
    the concrete functions (summed over live gf.functions; the limit is per function)."""
    return {name: {"size": int(_cache_sizes[name]()) if name in _cache_sizes else 0, "limit": limit}
            for name, limit in _cache_limits.items()}
