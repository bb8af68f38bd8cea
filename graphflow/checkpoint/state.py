"""The `checkpoint` state file of a checkpoint directory: which checkpoints exist, newest last.

Same text layout as TensorFlow's (`model_checkpoint_path: "ckpt-3"` then one
`all_model_checkpoint_paths:` line per kept checkpoint), paths relative to the directory.
It is rewritten atomically after a checkpoint is complete, so it never names a half-written one.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field

from ..atomic_file import write_atomic
from . import format as ckpt_format

STATE_FILE = "checkpoint"


@dataclass
class CheckpointState:
    model_checkpoint_path: str | None = None
    all_model_checkpoint_paths: list = field(default_factory=list)
    all_model_checkpoint_timestamps: list = field(default_factory=list)
    last_preserved_timestamp: float = 0.0


def _absolute(directory: str, path: str) -> str:
    return path if os.path.isabs(path) else os.path.join(directory, path)


def _relative(directory: str, path: str) -> str:
    path = os.fspath(path)
    if os.path.abspath(os.path.dirname(path)) == os.path.abspath(directory):
        return os.path.basename(path)
    return path


def read_state(directory) -> CheckpointState | None:
    """The state of `directory`, with absolute paths; None if it has no state file."""
    directory = os.fspath(directory)
    path = os.path.join(directory, STATE_FILE)
    if not os.path.isfile(path):
        return None
    state = CheckpointState()
    with open(path, encoding="utf-8") as f:
        for line in f:
            key, _, value = line.partition(":")
            key, value = key.strip(), value.strip()
            if not key or not value:
                continue
            if value.startswith('"'):
                value = json.loads(value)
            if key == "model_checkpoint_path":
                state.model_checkpoint_path = _absolute(directory, value)
            elif key == "all_model_checkpoint_paths":
                state.all_model_checkpoint_paths.append(_absolute(directory, value))
            elif key == "all_model_checkpoint_timestamps":
                state.all_model_checkpoint_timestamps.append(float(value))
            elif key == "last_preserved_timestamp":
                state.last_preserved_timestamp = float(value)
    return state


def write_state(directory, state: CheckpointState) -> None:
    directory = os.fspath(directory)
    lines = [f"model_checkpoint_path: {json.dumps(_relative(directory, state.model_checkpoint_path))}"]
    lines += [f"all_model_checkpoint_paths: {json.dumps(_relative(directory, p))}"
              for p in state.all_model_checkpoint_paths]
    lines += [f"all_model_checkpoint_timestamps: {t!r}" for t in state.all_model_checkpoint_timestamps]
    lines.append(f"last_preserved_timestamp: {state.last_preserved_timestamp!r}")
    write_atomic(os.path.join(directory, STATE_FILE), "\n".join(lines) + "\n")


def latest_checkpoint(checkpoint_dir, latest_filename=None) -> str | None:
    """The prefix of the newest complete checkpoint in `checkpoint_dir`, or None."""
    state = read_state(checkpoint_dir)
    if state is None or state.model_checkpoint_path is None:
        return None
    if ckpt_format.exists(state.model_checkpoint_path):
        return state.model_checkpoint_path
    for path in reversed(state.all_model_checkpoint_paths):   # newest first, if the latest was removed
        if ckpt_format.exists(path):
            return path
    return None


def remove_checkpoint(prefix) -> None:
    """Delete a checkpoint's files: the index first, so a half-deleted one is no longer listed."""
    for path in (ckpt_format.index_path(prefix), ckpt_format.data_path(prefix)):
        try:
            os.remove(path)
        except FileNotFoundError:
            pass
