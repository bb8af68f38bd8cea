"""gf.keras exposes the tf.keras names, as attributes and as importable modules."""
import importlib

import graphflow as gf


def test_the_public_names_resolve():
    keras = gf.keras
    for name in ("layers.Dense", "layers.Conv2D", "layers.LSTM", "Sequential", "Model", "Input", "optimizers.Adam",
                 "optimizers.schedules.ExponentialDecay", "losses.SparseCategoricalCrossentropy",
                 "metrics.SparseCategoricalAccuracy", "callbacks.EarlyStopping", "initializers.GlorotUniform",
                 "datasets.digits.load_data", "datasets.mnist.load_data", "utils.set_random_seed",
                 "utils.to_categorical", "models.load_model", "backend.clear_session", "backend.floatx",
                 "regularizers.L2", "activations.relu"):
        obj = keras
        for part in name.split("."):
            obj = getattr(obj, part)
        assert obj is not None, name


def test_keras_submodules_import_like_tensorflow_keras():
    layers = importlib.import_module("graphflow.keras.layers")
    assert layers.Dense is gf.keras.layers.Dense
    from graphflow.keras import optimizers
    assert optimizers.Adam is gf.keras.optimizers.Adam


def test_to_categorical_makes_one_hot_rows():
    out = gf.keras.utils.to_categorical([0, 2, 1], 3)
    assert out.tolist() == [[1, 0, 0], [0, 0, 1], [0, 1, 0]] and out.dtype.name == "float32"


def test_set_random_seed_seeds_python_numpy_and_graphflow():
    import random

    import numpy as np
    gf.keras.utils.set_random_seed(5)
    a = (random.random(), np.random.rand(), float(gf.random.uniform([])))
    gf.keras.utils.set_random_seed(5)
    assert (random.random(), np.random.rand(), float(gf.random.uniform([]))) == a
