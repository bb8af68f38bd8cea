"""Random graphs for semantics-preservation tests: a hypothesis strategy drawing small programs
of elementwise, broadcast, reduction, shape and matmul ops over a few placeholders and constants,
plus the patterns each pass rewrites (x*1, x+(-0), --x, pow(x, 2), x/4, transpose chains,
constant subgraphs, duplicate subexpressions).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from hypothesis import strategies as st

import graphflow as gf
from graphflow.passes.program import specialise

SHAPES = [(3, 4), (4,), (1, 4), (3, 1), ()]


@dataclass
class RandomGraph:
    graph: object
    feeds: list          # placeholders
    values: list         # arrays to feed
    fetches: list

    def program(self):
        return specialise(self.graph, self.fetches, [], self.feeds, [v.shape for v in self.values])


def _unary(x, k):
    ops = [gf.negative, gf.abs, gf.tanh, gf.sigmoid, gf.square, gf.nn.relu, gf.identity, gf.stop_gradient,
           lambda v: gf.exp(gf.tanh(v)), lambda v: gf.sqrt(gf.abs(v) + 1.0), lambda v: gf.negative(gf.negative(v)),
           lambda v: v * 1.0, lambda v: v + (-0.0), lambda v: gf.pow(v, 2.0), lambda v: v / 4.0,
           lambda v: gf.cast(gf.cast(v, gf.float64), gf.float32), lambda v: gf.math.softplus(v),
           lambda v: gf.erf(v), lambda v: gf.floor(v), lambda v: gf.log1p(gf.abs(v))]
    return ops[k % len(ops)](x)


def _binary(x, y, k):
    ops = [gf.add, gf.subtract, gf.multiply, gf.maximum, gf.minimum,
           lambda a, b: a / (gf.abs(b) + 1.0), lambda a, b: gf.where(gf.greater(a, b), a, b),
           lambda a, b: gf.squared_difference(a, b), lambda a, b: a * 2.0 + b * 0.5]
    return ops[k % len(ops)](x, y)


def _reduce(x, k, axis_pick):
    rank = len(x.shape)
    fns = [gf.reduce_sum, gf.reduce_mean, gf.reduce_max, gf.reduce_min]
    fn = fns[k % len(fns)]
    if rank == 0:
        return fn(x)
    axes = [None, 0, rank - 1, list(range(rank))][axis_pick % 4]
    return fn(x, axis=axes, keepdims=bool(k % 2))


@st.composite
def random_graphs(draw, max_ops: int = 12, dtype=gf.float32):
    seed = draw(st.integers(0, 2**16))
    rng = np.random.RandomState(seed)
    graph = gf.Graph()
    feeds, values = [], []
    with graph.as_default():
        pool = []
        for i in range(draw(st.integers(1, 3))):
            shape = draw(st.sampled_from(SHAPES))
            p = gf.compat.v1.placeholder(dtype, shape, name=f"p{i}")
            feeds.append(p)
            values.append(rng.standard_normal(shape).astype(dtype.as_numpy_dtype))
            pool.append(p)
        if draw(st.booleans()):
            c = gf.constant(rng.standard_normal((4,)).astype(dtype.as_numpy_dtype))
            pool.append(c * 2.0 + 1.0)        # a constant subgraph to fold
        for _ in range(draw(st.integers(1, max_ops))):
            kind = draw(st.sampled_from(["unary", "binary", "binary", "reduce", "shape", "dup"]))
            a = pool[draw(st.integers(0, len(pool) - 1))]
            k = draw(st.integers(0, 40))
            if kind == "unary":
                pool.append(_unary(a, k))
            elif kind == "binary":
                b = pool[draw(st.integers(0, len(pool) - 1))]
                try:
                    pool.append(_binary(a, b, k))
                except ValueError:            # shapes that do not broadcast
                    continue
            elif kind == "reduce":
                pool.append(_reduce(a, k, draw(st.integers(0, 3))))
            elif kind == "shape" and len(a.shape) == 2:
                t = gf.transpose(a)
                pool.append(gf.transpose(t) if k % 2 else gf.reshape(t, [-1]))
            elif kind == "dup":
                b = pool[draw(st.integers(0, len(pool) - 1))]
                try:
                    pool.append(gf.add(gf.multiply(a, b), gf.multiply(a, b)))
                except ValueError:
                    continue
        n_fetch = draw(st.integers(1, min(3, len(pool))))
        fetches = [pool[-1]] + [pool[draw(st.integers(0, len(pool) - 1))] for _ in range(n_fetch - 1)]
    return RandomGraph(graph, feeds, values, fetches)


def reference(rg: RandomGraph):
    from graphflow.graph.interpreter import InterpreterPlan
    with np.errstate(all="ignore"):
        return InterpreterPlan(rg.fetches, [], rg.feeds)(rg.values)


def run_program(prog, values):
    """Run an (optimised) Program with the reference kernels."""
    from graphflow.graph.interpreter import InterpreterPlan
    with np.errstate(all="ignore"):
        return InterpreterPlan(prog.outputs, prog.targets, prog.inputs)(values)


def assert_same(got, want, rtol=2e-5, atol=1e-5):
    assert len(got) == len(want)
    for g, w in zip(got, want):
        g, w = np.asarray(g), np.asarray(w)
        assert g.shape == w.shape, (g.shape, w.shape)
        assert g.dtype == w.dtype, (g.dtype, w.dtype)
        np.testing.assert_allclose(g, w, rtol=rtol, atol=atol, equal_nan=True)
