"""Finding and reading checkpoints by prefix or directory: gf.train.load_checkpoint,
list_variables, load_variable."""
from __future__ import annotations

import os

import numpy as np

from . import format as ckpt_format
from .state import latest_checkpoint


def resolve(ckpt_dir_or_file) -> str:
    """A checkpoint prefix from a prefix or a directory (its latest checkpoint)."""
    path = os.fspath(ckpt_dir_or_file)
    if os.path.isdir(path):
        latest = latest_checkpoint(path)
        if latest is None:
            raise ValueError(f"Couldn't find 'checkpoint' file or checkpoints in given directory {path}")
        return latest
    return path


def load_checkpoint(ckpt_dir_or_file):
    """A reader for a checkpoint prefix, or for the latest checkpoint in a directory."""
    return ckpt_format.open_reader(resolve(ckpt_dir_or_file))


def list_variables(ckpt_dir_or_file) -> list:
    """[(key, shape)] of every tensor in the checkpoint, sorted by key."""
    reader = load_checkpoint(ckpt_dir_or_file)
    shapes = reader.get_variable_to_shape_map()
    return [(k, shapes[k]) for k in sorted(shapes)]


def load_variable(ckpt_dir_or_file, name: str) -> np.ndarray:
    if name.endswith(":0"):
        name = name[:-2]
    return load_checkpoint(ckpt_dir_or_file).get_tensor(name)
