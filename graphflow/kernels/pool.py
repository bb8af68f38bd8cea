"""Hand-written numba kernels for max and average pooling (NHWC) and their gradients.

The reference kernels build sliding-window views and padded copies; these loop over windows
once with the channel loop innermost (contiguous, vectorised). Semantics follow the reference:
max pooling propagates NaN and pads with -inf; average pooling divides by the number of
in-bounds cells; the max-pool gradient goes to the first maximum of each window in row-major
order, a padding cell counting as -inf. `IN_BLOCKS` runs each over blocks of the batch on the
pool's threads (batch_blocks.py) while a core is free for them; eager and compiled plans call those.

Max pooling over tiles (windows that do not overlap, padding only after the input: W7's 2x2/2
VALID pools) takes `max_pool_tiled` and `max_pool_grad_tiled`: every input cell is in one window
at most, so the gradient writes each cell once (its share or zero) instead of zero-filling the
whole input and adding into it: 1.5-1.8x faster on W7's two pools (benchmarks/conv_pool_kernels.py).
2x2 windows all inside the input (W7's) take `max_pool_2x2`, one loop over the channels per window.
"""
from __future__ import annotations

import numpy as np
from numba import njit, uint64

from . import batch_blocks
from .static_cache import cache_option

_OPTS = dict(cache=cache_option(), error_model="numpy", nogil=True)


@njit(**_OPTS)
def max_pool(x, kh, kw, sh, sw, ph, pw, out):
    n_, h_, w_, c_ = x.shape
    oh, ow = out.shape[1], out.shape[2]
    for n in range(n_):
        for a in range(oh):
            for b in range(ow):
                for c in range(c_):
                    out[n, a, b, c] = -np.inf
                for i in range(kh):
                    h = a * sh - ph + i
                    if h < 0 or h >= h_:
                        continue
                    for j in range(kw):
                        w = b * sw - pw + j
                        if w < 0 or w >= w_:
                            continue
                        for c in range(c_):
                            v = x[n, h, w, c]
                            m = out[n, a, b, c]
                            out[n, a, b, c] = v if (v > m or v != v) else m


@njit(**_OPTS)
def max_pool_tiled(x, kh, kw, sh, sw, out):
    """max_pool where `tiled` holds, a row of windows at a time: each window starts from its first
    cell (in the input) and takes the maximum over its cells clipped to the input (padding, -inf,
    changes no maximum). Flat arrays and unsigned offsets (conv.py says why)."""
    n_, h_, w_, c_ = x.shape
    oh, ow = out.shape[1], out.shape[2]
    xf, of = x.reshape(-1), out.reshape(-1)
    cu = uint64(c_)
    for n in range(n_):
        for a in range(oh):
            h0 = a * sh
            h1 = min(h0 + kh, h_)
            d0 = uint64((n * oh + a) * ow * c_)
            for b in range(ow):
                d = d0 + uint64(b * c_)
                first = uint64(((n * h_ + h0) * w_ + b * sw) * c_)
                for c in range(cu):
                    of[d + c] = xf[first + c]
            for h in range(h0, h1):
                row = uint64((n * h_ + h) * w_ * c_)
                for b in range(ow):
                    d = d0 + uint64(b * c_)
                    w0 = b * sw
                    for w in range(w0, min(w0 + kw, w_)):
                        s = row + uint64(w * c_)
                        for c in range(cu):
                            v = xf[s + c]
                            m = of[d + c]
                            of[d + c] = v if (v > m or v != v) else m


@njit(**_OPTS)
def max_pool_2x2(x, sh, sw, out):
    """max_pool_tiled for 2x2 windows all inside the input: the four taps in one loop over the
    channels, which vectorises (the general loops enter one short loop per tap), 2.2x faster on
    W7's first pool."""
    n_, h_, w_, c_ = x.shape
    oh, ow = out.shape[1], out.shape[2]
    xf, of = x.reshape(-1), out.reshape(-1)
    cu, right, down = uint64(c_), uint64(c_), uint64(w_ * c_)
    for n in range(n_):
        for a in range(oh):
            for b in range(ow):
                d = uint64(((n * oh + a) * ow + b) * c_)
                s = uint64(((n * h_ + a * sh) * w_ + b * sw) * c_)
                for c in range(cu):          # taps in row-major order: the first NaN or maximum stays
                    m = xf[s + c]
                    v = xf[s + right + c]
                    m = v if (v > m or v != v) else m
                    v = xf[s + down + c]
                    m = v if (v > m or v != v) else m
                    v = xf[s + down + right + c]
                    of[d + c] = v if (v > m or v != v) else m


@njit(**_OPTS)
def avg_pool(x, kh, kw, sh, sw, ph, pw, out):
    n_, h_, w_, c_ = x.shape
    oh, ow = out.shape[1], out.shape[2]
    for n in range(n_):
        for a in range(oh):
            for b in range(ow):
                for c in range(c_):
                    out[n, a, b, c] = 0
                count = 0
                for i in range(kh):
                    h = a * sh - ph + i
                    if h < 0 or h >= h_:
                        continue
                    for j in range(kw):
                        w = b * sw - pw + j
                        if w < 0 or w >= w_:
                            continue
                        count += 1
                        for c in range(c_):
                            out[n, a, b, c] += x[n, h, w, c]
                for c in range(c_):
                    out[n, a, b, c] = out[n, a, b, c] / count


@njit(**_OPTS)
def max_pool_grad(x, y, dy, kh, kw, sh, sw, ph, pw, out):
    n_, h_, w_, c_ = x.shape
    oh, ow = y.shape[1], y.shape[2]
    out[...] = 0
    # rest[c]: the part of dy[n, a, b, c] not yet given to a cell; the first tap (row-major) equal
    # to the maximum takes it all. Selects over the channel vector instead of a branch per
    # channel keep the loop vectorised (W7's 2x2 pools: 3x faster than a `found` flag per channel).
    rest = np.empty(c_, x.dtype)
    for n in range(n_):
        for a in range(oh):
            h0 = a * sh - ph
            for b in range(ow):
                w0 = b * sw - pw
                yv = y[n, a, b]
                rest[:] = dy[n, a, b]
                if h0 >= 0 and w0 >= 0 and h0 + kh <= h_ and w0 + kw <= w_:
                    for i in range(kh):
                        for j in range(kw):
                            xv = x[n, h0 + i, w0 + j]
                            ov = out[n, h0 + i, w0 + j]
                            for c in range(c_):
                                hit = xv[c] == yv[c]
                                ov[c] += rest[c] if hit else 0
                                rest[c] = 0 if hit else rest[c]
                    continue
                for i in range(kh):      # a window over the padding: a padding cell counts as -inf
                    h = h0 + i
                    for j in range(kw):
                        w = w0 + j
                        if 0 <= h < h_ and 0 <= w < w_:
                            xv = x[n, h, w]
                            ov = out[n, h, w]
                            for c in range(c_):
                                hit = xv[c] == yv[c]
                                ov[c] += rest[c] if hit else 0
                                rest[c] = 0 if hit else rest[c]
                        else:
                            for c in range(c_):
                                rest[c] = 0 if yv[c] == -np.inf else rest[c]


@njit(**_OPTS)
def max_pool_grad_tiled(x, y, dy, kh, kw, sh, sw, out):
    """max_pool_grad where `tiled` holds, in one pass over `out` in memory order: a window's
    cells get its gradient (the first maximum) or zero, the cells between and after windows zero.
    A window's padding cells come after its first cell, which is in the input: when the maximum
    is -inf that cell takes the gradient before any padding cell could."""
    n_, h_, w_, c_ = x.shape
    oh, ow = y.shape[1], y.shape[2]
    xf, yf, gf, of = x.reshape(-1), y.reshape(-1), dy.reshape(-1), out.reshape(-1)
    rest = np.empty(ow * c_, x.dtype)     # rest[b*C + c]: the part of dy[n, a, b, c] not yet given
    cu = uint64(c_)
    for n in range(n_):
        for a in range(oh):
            h0 = a * sh
            h1 = min(h0 + kh, h_)
            y0 = uint64((n * oh + a) * ow * c_)
            for e in range(uint64(ow * c_)):
                rest[e] = gf[y0 + e]
            for h in range(h0, h1):
                row = uint64((n * h_ + h) * w_ * c_)
                for b in range(ow):
                    w0 = b * sw
                    w1 = min(w0 + kw, w_)
                    r = uint64(b * c_)
                    for w in range(w0, w1):
                        s = row + uint64(w * c_)
                        for c in range(cu):
                            hit = xf[s + c] == yf[y0 + r + c]
                            of[s + c] = rest[r + c] if hit else 0
                            rest[r + c] = 0 if hit else rest[r + c]
                    gap = min((b + 1) * sw, w_) if b + 1 < ow else w_      # up to the next window
                    for e in range(uint64(w1 * c_), uint64(gap * c_)):
                        of[row + e] = 0
            gap = min((a + 1) * sh, h_) if a + 1 < oh else h_
            for e in range(uint64((n * h_ + h1) * w_ * c_), uint64((n * h_ + gap) * w_ * c_)):
                of[e] = 0


@njit(**_OPTS)
def avg_pool_grad(dy, kh, kw, sh, sw, ph, pw, out):
    n_, h_, w_, c_ = out.shape
    oh, ow = dy.shape[1], dy.shape[2]
    out[...] = 0
    for n in range(n_):
        for a in range(oh):
            for b in range(ow):
                count = 0
                for i in range(kh):
                    h = a * sh - ph + i
                    for j in range(kw):
                        w = b * sw - pw + j
                        if 0 <= h < h_ and 0 <= w < w_:
                            count += 1
                for i in range(kh):
                    h = a * sh - ph + i
                    if h < 0 or h >= h_:
                        continue
                    for j in range(kw):
                        w = b * sw - pw + j
                        if w < 0 or w >= w_:
                            continue
                        for c in range(c_):
                            out[n, h, w, c] += dy[n, a, b, c] / count


def tiled(h: int, w: int, kh: int, kw: int, sh: int, sw: int, ph: int, pw: int, oh: int, ow: int) -> bool:
    """Windows that do not overlap (stride >= window), no padding before the input, and every
    window starting inside the input (an explicit padding can put whole windows past it)."""
    return sh >= kh and sw >= kw and ph == 0 and pw == 0 and (oh - 1) * sh < h and (ow - 1) * sw < w


# Each kernel over blocks of the batch, as many as the cores other processes leave allow
# (batch_blocks.over_batch follows gemm_pool.free_threads: one block, on this thread, when one core
# is left). A pooling pass streams 2-14 MB in 0.1-0.5 ms; with every core held by other processes
# its blocks all ran on the caller, and W7's first pool took 1.24x (forward) and 1.43x (gradient)
# longer in 6 blocks than in one call (load 8 on 2 cores, benchmarks/conv_pool_kernels.py --blocks).
# Only passes touching 2**21 elements or more split at all: on idle cores W7's second pool (64x11x11x64,
# 0.6-1 M elements) took 0.13 / 0.18 ms in blocks against 0.06 / 0.14 ms in one call (forward /
# gradient), the first pool's gradient (3.5 M) 0.37 against 0.48 ms, its forward (1.7 M) 0.18
# against 0.20 (benchmarks/conv_pool_kernels.py --blocks, medians, load 1.1).
MIN_SPLIT_ELEMENTS = 1 << 21


def _in_blocks(kernel):
    return batch_blocks.per_image(kernel, MIN_SPLIT_ELEMENTS)


_max_pool, _max_pool_grad = _in_blocks(max_pool), _in_blocks(max_pool_grad)
_max_pool_tiled, _max_pool_grad_tiled = _in_blocks(max_pool_tiled), _in_blocks(max_pool_grad_tiled)
_max_pool_2x2 = _in_blocks(max_pool_2x2)


def max_pool_any(x, kh, kw, sh, sw, ph, pw, out):
    """max_pool over blocks of the batch, over tiles when the windows are."""
    h, w, oh, ow = x.shape[1], x.shape[2], out.shape[1], out.shape[2]
    if not tiled(h, w, kh, kw, sh, sw, ph, pw, oh, ow):
        _max_pool(x, kh, kw, sh, sw, ph, pw, out)
    elif kh == kw == 2 and (oh - 1) * sh + 2 <= h and (ow - 1) * sw + 2 <= w:
        _max_pool_2x2(x, sh, sw, out)
    else:
        _max_pool_tiled(x, kh, kw, sh, sw, out)


def max_pool_grad_any(x, y, dy, kh, kw, sh, sw, ph, pw, out):
    """max_pool_grad over blocks of the batch, over tiles when the windows are."""
    if tiled(x.shape[1], x.shape[2], kh, kw, sh, sw, ph, pw, y.shape[1], y.shape[2]):
        _max_pool_grad_tiled(x, y, dy, kh, kw, sh, sw, out)
    else:
        _max_pool_grad(x, y, dy, kh, kw, sh, sw, ph, pw, out)


IN_BLOCKS = {"max_pool": max_pool_any, "avg_pool": _in_blocks(avg_pool), "max_pool_grad": max_pool_grad_any,
             "avg_pool_grad": _in_blocks(avg_pool_grad)}
