"""keras.layers.RNN: any cell (Keras's protocol: `state_size`, optional `output_size` and
`get_initial_state`, `call(inputs, states) -> (output, new_states)`) looped over the time axis.

A built-in cell (LSTMCell, GRUCell, SimpleRNNCell) runs as its layer does: one projection matmul
and one fused sequence op (recurrent.run_fused). Any other cell, and StackedRNNCells, runs step
by step over the statically known timesteps (graphflow unrolls; `unroll` changes nothing).
Masked steps keep the states and repeat the previous output, as Keras's backend.rnn does.
"""
from __future__ import annotations

import numpy as np

from ...ops import api
from ..nest import flatten, pack_sequence_as
from .base import Layer, trace_output_spec
from .recurrent import run_fused, run_steps
from .rnn_cells import StackedRNNCells, _Cell, build_cell, call_cell, cell_output_size, check_cell


class RNN(Layer):
    """Args: cell (a cell, or a list of cells: a StackedRNNCells), return_sequences,
    return_state, go_backwards, stateful (False only), unroll, zero_output_for_mask."""

    def __init__(self, cell, return_sequences=False, return_state=False, go_backwards=False, stateful=False,
                 unroll=False, zero_output_for_mask=False, **kwargs):
        if isinstance(cell, (list, tuple)):
            cell = StackedRNNCells(cell)
        check_cell(cell, type(self).__name__)
        if stateful:
            raise ValueError(f"{type(self).__name__}: stateful=True is not supported by graphflow (state carried "
                             "across batches); pass initial_state= instead")
        kwargs.pop("time_major", None)
        super().__init__(**kwargs)
        self.cell = cell
        self.return_sequences, self.return_state, self.go_backwards = return_sequences, return_state, go_backwards
        self.stateful, self.unroll, self.zero_output_for_mask = False, unroll, zero_output_for_mask
        size = cell.state_size
        if not isinstance(size, (list, tuple, int)):
            raise ValueError(f"{type(self).__name__}: the cell's state_size must be an integer or a list of them, "
                             f"got {size!r}")
        self.state_size = [size] if isinstance(size, int) else list(size)
        self.supports_masking = True

    @property
    def _n_states(self):     # Bidirectional's masks of returned states
        return len(flatten(self.state_size))

    def build(self, input_shape, initial_state_shape=None):
        if len(input_shape) < 3 or input_shape[1] is None:
            raise ValueError(f"{type(self).__name__} {self.name!r} needs inputs of shape (batch, timesteps, "
                             f"...) with a known number of timesteps, got {tuple(input_shape)}")
        if isinstance(self.cell, Layer):
            build_cell(self.cell, (input_shape[0],) + tuple(input_shape[2:]))
        self.built = True

    def _initial_state(self, inputs):
        """Keras's initial states: the cell's get_initial_state where it has one (per cell in a
        stack), else zeros of state_size; built-in cells' zeros take the batch from `inputs`."""
        step = api.reshape(inputs[:, 0], [-1, int(np.prod(inputs.shape[2:]))]) if None not in inputs.shape[2:] \
            else inputs[:, 0]
        column = api.zeros_like(step[:, :1])      # (batch, 1): the batch size, also in graphs
        batch = inputs.shape[0] if inputs.shape[0] is not None else api.shape(inputs)[0]
        if isinstance(self.cell, StackedRNNCells):
            return [_cell_initial_state(c, column, batch, bare=True) for c in self.cell.cells]
        return _cell_initial_state(self.cell, column, batch, bare=False)

    def call(self, inputs, initial_state=None, mask=None, training=None):
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        if initial_state is not None:
            states = list(initial_state) if isinstance(initial_state, (list, tuple)) else [initial_state]
            if len(flatten(states)) != len(flatten(self.state_size)):
                raise ValueError(f"{type(self).__name__} {self.name!r}: initial_state has {len(flatten(states))} "
                                 f"tensors, the cell's state_size {self.cell.state_size!r} needs "
                                 f"{len(flatten(self.state_size))}")
        else:
            states = None
        if isinstance(self.cell, _Cell):
            output, states = run_fused(self.cell, inputs, states, mask, self.go_backwards,
                                       self.zero_output_for_mask, self.return_sequences)
        else:
            if states is None:
                states = self._initial_state(inputs)

            def step(x, states):
                output, new_states = call_cell(self.cell, x, states, training)
                flat = flatten(new_states)
                if len(flat) != len(flatten(states)):
                    raise ValueError(f"{type(self).__name__} {self.name!r}: the cell returned {len(flat)} state "
                                     f"tensors for {len(flatten(states))}")
                return output, pack_sequence_as(states, flat)   # the states' structure, as Keras's rnn keeps it

            steps = api.unstack(inputs, num=inputs.shape[1], axis=1)
            output, states = run_steps(step, steps, states, mask, self.go_backwards, self.zero_output_for_mask,
                                       self.return_sequences)
        if self.return_state:
            return [output] + list(states)
        return output

    def compute_mask(self, inputs, previous_mask):
        mask = previous_mask[0] if isinstance(previous_mask, (list, tuple)) else previous_mask
        out = mask if self.return_sequences else None
        return [out] + [None] * len(self.state_size) if self.return_state else out

    def compute_output_spec(self, *args, **kwargs):
        sizes = [cell_output_size(self.cell)] + flatten(self.state_size)
        if all(isinstance(n, int) and n > 0 for n in sizes):
            return super().compute_output_spec(*args, **kwargs)
        return trace_output_spec(self, args, kwargs)   # sizes the cell knows only from its input

    def compute_output_shape(self, input_shape):
        batch, timesteps = input_shape[0], input_shape[1]
        size = cell_output_size(self.cell)
        out = (batch, timesteps, size) if self.return_sequences else (batch, size)
        if not self.return_state:
            return out
        states = [(batch, s) if isinstance(s, int) else [(batch, d) for d in s] for s in self.state_size]
        return [out] + states

    def get_config(self):
        from ..serialization import serialize_object
        return {**super().get_config(), "return_sequences": self.return_sequences, "return_state": self.return_state,
                "go_backwards": self.go_backwards, "stateful": False, "unroll": self.unroll,
                "zero_output_for_mask": self.zero_output_for_mask, "cell": serialize_object(self.cell)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from .wrappers import _layer_from_config
        config = dict(config)
        cell = config["cell"]
        config["cell"] = [_layer_from_config(c, custom_objects) for c in cell] if isinstance(cell, list) \
            else _layer_from_config(cell, custom_objects)
        return cls(**config)


def _cell_initial_state(cell, column, batch, bare):
    """One cell's initial states as a list; `bare`: a stack's cell with one integer state and no
    get_initial_state keeps a bare tensor (Keras's StackedRNNCells)."""
    def zeros(size):
        return api.add(column, api.zeros([int(size)], column.dtype))
    get = getattr(cell, "get_initial_state", None)
    if get is not None and not isinstance(cell, _Cell):
        state = get(batch_size=batch)
        return state if bare or isinstance(state, (list, tuple)) else [state]
    size = cell.state_size
    if isinstance(size, int):
        return zeros(size) if bare and not isinstance(cell, _Cell) else [zeros(size)]
    return [zeros(s) for s in size]
