"""W9 serving beside its ONNX export: batch-1 inference of the MLP 64-128-128-10 (relu) in
graphflow (Session.run, gf.function, Keras __call__) and in onnxruntime running the file
gf.onnx.export wrote from the same weights. Prints the median microseconds per call of each
(modes interleaved in rounds, so machine load hits them alike) and the load average.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE PYTHONPATH=$PWD python benchmarks/onnx_serving.py [--calls 2000]
"""
from __future__ import annotations

import argparse
import os
import tempfile
import time

import numpy as np
import onnxruntime as ort

import graphflow as gf

SIZES = (64, 128, 128, 10)


def keras_model():
    keras = gf.keras
    keras.utils.set_random_seed(0)
    return keras.Sequential([keras.Input((SIZES[0],)), keras.layers.Dense(SIZES[1], activation="relu"),
                             keras.layers.Dense(SIZES[2], activation="relu"), keras.layers.Dense(SIZES[3])])


def session_mode(weights):
    """The TF1 graph of the same MLP, weights as variables, compiled by Session.run."""
    graph = gf.Graph()
    with graph.as_default():
        x = gf.compat.v1.placeholder(gf.float32, (1, SIZES[0]))
        h = x
        params = [gf.Variable(w) for w in weights]
        for i in range(0, len(params), 2):
            h = gf.matmul(h, params[i]) + params[i + 1]
            h = gf.nn.relu(h) if i + 2 < len(params) else h
        init = gf.compat.v1.global_variables_initializer()
    sess = gf.compat.v1.Session(graph=graph)
    sess.run(init)
    return lambda a: sess.run(h, {x: a})


def modes(model, path):
    serve = gf.function(lambda x: model(x, training=False),
                        input_signature=[gf.TensorSpec([None, SIZES[0]], gf.float32, name="x")])
    gf.onnx.export(model, path)
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    onnx_session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
    name = onnx_session.get_inputs()[0].name
    return {
        "Session.run": session_mode([w.numpy() for w in model.weights]),
        "gf.function": lambda a: serve(a).numpy(),
        "Keras __call__": lambda a: model(a).numpy(),
        "onnxruntime (1 thread)": lambda a: onnx_session.run(None, {name: a})[0],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000, help="timed calls per mode (default: %(default)s)")
    parser.add_argument("--rounds", type=int, default=10, help="interleaved rounds (default: %(default)s)")
    args = parser.parse_args()
    model = keras_model()
    x = np.random.RandomState(0).rand(1, SIZES[0]).astype(np.float32)
    with tempfile.TemporaryDirectory() as tmp:
        table = modes(model, os.path.join(tmp, "w9.onnx"))
        want = model(x).numpy()
        for name, fn in table.items():
            for _ in range(5):                           # compile, load kernels, warm caches
                got = fn(x)
            np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6, err_msg=name)
        load_before = os.getloadavg()
        per_call = {name: [] for name in table}
        n = max(args.calls // args.rounds, 1)
        for _ in range(args.rounds):
            for name, fn in table.items():
                t0 = time.perf_counter()
                for _ in range(n):
                    fn(x)
                per_call[name].append((time.perf_counter() - t0) / n)
        load_after = os.getloadavg()
    print(f"W9 MLP {'-'.join(map(str, SIZES))}, batch 1: median over {args.rounds} rounds of {n} calls")
    for name, times in per_call.items():
        print(f"  {name:24s} {1e6 * float(np.median(times)):8.1f} us  (min {1e6 * min(times):.1f})")
    print(f"load average before/after: {load_before[0]:.2f} / {load_after[0]:.2f} (1 min), "
          f"{os.cpu_count()} cores, onnxruntime {ort.__version__}")


if __name__ == "__main__":
    main()
