"""DTypes and TensorFlow's dtype rules: no implicit promotion between tensors, Python scalars adopt
the tensor's dtype, Python values default to float32/int32."""
import numpy as np
import pytest

import graphflow as gf
from graphflow import errors


@pytest.mark.parametrize("value,dtype", [
    ("float32", gf.float32), ("float", gf.float32), ("double", gf.float64), (np.float64, gf.float64),
    (np.dtype("int32"), gf.int32), (float, gf.float32), (int, gf.int32), (bool, gf.bool), (gf.int64, gf.int64),
    ("uint8", gf.uint8), ("half", gf.float16)])
def test_as_dtype_accepts_names_numpy_and_python_types(value, dtype):
    assert gf.as_dtype(value) is dtype


def test_as_dtype_rejects_unknown_types():
    with pytest.raises(TypeError):
        gf.as_dtype("bfloat16")


def test_string_is_the_dtype_of_serialized_summaries():
    assert gf.as_dtype("string") is gf.string and gf.as_dtype(np.object_) is gf.string


def test_dtype_attributes():
    assert gf.float32.name == "float32" and gf.float32.as_numpy_dtype is np.float32
    assert gf.float32.is_floating and not gf.float32.is_integer and gf.int64.is_integer and gf.bool.is_bool
    assert gf.float64.size == 8 and gf.int8.min == -128 and gf.uint8.max == 255
    assert repr(gf.float32) == "tf.float32" and str(gf.int32) == "<dtype: 'int32'>"


def test_dtypes_compare_equal_to_what_they_convert_from():
    assert gf.float32 == np.float32 and gf.float32 == "float32" and gf.float32 != gf.int32
    assert gf.float32 != "not a dtype" and gf.float32 != None  # noqa: E711
    assert {gf.float32: "x"}[gf.as_dtype("float32")] == "x"


@pytest.mark.parametrize("value,dtype", [
    (1.5, gf.float32), ([1.0, 2], gf.float32), (3, gf.int32), (2**40, gf.int64), (True, gf.bool),
    (np.float64(1.0), gf.float64), (np.array([1, 2], np.int64), gf.int64), (np.float16(1), gf.float16)])
def test_python_values_default_to_32_bits_and_numpy_values_keep_their_dtype(value, dtype):
    assert gf.constant(value).dtype is dtype
    assert gf.convert_to_tensor(value).dtype is dtype


def test_a_python_scalar_operand_takes_the_tensor_dtype():
    for dt in (gf.float16, gf.float32, gf.float64):
        assert (gf.constant([1.0], dt) + 0.1).dtype is dt
        assert (2 * gf.constant([1.0], dt)).dtype is dt
    assert (gf.constant([1], gf.int64) + 2).dtype is gf.int64


def test_float32_with_a_python_float_stays_float32_in_graphs_too():
    with gf.Graph().as_default():
        x = gf.compat.v1.placeholder(gf.float32, [2])
        assert (x * 0.5 + 1).dtype is gf.float32


def test_tensors_of_different_dtypes_do_not_mix():
    with pytest.raises(errors.InvalidArgumentError):
        gf.constant([1.0]) + gf.constant([1])
    with pytest.raises(errors.InvalidArgumentError):
        gf.constant([1.0]) * gf.constant([1.0], gf.float64)
    with gf.Graph().as_default(), pytest.raises(TypeError):
        gf.constant([1.0]) - gf.constant([1])


def test_a_fractional_python_float_does_not_silently_become_an_integer():
    with pytest.raises((TypeError, errors.InvalidArgumentError)):
        gf.constant([1, 2]) + 2.5
    with pytest.raises(TypeError):
        gf.constant(1.5, gf.int32)


def test_true_division_of_integers_gives_floats_as_tensorflow():
    assert (gf.constant([3], gf.int32) / gf.constant([2], gf.int32)).dtype is gf.float64
    assert (gf.constant([3], gf.int16) / 2).dtype is gf.float32


def test_cast_converts_explicitly():
    out = gf.cast(gf.constant([1.7, -1.7]), gf.int32)
    assert out.dtype is gf.int32 and out.numpy().tolist() == [1, -1]
    assert gf.cast(gf.constant([0.0, 2.0]), "bool").numpy().tolist() == [False, True]


# ---- complex dtypes ---------------------------------------------------------------------------------

def test_complex_dtypes_have_tensorflows_names_enums_and_parts():
    assert gf.as_dtype("complex64") is gf.complex64 and gf.as_dtype(np.complex128) is gf.complex128
    assert gf.as_dtype(complex) is gf.complex128
    assert gf.complex64.as_datatype_enum == 8 and gf.complex128.as_datatype_enum == 18
    assert gf.complex64.is_complex and not gf.complex64.is_floating and not gf.float32.is_complex
    assert gf.complex64.real_dtype is gf.float32 and gf.complex128.real_dtype is gf.float64
    assert gf.float64.real_dtype is gf.float64 and gf.complex64.size == 8


def test_python_and_numpy_complex_values_convert():
    assert gf.constant(1 + 2j).dtype is gf.complex128
    assert gf.constant([1j, 2], gf.complex64).dtype is gf.complex64
    z = np.array([1 + 2j, -3j], np.complex64)
    t = gf.constant(z)
    assert t.dtype is gf.complex64 and t.numpy().dtype == np.complex64
    np.testing.assert_array_equal(t.numpy(), z)
    assert (t + 1).dtype is gf.complex64       # a Python scalar takes the tensor's dtype


def test_a_complex_value_never_silently_becomes_real():
    with pytest.raises(TypeError):
        gf.constant(1 + 2j, gf.float32)
    with pytest.raises((TypeError, errors.InvalidArgumentError)):
        gf.constant([1.0]) + gf.constant([1j], gf.complex64)


def test_ops_without_complex_kernels_refuse_complex_with_the_op_and_dtype():
    z = gf.constant([1 + 2j], gf.complex64)
    with pytest.raises(errors.InvalidArgumentError, match="Erf.*complex64"):
        gf.math.erf(z)                         # TF has no complex erf either (exp has one: docs/complex.md)
    with pytest.raises(errors.InvalidArgumentError, match="Max.*complex64"):
        gf.reduce_max(z)
    image = gf.constant(np.ones((1, 2, 2, 1)), gf.complex64)
    for call in (lambda: gf.nn.conv2d(image, gf.constant(np.ones((1, 1, 1, 1)), gf.complex64), 1, "SAME"),
                 lambda: gf.debugging.check_numerics(z, "z"),
                 lambda: gf.nn.softmax_cross_entropy_with_logits(z, z),
                 lambda: gf.searchsorted(z, z)):
        with pytest.raises(errors.InvalidArgumentError, match="complex64 is not supported"):
            call()
    with gf.Graph().as_default():
        with pytest.raises(TypeError, match="complex64"):
            gf.nn.relu(gf.compat.v1.placeholder(gf.complex64, [2]))


def test_cast_between_complex_and_real_drops_the_imaginary_part():
    z = gf.constant([1.5 + 2j, -3 - 1j], gf.complex128)
    np.testing.assert_array_equal(gf.cast(z, gf.float32).numpy(), np.array([1.5, -3], np.float32))
    np.testing.assert_array_equal(gf.cast(z, gf.int32).numpy(), np.array([1, -3], np.int32))
    np.testing.assert_array_equal(gf.cast(gf.constant([2.0]), gf.complex64).numpy(), np.array([2 + 0j], np.complex64))

