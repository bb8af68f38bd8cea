"""Instrumented twins of the places where work happens, swapped in by `install` and back out by
the function it returns: eager `dispatch.execute` and EagerTensor's fast operators, the reference
interpreter's `run_op`, tracing and plan compilation, and compiled plans (the plan call, and
inside plans built while profiling, every kernel, labelled with the ops it computes)."""
from __future__ import annotations

import time
import types
import weakref

import numpy as np

from .recorder import COMPILE, EAGER_OP, GRAPH_OP, KERNEL, PLAN, Recorder

_clock = time.perf_counter_ns


def install(rec: Recorder):
    """Patch the hooks to record into `rec`; returns the function that undoes every patch."""
    from .. import compiler
    from ..eager.tensor import EagerTensor
    from ..function import tracing
    from ..graph import interpreter
    from ..ops import dispatch, fastpath

    saved = []

    def patch(owner, name, value):
        saved.append((owner, name, owner.__dict__[name] if isinstance(owner, type) else getattr(owner, name)))
        setattr(owner, name, value)

    execute = dispatch.execute

    def timed_execute(opdef, inputs, attrs):
        t0 = _clock()
        out = execute(opdef, inputs, attrs)
        rec.add(opdef.name, EAGER_OP, t0, _clock())
        return out
    patch(dispatch, "execute", timed_execute)

    for method, opname, _, _ in fastpath._TABLE + (("__truediv__", "RealDiv", None, False),
                                                   ("__rtruediv__", "RealDiv", None, True)):
        patch(EagerTensor, method, _timed_operator(rec, EagerTensor.__dict__[method], opname))

    run_op = interpreter.run_op

    def timed_run_op(op, args):
        t0 = _clock()
        out = run_op(op, args)
        rec.add(op.type, GRAPH_OP, t0, _clock(), {"op": op.name})
        return out
    patch(interpreter, "run_op", timed_run_op)

    trace = tracing.Function._trace

    def timed_trace(fn, *args, **kwargs):
        t0 = _clock()
        try:
            return trace(fn, *args, **kwargs)
        finally:
            rec.add(f"trace {fn.name}", COMPILE, t0, _clock())
    patch(tracing.Function, "_trace", timed_trace)

    compile_signature = compiler.CompiledPlan._build

    def timed_compile(plan, key):
        t0 = _clock()
        try:
            return compile_signature(plan, key)
        finally:
            rec.add("compile plan", COMPILE, t0, _clock(), {"shapes": [list(s) for s in key]})
    patch(compiler.CompiledPlan, "_build", timed_compile)

    build = compiler.build
    originals: dict = {}              # instrumented run -> (executable, its own run)
    plans = weakref.WeakSet()         # plans called while profiling: their `_hot` may be instrumented

    def instrumented_build(*args, **kwargs):
        ex = build(*args, **kwargs)
        run = ex.run
        originals[instrument(ex, rec)] = (ex, run)
        return ex
    patch(compiler, "build", instrumented_build)

    tier_up = compiler.tier_up

    def instrumented_tier_up(*args, **kwargs):
        ex = tier_up(*args, **kwargs)
        run = ex.run
        originals[instrument(ex, rec)] = (ex, run)
        return ex
    patch(compiler, "tier_up", instrumented_tier_up)

    call = compiler.CompiledPlan.__call__

    def timed_call(plan, feeds):
        t0 = _clock()
        out = call(plan, feeds)
        rec.add("plan", PLAN, t0, _clock(), {"fetches": [t.name for t in plan.fetch_tensors][:8]})
        plans.add(plan)
        return out
    patch(compiler.CompiledPlan, "__call__", timed_call)

    def undo():
        for owner, name, value in reversed(saved):
            setattr(owner, name, value)
        for ex, run in originals.values():       # plans built while profiling run uninstrumented again
            ex.run = run
        for plan in plans:
            if plan._hot in originals:
                plan._hot = originals[plan._hot][1]
    return undo


def _timed_operator(rec: Recorder, method, opname: str):
    def timed(self, other):
        n, t0 = len(rec.events), _clock()
        out = method(self, other)
        if len(rec.events) == n:      # the fast path ran the kernel itself: no inner op event
            rec.add(opname, EAGER_OP, t0, _clock())
        return out
    return timed


def describe(op) -> tuple[str, dict]:
    """A kernel's event name and args: a fused kernel lists the source ops it covers."""
    group = op.attrs.get("group") if isinstance(op.attrs, dict) else None
    members = getattr(group, "members", None)
    if members:
        names = [m.opdef.name for m in members]
        return f"{op.type}[{', '.join(names)}]", {"op": op.name, "ops": [m.name for m in members], "types": names}
    return op.type, {"op": op.name}


def instrument(ex, rec: Recorder):
    """Give `ex` a `run` whose kernels record an event each (the same code, other globals); returns it."""
    fn = ex.run
    namespace = dict(fn.__globals__)
    for global_name, ops in ex.kernel_globals.items():
        kernel = namespace.get(global_name)
        if not callable(kernel) or isinstance(kernel, np.ndarray):
            continue
        if len(ops) == 1:
            name, args = describe(ops[0])
        else:
            name = f"{ops[0].type} (shared by {len(ops)} ops)"
            args = {"op": [op.name for op in ops]}
        namespace[global_name] = _timed_kernel(rec, kernel, name, args)
    run = types.FunctionType(fn.__code__, namespace, fn.__name__, fn.__defaults__, fn.__closure__)
    ex.run = run
    return run


def _timed_kernel(rec: Recorder, kernel, name: str, args: dict):
    def timed(*a, **k):
        t0 = _clock()
        out = kernel(*a, **k)
        rec.add(name, KERNEL, t0, _clock(), args)
        return out
    return timed
