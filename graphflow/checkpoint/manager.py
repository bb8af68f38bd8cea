"""gf.train.CheckpointManager: numbered checkpoints in one directory, the oldest deleted beyond
`max_to_keep`, the list kept in the directory's `checkpoint` state file."""
from __future__ import annotations

import os
import time

from . import format as ckpt_format
from . import state as ckpt_state
from .object_graph import increment


class CheckpointManager:
    """Save a Checkpoint as `directory/ckpt-N` and keep the newest `max_to_keep` of them.

    Args:
        checkpoint: the gf.train.Checkpoint to save and restore.
        directory: where checkpoints and the `checkpoint` state file go (created if needed).
        max_to_keep: how many checkpoints to keep (None keeps all).
        keep_checkpoint_every_n_hours: also keep one checkpoint per this many hours.
        checkpoint_name: the file name stem (default `ckpt`).
        step_counter / checkpoint_interval: save only every `checkpoint_interval` steps.
        init_fn: called by `restore_or_initialize` when there is no checkpoint yet.
    """

    def __init__(self, checkpoint, directory, max_to_keep, keep_checkpoint_every_n_hours=None, checkpoint_name="ckpt",
                 step_counter=None, checkpoint_interval=None, init_fn=None):
        if max_to_keep is not None and max_to_keep <= 0:
            raise ValueError(f"max_to_keep must be a positive integer or None, got {max_to_keep}")
        if checkpoint_interval is not None and step_counter is None:
            raise ValueError("`step_counter` must be given when `checkpoint_interval` is set")
        self._checkpoint = checkpoint
        self._directory = os.fspath(directory)
        self._max_to_keep = max_to_keep
        self._keep_every = keep_checkpoint_every_n_hours
        self._prefix = os.path.join(self._directory, checkpoint_name)
        self._step_counter = step_counter
        self._interval = checkpoint_interval
        self._init_fn = init_fn
        self._last_saved_step = None
        state = ckpt_state.read_state(self._directory)
        if state is not None and state.model_checkpoint_path is not None:
            kept = [p for p in state.all_model_checkpoint_paths if ckpt_format.exists(p)]
            stamps = state.all_model_checkpoint_timestamps
            stamps = stamps[-len(kept):] if len(stamps) >= len(kept) else [time.time()] * len(kept)
            self._kept = list(zip(kept, stamps))
            self._last_preserved = state.last_preserved_timestamp
            self._latest = state.model_checkpoint_path if ckpt_format.exists(state.model_checkpoint_path) else \
                (kept[-1] if kept else None)
        else:
            self._kept, self._last_preserved, self._latest = [], time.time(), None

    @property
    def directory(self) -> str:
        return self._directory

    @property
    def checkpoints(self) -> list:
        """The kept checkpoint prefixes, oldest first."""
        return [p for p, _ in self._kept]

    @property
    def latest_checkpoint(self) -> str | None:
        return self._latest

    @property
    def checkpoint_interval(self):
        return self._interval

    def save(self, checkpoint_number=None, check_interval: bool = True, options=None) -> str | None:
        """Write the next checkpoint; returns its prefix (None when skipped by the interval)."""
        if self._interval is not None and check_interval:
            step = int(self._step_counter.numpy() if hasattr(self._step_counter, "numpy") else self._step_counter)
            if self._last_saved_step is not None and step < self._last_saved_step + self._interval:
                return None
            self._last_saved_step = step
        if checkpoint_number is None:
            checkpoint_number = increment(self._checkpoint.save_counter)
        elif hasattr(checkpoint_number, "numpy"):
            checkpoint_number = int(checkpoint_number.numpy())
        else:
            checkpoint_number = int(checkpoint_number)
        path = self._checkpoint.write(f"{self._prefix}-{checkpoint_number}")
        now = time.time()
        self._kept = [(p, t) for p, t in self._kept if p != path] + [(path, now)]
        self._latest = path
        self._sweep()
        self._write_state()
        return path

    def _sweep(self) -> None:
        if self._max_to_keep is None:
            return
        while len(self._kept) > self._max_to_keep:
            path, stamp = self._kept.pop(0)
            if self._keep_every is not None and stamp - self._last_preserved >= self._keep_every * 3600.0:
                self._last_preserved = stamp      # kept on disk, no longer managed
                continue
            ckpt_state.remove_checkpoint(path)

    def _write_state(self) -> None:
        ckpt_state.write_state(self._directory, ckpt_state.CheckpointState(
            model_checkpoint_path=self._latest, all_model_checkpoint_paths=self.checkpoints,
            all_model_checkpoint_timestamps=[t for _, t in self._kept], last_preserved_timestamp=self._last_preserved))

    def restore_or_initialize(self):
        """Restore the latest checkpoint and return its prefix, or run `init_fn` and return None."""
        if self._latest is not None:
            self._checkpoint.restore(self._latest)
            return self._latest
        if self._init_fn is not None:
            self._init_fn()
        return None
