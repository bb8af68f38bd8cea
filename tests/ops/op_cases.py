"""Sample inputs for registered ops: OP_CASES maps an op name to a list of Case(inputs, attrs, desc).

Float inputs are float64 and chosen away from kinks (ties, zeros, clip bounds, integer
boundaries of floor/mod), so central finite differences are valid. Non-float inputs (shape
vectors, indices, conditions) are fixed int32/bool arrays. `wrt` lists the inputs a gradient
check may perturb (default: every float input); it excludes float inputs the op only compares
against (e.g. a max-pool gradient's recorded output), where the op is not differentiable.

COMPOSITE_CASES drives the composite functions of the public API (gelu, relu6, clip_by_value...)
at their kinks; tools/tfref/record_gradients.py records TensorFlow's gradients for them. The
module is plain numpy (no graphflow import) so the TensorFlow-side script can load it too.
"""
from __future__ import annotations

from typing import Callable, NamedTuple, Optional

import numpy as np


class Case(NamedTuple):
    inputs: tuple
    attrs: dict
    desc: str
    wrt: Optional[tuple] = None     # inputs to differentiate (None: every float input)


_rng = np.random.RandomState(20240611)


def rand(*shape, lo=-1.0, hi=1.0):
    return _rng.uniform(lo, hi, shape)


def away(*shape, kinks=(0.0,), margin=0.15, lo=-2.0, hi=2.0):
    """Uniform values at least `margin` from every kink."""
    x = _rng.uniform(lo, hi, shape)
    for _ in range(100):
        bad = np.zeros(x.shape, bool)
        for k in kinks:
            bad |= np.abs(x - k) < margin
        if not bad.any():
            return x
        x[bad] = _rng.uniform(lo, hi, int(bad.sum()))
    raise RuntimeError("could not sample away from kinks")


def distinct(*shape, gap=0.1):
    """Values pairwise at least `gap` apart (no ties for max/min/argmax-style ops)."""
    n = int(np.prod(shape))
    return (_rng.permutation(n) * gap + _rng.uniform(0, gap / 4, n) - n * gap / 2).reshape(shape)


def positive(*shape, lo=0.5, hi=2.0):
    return _rng.uniform(lo, hi, shape)


def i32(*values):
    return np.asarray(values, dtype=np.int32)


def _index(*parts):
    """A StridedSlice `index` attr, as graphflow.ops.array.normalize_index writes it."""
    return tuple(parts)


ALL, S, INT, NEW, ELL = ("slice", None, None, None), "slice", "int", ("newaxis",), ("ellipsis",)

# ---- elementwise -----------------------------------------------------------------------------------

_UNARY_DOMAINS = {
    "Neg": rand, "Abs": away, "Sign": away, "Exp": rand, "Expm1": rand, "Log": positive, "Log1p": positive,
    "Sqrt": positive, "Rsqrt": positive, "Square": rand, "Sin": rand, "Cos": rand, "Tanh": rand,
    "Sigmoid": rand, "Erf": rand, "Softplus": rand, "Reciprocal": lambda *s: away(*s, margin=0.4),
    "Relu": away, "Identity": rand, "Floor": lambda *s: away(*s, kinks=range(-2, 3)),
    "Ceil": lambda *s: away(*s, kinks=range(-2, 3)), "Round": lambda *s: away(*s, kinks=np.arange(-2.5, 3)),
    "StopGradient": rand,
}

OP_CASES: dict[str, list[Case]] = {}

for _name, _domain in _UNARY_DOMAINS.items():
    OP_CASES[_name] = [Case((_domain(2, 3),), {}, "matrix"), Case((_domain(),), {}, "scalar")]

OP_CASES["Cast"] = [Case((rand(2, 3),), {"dtype": "float64"}, "float64 to float64")]
OP_CASES["CheckNumerics"] = [Case((rand(2, 3),), {"message": "checked"}, "finite values")]
OP_CASES["PlaceholderWithDefault"] = [Case((rand(2, 3),), {"shape": (None, 3)}, "default passed through")]


def _binary_cases(make_x, make_y=None):
    make_y = make_y or make_x
    return [Case((make_x(2, 3), make_y(2, 3)), {}, "same shape"),
            Case((make_x(2, 3), make_y(3)), {}, "broadcast a row"),
            Case((make_x(2, 1), make_y(1, 3)), {}, "outer broadcast"),
            Case((make_x(), make_y(2, 3)), {}, "scalar and matrix")]


for _name in ("Add", "Sub", "Mul", "SquaredDifference"):
    OP_CASES[_name] = _binary_cases(rand)
OP_CASES["RealDiv"] = _binary_cases(rand, lambda *s: away(*s, margin=0.4))
OP_CASES["Pow"] = _binary_cases(positive, rand)


def _separated_pair(*shape):
    x = rand(*shape)
    return x, x + np.where(_rng.uniform(size=shape) < 0.5, -1, 1) * _rng.uniform(0.2, 1.0, shape)


def _minmax_cases():
    x, y = _separated_pair(2, 3)
    row = rand(3)
    xm = row + np.where(rand(2, 3) < 0, -1, 1) * _rng.uniform(0.2, 1.0, (2, 3))
    return [Case((x, y), {}, "same shape"), Case((xm, row), {}, "broadcast a row")]


OP_CASES["Maximum"] = _minmax_cases()
OP_CASES["Minimum"] = _minmax_cases()
_mod_y = _rng.uniform(0.5, 1.5, (2, 3)) * np.where(rand(2, 3) < 0, -1, 1)
OP_CASES["FloorMod"] = [Case((_mod_y * (_rng.randint(-3, 3, (2, 3)) + _rng.uniform(0.2, 0.8, (2, 3))), _mod_y), {},
                             "away from multiples of y")]
OP_CASES["FloorDiv"] = [Case((_mod_y * (_rng.randint(-3, 3, (2, 3)) + _rng.uniform(0.2, 0.8, (2, 3))), _mod_y), {},
                             "away from multiples of y")]
OP_CASES["Select"] = [
    Case((rand(2, 3) > 0, rand(2, 3), rand(2, 3)), {}, "same shape"),
    Case((rand(2, 3) > 0, rand(2, 3), rand(3)), {}, "y broadcast"),
    Case((rand(2, 1) > 0, rand(1, 3), rand(2, 3)), {}, "condition and x broadcast"),
]
for _name in ("Less", "LessEqual", "Greater", "GreaterEqual", "Equal", "NotEqual"):
    OP_CASES[_name] = [Case((rand(2, 3), rand(3)), {}, "broadcast a row")]
for _name in ("LogicalAnd", "LogicalOr"):
    OP_CASES[_name] = [Case((rand(2, 3) > 0, rand(3) > 0), {}, "broadcast a row")]
OP_CASES["LogicalNot"] = [Case((rand(2, 3) > 0,), {}, "matrix")]
OP_CASES["IsNan"] = [Case((np.array([0.5, np.nan, np.inf]),), {}, "special values")]
OP_CASES["IsFinite"] = [Case((np.array([0.5, np.nan, np.inf]),), {}, "special values")]

# ---- reductions -------------------------------------------------------------------------------------


def _reduction_cases(make):
    return [Case((make(2, 3, 4),), {"axis": None, "keepdims": False}, "all axes"),
            Case((make(2, 3, 4),), {"axis": 1, "keepdims": False}, "middle axis"),
            Case((make(2, 3, 4),), {"axis": (0, 2), "keepdims": True}, "two axes, keepdims"),
            Case((make(2, 3),), {"axis": -1, "keepdims": False}, "negative axis")]


OP_CASES["Sum"] = _reduction_cases(rand)
OP_CASES["Mean"] = _reduction_cases(rand)
OP_CASES["Max"] = _reduction_cases(distinct)
OP_CASES["Min"] = _reduction_cases(distinct)
OP_CASES["Prod"] = _reduction_cases(lambda *s: away(*s, margin=0.3)) + [
    Case((np.array([[1.5, 0.0, 2.0], [0.0, 0.0, 3.0], [0.5, -1.5, 2.5]]),), {"axis": 1, "keepdims": False},
         "zeros: one, several, none per row")]
OP_CASES["ArgMax"] = [Case((distinct(3, 4),), {"axis": 1}, "rows")]
OP_CASES["ArgMin"] = [Case((distinct(3, 4),), {"axis": 0}, "columns")]

# ---- linear algebra ---------------------------------------------------------------------------------

OP_CASES["MatMul"] = [
    Case((rand(2, 3), rand(3, 4)), {}, "plain"),
    Case((rand(3, 2), rand(3, 4)), {"transpose_a": True}, "transpose_a"),
    Case((rand(2, 3), rand(4, 3)), {"transpose_b": True}, "transpose_b"),
    Case((rand(3, 2), rand(4, 3)), {"transpose_a": True, "transpose_b": True}, "both transposed"),
    Case((rand(2, 2, 3), rand(2, 3, 4)), {}, "batched"),
    Case((rand(2, 3), rand(2, 3, 4)), {}, "2-D times batch"),
    Case((rand(1, 2, 3), rand(2, 4, 3)), {"transpose_b": True}, "broadcast batch, transpose_b"),
]
OP_CASES["Einsum"] = [
    Case((rand(2, 3), rand(3, 4)), {"equation": "ij,jk->ik"}, "matmul"),
    Case((rand(2, 2, 3), rand(2, 3, 4)), {"equation": "bij,bjk->bik"}, "batched matmul"),
    Case((rand(2, 3),), {"equation": "ij->j"}, "column sums"),
    Case((rand(2, 3), rand(3)), {"equation": "ij,j->i"}, "matrix-vector"),
    Case((rand(2, 3, 2), rand(3, 4)), {"equation": "ikl,kj->ij"}, "index summed in one operand only"),
    Case((rand(2, 3), rand(3, 4)), {"equation": "ij,jk"}, "implicit output"),
]

# ---- shapes and indexing ----------------------------------------------------------------------------

OP_CASES["Reshape"] = [Case((rand(2, 3), i32(3, 2)), {}, "to 3x2"), Case((rand(2, 3), i32(-1)), {}, "flatten")]
OP_CASES["Transpose"] = [Case((rand(2, 3),), {"perm": (1, 0)}, "matrix"),
                         Case((rand(2, 3, 4),), {"perm": None}, "reverse axes"),
                         Case((rand(2, 3, 4),), {"perm": (2, 0, 1)}, "rotate axes")]
OP_CASES["ConcatV2"] = [Case((rand(2, 3), rand(2, 2)), {"axis": 1}, "columns"),
                        Case((rand(1, 3), rand(2, 3), rand(1, 3)), {"axis": 0}, "three rows"),
                        Case((rand(2, 1, 2), rand(2, 2, 2)), {"axis": -2}, "negative axis")]
OP_CASES["Pack"] = [Case((rand(2, 3), rand(2, 3)), {"axis": 0}, "axis 0"),
                    Case((rand(2), rand(2), rand(2)), {"axis": 1}, "axis 1")]
OP_CASES["Unpack"] = [Case((rand(3, 2),), {"num": 3, "axis": 0}, "rows"),
                      Case((rand(3, 2),), {"num": 2, "axis": 1}, "columns")]
OP_CASES["Split"] = [Case((rand(2, 5),), {"sizes": (1, 3, 1), "axis": 1}, "uneven columns"),
                     Case((rand(4, 2),), {"sizes": (2, 2), "axis": 0}, "halves")]
OP_CASES["ExpandDims"] = [Case((rand(2, 3),), {"axis": 1}, "middle"), Case((rand(2, 3),), {"axis": -1}, "last")]
OP_CASES["Squeeze"] = [Case((rand(2, 1, 3),), {"axis": (1,)}, "one axis"),
                       Case((rand(1, 3, 1),), {"axis": None}, "all unit axes")]


def _pairs(*pairs):
    return np.array(pairs, np.int32)


OP_CASES["Tile"] = [Case((rand(2, 3), i32(2, 1)), {}, "rows"),
                    Case((rand(1, 2, 2), i32(3, 1, 2)), {}, "several axes")]
OP_CASES["Pad"] = [
    Case((rand(2, 3), _pairs((1, 0), (2, 1))), {"mode": "CONSTANT", "constant_values": 0.0}, "constant"),
    Case((rand(3, 4), _pairs((1, 2), (2, 1))), {"mode": "REFLECT", "constant_values": 0.0}, "reflect"),
    Case((rand(2, 3), _pairs((1, 2), (0, 3))), {"mode": "SYMMETRIC", "constant_values": 0.0}, "symmetric"),
]
OP_CASES["BroadcastTo"] = [Case((rand(3), i32(2, 3)), {}, "row to matrix"),
                           Case((rand(2, 1), i32(2, 2, 3)), {}, "column to batch")]
OP_CASES["Fill"] = [Case((i32(2, 3), rand()), {}, "scalar value")]
OP_CASES["StridedSlice"] = [
    Case((rand(3, 4),), {"index": _index(ALL, (S, 1, None, None))}, "columns from 1"),
    Case((rand(3, 4),), {"index": _index((S, None, None, -1), (INT, 2))}, "reversed rows, one column"),
    Case((rand(2, 3, 4),), {"index": _index(ELL, NEW, (S, 0, None, 2))}, "ellipsis, new axis, stride"),
]
OP_CASES["StridedSliceGrad"] = [
    Case((rand(3, 4), rand(3, 3)), {"index": _index(ALL, (S, 1, None, None))}, "columns from 1", wrt=(1,)),
]
OP_CASES["GatherV2"] = [
    Case((rand(4, 3), i32(2, 0, 2)), {"axis": 0, "batch_dims": 0}, "rows with a repeat"),
    Case((rand(2, 4, 3), np.array([[3, 1], [1, 1]], np.int32)), {"axis": 1, "batch_dims": 0},
         "middle axis, 2-D indices"),
]
OP_CASES["GatherNd"] = [
    Case((rand(3, 4), np.array([[0, 1], [2, 3], [0, 1]], np.int32)), {}, "elements with a repeat"),
    Case((rand(3, 4), np.array([[1], [0]], np.int32)), {}, "rows"),
]
OP_CASES["UnsortedSegmentSum"] = [Case((rand(4, 3), i32(0, 2, 0, 1)), {"num_segments": 3}, "rows into segments")]
OP_CASES["OneHot"] = [Case((i32(0, 2, 1), np.int32(3)), {"on_value": 1.0, "off_value": 0.0, "axis": -1,
                                                          "dtype": "float64"}, "three classes")]

# ---- neural-network ops -----------------------------------------------------------------------------

OP_CASES["Softmax"] = [Case((rand(3, 4),), {"axis": -1}, "last axis"), Case((rand(3, 4),), {"axis": 0}, "axis 0")]
OP_CASES["LogSoftmax"] = [Case((rand(3, 4),), {"axis": -1}, "last axis"), Case((rand(3, 4),), {"axis": 0}, "axis 0")]
OP_CASES["SparseSoftmaxCrossEntropyWithLogits"] = [Case((rand(4, 5), i32(1, 0, 4, 2)), {}, "batch of 4")]
_labels = positive(3, 4)
OP_CASES["SoftmaxCrossEntropyWithLogits"] = [
    Case((rand(3, 4), _labels / _labels.sum(-1, keepdims=True)), {"axis": -1}, "labels summing to 1")]
OP_CASES["Conv2D"] = [
    Case((rand(2, 5, 5, 2), rand(3, 3, 2, 3)), {"strides": (1, 1), "padding": "VALID", "dilations": (1, 1)}, "valid"),
    Case((rand(1, 5, 6, 2), rand(3, 2, 2, 2)), {"strides": (2, 2), "padding": "SAME", "dilations": (1, 1)},
         "same, stride 2"),
    Case((rand(1, 6, 6, 1), rand(2, 2, 1, 2)), {"strides": (1, 1), "padding": "VALID", "dilations": (2, 2)},
         "dilated"),
    Case((rand(1, 4, 4, 2), rand(2, 3, 2, 1)), {"strides": (1, 2), "padding": ((1, 0), (2, 1)),
                                                "dilations": (1, 1)}, "explicit padding"),
]


def _pool_cases():
    return [Case((distinct(1, 4, 4, 2),), {"ksize": (2, 2), "strides": (2, 2), "padding": "VALID"}, "2x2 stride 2"),
            Case((distinct(1, 5, 5, 1),), {"ksize": (3, 3), "strides": (2, 2), "padding": "SAME"}, "same padding"),
            Case((distinct(2, 3, 4, 1),), {"ksize": (2, 2), "strides": (1, 1), "padding": "VALID"},
                 "overlapping windows")]


OP_CASES["MaxPool"] = _pool_cases()
OP_CASES["AvgPool"] = _pool_cases()

# ---- recurrent sequence ops (time-major; the mask, last input when present, is not differentiated) ---
_MASK = np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 1.0]])
OP_CASES["LSTMSequence"] = [
    Case((rand(3, 2, 8), rand(2, 2), rand(2, 2), rand(2, 8)), {}, "3 steps"),
    Case((rand(3, 2, 8), rand(2, 2), rand(2, 2), rand(2, 8), _MASK), {"go_backwards": True}, "masked, backwards",
         wrt=(0, 1, 2, 3)),
]
OP_CASES["GRUSequence"] = [
    Case((rand(3, 2, 6), rand(2, 2), rand(2, 6), rand(6)), {}, "3 steps"),
    Case((rand(3, 2, 6), rand(2, 2), rand(2, 6), rand(6), _MASK), {"zero_output_for_mask": True}, "masked, zeros",
         wrt=(0, 1, 2, 3)),
]
OP_CASES["SimpleRNNSequence"] = [
    Case((rand(3, 2, 2), rand(2, 2), rand(2, 2)), {}, "3 steps"),
    Case((rand(3, 2, 2), rand(2, 2), rand(2, 2), _MASK), {"activation": "linear"}, "masked, linear", wrt=(0, 1, 2)),
]


# ---- ops that gradients build ----------------------------------------------------------------------

OP_CASES["SumToShape"] = [Case((rand(2, 3), i32(1, 3)), {}, "sum rows"), Case((rand(2, 3, 4), i32(3, 1)), {},
                                                                            "drop lead axis, sum last")]
OP_CASES["ReluGrad"] = [Case((rand(2, 3), away(2, 3)), {}, "mixed signs", wrt=(0,))]
for _name in ("SqrtGrad", "RsqrtGrad", "ReciprocalGrad"):
    OP_CASES[_name] = [Case((positive(2, 3), rand(2, 3)), {}, "positive outputs")]
OP_CASES["SparseSoftmaxCrossEntropyGrad"] = [Case((rand(4, 5), i32(1, 0, 4, 2), rand(4)), {}, "batch of 4")]
OP_CASES["SplitV"] = [Case((rand(2, 5), i32(2, 3)), {"axis": 1, "num": 2}, "two pieces")]
OP_CASES["ScatterNd"] = [Case((np.array([[0], [2], [0]], np.int32), rand(3, 2), i32(4, 2)), {}, "rows with a repeat")]
OP_CASES["MirrorPadGrad"] = [
    Case((rand(6, 7), _pairs((1, 2), (2, 1))), {"mode": "REFLECT"}, "reflect"),
    Case((rand(5, 6), _pairs((1, 2), (0, 3))), {"mode": "SYMMETRIC"}, "symmetric"),
]
_conv_attrs = {"strides": (2, 2), "padding": "SAME", "dilations": (1, 1)}
OP_CASES["Conv2DBackpropInput"] = [
    Case((i32(1, 5, 6, 2), rand(3, 2, 2, 2), rand(1, 3, 3, 2)), _conv_attrs, "same, stride 2", wrt=(1, 2)),
    Case((i32(2, 5, 5, 2), rand(3, 3, 2, 3), rand(2, 3, 3, 3)),
         {"strides": (1, 1), "padding": "VALID", "dilations": (1, 1)}, "valid", wrt=(1, 2)),
]
OP_CASES["Conv2DBackpropFilter"] = [
    Case((rand(1, 5, 6, 2), i32(3, 2, 2, 2), rand(1, 3, 3, 2)), _conv_attrs, "same, stride 2", wrt=(0, 2)),
]


def _pool_grad_case(ksize, strides, padding, shape):
    x = distinct(*shape)
    from numpy.lib.stride_tricks import sliding_window_view  # the forward max-pool, in numpy
    pads = []
    for size, k, s in zip(shape[1:3], ksize, strides):
        out = -(-size // s) if padding == "SAME" else (size - k) // s + 1
        total = max((out - 1) * s + k - size, 0) if padding == "SAME" else 0
        pads.append((total // 2, total - total // 2))
    xp = np.pad(x, ((0, 0), pads[0], pads[1], (0, 0)), constant_values=-np.inf)
    y = sliding_window_view(xp, ksize, axis=(1, 2))[:, ::strides[0], ::strides[1]].max(axis=(-2, -1))
    return x, y


_mx, _my = _pool_grad_case((3, 3), (2, 2), "SAME", (1, 5, 5, 2))
_pool_attrs = {"ksize": (3, 3), "strides": (2, 2), "padding": "SAME"}
OP_CASES["MaxPoolGrad"] = [Case((_mx, _my, rand(*_my.shape)), _pool_attrs, "same padding", wrt=(2,))]
OP_CASES["MaxPoolGradGrad"] = [Case((_mx, _my, rand(*_mx.shape)), _pool_attrs, "same padding", wrt=(2,))]
OP_CASES["AvgPoolGrad"] = [Case((i32(1, 5, 5, 2), rand(1, 3, 3, 2)), _pool_attrs, "same padding")]


# ---- composite API functions at their kinks (compared with TensorFlow's recorded gradients) ----------

class Composite(NamedTuple):
    fn: Callable          # fn(tf_like_module, *tensors) -> tensor
    inputs: tuple
    desc: str


KINKS = np.array([-1.0, 0.0, 3.0, 6.0, 7.0])

COMPOSITE_CASES: dict[str, Composite] = {
    "relu": Composite(lambda tf, x: tf.nn.relu(x), (KINKS,), "relu at 0"),
    "relu6": Composite(lambda tf, x: tf.nn.relu6(x), (KINKS,), "relu6 at 0 and 6"),
    "leaky_relu": Composite(lambda tf, x: tf.nn.leaky_relu(x, alpha=0.2), (KINKS,), "leaky_relu at 0"),
    "elu": Composite(lambda tf, x: tf.nn.elu(x), (KINKS,), "elu at 0"),
    "selu": Composite(lambda tf, x: tf.nn.selu(x), (KINKS,), "selu at 0"),
    "gelu": Composite(lambda tf, x: tf.nn.gelu(x), (KINKS,), "exact gelu"),
    "gelu_tanh": Composite(lambda tf, x: tf.nn.gelu(x, approximate=True), (KINKS,), "tanh gelu"),
    "silu": Composite(lambda tf, x: tf.nn.silu(x), (KINKS,), "silu"),
    "softplus": Composite(lambda tf, x: tf.math.softplus(x), (KINKS,), "softplus"),
    "abs": Composite(lambda tf, x: tf.abs(x), (KINKS,), "abs at 0"),
    "sign": Composite(lambda tf, x: tf.sign(x), (KINKS,), "sign"),
    "sqrt": Composite(lambda tf, x: tf.sqrt(x), (np.array([0.0, 1.0, 4.0]),), "sqrt at 0"),
    "clip_by_value": Composite(lambda tf, x: tf.clip_by_value(x, 0.0, 6.0), (KINKS,), "clip at both bounds"),
    "clip_by_tensors": Composite(lambda tf, x, lo, hi: tf.clip_by_value(x, lo, hi),
                                 (KINKS, np.zeros(5), np.full(5, 6.0)), "clip with tensor bounds"),
    "maximum_ties": Composite(lambda tf, x, y: tf.maximum(x, y), (np.array([1.0, 2.0, 3.0]), np.array([1.0, 1.0, 4.0])),
                              "maximum with a tie"),
    "minimum_ties": Composite(lambda tf, x, y: tf.minimum(x, y), (np.array([1.0, 2.0, 3.0]), np.array([1.0, 1.0, 4.0])),
                              "minimum with a tie"),
    "sigmoid_xent": Composite(
        lambda tf, x, z: tf.nn.sigmoid_cross_entropy_with_logits(labels=z, logits=x),
        (np.array([0.0, 1.0, -1.0, 20.0]), np.array([0.3, 0.3, 1.0, 0.0])), "sigmoid cross-entropy at 0"),
    "reduce_max_ties": Composite(lambda tf, x: tf.reduce_max(x, axis=1),
                                 (np.array([[1.0, 3.0, 3.0], [2.0, 1.0, 0.0]]),), "max shared among ties"),
    "reduce_min_ties": Composite(lambda tf, x: tf.reduce_min(x, axis=0),
                                 (np.array([[1.0, 3.0, 3.0], [1.0, 1.0, 0.0]]),), "min shared among ties"),
    "reduce_prod_zeros": Composite(lambda tf, x: tf.reduce_prod(x, axis=1),
                                   (np.array([[1.0, 0.0, 3.0], [0.0, 0.0, 2.0], [2.0, 3.0, 4.0]]),), "prod with zeros"),
    "max_pool_ties": Composite(lambda tf, x: tf.nn.max_pool2d(x, 2, 1, "VALID"), (np.ones((1, 3, 3, 1)),),
                               "overlapping windows of equal values"),
    "max_pool_same": Composite(lambda tf, x: tf.nn.max_pool2d(x, 2, 2, "SAME"),
                               (np.array([[1.0, 2.0, 2.0], [2.0, 0.0, 2.0], [1.0, 1.0, 1.0]]).reshape(1, 3, 3, 1),),
                               "ties with same padding"),
    "avg_pool_same": Composite(lambda tf, x: tf.nn.avg_pool2d(x, 3, 2, "SAME"),
                               (np.arange(50.0).reshape(1, 5, 5, 2) / 10,), "padding excluded from the count"),
    "logsumexp": Composite(lambda tf, x: tf.reduce_logsumexp(x), (np.array([1.0, 1.0, -np.inf]),), "with -inf"),
    "logsumexp_axis": Composite(lambda tf, x: tf.reduce_logsumexp(x, axis=1, keepdims=True),
                                (np.array([[1.0, 2.0, 3.0], [-1.0, 0.5, 0.5]]),), "axis 1, keepdims"),
    "moments": Composite(lambda tf, x: tf.nn.moments(x, [0])[1], (KINKS,), "variance"),
    "moments_mean": Composite(lambda tf, x: tf.nn.moments(x, [0, 1], keepdims=True)[0],
                              (np.arange(6.0).reshape(2, 3),), "mean, keepdims"),
    "l2_loss": Composite(lambda tf, x: tf.nn.l2_loss(x), (KINKS,), "l2 loss"),
    "pow_zero_base": Composite(lambda tf, x, y: tf.pow(x, y), (np.array([0.0, 2.0, -2.0]), np.array([2.0, 3.0, 2.0])),
                               "pow at base 0 and negative base"),
    "squared_difference": Composite(lambda tf, x, y: tf.math.squared_difference(x, y),
                                    (np.array([1.0]), np.array([3.0, 4.0])), "broadcast"),
    "floormod": Composite(lambda tf, x, y: tf.math.floormod(x, y), (np.array([5.0, -3.0]), np.array([2.0, 2.0])),
                          "floormod"),
    "where": Composite(lambda tf, x, y: tf.where([True, False], x, y), (np.array([1.0, 2.0]), np.array([3.0, 4.0])),
                       "where"),
    "bias_add": Composite(lambda tf, x, b: tf.nn.bias_add(x, b), (np.arange(6.0).reshape(2, 3), np.ones(3)),
                          "bias_add"),
    "sparse_xent": Composite(
        lambda tf, x: tf.nn.sparse_softmax_cross_entropy_with_logits(labels=tf.constant([1, 0, 2]), logits=x),
        (np.array([[1.0, 2.0, 0.5], [0.0, 0.0, 0.0], [3.0, -1.0, 2.0]]),), "sparse softmax cross-entropy"),
    "softmax_xent": Composite(
        lambda tf, x, z: tf.nn.softmax_cross_entropy_with_logits(labels=z, logits=x),
        (np.array([[1.0, 2.0, 0.5], [0.0, 0.0, 0.0]]), np.array([[0.2, 0.3, 0.5], [1.0, 0.0, 0.0]])),
        "softmax cross-entropy"),
    "log_softmax": Composite(lambda tf, x: tf.nn.log_softmax(x), (np.array([[1.0, 2.0, 0.5], [0.0, 0.0, 0.0]]),),
                             "log_softmax"),
    "conv2d_same": Composite(lambda tf, x, w: tf.nn.conv2d(x, w, 2, "SAME"),
                             (np.arange(50.0).reshape(1, 5, 5, 2) / 25, np.arange(24.0).reshape(3, 2, 2, 2) / 12),
                             "conv2d, same, stride 2"),
    "tile": Composite(lambda tf, x: tf.tile(x, [2, 3]), (np.arange(6.0).reshape(2, 3),), "tile"),
    "pad_reflect": Composite(lambda tf, x: tf.pad(x, [[1, 2], [2, 1]], "REFLECT"), (np.arange(12.0).reshape(3, 4),),
                             "reflect padding"),
    "gather_repeats": Composite(lambda tf, x: tf.gather(x, [2, 0, 2], axis=1), (np.arange(6.0).reshape(2, 3),),
                                "gather with repeats"),
    "tensordot": Composite(lambda tf, a, b: tf.tensordot(a, b, 1), (np.arange(6.0).reshape(2, 3), np.ones((3, 2))),
                           "tensordot"),
    "strided_slice": Composite(lambda tf, x: x[::-1, 1:], (np.arange(6.0).reshape(2, 3),), "reverse and slice"),
}


# ---- ops whose attrs are traced sub-graphs: built through the public API ---------------------------------
# API_CASES maps such an op to functions fn(tf_like_module, *tensors) whose graph-mode build (or, for
# PartitionedCall, eager call under a tape) creates it; the gradient check differentiates the function.

def _loop(tf, x, y):
    return tf.while_loop(lambda i, v: i < 3, lambda i, v: (i + 1, v * x + y), (0, y))[1]


def _stateful_loop(tf, x, y):
    scale = tf.Variable(np.float64(1.5))          # a variable read makes the loop stateful
    return tf.while_loop(lambda i, v: i < 2, lambda i, v: (i + 1, v * x * scale), (0, y))[1]


def _branches(tf, x, y):
    return tf.cond(tf.reduce_sum(x) > 0, lambda: x * tf.sin(y), lambda: x - y)


def _stateful_branches(tf, x, y):
    scale = tf.Variable(np.float64(1.5))          # a variable read makes the branch stateful
    return tf.cond(tf.reduce_sum(x) > 0, lambda: x * y * scale, lambda: x - y)


_POS, _NEG = positive(3), -positive(3)
API_CASES: dict[str, list[Composite]] = {
    "StatelessIf": [Composite(_branches, (_POS, rand(3)), "true branch"),
                    Composite(_branches, (_NEG, rand(3)), "false branch")],
    "If": [Composite(_stateful_branches, (_POS, rand(3)), "branch reading a variable")],
    "StatelessWhile": [Composite(_loop, (rand(3), rand(3)), "three iterations")],
    "While": [Composite(_stateful_loop, (rand(3), rand(3)), "body reading a variable")],
    "PartitionedCall": [Composite(lambda tf, x, y: tf.function(lambda a, b: a * tf.sin(b))(x, y), (rand(3), rand(3)),
                                  "function called under a tape")],
}


# ---- tf.linalg / tf.nn / tf.image ops (graphflow/ops/matrix.py, nn_nd.py, nn_sequence.py) -----------------

def _well_conditioned(*shape):
    return rand(*shape, lo=-0.3, hi=0.3) + 2 * np.eye(shape[-1])


def _spd(n):
    m = _well_conditioned(n, n)
    return m @ m.T


def _separated_spd(n):
    """Symmetric with eigenvalues 1, 2, ..., n: well apart, so eigenvectors are smooth."""
    q, _ = np.linalg.qr(rand(n, n))
    return (q * np.arange(1.0, n + 1)) @ q.T


OP_CASES["MatrixDeterminant"] = [Case((_well_conditioned(2, 3, 3),), {}, "batch of 3x3")]
OP_CASES["LogMatrixDeterminant"] = [Case((-_well_conditioned(3, 3),), {}, "negative determinant")]
OP_CASES["MatrixInverse"] = [Case((_well_conditioned(3, 3),), {"adjoint": False}, "3x3"),
                             Case((_well_conditioned(2, 2, 2),), {"adjoint": True}, "adjoint, batch")]
OP_CASES["MatrixSolve"] = [Case((_well_conditioned(3, 3), rand(3, 2)), {"adjoint": False}, "two columns"),
                           Case((_well_conditioned(2, 3, 3), rand(2, 3, 1)), {"adjoint": True}, "adjoint, batch")]
OP_CASES["MatrixTriangularSolve"] = [
    Case((np.tril(_well_conditioned(3, 3)), rand(3, 2)), {"lower": True, "adjoint": False}, "lower"),
    Case((np.triu(_well_conditioned(3, 3)), rand(3, 1)), {"lower": False, "adjoint": True}, "upper, adjoint")]
OP_CASES["Qr"] = [Case((rand(4, 3),), {"full_matrices": False}, "deep"),
                  Case((_well_conditioned(3, 3),), {"full_matrices": False}, "square"),
                  Case((rand(2, 4),), {"full_matrices": False}, "wide")]
OP_CASES["Svd"] = [Case((np.diag([3.0, 2.0, 1.0]) + rand(3, 3, lo=-0.2, hi=0.2),),
                        {"full_matrices": False, "compute_uv": True}, "square, distinct values"),
                   Case((np.array([[3.0, 0, 0], [0, 2.0, 0], [0, 0, 1.0], [0, 0, 0]]) + rand(4, 3, lo=-0.2, hi=0.2),),
                        {"full_matrices": False, "compute_uv": True}, "deep"),
                   Case((rand(2, 4),), {"full_matrices": False, "compute_uv": False}, "values only")]
OP_CASES["SelfAdjointEigV2"] = [Case((_separated_spd(3),), {"compute_v": True}, "eigenvalues 1, 2, 3")]
OP_CASES["MatrixExponential"] = [Case((rand(3, 3),), {}, "3x3"), Case((rand(2, 2, 2, lo=-3, hi=3),), {}, "scaled")]
OP_CASES["MatrixSquareRoot"] = [Case((_spd(3),), {}, "symmetric positive definite")]
OP_CASES["MatrixBandPart"] = [Case((rand(3, 4),), {"num_lower": 1, "num_upper": 0}, "one subdiagonal")]
OP_CASES["MatrixDiagV3"] = [Case((rand(2, 3),), {"k": 1, "num_rows": -1, "num_cols": -1, "padding_value": 0},
                                 "superdiagonal")]
OP_CASES["MatrixDiagPartV3"] = [Case((rand(3, 4),), {"k": -1, "padding_value": 0}, "subdiagonal")]
OP_CASES["MatrixSetDiagV3"] = [Case((rand(3, 4), rand(3)), {"k": 0}, "main diagonal")]
_conv3d = {"strides": (1, 2, 1), "padding": "SAME", "dilations": (1, 1, 1)}
OP_CASES["Conv3D"] = [Case((rand(1, 3, 4, 3, 2), rand(2, 2, 2, 2, 2)), _conv3d, "same, stride 2")]
OP_CASES["Conv3DBackpropInputV2"] = [Case((i32(1, 3, 4, 3, 2), rand(2, 2, 2, 2, 2), rand(1, 3, 2, 3, 2)), _conv3d,
                                          "same, stride 2", wrt=(1, 2))]
OP_CASES["Conv3DBackpropFilterV2"] = [Case((rand(1, 3, 4, 3, 2), i32(2, 2, 2, 2, 2), rand(1, 3, 2, 3, 2)), _conv3d,
                                           "same, stride 2", wrt=(0, 2))]
_pool3d = {"ksize": (2, 2, 2), "strides": (2, 1, 2), "padding": "SAME"}
OP_CASES["MaxPool3D"] = [Case((distinct(1, 3, 3, 4, 2),), _pool3d, "same padding")]
OP_CASES["AvgPool3D"] = [Case((rand(1, 3, 3, 4, 2),), _pool3d, "same padding")]
OP_CASES["AvgPool3DGrad"] = [Case((i32(1, 3, 3, 4, 2), rand(1, 2, 3, 2, 2)), _pool3d, "same padding")]
OP_CASES["MaxPoolWithArgmax"] = [Case((distinct(2, 4, 5, 2),), {"ksize": (2, 2), "strides": (2, 2),
                                                               "padding": "SAME", "include_batch_in_index": False},
                                      "same padding")]
# the pooling sequences are drawn anew on every call, so finite differences of the kernel are not
# defined; tests/ops/test_nn_fractional_pool.py checks the gradient against each run's sequences
OP_CASES["FractionalPool"] = [Case((distinct(1, 4, 5, 1),), {"ratio": (1.0, 1.5, 1.5, 1.0), "pseudo_random": True,
                                                              "overlapping": False, "key": ("case", 1), "mode": "max"},
                                   "random sequences", wrt=())]
OP_CASES["IsotonicRegression"] = [Case((np.array([[1.0, 3.0, 2.0, 4.0, 0.5], [5.0, 1.0, 1.5, 0.0, -1.0]]),),
                                       {"decreasing": True}, "blocks of several sizes")]

API_CASES["Cholesky"] = [Composite(lambda tf, x: tf.linalg.cholesky(tf.matmul(x, x, transpose_b=True)
                                                                    + 3.0 * tf.eye(3, dtype=tf.float64)),
                                   (rand(3, 3),), "of x x^T + 3 I")]
API_CASES["CTCLossDense"] = [Composite(lambda tf, x: tf.nn.ctc_loss(np.array([[1, 2], [2, 0]], np.int32), x,
                                                                    np.array([2, 1], np.int32),
                                                                    np.array([4, 3], np.int32)),
                                       (rand(4, 2, 3),), "two sequences")]

# the ops issue 12 added (tests/ops/op_cases_api.py)
try:
    from .op_cases_api import API_OP_API_CASES, API_OP_CASES
except ImportError:          # loaded as a top-level module by tools/tfref/record_gradients.py
    from op_cases_api import API_OP_API_CASES, API_OP_CASES
OP_CASES.update(API_OP_CASES)
API_CASES.update(API_OP_API_CASES)

# complex numbers and Fourier transforms (tests/ops/op_cases_complex.py)
try:
    from .op_cases_complex import COMPLEX_API_CASES
except ImportError:
    from op_cases_complex import COMPLEX_API_CASES
API_CASES.update(COMPLEX_API_CASES)
