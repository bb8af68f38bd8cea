"""W9: every batch-1 inference mode gives numpy's logits before it is timed."""
import numpy as np

from graphflow.bench import w9_infer
from graphflow.bench.w3_mlp import W3, initial_params


def test_every_w9_mode_agrees_with_numpy_and_is_timed():
    rows = w9_infer.run(repeat=1)
    by_mode = {r.mode: r for r in rows}
    assert set(by_mode) == {"numpy", "eager", "graph-interpreted", "graph-compiled", "function",
                            w9_infer.KERAS_CALL, w9_infer.KERAS_PREDICT}
    for mode, r in by_mode.items():
        assert r.status == "ok", (mode, r.note)
        assert r.agrees is (None if mode == "numpy" else True) and r.case == "batch=1"
    assert by_mode["graph-compiled"].kernels is not None


def test_the_keras_model_holds_the_w3_weights():
    params = initial_params(W3)
    model = w9_infer.keras_model(params)
    x = w9_infer.sample()
    np.testing.assert_allclose(np.asarray(model(x)), w9_infer.numpy_forward(params, x), rtol=1e-5, atol=1e-5)
