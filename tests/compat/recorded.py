"""Compare a TF1 program's results on graphflow with TensorFlow's recorded ones
(tests/data/compat_v1/programs.json, written by tools/tfref/record_compat_v1.py)."""
from __future__ import annotations

import json
import os

import numpy as np

DATA = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", "compat_v1", "programs.json")


def recorded(program: str) -> dict:
    with open(DATA) as f:
        return json.load(f)["programs"][program]


def assert_matches(expected, actual, where="", rtol=2e-4, atol=2e-5):
    """Arrays: same dtype and shape, values within tolerance; everything else: equal."""
    if isinstance(expected, dict) and "array" in expected:
        want = np.asarray(expected["array"], dtype=expected["dtype"])
        got = np.asarray(actual)
        assert str(got.dtype) == expected["dtype"], f"{where}: dtype {got.dtype}, TensorFlow {expected['dtype']}"
        assert got.shape == want.shape, f"{where}: shape {got.shape}, TensorFlow {want.shape}"
        if want.dtype.kind == "f":
            np.testing.assert_allclose(got, want, rtol=rtol, atol=atol, err_msg=where)
        else:
            np.testing.assert_array_equal(got, want, err_msg=where)
    elif isinstance(expected, list):
        actual = list(actual)
        assert len(actual) == len(expected), f"{where}: {len(actual)} items, TensorFlow {len(expected)}"
        for i, (e, a) in enumerate(zip(expected, actual)):
            assert_matches(e, a, f"{where}[{i}]", rtol, atol)
    elif isinstance(expected, float):
        np.testing.assert_allclose(float(actual), expected, rtol=rtol, atol=atol, err_msg=where)
    else:
        assert _plain(actual) == expected, f"{where}: {actual!r}, TensorFlow {expected!r}"


def _plain(v):
    if isinstance(v, (np.bool_, np.integer)):
        return v.item()
    if isinstance(v, tuple):
        return [_plain(x) for x in v]
    if isinstance(v, list):
        return [_plain(x) for x in v]
    return v


def assert_program_matches(program: str, results: dict, skip_keys=(), **tolerance):
    """Every recorded value of `program` (but `skip_keys`) against `results`, keys included."""
    want = recorded(program)
    assert sorted(results) == sorted(want), (f"{program}: keys differ; only graphflow: "
                                             f"{sorted(set(results) - set(want))}, only TensorFlow: "
                                             f"{sorted(set(want) - set(results))}")
    for key in sorted(want):
        if key not in skip_keys:
            assert_matches(want[key], results[key], f"{program}:{key}", **tolerance)
