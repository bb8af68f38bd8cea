"""TF1 summaries for TensorBoard: scalar/histogram/image summaries, merge_all, and a FileWriter that
writes the graph and what `sess.run(merged)` returns, on the bundled digits dataset.

    python examples/tensorboard_tf1.py [LOGDIR]      # default logs/tf1
    tensorboard --logdir LOGDIR
"""
import sys

import numpy as np

import graphflow as tf

LOGDIR = sys.argv[1] if len(sys.argv) > 1 else "logs/tf1"
(x_train, y_train), _ = tf.keras.datasets.digits.load_data()
x_train = (x_train.reshape(-1, 64) / 16.0).astype(np.float32)
y_train = y_train.astype(np.int32)
BATCH, STEPS, LR = 128, 60, 0.1

tf.compat.v1.disable_eager_execution()
rng = np.random.RandomState(0)
x = tf.compat.v1.placeholder(tf.float32, [None, 64], name="x")
y = tf.compat.v1.placeholder(tf.int32, [None], name="y")
with tf.name_scope("hidden"):
    w1 = tf.Variable((rng.randn(64, 32) * np.sqrt(2 / 64)).astype(np.float32), name="w")
    b1 = tf.Variable(tf.zeros([32]), name="b")
    hidden = tf.nn.relu(tf.matmul(x, w1) + b1)
with tf.name_scope("output"):
    w2 = tf.Variable((rng.randn(32, 10) * np.sqrt(2 / 32)).astype(np.float32), name="w")
    b2 = tf.Variable(tf.zeros([10]), name="b")
    logits = tf.matmul(hidden, w2) + b2
loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
train_op = tf.compat.v1.train.GradientDescentOptimizer(LR).minimize(loss)

tf.compat.v1.summary.scalar("loss", loss)
tf.compat.v1.summary.histogram("hidden/weights", w1)
tf.compat.v1.summary.image("digits", tf.reshape(x[:2], [2, 8, 8, 1]), max_outputs=2)
merged = tf.compat.v1.summary.merge_all()

with tf.compat.v1.Session() as sess:
    writer = tf.compat.v1.summary.FileWriter(LOGDIR, sess.graph)
    sess.run(tf.compat.v1.global_variables_initializer())
    for step in range(STEPS):
        start = (step * BATCH) % (len(x_train) - BATCH)
        feed = {x: x_train[start:start + BATCH], y: y_train[start:start + BATCH]}
        if step % 10 == 0:
            summary, batch_loss, _ = sess.run([merged, loss, train_op], feed)
            writer.add_summary(summary, step)
            print(f"step {step}: loss={batch_loss:.4f}")
        else:
            sess.run(train_op, feed)
    writer.close()
print(f"wrote {LOGDIR}")
