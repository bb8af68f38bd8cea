"""Size-0 tensors: softmax-family ops return empty results in every mode and gradient, as TF does,
and reductions that TF rejects on an empty axis raise its error instead of numpy's.

(tests/ops/forward_cases.py draws size-0 dims for every op; these pin the cases that crashed.)
"""
import numpy as np
import pytest

import graphflow as gf

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")

SOFTMAXES = {"softmax": gf.nn.softmax, "log_softmax": gf.nn.log_softmax}
SHAPES = [(3, 0), (0,), (0, 3), (2, 0, 3)]


def _value_and_grad(fn, x):
    with gf.GradientTape() as tape:
        tape.watch(x)
        y = fn(x)
    return y, tape.gradient(y, x)


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("name", sorted(SOFTMAXES))
def test_softmax_of_an_empty_tensor_is_empty_eagerly_with_its_gradient(name, shape):
    y, g = _value_and_grad(SOFTMAXES[name], gf.zeros(shape))
    assert y.shape == shape and g.shape == shape


@pytest.mark.parametrize("name", sorted(SOFTMAXES))
def test_softmax_of_an_empty_tensor_is_empty_in_a_compiled_function(name, monkeypatch):
    monkeypatch.setenv("GRAPHFLOW_JIT_AFTER", "1")
    monkeypatch.setenv("GRAPHFLOW_STRICT", "1")
    f = gf.function(lambda x: _value_and_grad(SOFTMAXES[name], x))
    for shape in SHAPES:
        for _ in range(2):
            y, g = f(gf.zeros(shape))
            assert y.shape == shape and g.shape == shape


@pytest.mark.parametrize("optimize", [False, True], ids=["reference", "compiled"])
def test_softmax_of_an_empty_tensor_is_empty_in_a_session(optimize, monkeypatch):
    monkeypatch.setenv("GRAPHFLOW_JIT_AFTER", "1")
    graph = gf.Graph()
    with graph.as_default():
        x = gf.compat.v1.placeholder(gf.float32, (None, None))
        fetches = []
        for fn in SOFTMAXES.values():
            y = fn(x)
            fetches += [y, gf.gradients(y, x)[0]]
    with gf.compat.v1.Session(graph=graph, optimize=optimize) as sess:
        for shape in [(3, 0), (0, 3)]:
            for v in sess.run(fetches, {x: np.zeros(shape, np.float32)}):
                assert v.shape == shape


def test_cross_entropy_over_zero_classes_is_zero():
    logits = gf.zeros([3, 0])
    loss = gf.nn.softmax_cross_entropy_with_logits(labels=logits, logits=logits).numpy()
    np.testing.assert_array_equal(loss, [0, 0, 0])
    assert not np.signbit(loss).any()


def test_reductions_of_empty_tensors_give_their_identity():
    assert gf.reduce_max(gf.zeros([0])).numpy() == -np.inf
    assert gf.reduce_max(gf.zeros([0], gf.int32)).numpy() == np.iinfo(np.int32).min
    np.testing.assert_array_equal(gf.reduce_min(gf.zeros([0, 3]), 0).numpy(), [np.inf] * 3)
    np.testing.assert_array_equal(gf.reduce_logsumexp(gf.zeros([3, 0]), 1).numpy(), [-np.inf] * 3)


def test_argmax_over_an_empty_axis_raises_tf_error():
    with pytest.raises(gf.errors.InvalidArgumentError, match=r"Reduction axis 1 is empty in shape \[3,0\].*"
                                                             r"test_size_zero\.py"):
        gf.argmax(gf.zeros([3, 0]), axis=1)
    assert gf.argmax(gf.zeros([3, 0]), axis=0).shape == (0,)


def test_sparse_cross_entropy_needs_a_class():
    with pytest.raises(gf.errors.InvalidArgumentError, match=r"Must have at least one class, but got logits shape"):
        gf.nn.sparse_softmax_cross_entropy_with_logits(labels=gf.zeros([3], gf.int32), logits=gf.zeros([3, 0]))


def test_conv2d_with_zero_input_channels_raises():
    with pytest.raises(gf.errors.InvalidArgumentError, match="filter depth must be strictly positive"):
        gf.nn.conv2d(gf.zeros([1, 3, 3, 0]), gf.zeros([2, 2, 0, 2]), 1, "VALID")
