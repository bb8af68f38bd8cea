"""Builds the expression interpreter (exprvm.py) into the kernel cache in a background process.

Until the interpreter for a dtype is built, every new graph compiles its fused groups (0.1-0.8 s
of numba per kernel, cold); once built, new graphs run at once and compile later. Building it is
10-15 s of CPU per dtype, too long for any plan to wait for, so the first plan that could have
used it starts a detached child process at the lowest CPU priority that builds it into the shared
kernel cache, and carries on compiling as before. Later plans, in this process or any other
using the same cache, find it ready (exprvm.ready). A claim file beside the kernels keeps
processes from building the same dtype twice at once; a child that died leaves a claim older than
CLAIM_TIMEOUT_S, which the next process takes over.

GRAPHFLOW_INTERPRETER_BUILD=off turns this off (the bench does, so that no build competes with
its timings; the test suite does, and builds the interpreter where its tests need it).

Run as `python -m graphflow.kernels.interpreter_build float32` to build one dtype in the
foreground (what the child does; an install step can do the same).
"""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

from . import cache

ENV = "GRAPHFLOW_INTERPRETER_BUILD"
CLAIM_TIMEOUT_S = 600     # a build takes 10-15 s of CPU; ten minutes covers a heavily loaded machine
_lock = threading.Lock()
_started: dict = {}       # dtype -> the child process this process started


def enabled() -> bool:
    return os.environ.get(ENV, "background").strip().lower() not in ("off", "0", "false", "no")


def claim_path(t: str) -> str:
    from . import exprvm
    return os.path.join(cache.kernel_dir(), f"gfk_{exprvm.kernel_source(t).key}.building")


def _claim(path: str) -> bool:
    """Create the claim file, or take over one left by a build that stopped long ago."""
    for _ in range(2):
        try:
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
            return True
        except FileExistsError:
            try:
                if time.time() - os.stat(path).st_mtime < CLAIM_TIMEOUT_S:
                    return False
                os.unlink(path)
            except OSError:
                return False
        except OSError:
            return False
    return False


def start(t: str):
    """Start building the interpreter for dtype `t` in a background process, unless it is built,
    being built, turned off, or the cache cannot be written. Returns the child process or None."""
    from . import exprvm
    if not enabled() or t in _started or exprvm.ready(t):
        return None
    with _lock:
        if t in _started:
            return None
        _started[t] = None
        directory = cache.kernel_dir()
        if not cache.writable(directory) or not _claim(claim_path(t)):
            return None
        try:
            child = subprocess.Popen([sys.executable, "-m", __name__, t], stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     start_new_session=True, close_fds=True)
        except OSError:
            _release(t)
            return None
        _started[t] = child
        return child


def _release(t: str) -> None:
    try:
        os.unlink(claim_path(t))
    except OSError:
        pass


def build(t: str) -> None:
    """Build the interpreter for `t` into the kernel cache here, then drop the claim."""
    from . import exprvm
    try:
        exprvm.load(t)
    finally:
        _release(t)


def main(argv: list[str]) -> int:
    try:
        os.nice(19)          # the user's program comes first
    except (OSError, AttributeError):      # no os.nice on Windows
        pass
    for t in argv or ["float32"]:
        build(t)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
