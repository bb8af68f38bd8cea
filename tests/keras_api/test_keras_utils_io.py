"""keras.utils / keras.saving / keras.config as Keras-guide programs, checked against real Keras 3
(recorded by tools/tfref/record_keras_utils_io.py into tests/data/keras_utils/io_programs.*)."""
import hashlib
import io
import json
import logging
import os
import pathlib
import stat
import tarfile

import numpy as np
import pytest

import graphflow as gf

keras = gf.keras
DATA = pathlib.Path(__file__).resolve().parents[1] / "data" / "keras_utils"
REC = json.loads((DATA / "io_programs.json").read_text())
ARRAYS = np.load(DATA / "io_programs.npz")
# Keras 3.15 names graphflow leaves out: audio decoding, FeatureSpace, bounding-box helpers, the
# legacy (Keras 2) h5 helpers, and the .keras file editor.
NOT_PROVIDED = {"FeatureSpace", "audio_dataset_from_directory", "bounding_boxes", "legacy", "KerasFileEditor"}


@keras.saving.register_keras_serializable(package="Guide")
class ScaleLayer(keras.layers.Layer):
    """A layer multiplying by a fixed factor: the custom-object guide's example."""

    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def call(self, x):
        return x * self.factor

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


def halve(x):
    return x / 2


@pytest.mark.parametrize("namespace", ["utils", "saving", "config"])
def test_namespace_has_every_keras_name(namespace):
    ours = {n for n in dir(getattr(keras, namespace)) if not n.startswith("_")}
    assert set(REC["namespaces"][namespace]) - NOT_PROVIDED <= ours


# ---- serialization ------------------------------------------------------------------------------------

def test_registered_layer_serializes_as_keras_writes_it():
    config = keras.saving.serialize_keras_object(ScaleLayer(3.0, name="scale"))
    assert config["module"] == __name__           # recorded from a script: Keras writes None for __main__
    assert json.loads(json.dumps({**config, "module": None})) == REC["scale_layer_config"]


def test_registered_names_and_the_global_registry():
    assert keras.saving.get_registered_name(ScaleLayer) == REC["registered_name"]
    assert keras.saving.get_registered_name(keras.layers.Dense) == REC["registered_name_builtin"]
    assert keras.saving.get_registered_name(halve) == REC["registered_name_function"]
    keys = sorted(k for k in keras.saving.get_custom_objects() if k.startswith("Guide>"))
    assert keys == REC["custom_objects_keys"]
    assert keras.saving.get_registered_object("Guide>ScaleLayer") is ScaleLayer


def test_custom_object_scope_lets_deserialization_find_a_function():
    config = keras.saving.serialize_keras_object(ScaleLayer(3.0, name="scale"))
    with keras.utils.custom_object_scope({"halve": halve}):
        assert keras.saving.serialize_keras_object(halve) == REC["halve_config"]
        restored_fn = keras.saving.deserialize_keras_object(REC["halve_config"])
        restored = keras.saving.deserialize_keras_object(config)
    assert keras.saving.get_registered_object("halve") is None          # the scope is gone
    assert type(restored).__name__ == REC["restored_class"] and restored.factor == REC["restored_factor"]
    np.testing.assert_allclose(restored(ARRAYS["scale_in"]).numpy(), ARRAYS["scale_out"])
    np.testing.assert_allclose(np.asarray(restored_fn(ARRAYS["scale_in"])), ARRAYS["halve_out"])


def test_deserializing_an_unknown_function_outside_its_scope_says_how_to_register_it():
    with pytest.raises(TypeError, match="register_keras_serializable"):
        keras.saving.deserialize_keras_object(REC["halve_config"])


def test_builtin_objects_and_plain_values_serialize_as_keras_and_round_trip():
    objects = {"tuple": (1, 2), "numpy": np.arange(3, dtype="int32"),
               "initializer": keras.initializers.Constant(0.5), "regularizer": keras.regularizers.L2(0.1),
               "loss": keras.losses.MeanSquaredError()}
    for name, obj in objects.items():
        config = keras.saving.serialize_keras_object(obj)
        assert json.loads(json.dumps(config)) == REC["plain_values"][name], name
        back = keras.saving.deserialize_keras_object(config)
        assert type(back) is (list if name == "tuple" else type(obj)), name
    np.testing.assert_array_equal(keras.saving.deserialize_keras_object(REC["plain_values"]["numpy"]),
                                  np.arange(3, dtype="int32"))


def test_model_with_a_registered_layer_round_trips_through_its_config():
    model = keras.Sequential([keras.Input((3,)), ScaleLayer(0.5, name="half"), keras.layers.Dense(2, name="out")])
    model.layers[-1].set_weights([np.arange(6, dtype="float32").reshape(3, 2) / 10, np.array([1, -1], "float32")])
    np.testing.assert_allclose(model(ARRAYS["scale_in"]).numpy(), ARRAYS["model_out"], rtol=1e-6)
    clone = keras.saving.deserialize_keras_object(json.loads(json.dumps(keras.saving.serialize_keras_object(model))))
    assert [type(layer).__name__ for layer in clone.layers] == ["ScaleLayer", "Dense"]
    assert clone.layers[0].factor == 0.5


def test_lambdas_need_unsafe_deserialization():
    with pytest.warns(UserWarning, match="lambda"):
        config = keras.saving.serialize_keras_object(lambda x: x + 1)
    with pytest.raises(ValueError, match="safe_mode=False"):
        keras.saving.deserialize_keras_object(config)
    assert keras.saving.deserialize_keras_object(config, safe_mode=False)(1) == 2


# ---- images ------------------------------------------------------------------------------------------

@pytest.fixture
def picture(tmp_path):
    path = tmp_path / "picture.png"
    keras.utils.save_img(path, ARRAYS["image"], scale=False)
    return path


@pytest.mark.parametrize("case", ["full", "nearest_3x4", "bilinear_4x5", "aspect_4x4", "grey", "rgba"])
def test_save_img_then_load_img_and_img_to_array_match_keras(picture, case):
    rec = REC[f"load_{case}"]
    kwargs = {k: tuple(v) if isinstance(v, list) else v for k, v in rec["kwargs"].items()}
    img = keras.utils.load_img(picture, **kwargs)
    assert (img.mode, list(img.size)) == (rec["mode"], rec["size"])
    array = keras.utils.img_to_array(img)
    assert array.dtype == np.float32
    np.testing.assert_array_equal(array, ARRAYS[f"load_{case}"])


def test_channels_first_scaling_jpeg_and_file_objects(picture, tmp_path):
    img = keras.utils.load_img(picture)
    np.testing.assert_array_equal(keras.utils.img_to_array(img, data_format="channels_first"),
                                  ARRAYS["channels_first"])
    np.testing.assert_array_equal(np.asarray(keras.utils.array_to_img(ARRAYS["image"])), ARRAYS["scaled"])
    assert keras.utils.array_to_img(ARRAYS["image"][:, :, :1], scale=False).mode == REC["grey_mode"]
    assert keras.utils.array_to_img(ARRAYS["image"][:, :, :1] * 100, scale=False).mode == REC["big_grey_mode"]
    keras.utils.save_img(tmp_path / "picture.jpg", ARRAYS["image"], scale=False, quality=95)
    np.testing.assert_array_equal(keras.utils.img_to_array(keras.utils.load_img(tmp_path / "picture.jpg")),
                                  ARRAYS["jpeg_roundtrip"])
    buf = io.BytesIO()
    keras.utils.save_img(buf, ARRAYS["image"], file_format="png", scale=False)
    np.testing.assert_array_equal(keras.utils.img_to_array(keras.utils.load_img(io.BytesIO(buf.getvalue()))),
                                  ARRAYS["bytesio"])


def test_image_errors_are_clear(picture):
    with pytest.raises(ValueError, match="rank 3"):
        keras.utils.array_to_img(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="channel number"):
        keras.utils.array_to_img(np.zeros((2, 2, 2)))
    with pytest.raises(ValueError, match="color_mode"):
        keras.utils.load_img(picture, color_mode="cmyk")
    with pytest.raises(ValueError, match="interpolation"):
        keras.utils.load_img(picture, target_size=(2, 2), interpolation="cubic-ish")


# ---- get_file ----------------------------------------------------------------------------------------

def make_archive(directory: pathlib.Path) -> pathlib.Path:
    path = directory / "data.tar.gz"
    with tarfile.open(path, "w:gz", format=tarfile.USTAR_FORMAT) as tar:
        for name, text in (("data/a.txt", b"alpha\n"), ("data/sub/b.txt", b"beta\n")):
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = len(text), 0, 0o644
            tar.addfile(info, io.BytesIO(text))
    return path


def listing(root) -> list:
    return sorted(str(p.relative_to(root)) for p in pathlib.Path(root).rglob("*") if p.is_file())


@pytest.fixture
def archive(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    path = make_archive(src)
    return path, hashlib.sha256(path.read_bytes()).hexdigest()


def test_get_file_downloads_checks_sha256_extracts_and_caches(archive, tmp_path, capsys):
    path, sha = archive
    cache = tmp_path / "cache"
    cache.mkdir()
    out = keras.utils.get_file("data.tar.gz", path.as_uri(), file_hash=sha, extract=True, cache_dir=cache)
    assert os.path.relpath(out, cache) == REC["get_file_extract"]["returned"]
    assert listing(out) == REC["get_file_extract"]["files"] and listing(cache) == REC["get_file_extract"]["cache"]
    assert "Downloading data from" in capsys.readouterr().out
    path.unlink()                                  # the second call must not need the origin
    again = keras.utils.get_file("data.tar.gz", path.as_uri(), file_hash=sha, extract=True, cache_dir=cache)
    assert again == out and "Downloading" not in capsys.readouterr().out


def test_get_file_names_files_as_keras(archive, tmp_path):
    path, sha = archive
    cache = tmp_path / "cache"
    cache.mkdir()
    plain = keras.utils.get_file(origin=path.as_uri(), cache_dir=cache, cache_subdir="raw", md5_hash=hashlib.md5(
        path.read_bytes()).hexdigest())
    assert os.path.relpath(plain, cache) == REC["get_file_plain"]["returned"]
    nameless = keras.utils.get_file(origin=path.as_uri(), cache_dir=cache, cache_subdir="auto", extract=True)
    assert os.path.relpath(nameless, cache) == REC["get_file_extract_nameless"]["returned"]
    assert listing(cache / "auto") == REC["get_file_extract_nameless"]["cache"]


def test_get_file_refuses_a_download_with_the_wrong_hash_and_keeps_nothing(archive, tmp_path):
    path, _ = archive
    with pytest.raises(ValueError, match="hash does not match"):
        keras.utils.get_file("bad.tar.gz", path.as_uri(), file_hash="0" * 64, cache_dir=tmp_path)
    assert listing(tmp_path / "datasets") == []      # Keras leaves the bad file; graphflow removes it


def test_get_file_redownloads_a_stale_cached_file_and_respects_the_umask(archive, tmp_path):
    path, sha = archive
    stale = tmp_path / "datasets" / "data.tar.gz"
    stale.parent.mkdir()
    stale.write_bytes(b"truncated")
    old = os.umask(0o027)
    try:
        out = keras.utils.get_file("data.tar.gz", path.as_uri(), file_hash=sha, cache_dir=tmp_path)
    finally:
        os.umask(old)
    assert pathlib.Path(out).read_bytes() == path.read_bytes()
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o640


def test_get_file_refuses_archive_members_outside_the_target(tmp_path):
    evil = tmp_path / "evil.tar"
    with tarfile.open(evil, "w") as tar:
        info = tarfile.TarInfo("../escaped.txt")
        info.size = 1
        tar.addfile(info, io.BytesIO(b"x"))
    with pytest.raises(tarfile.TarError):
        keras.utils.get_file("evil.tar", evil.as_uri(), extract=True, cache_dir=tmp_path)
    assert not (tmp_path / "datasets" / "escaped.txt").exists() and not (tmp_path / "escaped.txt").exists()


def test_get_file_needs_an_origin_and_a_plain_name(tmp_path):
    with pytest.raises(ValueError, match="origin"):
        keras.utils.get_file("x")
    with pytest.raises(ValueError, match="cache_dir"):
        keras.utils.get_file("a/b.txt", "file:///nowhere", cache_dir=tmp_path)


# ---- keras.config ------------------------------------------------------------------------------------

def test_set_floatx_makes_new_dense_layers_float64_and_is_restored():
    keras.config.set_floatx("float64")
    try:
        layer = keras.layers.Dense(2)
        layer.build((None, 3))
        assert {"dtype": layer.dtype, "kernel": layer.kernel.dtype.name,
                "policy": keras.config.dtype_policy().name} == REC["floatx64_dense"]
    finally:
        keras.config.set_floatx("float32")
        keras.config.set_dtype_policy("float32")
    assert keras.layers.Dense(2).dtype == REC["floatx_restored"]
    keras.config.set_dtype_policy(None)


def test_config_defaults_match_keras():
    got = {name: getattr(keras.config, name)() for name in REC["config_defaults"]}
    assert got == REC["config_defaults"]


def test_image_data_format_is_settable_and_checked():
    keras.config.set_image_data_format("channels_first")
    try:
        assert keras.backend.image_data_format() == "channels_first"
        assert keras.utils.img_to_array(np.zeros((2, 3), "uint8")).shape == (1, 2, 3)
    finally:
        keras.config.set_image_data_format("channels_last")
    with pytest.raises(ValueError, match="channels_first"):
        keras.config.set_image_data_format("nhwc")


def test_max_epochs_and_steps_per_epoch_cap_fit():
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    model.compile(loss="mse", optimizer="sgd")
    steps = []
    counter = keras.callbacks.LambdaCallback(on_train_batch_begin=lambda batch, logs: steps.append(batch))
    keras.config.set_max_epochs(2)
    keras.config.set_max_steps_per_epoch(3)
    try:
        history = model.fit(np.ones((80, 4)), np.ones((80, 1)), batch_size=8, epochs=4, callbacks=[counter],
                            verbose=0)
    finally:
        keras.config.set_max_epochs(None)
        keras.config.set_max_steps_per_epoch(None)
    assert len(history.history["loss"]) == 2 and len(steps) == 6


def test_disabled_interactive_logging_sends_the_progress_bar_to_the_logger(caplog, capsys):
    keras.utils.disable_interactive_logging()
    try:
        assert not keras.config.is_interactive_logging_enabled()
        with caplog.at_level(logging.INFO, logger="graphflow.keras"):
            bar = keras.utils.Progbar(2)
            bar.update(1)
            bar.update(2, [("loss", 0.5)])
    finally:
        keras.utils.enable_interactive_logging()
    assert capsys.readouterr().out == ""
    assert any(r.getMessage().startswith("2/2") and "loss: 0.5000" in r.getMessage() for r in caplog.records)


# ---- the rest of keras.utils -------------------------------------------------------------------------

def test_get_source_inputs_walks_back_to_the_inputs():
    a, b = keras.Input((3,), name="a"), keras.Input((3,), name="b")
    out = keras.layers.Add()([keras.layers.Dense(3)(a), b])
    out = keras.layers.Dense(1)(keras.layers.Concatenate()([out, a]))
    assert keras.utils.get_source_inputs(out) == [a, b]
    assert keras.utils.is_keras_tensor(out) and not keras.utils.is_keras_tensor(np.zeros(1))


def test_config_reads_and_writes_attributes_until_frozen():
    config = keras.utils.Config(learning_rate=0.1)
    config.epochs = 3
    config["batch_size"] = 8
    assert (config.learning_rate, config["epochs"], list(config)) == (0.1, 3, ["batch_size", "epochs",
                                                                              "learning_rate"])
    config.freeze()
    with pytest.raises(ValueError, match="frozen"):
        config.epochs = 4
    with pytest.raises(AttributeError, match="Did you mean 'epochs'"):
        _ = config.epoch
    assert json.loads(config.to_json()) == {"learning_rate": 0.1, "epochs": 3, "batch_size": 8}


def test_saving_functions_save_and_load_weights(tmp_path):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    keras.saving.save_weights(model, tmp_path / "m.weights.h5")
    other = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    keras.saving.load_weights(other, tmp_path / "m.weights.h5")
    for a, b in zip(model.get_weights(), other.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_a_compiled_functional_model_deserializes_built_and_compiled():
    inputs = keras.Input((3,))
    model = keras.Model(inputs, keras.layers.Dense(2)(inputs))
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    clone = keras.saving.deserialize_keras_object(json.loads(json.dumps(keras.saving.serialize_keras_object(model))))
    assert clone.built and clone.compiled
    assert type(clone.optimizer).__name__ == "Adam" and np.isclose(float(clone.optimizer.learning_rate), 0.01)


def test_clear_session_resets_the_dtype_policy_and_session_switches_as_keras():
    keras.config.set_dtype_policy("float64")
    keras.config.disable_interactive_logging()
    keras.config.enable_flash_attention()
    keras.config.set_max_epochs(3)
    try:
        keras.utils.clear_session()
        assert keras.config.dtype_policy().name == "float32"
        assert keras.config.is_interactive_logging_enabled() and keras.config.is_flash_attention_enabled() is None
        assert keras.config.max_epochs() == 3           # Keras keeps the training limits
    finally:
        keras.config.set_max_epochs(None)


@pytest.mark.parametrize("case,kwargs", [("l2", {}), ("l1", {"order": 1}), ("axis0", {"axis": 0})])
def test_normalize_gives_a_tensor_for_a_tensor_as_keras(case, kwargs):
    out = keras.utils.normalize(gf.constant(ARRAYS["normalize_in"]), **kwargs)
    assert gf.is_tensor(out)
    np.testing.assert_allclose(out.numpy(), ARRAYS[f"normalize_{case}"], rtol=1e-6)
    np.testing.assert_allclose(keras.utils.normalize(ARRAYS["normalize_in"], **kwargs), ARRAYS[f"normalize_{case}"],
                               rtol=1e-6)


def test_a_user_class_named_like_a_builtin_does_not_replace_it():
    @keras.saving.register_keras_serializable(package="Shadow")
    class Dense(keras.layers.Layer):
        pass

    try:
        config = keras.saving.serialize_keras_object(keras.layers.Dense(2))
        assert type(keras.saving.deserialize_keras_object(config)) is keras.layers.Dense
        assert keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(Dense())).__class__ is Dense
    finally:
        keras.saving.get_custom_objects().pop("Shadow>Dense")
