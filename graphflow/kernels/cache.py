"""The compiled-kernel cache: generated modules on disk, numba's object cache beside them.

Generated source is written to `<cache dir>/<toolchain>/gfk_<key>.py` and imported under the
module name `gfk_<key>`, registered in `sys.modules` *before* it runs: numba's `cache=True`
needs that to find the module again when a later process loads the cached machine code
(BENCHMARKS.md). The cache dir is `$GRAPHFLOW_CACHE_DIR`, else the user's cache dir. Writes are
atomic (temp file + os.replace), so concurrent processes never see half a file. The toolchain
directory name hashes the Python, numpy and numba versions and the helper modules generated
code imports (scalar.py, fastmath.py): numba checks only the kernel file's own timestamp, so a
change in a helper must change the directory. A corrupt or stale entry is deleted and
compiled again; if that fails too the caller falls back to the reference kernel.
"""
from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import sys
import tempfile
import threading
import warnings

_lock = threading.RLock()
_modules: dict = {}
_toolchain = [None]
stats = {"memory_hits": 0, "disk_loads": 0, "compiles": 0, "repairs": 0}


def cache_root() -> str:
    root = os.environ.get("GRAPHFLOW_CACHE_DIR")
    if root:
        return os.path.abspath(root)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "graphflow")


def toolchain_tag() -> str:
    if _toolchain[0] is None:
        import numba
        import numpy
        h = hashlib.sha256(f"{sys.version}|{numpy.__version__}|{numba.__version__}".encode())
        here = os.path.dirname(os.path.abspath(__file__))
        for name in ("scalar.py", "fastmath.py"):
            try:
                with open(os.path.join(here, name), "rb") as f:
                    h.update(f.read())
            except OSError:
                pass
        _toolchain[0] = "kernels-" + h.hexdigest()[:12]
    return _toolchain[0]


def kernel_dir() -> str:
    return os.path.join(cache_root(), toolchain_tag())


def _atomic_write(path: str, text: str) -> None:
    d = os.path.dirname(path)
    os.makedirs(d, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=d, prefix=".tmp-", suffix=".py")
    try:
        with os.fdopen(fd, "w") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _is_cached_on_disk(directory: str, name: str) -> bool:
    pyc = os.path.join(directory, "__pycache__")
    try:
        return any(f.startswith(name + ".") and f.endswith(".nbi") for f in os.listdir(pyc))
    except OSError:
        return False


def is_warm(key: str) -> bool:
    """Whether the kernel is already in this process or in numba's cache on disk."""
    name = f"gfk_{key}"
    return name in _modules or _is_cached_on_disk(kernel_dir(), name)


def _forget(directory: str, name: str) -> None:
    sys.modules.pop(name, None)
    pyc = os.path.join(directory, "__pycache__")
    try:
        for f in os.listdir(pyc):
            if f.startswith(name + "."):
                os.unlink(os.path.join(pyc, f))
    except OSError:
        pass


def load(key: str, source: str, attr: str = "kernel"):
    """The compiled function `attr` of the generated module with this key and source."""
    name = f"gfk_{key}"
    with _lock:
        mod = _modules.get(name)
        if mod is not None:
            stats["memory_hits"] += 1
            return getattr(mod, attr)
        directory = kernel_dir()
        path = os.path.join(directory, name + ".py")
        warm = _is_cached_on_disk(directory, name)
        try:
            with open(path) as f:
                fresh = f.read() != source
        except OSError:
            fresh = True
        if fresh:                       # missing, truncated or foreign: (re)write, drop stale objects
            _forget(directory, name)
            _atomic_write(path, source)
            warm = False
        try:
            mod = _import(name, path)
        except Exception as first:      # noqa: BLE001  corrupt numba cache entry: start over once
            stats["repairs"] += 1
            warnings.warn(f"graphflow: kernel cache entry {name} was unusable ({type(first).__name__}: "
                          f"{first}); recompiling", RuntimeWarning, stacklevel=2)
            _forget(directory, name)
            _atomic_write(path, source)
            mod = _import(name, path)
            warm = False
        stats["disk_loads" if warm else "compiles"] += 1
        _modules[name] = mod
        return getattr(mod, attr)


def _import(name: str, path: str):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod          # numba's cache locator looks the module up by name
    try:
        spec.loader.exec_module(mod)
    except BaseException:
        sys.modules.pop(name, None)
        raise
    return mod


def clear(memory_only: bool = False) -> None:
    """Forget loaded kernels (and, unless memory_only, delete this toolchain's cache dir)."""
    with _lock:
        for name in list(_modules):
            sys.modules.pop(name, None)
        _modules.clear()
        if not memory_only:
            shutil.rmtree(kernel_dir(), ignore_errors=True)
