"""Gradients through the untaken branch of `where` match TensorFlow's, in every mode.

`where(x > 0, sqrt(x), 0)` at x <= 0: TensorFlow's gradient is 0 (its SqrtGrad kernel returns 0
for a zero upstream gradient), while log, pow and division keep their NaN. The expected values
were recorded from TensorFlow by tools/tfref/record_untaken_branch_gradients.py. Graph modes run
every case of a dtype in one graph, so the compiled modes cost a few kernels, not one per case.
"""
import os

import numpy as np
import pytest

import graphflow as gf

from .untaken_branch_cases import CASES, SPECIAL

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")

REF = np.load(os.path.join(os.path.dirname(__file__), "..", "data", "tf_untaken_branch_gradients.npz"))
DTYPES = ("float32", "float64")
NAMES = sorted(CASES)

# TensorFlow artefacts graphflow does not copy: (case, dtype, what) -> indices of SPECIAL to skip
KNOWN_DIFFERENCES = {
    ("erf", "float64", "value"): [3],          # TF's float64 erf(inf) is NaN; graphflow's is 1
    # d/dx prod at x = inf: TF multiplies exclusive cumulative products (inf); graphflow divides the
    # product by x (inf / inf = NaN)
    ("reduce_prod", "float32", "grad"): [3],
    ("reduce_prod", "float64", "grad"): [3],
}


def _check(name, dtype, what, got):
    want = REF[f"{name}/{dtype}/{what}"]
    keep = np.ones(want.shape, bool)
    keep[KNOWN_DIFFERENCES.get((name, dtype, what), [])] = False
    # float32: tanh(4) one ulp apart gives 1 - tanh**2 a relative error of 1e-4; float64: TF's gelu
    # rounds its constants through float32 (see test_tf_gradient_parity). What matters here is
    # 0 versus NaN, which any tolerance tells apart.
    rtol, atol = (2e-4, 1e-6) if dtype == "float32" else (1e-7, 1e-300)
    np.testing.assert_allclose(np.asarray(got)[keep], want[keep], rtol=rtol, atol=atol,
                               err_msg=f"{name} {dtype} {what}")


def _value_and_grad(fn, x):
    with gf.GradientTape() as tape:
        tape.watch(x)
        y = fn(gf, x)
    return y, tape.gradient(y, x)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", NAMES)
def test_eager_gradient_through_untaken_branch_matches_tf(name, dtype):
    y, g = _value_and_grad(CASES[name], gf.constant(SPECIAL.astype(dtype)))
    _check(name, dtype, "value", y.numpy())
    _check(name, dtype, "grad", g.numpy())


@pytest.mark.parametrize("optimize", [False, True], ids=["reference", "compiled"])
@pytest.mark.parametrize("dtype", DTYPES)
def test_graph_gradients_through_untaken_branch_match_tf(dtype, optimize, monkeypatch):
    monkeypatch.setenv("GRAPHFLOW_JIT_AFTER", "1")
    graph = gf.Graph()
    with graph.as_default():
        x = gf.compat.v1.placeholder(gf.as_dtype(dtype), SPECIAL.shape)
        fetches = []
        for name in NAMES:
            y = CASES[name](gf, x)
            fetches += [y, gf.gradients(y, x)[0]]
    with gf.compat.v1.Session(graph=graph, optimize=optimize) as sess:
        got = sess.run(fetches, feed_dict={x: SPECIAL.astype(dtype)})
    for i, name in enumerate(NAMES):
        _check(name, dtype, "value", got[2 * i])
        _check(name, dtype, "grad", got[2 * i + 1])


@pytest.mark.parametrize("dtype", DTYPES)
def test_function_gradients_through_untaken_branch_match_tf(dtype):
    @gf.function
    def all_cases(x):
        return [_value_and_grad(CASES[name], x) for name in NAMES]

    x = gf.constant(SPECIAL.astype(dtype))
    for _ in range(2):                 # the second call runs the compiled plan
        for name, (y, g) in zip(NAMES, all_cases(x)):
            _check(name, dtype, "value", y.numpy())
            _check(name, dtype, "grad", g.numpy())
