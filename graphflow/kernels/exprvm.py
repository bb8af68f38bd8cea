"""The blocked expression interpreter: fused elementwise groups run as register programs.

A new graph's fused groups would each pay numba's whole pipeline (0.1-0.8 s per kernel, cold)
before the first call returns. Instead, one numba kernel per register dtype, compiled once per
toolchain and kept in the kernel cache like any generated kernel, evaluates a group described as
data: a small program of rows over registers holding BLOCK elements each.
Each block loads the inputs it needs (contiguous, broadcast scalar, or strided by the collapsed
layout), runs the program, and stores the group's exits; the registers stay in L1. A row is
(opcode, dst, a, b, c, imm): registers, and for LOAD/STORE the input/output index in `imm`.

The opcodes are generated from the registry's `scalar_expr`s through codegen.render, the same
text the specialised kernels are made of, so each member computes the same IEEE operations in
the same dtype and the results are the specialised kernels' bits (test_exprvm.py checks it).
Bool intermediates (comparisons, masks, Select's condition) live in the register file as 0/1.
What the interpreter does not run (reductions, integer or mixed-precision groups, more than
MAX_INPUTS inputs, an op without an opcode) is compiled as before: `assemble` returns None.
compiler.py decides when a plan runs groups here and when it tiers up to specialised kernels.
"""
from __future__ import annotations

import hashlib
import re
import threading
from dataclasses import dataclass
from typing import Optional

import numpy as np

from ..ops import registry
from . import cache, codegen

BLOCK = 512             # elements per register: a few registers of a long chain stay in L1
MAX_INPUTS = 12
MAX_OUTPUTS = 4
REGISTER_DTYPES = ("float32", "float64")
LOAD, STORE = 0, 1      # the two opcodes that are not members
VERSION = "2"
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Opcode:
    code: int
    op: str
    in_dtypes: tuple      # dtype names, each the register dtype or "bool"
    out_dtype: str
    body: str             # the numba statement computing element i of rd from ra, rb, rc


@dataclass(frozen=True)
class RegisterProgram:
    """What one fused group runs: `code` rows (opcode, dst, a, b, c, imm), `geo` per input (how it is
    loaded: 0 contiguous, 1 one value broadcast, 2 strided; then its stride per collapsed dim),
    the collapsed `dims` and the number of registers."""
    dtype: str
    code: np.ndarray
    geo: np.ndarray
    dims: np.ndarray
    n_registers: int


def _arity(expr: str) -> Optional[int]:
    names = _PLACEHOLDER.findall(expr)
    if any(not n.isdigit() for n in names):
        return None           # an attr baked into the text: not one opcode for every value
    return max((int(n) for n in names), default=0) + 1


def _variants(opdef, t: str):
    """(in dtypes, out dtype) combinations of `opdef` over registers of dtype `t` and bools."""
    from .. import dtypes
    from ..ops.registry import Spec
    from ..shapes import TensorShape
    n = _arity(opdef.scalar_expr)
    if n is None:
        return
    if opdef.name == "Cast":
        pairs = [((t,), "bool"), (("bool",), t)]
    else:
        pairs = [((t,) * n, None), (("bool",) * n, None)]
        if n == 3:
            pairs.append((("bool", t, t), None))
    for ins, out in pairs:
        attrs = {"dtype": dtypes.as_dtype(out)} if out is not None else {}
        try:
            specs = opdef.check([Spec(TensorShape((4,)), dtypes.as_dtype(d)) for d in ins], attrs)
        except registry.OpCheckError:
            continue
        got = specs[0].dtype.name
        if got in (t, "bool") and codegen.can_render(opdef, [dtypes.as_dtype(d) for d in ins], specs[0].dtype):
            yield ins, got


def _body(opdef, ins, out: str, t: str) -> str:
    ctor = codegen._NP_CTOR[t]
    args = [f"r{'abc'[i]}[i]" if d == t else f"(r{'abc'[i]}[i] != {ctor}(0))" for i, d in enumerate(ins)]
    expr = codegen.render(opdef.scalar_expr, args, {}, ins[0], out)
    return f"rd[i] = {ctor}({expr})"


_tables: dict = {}
_table_lock = threading.Lock()


def opcodes(t: str) -> dict:
    """(op name, in dtypes, out dtype) -> Opcode, for every registered scalar_expr that renders."""
    with _table_lock:
        table = _tables.get(t)
        if table is None:
            from ..ops import array, cwise_grad_ops, grad_ops, math  # noqa: F401  registers them
            table = {}
            code = 2
            for name in sorted(registry.REGISTRY):
                opdef = registry.REGISTRY[name]
                if opdef.scalar_expr is None or opdef.kind != registry.ELEMENTWISE:
                    continue
                for ins, out in _variants(opdef, t):
                    table[(name, ins, out)] = Opcode(code, name, ins, out, _body(opdef, ins, out, t))
                    code += 1
            _tables[t] = table
        return table


# ---- the interpreter kernel's source ----------------------------------------------------------

def source(t: str) -> codegen.KernelSource:
    """The module defining `kernel(code, geo, dims, n_registers, in0.., out0..)` for dtype `t`."""
    ctor = codegen._NP_CTOR[t]
    ins = [f"i{k}" for k in range(MAX_INPUTS)]
    outs = [f"o{k}" for k in range(MAX_OUTPUTS)]
    arr = codegen._array_type(t, 1)
    sig = ("void(Array(int64, 2, 'C'), Array(int64, 2, 'C'), Array(int64, 1, 'C'), int64, "
           + ", ".join([arr] * (MAX_INPUTS + MAX_OUTPUTS)) + ")")
    cases = []
    for oc in sorted(opcodes(t).values(), key=lambda o: o.code):
        cases.append(f"            elif op == {oc.code}:    # {oc.op}{oc.in_dtypes} -> {oc.out_dtype}\n"
                     f"                for i in range(m):\n"
                     f"                    {oc.body}")
    pick_in = "\n".join(f"    if k == {k}:\n        return i{k}" for k in range(MAX_INPUTS - 1))
    pick_out = "\n".join(f"    if k == {k}:\n        return o{k}" for k in range(MAX_OUTPUTS - 1))
    text = f'''# generated by graphflow.kernels.exprvm v{VERSION} for {t}
import numpy as np
from numba import njit
from numba.core.types import Array, boolean, float32, float64, int64
{_imports(cases)}

_JIT = dict(cache=True, error_model='numpy', nogil=True)


@njit(**_JIT)
def _input({", ".join(ins)}, k):
{pick_in}
    return i{MAX_INPUTS - 1}


@njit(**_JIT)
def _output({", ".join(outs)}, k):
{pick_out}
    return o{MAX_OUTPUTS - 1}


@njit(**_JIT)
def _load(rd, src, geo, k, dims, idx, s, m):
    kind = geo[k, 0]
    if kind == 0:
        for i in range(m):
            rd[i] = src[s + i]
    elif kind == 1:
        v = src[0]
        for i in range(m):
            rd[i] = v
    else:
        c = dims.size
        rem = s
        off = 0
        for d in range(c - 1, -1, -1):
            idx[d] = rem % dims[d]
            rem //= dims[d]
            off += idx[d] * geo[k, 1 + d]
        for i in range(m):
            rd[i] = src[off]
            d = c - 1
            idx[d] += 1
            off += geo[k, 1 + d]
            while d > 0 and idx[d] == dims[d]:
                off -= geo[k, 1 + d] * dims[d]
                idx[d] = 0
                d -= 1
                idx[d] += 1
                off += geo[k, 1 + d]


@njit("{sig}", **_JIT)
def kernel(code, geo, dims, n_registers, {", ".join(ins + outs)}):
    n = 1
    for d in range(dims.size):
        n *= dims[d]
    regs = np.empty((n_registers, {BLOCK}), {ctor})
    idx = np.empty(dims.size, np.int64)
    for s in range(0, n, {BLOCK}):
        m = min({BLOCK}, n - s)
        for pc in range(code.shape[0]):
            op = code[pc, 0]
            rd = regs[code[pc, 1]]
            ra = regs[code[pc, 2]]
            rb = regs[code[pc, 3]]
            rc = regs[code[pc, 4]]
            if op == {LOAD}:
                k = code[pc, 5]
                _load(rd, _input({", ".join(ins)}, k), geo, k, dims, idx, s, m)
            elif op == {STORE}:
                dst = _output({", ".join(outs)}, code[pc, 5])
                for i in range(m):
                    dst[s + i] = ra[i]
{chr(10).join(cases)}
'''
    key = hashlib.sha256(text.encode()).hexdigest()[:20]
    return codegen.KernelSource("kernel", text, key, None)


def _imports(cases) -> str:
    text = "\n".join(cases)
    lines = []
    fast = [n for n in codegen._FASTMATH_NAMES if re.search(rf"\b{n}\(", text)]
    scalar = [n for n in codegen._SCALAR_NAMES if re.search(rf"\b{n}\(", text)]
    if fast:
        lines.append(f"from graphflow.kernels.fastmath import {', '.join(fast)}")
    if scalar:
        lines.append(f"from graphflow.kernels.scalar import {', '.join(scalar)}")
    if "_to_bool(" in text:
        lines.append("from graphflow.kernels.scalar import to_bool as _to_bool")
    return "\n".join(lines)


_sources: dict = {}


def kernel_source(t: str) -> codegen.KernelSource:
    src = _sources.get(t)
    if src is None:
        src = _sources[t] = source(t)
    return src


def ready(t: str) -> bool:
    """Whether the interpreter for `t` runs without compiling (loaded, or on disk)."""
    return cache.is_warm(kernel_source(t).key, "kernel")


def load(t: str):
    """The interpreter kernel for register dtype `t` (compiling it if it is not cached)."""
    src = kernel_source(t)
    return cache.load(src.key, src.source)


# ---- a group as a register program ------------------------------------------------------------

def register_dtype(group) -> Optional[str]:
    """The one dtype a group computes in (bools aside), or None when the interpreter cannot run it."""
    names = {m.dtype.name for m in group.members} | {dt.name for dt, _ in group.input_specs}
    names.discard("bool")
    if len(names) != 1:
        return None
    t = names.pop()
    return t if t in REGISTER_DTYPES else None


def assemble(group) -> Optional[RegisterProgram]:
    """The register program computing `group`, or None if the interpreter does not run it. Its
    bool inputs and outputs are passed as arrays of the register dtype (the lowering converts)."""
    t = register_dtype(group)
    if (t is None or len(group.input_specs) > MAX_INPUTS or len(group.exits) > MAX_OUTPUTS
            or any(m.opdef.kind != registry.ELEMENTWISE for m in group.members)):
        return None
    table = opcodes(t)
    members = group.members
    ops = []
    names = {"in": [dt.name for dt, _ in group.input_specs], "v": [m.dtype.name for m in members]}
    for m in members:
        oc = table.get((m.opdef.name, tuple([names[a[0]][a[1]] for a in m.args]), names["v"][len(ops)]))
        if oc is None:
            return None
        ops.append(oc.code)
    layout = codegen.layout_of(group)
    # the last instruction reading each value; exits live to the end (stores come last, after
    # every load of the block, so an exit may be written over an input it was computed from)
    end = len(members) + 1
    last = {}
    for j, m in enumerate(members):
        for a in m.args:
            last[a] = j
    for j in group.exits:
        last[("v", j)] = end
    free: list = []
    n_regs = [0]
    where: dict = {}
    rows = []

    def take():
        if free:
            return free.pop()
        n_regs[0] += 1
        return n_regs[0] - 1

    for j, m in enumerate(members):
        for a in m.args:
            if a[0] == "in" and a not in where:
                where[a] = r = take()
                rows.append((LOAD, r, 0, 0, 0, a[1]))
        srcs = [where[a] for a in m.args] + [0] * (3 - len(m.args))
        dst = take()         # never one of its own arguments: LLVM would not vectorise the loop
        where[("v", j)] = dst
        rows.append((ops[j], dst, *srcs, 0))
        for a in set(m.args):
            if last.get(a) == j:
                free.append(where[a])
        if ("v", j) not in last:         # a member nobody reads (kept for its side of a sibling)
            free.append(dst)
    for i, j in enumerate(group.exits):
        rows.append((STORE, 0, where[("v", j)], 0, 0, i))
    c = len(layout.dims)
    geo = np.zeros((max(len(group.input_specs), 1), 1 + c), np.int64)
    for k, mask in enumerate(layout.masks):
        if all(mask):
            geo[k, 0] = 1
            continue
        geo[k, 0] = 0 if not any(mask) else 2
        stride = 1
        for d in range(c - 1, -1, -1):
            if not mask[d]:
                geo[k, 1 + d] = stride
                stride *= layout.dims[d]
    return RegisterProgram(t, np.asarray(rows, np.int64).reshape(-1, 6), geo, codegen.dims_array(layout),
                           max(n_regs[0], 1))
