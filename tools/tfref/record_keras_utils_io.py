"""Record keras.utils / keras.saving / keras.config programs under real Keras 3 (TF 2.21) for
tests/keras_api/test_keras_utils_io.py: serialization of a registered custom layer, image files
through save_img / load_img / img_to_array, get_file on a local tar.gz, and set_floatx.

Needs pillow next to TensorFlow (the oracle venv has none; pointing PYTHONPATH at a directory that
holds only the PIL package of the graphflow interpreter works, the same pillow then writes both sides):
    PYTHONPATH=/path/with/PIL /work/tfvenv/bin/python tools/tfref/record_keras_utils_io.py
Writes tests/data/keras_utils/io_programs.json and io_programs.npz.
"""
import hashlib
import io
import json
import os
import pathlib
import tarfile
import tempfile

import keras
import numpy as np
import tensorflow as tf

OUT = pathlib.Path(__file__).resolve().parents[2] / "tests" / "data" / "keras_utils"


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


def image_array():
    """6x8 RGB image whose pixels differ (so resizing shows which pixels were picked)."""
    h, w = np.mgrid[0:6, 0:8]
    return np.stack([h * 40, w * 30, (h + w) * 15], axis=-1).astype("float32")


def serialization_program(rec, arrays):
    layer = ScaleLayer(3.0, name="scale")
    config = keras.saving.serialize_keras_object(layer)
    rec["scale_layer_config"] = config
    rec["registered_name"] = keras.saving.get_registered_name(ScaleLayer)
    rec["registered_name_builtin"] = keras.saving.get_registered_name(keras.layers.Dense)
    rec["registered_name_function"] = keras.saving.get_registered_name(halve)
    rec["custom_objects_keys"] = sorted(k for k in keras.saving.get_custom_objects() if k.startswith("Guide>"))
    with keras.saving.custom_object_scope({"halve": halve}):
        rec["halve_config"] = keras.saving.serialize_keras_object(halve)
        restored_fn = keras.saving.deserialize_keras_object(rec["halve_config"])
        restored = keras.saving.deserialize_keras_object(config)
    rec["restored_class"] = type(restored).__name__
    rec["restored_factor"] = restored.factor
    x = np.arange(6, dtype="float32").reshape(2, 3)
    arrays["scale_in"] = x
    arrays["scale_out"] = keras.ops.convert_to_numpy(restored(x))
    arrays["halve_out"] = keras.ops.convert_to_numpy(restored_fn(x))
    rec["plain_values"] = {
        "tuple": keras.saving.serialize_keras_object((1, 2)),
        "numpy": keras.saving.serialize_keras_object(np.arange(3, dtype="int32")),
        "initializer": keras.saving.serialize_keras_object(keras.initializers.Constant(0.5)),
        "regularizer": keras.saving.serialize_keras_object(keras.regularizers.L2(0.1)),
        "loss": keras.saving.serialize_keras_object(keras.losses.MeanSquaredError()),
    }
    model = keras.Sequential([keras.Input((3,)), ScaleLayer(0.5, name="half"), keras.layers.Dense(2, name="out")])
    model.layers[-1].set_weights([np.arange(6, dtype="float32").reshape(3, 2) / 10, np.array([1, -1], "float32")])
    arrays["model_out"] = keras.ops.convert_to_numpy(model(x))


def image_program(rec, arrays, tmp):
    img = image_array()
    arrays["image"] = img
    path = os.path.join(tmp, "picture.png")
    keras.utils.save_img(path, img, scale=False)
    for name, kwargs in {"full": {}, "nearest_3x4": {"target_size": (3, 4)},
                         "bilinear_4x5": {"target_size": (4, 5), "interpolation": "bilinear"},
                         "aspect_4x4": {"target_size": (4, 4), "keep_aspect_ratio": True},
                         "grey": {"color_mode": "grayscale"},
                         "rgba": {"color_mode": "rgba", "target_size": (2, 3)}}.items():
        loaded = keras.utils.load_img(path, **kwargs)
        rec[f"load_{name}"] = {"kwargs": kwargs, "mode": loaded.mode, "size": list(loaded.size)}
        arrays[f"load_{name}"] = keras.utils.img_to_array(loaded)
    arrays["channels_first"] = keras.utils.img_to_array(keras.utils.load_img(path), data_format="channels_first")
    scaled = keras.utils.array_to_img(img)         # scale=True: min -> 0, max -> 255
    arrays["scaled"] = np.asarray(scaled)
    grey = keras.utils.array_to_img(img[:, :, :1], scale=False)
    rec["grey_mode"] = grey.mode
    rec["big_grey_mode"] = keras.utils.array_to_img(img[:, :, :1] * 100, scale=False).mode
    jpeg = os.path.join(tmp, "picture.jpg")
    keras.utils.save_img(jpeg, img, scale=False, quality=95)
    arrays["jpeg_roundtrip"] = keras.utils.img_to_array(keras.utils.load_img(jpeg))
    buf = io.BytesIO()
    keras.utils.save_img(buf, img, file_format="png", scale=False)
    arrays["bytesio"] = keras.utils.img_to_array(keras.utils.load_img(io.BytesIO(buf.getvalue())))


def make_archive(directory) -> str:
    """data.tar.gz holding data/a.txt and data/sub/b.txt (fixed bytes, fixed mtimes)."""
    path = os.path.join(directory, "data.tar.gz")
    with tarfile.open(path, "w:gz", format=tarfile.USTAR_FORMAT) as tar:
        for name, text in (("data/a.txt", b"alpha\n"), ("data/sub/b.txt", b"beta\n")):
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = len(text), 0, 0o644
            tar.addfile(info, io.BytesIO(text))
    return path


def listing(root) -> list:
    return sorted(str(p.relative_to(root)) for p in pathlib.Path(root).rglob("*") if p.is_file())


def get_file_program(rec, tmp):
    src = os.path.join(tmp, "src")
    os.makedirs(src)
    archive = make_archive(src)
    with open(archive, "rb") as f:
        sha = hashlib.sha256(f.read()).hexdigest()
    cache = os.path.join(tmp, "cache")
    os.makedirs(cache)          # Keras falls back to /tmp/.keras when cache_dir does not exist yet
    url = pathlib.Path(archive).as_uri()
    out = keras.utils.get_file("data.tar.gz", url, file_hash=sha, extract=True, cache_dir=cache)
    rec["get_file_extract"] = {"returned": os.path.relpath(out, cache), "files": listing(out),
                               "cache": listing(cache)}
    plain = keras.utils.get_file(origin=url, cache_dir=cache, cache_subdir="raw", file_hash=sha)
    rec["get_file_plain"] = {"returned": os.path.relpath(plain, cache)}
    nameless = keras.utils.get_file(origin=url, cache_dir=cache, cache_subdir="auto", extract=True)
    rec["get_file_extract_nameless"] = {"returned": os.path.relpath(nameless, cache), "files": listing(nameless),
                                        "cache": listing(os.path.join(cache, "auto"))}
    try:
        keras.utils.get_file("bad.tar.gz", url, file_hash="0" * 64, cache_dir=cache)
    except ValueError as e:
        rec["get_file_bad_hash"] = {"error": type(e).__name__, "left": listing(cache)}


def floatx_program(rec):
    """Runs before any layer exists: Keras fixes its global dtype policy from floatx() the first time
    it is read, so set_floatx changes new layers only before that, and restoring needs set_dtype_policy."""
    keras.config.set_floatx("float64")
    try:
        layer = keras.layers.Dense(2)
        layer.build((None, 3))
        rec["floatx64_dense"] = {"dtype": layer.dtype, "kernel": layer.kernel.dtype,
                                 "policy": keras.config.dtype_policy().name}
    finally:
        keras.config.set_floatx("float32")
        keras.config.set_dtype_policy("float32")
    rec["floatx_restored"] = keras.layers.Dense(2).dtype
    rec["config_defaults"] = {"floatx": keras.config.floatx(), "epsilon": keras.config.epsilon(),
                              "image_data_format": keras.config.image_data_format(),
                              "backend": keras.config.backend(), "max_epochs": keras.config.max_epochs(),
                              "max_steps_per_epoch": keras.config.max_steps_per_epoch(),
                              "is_interactive_logging_enabled": keras.config.is_interactive_logging_enabled(),
                              "is_traceback_filtering_enabled": keras.config.is_traceback_filtering_enabled(),
                              "is_flash_attention_enabled": keras.config.is_flash_attention_enabled()}


def normalize_program(arrays):
    """keras.utils.normalize on a tensor (a tensor back) with a zero row and a tiny one."""
    x = tf.constant([[3.0, 4.0], [0.0, 0.0], [1e-5, 0.0]])
    arrays["normalize_in"] = x.numpy()
    for name, kwargs in {"l2": {}, "l1": {"order": 1}, "axis0": {"axis": 0}}.items():
        out = keras.utils.normalize(x, **kwargs)
        assert tf.is_tensor(out)
        arrays[f"normalize_{name}"] = out.numpy()


def main():
    rec, arrays = {}, {}
    floatx_program(rec)
    keras.utils.set_random_seed(0)
    serialization_program(rec, arrays)
    normalize_program(arrays)
    with tempfile.TemporaryDirectory() as tmp:
        image_program(rec, arrays, tmp)
        get_file_program(rec, tmp)
    rec["namespaces"] = {ns: sorted(n for n in dir(getattr(keras, ns)) if not n.startswith("_"))
                         for ns in ("utils", "saving", "config")}
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "io_programs.json").write_text(json.dumps(rec, indent=1, sort_keys=True) + "\n")
    np.savez(OUT / "io_programs.npz", **arrays)
    print("wrote", OUT / "io_programs.json", "with", tf.__version__, keras.__version__)


if __name__ == "__main__":
    main()
