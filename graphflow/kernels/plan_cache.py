"""The plan cache: optimised programs on disk, keyed by the structure of the graph they came from.

A new process that compiles a graph compiled before (same ops, names, attrs and constants, the
same feed shapes and dtypes, fetches, pass options, graphflow sources and toolchain) skips
specialisation and every pass: the optimised program is read back from one file,
`<kernel dir>/plans/<key>.plan`, and lowered as usual (its kernels load from the kernel cache or
run in the expression interpreter). On W6 at K=1000 the passes over 2001 ops were about half of
a warm first call (docs/bench.md, "W6").

Only graphs whose attrs are plain data (numbers, strings, dtypes, shapes, numpy arrays) are
cached: one holding a variable, a function or a sub-graph is compiled as before, every time. The
key hashes what the passes read; the graphflow sources enter by name, size and modification time
(an edit invalidates every plan), numba, numpy and Python through the kernel directory's
toolchain tag. Files are written atomically with the umask's permissions; a file that cannot be
read back (truncated, garbage, another format) is ignored with a warning and written again.
GRAPHFLOW_PLAN_CACHE=0 turns the cache off.
"""
from __future__ import annotations

import dataclasses
import hashlib
import io
import os
import pickle
import threading
import warnings
from dataclasses import dataclass
from typing import Optional

import numpy as np

from .. import dtypes
from ..atomic_file import write_atomic
from ..graph.interpreter import prune
from ..ops.registry import REGISTRY, OpDef, Spec
from ..passes.fuse import FUSED, FusionGroup, Member
from ..passes.memory import BufferPlan
from ..passes.program import Program
from ..passes.remap import FUSED_MATMUL
from ..shapes import TensorShape
from . import cache
from .target import load_cached

FORMAT = 1
MAX_CONSTANT_BYTES = 16 << 20   # a graph holding more constant data is not cached: its file would copy it
_PASS_OPDEFS = {d.name: d for d in (FUSED, FUSED_MATMUL)}     # op kinds only the passes create
_CLASSES = (TensorShape, Member, FusionGroup)                   # graphflow classes a plan may hold
stats = {"hits": 0, "misses": 0, "stores": 0, "uncacheable": 0, "unreadable": 0}


class Uncacheable(Exception):
    """The graph (or its optimised program) holds something that is not plain data."""


def enabled() -> bool:
    return os.environ.get("GRAPHFLOW_PLAN_CACHE", "1").lower() not in ("0", "false", "no", "off")


# ---- the key ----------------------------------------------------------------------------------

_fingerprint = [None]
_fingerprint_lock = threading.Lock()


def source_fingerprint() -> str:
    """graphflow's version, every source file's name, size and mtime, and the toolchain tag:
    computed once per process, with its first plan (a stat per file: 3 ms of CPU, more on a busy
    machine's wall clock; W6 counts it in the one-time start-up, as its first plan is a warm-up)."""
    with _fingerprint_lock:
        if _fingerprint[0] is None:
            import graphflow
            root = os.path.dirname(os.path.abspath(graphflow.__file__))
            h = hashlib.blake2b(f"{getattr(graphflow, '__version__', '?')}|{cache.toolchain_tag()}".encode(),
                                digest_size=16)
            for directory, subdirs, files in os.walk(root):
                subdirs[:] = sorted(d for d in subdirs if d != "__pycache__")
                for f in sorted(files):
                    if f.endswith(".py"):
                        st = os.stat(os.path.join(directory, f))
                        h.update(f"{os.path.relpath(directory, root)}/{f}|{st.st_size}|{st.st_mtime_ns}\n".encode())
            _fingerprint[0] = h.hexdigest()
        return _fingerprint[0]


def _encode(v, big: list) -> str:
    """Attr value `v` as unambiguous text (arrays above 64 bytes go to `big`, hashed as bytes);
    Uncacheable if it is not plain data."""
    t = type(v)
    if t is dict:
        try:
            keys = sorted(v) if len(v) > 1 else v
        except TypeError:               # keys of mixed types
            raise Uncacheable("a dict with keys of mixed types") from None
        return "{" + "".join([f"{k!r}:{_encode(v[k], big)}" if type(k) is str else _encode(k, big) + _encode(v[k], big)
                              for k in keys]) + "}"
    if t is np.ndarray or isinstance(v, np.generic):
        a = np.asarray(v)
        if a.dtype.hasobject:
            raise Uncacheable("an object array")
        if a.nbytes <= 64:
            return f"A{a.dtype.str}{a.shape}{a.tobytes().hex()};"
        big.append(np.ascontiguousarray(a).reshape(-1).view(np.uint8))
        return f"A{a.dtype.str}{a.shape}#{len(big)};"
    if v is None or t is bool or t is int or t is float or t is str or t is complex:
        return f"{t.__name__[0]}{v!r};"
    if t is tuple or t is list:
        return ("(" if t is tuple else "[") + "".join([_encode(x, big) for x in v]) + ")"
    if t is dtypes.DType:
        return f"D{v.name};"
    if t is TensorShape:
        return f"S{v.dims!r};"
    if isinstance(v, np.dtype):
        return f"N{v.str};"
    if t is bytes:
        return f"B{v.hex()};"
    raise Uncacheable(f"an attr of type {t.__name__}")


def _settings(obj, skip: tuple) -> str:
    """Every field of a config dataclass but `skip`, as text (dicts sorted): a field added later
    enters the key without anyone remembering to add it."""
    parts = []
    for f in dataclasses.fields(obj):
        if f.name not in skip:
            v = getattr(obj, f.name)
            parts.append(f"{f.name}={sorted(v.items()) if isinstance(v, dict) else v!r}")
    return ",".join(parts)


@dataclass
class Entry:
    """One plan's place in the cache: its key and the user's ops the program stands for."""
    key: str
    ops: list                 # the fetches' ops in graph order (what specialise copies)
    feeds: list               # the fed tensors

    @property
    def path(self) -> str:
        return os.path.join(cache.kernel_dir(), "plans", f"{self.key}.plan")


def entry(graph, fetch_tensors, fetch_ops, feed_tensors, feed_shapes, config, ops=None) -> Optional[Entry]:
    """The cache entry for compiling these fetches from feeds of `feed_shapes` with `config`, or
    None when the graph cannot be cached (or the cache is off, or a pass is being watched).
    `ops`: what `prune` returns for these fetches and feeds, if the caller has it."""
    target = config.target
    if (not enabled() or config.dump is not None or config.verify
            or getattr(target, "load_kernel", None) is not load_cached):
        return None
    fed = {t: i for i, t in enumerate(feed_tensors)}
    if ops is None:
        ops = prune([t.op for t in fetch_tensors] + list(fetch_ops), set(fed))
    index = {op: i for i, op in enumerate(ops)}
    text = [f"plan{FORMAT}|{source_fingerprint()}|{_settings(config, ('dump', 'target'))}|"
            f"{_settings(target, ('load_kernel',))}"]
    big: list = []
    registered: dict = {}     # opdef -> whether the registry holds it (asked once per kind)
    specs: dict = {}          # (dtype, dims) -> its text
    try:
        for t, shape in zip(feed_tensors, feed_shapes):
            text.append(f"feed {t.op.name}:{t.value_index} {tuple(shape)!r} {t.dtype.name}")
        for op in ops:
            opdef = op.opdef
            ok = registered.get(opdef)
            if ok is None:      # an op declared outside graphflow (a test's) is not in the fingerprint
                ok = registered[opdef] = (REGISTRY.get(opdef.name) is opdef
                                          and getattr(opdef.infer, "__module__", "").startswith("graphflow."))
            if not ok:
                raise Uncacheable(f"{opdef.name} is not one of graphflow's registered ops")
            ins = [f"f{fed[t]}" if t in fed else f"{index[t.op]}:{t.value_index}" for t in op.inputs]
            outs = []
            for t in op.outputs:
                spec = (t.dtype, t.shape.dims)
                s = specs.get(spec)
                if s is None:
                    s = specs[spec] = f"{t.dtype.name}{t.shape.dims!r}"
                outs.append(s)
            ctl = [str(index[c]) for c in op.control_inputs if c in index] if op.control_inputs else ()
            text.append(f"{opdef.name}|{op.name}|{','.join(ins)}|{','.join(outs)}|{','.join(ctl)}|"
                        f"{_encode(op.attrs, big) if op.attrs else ''}")
        text.append(f"fetch {[(index[t.op], t.value_index) for t in fetch_tensors]!r} "
                    f"{[index[op] for op in fetch_ops if op in index]!r}")
    except Uncacheable:
        stats["uncacheable"] += 1
        return None
    if sum(a.nbytes for a in big) > MAX_CONSTANT_BYTES:
        stats["uncacheable"] += 1
        return None
    h = hashlib.blake2b("\n".join(text).encode(), digest_size=20)
    for a in big:
        h.update(a)
    return Entry(h.hexdigest(), ops, list(feed_tensors))


# ---- writing and reading a plan ---------------------------------------------------------------

def _op_kind(name: str) -> OpDef:
    """An op kind in a plan file, by name: a registered op or one the passes create."""
    opdef = REGISTRY.get(name) or _PASS_OPDEFS.get(name)
    if opdef is None:
        raise pickle.UnpicklingError(f"no op kind {name!r}")
    return opdef


class _Pickler(pickle.Pickler):
    """Pickles plain data, graphflow's shapes and fusion groups; op kinds and dtypes by name."""

    def reducer_override(self, obj):
        t = type(obj)
        if t is OpDef:
            if REGISTRY.get(obj.name) is obj or _PASS_OPDEFS.get(obj.name) is obj:
                return _op_kind, (obj.name,)
            raise Uncacheable(f"{obj.name} is not a registered op")
        if t is dtypes.DType:
            return dtypes.as_dtype, (obj.name,)
        if (t in _CLASSES or isinstance(obj, (np.generic, np.dtype, Spec)) or t is complex or t is slice
                or (t is np.ndarray and not obj.dtype.hasobject)
                or _allowed(getattr(obj, "__module__", None), getattr(obj, "__qualname__", None))):
            return NotImplemented      # the classes and numpy's rebuilding functions: by name
        raise Uncacheable(f"a {t.__name__} in the optimised program")


_NUMPY = {("numpy", "dtype"), ("numpy", "ndarray"), ("numpy.core.multiarray", "_reconstruct"),
          ("numpy._core.multiarray", "_reconstruct"), ("numpy.core.multiarray", "scalar"),
          ("numpy._core.multiarray", "scalar"), ("numpy._core.numeric", "_frombuffer"),
          ("numpy.core.numeric", "_frombuffer")}
_NAMES = _NUMPY | {(c.__module__, c.__qualname__) for c in _CLASSES + (Spec,)} | {
    ("builtins", "complex"), ("builtins", "slice"), (__name__, "_op_kind"), ("graphflow.dtypes", "as_dtype")}


def _allowed(module, name) -> bool:
    """Whether a plan file may name this class or function (everything else is refused)."""
    return (module, name) in _NAMES or (module == "numpy.dtypes" and isinstance(name, str))


class _Unpickler(pickle.Unpickler):
    """Reads back only what _Pickler writes: no other class or function is ever looked up."""

    def find_class(self, module, name):
        if _allowed(module, name):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not part of a plan")


def _flatten(e: Entry, prog: Program, pass_stats: list) -> dict:
    """The program as plain rows: tensors as (op index, output index), the user's ops by index."""
    where = {op: i for i, op in enumerate(prog.operations)}
    user = {op: i for i, op in enumerate(e.ops)}
    feeds = {t: i for i, t in enumerate(prog.inputs)}

    def ref(t):
        return where[t.op], t.value_index

    rows = []
    for op in prog.operations:
        src = prog.origin.get(op)
        if op.outputs and op.outputs[0] in feeds:
            origin = ("feed", feeds[op.outputs[0]])
        elif src is not None:
            origin = ("op", user[src])          # KeyError: an origin outside the graph -> not cached
        else:
            origin = ("here", op.location)
        rows.append((op.opdef, op.name, [ref(t) for t in op.inputs], op.attrs,
                     [(t.shape.dims, t.dtype) for t in op.outputs], [where[c] for c in op.control_inputs], origin))
    bp = prog.buffer_plan
    buffers = None if bp is None else ([(ref(t), s) for t, s in bp.slot_of.items()], list(bp.slot_bytes),
                                       [(ref(a), ref(b)) for a, b in bp.inplace.items()])
    return {"format": FORMAT, "key": e.key, "ops": rows, "inputs": [ref(t) for t in prog.inputs],
            "outputs": [ref(t) for t in prog.outputs], "targets": [where[op] for op in prog.targets],
            "buffers": buffers, "stats": pass_stats}


def _unflatten(e: Entry, data: dict) -> tuple:
    """The Program (origins pointing at the user's live ops) and pass stats of a plan file."""
    if data.get("format") != FORMAT or data.get("key") != e.key:
        raise ValueError("the file belongs to another plan or format")
    prog = Program()
    ops = prog.operations
    for opdef, name, ins, attrs, outs, ctl, origin in data["ops"]:
        inputs = [ops[i].outputs[k] for i, k in ins]
        if origin[0] == "op":
            src = e.ops[origin[1]]
            location = src.location
        elif origin[0] == "feed":
            src, location = None, e.feeds[origin[1]].op.location
        else:
            src, location = None, origin[1]
        op = prog.emit(opdef, inputs, attrs, name=name, specs=[Spec(TensorShape(d), dt) for d, dt in outs],
                       control_inputs=tuple(ops[i] for i in ctl), location=location)
        if src is not None:
            prog.origin[op] = src
    prog.inputs = [ops[i].outputs[k] for i, k in data["inputs"]]
    prog.outputs = [ops[i].outputs[k] for i, k in data["outputs"]]
    prog.targets = [ops[i] for i in data["targets"]]
    if data["buffers"] is not None:
        slot_of, slot_bytes, inplace = data["buffers"]
        prog.buffer_plan = BufferPlan({ops[i].outputs[k]: s for (i, k), s in slot_of},
                                      list(slot_bytes),
                                      {ops[i].outputs[k]: ops[j].outputs[m] for (i, k), (j, m) in inplace})
    stats_ = [dict(s, seconds=0.0, cached=True) for s in data["stats"]]     # no pass ran this time
    return prog, stats_


def load(e: Entry) -> Optional[tuple]:
    """(optimised Program, pass stats) from the cache, or None on a miss or an unreadable file."""
    path = e.path
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError:
        stats["misses"] += 1
        return None
    try:
        found = _unflatten(e, _Unpickler(io.BytesIO(raw)).load())
    except Exception as err:  # noqa: BLE001  any damage: compile as if it were not there
        stats["unreadable"] += 1
        warnings.warn(f"graphflow: the cached plan {path} is unreadable ({type(err).__name__}: {err}); "
                      "compiling the graph again", RuntimeWarning, stacklevel=4)
        try:
            os.unlink(path)
        except OSError:
            pass
        return None
    stats["hits"] += 1
    return found


def store(e: Entry, prog: Program, pass_stats: list) -> bool:
    """Write the optimised program for `e` (atomically); False if it holds something not plain data
    or the cache directory cannot be written."""
    if not cache.writable(cache.kernel_dir()):     # read-only: cache.writable warned once
        return False
    buf = io.BytesIO()
    try:
        _Pickler(buf, protocol=pickle.HIGHEST_PROTOCOL).dump(_flatten(e, prog, pass_stats))
    except (Uncacheable, KeyError, pickle.PicklingError, TypeError, AttributeError):
        stats["uncacheable"] += 1
        return False
    try:
        write_atomic(e.path, buf.getvalue(), durable=False)   # a cache: a damaged file is ignored
    except OSError:
        return False
    stats["stores"] += 1
    return True
