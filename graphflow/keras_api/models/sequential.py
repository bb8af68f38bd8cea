"""Sequential: a plain stack of layers, each feeding the next.

With an input shape (an `Input` first, or `input_shape=` on the first layer) every layer is built
as it is added; otherwise the model builds on its first call or `fit`, from the data's shape.
"""
from __future__ import annotations

from ...checkpoint.object_graph import AliasNode
from .. import backend
from ..keras_tensor import KerasTensor
from ..layers.base import Layer
from ..layers.core import InputLayer
from ..layers.input_spec import adjust_input_rank
from . import keras_config
from .model import Model


class Sequential(Model):
    """`Sequential([layers...])`, or `model = Sequential(); model.add(layer)`."""

    # its InputLayer is not one of its `layers` (Keras keeps it in `_layers` and leaves it out of `layers`)
    _untracked_attributes = Model._untracked_attributes | {"_input_layer", "_last_output"}

    def __init__(self, layers=None, name=None, trainable=True, **kwargs):
        super().__init__(name=name or backend.unique_name("sequential"), trainable=trainable, **kwargs)
        self._input_layer = None
        self._last_output = None
        for layer in layers or []:
            self.add(layer)

    def add(self, layer) -> None:
        """Append a layer (or an `Input`, which fixes the input shape)."""
        if isinstance(layer, KerasTensor):
            history = layer._keras_history
            if history is None or not isinstance(history[0], InputLayer):
                raise ValueError("Sequential.add only accepts a KerasTensor that comes straight from keras.Input")
            layer = history[0]
        if not isinstance(layer, Layer):
            raise TypeError(f"The added layer must be an instance of class Layer. Received: layer={layer!r} "
                            f"of type {type(layer)}")
        if isinstance(layer, InputLayer):
            if self._input_layer is not None or self._layers:
                raise ValueError("Sequential: an Input can only be the first layer")
            self._input_layer = layer
            self._last_output = layer.output
            self.built = True
            return
        if any(layer is x for x in self._layers):
            raise ValueError(f"Layer {layer.name!r} is already in model {self.name!r}")
        if any(layer.name == x.name for x in self._layers):
            raise ValueError(f"All layers added to a Sequential model should have unique names. Name "
                             f"{layer.name!r} is already the name of a layer in this model.")
        if self._input_layer is None and not self._layers and hasattr(layer, "_batch_input_shape"):
            self.add(InputLayer(batch_shape=layer._batch_input_shape))
        self._layers.append(layer)
        if self._last_output is not None:
            self._last_output = layer(self._last_output)

    def pop(self) -> Layer:
        if not self._layers:
            raise TypeError("There are no layers in the model.")
        layer = self._layers.pop()
        if self._input_layer is not None:
            self._last_output = self._input_layer.output
            for x in self._layers:
                self._last_output = x(self._last_output)
        return layer

    @property
    def layers(self) -> list:
        return list(self._layers)

    def _tf_checkpoint_aliases(self) -> dict:
        """TensorFlow's Keras 3 Sequential holds its layers in an inner functional model,
        `_functional/_operations/N` with the InputLayer at 0 (also when graphflow has none)."""
        operations = [self._input_layer] + list(self._layers)
        return {**super()._tf_checkpoint_aliases(), "_functional": AliasNode({"_operations": operations})}

    @property
    def inputs(self):
        return [self._input_layer.output] if self._input_layer is not None else None

    @property
    def outputs(self):
        return [self._last_output] if self._last_output is not None else None

    @property
    def input(self):
        return self._input_layer.output if self._input_layer is not None else Layer.input.fget(self)

    @property
    def output(self):
        return self._last_output if self._last_output is not None else Layer.output.fget(self)

    @property
    def _output_tensors(self):
        return [self._last_output] if self._last_output is not None else None

    @_output_tensors.setter
    def _output_tensors(self, value):
        pass

    @property
    def input_shape(self):
        return self._input_layer.batch_shape if self._input_layer is not None else None

    def build_input_shape(self):
        return self._input_layer.batch_shape if self._input_layer is not None else None

    def build_from_input_shape(self, shapes, dtypes=None):
        if self._input_layer is not None:
            self.built = True
            return
        if not isinstance(shapes, tuple) or any(isinstance(s, (tuple, list)) for s in shapes):
            raise ValueError(f"Sequential {self.name!r} takes a single input, got input shapes {shapes}")
        dtype = dtypes if isinstance(dtypes, str) else None
        self._input_layer = InputLayer(batch_shape=shapes, dtype=dtype)
        self._last_output = self._input_layer.output
        for layer in self._layers:
            self._last_output = layer(self._last_output)
        self._build_shapes = shapes
        self.built = True

    def build(self, input_shape=None):
        if input_shape is None:
            raise ValueError("Sequential.build needs an input shape, e.g. model.build((None, 784))")
        self.build_from_input_shape(tuple(input_shape))

    def call(self, inputs, training=None):
        x = inputs
        if self._input_layer is not None:
            x = adjust_input_rank(x, self._input_layer.batch_shape, self._input_layer.name)
        for layer in self._layers:   # `training` reaches the layers through the call context
            x = layer(x)
        return x

    def get_config(self) -> dict:
        return keras_config.sequential_config(self)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return keras_config.sequential_from_keras(config, custom_objects)


keras_config.register_model_class(Sequential)
