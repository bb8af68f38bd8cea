"""tf.nn.fractional_max_pool / fractional_avg_pool: the pooling sequences are random (TensorFlow's
draws differ from graphflow's), so each run is checked against what its own sequences define: the
steps, the pooled values and the gradient, eagerly and in a TF1 graph."""
from __future__ import annotations

import numpy as np
import pytest

import graphflow as gf

X = np.random.default_rng(11).standard_normal((2, 7, 9, 3)).astype(np.float32)
UP = np.random.default_rng(12).standard_normal((2, 4, 5, 3)).astype(np.float32)     # 7 // 1.6, 9 // 1.6


def windows(seq, overlapping, size):
    return [(seq[i], min(seq[i + 1] + overlapping, size)) for i in range(len(seq) - 1)]


def reference(mode, rows, cols, overlapping):
    """Output and d(sum(output * UP)) / dX for the given sequences, in numpy."""
    out = np.zeros(UP.shape, np.float32)
    grad = np.zeros(X.shape, np.float32)
    for i, (r0, r1) in enumerate(windows(rows, overlapping, X.shape[1])):
        for j, (c0, c1) in enumerate(windows(cols, overlapping, X.shape[2])):
            win = X[:, r0:r1, c0:c1]
            if mode == "max":
                out[:, i, j] = win.max(axis=(1, 2))
                for b in range(X.shape[0]):
                    for ch in range(X.shape[3]):
                        k = np.argmax(win[b, :, :, ch])
                        ri, ci = np.unravel_index(k, win.shape[1:3])
                        grad[b, r0 + ri, c0 + ci, ch] += UP[b, i, j, ch]
            else:
                out[:, i, j] = win.mean(axis=(1, 2))
                grad[:, r0:r1, c0:c1] += UP[:, i, j][:, None, None, :] / ((r1 - r0) * (c1 - c0))
    return out, grad


def run(mode, fn):
    if mode == "eager":
        x = gf.constant(X)
        with gf.GradientTape() as tape:
            tape.watch(x)
            out, rows, cols = fn(x)
        return out.numpy(), rows.numpy(), cols.numpy(), tape.gradient(out, x, output_gradients=gf.constant(UP)).numpy()
    graph = gf.Graph()
    with graph.as_default():
        x = gf.constant(X)
        out, rows, cols = fn(x)
        grad = gf.gradients(out, [x], grad_ys=[gf.constant(UP)])[0]
    with gf.compat.v1.Session(graph=graph) as sess:
        return sess.run([out, rows, cols, grad])


@pytest.mark.parametrize("mode", ["eager", "graph"])
@pytest.mark.parametrize("pool", ["max", "avg"])
@pytest.mark.parametrize("pseudo_random, overlapping", [(False, False), (True, True)])
def test_fractional_pool_follows_its_own_sequences(mode, pool, pseudo_random, overlapping):
    fn = getattr(gf.nn, f"fractional_{pool}_pool")
    out, rows, cols, grad = run(mode, lambda x: fn(x, [1.0, 1.6, 1.6, 1.0], pseudo_random=pseudo_random,
                                                   overlapping=overlapping, seed=3))
    for seq, size in ((rows, 7), (cols, 9)):
        assert seq[0] == 0 and seq[-1] == size and seq.dtype == np.int64
        assert set(np.diff(seq)) <= {int(np.floor(size / (len(seq) - 1))), int(np.ceil(size / (len(seq) - 1)))}
    want_out, want_grad = reference(pool, rows, cols, int(overlapping))
    np.testing.assert_allclose(out, want_out, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(grad, want_grad, rtol=1e-5, atol=1e-5)


def test_fractional_pool_rejects_ratios_below_one():
    with pytest.raises(ValueError, match="pooling_ratio"):
        gf.nn.fractional_max_pool(X, [1.0, 0.5, 2.0, 1.0])
