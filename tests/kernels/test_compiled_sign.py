"""The compiled Sign gives numpy's (and TF's) bits: +0 for -0.0, NaN for NaN (found by the
differential fuzzer: numba's np.sign kept the sign of -0.0)."""
import numpy as np
import pytest

import graphflow as gf

from .compiled import run_both


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_compiled_sign_of_signed_zero_and_nan_matches_the_reference(dtype):
    xv = np.array([-0.0, 0.0, np.nan, np.inf, -np.inf, -2.5, 3.0], dtype)
    g = gf.Graph()
    with g.as_default():
        x = gf.compat.v1.placeholder(gf.as_dtype(dtype), xv.shape)
        y = gf.sign(x * 1.0)
    (got,), (want,), _ = run_both([y], [x], [xv])
    np.testing.assert_array_equal(got, want)
    assert not np.signbit(got[:2]).any()
