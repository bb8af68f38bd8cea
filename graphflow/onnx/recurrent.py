"""ONNX emitters of the recurrent sequence ops (ops/recurrent.py), written out step by step.

ONNX's own LSTM/GRU/RNN ops take the unprojected input and have no Keras mask rule (a masked step
keeps the states and repeats the last output), so each step becomes the few nodes of its cell:
Gather the step's projected input, MatMul with the recurrent kernel, the gates, Where for the mask.
The reserve outputs (saved gates and cell states) are written too, so every output has its value.
"""
from __future__ import annotations

from .builder import export_error

_ONNX_ACTIVATION = {"linear": "Identity", "relu": "Relu", "sigmoid": "Sigmoid", "tanh": "Tanh"}


def _act(b, name, x):
    return b.one(_ONNX_ACTIVATION[name], x)


def _steps(b, v, n_inputs):
    """The (processing index, input index) pairs of the steps, and the mask input or None."""
    t = v.in_specs[0][1][0]
    if t is None:
        raise export_error(v, "the number of timesteps must be static to export a recurrent op")
    order = [(s, t - 1 - s if v.attrs.get("go_backwards") else s) for s in range(t)]
    mask = v.inputs[n_inputs] if len(v.inputs) > n_inputs else None
    return order, mask


class _Mask:
    """Keras's mask rule as nodes: `run(ti)` is the step's (B, 1) condition (None without a mask);
    a masked step keeps the states, and its output is the state times 1 where the row has run a
    step so far (or, with zero_output_for_mask, where it runs this step)."""

    def __init__(self, b, mask, zero_output, dtype):
        self.b, self.mask, self.zero_output, self.dtype = b, mask, zero_output, dtype
        self.m = self.seen = None

    def run(self, ti):
        if self.mask is None:
            return None
        b = self.b
        self.m = b.one("Unsqueeze", b.one("Gather", self.mask, b.const(ti, "int64"), axis=0), b.ints([1]))
        if not self.zero_output:
            self.seen = self.m if self.seen is None else b.one("Max", self.seen, self.m)
        return b.one("Greater", self.m, b.const(0, self.dtype))

    def keep(self, run, new, old):
        return new if run is None else self.b.one("Where", run, new, old)

    def output(self, run, h):
        if run is None:
            return h
        return self.b.one("Mul", h, self.m if self.zero_output else self.seen)


def _stack(b, values, state):
    """The steps' (B, W) values as (T, B, W); with no steps, (0, B, W) cut from the state's shape
    (pass the op's x for a gate-width sequence: with no steps it is that empty array)."""
    if not values:
        if len(state) == 2:     # (x,): the empty projected input itself
            return b.one("Identity", state[1])
        return b.one("Slice", b.one("Unsqueeze", state[0], b.ints([0])), b.ints([0]), b.ints([0]), b.ints([0]))
    return b.one("Concat", *[b.one("Unsqueeze", x, b.ints([0])) for x in values], axis=0)


def _mask(b, v, mask):
    return _Mask(b, mask, v.attrs.get("zero_output_for_mask", False), v.in_specs[0][0].np)


def _lstm_sequence(b, v):
    x, h, c, rk = v.inputs[:4]
    order, mask = _steps(b, v, 4)
    m = _mask(b, v, mask)
    act, ract = v.attrs.get("activation", "tanh"), v.attrs.get("recurrent_activation", "sigmoid")
    ys, hs, cs, gates = [], [], [], []
    for _, ti in order:
        run = m.run(ti)
        z = b.one("Add", b.one("Gather", x, b.const(ti, "int64"), axis=0), b.one("MatMul", h, rk))
        zi, zf, zc, zo = b.node("Split", [z], n_out=4, axis=1, num_outputs=4)
        i, f, g, o = _act(b, ract, zi), _act(b, ract, zf), _act(b, act, zc), _act(b, ract, zo)
        gates.append(b.one("Concat", i, f, g, o, axis=1))
        c_new = b.one("Add", b.one("Mul", f, c), b.one("Mul", i, g))
        h_new = b.one("Mul", o, _act(b, act, c_new))
        c, h = m.keep(run, c_new, c), m.keep(run, h_new, h)
        hs.append(h)
        cs.append(c)
        ys.append(m.output(run, h))
    h0 = (v.inputs[1],)
    return [_stack(b, ys, h0), h, c, _stack(b, cs, h0), _stack(b, gates, (None, x))] + (
        [_stack(b, hs, h0)] if mask is not None else [])


def _gru_sequence(b, v):
    x, h, rk, rb = v.inputs[:4]
    order, mask = _steps(b, v, 4)
    m = _mask(b, v, mask)
    act, ract = v.attrs.get("activation", "tanh"), v.attrs.get("recurrent_activation", "sigmoid")
    ys, hs, gates, inners = [], [], [], []
    for _, ti in order:
        run = m.run(ti)
        xz, xr, xh = b.node("Split", [b.one("Gather", x, b.const(ti, "int64"), axis=0)], n_out=3, axis=1,
                            num_outputs=3)
        rz, rr, rh = b.node("Split", [b.one("Add", b.one("MatMul", h, rk), rb)], n_out=3, axis=1, num_outputs=3)
        z, r = _act(b, ract, b.one("Add", xz, rz)), _act(b, ract, b.one("Add", xr, rr))
        hh = _act(b, act, b.one("Add", xh, b.one("Mul", r, rh)))
        gates.append(b.one("Concat", z, r, hh, axis=1))
        inners.append(rh)
        h_new = b.one("Add", b.one("Mul", z, h), b.one("Mul", b.one("Sub", b.const(1, v.in_specs[0][0].np), z), hh))
        h = m.keep(run, h_new, h)
        hs.append(h)
        ys.append(m.output(run, h))
    h0 = (v.inputs[1],)
    return [_stack(b, ys, h0), h, _stack(b, gates, (None, x)), _stack(b, inners, h0)] + (
        [_stack(b, hs, h0)] if mask is not None else [])


def _simple_rnn_sequence(b, v):
    x, h, rk = v.inputs[:3]
    order, mask = _steps(b, v, 3)
    m = _mask(b, v, mask)
    ys, hs = [], []
    for _, ti in order:
        run = m.run(ti)
        h_new = _act(b, v.attrs.get("activation", "tanh"),
                     b.one("Add", b.one("Gather", x, b.const(ti, "int64"), axis=0), b.one("MatMul", h, rk)))
        h = m.keep(run, h_new, h)
        hs.append(h)
        ys.append(m.output(run, h))
    h0 = (v.inputs[1],)
    return [_stack(b, ys, h0), h] + ([_stack(b, hs, h0)] if mask is not None else [])


# op name -> (emitter, the form docs/onnx.md shows); onnx/mapping.py adds them to its table
ROWS = {
    "LSTMSequence": (_lstm_sequence, "per step: Gather, MatMul, Split, the gates, Where for a mask; Concat"),
    "GRUSequence": (_gru_sequence, "per step: Gather, MatMul, Split, the gates (reset after the matmul), Where"),
    "SimpleRNNSequence": (_simple_rnn_sequence, "per step: Gather, MatMul, Add, the activation, Where; Concat"),
}
