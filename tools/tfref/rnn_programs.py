"""Whole small programs with keras.layers.RNN and the recurrent cells, run the same way under real
Keras 3 (tools/tfref/record_keras_rnn.py) and graphflow (tests/keras_api/layers/test_keras_rnn.py).
`tf` is either module (`import tensorflow as tf` or `import graphflow as tf`); nothing here
imports either. Includes a custom cell as the Keras guide "Working with RNNs" writes one."""
import numpy as np

RNG = np.random.default_rng(0)
X = RNG.standard_normal((6, 5, 3)).astype("float32")
X[1, 3:] = 0.0          # padded tails, for the programs behind a Masking layer
X[4, 2:] = 0.0
Y = RNG.standard_normal((6, 2)).astype("float32")


def custom_cell_class(tf):
    """The guide's minimal cell, with two states of different sizes (a running sum besides h)."""

    class MinimalRNNCell(tf.keras.layers.Layer):
        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.state_size = [units, 2]
            self.output_size = units

        def build(self, input_shape):
            self.kernel = self.add_weight(shape=(input_shape[-1], self.units), initializer="uniform", name="kernel")
            self.recurrent_kernel = self.add_weight(shape=(self.units, self.units), initializer="uniform",
                                                    name="recurrent_kernel")

        def call(self, inputs, states):
            prev, total = states
            h = tf.tanh(tf.matmul(inputs, self.kernel) + tf.matmul(prev, self.recurrent_kernel))
            return h, [h, total + h[:, :2]]

        def get_config(self):
            return {**super().get_config(), "units": self.units}

    return MinimalRNNCell


def programs(tf):
    L = tf.keras.layers

    def seq(*layers):
        return lambda: tf.keras.Sequential([tf.keras.Input((5, 3))] + list(layers))

    def lstm_cell():
        return seq(L.RNN(L.LSTMCell(4), return_sequences=True), L.GlobalAveragePooling1D(), L.Dense(2))()

    def lstm_layer():     # the same numbers and weight layout as lstm_cell
        return seq(L.LSTM(4, return_sequences=True), L.GlobalAveragePooling1D(), L.Dense(2))()

    def gru_reset_before_backwards():
        return seq(L.RNN(L.GRUCell(3, reset_after=False), go_backwards=True), L.Dense(2))()

    def gru_masked():
        return seq(L.Masking(), L.RNN(L.GRUCell(3), return_sequences=True, zero_output_for_mask=True),
                   L.Flatten(), L.Dense(2))()

    def simple_relu_masked():
        return seq(L.Masking(), L.RNN(L.SimpleRNNCell(3, activation="relu")), L.Dense(2))()

    def stacked_states():
        inp = tf.keras.Input((5, 3))
        out, *states = L.RNN([L.LSTMCell(4), L.GRUCell(3), L.SimpleRNNCell(2)], return_state=True)(inp)
        flat = [out] + [s for group in states for s in (group if isinstance(group, list) else [group])]
        return tf.keras.Model(inp, L.Dense(2)(L.Concatenate()(flat)))

    def initial_state():
        inp, h0 = tf.keras.Input((5, 3)), tf.keras.Input((4,))
        c0 = L.Dense(4)(h0)
        out = L.RNN(L.LSTMCell(4))(inp, initial_state=[h0, c0])
        return tf.keras.Model([inp, h0], L.Dense(2)(out))

    def custom_cell():
        cell = custom_cell_class(tf)(4)
        inp = tf.keras.Input((5, 3))
        out, h, total = L.RNN(cell, return_state=True, go_backwards=True)(inp)
        return tf.keras.Model(inp, L.Dense(2)(L.Concatenate()([out, total])))

    def custom_stacked_masked():
        cells = [custom_cell_class(tf)(3), L.LSTMCell(2)]
        return seq(L.Masking(), L.RNN(cells, return_sequences=True), L.GlobalMaxPooling1D(), L.Dense(2))()

    def conv_lstm2d():
        return tf.keras.Sequential([tf.keras.Input((3, 4, 4, 2)),
                                    L.ConvLSTM2D(2, 3, padding="same", return_sequences=True),
                                    L.ConvLSTM2D(2, 2, strides=2, go_backwards=True), L.Flatten(), L.Dense(2)])

    def conv_lstm1d():
        inp = tf.keras.Input((4, 5, 2))
        out, h, c = L.ConvLSTM1D(3, 2, dilation_rate=2, return_state=True, unit_forget_bias=False)(inp)
        return tf.keras.Model(inp, L.Dense(2)(L.Flatten()(L.Concatenate()([out, c]))))

    return {f.__name__: f for f in (lstm_cell, lstm_layer, gru_reset_before_backwards, gru_masked,
                                    simple_relu_masked, stacked_states, initial_state, custom_cell,
                                    custom_stacked_masked, conv_lstm2d, conv_lstm1d)}


CONV_X = {"conv_lstm2d": RNG.standard_normal((6, 3, 4, 4, 2)).astype("float32"),
          "conv_lstm1d": RNG.standard_normal((6, 4, 5, 2)).astype("float32")}


RECURRENT = ("RNN", "LSTM", "ConvLSTM1D", "ConvLSTM2D")


def inputs(name):
    if name in CONV_X:
        return CONV_X[name]
    if name == "initial_state":
        return [X, np.linspace(-1, 1, 24, dtype="float32").reshape(6, 4)]
    return X


def fixed_weights(model):
    rng = np.random.default_rng(1)
    return [(0.5 * rng.standard_normal(tuple(w.shape))).astype("float32") for w in model.weights]


def run(tf, name):
    """Predictions from fixed weights, one SGD epoch's loss and weights, the RNN layers' configs."""
    model = programs(tf)[name]()
    x = inputs(name)
    model.set_weights(fixed_weights(model))
    out = {"predict": np.asarray(model.predict(x, verbose=0)).tolist(),
           "weights": [[str(w.path) if hasattr(w, "path") else w.name, list(w.shape)] for w in model.weights]}
    rnn = [layer for layer in model.layers if type(layer).__name__ in RECURRENT][0]
    out["config"] = rnn.get_config()
    model.compile(optimizer=tf.keras.optimizers.SGD(0.1), loss="mse")
    history = model.fit(x, Y, batch_size=3, epochs=1, shuffle=False, verbose=0)
    out["loss"] = float(history.history["loss"][0])
    out["trained"] = [np.asarray(w).tolist() for w in model.get_weights()]
    return out
