"""tf.raw_ops: TensorFlow's op names called with keyword arguments only (tf.raw_ops.AddV2(x=, y=)),
each mapped to the graphflow function that builds the same op."""
from __future__ import annotations

import types


def _raw(fn, names, op_name):
    def call(*args, **kwargs):
        if args:
            raise TypeError(f"tf.raw_ops.{op_name} only takes keyword arguments, got {len(args)} positional")
        kwargs.pop("name", None)
        missing = [n for n in names if n not in kwargs]
        if missing:
            raise TypeError(f"tf.raw_ops.{op_name} missing required argument(s): {', '.join(missing)}")
        extra = sorted(set(kwargs) - set(names))
        if extra:
            raise TypeError(f"tf.raw_ops.{op_name} got unexpected keyword argument(s): {', '.join(extra)}")
        return fn(*[kwargs[n] for n in names])
    call.__name__ = op_name
    call.__doc__ = f"The {op_name} op: ({', '.join(names)})."
    return call


def build(api) -> types.ModuleType:
    """The tf.raw_ops namespace over the public functions of `api` (graphflow.ops.api)."""
    table = {}
    for op_name, fn in {
        "Abs": api.abs, "Acos": api.acos, "Acosh": api.acosh, "Asin": api.asin, "Asinh": api.asinh, "Atan": api.atan,
        "Atanh": api.atanh, "Ceil": api.ceil, "Cos": api.cos, "Cosh": api.cosh, "Digamma": api.digamma, "Erf": api.erf,
        "Erfc": api.erfc, "Erfinv": api.erfinv, "Exp": api.exp, "Expm1": api.expm1, "Floor": api.floor,
        "Lgamma": api.lgamma, "Log": api.log, "Log1p": api.log1p, "Neg": api.negative, "Reciprocal": api.reciprocal,
        "Relu": api.relu, "Rint": api.rint, "Round": api.round, "Rsqrt": api.rsqrt, "Sigmoid": api.sigmoid,
        "Sign": api.sign, "Sin": api.sin, "Sinh": api.sinh, "Softplus": api.softplus, "Sqrt": api.sqrt,
        "Square": api.square, "Tan": api.tan, "Tanh": api.tanh, "IsNan": api.is_nan, "IsFinite": api.is_finite,
        "IsInf": api.is_inf, "LogicalNot": api.logical_not, "Ndtri": api.ndtri, "Invert": api.bitwise_invert,
    }.items():
        table[op_name] = _raw(fn, ["x"], op_name)
    for op_name, fn in {
        "AddV2": api.add, "Add": api.add, "Sub": api.subtract, "Mul": api.multiply, "RealDiv": api.realdiv,
        "Div": api.divide, "FloorDiv": api.floordiv, "FloorMod": api.floormod, "Maximum": api.maximum,
        "Minimum": api.minimum, "Pow": api.pow, "SquaredDifference": api.squared_difference, "Xlogy": api.xlogy,
        "Xdivy": api.xdivy, "Xlog1py": api.xlog1py, "TruncateDiv": api.truncatediv, "TruncateMod": api.truncatemod,
        "Less": api.less, "LessEqual": api.less_equal, "Greater": api.greater, "GreaterEqual": api.greater_equal,
        "Equal": api.equal, "NotEqual": api.not_equal, "LogicalAnd": api.logical_and, "LogicalOr": api.logical_or,
        "BitwiseAnd": api.bitwise_and, "BitwiseOr": api.bitwise_or, "BitwiseXor": api.bitwise_xor,
        "LeftShift": api.left_shift, "RightShift": api.right_shift, "MulNoNan": api.multiply_no_nan,
        "DivNoNan": api.divide_no_nan,
    }.items():
        table[op_name] = _raw(fn, ["x", "y"], op_name)
    table["NextAfter"] = _raw(api.nextafter, ["x1", "x2"], "NextAfter")
    table["Atan2"] = _raw(api.atan2, ["y", "x"], "Atan2")
    table["Igamma"] = _raw(api.igamma, ["a", "x"], "Igamma")
    table["Igammac"] = _raw(api.igammac, ["a", "x"], "Igammac")
    table["Polygamma"] = _raw(api.polygamma, ["a", "x"], "Polygamma")
    table["Zeta"] = _raw(api.zeta, ["x", "q"], "Zeta")
    table["Betainc"] = _raw(api.betainc, ["a", "b", "x"], "Betainc")
    for op_name, fn in {"Sum": api.reduce_sum, "Mean": api.reduce_mean, "Max": api.reduce_max,
                        "Min": api.reduce_min, "Prod": api.reduce_prod, "All": api.reduce_all,
                        "Any": api.reduce_any}.items():
        table[op_name] = _raw(lambda input, axis, keep_dims=False, _f=fn: _f(input, axis, keep_dims),
                              ["input", "axis", "keep_dims"], op_name)
    extras = {
        "MatMul": (lambda a, b, transpose_a, transpose_b: api.matmul(a, b, transpose_a=transpose_a,
                                                                     transpose_b=transpose_b),
                   ["a", "b", "transpose_a", "transpose_b"]),
        "Reshape": (api.reshape, ["tensor", "shape"]), "Transpose": (api.transpose, ["x", "perm"]),
        "ConcatV2": (api.concat, ["values", "axis"]), "Pack": (api.stack, ["values", "axis"]),
        "Cumsum": (api.cumsum, ["x", "axis", "exclusive", "reverse"]),
        "Cumprod": (api.cumprod, ["x", "axis", "exclusive", "reverse"]),
        "Cast": (lambda x, DstT: api.cast(x, DstT), ["x", "DstT"]), "Identity": (api.identity, ["input"]),
        "Shape": (lambda input, out_type: api.shape(input, out_type), ["input", "out_type"]),
        "Fill": (api.fill, ["dims", "value"]), "SelectV2": (api.where, ["condition", "t", "e"]),
        "TopKV2": (lambda input, k, sorted: api.top_k(input, k, sorted), ["input", "k", "sorted"]),
        "Softmax": (api.softmax, ["logits"]), "LogSoftmax": (api.log_softmax, ["logits"]),
        "ExpandDims": (api.expand_dims, ["input", "axis"]), "Tile": (api.tile, ["input", "multiples"]),
        "GatherV2": (lambda params, indices, axis: api.gather(params, indices, axis=axis),
                     ["params", "indices", "axis"]),
        "ArgMax": (lambda input, dimension, output_type: api.argmax(input, dimension, output_type),
                   ["input", "dimension", "output_type"]),
        "ReverseV2": (api.reverse, ["tensor", "axis"]), "Roll": (api.roll, ["input", "shift", "axis"]),
    }
    for op_name, (fn, names) in extras.items():
        table[op_name] = _raw(fn, names, op_name)
    module = types.ModuleType("graphflow.raw_ops")
    module.__dict__.update(table)
    return module
