"""Record TensorFlow's outputs and gradients for complex tensors and tf.signal's Fourier transforms,
in record_ops.py's case format, into tests/data/tf_reference/ops_complex_signal.{json,npz} (replayed
by test_tf_parity.py and test_tf_gradient_parity.py through CASE_FILES in eager, graph and
gf.function modes), and the programs of tests/ops/complex_programs.py (spectrograms, FFT
convolution, ...) into tests/data/tf_reference/complex_programs.json.

    /work/tfvenv/bin/python tools/tfref/record_complex_signal.py [-v]

TensorFlow 2.21 registers no CPU kernel for FFTND, IFFTND, RFFTND and IRFFTND (NotFoundError), so
the cases of signal.fftnd, ifftnd, rfftnd and irfftnd are recorded through TensorFlow's fft,
fft2d, fft3d (rfft*, irfft*) over the same axes moved innermost, with the lengths and the `norm`
scaling applied as fft_ops.py's wrappers do (`ND_THROUGH` below); each such case says so in
its `recorded_with` field.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import record_ops as R  # noqa: E402
from record_ops import IX, L, a, case, rn  # noqa: E402, F401

tf = R.tf
F32, F64 = R.F32, R.F64
C64, C128 = np.complex64, np.complex128
OUT = os.path.join(R.OUT_DIR, "ops_complex_signal")
rng = np.random.default_rng(1212)


def cn(*shape, dtype=C64):
    """Complex array with standard normal real and imaginary parts."""
    return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)).astype(dtype)


# ---- the N-d transforms, through the 1-3-d kernels TensorFlow has on CPU --------------------------------

def _nd_through(kind):
    by_rank = {"fft": (tf.signal.fft, tf.signal.fft2d, tf.signal.fft3d),
               "ifft": (tf.signal.ifft, tf.signal.ifft2d, tf.signal.ifft3d),
               "rfft": (tf.signal.rfft, tf.signal.rfft2d, tf.signal.rfft3d),
               "irfft": (tf.signal.irfft, tf.signal.irfft2d, tf.signal.irfft3d)}[kind]

    def fn(x, fft_length=None, axes=None, norm=None):
        rank = len(x.shape)
        axes = list(range(rank)) if axes is None else [ax % rank for ax in axes]
        perm = [d for d in range(rank) if d not in axes] + axes
        y = tf.transpose(x, perm)
        k = len(axes)
        lengths = list(fft_length) if fft_length is not None else [x.shape[ax] for ax in axes]
        if kind == "irfft" and fft_length is None:
            lengths[-1] = 2 * (lengths[-1] - 1)
        if kind in ("fft", "ifft"):          # crop / zero-pad each axis to its length, as FFTND does
            y = y[(Ellipsis,) + tuple(slice(0, n) for n in lengths)]
            pads = [[0, 0]] * (rank - k) + [[0, max(0, n - y.shape[rank - k + i])] for i, n in enumerate(lengths)]
            y = tf.pad(y, pads)
        n = float(np.prod(lengths))
        if norm in ("forward", "ortho"):
            scale = n if norm == "forward" else np.sqrt(n)
            y = y * tf.cast(scale if kind in ("ifft", "irfft") else 1 / scale, y.dtype)
        y = by_rank[k - 1](y) if kind in ("fft", "ifft") else by_rank[k - 1](y, lengths)
        return tf.transpose(y, np.argsort(perm))
    return fn


ND_THROUGH = {"signal.%snd" % k: _nd_through(k) for k in ("fft", "ifft", "rfft", "irfft")}
_resolve = R.resolve
R.resolve = lambda fn: ND_THROUGH.get(fn) or _resolve(fn)


def nd_case(cid, fn, args, kwargs=None, grad=True):
    rec = case(cid, fn, args, kwargs, grad=grad)
    rec["recorded_with"] = "TensorFlow's 1-3-d transforms over the same axes (no CPU kernel for %s)" % fn
    return rec


# ---- cases ------------------------------------------------------------------------------------------------

def record_complex_basics():
    re_, im_ = rn(2, 3), rn(2, 3)
    case("cx_complex", "complex", [re_, im_])
    case("cx_complex_bcast_f64", "complex", [rn(3, dtype=F64), rn(2, 1, dtype=F64)])
    case("cx_complex_mixed_error", "complex", [rn(3), rn(3, dtype=F64)])
    z, z64 = cn(2, 3), cn(3, 2, dtype=C128)
    for fn in ("math.real", "math.imag", "math.conj", "math.angle", "math.abs"):
        case("cx_%s" % fn.split(".")[1], fn, [z])
        case("cx_%s_c128" % fn.split(".")[1], fn, [z64])
    case("cx_abs_top", "abs", [cn(4)])
    case("cx_abs_zero", "math.abs", [a([0j, 3 + 4j], C64)], grad=False)     # |0|: TF's div_no_nan gives 0
    case("cx_real_of_real", "math.real", [rn(3)])
    case("cx_imag_of_real", "math.imag", [rn(3)])
    case("cx_conj_of_real", "math.conj", [rn(3)])
    case("cx_angle_of_real", "math.angle", [a([-1.5, 0.0, 2.0])], grad=False)
    for name in ("add", "subtract", "multiply", "divide"):
        case("cx_%s" % name, "math." + name, [cn(2, 3), cn(3)])
    case("cx_multiply_c128", "math.multiply", [cn(4, dtype=C128), cn(4, dtype=C128)])
    case("cx_truediv_op", "__truediv__", [cn(3), cn(3)])
    case("cx_mul_op_pyscalar", "__mul__", [cn(3), 2.5])
    case("cx_neg", "math.negative", [cn(2, 2)])
    case("cx_matmul", "linalg.matmul", [cn(2, 3), cn(3, 4)])
    case("cx_matmul_t", "linalg.matmul", [cn(3, 2, dtype=C128), cn(4, 3, dtype=C128)],
         {"transpose_a": True, "transpose_b": True})
    case("cx_matmul_op", "__matmul__", [cn(2, 2, 3), cn(2, 3, 2)])
    case("cx_reduce_sum", "reduce_sum", [cn(2, 3)], {"axis": 1})
    case("cx_reduce_mean", "reduce_mean", [cn(2, 3, dtype=C128)])
    case("cx_reshape", "reshape", [cn(2, 3), [3, 2]])
    case("cx_transpose", "transpose", [cn(2, 3)])
    case("cx_concat", "concat", [L(cn(2, 2), cn(1, 2)), 0])
    case("cx_stack", "stack", [L(cn(3), cn(3))], {"axis": 1})
    case("cx_gather", "gather", [cn(4, 2), a([3, 0, 3], np.int32)])
    case("cx_slice", "__getitem__", [cn(3, 4)], {"key": IX[1:, ::2]})
    case("cx_cast_to_f32", "cast", [cn(3)], {"dtype": R.D("float32")})
    case("cx_cast_to_i32", "cast", [a([1.7 + 2j, -2.5 - 1j], C64)], {"dtype": R.D("int32")}, grad=False)
    case("cx_cast_to_bool", "cast", [a([1j, 0, 2 + 1j], C64)], {"dtype": R.D("bool")}, grad=False)
    case("cx_cast_from_f32", "cast", [rn(3)], {"dtype": R.D("complex64")})
    case("cx_cast_c64_c128", "cast", [cn(3)], {"dtype": R.D("complex128")})
    case("cx_reduce_max_error", "reduce_max", [cn(3)], grad=False)


def record_fft():
    for dt, s in ((C64, "c64"), (C128, "c128")):
        case("fft_%s" % s, "signal.fft", [cn(2, 8, dtype=dt)])
        case("ifft_%s" % s, "signal.ifft", [cn(2, 5, dtype=dt)])
    case("fft2d", "signal.fft2d", [cn(2, 3, 4)])
    case("ifft2d", "signal.ifft2d", [cn(4, 6)])
    case("fft3d", "signal.fft3d", [cn(2, 3, 2, 4)])
    case("ifft3d", "signal.ifft3d", [cn(3, 2, 5)])
    case("fft_odd", "signal.fft", [cn(7)])
    case("fft_real_input_error", "signal.fft", [rn(4)], grad=False)
    for dt, s in ((F32, "f32"), (F64, "f64")):
        case("rfft_%s" % s, "signal.rfft", [rn(3, 8, dtype=dt)])
        case("irfft_%s" % s, "signal.irfft", [cn(3, 5, dtype=C64 if dt == F32 else C128)])
    case("rfft_odd", "signal.rfft", [rn(2, 7)])
    case("rfft_pad", "signal.rfft", [rn(2, 5)], {"fft_length": [8]})
    # TF's gradient breaks on a cropped input (a shape mismatch); graphflow's is checked by finite differences
    case("rfft_crop", "signal.rfft", [rn(2, 9)], {"fft_length": [6]}, grad=False)
    case("rfft2d", "signal.rfft2d", [rn(2, 4, 6)])
    case("rfft2d_lengths", "signal.rfft2d", [rn(3, 5)], {"fft_length": [4, 7]})
    case("rfft3d", "signal.rfft3d", [rn(2, 3, 4)], grad=False)      # TF has no RFFT3D gradient
    case("irfft_odd_length", "signal.irfft", [cn(2, 4)], {"fft_length": [7]})
    case("irfft_pad", "signal.irfft", [cn(3)], {"fft_length": [10]})
    case("irfft_crop", "signal.irfft", [cn(6)], {"fft_length": [4]}, grad=False)   # as rfft_crop
    case("irfft2d", "signal.irfft2d", [cn(2, 4, 3)])
    case("irfft2d_lengths", "signal.irfft2d", [cn(3, 4)], {"fft_length": [3, 5]}, grad=False)  # crops
    case("irfft3d", "signal.irfft3d", [cn(2, 2, 3)], grad=False)    # TF has no IRFFT3D gradient
    case("rfft_complex_input_error", "signal.rfft", [cn(4)], grad=False)
    case("irfft_real_input_error", "signal.irfft", [rn(4)], grad=False)
    case("rfft_int_input_error", "signal.rfft", [a([1, 2, 3], np.int32)], grad=False)
    # fftnd & co. (recorded through the 1-3-d kernels, see the module docstring)
    nd_case("fftnd_all", "signal.fftnd", [cn(3, 4)])
    nd_case("fftnd_last", "signal.fftnd", [cn(2, 3, 4)], {"axes": [-1]})
    nd_case("fftnd_first", "signal.fftnd", [cn(4, 3)], {"axes": [0]})
    nd_case("fftnd_lengths", "signal.fftnd", [cn(2, 5, 3)], {"fft_length": [4, 6], "axes": [1, 2]})
    nd_case("fftnd_ortho", "signal.fftnd", [cn(4, 4)], {"norm": "ortho"})
    nd_case("ifftnd_all", "signal.ifftnd", [cn(3, 4, dtype=C128)])
    nd_case("ifftnd_forward", "signal.ifftnd", [cn(2, 6)], {"axes": [-1], "norm": "forward"})
    nd_case("rfftnd_all", "signal.rfftnd", [rn(4, 6)])
    nd_case("rfftnd_axes", "signal.rfftnd", [rn(2, 3, 6)], {"axes": [-2, -1], "fft_length": [3, 5]}, grad=False)
    nd_case("rfftnd_ortho", "signal.rfftnd", [rn(8)], {"norm": "ortho"})
    nd_case("irfftnd_all", "signal.irfftnd", [cn(4, 3)])
    nd_case("irfftnd_axes", "signal.irfftnd", [cn(2, 3, 4)], {"axes": [-1], "fft_length": [6]})
    nd_case("irfftnd_forward", "signal.irfftnd", [cn(5)], {"norm": "forward"})


def record_stft():
    t = np.arange(64) / 16.0
    sine = np.sin(2 * np.pi * 3.0 * t).astype(F32)
    case("stft_sine", "signal.stft", [sine, 16, 8])
    case("stft_fft_length", "signal.stft", [rn(2, 40), 10, 5], {"fft_length": 16})
    case("stft_pad_end", "signal.stft", [rn(37), 8, 4], {"pad_end": True})
    case("stft_f64", "signal.stft", [rn(30, dtype=F64), 8, 4])
    case("inverse_stft", "signal.inverse_stft", [cn(2, 5, 9), 16, 8])
    case("inverse_stft_fft_length", "signal.inverse_stft", [cn(4, 9), 12, 4], {"fft_length": 16})
    case("inverse_stft_short_fft", "signal.inverse_stft", [cn(3, 5), 10, 5], {"fft_length": 8})


def record_programs():
    """tests/ops/complex_programs.py under TensorFlow: inputs, value and d value / d input."""
    sys.path.insert(0, os.path.join(R.ROOT, "tests", "ops"))
    from complex_programs import PROGRAMS
    out = {}
    for name, (shape, fn) in sorted(PROGRAMS.items()):
        x = rng.standard_normal(shape).astype(F32)
        t = tf.constant(x)
        with tf.GradientTape() as tape:
            tape.watch(t)
            y = fn(tf, t)
        out[name] = {"input": x.tolist(), "value": y.numpy().tolist(), "grad": tape.gradient(y, t).numpy().tolist()}
    R._atomic_write_bytes(os.path.join(R.OUT_DIR, "complex_programs.json"),
                          R._json_bytes({"tensorflow": tf.__version__, "programs": out}))


COMPLEX_FUNCTIONS = ("exp", "expm1", "log", "log1p", "sqrt", "rsqrt", "square", "sin", "cos", "tan", "tanh",
                     "sigmoid", "reciprocal", "sign", "asin", "acos", "atan", "sinh", "cosh", "asinh", "acosh",
                     "atanh")


def record_complex_functions():
    """The elementwise functions TensorFlow has complex kernels for, with their gradients (recorded
    last, so that the cases above keep their inputs)."""
    for fn in COMPLEX_FUNCTIONS:
        case("cxf_%s" % fn, "math." + fn, [cn(2, 3)])
        case("cxf_%s_c128" % fn, "math." + fn, [cn(4, dtype=C128)])
    case("cxf_pow", "math.pow", [cn(2, 3), cn(3)])
    case("cxf_pow_c128_real_exponent", "math.pow", [cn(4, dtype=C128), a([2, 0.5, -1, 3], C128)])
    case("cxf_pow_zero_base", "math.pow", [a([0j, 1 + 1j], C64), a([2 + 0j, 0.5 + 1j], C64)])
    case("cxf_sqrt_negative_real", "math.sqrt", [a([-4 + 0j, -1 - 0j, 4 + 0j], C64)])
    case("cxf_log_zero", "math.log", [a([0j, -1 + 0j], C64)], grad=False)
    case("cxf_sign_zero", "math.sign", [a([0j, 3 - 4j], C64)])
    case("cxf_erf_error", "math.erf", [cn(3)], grad=False)
    case("cxf_floor_error", "math.floor", [cn(3)], grad=False)


def main():
    for section in (record_complex_basics, record_fft, record_stft):
        section()
    record_programs()
    record_complex_functions()
    R.write_cases(OUT, verbose="-v" in sys.argv)


if __name__ == "__main__":
    main()
