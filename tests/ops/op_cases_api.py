"""Gradient sample inputs (tests/ops/op_cases.py's format) for the ops issue 12 added: special
functions, segment reductions, cumulative ops, top_k, scatter and the array ops. Plain numpy, as
op_cases.py. `wrt` leaves out the inputs TensorFlow does not differentiate (zeta's x, polygamma's
n, betainc's a and b), where graphflow's gradient is None like TensorFlow's.
"""
from __future__ import annotations

import numpy as np

try:
    from .op_cases import Case, Composite, away, distinct, i32, positive, rand
except ImportError:          # loaded next to op_cases as a top-level module (tools/tfref/record_gradients.py)
    from op_cases import Case, Composite, away, distinct, i32, positive, rand

API_OP_CASES: dict[str, list[Case]] = {}

for _name, _make in {"Tan": lambda: rand(2, 3), "Asin": lambda: rand(2, 3, lo=-0.8, hi=0.8),
                     "Acos": lambda: rand(2, 3, lo=-0.8, hi=0.8), "Atan": lambda: rand(2, 3),
                     "Sinh": lambda: rand(2, 3), "Cosh": lambda: rand(2, 3), "Asinh": lambda: rand(2, 3),
                     "Acosh": lambda: positive(2, 3, lo=1.2, hi=3.0), "Atanh": lambda: rand(2, 3, lo=-0.8, hi=0.8),
                     "Erfc": lambda: rand(2, 3), "Lgamma": lambda: positive(2, 3), "Digamma": lambda: positive(2, 3),
                     "Erfinv": lambda: rand(2, 3, lo=-0.8, hi=0.8), "Ndtri": lambda: positive(2, 3, lo=0.1, hi=0.9),
                     "BesselI0": lambda: rand(2, 3), "BesselI1": lambda: away(2, 3), "BesselI0e": lambda: away(2, 3),
                     "BesselI1e": lambda: away(2, 3)}.items():
    API_OP_CASES[_name] = [Case((_make(),), {}, "matrix")]

for _name, _x, _y in (("Atan2", rand(2, 3), away(2, 3)), ("Xlogy", rand(2, 3), positive(3)),
                      ("Xlog1py", rand(2, 3), positive(3)), ("Xdivy", rand(2, 3), positive(3)),
                      ("MulNoNan", rand(2, 3), away(3)), ("NextAfter", rand(3), rand(3)),
                      ("Igamma", positive(2, 3), positive(2, 3)), ("Igammac", positive(2, 3), positive(2, 3))):
    API_OP_CASES[_name] = [Case((_x, _y), {}, "pair")]
API_OP_CASES["Zeta"] = [Case((positive(3, lo=2.0, hi=4.0), positive(3)), {}, "in q", wrt=(1,))]
API_OP_CASES["Polygamma"] = [Case((np.array([0.0, 1.0, 2.0]), positive(3)), {}, "in x", wrt=(1,))]
API_OP_CASES["Betainc"] = [Case((positive(3), positive(3), positive(3, lo=0.2, hi=0.8)), {}, "in x", wrt=(2,))]

_IDS = i32(0, 0, 1, 3, 3)
API_OP_CASES["SegmentReduce"] = [Case((distinct(5, 2), _IDS), {"kind": k}, k)
                                 for k in ("sum", "mean", "max", "min", "prod")]
API_OP_CASES["UnsortedSegmentReduce"] = [Case((distinct(5, 2), i32(2, 0, 2, -1, 1), np.int32(3)), {"kind": k}, k,
                                              wrt=(0,)) for k in ("sum", "mean", "max", "min", "prod")]
API_OP_CASES["Cumsum"] = [Case((rand(2, 3),), {"axis": 1, "exclusive": True, "reverse": False}, "exclusive")]
API_OP_CASES["Cumprod"] = [Case((positive(2, 3),), {"axis": 0, "exclusive": False, "reverse": True}, "reverse")]
API_OP_CASES["TopKV2"] = [Case((distinct(2, 4), np.int32(2)), {}, "k=2", wrt=(0,))]
API_OP_CASES["Roll"] = [Case((rand(2, 3), i32(1, -1)), {"axis": (0, 1)}, "both axes")]
API_OP_CASES["ReverseV2"] = [Case((rand(2, 3),), {"axis": (1,)}, "last axis")]
API_OP_CASES["ReverseSequence"] = [Case((rand(3, 4), i32(2, 4, 0)), {"seq_axis": 1, "batch_axis": 0}, "rows")]
API_OP_CASES["TensorScatter"] = [Case((distinct(4, 2), i32(1, 3).reshape(2, 1), distinct(2, 2)), {"kind": k}, k)
                                 for k in ("update", "add", "sub", "max", "min")]
API_OP_CASES["EnsureShape"] = [Case((rand(2, 3),), {"shape": (None, 3)}, "partial shape")]
API_OP_CASES["DynamicPartition"] = [Case((rand(5, 2), i32(0, 1, 0, 2, 1)), {"num_partitions": 3}, "three parts")]
API_OP_CASES["DynamicStitch"] = [Case((i32(0, 2), i32(1, 3), rand(2, 2), rand(2, 2)), {"n": 2}, "interleave")]
API_OP_CASES["ExtractVolumePatches"] = [Case((rand(1, 3, 3, 2, 1),), {"ksizes": (2, 2, 1), "strides": (1, 2, 1),
                                                                        "padding": "SAME"}, "same padding")]
API_OP_CASES["ExtractVolumePatchesGrad"] = [Case((rand(1, 3, 2, 2, 4), i32(1, 3, 3, 2, 1)),
                                                 {"ksizes": (2, 2, 1), "strides": (1, 2, 1), "padding": "SAME"},
                                                 "same padding")]


def _custom_square(tf, x):
    @tf.custom_gradient
    def square(v):
        return v * v, lambda dy: dy * 2.0 * v
    return square(x)


# ops built through the public API (op_cases.API_CASES' format): gradients against finite differences
API_OP_API_CASES = {
    "CustomGradient": [Composite(_custom_square, (rand(3),), "square with its own gradient")],
    "EagerPyFunc": [Composite(lambda tf, x: tf.reshape(tf.py_function(lambda a: a * a * 3.0, [x], tf.float64), [3]),
                              (rand(3),), "a Python function under a tape")],
}
