"""Plans: an optimised program lowered to one straight-line Python function over kernels.

`lower_program` turns a program the passes optimised (graphflow/compiler.py runs them) into an
`Executable`: the source of one Python function that unpacks the feeds, calls each kernel with its
arguments already named, and returns the fetches. Constants, kernels and the reused buffers of
the memory plan are bound as globals of that function, so a call costs the kernel calls plus a few
bytecodes per step.
"""
from __future__ import annotations

import threading
import warnings
from functools import partial

import numpy as np

from .. import threading_config
from ..errors import InvalidArgumentError, OpError, format_location, without_op_prefix
from .lower import Lowering, calls_blas, lowering_of
from .plan_copies import PlanCopies
from .target import KernelTarget

# ---- building one executable -------------------------------------------------------------------

class _Source:
    """Accumulates the generated function's lines and the globals they name."""

    def __init__(self):
        self.lines: list = []
        self.globals: dict = {"_np": np}
        self._ids: dict = {}

    def bind(self, obj, prefix="g") -> str:
        key = id(obj)
        name = self._ids.get(key)
        if name is None:
            name = f"_{prefix}{len(self.globals)}"
            self.globals[name] = obj
            self._ids[key] = name
        return name

    def line(self, text: str, depth: int = 1):
        self.lines.append("    " * depth + text)


def _declared_array(value, t):
    """A reference kernel's result as the C-contiguous array a compiled step expects."""
    arr = _contiguous(np.asarray(value, dtype=t.dtype.np))
    dims = t.shape.dims
    if dims is not None and arr.shape != tuple(dims):
        raise InvalidArgumentError(None, t.op, f"{t.op.type} (node {t.op.name}) produced shape {arr.shape}, but "
                                   f"shape {tuple(dims)} was inferred (defined at {format_location(t.op.location)})")
    return arr


def _contiguous(arr):
    """C-contiguous, keeping 0-d arrays 0-d (np.ascontiguousarray would make them 1-d)."""
    if not isinstance(arr, np.ndarray):
        arr = np.asarray(arr)
    return arr if arr.flags.c_contiguous else np.ascontiguousarray(arr)


class Executable:
    """One compiled, shape-specialised program. `run(feeds)` returns the fetched arrays, or None
    when the feeds do not have the shapes and dtypes it was compiled for. `steps` lists the ops
    that run code at call time as (op, Step), Step None for an op running its reference kernel;
    feeds, constants and no-ops run nothing and are not listed."""

    def __init__(self, prog, stats: list, fn, source: str, steps: list, kernels: list, kernel_globals=None,
                 pending=None):
        self.program = prog
        self.pending = pending or []     # KernelSources the expression interpreter runs for now
        self.kernel_globals = kernel_globals or {}   # global name in `run` -> ops whose kernel it is (profiler)
        self.stats = stats
        self.source = source
        self.steps = steps
        self.kernels = kernels
        self.run = fn

    def __call__(self, feeds):
        return self.run(feeds)


def lower_program(prog, stats=None, target: KernelTarget = KernelTarget()) -> Executable:
    """The executable of an optimised program. `target` says how kernels are built (parallelism,
    loading, strictness). A call made while another is inside (buffers busy) runs a copy of the
    function with buffers of its own (plan_copies.py)."""
    threading_config.start()
    allow_parallel = target.allow_parallel and not any(calls_blas(op) for op in prog.operations)
    ctx = Lowering(target.load_kernel, allow_parallel, prog.buffer_plan, target.interpret)
    S = _Source()
    name: dict = {}          # tensor -> expression naming its value in the function
    compiled_inputs = set()  # tensors some compiled step reads
    lowered: list = []       # (op, Step or None: its reference kernel) for every op
    for op in prog.operations:
        row = lowering_of(op)
        step = None
        if row is not None:
            try:
                step = row.lower(op, ctx)
            except Exception as e:  # noqa: BLE001  a kernel that cannot be built: use the reference
                if target.strict:
                    raise
                warnings.warn(f"graphflow: could not compile {op.type} ({op.name}): {type(e).__name__}: {e}; "
                              "running its reference kernel", RuntimeWarning, stacklevel=2)
        lowered.append((op, step))
        if step is not None:
            compiled_inputs.update(op.inputs)
    bp = prog.buffer_plan
    slot_bytes = list(bp.slot_bytes) if bp is not None else []
    scratch_slot = {}        # (step id, key) -> slot of a step's work buffer, private to one call like the rest
    for _, step in lowered:
        for key, (shape, dtype) in (step.scratch.items() if step is not None else ()):
            scratch_slot[id(step), key] = len(slot_bytes)
            slot_bytes.append(max(1, int(np.prod(shape)) * np.dtype(dtype).itemsize))
    slots = [np.empty(n, dtype=np.uint8) for n in slot_bytes]
    if prog.inputs:
        names = [f"x{i}" for i in range(len(prog.inputs))]
        S.line(f"{names[0]}, = feeds" if len(names) == 1 else f"{', '.join(names)} = feeds")
        S.globals["_nd"], S.globals["_contig"] = np.ndarray, _contiguous
        for i, t in enumerate(prog.inputs):       # another signature: the caller dispatches again
            S.line(f"if x{i}.__class__ is not _nd or x{i}.shape != {tuple(t.shape.dims)!r} or "
                   f"x{i}.dtype is not {S.bind(t.dtype.np, 'd')}: return None")
    for i, t in enumerate(prog.inputs):
        name[t] = f"x{i}"
        if t in compiled_inputs:
            S.line(f"if not x{i}.flags.c_contiguous: x{i} = _contig(x{i})")
    depth = 1
    if slots:       # the reused buffers belong to one call at a time
        S.line("if not _lock.acquire(False): return _fallback(feeds)")
        S.line("try:")
        S.globals["_lock"] = threading.Lock()
        depth = 2
    line = S.line
    S.line = lambda text, d=1: line(text, d + depth - 1)
    kernels = []
    kernel_globals: dict = {}
    counter = [0]

    def fresh():
        counter[0] += 1
        return f"v{counter[0]}"

    shared = set()           # outputs naming a plan global (constants): fetched as copies
    slot_views: dict = {}    # global name of a view into a reused buffer -> where it points
    for op, step in lowered:
        ins = [name[t] for t in op.inputs]
        releases = (step.releases if step is not None else ()) + (bp.releases.get(op, ()) if bp is not None else ())
        for t in releases:          # locals that would keep an array's reference count up
            n = name.get(t)
            if n is not None and n.startswith("v") and n[1:].isdigit():
                S.line(f"{n} = None")
        if step is None:
            kernel_globals.setdefault(_emit_reference(S, op, prog.source_op(op), ins, name, fresh, compiled_inputs),
                                      []).append(op)
            continue
        kernels.extend(step.kernels)
        outs = []
        for i, t in enumerate(op.outputs):
            if t in name:                   # a feed, named before the first step
                outs.append(name[t])
                continue
            if i in step.binds:
                name[t] = S.bind(step.globals[step.binds[i]], "c")
                shared.add(t)
                outs.append(name[t])
                continue
            if i in step.aliases:           # written over an input's buffer
                name[t] = ins[step.aliases[i]]
                outs.append(name[t])
                continue
            v = fresh()
            name[t] = v
            outs.append(v)
            if not step.allocates:
                continue
            if bp is not None and t in bp.slot_of:
                s = bp.slot_of[t]
                view = slots[s][:_nbytes(t)].view(t.dtype.np).reshape(t.shape.dims)
                g = S.bind(view, "b")
                slot_views[g] = (s, _nbytes(t), t.dtype.np, tuple(t.shape.dims))
                S.line(f"{v} = {g}")
            else:
                S.line(f"{v} = _np.empty({tuple(t.shape.dims)!r}, {S.bind(t.dtype.np, 'd')})")
        if not step.template:
            continue
        fmt = {f"in{i}": n for i, n in enumerate(ins)}
        fmt.update({f"out{i}": n for i, n in enumerate(outs)})
        fmt.update({k: S.bind(_fast_callable(v), "k") for k, v in step.globals.items()})
        for k, (shape, dtype) in step.scratch.items():
            s, nbytes = scratch_slot[id(step), k], int(np.prod(shape)) * np.dtype(dtype).itemsize
            fmt[k] = S.bind(slots[s][:nbytes].view(dtype).reshape(shape), "b")
            slot_views[fmt[k]] = (s, nbytes, dtype, tuple(shape))
        for k in step.globals:
            kernel_globals.setdefault(fmt[k], []).append(op)
        if "{op}" in step.template or step.post is not None:
            fmt["op"], fmt["fail"] = S.bind(prog.source_op(op), "op"), "_fail"
            S.globals["_fail"] = _fail
        code = step.template.format(**fmt)
        if step.post is not None:
            S.line(f"_r = {code}")
            S.line(f"if _r >= 0: {fmt['fail']}({fmt['op']}, {S.bind(step.post, 'p')}(_r, ({', '.join(ins)},)))")
            continue
        for text in code.split("\n"):
            body = text.lstrip(" ")
            S.line(body, 1 + (len(text) - len(body)) // 4)
    outs = []
    for t in prog.outputs:      # the caller owns what it gets: no shared constant arrays
        outs.append(f"{name[t]}.copy()" if t in shared else name[t])
    S.line(f"return [{', '.join(outs)}]")
    if slots:
        line("finally:")
        line("_lock.release()", 2)
    body = "\n".join(S.lines)
    src = "def run(feeds):\n" + body + "\n"
    namespace = dict(S.globals)
    exec(compile(src, "<graphflow plan>", "exec"), namespace)
    fn = namespace["run"]
    # a call overlapping another runs a copy with its own buffers: the same kernels, the same bits
    if slots:
        namespace["_fallback"] = PlanCopies(src, S.globals, slot_bytes, slot_views)
    steps = [(op, step) for op, step in lowered if step is None or step.template]
    pending = [k for _, step in lowered if step is not None for k in step.pending]
    return Executable(prog, stats or [], fn, src, steps, kernels, kernel_globals, pending)


def _fast_callable(obj):
    """A numba dispatcher compiled for exactly one signature is called through that overload's
    entry point: it skips type dispatch (0.3 us instead of 0.8 us a call, BENCHMARKS.md W2); the
    plan guarantees argument types (feeds are checked, reference results converted)."""
    sigs = getattr(obj, "signatures", None)
    if sigs is not None and len(sigs) == 1 and getattr(obj, "_can_compile", True) is False:
        return obj.overloads[sigs[0]].entry_point
    return obj


def _nbytes(t):
    return int(np.prod(t.shape.dims, dtype=np.int64)) * t.dtype.np.itemsize


def _emit_reference(S: _Source, op, source_op, ins, name, fresh, compiled_inputs) -> str:
    """Emit a call of the op's reference kernel; returns the global naming that kernel."""
    opdef = op.opdef
    kernel = opdef.kernel if opdef.fast_kernel is None else opdef.compute     # as eager runs it
    fn = partial(kernel, **op.attrs) if op.attrs else kernel
    f = S.bind(fn, "r")
    o = S.bind(source_op, "op")
    call = f"{f}({', '.join(ins)})"
    outs = [fresh() for _ in op.outputs]
    if not outs:
        target = ""
    elif op.opdef.num_outputs == 1 and len(outs) == 1:
        target = f"{outs[0]} = "
    else:
        target = f"{', '.join(outs)}{',' if len(outs) == 1 else ''} = "
    S.line("try:")
    S.line(f"{target}{call}", 2)
    S.line("except Exception as _e:")
    S.line(f"_fail({o}, _e)", 2)
    S.globals["_fail"] = _fail
    for t, v in zip(op.outputs, outs):
        name[t] = v
        if t in compiled_inputs:
            S.line(f"{v} = {S.bind(_declared_array, 'a')}({v}, {S.bind(t, 't')})")
    return f


def _fail(op, e):
    """Re-raise a reference kernel's failure naming the op and the line that built it."""
    if isinstance(e, OpError):
        if e.op is None:
            e.op = op
            e.message = f"{e.message}\n\t [[node {op.name} (defined at {format_location(op.location)})]]"
            e.args = (e.message,)
        raise e
    raise InvalidArgumentError(
        None, op, f"{op.type} (node {op.name}) failed: {without_op_prefix(op.type, str(e))}. "
                  f"Defined at {format_location(op.location)}") from None
