"""Gradients of the recurrent sequence ops: one backward-through-time op each (ops/recurrent.py)."""
from __future__ import annotations

from .api.construct import zeros_like
from .dispatch import apply
from .recurrent import ACTIVATIONS  # noqa: F401  (declares the ops whose gradients are set below)
from .registry import get, set_gradient


def _or_zeros(dy, like):
    return zeros_like(like) if dy is None else dy


@set_gradient("LSTMSequence")
def _lstm_sequence_grad(op, dys, dh, dc, *_saved):
    x, h0, c0, rk, *mask = op.inputs
    ys, h_last, c_last, cs, gates, *hs = op.outputs
    dx, dh0, dc0, drk = apply(get("LSTMSequenceGrad"), (h0, c0, rk, ys, cs, gates, _or_zeros(dys, ys),
                                                         _or_zeros(dh, h_last), _or_zeros(dc, c_last), *mask, *hs),
                              dict(op.attrs))
    return [dx, dh0, dc0, drk] + [None] * len(mask)


@set_gradient("GRUSequence")
def _gru_sequence_grad(op, dys, dh, *_saved):
    x, h0, rk, rb, *mask = op.inputs
    ys, h_last, gates, inner, *hs = op.outputs
    dx, dh0, drk, drb = apply(get("GRUSequenceGrad"), (h0, rk, rb, ys, gates, inner, _or_zeros(dys, ys),
                                                        _or_zeros(dh, h_last), *mask, *hs), dict(op.attrs))
    return [dx, dh0, drk, drb] + [None] * len(mask)


@set_gradient("SimpleRNNSequence")
def _simple_rnn_sequence_grad(op, dys, dh, *_saved):
    x, h0, rk, *mask = op.inputs
    ys, h_last, *hs = op.outputs
    dx, dh0, drk = apply(get("SimpleRNNSequenceGrad"), (h0, rk, ys, _or_zeros(dys, ys), _or_zeros(dh, h_last),
                                                        *mask, *hs), dict(op.attrs))
    return [dx, dh0, drk] + [None] * len(mask)
