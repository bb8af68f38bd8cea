"""TF1 define-and-run: build a graph with placeholders and variables, then run it with feeds.

    python examples/tf1_graph.py

examples/eager_session.py computes the same thing eagerly and prints exactly the same lines.
"""
import numpy as np

import graphflow as tf

tf.compat.v1.disable_eager_execution()

rng = np.random.RandomState(0)
x_data = rng.uniform(-1, 1, (6, 4)).astype(np.float32)
labels_data = np.array([0, 2, 1, 1, 0, 2], np.int32)

# build: nothing runs yet
x = tf.compat.v1.placeholder(tf.float32, [None, 4], name="x")
labels = tf.compat.v1.placeholder(tf.int32, [None], name="labels")
w = tf.Variable(rng.uniform(-0.5, 0.5, (4, 3)).astype(np.float32), name="w")
b = tf.Variable(tf.zeros([3]), name="b")
step = tf.Variable(0, trainable=False, name="step")

logits = tf.matmul(x, w) + b
probs = tf.nn.softmax(logits)
loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits))
accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(probs, axis=1, output_type=tf.int32), labels), tf.float32))
# a fixed "update": shrink the weights and count the step (no gradients needed)
update = tf.group(w.assign(w * 0.9 + 0.01), b.assign_add(tf.constant([0.1, -0.1, 0.0])), step.assign_add(1))

# run
with tf.compat.v1.Session() as sess:
    sess.run(tf.compat.v1.global_variables_initializer())
    for i in range(3):
        out = sess.run({"loss": loss, "accuracy": accuracy}, feed_dict={x: x_data, labels: labels_data})
        print(f"step {i}: loss={out['loss']:.6f} accuracy={out['accuracy']:.3f}")
        sess.run(update)
    final_probs, final_w, steps = sess.run([probs, w, step], feed_dict={x: x_data[:2]})

np.set_printoptions(precision=6, suppress=True)
print("probs:", final_probs)
print("w:", final_w)
print("steps:", steps)
