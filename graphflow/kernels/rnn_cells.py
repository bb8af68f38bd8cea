"""numba step functions of the recurrent sequence ops: one pass over a step's gates.

Each is the twin of the numpy step of the same name in ops/recurrent.py (same arguments, same
writes); the drivers there call them once per timestep between the recurrent matmuls (numpy's
BLAS). A step reads the recurrent product z, adds the step's projected input and computes every
gate, the new states and the output in one loop, with the vectorisable fast_sigmoid/fast_tanh.
Activation codes are ops/recurrent.ACTIVATIONS: 0 linear, 1 relu, 2 sigmoid, 3 tanh.
"""
from __future__ import annotations

from numba import njit

from .fastmath import fast_sigmoid, fast_tanh
from .static_cache import cache_option

_OPTS = dict(cache=cache_option(), error_model="numpy", nogil=True)
_INLINE = dict(_OPTS, inline="always")


@njit(**_INLINE)
def _act(code, v):
    if code == 3:
        return fast_tanh(v)
    if code == 2:
        return fast_sigmoid(v)
    if code == 1:
        return v if v > 0 else v - v
    return v


@njit(**_INLINE)
def _slope(code, y, one):
    """The activation's derivative, from its output y."""
    if code == 3:
        return one - y * y
    if code == 2:
        return y * (one - y)
    if code == 1:
        return one if y > 0 else one - one
    return one


@njit(**_OPTS)
def lstm_step(z, x, h_prev, c_prev, run, show, gates, c_out, h_out, y_out, act, ract):
    n, u = c_prev.shape
    for b in range(n):
        keep, s = run[b] != 0, show[b]
        for j in range(u):
            i = _act(ract, z[b, j] + x[b, j])
            f = _act(ract, z[b, u + j] + x[b, u + j])
            g = _act(act, z[b, 2 * u + j] + x[b, 2 * u + j])
            o = _act(ract, z[b, 3 * u + j] + x[b, 3 * u + j])
            gates[b, j], gates[b, u + j], gates[b, 2 * u + j], gates[b, 3 * u + j] = i, f, g, o
            c = f * c_prev[b, j] + i * g
            h = o * _act(act, c)
            c = c if keep else c_prev[b, j]
            h = h if keep else h_prev[b, j]
            c_out[b, j] = c
            h_out[b, j] = h
            y_out[b, j] = h * s


@njit(**_OPTS)
def lstm_step_grad(gates, c_prev, dy, run, show, dh_mm, dh_pass, dc, dz, act, ract):
    n, u = c_prev.shape
    one = gates.dtype.type(1.0)
    for b in range(n):
        r, s = run[b], show[b]
        for j in range(u):
            i, f, g, o = gates[b, j], gates[b, u + j], gates[b, 2 * u + j], gates[b, 3 * u + j]
            cp = c_prev[b, j]
            dh = dh_mm[b, j] + dh_pass[b, j] + s * dy[b, j]
            dh_new = r * dh
            tc = _act(act, f * cp + i * g)
            dc_new = r * dc[b, j] + dh_new * o * _slope(act, tc, one)
            dz[b, j] = dc_new * g * _slope(ract, i, one)
            dz[b, u + j] = dc_new * cp * _slope(ract, f, one)
            dz[b, 2 * u + j] = dc_new * i * _slope(act, g, one)
            dz[b, 3 * u + j] = dh_new * tc * _slope(ract, o, one)
            dc[b, j] = dc_new * f + (one - r) * dc[b, j]
            dh_pass[b, j] = (one - r) * dh


@njit(**_OPTS)
def gru_step(z, rb, x, h_prev, run, show, gates, inner, h_out, y_out, act, ract):
    n, u = h_prev.shape
    one = z.dtype.type(1.0)
    for b in range(n):
        keep, s = run[b] != 0, show[b]
        for j in range(u):
            zg = _act(ract, x[b, j] + z[b, j] + rb[j])
            r = _act(ract, x[b, u + j] + z[b, u + j] + rb[u + j])
            a = z[b, 2 * u + j] + rb[2 * u + j]
            hh = _act(act, x[b, 2 * u + j] + r * a)
            gates[b, j], gates[b, u + j], gates[b, 2 * u + j] = zg, r, hh
            inner[b, j] = a
            h = zg * h_prev[b, j] + (one - zg) * hh
            h = h if keep else h_prev[b, j]
            h_out[b, j] = h
            y_out[b, j] = h * s


@njit(**_OPTS)
def gru_step_grad(gates, inner, h_prev, dy, run, show, dh_mm, dh_pass, dx, dinner, act, ract):
    n, u = h_prev.shape
    one = gates.dtype.type(1.0)
    for b in range(n):
        r_, s = run[b], show[b]
        for j in range(u):
            zg, r, hh = gates[b, j], gates[b, u + j], gates[b, 2 * u + j]
            dh = dh_mm[b, j] + dh_pass[b, j] + s * dy[b, j]
            dh_new = r_ * dh
            da_h = dh_new * (one - zg) * _slope(act, hh, one)
            da_z = dh_new * (h_prev[b, j] - hh) * _slope(ract, zg, one)
            da_r = da_h * inner[b, j] * _slope(ract, r, one)
            dx[b, j] = dinner[b, j] = da_z
            dx[b, u + j] = dinner[b, u + j] = da_r
            dx[b, 2 * u + j] = da_h
            dinner[b, 2 * u + j] = da_h * r
            dh_pass[b, j] = (one - r_) * dh + dh_new * zg


@njit(**_OPTS)
def simple_step(z, x, h_prev, run, show, h_out, y_out, act):
    n, u = h_prev.shape
    for b in range(n):
        keep, s = run[b] != 0, show[b]
        for j in range(u):
            h = _act(act, z[b, j] + x[b, j])
            h = h if keep else h_prev[b, j]
            h_out[b, j] = h
            y_out[b, j] = h * s


@njit(**_OPTS)
def simple_step_grad(h, dy, run, show, dh_mm, dh_pass, dz, act):
    n, u = h.shape
    one = h.dtype.type(1.0)
    for b in range(n):
        r, s = run[b], show[b]
        for j in range(u):
            dh = dh_mm[b, j] + dh_pass[b, j] + s * dy[b, j]
            dz[b, j] = r * dh * _slope(act, h[b, j], one)
            dh_pass[b, j] = (one - r) * dh
