"""TF1 state: gf.compat.v1.train.Saver, init_from_checkpoint, and a v1 checkpoint restored by name
into a TF2 Checkpoint (the common migration step)."""
import os

import numpy as np
import pytest

import graphflow as gf

v1 = gf.compat.v1


def _tf1_model():
    x = v1.placeholder(gf.float32, [None, 2])
    with v1.variable_scope("dense"):
        # a constant initializer gives the shape (TF1 refuses shape= beside one)
        w = v1.get_variable("kernel", initializer=gf.ones_like(np.zeros((2, 3), np.float32)) * 0 + 1.5)
        b = v1.get_variable("bias", initializer=np.zeros(3, np.float32))
    step = v1.train.get_or_create_global_step()
    y = gf.matmul(x, w) + b
    train = v1.train.GradientDescentOptimizer(0.1).minimize(gf.reduce_sum(y), global_step=step)
    return x, y, w, train, step


def test_saver_saves_with_global_step_keeps_max_to_keep_and_restores(tmp_path):
    graph = gf.Graph()
    with graph.as_default():
        x, y, w, train, step = _tf1_model()
        saver = v1.train.Saver(max_to_keep=2)
        with v1.Session() as sess:
            sess.run(v1.global_variables_initializer())
            paths = []
            for _ in range(3):
                sess.run(train, {x: np.ones((1, 2), np.float32)})
                paths.append(saver.save(sess, str(tmp_path / "model.ckpt"), global_step=step))
            assert [os.path.basename(p) for p in paths] == ["model.ckpt-1", "model.ckpt-2", "model.ckpt-3"]
            assert saver.last_checkpoints == paths[1:]
            assert not os.path.exists(paths[0] + ".index")
            assert gf.train.latest_checkpoint(tmp_path) == paths[-1]
            trained = sess.run(w)
            sess.run(v1.global_variables_initializer())
            saver.restore(sess, gf.train.latest_checkpoint(tmp_path))
            np.testing.assert_allclose(sess.run(w), trained)
            assert sess.run(step) == 3
    assert dict(gf.train.list_variables(tmp_path)) == {"dense/kernel": [2, 3], "dense/bias": [3], "global_step": []}


def test_saver_var_list_and_clear_errors(tmp_path):
    graph = gf.Graph()
    with graph.as_default():
        a = gf.Variable(1.0, name="a")
        b = gf.Variable([1.0, 2.0], name="b")
        with v1.Session() as sess:
            sess.run(v1.global_variables_initializer())
            path = v1.train.Saver(var_list={"renamed": a}).save(sess, str(tmp_path / "only_a"))
            assert gf.train.list_variables(path) == [("renamed", [])]
            with pytest.raises(gf.errors.NotFoundError, match="key b not found in checkpoint"):
                v1.train.Saver([b]).restore(sess, path)
            with pytest.raises(ValueError, match=r"variable b:0 .* shape \(2,\) .* shape \(\)"):
                v1.train.Saver({"renamed": b}).restore(sess, path)
            with pytest.raises(gf.errors.NotFoundError, match="Failed to find"):
                v1.train.Saver([a]).restore(sess, str(tmp_path / "missing"))


def test_saver_needs_a_var_list_in_eager_mode():
    with pytest.raises(RuntimeError, match="`var_list` must specify"):
        v1.train.Saver()


def test_init_from_checkpoint_maps_scopes_into_initializers(tmp_path):
    source = gf.Graph()
    with source.as_default():
        _, _, w, _, _ = _tf1_model()
        with v1.Session() as sess:
            sess.run(v1.global_variables_initializer())
            sess.run(w.assign(np.full((2, 3), 7.0, np.float32)))
            path = v1.train.Saver().save(sess, str(tmp_path / "pretrained"))
    target = gf.Graph()
    with target.as_default():
        with v1.variable_scope("encoder"):
            kernel = v1.get_variable("kernel", initializer=np.zeros((2, 3), np.float32))
        v1.train.init_from_checkpoint(path, {"dense/": "encoder/"})
        with v1.Session() as sess:
            sess.run(v1.global_variables_initializer())
            np.testing.assert_array_equal(sess.run(kernel), 7.0)


def test_v1_checkpoint_restores_by_name_into_a_tf2_checkpoint(tmp_path):
    graph = gf.Graph()
    with graph.as_default():
        _, _, w, _, _ = _tf1_model()
        with v1.Session() as sess:
            sess.run(v1.global_variables_initializer())
            sess.run(w.assign(np.full((2, 3), 3.0, np.float32)))
            path = v1.train.Saver().save(sess, str(tmp_path / "tf1"))
    layer = gf.keras.layers.Dense(3, name="dense")
    layer.build((None, 2))
    status = gf.train.Checkpoint(model=layer).restore(path)
    np.testing.assert_array_equal(layer.kernel.numpy(), 3.0)
    status.assert_existing_objects_matched()
    with pytest.raises(AssertionError, match="global_step"):
        status.assert_consumed()
