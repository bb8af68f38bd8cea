"""graphflow.compat.v2: the TF2 API, which is graphflow's top-level API itself.

Names resolve lazily on the `graphflow` package: importing this module needs `graphflow`, which
is always imported first (it is this module's parent), and `graphflow/__init__` imports compat.
"""
from __future__ import annotations

import sys


def _api():
    return sys.modules["graphflow"]


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    try:
        return getattr(_api(), name)
    except AttributeError:
        raise AttributeError(f"module 'graphflow.compat.v2' has no attribute {name!r}") from None


def __dir__():
    return sorted(n for n in dir(_api()) if not n.startswith("_"))
