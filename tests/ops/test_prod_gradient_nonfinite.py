"""reduce_prod's gradient with zeros and infinities, against TF 2.21's recorded gradients
(recorded with GradientTape on the same inputs; TF multiplies running products instead of dividing,
so inf inputs give inf, not nan). Eagerly and through gf.function."""
import json
import pathlib

import numpy as np
import pytest

import graphflow as gf

RECORDED = json.loads((pathlib.Path(__file__).parents[1] / "data" / "tf_prod_grad_nonfinite.json").read_text())


def _gradient(x, axis):
    with gf.GradientTape() as tape:
        tape.watch(x)
        y = gf.reduce_prod(x, axis=axis)
    return tape.gradient(y, x)


@pytest.mark.parametrize("name", sorted(RECORDED))
def test_prod_gradient_matches_tensorflow(name):
    case = RECORDED[name]
    want = np.array([float(v) for v in case["grad"]], np.float32).reshape(case["shape"])
    x = np.array(case["x"], np.float32)
    for got in (_gradient(gf.constant(x), case["axis"]),
                gf.function(lambda t: _gradient(t, case["axis"]))(x)):
        np.testing.assert_array_equal(np.asarray(got), want, err_msg=name)
