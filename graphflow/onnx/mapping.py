"""The op mapping table: registry op name -> ONNX emitter, one row per op.

An emitter is `emit(b, v) -> [output names]`: `b` is the ModelBuilder, `v` an OpView (the op's
type, name, line, ONNX input names, input/output (dtype, dims) and attrs). Fused kernels made by
the passes (FusedElementwise, FusedMatMul) expand back into their members' rows. Ops without an
ONNX form are rows of NOT_EXPORTABLE with the reason; export names them and the user's line.
Control flow (If, While) needs the graph walker and is added to the table by onnx/walker.py.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from . import recurrent
from .builder import export_error, onnx_dtype

INT64_MAX, INT64_MIN = np.iinfo(np.int64).max, np.iinfo(np.int64).min


@dataclass
class OpView:
    """What an emitter reads of an op (a graph Operation or a fused group's member)."""
    type: str
    name: str
    location: object
    inputs: list          # ONNX value names
    in_specs: list        # (DType, dims tuple or None) per input
    out_specs: list       # (DType, dims) per output
    attrs: dict
    in_values: list = field(default_factory=list)   # per input: its value when the graph fixes it, else None

    def value(self, i: int):
        """Input i's value when known while the graph is built (a folded constant), else None."""
        return self.in_values[i] if i < len(self.in_values) else None

    def rank(self, i: int = 0) -> int:
        dims = self.in_specs[i][1]
        if dims is None:
            raise export_error(self, f"input {i} has an unknown rank")
        return len(dims)

    def dtype(self, i: int = 0):
        return self.in_specs[i][0]

    def out_dtype(self, i: int = 0):
        return self.out_specs[i][0]


EMITTERS: dict[str, Callable] = {}
FORMS: dict[str, str] = {}      # op -> what it becomes, for docs/onnx.md (tools/onnx_op_table.py)


def row(*names, form: str):
    def deco(fn):
        for n in names:
            EMITTERS[n] = fn
            FORMS[n] = form
        return fn
    return deco


def simple(onnx_type: str):
    def emit(b, v):
        return b.node(onnx_type, v.inputs, name=v.name)
    return emit


def _is_float(dtype) -> bool:
    return np.dtype(dtype.np).kind == "f"


def _scalar(b, v, value, i: int = 0) -> str:
    return b.const(np.asarray(value, v.dtype(i).np))


# ---- elementwise ----------------------------------------------------------------------------------

for _gf, _onnx in {"Neg": "Neg", "Abs": "Abs", "Sign": "Sign", "Exp": "Exp", "Log": "Log", "Sqrt": "Sqrt",
                   "Sin": "Sin", "Cos": "Cos", "Tanh": "Tanh", "Sigmoid": "Sigmoid", "Erf": "Erf",
                   "Softplus": "Softplus", "Floor": "Floor", "Ceil": "Ceil", "Round": "Round",
                   "Reciprocal": "Reciprocal", "Relu": "Relu", "IsNan": "IsNaN", "LogicalNot": "Not",
                   "Identity": "Identity", "StopGradient": "Identity",
                   "Add": "Add", "Sub": "Sub", "Mul": "Mul", "RealDiv": "Div", "Pow": "Pow", "Maximum": "Max",
                   "Minimum": "Min", "Less": "Less", "LessEqual": "LessOrEqual", "Greater": "Greater",
                   "GreaterEqual": "GreaterOrEqual", "Equal": "Equal", "LogicalAnd": "And", "LogicalOr": "Or",
                   "BitwiseAnd": "BitwiseAnd", "BitwiseOr": "BitwiseOr", "BitwiseXor": "BitwiseXor",
                   "Select": "Where"}.items():
    EMITTERS[_gf], FORMS[_gf] = simple(_onnx), _onnx


@row("PlaceholderWithDefault", form="Identity of the default (pass it in inputs= to make it a graph input)")
def _placeholder_with_default(b, v):
    return [b.one("Identity", v.inputs[0])]


@row("CheckNumerics", form="Identity (the check is dropped)")
def _check_numerics(b, v):
    return [b.one("Identity", v.inputs[0])]     # the check itself is dropped: ONNX has no assertions


@row("Expm1", form="Sub(Exp(x), 1)")
def _expm1(b, v):
    return [b.one("Sub", b.one("Exp", v.inputs[0]), _scalar(b, v, 1))]


@row("Log1p", form="Log(Add(x, 1))")
def _log1p(b, v):
    return [b.one("Log", b.one("Add", v.inputs[0], _scalar(b, v, 1)))]


@row("Rsqrt", form="Reciprocal(Sqrt(x))")
def _rsqrt(b, v):
    return [b.one("Reciprocal", b.one("Sqrt", v.inputs[0]))]


@row("Square", form="Mul(x, x)")
def _square(b, v):
    return [b.one("Mul", v.inputs[0], v.inputs[0])]


@row("SquaredDifference", form="Mul(d, d), d = Sub(x, y)")
def _squared_difference(b, v):
    d = b.one("Sub", *v.inputs)
    return [b.one("Mul", d, d)]


@row("IsFinite", form="Not(Or(IsNaN(x), IsInf(x)))")
def _is_finite(b, v):
    x = v.inputs[0]
    return [b.one("Not", b.one("Or", b.one("IsNaN", x), b.one("IsInf", x)))]


@row("NotEqual", form="Not(Equal(x, y))")
def _not_equal(b, v):
    return [b.one("Not", b.one("Equal", *v.inputs))]


_FILL_VALUE = {"ZerosLike": 0, "OnesLike": 1}


@row(*_FILL_VALUE, form="ConstantOfShape(Shape(x))")
def _fill_like(b, v):
    value = np.asarray([_FILL_VALUE[v.type]], v.dtype().np)
    from onnx import numpy_helper
    return [b.one("ConstantOfShape", b.one("Shape", v.inputs[0]), value=numpy_helper.from_array(value))]


@row("FloorDiv", form="Floor(Div) for floats; Div(Sub(x, Mod(x, y)), y) for integers")
def _floor_div(b, v):
    x, y = v.inputs
    if _is_float(v.dtype()):
        return [b.one("Floor", b.one("Div", x, y))]
    return [b.one("Div", b.one("Sub", x, b.one("Mod", x, y, fmod=0)), y)]   # exact: x - x mod y divides


@row("FloorMod", form="x - Floor(x / y) * y for floats; Mod(fmod=0) for integers")
def _floor_mod(b, v):
    x, y = v.inputs
    if _is_float(v.dtype()):
        return [b.one("Sub", x, b.one("Mul", b.one("Floor", b.one("Div", x, y)), y))]
    return [b.one("Mod", x, y, fmod=0)]


@row("ReluGrad", form="Where(Greater(y, 0), dy, 0)")
def _relu_grad(b, v):
    dy, y = v.inputs
    return [b.one("Where", b.one("Greater", y, _scalar(b, v, 0, 1)), dy, _scalar(b, v, 0))]


@row("Cast", form="Cast")
def _cast(b, v):
    return [b.cast(v.inputs[0], v.attrs["dtype"])]


# ---- reductions -----------------------------------------------------------------------------------

def _axes(b, v):
    axis = v.attrs.get("axis")
    if axis is None:
        return list(range(v.rank()))
    return [a % v.rank() for a in (axis if isinstance(axis, (tuple, list)) else [axis])]


def _reduce(b, v, onnx_type, x=None):
    axes = _axes(b, v)
    x = v.inputs[0] if x is None else x
    if not axes:
        return b.one("Identity", x)
    return b.one(onnx_type, x, b.ints(axes), keepdims=int(bool(v.attrs.get("keepdims", False))))


for _gf, _onnx in {"Sum": "ReduceSum", "Max": "ReduceMax", "Min": "ReduceMin", "Prod": "ReduceProd"}.items():
    EMITTERS[_gf], FORMS[_gf] = (lambda t: lambda b, v: [_reduce(b, v, t)])(_onnx), f"{_onnx} (axes as an input)"


@row("Mean", form="Div(ReduceSum, count) (NaN over no elements, integer truncation as TF)")
def _mean(b, v):
    """Sum / count: over no elements a float mean is 0/0 = NaN (TF's answer; ReduceMean gives 0), an
    integer mean truncates like TF's."""
    dims = v.in_specs[0][1]
    if dims is None or any(dims[a] is None for a in _axes(b, v)):
        if not _is_float(v.dtype()):
            raise export_error(v, "an integer mean over a dimension of unknown size")
        return [_reduce(b, v, "ReduceMean")]
    count = int(np.prod([dims[a] for a in _axes(b, v)]))
    if not _is_float(v.dtype()):
        count = max(count, 1)
    return [b.one("Div", _reduce(b, v, "ReduceSum"), _scalar(b, v, count))]


_BOOL_REDUCER = {"Any": "ReduceMax", "All": "ReduceMin"}


@row(*_BOOL_REDUCER, form="ReduceMax / ReduceMin over Cast(int32), Cast(bool)")
def _any_all(b, v):
    as_int = b.cast(v.inputs[0], np.dtype(np.int32))
    return [b.cast(_reduce(b, v, _BOOL_REDUCER[v.type], as_int), np.dtype(bool))]


@row("ArgMax", "ArgMin", form="ArgMax / ArgMin (keepdims=0), Cast to output_type")
def _arg(b, v):
    out = b.one(v.type, v.inputs[0], axis=v.attrs.get("axis", 0) % v.rank(), keepdims=0)
    return [b.cast(out, v.out_dtype())]


# ---- linear algebra, nn ---------------------------------------------------------------------------

def _swap_last(b, x, rank):
    perm = list(range(rank))
    perm[-2:] = perm[-1], perm[-2]
    return b.one("Transpose", x, perm=perm)


@row("MatMul", form="Gemm (2-D float), else MatMul with Transpose for transpose_a/b")
def _matmul(b, v):
    a, c = v.inputs
    ta, tb = bool(v.attrs.get("transpose_a")), bool(v.attrs.get("transpose_b"))
    if v.rank(0) == 2 and v.rank(1) == 2 and _is_float(v.dtype()):
        return b.node("Gemm", [a, c], name=v.name, transA=int(ta), transB=int(tb))
    a = _swap_last(b, a, v.rank(0)) if ta else a
    c = _swap_last(b, c, v.rank(1)) if tb else c
    return [b.one("MatMul", a, c)]


@row("Einsum", form="Einsum")
def _einsum(b, v):
    return [b.one("Einsum", *v.inputs, equation=v.attrs["equation"].replace(" ", ""))]


NHWC_TO_NCHW, NCHW_TO_NHWC = [0, 3, 1, 2], [0, 2, 3, 1]


def _padding(v, padding: str, kernel, strides, dilations=(1, 1)) -> dict:
    """ONNX pads for TF's padding. SAME pads (kernel - stride) split with the odd pixel at the end;
    with static spatial dims the pads are written out (auto_pad refuses kernels wider than the
    padded input), otherwise SAME_UPPER, which computes the same."""
    if padding == "VALID":
        return {"pads": [0, 0, 0, 0]}
    if padding != "SAME":
        raise export_error(v, f"padding {padding!r}")
    dims = v.in_specs[0][1]
    spatial = None if dims is None else dims[1:3]
    if spatial is None or None in spatial:
        if any(d != 1 for d in dilations):
            raise export_error(v, "SAME padding with dilations on input of unknown height or width")
        return {"auto_pad": "SAME_UPPER"}
    before, after = [], []
    for size, k, s, d in zip(spatial, kernel, strides, dilations):
        out = -(-size // s)
        total = max((out - 1) * s + (k - 1) * d + 1 - size, 0)
        before.append(total // 2)
        after.append(total - total // 2)
    return {"pads": before + after}


def _window(value) -> list:
    """A 4-element NHWC attr (ksize/strides) or a 2-element one -> [h, w]."""
    value = list(value)
    return value[1:3] if len(value) == 4 else value


def _empty_window(b, v):
    """A window wider than a VALID input gives an empty output (TF); ONNX's shape rules give 1."""
    dims = v.out_specs[0][1]
    if dims is None or any(d is None for d in dims[1:]) or 0 not in dims[1:3]:
        return None
    from onnx import numpy_helper
    shape = b.one("Concat", b.one("Slice", b.one("Shape", v.inputs[0]), b.ints([0]), b.ints([1])),
                  b.ints(dims[1:]), axis=0)
    return [b.one("ConstantOfShape", shape, value=numpy_helper.from_array(np.zeros(1, v.out_dtype().np)))]


@row("Conv2D", form="Transpose(NHWC->NCHW), Conv (explicit SAME pads), Transpose back")
def _conv2d(b, v):
    empty = _empty_window(b, v)
    if empty:
        return empty
    x, w = v.inputs
    strides, dilations = _window(v.attrs.get("strides", (1, 1))), _window(v.attrs.get("dilations", (1, 1)))
    kernel = list(v.in_specs[1][1][:2])
    x = b.one("Transpose", x, perm=NHWC_TO_NCHW)
    w = b.one("Transpose", w, perm=[3, 2, 0, 1])             # HWIO -> OIHW
    y = b.one("Conv", x, w, strides=strides, dilations=dilations,
              **_padding(v, v.attrs.get("padding", "VALID"), kernel, strides, dilations))
    return [b.one("Transpose", y, perm=NCHW_TO_NHWC)]


# TF's average pooling divides by the window's in-bounds count, ONNX's by default by the full window.
_POOL = {"MaxPool": ("MaxPool", {}), "AvgPool": ("AveragePool", {"count_include_pad": 0})}


@row(*_POOL, form="MaxPool / AveragePool(count_include_pad=0) between Transposes")
def _pool(b, v):
    empty = _empty_window(b, v)
    if empty:
        return empty
    x = b.one("Transpose", v.inputs[0], perm=NHWC_TO_NCHW)
    ksize, strides = _window(v.attrs["ksize"]), _window(v.attrs["strides"])
    onnx_op, extra = _POOL[v.type]
    y = b.one(onnx_op, x, kernel_shape=ksize, strides=strides,
              **_padding(v, v.attrs.get("padding", "VALID"), ksize, strides), **extra)
    return [b.one("Transpose", y, perm=NCHW_TO_NHWC)]


@row("Softmax", "LogSoftmax", form="Softmax / LogSoftmax")
def _softmax(b, v):
    return [b.one(v.type, v.inputs[0], axis=v.attrs.get("axis", -1))]


@row("SoftmaxCrossEntropyWithLogits", form="Neg(ReduceSum(labels * LogSoftmax)); backprop Softmax - labels")
def _softmax_xent(b, v):
    logits, labels = v.inputs
    axis = v.attrs.get("axis", -1)
    loss = b.one("Neg", b.one("ReduceSum", b.one("Mul", labels, b.one("LogSoftmax", logits, axis=axis)),
                              b.ints([axis % v.rank()]), keepdims=0))
    if len(v.out_specs) == 1:
        return [loss]
    return [loss, b.one("Sub", b.one("Softmax", logits, axis=axis), labels)]


@row("SparseSoftmaxCrossEntropyWithLogits", form="Neg(GatherElements(LogSoftmax, labels))")
def _sparse_softmax_xent(b, v):
    logits, labels = v.inputs
    index = b.one("Unsqueeze", b.cast(labels, np.dtype(np.int64)), b.ints([-1]))
    picked = b.one("GatherElements", b.one("LogSoftmax", logits, axis=-1), index, axis=-1)
    loss = b.one("Neg", b.one("Squeeze", picked, b.ints([-1])))
    if len(v.out_specs) == 1:
        return [loss]
    depth = b.one("Gather", b.one("Shape", logits), b.ints([-1]))
    positions = b.one("Range", b.const(np.int64(0)), b.one("Squeeze", depth, b.ints([0])), b.const(np.int64(1)))
    hot = b.cast(b.one("Equal", index, positions), v.dtype())
    return [loss, b.one("Sub", b.one("Softmax", logits, axis=-1), hot)]


# ---- shapes, slicing, gathering -------------------------------------------------------------------

def _int64(b, x):
    return b.cast(x, np.dtype(np.int64))


@row("Reshape", form="Reshape(allowzero=1)")
def _reshape(b, v):
    return [b.one("Reshape", v.inputs[0], _int64(b, v.inputs[1]), allowzero=1)]


@row("BroadcastTo", form="Expand")
def _broadcast_to(b, v):
    return [b.one("Expand", v.inputs[0], _int64(b, v.inputs[1]))]


@row("Fill", form="Expand(value, dims)")
def _fill(b, v):
    return [b.one("Expand", v.inputs[1], _int64(b, v.inputs[0]))]


@row("Transpose", form="Transpose")
def _transpose(b, v):
    perm = v.attrs.get("perm")
    perm = list(range(v.rank()))[::-1] if perm is None else [p % v.rank() for p in perm]
    return [b.one("Transpose", v.inputs[0], perm=perm)]


@row("ExpandDims", form="Unsqueeze")
def _expand_dims(b, v):
    axis = v.attrs["axis"]
    return [b.one("Unsqueeze", v.inputs[0], b.ints([axis if axis >= 0 else axis + v.rank() + 1]))]


@row("Squeeze", form="Squeeze")
def _squeeze(b, v):
    axis = v.attrs.get("axis")
    if axis is None:
        dims = v.in_specs[0][1]
        if dims is None or None in dims:
            raise export_error(v, "squeezing every size-1 dimension of a tensor of unknown shape")
        axis = [i for i, d in enumerate(dims) if d == 1]
    axes = [a % v.rank() for a in (axis if isinstance(axis, (list, tuple)) else [axis])]
    return [b.one("Squeeze", v.inputs[0], b.ints(axes)) if axes else b.one("Identity", v.inputs[0])]


@row("ConcatV2", form="Concat")
def _concat(b, v):
    return [b.one("Concat", *v.inputs, axis=v.attrs.get("axis", 0) % v.rank())]


@row("Pack", form="Unsqueeze each, Concat")
def _pack(b, v):
    axis = v.attrs.get("axis", 0) % (v.rank() + 1)
    return [b.one("Concat", *[b.one("Unsqueeze", x, b.ints([axis])) for x in v.inputs], axis=axis)]


@row("Unpack", form="Split, Squeeze each")
def _unpack(b, v):
    axis, num = v.attrs.get("axis", 0) % v.rank(), v.attrs["num"]
    if num == 0:
        return []
    parts = b.node("Split", [v.inputs[0], b.ints([1] * num)], n_out=num, axis=axis)
    return [b.one("Squeeze", p, b.ints([axis])) for p in parts]


@row("Split", form="Split")
def _split(b, v):
    if v.attrs["sizes"] is None:       # equal pieces of a dimension unknown at export
        num = v.attrs["num"]
        if num == 1:
            return [b.one("Identity", v.inputs[0])]
        return b.node("Split", [v.inputs[0]], n_out=num, axis=v.attrs.get("axis", 0) % v.rank(), num_outputs=num)
    sizes = list(v.attrs["sizes"])
    if len(sizes) == 1:
        return [b.one("Identity", v.inputs[0])]
    return b.node("Split", [v.inputs[0], b.ints(sizes)], n_out=len(sizes), axis=v.attrs.get("axis", 0) % v.rank())


@row("SplitV", form="Split (sizes as an input)")
def _split_v(b, v):
    num = v.attrs.get("num", 1)
    if num == 1:
        return [b.one("Identity", v.inputs[0])]
    return b.node("Split", [v.inputs[0], _int64(b, v.inputs[1])], n_out=num, axis=v.attrs.get("axis", 0) % v.rank())


@row("Tile", form="Tile")
def _tile(b, v):
    return [b.one("Tile", v.inputs[0], _int64(b, v.inputs[1]))]


@row("Pad", form="Pad (constant, reflect); SYMMETRIC as reversed Slices and Concat (known paddings)")
def _pad(b, v):
    mode = str(v.attrs.get("mode", "CONSTANT")).upper()
    if mode not in ("CONSTANT", "REFLECT", "SYMMETRIC"):
        raise export_error(v, f"pad mode {mode}")
    known = v.value(1)
    if known is not None:
        pads = np.asarray(known, np.int64).reshape(-1, 2)
        if v.rank() == 0 or not pads.any():
            return [b.one("Identity", v.inputs[0])]
        if mode == "SYMMETRIC":
            return [_pad_symmetric(b, v.inputs[0], pads)]
        onnx_pads = b.ints(np.concatenate([pads[:, 0], pads[:, 1]]))
    elif mode == "SYMMETRIC":
        raise export_error(v, "SYMMETRIC pad with paddings known only when the graph runs")
    else:           # [[b0, a0], [b1, a1]] -> [b0, b1, a0, a1]
        onnx_pads = b.one("Reshape", b.one("Transpose", _int64(b, v.inputs[1]), perm=[1, 0]), b.ints([-1]))
    inputs = [v.inputs[0], onnx_pads]
    if mode == "CONSTANT":
        inputs.append(_scalar(b, v, v.attrs.get("constant_values", 0)))
    return [b.one("Pad", *inputs, mode=mode.lower())]


def _pad_symmetric(b, x, pads):
    """TF's SYMMETRIC mirrors the edge row too; ONNX has no such mode: reversed slices, concatenated."""
    for axis, (before, after) in enumerate(pads):
        parts = [x]
        if before:
            parts.insert(0, b.one("Slice", x, b.ints([before - 1]), b.ints([INT64_MIN]), b.ints([axis]),
                                  b.ints([-1])))
        if after:
            parts.append(b.one("Slice", x, b.ints([-1]), b.ints([-after - 1]), b.ints([axis]), b.ints([-1])))
        x = b.one("Concat", *parts, axis=axis) if len(parts) > 1 else x
    return x


@row("StridedSlice", form="Slice, Squeeze (integer indices), Unsqueeze (newaxis)")
def _strided_slice(b, v):
    index, rank = v.attrs["index"], v.rank()
    consumed = sum(1 for k in index if k[0] in ("int", "slice"))
    expanded = []
    for k in index:
        expanded.extend([("slice", None, None, None)] * (rank - consumed) if k[0] == "ellipsis" else [k])
    starts, ends, axes, steps, squeeze, unsqueeze, axis, out_axis = [], [], [], [], [], [], 0, 0
    for k in expanded:
        if k[0] == "newaxis":
            unsqueeze.append(out_axis)
            out_axis += 1
            continue
        if k[0] == "int":
            i = k[1]
            starts.append(i), ends.append(i + 1 if i != -1 else INT64_MAX), steps.append(1)
            squeeze.append(axis)
        else:
            step = 1 if k[3] is None else k[3]
            starts.append(k[1] if k[1] is not None else (0 if step > 0 else INT64_MAX))
            ends.append(k[2] if k[2] is not None else (INT64_MAX if step > 0 else INT64_MIN))
            steps.append(step)
            out_axis += 1
        axes.append(axis)
        axis += 1
    x = v.inputs[0]
    if axes:
        x = b.one("Slice", x, b.ints(starts), b.ints(ends), b.ints(axes), b.ints(steps))
    if squeeze:
        x = b.one("Squeeze", x, b.ints(squeeze))
    if unsqueeze:
        x = b.one("Unsqueeze", x, b.ints(unsqueeze))
    return [x if x != v.inputs[0] else b.one("Identity", x)]


@row("GatherV2", form="Gather (batch_dims=0)")
def _gather(b, v):
    if v.attrs.get("batch_dims", 0):
        raise export_error(v, "batch_dims != 0 (ONNX Gather has no batch dimensions)")
    return [b.one("Gather", v.inputs[0], v.inputs[1], axis=v.attrs.get("axis", 0) % v.rank())]


@row("GatherNd", form="GatherND")
def _gather_nd(b, v):
    return [b.one("GatherND", v.inputs[0], _int64(b, v.inputs[1]), batch_dims=v.attrs.get("batch_dims", 0))]


@row("OneHot", form="Where(Equal(Unsqueeze(indices), Range(0, depth)), on, off)")
def _one_hot(b, v):
    """indices == range(depth), broadcast along the new axis, then on/off values (ONNX's OneHot
    refuses scalar indices and onnxruntime has few of its dtype combinations)."""
    rank = v.rank() + 1
    axis = v.attrs.get("axis", -1) % rank
    depth = b.cast(v.inputs[1], v.dtype().np)
    positions = b.one("Range", b.const(np.asarray(0, v.dtype().np)), depth, b.const(np.asarray(1, v.dtype().np)))
    positions = b.one("Reshape", positions, b.ints([-1] + [1] * (rank - axis - 1)))
    hot = b.one("Equal", b.one("Unsqueeze", v.inputs[0], b.ints([axis])), positions)
    dtype = v.out_dtype().np
    return [b.one("Where", hot, b.const(np.asarray(v.attrs["on_value"], dtype)),
                  b.const(np.asarray(v.attrs["off_value"], dtype)))]


@row("ScatterNd", form="ScatterND(reduction=add) into zeros")
def _scatter_nd(b, v):
    indices, updates = v.inputs[:2]
    shape = v.inputs[2] if len(v.inputs) > 2 else b.ints(v.attrs["shape"])
    zeros = b.one("Expand", _scalar(b, v, 0, 1), _int64(b, shape))
    return [b.one("ScatterND", zeros, _int64(b, indices), updates, reduction="add")]   # duplicates add, as TF


@row("UnsortedSegmentSum", form="ScatterND(reduction=add) into zeros")
def _unsorted_segment_sum(b, v):
    data, ids = v.inputs
    tail = b.one("Slice", b.one("Shape", data), b.ints([v.rank(1)]), b.ints([INT64_MAX]))
    shape = b.one("Concat", b.ints([v.attrs["num_segments"]]), tail, axis=0)
    zeros = b.one("Expand", _scalar(b, v, 0), shape)
    index = b.one("Unsqueeze", _int64(b, ids), b.ints([-1]))
    return [b.one("ScatterND", zeros, index, data, reduction="add")]


@row("Where", form="Transpose(NonZero(x)), Cast")
def _where(b, v):
    if v.rank() == 0:     # TF: (n, 0) coordinates of a scalar; ONNX NonZero needs a dimension
        hits = b.one("Transpose", b.one("NonZero", b.one("Reshape", v.inputs[0], b.ints([1]))), perm=[1, 0])
        return [b.cast(b.one("Slice", hits, b.ints([0]), b.ints([0]), b.ints([1])), v.out_dtype())]
    return [b.cast(b.one("Transpose", b.one("NonZero", v.inputs[0]), perm=[1, 0]), v.out_dtype())]


@row("Shape", form="Shape, Cast")
def _shape(b, v):
    return [b.cast(b.one("Shape", v.inputs[0]), v.out_dtype())]


@row("Size", form="Size, Cast")
def _size(b, v):
    return [b.cast(b.one("Size", v.inputs[0]), v.out_dtype())]


@row("Rank", form="Size(Shape(x)), Cast")
def _rank(b, v):
    return [b.cast(b.one("Size", b.one("Shape", v.inputs[0])), v.out_dtype())]


@row("Range", form="Range")
def _range(b, v):
    return [b.one("Range", *v.inputs)]


# Ops whose only job is an effect ONNX does not have; an exported inference graph leaves them out.
@row("NoOp", "PrintV2", "AssertEqual", "Assert", form="nothing (effects ONNX has not: left out of the served graph)")
def _effect_only(b, v):
    return []


# ---- issue 12's elementwise, scan and selection ops -----------------------------------------------

for _gf in ("Tan", "Asin", "Acos", "Atan", "Sinh", "Cosh", "Asinh", "Acosh", "Atanh"):
    EMITTERS[_gf], FORMS[_gf] = simple(_gf), _gf
EMITTERS["Invert"], FORMS["Invert"] = simple("BitwiseNot"), "BitwiseNot"


@row("EnsureShape", form="Identity (the shape check is dropped: an ONNX model's shapes are declared)")
def _ensure_shape(b, v):
    return [b.one("Identity", v.inputs[0])]


@row("Erfc", form="Sub(1, Erf(x))")
def _erfc(b, v):
    return [b.one("Sub", _scalar(b, v, 1), b.one("Erf", v.inputs[0]))]


def _zero_where(b, v, test, value):
    """Where(Equal(test, 0), 0, value): TF's rule that a zero operand wins over inf and NaN."""
    zero = _scalar(b, v, 0)
    return [b.one("Where", b.one("Equal", test, zero), zero, value)]


@row("Xlogy", form="Where(Equal(x, 0), 0, Mul(x, Log(y)))")
def _xlogy(b, v):
    x, y = v.inputs
    return _zero_where(b, v, x, b.one("Mul", x, b.one("Log", y)))


@row("Xlog1py", form="Where(Equal(x, 0), 0, Mul(x, Log(Add(y, 1))))")
def _xlog1py(b, v):
    x, y = v.inputs
    return _zero_where(b, v, x, b.one("Mul", x, b.one("Log", b.one("Add", y, _scalar(b, v, 1)))))


@row("Xdivy", form="Where(Equal(x, 0), 0, Div(x, y))")
def _xdivy(b, v):
    x, y = v.inputs
    return _zero_where(b, v, x, b.one("Div", x, y))


@row("MulNoNan", form="Where(Equal(y, 0), 0, Mul(x, y))")
def _mul_no_nan(b, v):
    x, y = v.inputs
    return _zero_where(b, v, y, b.one("Mul", x, y))


@row("Atan2", form="Atan(y / x) moved to its quadrant by Where on the signs of x and y (0 at the origin, as TF)")
def _atan2(b, v):
    y, x = v.inputs
    zero, pi = _scalar(b, v, 0), _scalar(b, v, np.pi)
    base = b.one("Atan", b.one("Div", y, x))
    y_neg = b.one("Less", y, zero)
    left = b.one("Where", y_neg, b.one("Sub", base, pi), b.one("Add", base, pi))           # x < 0
    axis = b.one("Where", y_neg, _scalar(b, v, -np.pi / 2),
                 b.one("Where", b.one("Greater", y, zero), _scalar(b, v, np.pi / 2), zero))  # x == 0
    return [b.one("Where", b.one("Greater", x, zero), base,
                  b.one("Where", b.one("Less", x, zero), left, axis))]


@row("TruncateDiv", form="Div (ONNX's integer Div truncates toward zero, as TF's); floats: Where(q < 0, Ceil(q), "
                         "Floor(q))")
def _truncate_div(b, v):
    q = b.one("Div", *v.inputs)
    if not _is_float(v.dtype()):
        return [q]
    return [b.one("Where", b.one("Less", q, _scalar(b, v, 0)), b.one("Ceil", q), b.one("Floor", q))]


@row("TruncateMod", form="Mod(fmod=1): the remainder takes the dividend's sign, as TF's")
def _truncate_mod(b, v):
    return [b.one("Mod", *v.inputs, fmod=1)]


@row("Cumsum", form="CumSum (exclusive, reverse as attributes)")
def _cumsum(b, v):
    if v.rank() == 0:
        return [b.one("Identity", v.inputs[0])]
    axis = b.const(np.asarray(v.attrs["axis"] % v.rank(), np.int64))
    return [b.one("CumSum", v.inputs[0], axis, exclusive=int(bool(v.attrs.get("exclusive"))),
                  reverse=int(bool(v.attrs.get("reverse"))))]


@row("TopKV2", form="TopK (largest, sorted; ties by lower index as TF), Cast of the indices")
def _top_k(b, v):
    k = b.one("Reshape", _int64(b, v.inputs[1]), b.ints([1]))
    values, indices = b.node("TopK", [v.inputs[0], k], n_out=2, name=v.name, axis=-1,
                             largest=1, sorted=1)
    return [values, b.cast(indices, v.out_dtype(1))]


@row("ReverseV2", form="Slice with step -1 on each reversed axis")
def _reverse(b, v):
    axes = sorted({a % v.rank() for a in v.attrs["axis"]})
    if not axes:
        return [b.one("Identity", v.inputs[0])]
    n = len(axes)
    return [b.one("Slice", v.inputs[0], b.ints([-1] * n), b.ints([INT64_MIN] * n), b.ints(axes), b.ints([-1] * n))]


@row("Roll", form="Concat of two Slices per rolled axis (static sizes and shift)")
def _roll(b, v):
    dims, x = v.in_specs[0][1], v.inputs[0]
    if v.value(1) is None:
        raise export_error(v, "roll by a shift known only when the graph runs")
    shifts, axes = np.broadcast_arrays(np.ravel(v.value(1)), np.ravel(v.attrs["axis"]))
    for shift, axis in zip(shifts, axes):
        axis = int(axis) % v.rank()
        if dims[axis] is None:
            raise export_error(v, f"roll along axis {axis}, whose size is unknown")
        cut = dims[axis] - int(shift) % dims[axis] if dims[axis] else 0
        if cut in (0, dims[axis]):
            continue
        tail = b.one("Slice", x, b.ints([cut]), b.ints([dims[axis]]), b.ints([axis]))
        head = b.one("Slice", x, b.ints([0]), b.ints([cut]), b.ints([axis]))
        x = b.one("Concat", tail, head, axis=axis)
    return [b.one("Identity", x)]


# ---- fused kernels, expanded back into their members' rows ----------------------------------------

def _expand_group(b, v, group, inputs):
    values = []
    for m in group.members:
        args = [inputs[a[1]] if a[0] == "in" else values[a[1]] for a in m.args]
        specs = [group.input_specs[a[1]] if a[0] == "in" else
                 (group.members[a[1]].dtype, group.members[a[1]].shape) for a in m.args]
        member = OpView(m.opdef.name, f"{v.name}/{m.name}", v.location, args, list(specs),
                        [(m.dtype, m.shape)], m.attrs)
        values.append(emit(b, member)[0])
    return [values[j] for j in group.exits]


@row("FusedElementwise", form="its member ops' rows, in order")
def _fused_elementwise(b, v):
    return _expand_group(b, v, v.attrs["group"], v.inputs)


@row("FusedMatMul", form="MatMul's row, then its epilogue members' rows")
def _fused_matmul(b, v):
    a, c, *rest = v.inputs
    product = _matmul(b, OpView("MatMul", v.name, v.location, [a, c], v.in_specs[:2], [], v.attrs))[0]
    rest.insert(v.attrs["operand"], product)
    return _expand_group(b, v, v.attrs["group"], rest)


for _name, (_emit, _form) in recurrent.ROWS.items():
    row(_name, form=_form)(_emit)


# ---- what cannot be exported, and why -------------------------------------------------------------

_GRADIENT = "a training gradient op: export the inference graph (ONNX serves forward passes)"
_RANDOM = "ONNX's random ops draw other numbers than graphflow's seeded streams"
_PIPELINE = "an input-pipeline op: an ONNX model takes tensors; export the model and feed it the batches"
_UPDATE = "it updates a variable; an ONNX model is a pure function of its inputs and initializers"
_SUMMARY = "summaries write TensorBoard event files from a running process; a served model has none"
_TEXT = "a string op: graphflow exports numeric models (ONNX's few string operators have other semantics)"
_FILES = "it reads or writes files of the running process; an ONNX model computes on its inputs"
_COLLECTIVE = "a collective among training processes (gf.distribute); a served model runs in one process"
_NO_ROW_YET = ("added with the TF2 names of issue 12 and not in the mapping table yet (several have an ONNX "
               "operator: a row each is future work)")
_PYTHON = "it calls the program's Python code, which an ONNX model cannot carry"
_PROCESS_STATE = "a queue, a mutable table or the clock: state of the running process, not of a pure model"
_LINALG = ("a matrix decomposition, solver or band/diagonal op: not mapped (ONNX's standard set has no "
           "decompositions; Det and Trilu could carry a few of these)")
_NOT_YET = "not mapped yet: ONNX's Conv/MaxPool/AveragePool take 3-D windows, but this export handles 2-D ones"
_SEQUENCES = "a sequence-training op (CTC loss, label collapsing, isotonic fits) with no ONNX operator"
_BOXES = "box selection and drawing (non-max suppression variants) not mapped: ONNX's NonMaxSuppression differs"
_COMPLEX = ("ONNX has no complex element type: its DFT carries real and imaginary parts as a trailing axis "
            "of 2, so complex tensors and the transforms would need a real-pair rewrite of the whole graph")
NOT_EXPORTABLE: dict[str, str] = {
    **{op: _TEXT for op in ("StringLower", "StringUpper", "StringStrip", "StringLength", "StaticRegexReplace",
                            "StaticRegexFullMatch", "StringToNumber", "AsString",
                            "StringToHashBucketFast", "StringToHashBucketStrong", "StringJoin", "ReduceJoin",
                            "Substr", "TokenizeLookup", "LookupTableFind", "DecodeRaw", "EncodeBase64",
                            "DecodeBase64", "DecodeCSV", "SerializeTensor", "ParseTensor", "DecodeImage",
                            "EncodeImage", "DecodeJpeg", "DecodeAndCropJpeg", "ExtractJpegShape",
                            "EncodeJpegVariableQuality", "DecodeGif", "DecodeWebP", "DecodeJxl")},
    "ReadFile": _FILES, "WriteFile": _FILES, "MatchingFiles": _FILES,
    **{op: _LINALG for op in ("Cholesky", "Lu", "Qr", "Svd", "SelfAdjointEigV2", "MatrixInverse", "MatrixSolve",
                              "MatrixTriangularSolve", "MatrixExponential", "MatrixSquareRoot", "MatrixDeterminant",
                              "LogMatrixDeterminant", "MatrixBandPart", "MatrixDiagPartV3", "MatrixDiagV3",
                              "MatrixSetDiagV3")},
    **{op: _NOT_YET for op in ("Conv3D", "MaxPool3D", "AvgPool3D", "MaxPoolWithArgmax")},
    **{op: _GRADIENT for op in ("AvgPool3DGrad", "MaxPool3DGrad", "Conv3DBackpropFilterV2", "Conv3DBackpropInputV2",
                                "FractionalPoolGrad")},
    **{op: _SEQUENCES for op in ("CTCLossDense", "CTCUniqueLabels", "CollapseRepeated", "IsotonicRegression")},
    **{op: _BOXES for op in ("CombinedNonMaxSuppression", "NonMaxSuppressionV5", "NonMaxSuppressionWithOverlaps",
                             "DrawBoundingBoxesV2", "GenerateBoundingBoxProposals")},
    "RandomCandidateSampler": _RANDOM,
    "ComputeAccidentalHits": "a sampled-softmax training helper: serving has no "
    "sampled classes", "FractionalPool": _RANDOM, "SampleDistortedBoundingBoxV2": _RANDOM,
    "CollectiveAllReduce": _COLLECTIVE, "CollectiveBroadcast": _COLLECTIVE,
    **{op: _NO_ROW_YET for op in (
        "BesselI0", "BesselI0e", "BesselI1", "BesselI1e", "Betainc", "Bincount", "Bitcast", "BroadcastArgs",
        "Cumprod", "Digamma", "DynamicPartition", "DynamicStitch", "Erfinv", "ExtractVolumePatches", "Igamma",
        "Igammac", "InTopKV2", "InvertPermutation", "LeftShift", "Lgamma", "Ndtri", "NextAfter", "Polygamma",
        "ReverseSequence", "RightShift", "SearchSorted", "SegmentReduce", "TensorScatter", "Unique", "UnravelIndex",
        "UnsortedSegmentReduce", "Zeta")},
    "IgammaGradA": _GRADIENT, "ExtractVolumePatchesGrad": _GRADIENT,
    "ResizeWeights": "tf.image.resize's weights for sizes known only at run time: ONNX's Resize "
    "takes such sizes itself",
    "RandomDistribution": _RANDOM, "RandomIndexShuffle": _RANDOM, "StatelessRandom": _RANDOM,
    **{op: _PYTHON for op in ("PyFunc", "EagerPyFunc", "CustomGradient")},
    **{op: _PROCESS_STATE for op in ("QueueClose", "QueueDequeue", "QueueEnqueue", "QueueSize", "MutableTableExport",
                                     "MutableTableFind", "MutableTableInsert", "MutableTableRemove",
                                     "MutableTableSize", "Timestamp")},
    "DecodeWav": _TEXT, "EncodeWav": _TEXT,
    "AssignVariableOp": _UPDATE, "AssignAddVariableOp": _UPDATE, "AssignSubVariableOp": _UPDATE,
    "InplaceGemmUpdate": _UPDATE, "ResourceScatter": _UPDATE, "ResourceScatterNd": _UPDATE,
    "VarIsInitializedOp": "initialisation state exists only in a running process (initializers always are)",
    "RandomUniform": _RANDOM, "RandomStandardNormal": _RANDOM, "TruncatedNormal": _RANDOM,
    "RandomShuffle": _RANDOM,
    "MakeIterator": _PIPELINE, "IteratorGetNext": _PIPELINE, "IteratorGetNextOrEnd": _PIPELINE,
    "AvgPoolGrad": _GRADIENT, "MaxPoolGrad": _GRADIENT, "MaxPoolGradGrad": _GRADIENT,
    "Conv2DBackpropFilter": _GRADIENT, "Conv2DBackpropInput": _GRADIENT, "MirrorPadGrad": _GRADIENT,
    "SparseSoftmaxCrossEntropyGrad": _GRADIENT, "StridedSliceGrad": _GRADIENT, "SumToShape": _GRADIENT,
    "SqrtGrad": _GRADIENT, "RsqrtGrad": _GRADIENT, "ReciprocalGrad": _GRADIENT,
    "WriteSummary": _SUMMARY, "EncodeSummary": _SUMMARY, "MergeSummary": _SUMMARY,
    "LSTMSequenceGrad": _GRADIENT, "GRUSequenceGrad": _GRADIENT, "SimpleRNNSequenceGrad": _GRADIENT,
    **{op: _COMPLEX for op in ("Complex", "Real", "Imag", "Conj", "Angle", "ComplexAbs", "FFT", "IFFT", "RFFT",
                               "IRFFT")},
}
# Handled by the graph walker itself rather than a row: feeds, constants and variable reads become
# graph inputs and initializers, control flow becomes If/Loop with nested bodies.
WALKER_FORMS = {
    "Placeholder": "a graph input (unknown dims stay dynamic)",
    "Const": "an initializer (after constant folding)",
    "ReadVariableOp": "an initializer holding the variable's value at export",
    "If": "If, branches as nested graphs reading outer values", "StatelessIf": "If",
    "While": "Loop: the body, then the condition on its results; cond checked once before",
    "StatelessWhile": "Loop",
}
WALKER_OPS = tuple(WALKER_FORMS)


def emit(b, v: OpView) -> list:
    """The ONNX nodes for one op (its row of the table), or an ExportError naming op and line."""
    fn = EMITTERS.get(v.type)
    if fn is None:
        reason = NOT_EXPORTABLE.get(v.type, "no ONNX mapping for this op")
        raise export_error(v, reason)
    return fn(b, v)


__all__ = ["EMITTERS", "FORMS", "NOT_EXPORTABLE", "WALKER_FORMS", "WALKER_OPS", "OpView", "emit", "onnx_dtype"]
