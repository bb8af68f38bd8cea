"""Keras's process-wide state: unique layer names, float precision, epsilon and the seed stream.

Everything else in gf.keras is stateless or keeps its state in gf.Variables.
"""
from __future__ import annotations

import collections
import contextlib
import random
import re
import threading

import numpy as np

from .. import context as ctx_mod

_lock = threading.Lock()
_name_counts: collections.Counter = collections.Counter()
_state = {"floatx": "float32", "epsilon": 1e-7, "rng": None, "image_data_format": "channels_last"}


def to_snake_case(name: str) -> str:
    """`MaxPooling2D` -> `max_pooling2d`, as Keras names layers from their class."""
    s = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    s = re.sub(r"([a-z])([A-Z])", r"\1_\2", s).lower()
    return s.lstrip("_") or "layer"


def unique_name(prefix: str) -> str:
    """`dense`, then `dense_1`, `dense_2`... per prefix until `clear_session()`."""
    with _lock:
        n = _name_counts[prefix]
        _name_counts[prefix] += 1
    return prefix if n == 0 else f"{prefix}_{n}"


_session_resets: list = []     # what else clear_session resets (the dtype policy, logging switches)


def on_clear_session(reset) -> None:
    """Register `reset()` to run on clear_session: for Keras state kept above this module."""
    _session_resets.append(reset)


def clear_session(free_memory: bool = True) -> None:
    """Reset the automatic layer names (the next Dense is `dense` again) and, as Keras 3 does, the
    global dtype policy, interactive logging and the flash-attention switch (not floatx or epsilon)."""
    with _lock:
        _name_counts.clear()
    for reset in _session_resets:
        reset()


def floatx() -> str:
    return _state["floatx"]


def set_floatx(value: str) -> None:
    if value not in ("float16", "float32", "float64"):
        raise ValueError(f"Unknown floatx type: {value!r}; expected float16, float32 or float64")
    _state["floatx"] = value


def epsilon() -> float:
    """The fuzz factor losses clip probabilities with (1e-7, as Keras)."""
    return _state["epsilon"]


def set_epsilon(value: float) -> None:
    _state["epsilon"] = float(value)


def image_data_format() -> str:
    return _state["image_data_format"]


def set_image_data_format(data_format: str) -> None:
    data_format = str(data_format).lower()
    if data_format not in ("channels_first", "channels_last"):
        raise ValueError("The `data_format` argument must be one of {'channels_first', 'channels_last'}. "
                         f"Received: data_format={data_format}")
    _state["image_data_format"] = data_format


def rng() -> np.random.Generator:
    """The generator unseeded initializers and fit's shuffling draw from."""
    with _lock:
        if _state["rng"] is None:
            _state["rng"] = np.random.default_rng()
        return _state["rng"]


def set_random_seed(seed: int) -> None:
    """Seed Python's `random`, numpy, graphflow's random ops and Keras's own stream at once."""
    if not isinstance(seed, (int, np.integer)):
        raise ValueError(f"set_random_seed expects an integer seed, got {seed!r}")
    from ..ops.random import set_seed
    seed = int(seed)
    random.seed(seed)
    np.random.seed(seed % (2**32))
    set_seed(seed)
    with _lock:
        _state["rng"] = np.random.default_rng(seed)


@contextlib.contextmanager
def state_scope():
    """Where Keras creates weights, slots and metric totals: eagerly, outside any graph being
    traced and unseen by tapes (TF's init_scope), so they exist once and keep their values."""
    with ctx_mod.init_scope(), ctx_mod.eager_mode(), ctx_mod.eager_name_scope(""):   # Keras 3 names ignore
        yield                                                                          # tf.name_scope


def standardize_dtype(dtype) -> str:
    """A dtype's Keras name ("float32", "int64"...) from a name, numpy or graphflow dtype; None: floatx()."""
    from .. import dtypes
    if dtype is None:
        return floatx()
    if dtype in (int, "int"):
        return "int64"
    if dtype in (float, "float"):
        return "float32"
    if dtype in (bool, "bool"):
        return "bool"
    name = getattr(dtype, "name", None)
    return dtypes.as_dtype(name if isinstance(name, str) else np.dtype(dtype).name).name
