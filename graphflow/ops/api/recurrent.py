"""Recurrent sequence ops as functions (ops/recurrent.py): what Keras's LSTM, GRU and SimpleRNN call.

Every tensor is time-major: `x` (T, B, gates*units) is the input already multiplied by the input
kernel (bias added), `mask` (T, B) is 1 where a step runs. The outputs are in processing order
(reversed with go_backwards); the saved reserve outputs stay hidden here.
"""
from __future__ import annotations

from .. import recurrent as _recurrent_ops  # noqa: F401  (declares the ops)
from ..convert import convert_to_tensor
from ..dispatch import apply
from .op_call import opdef


def _inputs(tensors, mask, dtype):
    tensors = [convert_to_tensor(t, dtype=dtype) for t in tensors]
    return tuple(tensors) + (() if mask is None else (convert_to_tensor(mask, dtype=dtype),))


def _attrs(activation, go_backwards, zero_output_for_mask, **more):
    return dict(activation=activation, go_backwards=bool(go_backwards),
                zero_output_for_mask=bool(zero_output_for_mask), **more)


def lstm_sequence(x, h0, c0, recurrent_kernel, mask=None, activation="tanh", recurrent_activation="sigmoid",
                  go_backwards=False, zero_output_for_mask=False, name=None):
    """Runs an LSTM (Keras gate order i, f, c, o) over time. Returns (outputs (T, B, U), h, c)."""
    x = convert_to_tensor(x)
    out = apply(opdef("LSTMSequence"), _inputs((x, h0, c0, recurrent_kernel), mask, x.dtype),
                _attrs(activation, go_backwards, zero_output_for_mask, recurrent_activation=recurrent_activation), name)
    return out[0], out[1], out[2]


def gru_sequence(x, h0, recurrent_kernel, recurrent_bias, mask=None, activation="tanh",
                 recurrent_activation="sigmoid", go_backwards=False, zero_output_for_mask=False, name=None):
    """Runs a GRU (Keras gate order z, r, h; reset gate after the recurrent matmul) over time.
    Returns (outputs (T, B, U), h)."""
    x = convert_to_tensor(x)
    out = apply(opdef("GRUSequence"), _inputs((x, h0, recurrent_kernel, recurrent_bias), mask, x.dtype),
                _attrs(activation, go_backwards, zero_output_for_mask, recurrent_activation=recurrent_activation), name)
    return out[0], out[1]


def simple_rnn_sequence(x, h0, recurrent_kernel, mask=None, activation="tanh", go_backwards=False,
                        zero_output_for_mask=False, name=None):
    """Runs h_t = activation(x_t + h_{t-1} recurrent_kernel) over time. Returns (outputs (T, B, U), h)."""
    x = convert_to_tensor(x)
    out = apply(opdef("SimpleRNNSequence"), _inputs((x, h0, recurrent_kernel), mask, x.dtype),
                _attrs(activation, go_backwards, zero_output_for_mask), name)
    return out[0], out[1]
