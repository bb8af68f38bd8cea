"""Layer: the unit models are made of. `build` creates weights from the first input's shape,
`call` computes, `get_config` describes the layer so it can be rebuilt.

Calling a layer on KerasTensors (from `keras.Input`) records a Node instead of computing; the
output shapes come from tracing `call` once into a scratch graph, so custom layers need no
shape code. Weights are created outside any graph being traced (like TF's init_scope), so a
layer may build lazily inside `gf.function`.
"""
from __future__ import annotations

import inspect
import threading

import numpy as np

from ... import context as ctx_mod
from ... import dtypes
from ...eager.tensor import EagerTensor
from ...module import Module
from ...ops import api
from ...tensor import Tensor
from ...variables import Variable, autocast_scope
from .. import backend, initializers, mixed_precision, nest, regularizers
from ..keras_tensor import KerasTensor, Node, has_keras_tensor
from . import attribute_tracking, mask_flow, tracking
from .input_spec import assert_input_compatibility

_ctx = ctx_mod.context()


class _CallContext(threading.local):
    """The `training` value of the outermost call, inherited by nested layer calls."""

    def __init__(self):
        self.training = []


_call_ctx = _CallContext()


def current_training():
    return _call_ctx.training[-1] if _call_ctx.training else None


def _shape_of(x):
    if type(x) is KerasTensor:
        return x.shape
    shape = getattr(x, "shape", None)
    if shape is None:
        return None
    dims = shape.dims if hasattr(shape, "dims") else tuple(shape)
    return None if dims is None else tuple(dims)


def _to_tensor(x, float_dtype):
    """Numpy and Python inputs become tensors; float inputs are cast to the layer's dtype."""
    if isinstance(x, np.ndarray):
        if x.dtype.kind == "f" and x.dtype != float_dtype.np:
            x = x.astype(float_dtype.np)
        return api.convert_to_tensor(x)
    if isinstance(x, (Tensor, Variable)):
        if x.dtype.is_floating and x.dtype is not float_dtype:
            return api.cast(x, float_dtype)
        return x
    if isinstance(x, (float, int, list, tuple)) and not isinstance(x, bool):
        arr = np.asarray(x)
        if arr.dtype == object:
            return x
        return _to_tensor(arr, float_dtype)
    return x


class Layer(Module):
    """Base class of all layers (a gf.Module: its variables are found by the same walk).

    Args:
        trainable: whether the layer's weights are updated by training (default True).
        name: unique name; by default the snake-cased class name (`dense`, `dense_1`, ...).
        dtype: the dtype of the weights and computations (default `backend.floatx()`).
    """

    input_spec = None   # an InputSpec (or a list, one per input) checked on every call

    def __new__(cls, *args, **kwargs):
        obj = super().__new__(cls)
        # Keras's auto-config: a custom layer whose constructor takes plain values serialises itself.
        try:
            bound = inspect.signature(cls.__init__).bind(obj, *args, **kwargs)
            config = {k: v for k, v in bound.arguments.items() if k != "self"}
            extra = config.pop(next((p.name for p in inspect.signature(cls.__init__).parameters.values()
                                     if p.kind is p.VAR_KEYWORD), "__none__"), {})
            config.update(extra)
            obj.__dict__["_auto_config"] = config
        except TypeError:
            obj.__dict__["_auto_config"] = None
        d = obj.__dict__    # the stores attribute tracking fills, there before any attribute is set
        d["_layers"] = []
        d["_tracked_metrics"] = []
        d["_trainable_weights"] = []
        d["_non_trainable_weights"] = []
        d["_unnumbered_layers"] = set()
        return obj

    def __init__(self, trainable: bool = True, name: str | None = None, dtype=None, autocast: bool = True,
                 input_shape=None, input_dim=None, batch_input_shape=None, batch_size=None, **kwargs):
        unknown = set(kwargs) - {"input_length", "dynamic"}
        if unknown:
            raise TypeError(f"{type(self).__name__}: unrecognized keyword arguments {sorted(unknown)}")
        self.name = name or backend.unique_name(backend.to_snake_case(type(self).__name__))
        self._trainable = bool(trainable)
        self._policy = mixed_precision.policy_of(dtype)
        self._dtype = dtypes.as_dtype(self._policy.variable_dtype)          # the weights'
        self._compute_dtype = dtypes.as_dtype(self._policy.compute_dtype)  # the inputs', outputs' and math's
        self.autocast = autocast
        self.built = False
        self._inbound_nodes = []
        self._losses = []
        self._regularizers = []
        self._build_shapes = None
        self._traced_output_shape = None
        self._call_has_training = "training" in _call_params(type(self))
        self.supports_masking = False
        if batch_input_shape is not None:
            self._batch_input_shape = tuple(batch_input_shape)
        elif input_shape is not None:
            self._batch_input_shape = (batch_size,) + tuple(input_shape)
        elif input_dim is not None:
            self._batch_input_shape = (batch_size, int(input_dim))

    # ---- attribute tracking ----------------------------------------------------------------------
    # graphflow's own bookkeeping, never layers, weights or metrics of the layer (Keras tracks
    # everything but its tracker; these hold only plain values, nodes and tensors). Subclasses
    # add theirs (a Sequential's InputLayer, a compiled model's loss tracker).
    _untracked_attributes = frozenset((
        "_trainable", "_policy", "_dtype", "_compute_dtype", "autocast", "built", "_inbound_nodes", "_losses",
        "_regularizers", "_build_shapes", "_traced_output_shape", "_call_has_training", "supports_masking",
        "_batch_input_shape", "_input_spec_ok", "_auto_config", "_tracker", "_unnumbered_layers",
        "_deferred_restorations", "_name_scope"))

    def __setattr__(self, name, value):
        """Track the layers, weights and metrics `value` holds, as Keras 3 does (see attribute_tracking)."""
        if name not in self._untracked_attributes:
            value = attribute_tracking.track(self, value, legacy=not name.startswith("_"))
        super().__setattr__(name, value)

    def __delattr__(self, name):
        value = self.__dict__.get(name)
        super().__delattr__(name)
        if isinstance(value, Variable):     # as Keras: a deleted weight is untracked, a deleted layer is not
            attribute_tracking.untrack(self, value)

    # ---- config ------------------------------------------------------------------------------------
    @property
    def name(self) -> str:
        return self.__dict__.get("_name")

    @name.setter
    def name(self, value: str):
        self.__dict__["_name"] = value

    @property
    def dtype(self) -> str:
        return self._dtype.name

    variable_dtype = dtype

    @property
    def compute_dtype(self) -> str:
        return self._compute_dtype.name

    @property
    def dtype_policy(self):
        return self._policy

    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool):
        self._trainable = bool(value)
        for layer in self._layers:
            layer.trainable = value

    def get_config(self) -> dict:
        config = {"name": self.name, "trainable": self.trainable, "dtype": self._policy.name}
        if hasattr(self, "_batch_input_shape") and not self._inbound_nodes:
            config["batch_input_shape"] = list(self._batch_input_shape)
        if type(self).get_config is Layer.get_config and _is_user_class(type(self)):
            auto = self.__dict__.get("_auto_config")
            if auto is None or not _json_ready(auto):
                raise NotImplementedError(
                    f"Layer {type(self).__name__} has arguments that cannot be serialised automatically; "
                    "override get_config() to return them.")
            config.update({k: v for k, v in auto.items() if k not in ("name", "trainable", "dtype")})
        return config

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)

    # ---- weights -------------------------------------------------------------------------------------
    def add_weight(self, *args, shape=None, initializer=None, dtype=None, trainable: bool = True, regularizer=None,
                   constraint=None, name: str | None = None, **kwargs) -> Variable:
        """Create a weight variable of this layer (outside any graph being traced).

        Positional arguments follow Keras 3 (shape, initializer, dtype, trainable), or Keras 2
        when the first one is the name (name, shape, dtype, initializer).
        """
        if args and isinstance(args[0], str):
            names = ("name", "shape", "dtype", "initializer", "regularizer", "trainable", "constraint")
        else:
            names = ("shape", "initializer", "dtype", "trainable", "autocast", "regularizer", "constraint")
        given = dict(zip(names, args))
        shape = given.get("shape", shape)
        initializer = given.get("initializer", initializer)
        dtype = given.get("dtype", dtype)
        trainable = given.get("trainable", trainable)
        regularizer = given.get("regularizer", regularizer)
        constraint = given.get("constraint", constraint)
        name = given.get("name", name)
        shape = () if shape is None else tuple(int(s) for s in shape)
        dtype = dtypes.as_dtype(dtype or self._dtype)
        if initializer is None:
            initializer = "glorot_uniform" if dtype.is_floating else "zeros"
        init = initializers.get(initializer)
        name = name or f"variable_{len(self._trainable_weights) + len(self._non_trainable_weights)}"
        with backend.state_scope():
            value = init(shape, dtype=dtype)
            var = Variable(value, trainable=trainable, name=f"{self.name}/{name}", dtype=dtype)
        var._constraint = constraint
        var._autocast = bool(given.get("autocast", kwargs.get("autocast", True)))   # mixed precision reads
        (self._trainable_weights if trainable else self._non_trainable_weights).append(var)
        tracking.weight_created(self, var)
        if regularizer is not None:
            self._regularizers.append((var, regularizers.get(regularizer)))
        return var

    def _flatten_layers(self, include_self=True):
        seen = set()
        stack = [self] if include_self else list(reversed(self._layers))
        out = []
        while stack:
            layer = stack.pop()
            if id(layer) in seen:
                continue
            seen.add(id(layer))
            out.append(layer)
            stack.extend(reversed(layer._layers))
        return out

    @property
    def weights(self) -> list:
        out, seen = [], set()
        for layer in self._flatten_layers():
            for w in layer._trainable_weights + layer._non_trainable_weights:
                if id(w) not in seen:
                    seen.add(id(w))
                    out.append(w)
        return out

    @property
    def trainable_weights(self) -> list:
        if not self.trainable:
            return []
        out, seen = [], set()
        for layer in self._flatten_layers():
            if not layer.trainable:
                continue
            for w in layer._trainable_weights:
                if id(w) not in seen:
                    seen.add(id(w))
                    out.append(w)
        return out

    @property
    def non_trainable_weights(self) -> list:
        trainable = {id(w) for w in self.trainable_weights}
        return [w for w in self.weights if id(w) not in trainable]

    @property
    def metrics(self) -> list:
        """The metrics this layer and its sub-layers hold in attributes (as Keras 3's `Layer.metrics`)."""
        out = list(self._tracked_metrics)
        for layer in self._layers:
            out.extend(layer.metrics)
        return out

    variables = weights
    trainable_variables = trainable_weights
    _checkpoint_dependencies = tracking.layer_checkpoint_dependencies
    _tf_checkpoint_aliases = tracking.layer_tf_checkpoint_aliases
    non_trainable_variables = non_trainable_weights

    def get_weights(self) -> list:
        return [w.numpy() for w in self.weights]

    def set_weights(self, weights) -> None:
        params = self.weights
        if len(params) != len(weights):
            raise ValueError(f"Layer {self.name!r} expects {len(params)} weights "
                             f"({[tuple(w.shape) for w in params]}), but set_weights got {len(weights)}")
        for var, value in zip(params, weights):
            value = np.asarray(value)
            if tuple(var.shape) != value.shape:
                raise ValueError(f"Layer {self.name!r}: weight {var.name} has shape {tuple(var.shape)}, "
                                 f"but the provided weight has shape {value.shape}")
            var.assign(value.astype(var.dtype.np, copy=False))

    def count_params(self) -> int:
        if not self.built:
            raise ValueError(f"You tried to call count_params on layer {self.name!r}, but the layer isn't "
                             "built. Build it first (call it on data, or give the model an Input).")
        return int(sum(int(np.prod(tuple(w.shape))) for w in self.weights))

    # ---- losses ----------------------------------------------------------------------------------------
    def add_loss(self, loss) -> None:
        _has_add_loss[0] = True
        self._losses.append(loss)

    @property
    def losses(self) -> list:
        out = []
        for layer in self._flatten_layers():
            out.extend(layer._losses)
            for var, reg in layer._regularizers:
                out.append(reg(var))
        return out

    def _clear_losses(self):
        for layer in self._flatten_layers():
            if layer._losses:
                layer._losses = []

    # ---- building and calling -------------------------------------------------------------------------
    def build(self, input_shape) -> None:
        self.built = True

    def _maybe_build(self, inputs):
        if self.built:
            return
        shapes = nest.map_structure(_shape_of, inputs)
        self._build_shapes = shapes
        with backend.state_scope():
            self.build(shapes)
        self.built = True

    def call(self, inputs, *args, **kwargs):
        return inputs

    def __call__(self, *args, **kwargs):
        if not args:
            if "inputs" not in kwargs:
                raise TypeError(f"Layer {self.name!r} must be called with its inputs as first argument")
            args = (kwargs.pop("inputs"),)
        first = args[0]
        if has_keras_tensor(first) or any(has_keras_tensor(v) for v in kwargs.values()):
            return self._symbolic_call(args, kwargs)
        if type(first) is not EagerTensor or (self.autocast and first._value.dtype.kind == "f"
                                              and first._value.dtype != self._compute_dtype.np):
            first = nest.map_structure(lambda x: _to_tensor(x, self._compute_dtype), first) if self.autocast \
                else first
            args = (first,) + args[1:]
        if not self.built:
            self._maybe_build(first)
        if self.input_spec is not None:
            # The verdict depends only on the spec and the input's shape: a model serving one sample
            # at a time checked it ~8 µs per layer per call (a third of W9's keras __call__ overhead).
            shape = first._value.shape if type(first) is EagerTensor else None
            checked = self.__dict__.get("_input_spec_ok")
            if shape is None or checked is None or checked[0] is not self.input_spec or checked[1] != shape:
                assert_input_compatibility(self.input_spec, first, self.name)
                self.__dict__["_input_spec_ok"] = None if shape is None else (self.input_spec, shape)
        training = kwargs.get("training")
        if training is None:
            training = current_training()
        if self._call_has_training:
            kwargs["training"] = training
        elif "training" in kwargs:
            del kwargs["training"]
        outer = not _call_ctx.training
        if outer and _has_add_loss[0]:
            self._clear_losses()
        _call_ctx.training.append(training)
        previous_mask = mask_flow.fill_mask_arguments(self, args, kwargs)
        try:
            with autocast_scope(self._compute_dtype if self._policy.is_mixed else None):
                if _ctx.eager:
                    out = self.call(*args, **kwargs)
                else:
                    with api.name_scope(self.name):
                        out = self.call(*args, **kwargs)
                if self._traced_output_shape is None:   # for summary() of models without KerasTensor nodes
                    self._traced_output_shape = nest.map_structure(
                        lambda t: (None,) + tuple(t.shape.dims or ())[1:] if isinstance(t, Tensor) else None, out)
            mask_flow.attach_output_masks(self, args[0], out, previous_mask, Layer.compute_mask)
            return out
        finally:
            _call_ctx.training.pop()

    def compute_mask(self, inputs, previous_mask):
        """The mask of the outputs (Keras's rule: layers that support masking pass it on)."""
        return previous_mask

    def _symbolic_call(self, args, kwargs):
        if not self.built:
            self._maybe_build(args[0])
        if self.input_spec is not None:
            assert_input_compatibility(self.input_spec, args[0], self.name)
        outputs = self.compute_output_spec(*args, **kwargs)
        Node(self, args, kwargs, outputs)
        return outputs

    def compute_output_spec(self, *args, **kwargs):
        """KerasTensors for the outputs, from `compute_output_shape` or by tracing `call`."""
        if type(self).compute_output_shape is not Layer.compute_output_shape:
            shape = self.compute_output_shape(nest.map_structure(_shape_of, args[0]))
            return map_shapes(lambda s: KerasTensor(s, self.compute_dtype), shape)
        return trace_output_spec(self, args, kwargs)

    def compute_output_shape(self, input_shape):
        spec = trace_output_spec(self, (map_shapes(lambda s: KerasTensor(s, self.compute_dtype), input_shape),), {})
        return nest.map_structure(lambda t: t.shape, spec)

    # ---- symbolic graph access -----------------------------------------------------------------------------
    def _node_attr(self, attr, what):
        if not self._inbound_nodes:
            raise AttributeError(f"Layer {self.name!r} has no defined {what}: it has never been called on a "
                                 "symbolic input (keras.Input)")
        value = getattr(self._inbound_nodes[0], attr)
        return value[0] if len(value) == 1 else value

    @property
    def input(self):
        return self._node_attr("input_tensors", "input")

    @property
    def output(self):
        return self._node_attr("output_tensors", "output")

    @property
    def output_shape(self):
        return nest.map_structure(lambda t: t.shape, self.output)

    @property
    def input_shape(self):
        return nest.map_structure(lambda t: t.shape, self.input)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


attribute_tracking.register_layer_class(Layer)

_has_add_loss = [False]   # set once any layer uses add_loss: only then do calls clear old losses


def map_shapes(fn, shapes):
    """Apply `fn` to each shape tuple of a (nested) structure of shapes."""
    if _is_shape(shapes):
        return fn(shapes)
    if isinstance(shapes, (list, tuple)):
        return type(shapes)(map_shapes(fn, s) for s in shapes)
    if isinstance(shapes, dict):
        return {k: map_shapes(fn, v) for k, v in shapes.items()}
    return fn(shapes)


def _is_shape(s) -> bool:
    return isinstance(s, tuple) and all(d is None or isinstance(d, (int, np.integer)) for d in s)


_PARAMS_CACHE: dict = {}


def _call_params(cls) -> frozenset:
    params = _PARAMS_CACHE.get(cls)
    if params is None:
        params = _PARAMS_CACHE[cls] = frozenset(inspect.signature(cls.call).parameters)
    return params


def _is_user_class(cls) -> bool:
    return not cls.__module__.startswith("graphflow.")


def _json_ready(value) -> bool:
    if value is None or isinstance(value, (str, int, float, bool)):
        return True
    if isinstance(value, (list, tuple)):
        return all(_json_ready(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _json_ready(v) for k, v in value.items())
    return False


def trace_output_spec(layer, args, kwargs):
    """Run `layer.call` once on placeholders in a scratch graph and read the output shapes."""
    from ...graph.graph import Graph
    from ...graph.placeholders import placeholder

    graph = Graph()
    with graph.as_default():
        def to_placeholder(x):
            if type(x) is KerasTensor:
                return placeholder(x.dtype, x.shape)
            return x
        sym_args = nest.map_structure(to_placeholder, list(args))
        sym_kwargs = nest.map_structure(to_placeholder, dict(kwargs))
        out = layer(*sym_args, **sym_kwargs)

    def to_keras(t):
        if isinstance(t, Tensor):
            dims = t.shape.dims
            if dims is None:
                raise ValueError(f"Layer {layer.name!r} produced an output of unknown rank; override "
                                 "compute_output_shape()")
            return KerasTensor(dims, t.dtype.name)
        return t
    return nest.map_structure(to_keras, out)
