"""Categorical preprocessing: CategoryEncoding (ids to one-hot, multi-hot or count vectors),
Discretization (floats to bucket ids) and IntegerLookup (arbitrary ints to contiguous ids).

Lookups compare each id with the (small) vocabulary at once, so they are plain registry ops
and run unchanged in eager, graph and gf.function.
"""
from __future__ import annotations

import numpy as np

from .... import dtypes
from ....eager.tensor import EagerTensor
from ....ops import api
from ..base import Layer
from .numeric import _batches
from .vocabulary_assets import VocabularyAssets

_MODES = ("one_hot", "multi_hot", "count")


def encode(ids, mode: str, depth: int, dtype, count_weights=None):
    """One-hot (per id), multi-hot or count vectors (per sample) of length `depth`."""
    if mode == "int":
        return api.cast(ids, dtype)
    if ids.shape.rank == 0:
        ids = api.expand_dims(ids, -1)
    if isinstance(ids, EagerTensor):
        values = ids.numpy()
        if values.size and (values.min() < 0 or values.max() >= depth):
            raise ValueError(f"Category encoding expects ids in [0, {depth}), got values from {values.min()} to "
                             f"{values.max()}")
    hot = api.one_hot(api.cast(ids, "int32"), depth, dtype=dtype)
    if mode == "one_hot":
        dims = ids.shape.dims
        if dims is not None and len(dims) > 1 and dims[-1] == 1:
            hot = api.squeeze(hot, [-2])
        return hot
    if ids.shape.rank == 1:
        hot = api.expand_dims(hot, -2)
    if mode == "multi_hot":
        return api.reduce_max(hot, axis=-2)
    if count_weights is not None:
        hot = api.multiply(hot, api.expand_dims(api.cast(count_weights, dtype), -1))
    return api.reduce_sum(hot, axis=-2)


def _encoded_shape(input_shape, mode, depth):
    input_shape = tuple(input_shape)
    if mode == "int":
        return input_shape
    if not input_shape:
        return (depth,)
    if mode == "one_hot" and (input_shape[-1] != 1 or len(input_shape) == 1):
        return input_shape + (depth,)
    return input_shape[:-1] + (depth,) if len(input_shape) > 1 else (depth,)


class CategoryEncoding(Layer):
    """Integer ids in [0, num_tokens) to dense vectors.

    Args: num_tokens, output_mode ('multi_hot' (default): 1 for each id present in a sample;
    'one_hot': one vector per id; 'count': how often each id occurs, optionally weighted).
    """

    def __init__(self, num_tokens=None, output_mode="multi_hot", sparse=False, **kwargs):
        super().__init__(**kwargs)
        if output_mode == "binary":
            output_mode = "multi_hot"
        if output_mode not in _MODES:
            raise ValueError(f"CategoryEncoding: output_mode must be one of {_MODES}, got {output_mode!r}")
        if num_tokens is None or int(num_tokens) < 1:
            raise ValueError(f"CategoryEncoding: num_tokens must be a positive integer, got {num_tokens!r}")
        if sparse:
            raise ValueError("CategoryEncoding: sparse outputs are not supported")
        self.num_tokens, self.output_mode, self.sparse = int(num_tokens), output_mode, False

    def call(self, inputs, count_weights=None):
        if count_weights is not None and self.output_mode != "count":
            raise ValueError("CategoryEncoding: count_weights is only valid with output_mode='count'")
        inputs = api.convert_to_tensor(inputs)          # a list or array of ids, as Keras converts
        return encode(inputs, self.output_mode, self.num_tokens, self._dtype, count_weights)

    def compute_output_shape(self, input_shape):
        return _encoded_shape(input_shape, self.output_mode, self.num_tokens)

    def get_config(self):
        return {**super().get_config(), "num_tokens": self.num_tokens, "output_mode": self.output_mode,
                "sparse": False}


# ---- approximate quantiles for Discretization.adapt ---------------------------------------------------
# A summary is a (2, k) array: sorted values and the weight (count) each stands for. Keras's
# adapt builds one per batch at `epsilon` resolution, merges them, and reads the boundaries
# off the merged summary by interpolating the cumulative weights, so these follow that scheme
# (the boundaries learnt from the same data are then the same).

def _summarize(values, epsilon):
    values = np.sort(np.ravel(values))
    step = max(values.size * epsilon, 1)
    picked = values[int(step - 1)::int(step)]
    return np.stack([picked, np.full(picked.shape, step)])


def _compress(summary, epsilon):
    if summary.shape[1] * epsilon < 1:
        return summary
    targets = np.arange(0.0, 1.0, epsilon) + epsilon
    cumulative = np.cumsum(summary[1])
    fractions = cumulative / cumulative[-1]
    points = np.interp(targets, fractions, summary[0])
    at = np.interp(targets, fractions, cumulative)
    return np.stack([points, np.diff(at, prepend=0.0)]).astype("float32")


def _merge(a, b, epsilon):
    both = np.concatenate([a, b], axis=1)
    return _compress(both[:, np.argsort(both[0], kind="stable")], epsilon)


class Discretization(Layer):
    """Bucket float values: id i for `bin_boundaries[i-1] <= x < bin_boundaries[i]` (0 below the
    first boundary). Boundaries are given, or learnt by `adapt(data)` as `num_bins` quantiles.

    Args: bin_boundaries, num_bins, epsilon (0.01: quantile precision of adapt),
    output_mode ('int', 'one_hot', 'multi_hot' or 'count').
    """

    def __init__(self, bin_boundaries=None, num_bins=None, epsilon=0.01, output_mode="int", sparse=False,
                 dtype=None, name=None, **kwargs):
        if output_mode not in ("int",) + _MODES:
            raise ValueError(f"Discretization: output_mode must be 'int' or one of {_MODES}, got {output_mode!r}")
        if (bin_boundaries is None) == (num_bins is None):
            raise ValueError("Discretization: pass exactly one of bin_boundaries and num_bins")
        super().__init__(name=name, dtype=dtype, **kwargs)
        self.bin_boundaries = None if bin_boundaries is None else [float(b) for b in bin_boundaries]
        self.num_bins, self.epsilon, self.output_mode = num_bins, float(epsilon), output_mode
        self._summary = np.zeros((2, 0))
        self.autocast = False

    def adapt(self, data, steps=None):
        """Learn `num_bins - 1` boundaries as approximate quantiles of `data`."""
        if self.num_bins is None:
            raise ValueError(f"Discretization {self.name!r} has fixed bin_boundaries; pass num_bins to adapt()")
        summary = np.zeros((2, 0))
        for i, batch in enumerate(_batches(data)):
            if steps is not None and i >= steps:
                break
            summary = _merge(summary, _summarize(batch.astype("float32"), self.epsilon), self.epsilon)
        self.bin_boundaries = _compress(summary, 1.0 / self.num_bins)[0, :-1].tolist()

    def call(self, inputs):
        if self.bin_boundaries is None:
            raise ValueError(f"Discretization {self.name!r} has no bin boundaries yet: call adapt() first")
        x = inputs if inputs.dtype.is_floating else api.cast(inputs, dtypes.float32)
        ids = api.zeros_like(x, dtype="int32")
        for b in self.bin_boundaries:
            ids = api.add(ids, api.cast(api.greater_equal(x, api.cast(b, x.dtype)), "int32"))
        depth = len(self.bin_boundaries) + 1
        return encode(ids, self.output_mode, depth, dtypes.int32 if self.output_mode == "int" else self._dtype)

    def compute_output_shape(self, input_shape):
        return _encoded_shape(input_shape, self.output_mode, len(self.bin_boundaries or ()) + 1)

    def get_config(self):
        return {**super().get_config(), "bin_boundaries": self.bin_boundaries, "num_bins": self.num_bins,
                "epsilon": self.epsilon, "output_mode": self.output_mode, "sparse": False}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config.pop("trainable", None)
        if config.get("bin_boundaries") is not None:
            config["num_bins"] = None
        return cls(**config)


class IntegerLookup(VocabularyAssets, Layer):
    """Map integer tokens to contiguous ids: the vocabulary (given, or learnt by `adapt` in
    order of frequency) gets ids after the reserved ones; unknown tokens get the OOV id.

    Ids: with `mask_token` set, it maps to 0; then `num_oov_indices` OOV ids (default 1); then
    the vocabulary. `invert=True` maps ids back to tokens.

    Args: max_tokens, num_oov_indices (1), mask_token (None), oov_token (-1), vocabulary,
    invert (False), output_mode ('int', 'one_hot', 'multi_hot' or 'count').
    """

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token=-1, vocabulary=None,
                 vocabulary_dtype="int64", idf_weights=None, invert=False, output_mode="int", sparse=False,
                 pad_to_max_tokens=False, vocabulary_size=None, name=None, **kwargs):
        if output_mode not in ("int",) + _MODES:
            raise ValueError(f"IntegerLookup: output_mode must be 'int' or one of {_MODES}, got {output_mode!r}")
        if num_oov_indices not in (0, 1):
            raise ValueError(f"IntegerLookup: num_oov_indices must be 0 or 1 here, got {num_oov_indices}")
        if invert and output_mode != "int":
            raise ValueError("IntegerLookup: invert=True needs output_mode='int'")
        kwargs.pop("dtype", None)
        super().__init__(name=name, dtype="int64" if output_mode == "int" else None, **kwargs)
        self.max_tokens, self.num_oov_indices = max_tokens, int(num_oov_indices)
        self.mask_token = None if mask_token is None else int(mask_token)
        self.oov_token = int(oov_token)
        self.invert, self.output_mode, self.pad_to_max_tokens = invert, output_mode, pad_to_max_tokens
        self.autocast = False
        self._vocabulary = None
        # as Keras: a vocabulary given here is saved in the config, an adapted one as an asset
        self._input_vocabulary = None if vocabulary is None else [int(v) for v in np.ravel(np.asarray(vocabulary))]
        self._restored_size = vocabulary_size
        if vocabulary is not None:
            self.set_vocabulary(vocabulary)

    def _reserved(self) -> int:
        return self.num_oov_indices + (self.mask_token is not None)

    def set_vocabulary(self, vocabulary) -> None:
        vocab = [int(v) for v in np.ravel(np.asarray(vocabulary))]
        if len(set(vocab)) != len(vocab):
            raise ValueError(f"IntegerLookup: the vocabulary has repeated tokens: {vocab}")
        if self.mask_token is not None and self.mask_token in vocab:
            raise ValueError(f"IntegerLookup: the vocabulary contains the mask token {self.mask_token}")
        self._vocabulary = vocab

    def adapt(self, data, steps=None):
        """Learn the vocabulary: tokens by descending count (ties: larger token first)."""
        counts: dict = {}
        for i, batch in enumerate(_batches(data)):
            if steps is not None and i >= steps:
                break
            tokens, n = np.unique(np.asarray(batch, np.int64), return_counts=True)
            for t, c in zip(tokens.tolist(), n.tolist()):
                counts[t] = counts.get(t, 0) + c
        for reserved in (self.mask_token, self.oov_token):
            counts.pop(reserved, None)
        ordered = sorted(counts, key=lambda t: (counts[t], t), reverse=True)
        if self.max_tokens:
            ordered = ordered[:self.max_tokens - self._reserved()]
        self._vocabulary = ordered

    def get_vocabulary(self, include_special_tokens=True) -> list:
        vocab = list(self._vocabulary or [])
        return self._special_tokens() + vocab if include_special_tokens else vocab

    def _special_tokens(self) -> list:
        return ([self.mask_token] if self.mask_token is not None else []) + [self.oov_token] * self.num_oov_indices

    def vocabulary_size(self) -> int:
        return self._size_before_assets() or len(self.get_vocabulary())

    def _vocabulary_from_asset(self, lines) -> None:
        vocab = [int(t) for t in lines]
        special = self._special_tokens()
        self.set_vocabulary(vocab[len(special):] if vocab[:len(special)] == special else vocab)

    def call(self, inputs):
        if self._vocabulary is None:
            raise ValueError(f"IntegerLookup {self.name!r} has no vocabulary: pass vocabulary= or call adapt()")
        x = api.cast(inputs, "int64")
        if self.invert:
            table = api.constant(np.asarray(self.get_vocabulary(), np.int64))
            return api.gather(table, x)
        vocab = api.constant(np.asarray(self._vocabulary or [self.oov_token], np.int64))
        hits = api.equal(api.expand_dims(x, -1), vocab)
        found = api.reduce_any(hits, axis=-1)
        ids = api.add(api.argmax(api.cast(hits, "int32"), axis=-1, output_type="int64"),
                      api.constant(np.int64(self._reserved())))
        oov = api.constant(np.int64(self._reserved() - 1 if self.num_oov_indices else -1))
        ids = api.where(found, ids, api.zeros_like(ids) + oov)
        if self.mask_token is not None:
            ids = api.where(api.equal(x, self.mask_token), api.zeros_like(ids), ids)
        if self.output_mode == "int":
            return ids
        depth = self.max_tokens if self.pad_to_max_tokens and self.max_tokens else self.vocabulary_size()
        return encode(ids, self.output_mode, depth, self._dtype)

    def compute_output_shape(self, input_shape):
        if self.output_mode == "int":
            return tuple(input_shape)
        depth = self.max_tokens if self.pad_to_max_tokens and self.max_tokens else self.vocabulary_size()
        return _encoded_shape(input_shape, self.output_mode, depth)

    def get_config(self):
        return {**super().get_config(), "max_tokens": self.max_tokens, "num_oov_indices": self.num_oov_indices,
                "mask_token": self.mask_token, "oov_token": self.oov_token, "invert": self.invert,
                "output_mode": self.output_mode, "pad_to_max_tokens": self.pad_to_max_tokens,
                "vocabulary": self._input_vocabulary, "vocabulary_dtype": "int64", "sparse": False,
                "vocabulary_size": self.vocabulary_size()}
