"""Hashing: strings or integers to `num_bins` buckets with TensorFlow's hashes (FarmHash
Fingerprint64, or keyed SipHash with a salt), so each value lands in the same bin as under
Keras; optionally encoded as one-hot, multi-hot or count vectors."""
from __future__ import annotations

from .... import dtypes
from ....ops import api
from ....ops.api import strings
from ..base import Layer
from .categorical import _encoded_shape, encode

_OUTPUT_MODES = ("int", "one_hot", "multi_hot", "count")


class Hashing(Layer):
    """Hash each input (strings; integers and floats are hashed as their decimal text, as Keras
    does) into [0, num_bins).

    Args:
        num_bins: number of bins (with mask_value, bin 0 is kept for it and the rest hash into
            the other num_bins - 1).
        mask_value: a value sent to bin 0 (default None).
        salt: an int or a pair of ints: use the keyed (strong) hash with that key.
        output_mode: 'int' (default), 'one_hot', 'multi_hot' or 'count'.
        sparse: not supported (False).
    """

    def __init__(self, num_bins, mask_value=None, salt=None, output_mode="int", sparse=False, **kwargs):
        if kwargs.get("dtype") is None:
            kwargs["dtype"] = "int64" if output_mode == "int" else "float32"
        super().__init__(**kwargs)
        if num_bins is None or int(num_bins) <= 0:
            raise ValueError(f"Hashing: num_bins must be a positive integer, got num_bins={num_bins!r}")
        if output_mode not in _OUTPUT_MODES:
            raise ValueError(f"Hashing: output_mode must be one of {_OUTPUT_MODES}, got {output_mode!r}")
        if output_mode == "int" and self.dtype not in ("int32", "int64"):
            raise ValueError(f"Hashing: output_mode='int' needs dtype int32 or int64, got {self.dtype}")
        if sparse:
            raise ValueError("Hashing: sparse outputs are not supported")
        if salt is not None:
            if isinstance(salt, int):
                salt = [salt, salt]
            elif not (isinstance(salt, (list, tuple)) and len(salt) == 2):
                raise ValueError(f"Hashing: salt must be an int or a pair of ints, got salt={salt!r}")
            salt = [int(s) for s in salt]
        self.num_bins, self.mask_value, self.salt = int(num_bins), mask_value, salt
        self.output_mode, self.sparse = output_mode, False
        self.built = True

    def _bins(self, values):
        bins = self.num_bins
        mask = None
        if self.mask_value is not None and bins > 1:
            bins -= 1
            mask = api.equal(values, api.constant(self.mask_value, values.dtype))
        if values.dtype.is_floating:
            values = api.cast(values, dtypes.int64)
        if values.dtype is not dtypes.string:
            values = strings.as_string(values)
        hashed = strings.to_hash_bucket_fast(values, bins) if self.salt is None else \
            strings.to_hash_bucket_strong(values, bins, self.salt)
        if mask is not None:
            hashed = api.where(mask, api.zeros_like(hashed), api.add(hashed, api.ones_like(hashed)))
        return hashed

    def call(self, inputs):
        inputs = api.convert_to_tensor(inputs)
        if self.output_mode == "one_hot" and inputs.shape.rank and inputs.shape.dims[-1] == 1:
            inputs = api.squeeze(inputs, [-1])
        return encode(self._bins(inputs), self.output_mode, self.num_bins, self._dtype)

    def compute_output_shape(self, input_shape):
        return _encoded_shape(input_shape, self.output_mode, self.num_bins)

    def get_config(self):
        return {**super().get_config(), "num_bins": self.num_bins, "salt": self.salt, "mask_value": self.mask_value,
                "output_mode": self.output_mode, "sparse": False}
