"""OpDef: the single declaration of an op that eager execution, graphs, passes and kernels read.

Each op declares its shape/dtype inference, a numpy reference kernel, its gradient (written with
public ops, so it builds graphs and runs on tapes alike), its kind for the fuser and, for
elementwise ops, a scalar expression template the code generator turns into numba loops.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Callable, NamedTuple, Optional

import numpy as _np

from ..dtypes import DType
from ..shapes import TensorShape

ELEMENTWISE, REDUCTION, OPAQUE, STATEFUL, SOURCE = "elementwise", "reduction", "opaque", "stateful", "source"

# What a SOURCE op's output is, where passes and executors must know (`OpDef.source`): a value
# the caller feeds (Placeholder), the array in its `value` attr (Const), the value of the
# variable in its `var` attr (ReadVariableOp). Sources that compute (Range, random ops) have None.
FEED, CONSTANT, VARIABLE = "feed", "constant", "variable"


class Spec(NamedTuple):
    """What inference knows about a value: a (possibly partial) shape, a dtype and, when it is
    known before running (constants, eager values), the value itself."""
    shape: TensorShape
    dtype: DType
    value: object = None


class Reducer(NamedTuple):
    """How a reduction folds elements, for the code generator: `combine` is the binary step
    ("add", "mul", "max", "min", "or", "and"), `identity` its neutral element (+-inf stand for
    the dtype's extremes on integers), `wide` accumulates in float64/int64, `mean` divides the
    result by the number of elements folded."""
    combine: str
    identity: object
    wide: bool = False
    mean: bool = False


class OpCheckError(Exception):
    """Inputs an op does not take, said neutrally: `kind` is the builtin class of the complaint
    (TypeError for a dtype rule, else the class inference raised), `detail` the text. Eager
    dispatch, graph building and the compiler each turn it into their TensorFlow exception."""

    def __init__(self, kind: type, detail: str):
        super().__init__(detail)
        self.kind = kind
        self.detail = detail


@dataclass(eq=False)
class OpDef:
    """One op. `kernel(*arrays, **attrs)` returns an array (or a tuple for several outputs).

    `infer(*specs, **attrs)` returns a list of output Specs and raises ValueError/TypeError on bad
    input. `grad(op, *output_grads)` returns one gradient per input (None where there is none);
    `op` has `.inputs`, `.outputs`, `.attrs`. `differentiable=False` means every input gets None.
    `scalar_expr` is a format string over `{0}`, `{1}`... (inputs) and `{attr}` names, in numba
    syntax, for elementwise ops the fuser may inline. `fast_kernel`, set by kernels/fast.py for
    some opaque ops, is what eager runs: the compiled plan's kernels for the op, so that every
    mode runs one program; it returns None for inputs it does not handle.

    What passes and executors ask about an op is a field here, never its name: `source` (FEED,
    CONSTANT, VARIABLE: what a source op's output is), `control_only` (runs nothing and stands
    for its control inputs: `gf.group`'s NoOp), `static_value(op)` (the output's value while the
    graph is built, or None; ops/static_value.py), `reducer` (how a fusable reduction folds),
    `verify(op)` (the invariant the pass verifier checks instead of re-running `infer`) and
    `differentiable_outputs` (outputs past this many are reserve space the op's own gradient reads,
    as a recurrent op's saved gates: `grad` receives None for them, never a zero tensor).
    `updates_in_place`: the kernel writes the variable in its `var` attr over its own array when
    the reference count shows nobody else holds it (a scatter: a row update must not copy the
    table), so the memory planner drops a compiled plan's dead references to that array first.
    `grad_keeps_slices`: `grad` accepts an IndexedSlices gradient and returns slices (Cast, Identity,
    as TF's), so autodiff hands it one instead of densifying: an embedding's gradient stays sparse
    through mixed precision's float16 read of its float32 table.
    """
    name: str
    infer: Callable
    kernel: Callable
    kind: str = OPAQUE
    grad: Optional[Callable] = None
    differentiable: bool = True
    scalar_expr: Optional[str] = None
    num_outputs: int = 1
    stateful: bool = False
    same_dtype: bool = False               # all inputs must share one dtype (checked before the kernel)
    allowed: Optional[frozenset] = None    # dtype names the first input may have
    foldable: bool = True                  # constant folding may evaluate it at compile time
    check_in_eager: Optional[bool] = None  # run infer before the kernel in eager (default: non-elementwise)
    retains_inputs: bool = True            # a stateful op may keep its input arrays (an assign does)
    updates_in_place: bool = False         # writes its `var` attr's array in place when only the variable holds it
    grad_keeps_slices: bool = False        # `grad` takes an IndexedSlices output gradient and maps it
    fast_kernel: Optional[Callable] = None  # compiled kernel, as `kernel`; None result: use `kernel`
    source: Optional[str] = None           # FEED, CONSTANT or VARIABLE for those source ops
    control_only: bool = False             # no outputs, no work: stands for its control inputs
    static_value: Optional[Callable] = None  # op -> its output's value at build time, or None
    reducer: Optional[Reducer] = None      # a reduction the code generator can fold in a loop
    verify: Optional[Callable] = None      # op -> None, raising AssertionError on a broken op
    differentiable_outputs: Optional[int] = None  # outputs past this many are saved for `grad` only
    extra: dict = field(default_factory=dict)
    allowed_np: Optional[frozenset] = field(default=None, repr=False)   # derived from `allowed`

    def __repr__(self):
        return f"OpDef({self.name})"

    def compute(self, *arrays, **attrs):
        """The op's value: its fast kernel's when it has one that handles these arrays, else the
        reference kernel's. Every executor that runs a kernel directly calls this."""
        fast = self.fast_kernel
        if fast is not None:
            out = fast(*arrays, **attrs)
            if out is not None:
                return out
        return self.kernel(*arrays, **attrs)

    def check(self, specs, attrs) -> list:
        """The output Specs for inputs `specs` (one per input) and `attrs`, after the dtype rules
        (`same_dtype`, `allowed`); raises OpCheckError. The one op check every mode runs."""
        if self.same_dtype and len(specs) > 1:
            first = specs[0].dtype
            for s in specs:
                if s.dtype is not first:
                    raise OpCheckError(TypeError, "all inputs must have the same dtype")
        if self.allowed is not None and specs and specs[0].dtype.name not in self.allowed:
            raise OpCheckError(TypeError, f"dtype {specs[0].dtype.name} is not supported "
                                          f"(allowed: {', '.join(sorted(self.allowed))})")
        try:
            return self.infer(*specs, **attrs)
        except (ValueError, TypeError, IndexError) as e:
            raise OpCheckError(type(e), str(e)) from None


REGISTRY: dict[str, OpDef] = {}


def register(opdef: OpDef) -> OpDef:
    if opdef.name in REGISTRY:
        raise ValueError(f"op {opdef.name} declared twice")
    if opdef.stateful:
        opdef.foldable = False
    if opdef.check_in_eager is None:
        opdef.check_in_eager = opdef.kind != ELEMENTWISE
    opdef.allowed_np = None if opdef.allowed is None else frozenset(
        _np.dtype(object if n == "string" else n) for n in opdef.allowed)
    REGISTRY[opdef.name] = opdef
    return opdef


def get(name: str) -> OpDef:
    try:
        return REGISTRY[name]
    except KeyError:
        raise KeyError(f"No op named {name!r} is registered") from None


def set_gradient(name: str):
    """Decorator: attach a gradient function to an already declared op."""
    def deco(fn):
        get(name).grad = fn
        return fn
    return deco


# The context of the `grad` function being called: autodiff.backprop sets `grad_call.skip` (per
# thread) around each call, and a gradient asks `skipped_inputs()`.
grad_call = threading.local()
_NO_SKIP = frozenset()


def skipped_inputs() -> frozenset:
    """Inside a `grad` function: indices of the op's inputs whose gradient nobody needs (they do
    not depend on a source), so costly ones (a matmul's data input) can be returned as None."""
    return getattr(grad_call, "skip", _NO_SKIP)
