"""One harness over every layer (as Keras's run_layer_test): building, calling against a numpy
reference, the symbolic output shape, the config round trip, and gradients against central
finite differences. A new layer is covered by adding one LayerCase.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Callable

import breadth_cases
import numpy as np
import pytest

import graphflow as gf

keras = gf.keras
L = keras.layers


# ---- numpy references ---------------------------------------------------------------------------------

def np_conv2d(x, w, stride=1, padding="valid"):
    kh, kw = w.shape[:2]
    if padding == "same":
        ph, pw = kh - 1, kw - 1
        x = np.pad(x, ((0, 0), (ph // 2, ph - ph // 2), (pw // 2, pw - pw // 2), (0, 0)))
    n, h, wd, _ = x.shape
    oh, ow = (h - kh) // stride + 1, (wd - kw) // stride + 1
    out = np.zeros((n, oh, ow, w.shape[3]))
    for i in range(oh):
        for j in range(ow):
            patch = x[:, i * stride:i * stride + kh, j * stride:j * stride + kw, :]
            out[:, i, j, :] = np.tensordot(patch, w, axes=([1, 2, 3], [0, 1, 2]))
    return out


def np_pool(x, size, reduce):
    n, h, w, c = x.shape
    oh, ow = h // size, w // size
    win = x[:, :oh * size, :ow * size, :].reshape(n, oh, size, ow, size, c)
    return reduce(win, axis=(2, 4))


def np_dense(x, w):
    kernel, bias = w
    return x @ kernel + bias


def np_batchnorm_inference(x, w, eps=1e-3):
    gamma, beta, mean, var = w
    return (x - mean) / np.sqrt(var + eps) * gamma + beta


def np_layernorm(x, w, eps=1e-3):
    gamma, beta = w
    mean = x.mean(-1, keepdims=True)
    var = x.var(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * gamma + beta


def relu(x):
    return np.maximum(x, 0)


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def np_lstm(x, w, return_sequences=False):
    """Keras's LSTM: gates i, f, c, o."""
    kernel, recurrent, bias = w
    u = recurrent.shape[0]
    h, c, outs = np.zeros((len(x), u)), np.zeros((len(x), u)), []
    for t in range(x.shape[1]):
        z = x[:, t] @ kernel + h @ recurrent + bias
        i, f, g, o = sigmoid(z[:, :u]), sigmoid(z[:, u:2 * u]), np.tanh(z[:, 2 * u:3 * u]), sigmoid(z[:, 3 * u:])
        c = f * c + i * g
        h = o * np.tanh(c)
        outs.append(h)
    return np.stack(outs, 1) if return_sequences else h


def np_gru(x, w, go_backwards=False):
    """Keras's GRU with reset_after=True: gates z, r, h."""
    kernel, recurrent, bias = w
    u = recurrent.shape[0]
    h = np.zeros((len(x), u))
    steps = range(x.shape[1] - 1, -1, -1) if go_backwards else range(x.shape[1])
    for t in steps:
        mx, mh = x[:, t] @ kernel + bias[0], h @ recurrent + bias[1]
        z, r = sigmoid(mx[:, :u] + mh[:, :u]), sigmoid(mx[:, u:2 * u] + mh[:, u:2 * u])
        h = z * h + (1 - z) * np.tanh(mx[:, 2 * u:] + r * mh[:, 2 * u:])
    return h


def np_simple_rnn(x, w):
    kernel, recurrent, bias = w
    h = np.zeros((len(x), recurrent.shape[0]))
    for t in range(x.shape[1]):
        h = np.tanh(x[:, t] @ kernel + h @ recurrent + bias)
    return h


# ---- the layer list ------------------------------------------------------------------------------------

@dataclass
class LayerCase:
    id: str
    make: Callable                       # () -> Layer (float64, so finite differences are precise)
    input_shape: tuple                   # one sample; a list of shapes for merge layers
    reference: Callable                  # (inputs, weights) -> numpy output
    int_input: int = 0                   # > 0: integer ids below this value (Embedding)
    kwargs: dict = field(default_factory=dict)
    unpack: bool = False                 # call layer(*inputs) (MultiHeadAttention) instead of layer(inputs)
    differentiable: bool = True
    out_dtype: str = "float64"
    keras_weight_shapes: list | None = None   # recorded from Keras: same shapes in the same order
    keras_config: dict | None = None          # recorded from Keras: the same get_config keys
    built_at_init: bool = False               # Keras builds weightless layers in their constructor
    float32_math: bool = False                # computed in float32 (image resizing): float32 tolerance


F64 = {"dtype": "float64"}
CASES = [
    LayerCase("dense", lambda: L.Dense(3, **F64), (4,), lambda x, w: np_dense(x, w)),
    LayerCase("dense_relu_3d", lambda: L.Dense(2, activation="relu", **F64), (3, 4),
              lambda x, w: relu(np_dense(x, w))),
    LayerCase("dense_no_bias", lambda: L.Dense(2, use_bias=False, activation="tanh", **F64), (3,),
              lambda x, w: np.tanh(x @ w[0])),
    LayerCase("conv2d_valid", lambda: L.Conv2D(3, 3, **F64), (5, 5, 2),
              lambda x, w: np_conv2d(x, w[0]) + w[1]),
    LayerCase("conv2d_same_relu", lambda: L.Conv2D(2, (3, 3), padding="same", activation="relu", **F64), (4, 4, 1),
              lambda x, w: relu(np_conv2d(x, w[0], padding="same") + w[1])),
    LayerCase("conv2d_strided", lambda: L.Conv2D(2, 2, strides=2, **F64), (4, 4, 2),
              lambda x, w: np_conv2d(x, w[0], stride=2) + w[1]),
    LayerCase("max_pooling2d", lambda: L.MaxPooling2D(2, **F64), (4, 4, 2), lambda x, w: np_pool(x, 2, np.max)),
    LayerCase("average_pooling2d", lambda: L.AveragePooling2D(2, **F64), (4, 4, 2),
              lambda x, w: np_pool(x, 2, np.mean)),
    LayerCase("global_average_pooling2d", lambda: L.GlobalAveragePooling2D(**F64), (3, 3, 2),
              lambda x, w: x.mean(axis=(1, 2))),
    LayerCase("flatten", lambda: L.Flatten(**F64), (2, 3, 2), lambda x, w: x.reshape(len(x), -1)),
    LayerCase("reshape", lambda: L.Reshape((3, -1), **F64), (6,), lambda x, w: x.reshape(len(x), 3, 2)),
    LayerCase("dropout_inference", lambda: L.Dropout(0.5, **F64), (5,), lambda x, w: x),
    LayerCase("activation_sigmoid", lambda: L.Activation("sigmoid", **F64), (4,), lambda x, w: 1 / (1 + np.exp(-x))),
    LayerCase("activation_softmax", lambda: L.Activation("softmax", **F64), (4,),
              lambda x, w: np.exp(x) / np.exp(x).sum(-1, keepdims=True)),
    LayerCase("batch_normalization", lambda: L.BatchNormalization(**F64), (3,), np_batchnorm_inference),
    LayerCase("layer_normalization", lambda: L.LayerNormalization(**F64), (5,), np_layernorm),
    LayerCase("embedding", lambda: L.Embedding(7, 3, **F64), (4,), lambda x, w: w[0][x], int_input=7),
    LayerCase("lstm", lambda: L.LSTM(3, **F64), (4, 2), lambda x, w: np_lstm(x, w)),
    LayerCase("lstm_sequences", lambda: L.LSTM(2, return_sequences=True, **F64), (3, 2),
              lambda x, w: np_lstm(x, w, return_sequences=True)),
    LayerCase("gru_backwards", lambda: L.GRU(3, go_backwards=True, **F64), (4, 2),
              lambda x, w: np_gru(x, w, go_backwards=True)),
    LayerCase("simple_rnn", lambda: L.SimpleRNN(3, **F64), (3, 2), np_simple_rnn),
    LayerCase("concatenate", lambda: L.Concatenate(**F64), [(2,), (3,)], lambda x, w: np.concatenate(x, -1)),
    LayerCase("add", lambda: L.Add(**F64), [(3,), (3,)], lambda x, w: x[0] + x[1]),
]


def _recorded_cases() -> list:
    """The cases of breadth_cases.py, with real Keras 3's outputs as the reference."""
    import json
    data_dir = os.path.join(os.path.dirname(__file__), "..", "..", "data", "keras_breadth")
    with open(os.path.join(data_dir, "layers.json")) as f:
        meta = json.load(f)
    outputs = dict(np.load(os.path.join(data_dir, "layers.npz")))
    cases = []
    for rc in breadth_cases.CASES:
        def reference(x, w, key=rc.id):
            return outputs[f"{key}/output"]
        shape = rc.input_shape if isinstance(rc.input_shape, list) else tuple(rc.input_shape)
        cases.append(LayerCase(rc.id, lambda rc=rc: rc.make(L), shape, reference, int_input=rc.int_input,
                               unpack=rc.unpack, differentiable=rc.differentiable, out_dtype=rc.out_dtype,
                               keras_weight_shapes=meta[rc.id]["weight_shapes"],
                               keras_config=meta[rc.id].get("config"),
                               built_at_init=meta[rc.id].get("built_at_init", False),
                               float32_math=rc.float32_math))
    return cases


CASES += _recorded_cases()
IDS = [c.id for c in CASES]


def make_inputs(case, batch=2, seed=0):
    rng = np.random.default_rng(seed)
    if case.int_input:
        return rng.integers(0, case.int_input, (batch,) + case.input_shape)
    if isinstance(case.input_shape, list):
        return [rng.standard_normal((batch,) + s) for s in case.input_shape]
    return rng.standard_normal((batch,) + case.input_shape)


def randomize_weights(layer, seed=1):
    """Non-trivial weights (BatchNormalization's moving variance stays positive)."""
    rng = np.random.default_rng(seed)
    layer.set_weights([np.abs(rng.standard_normal(w.shape)) + 0.5 if "variance" in w.name
                       else rng.standard_normal(w.shape) for w in layer.weights])


def as_tensors(x):
    return [gf.constant(v) for v in x] if isinstance(x, list) else gf.constant(x)


def call(case, layer, x):
    return layer(*x) if case.unpack else layer(x)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_layer_builds_on_first_call_and_matches_numpy(case):
    layer = case.make()
    if not case.built_at_init:      # Keras builds weightless layers at construction
        assert not layer.built
    x = make_inputs(case)
    call(case, layer, as_tensors(x))
    assert layer.built
    if case.keras_weight_shapes is not None:
        assert [list(w.shape) for w in layer.weights] == case.keras_weight_shapes
    randomize_weights(layer)
    out = call(case, layer, as_tensors(x))
    expected = case.reference(x, layer.get_weights())
    assert out.dtype == gf.as_dtype(case.out_dtype)
    rtol, atol = (1e-5, 1e-6) if case.float32_math else (1e-6, 1e-8)
    np.testing.assert_allclose(out.numpy(), expected, rtol=rtol, atol=atol)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_layer_gives_the_eager_output_inside_gf_function(case):
    layer = case.make()
    x = make_inputs(case)
    call(case, layer, as_tensors(x))
    randomize_weights(layer)
    eager = call(case, layer, as_tensors(x)).numpy()
    traced = gf.function(lambda *xs: call(case, layer, list(xs) if isinstance(x, list) else xs[0]))
    out = traced(*as_tensors(x)) if isinstance(x, list) else traced(as_tensors(x))
    np.testing.assert_allclose(out.numpy(), eager, rtol=1e-9, atol=1e-12)


# Keras 3's RandomCrop passes images through at inference but declares the cropped shape
SYMBOLIC_SHAPE_IS_THE_TRAINING_ONE = {"random_crop_inference"}


@pytest.mark.parametrize("case", [c for c in CASES if c.id not in SYMBOLIC_SHAPE_IS_THE_TRAINING_ONE],
                         ids=[c.id for c in CASES if c.id not in SYMBOLIC_SHAPE_IS_THE_TRAINING_ONE])
def test_symbolic_call_gives_the_eager_output_shape_with_a_none_batch(case):
    x = make_inputs(case, batch=3)
    eager_shape = tuple(call(case, case.make(), as_tensors(x)).shape)
    if isinstance(case.input_shape, list):
        inputs = [keras.Input(s) for s in case.input_shape]
    else:
        inputs = keras.Input(case.input_shape, dtype="int32" if case.int_input else None)
    symbolic = call(case, case.make(), inputs)
    assert symbolic.shape == (None,) + eager_shape[1:]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_config_round_trip_rebuilds_an_equal_layer(case):
    layer = case.make()
    x = make_inputs(case)
    out = call(case, layer, as_tensors(x))
    randomize_weights(layer)
    out = call(case, layer, as_tensors(x))
    config = layer.get_config()
    clone = type(layer).from_config(config)
    assert clone.get_config() == config
    call(case, clone, as_tensors(x))
    clone.set_weights(layer.get_weights())
    np.testing.assert_array_equal(call(case, clone, as_tensors(x)).numpy(), out.numpy())


# the layers whose get_config is checked against Keras's keys and plain values (older layers
# still lack some of Keras's keys)
CONFIG_CASES = ["identity", "gaussian_noise_inference", "gaussian_dropout_inference", "alpha_dropout_inference",
                "spatial_dropout1d_inference", "spatial_dropout2d_inference", "spatial_dropout3d_inference",
                "activity_regularization", "dot_last_axis_rank2", "dot_axes_pair_rank3", "dot_normalize_rank2_rank3",
                "additive_attention", "additive_attention_unscaled_with_key", "unit_normalization",
                "unit_normalization_axes", "group_normalization", "group_normalization_channels_first",
                "group_normalization_instance", "rms_normalization", "rms_normalization_axes",
                "einsum_dense_matmul", "einsum_dense_heads_tanh", "einsum_dense_left_ellipsis",
                "einsum_dense_right_ellipsis", "einsum_dense_no_bias", "resizing_bilinear", "resizing_nearest",
                "resizing_bicubic_channels_first", "resizing_crop_to_aspect_ratio", "resizing_pad_to_aspect_ratio",
                "center_crop", "center_crop_upsizes_small_images", "random_crop_inference",
                "random_brightness_inference"]


@pytest.mark.parametrize("case", [c for c in CASES if c.id in CONFIG_CASES],
                         ids=[c.id for c in CASES if c.id in CONFIG_CASES])
def test_get_config_has_the_keys_and_values_keras_records(case):
    config = case.make().get_config()
    missing = sorted(set(case.keras_config) - set(config))
    assert not missing, f"get_config lacks Keras's keys {missing}"
    for key, value in case.keras_config.items():
        if key not in ("name", "dtype", "seed") and not isinstance(value, (dict, str)) or key == "data_format":
            assert _jsonable(config[key]) == value, key


def _jsonable(value):
    return [_jsonable(v) for v in value] if isinstance(value, (list, tuple)) else value


def _finite_difference(f, value, eps=1e-6):
    grad = np.zeros_like(value)
    flat, gflat = value.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        up = f()
        flat[i] = old - eps
        down = f()
        flat[i] = old
        gflat[i] = (up - down) / (2 * eps)
    return grad


GRAD_CASES = [c for c in CASES if not c.int_input and c.differentiable]


@pytest.mark.parametrize("case", GRAD_CASES, ids=[c.id for c in GRAD_CASES])
def test_gradients_match_central_finite_differences(case):
    layer = case.make()
    x = make_inputs(case)
    xs = x if isinstance(x, list) else [x]
    call(case, layer, as_tensors(x))
    randomize_weights(layer)
    probe = np.random.default_rng(2).standard_normal(tuple(call(case, layer, as_tensors(x)).shape))

    def loss_value():
        return float(np.sum(call(case, layer, as_tensors(x)).numpy() * probe))

    inputs = [gf.Variable(v) for v in xs]
    with gf.GradientTape() as tape:
        out = call(case, layer, inputs if isinstance(x, list) else inputs[0])
        loss = gf.reduce_sum(out * probe)
    sources = inputs + layer.trainable_weights
    grads = tape.gradient(loss, sources)
    for value, grad in zip(xs, grads[:len(inputs)]):
        expected = _finite_difference(loss_value, value)
        np.testing.assert_allclose(np.asarray(grad), expected, rtol=1e-5, atol=1e-6)
    for w, grad in zip(layer.trainable_weights, grads[len(inputs):]):
        saved = w.numpy()
        box = np.array(saved)                 # a 0-d array for scalar weights (numpy() gives a scalar)

        def loss_at(w=w, box=box):
            w.assign(box)
            return loss_value()
        expected = _finite_difference(loss_at, box)
        w.assign(saved)
        np.testing.assert_allclose(np.asarray(grad), expected, rtol=1e-5, atol=1e-6, err_msg=w.name)


def test_embedding_gradient_sums_rows_of_repeated_ids():
    layer = L.Embedding(5, 2)
    ids = np.array([[1, 1, 3]])
    with gf.GradientTape() as tape:
        loss = gf.reduce_sum(layer(ids))
    (grad,) = tape.gradient(loss, [layer.embeddings])
    expected = np.zeros((5, 2))
    expected[1] = 2
    expected[3] = 1
    np.testing.assert_allclose(np.asarray(gf.convert_to_tensor(grad)), expected)


# one case per layer family trains inside a compiled fit step (the gradient test covers every case eagerly)
FIT_CASES = ["conv1d_causal_dilated", "conv3d_same_strided", "conv2d_transpose_same", "separable_conv2d",
             "average_pooling3d_same", "upsampling2d", "cropping2d", "prelu_shared_axes",
             "bidirectional_gru_sum_sequences", "time_distributed_dense", "multi_head_attention_self", "normalization"]


@pytest.mark.parametrize("case", [c for c in CASES if c.id in FIT_CASES], ids=FIT_CASES)
def test_layer_trains_inside_a_compiled_fit_step(case):
    x = make_inputs(case, batch=4)
    inputs = [keras.Input(s, dtype="float64") for s in case.input_shape] if isinstance(x, list) else \
        keras.Input(case.input_shape, dtype="float64")
    out = call(case, case.make(), inputs)
    out = L.Dense(1, dtype="float64")(L.Flatten(dtype="float64")(out))
    model = keras.Model(inputs, out)
    y = np.random.default_rng(3).standard_normal((4, 1))
    model.compile(optimizer=keras.optimizers.SGD(0.01), loss="mse")
    before = [w.copy() for w in model.get_weights()]
    history = model.fit(x, y, batch_size=4, epochs=2, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    assert any(not np.array_equal(a, b) for a, b in zip(before, model.get_weights()))
