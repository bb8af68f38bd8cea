"""Write a file so that readers see either the old content or the new, never half of it.

The bytes go to a temporary file in the target's directory, are flushed to disk, and the file
is moved over the target with `os.replace` (atomic on POSIX and Windows). Its permissions are
the ones a plain `open(path, "w")` would give (0o666 less the umask), not mkstemp's 0o600.
"""
from __future__ import annotations

import contextlib
import os
import tempfile


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_writer(path, mode: str = "wb"):
    """`with atomic_writer(path) as f: f.write(...)`: on success the file appears under `path`
    complete; on any exception (or a killed process) `path` keeps its previous content."""
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-" + os.path.basename(path) + "-")
    try:
        os.chmod(tmp, 0o666 & ~current_umask())
        with os.fdopen(fd, mode) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_atomic(path, data) -> None:
    """Write `data` (bytes or str) to `path` atomically."""
    with atomic_writer(path, "wb") as f:
        f.write(data.encode() if isinstance(data, str) else data)


@contextlib.contextmanager
def atomic_path(path):
    """A temporary path beside `path` for a library that writes files itself (h5py); moved over
    `path` when the block ends without an exception, removed otherwise."""
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-" + os.path.basename(path) + "-")
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
