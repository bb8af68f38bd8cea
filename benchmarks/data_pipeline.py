"""Input-pipeline throughput, graphflow's gf.data vs TensorFlow's tf.data in one run, and a Keras
fit epoch fed by a prefetched dataset vs by numpy arrays.

    python benchmarks/data_pipeline.py [--repeats 3] [--skip-fit] [--skip-tf]

The pipeline is issue 14's: from_tensor_slices of 60k 28x28 uint8 images (+ int64 labels) ->
map(cast, normalise, random horizontal flip) -> shuffle(10k) -> batch(128) -> prefetch.
"per-element" maps each image (as written in most guides); "vectorised" applies the same
augmentation to whole batches (shuffle -> batch -> map), TensorFlow's own performance advice.
TensorFlow runs in a subprocess of /work/tfvenv/bin/python (OPENBLAS_* overrides unset), one
framework at a time; each figure is the best of `--repeats` full epochs after one warm-up epoch.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np

N, SIDE, BATCH, SHUFFLE = 60000, 28, 128, 10000
TF_PYTHON = "/work/tfvenv/bin/python"


def images():
    rng = np.random.RandomState(0)
    return rng.randint(0, 256, (N, SIDE, SIDE)).astype(np.uint8), rng.randint(0, 10, N).astype(np.int64)


def pipelines(tf, x, y, autotune):
    def augment(image, label):
        v = (tf.cast(image, tf.float32) / 255.0 - 0.1307) / 0.3081
        return tf.where(tf.random.uniform([]) < 0.5, v[:, ::-1], v), label

    def augment_batch(batch, labels):
        v = (tf.cast(batch, tf.float32) / 255.0 - 0.1307) / 0.3081
        flip = tf.random.uniform(tf.stack([tf.shape(v)[0], 1, 1])) < 0.5
        return tf.where(flip, v[:, :, ::-1], v), labels

    source = tf.data.Dataset.from_tensor_slices((x, y))
    return {
        "per-element": lambda: source.map(augment).shuffle(SHUFFLE).batch(BATCH).prefetch(autotune),
        "per-element, parallel map": lambda: source.map(augment, num_parallel_calls=autotune).shuffle(
            SHUFFLE).batch(BATCH).prefetch(autotune),
        "vectorised": lambda: source.shuffle(SHUFFLE).batch(BATCH).map(augment_batch).prefetch(autotune),
    }


def throughput(make, repeats) -> float:
    """Elements per second: the best of `repeats` full passes after a warm-up pass."""
    ds = make()
    best = 0.0
    for i in range(repeats + 1):
        start, count = time.perf_counter(), 0
        for _, labels in ds:
            count += int(labels.shape[0])
        rate = count / (time.perf_counter() - start)
        if i:
            best = max(best, rate)
    return best


def run_pipelines(framework: str, repeats: int) -> dict:
    if framework == "tensorflow":
        import tensorflow as tf
        autotune = tf.data.AUTOTUNE
    else:
        import graphflow as tf
        autotune = tf.data.AUTOTUNE
    x, y = images()
    return {name: throughput(make, repeats) for name, make in pipelines(tf, x, y, autotune).items()}


def fit_epochs(repeats: int) -> dict:
    """ms per Keras fit epoch (MLP 784-128-10 on the 60k images): fed by arrays vs by a prefetched
    dataset of the same batches (already float32, unshuffled, so only the feeding differs)."""
    import graphflow as tf
    keras = tf.keras
    x, y = images()
    xf = (x.astype(np.float32) / 255.0).reshape(N, SIDE * SIDE)

    def model():
        keras.utils.set_random_seed(0)
        m = keras.Sequential([keras.Input((SIDE * SIDE,)), keras.layers.Dense(128, activation="relu"),
                              keras.layers.Dense(10)])
        m.compile(keras.optimizers.SGD(0.01), keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        return m

    feeds = {"arrays": lambda m: m.fit(xf, y, batch_size=BATCH, shuffle=False, epochs=1, verbose=0),
             "dataset": lambda m, ds=tf.data.Dataset.from_tensor_slices((xf, y)).batch(BATCH).prefetch(
                 tf.data.AUTOTUNE): m.fit(ds, epochs=1, verbose=0)}
    models = {name: model() for name in feeds}
    for name, feed in feeds.items():         # warm-up: trace and compile the step
        feed(models[name])
    times = {name: [] for name in feeds}
    for _ in range(repeats):                 # interleaved, so load changes hit both alike
        for name, feed in feeds.items():
            start = time.perf_counter()
            feed(models[name])
            times[name].append((time.perf_counter() - start) * 1e3)
    return {name: min(t) for name, t in times.items()}


def tensorflow_figures(repeats: int) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    env["TF_CPP_MIN_LOG_LEVEL"] = "3"
    out = subprocess.run([TF_PYTHON, __file__, "--tensorflow-only", "--repeats", str(repeats)], env=env,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--skip-fit", action="store_true")
    parser.add_argument("--skip-tf", action="store_true")
    parser.add_argument("--tensorflow-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.tensorflow_only:
        print(json.dumps(run_pipelines("tensorflow", args.repeats)))
        return
    print(f"load average before: {os.getloadavg()}")
    tf_rates = {} if args.skip_tf else tensorflow_figures(args.repeats)
    gf_rates = run_pipelines("graphflow", args.repeats)
    print(f"\n{'pipeline':<28}{'graphflow el/s':>16}{'tf.data el/s':>16}{'ratio':>8}")
    for name, rate in gf_rates.items():
        peer = tf_rates.get(name)
        ratio = f"{rate / peer:.2f}" if peer else "-"
        print(f"{name:<28}{rate:>16,.0f}{(peer or 0):>16,.0f}{ratio:>8}")
    if not args.skip_fit:
        fit = fit_epochs(args.repeats)
        print(f"\nKeras fit epoch (60k, batch {BATCH}): arrays {fit['arrays']:.0f} ms, prefetched dataset "
              f"{fit['dataset']:.0f} ms, ratio {fit['dataset'] / fit['arrays']:.2f}")
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    sys.exit(main())
