"""The programs of complex_programs.py (spectrograms, FFT convolution, stft round trip, real losses
through complex parts) against TensorFlow's recorded value and gradient, in the three modes of
test_namespace_programs.py: eagerly with a tape, in a TF1 graph with gf.gradients, in gf.function."""
from __future__ import annotations

import json
import os

import numpy as np
import pytest

from . import test_namespace_programs as runners
from .complex_programs import PROGRAMS

DATA = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", "tf_reference", "complex_programs.json")
with open(DATA) as _f:
    RECORDED = json.load(_f)["programs"]


@pytest.mark.parametrize("mode", sorted(runners.MODES))
@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_complex_program_matches_tensorflow(name, mode):
    rec = RECORDED[name]
    value, grad = runners.MODES[mode](PROGRAMS[name][1], np.asarray(rec["input"], np.float32))
    np.testing.assert_allclose(value, np.asarray(rec["value"]), rtol=2e-4, atol=2e-4, err_msg=f"{name} [{mode}] value")
    np.testing.assert_allclose(grad, np.asarray(rec["grad"]), rtol=2e-3, atol=2e-3, err_msg=f"{name} [{mode}] gradient")
