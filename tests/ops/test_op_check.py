"""OpDef.check: the one op check every mode runs, raising a neutral error each mode translates."""
import pytest

import graphflow as gf
from graphflow.ops.registry import OpCheckError, Spec, get
from graphflow.shapes import TensorShape


def spec(dims, dtype=gf.float32):
    return Spec(TensorShape(dims), dtype)


def test_check_returns_the_inferred_output_specs():
    (out,) = get("Add").check([spec((2, 1)), spec((3,))], {})
    assert out.shape == TensorShape((2, 3)) and out.dtype is gf.float32


@pytest.mark.parametrize("name, specs, kind, detail", [
    ("Add", [spec((2,)), spec((2,), gf.int32)], TypeError, "all inputs must have the same dtype"),
    ("Log", [spec((2,), gf.int32)], TypeError, "dtype int32 is not supported"),
    ("Add", [spec((2,)), spec((3,))], ValueError, ""),
    ("MatMul", [spec((2, 3)), spec((2, 2))], ValueError, ""),
], ids=["mixed-dtypes", "dtype-not-allowed", "broadcast", "matmul-dims"])
def test_check_raises_one_neutral_error_with_the_kind_and_detail(name, specs, kind, detail):
    with pytest.raises(OpCheckError) as err:
        get(name).check(specs, {})
    assert err.value.kind is kind and detail in err.value.detail


def test_each_mode_turns_the_same_check_into_its_own_exception():
    a, b = gf.constant([1.0, 2.0]), gf.constant([1, 2])
    with pytest.raises(gf.errors.InvalidArgumentError, match="all inputs must have the same dtype"):
        gf.add(a, b)
    with gf.Graph().as_default():
        with pytest.raises(TypeError, match="all inputs must have the same dtype"):
            gf.add(gf.constant([1.0, 2.0]), gf.constant([1, 2]))
