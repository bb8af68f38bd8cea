"""Checkpoints real TensorFlow 2.21 wrote (tools/tfref/tf_checkpoints.py -> tests/data/tf_checkpoints):
graphflow lists, reads and restores them (object-based into a gf.Module and a Keras model with its
Adam slots, name-based through a TF1 Saver), and refuses damaged copies with DataLossError."""
import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

import graphflow as gf

pytest.importorskip("google.protobuf")
pytest.importorskip("tensorboard.compat.proto.trackable_object_graph_pb2")
pytest.importorskip("google_crc32c")

DATA = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", "tf_checkpoints")
with open(os.path.join(DATA, "values.json"), encoding="utf-8") as _f:
    VALUES = json.load(_f)
CHECKPOINTS = ["module/ckpt-1", "keras/ckpt-1", "functional/ckpt-1", "tf1/model.ckpt"]


def _expected(entry) -> np.ndarray:
    if entry["dtype"] == "string":
        return np.array([s.encode("utf-8") for s in np.ravel(np.array(entry["value"], dtype=object))],
                        dtype=object).reshape(entry["shape"])
    return np.array(entry["value"], dtype=entry["dtype"]).reshape(entry["shape"])


def _assert_value(actual, entry, key):
    expected = _expected(entry)
    actual = np.asarray(actual)
    assert actual.shape == expected.shape, key
    if entry["dtype"] == "string":
        assert [bytes(a) for a in actual.ravel()] == list(expected.ravel()), key
    else:
        assert actual.dtype == expected.dtype, key
        np.testing.assert_array_equal(actual, expected, err_msg=key)


@pytest.mark.parametrize("name", CHECKPOINTS)
def test_names_shapes_dtypes_and_values_read_as_tensorflow_wrote_them(name):
    prefix = os.path.join(DATA, name)
    values = VALUES[name]
    listed = dict(gf.train.list_variables(prefix))
    object_based = name != "tf1/model.ckpt"
    assert ("_CHECKPOINTABLE_OBJECT_GRAPH" in listed) == object_based
    listed.pop("_CHECKPOINTABLE_OBJECT_GRAPH", None)
    assert listed == {k: v["shape"] for k, v in values.items()}
    reader = gf.train.load_checkpoint(prefix)
    dtypes = reader.get_variable_to_dtype_map()
    for key, entry in values.items():
        assert dtypes[key].name == entry["dtype"], key
        _assert_value(reader.get_tensor(key), entry, key)


def test_latest_checkpoint_reads_tensorflows_state_file():
    assert gf.train.latest_checkpoint(os.path.join(DATA, "module")) == os.path.join(DATA, "module", "ckpt-1")
    assert gf.train.latest_checkpoint(os.path.join(DATA, "tf1")) == os.path.join(DATA, "tf1", "model.ckpt")
    reader = gf.train.load_checkpoint(os.path.join(DATA, "keras"))     # a directory: its latest checkpoint
    assert reader.has_tensor("save_counter/.ATTRIBUTES/VARIABLE_VALUE")


class _Sub(gf.Module):
    def __init__(self):
        super().__init__()
        self.w = gf.Variable(np.zeros((2, 3), np.float32))


class _Holder(gf.Module):
    """The tf.Module the recorder saved, rebuilt with zeros."""

    def __init__(self):
        super().__init__()
        for name, entry in VALUES["module/ckpt-1"].items():
            attr = name.split("/")[1]
            if attr in ("sub",) or not name.startswith("module/"):
                continue
            if entry["dtype"] == "string":
                setattr(self, attr, gf.Variable([""] * entry["shape"][0]))
            else:
                setattr(self, attr, gf.Variable(np.zeros(entry["shape"], entry["dtype"])))
        self.sub = _Sub()


def test_object_based_restore_of_a_tf_module_every_dtype():
    holder = _Holder()
    ckpt = gf.train.Checkpoint(module=holder)
    ckpt.restore(gf.train.latest_checkpoint(os.path.join(DATA, "module"))).assert_consumed()
    values = VALUES["module/ckpt-1"]
    for key, entry in values.items():
        path = key.split("/.ATTRIBUTES")[0].split("/")
        obj = ckpt
        for part in path:
            obj = getattr(obj, part)
        _assert_value(obj.numpy(), entry, key)


def _keras_model(with_input: bool):
    layers = [gf.keras.layers.Dense(3, activation="relu"), gf.keras.layers.Dense(2)]
    return gf.keras.Sequential(([gf.keras.Input((4,))] if with_input else []) + layers)


@pytest.mark.parametrize("built", [True, False], ids=["built", "built_after_restore"])
def test_object_based_restore_of_a_keras_model_and_its_adam_slots(built):
    values = VALUES["keras/ckpt-1"]
    model = _keras_model(with_input=built)
    opt = gf.keras.optimizers.Adam(0.5)
    if built:
        opt.build(model.trainable_variables)
    status = gf.train.Checkpoint(model=model, optimizer=opt).restore(os.path.join(DATA, "keras", "ckpt-1"))
    if not built:       # the layers' weights and the slots are created after the restore, and get their values then
        model.build((None, 4))
        opt.build(model.trainable_variables)
    status.assert_consumed()
    for i, var in enumerate(model.trainable_variables):
        _assert_value(var.numpy(), values[f"optimizer/_trainable_variables/{i}/.ATTRIBUTES/VARIABLE_VALUE"], var.name)
    _assert_value(opt.iterations.numpy(), values["optimizer/_iterations/.ATTRIBUTES/VARIABLE_VALUE"], "iterations")
    _assert_value(opt.learning_rate.numpy(), values["optimizer/_learning_rate/.ATTRIBUTES/VARIABLE_VALUE"], "lr")
    for i, var in enumerate(opt.variables[2:], start=2):
        _assert_value(var.numpy(), values[f"optimizer/_variables/{i}/.ATTRIBUTES/VARIABLE_VALUE"], var.name)


def test_object_based_restore_of_a_functional_model_with_branches():
    values = VALUES["functional/ckpt-1"]
    inp = gf.keras.Input((4,), name="x")
    a = gf.keras.layers.Dense(3, name="a")(inp)
    b = gf.keras.layers.Dense(3, name="b")(inp)
    out = gf.keras.layers.Dense(2, name="c")(gf.keras.layers.Concatenate(name="cat")([b, a]))
    model = gf.keras.Model(inp, out)
    gf.train.Checkpoint(model=model).restore(os.path.join(DATA, "functional", "ckpt-1")).assert_consumed()
    for name, path in VALUES["functional_layers"].items():
        layer = model.get_layer(name)
        _assert_value(layer.kernel.numpy(), values[f"{path}/_kernel/.ATTRIBUTES/VARIABLE_VALUE"], name)
        _assert_value(layer.bias.numpy(), values[f"{path}/bias/.ATTRIBUTES/VARIABLE_VALUE"], name)


def test_tf1_saver_restores_by_variable_name():
    values = VALUES["tf1/model.ckpt"]
    v1 = gf.compat.v1
    with gf.Graph().as_default():
        kernel = v1.get_variable("dense/kernel", shape=(3, 2))
        bias = v1.get_variable("dense/bias", shape=(2,))
        step = v1.get_variable("step", shape=(), dtype=gf.int64)
        label = v1.get_variable("label", initializer=gf.constant(""), dtype=gf.string)
        saver = v1.train.Saver()
        with v1.Session() as sess:
            saver.restore(sess, v1.train.latest_checkpoint(os.path.join(DATA, "tf1")))
            got = sess.run({"dense/kernel": kernel, "dense/bias": bias, "step": step, "label": label})
    for key, entry in values.items():
        _assert_value(got[key], entry, key)


def _copy(tmp_path, name: str) -> str:
    directory, base = os.path.split(name)
    for f in os.listdir(os.path.join(DATA, directory)):
        if f.startswith(base + "."):
            shutil.copy(os.path.join(DATA, directory, f), tmp_path / f)
    return str(tmp_path / base)


def test_truncated_data_file_is_data_loss_naming_file_and_tensor(tmp_path):
    prefix = _copy(tmp_path, "module/ckpt-1")
    data = prefix + ".data-00000-of-00001"
    with open(data, "rb") as f:
        raw = f.read()
    with open(data, "wb") as f:
        f.write(raw[:len(raw) - 20])
    pattern = r"tensor _CHECKPOINTABLE_OBJECT_GRAPH needs bytes .* of .*ckpt-1.data-00000-of-00001.*truncated"
    with pytest.raises(gf.errors.DataLossError, match=pattern):     # the object graph is the last tensor
        gf.train.load_checkpoint(prefix)
    with pytest.raises(gf.errors.DataLossError, match=pattern):
        gf.train.Checkpoint(module=_Holder()).restore(prefix)


def test_corrupted_tensor_bytes_fail_the_checksum(tmp_path):
    prefix = _copy(tmp_path, "tf1/model.ckpt")
    data = prefix + ".data-00000-of-00001"
    with open(data, "r+b") as f:
        f.seek(2)
        byte = f.read(1)
        f.seek(2)
        f.write(bytes([byte[0] ^ 0xFF]))
    with pytest.raises(gf.errors.DataLossError, match="tensor dense/bias in .*model.ckpt.data-00000-of-00001 does not "
                       "match its checksum"):
        gf.train.load_checkpoint(prefix).get_tensor("dense/bias")


def test_damaged_index_and_snappy_blocks_are_refused(tmp_path):
    prefix = _copy(tmp_path, "tf1/model.ckpt")
    index = prefix + ".index"
    with open(index, "rb") as f:
        raw = bytearray(f.read())
    with open(index, "wb") as f:       # the index block's trailer: its type byte set to snappy
        f.write(raw[:-48 - 5] + b"\x01" + raw[-48 - 4:])
    with pytest.raises(gf.errors.DataLossError, match="snappy"):
        gf.train.load_checkpoint(prefix)
    raw[10] ^= 0xFF                    # a data block's byte: its checksum fails
    with open(index, "wb") as f:
        f.write(raw)
    with pytest.raises(gf.errors.DataLossError, match=r"model.ckpt.index is damaged.*checksum"):
        gf.train.load_checkpoint(prefix)


def test_an_index_of_neither_format_says_so(tmp_path):
    (tmp_path / "x.index").write_bytes(b"\x00\x01 not a checkpoint at all")
    with pytest.raises(gf.errors.DataLossError, match="neither a graphflow checkpoint index .* nor a TensorFlow one"):
        gf.train.load_checkpoint(str(tmp_path / "x"))


def test_a_dtype_mismatch_is_refused_not_cast():
    v1 = gf.compat.v1
    with gf.Graph().as_default():
        step = v1.get_variable("step", shape=(), dtype=gf.float32)
        saver = v1.train.Saver([step])
        with v1.Session() as sess:
            with pytest.raises(ValueError, match="variable step:0 .* has dtype float32 but the checkpoint holds int64"):
                saver.restore(sess, os.path.join(DATA, "tf1", "model.ckpt"))


def test_without_protobuf_the_import_error_names_the_extra(monkeypatch):
    from graphflow.checkpoint import tf_bundle
    monkeypatch.setattr(tf_bundle, "_MESSAGES", None)
    monkeypatch.setitem(__import__("sys").modules, "google.protobuf", None)
    with pytest.raises(ImportError, match=r"pip install graphflow\[tfcheckpoint\]"):
        gf.train.load_checkpoint(os.path.join(DATA, "tf1", "model.ckpt"))


@pytest.mark.parametrize("name", CHECKPOINTS)
def test_random_truncations_and_bit_flips_are_data_loss_never_a_crash(tmp_path, name):
    rng = np.random.default_rng(0)
    prefix = _copy(tmp_path, name)
    originals = {s: Path(prefix + s).read_bytes() for s in (".index", ".data-00000-of-00001")}
    for _ in range(25):
        suffix = str(rng.choice(list(originals)))
        raw = bytearray(originals[suffix])
        if rng.random() < 0.5:
            raw = raw[:rng.integers(len(raw))]
        else:
            raw[rng.integers(len(raw))] ^= 1 << int(rng.integers(8))
        with open(prefix + suffix, "wb") as f:
            f.write(raw)
        try:
            reader = gf.train.load_checkpoint(prefix)
            for key in reader.keys():
                reader.get_tensor(key)
        except gf.errors.DataLossError:
            pass
        with open(prefix + suffix, "wb") as f:
            f.write(originals[suffix])
