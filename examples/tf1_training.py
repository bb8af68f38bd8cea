"""Train a small MLP on the bundled digits dataset, TF1 style: placeholders, variables,
GradientDescentOptimizer.minimize and a Session.

    python examples/tf1_training.py

examples/eager_training.py trains the same model with GradientTape and prints the same losses.
"""
import numpy as np

import graphflow as tf

(x_train, y_train), (x_test, y_test) = tf.keras.datasets.digits.load_data()
x_train = x_train.reshape(-1, 64) / 16.0
x_test = x_test.reshape(-1, 64) / 16.0
y_train, y_test = y_train.astype(np.int32), y_test.astype(np.int32)

rng = np.random.RandomState(0)
init = {"w1": (rng.randn(64, 32) * np.sqrt(2 / 64)).astype(np.float32),
        "w2": (rng.randn(32, 10) * np.sqrt(2 / 32)).astype(np.float32)}
BATCH, STEPS, LR = 128, 200, 0.1

tf.compat.v1.disable_eager_execution()
x = tf.compat.v1.placeholder(tf.float32, [None, 64], name="x")
y = tf.compat.v1.placeholder(tf.int32, [None], name="y")
w1 = tf.Variable(init["w1"], name="w1")
b1 = tf.Variable(tf.zeros([32]), name="b1")
w2 = tf.Variable(init["w2"], name="w2")
b2 = tf.Variable(tf.zeros([10]), name="b2")

logits = tf.matmul(tf.nn.relu(tf.matmul(x, w1) + b1), w2) + b2
loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, axis=1, output_type=tf.int32), y), tf.float32))
train_op = tf.compat.v1.train.GradientDescentOptimizer(LR).minimize(loss)

with tf.compat.v1.Session() as sess:
    sess.run(tf.compat.v1.global_variables_initializer())
    for step in range(STEPS):
        start = (step * BATCH) % (len(x_train) - BATCH)
        feed = {x: x_train[start:start + BATCH], y: y_train[start:start + BATCH]}
        batch_loss, _ = sess.run([loss, train_op], feed)
        if step % 50 == 0:
            print(f"step {step}: loss={batch_loss:.4f}")
    final_loss, test_accuracy = sess.run([loss, accuracy], {x: x_test, y: y_test})
print(f"final test loss={final_loss:.4f} accuracy={test_accuracy:.3f}")
