"""keras.callbacks.TensorBoard on the bundled digits dataset: train and validation curves, weight
histograms every epoch, batch losses every 5 batches and the compiled train step's graph.

    python examples/tensorboard_keras.py [LOGDIR]    # default logs/keras
    tensorboard --logdir LOGDIR
"""
import sys

import numpy as np

import graphflow as tf

LOGDIR = sys.argv[1] if len(sys.argv) > 1 else "logs/keras"
(x_train, y_train), (x_test, y_test) = tf.keras.datasets.digits.load_data()
x_train, x_test = (x_train.reshape(-1, 64) / 16.0).astype(np.float32), (x_test.reshape(-1, 64) / 16.0).astype(np.float32)

tf.keras.utils.set_random_seed(0)
model = tf.keras.Sequential([tf.keras.Input((64,)), tf.keras.layers.Dense(32, activation="relu"),
                             tf.keras.layers.Dense(10)])
model.compile(optimizer=tf.keras.optimizers.SGD(0.1),
              loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
tensorboard = tf.keras.callbacks.TensorBoard(log_dir=LOGDIR, histogram_freq=1, write_graph=True, update_freq=5)
history = model.fit(x_train, y_train, batch_size=64, epochs=3, validation_data=(x_test, y_test),
                    callbacks=[tensorboard], verbose=0)
for epoch, (loss, val_loss) in enumerate(zip(history.history["loss"], history.history["val_loss"])):
    print(f"epoch {epoch}: loss={loss:.4f} val_loss={val_loss:.4f}")
print(f"wrote {LOGDIR}/train and {LOGDIR}/validation")
