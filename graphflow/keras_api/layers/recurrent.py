"""LSTM, GRU and SimpleRNN: one input-projection matmul, then one recurrent sequence op.

The input projection of every timestep is one matmul over the time-major sequence; the recurrence
is one op (ops/recurrent.py: a loop over time with the step's gates fused, and one op for the
backward pass through time), in eager, gf.function graphs and Keras fit alike. An activation the
ops do not compute (a user's function) runs the per-step chain instead. Gate layouts and defaults
are Keras's (LSTM gates i, f, c, o; GRU gates z, r, h), so weights port across. The math of each
family is one mixin shared by the layer and its cell (rnn_cells.py), so `LSTM(n)` and
`RNN(LSTMCell(n))` compute the same numbers. See docs/keras.md, "How recurrent layers run".
"""
from __future__ import annotations

import numpy as np

from ...ops import api, recurrent
from ...ops.api import recurrent as recurrent_ops
from .. import activations, initializers, regularizers
from ..nest import flatten, pack_sequence_as
from ..serialization import serialize_object
from .base import Layer

_IGNORED = ("stateful", "unroll", "time_major", "activity_regularizer", "kernel_constraint",
            "recurrent_constraint", "bias_constraint", "seed")


def pop_unsupported(kwargs, owner: str, ignored=_IGNORED):
    """Drop the arguments whose defaults graphflow matches; a nonzero dropout is a clear error."""
    for unsupported in ("dropout", "recurrent_dropout"):
        if kwargs.pop(unsupported, 0.0):
            raise ValueError(f"{owner}: {unsupported} is not supported")
    for name in ignored:
        kwargs.pop(name, None)


def set_weight_options(owner, kernel_initializer, recurrent_initializer, bias_initializer, kernel_regularizer,
                       recurrent_regularizer, bias_regularizer):
    """The initializers and regularizers of a recurrent kernel, recurrent kernel and bias."""
    owner.kernel_initializer = initializers.get(kernel_initializer)
    owner.recurrent_initializer = initializers.get(recurrent_initializer)
    owner.bias_initializer = initializers.get(bias_initializer)
    owner.kernel_regularizer = regularizers.get(kernel_regularizer)
    owner.recurrent_regularizer = regularizers.get(recurrent_regularizer)
    owner.bias_regularizer = regularizers.get(bias_regularizer)


class CellMath:
    """The weights and the step of one recurrent family; mixed into the layer and its cell."""

    gates = 1
    _n_states = 1

    def _init_math(self, units, activation, use_bias, kernel_initializer, recurrent_initializer,
                   bias_initializer, kernel_regularizer, recurrent_regularizer, bias_regularizer):
        self.units = int(units)
        if self.units <= 0:
            raise ValueError(f"{type(self).__name__}: units must be a positive integer, got {units!r}")
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        set_weight_options(self, kernel_initializer, recurrent_initializer, bias_initializer, kernel_regularizer,
                           recurrent_regularizer, bias_regularizer)

    def _bias_shape(self):
        return (self.gates * self.units,)

    def _bias_initializer(self):
        return self.bias_initializer

    def build_weights(self, features):
        n = self.gates * self.units
        self.kernel = self.add_weight(shape=(features, n), initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer, name="kernel")
        self.recurrent_kernel = self.add_weight(shape=(self.units, n), initializer=self.recurrent_initializer,
                                                regularizer=self.recurrent_regularizer, name="recurrent_kernel")
        self.bias = self.add_weight(shape=self._bias_shape(), initializer=self._bias_initializer(),
                                    regularizer=self.bias_regularizer, name="bias") if self.use_bias else None

    def _activations(self):
        return [self.activation]

    def runs_as_sequence_op(self) -> bool:
        return all(_op_activation(fn) is not None for fn in self._activations())

    def _op_attrs(self) -> dict:
        return dict(activation=_op_activation(self.activation))

    def project_step(self, x):
        """One step's input projection x W (+ the input bias where the step does not add it)."""
        projected = api.matmul(x, self.kernel)
        if self.use_bias and self._bias_shape() == (self.gates * self.units,):
            projected = api.add(projected, self.bias)
        return projected

    def math_config(self):
        return {"units": self.units, "activation": activations.serialize(self.activation),
                "use_bias": self.use_bias, "kernel_initializer": serialize_object(self.kernel_initializer),
                "recurrent_initializer": serialize_object(self.recurrent_initializer),
                "bias_initializer": serialize_object(self.bias_initializer)}


def _op_activation(fn):
    """The Keras name of `fn` if the recurrent ops compute it (ops/recurrent.ACTIVATIONS), else None."""
    try:
        name = activations.serialize(fn)
    except TypeError:
        return None
    return name if name in recurrent.ACTIVATIONS and activations.get(name) is fn else None


def _split(x, n, units):
    return [x[:, i * units:(i + 1) * units] for i in range(n)]


def run_fused(math, inputs, states, mask, go_backwards, zero_output_for_mask, return_sequences):
    """(output, states) of `math`'s family over (batch, T, features) `inputs`: one projection matmul
    and one sequence op, or the per-step chain for activations the op does not compute."""
    if not math.runs_as_sequence_op():
        steps = api.unstack(api.reshape(api.matmul(api.reshape(inputs, [-1, inputs.shape[2]]), math.kernel),
                                        [-1, inputs.shape[1], math.gates * math.units]), num=inputs.shape[1], axis=1)
        if math.use_bias and math._bias_shape() == (math.gates * math.units,):
            steps = [api.add(s, math.bias) for s in steps]
        if states is None:
            states = [api.zeros_like(steps[0][:, :math.units])] * math._n_states
        return run_steps(math.step, steps, states, mask, go_backwards, zero_output_for_mask, return_sequences)
    timesteps, features = inputs.shape[1], inputs.shape[2]
    width = math.gates * math.units
    # time-major from here: each step's slice is contiguous, and the op's gradient writes
    # every step's input gradient into one (T, B, gates*units) array
    projected = api.matmul(api.reshape(api.transpose(inputs, [1, 0, 2]), [-1, features]), math.kernel)
    if math.use_bias:   # on the 2-D product: the compiler makes it the matmul's epilogue
        projected = api.add(projected, math.bias if len(math._bias_shape()) == 1 else math.bias[0])
    projected = api.reshape(projected, [timesteps, -1, width])
    if states is None:
        states = [api.zeros_like(projected[0, :, :math.units])] * math._n_states
    mask_tm = None if mask is None else api.transpose(api.cast(mask, inputs.dtype), [1, 0])
    outputs, states = math.sequence(projected, states, mask_tm, go_backwards=go_backwards,
                                    zero_output_for_mask=zero_output_for_mask)
    if return_sequences:
        return api.transpose(outputs, [1, 0, 2]), states
    # the last output is the state, unless a mask kept (or zeroed) some rows' outputs
    return (states[0] if mask is None else outputs[-1]), states


def run_steps(step, steps, states, mask, go_backwards, zero_output_for_mask, return_sequences):
    """(output, states) of `step(x_t, states) -> (output, new_states)` over the per-step inputs
    `steps`; `states` may be nested (stacked cells). A masked step keeps the states and repeats
    the previous output (Keras's rule); with zero_output_for_mask its output is zeros instead."""
    order = range(len(steps) - 1, -1, -1) if go_backwards else range(len(steps))
    outputs, previous = [], None
    for t in order:
        output, new_states = step(steps[t], states)
        if mask is not None:
            keep = api.cast(mask[:, t], "bool")
            output = _keep(keep, output, previous if previous is not None else api.zeros_like(output))
            states = pack_sequence_as(new_states, [_keep(keep, new, old) for new, old in
                                                   zip(flatten(new_states), flatten(states))])
            previous = output
            if zero_output_for_mask:
                output = _keep(keep, output, api.zeros_like(output))
        else:
            states = new_states
        outputs.append(output)
    return (api.stack(outputs, axis=1) if return_sequences else outputs[-1]), states


def _keep(keep, new, old):
    """`new` in the rows where the (batch,) bool `keep` holds, else `old`, for tensors of any rank."""
    rank = new.shape.rank
    return api.where(api.reshape(keep, [-1] + [1] * (rank - 1)) if rank and rank > 1 else keep, new, old)


class _RNN(CellMath, Layer):
    """Shared machinery of LSTM/GRU/SimpleRNN: return_sequences / return_state / go_backwards."""

    def __init__(self, units, activation="tanh", use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros", kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, return_sequences=False, return_state=False,
                 go_backwards=False, zero_output_for_mask=False, **kwargs):
        pop_unsupported(kwargs, type(self).__name__)
        super().__init__(**kwargs)
        self._init_math(units, activation, use_bias, kernel_initializer, recurrent_initializer, bias_initializer,
                        kernel_regularizer, recurrent_regularizer, bias_regularizer)
        self.return_sequences, self.return_state, self.go_backwards = return_sequences, return_state, go_backwards
        self.zero_output_for_mask = zero_output_for_mask
        self.supports_masking = True

    def build(self, input_shape):
        if len(input_shape) != 3 or input_shape[1] is None or input_shape[2] is None:
            raise ValueError(f"{type(self).__name__} {self.name!r} needs inputs of shape (batch, timesteps, "
                             f"features) with known timesteps and features, got {tuple(input_shape)}")
        self.build_weights(input_shape[2])
        self.built = True

    def call(self, inputs, initial_state=None, mask=None, training=None):
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        if initial_state is not None:
            states = list(initial_state) if isinstance(initial_state, (list, tuple)) else [initial_state]
        else:
            states = None
        result, states = run_fused(self, inputs, states, mask, self.go_backwards, self.zero_output_for_mask,
                                   self.return_sequences)
        if self.return_state:
            return [result] + list(states)
        return result

    def compute_mask(self, inputs, previous_mask):
        mask = previous_mask[0] if isinstance(previous_mask, (list, tuple)) else previous_mask
        out = mask if self.return_sequences else None
        return [out] + [None] * self._n_states if self.return_state else out

    def compute_output_shape(self, input_shape):
        batch, timesteps = input_shape[0], input_shape[1]
        out = (batch, timesteps, self.units) if self.return_sequences else (batch, self.units)
        if self.return_state:
            return [out] + [(batch, self.units)] * self._n_states
        return out

    def get_config(self):
        return {**super().get_config(), **self.math_config(),
                "return_sequences": self.return_sequences, "return_state": self.return_state,
                "go_backwards": self.go_backwards, "zero_output_for_mask": self.zero_output_for_mask}


class SimpleRNNMath(CellMath):
    """h_t = activation(x_t W + b + h_{t-1} U)."""

    def sequence(self, projected, states, mask, **flags):
        outputs, h = recurrent_ops.simple_rnn_sequence(projected, states[0], self.recurrent_kernel, mask,
                                                       **self._op_attrs(), **flags)
        return outputs, [h]

    def step(self, x_projected, states):
        h = self.activation(api.add(x_projected, api.matmul(states[0], self.recurrent_kernel)))
        return h, [h]


class LSTMMath(CellMath):
    """Long short-term memory (gates i, f, c, o; forget-gate bias initialised to 1 by default)."""

    gates = 4
    _n_states = 2

    def _init_gates(self, recurrent_activation, unit_forget_bias):
        self.recurrent_activation = activations.get(recurrent_activation)
        self.unit_forget_bias = unit_forget_bias

    def _bias_initializer(self):
        if not self.unit_forget_bias:
            return self.bias_initializer
        base, units = self.bias_initializer, self.units

        class _ForgetOnes(initializers.Initializer):
            def sample(self, shape, np_dtype):
                values = base.sample((units,), np_dtype)
                return np.concatenate([values, np.ones(units, np_dtype), base.sample((2 * units,), np_dtype)])
        return _ForgetOnes()

    def _activations(self):
        return [self.activation, self.recurrent_activation]

    def _op_attrs(self) -> dict:
        return {**super()._op_attrs(), "recurrent_activation": _op_activation(self.recurrent_activation)}

    def sequence(self, projected, states, mask, **flags):
        outputs, h, c = recurrent_ops.lstm_sequence(projected, states[0], states[1], self.recurrent_kernel, mask,
                                                    **self._op_attrs(), **flags)
        return outputs, [h, c]

    def step(self, x_projected, states):
        h, c = states
        z = api.add(x_projected, api.matmul(h, self.recurrent_kernel))
        zi, zf, zc, zo = _split(z, 4, self.units)
        i, f, o = self.recurrent_activation(zi), self.recurrent_activation(zf), self.recurrent_activation(zo)
        c = api.add(api.multiply(f, c), api.multiply(i, self.activation(zc)))
        h = api.multiply(o, self.activation(c))
        return h, [h, c]

    def gates_config(self):
        return {"recurrent_activation": activations.serialize(self.recurrent_activation),
                "unit_forget_bias": self.unit_forget_bias}


class GRUMath(CellMath):
    """Gated recurrent unit. reset_after=True (Keras's default): separate input and recurrent
    biases (bias shape (2, 3*units)), the reset gate applied after the recurrent matmul;
    reset_after=False: one bias, the reset gate applied to the state before it."""

    gates = 3

    def _init_gates(self, recurrent_activation, reset_after):
        self.recurrent_activation = activations.get(recurrent_activation)
        self.reset_after = bool(reset_after)

    def _bias_shape(self):
        return (2, 3 * self.units) if self.reset_after else (3 * self.units,)

    def _activations(self):
        return [self.activation, self.recurrent_activation]

    def runs_as_sequence_op(self) -> bool:   # the sequence op computes the reset_after=True form
        return self.reset_after and super().runs_as_sequence_op()

    def _op_attrs(self) -> dict:
        return {**super()._op_attrs(), "recurrent_activation": _op_activation(self.recurrent_activation)}

    def sequence(self, projected, states, mask, **flags):
        recurrent_bias = self.bias[1] if self.use_bias else api.zeros([3 * self.units], projected.dtype)
        outputs, h = recurrent_ops.gru_sequence(projected, states[0], self.recurrent_kernel, recurrent_bias, mask,
                                                **self._op_attrs(), **flags)
        return outputs, [h]

    def step(self, x_projected, states):
        (h,) = states
        if not self.reset_after:   # the input bias is in x_projected already (project_step)
            xz, xr, xh = _split(x_projected, 3, self.units)
            rz, rr = _split(api.matmul(h, self.recurrent_kernel[:, :2 * self.units]), 2, self.units)
            z = self.recurrent_activation(api.add(xz, rz))
            r = self.recurrent_activation(api.add(xr, rr))
            hh = self.activation(api.add(xh, api.matmul(api.multiply(r, h), self.recurrent_kernel[:, 2 * self.units:])))
            return self._blend(z, h, hh)
        inner = api.matmul(h, self.recurrent_kernel)
        if self.use_bias:
            x_projected = api.add(x_projected, self.bias[0])
            inner = api.add(inner, self.bias[1])
        xz, xr, xh = _split(x_projected, 3, self.units)
        rz, rr, rh = _split(inner, 3, self.units)
        z = self.recurrent_activation(api.add(xz, rz))
        r = self.recurrent_activation(api.add(xr, rr))
        hh = self.activation(api.add(xh, api.multiply(r, rh)))
        return self._blend(z, h, hh)

    @staticmethod
    def _blend(z, h, hh):
        h = api.add(api.multiply(z, h), api.multiply(api.subtract(1.0, z), hh))
        return h, [h]

    def gates_config(self):
        return {"recurrent_activation": activations.serialize(self.recurrent_activation),
                "reset_after": self.reset_after}


class SimpleRNN(SimpleRNNMath, _RNN):
    """h_t = activation(x_t W + h_{t-1} U + b)."""


class LSTM(LSTMMath, _RNN):
    """Long short-term memory (gates i, f, c, o; forget-gate bias initialised to 1 by default).

    Args: units, activation ('tanh'), recurrent_activation ('sigmoid'), use_bias,
    unit_forget_bias (True), return_sequences, return_state, go_backwards.
    """

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", unit_forget_bias=True, **kwargs):
        super().__init__(units, activation=activation, **kwargs)
        self._init_gates(recurrent_activation, unit_forget_bias)

    def get_config(self):
        return {**super().get_config(), **self.gates_config()}


class GRU(GRUMath, _RNN):
    """Gated recurrent unit, reset_after=True (Keras's default) or False.

    Args: units, activation ('tanh'), recurrent_activation ('sigmoid'), use_bias, reset_after,
    return_sequences, return_state, go_backwards.
    """

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", reset_after=True, **kwargs):
        super().__init__(units, activation=activation, **kwargs)
        self._init_gates(recurrent_activation, reset_after)

    def get_config(self):
        return {**super().get_config(), **self.gates_config()}
