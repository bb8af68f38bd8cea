"""Masking: mark the timesteps whose features all equal `mask_value` as padding."""
from __future__ import annotations

from ...ops import api
from .base import Layer


class Masking(Layer):
    """Skip padded timesteps: a step whose features all equal `mask_value` (default 0.0) is
    zeroed and masked, so RNNs, pooling, attention and losses downstream leave it out."""

    def __init__(self, mask_value=0.0, **kwargs):
        super().__init__(**kwargs)
        self.mask_value = mask_value
        self.supports_masking = True

    def _keep(self, inputs):
        return api.reduce_any(api.not_equal(inputs, api.cast(self.mask_value, inputs.dtype)), axis=-1,
                              keepdims=True)

    def call(self, inputs):
        return api.multiply(inputs, api.cast(self._keep(inputs), inputs.dtype))

    def compute_mask(self, inputs, previous_mask):
        return api.squeeze(self._keep(inputs), [-1])

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "mask_value": self.mask_value}
