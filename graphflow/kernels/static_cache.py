"""Where numba caches the hand-written kernel modules (softmax.py, conv.py, pool.py).

numba's default keeps a module's compiled code beside its source (`graphflow/kernels/__pycache__`),
falls back to the user's numba cache, and refuses to decorate a `cache=True` function when
neither is writable: a read-only install with no writable home got no compiled softmax, and
GRAPHFLOW_CACHE_DIR was ignored. These modules pass `cache=cache_option()` instead: True with a
locator that puts their code in `<kernel cache dir>/static` (under GRAPHFLOW_CACHE_DIR, keyed
by toolchain like the generated kernels), or False when that directory is not writable, in which
case numba compiles them in memory once per process.
"""
from __future__ import annotations

import os

from numba.core import caching

from . import cache

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep
_CACHE_IMPL = getattr(caching, "CacheImpl", None) or caching._CacheImpl    # renamed in numba 0.6x


def static_dir() -> str:
    return os.path.join(cache.kernel_dir(), "static")


class KernelModuleLocator(caching._SourceFileBackedLocatorMixin, caching._CacheLocator):
    """numba cache locator for functions defined in graphflow/kernels/*.py."""

    def __init__(self, py_func, py_file):
        self._py_file = py_file
        self._lineno = py_func.__code__.co_firstlineno
        self._cache_path = static_dir()

    def get_cache_path(self) -> str:
        return self._cache_path

    @classmethod
    def from_function(cls, py_func, py_file):
        if not os.path.abspath(py_file).startswith(_PACKAGE_DIR):
            return None       # not ours: numba's own locators decide
        return super().from_function(py_func, py_file)


def cache_option() -> bool:
    """The `cache=` argument for njit in the hand-written kernel modules."""
    if not cache.writable(static_dir()):
        return False
    if KernelModuleLocator not in _CACHE_IMPL._locator_classes:
        _CACHE_IMPL._locator_classes.insert(0, KernelModuleLocator)
    return True
