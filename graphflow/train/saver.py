"""TF1 state: gf.compat.v1.train.Saver (name-based checkpoints) and init_from_checkpoint.

A Saver writes the same files as gf.train.Checkpoint (`PREFIX.index` + `PREFIX.data-...`) with
no object graph: each variable is stored under its name (`dense/kernel`), so a TF1 program and
a TF2 Checkpoint over objects whose variables have those names can read each other's files.
"""
from __future__ import annotations

import os
import time

import numpy as np

from .. import context as ctx_mod
from .. import variables as variables_mod
from ..checkpoint import format as ckpt_format
from ..checkpoint import state as ckpt_state
from ..checkpoint.lookup import load_checkpoint
from ..checkpoint.object_graph import check_shape, set_variable_value, variable_value
from ..errors import NotFoundError
from ..variables import Variable


def _name(var) -> str:
    return var.name[:-2] if var.name.endswith(":0") else var.name


def _named_variables(var_list) -> dict:
    if var_list is None:
        if ctx_mod.executing_eagerly():
            raise RuntimeError("When eager execution is enabled, `var_list` must specify a list or dict of "
                               "variables to save")
        var_list = variables_mod.global_variables()
    if isinstance(var_list, dict):
        named = dict(var_list)
    else:
        named = {}
        for var in var_list:
            if not isinstance(var, Variable):
                raise TypeError(f"Saver: var_list holds {var!r}, which is not a variable")
            if _name(var) in named and named[_name(var)] is not var:
                raise ValueError(f"At least two variables have the same name: {_name(var)}")
            named[_name(var)] = var
    if not named:
        raise ValueError("No variables to save")
    return named


class Saver:
    """Save and restore variables by name.

    Args:
        var_list: the variables (a list, or a dict of checkpoint name -> variable); default every
            global variable of the graph.
        max_to_keep: how many recent checkpoints to keep (None or 0 keeps all).
        keep_checkpoint_every_n_hours: also keep one checkpoint per this many hours.
    """

    def __init__(self, var_list=None, reshape=False, sharded=False, max_to_keep=5,
                 keep_checkpoint_every_n_hours=10000.0, name=None, restore_sequentially=False, saver_def=None,
                 builder=None, defer_build=False, allow_empty=False, write_version=2, pad_step_number=False,
                 save_relative_paths=False, filename=None):
        self._var_list = var_list
        self._allow_empty = allow_empty
        self._max_to_keep = max_to_keep
        self._keep_every = keep_checkpoint_every_n_hours
        self._pad = pad_step_number
        self._last = []               # [(prefix, timestamp)], oldest first
        self._last_preserved = time.time()
        if not defer_build and not allow_empty:
            _named_variables(var_list)        # fail now, as TensorFlow does, when there is nothing to save

    @property
    def last_checkpoints(self) -> list:
        return [p for p, _ in self._last]

    def set_last_checkpoints_with_time(self, last_checkpoints_with_time) -> None:
        self._last = list(last_checkpoints_with_time)

    def recover_last_checkpoints(self, checkpoint_paths) -> None:
        now = time.time()
        self._last = [(p, now) for p in checkpoint_paths if ckpt_format.exists(p)]

    def save(self, sess, save_path, global_step=None, latest_filename=None, meta_graph_suffix="meta",
             write_meta_graph=True, write_state=True, strip_default_attrs=False, save_debug_info=False) -> str:
        """Write the variables' current values to `save_path` (`save_path-STEP` with a global step)."""
        named = _named_variables(self._var_list)
        prefix = os.fspath(save_path)
        if global_step is not None:
            step = global_step
            if isinstance(step, Variable):
                step = variable_value(step)
            elif hasattr(step, "numpy"):
                step = step.numpy()
            prefix = f"{prefix}-{int(step):08d}" if self._pad else f"{prefix}-{int(step)}"
        directory = os.path.dirname(os.path.abspath(prefix))
        if not os.path.isdir(directory):
            raise ValueError(f"Parent directory of {save_path} doesn't exist, can't save.")
        ckpt_format.write(prefix, {k: variable_value(v) for k, v in named.items()}, None)
        if write_state:
            self._record(prefix, directory)
        return prefix

    def _record(self, prefix: str, directory: str) -> None:
        self._last = [(p, t) for p, t in self._last if p != prefix] + [(prefix, time.time())]
        if self._max_to_keep:
            while len(self._last) > self._max_to_keep:
                path, stamp = self._last.pop(0)
                if stamp - self._last_preserved >= self._keep_every * 3600.0:
                    self._last_preserved = stamp
                    continue
                ckpt_state.remove_checkpoint(path)
        ckpt_state.write_state(directory, ckpt_state.CheckpointState(
            model_checkpoint_path=prefix, all_model_checkpoint_paths=self.last_checkpoints,
            all_model_checkpoint_timestamps=[t for _, t in self._last], last_preserved_timestamp=self._last_preserved))

    def restore(self, sess, save_path) -> None:
        """Assign every variable the value saved under its name; all are checked before any is set."""
        if save_path is None:
            raise ValueError("Can't load save_path when it is None.")
        reader = ckpt_format.open_reader(save_path)
        named = _named_variables(self._var_list)
        missing = sorted(k for k in named if not reader.has_tensor(k))
        if missing:
            raise NotFoundError(None, None, f"Restoring from checkpoint failed: key {missing[0]} not found in "
                                f"checkpoint {save_path}" + (f" (nor {missing[1:]})" if len(missing) > 1 else "")
                                + f". The checkpoint holds {reader.keys()}")
        for key, var in named.items():
            check_shape(var, reader, key)
        for key, var in named.items():
            set_variable_value(var, reader.get_tensor(key))

    def as_saver_def(self):
        return {"max_to_keep": self._max_to_keep, "keep_checkpoint_every_n_hours": self._keep_every}


def init_from_checkpoint(ckpt_dir_or_file, assignment_map) -> None:
    """Make variables start from checkpointed values: their initializers assign those values.

    `assignment_map` maps checkpoint names to current names or variables: `{"old/": "new/"}`
    maps a scope (`"/"` means every variable), `{"old/w": "new/w"}` or `{"old/w": var}` one variable.
    """
    reader = load_checkpoint(ckpt_dir_or_file)
    eager = ctx_mod.executing_eagerly()
    current = {} if eager else {_name(v): v for v in variables_mod.global_variables()}
    pairs = []
    for ckpt_name, target in assignment_map.items():
        if isinstance(target, Variable):
            pairs.append((ckpt_name.rstrip("/") if ckpt_name != "/" else ckpt_name, target))
        elif ckpt_name.endswith("/") or target.endswith("/"):
            ckpt_scope = "" if ckpt_name == "/" else ckpt_name
            scope = "" if target == "/" else target
            for name, var in current.items():
                if name.startswith(scope) and reader.has_tensor(ckpt_scope + name[len(scope):]):
                    pairs.append((ckpt_scope + name[len(scope):], var))
        else:
            if target not in current:
                raise ValueError(f"init_from_checkpoint: no variable named {target!r} in the graph")
            pairs.append((ckpt_name, current[target]))
    for key, var in pairs:
        if not reader.has_tensor(key):
            raise ValueError(f"init_from_checkpoint: tensor {key!r} is not found in checkpoint {reader.prefix}")
        check_shape(var, reader, key)
    for key, var in pairs:
        value = reader.get_tensor(key)
        if var.graph is None:
            set_variable_value(var, value)
        else:
            from ..ops import api
            with var.graph.as_default():
                var.initializer = var.assign(api.constant(np.asarray(value, var.dtype.np))).op
