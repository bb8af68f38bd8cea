"""tf.signal's transforms: graphflow (scipy.fft and numpy.fft kernels) against TensorFlow, in one run.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/spectral.py [--rounds 3]

Workloads: the magnitude stft of four 16000-sample signals (frames of 512 every 128), eagerly and
under tf.function / gf.function; a frequency-domain blur of eight 64x64 images (fft2d, ifft2d) under
tf.function; and the eager tape gradient of sum(|rfft(x)|). Rounds interleave the variants and
TensorFlow (a subprocess: $GRAPHFLOW_PEER_PYTHON_TENSORFLOW, one intra-op thread); each cell is the
best CPU time per call over the rounds, with the load average printed. This is the benchmark behind
ops/spectral.py's choice of scipy.fft over numpy.fft.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np

MARKER = "SPECTRAL_ROWS "


def workloads(tf):
    x = tf.constant(np.random.default_rng(0).standard_normal((4, 16000)).astype(np.float32))
    images = tf.constant(np.random.default_rng(1).standard_normal((8, 64, 64)).astype(np.float32))

    def stft(s):
        return tf.abs(tf.signal.stft(s, 512, 128))

    def blur(im):
        z = tf.signal.fft2d(tf.complex(im, tf.zeros_like(im)))
        return tf.math.real(tf.signal.ifft2d(z * tf.cast(0.5, tf.complex64)))

    def rfft_gradient(s):
        with tf.GradientTape() as tape:
            tape.watch(s)
            loss = tf.reduce_sum(tf.abs(tf.signal.rfft(s)))
        return tape.gradient(loss, s)

    return {"stft eager": (stft, x), "stft function": (tf.function(stft), x),
            "fft2d blur function": (tf.function(blur), images), "rfft gradient eager": (rfft_gradient, x)}


def best_ms(fn, arg, calls=10, repeats=5) -> float:
    for _ in range(3):
        fn(arg)
    best = float("inf")
    for _ in range(repeats):
        t0 = time.process_time()
        for _ in range(calls):
            fn(arg)
        best = min(best, (time.process_time() - t0) / calls)
    return 1e3 * best


def graphflow_row(backend: str, loads: dict) -> dict:
    from graphflow.ops import spectral
    spectral._BACKEND[:] = [np.fft] if backend == "numpy.fft" else []
    return {name: best_ms(fn, arg) for name, (fn, arg) in loads.items()}


def tensorflow_row() -> dict | None:
    python = os.environ.get("GRAPHFLOW_PEER_PYTHON_TENSORFLOW")
    if python is None:
        return None
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", TF_ENABLE_ONEDNN_OPTS="0", TF_NUM_INTRAOP_THREADS="1",
               TF_NUM_INTEROP_THREADS="1")
    proc = subprocess.run([python, os.path.abspath(__file__), "--as-tensorflow"], capture_output=True, text=True,
                          env=env, timeout=900)
    for line in proc.stdout.splitlines():
        if line.startswith(MARKER):
            return json.loads(line[len(MARKER):])
    raise RuntimeError(f"TensorFlow run failed: {proc.stderr.strip()[-300:]}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--as-tensorflow", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.as_tensorflow:
        import tensorflow as tf
        print(MARKER + json.dumps({name: best_ms(fn, arg) for name, (fn, arg) in workloads(tf).items()}))
        return
    load_before = os.getloadavg()
    import graphflow as gf
    loads = workloads(gf)
    best: dict = {}
    for _ in range(args.rounds):
        rows = {"graphflow, scipy.fft": graphflow_row("scipy.fft", loads),
                "graphflow, numpy.fft": graphflow_row("numpy.fft", loads)}
        tf_row = tensorflow_row()
        if tf_row is not None:
            rows["TensorFlow (1 thread)"] = tf_row
        for variant, cells in rows.items():
            for name, ms in cells.items():
                best[(variant, name)] = min(best.get((variant, name), float("inf")), ms)
    load_after = os.getloadavg()
    variants = list(dict.fromkeys(v for v, _ in best))
    names = list(dict.fromkeys(n for _, n in best))
    print(f"best CPU ms per call over {args.rounds} interleaved rounds; load average before "
          f"{load_before[0]:.2f}, after {load_after[0]:.2f} ({os.cpu_count()} cores)")
    print(f"{'workload':22}" + "".join(f"{v:>24}" for v in variants))
    for n in names:
        print(f"{n:22}" + "".join(f"{best[(v, n)]:24.3f}" for v in variants))


if __name__ == "__main__":
    sys.exit(main())
