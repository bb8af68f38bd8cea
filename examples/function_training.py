"""The model of examples/eager_training.py with its training step traced by gf.function (TF2 style).

    python examples/function_training.py
    graphflow compare examples/function_training.py      # eager vs traced vs compiled, same numbers

The step is traced once and compiled; the loop stays Python. It prints the same losses as
eager_training.py, within float32 rounding.
"""
import numpy as np

import graphflow as tf

(x_train, y_train), (x_test, y_test) = tf.keras.datasets.digits.load_data()
x_train = (x_train.reshape(-1, 64) / 16.0).astype(np.float32)
x_test = (x_test.reshape(-1, 64) / 16.0).astype(np.float32)
y_train, y_test = y_train.astype(np.int32), y_test.astype(np.int32)

rng = np.random.RandomState(0)
init = {"w1": (rng.randn(64, 32) * np.sqrt(2 / 64)).astype(np.float32),
        "w2": (rng.randn(32, 10) * np.sqrt(2 / 32)).astype(np.float32)}
BATCH, STEPS, LR = 128, 200, 0.1

w1 = tf.Variable(init["w1"], name="w1")
b1 = tf.Variable(tf.zeros([32]), name="b1")
w2 = tf.Variable(init["w2"], name="w2")
b2 = tf.Variable(tf.zeros([10]), name="b2")
params = [w1, b1, w2, b2]


def model(x):
    return tf.matmul(tf.nn.relu(tf.matmul(x, w1) + b1), w2) + b2


def cross_entropy(logits, y):
    return tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))


@tf.function
def train_step(x, y):
    with tf.GradientTape() as tape:
        loss = cross_entropy(model(x), y)
    for p, g in zip(params, tape.gradient(loss, params)):
        p.assign_sub(LR * g)
    return loss


@tf.function
def evaluate(x, y):
    logits = model(x)
    accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, axis=1, output_type=tf.int32), y), tf.float32))
    return cross_entropy(logits, y), accuracy


for step in range(STEPS):
    start = (step * BATCH) % (len(x_train) - BATCH)
    loss = train_step(tf.constant(x_train[start:start + BATCH]), tf.constant(y_train[start:start + BATCH]))
    if step % 50 == 0:
        print(f"step {step}: loss={loss.numpy():.4f}")

final_loss, accuracy = evaluate(tf.constant(x_test), tf.constant(y_test))
print(f"final test loss={final_loss.numpy():.4f} accuracy={accuracy.numpy():.3f}")
