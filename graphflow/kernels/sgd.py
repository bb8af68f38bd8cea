"""In-place SGD updates: `assign(v, read(v) - lr * (a @ b))` as one BLAS call on v's own array.

After remapping, a weight update is a FusedMatMul whose epilogue is `[Mul, Sub]` (product times
a scalar, subtracted from a read of the variable) feeding an AssignVariableOp of that variable.
Lowered as is, every step allocates a new weight-sized array, writes the product into it and
streams it again with the old weights. GEMM computes `C = alpha*A@B + beta*C`, so with
`alpha = -lr`, `beta = 1` and `C` the variable's own array the update is one pass, inside BLAS
(W4: ~0.3 ms of a 13 ms step).

Updating in place is only safe when nobody else can see the array. At compile time: the variable
is touched only by reads and this one assign, no value that may alias a read (through reference
kernels, which may return views) is fetched, every consumer of those values runs before the
update, and the assign directly follows it. At run time: the array owns its data (views of it
hold a reference to it), is C-contiguous and writeable, and its reference count shows only the
variable's storage (the plan clears its own locals first). Anything else (a fetched array the
user kept, an EagerTensor over it, a user's initial value still referenced by the graph) takes
the ordinary path, which writes a new array. GEMM goes through numpy's own OpenBLAS (ctypes), so
np.matmul and the update share one thread pool.
"""
from __future__ import annotations

import ctypes
import glob
import os
import sys
from dataclasses import dataclass
from typing import Optional

import numpy as np

# below this many weight elements the ctypes call costs more than the epilogue it saves (W3)
MIN_ELEMENTS = 1 << 16
_ROW_MAJOR, _NO_TRANS, _TRANS = 101, 111, 112


def _load_gemm() -> dict:
    """{np.float32: sgemm, np.float64: dgemm} from the OpenBLAS numpy links against, or {}."""
    libdir = os.path.join(os.path.dirname(np.__file__), os.pardir, "numpy.libs")
    for path in sorted(glob.glob(os.path.join(libdir, "libscipy_openblas64_*.so"))):
        try:
            lib = ctypes.CDLL(path)
            fns = {np.dtype(np.float32): lib.scipy_cblas_sgemm64_, np.dtype(np.float64): lib.scipy_cblas_dgemm64_}
        except (OSError, AttributeError):
            continue
        i64, ptr = ctypes.c_int64, ctypes.c_void_p
        for dt, fn in fns.items():
            scalar = ctypes.c_float if dt == np.float32 else ctypes.c_double
            fn.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int, i64, i64, i64, scalar, ptr, i64, ptr, i64,
                           scalar, ptr, i64]
            fn.restype = None
        return fns
    return {}


_GEMM: Optional[dict] = None


def gemm_for(dtype) -> Optional[object]:
    global _GEMM
    if _GEMM is None:
        _GEMM = {} if os.environ.get("GRAPHFLOW_INPLACE_SGD", "1") == "0" else _load_gemm()
    return _GEMM.get(np.dtype(dtype))


@dataclass
class Update:
    state: object          # the VariableState updated
    reads: list            # tensors that may alias the variable's array (locals to clear)
    read_input: int        # index in the FusedMatMul's inputs of the read the epilogue subtracts from
    lr_input: int          # index of the scalar learning rate
    assign: object         # the AssignVariableOp


def _epilogue(op) -> Optional[tuple]:
    """(read input index, lr input index) of a `read - prod * lr` epilogue, in op.inputs terms."""
    group = op.attrs["group"]
    k = op.attrs["operand"]
    if len(group.members) != 2 or tuple(group.exits) != (1,) or group.reduce_axes:
        return None
    mul, sub = group.members
    if mul.opdef.name != "Mul" or sub.opdef.name != "Sub" or mul.attrs or sub.attrs:
        return None
    if len(mul.args) != 2 or ("in", k) not in mul.args:
        return None
    lr = [a for a in mul.args if a != ("in", k)]
    if len(lr) != 1 or lr[0][0] != "in" or tuple(group.input_specs[lr[0][1]][1]) != ():
        return None
    if len(sub.args) != 2 or sub.args[1] != ("v", 0) or sub.args[0][0] != "in" or sub.args[0][1] == k:
        return None

    def op_index(i):         # group input i -> op input index (the product is not an op input)
        return 2 + (i if i < k else i - 1)
    return op_index(sub.args[0][1]), op_index(lr[0][1])


def find_updates(prog, lowered: set) -> dict:
    """FusedMatMul op -> Update for every weight update that may run in place (see the module doc)."""
    ops = prog.operations
    pos = {op: i for i, op in enumerate(ops)}
    users: dict = {}
    for op in ops:
        for t in op.inputs:
            users.setdefault(t, []).append(op)
    outputs = set(prog.outputs)
    touching: dict = {}
    for op in ops:
        v = op.attrs.get("var") if isinstance(op.attrs, dict) else None
        if v is not None:
            touching.setdefault(id(v), []).append(op)
    found = {}
    for i, op in enumerate(ops):
        if op.type != "FusedMatMul" or op not in lowered or len(op.outputs) != 1:
            continue
        ep = _epilogue(op)
        if ep is None:
            continue
        read_idx, lr_idx = ep
        read = op.inputs[read_idx]
        out = op.outputs[0]
        a, b = op.inputs[:2]
        if (read.op.type != "ReadVariableOp" or out.dtype is not a.dtype or a.dtype is not b.dtype
                or gemm_for(out.dtype.np) is None or out.shape.rank != 2 or not out.shape.is_fully_defined()
                or out.shape.num_elements() < MIN_ELEMENTS or out in outputs or read.dtype is not out.dtype):
            continue
        state = read.op.attrs["var"]
        assign = next((o for o in ops[i + 1:] if o.type not in ("Const", "NoOp")), None)
        if (assign is None or assign.type != "AssignVariableOp" or assign.attrs.get("var") is not state
                or list(assign.inputs) != [out] or users.get(out) != [assign]):
            continue
        if any(users.get(t) or t in outputs for t in assign.outputs):
            continue
        if any(o is not assign and o.type != "ReadVariableOp" for o in touching.get(id(state), ())):
            continue
        # everything that may alias the variable's array: reads, and reference ops' outputs over them
        aliases = [t for o in touching[id(state)] if o.type == "ReadVariableOp" for t in o.outputs]
        seen = set(aliases)
        for o in ops:
            if o not in lowered and o is not assign and any(t in seen for t in o.inputs):
                for t in o.outputs:
                    if t not in seen:
                        seen.add(t)
                        aliases.append(t)
        if any(t in outputs for t in aliases) or any(t in seen for j, t in enumerate(op.inputs) if j != read_idx):
            continue
        if any(u is not op and pos[u] > i for t in aliases for u in users.get(t, ())):
            continue
        found[op] = Update(state, aliases, read_idx, lr_idx, assign)
    return found


def run_update(state, a, b, lr, ta: bool, tb: bool):
    """`state.value -= lr * op(a) @ op(b)` in place and return the array, or None when the array
    may be visible to someone else (the caller then takes the ordinary path)."""
    w = state.value
    if (w.__class__ is not np.ndarray or w.base is not None or not w.flags.c_contiguous
            or not w.flags.writeable or sys.getrefcount(w) != 3 or w.dtype != a.dtype):
        return None                      # 3: state.value, `w`, getrefcount's argument
    if not (a.flags.c_contiguous and b.flags.c_contiguous) or a.dtype != b.dtype:
        return None                      # GEMM is given row-major leading dimensions below
    m, n = w.shape
    k = a.shape[0] if ta else a.shape[1]
    if (b.shape[1] if tb else b.shape[0]) != k or (b.shape[0] if tb else b.shape[1]) != n:
        return None
    if (a.shape[1] if ta else a.shape[0]) != m:
        return None
    gemm_for(w.dtype)(_ROW_MAJOR, _TRANS if ta else _NO_TRANS, _TRANS if tb else _NO_TRANS, m, n, k,
                      -float(lr), a.ctypes.data, a.shape[1], b.ctypes.data, b.shape[1], 1.0, w.ctypes.data, n)
    return w
