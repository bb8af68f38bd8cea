"""Functional models: the layer graph recorded between `Input`s and outputs, replayed in order.

The nodes between inputs and outputs are found by walking back from the outputs; they run in a
topological order (a node after the nodes producing its inputs).
"""
from __future__ import annotations

from .. import backend, nest
from ..keras_tensor import KerasTensor, is_keras_tensor
from ..layers.core import InputLayer
from ..layers.input_spec import InputSpec, adjust_input_rank, assert_input_compatibility
from . import keras_config
from .model import Model, register_functional


def _topological_nodes(outputs) -> list:
    """The nodes that compute `outputs`, each after its parents (depth-first post-order)."""
    order, state = [], {}
    for t in outputs:
        stack = [(t.node, False)]
        while stack:
            node, expanded = stack.pop()
            key = id(node)
            if expanded:
                if state.get(key) != "done":
                    state[key] = "done"
                    order.append(node)
                continue
            if key in state:
                continue
            state[key] = "visiting"
            stack.append((node, True))
            for parent in reversed(node.parent_nodes):
                if id(parent) not in state:
                    stack.append((parent, False))
    return order


def init_graph_network(model, inputs, outputs) -> None:
    """Make `model` run the graph from `inputs` to `outputs` (KerasTensors or structures of them)."""
    flat_in, flat_out = nest.flatten(inputs), nest.flatten(outputs)
    for t in flat_in + flat_out:
        if not is_keras_tensor(t):
            raise ValueError(f"Model(inputs, outputs) expects KerasTensors (from keras.Input and layer calls), got "
                             f"{type(t).__name__}: {t!r}")
    for t in flat_in:
        if not isinstance(t._keras_history[0], InputLayer):
            raise ValueError(f"Model inputs must come from keras.Input, but {t.name} is the output of layer "
                             f"{t._keras_history[0].name!r}")
    model._input_struct = inputs
    model._output_struct = outputs
    model._input_tensors = flat_in
    model._output_tensors = flat_out
    nodes = _topological_nodes(flat_out)
    reachable_inputs = {id(n) for n in nodes if n.is_input}
    for t in flat_in:
        if id(t.node) not in reachable_inputs:
            nodes.insert(0, t.node)
    known = {id(t) for t in flat_in}
    for node in nodes:
        if node.is_input:
            if not any(node.output_tensors[0] is t for t in flat_in):
                raise ValueError(f"Graph disconnected: output(s) {[t.name for t in flat_out]} need the input "
                                 f"{node.output_tensors[0].name!r}, which is not among the model's inputs "
                                 f"{[t.name for t in flat_in]}")
        for t in node.output_tensors:
            known.add(id(t))
    # input layers first, in the order of model.inputs, then the others in execution order
    input_layers = [t._keras_history[0] for t in flat_in]
    layers = list(input_layers)
    for node in nodes:
        if not any(node.layer is x for x in layers):
            layers.append(node.layer)
    model._nodes = [n for n in nodes if not n.is_input]
    model.__dict__["_layers"] = layers
    model.built = True


class Functional(Model):
    """A Model defined by `Model(inputs, outputs)`."""

    def __init__(self, inputs=None, outputs=None, name=None, trainable=True, **kwargs):
        super().__init__(inputs=inputs, outputs=outputs,
                         name=name or backend.unique_name("functional"), trainable=trainable, **kwargs)

    @property
    def inputs(self) -> list:
        return list(self._input_tensors)

    def _tf_checkpoint_aliases(self) -> dict:
        """TensorFlow's Keras 3 functional model names its layers `_operations/N`: input layers
        first, then the others in execution order, as graphflow's `_layers`."""
        return {**super()._tf_checkpoint_aliases(), "_operations": list(self._layers)}

    @property
    def outputs(self) -> list:
        return list(self._output_tensors)

    @property
    def input(self):
        return self._input_struct

    @property
    def output(self):
        return self._output_struct

    @property
    def input_names(self) -> list:
        return [t._keras_history[0].name for t in self._input_tensors]

    def _flatten_inputs(self, inputs) -> list:
        n = len(self._input_tensors)
        if isinstance(inputs, dict):
            if isinstance(self._input_struct, dict):
                return [inputs[k] for k in sorted(self._input_struct)]
            names = self.input_names
            missing = [k for k in names if k not in inputs]
            if missing:
                raise ValueError(f"Model {self.name!r} expects inputs {names}, but the dict lacks {missing}")
            return [inputs[k] for k in names]
        flat = nest.flatten(inputs)
        if len(flat) != n:
            raise ValueError(f"Model {self.name!r} expects {n} input(s), but it was called on {len(flat)}: "
                             f"{[getattr(t, 'shape', t) for t in flat]}")
        return flat

    def _checked_inputs(self, inputs) -> list:
        """The flat inputs fitted to the model's Inputs (rank adjusted, shapes checked)."""
        flat = [adjust_input_rank(value, kt.shape, kt._keras_history[0].name)
                for kt, value in zip(self._input_tensors, self._flatten_inputs(inputs))]
        specs = [InputSpec(shape=kt.shape, name=kt._keras_history[0].name) for kt in self._input_tensors]
        assert_input_compatibility(specs, flat, self.name)
        return flat

    def call(self, inputs, training=None):
        values = {}
        for kt, value in zip(self._input_tensors, self._checked_inputs(inputs)):
            values[id(kt)] = value
        lookup = lambda t: values[id(t)] if type(t) is KerasTensor else t  # noqa: E731
        for node in self._nodes:
            args = nest.map_structure(lookup, list(node.args))
            kwargs = nest.map_structure(lookup, dict(node.kwargs))
            if training is not None and "training" not in node.kwargs:
                kwargs["training"] = training
            out = node.layer(*args, **kwargs)
            for kt, value in zip(node.output_tensors, nest.flatten(out)):
                values[id(kt)] = value
        return nest.pack_sequence_as(self._output_struct, [values[id(t)] for t in self._output_tensors])

    def build_from_input_shape(self, shapes, dtypes=None):
        self.built = True

    def get_config(self) -> dict:
        return keras_config.functional_config(self)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return keras_config.functional_from_keras(config, custom_objects)


keras_config.register_model_class(Functional)
register_functional(Functional, init_graph_network)
