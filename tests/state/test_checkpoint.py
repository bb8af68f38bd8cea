"""gf.train.Checkpoint and CheckpointManager, written as TensorFlow's "Training checkpoints"
guide uses them, plus the file format, deferred restoration and bad input."""
import json
import os
import stat

import numpy as np
import pytest

import graphflow as gf

keras = gf.keras


class Net(keras.Model):
    def __init__(self):
        super().__init__()
        self.l1 = keras.layers.Dense(5)

    def call(self, x):
        return self.l1(x)


def _train_step(net, opt, x, y):
    net(x)      # built outside the tape (see the report: a first call under a tape gives graph gradients)
    with gf.GradientTape() as tape:
        loss = gf.reduce_mean(gf.abs(net(x) - y))
    grads = tape.gradient(loss, net.trainable_variables)
    opt.apply_gradients(zip(grads, net.trainable_variables))
    return loss


def _data():
    x = np.arange(1, 11, dtype=np.float32).reshape(10, 1) / 10
    return x, np.tile(2 * x, (1, 5))


def test_guide_training_loop_saves_every_step_keeps_three_and_resumes(tmp_path):
    keras.utils.set_random_seed(0)
    x, y = _data()
    net, opt = Net(), keras.optimizers.Adam(0.1)
    ckpt = gf.train.Checkpoint(step=gf.Variable(1), optimizer=opt, net=net)
    manager = gf.train.CheckpointManager(ckpt, tmp_path / "tf_ckpts", max_to_keep=3)
    assert ckpt.restore(manager.latest_checkpoint) is not None and manager.latest_checkpoint is None
    for _ in range(5):
        _train_step(net, opt, x, y)
        ckpt.step.assign_add(1)
        manager.save()
    assert [os.path.basename(p) for p in manager.checkpoints] == ["ckpt-3", "ckpt-4", "ckpt-5"]
    assert gf.train.latest_checkpoint(tmp_path / "tf_ckpts") == manager.latest_checkpoint
    assert sorted(os.listdir(tmp_path / "tf_ckpts")) == sorted(
        ["checkpoint"] + [f"ckpt-{i}{s}" for i in (3, 4, 5) for s in (".index", ".data-00000-of-00001")])

    # a new process would rebuild the objects; nothing is built before the restore
    net2, opt2 = Net(), keras.optimizers.Adam(0.1)
    ckpt2 = gf.train.Checkpoint(step=gf.Variable(1), optimizer=opt2, net=net2)
    manager2 = gf.train.CheckpointManager(ckpt2, tmp_path / "tf_ckpts", max_to_keep=3)
    status = ckpt2.restore(manager2.latest_checkpoint)
    assert int(ckpt2.step.numpy()) == 6
    np.testing.assert_allclose(net2(x).numpy(), net(x).numpy(), rtol=1e-6)   # deferred: built after restore
    _train_step(net2, opt2, x, y)          # the optimizer's slots are created now, and restored
    status.assert_consumed()
    _train_step(net, opt, x, y)
    np.testing.assert_allclose(net2.l1.kernel.numpy(), net.l1.kernel.numpy(), rtol=1e-5)
    assert int(ckpt2.save_counter.numpy()) == 5


def test_module_checkpoint_round_trip_and_keys(tmp_path):
    class M(gf.Module):
        def __init__(self):
            super().__init__()
            self.w = gf.Variable([[1.0, 2.0]], name="w")
            self.blocks = [gf.Variable(3.0), {"b": gf.Variable(np.int64(4))}]

    m = M()
    path = gf.train.Checkpoint(model=m).write(tmp_path / "m")
    assert path == str(tmp_path / "m")
    names = dict(gf.train.list_variables(path))
    assert names["model/w/.ATTRIBUTES/VARIABLE_VALUE"] == [1, 2]
    assert "model/blocks/1/b/.ATTRIBUTES/VARIABLE_VALUE" in names
    m2 = M()
    m2.w.assign([[0.0, 0.0]])
    m2.blocks[1]["b"].assign(0)
    gf.train.Checkpoint(model=m2).read(path).assert_consumed()
    np.testing.assert_array_equal(m2.w.numpy(), [[1.0, 2.0]])
    assert m2.blocks[1]["b"].numpy() == 4
    reader = gf.train.load_checkpoint(path)
    assert reader.get_tensor("model/blocks/0/.ATTRIBUTES/VARIABLE_VALUE") == 3.0


def test_format_is_readable_with_numpy_alone(tmp_path):
    v = gf.Variable(np.arange(6, dtype=np.float64).reshape(2, 3))
    prefix = gf.train.Checkpoint(v=v).write(tmp_path / "c")
    with open(prefix + ".index") as f:
        index = json.load(f)
    entry = index["tensors"]["v/.ATTRIBUTES/VARIABLE_VALUE"]
    with open(prefix + ".data-00000-of-00001", "rb") as f:
        data = f.read()
    value = np.frombuffer(data, entry["dtype"], np.prod(entry["shape"]), entry["offset"]).reshape(entry["shape"])
    np.testing.assert_array_equal(value, v.numpy())


def test_files_respect_the_umask(tmp_path):
    old = os.umask(0o027)
    try:
        prefix = gf.train.Checkpoint(v=gf.Variable(1.0)).save(tmp_path / "c")
    finally:
        os.umask(old)
    for path in (prefix + ".index", prefix + ".data-00000-of-00001", str(tmp_path / "checkpoint")):
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o640


def test_deferred_restoration_of_a_variable_created_later(tmp_path):
    saved = gf.Module()
    saved.v = gf.Variable(7.0)
    path = gf.train.Checkpoint(root=saved).write(tmp_path / "c")
    later = gf.Module()
    status = gf.train.Checkpoint(root=later).read(path)
    with pytest.raises(AssertionError, match="not restored"):
        status.assert_consumed()
    status.assert_existing_objects_matched()
    later.v = gf.Variable(0.0)
    assert later.v.numpy() == 7.0
    status.assert_consumed()


def test_assert_consumed_names_values_no_object_took(tmp_path):
    path = gf.train.Checkpoint(a=gf.Variable(1.0), b=gf.Variable(2.0)).write(tmp_path / "c")
    status = gf.train.Checkpoint(a=gf.Variable(0.0)).read(path)
    with pytest.raises(AssertionError, match="b/.ATTRIBUTES"):
        status.assert_consumed()
    status.expect_partial()


def test_shape_mismatch_names_the_variable_and_both_shapes(tmp_path):
    path = gf.train.Checkpoint(w=gf.Variable(np.zeros((2, 3), np.float32), name="kernel")).write(tmp_path / "c")
    target = gf.Variable(np.zeros((3, 2), np.float32), name="kernel")
    with pytest.raises(ValueError, match=r"kernel.*\(3, 2\).*\(2, 3\)"):
        gf.train.Checkpoint(w=target).read(path)


def test_missing_and_truncated_checkpoints_are_refused(tmp_path):
    with pytest.raises(gf.errors.NotFoundError, match="Failed to find any matching files"):
        gf.train.Checkpoint(v=gf.Variable(1.0)).restore(str(tmp_path / "nope"))
    prefix = gf.train.Checkpoint(v=gf.Variable(np.ones(100, np.float32))).write(tmp_path / "c")
    data = prefix + ".data-00000-of-00001"
    with open(data, "rb+") as f:
        f.truncate(10)
    target = gf.Variable(np.zeros(100, np.float32))
    with pytest.raises(gf.errors.DataLossError, match="truncated"):
        gf.train.Checkpoint(v=target).restore(prefix)
    assert target.numpy().sum() == 0


def test_newer_format_version_is_refused(tmp_path):
    prefix = gf.train.Checkpoint(v=gf.Variable(1.0)).write(tmp_path / "c")
    with open(prefix + ".index") as f:
        index = json.load(f)
    index["version"] = 99
    with open(prefix + ".index", "w") as f:
        json.dump(index, f)
    with pytest.raises(ValueError, match="version 99, newer"):
        gf.train.Checkpoint(v=gf.Variable(1.0)).restore(prefix)


def test_restore_none_starts_from_scratch():
    status = gf.train.Checkpoint(v=gf.Variable(1.0)).restore(None)
    with pytest.raises(AssertionError, match="No checkpoint"):
        status.assert_consumed()


def test_manager_picks_up_existing_checkpoints_and_numbers_by_step(tmp_path):
    ckpt = gf.train.Checkpoint(v=gf.Variable(1.0))
    manager = gf.train.CheckpointManager(ckpt, tmp_path, max_to_keep=2)
    assert manager.save(checkpoint_number=100).endswith("ckpt-100")
    manager.save(checkpoint_number=200)
    again = gf.train.CheckpointManager(gf.train.Checkpoint(v=gf.Variable(0.0)), tmp_path, max_to_keep=2)
    assert [os.path.basename(p) for p in again.checkpoints] == ["ckpt-100", "ckpt-200"]
    again.save(checkpoint_number=300)
    assert not os.path.exists(tmp_path / "ckpt-100.index")
    assert again.restore_or_initialize().endswith("ckpt-300")


def test_manager_restore_or_initialize_runs_init_fn_without_checkpoints(tmp_path):
    calls = []
    manager = gf.train.CheckpointManager(gf.train.Checkpoint(v=gf.Variable(1.0)), tmp_path, max_to_keep=1,
                                         init_fn=lambda: calls.append(1))
    assert manager.restore_or_initialize() is None and calls == [1]


def test_checkpoint_restores_a_tf1_graph_variable(tmp_path):
    graph = gf.Graph()
    with graph.as_default():
        v = gf.Variable([1.0, 2.0], name="v")
        with gf.compat.v1.Session() as sess:
            sess.run(gf.compat.v1.global_variables_initializer())
            path = gf.train.Checkpoint(v=v).write(tmp_path / "g")
            sess.run(v.assign([0.0, 0.0]))
            gf.train.Checkpoint(v=v).read(path).assert_consumed()
            np.testing.assert_array_equal(sess.run(v), [1.0, 2.0])


def test_manager_checkpoint_interval_skips_saves_between_intervals(tmp_path):
    step = gf.Variable(0, dtype=gf.int64)
    manager = gf.train.CheckpointManager(gf.train.Checkpoint(step=step), tmp_path, max_to_keep=None,
                                         step_counter=step, checkpoint_interval=10)
    saved = []
    for _ in range(25):
        saved.append(manager.save() is not None)
        step.assign_add(1)
    assert [i for i, s in enumerate(saved) if s] == [0, 10, 20]
    assert manager.save(check_interval=False) is not None
    with pytest.raises(ValueError, match="step_counter"):
        gf.train.CheckpointManager(gf.train.Checkpoint(step=step), tmp_path, max_to_keep=1, checkpoint_interval=5)
