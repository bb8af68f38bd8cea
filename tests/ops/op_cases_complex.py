"""Gradient sample inputs (op_cases.API_CASES' format) for the complex-number ops and the Fourier
transforms: each function builds complex values from real float64 inputs and returns real numbers
(both parts of a complex result), so central finite differences check TensorFlow's complex
gradient convention end to end. Plain numpy, as op_cases.py."""
from __future__ import annotations

try:
    from .op_cases import Composite, away, rand
except ImportError:          # loaded next to op_cases as a top-level module (tools/tfref/record_gradients.py)
    from op_cases import Composite, away, rand


def _parts(tf, z):
    """Both parts of a complex tensor side by side along a new last axis."""
    return tf.stack([tf.math.real(z), tf.math.imag(z)], -1)


def _of_complex(fn):
    return lambda tf, x, y: _parts(tf, fn(tf, tf.complex(x, y)))


COMPLEX_API_CASES = {
    "Complex": [Composite(lambda tf, x, y: _parts(tf, tf.complex(x, y) * tf.complex(y, x)), (rand(2, 3), rand(3)),
                          "broadcast product")],
    "Real": [Composite(lambda tf, x, y: tf.math.real(tf.complex(x, y) * tf.complex(y, x)), (rand(3), rand(3)),
                       "of a product")],
    "Imag": [Composite(lambda tf, x, y: tf.math.imag(tf.complex(x, y) * tf.complex(y, x)), (rand(3), rand(3)),
                       "of a product")],
    "Conj": [Composite(_of_complex(lambda tf, z: tf.math.conj(z) * z * z), (rand(3), rand(3)), "conj(z) z^2")],
    "Angle": [Composite(lambda tf, x, y: tf.math.angle(tf.complex(x, y)), (away(4), away(4)), "away from 0")],
    "ComplexAbs": [Composite(lambda tf, x, y: tf.abs(tf.complex(x, y)), (away(4), rand(4)), "away from 0")],
    "FFT": [Composite(_of_complex(lambda tf, z: tf.signal.fft(z)), (rand(2, 5), rand(2, 5)), "fft"),
            Composite(_of_complex(lambda tf, z: tf.signal.fft2d(z)), (rand(3, 4), rand(3, 4)), "fft2d")],
    "IFFT": [Composite(_of_complex(lambda tf, z: tf.signal.ifft(z)), (rand(2, 4), rand(2, 4)), "ifft"),
             Composite(_of_complex(lambda tf, z: tf.signal.ifft3d(z)), (rand(2, 2, 3), rand(2, 2, 3)), "ifft3d")],
    "RFFT": [Composite(lambda tf, x: _parts(tf, tf.signal.rfft(x)), (rand(2, 6),), "even length"),
             Composite(lambda tf, x: _parts(tf, tf.signal.rfft(x, [4])), (rand(7),), "cropped to 4"),
             Composite(lambda tf, x: _parts(tf, tf.signal.rfft2d(x, [3, 5])), (rand(2, 4),), "2-D, padded")],
    "IRFFT": [Composite(lambda tf, x, y: tf.signal.irfft(tf.complex(x, y)), (rand(2, 4), rand(2, 4)), "even"),
              Composite(lambda tf, x, y: tf.signal.irfft(tf.complex(x, y), [5]), (rand(3), rand(3)), "odd length"),
              Composite(lambda tf, x, y: tf.signal.irfft2d(tf.complex(x, y), [4, 4]), (rand(3, 2), rand(3, 2)),
                        "2-D, cropped and padded")],
}
