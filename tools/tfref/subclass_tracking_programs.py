"""Whole small programs in the style of Keras's "Making new layers and models via subclassing"
guide, whose sub-layers sit where Keras 3 tracks them but a public attribute does not hold them:
private attributes, dicts, nested lists, lists filled after assignment, a custom layer with its
own weights beside a private sub-layer. Both sides run them: real Keras 3 in
record_keras_subclass_tracking.py, graphflow in tests/keras_api/models/test_keras_subclass_tracking.py.
`tf` is the module of either side (`tensorflow` or `graphflow`).

Every weight starts from a value fixed by its shape and its place in `model.weights`, so the
losses agree only when both sides find the same weights in the same order.
"""
from __future__ import annotations

import numpy as np

_rng = np.random.default_rng(11)
X = _rng.normal(size=(32, 5)).astype("float32")
Y = (np.tanh(X @ _rng.normal(size=(5, 2))) + 0.1 * _rng.normal(size=(32, 2))).astype("float32")


def programs(tf):
    """{name: a function making a fresh, unbuilt model}: the classes are defined against `tf`."""
    keras = tf.keras
    layers = keras.layers

    class Linear(layers.Layer):
        """The guide's Linear: weights from add_weight in build."""

        def __init__(self, units=32):
            super().__init__()
            self.units = units

        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="random_normal",
                                     trainable=True)
            self.b = self.add_weight(shape=(self.units,), initializer="zeros", trainable=True)

        def call(self, inputs):
            return tf.matmul(inputs, self.w) + self.b

    class Scaled(layers.Layer):
        """A private sub-layer beside the layer's own weights (one of them not trainable)."""

        def __init__(self, units):
            super().__init__()
            self._inner = layers.Dense(units)
            self.units = units

        def build(self, input_shape):
            self.scale = self.add_weight(shape=(self.units,), initializer="ones", name="scale")
            self.calls = self.add_weight(shape=(), initializer="zeros", trainable=False, name="calls")

        def call(self, inputs):
            return self._inner(inputs) * self.scale

    class PrivateMLP(keras.Model):
        """The guide's MLPBlock with its blocks in private attributes."""

        def __init__(self):
            super().__init__()
            self._linear_1 = Linear(8)
            self._linear_2 = Linear(4)
            self._scaled = Scaled(2)

        def call(self, inputs):
            x = tf.nn.relu(self._linear_1(inputs))
            x = tf.nn.relu(self._linear_2(x))
            return self._scaled(x)

    class Heads(keras.Model):
        """A shared trunk and a dict of heads, summed."""

        def __init__(self):
            super().__init__()
            self.trunk = layers.Dense(6, activation="tanh")
            self.heads = {"b": layers.Dense(2), "a": layers.Dense(2, use_bias=False)}

        def call(self, inputs):
            h = self.trunk(inputs)
            return self.heads["a"](h) + self.heads["b"](h)

    class Nested(keras.Model):
        """Stages as a list of lists of layers, a normalisation with non-trainable statistics,
        and a list filled after it was assigned."""

        def __init__(self):
            super().__init__()
            self.stages = [[layers.Dense(6, activation="relu"), layers.Dense(6)],
                           [layers.BatchNormalization()]]
            self._extra = []
            self._extra.append(layers.Dense(4, activation="tanh"))
            self._extra.append(layers.Dense(3))
            self._extra.pop()                               # removed again: not the model's
            self.out = layers.Dense(2)

        def call(self, inputs, training=None):
            x = inputs
            for stage in self.stages:
                for layer in stage:
                    x = layer(x, training=training)
            return self.out(self._extra[0](x))

    class Shared(keras.Model):
        """One layer held twice (an attribute and a tuple): its weights count once."""

        def __init__(self):
            super().__init__()
            self.proj = layers.Dense(5, activation="tanh")
            self._pair = (self.proj, layers.Dense(2))

        def call(self, inputs):
            return self._pair[1](self.proj(self._pair[0](inputs)))

    return {"private": PrivateMLP, "dict": Heads, "nested": Nested, "shared": Shared}


def fixed_weights(model) -> list:
    """A value for each of `model.weights`, fixed by its shape and place (non-trainable weights
    keep theirs: BatchNormalization's moving variance must stay positive)."""
    values = []
    for i, w in enumerate(model.weights):
        shape = tuple(int(d) for d in w.shape)
        current = np.asarray(w.numpy())
        if not w.trainable:
            values.append(current)
            continue
        size = int(np.prod(shape)) if shape else 1
        values.append((0.3 * np.sin(np.arange(size, dtype="float64") * 0.7 + i)).reshape(shape).astype("float32"))
    return values


def describe(model) -> dict:
    """What the recording compares: layer names, and each weight's owner/short name and shape, in order."""
    def short(w):
        path = getattr(w, "path", None) or w.name
        return "/".join(path.split(":")[0].split("/")[-2:])
    return {"layers": [layer.name for layer in model.layers],
            "weights": [short(w) for w in model.weights],
            "trainable": [list(map(int, w.shape)) for w in model.trainable_weights],
            "non_trainable": [list(map(int, w.shape)) for w in model.non_trainable_weights]}


def run(tf, name) -> dict:
    """Build program `name` on X, fix its weights, then train a copy with `fit` and another with a
    GradientTape loop (plain SGD): losses, predictions, the layout described."""
    keras = tf.keras
    make = programs(tf)[name]
    out = {}

    keras.backend.clear_session()
    model = make()
    model(X[:2])
    out["describe"] = describe(model)
    model.set_weights(fixed_weights(model))
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    history = model.fit(X, Y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    out["fit_loss"] = [float(v) for v in history.history["loss"]]
    out["fit_predict"] = np.asarray(model(X[:4], training=False)).tolist()

    keras.backend.clear_session()
    model = make()
    model(X[:2])
    model.set_weights(fixed_weights(model))
    optimizer = keras.optimizers.SGD(0.1)
    loss_fn = keras.losses.MeanSquaredError()
    losses = []
    for step in range(4):
        xb, yb = X[step * 8:(step + 1) * 8], Y[step * 8:(step + 1) * 8]
        with tf.GradientTape() as tape:
            loss = loss_fn(yb, model(xb, training=True))
        grads = tape.gradient(loss, model.trainable_weights)
        optimizer.apply_gradients(zip(grads, model.trainable_weights))
        losses.append(float(loss))
    out["tape_loss"] = losses
    out["tape_predict"] = np.asarray(model(X[:4], training=False)).tolist()
    return out
