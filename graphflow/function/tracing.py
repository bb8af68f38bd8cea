"""gf.function: trace a Python function into a FuncGraph once per input signature, compile the
graph with the pipeline Session.run uses (`graphflow.compiler.compile_plan`), and call the plan.

The call path is the product: for the usual call with EagerTensor arguments the cache key is
a tuple of (shape, dtype) per argument and a hit costs one dict lookup plus the plan. Anything
else (keyword arguments, Python values, nested structures, variables, numpy arrays, tapes
recording, graph mode) goes through `Function._call_general`, which canonicalises the arguments
against the Python signature, so `f(x)`, `f(x=x)` and `f(x, y=<default>)` share one trace.
"""
from __future__ import annotations

import functools
import inspect
import threading
import weakref

from .. import config as _config
from .. import context as ctx_mod
from ..eager.tensor import EagerTensor
from ..explain import explain
from ..graph.func_graph import FuncGraph, tracing
from ..graph.graph import Operation, SymbolicTensor
from ..graph.text import to_text
from ..nest import flatten, pack_as, signature
from ..ops import convert
from ..tensor_spec import TensorSpec
from .concrete import ConcreteFunction
from .retracing import detector_for
from .signature import TENSOR, call_arguments, classify_leaves, conform, flatten_up_to, spec_of

_ctx = ctx_mod.context()
_run_eagerly = _config._run_eagerly
_P = inspect.Parameter

_SINGLETON_VARIABLES = ("tf.function only supports singleton tf.Variables created on the first call. Make sure the "
                        "tf.Variable is only created once or created outside tf.function.")
_FAST_CACHE_LIMIT = 256        # distinct (shape, dtype) tuples remembered for the fast call path


# Called with each new ConcreteFunction right after its trace (gf.summary.trace_on records graphs).
trace_listeners: list = []


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
                converted.append(convert.convert_to_tensor(x))
            except (TypeError, ValueError):
                converted.append(x)
    graph.outputs = [c for c in converted if isinstance(c, SymbolicTensor)]
    graph.structured_outputs = converted[0] if not _is_structure(result) else pack_as(result, converted)


def _is_structure(x) -> bool:
    return isinstance(x, (list, tuple, dict))


# ---- gf.function --------------------------------------------------------------------------------------

_LIVE = weakref.WeakSet()      # every gf.function alive, for gf.config.get_cache_info()
_config.register_cache_size("concrete_functions", lambda: sum(len(f._concretes) for f in list(_LIVE)))


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
        self._last_use: dict = {}       # id(ConcreteFunction) -> tick of its last lookup (the LRU order)
        self._tick = 0
        self._signature_cf = None
        self._tracing_count = 0
        self._untraced_calls = 0
        self._created_variables = False
        self._detector = detector_for(python_function)
        self._lock = threading.RLock()
        self._descriptor_cache = weakref.WeakKeyDictionary()
        self._descriptor_strong: dict = {}
        _LIVE.add(self)

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

        bound.__ag_method__ = (fn, ref)      # AutoGraph converts fn, not this wrapper
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
                leaves = flatten_up_to(cf._root, root)
            except TypeError as e:
                raise TypeError(f"Binding inputs to tf.function failed due to `{e}`. Received args: {args} and "
                                f"kwargs: {kwargs} for signature: {cf._signature_text()}.") from None
            tensors = [conform(leaves[i], cf._specs[i], cf, args, kwargs) for i in cf._tensor_positions]
        else:
            kinds, keys, values = classify_leaves(flatten(root))
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
        """Call the Python function with canonical arguments (converted by AutoGraph unless autograph=False)."""
        args, kwargs = root if self._parameters is None else call_arguments(self._parameters, root)
        if self._autograph:
            from ..autograph import entry  # (autograph's operators build on function.control_flow)
            return entry.call(self._python_function, args, kwargs)
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
        self._tick += 1
        if cf is not None and cf.usable_here():
            if count_call:
                self._untraced_calls += 1
            self._last_use[id(cf)] = self._tick
            return cf
        with self._lock:
            cf = self._compatible(struct, kinds, keys)
            if cf is None:
                specs = self._trace_specs(struct, kinds, keys)
                cf = self._trace(root, kinds, specs, values, struct, count_call)
            elif count_call:
                self._untraced_calls += 1
            self._cache[key] = cf
            self._last_use[id(cf)] = self._tick
        return cf

    def _compatible(self, struct, kinds, keys):
        """A traced function whose signature admits these arguments (None dims match any size)."""
        for cf in reversed(self._concretes):
            if cf._struct != struct or not cf.usable_here():
                continue
            for kind, key, spec in zip(kinds, keys, cf._specs):
                if kind is TENSOR:
                    if not isinstance(spec, TensorSpec) or not spec_of(key).is_subtype_of(spec):
                        break
                elif spec != key:
                    break
            else:
                return cf
        return None

    def _trace_specs(self, struct, kinds, keys) -> list:
        """Specs to trace with: the arguments' own, or with reduce_retracing, generalised against
        earlier traces of the same structure (dims that differ become None)."""
        specs = [spec_of(k) if kind is TENSOR else k for kind, k in zip(kinds, keys)]
        if not self._reduce_retracing:
            return specs
        peers = [cf for cf in self._concretes if cf._struct == struct and all(
            (isinstance(s, TensorSpec) and s.dtype is spec.dtype) if kind is TENSOR else s == spec
            for kind, s, spec in zip(kinds, cf._specs, specs))]
        if not peers:
            return specs
        return [spec.most_specific_common_supertype([cf._specs[i] for cf in peers]) if kind is TENSOR else spec
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
        self._last_use[id(cf)] = self._tick
        self._evict_beyond(_config.cache_limit("concrete_functions"), keep=cf)
        for listener in list(trace_listeners):
            listener(cf)
        return cf

    def _evict_beyond(self, limit: int, keep) -> None:
        """Drop the least recently looked-up traces beyond `limit` (never `keep`, the new one, nor
        the input_signature's); a dropped trace is traced again if its arguments come back. Calls
        served by the eager fast path do not refresh a trace's place (that path stays one dict
        lookup): a hot trace may be dropped and traced once more."""
        while len(self._concretes) > limit:
            victims = [cf for cf in self._concretes if cf is not self._signature_cf and cf is not keep]
            if not victims:
                return
            victim = min(victims, key=lambda cf: self._last_use.get(id(cf), 0))
            self._concretes.remove(victim)
            self._last_use.pop(id(victim), None)
            self._cache = {k: v for k, v in self._cache.items() if v is not victim}
            self._fast = {k: e for k, e in self._fast.items() if e[0] is not victim._plan}

    def _trace_graph(self, root, kinds, specs, values):
        outer = None if _ctx.eager else ctx_mod.current_graph()
        graph = FuncGraph(self._name, outer_graph=outer)
        names = self._leaf_names(root)
        spec_root = []
        with tracing(graph):
            trace_leaves = []
            for kind, spec, value, name in zip(kinds, specs, values, names):
                if kind is TENSOR:
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
                    kinds, keys, values = classify_leaves(leaves)
                    specs = [leaf if kind is TENSOR else key for kind, key, leaf in zip(kinds, keys, leaves)]
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
        kinds, keys, values = classify_leaves(flatten(root))
        return self._lookup(root, kinds, keys, values, count_call=False)

    def _list_all_concrete_functions(self) -> list:
        return list(self._concretes)

    def experimental_get_compiler_ir(self, *args, **kwargs):
        """The traced graph as text (graphflow has no HLO): `f.experimental_get_compiler_ir(x)()`."""
        cf = self.get_concrete_function(*args, **kwargs)
        return lambda stage="hlo", **unused: _graph_text(cf.graph)


def _graph_text(graph) -> str:
    return to_text(graph)


def function(func=None, input_signature=None, autograph=True, jit_compile=None, reduce_retracing=False,
             experimental_implements=None, experimental_autograph_options=None, experimental_attributes=None,
             experimental_relax_shapes=None, experimental_compile=None, experimental_follow_type_hints=None):
    """Compile a Python function into a graph-backed callable (TensorFlow's tf.function).

    Args:
      func: the function (or method) to trace; omitted when used as `@gf.function(...)`.
      input_signature: a (nested) list of `gf.TensorSpec`; then one trace serves every call, None
        dimensions admit any size, and incompatible arguments raise TypeError.
      autograph: convert Python `if`/`while`/`for` on tensors into gf.cond / gf.while_loop when
        tracing (see docs/function.md); False traces the function as written.
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
