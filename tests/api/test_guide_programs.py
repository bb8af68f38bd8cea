"""The guide-style programs of tests/api/guide_programs.py on graphflow, against what TensorFlow
2.21 returned for them (tests/data/api_programs/guide_programs.json, recorded by
tools/tfref/record_guide_programs.py).

Each program is what a new user writes after one of TensorFlow's guides; it runs eagerly (and
uses gf.function itself where the guide does). Every output leaf must have TensorFlow's dtype,
shape and value (floats to float32 tolerance), Python values (trace counts, error class names)
must be equal.
"""
from __future__ import annotations

import json
import os

import pytest

import graphflow as gf

from .guide_programs import GUIDE_PROGRAMS
from .test_api_programs import assert_outputs

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning", "ignore::UserWarning")

DATA = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", "api_programs", "guide_programs.json")
with open(DATA) as _f:
    RECORDED = json.load(_f)["programs"]

# Programs that need what graphflow does not have (docs/tf2_api.md lists it): recorded all the
# same, so they turn into passing tests once it exists. name -> (exception raised now, why).
MISSING = {"ragged_tensors": (AttributeError, "graphflow has no tf.RaggedTensor / tf.ragged"),
           "sparse_dataset": (TypeError, "tf.data elements cannot be SparseTensors in graphflow")}


def _params():
    return [pytest.param(name, marks=pytest.mark.xfail(raises=MISSING[name][0], strict=True, reason=MISSING[name][1]))
            if name in MISSING else name for name in sorted(GUIDE_PROGRAMS)]


@pytest.mark.parametrize("name", _params())
def test_guide_program_matches_tensorflow(name):
    assert_outputs(GUIDE_PROGRAMS[name](gf), RECORDED[name], name)


def test_every_guide_program_was_recorded():
    assert sorted(RECORDED) == sorted(GUIDE_PROGRAMS)
