"""keras.utils.text_dataset_from_directory and image_dataset_from_directory: a folder per class of
files as a gf.data dataset of (texts or images, labels) batches, indexed, shuffled and split as Keras
does (same files, same seeded file order, same splits)."""
from __future__ import annotations

import os

import numpy as np

from ..data.dataset import AUTOTUNE, Dataset
from ..function.functional_ops import py_function
from ..ops import api as ops
from ..ops.api import image as image_api
from ..ops.api import io as io_api
from ..ops.api import strings as text_ops
from . import backend


def _valid_files(directory, follow_links, formats):
    for root, _, files in sorted(os.walk(directory, followlinks=follow_links), key=lambda w: w[0]):
        for name in sorted(files):
            if name.lower().endswith(formats):
                yield os.path.join(root, name)


def index_directory(directory, labels, formats, class_names=None, shuffle=True, seed=None, follow_links=False,
                    verbose=True):
    """(file paths, int labels or None, class names): class folders in alphanumeric order (or
    `class_names`' order), files sorted within each; shuffled with numpy's RandomState(seed)."""
    if not os.path.isdir(directory):
        raise ValueError(f"Directory {directory!r} does not exist or is not a directory")
    if labels == "inferred":
        subdirs = [d for d in sorted(os.listdir(directory))
                   if os.path.isdir(os.path.join(directory, d)) and not d.startswith(".")]
        if class_names is not None:
            if not set(class_names) <= set(subdirs):
                raise ValueError(f"The class_names passed did not match the subdirectories of {directory!r}. "
                                 f"Expected: {subdirs} (or a subset of it), received: class_names={class_names}")
            subdirs = list(class_names)
    else:
        if class_names is not None:
            raise ValueError("class_names can only be given with labels='inferred'")
        subdirs = [""]
    paths, label_values = [], []
    for index, sub in enumerate(subdirs):
        found = list(_valid_files(os.path.join(directory, sub), follow_links, formats))
        paths.extend(found)
        label_values.extend([index] * len(found))
    if labels == "inferred":
        names = subdirs
        label_values = np.asarray(label_values, np.int32)
    elif labels is None:
        names, label_values = None, None
    else:
        if len(labels) != len(paths):
            raise ValueError(f"len(labels) is {len(labels)} but {len(paths)} files were found in {directory!r}")
        label_values = np.asarray(labels)
        names = [str(v) for v in sorted(set(label_values.tolist()))]
    if verbose:
        print(f"Found {len(paths)} files." if label_values is None
              else f"Found {len(paths)} files belonging to {len(names)} classes.")
    if shuffle:
        seed = np.random.randint(1_000_000) if seed is None else seed
        np.random.RandomState(seed).shuffle(paths)
        if label_values is not None:
            np.random.RandomState(seed).shuffle(label_values)
    return paths, label_values, names


def split_for_subset(paths, labels, validation_split, subset, verbose=True):
    """Training = all but the last `validation_split` fraction; validation = that fraction."""
    if not validation_split:
        return paths, labels
    count = int(validation_split * len(paths))
    if subset == "training":
        if verbose:
            print(f"Using {len(paths) - count} files for training.")
        return paths[:len(paths) - count], None if labels is None else labels[:len(paths) - count]
    if subset == "validation":
        if verbose:
            print(f"Using {count} files for validation.")
        return paths[len(paths) - count:], None if labels is None else labels[len(paths) - count:]
    raise ValueError(f"subset must be 'training', 'validation' or 'both' with validation_split, got {subset!r}")


def _check_split(validation_split, subset, shuffle, seed):
    if validation_split is not None and not 0 < validation_split < 1:
        raise ValueError(f"validation_split must be between 0 and 1, got {validation_split}")
    if (validation_split is None) != (subset is None):
        raise ValueError("validation_split and subset must be given together")
    if validation_split and shuffle and seed is None:
        raise ValueError("If using validation_split and shuffling the data, you must provide a seed, so the "
                         "training and validation subsets do not overlap")


def _labels_as(labels, label_mode, num_classes):
    if label_mode == "int":
        return labels.astype(np.int32)
    if label_mode == "binary":
        if num_classes != 2:
            raise ValueError(f"label_mode='binary' needs exactly 2 classes, found {num_classes}")
        return labels.astype(np.float32).reshape(-1, 1)
    if label_mode == "categorical":
        return np.eye(num_classes, dtype=np.float32)[labels]
    raise ValueError(f"label_mode must be 'int', 'categorical', 'binary' or None, got {label_mode!r}")


def _indexed(directory, labels, label_mode, formats, class_names, shuffle, seed, validation_split, subset,
             follow_links, verbose):
    """What both builders start with: the checks, a seed drawn when shuffling without one, the file
    index; label_mode becomes None when there are no labels. -> (paths, labels, names, seed, label_mode)."""
    _check_split(validation_split, subset, shuffle, seed)
    seed = np.random.randint(1_000_000) if shuffle and seed is None else seed
    paths, label_values, names = index_directory(directory, labels, formats, class_names, shuffle, seed,
                                                 follow_links, verbose)
    if label_mode is not None and label_values is None:
        label_mode = None
    return paths, label_values, names, seed, label_mode


def _with_labels(ds, labels, label_mode, names):
    """`ds` zipped with its labels in `label_mode`, or as it is when there are none."""
    if label_mode is None:
        return ds
    return Dataset.zip((ds, Dataset.from_tensor_slices(_labels_as(labels, label_mode, len(names)))))


def _batched(ds, batch_size, names):
    """The builders' common tail: batched (unless batch_size is None), prefetched, with class_names."""
    if batch_size is not None:
        ds = ds.batch(batch_size)
    ds = ds.prefetch(AUTOTUNE)
    ds.class_names = names
    return ds


def _subsets(build, paths, label_values, validation_split, subset, verbose, shuffle, shuffle_validation):
    """build(paths, labels, shuffled) for the asked subset; subset="both": (training, validation),
    the validation half shuffled only if `shuffle_validation`."""
    if subset == "both":
        train = split_for_subset(paths, label_values, validation_split, "training", verbose)
        val = split_for_subset(paths, label_values, validation_split, "validation", verbose)
        return build(*train, shuffle), build(*val, shuffle_validation)
    return build(*split_for_subset(paths, label_values, validation_split, subset, verbose), shuffle)


def _read_text(path):
    with open(path, "rb") as f:
        return f.read()


def text_dataset_from_directory(directory, labels="inferred", label_mode="int", class_names=None, batch_size=32,
                                max_length=None, shuffle=True, seed=None, validation_split=None, subset=None,
                                follow_links=False, verbose=True):
    """A dataset of (texts, labels) batches from `directory/<class>/*.txt` (or texts alone with
    `labels=None`); `subset="both"` returns (training, validation)."""
    paths, label_values, names, seed, label_mode = _indexed(
        directory, labels, label_mode, (".txt",), class_names, shuffle, seed, validation_split, subset,
        follow_links, verbose)

    def build(chosen_paths, chosen_labels, shuffled):
        texts = np.empty(len(chosen_paths), dtype=object)
        texts[:] = [_read_text(p) for p in chosen_paths]
        ds = Dataset.from_tensor_slices(texts)
        if max_length is not None:
            ds = ds.map(lambda t: text_ops.substr(t, 0, max_length))
        ds = _with_labels(ds, chosen_labels, label_mode, names)
        if shuffled:
            ds = ds.shuffle(batch_size * 8 if batch_size is not None else 1024, seed=seed)
        return _batched(ds, batch_size, names)

    return _subsets(build, paths, label_values, validation_split, subset, verbose, shuffle, shuffle)


IMAGE_FORMATS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")
_CHANNELS = {"rgb": 3, "rgba": 4, "grayscale": 1}


def _image_loader(image_size, channels, interpolation, crop_to_aspect_ratio, pad_to_aspect_ratio):
    """path -> float32 (height, width, channels): decoded and resized eagerly per file (every file
    has its own size, and tf.image's resize needs the size when it is built)."""
    height, width = image_size

    def load(path):
        contents = io_api.read_file(path)
        image = io_api.decode_image(contents, channels=channels)
        if crop_to_aspect_ratio:
            h, w = image.shape[0], image.shape[1]
            crop_h, crop_w = min(h, int(w * height / width)), min(w, int(h * width / height))
            top, left = (h - crop_h) // 2, (w - crop_w) // 2
            image = image[top:top + crop_h, left:left + crop_w]
            image = image_api.resize(image, image_size, method=interpolation)
        elif pad_to_aspect_ratio:
            image = image_api.resize_with_pad(image, height, width, method=interpolation)
        else:
            image = image_api.resize(image, image_size, method=interpolation)
        return ops.cast(image, "float32")
    return load


def image_dataset_from_directory(directory, labels="inferred", label_mode="int", class_names=None, color_mode="rgb",
                                 batch_size=32, image_size=(256, 256), shuffle=True, seed=None,
                                 validation_split=None, subset=None, interpolation="bilinear", follow_links=False,
                                 crop_to_aspect_ratio=False, pad_to_aspect_ratio=False, data_format=None,
                                 verbose=True):
    """A dataset of (images, labels) batches from `directory/<class>/*.{png,jpg,bmp,gif}`: float32
    images of `image_size` with 1, 3 or 4 channels (`color_mode`), files indexed, shuffled and split
    as Keras does; `subset="both"` returns (training, validation)."""
    if color_mode not in _CHANNELS:
        raise ValueError(f'color_mode must be "rgb", "rgba" or "grayscale", got {color_mode!r}')
    if crop_to_aspect_ratio and pad_to_aspect_ratio:
        raise ValueError("Only one of pad_to_aspect_ratio and crop_to_aspect_ratio can be True")
    paths, label_values, names, seed, label_mode = _indexed(
        directory, labels, label_mode, IMAGE_FORMATS, class_names, shuffle, seed, validation_split, subset,
        follow_links, verbose)
    image_size = tuple(int(s) for s in image_size)
    channels = _CHANNELS[color_mode]
    load = _image_loader(image_size, channels, interpolation, crop_to_aspect_ratio, pad_to_aspect_ratio)
    channels_first = (data_format or backend.image_data_format()) == "channels_first"

    def read(path):
        image = py_function(load, [path], "float32")
        image = ops.ensure_shape(image, image_size + (channels,))
        return ops.transpose(image, [2, 0, 1]) if channels_first else image

    def build(chosen_paths, chosen_labels, shuffled):
        if not chosen_paths:
            raise ValueError(f"No images found in directory {directory}. Allowed formats: {IMAGE_FORMATS}")
        ds = Dataset.from_tensor_slices(np.array([p.encode() for p in chosen_paths], dtype=object))
        ds = _with_labels(ds, chosen_labels, label_mode, names)
        if shuffled:
            ds = ds.shuffle(1024, seed=seed)
        ds = ds.map((lambda p, y: (read(p), y)) if label_mode is not None else read)
        ds = _batched(ds, batch_size, names)
        ds.file_paths = list(chosen_paths)
        return ds

    return _subsets(build, paths, label_values, validation_split, subset, verbose, shuffle, False)
