"""Recurrent layers as one op each: LSTMSequence, GRUSequence, SimpleRNNSequence and their gradients.

Keras's LSTM/GRU/SimpleRNN used to unroll into a chain of per-step ops (~800 kernel calls for 50
steps), and the gradient of each step's slice of the projected input materialised a zero tensor of
the whole sequence (memory traffic O(T^2)). Here the input projection stays one matmul outside the
op, and the recurrence is one op: a loop over time with per-step state, the step's gates computed
in one elementwise pass, and everything the backward pass needs saved in O(T) buffers (reserve
outputs, as TF's cuDNN RNN ops keep a reserve space). The gradient op walks the sequence backwards
once (backpropagation through time) and writes each step's input gradient into one array.

Layout: time-major. `x` is the projected input (T, B, G*U) in input order (bias included, except
GRU's recurrent bias `rb`); `mask` (optional, T x B, x's dtype, 1 = run the step) follows Keras's
rule: a masked step keeps the states, and its output repeats the previous output (zeros before any
step ran, or always zeros with `zero_output_for_mask`). With `go_backwards` the op reads x from
the last step to the first and writes its outputs in processing order, as Keras does.

The drivers below are the reference kernels: a Python loop calling numpy's matmul for the
recurrent product and a numpy step function for the gates. kernels/recurrent.py passes numba step
functions to the same drivers (`OpDef.fast_kernel`), so eager, graphs and Keras fit run one program.
"""
from __future__ import annotations

import numpy as np

from ..shapes import TensorShape
from .registry import OpDef, Spec, register

# Activations the ops compute (by Keras name). The derivative of each is written in terms of its
# output y, so the backward pass needs only what the forward pass saved.
ACTIVATIONS = ("linear", "relu", "sigmoid", "tanh")
LINEAR, RELU, SIGMOID, TANH = range(4)


def activation_code(name: str) -> int:
    if name not in ACTIVATIONS:
        raise ValueError(f"recurrent ops compute the activations {', '.join(ACTIVATIONS)}, not {name!r}")
    return ACTIVATIONS.index(name)


def _sigmoid(x):
    return 0.5 * (1.0 + np.tanh(0.5 * x))     # stable for large |x|, no overflow warning


_APPLY = (lambda x: x, lambda x: np.maximum(x, 0), _sigmoid, np.tanh)
_SLOPE = (lambda y: np.ones_like(y), lambda y: (y > 0).astype(y.dtype), lambda y: y * (1 - y), lambda y: 1 - y * y)


# ---- inference ----------------------------------------------------------------------------------

def _dims(spec, rank, what, op):
    dims = spec.shape.dims
    if dims is None:
        return [None] * rank
    if len(dims) != rank:
        raise ValueError(f"{op}: {what} must have rank {rank}, got shape {spec.shape}")
    return list(dims)


def _same(a, b):
    return a is None or b is None or a == b


def _sequence_infer(op, gates, x, states, rk, mask, rb=None):
    """Checks shared by the forward ops; returns (T, B, U)."""
    for s in (*states, rk, *(() if mask is None else (mask,)), *(() if rb is None else (rb,))):
        if s.dtype is not x.dtype:
            raise TypeError(f"{op}: all inputs must have the dtype of x ({x.dtype.name}), got {s.dtype.name}")
    if not x.dtype.is_floating:
        raise TypeError(f"{op}: x must be float, got {x.dtype.name}")
    t, b, g = _dims(x, 3, "x (time, batch, gates*units)", op)
    u, g2 = _dims(rk, 2, "recurrent_kernel (units, gates*units)", op)
    if u is not None and g2 is not None and g2 != gates * u:
        raise ValueError(f"{op}: recurrent_kernel shape {rk.shape} must be (units, {gates}*units)")
    if not _same(g, g2) or (g is not None and g % gates):
        raise ValueError(f"{op}: x's last dimension {g} must be {gates}*units and match recurrent_kernel {rk.shape}")
    u = u if u is not None else (g // gates if g is not None else None)
    for s in states:
        sb, su = _dims(s, 2, "a state (batch, units)", op)
        if not (_same(sb, b) and _same(su, u)):
            raise ValueError(f"{op}: state shape {s.shape} must be (batch={b}, units={u})")
    if mask is not None:
        mt, mb = _dims(mask, 2, "mask (time, batch)", op)
        if not (_same(mt, t) and _same(mb, b)):
            raise ValueError(f"{op}: mask shape {mask.shape} must be (time={t}, batch={b})")
    if rb is not None and not _same(_dims(rb, 1, "recurrent_bias", op)[0], g):
        raise ValueError(f"{op}: recurrent_bias shape {rb.shape} must be ({g},)")
    return t, b, u


def _check_attrs(op, activation, recurrent_activation=None):
    activation_code(activation)
    if recurrent_activation is not None:
        activation_code(recurrent_activation)


def _spec(dims, dtype):
    return Spec(TensorShape(dims), dtype)


def _lstm_infer(x, h0, c0, rk, *mask, activation="tanh", recurrent_activation="sigmoid", go_backwards=False,
                zero_output_for_mask=False):
    _check_attrs("LSTMSequence", activation, recurrent_activation)
    t, b, u = _sequence_infer("LSTMSequence", 4, x, (h0, c0), rk, mask[0] if mask else None)
    seq, state = _spec([t, b, u], x.dtype), _spec([b, u], x.dtype)
    return [seq, state, state, seq, _spec([t, b, 4 * u if u is not None else None], x.dtype)] + [seq] * len(mask)


def _gru_infer(x, h0, rk, rb, *mask, activation="tanh", recurrent_activation="sigmoid", go_backwards=False,
               zero_output_for_mask=False):
    _check_attrs("GRUSequence", activation, recurrent_activation)
    t, b, u = _sequence_infer("GRUSequence", 3, x, (h0,), rk, mask[0] if mask else None, rb)
    seq, gates = _spec([t, b, u], x.dtype), _spec([t, b, 3 * u if u is not None else None], x.dtype)
    return [seq, _spec([b, u], x.dtype), gates, seq] + [seq] * len(mask)


def _simple_infer(x, h0, rk, *mask, activation="tanh", go_backwards=False, zero_output_for_mask=False):
    _check_attrs("SimpleRNNSequence", activation)
    t, b, u = _sequence_infer("SimpleRNNSequence", 1, x, (h0,), rk, mask[0] if mask else None)
    seq = _spec([t, b, u], x.dtype)
    return [seq, _spec([b, u], x.dtype)] + [seq] * len(mask)


def _like(*specs):
    return [Spec(s.shape, s.dtype) for s in specs]


def _lstm_grad_infer(h0, c0, rk, ys, cs, gates, dys, dh, dc, *masked, **attrs):
    return [Spec(gates.shape, gates.dtype)] + _like(h0, c0, rk)


def _gru_grad_infer(h0, rk, rb, ys, gates, inner, dys, dh, *masked, **attrs):
    return [Spec(gates.shape, gates.dtype)] + _like(h0, rk, rb)


def _simple_grad_infer(h0, rk, ys, dys, dh, *masked, **attrs):
    return [Spec(ys.shape, ys.dtype)] + _like(h0, rk)


# ---- the drivers: one loop over time, shared by the numpy and numba step functions ---------------

def input_index(s: int, t: int, go_backwards: bool) -> int:
    return t - 1 - s if go_backwards else s


def mask_arrays(mask, t, b, dtype, go_backwards, zero_output_for_mask):
    """(run, show), each (T, B) in processing order: `run` 1 where the step updates the states,
    `show` 1 where the step's output is the state (else zero: before any step ran, or masked
    with zero_output_for_mask)."""
    if mask is None:
        ones = np.ones((t, b), dtype)
        return ones, ones
    run = np.ascontiguousarray((mask[::-1] if go_backwards else mask) != 0).astype(dtype)
    show = run if zero_output_for_mask else np.maximum.accumulate(run, axis=0)
    return run, show


# OpenBLAS runs a GEMM on the calling thread when M*N*K is at most 65536 * GEMM_MULTITHREAD_THRESHOLD
# (4 by default). A step's product (32x128 @ 128x512 in W8) is above that, so it woke the BLAS
# workers 100 times per sequence: measured under load (2 cores, load average 12) 33 ms per product
# with two threads, 0.67 ms in blocks of rows small enough to stay on the caller (0.16 ms of CPU
# either way). The big whole-sequence products (input projection, weight gradients) keep threads.
SINGLE_THREAD_MNK = 65536 * 4


def step_matmul(a, w, out):
    """out = a @ w in blocks of rows that BLAS computes on the calling thread (see above)."""
    n, k = a.shape
    rows = max(1, SINGLE_THREAD_MNK // max(1, k * w.shape[1]))
    if rows >= n:
        np.matmul(a, w, out=out)
        return
    full = n - n % rows
    np.matmul(a[:full].reshape(-1, rows, k), w, out=out[:full].reshape(-1, rows, out.shape[1]))
    if full < n:
        np.matmul(a[full:], w, out=out[full:])


def _c(a, dtype):
    return np.ascontiguousarray(a, dtype=dtype)


def _prev(seq, first, s):
    return seq[s - 1] if s else first


def lstm_forward(step, x, h0, c0, rk, mask=None, *, activation="tanh", recurrent_activation="sigmoid",
                 go_backwards=False, zero_output_for_mask=False):
    dt = x.dtype
    t, b, g = x.shape
    u = g // 4
    x, h0, c0, rk = _c(x, dt), _c(h0, dt), _c(c0, dt), _c(rk, dt)
    run, show = mask_arrays(mask, t, b, dt, go_backwards, zero_output_for_mask)
    ys = np.empty((t, b, u), dt)
    hs = ys if mask is None else np.empty((t, b, u), dt)
    cs, gates, z = np.empty((t, b, u), dt), np.empty((t, b, g), dt), np.empty((b, g), dt)
    act, ract = activation_code(activation), activation_code(recurrent_activation)
    for s in range(t):
        h_prev, c_prev = _prev(hs, h0, s), _prev(cs, c0, s)
        step_matmul(h_prev, rk, z)
        step(z, x[input_index(s, t, go_backwards)], h_prev, c_prev, run[s], show[s], gates[s], cs[s], hs[s], ys[s],
             act, ract)
    h_last, c_last = (hs[-1].copy(), cs[-1].copy()) if t else (h0.copy(), c0.copy())
    return (ys, h_last, c_last, cs, gates) + (() if mask is None else (hs,))


class RecurrentKernelGrad:
    """The recurrent kernel's gradient, sum over steps of h_{s-1}^T dz_s (processing order).

    A backward driver opens one around its loop (`with weight_grad(h0, hs, dz) as wg`), calls
    `wg.done(s)` once step s's dz is written (steps run from the last to the first) and reads
    `wg.result()` after the loop. Here the sum is two matmuls over the whole sequence once the
    loop has ended; kernels/recurrent.py computes it in chunks on helper threads while the loop
    runs."""

    def __init__(self, h0, hs, dz):
        self.h0, self.hs, self.dz = h0, hs, dz

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def done(self, s: int) -> None:
        pass

    def product(self, a, b, out):
        np.matmul(a, b, out=out)

    def result(self):
        """Two matmuls over the whole sequence: h0^T dz_0 (small: on the calling thread, as the
        per-step products) and the rest as one product through `self.product`."""
        h0, hs, dz = self.h0, self.hs, self.dz
        u, g = h0.shape[1], dz.shape[2]
        if not len(dz):
            return np.zeros((u, g), dz.dtype)
        out = np.empty((u, g), dz.dtype)
        first = np.empty((u, g), dz.dtype) if len(dz) > 1 else out
        step_matmul(h0.T, dz[0], first)
        if len(dz) > 1:
            self.product(hs[:-1].reshape(-1, u).T, dz[1:].reshape(-1, g), out)
            out += first
        return out


def _input_order(dz, go_backwards):
    return np.ascontiguousarray(dz[::-1]) if go_backwards else dz


def lstm_backward(step, h0, c0, rk, ys, cs, gates, dys, dh, dc, mask=None, hs=None, *, activation="tanh",
                  recurrent_activation="sigmoid", go_backwards=False, zero_output_for_mask=False,
                  weight_grad=RecurrentKernelGrad):
    dt = gates.dtype
    t, b, g = gates.shape
    hs = ys if hs is None else hs
    h0, c0, dys = _c(h0, dt), _c(c0, dt), _c(dys, dt)
    run, show = mask_arrays(mask, t, b, dt, go_backwards, zero_output_for_mask)
    rk_t = _c(np.asarray(rk).T, dt)
    dz = np.empty((t, b, g), dt)
    dh_mm, dh_pass, dc = np.zeros_like(h0), _c(dh, dt).copy(), _c(dc, dt).copy()
    act, ract = activation_code(activation), activation_code(recurrent_activation)
    with weight_grad(h0, hs, dz) as wg:
        for s in range(t - 1, -1, -1):
            step(gates[s], _prev(cs, c0, s), dys[s], run[s], show[s], dh_mm, dh_pass, dc, dz[s], act, ract)
            wg.done(s)
            step_matmul(dz[s], rk_t, dh_mm)
        drk = wg.result()
    return _input_order(dz, go_backwards), dh_mm + dh_pass, dc, drk


def gru_forward(step, x, h0, rk, rb, mask=None, *, activation="tanh", recurrent_activation="sigmoid",
                go_backwards=False, zero_output_for_mask=False):
    dt = x.dtype
    t, b, g = x.shape
    u = g // 3
    x, h0, rk, rb = _c(x, dt), _c(h0, dt), _c(rk, dt), _c(rb, dt)
    run, show = mask_arrays(mask, t, b, dt, go_backwards, zero_output_for_mask)
    ys = np.empty((t, b, u), dt)
    hs = ys if mask is None else np.empty((t, b, u), dt)
    gates, inner, z = np.empty((t, b, g), dt), np.empty((t, b, u), dt), np.empty((b, g), dt)
    act, ract = activation_code(activation), activation_code(recurrent_activation)
    for s in range(t):
        h_prev = _prev(hs, h0, s)
        step_matmul(h_prev, rk, z)
        step(z, rb, x[input_index(s, t, go_backwards)], h_prev, run[s], show[s], gates[s], inner[s], hs[s], ys[s],
             act, ract)
    h_last = hs[-1].copy() if t else h0.copy()
    return (ys, h_last, gates, inner) + (() if mask is None else (hs,))


def gru_backward(step, h0, rk, rb, ys, gates, inner, dys, dh, mask=None, hs=None, *, activation="tanh",
                 recurrent_activation="sigmoid", go_backwards=False, zero_output_for_mask=False,
                 weight_grad=RecurrentKernelGrad):
    dt = gates.dtype
    t, b, g = gates.shape
    hs = ys if hs is None else hs
    h0, dys = _c(h0, dt), _c(dys, dt)
    run, show = mask_arrays(mask, t, b, dt, go_backwards, zero_output_for_mask)
    rk_t = _c(np.asarray(rk).T, dt)
    dx, dinner = np.empty((t, b, g), dt), np.empty((t, b, g), dt)
    dh_mm, dh_pass = np.zeros_like(h0), _c(dh, dt).copy()
    act, ract = activation_code(activation), activation_code(recurrent_activation)
    with weight_grad(h0, hs, dinner) as wg:
        for s in range(t - 1, -1, -1):
            step(gates[s], inner[s], _prev(hs, h0, s), dys[s], run[s], show[s], dh_mm, dh_pass, dx[s], dinner[s],
                 act, ract)
            wg.done(s)
            step_matmul(dinner[s], rk_t, dh_mm)
        drk = wg.result()
    drb = dinner.reshape(-1, g).sum(axis=0)
    return _input_order(dx, go_backwards), dh_mm + dh_pass, drk, drb


def simple_forward(step, x, h0, rk, mask=None, *, activation="tanh", go_backwards=False,
                   zero_output_for_mask=False):
    dt = x.dtype
    t, b, u = x.shape
    x, h0, rk = _c(x, dt), _c(h0, dt), _c(rk, dt)
    run, show = mask_arrays(mask, t, b, dt, go_backwards, zero_output_for_mask)
    ys = np.empty((t, b, u), dt)
    hs = ys if mask is None else np.empty((t, b, u), dt)
    z = np.empty((b, u), dt)
    act = activation_code(activation)
    for s in range(t):
        h_prev = _prev(hs, h0, s)
        step_matmul(h_prev, rk, z)
        step(z, x[input_index(s, t, go_backwards)], h_prev, run[s], show[s], hs[s], ys[s], act)
    h_last = hs[-1].copy() if t else h0.copy()
    return (ys, h_last) + (() if mask is None else (hs,))


def simple_backward(step, h0, rk, ys, dys, dh, mask=None, hs=None, *, activation="tanh", go_backwards=False,
                    zero_output_for_mask=False, weight_grad=RecurrentKernelGrad):
    dt = ys.dtype
    t, b, u = ys.shape
    hs = ys if hs is None else hs
    h0, dys = _c(h0, dt), _c(dys, dt)
    run, show = mask_arrays(mask, t, b, dt, go_backwards, zero_output_for_mask)
    rk_t = _c(np.asarray(rk).T, dt)
    dz = np.empty((t, b, u), dt)
    dh_mm, dh_pass = np.zeros_like(h0), _c(dh, dt).copy()
    act = activation_code(activation)
    with weight_grad(h0, hs, dz) as wg:
        for s in range(t - 1, -1, -1):
            step(hs[s], dys[s], run[s], show[s], dh_mm, dh_pass, dz[s], act)
            wg.done(s)
            step_matmul(dz[s], rk_t, dh_mm)
        drk = wg.result()
    return _input_order(dz, go_backwards), dh_mm + dh_pass, drk


# ---- numpy step functions (the reference; kernels/rnn_cells.py has the numba twins) ------------

def _keep(run, new, old):
    return np.where(run[:, None] != 0, new, old)


def lstm_step(z, x, h_prev, c_prev, run, show, gates, c_out, h_out, y_out, act, ract):
    u = c_prev.shape[1]
    z += x
    for k, code in enumerate((ract, ract, act, ract)):
        gates[:, k * u:(k + 1) * u] = _APPLY[code](z[:, k * u:(k + 1) * u])
    i, f, g, o = (gates[:, k * u:(k + 1) * u] for k in range(4))
    c = f * c_prev + i * g
    c_out[...] = _keep(run, c, c_prev)
    h_out[...] = _keep(run, o * _APPLY[act](c), h_prev)
    y_out[...] = h_out * show[:, None]


def lstm_step_grad(gates, c_prev, dy, run, show, dh_mm, dh_pass, dc, dz, act, ract):
    u = c_prev.shape[1]
    i, f, g, o = (gates[:, k * u:(k + 1) * u] for k in range(4))
    r = run[:, None]
    dh = dh_mm + dh_pass + show[:, None] * dy
    dh_new = r * dh
    tc = _APPLY[act](f * c_prev + i * g)
    dc_new = r * dc + dh_new * o * _SLOPE[act](tc)
    dz[:, :u] = dc_new * g * _SLOPE[ract](i)
    dz[:, u:2 * u] = dc_new * c_prev * _SLOPE[ract](f)
    dz[:, 2 * u:3 * u] = dc_new * i * _SLOPE[act](g)
    dz[:, 3 * u:] = dh_new * tc * _SLOPE[ract](o)
    dc[...] = dc_new * f + (1 - r) * dc
    dh_pass[...] = (1 - r) * dh


def gru_step(z, rb, x, h_prev, run, show, gates, inner, h_out, y_out, act, ract):
    u = h_prev.shape[1]
    z += rb
    gates[:, :u] = _APPLY[ract](x[:, :u] + z[:, :u])
    gates[:, u:2 * u] = r = _APPLY[ract](x[:, u:2 * u] + z[:, u:2 * u])
    inner[...] = z[:, 2 * u:]
    gates[:, 2 * u:] = _APPLY[act](x[:, 2 * u:] + r * inner)
    zg, hh = gates[:, :u], gates[:, 2 * u:]
    h_out[...] = _keep(run, zg * h_prev + (1 - zg) * hh, h_prev)
    y_out[...] = h_out * show[:, None]


def gru_step_grad(gates, inner, h_prev, dy, run, show, dh_mm, dh_pass, dx, dinner, act, ract):
    u = h_prev.shape[1]
    zg, r, hh = gates[:, :u], gates[:, u:2 * u], gates[:, 2 * u:]
    rr = run[:, None]
    dh = dh_mm + dh_pass + show[:, None] * dy
    dh_new = rr * dh
    da_h = dh_new * (1 - zg) * _SLOPE[act](hh)
    dx[:, :u] = dinner[:, :u] = dh_new * (h_prev - hh) * _SLOPE[ract](zg)
    dx[:, u:2 * u] = dinner[:, u:2 * u] = da_h * inner * _SLOPE[ract](r)
    dx[:, 2 * u:] = da_h
    dinner[:, 2 * u:] = da_h * r
    dh_pass[...] = (1 - rr) * dh + dh_new * zg


def simple_step(z, x, h_prev, run, show, h_out, y_out, act):
    h_out[...] = _keep(run, _APPLY[act](z + x), h_prev)
    y_out[...] = h_out * show[:, None]


def simple_step_grad(h, dy, run, show, dh_mm, dh_pass, dz, act):
    r = run[:, None]
    dh = dh_mm + dh_pass + show[:, None] * dy
    dz[...] = r * dh * _SLOPE[act](h)
    dh_pass[...] = (1 - r) * dh


# ---- declarations -------------------------------------------------------------------------------

def _reference(driver, step):
    def kernel(*arrays, **attrs):
        return driver(step, *arrays, **attrs)
    kernel.__name__ = driver.__name__
    return kernel


# The first outputs are the layer's (outputs, states); the rest are saved for the gradient only
# (`differentiable_outputs`): nobody differentiates them, so autodiff passes None, not zeros.
register(OpDef("LSTMSequence", _lstm_infer, _reference(lstm_forward, lstm_step), num_outputs=-1,
               differentiable_outputs=3))
register(OpDef("LSTMSequenceGrad", _lstm_grad_infer, _reference(lstm_backward, lstm_step_grad), num_outputs=4,
               differentiable=False))
register(OpDef("GRUSequence", _gru_infer, _reference(gru_forward, gru_step), num_outputs=-1,
               differentiable_outputs=2))
register(OpDef("GRUSequenceGrad", _gru_grad_infer, _reference(gru_backward, gru_step_grad), num_outputs=4,
               differentiable=False))
register(OpDef("SimpleRNNSequence", _simple_infer, _reference(simple_forward, simple_step), num_outputs=-1,
               differentiable_outputs=2))
register(OpDef("SimpleRNNSequenceGrad", _simple_grad_infer, _reference(simple_backward, simple_step_grad),
               num_outputs=3, differentiable=False))
