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


class Spec(NamedTuple):
    """What inference knows about a value: a (possibly partial) shape, a dtype and, when it is
    known before running (constants, eager values), the value itself."""
    shape: TensorShape
    dtype: DType
    value: object = None


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
    fast_kernel: Optional[Callable] = None  # compiled kernel, as `kernel`; None result: use `kernel`
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


REGISTRY: dict[str, OpDef] = {}


def register(opdef: OpDef) -> OpDef:
    if opdef.name in REGISTRY:
        raise ValueError(f"op {opdef.name} declared twice")
    if opdef.stateful:
        opdef.foldable = False
    if opdef.check_in_eager is None:
        opdef.check_in_eager = opdef.kind != ELEMENTWISE
    opdef.allowed_np = None if opdef.allowed is None else frozenset(
        _np.dtype(n) for n in opdef.allowed)
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
