"""Small programs in the style of TensorFlow's guides that go through complex tensors, written
against a module argument `tf`: a log-mel spectrogram of a noisy sine, an FFT convolution, an
stft round trip, a frequency-domain blur, and real losses through tf.complex / real / imag / conj /
abs. tools/tfref/record_complex_signal.py runs them under TensorFlow 2.21 and writes
tests/data/tf_reference/complex_programs.json (input, value and gradient with respect to the
input); test_complex_programs.py replays them eagerly, as TF1 graphs and in gf.function.
Each program is (input shape, fn(tf, x) -> real tensor)."""
from __future__ import annotations

import numpy as np

PROGRAMS = {}


def program(shape):
    def deco(fn):
        PROGRAMS[fn.__name__] = (shape, fn)
        return fn
    return deco


@program((64,))
def log_mel_spectrogram_of_a_sine(tf, x):
    t = np.arange(64, dtype=np.float32) / 8000.0
    signal = tf.sin(2 * np.pi * 440.0 * tf.constant(t)) + 0.1 * x
    stfts = tf.signal.stft(signal, frame_length=16, frame_step=8)
    spectrograms = tf.abs(stfts)
    mel = tf.signal.linear_to_mel_weight_matrix(8, stfts.shape[-1], 8000, 100.0, 3800.0)
    mel_spectrograms = tf.tensordot(spectrograms, mel, 1)
    return tf.math.log(mel_spectrograms + 1e-6)


@program((16,))
def fft_convolution(tf, x):
    kernel = np.array([0.25, 0.5, 0.25, -0.1], np.float32)
    n = 32
    spectrum = tf.signal.rfft(x, [n]) * tf.signal.rfft(tf.constant(kernel), [n])
    return tf.signal.irfft(spectrum, [n])[: 16 + 4 - 1]


@program((16,))
def sum_of_fft_magnitudes(tf, x):
    return tf.reduce_sum(tf.abs(tf.signal.fft(tf.cast(x, tf.complex64))))


@program((2, 5))
def real_loss_through_complex_parts(tf, x):
    z = tf.complex(x, x * x - 0.5)
    w = tf.complex(tf.constant(0.3), tf.constant(-1.2))
    u = z * w + tf.math.conj(z) / w
    return tf.reduce_sum(tf.math.real(u) * tf.math.imag(u)) + tf.reduce_mean(tf.math.angle(z))


@program((48,))
def stft_round_trip(tf, x):
    stfts = tf.signal.stft(x, frame_length=16, frame_step=4)
    window = tf.signal.inverse_stft_window_fn(4)
    return tf.signal.inverse_stft(stfts, frame_length=16, frame_step=4, window_fn=window)


@program((8, 8))
def frequency_domain_blur(tf, x):
    f = np.fft.fftfreq(8).astype(np.float32)
    mask = np.exp(-(f[:, None] ** 2 + f[None, :] ** 2) * 20.0).astype(np.float32)
    spectrum = tf.signal.fft2d(tf.complex(x, tf.zeros_like(x)))
    blurred = tf.signal.ifft2d(spectrum * tf.complex(tf.constant(mask), tf.zeros([8, 8])))
    return tf.math.real(blurred)


@program((3, 4))
def complex_matmul_power(tf, x):
    z = tf.cast(tf.complex(x, tf.transpose(tf.reverse(tf.transpose(x), [0]))), tf.complex128)
    p = tf.matmul(z, z, adjoint_b=True)
    return tf.cast(tf.abs(tf.reduce_sum(p, axis=0)), tf.float32)


@program((2, 6))
def phase_rotation_and_decay(tf, x):
    """exp of a complex exponent: a damped oscillation whose phase the input shifts."""
    t = tf.constant(np.linspace(0.0, 1.0, 6, dtype=np.float32))
    exponent = tf.complex(-0.5 * t - 0.1 * x * x, 2.0 * np.pi * t + x)
    z = tf.exp(exponent)
    return tf.reduce_sum(tf.math.real(z) * 2.0 - tf.math.imag(z), axis=1)


@program((5,))
def complex_polar_functions(tf, x):
    """sqrt, log, trigonometric and hyperbolic functions of a complex value built from x."""
    z = tf.complex(x + 1.5, 0.5 * x - 0.2)
    w = tf.sqrt(z) + tf.math.log(z) * tf.sin(z) - tf.tanh(z) / tf.cosh(0.3 * z)
    v = tf.math.pow(z, tf.complex(0.5, 0.25)) + tf.math.reciprocal(z) + tf.math.atan(0.2 * z)
    return tf.abs(w) + tf.math.real(v * tf.math.conj(w)) * 0.1 + tf.math.angle(tf.math.sign(z))
