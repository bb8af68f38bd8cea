"""tf.audio's ops: WAV decoding and encoding (16-bit PCM), on string tensors of bytes."""
from __future__ import annotations

import io
import wave

import numpy as np

from .. import dtypes
from ..shapes import TensorShape
from .registry import OpDef, Spec, register

S = dtypes.string


def _bytes(x):
    x = x.item() if isinstance(x, np.ndarray) else x
    return x if isinstance(x, bytes) else str(x).encode()


def _scalar_string(*specs, **attrs):
    return [Spec(TensorShape(()), S)]


def _decode_wav_infer(contents, desired_channels=-1, desired_samples=-1):
    return [Spec(TensorShape((None if desired_samples < 0 else desired_samples,
                              None if desired_channels < 0 else desired_channels)), dtypes.float32),
            Spec(TensorShape(()), dtypes.int32)]


def _decode_wav(contents, desired_channels=-1, desired_samples=-1):
    with wave.open(io.BytesIO(_bytes(contents))) as w:
        if w.getsampwidth() != 2:
            raise ValueError(f"decode_wav: only 16-bit PCM is supported, got {8 * w.getsampwidth()} bits")
        channels, rate = w.getnchannels(), w.getframerate()
        data = np.frombuffer(w.readframes(w.getnframes()), "<i2").reshape(-1, channels)
    audio = data.astype(np.float32) / 32768.0
    if desired_channels > 0 and desired_channels != channels:
        audio = audio[:, :1].repeat(desired_channels, 1) if channels == 1 else audio[:, :desired_channels]
    if desired_samples >= 0:
        audio = np.pad(audio[:desired_samples], [(0, max(desired_samples - len(audio), 0)), (0, 0)])
    return audio, np.int32(rate)


def _encode_wav(audio, sample_rate):
    pcm = np.clip(np.round(audio * 32768.0), -32768, 32767).astype("<i2")
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(audio.shape[1])
        w.setsampwidth(2)
        w.setframerate(int(sample_rate))
        w.writeframes(pcm.tobytes())
    return np.array(buf.getvalue(), dtype=object)


register(OpDef("DecodeWav", _decode_wav_infer, _decode_wav, num_outputs=2, differentiable=False))
register(OpDef("EncodeWav", _scalar_string, _encode_wav, differentiable=False))
