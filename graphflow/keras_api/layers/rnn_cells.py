"""Recurrent cells (Keras's SimpleRNNCell, LSTMCell, GRUCell, StackedRNNCells): one timestep of a
recurrence, `call(inputs, states) -> (output, new_states)`, which `keras.layers.RNN` loops over time.

The built-in cells hold the same weights as the LSTM/GRU/SimpleRNN layers (kernel,
recurrent_kernel, bias) and share their math (recurrent.py's mixins), so `RNN(LSTMCell(n))`
runs the same fused sequence op as `LSTM(n)` and gives the same numbers.
"""
from __future__ import annotations

from ...ops import api
from ..serialization import serialize_object
from .base import Layer
from .recurrent import CellMath, GRUMath, LSTMMath, SimpleRNNMath, pop_unsupported


class _Cell(CellMath, Layer):
    """A built-in cell: the weights of its family, one step per call."""

    def __init__(self, units, activation="tanh", use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros", kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, **kwargs):
        pop_unsupported(kwargs, type(self).__name__, ignored=("kernel_constraint", "recurrent_constraint",
                                                              "bias_constraint", "seed"))
        super().__init__(**kwargs)
        self._init_math(units, activation, use_bias, kernel_initializer, recurrent_initializer, bias_initializer,
                        kernel_regularizer, recurrent_regularizer, bias_regularizer)

    @property
    def state_size(self):
        return self.units if self._n_states == 1 else [self.units] * self._n_states

    @property
    def output_size(self):
        return self.units

    def build(self, input_shape):
        if input_shape[-1] is None:
            raise ValueError(f"{type(self).__name__} {self.name!r} needs a known feature size, got "
                             f"{tuple(input_shape)}")
        self.build_weights(input_shape[-1])
        self.built = True

    def call(self, inputs, states, training=None):
        states = list(states) if isinstance(states, (list, tuple)) else [states]
        if len(states) != self._n_states:
            raise ValueError(f"{type(self).__name__} {self.name!r} takes {self._n_states} state tensor(s), "
                             f"got {len(states)}")
        return self.step(self.project_step(inputs), states)

    def get_initial_state(self, batch_size=None):
        return [api.zeros([batch_size, self.units], self.compute_dtype) for _ in range(self._n_states)]

    def get_config(self):
        return {**super().get_config(), **self.math_config(), "dropout": 0.0, "recurrent_dropout": 0.0,
                "seed": None}


class SimpleRNNCell(SimpleRNNMath, _Cell):
    """One SimpleRNN step: h = activation(x W + b + h_prev U)."""


class LSTMCell(LSTMMath, _Cell):
    """One LSTM step (gates i, f, c, o; states [h, c])."""

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", unit_forget_bias=True, **kwargs):
        super().__init__(units, activation=activation, **kwargs)
        self._init_gates(recurrent_activation, unit_forget_bias)

    def get_config(self):
        return {**super().get_config(), **self.gates_config()}


class GRUCell(GRUMath, _Cell):
    """One GRU step (gates z, r, h), reset_after=True (Keras's default) or False."""

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", reset_after=True, **kwargs):
        super().__init__(units, activation=activation, **kwargs)
        self._init_gates(recurrent_activation, reset_after)

    def get_config(self):
        return {**super().get_config(), **self.gates_config()}


def check_cell(cell, owner: str):
    for needed in ("call", "state_size"):
        if not hasattr(cell, needed):
            raise ValueError(f"{owner}: a cell needs a `{needed}` attribute (Keras's RNN cell protocol), "
                             f"got {cell!r}")


def cell_output_size(cell) -> int:
    size = getattr(cell, "output_size", None)
    if size is not None:
        return size
    return cell.state_size[0] if isinstance(cell.state_size, (list, tuple)) else cell.state_size


def build_cell(cell, shape):
    """Build `cell` for one step's input `shape` (batch, features)."""
    from .wrappers import _build_inner
    _build_inner(cell, (None,) + tuple(shape[1:]))


def call_cell(cell, inputs, states, training=None):
    """`cell(inputs, states)` through Layer.__call__ (training passed if the cell's call takes it)."""
    if isinstance(cell, Layer):
        from .base import _call_params
        kwargs = {"training": training} if "training" in _call_params(type(cell)) else {}
        return cell(inputs, states, **kwargs)
    return cell.call(inputs, states)


class StackedRNNCells(Layer):
    """Cells run one after another within each timestep: cell k's output is cell k+1's input.
    Its state is the list of the cells' states."""

    def __init__(self, cells, **kwargs):
        super().__init__(**kwargs)
        for cell in cells:
            check_cell(cell, "StackedRNNCells")
        self.cells = list(cells)

    @property
    def state_size(self):
        return [c.state_size for c in self.cells]

    @property
    def output_size(self):
        return cell_output_size(self.cells[-1])

    def build(self, input_shape):
        for cell in self.cells:
            if isinstance(cell, Layer):
                build_cell(cell, input_shape)
            input_shape = (input_shape[0], cell_output_size(cell))
        self.built = True

    def call(self, inputs, states, training=None):
        new_states = []
        for cell, state in zip(self.cells, states):
            listed = isinstance(state, (list, tuple))
            inputs, state = call_cell(cell, inputs, list(state) if listed else [state], training)
            if isinstance(state, (list, tuple)) and len(state) == 1 and not listed:
                state = state[0]
            new_states.append(state)
        return inputs, (new_states[0] if len(new_states) == 1 else new_states)

    def get_initial_state(self, batch_size=None):
        out = []
        for cell in self.cells:
            fn = getattr(cell, "get_initial_state", None)
            if fn is not None:
                out.append(fn(batch_size=batch_size))
            elif isinstance(cell.state_size, int):
                out.append(api.zeros([batch_size, cell.state_size], self.compute_dtype))
            else:
                out.append([api.zeros([batch_size, d], self.compute_dtype) for d in cell.state_size])
        return out

    def get_config(self):
        return {**super().get_config(), "cells": [serialize_object(c) for c in self.cells]}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from .wrappers import _layer_from_config
        config = dict(config)
        config["cells"] = [_layer_from_config(c, custom_objects) for c in config["cells"]]
        return cls(**config)
