"""Run the peers' scripts (graphflow/bench/peers/) in subprocesses and collect their rows.

One subprocess per (peer, workload), so thread pools, caches and global state never leak
between frameworks or into graphflow's own figures. The process stays alive for the workload and
answers commands (peers/peer_common.py describes the protocol), so its modes are timed in the same
rounds as graphflow's (graphflow.bench.rounds). The interpreter is the current one when it can
import the peer, else `$GRAPHFLOW_PEER_PYTHON_<NAME>`; a peer found nowhere is listed as
"skipped (not installed)", never an error.
"""
from __future__ import annotations

import importlib.util
import json
import os
import select
import subprocess
import sys
import tempfile
import time
from importlib import resources
from pathlib import Path
from typing import Any

from . import progress
from .machine import load_average
from .row import ERROR, SKIPPED, Row

PEERS = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}   # peer name -> module it needs
ALIASES = {"tf": "tensorflow", "pytorch": "torch"}
SCRIPTS = Path(__file__).parent / "peers"
SERVE_MARKER = "GRAPHFLOW_PEER "
TIMEOUT_S = {"quick": 300, "full": 1200}


def normalise(names: list[str]) -> list[str]:
    """Canonical peer names ("all": every peer); ValueError names an unknown one."""
    out = []
    if [n.strip().lower() for n in names] == ["all"]:
        return list(PEERS)
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


class PeerProcess:
    """One peer's served script (peers/peer_common.py, `--serve`), alive for one workload.

    Commands go as JSON lines on its stdin; each answer is one `GRAPHFLOW_PEER <json>` line on its
    stdout. Its stderr goes to a temporary file, whose last line explains a crash.
    """

    def __init__(self, peer: str, python: str, timeout: float):
        self.peer, self.timeout = peer, timeout
        self.version = "?"
        self.failure = ""             # set once the process died or stopped answering
        self._buffer = b""
        self._stderr = tempfile.TemporaryFile()
        env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", PYTHONDONTWRITEBYTECODE="1")
        try:
            self.proc: subprocess.Popen | None = subprocess.Popen(
                [python, str(SCRIPTS / f"{peer}_peer.py"), "--serve"], stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=self._stderr, env=env)
        except OSError as e:
            self.proc, self.failure = None, f"could not start {python}: {e}"

    def wait_ready(self) -> bool:
        answer = self._read()
        if answer is not None:
            self.version = str(answer.get("version", "?"))
        return answer is not None

    def request(self, **command) -> dict | None:
        """Send one command and wait for its answer; None (and `failure` set) if the peer is gone."""
        if self.proc is None or self.failure:
            return None
        try:
            self.proc.stdin.write((json.dumps(command) + "\n").encode())
            self.proc.stdin.flush()
        except OSError:
            self._fail("its process ended")
            return None
        return self._read()

    def _read(self) -> dict | None:
        if self.proc is None or self.failure:
            return None
        deadline = time.monotonic() + self.timeout
        fd = self.proc.stdout.fileno()
        while True:
            line, sep, rest = self._buffer.partition(b"\n")
            if sep:
                self._buffer = rest
                text = line.decode(errors="replace")
                if text.startswith(SERVE_MARKER):
                    return json.loads(text[len(SERVE_MARKER):])
                continue      # anything else a library printed before the script took over stdout
            left = deadline - time.monotonic()
            if left <= 0:
                self._fail(f"timed out after {self.timeout:.0f} s")
                return None
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                self._fail(f"exit {self.proc.wait()}: {self._stderr_tail()}")
                return None
            self._buffer += chunk

    def _fail(self, why: str) -> None:
        self.failure = why
        self.close()

    def _stderr_tail(self) -> str:
        self._stderr.seek(0)
        lines = self._stderr.read().decode(errors="replace").strip().splitlines()
        return (lines or ["no output"])[-1][:160]

    def close(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            try:
                self.proc.stdin.write(b'{"op": "exit"}\n')
                self.proc.stdin.close()
                self.proc.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()
        self.proc = None
        self._stderr.close()


class PeerCase:
    """A partner for graphflow.bench.rounds: one peer's modes of one case, prepared and timed in rounds."""

    def __init__(self, workload: "PeerWorkload", active: int):
        self.workload, self.active = workload, active
        self.load = load_average()

    def round(self) -> int:
        if self.active <= 0:
            return 0
        answer = self.workload.process.request(op="round")
        self.active = 0 if answer is None else int(answer.get("active", 0))
        return self.active

    def finish(self) -> None:
        load = load_average()
        self.load = load if self.load is None else self.load if load is None else max(self.load, load)
        self.workload.collect(self.load)


class PeerWorkload:
    """One peer on one workload: its process, the cases it ran and the rows they gave."""

    def __init__(self, peer: str, python: str, workload: str, config: dict):
        self.peer, self.workload, self.config = peer, workload, config
        self.process = PeerProcess(peer, python, TIMEOUT_S["quick" if config.get("quick") else "full"])
        self.done: list[str] = []
        self.rows: list[Row] = []

    def prepare(self, cases: list[str]) -> PeerCase | None:
        """First calls and agreement checks of `cases` (all of the workload's defaults if empty)."""
        todo = [c for c in cases if c not in self.done]
        if (cases and not todo) or (not cases and "*" in self.done):
            return None
        self.done += todo or ["*"]
        progress.step(f"{self.workload}{' ' + ' '.join(todo) if todo else ''}: peer {self.peer}")
        command = {"op": "case", "workload": self.workload, "cases": todo, "repeat": self.config.get("repeat"),
                   "quick": bool(self.config.get("quick")), "size": _size_text(self.config.get("size")),
                   "digits": digits_path() if self.workload == "W5" else None}
        answer = self.process.request(**command)
        if answer is None:
            self._error_row(" ".join(todo))
            return None
        return PeerCase(self, int(answer.get("active", 0)))

    def collect(self, load: float | None) -> None:
        answer = self.process.request(op="finish")
        if answer is None:
            self._error_row("")
            return
        for d in answer.get("rows", []):
            row = Row.from_any(d, self.workload)
            if row.timed:
                row.load_avg = load
            self.rows.append(row)

    def run_remaining(self, cases: list[str]) -> None:
        """Cases graphflow ran without timing them in rounds (W5's epochs, W6's fresh processes): now."""
        if self.done and not [c for c in cases if c not in self.done]:
            return
        case = self.prepare(cases)
        if case is None:
            return
        while case.round() > 0:
            pass
        case.finish()

    def _error_row(self, case: str) -> None:
        """One row saying why the peer stopped answering (once: later cases fail for the same reason)."""
        if not any(r.status == ERROR and r.mode == self.peer for r in self.rows):
            self.rows.append(Row(self.workload, self.peer, case, status=ERROR, framework=self.peer,
                                 note=self.process.failure or "no answer"))


def _size_text(size: Any) -> str | None:
    if size is None:
        return None
    return ",".join(map(str, size)) if isinstance(size, (list, tuple)) else str(size)


def start_workload(peers: dict[str, str], workload: str, config: dict) -> list[PeerWorkload]:
    """Start every found peer's process for `workload` at once and wait until each has imported its
    framework, so the imports never overlap graphflow's timings."""
    started = [PeerWorkload(peer, python, workload, config) for peer, python in peers.items()]
    for p in started:
        progress.step(f"{workload}: starting peer {p.peer}")
        if not p.process.wait_ready():
            p._error_row("")
    return started


def discover(peers: list[str]) -> tuple[dict[str, str], dict[str, str]]:
    """({peer: interpreter} of the peers found, {peer: status line} of every peer asked for)."""
    found: dict[str, str] = {}
    status: dict[str, str] = {}
    for peer in peers:
        python = find_interpreter(peer)
        if python is None:
            status[peer] = f"skipped (not installed; set {env_var(peer)} to a Python that has it)"
        else:
            found[peer] = python
            status[peer] = f"{peer} ({python})"
    return found, status


def skipped_rows(status: dict[str, str], found: dict[str, str]) -> list[Row]:
    return [Row("peers", peer, status=SKIPPED, framework=peer, note=f"skipped (not installed; set {env_var(peer)})")
            for peer in status if peer not in found]


def how_to_add(found: dict[str, str]) -> str:
    """The line a run without --peers prints: which peers this machine has, and how to add the others."""
    missing = [p for p in PEERS if p not in found]
    parts = []
    if found:
        parts.append(f"peers found: {', '.join(found)} (compare with --peers {','.join(found)})")
    else:
        parts.append("no peers found")
    if missing:
        parts.append(f"to add {', '.join(missing)}: pip install 'graphflow[peers]', or set "
                     + ", ".join(env_var(p) for p in missing) + " to a Python that has it")
    return "; ".join(parts)
