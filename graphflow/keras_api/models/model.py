"""Model: a Layer that trains. `Model(inputs, outputs)` builds a functional model; a subclass
defines `call`; Sequential is a Model over a list of layers.
"""
from __future__ import annotations

from .. import nest
from ..keras_tensor import KerasTensor, has_keras_tensor
from ..layers.base import Layer, trace_output_spec
from . import keras_config
from .trainer import Trainer

# Functional builds on Model, and Model(inputs, outputs) must become one: functional.py registers
# its class and graph-network builder here when it is imported, instead of Model importing it back.
_FUNCTIONAL: dict = {}
_FUNCTIONAL_SUBCLASSES: dict = {}


def register_functional(cls, init_graph_network) -> None:
    _FUNCTIONAL.update(cls=cls, init=init_graph_network)


def _functional_version(cls: type) -> type:
    """`cls` with Functional mixed in below it: a Model subclass built from (inputs, outputs)
    (the "customizing fit" pattern) runs the layer graph and keeps its own train_step etc.
    Named like `cls`, so reprs, summaries and saved class names are the user's."""
    combined = _FUNCTIONAL_SUBCLASSES.get(cls)
    if combined is None:
        combined = type(cls.__name__, (cls, _FUNCTIONAL["cls"]),
                        {"__module__": cls.__module__, "__qualname__": cls.__qualname__})
        _FUNCTIONAL_SUBCLASSES[cls] = combined
    return combined


class Model(Trainer, Layer):
    """A trainable layer graph.

    `Model(inputs=x, outputs=y)` (x from `keras.Input`) makes a functional model; subclass Model
    and define `call(self, inputs, training=None)` for a model written in Python.
    """

    # compile state and a functional model's graph: bookkeeping, not sub-layers or metrics of the model
    _untracked_attributes = Layer._untracked_attributes | {
        "loss", "_compile_loss", "_compile_metrics", "_loss_tracker", "_compile_config", "_distribute_strategy",
        "_input_struct", "_output_struct", "_input_tensors", "_output_tensors", "_nodes"}

    def __new__(cls, *args, **kwargs):
        if cls is Model and (len(args) >= 2 or "inputs" in kwargs or "outputs" in kwargs):
            functional = _FUNCTIONAL["cls"]
            return functional.__new__(functional, *args, **kwargs)
        return super().__new__(cls, *args, **kwargs)

    def __init__(self, *args, **kwargs):
        inputs = kwargs.pop("inputs", args[0] if args else None)
        outputs = kwargs.pop("outputs", args[1] if len(args) > 1 else None)
        Layer.__init__(self, trainable=kwargs.pop("trainable", True), name=kwargs.pop("name", None),
                       dtype=kwargs.pop("dtype", None), **kwargs)
        self._init_trainer()
        self._output_tensors = None
        if inputs is not None or outputs is not None:
            if not isinstance(self, _FUNCTIONAL["cls"]):
                self.__class__ = _functional_version(type(self))
            _FUNCTIONAL["init"](self, inputs, outputs)

    # ---- structure -----------------------------------------------------------------------------------------
    @property
    def layers(self) -> list:
        return list(self._layers)

    def get_layer(self, name: str | None = None, index: int | None = None) -> Layer:
        """A layer by name or by index in `model.layers`."""
        if index is not None and name is not None:
            raise ValueError("get_layer: provide only one of name= or index=")
        if index is not None:
            if not -len(self.layers) <= index < len(self.layers):
                raise ValueError(f"get_layer: index {index} is out of range: model {self.name!r} has only "
                                 f"{len(self.layers)} layers")
            return self.layers[index]
        if name is not None:
            for layer in self.layers:
                if layer.name == name:
                    return layer
            raise ValueError(f"No such layer: {name}. Existing layers are: {[x.name for x in self.layers]}.")
        raise ValueError("get_layer: provide name= or index=")

    def call(self, inputs, training=None):
        raise NotImplementedError(f"Model {type(self).__name__} has no call(): subclass Model and define "
                                  "call(self, inputs, training=None), or build it with Model(inputs, outputs)")

    def build(self, input_shape) -> None:
        """Build a subclassed model from an input shape (batch dimension first, may be None)."""
        self.build_from_input_shape(input_shape)

    def build_from_input_shape(self, shapes, dtypes=None) -> None:
        if self.built:
            return
        specs = _keras_tensors(shapes, dtypes or self.dtype)
        self._build_shapes = shapes
        self.built = True   # call() builds the sublayers; the model itself has nothing more to build
        try:
            trace_output_spec(self, (specs,), {})
        except BaseException:
            self.built = False
            raise

    def build_input_shape(self):
        """The input shape(s) the model was built for (saved so a loader can rebuild it)."""
        return self._build_shapes

    def _maybe_build(self, inputs):
        if self.built:
            return
        if not type(self).build.__module__.startswith("graphflow."):
            # a subclass's own build() (its add_weight calls) runs on the first call's shapes, as in Keras
            Layer._maybe_build(self, inputs)
            return
        symbolic = has_keras_tensor(inputs)
        shapes = nest.map_structure(lambda t: t.shape if symbolic else (None,) + tuple(t.shape)[1:], inputs)
        dtypes = nest.map_structure(lambda t: t.dtype if isinstance(t.dtype, str) else t.dtype.name, inputs)
        try:
            self.build_from_input_shape(shapes, dtypes)
        except Exception:
            if symbolic or type(self).build_from_input_shape is not Model.build_from_input_shape:
                raise
            # a call() that cannot be traced symbolically builds its layers on the real call instead
            self.built = True

    # ---- reporting -------------------------------------------------------------------------------------------
    def summary(self, line_length=None, positions=None, print_fn=None, expand_nested=False, show_trainable=False,
                layer_range=None):
        """Print a table of the layers: name (type), output shape, parameter count, then totals."""
        from .summary import print_summary
        print_summary(self, line_length=line_length, positions=positions, print_fn=print_fn)

    # ---- serialisation -----------------------------------------------------------------------------------
    def to_json(self, **kwargs) -> str:
        return keras_config.model_to_json(self, **kwargs)

    def save(self, filepath, overwrite=True, include_optimizer=True, **kwargs) -> None:
        """Save architecture, weights and compile state: `.keras` (Keras 3 archive) or `.h5` (legacy)."""
        from .saving import save_model
        save_model(self, filepath, overwrite=overwrite, include_optimizer=include_optimizer)

    def export(self, filepath, format="tf_saved_model", verbose=True, **kwargs) -> None:
        """Export the inference function as a gf.saved_model (endpoint `serve`), as Keras 3 does."""
        from .export import export_model
        export_model(self, filepath, format=format, verbose=verbose)

    def save_weights(self, filepath, overwrite=True, **kwargs) -> None:
        """Save the weights: `.weights.h5` (Keras 3 layout), `.h5` (legacy), other names a checkpoint."""
        from .saving import save_weights
        save_weights(self, filepath, overwrite=overwrite)

    def load_weights(self, filepath, skip_mismatch=False, **kwargs) -> None:
        """Load weights from save_weights or save (graphflow or real Keras), checking every shape."""
        from .saving import load_weights
        load_weights(self, filepath, skip_mismatch=skip_mismatch)


def _is_shape(s) -> bool:
    return isinstance(s, (tuple, list)) and all(d is None or isinstance(d, int) for d in s)


def _keras_tensors(shapes, dtypes):
    if _is_shape(shapes):
        return KerasTensor(tuple(shapes), dtypes if isinstance(dtypes, str) else "float32")
    if isinstance(shapes, dict):
        return {k: _keras_tensors(v, dtypes[k] if isinstance(dtypes, dict) else dtypes) for k, v in shapes.items()}
    return type(shapes)(_keras_tensors(s, dtypes[i] if isinstance(dtypes, (list, tuple)) else dtypes)
                        for i, s in enumerate(shapes))


keras_config.register_model_class(Model)
