"""The `assets/` part of a `.keras` archive: files objects write with `save_assets(dir_path)` and
read back with `load_assets(dir_path)` (a lookup layer's learnt vocabulary), as Keras 3 stores
them: `assets/<the object's path>/...`, the path its weights have in `model.weights.h5`.

Both calls get a real directory, as in Keras (custom layers may write any files): a temporary
one, packed into or unpacked from the archive.
"""
from __future__ import annotations

import os
import tempfile

from .keras_saveables import saveable_objects

PREFIX = "assets/"


def add_assets(zf, model) -> None:
    """Every object's assets into the open zip `zf`, under assets/<path>/."""
    objects = [(path, obj) for path, obj in saveable_objects(model) if hasattr(obj, "save_assets")]
    if not objects:
        return
    with tempfile.TemporaryDirectory() as tmp:
        for path, obj in objects:
            where = os.path.join(tmp, *path.split("/")) if path else tmp
            os.makedirs(where, exist_ok=True)
            obj.save_assets(where)
        for root, dirs, files in os.walk(tmp):
            dirs.sort()
            for name in sorted(files):
                full = os.path.join(root, name)
                zf.write(full, PREFIX + os.path.relpath(full, tmp).replace(os.sep, "/"))


def load_assets(zf, model, source: str) -> None:
    """Hand each object with `load_assets` its directory of the archive's assets (if it has one)."""
    names = [n for n in zf.namelist() if n.startswith(PREFIX) and not n.endswith("/")]
    objects = [(path, obj) for path, obj in saveable_objects(model) if hasattr(obj, "load_assets")]
    if not names or not objects:
        return
    with tempfile.TemporaryDirectory() as tmp:
        root = os.path.realpath(tmp)
        for name in names:
            target = os.path.realpath(os.path.join(root, *name[len(PREFIX):].split("/")))
            if not target.startswith(root + os.sep):
                raise ValueError(f"{source}: the asset {name!r} points outside the archive's assets")
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "wb") as f:
                f.write(zf.read(name))
        for path, obj in objects:
            where = os.path.join(root, *path.split("/")) if path else root
            if os.path.isdir(where):
                obj.load_assets(where)
