"""The computation of examples/tf1_graph.py, eagerly (TF2 style): every op runs as it is called.

    python examples/eager_session.py

It prints exactly the same lines as the TF1 graph version.
"""
import numpy as np

import graphflow as tf

rng = np.random.RandomState(0)
x_data = rng.uniform(-1, 1, (6, 4)).astype(np.float32)
labels_data = np.array([0, 2, 1, 1, 0, 2], np.int32)

w = tf.Variable(rng.uniform(-0.5, 0.5, (4, 3)).astype(np.float32), name="w")
b = tf.Variable(tf.zeros([3]), name="b")
step = tf.Variable(0, trainable=False, name="step")


def forward(x, labels=None):
    logits = tf.matmul(x, w) + b
    probs = tf.nn.softmax(logits)
    if labels is None:
        return probs
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits))
    accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(probs, axis=1, output_type=tf.int32), labels),
                                      tf.float32))
    return loss, accuracy


x, labels = tf.constant(x_data), tf.constant(labels_data)
for i in range(3):
    loss, accuracy = forward(x, labels)
    print(f"step {i}: loss={loss.numpy():.6f} accuracy={accuracy.numpy():.3f}")
    w.assign(w * 0.9 + 0.01)
    b.assign_add(tf.constant([0.1, -0.1, 0.0]))
    step.assign_add(1)

np.set_printoptions(precision=6, suppress=True)
print("probs:", forward(tf.constant(x_data[:2])).numpy())
print("w:", w.numpy())
print("steps:", step.numpy())
