"""tf.audio: decode_wav and encode_wav (16-bit PCM WAV bytes <-> float audio), on the ops of ops/audio.py."""
from __future__ import annotations

import types

from ... import dtypes
from .. import audio as _audio_ops  # noqa: F401  (declares the ops)
from ..convert import convert_to_tensor
from ..dispatch import apply
from .op_call import opdef


def _s(x):
    return convert_to_tensor(x, dtype=dtypes.string)


def decode_wav(contents, desired_channels=-1, desired_samples=-1, name=None):
    """(audio float32 [samples, channels] in [-1, 1), sample_rate int32) of 16-bit PCM WAV bytes."""
    audio, rate = apply(opdef("DecodeWav"), (_s(contents),), {"desired_channels": int(desired_channels),
                                                              "desired_samples": int(desired_samples)}, name)
    return audio, rate


def encode_wav(audio, sample_rate, name=None):
    """16-bit PCM WAV bytes of float audio [samples, channels] in [-1, 1]."""
    a = convert_to_tensor(audio, dtype=dtypes.float32)
    r = convert_to_tensor(sample_rate, dtype=dtypes.int32)
    return apply(opdef("EncodeWav"), (a, r), {}, name)


audio = types.ModuleType("graphflow.audio")
audio.__dict__.update(decode_wav=decode_wav, encode_wav=encode_wav)
