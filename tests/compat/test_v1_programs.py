"""Every TF1 program of v1_programs.py, run on `graphflow.compat.v1` (imported as TF1 programs
import TensorFlow), must give what TensorFlow 2.21 recorded: losses, weights, variable names."""
from __future__ import annotations

import numpy as np
import pytest

import graphflow.compat.v1 as tf

from .recorded import assert_matches, assert_program_matches, recorded
from .v1_programs import PROGRAMS

STATISTICAL = {"initializer_statistics"}


@pytest.fixture(autouse=True)
def tf1_behavior():
    tf.disable_v2_behavior()
    yield
    tf.enable_v2_behavior()


@pytest.mark.parametrize("program", sorted(set(PROGRAMS) - STATISTICAL))
def test_program_matches_tensorflow(program):
    assert_program_matches(program, PROGRAMS[program](tf))


# Random initializers draw from another stream than TensorFlow's: compare the statistics of a
# 400x300 sample (mean, std, min, max) with tolerances a sample that size meets; the extremes of
# unbounded distributions are random, so they are only required to be beyond 3.5 standard deviations.
UNBOUNDED = {"random_normal", "variance_scaling_fan_avg_untruncated", "orthogonal"}


def test_initializer_statistics_match_tensorflow():
    got = PROGRAMS["initializer_statistics"](tf)
    want = recorded("initializer_statistics")
    assert sorted(got) == sorted(want)
    for key in sorted(want):
        if not key.endswith("/stats"):
            assert_matches(want[key], got[key], key, atol=1e-6)
            continue
        name = key.split("/")[0]
        (w_mean, w_std, w_min, w_max), (g_mean, g_std, g_min, g_max) = want[key]["array"], got[key]
        assert abs(g_mean - w_mean) < 0.02 * w_std + 1e-4, (key, g_mean, w_mean)
        assert abs(g_std - w_std) < 0.02 * w_std, (key, g_std, w_std)
        if name in UNBOUNDED:
            assert g_min < g_mean - 3.5 * g_std and g_max > g_mean + 3.5 * g_std, (key, g_min, g_max)
        else:
            assert abs(g_min - w_min) < 0.02 * w_std and abs(g_max - w_max) < 0.02 * w_std, (key, (g_min, g_max),
                                                                                            (w_min, w_max))
    np.testing.assert_allclose(got["orthogonal_small_rows_orthonormal"], np.eye(3), atol=1e-5)
