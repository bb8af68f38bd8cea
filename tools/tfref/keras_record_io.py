"""Shared by the Keras recorders: TensorFlow set-up and atomic writes of JSON and .npz files."""
from __future__ import annotations

import io
import json
import os
import sys
import tempfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT_DIR = os.path.join(ROOT, "tests", "data", "keras_breadth")


def import_keras():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    import keras
    import tensorflow as tf
    return tf, keras


def case_tables():
    """The case lists the tests use (tests/keras_api/...), importable without graphflow."""
    sys.path.insert(0, os.path.join(ROOT, "tests", "keras_api", "layers"))
    import breadth_cases
    return breadth_cases


def _atomic(path: str, data: bytes) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def write(name: str, meta: dict, arrays: dict) -> None:
    """tests/data/keras_breadth/<name>.json and <name>.npz (deterministic bytes)."""
    _atomic(os.path.join(OUT_DIR, f"{name}.json"),
            (json.dumps(meta, indent=1, sort_keys=True) + "\n").encode())
    buf = io.BytesIO()
    np.savez(buf, **{k: arrays[k] for k in sorted(arrays)})
    _atomic(os.path.join(OUT_DIR, f"{name}.npz"), buf.getvalue())
