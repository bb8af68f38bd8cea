"""Keras masks: a boolean tensor (batch, timesteps) riding along with a layer's output.

Keras sets `tensor._keras_mask`; graphflow tensors have fixed slots, so the mask lives in a side
table keyed by the tensor's identity and dropped when the tensor is collected. Layers read the
mask of their inputs (a `mask` argument of `call`), and losses read the mask of `y_pred`.
"""
from __future__ import annotations

import threading
import weakref

_masks: dict = {}
_lock = threading.Lock()


def any_masks() -> bool:
    """False while no live tensor has a mask (the common case: layer calls skip mask work)."""
    return bool(_masks)


def get_mask(x):
    """The mask attached to tensor `x`, or None."""
    entry = _masks.get(id(x))
    if entry is None or entry[0]() is not x:
        return None
    return entry[1]


def set_mask(x, mask) -> None:
    """Attach `mask` to `x` (None removes it). Non-tensors (no weak references) are skipped."""
    key = id(x)
    if mask is None:
        with _lock:
            _masks.pop(key, None)
        return
    try:
        ref = weakref.ref(x, lambda _, key=key: _forget(key))
    except TypeError:
        return
    with _lock:
        _masks[key] = (ref, mask)


def _forget(key) -> None:
    with _lock:
        entry = _masks.get(key)
        if entry is not None and entry[0]() is None:
            del _masks[key]
