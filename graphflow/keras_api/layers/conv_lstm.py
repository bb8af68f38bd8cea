"""ConvLSTM1D/2D/3D: an LSTM whose input and recurrent transforms are convolutions (Keras's
ConvLSTMCell inside an RNN; gates i, f, c, o along the kernels' last axis; channels last).

The input convolution of every timestep is one convolution over the sequence with time folded
into the batch (the four gates' kernels as one kernel of 4*filters outputs, which is the same
sum per output channel); only the recurrent convolution ('same' padding, stride 1) runs per step.
Measured by benchmarks/rnn_cell_paths.py against the per-step form (RNN(ConvLSTMCell), one
thread, CPU time): 1.13-1.29x eager, 0.99-1.08x compiled (the convolutions cost the same; the
folded form saves per-step dispatch).
"""
from __future__ import annotations

from ...ops import api
from ...ops.api import nn_extra
from ...ops.nn import conv_out_size
from .. import activations
from ..serialization import serialize_object
from .base import Layer
from .conv import _check_channels_last, normalize_padding, normalize_tuple
from .recurrent import LSTMMath, pop_unsupported, run_steps, set_weight_options
from .rnn import RNN

_CONVOLVE = {1: lambda x, w, s, p, d: nn_extra.conv1d(x, w, s[0], p, dilations=d[0]),
             2: lambda x, w, s, p, d: api.conv2d(x, w, list(s), p, dilations=list(d)),
             3: lambda x, w, s, p, d: nn_extra.conv3d(x, w, list(s), p, dilations=list(d))}


class ConvLSTMCell(Layer):
    """One ConvLSTM step over (batch, *spatial, channels) inputs; states [h, c] of the output's
    spatial shape with `filters` channels."""

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1,
                 activation="tanh", recurrent_activation="sigmoid", use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros", unit_forget_bias=True,
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None, **kwargs):
        pop_unsupported(kwargs, "ConvLSTMCell", ignored=("kernel_constraint", "recurrent_constraint",
                                                         "bias_constraint", "seed"))
        super().__init__(**kwargs)
        if rank not in _CONVOLVE:
            raise ValueError(f"ConvLSTMCell: rank must be 1, 2 or 3, got {rank!r}")
        _check_channels_last(self, data_format)
        self.rank, self.filters = rank, int(filters)
        self.kernel_size = normalize_tuple(kernel_size, rank, "kernel_size")
        self.strides = normalize_tuple(strides, rank, "strides")
        self.padding = normalize_padding(padding)
        self.dilation_rate = normalize_tuple(dilation_rate, rank, "dilation_rate")
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError("ConvLSTMCell: strides > 1 together with dilation_rate > 1 is not supported (as in Keras)")
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias, self.unit_forget_bias = use_bias, unit_forget_bias
        set_weight_options(self, kernel_initializer, recurrent_initializer, bias_initializer, kernel_regularizer,
                           recurrent_regularizer, bias_regularizer)
        self.state_size = [-1, -1]     # as Keras: the states' shape follows the input's

    @property
    def units(self):     # LSTMMath's forget-gate bias initializer counts in units
        return self.filters

    def build(self, input_shape):
        if len(input_shape) != self.rank + 2 or None in tuple(input_shape[1:]):
            raise ValueError(f"ConvLSTMCell {self.name!r} needs inputs (batch, {self.rank} spatial dims, channels) "
                             f"of known sizes, got {tuple(input_shape)}")
        self.spatial_dims = tuple(input_shape[1:-1])
        if min(self.output_spatial(self.spatial_dims)) <= 0:
            raise ValueError(f"ConvLSTMCell {self.name!r}: kernel_size {self.kernel_size} with dilation_rate "
                             f"{self.dilation_rate} and padding {self.padding!r} leaves no output of the input's "
                             f"spatial shape {self.spatial_dims}")
        n = 4 * self.filters
        self.kernel = self.add_weight(shape=self.kernel_size + (input_shape[-1], n),
                                      initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
                                      name="kernel")
        self.recurrent_kernel = self.add_weight(shape=self.kernel_size + (self.filters, n),
                                                initializer=self.recurrent_initializer,
                                                regularizer=self.recurrent_regularizer, name="recurrent_kernel")
        self.bias = self.add_weight(shape=(n,), initializer=LSTMMath._bias_initializer(self),
                                    regularizer=self.bias_regularizer, name="bias") if self.use_bias else None
        self.built = True

    def input_conv(self, x):
        out = _CONVOLVE[self.rank](x, self.kernel, self.strides, self.padding.upper(), self.dilation_rate)
        return api.add(out, self.bias) if self.use_bias else out

    def recurrent_step(self, x_conv, states):
        h, c = states
        z = api.add(x_conv, _CONVOLVE[self.rank](h, self.recurrent_kernel, (1,) * self.rank, "SAME",
                                                 (1,) * self.rank))
        zi, zf, zc, zo = api.split(z, 4, axis=-1)
        i, f, o = self.recurrent_activation(zi), self.recurrent_activation(zf), self.recurrent_activation(zo)
        c = api.add(api.multiply(f, c), api.multiply(i, self.activation(zc)))
        h = api.multiply(o, self.activation(c))
        return h, [h, c]

    def call(self, inputs, states, training=None):
        return self.recurrent_step(self.input_conv(inputs), list(states))

    def get_initial_state(self, batch_size=None):
        shape = [batch_size, *self.output_spatial(self.spatial_dims), self.filters]
        return [api.zeros(shape, self.compute_dtype), api.zeros(shape, self.compute_dtype)]

    def output_spatial(self, sizes):
        return tuple(conv_out_size(size, k, s, d, self.padding.upper())[0]
                     for size, k, s, d in zip(sizes, self.kernel_size, self.strides, self.dilation_rate))

    def get_config(self):
        return {**super().get_config(), "rank": self.rank, **_conv_lstm_config(self)}


def _conv_lstm_config(cell) -> dict:
    return {"filters": cell.filters, "kernel_size": list(cell.kernel_size), "strides": list(cell.strides),
            "padding": cell.padding, "data_format": "channels_last", "dilation_rate": list(cell.dilation_rate),
            "activation": activations.serialize(cell.activation),
            "recurrent_activation": activations.serialize(cell.recurrent_activation), "use_bias": cell.use_bias,
            "kernel_initializer": serialize_object(cell.kernel_initializer),
            "recurrent_initializer": serialize_object(cell.recurrent_initializer),
            "bias_initializer": serialize_object(cell.bias_initializer), "unit_forget_bias": cell.unit_forget_bias,
            "dropout": 0.0, "recurrent_dropout": 0.0, "seed": None}


class _ConvLSTM(RNN):
    rank = 2

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1,
                 activation="tanh", recurrent_activation="sigmoid", use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros", unit_forget_bias=True,
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None, return_sequences=False,
                 return_state=False, go_backwards=False, stateful=False, **kwargs):
        cell_kwargs = {k: kwargs.pop(k) for k in ("kernel_constraint", "recurrent_constraint", "bias_constraint",
                                                  "seed", "dropout", "recurrent_dropout", "activity_regularizer")
                       if k in kwargs}
        cell = ConvLSTMCell(self.rank, filters, kernel_size, strides=strides, padding=padding, data_format=data_format,
                            dilation_rate=dilation_rate, activation=activation,
                            recurrent_activation=recurrent_activation, use_bias=use_bias,
                            kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
                            bias_initializer=bias_initializer, unit_forget_bias=unit_forget_bias,
                            kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
                            bias_regularizer=bias_regularizer, name="conv_lstm_cell", dtype=kwargs.get("dtype"),
                            **cell_kwargs)
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, **kwargs)

    def build(self, input_shape, initial_state_shape=None):
        if len(input_shape) != self.rank + 3 or None in tuple(input_shape[1:]):
            raise ValueError(f"{type(self).__name__} {self.name!r} needs inputs (batch, timesteps, {self.rank} "
                             f"spatial dims, channels) of known sizes, got {tuple(input_shape)}")
        super().build(input_shape)

    def call(self, inputs, initial_state=None, mask=None, training=None):
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        cell, timesteps = self.cell, inputs.shape[1]
        step_shape = list(inputs.shape[2:])
        folded = cell.input_conv(api.reshape(inputs, [-1] + step_shape))      # time folded into the batch
        projected = api.reshape(folded, [-1, timesteps] + list(folded.shape[1:]))
        steps = api.unstack(projected, num=timesteps, axis=1)
        if initial_state is None:
            zeros = api.zeros_like(steps[0][..., :cell.filters])
            states = [zeros, zeros]
        else:
            states = list(initial_state)
            if len(states) != 2:
                raise ValueError(f"{type(self).__name__} {self.name!r}: initial_state is [h, c], got "
                                 f"{len(states)} tensors")
        output, states = run_steps(cell.recurrent_step, steps, states, mask, self.go_backwards,
                                   self.zero_output_for_mask, self.return_sequences)
        return [output] + list(states) if self.return_state else output

    def compute_output_shape(self, input_shape, initial_state_shape=None):
        batch, timesteps = input_shape[0], input_shape[1]
        state = (batch,) + self.cell.output_spatial(input_shape[2:-1]) + (self.cell.filters,)
        out = (batch, timesteps) + state[1:] if self.return_sequences else state
        return [out, state, state] if self.return_state else out

    def compute_mask(self, inputs, previous_mask):
        mask = previous_mask[0] if isinstance(previous_mask, (list, tuple)) else previous_mask
        out = mask if self.return_sequences else None
        return [out, None, None] if self.return_state else out

    def get_config(self):
        config = {k: v for k, v in super().get_config().items() if k != "cell"}
        return {**config, **_conv_lstm_config(self.cell)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        for key in ("cell", "unroll", "zero_output_for_mask"):
            config.pop(key, None)
        return cls(**config)


class ConvLSTM1D(_ConvLSTM):
    """ConvLSTM over (batch, time, steps, channels) sequences."""

    rank = 1


class ConvLSTM2D(_ConvLSTM):
    """ConvLSTM over (batch, time, rows, cols, channels) sequences."""

    rank = 2


class ConvLSTM3D(_ConvLSTM):
    """ConvLSTM over (batch, time, depth, rows, cols, channels) sequences."""

    rank = 3
