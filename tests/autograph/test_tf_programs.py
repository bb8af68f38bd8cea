"""The TF-guide-style programs of programs.py give TensorFlow 2.21's recorded outputs under
gf.function (converted by AutoGraph), and the same outputs when run eagerly."""
import json
import os

import numpy as np
import pytest

import graphflow as gf
from graphflow.graph.func_graph import flatten

from .programs import PROGRAMS

DATA = os.path.join(os.path.dirname(__file__), "..", "data", "autograph", "programs.json")
with open(DATA) as f:
    RECORDED = json.load(f)["programs"]


def _leaves(value) -> list:
    return [np.asarray(t.numpy() if hasattr(t, "numpy") else t) for t in flatten(value)]


def _check(name, outputs, check_dtypes=True):
    """Outputs equal TensorFlow's (dtypes too, except for eager runs, where a function may return a
    Python number that tf.function would have made a tensor)."""
    expected = RECORDED[name]
    assert set(outputs) == set(expected)
    for key, recorded in expected.items():
        got = _leaves(outputs[key])
        assert len(got) == len(recorded), f"{name}/{key}"
        for g, r in zip(got, recorded):
            if check_dtypes:
                assert g.dtype.name == r["dtype"], f"{name}/{key}: dtype {g.dtype.name}, TensorFlow {r['dtype']}"
            assert list(g.shape) == r["shape"], f"{name}/{key}: shape {g.shape}, TensorFlow {r['shape']}"
            np.testing.assert_allclose(g, np.asarray(r["value"], dtype=r["dtype"]), rtol=1e-5, atol=1e-6,
                                       err_msg=f"{name}/{key}")


def test_every_program_has_a_recording():
    assert set(PROGRAMS) == set(RECORDED)


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_program_matches_tensorflow_under_gf_function(name):
    _check(name, PROGRAMS[name](gf))


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_program_matches_tensorflow_when_run_eagerly(name):
    gf.config.run_functions_eagerly(True)
    try:
        _check(name, PROGRAMS[name](gf), check_dtypes=False)
    finally:
        gf.config.run_functions_eagerly(False)
