"""Numeric feature preprocessing: Normalization (statistics learnt by `adapt`) and Rescaling."""
from __future__ import annotations

import numpy as np

from ....ops import api
from ... import backend
from ..base import Layer


def _batches(data):
    """numpy batches from an array, a tensor, or an iterable of batches (a dataset)."""
    if hasattr(data, "numpy"):
        yield np.asarray(data.numpy())
        return
    if isinstance(data, (np.ndarray, list, tuple)):
        yield np.asarray(data)
        return
    for batch in data:
        if isinstance(batch, (tuple, list)):     # (x, y[, sample_weight]) elements: adapt on x
            batch = batch[0]
        yield np.asarray(batch.numpy() if hasattr(batch, "numpy") else batch)


class Normalization(Layer):
    """Shift and scale features to zero mean and unit variance: `(x - mean) / sqrt(variance)`.

    The statistics are given (`mean`, `variance`) or learnt from data with `adapt(data)`, per
    position of the kept `axis` (default -1: one mean per feature).

    Args: axis (-1; None normalises with one scalar mean), mean, variance, invert (False: map
    normalised values back).
    """

    def __init__(self, axis=-1, mean=None, variance=None, invert=False, **kwargs):
        super().__init__(**kwargs)
        if axis is None:
            axis = ()
        elif isinstance(axis, int):
            axis = (axis,)
        self.axis = tuple(axis)
        if (mean is None) != (variance is None):
            raise ValueError("Normalization: pass both `mean` and `variance`, or neither (then call adapt())")
        self.input_mean, self.input_variance, self.invert = mean, variance, invert
        self.supports_masking = True

    def build(self, input_shape):
        rank = len(input_shape)
        keep = tuple(sorted(a % rank for a in self.axis))
        for a in keep:
            if input_shape[a] is None:
                raise ValueError(f"Normalization {self.name!r}: axis {a} of input shape {tuple(input_shape)} must "
                                 "be known")
        self._keep, self._reduce = keep, tuple(d for d in range(rank) if d not in keep)
        self._broadcast = [input_shape[d] if d in keep else 1 for d in range(rank)]
        self._stat_shape = tuple(input_shape[d] for d in keep)
        if self.input_mean is None:
            self.adapt_mean = self.add_weight(shape=self._stat_shape, initializer="zeros", trainable=False,
                                              name="mean")
            self.adapt_variance = self.add_weight(shape=self._stat_shape, initializer="ones", trainable=False,
                                                  name="variance")
            self.count = self.add_weight(shape=(), initializer="zeros", dtype="int64", trainable=False, name="count")
        self.built = True

    def adapt(self, data, batch_size=None, steps=None):
        """Learn the mean and variance from `data` (an array, a tensor or batches of them),
        combining batches exactly (pooled mean and variance)."""
        if self.input_mean is not None:
            raise ValueError(f"Normalization {self.name!r} was given mean and variance; it cannot adapt()")
        total_mean = total_var = None
        total = 0
        for i, batch in enumerate(_batches(data)):
            if steps is not None and i >= steps:
                break
            batch = batch.astype(self._dtype.np if self._dtype.is_floating else np.float32)
            if batch.ndim == 1 and self.axis == (-1,):
                batch = batch[:, None]
            if not self.built:
                self._maybe_build(api.constant(batch[:1]))
            n = int(np.prod([batch.shape[d] for d in self._reduce])) if self._reduce else 1
            mean = batch.mean(axis=self._reduce) if self._reduce else batch
            var = batch.var(axis=self._reduce) if self._reduce else np.zeros_like(batch)
            if total_mean is None:
                total_mean, total_var, total = mean, var, n
                continue
            merged = total + n
            w_old, w_new = total / merged, n / merged
            new_mean = total_mean * w_old + mean * w_new
            total_var = (total_var + (total_mean - new_mean) ** 2) * w_old + (var + (mean - new_mean) ** 2) * w_new
            total_mean, total = new_mean, merged
        if total_mean is None:
            raise ValueError(f"Normalization {self.name!r}: adapt() got no data")
        self.adapt_mean.assign(np.asarray(total_mean, self.adapt_mean.dtype.np).reshape(self._stat_shape))
        self.adapt_variance.assign(np.asarray(total_var, self.adapt_variance.dtype.np).reshape(self._stat_shape))

    def _stats(self, dtype):
        if self.input_mean is not None:
            mean = np.broadcast_to(np.asarray(self.input_mean, dtype.np), self._stat_shape).reshape(self._broadcast)
            var = np.broadcast_to(np.asarray(self.input_variance, dtype.np), self._stat_shape).reshape(self._broadcast)
            return api.constant(mean), api.constant(var)
        return (api.reshape(api.cast(self.adapt_mean, dtype), self._broadcast),
                api.reshape(api.cast(self.adapt_variance, dtype), self._broadcast))

    def call(self, inputs):
        if not inputs.dtype.is_floating:
            inputs = api.cast(inputs, self._dtype)
        mean, variance = self._stats(inputs.dtype)
        scale = api.maximum(api.sqrt(variance), api.cast(backend.epsilon(), inputs.dtype))
        if self.invert:
            return api.add(mean, api.multiply(inputs, scale))
        return api.truediv(api.subtract(inputs, mean), scale)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        def plain(v):
            return np.asarray(v).tolist() if v is not None else None
        return {**super().get_config(), "axis": list(self.axis), "invert": self.invert,
                "mean": plain(self.input_mean), "variance": plain(self.input_variance)}


class Rescaling(Layer):
    """`inputs * scale + offset`, e.g. Rescaling(1 / 255) for pixel values."""

    def __init__(self, scale, offset=0.0, **kwargs):
        super().__init__(**kwargs)
        self.scale, self.offset = scale, offset
        self.supports_masking = True

    def call(self, inputs):
        dtype = inputs.dtype if inputs.dtype.is_floating else self._dtype
        inputs = api.cast(inputs, dtype)
        scale = api.constant(np.asarray(self.scale, dtype.np))
        offset = api.constant(np.asarray(self.offset, dtype.np))
        return api.add(api.multiply(inputs, scale), offset)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        def plain(v):
            return np.asarray(v).tolist() if isinstance(v, (np.ndarray, list, tuple)) else float(v)
        return {**super().get_config(), "scale": plain(self.scale), "offset": plain(self.offset)}
