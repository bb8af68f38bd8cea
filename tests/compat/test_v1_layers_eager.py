"""tf.layers eagerly (as TF2 runs tf.compat.v1.layers): a layer object keeps its own variables and
gives what TensorFlow recorded for the same layers in a TF1 graph; eager get_variable makes a new
variable on every call, as in TensorFlow 2."""
from __future__ import annotations

import numpy as np

import graphflow.compat.v1 as tf

from .recorded import assert_matches, recorded
from .v1_programs import _arrays


def test_layer_objects_eagerly_match_the_recorded_graph_run():
    rng = np.random.RandomState(11)
    img = rng.randn(2, 4, 4, 2).astype(np.float32)
    wk, wd = _arrays(12, (3, 3, 2, 3), (12, 2))
    x = tf.constant(img)
    conv = tf.layers.Conv2D(3, 3, padding="same", kernel_initializer=tf.constant_initializer(wk))
    bn = tf.layers.BatchNormalization(momentum=0.5)
    dense = tf.layers.Dense(2, activation=tf.nn.tanh, kernel_initializer=tf.constant_initializer(wd), name="head")
    pool, avg, flat = tf.layers.MaxPooling2D(2, 2), tf.layers.AveragePooling2D(2, 2), tf.layers.Flatten()
    drop = tf.layers.Dropout(0.5)
    first = dense(flat(pool(bn(conv(x), training=True))))
    second = dense(drop(flat(avg(conv(x * 2.0))), training=False))
    want = recorded("layer_classes_share_variables")
    assert_matches(want["first"], first.numpy(), "first")
    assert_matches(want["second"], second.numpy(), "second")
    assert [v.name for v in dense.variables] == ["head/kernel:0", "head/bias:0"]
    assert len(conv.trainable_weights) == 2 and len(bn.non_trainable_variables) == 2


def test_eager_get_variable_makes_a_new_variable_each_call():
    a = tf.get_variable("w", [2])
    with tf.variable_scope("s", reuse=True):
        b = tf.get_variable("w", [2])
    assert a is not b and a.shape.as_list() == [2]
