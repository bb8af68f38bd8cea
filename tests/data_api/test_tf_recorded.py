"""gf.data against TensorFlow 2.21: every program of tools/tfref/data_programs.py run by graphflow
gives the elements (order, values, dtypes, shapes), element_spec and cardinality TF recorded in
tests/data/data/tf_data.json (recorder: tools/tfref/record_data.py)."""
from __future__ import annotations

import collections
import importlib.util
import json
import os

import numpy as np
import pytest

import graphflow as gf

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RECORDED = json.load(open(os.path.join(ROOT, "tests", "data", "data", "tf_data.json")))


def _load_programs():
    path = os.path.join(ROOT, "tools", "tfref", "data_programs.py")
    spec = importlib.util.spec_from_file_location("tfref_data_programs", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


programs = _load_programs()


def encode_spec(spec):
    if isinstance(spec, dict):
        return {"dict": {k: encode_spec(v) for k, v in spec.items()}}
    if isinstance(spec, tuple):
        return {"tuple": [encode_spec(v) for v in spec]}
    return {"shape": None if spec.shape.dims is None else list(spec.shape.dims), "dtype": spec.dtype.name}


def assert_element(got, want, where):
    if "dict" in want:
        assert isinstance(got, dict) and sorted(got) == sorted(want["dict"]), where
        for k in want["dict"]:
            assert_element(got[k], want["dict"][k], f"{where}[{k!r}]")
    elif "tuple" in want:
        assert isinstance(got, tuple) and len(got) == len(want["tuple"]), where
        for i, (g, w) in enumerate(zip(got, want["tuple"])):
            assert_element(g, w, f"{where}[{i}]")
    else:
        arr = np.asarray(got)
        assert arr.dtype.name == want["dtype"], f"{where}: dtype {arr.dtype.name}, TF {want['dtype']}"
        assert list(arr.shape) == want["shape"], f"{where}: shape {arr.shape}, TF {want['shape']}"
        np.testing.assert_allclose(arr, np.asarray(want["value"], dtype=arr.dtype), rtol=1e-6, err_msg=where)


@pytest.mark.parametrize("name", sorted(programs.PROGRAMS))
def test_program_matches_tensorflow(name):
    want = RECORDED["programs"][name]
    ds = programs.PROGRAMS[name](gf)
    assert encode_spec(ds.element_spec) == want["element_spec"]
    assert int(ds.cardinality()) == want["cardinality"]
    got = list(ds.as_numpy_iterator())
    assert len(got) == len(want["elements"]), f"{name}: {len(got)} elements, TF {len(want['elements'])}"
    for i, (g, w) in enumerate(zip(got, want["elements"])):
        assert_element(g, w, f"{name} element {i}")


@pytest.mark.parametrize("name", sorted(programs.CARDINALITY_ONLY))
def test_cardinality_matches_tensorflow(name):
    assert int(programs.CARDINALITY_ONLY[name](gf).cardinality()) == RECORDED["cardinality"][name]


def test_cardinality_constants_are_tensorflows():
    assert gf.data.INFINITE_CARDINALITY == -1 and gf.data.UNKNOWN_CARDINALITY == -2
    assert gf.data.experimental.INFINITE_CARDINALITY == -1 and gf.data.AUTOTUNE == -1


@pytest.mark.parametrize("name", sorted(programs.SHUFFLES))
def test_seeded_shuffle_is_a_permutation_per_epoch_like_tensorflows(name):
    """graphflow's stream is numpy's, not TF's Philox: the order differs, the multiset per epoch does not."""
    want = RECORDED["shuffles"][name]
    got = [int(x) for x in programs.SHUFFLES[name](gf).as_numpy_iterator()]
    assert len(got) == len(want)
    assert collections.Counter(got) == collections.Counter(want)


# TensorFlow converts a float a generator yields into an int32 component by truncating it
# (1.5 -> 1); graphflow refuses the lossy conversion with InvalidArgumentError instead.
STRICTER_THAN_TF = {"generator_wrong_dtype": ("iterate", "InvalidArgumentError")}


@pytest.mark.parametrize("name", sorted(programs.ERRORS))
def test_error_class_and_stage_match_tensorflow(name):
    want = RECORDED["errors"][name]
    stage, error = STRICTER_THAN_TF.get(name, (want["stage"], want["error"]))
    expected = {"InvalidArgumentError": gf.errors.InvalidArgumentError, "ValueError": ValueError,
                "TypeError": TypeError}[error]
    if stage == "build":
        with pytest.raises(expected):
            programs.ERRORS[name](gf)
        return
    ds = programs.ERRORS[name](gf)
    with pytest.raises(expected):
        list(ds.as_numpy_iterator())
