"""graphflow.compat as a package: v1 and v2 import as modules, the names that existed before
the package stay, the v1 switches work, and the v1 details real TF1 scripts rely on."""
from __future__ import annotations

import importlib

import numpy as np
import pytest

import graphflow as gf
import graphflow.compat.v1 as tf

# Every gf.compat.v1 name that the namespace object held before compat became a package.
NAMES_BEFORE_THE_PACKAGE = (
    "placeholder Session InteractiveSession global_variables_initializer initialize_all_variables "
    "variables_initializer get_default_graph reset_default_graph get_default_session disable_eager_execution "
    "enable_eager_execution executing_eagerly disable_v2_behavior enable_v2_behavior variable_scope name_scope "
    "get_variable trainable_variables global_variables assign assign_add assign_sub train losses Graph "
    "random_normal random_uniform truncated_normal set_random_seed Variable constant gradients").split()


def test_compat_modules_import_as_tensorflow_does():
    v1 = importlib.import_module("graphflow.compat.v1")
    v2 = importlib.import_module("graphflow.compat.v2")
    assert gf.compat.v1 is v1 and gf.compat.v2 is v2
    assert v2.constant is gf.constant and v2.GradientTape is gf.GradientTape
    assert "reduce_sum" in dir(v2)
    with pytest.raises(AttributeError, match="compat.v2"):
        v2.no_such_name   # noqa: B018


@pytest.mark.parametrize("name", NAMES_BEFORE_THE_PACKAGE)
def test_names_that_existed_before_remain(name):
    assert getattr(gf.compat.v1, name) is not None


def test_disable_v2_behavior_switches_graph_mode_and_tensor_equality():
    a = gf.constant([1.0, 2.0])
    assert (a == a).numpy().tolist() == [True, True]
    tf.disable_v2_behavior()
    try:
        assert not tf.executing_eagerly()
        with gf.eager_mode():
            b = gf.constant([1.0, 2.0])
            assert (b == b) is True and (b == gf.constant([1.0, 2.0])) is False
            assert {b: 1}[b] == 1
    finally:
        tf.enable_v2_behavior()
    assert tf.executing_eagerly()
    with pytest.raises(TypeError, match="unhashable"):
        hash(a)


def test_tape_gradient_of_a_variable_with_respect_to_itself_is_ones():
    v = gf.Variable([1.0, 2.0, 3.0])
    with gf.GradientTape() as tape:
        pass
    np.testing.assert_array_equal(tape.gradient(v, v).numpy(), [1.0, 1.0, 1.0])


def test_dtype_enum_integers_convert():
    assert [gf.as_dtype(i) for i in (1, 2, 3, 9, 10)] == [gf.float32, gf.float64, gf.int32, gf.int64, gf.bool]
    assert tf.int16.as_datatype_enum == 5 and tf.as_dtype(tf.uint8.as_datatype_enum) is tf.uint8
    assert gf.as_dtype(7) is gf.string          # DT_STRING (serialized summaries are strings)
    assert gf.as_dtype(8) is gf.complex64 and gf.as_dtype(18) is gf.complex128
    with pytest.raises(TypeError, match="enum value 14"):
        gf.as_dtype(14)      # DT_BFLOAT16: graphflow has no bfloat16 tensors


def test_dropout_rate_as_a_placeholder_is_checked_when_run():
    graph = gf.Graph()
    with graph.as_default():
        rate = tf.placeholder(tf.float32, [])
        y = gf.nn.dropout(gf.ones([50, 40]), rate=rate)
    with tf.Session(graph=graph) as sess:
        out = sess.run(y, {rate: 0.75})
        assert set(np.unique(out).tolist()) <= {0.0, 4.0} and 0.65 < (out == 0).mean() < 0.85
        np.testing.assert_array_equal(sess.run(y, {rate: 0.0}), np.ones((50, 40)))
        with pytest.raises(gf.errors.InvalidArgumentError, match="rate must be in"):
            sess.run(y, {rate: 1.5})


def test_unknown_rank_placeholder_gradient_with_axis():
    graph = gf.Graph()
    with graph.as_default():
        p = tf.placeholder("float")
        g, = tf.gradients(tf.reduce_mean(p, axis=-1), p)
    with tf.Session(graph=graph) as sess:
        np.testing.assert_allclose(sess.run(g, {p: np.ones((2, 4), np.float32)}), np.full((2, 4), 0.25))


def test_placeholder_is_refused_eagerly():
    with pytest.raises(RuntimeError, match="eager execution"):
        tf.placeholder(tf.float32, [2])


def test_tensor_equality_switches_alone():
    a = gf.constant([1.0])
    tf.disable_tensor_equality()
    try:
        assert (a == a) is True and (a != gf.constant([1.0])) is True and tf.executing_eagerly()
    finally:
        tf.enable_tensor_equality()
    assert (a == a).numpy().tolist() == [True]


def test_reset_default_graph_starts_a_new_graph_but_not_inside_one():
    tf.disable_v2_behavior()
    try:
        before = tf.get_default_graph()
        tf.constant(1.0)
        tf.reset_default_graph()
        assert tf.get_default_graph() is not before and not tf.get_default_graph().get_operations()
        with tf.Graph().as_default(), pytest.raises(AssertionError, match="reset_default_graph"):
            tf.reset_default_graph()
    finally:
        tf.enable_v2_behavior()


def test_v1_complex_names_are_the_tf2_functions_in_a_session():
    assert tf.spectral.rfft is gf.signal.rfft and tf.fft is gf.signal.fft and tf.complex64 is gf.complex64
    graph = gf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float32, [8])
        spectrum = tf.spectral.rfft(x)
        power = tf.real(spectrum * tf.conj(spectrum))
        z = tf.to_complex64(x)
        back = tf.real(tf.ifft(tf.fft(z)))
    signal = np.sin(np.arange(8, dtype=np.float32))
    with tf.Session(graph=graph) as sess:
        p, b = sess.run([power, back], {x: signal})
    np.testing.assert_allclose(p, np.abs(np.fft.rfft(signal)) ** 2, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(b, signal, rtol=1e-5, atol=1e-5)
