"""Hand-written numba kernels for max and average pooling (NHWC) and their gradients.

The reference kernels build sliding-window views and padded copies; these loop over windows
once with the channel loop innermost (contiguous, vectorised). Semantics follow the reference:
max pooling propagates NaN and pads with -inf; average pooling divides by the number of
in-bounds cells; the max-pool gradient goes to the first maximum of each window in row-major
order, a padding cell counting as -inf. `IN_BLOCKS` runs each over blocks of the batch on the
pool's threads (batch_blocks.py); eager and compiled plans call those.
"""
from __future__ import annotations

import numpy as np
from numba import njit

from .batch_blocks import per_image
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


IN_BLOCKS = {fn.__name__: per_image(fn) for fn in (max_pool, avg_pool, max_pool_grad, avg_pool_grad)}
