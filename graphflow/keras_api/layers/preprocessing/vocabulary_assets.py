"""Where a lookup layer's vocabulary goes in a `.keras` file, as Keras 3 decides it: a vocabulary
given to the constructor stays in the config; one learnt by `adapt` (or set later) is an asset,
`vocabulary.txt` (one token a line, special tokens first) in the layer's assets directory, and the
config keeps only `vocabulary_size`, so the model can be rebuilt before the asset is read.
"""
from __future__ import annotations

import os

from ....atomic_file import write_atomic

VOCABULARY_FILE = "vocabulary.txt"


class VocabularyAssets:
    """Mixed into StringLookup and IntegerLookup. The layer sets `_input_vocabulary` (the
    constructor's vocabulary as a list, or None) and `_restored_size` (the config's
    `vocabulary_size`), and has `_vocabulary`, `get_vocabulary` and `set_vocabulary`."""

    def _has_asset_vocabulary(self) -> bool:
        return self._input_vocabulary is None and self._vocabulary is not None

    def _size_before_assets(self):
        """The config's vocabulary_size while the vocabulary is still to be read from the asset."""
        return self._restored_size if self._vocabulary is None else None

    def save_assets(self, dir_path) -> None:
        if self._has_asset_vocabulary():
            text = "\n".join(str(t) for t in self.get_vocabulary(include_special_tokens=True))
            write_atomic(os.path.join(dir_path, VOCABULARY_FILE), text.encode("utf-8"))

    def load_assets(self, dir_path) -> None:
        path = os.path.join(dir_path, VOCABULARY_FILE)
        if self._input_vocabulary is not None or not os.path.exists(path):
            return          # in the config (graphflow's files before assets kept it there too)
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
        while lines and lines[-1] == "":
            lines.pop()
        self._vocabulary_from_asset(lines)
