"""Random programs over the op registry, for the differential fuzzer.

A program is a list of steps over a pool of values: step i applies one op (an elementwise op
taken from the registry, or a reduction, shape, linear-algebra, softmax or cast builder) to
earlier values. Inputs have shapes with 0 and 1 dims, any supported dtype, and special values
(0, -0, +-inf, NaN, extremes, denormals). Programs are drawn by running each candidate step
eagerly, so every recorded step is valid for its inputs; the modes then replay the same steps.
Each value carries `exact`: whether every mode promises the same bits for it (no approximated
function, no float reduction or matrix product whose summation order a kernel may choose).
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
from hypothesis import strategies as st

import graphflow as gf
from graphflow.kernels import codegen
from graphflow.ops.dispatch import apply
from graphflow.ops.registry import ELEMENTWISE, REGISTRY

FLOATS = ("float32", "float64", "float16")
INTS = ("int32", "int64", "int8", "uint8", "int16")
# weights: float32 and int32 (the dtypes of most programs, and of integer wrap-around) most often
DTYPES = ("float32",) * 3 + ("float64",) * 2 + ("float16",) + ("int32",) * 3 + INTS[1:] + ("bool",) * 2

_EXACT_FUNCTIONS = {"sqrt", "abs", "sign", "floor", "ceil", "rint", "isnan", "isfinite", "floordiv", "floormod"}


def _exact_expr(opdef) -> bool:
    """The compiled kernel computes the same bits as the numpy kernel (no approximated call)."""
    return not any(f"{fn}(" in opdef.scalar_expr for fn in set(codegen.FUNCTIONS) - _EXACT_FUNCTIONS)


@dataclass(frozen=True)
class OpChoice:
    name: str
    arity: int
    build: Callable            # build(*tensors, **attrs) -> tensor
    accepts: Callable          # accepts(dtype_name, shape) -> bool  (of the first operand)
    exact: Callable            # exact(dtype_name) -> bool
    attrs: Callable = None     # attrs(draw, shape) -> dict


def _registry_elementwise() -> list:
    out = []
    for name, d in sorted(REGISTRY.items()):
        if d.kind != ELEMENTWISE or d.scalar_expr is None or name in ("Select", "Cast"):
            continue
        arity = 2 if d.same_dtype else 1
        allowed = d.allowed

        def build(*xs, _d=d):
            return apply(_d, tuple(xs), {})
        exact = _exact_expr(d)
        out.append(OpChoice(name, arity, build,
                            (lambda dt, s, _a=allowed: _a is None or dt in _a),
                            (lambda dt, _e=exact: _e or not dt.startswith("float"))))
    return out


def _axis_attrs(draw, shape):
    rank = len(shape)
    if rank == 0:
        return {"axis": None, "keepdims": draw(st.booleans())}
    axis = draw(st.sampled_from([None, 0, -1, list(range(rank))]))
    return {"axis": axis, "keepdims": draw(st.booleans())}


def _last_axis_attrs(draw, shape):
    return {"axis": draw(st.sampled_from([-1, 0]))}


def _is_float(dt):
    return dt.startswith("float")


def _numeric(dt):
    return dt != "bool"


def _reductions() -> list:
    out = []
    for name, fn in (("Sum", gf.reduce_sum), ("Mean", gf.reduce_mean), ("Prod", gf.reduce_prod),
                     ("Max", gf.reduce_max), ("Min", gf.reduce_min)):
        ordered = name in ("Sum", "Mean", "Prod")     # float accumulation order is the kernel's choice
        out.append(OpChoice(name, 1, (lambda x, _f=fn, **a: _f(x, **a)), lambda dt, s: _numeric(dt),
                            (lambda dt, _o=ordered: not (_o and _is_float(dt))), _axis_attrs))
    for name, fn in (("Any", gf.reduce_any), ("All", gf.reduce_all)):
        out.append(OpChoice(name, 1, (lambda x, _f=fn, **a: _f(x, **a)), lambda dt, s: dt == "bool",
                            lambda dt: True, _axis_attrs))
    return out


def _finite_int(x, dtype):
    """x cast to an integer dtype from a float, through a clip: casting NaN, inf or an
    out-of-range float to an integer is undefined (numpy and the compiled kernels differ)."""
    info = np.iinfo(dtype.as_numpy_dtype)
    safe = gf.where(gf.math.is_finite(x), x, gf.zeros_like(x))
    return gf.cast(gf.clip_by_value(safe, float(max(info.min, -1e6)), float(min(info.max, 1e6))), dtype)


def _cast_choices() -> list:
    out = []
    for target in ("float32", "float64", "int32", "int8", "uint8", "bool"):
        t = gf.as_dtype(target)

        def build(x, _t=t):
            if x.dtype.is_floating and _t.is_integer:
                return _finite_int(x, _t)
            return gf.cast(x, _t)
        out.append(OpChoice(f"Cast->{target}", 1, build,
                            (lambda dt, s, _t=target: dt != "float16" or _t != "bool"), lambda dt: True))
    return out


def _shape_choices() -> list:
    return [
        OpChoice("Transpose", 1, lambda x: gf.transpose(x), lambda dt, s: True, lambda dt: True),
        OpChoice("Reshape", 1, lambda x: gf.reshape(x, [-1]), lambda dt, s: True, lambda dt: True),
        OpChoice("ExpandDims", 1, lambda x: gf.expand_dims(x, 0), lambda dt, s: len(s) < 4, lambda dt: True),
        OpChoice("Squeeze", 1, lambda x: gf.squeeze(x), lambda dt, s: True, lambda dt: True),
        OpChoice("Reverse", 1, lambda x: x[::-1], lambda dt, s: len(s) >= 1, lambda dt: True),
        OpChoice("SliceTail", 1, lambda x: x[1:], lambda dt, s: len(s) >= 1, lambda dt: True),
        OpChoice("ConcatSelf", 1, lambda x: gf.concat([x, x], axis=-1), lambda dt, s: len(s) >= 1,
                 lambda dt: True),
        OpChoice("StackSelf", 1, lambda x: gf.stack([x, x], axis=0), lambda dt, s: len(s) < 4, lambda dt: True),
        OpChoice("ArgMax", 1, lambda x: gf.argmax(x, axis=-1), lambda dt, s: _numeric(dt) and len(s) >= 1
                 and s[-1] > 0, lambda dt: True),
        OpChoice("Softmax", 1, lambda x, axis: gf.nn.softmax(x, axis=axis),
                 lambda dt, s: dt in ("float32", "float64") and len(s) >= 1, lambda dt: False, _last_axis_attrs),
        OpChoice("LogSoftmax", 1, lambda x, axis: gf.nn.log_softmax(x, axis=axis),
                 lambda dt, s: dt in ("float32", "float64") and len(s) >= 1, lambda dt: False, _last_axis_attrs),
        OpChoice("MatMulT", 1, lambda x: gf.matmul(x, x, transpose_b=True),
                 lambda dt, s: dt in ("float32", "float64", "int32", "int64") and len(s) == 2,
                 lambda dt: not _is_float(dt)),
        OpChoice("SelectPositive", 1, lambda x: gf.where(x > gf.zeros_like(x), x, gf.ones_like(x)),
                 lambda dt, s: _numeric(dt), lambda dt: True),
    ]


# drawn by family first, so fusable elementwise chains (where compiled kernels differ most from
# numpy) dominate whatever the number of ops in each family
FAMILIES = {"elementwise": _registry_elementwise(), "cast": _cast_choices(), "reduction": _reductions(),
            "other": _shape_choices()}
FAMILY_WEIGHTS = ["elementwise"] * 6 + ["cast"] * 2 + ["reduction", "other"]
CHOICES = [c for family in FAMILIES.values() for c in family]

_SPECIAL_FLOATS = [0.0, -0.0, 1.0, -1.0, 0.5, np.inf, -np.inf, np.nan, 1e30, -1e30, 3e-39, 65504.0, -2.5, 2.5]


def draw_array(draw, dtype: str, shape) -> np.ndarray:
    seed = draw(st.integers(0, 2**31 - 1))
    rng = np.random.default_rng(seed)
    n = int(np.prod(shape, dtype=np.int64))
    if dtype == "bool":
        return rng.random(shape) < 0.5
    if dtype in INTS:
        info = np.iinfo(dtype)
        small = rng.integers(max(info.min, -9), min(info.max, 9) + 1, n)
        special = rng.choice([0, 1, -1 if info.min < 0 else 2, info.max, info.min, info.max // 2 + 1], n)
        pick = rng.random(n) < draw(st.sampled_from([0.0, 0.1, 0.3, 0.6]))
        return np.where(pick, special, small).astype(dtype).reshape(shape)
    x = rng.standard_normal(n) * draw(st.sampled_from([1.0, 3.0, 100.0]))
    pick = rng.random(n) < draw(st.sampled_from([0.0, 0.0, 0.15, 0.4]))
    x = np.where(pick, rng.choice(_SPECIAL_FLOATS, n), x)
    with np.errstate(over="ignore"):
        return x.astype(dtype).reshape(shape)


@dataclass
class Program:
    inputs: list                              # numpy arrays
    steps: list = field(default_factory=list)  # (OpChoice, arg indices, attrs)
    exact: list = field(default_factory=list)  # per value (inputs then steps): bits promised
    rtol: list = field(default_factory=list)   # per value: the coarsest float precision it went through
    outputs: list = field(default_factory=list)

    def run(self, tensors) -> list:
        """Replay on `tensors` (eager tensors, placeholders or traced arguments)."""
        values = list(tensors)
        for choice, args, attrs in self.steps:
            values.append(choice.build(*[values[i] for i in args], **attrs))
        return [values[i] for i in self.outputs]

    def describe(self) -> str:
        lines = [f"in{i}: {a.dtype}{list(a.shape)} = {a.tolist()!r}" for i, a in enumerate(self.inputs)]
        n = len(self.inputs)
        for k, (choice, args, attrs) in enumerate(self.steps):
            lines.append(f"v{n + k} = {choice.name}({', '.join(f'v{i}' if i >= n else f'in{i}' for i in args)}"
                         f"{', ' if attrs else ''}{', '.join(f'{a}={v!r}' for a, v in attrs.items())})")
        lines.append(f"outputs: {self.outputs}")
        return "\n".join(lines)


def _shape(draw, base=None):
    if base is not None and draw(st.booleans()):       # broadcast-compatible with base
        return tuple(1 if draw(st.integers(0, 3)) == 0 else d for d in base)[draw(st.integers(0, len(base))):]
    rank = draw(st.integers(0, 3))
    return tuple(draw(st.sampled_from([0, 1, 1, 2, 3, 3, 4])) for _ in range(rank))


@st.composite
def programs(draw, max_steps: int = 8):
    dtype = draw(st.sampled_from(DTYPES))
    base = _shape(draw)
    inputs, pool = [], []
    for _ in range(draw(st.integers(1, 3))):
        dt = dtype if draw(st.integers(0, 3)) else draw(st.sampled_from(DTYPES))
        arr = draw_array(draw, dt, _shape(draw, base))
        inputs.append(arr)
        pool.append(gf.constant(arr))
    prog = Program(inputs, exact=[True] * len(inputs), rtol=[_rtol(a.dtype.name) for a in inputs])
    for _ in range(draw(st.integers(2, max_steps))):
        i = len(pool) - 1 if draw(st.integers(0, 2)) else draw(st.integers(0, len(pool) - 1))   # chains
        x = pool[i]
        dt, shape = x.dtype.name, tuple(x.shape)
        options = [c for c in FAMILIES[draw(st.sampled_from(FAMILY_WEIGHTS))] if c.accepts(dt, shape)]
        if not options:
            continue
        choice = draw(st.sampled_from(options))
        args = [i]
        if choice.arity == 2:
            partners = [j for j, v in enumerate(pool) if v.dtype == x.dtype and _broadcastable(shape, v.shape)]
            args.append(draw(st.sampled_from(partners)))
        attrs = choice.attrs(draw, shape) if choice.attrs else {}
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                out = choice.build(*[pool[j] for j in args], **attrs)
        except (gf.errors.OpError, ValueError, TypeError):
            continue                        # invalid here (e.g. integer division by zero): not a step
        pool.append(out)
        prog.steps.append((choice, args, attrs))
        prog.exact.append(choice.exact(dt) and all(prog.exact[j] for j in args))
        prog.rtol.append(max([_rtol(out.dtype.name)] + [prog.rtol[j] for j in args]))
    n_out = draw(st.integers(1, min(3, len(pool))))
    prog.outputs = sorted(set(draw(st.lists(st.integers(len(inputs), len(pool) - 1) if prog.steps else
                                            st.integers(0, len(pool) - 1), min_size=1, max_size=n_out))))
    return prog


# float32 through a few approximated functions: a few ulp each, amplified by later arithmetic
RTOL = {"float16": 2e-2, "float32": 2e-4, "float64": 1e-9}


def _rtol(dtype: str) -> float:
    return RTOL.get(dtype, 0.0)


def _broadcastable(a, b) -> bool:
    try:
        np.broadcast_shapes(tuple(a), tuple(b))
        return True
    except ValueError:
        return False
