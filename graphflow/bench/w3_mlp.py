"""W3: one MLP training step, 64-128-128-10, relu, mean sparse softmax cross-entropy, batch 256,
SGD lr 0.1 (BENCHMARKS.md). W4 runs the same code at 784-1024-1024-10, batch 512.

A step is forward + backward + update. Modes: hand-written numpy; graphflow eager (GradientTape);
a TF1 graph (placeholders, GradientDescentOptimizer.minimize, Session) interpreted and through
the default pipeline; gf.function when it exists. Before timing, every mode trains three steps
from the same He-normal weights (np.random.RandomState(0)) and must reach numpy's weights.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np

import graphflow as gf

from .modes import Mode, run_modes
from .row import EAGER, FUNCTION, GRAPH_COMPILED, GRAPH_INTERPRETED, NUMPY, Row
from .stats import session_stats

WORKLOAD = "W3"
DESCRIPTION = "MLP 64-128-128-10 training step, batch 256, SGD (time per step)"
LR = 0.1
CHECK_STEPS = 3
LIMIT = "limit: matmuls alone"


@dataclass(frozen=True)
class MLPConfig:
    sizes: tuple = (64, 128, 128, 10)
    batch: int = 256

    @property
    def case(self) -> str:
        return f"{'-'.join(map(str, self.sizes))} batch={self.batch}"


@dataclass
class Trainer:
    """One mode's training loop: `step()` trains one step and returns the loss before it."""
    step: Callable
    weights: Callable              # () -> list of arrays
    stats: Optional[Callable] = None


W3 = MLPConfig()
W4 = MLPConfig((784, 1024, 1024, 10), 512)


def initial_params(cfg: MLPConfig) -> list[np.ndarray]:
    """[W1, b1, W2, b2, W3, b3]: He-normal weights from RandomState(0), zero biases, float32."""
    rng = np.random.RandomState(0)
    params = []
    for fan_in, fan_out in zip(cfg.sizes[:-1], cfg.sizes[1:]):
        params.append((rng.standard_normal((fan_in, fan_out)) * np.sqrt(2.0 / fan_in)).astype(np.float32))
        params.append(np.zeros(fan_out, np.float32))
    return params


def batch(cfg: MLPConfig) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.RandomState(1)
    x = rng.standard_normal((cfg.batch, cfg.sizes[0])).astype(np.float32)
    y = rng.randint(0, cfg.sizes[-1], cfg.batch).astype(np.int32)
    return x, y


# ---- numpy, hand-written ------------------------------------------------------------------------------

def numpy_step(params, x, y, lr=LR):
    """One SGD step in place on `params`; returns the loss before the update."""
    w1, b1, w2, b2, w3, b3 = params
    h1 = x @ w1 + b1
    a1 = np.maximum(h1, 0)
    h2 = a1 @ w2 + b2
    a2 = np.maximum(h2, 0)
    logits = a2 @ w3 + b3
    shifted = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    total = e.sum(axis=1, keepdims=True)
    n = len(y)
    loss = np.mean(np.log(total[:, 0]) - shifted[np.arange(n), y])
    d_logits = e / total
    d_logits[np.arange(n), y] -= 1
    d_logits /= n
    d_a2 = d_logits @ w3.T
    d_h2 = np.where(h2 > 0, d_a2, 0)
    d_a1 = d_h2 @ w2.T
    d_h1 = np.where(h1 > 0, d_a1, 0)
    grads = [x.T @ d_h1, d_h1.sum(0), a1.T @ d_h2, d_h2.sum(0), a2.T @ d_logits, d_logits.sum(0)]
    for p, g in zip(params, grads):
        p -= np.float32(lr) * g
    return loss


# ---- graphflow -----------------------------------------------------------------------------------------

def forward_loss(params, x, y):
    """The model in graphflow ops (the same code runs eagerly, in graphs and in gf.function)."""
    w1, b1, w2, b2, w3, b3 = params
    a1 = gf.nn.relu(gf.matmul(x, w1) + b1)
    a2 = gf.nn.relu(gf.matmul(a1, w2) + b2)
    logits = gf.matmul(a2, w3) + b3
    return gf.reduce_mean(gf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))


def tape_step(variables, x, y, lr=LR):
    """One SGD step with GradientTape; returns the loss before the update."""
    with gf.GradientTape() as tape:
        loss = forward_loss(variables, x, y)
    for v, g in zip(variables, tape.gradient(loss, variables)):
        v.assign_sub(g * lr)
    return loss


def eager_trainer(cfg: MLPConfig) -> Trainer:
    with gf.eager_mode():
        variables = [gf.Variable(p) for p in initial_params(cfg)]
        x_np, y_np = batch(cfg)
        x, y = gf.constant(x_np), gf.constant(y_np)

    def step():
        with gf.eager_mode():
            return tape_step(variables, x, y).numpy()
    return Trainer(step, lambda: [v.numpy() for v in variables])


def session_trainer(cfg: MLPConfig, optimize: bool) -> Trainer:
    """A TF1 graph: placeholders, GradientDescentOptimizer.minimize, Session.run."""
    graph = gf.Graph()
    with graph.as_default():
        x = gf.compat.v1.placeholder(gf.float32, [None, cfg.sizes[0]], name="x")
        y = gf.compat.v1.placeholder(gf.int32, [None], name="y")
        variables = [gf.Variable(p) for p in initial_params(cfg)]
        loss = forward_loss(variables, x, y)
        train = gf.compat.v1.train.GradientDescentOptimizer(LR).minimize(loss)
        init = gf.compat.v1.global_variables_initializer()
    sess = gf.compat.v1.Session(graph=graph, optimize=optimize)
    sess.run(init)
    x_np, y_np = batch(cfg)
    feed = {x: x_np, y: y_np}

    def step():
        return sess.run([loss, train], feed)[0]
    return Trainer(step, lambda: sess.run(variables), lambda: session_stats(sess))


def function_trainer(cfg: MLPConfig) -> Trainer:
    """gf.function over the tape step; raises NotImplementedError until gf.function exists."""
    function = getattr(gf, "function", None)
    if function is None:
        raise NotImplementedError("gf.function not available yet")
    with gf.eager_mode():
        variables = [gf.Variable(p) for p in initial_params(cfg)]
        x_np, y_np = batch(cfg)
        x, y = gf.constant(x_np), gf.constant(y_np)
    compiled = function(lambda a, b: tape_step(variables, a, b))

    def step():
        with gf.eager_mode():
            return compiled(x, y).numpy()
    return Trainer(step, lambda: [v.numpy() for v in variables])


def matmul_limit(cfg: MLPConfig) -> Callable:
    """The step's matmuls alone, in numpy/BLAS on preallocated outputs: the floor for any mode.

    Forward: three; backward: two input gradients (the first layer's is never needed) and three
    weight gradients. BENCHMARKS.md's W4 target is 1.05x this, measured in the same run.
    """
    params = initial_params(cfg)
    x, _ = batch(cfg)
    w1, _, w2, _, w3, _ = params
    n = cfg.batch
    h1, h2 = np.empty((n, cfg.sizes[1]), np.float32), np.empty((n, cfg.sizes[2]), np.float32)
    logits = np.empty((n, cfg.sizes[3]), np.float32)
    d_a2, d_a1 = np.empty_like(h2), np.empty_like(h1)
    g1, g2, g3 = np.empty_like(w1), np.empty_like(w2), np.empty_like(w3)

    def step():
        np.matmul(x, w1, out=h1)
        np.matmul(h1, w2, out=h2)
        np.matmul(h2, w3, out=logits)
        np.matmul(logits, w3.T, out=d_a2)
        np.matmul(d_a2, w2.T, out=d_a1)
        np.matmul(x.T, d_a1, out=g1)
        np.matmul(h1.T, d_a2, out=g2)
        np.matmul(h2.T, logits, out=g3)
        return None
    return step


def numpy_trainer(cfg: MLPConfig) -> Trainer:
    params = initial_params(cfg)
    x, y = batch(cfg)
    return Trainer(lambda: numpy_step(params, x, y), lambda: [p.copy() for p in params])


# ---- the workload ----------------------------------------------------------------------------------

def _trainers(cfg: MLPConfig) -> dict:
    """Fresh trainers, each from the same initial weights: name -> factory()."""
    return {NUMPY: lambda: numpy_trainer(cfg), EAGER: lambda: eager_trainer(cfg),
            GRAPH_INTERPRETED: lambda: session_trainer(cfg, optimize=False),
            GRAPH_COMPILED: lambda: session_trainer(cfg, optimize=True),
            FUNCTION: lambda: function_trainer(cfg)}


def check_agreement(cfg: MLPConfig, steps: int = CHECK_STEPS, rtol: float = 1e-4, atol: float = 1e-5) -> dict:
    """Train `steps` steps in every mode; {mode: None if its weights match numpy's, else why}."""
    results, reference = {}, None
    for name, factory in _trainers(cfg).items():
        try:
            trainer = factory()
            for _ in range(steps):
                trainer.step()
            got = trainer.weights()
        except (NotImplementedError, ImportError) as e:
            results[name] = f"unavailable: {e}"
            continue
        if reference is None:
            reference = got
            results[name] = None
            continue
        bad = [i for i, (a, b) in enumerate(zip(got, reference)) if not np.allclose(a, b, rtol=rtol, atol=atol)]
        results[name] = None if not bad else f"parameters {bad} differ from numpy after {steps} steps"
    return results


def run_config(cfg: MLPConfig, workload: str, repeat: int, max_time: float = 10.0) -> list[Row]:
    agreement = check_agreement(cfg)
    modes = []
    for name, factory in _trainers(cfg).items():
        problem = agreement.get(name)
        if problem and not problem.startswith("unavailable"):
            def broken(problem=problem):
                raise AssertionError(problem)
            modes.append(Mode(name, broken))
            continue
        try:
            trainer = factory()
        except (NotImplementedError, ImportError) as e:
            def missing(e=e):
                raise NotImplementedError(str(e))
            modes.append(Mode(name, missing))
            continue
        modes.append(Mode(name, trainer.step, framework="numpy" if name == NUMPY else "graphflow",
                          compiles=name in (GRAPH_COMPILED, FUNCTION), stats=trainer.stats))
    modes.append(Mode(LIMIT, matmul_limit(cfg), framework="numpy", check=False))
    rows = run_modes(workload, modes, case=cfg.case, repeat=repeat, rtol=1e-4, atol=1e-5, max_time=max_time)
    limit = next((r for r in rows if r.mode == LIMIT and r.timed), None)
    for r in rows:
        if r.timed and limit is not None and r.mode != LIMIT:
            r.extra["vs_matmul_limit"] = r.median_s / limit.median_s
            r.note = r.note or f"{r.extra['vs_matmul_limit']:.2f}x the matmul limit"
    return rows


def run(size: int | None = None, repeat: int | None = None, quick: bool = False) -> list[Row]:
    """size: the batch (default 256)."""
    cfg = MLPConfig(W3.sizes, int(size or W3.batch))
    return run_config(cfg, WORKLOAD, repeat or (20 if quick else 100))
