"""Sum over the leading axes of a float array with a narrow trailing block (bias gradients) takes
the row-blocked path and agrees with a float64 sum at least as well as numpy's own."""
import numpy as np
import pytest

from graphflow.ops import reduce
from graphflow.ops.registry import get


@pytest.mark.parametrize("axis, keepdims", [((0, 1, 2), False), ([2, 0, 1], True), ((0, 1), False)])
def test_bias_gradient_sums_match_float64(axis, keepdims):
    x = np.random.default_rng(0).random((16, 12, 10, 8)).astype(np.float32) * 100
    axes = tuple(sorted(axis))
    assert reduce._sum_leading(x, axes, keepdims) is not None
    got = get("Sum").kernel(x, axis=axis, keepdims=keepdims)
    want = x.astype(np.float64).sum(axis=axes, keepdims=keepdims)
    assert got.dtype == np.float32 and got.shape == want.shape
    assert np.abs(got - want).max() <= np.abs(np.sum(x, axis=axes, keepdims=keepdims) - want).max() + 1e-3


def test_other_sums_keep_numpy():
    x = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    assert reduce._sum_leading(x, (1, 2), False) is None                  # not a leading prefix
    assert reduce._sum_leading(x.astype(np.int32), (0,), False) is None   # integers: exact anyway
    assert reduce._sum_leading(x[:, ::2], (0,), False) is None           # not contiguous
    np.testing.assert_array_equal(get("Sum").kernel(x, axis=(1, 2)), x.sum((1, 2)))
