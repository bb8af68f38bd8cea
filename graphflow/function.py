"""gf.function: trace a Python function into a FuncGraph once per input signature, compile the
graph with the pipeline Session.run uses (`graphflow.compiler.compile_plan`), and call the plan.

The call path is the product: for the usual call with EagerTensor arguments the cache key is
a tuple of (shape, dtype) per argument and a hit costs one dict lookup plus the plan. Anything
else (keyword arguments, Python values, nested structures, variables, numpy arrays, tapes
recording, graph mode) goes through `Function._call_general`, which canonicalises the arguments
against the Python signature, so `f(x)`, `f(x=x)` and `f(x, y=<default>)` share one trace.
"""
from __future__ import annotations

import contextlib
import functools
import inspect
import logging
import threading
import weakref

import numpy as np

from . import config as _config
from . import context as ctx_mod
from . import dtypes
from .eager.tensor import EagerTensor
from .graph.func_graph import FuncGraph, flatten, pack_as, replay, saved_for_gradient, signature, tracing
from .graph.graph import Operation, SymbolicTensor
from .ops import dispatch
from .tensor_spec import TensorSpec

_ctx = ctx_mod.context()
_run_eagerly = _config._run_eagerly
_log = logging.getLogger("graphflow")

_TENSOR, _VARIABLE, _PYTHON = "tensor", "variable", "python"
_SINGLETON_VARIABLES = ("tf.function only supports singleton tf.Variables created on the first call. Make sure the "
                        "tf.Variable is only created once or created outside tf.function.")
_FAST_CACHE_LIMIT = 256        # distinct (shape, dtype) tuples remembered for the fast call path
_P = inspect.Parameter


class _Identity:
    """A cache-key part that compares by identity (variables, objects without value equality)."""
    __slots__ = ("obj",)

    def __init__(self, obj):
        self.obj = obj

    def __hash__(self):
        return id(self.obj)

    def __eq__(self, other):
        return type(other) is _Identity and other.obj is self.obj


def _is_variable(x) -> bool:
    return hasattr(x, "_state") and hasattr(x, "_as_graph_tensor")


def _classify(leaf):
    """(kind, cache-key part, value used by the call) for one flattened argument."""
    if type(leaf) is EagerTensor:
        v = leaf._value
        return _TENSOR, (v.shape, v.dtype), leaf
    if isinstance(leaf, (SymbolicTensor, TensorSpec)):
        return _TENSOR, (leaf.shape.dims, leaf.dtype.np), leaf
    if isinstance(leaf, (np.ndarray, np.generic)):      # numpy values are tensors, as in TensorFlow
        arr = dispatch.to_array(leaf)
        return _TENSOR, (arr.shape, arr.dtype), EagerTensor(arr)
    if isinstance(leaf, EagerTensor):
        v = leaf._value
        return _TENSOR, (v.shape, v.dtype), leaf
    if _is_variable(leaf):
        return _VARIABLE, _Identity(leaf), leaf
    try:
        hash(leaf)
    except TypeError:
        raise TypeError(f"Could not generate a generic TraceType for {leaf!r}. Please verify that it is "
                        "immutable/hashable: gf.function keys its trace cache on Python arguments' values.") from None
    return _PYTHON, ("py", leaf), leaf


def _spec_of(key) -> TensorSpec:
    dims, np_dtype = key
    return TensorSpec(dims, dtypes.from_numpy(np.dtype(np_dtype)))


# ---- frequent retracing ------------------------------------------------------------------------------

_WARN_THRESHOLD, _WARN_HISTORY, _WARN_MAX = 5, 10, 2   # TensorFlow's figures


class _RetraceDetector:
    """Warns when most of the recent calls of a Python function traced (shared by every
    gf.function made from the same code, so re-creating the function in a loop is caught)."""

    def __init__(self):
        self.calls_per_trace: list[int] = []
        self.call_count = 0
        self.warnings = 0
        self.lock = threading.Lock()

    def traced(self, untraced_calls: int, fn) -> None:
        with self.lock:
            if untraced_calls:
                if not self.calls_per_trace:
                    self.calls_per_trace.append(0)
                self.calls_per_trace[-1] += untraced_calls
                self.call_count += untraced_calls
            self.call_count += 1
            self.calls_per_trace.append(1)
            while self.calls_per_trace and self.call_count - self.calls_per_trace[0] > _WARN_HISTORY:
                self.call_count -= self.calls_per_trace.pop(0)
            if self.warnings >= _WARN_MAX or len(self.calls_per_trace) < _WARN_THRESHOLD:
                return
            self.warnings += 1
        _log.warning(
            "%d out of the last %d calls to %s triggered tf.function retracing. Tracing is expensive and the "
            "excessive number of tracings could be due to (1) creating @tf.function repeatedly in a loop, "
            "(2) passing tensors with different shapes, (3) passing Python objects instead of tensors. For (1), "
            "please define your @tf.function outside of the loop. For (2), @tf.function has "
            "reduce_retracing=True option that can avoid unnecessary retracing. For (3), please refer to "
            "graphflow's docs/function.md (controlling retracing) for more details.",
            len(self.calls_per_trace), self.call_count, fn)


_detectors: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_detectors_lock = threading.Lock()


def _detector_for(fn) -> _RetraceDetector:
    target = fn
    while hasattr(target, "__wrapped__"):
        target = target.__wrapped__
    target = getattr(target, "__func__", target)
    key = getattr(target, "__code__", target)
    with _detectors_lock:
        try:
            det = _detectors.get(key)
            if det is None:
                det = _detectors[key] = _RetraceDetector()
            return det
        except TypeError:          # not weak-referenceable: one detector per gf.function
            return _RetraceDetector()


# ---- init_scope and variables created while tracing ---------------------------------------------------

@contextlib.contextmanager
def init_scope():
    """Run the block in the outermost context: eagerly, or in the outermost non-function graph,
    with tapes paused (TensorFlow's tf.init_scope), e.g. to create state inside a traced function."""
    target = _outermost_context()
    saved = _ctx.tapes
    _ctx.tapes = []
    if target is None:
        ctx_mod.push_eager()
    else:
        ctx_mod.push_graph(target)
    try:
        yield
    finally:
        ctx_mod.pop_mode()
        _ctx.tapes = saved


def _outermost_context():
    """None for eager, else the graph that is not a function body and encloses the current one."""
    for entry in reversed(_ctx.mode_stack):
        if entry is None or not getattr(entry, "building_function", False):
            return entry
        outer = entry
        while getattr(outer, "building_function", False) and getattr(outer, "outer_graph", None) is not None:
            outer = outer.outer_graph
        if not getattr(outer, "building_function", False):
            return outer
    if ctx_mod._global_eager:
        return None
    from .graph.graph import global_default_graph
    return global_default_graph()


def create_variable_in_init_scope(var, *args, **kwargs) -> None:
    """Build `var` outside the function being traced (as TensorFlow lifts variable creation out of
    tf.function): created once, its value persists across calls instead of being re-initialised."""
    graph = ctx_mod.current_graph()
    home = graph
    while getattr(home, "lift_captures", False) and home.outer_graph is not None:
        home = home.outer_graph          # a cond/while body: the function being traced owns the variable
    if hasattr(home, "created_variables"):
        home.created_variables.append(var)
    from .variables import Variable
    try:
        with init_scope():
            Variable.__init__(var, *args, **kwargs)
    except TypeError as e:
        raise ValueError(f"A variable created inside the function {graph.name!r} being traced must get an initial "
                         f"value that does not depend on the function's arguments ({e}). Create it outside the "
                         "function, or pass a callable or a constant as initial_value.") from None


# ---- the concrete function ----------------------------------------------------------------------------

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
        self._tensor_positions = [i for i, k in enumerate(kinds) if k is _TENSOR]
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
            args, kwargs = _call_arguments(self._owner._parameters, root)
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
        xs = [dispatch.convert_to_tensor(t) for t in tensors]
        caps = [dispatch.convert_to_tensor(v) for v, _ in self.graph.captures]
        op_map: dict = {}
        outs = replay(self.graph, xs + caps, op_map=op_map,
                      variables={id(v._state): v for v in self.graph.variables})
        if self.graph.side_effects and not graph.building_function and outs:
            # A TF1 graph has no automatic control dependencies: fetching any output of the call
            # must run the function's side effects, as fetching TensorFlow's call op would.
            from .ops import api
            effects = [op_map[op] for op in self.graph.side_effects]
            with graph.control_dependencies(effects):
                outs = [api.identity(o) for o in outs]
        return _pack_outputs(self.graph.structured_outputs, outs)

    def _call_recorded(self, tensors: list):
        """Eager call while tapes record: one op on the tapes whose gradient differentiates the graph."""
        from .ops import control
        return control.call_function(self, tensors)

    def recording_plan(self):
        """A plan that also returns the outputs of stateful ops (variable reads, random draws...),
        so a gradient can recompute the function without re-running them."""
        if self._recording is None:
            from .compiler import compile_plan
            g = self.graph
            saved = saved_for_gradient(g)
            plan = compile_plan(g, list(g.outputs) + saved, list(g.side_effects), list(g.inputs))
            self._recording = (plan, saved)
        return self._recording

    def __call__(self, *args, **kwargs):
        flat = list(args)
        if (not kwargs and len(flat) == len(self._tensor_positions)
                and all(isinstance(a, (EagerTensor, SymbolicTensor, np.ndarray)) or _is_variable(a) for a in flat)):
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
        tensors = [_conform(x, self._specs[i], self, args, kwargs) for x, i in zip(leaves, self._tensor_positions)]
        return self._call_tensors(tensors)


def _conform(value, spec: TensorSpec, cf, args, kwargs):
    """`value` as a tensor the spec admits; TypeError (TensorFlow's wording) when it cannot be."""
    if _is_variable(value):
        value = dispatch.convert_to_tensor(value)
    if isinstance(value, (EagerTensor, SymbolicTensor)):
        t = value
    else:
        try:
            if _ctx.eager:
                t = EagerTensor(dispatch.to_array(value.numpy() if hasattr(value, "numpy") else value, spec.dtype))
            else:
                t = dispatch.convert_to_tensor(value, dtype=spec.dtype)
        except (TypeError, ValueError) as e:
            raise TypeError(f"Binding inputs to tf.function failed due to `{e}`. Received args: {args} and kwargs: "
                            f"{kwargs} for signature: {cf._signature_text()}.") from None
    if t.dtype is not spec.dtype or not spec.shape.is_compatible_with(t.shape):
        raise TypeError(f"Binding inputs to tf.function failed due to `Can not cast {TensorSpec(t.shape, t.dtype)} "
                        f"to {TensorSpec(spec.shape, spec.dtype)}`. Received args: {args} and kwargs: {kwargs} "
                        f"for signature: {cf._signature_text()}.")
    return t


def _flatten_up_to(template, value) -> list:
    """Flatten `value` as deep as `template` goes: where the template has a TensorSpec, the value
    is taken whole (a list there is one tensor argument, as TensorFlow converts it)."""
    if isinstance(template, dict):
        if not isinstance(value, dict) or set(value) != set(template):
            raise TypeError(f"expected a dict with keys {sorted(template)}, got {value!r}")
        return [x for k in sorted(template) for x in _flatten_up_to(template[k], value[k])]
    if isinstance(template, (list, tuple)):
        if not isinstance(value, (list, tuple)) or len(value) != len(template):
            raise TypeError(f"expected a sequence of {len(template)} elements, got {value!r}")
        return [x for t, v in zip(template, value) for x in _flatten_up_to(t, v)]
    return [value]


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


def _graph_outputs(graph: FuncGraph, result, fn_name: str):
    """Convert what the traced function returned into graph tensors (None and values that cannot be
    tensors are kept as they are), and record them as the graph's outputs."""
    converted = []
    for x in flatten(result):
        if x is None:
            converted.append(None)
        elif isinstance(x, Operation):
            raise TypeError("To be compatible with tf.function, Python functions must return zero or more Tensors "
                            f"or ExtensionTypes or None values; in compilation of {fn_name}, found return value of "
                            "type Operation, which is not a Tensor or ExtensionType.")
        else:
            try:
                converted.append(dispatch.convert_to_tensor(x))
            except (TypeError, ValueError):
                converted.append(x)
    graph.outputs = [c for c in converted if isinstance(c, SymbolicTensor)]
    graph.structured_outputs = converted[0] if not _is_structure(result) else pack_as(result, converted)


def _is_structure(x) -> bool:
    return isinstance(x, (list, tuple, dict))


# ---- gf.function --------------------------------------------------------------------------------------

def _call_arguments(parameters, root):
    """(args, kwargs) for a call, from the canonical per-parameter values of a trace key."""
    args, kwargs = [], {}
    for p, v in zip(parameters, root):
        if p.kind in (_P.POSITIONAL_ONLY, _P.POSITIONAL_OR_KEYWORD):
            args.append(v)
        elif p.kind is _P.VAR_POSITIONAL:
            args.extend(v)
        elif p.kind is _P.KEYWORD_ONLY:
            kwargs[p.name] = v
        else:
            kwargs.update(v)
    return args, kwargs


class Function:
    """A Python function traced into graphs on demand; see `function`."""

    def __init__(self, python_function, input_signature=None, jit_compile=None, reduce_retracing=False,
                 autograph=True, name=None):
        if isinstance(python_function, Function):
            python_function = python_function.python_function
        if not callable(python_function):
            raise TypeError(f"gf.function expects a callable, got {python_function!r}")
        functools.update_wrapper(self, python_function, updated=())
        self._python_function = python_function
        self._name = name or getattr(python_function, "__name__", type(python_function).__name__)
        self._jit_compile = jit_compile
        self._reduce_retracing = bool(reduce_retracing)
        self._autograph = autograph
        try:
            sig = inspect.signature(python_function)
            self._parameters = list(sig.parameters.values())
            self._signature = sig
        except (TypeError, ValueError):
            self._parameters = self._signature = None
        self._fast_ok = self._parameters is not None and all(
            p.kind in (_P.POSITIONAL_ONLY, _P.POSITIONAL_OR_KEYWORD) for p in self._parameters)
        self._n_params = len(self._parameters or ())
        self._input_signature = None
        if input_signature is not None:
            self._set_input_signature(input_signature)
        self._cache: dict = {}          # (structure, leaf keys) -> ConcreteFunction
        self._fast: dict = {}           # tuple of (shape, dtype) per EagerTensor argument -> ConcreteFunction
        self._concretes: list = []
        self._signature_cf = None
        self._tracing_count = 0
        self._untraced_calls = 0
        self._created_variables = False
        self._detector = _detector_for(python_function)
        self._lock = threading.RLock()
        self._descriptor_cache = weakref.WeakKeyDictionary()
        self._descriptor_strong: dict = {}

    def _set_input_signature(self, input_signature):
        if not isinstance(input_signature, (list, tuple)):
            raise TypeError(f"input_signature must be either a tuple or a list, got {type(input_signature).__name__}")
        for spec in flatten(list(input_signature)):
            if not isinstance(spec, TensorSpec):
                raise TypeError(f"input_signature must be a possibly nested sequence of TensorSpec objects, "
                                f"got {spec!r}")
        self._input_signature = tuple(input_signature)

    # ---- public surface ----------------------------------------------------------------------------------
    @property
    def python_function(self):
        return self._python_function

    @property
    def input_signature(self):
        return self._input_signature

    @property
    def name(self) -> str:
        return self._name

    def experimental_get_tracing_count(self) -> int:
        """How many times the Python function has been traced (TensorFlow's counter)."""
        return self._tracing_count

    def explain(self, *args, **kwargs):
        """How this function compiles for `args`: the graph after each pass, the fusion groups,
        the generated kernels (see `graphflow.explain`; `str()` of the result is the report)."""
        from .explain import explain
        return explain(self, *args, **kwargs)

    def __repr__(self):
        return f"<graphflow.function {self._name} ({self._tracing_count} traces)>"

    # ---- methods: one Function per instance ---------------------------------------------------------------
    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        try:
            bound = self._descriptor_cache.get(instance)
        except TypeError:
            entry = self._descriptor_strong.get(id(instance))
            bound = entry[1] if entry is not None and entry[0] is instance else None
        if bound is None:
            bound = self._bind_instance(instance)
            try:
                self._descriptor_cache[instance] = bound
            except TypeError:
                self._descriptor_strong[id(instance)] = (instance, bound)
        return bound

    def _bind_instance(self, instance) -> "Function":
        fn = self._python_function
        try:
            ref = weakref.ref(instance)
        except TypeError:
            ref = lambda: instance   # noqa: E731

        @functools.wraps(fn)
        def bound(*args, **kwargs):
            return fn(ref(), *args, **kwargs)

        if self._parameters:
            bound.__signature__ = self._signature.replace(parameters=self._parameters[1:])
        return Function(bound, self._input_signature, self._jit_compile, self._reduce_retracing, self._autograph,
                        self._name)

    # ---- calling ------------------------------------------------------------------------------------------
    def __call__(self, *args, **kwargs):
        if not kwargs and _ctx.eager and not _ctx.tapes and not _run_eagerly[0]:
            if len(args) == 1:         # the commonest call, without the list comprehensions
                v = args[0]
                if type(v) is EagerTensor:
                    v = v._value
                    entry = self._fast.get(((v.shape, v.dtype),))
                    if entry is not None:
                        self._untraced_calls += 1
                        plan, captures, wrap = entry
                        return wrap(plan([v, *captures]) if captures else plan([v]))
            else:
                arrays = [a._value for a in args if type(a) is EagerTensor]
                if len(arrays) == len(args):
                    entry = self._fast.get(tuple([(v.shape, v.dtype) for v in arrays]))
                    if entry is not None:
                        self._untraced_calls += 1
                        plan, captures, wrap = entry
                        return wrap(plan(arrays + captures) if captures else plan(arrays))
        return self._call_general(args, kwargs)

    def _call_general(self, args, kwargs):
        if _run_eagerly[0]:
            return self._python_function(*args, **kwargs)
        root = self._canonicalize(args, kwargs)
        if self._input_signature is not None:
            cf = self._signature_function(count_call=True)
            try:
                leaves = _flatten_up_to(cf._root, root)
            except TypeError as e:
                raise TypeError(f"Binding inputs to tf.function failed due to `{e}`. Received args: {args} and "
                                f"kwargs: {kwargs} for signature: {cf._signature_text()}.") from None
            tensors = [_conform(leaves[i], cf._specs[i], cf, args, kwargs) for i in cf._tensor_positions]
        else:
            kinds, keys, values = [], [], []
            for leaf in flatten(root):
                kind, key, value = _classify(leaf)
                kinds.append(kind)
                keys.append(key)
                values.append(value)
            cf = self._lookup(root, kinds, keys, values, count_call=True)
            tensors = [values[i] for i in cf._tensor_positions]
        if (self._fast_ok and not kwargs and len(args) == self._n_params and _ctx.eager
                and len(self._fast) < _FAST_CACHE_LIMIT and not cf._symbolic_captures
                and all(type(t) is EagerTensor for t in args) and len(tensors) == len(args)):
            self._fast[tuple([(a._value.shape, a._value.dtype) for a in args])] = cf.fast_entry()
        return cf._call_tensors(tensors)

    def _canonicalize(self, args, kwargs):
        """The arguments as one tuple of parameter values in signature order, defaults applied."""
        if self._signature is None:
            return (tuple(args), dict(kwargs))
        if self._fast_ok and not kwargs and len(args) == self._n_params:
            return tuple(args)             # every parameter given positionally: binding is the identity
        try:
            bound = self._signature.bind(*args, **kwargs)
        except TypeError as e:
            raise TypeError(f"{self._name}() got arguments that do not match its signature "
                            f"{self._signature}: {e}") from None
        bound.apply_defaults()
        return tuple(bound.arguments.values())

    def _invoke(self, root):
        """Call the Python function with canonical arguments."""
        if self._parameters is None:
            args, kwargs = root
            return self._python_function(*args, **kwargs)
        args, kwargs = _call_arguments(self._parameters, root)
        return self._python_function(*args, **kwargs)

    def _leaf_names(self, root) -> list:
        if self._parameters is None:
            return ["args"] * len(flatten(root))
        names = []
        for p, v in zip(self._parameters, root):
            names.extend([p.name] * len(flatten(v)))
        return names

    # ---- the trace cache ------------------------------------------------------------------------------------
    def _lookup(self, root, kinds, keys, values, count_call: bool) -> ConcreteFunction:
        struct = signature(root)
        key = (struct, tuple(keys))
        cf = self._cache.get(key)
        if cf is not None and cf.usable_here():
            if count_call:
                self._untraced_calls += 1
            return cf
        with self._lock:
            cf = self._compatible(struct, kinds, keys)
            if cf is None:
                specs = self._trace_specs(struct, kinds, keys)
                cf = self._trace(root, kinds, specs, values, struct, count_call)
            elif count_call:
                self._untraced_calls += 1
            self._cache[key] = cf
        return cf

    def _compatible(self, struct, kinds, keys):
        """A traced function whose signature admits these arguments (None dims match any size)."""
        for cf in reversed(self._concretes):
            if cf._struct != struct or not cf.usable_here():
                continue
            for kind, key, spec in zip(kinds, keys, cf._specs):
                if kind is _TENSOR:
                    if not isinstance(spec, TensorSpec) or not _spec_of(key).is_subtype_of(spec):
                        break
                elif spec != key:
                    break
            else:
                return cf
        return None

    def _trace_specs(self, struct, kinds, keys) -> list:
        """Specs to trace with: the arguments' own, or with reduce_retracing, generalised against
        earlier traces of the same structure (dims that differ become None)."""
        specs = [_spec_of(k) if kind is _TENSOR else k for kind, k in zip(kinds, keys)]
        if not self._reduce_retracing:
            return specs
        peers = [cf for cf in self._concretes if cf._struct == struct and all(
            (isinstance(s, TensorSpec) and s.dtype is spec.dtype) if kind is _TENSOR else s == spec
            for kind, s, spec in zip(kinds, cf._specs, specs))]
        if not peers:
            return specs
        return [spec.most_specific_common_supertype([cf._specs[i] for cf in peers]) if kind is _TENSOR else spec
                for i, (kind, spec) in enumerate(zip(kinds, specs))]

    def _trace(self, root, kinds, specs, values, struct, count_call: bool) -> ConcreteFunction:
        graph, n_args, spec_root = self._trace_graph(root, kinds, specs, values)
        if graph.created_variables:
            # As TensorFlow: variables may be created on the first trace only (they are lifted out
            # and persist); a second trace must create none, and is the one that runs.
            if self._concretes:
                raise ValueError(_SINGLETON_VARIABLES)
            graph, n_args, spec_root = self._trace_graph(root, kinds, specs, values)
            if graph.created_variables:
                raise ValueError(_SINGLETON_VARIABLES)
        self._tracing_count += 1
        if count_call:
            untraced, self._untraced_calls = self._untraced_calls, 0
            self._detector.traced(untraced, self._python_function)
        cf = ConcreteFunction(graph, n_args, struct, specs, kinds, pack_as(root, spec_root), self)
        self._concretes.append(cf)
        return cf

    def _trace_graph(self, root, kinds, specs, values):
        outer = None if _ctx.eager else ctx_mod.current_graph()
        graph = FuncGraph(self._name, outer_graph=outer)
        names = self._leaf_names(root)
        spec_root = []
        with tracing(graph):
            trace_leaves = []
            for kind, spec, value, name in zip(kinds, specs, values, names):
                if kind is _TENSOR:
                    trace_leaves.append(graph.add_input(spec.shape, spec.dtype, name))
                    spec_root.append(TensorSpec(spec.shape, spec.dtype, name))
                else:
                    trace_leaves.append(value)
                    spec_root.append(value)
            n_args = len(graph.inputs)
            result = self._invoke(pack_as(root, trace_leaves))
            _graph_outputs(graph, result, self._name)
        return graph, n_args, spec_root

    def _signature_function(self, count_call: bool = False) -> ConcreteFunction:
        cf = self._signature_cf
        if cf is None:
            with self._lock:
                if self._signature_cf is None:
                    root = self._canonicalize(self._input_signature, {})
                    leaves = flatten(root)
                    kinds, keys, values = [], [], []
                    for leaf in leaves:
                        kind, key, value = _classify(leaf)
                        kinds.append(kind)
                        keys.append(key)
                        values.append(value)
                    specs = [leaf if kind is _TENSOR else key for kind, key, leaf in zip(kinds, keys, leaves)]
                    self._signature_cf = self._trace(root, kinds, specs, values, signature(root), count_call)
                    self._concretes = [self._signature_cf]
                cf = self._signature_cf
        elif count_call:
            self._untraced_calls += 1
        return cf

    def get_concrete_function(self, *args, **kwargs) -> ConcreteFunction:
        """The ConcreteFunction for these arguments (tensors or TensorSpecs), tracing if needed."""
        if self._input_signature is not None:
            if args or kwargs:
                root = self._canonicalize(args, kwargs)
                cf = self._signature_function()
                for i in cf._tensor_positions:
                    leaf = flatten(root)[i]
                    spec = cf._specs[i]
                    probe = leaf if isinstance(leaf, (TensorSpec, EagerTensor, SymbolicTensor)) else None
                    if probe is not None and not (probe.dtype is spec.dtype
                                                  and spec.shape.is_compatible_with(probe.shape)):
                        raise TypeError(f"get_concrete_function: {probe} does not match the input_signature {spec}")
                return cf
            return self._signature_function()
        root = self._canonicalize(args, kwargs)
        kinds, keys, values = [], [], []
        for leaf in flatten(root):
            kind, key, value = _classify(leaf)
            kinds.append(kind)
            keys.append(key)
            values.append(value)
        return self._lookup(root, kinds, keys, values, count_call=False)

    def _list_all_concrete_functions(self) -> list:
        return list(self._concretes)

    def experimental_get_compiler_ir(self, *args, **kwargs):
        """The traced graph as text (graphflow has no HLO): `f.experimental_get_compiler_ir(x)()`."""
        cf = self.get_concrete_function(*args, **kwargs)
        return lambda stage="hlo", **unused: _graph_text(cf.graph)


def _graph_text(graph) -> str:
    try:
        from .graph.text import to_text
        return to_text(graph)
    except ImportError:
        return "\n".join(f"{op.name} = {op.type}({', '.join(t.name for t in op.inputs)})" for op in graph.operations)


def function(func=None, input_signature=None, autograph=True, jit_compile=None, reduce_retracing=False,
             experimental_implements=None, experimental_autograph_options=None, experimental_attributes=None,
             experimental_relax_shapes=None, experimental_compile=None, experimental_follow_type_hints=None):
    """Compile a Python function into a graph-backed callable (TensorFlow's tf.function).

    Args:
      func: the function (or method) to trace; omitted when used as `@gf.function(...)`.
      input_signature: a (nested) list of `gf.TensorSpec`; then one trace serves every call, None
        dimensions admit any size, and incompatible arguments raise TypeError.
      autograph: accepted for compatibility; Python control flow on Python values unrolls at
        trace time, and tensor-dependent control flow needs gf.cond / gf.while_loop.
      jit_compile: accepted; every graph is compiled by graphflow's pipeline anyway.
      reduce_retracing: after a retrace, generalise shapes (dims that differ become None) so
        fewer traces are needed.
    Returns:
      A `Function`: call it like the Python function; tensors come back as EagerTensors when
      called eagerly, and its graph is inlined when called while another graph is built.
    """
    if experimental_relax_shapes is not None:
        reduce_retracing = reduce_retracing or bool(experimental_relax_shapes)
    if jit_compile is None and experimental_compile is not None:
        jit_compile = experimental_compile

    def decorate(fn):
        return Function(fn, input_signature=input_signature, jit_compile=jit_compile,
                        reduce_retracing=reduce_retracing, autograph=autograph)

    return decorate if func is None else decorate(func)
