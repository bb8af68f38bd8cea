"""Forward cases (see forward_cases.py) for the ops of tf.linalg, tf.nn and tf.image declared in
graphflow/ops/matrix.py, nn_nd.py, nn_sequence.py and image.py. References come from definitions
(loops, brute-force sums over CTC paths, reconstructions) or, for decompositions, from what the
result must satisfy; imported by forward_cases.py before it indexes its cases."""
from __future__ import annotations

import itertools

import numpy as np
from hypothesis import strategies as st

import graphflow as gf
from graphflow.ops import dispatch
from graphflow.ops.registry import get

from .forward_cases import case, float_dtype, values


def _apply(name, inputs, attrs):
    return dispatch.apply(get(name), tuple(inputs), attrs)


def _well(d, *batch, n=None):
    n = n or d(st.integers(1, 4))
    dt = float_dtype(d)
    return (values(d, batch + (n, n), dt, -0.3, 0.3) + 2 * np.eye(n)).astype(dt)


def _spd(d, *batch):
    m = _well(d, *batch)
    return (m @ np.swapaxes(m, -1, -2)).astype(m.dtype)


def _batch(d):
    return tuple(d(st.lists(st.integers(1, 2), max_size=1)))


# ---- determinants, inverses, solves ---------------------------------------------------------------

case("MatrixDeterminant", lambda d: ([_well(d, *_batch(d))], {}), lambda x: gf.linalg.det(x),
     lambda x: np.linalg.det(x.astype(np.float64)).astype(x.dtype), rtol=1e-4)
case("LogMatrixDeterminant", lambda d: ([-_well(d, *_batch(d))], {}), lambda x: list(gf.linalg.slogdet(x)),
     lambda x: [v.astype(x.dtype) for v in np.linalg.slogdet(x.astype(np.float64))], rtol=1e-4)
case("MatrixInverse", lambda d: ([_well(d, *_batch(d))], {"adjoint": d(st.booleans())}),
     lambda x, adjoint: gf.linalg.inv(x, adjoint=adjoint),
     lambda x, adjoint: np.linalg.inv(np.swapaxes(x, -1, -2) if adjoint else x).astype(x.dtype), rtol=1e-4)


def _draw_solve(d, triangular=False):
    a = _well(d, *_batch(d))
    b = values(d, a.shape[:-1] + (d(st.integers(1, 3)),), a.dtype)
    attrs = {"adjoint": d(st.booleans())}
    if triangular:
        attrs["lower"] = d(st.booleans())
    return [a, b], attrs


def _solve_ref(a, b, adjoint, lower=None):
    if lower is not None:
        a = np.tril(a) if lower else np.triu(a)
    a = np.swapaxes(a, -1, -2) if adjoint else a
    return np.linalg.solve(a.astype(np.float64), b.astype(np.float64)).astype(b.dtype)


case("MatrixSolve", _draw_solve, lambda a, b, adjoint: gf.linalg.solve(a, b, adjoint=adjoint), _solve_ref, rtol=1e-4)
case("MatrixTriangularSolve", lambda d: _draw_solve(d, True),
     lambda a, b, adjoint, lower: gf.linalg.triangular_solve(a, b, lower=lower, adjoint=adjoint), _solve_ref,
     rtol=1e-4)
case("Cholesky", lambda d: ([_spd(d, *_batch(d))], {}), lambda x: gf.linalg.cholesky(x),
     lambda x: np.linalg.cholesky(x.astype(np.float64)).astype(x.dtype), rtol=1e-4)


# ---- decompositions, checked by what they must reconstruct ------------------------------------------

def _draw_rect(d):
    dt = float_dtype(d)
    return [values(d, _batch(d) + (d(st.integers(1, 4)), d(st.integers(1, 4))), dt)], {}


case("Qr", _draw_rect, lambda x: gf.matmul(*gf.linalg.qr(x)), lambda x: x, rtol=1e-4)
case("Svd", _draw_rect, lambda x: gf.linalg.svd(x, compute_uv=False),
     lambda x: np.linalg.svd(x.astype(np.float64), compute_uv=False).astype(x.dtype), rtol=1e-4)
case("SelfAdjointEigV2", lambda d: ([_spd(d, *_batch(d))], {}), lambda x: gf.linalg.eigvalsh(x),
     lambda x: np.linalg.eigvalsh(x.astype(np.float64)).astype(x.dtype), rtol=1e-4)
case("Lu", lambda d: ([_well(d, *_batch(d))], {}), lambda x: gf.linalg.lu_reconstruct(*gf.linalg.lu(x)),
     lambda x: x, rtol=1e-4)


def _expm_ref(x):
    a = x.astype(np.float64) / 16
    eye = np.broadcast_to(np.eye(x.shape[-1]), a.shape)
    term, total = eye.copy(), eye.copy()
    for k in range(1, 30):
        term = term @ a / k
        total = total + term
    for _ in range(4):
        total = total @ total
    return total.astype(x.dtype)


case("MatrixExponential", lambda d: ([values(d, _batch(d) + (d(st.integers(1, 3)),) * 2, float_dtype(d), -1, 1)], {}),
     lambda x: gf.linalg.expm(x), _expm_ref, rtol=1e-4)
case("MatrixSquareRoot", lambda d: ([_spd(d, *_batch(d))], {}),
     lambda x: gf.matmul(gf.linalg.sqrtm(x), gf.linalg.sqrtm(x)), lambda x: x, rtol=1e-4)


# ---- band and diagonal ops --------------------------------------------------------------------------

def _draw_band(d):
    return [values(d, _batch(d) + (d(st.integers(1, 4)), d(st.integers(1, 4))), float_dtype(d))], {
        "num_lower": d(st.integers(-1, 3)), "num_upper": d(st.integers(-1, 3))}


def _band_ref(x, num_lower, num_upper):
    out = np.zeros_like(x)
    for i, j in itertools.product(range(x.shape[-2]), range(x.shape[-1])):
        if (num_lower < 0 or i - j <= num_lower) and (num_upper < 0 or j - i <= num_upper):
            out[..., i, j] = x[..., i, j]
    return out


case("MatrixBandPart", _draw_band, lambda x, **a: gf.linalg.band_part(x, **a), _band_ref)


def _diag_ref(v, k):
    n = v.shape[-1] + abs(k)
    out = np.zeros(v.shape[:-1] + (n, n), v.dtype)
    for i in range(v.shape[-1]):
        out[..., i + max(-k, 0), i + max(k, 0)] = v[..., i]
    return out


case("MatrixDiagV3", lambda d: ([values(d, _batch(d) + (d(st.integers(1, 4)),), float_dtype(d))],
                                {"k": d(st.integers(-2, 2))}),
     lambda v, k: gf.linalg.diag(v, k=k), _diag_ref)


def _draw_diag_part(d):
    m, n = d(st.integers(1, 4)), d(st.integers(1, 4))
    return [values(d, _batch(d) + (m, n), float_dtype(d))], {"k": d(st.integers(-(m - 1), n - 1))}


case("MatrixDiagPartV3", _draw_diag_part, lambda x, k: gf.linalg.diag_part(x, k=k),
     lambda x, k: np.diagonal(x, offset=k, axis1=-2, axis2=-1).copy())


def _draw_set_diag(d):
    (x,), a = _draw_diag_part(d)
    n = np.diagonal(x, offset=a["k"], axis1=-2, axis2=-1).shape[-1]
    return [x, values(d, x.shape[:-2] + (n,), x.dtype)], a


def _set_diag_ref(x, v, k):
    out = x.copy()
    for i in range(v.shape[-1]):
        out[..., i + max(-k, 0), i + max(k, 0)] = v[..., i]
    return out


case("MatrixSetDiagV3", _draw_set_diag, lambda x, v, k: gf.linalg.set_diag(x, v, k=k), _set_diag_ref)


# ---- N-d convolution and pooling -----------------------------------------------------------------------

def _pads(size, k, s, dil, padding):
    eff = (k - 1) * dil + 1
    if padding == "VALID":
        return max(0, (size - eff) // s + 1), 0
    out = -(-size // s)
    return out, max((out - 1) * s + eff - size, 0) // 2


def _conv3d_ref(x, w, strides, padding, dilations):
    geo = [_pads(x.shape[1 + i], w.shape[i], strides[i], dilations[i], padding) for i in range(3)]
    out = np.zeros((x.shape[0],) + tuple(o for o, _ in geo) + (w.shape[-1],))
    for pos in itertools.product(*[range(o) for o, _ in geo]):
        for off in itertools.product(*[range(k) for k in w.shape[:3]]):
            src = [p * s + o * dl - pad for p, o, s, dl, (_, pad) in zip(pos, off, strides, dilations, geo)]
            if all(0 <= v < n for v, n in zip(src, x.shape[1:4])):
                out[(slice(None),) + pos] += x[(slice(None),) + tuple(src)].astype(np.float64) @ w[off]
    return out.astype(x.dtype)


def _draw_conv3d(d):
    dt = float_dtype(d)
    x = values(d, (d(st.integers(1, 2)),) + tuple(d(st.integers(1, 4)) for _ in range(3)) + (d(st.integers(1, 2)),),
               dt)
    w = values(d, tuple(d(st.integers(1, 2)) for _ in range(3)) + (x.shape[-1], d(st.integers(1, 2))), dt)
    return [x, w], {"strides": (d(st.integers(1, 2)),) * 3, "padding": d(st.sampled_from(["SAME", "VALID"])),
                    "dilations": (1, 1, 1)}


case("Conv3D", _draw_conv3d, lambda x, w, **a: gf.nn.conv3d(x, w, list(a["strides"]), a["padding"]), _conv3d_ref,
     rtol=1e-4)


def _conv3d_backprops(d):
    (x, w), a = _draw_conv3d(d)
    dy = _conv3d_ref(x, w, **a)
    return [x, w, values(d, dy.shape, x.dtype)], a


def _vjp_input(x, w, dy, **a):
    """d sum(conv3d(x, w) * dy) / dx, from conv3d_ref's linearity: column by column."""
    out = np.zeros(x.shape)
    for idx in np.ndindex(*x.shape):
        e = np.zeros_like(x)
        e[idx] = 1
        out[idx] = np.sum(_conv3d_ref(e, w, **a).astype(np.float64) * dy)
    return out.astype(x.dtype)


def _vjp_filter(x, w, dy, **a):
    out = np.zeros(w.shape)
    for idx in np.ndindex(*w.shape):
        e = np.zeros_like(w)
        e[idx] = 1
        out[idx] = np.sum(_conv3d_ref(x, e, **a).astype(np.float64) * dy)
    return out.astype(w.dtype)


case("Conv3DBackpropInputV2", _conv3d_backprops,
     lambda x, w, dy, **a: _apply("Conv3DBackpropInputV2", (gf.shape(x), w, dy), a), _vjp_input, rtol=1e-4)
case("Conv3DBackpropFilterV2", _conv3d_backprops,
     lambda x, w, dy, **a: _apply("Conv3DBackpropFilterV2", (x, gf.shape(w), dy), a), _vjp_filter, rtol=1e-4)


def _pool3d_ref(x, ksize, strides, padding, how):
    geo = [_pads(x.shape[1 + i], ksize[i], strides[i], 1, padding) for i in range(3)]
    out = np.zeros((x.shape[0],) + tuple(o for o, _ in geo) + (x.shape[-1],), x.dtype)
    for pos in itertools.product(*[range(o) for o, _ in geo]):
        lo = [p * s - pad for p, s, (_, pad) in zip(pos, strides, geo)]
        win = x[(slice(None),) + tuple(slice(max(v, 0), v + k) for v, k in zip(lo, ksize))]
        out[(slice(None),) + pos] = win.max(axis=(1, 2, 3)) if how == "max" else win.mean(axis=(1, 2, 3))
    return out


def _draw_pool3d(d):
    x = values(d, (1,) + tuple(d(st.integers(1, 4)) for _ in range(3)) + (d(st.integers(1, 2)),), float_dtype(d))
    return [x], {"ksize": (d(st.integers(1, 2)),) * 3, "strides": (d(st.integers(1, 2)),) * 3,
                 "padding": d(st.sampled_from(["SAME", "VALID"]))}


case("MaxPool3D", _draw_pool3d, lambda x, **a: _apply("MaxPool3D", (x,), a),
     lambda x, **a: _pool3d_ref(x, how="max", **a))
case("AvgPool3D", _draw_pool3d, lambda x, **a: _apply("AvgPool3D", (x,), a),
     lambda x, **a: _pool3d_ref(x, how="avg", **a), rtol=1e-4)


def _draw_pool3d_grad(d):
    (x,), a = _draw_pool3d(d)
    x = (np.random.default_rng(int(x.size)).permutation(x.size).reshape(x.shape) * 0.5).astype(x.dtype)  # no ties
    y = _pool3d_ref(x, how="max", **a)
    return [x, y, values(d, y.shape, x.dtype)], a


def _max_pool3d_grad_ref(x, y, dy, ksize, strides, padding):
    geo = [_pads(x.shape[1 + i], ksize[i], strides[i], 1, padding) for i in range(3)]
    dx = np.zeros_like(x)
    for pos in itertools.product(*[range(o) for o, _ in geo]):
        lo = [p * s - pad for p, s, (_, pad) in zip(pos, strides, geo)]
        for b, c in itertools.product(range(x.shape[0]), range(x.shape[-1])):
            best = None
            for off in itertools.product(*[range(k) for k in ksize]):
                src = tuple(v + o for v, o in zip(lo, off))
                if all(0 <= s < n for s, n in zip(src, x.shape[1:4])) and (best is None or x[(b,) + src + (c,)] >
                                                                            x[(b,) + best + (c,)]):
                    best = src
            dx[(b,) + best + (c,)] += dy[(b,) + pos + (c,)]
    return dx


case("MaxPool3DGrad", _draw_pool3d_grad, lambda x, y, dy, **a: _apply("MaxPool3DGrad", (x, y, dy), a),
     _max_pool3d_grad_ref)


def _draw_avg_pool3d_grad(d):
    (x,), a = _draw_pool3d(d)
    y = _pool3d_ref(x, how="avg", **a)
    return [x, values(d, y.shape, x.dtype)], a


def _avg_pool3d_grad_ref(x, dy, **a):
    out = np.zeros(x.shape)
    for idx in np.ndindex(*x.shape):
        e = np.zeros_like(x)
        e[idx] = 1
        out[idx] = np.sum(_pool3d_ref(e, how="avg", **a).astype(np.float64) * dy)
    return out.astype(x.dtype)


case("AvgPool3DGrad", _draw_avg_pool3d_grad, lambda x, dy, **a: _apply("AvgPool3DGrad", (gf.shape(x), dy), a),
     _avg_pool3d_grad_ref, rtol=1e-4)


def _draw_argmax(d):
    x = values(d, (d(st.integers(1, 2)), d(st.integers(1, 5)), d(st.integers(1, 5)), d(st.integers(1, 2))),
               float_dtype(d))
    x = (np.random.default_rng(int(x.size)).permutation(x.size).reshape(x.shape) * 0.5).astype(x.dtype)
    return [x], {"ksize": d(st.integers(1, 3)), "strides": d(st.integers(1, 2)),
                 "padding": d(st.sampled_from(["SAME", "VALID"])), "include_batch_in_index": d(st.booleans())}


def _argmax_ref(x, ksize, strides, padding, include_batch_in_index):
    n, h, w, c = x.shape
    (oh, pt), (ow, pl) = _pads(h, ksize, strides, 1, padding), _pads(w, ksize, strides, 1, padding)
    out, arg = np.zeros((n, oh, ow, c), x.dtype), np.zeros((n, oh, ow, c), np.int64)
    for b, i, j, ch in itertools.product(range(n), range(oh), range(ow), range(c)):
        cells = [(y, z) for y in range(i * strides - pt, i * strides - pt + ksize)
                 for z in range(j * strides - pl, j * strides - pl + ksize) if 0 <= y < h and 0 <= z < w]
        y, z = max(cells, key=lambda p: x[b, p[0], p[1], ch])
        out[b, i, j, ch] = x[b, y, z, ch]
        arg[b, i, j, ch] = (y * w + z) * c + ch + (b * h * w * c if include_batch_in_index else 0)
    return [out, arg]


case("MaxPoolWithArgmax", _draw_argmax, lambda x, **a: list(gf.nn.max_pool_with_argmax(x, **a)), _argmax_ref)


def _frac_check(out, x, pooling_ratio, pseudo_random, overlapping):
    return out.shape == (x.shape[0], int(x.shape[1] // pooling_ratio), int(x.shape[2] // pooling_ratio), x.shape[3])


def _draw_frac(d):
    x = values(d, (1, d(st.integers(2, 6)), d(st.integers(2, 6)), 1), float_dtype(d))
    return [x], {"pooling_ratio": d(st.sampled_from([1.0, 1.5, 2.0])), "pseudo_random": d(st.booleans()),
                 "overlapping": d(st.booleans())}


case("FractionalPool", _draw_frac, lambda x, **a: gf.nn.fractional_max_pool(x, **a)[0], check=_frac_check)


def _draw_frac_grad(d):
    x = values(d, (1, 4, 5, 1), float_dtype(d))
    return [x, values(d, (1, 2, 2, 1), x.dtype)], {"overlapping": d(st.booleans()), "mode": d(st.sampled_from(["max",
                                                                                                               "avg"]))}


_ROWS, _COLS = np.array([0, 2, 4], np.int64), np.array([0, 3, 5], np.int64)


def _frac_grad_ref(x, dy, overlapping, mode):
    dx = np.zeros_like(x)
    for i, j in itertools.product(range(2), range(2)):
        r0, r1 = _ROWS[i], min(_ROWS[i + 1] + overlapping, 4)
        c0, c1 = _COLS[j], min(_COLS[j + 1] + overlapping, 5)
        win = x[0, r0:r1, c0:c1, 0]
        if mode == "max":
            y, z = np.unravel_index(np.argmax(win), win.shape)
            dx[0, r0 + y, c0 + z, 0] += dy[0, i, j, 0]
        else:
            dx[0, r0:r1, c0:c1, 0] += dy[0, i, j, 0] / win.size
    return dx


case("FractionalPoolGrad", _draw_frac_grad,
     lambda x, dy, **a: _apply("FractionalPoolGrad", (x, gf.constant(_ROWS), gf.constant(_COLS), dy), a),
     _frac_grad_ref)


# ---- sequences -------------------------------------------------------------------------------------------

def _iso_ref(x, decreasing):
    """The best monotone fit by brute force over block partitions (rows of at most 5)."""
    outs, segs = np.zeros(x.shape, x.dtype if x.dtype.kind == "f" else np.float32), np.zeros(x.shape, np.int32)
    for idx in np.ndindex(*x.shape[:-1]):
        row = x[idx].astype(np.float64)
        best = None
        n = len(row)
        for cuts in itertools.product([0, 1], repeat=max(n - 1, 0)):
            seg = np.concatenate([[0], np.cumsum(cuts)]).astype(int)
            means = np.array([row[seg == s].mean() for s in range(seg[-1] + 1)]) if n else np.zeros(0)
            ok = np.all(np.diff(means) < 0) if decreasing else np.all(np.diff(means) > 0)
            fit = means[seg] if n else row
            err = np.sum((fit - row) ** 2)
            if ok and (best is None or err < best[0] - 1e-12):
                best = (err, fit, seg)
        outs[idx], segs[idx] = best[1], best[2]
    return [outs, segs]


case("IsotonicRegression", lambda d: ([values(d, (d(st.integers(1, 2)), d(st.integers(1, 5))), float_dtype(d))],
                                      {"decreasing": d(st.booleans())}),
     lambda x, decreasing: list(gf.nn.isotonic_regression(x, decreasing)), _iso_ref, rtol=1e-5)


def _draw_labels(d):
    labels = values(d, (d(st.integers(1, 3)), d(st.integers(1, 5))), np.int32, 0, 3)
    return [labels, values(d, labels.shape[:1], np.int32, 0, labels.shape[1])], {}


def _collapse_ref(labels, lengths):
    rows = [[v for i, v in enumerate(r[:n]) if i == 0 or v != r[i - 1]] for r, n in zip(labels, lengths)]
    width = max(len(r) for r in rows)
    return [np.array([r + [0] * (width - len(r)) for r in rows], np.int32), np.array([len(r) for r in rows], np.int32)]


case("CollapseRepeated", _draw_labels, lambda x, n: list(gf.nn.collapse_repeated(x, n)), _collapse_ref)


def _unique_ref(labels):
    out, idx = np.zeros(labels.shape, np.int64), np.zeros(labels.shape, np.int32)
    for i, row in enumerate(labels):
        seen = list(dict.fromkeys(row.tolist()))
        out[i, :len(seen)] = seen
        idx[i] = [seen.index(v) for v in row]
    return [out, idx]


case("CTCUniqueLabels", lambda d: ([_draw_labels(d)[0][0]], {}), lambda x: gf.nn.ctc_unique_labels(x), _unique_ref)


def _hits_ref(trues, sampled):
    pairs = [(i, k) for i, row in enumerate(trues) for t in row for k in range(len(sampled)) if sampled[k] == t]
    return [np.array([p[0] for p in pairs], np.int32), np.array([p[1] for p in pairs], np.int64),
            np.full(len(pairs), -np.finfo(np.float32).max, np.float32)]


case("ComputeAccidentalHits",
     lambda d: ([values(d, (d(st.integers(1, 3)), 2), np.int64, 0, 4),
                 values(d, (d(st.integers(1, 5)),), np.int64, 0, 4)], {}),
     lambda t, s: list(gf.nn.compute_accidental_hits(t, s, 2)), _hits_ref)


def _ctc_ref(logits, labels, label_length, logit_length):
    """-log of the summed probability of every path that collapses to the label (brute force)."""
    t_max, batch, classes = logits.shape
    p = np.exp(logits - logits.max(-1, keepdims=True))
    p = p / p.sum(-1, keepdims=True)
    loss = np.zeros(batch, logits.dtype)
    for b in range(batch):
        t_len, target = int(logit_length[b]), list(labels[b, :int(label_length[b])])
        total = 0.0
        for path in itertools.product(range(classes), repeat=t_len):
            collapsed = [v for i, v in enumerate(path) if (i == 0 or v != path[i - 1]) and v != 0]
            if collapsed == target:
                total += np.prod([p[t, b, v] for t, v in enumerate(path)])
        loss[b] = -np.log(total)
    return loss


def _draw_ctc(d):
    t, batch, classes = d(st.integers(2, 4)), d(st.integers(1, 2)), 3
    labels = values(d, (batch, 2), np.int32, 1, classes - 1)
    label_length = values(d, (batch,), np.int32, 0, 1)
    return [values(d, (t, batch, classes), float_dtype(d)), labels, label_length,
            np.full(batch, t, np.int32)], {}


case("CTCLossDense", _draw_ctc, lambda x, y, n, m: gf.nn.ctc_loss(y, x, n, m), _ctc_ref, rtol=1e-4)


# ---- image boxes ------------------------------------------------------------------------------------------

def _draw_draw_boxes(d):
    images = values(d, (1, d(st.integers(2, 5)), d(st.integers(2, 5)), 3), np.float32, 0, 1)
    return [images, values(d, (1, 2, 4), np.float32, 0, 1), np.array([[1, 0, 0, 1], [0, 1, 0, 1]], np.float32)], {}


def _draw_boxes_ref(images, boxes, colors):
    out = images.copy()
    h, w = images.shape[1:3]
    for i, (y0, x0, y1, x1) in enumerate(boxes[0]):
        top, bottom, left, right = int(y0 * (h - 1)), int(y1 * (h - 1)), int(x0 * (w - 1)), int(x1 * (w - 1))
        if top > bottom or left > right:
            continue
        for y in range(top, bottom + 1):
            for x in range(left, right + 1):
                if y in (top, bottom) or x in (left, right):
                    out[0, y, x] = colors[i][:3]
    return out


case("DrawBoundingBoxesV2", _draw_draw_boxes, lambda x, b, c: gf.image.draw_bounding_boxes(x, b, c),
     _draw_boxes_ref)


def _iou(a, b):
    inter = max(0, min(a[2], b[2]) - max(a[0], b[0])) * max(0, min(a[3], b[3]) - max(a[1], b[1]))
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def _draw_nms(d):
    n = d(st.integers(1, 6))
    lo = values(d, (n, 2), np.float32, 0, 2)
    boxes = np.concatenate([lo, lo + values(d, (n, 2), np.float32, 0.5, 1.5)], 1)
    scores = (np.random.default_rng(n).permutation(n) / n + 0.05).astype(np.float32)
    return [boxes, scores], {"max_output_size": d(st.integers(1, 6)), "iou_threshold": 0.4}


def _nms_ref(boxes, scores, max_output_size, iou_threshold):
    kept = []
    for i in np.argsort(-scores):
        if len(kept) < max_output_size and all(_iou(boxes[i], boxes[j]) <= iou_threshold for j in kept):
            kept.append(i)
    return np.array(kept, np.int32)


case("NonMaxSuppressionV5", _draw_nms, lambda b, s, **a: gf.image.non_max_suppression(b, s, **a), _nms_ref)


def _draw_overlaps(d):
    (boxes, scores), a = _draw_nms(d)
    overlaps = np.array([[_iou(p, q) for q in boxes] for p in boxes], np.float32)
    return [overlaps, scores], {"max_output_size": a["max_output_size"], "overlap_threshold": 0.4}


case("NonMaxSuppressionWithOverlaps", _draw_overlaps,
     lambda o, s, **a: gf.image.non_max_suppression_overlaps(o, s, **a),
     lambda o, s, max_output_size, overlap_threshold: _nms_ref_overlaps(o, s, max_output_size, overlap_threshold))


def _nms_ref_overlaps(o, s, max_output_size, threshold):
    kept = []
    for i in np.argsort(-s):
        if len(kept) < max_output_size and all(o[j, i] <= threshold for j in kept):
            kept.append(i)
    return np.array(kept, np.int32)


def _draw_combined(d):
    (boxes, scores), _ = _draw_nms(d)
    n = len(boxes)
    b = np.stack([boxes / 4, boxes / 4])[:, :, None, :]
    s = np.stack([np.stack([scores, scores[::-1]], -1)] * 2).astype(np.float32)
    return [b.astype(np.float32), s], {"max_output_size_per_class": d(st.integers(1, 3)), "max_total_size": n + 1}


def _combined_ref(boxes, scores, max_output_size_per_class, max_total_size):
    b_out = np.zeros((2, max_total_size, 4), np.float32)
    s_out, c_out, valid = np.zeros((2, max_total_size), np.float32), np.zeros((2, max_total_size), np.float32), []
    for b in range(2):
        found = []
        for c in range(2):
            kept = _nms_ref(boxes[b, :, 0], scores[b, :, c], max_output_size_per_class, 0.5)
            found += [(scores[b, i, c], c, boxes[b, i, 0]) for i in kept]
        found = sorted(found, key=lambda t: -t[0])[:max_total_size]
        for k, (s, c, box) in enumerate(found):
            b_out[b, k], s_out[b, k], c_out[b, k] = np.clip(box, 0, 1), s, c
        valid.append(len(found))
    return [b_out, s_out, c_out, np.array(valid, np.int32)]


case("CombinedNonMaxSuppression", _draw_combined,
     lambda b, s, **a: list(gf.image.combined_non_max_suppression(b, s, **a)), _combined_ref)


def _crop_check(out, size, boxes):
    return out.shape == (3,) and out[2] == 0 and out[0] >= 0 and out[1] >= 0


case("SampleDistortedBoundingBoxV2",
     lambda d: ([np.array([d(st.integers(4, 9)), d(st.integers(4, 9)), 3], np.int32),
                 np.array([[[0.1, 0.2, 0.8, 0.9]]], np.float32)], {}),
     lambda size, boxes: gf.image.sample_distorted_bounding_box(size, boxes, min_object_covered=0.3)[0],
     check=_crop_check)


def _proposal_inputs(d):
    w = d(st.integers(1, 3))
    scores = np.linspace(0.9, 0.1, w, dtype=np.float32).reshape(1, 1, w, 1)
    anchors = np.array([[[0, 6 * k, 4, 6 * k + 4] for k in range(w)]], np.float32)     # apart: none suppressed
    return [scores, np.zeros((1, 1, w, 4), np.float32), np.array([[10, 20, 1, 0, 0]], np.float32), anchors], {}


case("GenerateBoundingBoxProposals", _proposal_inputs,
     lambda s, d, i, a: gf.image.generate_bounding_box_proposals(s, d, i, a, min_size=1.0, post_nms_topn=3)[0],
     lambda s, d, i, a: np.concatenate([a.reshape(1, -1, 4), np.zeros((1, 3 - a.shape[1], 4), np.float32)], 1))




def _draw_resize_weights(d):
    sizes = [np.int32(d(st.integers(1, 5))), np.int32(d(st.integers(1, 5)))]
    return sizes, {"method": d(st.sampled_from(["nearest", "bilinear"])), "antialias": False}


def _resize_weights_ref(in_size, out_size, method, antialias):
    """Half-pixel centres: nearest takes floor((o + 0.5) * scale); bilinear blends the two cells
    around (o + 0.5) * scale - 0.5, clamped to the image."""
    n_in, n_out = int(in_size), int(out_size)
    centres = (np.arange(n_out) + 0.5) * n_in / n_out
    if method == "nearest":
        return np.minimum(np.floor(centres), n_in - 1).astype(np.int32)
    src = centres - 0.5
    lo = np.floor(src)
    w = np.zeros((n_out, n_in), np.float32)
    for o, (cell, frac) in enumerate(zip(lo.astype(int), src - lo)):
        w[o, np.clip(cell, 0, n_in - 1)] += 1 - frac
        w[o, np.clip(cell + 1, 0, n_in - 1)] += frac
    return w


case("ResizeWeights", _draw_resize_weights,
     lambda n_in, n_out, method, antialias: dispatch.apply(get("ResizeWeights"), (n_in, n_out),
                                                           {"method": method, "antialias": antialias}),
     _resize_weights_ref)
