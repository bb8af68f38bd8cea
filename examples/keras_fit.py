"""A small Keras classifier on the digits dataset: compile, fit, evaluate (TF2 / Keras 3 style).

    python examples/keras_fit.py
    graphflow compare examples/keras_fit.py       # the train step eager (run_eagerly) vs compiled

Prints the loss after each epoch and the test accuracy; the seed makes every run print the same.
"""
import graphflow as tf

keras = tf.keras
keras.utils.set_random_seed(0)
(x_train, y_train), (x_test, y_test) = keras.datasets.digits.load_data()
x_train, x_test = (x_train / 16.0).astype("float32"), (x_test / 16.0).astype("float32")

model = keras.Sequential([keras.Input((8, 8)), keras.layers.Flatten(), keras.layers.Dense(32, activation="relu"),
                          keras.layers.Dense(10)])
model.compile(optimizer=keras.optimizers.Adam(1e-2),
              loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
history = model.fit(x_train, y_train, batch_size=64, epochs=3, shuffle=False, verbose=0)
for epoch, loss in enumerate(history.history["loss"]):
    print(f"epoch {epoch}: loss={loss:.4f}")
loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
print(f"test loss={loss:.4f} accuracy={accuracy:.3f}")
