"""Numba source for fused elementwise groups, generated from the ops' scalar expressions.

A group iterates over one shape. The shape is collapsed first: size-1 dims are dropped and
neighbouring dims merge when every input broadcasts the same way along both (and, for
reductions, both are reduced or both kept), so most groups become one flat loop and a bias add
becomes a 2-D loop. Inputs are read by index arithmetic (a broadcast dim contributes nothing to
the index; an input broadcast along every dim is loaded once, before the loop). Reductions are
epilogues: accumulators indexed by the kept dims, a scalar accumulator when the innermost dim is
reduced, float sums accumulated in float64. The kernel takes the collapsed dims at run time, so
one compiled kernel serves every shape with the same layout.

Function names in scalar expressions map to implementations in one table, FUNCTIONS:
transcendentals go to graphflow.kernels.fastmath (branch-free polynomials that vectorise;
numba's libm calls block vectorisation, see BENCHMARKS.md).
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import numpy as np

CODEGEN_VERSION = "1"

# scalar_expr function name -> implementation, per dtype kind ("f" float, "*" any)
FUNCTIONS = {
    "exp": {"f": "fast_exp"},
    "expm1": {"f": "fast_expm1"},
    "log": {"f": "fast_log"},
    "log1p": {"f": "fast_log1p"},
    "tanh": {"f": "fast_tanh"},
    "sigmoid": {"f": "fast_sigmoid"},
    "erf": {"f": "fast_erf"},
    "softplus": {"f": "fast_softplus"},
    # fast_sin/fast_cos lose accuracy beyond |x| ~ 1e5 (float32); libm is right everywhere
    "sin": {"*": "np.sin"},
    "cos": {"*": "np.cos"},
    "sqrt": {"*": "np.sqrt"},
    "abs": {"*": "abs"},
    "sign": {"*": "np.sign"},
    "floor": {"*": "np.floor"},
    "ceil": {"*": "np.ceil"},
    "rint": {"*": "np.rint"},
    "isnan": {"*": "np.isnan"},
    "isfinite": {"*": "np.isfinite"},
    # integer floordiv/floormod by zero and integer pow with a negative exponent must raise, as
    # the reference kernels do: those stay with the reference kernels
    "floordiv": {"f": "floordiv"},
    "floormod": {"f": "floormod"},
    "pow": {"f": "power"},
}
_FASTMATH_NAMES = sorted({impl for v in FUNCTIONS.values() for impl in v.values() if impl.startswith("fast_")})
_SCALAR_NAMES = ("floordiv", "floormod", "power", "acc_add", "acc_mul", "acc_max", "acc_min")
_CALL_RE = re.compile(r"(?<![\w.])([A-Za-z_]\w*)\(")
_CALLED_RE = re.compile(r"\b(\w+)\(")
_NUMBA_TYPE = {"float32": "float32", "float64": "float64", "int8": "int8", "int16": "int16", "int32": "int32",
               "int64": "int64", "uint8": "uint8", "bool": "boolean"}
_NP_CTOR = {"float32": "np.float32", "float64": "np.float64", "int8": "np.int8", "int16": "np.int16",
            "int32": "np.int32", "int64": "np.int64", "uint8": "np.uint8", "bool": "np.bool_"}


class Unsupported(Exception):
    """The group cannot be rendered; the op falls back to its reference kernel."""


def _kind(dtype_name: str) -> str:
    return "f" if dtype_name.startswith("float") else "*"


def _impl(fn: str, dtype_name: str) -> str:
    table = FUNCTIONS.get(fn)
    if table is None:
        raise Unsupported(f"no implementation for {fn}()")
    impl = table.get(_kind(dtype_name)) or table.get("*")
    if impl is None:
        raise Unsupported(f"{fn}() has no implementation for {dtype_name}")
    return impl


def can_render(opdef, in_dtypes, out_dtype) -> bool:
    """Whether `opdef`'s scalar expression renders for these dtypes (the fuser asks first)."""
    expr = opdef.scalar_expr
    if expr is None or out_dtype.name not in _NP_CTOR or any(d.name not in _NP_CTOR for d in in_dtypes):
        return False
    try:
        render(expr, [f"a{i}" for i in range(len(in_dtypes))], {},
               (in_dtypes[0] if in_dtypes else out_dtype).name, out_dtype.name)
    except (Unsupported, KeyError, IndexError, ValueError):
        return False
    return True


def render(expr: str, args, attrs, t_dtype: str, out_dtype: str) -> str:
    """One member's expression: `{i}` -> argument names, `T(...)` -> a constant of the input
    dtype, `cast(...)` -> the output dtype, function names -> FUNCTIONS."""
    scalars = {k: v for k, v in attrs.items() if isinstance(v, (int, float, bool, np.generic))}
    text = expr.format(*args, **scalars)

    def sub(m):
        name = m.group(1)
        if name == "T":
            return _NP_CTOR[t_dtype] + "("
        if name == "cast":
            return ("_to_bool(" if out_dtype == "bool" else _NP_CTOR[out_dtype] + "(")
        return _impl(name, t_dtype) + "("
    return _CALL_RE.sub(sub, text)


# ---- layout ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Layout:
    """The collapsed iteration space: `dims` sizes, which dims each input broadcasts along
    (`masks`, True = broadcast) and which dims are reduced."""
    dims: tuple
    masks: tuple
    reduced: tuple


def collapse(shape, input_shapes, reduce_axes=()) -> Layout:
    r = len(shape)
    axes = set(reduce_axes)
    keep = [d for d in range(r) if shape[d] != 1]
    bits = []
    for s in input_shapes:
        padded = (1,) * (r - len(s)) + tuple(s)
        bits.append([padded[d] == 1 for d in range(r)])
    if not keep:
        return Layout((1,), tuple((True,) for _ in input_shapes), (False,))
    dims, masks, reduced = [], [[] for _ in input_shapes], []
    for d in keep:
        red = d in axes
        if dims and reduced[-1] == red and all(masks[k][-1] == bits[k][d] for k in range(len(bits))):
            dims[-1] *= shape[d]
            continue
        dims.append(shape[d])
        reduced.append(red)
        for k in range(len(bits)):
            masks[k].append(bits[k][d])
    return Layout(tuple(dims), tuple(tuple(m) for m in masks), tuple(reduced))


# ---- kernel source ----------------------------------------------------------------------------

@dataclass(frozen=True)
class KernelSource:
    name: str          # the function's name in its module
    source: str        # module source
    key: str           # hash of the source: the cache key
    layout: Layout
    parallel: bool = False     # the outer loop is a prange (run on kernels/loop_threads.py's count)


# Reducer.combine -> the accumulation step, in numba source
_COMBINE = {"add": "acc_add({0}, {1})", "mul": "acc_mul({0}, {1})", "max": "acc_max({0}, {1})",
            "min": "acc_min({0}, {1})", "or": "({0} or {1})", "and": "({0} and {1})"}


def _acc_dtype(r, dt: str) -> str:
    """The accumulator's dtype for reducer `r` over `dt` elements."""
    if r.wide:
        return "float64" if dt.startswith("float") else ("int64" if dt != "bool" else dt)
    return dt


def _init(r, dt: str) -> str:
    """The accumulator's initial value: the reducer's identity (+-inf: the integer extremes)."""
    acc = _acc_dtype(r, dt)
    ident = r.identity
    if isinstance(ident, float) and np.isinf(ident):
        if dt.startswith("float"):
            return f"{_NP_CTOR[acc]}({'-' if ident < 0 else ''}np.inf)"
        info = np.iinfo(np.dtype(dt))
        return f"{_NP_CTOR[acc]}({info.min if ident < 0 else info.max})"
    return f"{_NP_CTOR[acc]}({ident!r})"


def _combine(r, acc: str, v: str) -> str:
    return _COMBINE[r.combine].format(acc, v)


def _array_type(dtype_name: str, ndim: int) -> str:
    return f"Array({_NUMBA_TYPE[dtype_name]}, {ndim}, 'C')"


def generate(group, parallel: bool = False, inplace=None) -> KernelSource:
    """Source of a module defining `kernel(in0.., dims, out0..)` for a FusionGroup.

    Inputs and outputs are C-contiguous arrays of their natural shapes; `dims` is an int64
    array of the collapsed dims (from `layout_of(group)`). `inplace` maps output positions to
    input positions whose buffer they overwrite: those outputs are not parameters, the kernel
    stores through the input's own array. (Passing one buffer as both an input and an output
    would make LLVM's runtime alias check fail and run the scalar loop: 8x slower.)
    """
    inplace = dict(inplace or {})
    layout = layout_of(group)
    c = len(layout.dims)
    members = group.members
    n_in = len(group.input_specs)
    exits = list(group.exits)
    red_exits = [j for j in exits if members[j].opdef.reducer is not None and members[j].opdef.kind == "reduction"]
    ew_exits = [j for j in exits if j not in red_exits]
    parallel = parallel and c >= 1 and not layout.reduced[0]

    # member expressions
    def arg_name(a):
        return f"x{a[1]}" if a[0] == "in" else f"v{a[1]}"

    def arg_dtype(a):
        return group.input_specs[a[1]][0].name if a[0] == "in" else members[a[1]].dtype.name

    body = []
    used_inputs = set()
    for j, m in enumerate(members):
        if m.opdef.kind == "reduction":
            continue
        args = [arg_name(a) for a in m.args]
        used_inputs.update(a[1] for a in m.args if a[0] == "in")
        t_dtype = arg_dtype(m.args[0]) if m.args else m.dtype.name
        expr = render(m.opdef.scalar_expr, args, m.attrs, t_dtype, m.dtype.name)
        body.append(f"v{j} = {_in_dtype(expr, m.dtype.name)}")
    for j in red_exits:
        a = members[j].args[0]
        if a[0] == "in":
            used_inputs.add(a[1])

    # index prefixes: one per distinct mask pattern, kept mask for reductions
    full = tuple(False for _ in range(c))
    kept_mask = tuple(layout.reduced)
    patterns = {full: "p"}
    for k in sorted(used_inputs):
        m = layout.masks[k]
        if m not in patterns and not all(m):
            patterns[m] = f"q{len(patterns)}"
    if red_exits and kept_mask not in patterns:
        patterns[kept_mask] = f"q{len(patterns)}"

    def index(mask, depth):
        """Index expression for `mask` inside the loop at `depth`."""
        name = patterns[mask]
        prev = f"{name}{depth - 1}" if depth > 0 else None
        if mask[depth]:
            return prev if prev is not None else "0"
        return f"{prev} * n{depth} + i{depth}" if prev is not None else f"i{depth}"

    lines = []
    sig_args = [_array_type(dt.name, len(shape)) for dt, shape in group.input_specs]
    sig_args.append("Array(int64, 1, 'C')")
    sig_args += [_array_type(members[j].dtype.name, len(members[j].shape))
                 for i, j in enumerate(exits) if i not in inplace]
    params = [f"a{k}" for k in range(n_in)] + ["dims"] + [f"o{i}" for i in range(len(exits)) if i not in inplace]
    lines.append(f"def kernel({', '.join(params)}):")
    ind = "    "
    for d in range(c):
        lines.append(f"{ind}n{d} = dims[{d}]")
    for k in sorted(used_inputs):
        lines.append(f"{ind}f{k} = a{k}.reshape(a{k}.size)")
    for i in range(len(exits)):
        if i in inplace:
            k = inplace[i]
            lines.append(f"{ind}g{i} = f{k}" if k in used_inputs else f"{ind}g{i} = a{k}.reshape(a{k}.size)")
        else:
            lines.append(f"{ind}g{i} = o{i}.reshape(o{i}.size)")
    exit_slot = {j: i for i, j in enumerate(exits)}
    for j in red_exits:
        r = members[j].opdef.reducer
        src_dt = arg_dtype(members[j].args[0])
        acc_dt = _acc_dtype(r, src_dt)
        lines.append(f"{ind}r{j} = np.empty(g{exit_slot[j]}.size, {_NP_CTOR[acc_dt]})")
        lines.append(f"{ind}for k in range(r{j}.size):")
        lines.append(f"{ind}    r{j}[k] = {_init(r, src_dt)}")
    for k in sorted(used_inputs):          # inputs broadcast along every dim: load once
        if all(layout.masks[k]):
            lines.append(f"{ind}x{k} = f{k}[0]")
    innermost_reduced = layout.reduced[c - 1]
    for d in range(c):
        rng = "prange" if (d == 0 and parallel) else "range"
        if d == c - 1 and innermost_reduced and red_exits:
            for j in red_exits:
                r = members[j].opdef.reducer
                lines.append(f"{ind}s{j} = {_init(r, arg_dtype(members[j].args[0]))}")
        lines.append(f"{ind}for i{d} in {rng}(n{d}):")
        ind += "    "
        if d < c - 1:
            for mask, name in patterns.items():
                lines.append(f"{ind}{name}{d} = {index(mask, d)}")
    for k in sorted(used_inputs):
        if not all(layout.masks[k]):
            lines.append(f"{ind}x{k} = f{k}[{index(layout.masks[k], c - 1)}]")
    for stmt in body:
        lines.append(f"{ind}{stmt}")
    for j in ew_exits:
        lines.append(f"{ind}g{exit_slot[j]}[{index(full, c - 1)}] = v{j}")
    for j in red_exits:
        r = members[j].opdef.reducer
        src = arg_name(members[j].args[0])
        acc_dt = _acc_dtype(r, arg_dtype(members[j].args[0]))
        val = f"{_NP_CTOR[acc_dt]}({src})"
        if innermost_reduced:
            lines.append(f"{ind}s{j} = {_combine(r, f's{j}', val)}")
        else:
            kidx = index(kept_mask, c - 1)
            lines.append(f"{ind}r{j}[{kidx}] = {_combine(r, f'r{j}[{kidx}]', val)}")
    if innermost_reduced and red_exits:
        ind = ind[:-4]
        kidx = index(kept_mask, c - 1)      # the kept prefix of the enclosing loop (or 0)
        for j in red_exits:
            r = members[j].opdef.reducer
            lines.append(f"{ind}r{j}[{kidx}] = {_combine(r, f'r{j}[{kidx}]', f's{j}')}")
    ind = "    "
    for j in red_exits:
        r = members[j].opdef.reducer
        out_dt = members[j].dtype.name
        if r.mean:
            count = _mean_count(group, j)
            val = f"r{j}[k] / {count}.0"
        else:
            val = f"r{j}[k]"
        lines.append(f"{ind}for k in range(r{j}.size):")
        lines.append(f"{ind}    g{exit_slot[j]}[k] = {_NP_CTOR[out_dt]}({val})")
    fn_src = "\n".join(lines)
    called = set(_CALLED_RE.findall(fn_src))     # one scan: a search per helper name was 10% of W6's compile
    used_fast = [n for n in _FASTMATH_NAMES if n in called]
    used_scalar = [n for n in _SCALAR_NAMES if n in called]
    sig = f"void({', '.join(sig_args)})"
    header = [f"# generated by graphflow.kernels.codegen v{CODEGEN_VERSION}: {group.text_summary()}",
              "import numpy as np",
              "from numba import njit, prange",
              "from numba.core.types import Array, boolean, float32, float64, int8, int16, int32, int64, uint8"]
    if used_fast:
        header.append(f"from graphflow.kernels.fastmath import {', '.join(used_fast)}")
    if used_scalar:
        header.append(f"from graphflow.kernels.scalar import {', '.join(used_scalar)}")
    if "_to_bool(" in fn_src:
        header.append("from graphflow.kernels.scalar import to_bool as _to_bool")
    deco = (f"@njit(\"{sig}\", cache=True, error_model='numpy', nogil=True"
            + (", parallel=True" if parallel else "") + ")")
    source = "\n".join(header) + "\n\n\n" + deco + "\n" + fn_src + "\n"
    key = hashlib.sha256(source.encode()).hexdigest()[:20]
    return KernelSource("kernel", source, key, layout, parallel)


def _in_dtype(expr: str, dtype_name: str) -> str:
    """`expr` converted to the member's dtype. Numba widens small-int (and mixed) scalar arithmetic
    to int64/float64; without the conversion int32 `x * x` would not wrap, and a cast consuming it
    would see the wide value (eager and TF wrap)."""
    return expr if dtype_name == "bool" else f"{_NP_CTOR[dtype_name]}({expr})"


def _mean_count(group, j) -> int:
    m = group.members[j]
    a = m.args[0]
    shape = group.input_specs[a[1]][1] if a[0] == "in" else group.members[a[1]].shape
    axes = group.reduce_axes
    return int(np.prod([shape[d] for d in axes], dtype=np.int64)) if shape else 1


def layout_of(group) -> Layout:
    return collapse(group.shape, [shape for _, shape in group.input_specs], group.reduce_axes)


def dims_array(layout: Layout) -> np.ndarray:
    return np.asarray(layout.dims, dtype=np.int64)
