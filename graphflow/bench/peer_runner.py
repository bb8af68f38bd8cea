"""Run the peers' scripts (graphflow/bench/peers/) in subprocesses and collect their rows.

One subprocess per (peer, workload), so thread pools, caches and global state never leak
between frameworks or into graphflow's own figures. The interpreter is the current one when it
can import the peer, else `$GRAPHFLOW_PEER_PYTHON_<NAME>`; a peer found nowhere is listed as
"skipped (not installed)", never an error.
"""
from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from importlib import resources
from pathlib import Path
from typing import Any

from . import progress
from .row import ERROR, SKIPPED, Row

PEERS = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}   # peer name -> module it needs
ALIASES = {"tf": "tensorflow", "pytorch": "torch"}
SCRIPTS = Path(__file__).parent / "peers"
MARKER = "GRAPHFLOW_PEER_ROWS "
TIMEOUT_S = {"quick": 300, "full": 1200}


def normalise(names: list[str]) -> list[str]:
    """Canonical peer names; ValueError names an unknown one."""
    out = []
    for name in names:
        key = ALIASES.get(name.strip().lower(), name.strip().lower())
        if key not in PEERS:
            raise ValueError(f"unknown peer {name!r}: choose from {', '.join(PEERS)}")
        if key not in out:
            out.append(key)
    return out


def env_var(peer: str) -> str:
    return f"GRAPHFLOW_PEER_PYTHON_{peer.upper()}"


def find_interpreter(peer: str) -> str | None:
    """A Python that can import the peer: this one, else the one named by the env var, else None."""
    module = PEERS[peer]
    if importlib.util.find_spec(module) is not None:
        return sys.executable
    other = os.environ.get(env_var(peer))
    if other and _can_import(other, module):
        return other
    return None


def _can_import(python: str, module: str) -> bool:
    code = f"import importlib.util, sys; sys.exit(importlib.util.find_spec({module!r}) is None)"
    try:
        return subprocess.run([python, "-c", code], capture_output=True, timeout=60).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def digits_path() -> str:
    return str(resources.files("graphflow.keras_api.datasets") / "data" / "digits.csv.gz")


def run_peer(peer: str, workload: str, cases: list[str], python: str, repeat: int | None, quick: bool,
             size: Any = None) -> list[Row]:
    """The rows of one peer on one workload, from its own process."""
    cmd = [python, str(SCRIPTS / f"{peer}_peer.py"), "--workload", workload]
    for case in cases:
        cmd += ["--case", case]
    if size is not None:
        cmd += ["--size", ",".join(map(str, size)) if isinstance(size, (list, tuple)) else str(size)]
    if repeat:
        cmd += ["--repeat", str(repeat)]
    if quick:
        cmd.append("--quick")
    if workload == "W5":
        cmd += ["--digits", digits_path()]
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", PYTHONDONTWRITEBYTECODE="1")
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env,
                              timeout=TIMEOUT_S["quick" if quick else "full"])
    except subprocess.TimeoutExpired as e:
        return [Row(workload, peer, status=ERROR, framework=peer, note=f"timed out after {e.timeout:.0f} s")]
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(MARKER):
            return [Row.from_any(d, workload) for d in json.loads(line[len(MARKER):])]
    tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
    return [Row(workload, peer, status=ERROR, framework=peer, note=f"exit {proc.returncode}: {tail[:160]}")]


def run_peers(peers: list[str], workloads: dict[str, list[str]], repeat: int | None, quick: bool,
              sizes: dict[str, Any] | None = None) -> tuple[list[Row], dict[str, str]]:
    """Rows of every peer on every workload (id -> the cases graphflow ran), and each peer's status."""
    rows: list[Row] = []
    status: dict[str, str] = {}
    for peer in peers:
        python = find_interpreter(peer)
        if python is None:
            status[peer] = f"skipped (not installed; set {env_var(peer)} to a Python that has it)"
            rows.append(Row("peers", peer, status=SKIPPED, framework=peer,
                            note=f"skipped (not installed; set {env_var(peer)})"))
            continue
        mine: list[Row] = []
        for wid, cases in workloads.items():
            progress.step(f"{wid}: peer {peer}")
            mine += run_peer(peer, wid, cases, python, repeat, quick, (sizes or {}).get(wid))
        version = next((r.extra["version"] for r in mine if "version" in r.extra), "?")
        status[peer] = f"{peer} {version} ({python})"
        rows += mine
    return rows, status
