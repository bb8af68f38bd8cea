"""User functions of a pipeline (map, filter, reduce, scan...) traced once into compiled graphs.

As in tf.data, a function is traced when the transformation is built, against the dataset's
element_spec, with gf.function; afterwards each element costs one call of the compiled plan on
numpy arrays, with no Python of the user's running.  A tuple element is passed as positional
arguments, anything else as one argument.
"""
from __future__ import annotations

import types

import numpy as np

from ..compiler import compile_plan
from ..context import eager_mode
from ..errors import InvalidArgumentError
from ..function import function
from ..graph.graph import SymbolicTensor
from ..tensor_spec import TensorSpec
from . import structure


def _name(fn) -> str:
    return getattr(fn, "__name__", type(fn).__name__)


def _as_output_structure(result):
    """Lists a function returns nest like tuples (tf.data converts them with a warning)."""
    if isinstance(result, list):
        return tuple(_as_output_structure(x) for x in result)
    if isinstance(result, tuple) and not hasattr(result, "_fields"):
        return tuple(_as_output_structure(x) for x in result)
    if isinstance(result, dict):
        return type(result)((k, _as_output_structure(v)) for k, v in result.items())
    return result


class TracedFunction:
    """`fn` traced for arguments of `arg_specs` (a tuple of structures, one per argument).

    Call with the flat arrays of the arguments; returns the flat output arrays.  `output_spec`
    is the nested structure of TensorSpecs the function returns.
    """

    def __init__(self, fn, arg_specs: tuple, what: str):
        self.what = what
        self.fn_name = _name(fn)
        self.arg_specs = arg_specs
        flat_specs = [TensorSpec(s.shape, s.dtype) for s in structure.flatten(arg_specs)]
        holder = {}

        def flat_fn(*leaves):
            args = structure.pack(arg_specs, leaves)
            result = _as_output_structure(fn(*args))
            holder["structure"] = result
            return structure.flatten(result)

        flat_fn.__name__ = f"{what}_{self.fn_name}"
        with eager_mode():
            self.function = function(flat_fn, input_signature=flat_specs)
            self.concrete = self.function.get_concrete_function()
        outputs = list(self.concrete.structured_outputs)
        for x in outputs:
            if not isinstance(x, SymbolicTensor):
                raise TypeError(f"{what}: the function {self.fn_name} returned {x!r}, which is not a tensor; "
                                "functions given to tf.data must return (nested tuples or dicts of) tensors")
        self.output_spec = structure.pack(holder["structure"],
                                          [TensorSpec(t.shape, t.dtype) for t in outputs])
        _, self._captures, _ = self.concrete.fast_entry()
        g = self.concrete.graph
        # Single-threaded kernels, as tf.data runs functions with max_intra_op_parallelism=1: the
        # pipeline already runs beside the training step (and beside itself in parallel maps), and
        # multi-threaded kernels competing for the same cores run many times slower.
        self._plan = compile_plan(g, list(g.outputs), list(g.side_effects), list(g.inputs), {"parallel": False})

    def __call__(self, flat_arrays) -> list:
        caps = self._captures
        return self._plan(list(flat_arrays) + caps if caps else list(flat_arrays))


def element_args(element_spec) -> tuple:
    """How an element is passed to a function: a tuple spreads into positional arguments."""
    if isinstance(element_spec, tuple) and not hasattr(element_spec, "_fields"):
        return element_spec
    return (element_spec,)


def trace_element_function(fn, element_spec, what: str) -> TracedFunction:
    return TracedFunction(fn, element_args(element_spec), what)


def trace_predicate(fn, element_spec, what: str) -> TracedFunction:
    """A function of an element that must return a scalar bool (filter, take_while)."""
    traced = trace_element_function(fn, element_spec, what)
    spec = traced.output_spec
    if not isinstance(spec, TensorSpec) or spec.dtype.name != "bool" or spec.shape.dims not in ((), None):
        raise ValueError(f"{what}: `predicate` return type must be convertible to a scalar boolean tensor. "
                         f"Was {spec}.")
    return traced


def trace_state_function(fn, state_spec, element_spec, what: str, returns_output: bool):
    """A function of (state, element) -> state (reduce) or (state, output) (scan), retraced with
    relaxed shapes until the state it returns fits the state it receives, as TensorFlow does."""
    for _ in range(3):
        traced = TracedFunction(fn, (state_spec,) + element_args(element_spec), what)
        out = traced.output_spec
        if returns_output:
            if not isinstance(out, tuple) or len(out) != 2:
                raise TypeError(f"{what}: the scan function must return a pair (new_state, output_element), "
                                f"got {out}")
            new_state = out[0]
        else:
            new_state = out
        if not structure.same_structure(state_spec, new_state):
            raise InvalidArgumentError(
                None, None, f"{what}: the function {traced.fn_name} must return a state with the structure of the "
                f"initial state: the initial state has {len(structure.flatten(state_spec))} components "
                f"({state_spec}), the function returned {len(structure.flatten(new_state))} ({new_state})")
        relaxed, changed = [], False
        for old, new in zip(structure.flatten(state_spec), structure.flatten(new_state)):
            if old.dtype is not new.dtype:
                raise TypeError(f"{what}: the state component of dtype {old.dtype.name} came back as "
                                f"{new.dtype.name} from {traced.fn_name}; cast it to keep the state's dtype")
            if not old.shape.is_compatible_with(new.shape) or old.shape.dims != new.shape.dims:
                spec = old.most_specific_common_supertype([new])
                changed = changed or spec != old
                relaxed.append(spec)
            else:
                relaxed.append(old)
        if not changed:
            return traced, state_spec
        state_spec = structure.pack(state_spec, relaxed)
    raise ValueError(f"{what}: the state shapes of {traced.fn_name} do not settle: {state_spec}")


def bound_now(fn):
    """`fn` with its free variables as they are now. tf.data traces a dataset-returning function
    (flat_map, interleave) when the transformation is built, so rebinding a name it reads later
    (a loop variable; `ds = ds.flat_map(lambda x: ds.take(x))`) does not reach it; graphflow calls
    it per element, so it keeps a copy of the closure's cells and of its module's globals (the
    same objects: a list mutated later is seen by both). Other callables are returned as they are."""
    if not isinstance(fn, types.FunctionType):
        return fn
    cells = None
    if fn.__closure__:
        cells = tuple(types.CellType(c.cell_contents) if _filled(c) else types.CellType() for c in fn.__closure__)
    copy = types.FunctionType(fn.__code__, dict(fn.__globals__), fn.__name__, fn.__defaults__, cells)
    copy.__kwdefaults__ = fn.__kwdefaults__
    copy.__dict__.update(fn.__dict__)
    copy.__qualname__ = fn.__qualname__
    return copy


def _filled(cell) -> bool:
    try:
        _ = cell.cell_contents
    except ValueError:              # a name the enclosing function had not bound yet
        return False
    return True


def call_python(fn, element, what: str):
    """Run a plain Python function on an element (flat_map/interleave return datasets)."""
    return fn(*element) if isinstance(element, tuple) and not hasattr(element, "_fields") else fn(element)


_ = np
