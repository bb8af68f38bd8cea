"""The bootstrap of one `graphflow compare` / `graphflow profile` run: a fresh process that sets
one execution model, counts tracing and compilation, runs the user's script unchanged (runpy, as
`python script.py` would) and writes what it measured as JSON for the parent.

    python -m graphflow.bench.script_child STATS.json MODE [--profile LOGDIR] script.py [args...]

The counters wrap cold paths only (a trace, a plan build, a plan's first call per feed signature,
numba compiling a kernel, a Session plan, a gf.function created), so the script's steady state
runs exactly the code it runs without them (a plan whose hot function declines a call, on a
new feed signature, pays one set lookup).
"""
from __future__ import annotations

import json
import os
import resource
import runpy
import sys
import time
import traceback

from ..atomic_file import write_atomic
from .script_modes import MODES


class Counters:
    """Time and counts gathered while the script runs."""

    def __init__(self):
        self.trace_s = 0.0
        self.traces = 0
        self.compile_s = 0.0
        self.compiles = 0
        self.kernels = 0
        self.functions = 0
        self.session_plans = 0
        self.first_calls_s = 0.0      # first call of each plan and feed signature, compile excluded,
        # and numba compiling or loading a kernel outside those (eager's compiled kernels)
        self.depth = 0                # > 0 inside a trace, a build or a first call

    def timed(self, field: str, fn, *args, nested: bool = False):
        """Call fn(*args), adding its time to `field`; with nested=False only when no enclosing
        region (a trace, a build, a first call) already counts it."""
        if self.depth and not nested:
            return fn(*args)
        self.depth += 1
        t0 = time.perf_counter()
        try:
            return fn(*args)
        finally:
            self.depth -= 1
            setattr(self, field, getattr(self, field) + time.perf_counter() - t0)

    def as_dict(self) -> dict:
        return {k: v for k, v in vars(self).items() if k != "depth"}


def install_counters(counters: Counters) -> None:
    """Wrap the cold paths that trace, compile and plan (this process only)."""
    from numba.core.dispatcher import _DispatcherBase

    from .. import compiler
    from ..function import tracing
    from ..graph import session

    trace, build, init, make_plan = (tracing.Function._trace, compiler.CompiledPlan._build,
                                     tracing.Function.__init__, session.Session._make_plan)
    dispatch = compiler.CompiledPlan._dispatch
    numba_compile = _DispatcherBase._compile_for_args

    def timed_trace(self, *args, **kwargs):
        counters.traces += 1
        return counters.timed("trace_s", lambda: trace(self, *args, **kwargs), nested=True)

    def counted_build(self, key):
        ex = counters.timed("compile_s", build, self, key, nested=True)
        counters.compiles += 1
        counters.kernels += len(ex.kernels) if ex is not None else 0
        return ex

    def counted_init(self, *args, **kwargs):
        counters.functions += 1
        init(self, *args, **kwargs)

    def counted_plan(self, *args, **kwargs):
        counters.session_plans += 1
        return make_plan(self, *args, **kwargs)

    def timed_first_call(self, feeds):
        # _dispatch runs when the plan's hot function declines: first calls, compiles, a new signature
        key = tuple(getattr(a, "shape", ()) for a in feeds)
        seen = self.__dict__.setdefault("_first_calls_seen", set())
        if key in seen:
            return dispatch(self, feeds)
        seen.add(key)
        if counters.depth:
            return dispatch(self, feeds)
        compiled = counters.compile_s
        try:
            return counters.timed("first_calls_s", dispatch, self, feeds)
        finally:                        # a compile inside this first call is in compile_s already
            counters.first_calls_s -= counters.compile_s - compiled

    def timed_numba(self, *args, **kwargs):
        return counters.timed("first_calls_s", lambda: numba_compile(self, *args, **kwargs))

    tracing.Function._trace = timed_trace
    compiler.CompiledPlan._dispatch = timed_first_call
    _DispatcherBase._compile_for_args = timed_numba
    compiler.CompiledPlan._build = counted_build
    tracing.Function.__init__ = counted_init
    session.Session._make_plan = counted_plan


def user_traceback(exc: BaseException, script: str) -> tuple[str, str]:
    """The traceback from the script's first frame on (runpy and this bootstrap left out), and the
    deepest line of user code (not graphflow, not the standard library) as 'file:line: code'."""
    frames = traceback.extract_tb(exc.__traceback__)
    script = os.path.abspath(script)
    start = next((i for i, f in enumerate(frames) if os.path.abspath(f.filename) == script), 0)
    frames = frames[start:]
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    stdlib = os.path.dirname(os.__file__)
    user = [f for f in frames if not os.path.abspath(f.filename).startswith((package, stdlib))
            and not f.filename.startswith("<")]
    where = user[-1] if user else (frames[-1] if frames else None)
    text = "Traceback (most recent call last):\n" + "".join(traceback.format_list(frames)) + "".join(
        traceback.format_exception_only(type(exc), exc))
    line = f"{where.filename}:{where.lineno}: {where.line}" if where is not None else ""
    return text, line


def main(argv: list[str]) -> int:
    stats_path, mode_name, *rest = argv
    profile_dir = None
    if rest[:1] == ["--profile"]:
        profile_dir, rest = rest[1], rest[2:]
    script, args = rest[0], rest[1:]
    mode = MODES[mode_name]
    os.environ.update(mode.env)
    from .. import config
    config.run_functions_eagerly(mode.functions_eagerly)
    counters = Counters()
    install_counters(counters)
    profiler = None
    if profile_dir is not None:
        from ..profiler import experimental as profiler
    sys.argv = [script, *args]
    sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
    result: dict = {"mode": mode_name, "status": "ok"}
    code = 0
    if profiler is not None:
        profiler.start(profile_dir)
    t0 = time.perf_counter()
    try:
        runpy.run_path(script, run_name="__main__")
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        if code:
            result.update(status="error", error={"type": "SystemExit", "message": f"exit status {code}",
                                                 "traceback": "", "line": ""})
    except BaseException as e:  # noqa: BLE001  the parent reports it and runs the other modes
        text, line = user_traceback(e, script)
        message = str(e)
        if isinstance(e, EOFError):
            message = (f"{message or 'EOF'}: the script read standard input, which graphflow compare closes "
                       "(pass the input as arguments or a file)")
        result.update(status="error", error={"type": type(e).__name__, "message": message, "traceback": text,
                                             "line": line})
        sys.stderr.write(text)
        code = 1
    wall = time.perf_counter() - t0
    sys.stdout.flush()
    if profiler is not None:
        profiler.stop()
    result.update(wall_s=wall, peak_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  **counters.as_dict())
    result["steady_s"] = max(wall - counters.trace_s - counters.compile_s - counters.first_calls_s, 0.0)
    write_atomic(stats_path, json.dumps(result))
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
