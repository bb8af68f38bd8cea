"""Random small Keras models: TF builds and saves weights; graphflow builds the same spec, loads them, compares."""

import importlib
import json
import os
import random
import sys

import numpy as np
from _common import OUT

mod, s0, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
tf = importlib.import_module(mod)
L = tf.keras.layers


def spec_for(rng):
    kind = rng.choice(["seq1d", "img", "vec"])
    layers = []
    if kind == "vec":
        shape = [rng.randint(2, 6)]
        for _ in range(rng.randint(1, 4)):
            c = rng.choice(
                [
                    "Dense",
                    "LayerNormalization",
                    "BatchNormalization",
                    "Dropout",
                    "Activation",
                    "GaussianNoise",
                    "UnitNormalization",
                ]
            )
            if c == "Dense":
                layers.append(
                    (
                        c,
                        {
                            "units": rng.randint(1, 5),
                            "activation": rng.choice(
                                [
                                    None,
                                    "relu",
                                    "tanh",
                                    "gelu",
                                    "softplus",
                                    "selu",
                                    "elu",
                                    "swish",
                                    "hard_sigmoid",
                                    "softsign",
                                    "leaky_relu",
                                ]
                            ),
                            "use_bias": rng.random() < 0.8,
                        },
                    )
                )
            elif c == "LayerNormalization":
                layers.append((c, {"epsilon": 1e-3, "center": rng.random() < 0.7, "scale": rng.random() < 0.7}))
            elif c == "BatchNormalization":
                layers.append((c, {"momentum": 0.9, "epsilon": 1e-3}))
            elif c == "Dropout":
                layers.append((c, {"rate": 0.3}))
            elif c == "Activation":
                layers.append(
                    (
                        c,
                        {
                            "activation": rng.choice(
                                ["sigmoid", "exponential", "relu6", "silu", "log_softmax", "softmax", "mish"]
                            )
                        },
                    )
                )
            elif c == "GaussianNoise":
                layers.append((c, {"stddev": 0.5}))
            else:
                layers.append((c, {"axis": -1}))
    elif kind == "seq1d":
        shape = [rng.randint(3, 8), rng.randint(1, 4)]
        for _ in range(rng.randint(1, 3)):
            c = rng.choice(
                [
                    "Conv1D",
                    "LSTM",
                    "GRU",
                    "SimpleRNN",
                    "MaxPooling1D",
                    "AveragePooling1D",
                    "Bidirectional",
                    "ZeroPadding1D",
                    "Cropping1D",
                    "UpSampling1D",
                    "SeparableConv1D",
                    "DepthwiseConv1D",
                    "Conv1DTranspose",
                ]
            )
            if c == "Conv1D":
                layers.append(
                    (
                        c,
                        {
                            "filters": rng.randint(1, 4),
                            "kernel_size": rng.randint(1, 3),
                            "padding": rng.choice(["valid", "same", "causal"]),
                            "strides": 1,
                            "dilation_rate": rng.choice([1, 2]),
                        },
                    )
                )
            elif c in ("LSTM", "GRU", "SimpleRNN"):
                layers.append(
                    (c, {"units": rng.randint(1, 4), "return_sequences": True, "go_backwards": rng.random() < 0.3})
                )
            elif c == "Bidirectional":
                layers.append(
                    (
                        c,
                        {
                            "layer": ("LSTM", {"units": 2, "return_sequences": True}),
                            "merge_mode": rng.choice(["concat", "sum", "mul", "ave"]),
                        },
                    )
                )
            elif c in ("MaxPooling1D", "AveragePooling1D"):
                layers.append((c, {"pool_size": 2, "padding": "same"}))
            elif c == "ZeroPadding1D":
                layers.append((c, {"padding": (1, 2)}))
            elif c == "Cropping1D":
                layers.append((c, {"cropping": (1, 0)}))
            elif c == "UpSampling1D":
                layers.append((c, {"size": 2}))
            elif c == "SeparableConv1D":
                layers.append((c, {"filters": 2, "kernel_size": 2, "padding": "same", "depth_multiplier": 2}))
            elif c == "DepthwiseConv1D":
                layers.append((c, {"kernel_size": 2, "padding": "same", "depth_multiplier": 2}))
            else:
                layers.append(
                    (
                        c,
                        {
                            "filters": 2,
                            "kernel_size": 3,
                            "strides": rng.choice([1, 2]),
                            "padding": rng.choice(["valid", "same"]),
                        },
                    )
                )
        layers.append((rng.choice(["GlobalAveragePooling1D", "GlobalMaxPooling1D", "Flatten"]), {}))
    else:
        shape = [rng.randint(4, 7), rng.randint(4, 7), rng.randint(1, 3)]
        for _ in range(rng.randint(1, 3)):
            c = rng.choice(
                [
                    "Conv2D",
                    "DepthwiseConv2D",
                    "SeparableConv2D",
                    "MaxPooling2D",
                    "AveragePooling2D",
                    "Conv2DTranspose",
                    "UpSampling2D",
                    "ZeroPadding2D",
                    "Cropping2D",
                    "BatchNormalization",
                    "LocallyConnected",
                ]
            )
            if c == "Conv2D":
                layers.append(
                    (
                        c,
                        {
                            "filters": rng.randint(1, 3),
                            "kernel_size": rng.choice([1, 2, 3]),
                            "strides": rng.choice([1, 2]),
                            "padding": rng.choice(["valid", "same"]),
                            "activation": rng.choice([None, "relu"]),
                        },
                    )
                )
            elif c == "DepthwiseConv2D":
                layers.append((c, {"kernel_size": 2, "padding": "same", "depth_multiplier": rng.choice([1, 2])}))
            elif c == "SeparableConv2D":
                layers.append((c, {"filters": 2, "kernel_size": 2, "padding": "same"}))
            elif c in ("MaxPooling2D", "AveragePooling2D"):
                layers.append(
                    (c, {"pool_size": 2, "strides": rng.choice([1, 2]), "padding": rng.choice(["valid", "same"])})
                )
            elif c == "Conv2DTranspose":
                layers.append(
                    (
                        c,
                        {
                            "filters": 2,
                            "kernel_size": 3,
                            "strides": rng.choice([1, 2]),
                            "padding": rng.choice(["valid", "same"]),
                        },
                    )
                )
            elif c == "UpSampling2D":
                layers.append((c, {"size": 2, "interpolation": rng.choice(["nearest", "bilinear"])}))
            elif c == "ZeroPadding2D":
                layers.append((c, {"padding": ((1, 0), (0, 2))}))
            elif c == "Cropping2D":
                layers.append((c, {"cropping": ((1, 0), (0, 1))}))
            elif c == "BatchNormalization":
                layers.append((c, {"axis": -1}))
        layers.append((rng.choice(["GlobalAveragePooling2D", "GlobalMaxPooling2D", "Flatten"]), {}))
    layers = [layer for layer in layers if layer[0] != "LocallyConnected"]
    layers.append(("Dense", {"units": 3}))
    return shape, layers


def make(layers_spec, shape):
    ls = [L.Input(shape)]
    for c, kw in layers_spec:
        kw = dict(kw)
        if c == "Bidirectional":
            ic, ikw = kw.pop("layer")
            ls.append(L.Bidirectional(getattr(L, ic)(**ikw), **kw))
        else:
            ls.append(getattr(L, c)(**kw))
    return tf.keras.Sequential(ls)


out = {}
for seed in range(s0, s0 + n):
    rng = random.Random(seed)
    shape, spec = spec_for(rng)
    x = np.random.RandomState(seed).standard_normal([3] + shape).astype(np.float32)
    try:
        tf.keras.utils.set_random_seed(seed) if hasattr(tf.keras.utils, "set_random_seed") else None
        m = make(spec, shape)
        if mod == "tensorflow":
            ws = m.get_weights()
            rs = np.random.RandomState(seed + 1)
            ws = [rs.uniform(-0.5, 0.5, w.shape).astype(w.dtype) if w.ndim else w for w in ws]
            # BN variance positive
            ws = [np.abs(w) + 0.1 if "variance" in v.name else w for w, v in zip(ws, m.weights)]
            np.savez(os.path.join(OUT, "keras_weights_%d.npz" % seed), *ws)
        else:
            d = np.load(os.path.join(OUT, "keras_weights_%d.npz" % seed))
            ws = [d["arr_%d" % i] for i in range(len(d.files))]
        m.set_weights(ws)
        out["%d_y" % seed] = m.predict(x, verbose=0)
        out["%d_call" % seed] = m(x, training=False).numpy()
        out["%d_nw" % seed] = np.array([len(m.weights), len(m.trainable_weights)])
        out["%d_shapes" % seed] = np.array(json.dumps([list(w.shape) for w in m.weights]))
    except Exception as e:
        out["%d_err" % seed] = np.array(
            type(e).__name__ + ": " + str(e).split("\n")[0][:200] + " | " + json.dumps(spec)
        )
np.savez(os.path.join(OUT, "keras_models_%s.npz" % mod), **out)
