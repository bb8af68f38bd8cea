"""ConcreteFunction: one trace of a gf.function, its FuncGraph and compiled plan, and the ways to
call it (one plan call eagerly, inlined while a graph is built, one recorded op under a tape)."""
from __future__ import annotations

import numpy as np

from .. import context as ctx_mod
from .. import errors
from ..compiler import compile_plan
from ..eager.tensor import EagerTensor
from ..graph.func_graph import FuncGraph, replay, saved_for_gradient
from ..graph.graph import SymbolicTensor
from ..nest import flatten, pack_as, signature
from ..ops import api, convert
from ..variables import is_variable
from .control_flow import call_function
from .signature import TENSOR, call_arguments, conform

_ctx = ctx_mod.context()


class ConcreteFunction:
    """One trace of a gf.function: its FuncGraph and compiled plan.

    Callable with the traced structure of arguments (or with the flat list of its tensor
    arguments). `.graph`, `.inputs` (argument placeholders, then captures), `.outputs`,
    `.structured_outputs`, `.captured_inputs`, `.variables`, `.structured_input_signature`.
    """

    def __init__(self, graph: FuncGraph, n_args: int, struct, specs: list, kinds: list, root, owner):
        self.graph = graph
        self._n_args = n_args
        self._struct = struct
        self._specs = specs                    # per leaf: TensorSpec for tensors, the cache key otherwise
        self._kinds = kinds
        self._root = root                      # canonical arguments with TensorSpecs for tensor leaves
        self._owner = owner                    # the Function (for argument binding), or None
        self._tensor_positions = [i for i, k in enumerate(kinds) if k is TENSOR]
        self._symbolic_captures = [v for v, _ in graph.captures if isinstance(v, SymbolicTensor)]
        self._capture_arrays = [v._value for v, _ in graph.captures if not isinstance(v, SymbolicTensor)]
        self._wrap = _output_builder(graph.structured_outputs)
        self._plan = None
        self._recording = None

    # ---- what TensorFlow's ConcreteFunction exposes ---------------------------------------------------
    @property
    def name(self) -> str:
        return self.graph.name

    @property
    def inputs(self) -> list:
        return list(self.graph.inputs)

    @property
    def outputs(self) -> list:
        return list(self.graph.outputs)

    @property
    def structured_outputs(self):
        return self.graph.structured_outputs

    @property
    def captured_inputs(self) -> list:
        return [v for v, _ in self.graph.captures]

    @property
    def variables(self) -> tuple:
        return tuple(self.graph.variables)

    @property
    def trainable_variables(self) -> tuple:
        return tuple(v for v in self.graph.variables if v.trainable)

    @property
    def structured_input_signature(self):
        root = self._root
        if self._owner is not None and self._owner._parameters is not None:
            args, kwargs = call_arguments(self._owner._parameters, root)
            return tuple(args), kwargs
        return root

    def _signature_text(self) -> str:
        owner = self._owner
        if owner is None or owner._parameters is None:
            return str(self._root)
        return "(" + ", ".join(f"{p.name}: {v}" for p, v in zip(owner._parameters, self._root)) + ")"

    def __repr__(self):
        return f"<ConcreteFunction {self.name}{self.structured_input_signature} with {len(self.graph.operations)} ops>"

    # ---- running ------------------------------------------------------------------------------------------
    def usable_here(self) -> bool:
        """False when the trace captured symbolic tensors of a graph the current context cannot reach."""
        if not self._symbolic_captures:
            return True
        if _ctx.eager:
            return False
        current = ctx_mod.current_graph()
        for t in self._symbolic_captures:
            g = current
            while g is not None and g is not t.graph:
                g = getattr(g, "outer_graph", None)
            if g is None:
                return False
        return True

    def fast_entry(self) -> tuple:
        """(plan, capture arrays, output builder): all an eager call with tensor arguments needs."""
        if self._plan is None:
            self._plan = self.graph.plan()
        return self._plan, self._capture_arrays, self._wrap

    def _run(self, arrays: list):
        """Eager call with the arrays of the tensor arguments: one plan call."""
        plan = self._plan
        if plan is None:
            plan = self._plan = self.graph.plan()
        caps = self._capture_arrays
        return self._wrap(plan(arrays + caps if caps else arrays))

    def _call_tensors(self, tensors: list):
        """Call with the tensor arguments (EagerTensors eagerly, anything convertible in a graph)."""
        if _ctx.eager:
            if self._symbolic_captures:
                raise ValueError(f"{self.name} captured graph tensors and cannot run eagerly")
            if _ctx.tapes:
                return self._call_recorded(tensors)
            return self._run([t._value for t in tensors])
        return self._inline(tensors)

    def _inline(self, tensors: list):
        """In a graph being built: add this function's ops to it (nested gf.function, TF1 mode)."""
        graph = ctx_mod.current_graph()
        xs = [convert.convert_to_tensor(t) for t in tensors]
        caps = [convert.convert_to_tensor(v) for v, _ in self.graph.captures]
        op_map: dict = {}
        outs = replay(self.graph, xs + caps, op_map=op_map,
                      variables={id(v._state): v for v in self.graph.variables})
        if self.graph.side_effects and not graph.building_function and outs:
            # A TF1 graph has no automatic control dependencies: fetching any output of the call
            # must run the function's side effects, as fetching TensorFlow's call op would.
            effects = [op_map[op] for op in self.graph.side_effects]
            with graph.control_dependencies(effects):
                outs = [api.identity(o) for o in outs]
        return _pack_outputs(self.graph.structured_outputs, outs)

    def _call_recorded(self, tensors: list):
        """Eager call while tapes record: one op on the tapes whose gradient differentiates the graph."""
        return call_function(self, tensors)

    def recording_plan(self):
        """A plan that also returns the outputs of stateful ops (variable reads, random draws...),
        so a gradient can recompute the function without re-running them."""
        if self._recording is None:
            g = self.graph
            saved = saved_for_gradient(g)
            plan = compile_plan(g, list(g.outputs) + saved, list(g.side_effects), list(g.inputs))
            self._recording = (plan, saved)
        return self._recording

    def __call__(self, *args, **kwargs):
        flat = list(args)
        if (not kwargs and len(flat) == len(self._tensor_positions)
                and all(isinstance(a, (EagerTensor, SymbolicTensor, np.ndarray)) or is_variable(a) for a in flat)):
            leaves = flat           # the flat list of tensor arguments
        else:
            if self._owner is None:
                raise TypeError(f"{self.name} takes {len(self._tensor_positions)} tensor arguments")
            root = self._owner._canonicalize(args, kwargs)
            all_leaves = flatten(root)
            if signature(root) != self._struct:
                raise TypeError(f"{self.name}: the arguments do not have the traced structure "
                                f"{self.structured_input_signature}")
            leaves = [all_leaves[i] for i in self._tensor_positions]
        for n, (x, i) in enumerate(zip(leaves, self._tensor_positions)):
            _check_input_dtype(self, n, x, self._specs[i])
        tensors = [conform(x, self._specs[i], self, args, kwargs) for x, i in zip(leaves, self._tensor_positions)]
        return self._call_tensors(tensors)


def _check_input_dtype(cf, n: int, value, spec):
    """A tensor of another dtype than traced is an InvalidArgumentError, as TensorFlow's call op
    raises it (the guides catch that class); values that are not tensors yet are converted."""
    dtype = getattr(value, "dtype", None)
    if isinstance(value, (EagerTensor, SymbolicTensor)) or is_variable(value):
        if dtype is not spec.dtype:
            raise errors.InvalidArgumentError(
                None, None, f"cannot compute {cf.name} as input #{n}(zero-based) was expected to be a "
                f"{spec.dtype.name} tensor but is a {dtype.name} tensor")


def _output_builder(structured):
    """A function turning the plan's output arrays into the traced output structure of EagerTensors."""
    if isinstance(structured, SymbolicTensor):
        return lambda outs: EagerTensor(outs[0])
    if structured is None:
        return lambda outs: None
    flat = flatten(structured)
    positions = [i for i, x in enumerate(flat) if isinstance(x, SymbolicTensor)]

    def build(outs):
        values = list(flat)
        for i, o in zip(positions, outs):
            values[i] = EagerTensor(o)
        return pack_as(structured, values)
    return build


def _pack_outputs(structured, tensors):
    if isinstance(structured, SymbolicTensor):
        return tensors[0]
    flat = flatten(structured)
    it = iter(tensors)
    return pack_as(structured, [next(it) if isinstance(x, SymbolicTensor) else x for x in flat])
