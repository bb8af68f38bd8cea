"""`graphflow compare`: run one unchanged user script once per execution model, each in a fresh
process (graphflow/bench/script_child.py), and report time, compile time, memory, kernels and
whether the numbers it prints agree across the models.

The process boundary is the point: caches, traces and compiled plans of one mode never help
another, a crash or a hang in one mode leaves the others standing, and `--timeout` can stop a
script for good (its whole process group) with standard input closed.
"""
from __future__ import annotations

import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from typing import Callable, Optional

from . import printed_numbers
from .script_modes import DEFAULT_MODES


@dataclass
class ModeResult:
    """One mode of one script: its figures (medians over the repeats), or why there are none."""
    mode: str
    status: str = "ok"            # ok | error | timeout | n/a
    wall_s: Optional[float] = None
    steady_s: Optional[float] = None
    trace_s: Optional[float] = None
    compile_s: Optional[float] = None
    first_calls_s: Optional[float] = None
    peak_rss_mb: Optional[float] = None
    kernels: Optional[int] = None
    traces: Optional[int] = None
    agrees: Optional[bool] = None
    disagreement: Optional[printed_numbers.Disagreement] = None
    error: Optional[dict] = None
    note: str = ""
    runs: int = 0
    stdout: str = ""
    stderr: str = ""
    usage: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        d = {k: v for k, v in vars(self).items() if k not in ("disagreement", "usage")}
        d["disagreement"] = vars(self.disagreement) if self.disagreement else None
        return d


@dataclass
class ScriptComparison:
    script: str
    args: list
    reference: Optional[str]
    results: list
    command: str = ""

    @property
    def agree(self) -> bool:
        return all(r.agrees is not False for r in self.results)

    def result(self, mode: str) -> ModeResult:
        return next(r for r in self.results if r.mode == mode)

    def as_dict(self) -> dict:
        return {"script": self.script, "args": self.args, "command": self.command, "reference": self.reference,
                "agree": self.agree, "modes": [r.as_dict() for r in self.results]}


@dataclass
class ChildRun:
    """What one process left: its stats (None when it never wrote them), output and exit."""
    stats: Optional[dict]
    stdout: str
    stderr: str
    returncode: Optional[int]
    timed_out: bool
    seconds: float


def run_child(script: str, args: list, mode: str, timeout: Optional[float], profile_dir: Optional[str] = None,
              env: Optional[dict] = None) -> ChildRun:
    """Run the script once in `mode` in a fresh interpreter (own process group, stdin closed)."""
    with tempfile.TemporaryDirectory(prefix="gf-compare-") as tmp:
        stats_path = os.path.join(tmp, "stats.json")
        cmd = [sys.executable, "-m", "graphflow.bench.script_child", stats_path, mode]
        if profile_dir is not None:
            cmd += ["--profile", profile_dir]
        cmd += [script, *args]
        child_env = dict(os.environ, **(env or {}))
        child_env["PYTHONPATH"] = os.pathsep.join(filter(None, [_package_root(), child_env.get("PYTHONPATH")]))
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, env=child_env, start_new_session=True)
        timed_out = False
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            os.killpg(proc.pid, signal.SIGKILL)
            out, err = proc.communicate()
        seconds = time.perf_counter() - t0
        stats = None
        if os.path.exists(stats_path):
            with open(stats_path) as f:
                stats = json.load(f)
    return ChildRun(stats, out, err, proc.returncode, timed_out, seconds)


def _package_root() -> str:
    """The directory holding this graphflow package, so the child imports the same copy."""
    return os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def compare_script(script: str, args: list | None = None, modes: list | None = None, repeat: int = 1,
                   timeout: Optional[float] = None, ignore: tuple = (), rtol: float = printed_numbers.RTOL,
                   atol: float = printed_numbers.ATOL,
                   progress: Optional[Callable[[str], None]] = None) -> ScriptComparison:
    """Run `script args` in each mode (`repeat` times each) and compare what it prints.

    The reference for agreement is the first mode listed that ran; a TF1 script (Session.run only,
    no gf.function or Keras step) has no eager form, so its eager mode is reported as n/a.
    """
    if not os.path.isfile(script):
        raise FileNotFoundError(f"graphflow compare: no such script: {script}")
    args, modes = list(args or []), list(modes or DEFAULT_MODES)
    results = {m: ModeResult(m) for m in modes}
    outputs: dict = {}
    tf1_only = None
    order = sorted(modes, key=lambda m: (m == "eager", m != "function"))   # eager last: a TF1 script skips it
    for mode in order:
        if mode == "eager" and tf1_only:
            results[mode].status, results[mode].note = "n/a", "TF1 graphs only: nothing runs eagerly"
            continue
        runs = []
        for i in range(repeat):
            if progress:
                progress(f"{os.path.basename(script)}: {mode}" + (f" (run {i + 1}/{repeat})" if repeat > 1 else ""))
            runs.append(run_child(script, args, mode, timeout))
            if runs[-1].timed_out or not _ran(runs[-1]):
                break
        _fill(results[mode], runs, timeout)
        if results[mode].status == "ok":
            parsed = [printed_numbers.parse(r.stdout, ignore) for r in runs]
            outputs[mode] = (parsed[0], printed_numbers.varying(parsed))
            if tf1_only is None:
                usage = results[mode].usage
                tf1_only = usage.get("session_plans", 0) > 0 and usage.get("functions", 0) == 0
    reference = next((m for m in modes if m in outputs), None)
    if reference is not None:
        ref_lines, ref_varying = outputs[reference]
        for mode, (lines, var) in outputs.items():
            d = printed_numbers.first_disagreement(ref_lines, lines, ref_varying | var, rtol, atol)
            results[mode].agrees, results[mode].disagreement = d is None, d
    return ScriptComparison(script, args, reference, [results[m] for m in modes])


def _ran(run: ChildRun) -> bool:
    return run.stats is not None and run.stats.get("status") == "ok"


def _fill(result: ModeResult, runs: list, timeout: Optional[float]) -> None:
    last = runs[-1]
    result.stdout, result.stderr, result.runs = runs[0].stdout, last.stderr, len(runs)
    if last.timed_out:
        result.status = "timeout"
        result.note = (f"stopped after {timeout:g} s (--timeout): the script ran too long or waited for input")
        return
    if last.stats is None:
        result.status = "error"
        tail = "\n".join(last.stderr.strip().splitlines()[-5:])
        result.error = {"type": "crash", "message": f"exit status {last.returncode}", "traceback": tail, "line": ""}
        result.note = f"the process died (exit status {last.returncode}) before reporting"
        return
    stats = last.stats
    result.usage = {k: stats.get(k, 0) for k in ("functions", "session_plans", "traces", "compiles")}
    if stats["status"] != "ok":
        error = result.error = stats["error"]
        result.status = "error"
        where = f" at {error['line']}" if error.get("line") else ""
        first = error["message"].splitlines()[0] if error["message"] else ""
        result.note = f"{error['type']}: {first}{where}"
        return
    good = [r.stats for r in runs]
    result.wall_s = statistics.median(s["wall_s"] for s in good)
    result.steady_s = statistics.median(s["steady_s"] for s in good)
    result.trace_s = statistics.median(s["trace_s"] for s in good)
    result.compile_s = statistics.median(s["compile_s"] for s in good)
    result.first_calls_s = statistics.median(s["first_calls_s"] for s in good)
    result.peak_rss_mb = max(s["peak_rss_mb"] for s in good)
    result.kernels = stats["kernels"]
    result.traces = stats["traces"]
