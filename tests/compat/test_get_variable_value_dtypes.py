"""compat.v1.get_variable with a value as initializer takes the value's own dtype, as TF 2.21 does
(checked by running the same program under TF: a Python int is int32, np.int64 int64, a float
float32, np.float64 float64, a bool bool, a list of ints int32, an int64 array int64), and keeps a
constraint."""
from __future__ import annotations

import numpy as np
import pytest

import graphflow as gf

v1 = gf.compat.v1
CASES = [(42, "int32"), (np.int64(42), "int64"), (0.5, "float32"), (np.float64(0.5), "float64"),
         (np.int32(3), "int32"), ([1, 2], "int32"), (np.array([1, 2]), "int64"), (True, "bool")]


@pytest.mark.parametrize("value,dtype", CASES, ids=[repr(c[0]) for c in CASES])
def test_an_initializer_value_keeps_its_dtype(value, dtype):
    with gf.Graph().as_default():
        assert v1.get_variable("v", initializer=value).dtype.name == dtype


def test_get_variable_keeps_its_constraint():
    clip = lambda x: gf.clip_by_value(x, 0.0, 1.0)  # noqa: E731
    with gf.Graph().as_default():
        assert v1.get_variable("w", shape=[2], constraint=clip).constraint is clip
