"""The compiler driver shared by Session.run, gf.function and explain: passes, then lowering.

    specialise (passes/program.py)   the fetched part of the user's graph, feeds as placeholders
    passes (passes/manager.py)       dependency tidying, folding, simplification, CSE, fusion,
                                     remapping, in-place updates, memory planning; switches in
                                     gf.config.optimizer; what the backend can run is asked of
                                     `PassConfig.target` (kernels/target.py)
    lower (kernels/lower.py)         each op -> a step calling a compiled kernel (generated numba
                                     loops cached on disk, BLAS, hand-written kernels), or its
                                     reference kernel when no lowering applies
    plan (kernels/plan.py)           one straight-line Python function per feed-shape signature

`CompiledPlan` is what `compile_plan` returns. Per feed-shape signature it builds an Executable
with `build`. Tiering: the first `jit_after - 1` calls of a signature (default: the first call) run
the reference interpreter on the user's graph, so a graph run once, like an initializer, never pays
for compilation; the next call compiles (from the on-disk kernel cache when it can).
GRAPHFLOW_JIT_AFTER=1 (or the option `jit_after=1`) compiles on the first call. Fused groups
the expression interpreter runs (kernels/exprvm.py: one numba kernel compiled once per toolchain,
no per-graph compile) run there first; after `tier_up_after` such calls the executable is lowered
again with their specialised kernels, loaded from the kernel cache or compiled
(GRAPHFLOW_TIER_UP_AFTER=0 lowers them at once). A compiler failure
warns and interprets instead (GRAPHFLOW_STRICT=1 raises); at most MAX_SIGNATURES signatures compile.
"""
from __future__ import annotations

import dataclasses
import gc
import os
import threading
import time
import warnings
from contextlib import contextmanager
from typing import Callable, Optional

import numpy as np

from .errors import OpError
from .graph.interpreter import InterpreterPlan
from .graph.text import to_text
from .kernels import plan_cache
from .kernels.plan import Executable, lower_program
from .kernels.target import KernelTarget, load_cached
from .passes import manager
from .passes.config import PassConfig, current
from .passes.program import Program, specialise

MAX_SIGNATURES = 16
# calls an executable runs fused groups in the expression interpreter before their specialised
# kernels are compiled (GRAPHFLOW_TIER_UP_AFTER; 0 compiles at once)
TIER_UP_AFTER = 1


def _env_int(name, default):
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


def strict() -> bool:
    """GRAPHFLOW_STRICT=1: compiler failures raise instead of falling back (tests use it)."""
    return os.environ.get("GRAPHFLOW_STRICT", "").lower() in ("1", "true", "yes")


@contextmanager
def gc_paused():
    """No cyclic garbage collection while a plan is built: the passes allocate thousands of small
    objects, and each full collection then walks every object of the process (numba's alone are
    hundreds of thousands); on W6 at K=1000 collections took 60% of the compile. Whatever the
    build leaves behind is collected once it is enabled again."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def configure(options: Optional[dict] = None, parallel: bool = True,
              load_kernel: Optional[Callable] = None, interpret: bool = False) -> PassConfig:
    """The pass config for `options` (gf.config.optimizer's switches, then these), aimed at the
    kernels: `parallel` allows multi-threaded loops, `load_kernel` turns a KernelSource into a
    callable (default: the on-disk cache), `interpret` runs fused groups whose kernels are not
    cached through the expression interpreter."""
    config = current(options)
    config.target = KernelTarget(allow_parallel=parallel, load_kernel=load_kernel or load_cached, strict=strict(),
                                 interpret=interpret)
    return config


def build(prog: Program, config: PassConfig, dump: Optional[Callable] = None,
          stats: Optional[list] = None) -> Executable:
    """Optimise `prog` with the passes, then lower it to a straight-line function.

    `dump(pass_name, program)` sees the program before the first pass and after each one (explain
    uses it). With `stats` (the pass stats `optimised` returns) `prog` is already optimised and
    only lowered.
    """
    if stats is None:
        if dump is not None:
            config = dataclasses.replace(config, dump=dump)
        prog, stats = manager.run(prog, config)
    return lower_program(prog, stats, config.target)


def optimised(graph, fetch_tensors, fetch_ops, feed_tensors, feed_shapes, config: PassConfig, ops=None) -> tuple:
    """(optimised program, pass stats) for these fetches and feed shapes: from the plan cache
    (kernels/plan_cache.py) when this graph was compiled before, else specialised and passed,
    then stored for the next process. `ops`: the pruned ops, if the caller has them."""
    entry = plan_cache.entry(graph, fetch_tensors, fetch_ops, feed_tensors, feed_shapes, config, ops)
    if entry is not None:
        found = plan_cache.load(entry)
        if found is not None:
            return found
    prog = specialise(graph, fetch_tensors, fetch_ops, feed_tensors, feed_shapes,
                      ops=entry.ops if entry is not None else ops)
    prog, stats = manager.run(prog, config)
    if entry is not None:
        plan_cache.store(entry, prog, stats)
    return prog, stats


def tier_up(ex: Executable, config: PassConfig) -> Executable:
    """`ex`'s optimised program lowered again with the kernels it interprets compiled (the same
    passes, memory plan and aliasing; only the kernels change). The profiler hooks it like `build`."""
    with gc_paused():
        return lower_program(ex.program, ex.stats, dataclasses.replace(config.target, interpret=False))


def compile_plan(graph, fetch_tensors, fetch_ops, feed_tensors, options: Optional[dict] = None):
    """A callable plan computing `fetch_tensors` (and running `fetch_ops`) from fed arrays.

    `plan(list_of_fed_arrays) -> list_of_fetched_arrays`. `options` may switch passes (the keys
    of gf.config.optimizer.set_experimental_options), set `jit_after` (calls interpreted before
    compiling; 1 compiles at once) and `parallel` (allow multi-threaded kernels).
    """
    return CompiledPlan(graph, fetch_tensors, fetch_ops, feed_tensors, options)


class CompiledPlan:
    """Compiles per feed-shape signature; see the module docstring for the tiering."""

    def __init__(self, graph, fetch_tensors, fetch_ops, feed_tensors, options: Optional[dict] = None):
        self.graph = graph
        self.fetch_tensors = list(fetch_tensors)
        self.fetch_ops = list(fetch_ops)
        self.feed_tensors = list(feed_tensors)
        self.reference = InterpreterPlan(fetch_tensors, fetch_ops, feed_tensors)   # checks the feeds
        options = dict(options or {})
        self.jit_after = int(options.pop("jit_after", _env_int("GRAPHFLOW_JIT_AFTER", 2)))
        self.tier_up_after = int(options.pop("tier_up_after", _env_int("GRAPHFLOW_TIER_UP_AFTER", TIER_UP_AFTER)))
        parallel = bool(options.pop("parallel", True))
        self.config = configure(options, parallel=parallel, interpret=self.tier_up_after > 0)
        self._execs: dict = {}
        self._calls: dict = {}
        self._interpreted: dict = {}    # signature -> calls its executable ran interpreted groups
        self._lock = threading.RLock()
        self._hot = None                # the last executable's function: tried first
        self.compile_seconds = 0.0

    def __call__(self, feeds):
        fn = self._hot
        if fn is not None:
            out = fn(feeds)
            if out is not None:
                return out
        return self._dispatch(feeds)

    def _dispatch(self, feeds):
        feeds = [a if type(a) is np.ndarray and a.dtype == t.dtype.np else np.asarray(a, t.dtype.np)
                 for a, t in zip(feeds, self.feed_tensors)]
        key = tuple([a.shape for a in feeds])
        with self._lock:
            if key in self._execs:
                ex = self._execs[key]
            else:
                n = self._calls.get(key, 0) + 1
                self._calls[key] = n
                ex = None
                if len(self._execs) < MAX_SIGNATURES and n >= self.jit_after:
                    ex = self._build(key)
        if ex is None:
            return self.reference(feeds)
        if ex.pending:
            ex = self._count_interpreted(key, ex)
        if not ex.pending:
            self._hot = ex.run
        out = ex.run(feeds)
        return out if out is not None else self.reference(feeds)

    def _build(self, key) -> Optional[Executable]:
        t0 = time.perf_counter()
        try:
            with gc_paused():
                prog, stats = optimised(self.graph, self.fetch_tensors, self.fetch_ops, self.feed_tensors,
                                        list(key), self.config, self.reference.ops)
                ex = build(prog, self.config, stats=stats)
        except OpError:
            self._execs[key] = None     # a user error: the interpreter raises it properly
            return None
        except Exception as e:  # noqa: BLE001  never crash on a compiler bug: interpret instead
            if strict():
                raise
            warnings.warn(f"graphflow: compiling the graph failed ({type(e).__name__}: {e}); running it with "
                          "the reference interpreter", RuntimeWarning, stacklevel=3)
            self._execs[key] = None
            return None
        finally:
            self.compile_seconds += time.perf_counter() - t0
        self._execs[key] = ex
        return ex

    def _count_interpreted(self, key, ex: Executable) -> Executable:
        """Tier up: after `tier_up_after` calls with groups in the expression interpreter, the
        same optimised program is lowered again with their specialised kernels compiled."""
        with self._lock:
            n = self._interpreted.get(key, 0) + 1
            self._interpreted[key] = n
            if n <= self.tier_up_after or self._execs.get(key) is not ex:
                return self._execs.get(key) or ex
            t0 = time.perf_counter()
            try:
                compiled = tier_up(ex, self.config)
            except Exception as e:  # noqa: BLE001  keep interpreting: the results are the same
                if strict():
                    raise
                warnings.warn(f"graphflow: compiling the interpreted kernels failed ({type(e).__name__}: {e}); "
                              "they stay interpreted", RuntimeWarning, stacklevel=4)
                ex.pending = []
                return ex
            finally:
                self.compile_seconds += time.perf_counter() - t0
            self._execs[key] = compiled
            return compiled

    def executable(self, shapes=None) -> Optional[Executable]:
        """The compiled executable for `shapes` (default: the only or first one), building it."""
        if shapes is None:
            if self._execs:
                return next(iter(self._execs.values()))
            shapes = [tuple(t.shape.dims) for t in self.feed_tensors]
        key = tuple(tuple(s) for s in shapes)
        if key not in self._execs:
            with self._lock:
                self._build(key)
        return self._execs[key]

    def explain_text(self) -> str:
        ex = self.executable()
        return to_text(ex.program) if ex is not None else "(not compiled)"


def optimise(prog: Program, options: Optional[dict] = None) -> Program:
    """The passes alone, for the reference target (no kernel lowering): what exporters write out
    (graphflow/onnx) is the program graphflow optimises, folded, simplified and fused."""
    prog, _ = manager.run(prog, current(options))
    return prog
