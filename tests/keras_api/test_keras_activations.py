"""Keras 3's activations (celu, glu, hard_shrink, ..., sparsemax, threshold) against real Keras:
values and gradients through a Dense layer (tools/tfref/activation_programs.py), eagerly and in
gf.function, and the names Dense(activation="...") takes and writes in its config."""
import importlib.util
import json
import pathlib

import numpy as np
import pytest

import graphflow as gf

ROOT = pathlib.Path(__file__).resolve().parents[2]
REC = json.loads((ROOT / "tests" / "data" / "keras_activations.json").read_text())["cases"]


def _programs():
    path = ROOT / "tools" / "tfref" / "activation_programs.py"
    spec = importlib.util.spec_from_file_location("activation_programs", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


P = _programs()


@pytest.mark.parametrize("case", sorted(REC))
def test_activation_matches_keras(case):
    got = P.run(gf, case)
    for key in ("out", "dx", "dkernel"):
        np.testing.assert_allclose(got[key], REC[case][key], rtol=1e-5, atol=1e-5, err_msg=key)
    if "config_activation" in REC[case]:
        assert got["config_activation"] == REC[case]["config_activation"]


@pytest.mark.parametrize("name", ["mish", "sparsemax", "glu", "soft_shrink"])
def test_activation_in_gf_function(name):
    fn = gf.keras.activations.get(name)
    x = gf.constant(P.SEEDS)     # (4, 6): glu halves the last axis
    np.testing.assert_allclose(gf.function(fn)(x), fn(x), rtol=1e-6, atol=1e-6)


def test_glu_needs_an_even_axis():
    with pytest.raises(ValueError, match="even"):
        gf.keras.activations.glu(gf.constant(P.X))
