"""Compiled kernels compute every member in its op's dtype: int32 arithmetic wraps as in eager
mode and TF, even when the result is cast to float before it is stored."""
import numpy as np
import pytest

import graphflow as gf

from .compiled import run_both


def test_function_cast_of_int32_square_wraps_on_every_call():
    f = gf.function(lambda x: gf.cast(x * x, gf.float32))
    x = gf.constant(np.array([65536, -2**31, 46341], np.int32))
    want = gf.cast(x * x, gf.float32).numpy()          # eager: wraps modulo 2**32
    np.testing.assert_array_equal(want, [0, 0, np.float32(np.int32(46341 * 46341 - 2**32))])
    for _ in range(3):                                  # second call on runs the compiled plan
        np.testing.assert_array_equal(f(x).numpy(), want)


@pytest.mark.parametrize("dtype,values", [
    ("int32", [2**31 - 1, -2**31, 65536, -7]),
    ("int8", [127, -128, 100, -3]),
    ("uint8", [255, 0, 200, 3]),
])
def test_compiled_integer_ops_wrap_like_the_reference(dtype, values):
    xv = np.array(values, dtype)
    g = gf.Graph()
    with g.as_default():
        x = gf.compat.v1.placeholder(gf.as_dtype(dtype), (4,))
        fetches = [gf.cast(x * x, gf.float64), gf.cast(x + x, gf.float64), gf.cast(x - (x + x), gf.float64),
                   gf.cast(gf.square(x) + x, gf.float32)]
        if dtype != "uint8":
            fetches += [gf.cast(gf.abs(x), gf.float64), gf.cast(-x, gf.float64)]
    got, want, _ = run_both(fetches, [x], [xv])
    for a, b in zip(got, want):
        np.testing.assert_array_equal(a, b)
