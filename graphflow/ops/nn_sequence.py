"""Sequence helpers of tf.nn with their own kernel: isotonic regression (pool adjacent violators),
collapsing repeated labels, unique labels per row and the accidental hits of sampled classes (the
candidate samplers themselves are ops/random_extra.py's RandomCandidateSampler, for tf.nn and tf.random).
Only isotonic regression is differentiable (gradient in nn_sequence_grad.py)."""
from __future__ import annotations

import numpy as np

from .. import dtypes
from ..shapes import TensorShape
from . import infer as inf
from .registry import OpDef, Spec, register


def _isotonic_infer(x, decreasing=True):
    return [Spec(x.shape, x.dtype if x.dtype.is_floating else dtypes.float32), Spec(x.shape, dtypes.int32)]


def _pava(row, decreasing):
    """Pool adjacent violators: the best monotone (non-increasing when decreasing) fit in least
    squares, and the block each element falls in."""
    sign = 1.0 if decreasing else -1.0
    means, sizes = [], []
    for v in row * sign:
        means.append(v)
        sizes.append(1)
        while len(means) > 1 and means[-2] < means[-1]:
            m, n = means.pop(), sizes.pop()
            means[-1] = (means[-1] * sizes[-1] + m * n) / (sizes[-1] + n)
            sizes[-1] += n
    out = np.repeat(np.asarray(means) * sign, sizes)
    return out, np.repeat(np.arange(len(sizes)), sizes)


def _isotonic(x, decreasing=True):
    flat = x.reshape(-1, x.shape[-1]).astype(np.float64) if x.size else x.reshape(-1, max(x.shape[-1:], default=0))
    dtype = x.dtype if x.dtype.kind == "f" else np.float32
    out, seg = np.zeros(flat.shape, dtype), np.zeros(flat.shape, np.int32)
    for i, row in enumerate(flat):
        out[i], seg[i] = _pava(row, decreasing)
    return out.reshape(x.shape), seg.reshape(x.shape)


register(OpDef("IsotonicRegression", _isotonic_infer, _isotonic, allowed=inf.NUMERIC, num_outputs=2))


def _collapse_infer(labels, seq_length):
    d = labels.shape.dims
    return [Spec(TensorShape(None if d is None else (d[0], None)), labels.dtype),
            Spec(TensorShape(None if d is None else (d[0],)), seq_length.dtype)]


def _collapse(labels, seq_length):
    rows = []
    for row, n in zip(labels, seq_length):
        row = row[:int(n)]
        keep = np.ones(len(row), bool)
        keep[1:] = row[1:] != row[:-1]
        rows.append(row[keep])
    width = max((len(r) for r in rows), default=0)
    out = np.zeros((len(rows), width), labels.dtype)
    for i, r in enumerate(rows):
        out[i, :len(r)] = r
    return out, np.asarray([len(r) for r in rows], seq_length.dtype)


register(OpDef("CollapseRepeated", _collapse_infer, _collapse, differentiable=False, num_outputs=2))


def _unique_infer(labels):
    return [Spec(labels.shape, dtypes.int64), Spec(labels.shape, dtypes.int32)]


def _unique_labels(labels):
    out, idx = np.zeros(labels.shape, np.int64), np.zeros(labels.shape, np.int32)
    for i, row in enumerate(labels):
        first = {}
        for j, v in enumerate(row):
            idx[i, j] = first.setdefault(v, len(first))
        out[i, :len(first)] = list(first)
    return out, idx


register(OpDef("CTCUniqueLabels", _unique_infer, _unique_labels, differentiable=False, num_outputs=2))


def _hits_infer(true_classes, sampled, num_true):
    return [Spec(TensorShape((None,)), dtypes.int32), Spec(TensorShape((None,)), dtypes.int64),
            Spec(TensorShape((None,)), dtypes.float32)]


def _accidental_hits(true_classes, sampled, num_true):
    """(row, position in sampled, -FLT_MAX) for every sampled candidate that is one of the row's
    true classes, row by row and true class by true class."""
    rows, ids = [], []
    for i, trues in enumerate(true_classes):
        for t in trues:
            for k in np.flatnonzero(sampled == t):
                rows.append(i)
                ids.append(k)
    weights = np.full(len(rows), -np.finfo(np.float32).max, np.float32)
    return np.asarray(rows, np.int32), np.asarray(ids, np.int64), weights


register(OpDef("ComputeAccidentalHits", _hits_infer, _accidental_hits, differentiable=False, num_outputs=3))


def _ctc_infer(logits, labels, label_length, logit_length, blank_index=0):
    d = logits.shape.dims
    return [Spec(TensorShape(None if d is None else (d[1],)), logits.dtype), Spec(logits.shape, logits.dtype)]


def _logsumexp(*xs):
    m = np.maximum.reduce(xs)
    finite = np.where(np.isfinite(m), m, 0.0)
    with np.errstate(divide="ignore"):
        return finite + np.log(sum(np.exp(x - finite) for x in xs))


def _ctc_one(logp, label, blank):
    """(negative log-likelihood, d loss / d logits) of one sequence by the forward-backward
    recursions over the label with blanks between (log space)."""
    t_len = logp.shape[0]
    z = np.full(2 * len(label) + 1, blank)
    z[1::2] = label
    s_len = len(z)
    skip = np.zeros(s_len, bool)
    skip[2:] = (z[2:] != blank) & (z[2:] != z[:-2])
    emit = logp[:, z]                                           # [T, S]
    alpha = np.full((t_len, s_len), -np.inf)
    alpha[0, :2] = emit[0, :2]
    for t in range(1, t_len):
        prev = alpha[t - 1]
        shift1 = np.concatenate([[-np.inf], prev[:-1]])
        shift2 = np.where(skip, np.concatenate([[-np.inf, -np.inf], prev[:-2]])[:s_len], -np.inf)
        alpha[t] = _logsumexp(prev, shift1, shift2) + emit[t]
    beta = np.full((t_len, s_len), -np.inf)
    beta[-1, -2:] = emit[-1, -2:] if s_len > 1 else emit[-1, -1:]
    skip_back = np.zeros(s_len, bool)
    skip_back[:-2] = skip[2:]
    for t in range(t_len - 2, -1, -1):
        nxt = beta[t + 1]
        shift1 = np.concatenate([nxt[1:], [-np.inf]])
        shift2 = np.where(skip_back, np.concatenate([nxt[2:], [-np.inf, -np.inf]])[:s_len], -np.inf)
        beta[t] = _logsumexp(nxt, shift1, shift2) + emit[t]
    log_like = _logsumexp(alpha[-1, -1], alpha[-1, -2]) if s_len > 1 else alpha[-1, -1]
    occupancy = np.zeros_like(logp)
    if np.isfinite(log_like):
        post = np.exp(alpha + beta - emit - log_like)            # [T, S]
        np.add.at(occupancy.T, z, post.T)
    return -log_like, np.exp(logp) - occupancy


def _ctc_loss(logits, labels, label_length, logit_length, blank_index=0):
    t_max, batch, classes = logits.shape
    shifted = logits.astype(np.float64) - logits.max(-1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(-1, keepdims=True))
    loss = np.zeros(batch, logits.dtype)
    grad = np.zeros(logits.shape, logits.dtype)
    for b in range(batch):
        t_len, n = int(logit_length[b]), int(label_length[b])
        label = labels[b, :n]
        if np.any((label < 0) | (label >= classes)):
            raise ValueError(f"labels must be in [0, {classes}), got {label.tolist()}")
        loss[b], grad[:t_len, b] = _ctc_one(logp[:t_len, b], label, blank_index)
    return loss, grad


register(OpDef("CTCLossDense", _ctc_infer, _ctc_loss, allowed=inf.FLOATS, num_outputs=2))
