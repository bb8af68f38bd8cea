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


def test_the_numpy_fallback_transforms_give_scipys_numbers(monkeypatch):
    """Without scipy the kernels are numpy.fft's: the same definitions, cropping and padding."""
    import graphflow as gf
    from graphflow.ops import spectral
    x = np.random.default_rng(3).standard_normal((3, 10)).astype(np.float32)
    calls = [lambda: gf.signal.rfft(x, [8]), lambda: gf.signal.irfft(gf.signal.rfft(x), [12]),
             lambda: gf.signal.fft2d(gf.complex(x, x)), lambda: gf.signal.ifftnd(gf.complex(x, x), [4], [0])]
    with_scipy = [c().numpy() for c in calls]
    monkeypatch.setattr(spectral, "_BACKEND", [np.fft])
    for want, call in zip(with_scipy, calls):
        got = call().numpy()
        assert got.dtype == want.dtype
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
