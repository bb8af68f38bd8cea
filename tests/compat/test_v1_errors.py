"""Bad TF1 calls fail with TensorFlow's error class and a message that names the problem."""
from __future__ import annotations

import numpy as np
import pytest

import graphflow as gf
import graphflow.compat.v1 as tf


@pytest.fixture
def graph():
    g = gf.Graph()
    with g.as_default():
        yield g


def test_get_variable_needs_a_shape(graph):
    with pytest.raises(ValueError, match="shape of the new variable w must be known"):
        tf.get_variable("w")


def test_get_variable_rejects_a_shape_with_a_tensor_initializer(graph):
    with pytest.raises(ValueError, match="do not specify shape"):
        tf.get_variable("w", [2], initializer=tf.constant([1.0, 2.0]))


def test_get_variable_dtype_mismatch_on_reuse(graph):
    with tf.variable_scope("s"):
        tf.get_variable("w", [2])
    with tf.variable_scope("s", reuse=True), pytest.raises(ValueError, match="specified dtype float64"):
        tf.get_variable("w", [2], dtype=tf.float64)


def test_variable_scope_needs_a_name(graph):
    with pytest.raises(TypeError, match="default_name"), tf.variable_scope(None):
        pass


def test_dense_needs_a_known_last_dimension(graph):
    x = tf.placeholder(tf.float32, [None, None])
    with pytest.raises(ValueError, match="last dimension of the inputs must be known"):
        tf.layers.dense(x, 3)


def test_conv2d_needs_nhwc(graph):
    with pytest.raises(ValueError, match="channels_last"):
        tf.layers.conv2d(tf.zeros([1, 4, 4, 1]), 2, 3, data_format="channels_first")


def test_losses_reject_an_unknown_reduction(graph):
    with pytest.raises(ValueError, match="Invalid Reduction Key"):
        tf.losses.mean_squared_error([1.0], [2.0], reduction="average")


def test_piecewise_constant_needs_one_more_value_than_boundaries(graph):
    with pytest.raises(ValueError, match="1 less than the length of values"):
        tf.train.piecewise_constant(tf.constant(1), [1, 2], [0.1])


def test_decay_needs_a_global_step(graph):
    with pytest.raises(ValueError, match="global_step is required"):
        tf.train.exponential_decay(0.1, None, 10, 0.5)


def test_nn_dropout_takes_one_of_keep_prob_and_rate(graph):
    with pytest.raises(ValueError, match="exactly one"):
        tf.nn.dropout(tf.ones([2]), keep_prob=0.5, rate=0.5)


def test_scatter_update_needs_matching_update_shape(graph):
    v = tf.Variable(np.zeros((3, 2), np.float32))
    with pytest.raises(ValueError, match="updates must have shape"):
        tf.scatter_update(v, [0, 1], [[1.0, 2.0]])


def test_scatter_index_out_of_range_at_run_time(graph):
    v = tf.Variable(np.zeros((3, 2), np.float32))
    update = tf.scatter_add(v, [5], [[1.0, 1.0]])
    with tf.Session(graph=graph) as sess:
        sess.run(tf.global_variables_initializer())
        with pytest.raises(gf.errors.InvalidArgumentError, match="index out of range"):
            sess.run(update)


def test_placeholder_with_default_rejects_an_incompatible_shape(graph):
    with pytest.raises(ValueError, match="not compatible with the declared shape"):
        tf.placeholder_with_default(tf.zeros([2, 3]), [2, 4])


def test_dimension_rejects_negative_and_fractional_sizes():
    with pytest.raises(ValueError, match=">= 0"):
        tf.Dimension(-1)
    with pytest.raises(TypeError, match="integer or None"):
        tf.Dimension(1.5)
    with pytest.raises(ValueError, match="not compatible"):
        tf.Dimension(2).merge_with(3)
    with pytest.raises(TypeError, match="unknown Dimension"):
        int(tf.Dimension(None))


def test_collection_ref_sees_later_additions(graph):
    ref = tf.get_collection_ref("things")
    tf.add_to_collection("things", 1)
    assert ref == [1] and tf.get_collection("things") == [1]
    ref.append(2)
    assert tf.get_collection("things") == [1, 2]


def test_get_variable_rejects_a_shape_beside_any_constant_initializer(graph):
    for i, value in enumerate((np.zeros((2, 3), np.float32), 1.5)):
        with pytest.raises(ValueError, match="do not specify shape"):
            tf.get_variable(f"w{i}", [2, 3], initializer=value)
