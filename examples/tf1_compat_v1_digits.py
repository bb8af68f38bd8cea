"""A TF1 script as TF1 users write it, on graphflow: `import graphflow.compat.v1 as tf`, variable
scopes, tf.layers (dense, batch_normalization, dropout), tf.losses, tf.metrics, and Adam with a
decayed learning rate and a global step, trained in a Session on the bundled digits dataset.

    python examples/tf1_compat_v1_digits.py
"""

import graphflow
import graphflow.compat.v1 as tf

tf.disable_v2_behavior()
(x_train, y_train), (x_test, y_test) = graphflow.keras.datasets.digits.load_data()
x_train, x_test = x_train.reshape(-1, 64) / 16.0, x_test.reshape(-1, 64) / 16.0
BATCH, STEPS = 64, 150
tf.set_random_seed(0)

x = tf.placeholder(tf.float32, [None, 64], name="x")
y = tf.placeholder(tf.int64, [None], name="y")
training = tf.placeholder_with_default(False, [], name="training")
with tf.variable_scope("classifier"):
    h = tf.layers.dense(x, 64, activation=tf.nn.relu)
    h = tf.layers.batch_normalization(h, training=training)
    h = tf.layers.dropout(h, rate=0.2, training=training)
    logits = tf.layers.dense(h, 10, name="logits")
loss = tf.losses.sparse_softmax_cross_entropy(labels=y, logits=logits)
global_step = tf.train.get_or_create_global_step()
learning_rate = tf.train.exponential_decay(0.01, global_step, 50, 0.7, staircase=True)
with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
    train_op = tf.train.AdamOptimizer(learning_rate).minimize(loss, global_step=global_step)
accuracy, accuracy_update = tf.metrics.accuracy(y, tf.argmax(logits, 1))

with tf.Session() as sess:
    sess.run([tf.global_variables_initializer(), tf.local_variables_initializer()])
    for step in range(STEPS):
        start = (step * BATCH) % (len(x_train) - BATCH)
        feed = {x: x_train[start:start + BATCH], y: y_train[start:start + BATCH], training: True}
        batch_loss, _ = sess.run([loss, train_op], feed)
        if step % 50 == 0:
            print(f"step {step}: loss={batch_loss:.4f} lr={sess.run(learning_rate):.5f}")
    for start in range(0, len(x_test), 100):
        sess.run(accuracy_update, {x: x_test[start:start + 100], y: y_test[start:start + 100]})
    print(f"global step {sess.run(global_step)}; test accuracy={sess.run(accuracy):.3f}")
    print("variables:", " ".join(v.name for v in tf.trainable_variables()))
