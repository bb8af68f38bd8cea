"""nn.dropout: zero elements with probability `rate`, scale the kept ones by 1 / (1 - rate).

`rate` may be a Python number or a tensor (a placeholder fed at run time, as TF1 programs feed
`keep_prob`): a number is checked when the op is built, a tensor when it runs.
"""
from __future__ import annotations

from ..eager.tensor import EagerTensor
from ..tensor import Tensor
from . import api


def dropout(x, rate, noise_shape=None, seed=None, name=None):
    """Args: x (float tensor), rate (in [0, 1)), noise_shape (broadcast to x), seed, name."""
    x = api.convert_to_tensor(x)
    if not x.dtype.is_floating:
        raise ValueError(f"dropout: x must be a floating point tensor, got {x.dtype.name}")
    if (isinstance(rate, Tensor) or hasattr(rate, "_as_graph_tensor")) and not isinstance(rate, EagerTensor):
        return _dropout_with_rate_tensor(x, api.cast(rate, x.dtype), noise_shape, seed, name)
    return api.dropout(x, rate, noise_shape=noise_shape, seed=seed, name=name)


def _dropout_with_rate_tensor(x, rate, noise_shape, seed, name):
    checked = api.assert_equal(api.logical_and(api.greater_equal(rate, 0.0), api.less(rate, 1.0)), True,
                               message="dropout: rate must be in [0, 1)")
    with api.control_dependencies([checked]):
        rate = api.identity(rate)
    uniform = api.random_uniform(noise_shape if noise_shape is not None else api.shape(x), dtype=x.dtype, seed=seed)
    keep = api.greater_equal(uniform, rate)
    scale = api.realdiv(1.0, api.subtract(1.0, rate))
    return api.where(keep, api.multiply(x, scale), api.zeros_like(x), name)
