"""The programs of namespace_programs.py (sign-free losses over eigh/svd, the LU factors, sqrtm,
inverse_stft_window_fn) against TensorFlow's recorded value and gradient, eagerly with a tape, in a
TF1 graph with gf.gradients, and traced by gf.function."""
from __future__ import annotations

import json
import os

import numpy as np
import pytest

import graphflow as gf

from .namespace_programs import PROGRAMS

DATA = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", "tf_reference", "namespace_programs.json")
with open(DATA) as _f:
    RECORDED = json.load(_f)["programs"]


def _eager(fn, x):
    if x is None:
        return fn(gf, None).numpy(), None
    t = gf.constant(x)
    with gf.GradientTape() as tape:
        tape.watch(t)
        y = fn(gf, t)
    g = tape.gradient(y, t)
    return y.numpy(), None if g is None else g.numpy()


def _graph(fn, x):
    graph = gf.Graph()
    with graph.as_default():
        if x is None:
            y, grads, feed = fn(gf, None), [], {}
        else:
            p = gf.compat.v1.placeholder(gf.float32, x.shape)
            y = fn(gf, p)
            grads, feed = [g for g in gf.gradients(y, [p]) if g is not None], {p: x}
    with gf.compat.v1.Session(graph=graph) as sess:
        out = sess.run([y] + grads, feed_dict=feed)
    return out[0], (out[1] if grads else None)


def _function(fn, x):
    if x is None:
        return gf.function(lambda: fn(gf, None))().numpy(), None

    @gf.function
    def run(t):
        with gf.GradientTape() as tape:
            tape.watch(t)
            y = fn(gf, t)
        g = tape.gradient(y, t)
        return (y,) if g is None else (y, g)
    out = run(gf.constant(x))
    return out[0].numpy(), (out[1].numpy() if len(out) > 1 else None)


MODES = {"eager": _eager, "graph": _graph, "function": _function}


@pytest.mark.parametrize("mode", sorted(MODES))
@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_program_matches_tensorflow(name, mode):
    rec = RECORDED[name]
    fn = PROGRAMS[name][1]
    x = None if "input" not in rec else np.asarray(rec["input"], np.float32)
    want = np.asarray(rec["value"])
    value, grad = MODES[mode](fn, x)
    if rec.get("grad_error"):
        # TF's gradient registry has no entry (LookupError); graphflow declares the op
        # non-differentiable, so the gradient is None
        assert grad is None, f"{name} [{mode}]: TensorFlow has no gradient here, graphflow gave one"
    np.testing.assert_allclose(value, want, rtol=2e-4, atol=2e-4, err_msg=f"{name} [{mode}] value")
    if "grad" in rec:
        np.testing.assert_allclose(grad, np.asarray(rec["grad"]), rtol=2e-3, atol=2e-3,
                                   err_msg=f"{name} [{mode}] gradient")
