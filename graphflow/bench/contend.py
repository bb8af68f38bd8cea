"""Busy-loop processes for `graphflow bench --contend N`: the machine users have is shared.

`busy_processes(n)` starts n Python processes that each spin one core, for graphflow's modes
and the peers alike, and stops them when the block ends, also on Ctrl-C or an exception. A busy
process also stops by itself once its parent is gone (it polls its parent's pid), so a bench
killed with SIGKILL leaves no spinning orphan behind.
"""
from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Iterator

# Spins in chunks of ~10 ms; between chunks it checks that the process that started it is alive.
BUSY_LOOP = ("import os, sys\n"
             "parent = os.getppid()\n"
             "sys.stdout.write('ready\\n'); sys.stdout.flush()\n"
             "while os.getppid() == parent:\n"
             "    for _ in range(200000):\n"
             "        pass\n")
STOP_TIMEOUT_S = 5.0


def start(n: int) -> list[subprocess.Popen]:
    """Start `n` busy-loop processes and return once each one is spinning."""
    if int(n) < 0:
        raise ValueError(f"contend: the number of busy processes must be 0 or more, got {n}")
    procs: list[subprocess.Popen] = []
    try:
        for _ in range(int(n)):
            procs.append(subprocess.Popen([sys.executable, "-c", BUSY_LOOP], stdin=subprocess.DEVNULL,
                                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL))
        for p in procs:
            p.stdout.readline()          # "ready": the interpreter is up and about to spin
    except BaseException:
        stop(procs)
        raise
    return procs


def stop(procs: list[subprocess.Popen]) -> None:
    """Terminate the processes and reap them (killed if they do not exit within STOP_TIMEOUT_S)."""
    for p in procs:
        if p.poll() is None:
            p.terminate()
    for p in procs:
        try:
            p.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
        if p.stdout is not None:
            p.stdout.close()


@contextlib.contextmanager
def busy_processes(n: int) -> Iterator[list[subprocess.Popen]]:
    """`with busy_processes(1): ...` runs the block while one other process keeps a core busy."""
    procs = start(n)
    try:
        yield procs
    finally:
        stop(procs)
