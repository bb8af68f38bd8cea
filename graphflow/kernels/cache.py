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

Validation: the module's name is the hash of its source, and the file is compared byte for byte
with the source before use. numba checks its index against the source but not its data files,
so after each compile `gfk_<key>.sha256` records a digest of the entry's numba files; a warm
entry whose files do not match (another kernel's code, truncated, garbage) is rebuilt before it
is imported. A cache directory that cannot be written (a read-only install) is not an error:
kernels are then compiled in memory, once per process.
"""
from __future__ import annotations

import gc
import hashlib
import importlib.util
import os
import shutil
import sys
import tempfile
import threading
import warnings
from collections import OrderedDict
from typing import Optional

from .. import config, threading_config
from ..atomic_file import write_atomic

_lock = threading.RLock()
_modules: OrderedDict = OrderedDict()     # LRU of loaded kernel modules, bounded by gf.config
_toolchain = [None]
_writable: dict = {}     # directory -> whether kernels can be written there (asked once)
stats = {"memory_hits": 0, "disk_loads": 0, "compiles": 0, "repairs": 0, "in_memory": 0}


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


def writable(directory: str) -> bool:
    """Whether `directory` can hold cache files (created if missing); asked once per directory."""
    ok = _writable.get(directory)
    if ok is None:
        try:
            os.makedirs(directory, exist_ok=True)
            tempfile.TemporaryFile(dir=directory).close()
            ok = True
        except OSError:
            ok = False
            warnings.warn(f"graphflow: the kernel cache directory {directory} is not writable; kernels are "
                          "compiled in memory for this process (set GRAPHFLOW_CACHE_DIR to a writable "
                          "directory to keep them)", RuntimeWarning, stacklevel=3)
        _writable[directory] = ok
    return ok


def _atomic_write(path: str, text: str) -> None:
    write_atomic(path, text)


def _entry_digest(directory: str, name: str) -> str:
    """sha256 over the names and bytes of numba's files for this entry."""
    h = hashlib.sha256()
    pyc = os.path.join(directory, "__pycache__")
    try:
        files = sorted(f for f in os.listdir(pyc) if f.startswith(name + "."))
    except OSError:
        files = []
    for f in files:
        h.update(f.encode() + b"\0")
        with open(os.path.join(pyc, f), "rb") as fh:
            h.update(fh.read())
    return h.hexdigest()


def _digest_path(directory: str, name: str) -> str:
    return os.path.join(directory, name + ".sha256")


def _verified(directory: str, name: str) -> bool:
    """Whether numba's files for this entry are the ones recorded after it was compiled."""
    try:
        with open(_digest_path(directory, name), "rb") as f:
            recorded = f.read().decode("ascii", "replace").strip()
        return recorded == _entry_digest(directory, name)
    except OSError:
        return False


def _record_digest(directory: str, name: str) -> None:
    try:
        _atomic_write(_digest_path(directory, name), _entry_digest(directory, name) + "\n")
    except OSError:
        pass


_listing: dict = {}      # __pycache__ dir -> (its mtime, the entry names with a numba index)


def _is_cached_on_disk(directory: str, name: str, function: Optional[str] = None) -> bool:
    """Whether numba has an index for `name`; the directory is listed again only when it changed
    (a plan asks once per fused group, and listing a cache of thousands of kernels each time was
    a visible part of a warm first call). With `function`, whether that function of it has one."""
    pyc = os.path.join(directory, "__pycache__")
    try:
        mtime = os.stat(pyc).st_mtime_ns
        seen = _listing.get(pyc)
        if seen is None or seen[0] != mtime:
            functions = {f.split("-", 1)[0] for f in os.listdir(pyc) if f.endswith(".nbi")}
            _listing[pyc] = seen = (mtime, functions, {f.split(".", 1)[0] for f in functions})
        return name in (seen[2] if function is None else seen[1])
    except OSError:
        return False


def is_warm(key: str, function: Optional[str] = None) -> bool:
    """Whether the kernel is already in this process or in numba's cache on disk (with `function`:
    that function's compiled code is, not only some function of the module's)."""
    name = f"gfk_{key}"
    if name in _modules:
        return True
    directory = kernel_dir()
    # the digest is written after the compile: without it another process may still be writing
    return (_is_cached_on_disk(directory, name if function is None else f"{name}.{function}", function)
            and os.path.exists(_digest_path(directory, name)))


def _forget(directory: str, name: str) -> None:
    sys.modules.pop(name, None)
    pyc = os.path.join(directory, "__pycache__")
    try:
        os.unlink(_digest_path(directory, name))
    except OSError:
        pass
    try:
        for f in os.listdir(pyc):
            if f.startswith(name + "."):
                os.unlink(os.path.join(pyc, f))
    except OSError:
        pass


def load(key: str, source: str, attr: str = "kernel"):
    """The compiled function `attr` of the generated module with this key and source."""
    name = f"gfk_{key}"
    threading_config.start()
    with _lock:
        mod = _modules.get(name)
        if mod is not None:
            stats["memory_hits"] += 1
            _modules.move_to_end(name)
            return getattr(mod, attr)
        directory = kernel_dir()
        if not writable(directory):
            mod = _import_in_memory(name, source)
            stats["in_memory"] += 1
            _remember(name, mod)
            return getattr(mod, attr)
        path = os.path.join(directory, name + ".py")
        warm = _is_cached_on_disk(directory, name)
        try:
            with open(path, "rb") as f:        # bytes: a file with non-UTF-8 garbage is just different
                fresh = f.read() != source.encode("utf-8")
        except OSError:
            fresh = True
        if fresh:                       # missing, truncated or foreign: (re)write, drop stale objects
            _forget(directory, name)
            _atomic_write(path, source)
            warm = False
        elif warm and not _verified(directory, name):
            _repair(directory, name, path, source, "its compiled code does not match the recorded digest")
            warm = False
        try:
            mod = _import(name, path)
        except Exception as first:      # noqa: BLE001  corrupt numba cache entry: start over once
            _repair(directory, name, path, source, f"{type(first).__name__}: {first}")
            mod = _import(name, path)
            warm = False
        if not warm:
            _record_digest(directory, name)
        stats["disk_loads" if warm else "compiles"] += 1
        _remember(name, mod)
        _freeze_numba_heap()
        return getattr(mod, attr)


_frozen = [False]


def _freeze_numba_heap() -> None:
    """Once per process, after the first kernel loads: move every object alive now (numba's
    types, registries and compiled libraries, hundreds of thousands of them) out of the cyclic
    collector's reach. Otherwise the next full collection walks them all, and it falls on whatever
    allocates next: on W6 it was 60 ms of CPU inside the first graph of 100 ops built after numba
    started. Objects frozen are never collected (cycles among them that become garbage later stay);
    GRAPHFLOW_GC_FREEZE=0 leaves the collector alone."""
    if _frozen[0]:
        return
    _frozen[0] = True
    if os.environ.get("GRAPHFLOW_GC_FREEZE", "1") != "0":
        gc.freeze()


def _remember(name: str, mod) -> None:
    """Keep `mod` loaded, dropping the least recently used kernels beyond gf.config's limit (plans
    that still hold a dropped kernel keep it alive; a new plan loads it again from disk)."""
    _modules[name] = mod
    limit = config.cache_limit("compiled_kernels")
    while len(_modules) > limit:
        old, _ = _modules.popitem(last=False)
        sys.modules.pop(old, None)


config.register_cache_size("compiled_kernels", lambda: len(_modules))


def _repair(directory: str, name: str, path: str, source: str, why: str) -> None:
    stats["repairs"] += 1
    warnings.warn(f"graphflow: kernel cache entry {name} was unusable ({why}); recompiling",
                  RuntimeWarning, stacklevel=3)
    _forget(directory, name)
    _atomic_write(path, source)


def _import_in_memory(name: str, source: str):
    """The module compiled from `source` without numba's disk cache (nothing is written)."""
    import types
    mod = types.ModuleType(name)
    code = compile(source.replace("cache=True", "cache=False"), f"<graphflow kernel {name}>", "exec")
    exec(code, mod.__dict__)
    return mod


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
