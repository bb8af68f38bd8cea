"""gf.train.Checkpoint: save and restore the variables reachable from some objects, by the
attribute paths that reach them, so code that rebuilds the same objects can restore them."""
from __future__ import annotations

import os
import time

import numpy as np

from .. import dtypes
from ..function import init_scope
from ..variables import Variable
from . import format as ckpt_format
from . import state as ckpt_state
from .lookup import resolve
from .object_graph import RestoreSession, check_shape, increment, reachable_variables, restore_variable, serialize


class Checkpoint:
    """Groups trackable objects (variables, gf.Modules, Keras models and optimizers, lists and
    dicts of them) under names, and saves or restores all of their variables.

    Args:
        root: an object whose children become the checkpoint's children (optional).
        **kwargs: named objects to save, e.g. `Checkpoint(model=model, optimizer=opt)`.
    """

    def __init__(self, root=None, **kwargs):
        for name, value in kwargs.items():
            if value is None:
                raise ValueError(f"Checkpoint: the object passed as {name!r} is None")
        self._root = root
        self._objects = dict(kwargs)
        self._save_counter = None
        self._deferred_restorations = {}

    def _checkpoint_dependencies(self) -> dict:
        from .object_graph import children
        deps = children(self._root) if self._root is not None else {}
        deps.update(self._objects)
        if self._save_counter is not None:
            deps["save_counter"] = self._save_counter
        return deps

    def _deferral_owner(self, name: str):
        if name in self._objects or name == "save_counter" or self._root is None:
            return self
        return self._root

    def __getattr__(self, name):
        objects = self.__dict__.get("_objects", {})
        if name in objects:
            return objects[name]
        raise AttributeError(f"{type(self).__name__} has no attribute {name!r}")

    def __setattr__(self, name, value):
        if name.startswith("_"):
            object.__setattr__(self, name, value)
            return
        self._objects[name] = value
        pending = self._deferred_restorations
        if name in pending:
            pending.pop(name).restore_into(value)

    @property
    def save_counter(self) -> Variable:
        """How many times `save` has run (an int64 variable, saved with the checkpoint)."""
        if self._save_counter is None:
            with init_scope():
                self._save_counter = Variable(np.int64(0), trainable=False, name="save_counter", dtype=dtypes.int64)
            pending = self._deferred_restorations
            if "save_counter" in pending:
                pending.pop("save_counter").restore_into(self._save_counter)
        return self._save_counter

    # ---- writing -------------------------------------------------------------------------------------
    def write(self, file_prefix, options=None) -> str:
        """Write a checkpoint at exactly `file_prefix` (no numbering, no state file)."""
        tensors, graph = serialize(self)
        return ckpt_format.write(os.fspath(file_prefix), tensors, graph)

    def save(self, file_prefix, options=None) -> str:
        """Write `{file_prefix}-{n}` (n counts saves) and record it in the directory's state file."""
        prefix = f"{os.fspath(file_prefix)}-{increment(self.save_counter)}"
        path = self.write(prefix)
        directory = os.path.dirname(os.path.abspath(path))
        state = ckpt_state.read_state(directory) or ckpt_state.CheckpointState()
        paths = [p for p in state.all_model_checkpoint_paths if os.path.abspath(p) != os.path.abspath(path)]
        stamps = state.all_model_checkpoint_timestamps[-len(paths):] if paths else []
        state.model_checkpoint_path = path
        state.all_model_checkpoint_paths = paths + [path]
        state.all_model_checkpoint_timestamps = (stamps if len(stamps) == len(paths) else [time.time()] * len(paths)) \
            + [time.time()]
        ckpt_state.write_state(directory, state)
        return path

    # ---- reading -------------------------------------------------------------------------------------
    def read(self, save_path, options=None) -> "CheckpointLoadStatus":
        """Restore from a checkpoint written by `write` (or `save`)."""
        return self.restore(save_path)

    def restore(self, save_path, options=None):
        """Assign every saved value to the object at the same path now; values whose objects do
        not exist yet are assigned when they are created. Returns a status to check the match."""
        if save_path is None:
            return InitializationOnlyStatus(self)
        reader = ckpt_format.open_reader(resolve(save_path))
        if reader.object_graph is None:
            return NameBasedLoadStatus(self, reader)
        session = RestoreSession(reader)
        self.save_counter       # noqa: B018  (created now, as TensorFlow does, so the restore fills it)
        try:
            session.restore(0, self)
        except BaseException:
            session.partial_ok = True       # the error says what went wrong; no warning on top
            raise
        return CheckpointLoadStatus(self, session)


class CheckpointLoadStatus:
    """What a restore matched: `assert_consumed`, `assert_existing_objects_matched`, `expect_partial`."""

    def __init__(self, checkpoint, session: RestoreSession):
        self._checkpoint = checkpoint
        self._session = session

    def _unrestored_variables(self) -> list:
        restored = {id(v) for v in self._session.live.values()}
        return [v for v in reachable_variables(self._checkpoint) if id(v) not in restored
                and v is not self._checkpoint._save_counter]

    def assert_consumed(self):
        """Every value in the checkpoint was restored, and every variable of the objects got one."""
        missing = self._session.unmatched_keys()
        if missing:
            raise AssertionError(f"Unresolved object in checkpoint {self._session.reader.prefix}: these values were "
                                 f"not restored (their objects do not exist, or are not built yet): {missing}")
        unrestored = self._unrestored_variables()
        if unrestored:
            raise AssertionError(f"Some objects had no checkpointed value in {self._session.reader.prefix}: "
                                 f"{[v.name for v in unrestored]}")
        return self

    def assert_existing_objects_matched(self):
        """Every variable that exists now got a value (values for objects not created yet may wait)."""
        unrestored = self._unrestored_variables()
        if unrestored:
            raise AssertionError(f"Some existing objects had no checkpointed value in "
                                 f"{self._session.reader.prefix}: {[v.name for v in unrestored]}")
        return self

    def assert_nontrivial_match(self):
        if len(self._session.matched) <= 1:
            raise AssertionError(f"Nothing except the root object matched a checkpointed value in "
                                 f"{self._session.reader.prefix}")
        return self

    def expect_partial(self):
        """Silence the warning about checkpointed values that were never used."""
        self._session.partial_ok = True
        return self

    def run_restore_ops(self, session=None) -> None:
        """Values are assigned as they are matched; nothing is left to run."""

    def initialize_or_restore(self, session=None) -> None:
        """Restored variables already hold their values; the others keep their initial values."""


class NameBasedLoadStatus:
    """Restore from a name-based (TF1 Saver) checkpoint: each variable by its name."""

    def __init__(self, checkpoint, reader):
        self._reader = reader
        self._variables = reachable_variables(checkpoint)
        matched = [(var, _v1_name(var)) for var in self._variables if reader.has_tensor(_v1_name(var))]
        for var, key in matched:            # every shape first: a mismatch changes nothing
            check_shape(var, reader, key)
        for var, key in matched:
            restore_variable(var, reader, key)
        self._restored = [key for _, key in matched]

    def assert_consumed(self):
        missing = sorted(set(self._reader.keys()) - set(self._restored))
        if missing:
            raise AssertionError(f"Values in name-based checkpoint {self._reader.prefix} matched no variable: "
                                 f"{missing}")
        return self

    def assert_existing_objects_matched(self):
        unrestored = [v.name for v in self._variables if _v1_name(v) not in self._restored
                      and v.name != "save_counter:0"]
        if unrestored:
            raise AssertionError(f"Variables with no value in {self._reader.prefix}: {unrestored}")
        return self

    def expect_partial(self):
        return self

    def run_restore_ops(self, session=None) -> None:
        """Values were assigned when the status was made."""

    def initialize_or_restore(self, session=None) -> None:
        """Values were assigned when the status was made."""


def _v1_name(var) -> str:
    """A variable's key in a name-based checkpoint: its name without the `:0`."""
    return var.name[:-2] if var.name.endswith(":0") else var.name


class InitializationOnlyStatus:
    """`restore(None)`: nothing to restore (the usual start of a first training run)."""

    def __init__(self, checkpoint):
        self._checkpoint = checkpoint

    def assert_consumed(self):
        raise AssertionError("No checkpoint specified (save_path=None); nothing is being restored.")

    assert_existing_objects_matched = assert_consumed

    def expect_partial(self):
        return self

    def run_restore_ops(self, session=None) -> None:
        """Nothing to restore."""

    def initialize_or_restore(self, session=None) -> None:
        """Variables keep their initial values."""
