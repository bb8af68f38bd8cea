"""numba step functions of the recurrent sequence ops: one pass over a step's gates.

Each is the twin of the numpy step of the same name in ops/recurrent.py (same arguments, same
writes); the drivers there call them once per timestep between the recurrent matmuls (numpy's
BLAS). Activation codes are ops/recurrent.ACTIVATIONS: 0 linear, 1 relu, 2 sigmoid, 3 tanh.

The work is written as short loops over one batch row, each touching few arrays, with the
activation chosen outside the loop: one loop writing several arrays that might alias needs more
run-time overlap checks than LLVM makes, and such a loop stays scalar (measured 4x slower for the
LSTM step at 32x128). Transcendentals are the vectorisable fast_sigmoid/fast_tanh.
"""
from __future__ import annotations

import numpy as np
from numba import njit

from .fastmath import fast_sigmoid, fast_tanh
from .static_cache import cache_option

_OPTS = dict(cache=cache_option(), error_model="numpy", nogil=True)
_INLINE = dict(_OPTS, inline="always")


@njit(**_INLINE)
def _apply(code, src, dst):
    """dst = activation(src), elementwise over one row (dst may be src)."""
    if code == 3:
        for j in range(src.shape[0]):
            dst[j] = fast_tanh(src[j])
    elif code == 2:
        for j in range(src.shape[0]):
            dst[j] = fast_sigmoid(src[j])
    elif code == 1:
        for j in range(src.shape[0]):
            v = src[j]
            dst[j] = v if v > 0 else v - v
    else:
        for j in range(src.shape[0]):
            dst[j] = src[j]


@njit(**_INLINE)
def _times_slope(code, y, dst):
    """dst *= the activation's derivative, written with its output y."""
    one = y.dtype.type(1.0)
    if code == 3:
        for j in range(y.shape[0]):
            dst[j] *= one - y[j] * y[j]
    elif code == 2:
        for j in range(y.shape[0]):
            dst[j] *= y[j] * (one - y[j])
    elif code == 1:
        for j in range(y.shape[0]):
            dst[j] = dst[j] if y[j] > 0 else dst[j] - dst[j]


@njit(**_INLINE)
def _add_into(dst, src):
    for j in range(dst.shape[0]):
        dst[j] += src[j]


@njit(**_INLINE)
def _state_grad(dh, dh_mm, dh_pass, dy, s):
    """dh = the gradient reaching this step's state: from the next step and from its output."""
    for j in range(dh.shape[0]):
        dh[j] = dh_mm[j] + dh_pass[j] + s * dy[j]


@njit(**_INLINE)
def _outputs(run, show, h_prev, h_out, y_out, b):
    """Keras's mask rule for one row: a masked step keeps the state; the output is shown or zero."""
    hb = h_out[b]
    if run[b] == 0:
        for j in range(hb.shape[0]):
            hb[j] = h_prev[b, j]
    s, yb = show[b], y_out[b]
    for j in range(hb.shape[0]):
        yb[j] = hb[j] * s


@njit(**_OPTS)
def lstm_step(z, x, h_prev, c_prev, run, show, gates, c_out, h_out, y_out, act, ract):
    n, u = c_prev.shape
    tc = np.empty(u, z.dtype)
    for b in range(n):
        zb, gb, cb, cpb, hb = z[b], gates[b], c_out[b], c_prev[b], h_out[b]
        _add_into(zb, x[b])
        _apply(ract, zb[:2 * u], gb[:2 * u])
        _apply(act, zb[2 * u:3 * u], gb[2 * u:3 * u])
        _apply(ract, zb[3 * u:], gb[3 * u:])
        for j in range(u):
            cb[j] = gb[u + j] * cpb[j] + gb[j] * gb[2 * u + j]
        _apply(act, cb, tc)
        for j in range(u):
            hb[j] = gb[3 * u + j] * tc[j]
        if run[b] == 0:
            for j in range(u):
                cb[j] = cpb[j]
        _outputs(run, show, h_prev, h_out, y_out, b)


@njit(**_OPTS)
def lstm_step_grad(gates, c_prev, dy, run, show, dh_mm, dh_pass, dc, dz, act, ract):
    n, u = c_prev.shape
    one = gates.dtype.type(1.0)
    dh, tc, dcn = np.empty(u, gates.dtype), np.empty(u, gates.dtype), np.empty(u, gates.dtype)
    for b in range(n):
        r = run[b]
        gb, cpb, dcb, dzb, dpb = gates[b], c_prev[b], dc[b], dz[b], dh_pass[b]
        _state_grad(dh, dh_mm[b], dpb, dy[b], show[b])
        for j in range(u):
            tc[j] = gb[u + j] * cpb[j] + gb[j] * gb[2 * u + j]
        _apply(act, tc, tc)
        for j in range(u):                     # d output gate (pre-activation slope below)
            dzb[3 * u + j] = r * dh[j] * tc[j]
            dcn[j] = r * dh[j] * gb[3 * u + j]
        _times_slope(act, tc, dcn)
        for j in range(u):
            dcn[j] += r * dcb[j]
            dzb[j] = dcn[j] * gb[2 * u + j]
            dzb[u + j] = dcn[j] * cpb[j]
            dzb[2 * u + j] = dcn[j] * gb[j]
        _times_slope(ract, gb[:2 * u], dzb[:2 * u])
        _times_slope(act, gb[2 * u:3 * u], dzb[2 * u:3 * u])
        _times_slope(ract, gb[3 * u:], dzb[3 * u:])
        for j in range(u):
            dcb[j] = dcn[j] * gb[u + j] + (one - r) * dcb[j]
            dpb[j] = (one - r) * dh[j]


@njit(**_OPTS)
def gru_step(z, rb, x, h_prev, run, show, gates, inner, h_out, y_out, act, ract):
    n, u = h_prev.shape
    one = z.dtype.type(1.0)
    for b in range(n):
        zb, xb, gb, ib, hb, hpb = z[b], x[b], gates[b], inner[b], h_out[b], h_prev[b]
        _add_into(zb, rb)
        for j in range(u):
            ib[j] = zb[2 * u + j]
        for j in range(2 * u):
            zb[j] += xb[j]
        _apply(ract, zb[:2 * u], gb[:2 * u])
        for j in range(u):
            zb[2 * u + j] = xb[2 * u + j] + gb[u + j] * ib[j]
        _apply(act, zb[2 * u:], gb[2 * u:])
        for j in range(u):
            hb[j] = gb[j] * hpb[j] + (one - gb[j]) * gb[2 * u + j]
        _outputs(run, show, h_prev, h_out, y_out, b)


@njit(**_OPTS)
def gru_step_grad(gates, inner, h_prev, dy, run, show, dh_mm, dh_pass, dx, dinner, act, ract):
    n, u = h_prev.shape
    one = gates.dtype.type(1.0)
    dh = np.empty(u, gates.dtype)
    for b in range(n):
        r = run[b]
        gb, ib, hpb, dxb, dib, dpb = gates[b], inner[b], h_prev[b], dx[b], dinner[b], dh_pass[b]
        _state_grad(dh, dh_mm[b], dpb, dy[b], show[b])
        for j in range(u):
            dxb[2 * u + j] = r * dh[j] * (one - gb[j])
            dxb[j] = r * dh[j] * (hpb[j] - gb[2 * u + j])
        _times_slope(act, gb[2 * u:], dxb[2 * u:])
        for j in range(u):
            dxb[u + j] = dxb[2 * u + j] * ib[j]
        _times_slope(ract, gb[:2 * u], dxb[:2 * u])
        for j in range(2 * u):
            dib[j] = dxb[j]
        for j in range(u):
            dib[2 * u + j] = dxb[2 * u + j] * gb[u + j]
            dpb[j] = (one - r) * dh[j] + r * dh[j] * gb[j]


@njit(**_OPTS)
def simple_step(z, x, h_prev, run, show, h_out, y_out, act):
    n, u = h_prev.shape
    for b in range(n):
        zb = z[b]
        _add_into(zb, x[b])
        _apply(act, zb, h_out[b])
        _outputs(run, show, h_prev, h_out, y_out, b)


@njit(**_OPTS)
def simple_step_grad(h, dy, run, show, dh_mm, dh_pass, dz, act):
    n, u = h.shape
    one = h.dtype.type(1.0)
    dh = np.empty(u, h.dtype)
    for b in range(n):
        r = run[b]
        dzb, dpb = dz[b], dh_pass[b]
        _state_grad(dh, dh_mm[b], dpb, dy[b], show[b])
        for j in range(u):
            dzb[j] = r * dh[j]
            dpb[j] = (one - r) * dh[j]
        _times_slope(act, h[b], dzb)
