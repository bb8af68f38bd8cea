"""Write a file so that readers see either the old content or the new, never half of it.

The bytes go to a temporary file in the target's directory, are flushed to disk, and the file
is moved over the target with `os.replace` (atomic on POSIX and Windows). Its permissions are
the ones a plain `open(path, "w")` would give (0o666 less the umask), not mkstemp's 0o600.
Temporary names carry the writer's pid (`.tmp-<name>-<pid>-<random>`): a writer killed mid-write
leaves its temp file behind, and the next write into that directory deletes the temp files of
writers that are gone (`remove_orphans`).
"""
from __future__ import annotations

import contextlib
import os
import re
import tempfile
import threading
import time

_umask_lock = threading.Lock()
_ORPHAN_AGE = 600.0   # seconds: a same-named temp file without a writer pid is an orphan after this
_TEMP_RE = re.compile(r"^\.tmp-(?P<base>.+)-(?P<pid>\d{1,7})-[^-]+$")


def current_umask() -> int:
    """The process umask, read without changing it where the OS allows (Linux): setting it to read
    it would race with other threads creating files."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    with _umask_lock:
        mask = os.umask(0o022)
        os.umask(mask)
    return mask


def _temp_file(path: str):
    """(fd, temp path) beside `path`, after removing dead writers' leftovers."""
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    remove_orphans(directory, os.path.basename(path))
    return tempfile.mkstemp(dir=directory, prefix=f".tmp-{os.path.basename(path)}-{os.getpid()}-")


@contextlib.contextmanager
def atomic_writer(path, mode: str = "wb", durable: bool = True):
    """`with atomic_writer(path) as f: f.write(...)`: on success the file appears under `path`
    complete; on any exception (or a killed process) `path` keeps its previous content.
    `durable=False` skips the fsync: readers still never see half a file, but after a power loss
    the file may be empty (for caches, which check what they read)."""
    path = os.fspath(path)
    fd, tmp = _temp_file(path)
    try:
        os.chmod(tmp, 0o666 & ~current_umask())
        with os.fdopen(fd, mode) as f:
            yield f
            f.flush()
            if durable:
                os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_atomic(path, data, durable: bool = True) -> None:
    """Write `data` (bytes or str) to `path` atomically (`durable`: see atomic_writer)."""
    with atomic_writer(path, "wb", durable) as f:
        f.write(data.encode() if isinstance(data, str) else data)


@contextlib.contextmanager
def atomic_path(path):
    """A temporary path beside `path` for a library that writes files itself (h5py); moved over
    `path` when the block ends without an exception, removed otherwise."""
    path = os.fspath(path)
    fd, tmp = _temp_file(path)
    os.close(fd)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~current_umask())
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _writer_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True             # another thread of this process may be writing it right now
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:             # exists but belongs to someone else
        return True
    return True


def remove_orphans(directory: str, basename: str | None = None) -> int:
    """Delete temp files that killed writers left in `directory`; returns how many.

    A temp file named by this module is an orphan when its pid is not a running process. A
    `.tmp-<basename>-*` file without a pid (older graphflow versions) is one when it is more than
    ten minutes old."""
    try:
        names = os.listdir(directory)
    except OSError:
        return 0
    removed = 0
    now = time.time()
    for name in names:
        if not name.startswith(".tmp-"):
            continue
        full = os.path.join(directory, name)
        m = _TEMP_RE.match(name)
        try:
            if m is not None:
                orphan = not _writer_alive(int(m.group("pid")))
            elif basename is not None and name.startswith(f".tmp-{basename}-"):
                orphan = now - os.stat(full).st_mtime > _ORPHAN_AGE
            else:
                continue
            if orphan:
                os.unlink(full)
                removed += 1
        except OSError:
            pass
    return removed
