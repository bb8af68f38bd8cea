"""W7's CNN training step in plain numpy: the weights, the batch and one SGD step every mode must match.

BENCHMARKS.md W7: 28x28x1 float32 input, batch 64; Conv2D(32, 3, relu, valid) -> MaxPooling2D(2)
-> Conv2D(64, 3, relu) -> MaxPooling2D(2) -> Flatten -> Dense(128, relu) -> Dense(10); mean sparse
softmax cross-entropy on int labels; SGD lr 0.01. Layouts are TensorFlow's (NHWC activations,
HWIO filters, Flatten over (h, w, c)). Only numpy here: the peer scripts import it as a sibling
and graphflow's own W7 imports it as `graphflow.bench.peers.cnn_reference`.
"""
from __future__ import annotations

import numpy as np

LR = 0.01
BATCH = 64
SHAPES = [(3, 3, 1, 32), (32,), (3, 3, 32, 64), (64,), (1600, 128), (128,), (128, 10), (10,)]


def cnn_params() -> list:
    """[k1, b1, k2, b2, w3, b3, w4, b4]: He-normal from RandomState(0), zero biases, float32."""
    rs = np.random.RandomState(0)
    params = []
    for shape in SHAPES:
        if len(shape) == 1:
            params.append(np.zeros(shape, np.float32))
            continue
        fan_in = int(np.prod(shape[:-1]))
        params.append((rs.standard_normal(shape) * np.sqrt(2.0 / fan_in)).astype(np.float32))
    return params


def cnn_batch(batch: int = BATCH) -> tuple:
    """(x, y): standard normal images (batch, 28, 28, 1) float32, int32 labels in [0, 10)."""
    x = np.random.RandomState(1).standard_normal((batch, 28, 28, 1)).astype(np.float32)
    y = np.random.RandomState(2).randint(0, 10, batch).astype(np.int32)
    return x, y


def _conv(x, w):
    """VALID, stride 1: the sum over the filter taps of shifted (pixels x C) @ (C x O) products."""
    kh, kw = w.shape[:2]
    oh, ow = x.shape[1] - kh + 1, x.shape[2] - kw + 1
    return sum(x[:, i:i + oh, j:j + ow, :] @ w[i, j] for i in range(kh) for j in range(kw))


def _conv_filter_grad(x, dy, kh, kw):
    oh, ow = dy.shape[1:3]
    return np.stack([np.stack([np.tensordot(x[:, i:i + oh, j:j + ow, :], dy, axes=([0, 1, 2], [0, 1, 2]))
                               for j in range(kw)]) for i in range(kh)])


def _conv_input_grad(dy, w, shape):
    dx = np.zeros(shape, dy.dtype)
    oh, ow = dy.shape[1:3]
    for i in range(w.shape[0]):
        for j in range(w.shape[1]):
            dx[:, i:i + oh, j:j + ow, :] += dy @ w[i, j].T
    return dx


def _pool(x):
    """2x2 max pooling, stride 2, VALID, and the mask of where each maximum came from."""
    n, h, w, c = x.shape
    win = x[:, :h // 2 * 2, :w // 2 * 2].reshape(n, h // 2, 2, w // 2, 2, c)
    y = win.max(axis=(2, 4))
    return y, win == y[:, :, None, :, None, :]


def _unpool(dy, mask, shape):
    """The max-pool gradient; ties only occur between relu zeros, whose gradient is zero anyway."""
    dx = np.zeros(shape, dy.dtype)
    n, ph, pw, c = dy.shape
    dx[:, :ph * 2, :pw * 2] = (mask * dy[:, :, None, :, None, :]).reshape(n, ph * 2, pw * 2, c)
    return dx


def cnn_step_numpy(params, x, y, lr: float = LR) -> tuple:
    """One SGD step: (loss before it, the new parameters)."""
    k1, b1, k2, b2, w3, b3, w4, b4 = params
    h1 = np.maximum(_conv(x, k1) + b1, 0)
    p1, m1 = _pool(h1)
    h2 = np.maximum(_conv(p1, k2) + b2, 0)
    p2, m2 = _pool(h2)
    flat = p2.reshape(len(x), -1)
    h3 = np.maximum(flat @ w3 + b3, 0)
    logits = h3 @ w4 + b4
    shifted = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    s = e.sum(axis=1, keepdims=True)
    n = len(y)
    loss = np.mean(np.log(s[:, 0]) - shifted[np.arange(n), y])
    d4 = e / s
    d4[np.arange(n), y] -= 1
    d4 /= n
    d3 = (d4 @ w4.T) * (h3 > 0)
    d_p2 = (d3 @ w3.T).reshape(p2.shape)
    d_h2 = _unpool(d_p2, m2, h2.shape) * (h2 > 0)
    d_p1 = _conv_input_grad(d_h2, k2, p1.shape)
    d_h1 = _unpool(d_p1, m1, h1.shape) * (h1 > 0)
    grads = [_conv_filter_grad(x, d_h1, 3, 3), d_h1.sum((0, 1, 2)), _conv_filter_grad(p1, d_h2, 3, 3),
             d_h2.sum((0, 1, 2)), flat.T @ d3, d3.sum(0), h3.T @ d4, d4.sum(0)]
    new = [(p - p.dtype.type(lr) * g).astype(p.dtype) for p, g in zip(params, grads)]
    return x.dtype.type(loss), new
