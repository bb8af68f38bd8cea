"""Why keras.layers.RNN routes a built-in cell to its layer's fused sequence op, and why ConvLSTM
convolves every timestep's input at once: one training step (forward and backward in one
gf.function) of each form beside the per-step chain it replaces, in one-thread CPU time, the two
forms interleaved round by round in one process.

    RNN(LSTMCell(64)) fused             vs  RNN(StackedRNNCells([LSTMCell(64)])) (the per-step chain)
    ConvLSTM2D(8, 3, 'same') (one conv) vs  RNN(ConvLSTMCell(2, 8, 3, 'same')) (a conv per step),
    compiled and eager; BENCH_VIDEO=B,T,H,W,C sets the video's shape (default 4,10,16,16,4)

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE GRAPHFLOW_THREADING=off OPENBLAS_NUM_THREADS=1 \\
        NUMBA_NUM_THREADS=1 python benchmarks/rnn_cell_paths.py [--rounds 5]
"""
from __future__ import annotations

import argparse
import os
import time

import numpy as np

import graphflow as gf
from graphflow.keras_api.layers.conv_lstm import ConvLSTMCell

L = gf.keras.layers


def train_step(layer, x, compiled=True):
    layer(x)
    weights = layer.trainable_weights

    def step(x):
        with gf.GradientTape() as tape:
            loss = gf.reduce_sum(gf.square(layer(x)))
        return tape.gradient(loss, weights)
    step = gf.function(step) if compiled else step
    return lambda: step(x)


def cpu_ms(step, per=5):
    c0 = time.process_time()
    for _ in range(per):
        step()
    return (time.process_time() - c0) / per * 1e3


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    rng = np.random.default_rng(0)
    seq = gf.constant(rng.standard_normal((16, 50, 32)).astype("float32"))
    video_shape = tuple(int(v) for v in os.environ.get("BENCH_VIDEO", "4,10,16,16,4").split(","))
    video = gf.constant(rng.standard_normal(video_shape).astype("float32"))
    pairs = {
        "LSTM cell (16, 50, 32) -> 64": (train_step(L.RNN(L.LSTMCell(64)), seq),
                                         train_step(L.RNN(L.StackedRNNCells([L.LSTMCell(64)])), seq)),
        f"ConvLSTM2D {video_shape} -> 8": (train_step(L.ConvLSTM2D(8, 3, padding="same"), video),
                                           train_step(L.RNN(ConvLSTMCell(2, 8, 3, padding="same")), video)),
        f"eager ConvLSTM2D {video_shape} -> 8": (
            train_step(L.ConvLSTM2D(8, 3, padding="same"), video, compiled=False),
            train_step(L.RNN(ConvLSTMCell(2, 8, 3, padding="same")), video, compiled=False)),
    }
    print(f"threading={os.environ.get('GRAPHFLOW_THREADING')} load={os.getloadavg()}")
    for name, (fast, slow) in pairs.items():
        for _ in range(3):
            fast(), slow()
        a, b = [], []
        for _ in range(rounds):       # interleaved: both see the same load
            a.append(cpu_ms(fast))
            b.append(cpu_ms(slow))
        print(f"{name:44s} new form {np.median(a):8.2f} ms  per-step chain {np.median(b):8.2f} ms  "
              f"ratio {np.median(b) / np.median(a):5.2f}x (min {min(b) / min(a):5.2f}x)")


if __name__ == "__main__":
    main()
