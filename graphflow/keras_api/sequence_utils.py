"""keras.utils.pad_sequences: ragged Python sequences to one rectangular numpy array."""
from __future__ import annotations

import numpy as np


def pad_sequences(sequences, maxlen=None, dtype="int32", padding="pre", truncating="pre", value=0.0) -> np.ndarray:
    """Pad (or truncate) each sequence to `maxlen` steps (default: the longest), before or after.

    Each step may itself be an array (e.g. a feature vector); every non-empty sequence's steps must
    have the same shape, which becomes the trailing shape of the result."""
    if padding not in ("pre", "post"):
        raise ValueError(f'Padding type "{padding}" not understood: use "pre" or "post"')
    if truncating not in ("pre", "post"):
        raise ValueError(f'Truncating type "{truncating}" not understood: use "pre" or "post"')
    if not hasattr(sequences, "__len__"):
        raise ValueError(f"`sequences` must be a list of sequences, got {type(sequences).__name__}")
    lengths, step_shape = [], None
    for position, seq in enumerate(sequences):
        if not hasattr(seq, "__len__"):
            raise ValueError(f"`sequences` must be a list of sequences; element {position} is {seq!r}")
        lengths.append(len(seq))
        if step_shape is None and len(seq):
            step_shape = np.asarray(seq).shape[1:]
    step_shape = step_shape or ()
    textual = np.issubdtype(np.dtype(dtype), np.str_) or np.issubdtype(np.dtype(dtype), np.bytes_)
    if isinstance(value, str) and dtype is not object and not textual:
        raise ValueError(f"pad value {value!r} is a string but dtype is {dtype}: pass dtype=object for text")
    maxlen = int(max(lengths, default=0) if maxlen is None else maxlen)
    out = np.full((len(sequences), maxlen) + tuple(step_shape), value, dtype=dtype)
    if maxlen == 0:
        return out
    for position, seq in enumerate(sequences):
        if not len(seq):
            continue
        kept = np.asarray(seq[-maxlen:] if truncating == "pre" else seq[:maxlen], dtype=dtype)
        if kept.shape[1:] != tuple(step_shape):
            raise ValueError(f"sequence {position} has steps of shape {kept.shape[1:]}, the others "
                             f"{tuple(step_shape)}")
        if padding == "post":
            out[position, :len(kept)] = kept
        else:
            out[position, maxlen - len(kept):] = kept
    return out
