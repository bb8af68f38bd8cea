"""The programs of tests/api/programs.py on graphflow, against what TensorFlow 2.21 returned for them
(tests/data/api_programs/programs.json, recorded by tools/tfref/record_api_programs.py).

Each program runs eagerly, as a TF1 graph run by a Session and inside gf.function (as MODES allows);
every output leaf must have TensorFlow's dtype, shape and value (floats to float32 tolerance), and
the raising programs must raise TensorFlow's exception class (eagerly; at build or run in graphs).
"""
from __future__ import annotations

import json
import os

import numpy as np
import pytest

import graphflow as gf
from graphflow import errors

from .programs import MODES, PROGRAMS, PROGRAMS_RAISING, encode

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")

DATA = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", "api_programs", "programs.json")
with open(DATA) as _f:
    RECORDED = json.load(_f)


def _is_tensor(x):
    return isinstance(x, (gf.Tensor, gf.Operation))


def run_eager(fn):
    return fn(gf)


def run_graph(fn):
    graph = gf.Graph()
    with graph.as_default():
        outputs = fn(gf)
        flat = {k: gf.nest.flatten(v) for k, v in outputs.items()}
        tensors = [x for leaves in flat.values() for x in leaves if _is_tensor(x)]
        init = gf.compat.v1.global_variables_initializer()
    with gf.compat.v1.Session(graph=graph) as sess:
        sess.run(init)
        values = iter(sess.run(tensors) if tensors else [])
    return {k: [next(values) if _is_tensor(x) else x for x in leaves] for k, leaves in flat.items()}


def run_function(fn):
    """The program traced by gf.function: tensors come back as its outputs, Python values as traced."""
    python = {}

    def body():
        outputs = fn(gf)
        flat = {k: gf.nest.flatten(v) for k, v in outputs.items()}
        python.update(flat)
        return [x for leaves in flat.values() for x in leaves if _is_tensor(x)]
    values = iter(gf.function(body)())
    return {k: [next(values) if _is_tensor(x) else x for x in leaves] for k, leaves in python.items()}


RUN = {"eager": run_eager, "graph": run_graph, "function": run_function}


def assert_leaf(got, want, what):
    got = encode(got)
    if "py" in want:
        assert "py" in got, f"{what}: expected the Python value {want['py']!r}, got a tensor {got}"
        if isinstance(want["py"], float):
            assert got["py"] == pytest.approx(want["py"], rel=1e-6), what
        else:
            assert got["py"] == want["py"], f"{what}: {got['py']!r} != TensorFlow's {want['py']!r}"
        return
    assert "dtype" in got, f"{what}: expected a tensor, got the Python value {got['py']!r}"
    assert got["dtype"] == want["dtype"], f"{what}: dtype {got['dtype']} != TensorFlow's {want['dtype']}"
    assert got["shape"] == want["shape"], f"{what}: shape {got['shape']} != TensorFlow's {want['shape']}"
    if want["dtype"].startswith("float"):
        g = np.array([np.nan if v is None else v for v in got["value"]], np.float64)
        w = np.array([np.nan if v is None else v for v in want["value"]], np.float64)
        np.testing.assert_allclose(g, w, rtol=2e-5, atol=2e-6, equal_nan=True, err_msg=what)
    else:
        assert got["value"] == want["value"], f"{what}: {got['value']} != TensorFlow's {want['value']}"


def _params(table):
    return [pytest.param(name, mode, id=f"{name}-{mode}") for name in sorted(table) for mode in MODES[name]]


def assert_outputs(got: dict, want: dict, name: str, suffix: str = "") -> None:
    """A program's outputs against TensorFlow's recorded ones, leaf by leaf."""
    assert sorted(got) == sorted(want), f"{name}: outputs {sorted(got)} != TensorFlow's {sorted(want)}"
    for key in want:
        leaves = gf.nest.flatten(got[key])
        assert len(leaves) == len(want[key]), f"{name}/{key}{suffix}: {len(leaves)} leaves, TF has {len(want[key])}"
        for i, (g, w) in enumerate(zip(leaves, want[key])):
            assert_leaf(g, w, f"{name}/{key}[{i}]{suffix}")


@pytest.mark.parametrize("name,mode", _params(PROGRAMS))
def test_program_matches_tensorflow(name, mode):
    assert_outputs(RUN[mode](PROGRAMS[name]), RECORDED["programs"][name], name, f" [{mode}]")


@pytest.mark.parametrize("name,mode", _params(PROGRAMS_RAISING))
def test_program_raises_like_tensorflow(name, mode):
    want = RECORDED["raising"][name]
    cls = getattr(errors, want, None) or {"ValueError": ValueError, "TypeError": TypeError}[want]
    if mode == "eager":
        with pytest.raises(cls):
            run_eager(PROGRAMS_RAISING[name])
    else:
        with pytest.raises((cls, ValueError, TypeError, errors.OpError)):
            run_graph(PROGRAMS_RAISING[name])


def test_every_program_was_recorded():
    assert sorted(RECORDED["programs"]) == sorted(PROGRAMS)
    assert sorted(RECORDED["raising"]) == sorted(PROGRAMS_RAISING)
