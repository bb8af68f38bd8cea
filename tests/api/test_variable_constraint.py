"""tf.Variable(constraint=...): the projection a Keras optimizer applies after each update, and the
`constraint` property. Expected numbers are TF 2.21's for the same program (SGD 0.1 on
-v + sum(w*w) from v=1, w=[3, -2]: v steps to 1.1 and is clipped to 0.5; w has no constraint)."""
from __future__ import annotations

import numpy as np
import pytest

import graphflow as tf


def test_an_optimizer_applies_a_variables_constraint_after_its_update():
    v = tf.Variable(1.0, constraint=lambda x: tf.clip_by_value(x, 0.0, 0.5))
    w = tf.Variable([3.0, -2.0])
    opt = tf.keras.optimizers.SGD(0.1)
    with tf.GradientTape() as tape:
        loss = -v + tf.reduce_sum(w * w)
    opt.apply_gradients(zip(tape.gradient(loss, [v, w]), [v, w]))
    assert float(v.numpy()) == 0.5
    np.testing.assert_allclose(w.numpy(), [2.4, -1.6], rtol=1e-6)
    assert v.constraint is not None and w.constraint is None


def test_a_constraint_must_be_callable():
    with pytest.raises(ValueError, match="must be a callable"):
        tf.Variable(1.0, constraint=3)


def test_category_encoding_takes_a_python_list_as_keras_does():
    one_hot = tf.keras.layers.CategoryEncoding(3, output_mode="one_hot")([1])
    np.testing.assert_array_equal(one_hot.numpy(), [[0.0, 1.0, 0.0]])
    multi = tf.keras.layers.CategoryEncoding(3, output_mode="multi_hot")([[0, 1], [2, 2]])
    np.testing.assert_array_equal(multi.numpy(), [[1.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
