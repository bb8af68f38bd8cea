"""W8: Keras LSTM(128) forward + backward on float32 (32, T, 64) (BENCHMARKS.md, raised targets).

loss = sum of the layer's output (the last step's h); the unit of work is the loss and the
gradients of the kernel, recurrent kernel and bias. Weights and input come from
peers/peer_common.py (the peers use the same), and every mode must reproduce its float64 numpy
forward/backward (`lstm_numpy`) before it is timed. Modes: numpy (the reference), eager
(GradientTape), function (gf.function of the same) and keras-compiled (one train_on_batch step,
SGD lr 1 with the weights restored first, the gradient read back from the update).

Cases T=50 and T=200: time and memory must grow linearly with the sequence (the recurrent layers
run as one loop op with O(T) reserve buffers, docs/keras.md). Each graphflow row also records the
peak of numpy allocations during one step (tracemalloc) as `peak_mb`.
"""
from __future__ import annotations

import tracemalloc

import numpy as np

from .modes import Mode, run_modes
from .peers import peer_common as pc
from .row import EAGER, FUNCTION, KERAS_COMPILED, NUMPY, Row

WORKLOAD = "W8"
DESCRIPTION = "Keras LSTM(128) forward + backward, batch 32, 64 features, T steps (time per step)"
STEPS = (50, 200)
RTOL, ATOL = pc.LSTM_RTOL, pc.LSTM_ATOL


def _layer(keras, timesteps, params):
    layer = keras.layers.LSTM(pc.LSTM_UNITS)
    layer.build((pc.LSTM_BATCH, timesteps, pc.LSTM_FEATURES))
    layer.set_weights(params)
    return layer


def _tape_step(gf, layer, x):
    with gf.GradientTape() as tape:
        loss = gf.reduce_sum(layer(x))
    return [loss] + tape.gradient(loss, [layer.kernel, layer.recurrent_kernel, layer.bias])


def _numpy_of(values):
    return [np.asarray(v) for v in values]


def eager_mode(timesteps, params, x_np):
    import graphflow as gf
    layer, x = _layer(gf.keras, timesteps, params), gf.constant(x_np)
    return lambda: _numpy_of(_tape_step(gf, layer, x))


def function_mode(timesteps, params, x_np):
    import graphflow as gf
    layer, x = _layer(gf.keras, timesteps, params), gf.constant(x_np)
    step = gf.function(lambda x: _tape_step(gf, layer, x))
    return lambda: _numpy_of(step(x))


def keras_mode(timesteps, params, x_np):
    """One compiled train step; SGD(lr=1) moves each weight by -grad/batch (Keras averages the
    per-sample losses), so the gradient is (before - after) * batch."""
    import graphflow as gf
    keras = gf.keras
    model = keras.Sequential([keras.Input((timesteps, pc.LSTM_FEATURES)), keras.layers.LSTM(pc.LSTM_UNITS)])
    model.set_weights(params)
    model.compile(optimizer=keras.optimizers.SGD(1.0), loss=lambda y, out: gf.reduce_sum(out, axis=-1))
    target = np.zeros((pc.LSTM_BATCH, pc.LSTM_UNITS), np.float32)
    batch = np.float32(pc.LSTM_BATCH)

    def step():
        model.set_weights(params)
        loss = model.train_on_batch(x_np, target)
        after = model.get_weights()
        return [np.float32(loss) * batch] + [(p - a) * batch for p, a in zip(params, after)]
    return step


def peak_mb(fn) -> float:
    """Peak MB of traced allocations (numpy arrays included) during one call of `fn`."""
    fn()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        fn()
        return tracemalloc.get_traced_memory()[1] / 2 ** 20
    finally:
        tracemalloc.stop()


def run_case(timesteps: int, repeat: int, max_time: float = 10.0) -> list[Row]:
    params, x_np = pc.lstm_params(), pc.lstm_input(timesteps)
    fns = {NUMPY: lambda: pc.lstm_numpy(params, x_np)}
    for name, make in ((EAGER, eager_mode), (FUNCTION, function_mode), (KERAS_COMPILED, keras_mode)):
        fns[name] = make(timesteps, params, x_np)
    # the float64 numpy reference is the agreement oracle, seconds per call (33 s at T=200 under
    # load): called once, not timed in rounds with the others
    modes = [Mode(name, fn, framework="numpy" if name == NUMPY else "graphflow",
                  compiles=name in (FUNCTION, KERAS_COMPILED), timed=name != NUMPY) for name, fn in fns.items()]
    # one warm-up call: the float64 numpy reference alone takes seconds per call on a busy machine
    rows = run_modes(WORKLOAD, modes, case=f"T={timesteps}", repeat=repeat, warmup=1, rtol=RTOL, atol=ATOL,
                     max_time=max_time)
    for r in rows:
        if r.timed and r.framework == "graphflow":
            r.extra["peak_mb"] = peak_mb(fns[r.mode])
            r.note = r.note or f"peak {r.extra['peak_mb']:.1f} MB"
    return rows


def run(size: int | None = None, repeat: int | None = None, quick: bool = False) -> list[Row]:
    """size: the number of timesteps (default: 50 and 200; quick: 50)."""
    steps = (int(size),) if size else STEPS[:1] if quick else STEPS
    rows: list[Row] = []
    for t in steps:
        rows += run_case(t, repeat or (5 if quick else 20))
    return rows
