"""Gradients of random smooth float64 programs match central finite differences, eagerly (tape)
and in a compiled gf.function (second call). Size: GRAPHFLOW_FUZZ_EXAMPLES // 3 programs."""
import numpy as np
import pytest
from hypothesis import given, seed, settings
from hypothesis import strategies as st

import graphflow as gf

from .conftest import EXAMPLES, SEED

pytestmark = pytest.mark.filterwarnings("ignore")


def _positive(x):
    return gf.math.softplus(x) + 0.5


# smooth everywhere on their (shifted) domain: no kinks, so finite differences are meaningful
UNARY = [gf.negative, gf.square, gf.sin, gf.cos, gf.tanh, gf.sigmoid, gf.math.erf, gf.math.softplus,
         lambda x: gf.exp(gf.tanh(x)), lambda x: gf.math.log(_positive(x)), lambda x: gf.sqrt(_positive(x)),
         lambda x: gf.math.rsqrt(_positive(x)), lambda x: gf.math.reciprocal(_positive(x)),
         lambda x: gf.math.log1p(_positive(x)), lambda x: gf.math.expm1(gf.tanh(x)),
         lambda x: gf.nn.softmax(x), lambda x: gf.nn.log_softmax(x), lambda x: gf.pow(_positive(x), 1.5),
         lambda x: gf.reduce_sum(x, axis=-1, keepdims=True) * x, lambda x: gf.reduce_mean(x) + x,
         lambda x: gf.matmul(x, x, transpose_b=True) if len(x.shape) == 2 else x * 2.0,
         lambda x: gf.transpose(x), lambda x: gf.concat([x, x * 0.5], axis=-1)[..., : x.shape[-1]]]
BINARY = [gf.add, gf.subtract, gf.multiply, gf.math.squared_difference,
          lambda a, b: a / _positive(b), lambda a, b: gf.pow(_positive(a), gf.tanh(b))]


@st.composite
def smooth_programs(draw):
    shape = draw(st.sampled_from([(3,), (2, 3), (3, 3), (1, 4)]))
    rng = np.random.default_rng(draw(st.integers(0, 2**31 - 1)))
    inputs = [rng.standard_normal(shape) for _ in range(draw(st.integers(1, 2)))]
    steps = [(draw(st.booleans()), draw(st.integers(0, 99)), draw(st.integers(0, 99)))
             for _ in range(draw(st.integers(1, 5)))]
    weights = rng.standard_normal(shape)
    return inputs, steps, weights


def _loss(xs, steps, weights):
    pool = list(xs)
    for binary, k, j in steps:
        a = pool[-1]
        if binary:
            pool.append(BINARY[k % len(BINARY)](a, pool[j % len(pool)]))
        else:
            out = UNARY[k % len(UNARY)](a)
            pool.append(out if tuple(out.shape) == tuple(a.shape) else a)
    return gf.reduce_sum(pool[-1] * weights)


def _finite_differences(inputs, steps, weights, h=1e-6):
    grads = []
    for i, x in enumerate(inputs):
        g = np.zeros_like(x)
        for idx in np.ndindex(x.shape):
            vals = []
            for sign in (1, -1):
                xs = [a.copy() for a in inputs]
                xs[i][idx] += sign * h
                vals.append(float(_loss([gf.constant(a) for a in xs], steps, weights).numpy()))
            g[idx] = (vals[0] - vals[1]) / (2 * h)
        grads.append(g)
    return grads


def _tape(xs, steps, weights):
    with gf.GradientTape() as tape:
        for x in xs:
            tape.watch(x)
        loss = _loss(xs, steps, weights)
    return [gf.zeros_like(x) if g is None else g for x, g in zip(xs, tape.gradient(loss, xs))]


@seed(SEED)
@settings(settings.get_profile("fuzz"), max_examples=max(5, EXAMPLES // 3))
@given(prog=smooth_programs())
def test_gradients_match_finite_differences(prog):
    inputs, steps, weights = prog
    want = _finite_differences(inputs, steps, weights)
    eager = _tape([gf.constant(a) for a in inputs], steps, weights)
    f = gf.function(lambda *xs: _tape(list(xs), steps, weights))
    args = [gf.constant(a) for a in inputs]
    for got in [eager, f(*args), f(*args)]:
        for g, w in zip(got, want):
            np.testing.assert_allclose(g.numpy(), w, rtol=1e-5, atol=1e-6 * (1 + np.abs(w).max()))
