"""LSTM, GRU and SimpleRNN: one input-projection matmul, then one recurrent sequence op.

The input projection of every timestep is one matmul over the time-major sequence; the recurrence
is one op (ops/recurrent.py: a loop over time with the step's gates fused, and one op for the
backward pass through time), in eager, gf.function graphs and Keras fit alike. An activation the
ops do not compute (a user's function) runs the per-step chain instead. Gate layouts and defaults
are Keras's (LSTM gates i, f, c, o; GRU gates z, r, h with reset_after=True), so weights port
across. See docs/keras.md, "How recurrent layers run".
"""
from __future__ import annotations

import numpy as np

from ...ops import api, recurrent
from ...ops.api import recurrent as recurrent_ops
from .. import activations, initializers, regularizers
from ..serialization import serialize_object
from .base import Layer


class _RNN(Layer):
    """Shared machinery: weights, unrolling, return_sequences / return_state / go_backwards."""

    gates = 1

    def __init__(self, units, activation="tanh", use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros", kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, return_sequences=False, return_state=False,
                 go_backwards=False, zero_output_for_mask=False, **kwargs):
        for unsupported in ("dropout", "recurrent_dropout"):
            if kwargs.pop(unsupported, 0.0):
                raise ValueError(f"{type(self).__name__}: {unsupported} is not supported")
        for ignored in ("stateful", "unroll", "time_major", "activity_regularizer", "kernel_constraint",
                        "recurrent_constraint", "bias_constraint", "seed"):
            kwargs.pop(ignored, None)
        super().__init__(**kwargs)
        self.units = int(units)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.return_sequences, self.return_state, self.go_backwards = return_sequences, return_state, go_backwards
        self.zero_output_for_mask = zero_output_for_mask
        self.supports_masking = True

    def _bias_shape(self):
        return (self.gates * self.units,)

    def _bias_initializer(self):
        return self.bias_initializer

    def build(self, input_shape):
        if len(input_shape) != 3 or input_shape[1] is None or input_shape[2] is None:
            raise ValueError(f"{type(self).__name__} {self.name!r} needs inputs of shape (batch, timesteps, "
                             f"features) with known timesteps and features, got {tuple(input_shape)}")
        n = self.gates * self.units
        self.kernel = self.add_weight(shape=(input_shape[2], n), initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer, name="kernel")
        self.recurrent_kernel = self.add_weight(shape=(self.units, n), initializer=self.recurrent_initializer,
                                                regularizer=self.recurrent_regularizer, name="recurrent_kernel")
        self.bias = self.add_weight(shape=self._bias_shape(), initializer=self._bias_initializer(),
                                    regularizer=self.bias_regularizer, name="bias") if self.use_bias else None
        self.built = True

    _n_states = 1

    def call(self, inputs, initial_state=None, mask=None, training=None):
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        if initial_state is not None:
            states = list(initial_state) if isinstance(initial_state, (list, tuple)) else [initial_state]
        else:
            states = None
        if not self._runs_as_sequence_op():
            return self._unrolled_call(inputs, states, mask)
        timesteps, features = inputs.shape[1], inputs.shape[2]
        width = self.gates * self.units
        # time-major from here: each step's slice is contiguous, and the op's gradient writes
        # every step's input gradient into one (T, B, gates*units) array
        projected = api.matmul(api.reshape(api.transpose(inputs, [1, 0, 2]), [-1, features]), self.kernel)
        if self.use_bias:   # on the 2-D product: the compiler makes it the matmul's epilogue
            projected = api.add(projected, self.bias if len(self._bias_shape()) == 1 else self.bias[0])
        projected = api.reshape(projected, [timesteps, -1, width])
        if states is None:
            states = [api.zeros_like(projected[0, :, :self.units])] * self._n_states
        mask_tm = None if mask is None else api.transpose(api.cast(mask, inputs.dtype), [1, 0])
        outputs, states = self.sequence(projected, states, mask_tm)
        if self.return_sequences:
            result = api.transpose(outputs, [1, 0, 2])
        else:   # the last output is the state, unless a mask kept (or zeroed) some rows' outputs
            result = states[0] if mask is None else outputs[-1]
        if self.return_state:
            return [result] + list(states)
        return result

    def _runs_as_sequence_op(self) -> bool:
        return all(_op_activation(fn) is not None for fn in self._activations())

    def _activations(self):
        return [self.activation]

    def _sequence_attrs(self) -> dict:
        return dict(activation=_op_activation(self.activation), go_backwards=self.go_backwards,
                    zero_output_for_mask=self.zero_output_for_mask)

    def _unrolled_call(self, inputs, states, mask):
        """The per-step chain, for activations the sequence ops do not compute (a user's function).
        The projected input is unstacked once, so each step's input gradient is one slice of one
        Pack, not a zero tensor of the whole sequence."""
        timesteps, features = inputs.shape[1], inputs.shape[2]
        projected = api.reshape(api.matmul(api.reshape(inputs, [-1, features]), self.kernel),
                                [-1, timesteps, self.gates * self.units])
        if self.use_bias and self._bias_shape() == (self.gates * self.units,):
            projected = api.add(projected, self.bias)
        if states is None:
            states = [api.zeros_like(projected[:, 0, :self.units])] * self._n_states
        steps = api.unstack(projected, num=timesteps, axis=1)
        order = range(timesteps - 1, -1, -1) if self.go_backwards else range(timesteps)
        outputs, carried = [], []
        for t in order:
            output, new_states = self.step(steps[t], states)
            if mask is None:
                states = new_states
            else:   # a masked step keeps the states and repeats the previous output (Keras's rule)
                keep = api.expand_dims(api.cast(mask[:, t], "bool"), -1)
                output = api.where(keep, output, carried[-1] if carried else api.zeros_like(output))
                states = [api.where(keep, new, old) for new, old in zip(new_states, states)]
                carried.append(output)
                if self.zero_output_for_mask:
                    output = api.where(keep, output, api.zeros_like(output))
            outputs.append(output)
        last = outputs[-1]
        result = api.stack(outputs, axis=1) if self.return_sequences else last
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
        return {**super().get_config(), "units": self.units, "activation": activations.serialize(self.activation),
                "use_bias": self.use_bias, "kernel_initializer": serialize_object(self.kernel_initializer),
                "recurrent_initializer": serialize_object(self.recurrent_initializer),
                "bias_initializer": serialize_object(self.bias_initializer),
                "return_sequences": self.return_sequences, "return_state": self.return_state,
                "go_backwards": self.go_backwards, "zero_output_for_mask": self.zero_output_for_mask}


def _op_activation(fn):
    """The Keras name of `fn` if the recurrent ops compute it (ops/recurrent.ACTIVATIONS), else None."""
    try:
        name = activations.serialize(fn)
    except TypeError:
        return None
    return name if name in recurrent.ACTIVATIONS and activations.get(name) is fn else None


def _split(x, n, units):
    return [x[:, i * units:(i + 1) * units] for i in range(n)]


class SimpleRNN(_RNN):
    """h_t = activation(x_t W + h_{t-1} U + b)."""

    def sequence(self, projected, states, mask):
        outputs, h = recurrent_ops.simple_rnn_sequence(projected, states[0], self.recurrent_kernel, mask,
                                                       **self._sequence_attrs())
        return outputs, [h]

    def step(self, x_projected, states):
        h = self.activation(api.add(x_projected, api.matmul(states[0], self.recurrent_kernel)))
        return h, [h]


class LSTM(_RNN):
    """Long short-term memory (gates i, f, c, o; forget-gate bias initialised to 1 by default).

    Args: units, activation ('tanh'), recurrent_activation ('sigmoid'), use_bias,
    unit_forget_bias (True), return_sequences, return_state, go_backwards.
    """

    gates = 4
    _n_states = 2

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", unit_forget_bias=True, **kwargs):
        super().__init__(units, activation=activation, **kwargs)
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

    def _sequence_attrs(self) -> dict:
        return {**super()._sequence_attrs(), "recurrent_activation": _op_activation(self.recurrent_activation)}

    def sequence(self, projected, states, mask):
        outputs, h, c = recurrent_ops.lstm_sequence(projected, states[0], states[1], self.recurrent_kernel, mask,
                                                    **self._sequence_attrs())
        return outputs, [h, c]

    def step(self, x_projected, states):
        h, c = states
        z = api.add(x_projected, api.matmul(h, self.recurrent_kernel))
        zi, zf, zc, zo = _split(z, 4, self.units)
        i, f, o = self.recurrent_activation(zi), self.recurrent_activation(zf), self.recurrent_activation(zo)
        c = api.add(api.multiply(f, c), api.multiply(i, self.activation(zc)))
        h = api.multiply(o, self.activation(c))
        return h, [h, c]

    def get_config(self):
        return {**super().get_config(), "recurrent_activation": activations.serialize(self.recurrent_activation),
                "unit_forget_bias": self.unit_forget_bias}


class GRU(_RNN):
    """Gated recurrent unit, Keras's default form (reset_after=True: separate input and
    recurrent biases, the reset gate applied after the recurrent matmul).

    Args: units, activation ('tanh'), recurrent_activation ('sigmoid'), use_bias,
    return_sequences, return_state, go_backwards.
    """

    gates = 3

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", reset_after=True, **kwargs):
        if not reset_after:
            raise ValueError("GRU: only reset_after=True (Keras's default) is supported")
        super().__init__(units, activation=activation, **kwargs)
        self.recurrent_activation = activations.get(recurrent_activation)

    def _bias_shape(self):
        return (2, 3 * self.units)

    def _activations(self):
        return [self.activation, self.recurrent_activation]

    def _sequence_attrs(self) -> dict:
        return {**super()._sequence_attrs(), "recurrent_activation": _op_activation(self.recurrent_activation)}

    def sequence(self, projected, states, mask):
        recurrent_bias = self.bias[1] if self.use_bias else api.zeros([3 * self.units], projected.dtype)
        outputs, h = recurrent_ops.gru_sequence(projected, states[0], self.recurrent_kernel, recurrent_bias, mask,
                                                **self._sequence_attrs())
        return outputs, [h]

    def step(self, x_projected, states):
        (h,) = states
        inner = api.matmul(h, self.recurrent_kernel)
        if self.use_bias:
            x_projected = api.add(x_projected, self.bias[0])
            inner = api.add(inner, self.bias[1])
        xz, xr, xh = _split(x_projected, 3, self.units)
        rz, rr, rh = _split(inner, 3, self.units)
        z = self.recurrent_activation(api.add(xz, rz))
        r = self.recurrent_activation(api.add(xr, rr))
        hh = self.activation(api.add(xh, api.multiply(r, rh)))
        h = api.add(api.multiply(z, h), api.multiply(api.subtract(1.0, z), hh))
        return h, [h]

    def get_config(self):
        return {**super().get_config(), "recurrent_activation": activations.serialize(self.recurrent_activation),
                "reset_after": True}
