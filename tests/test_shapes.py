"""TensorShape with unknown dimensions, and broadcasting with clear errors."""
import pytest

import graphflow as gf
from graphflow.shapes import TensorShape, broadcast_shapes


def test_a_shape_is_a_list_of_known_or_unknown_dims():
    s = TensorShape([None, 3])
    assert s.as_list() == [None, 3] and s.rank == 2 and len(s) == 2 and s[1] == 3 and s[0] is None
    assert s[1:] == TensorShape([3]) and list(s) == [None, 3]
    assert not s.is_fully_defined() and s.num_elements() is None
    assert TensorShape([2, 3]).num_elements() == 6 and TensorShape([]).num_elements() == 1


def test_unknown_rank():
    s = TensorShape(None)
    assert s.rank is None and s[0] is None and s.is_compatible_with([1, 2, 3])
    with pytest.raises(ValueError):
        s.as_list()


def test_reprs_match_tensorflow():
    assert repr(TensorShape([None, 3])) == "TensorShape([None, 3])" and str(TensorShape([None, 3])) == "(None, 3)"
    assert str(TensorShape([2])) == "(2,)" and str(TensorShape([])) == "()"
    assert repr(TensorShape(None)) == "TensorShape(None)" and str(TensorShape(None)) == "<unknown>"


def test_equality_with_lists_and_tuples():
    assert TensorShape([2, 3]) == [2, 3] and TensorShape([2, 3]) == (2, 3) and TensorShape([2]) != [3]


def test_compatibility_and_merging():
    assert TensorShape([None, 3]).is_compatible_with([5, 3])
    assert not TensorShape([None, 3]).is_compatible_with([5, 4])
    assert not TensorShape([3]).is_compatible_with([3, 1])
    assert TensorShape([None, 3]).merge_with([2, None]) == [2, 3]
    with pytest.raises(ValueError):
        TensorShape([1, 3]).merge_with([2, None])
    assert TensorShape([1]).concatenate([2]) == [1, 2] and TensorShape([1]) + TensorShape([2]) == [1, 2]


@pytest.mark.parametrize("a,b,out", [
    ([2, 3], [3], [2, 3]), ([2, 1], [1, 4], [2, 4]), ([], [4], [4]), ([0, 3], [1, 3], [0, 3]),
    ([None, 3], [2, 1], [2, 3]), ([None, 1], [None, 4], [None, 4]), ([1], [None], [None])])
def test_broadcasting_partial_shapes(a, b, out):
    assert broadcast_shapes(a, b) == out


def test_broadcasting_incompatible_shapes_names_both():
    with pytest.raises(ValueError, match=r"\(2, 3\) and \(1, 4\)"):
        broadcast_shapes([2, 3], [4])


def test_tensor_shapes_are_tensor_shape_objects():
    t = gf.constant([[1.0, 2.0, 3.0]])
    assert isinstance(t.shape, gf.TensorShape) and t.shape == [1, 3] and t.shape[-1] == 3
    assert t.ndim == 2 and len(t) == 1 and t.get_shape().as_list() == [1, 3]
    with gf.Graph().as_default():
        p = gf.compat.v1.placeholder(gf.float32, [None, 3])
        assert p.shape.as_list() == [None, 3] and p.shape.rank == 2
        assert gf.compat.v1.placeholder(gf.float32).shape.rank is None
