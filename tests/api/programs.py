"""Small TF programs for the tf / tf.debugging / tf.nest / tf.random names issue 12 added, written
against a `tf` module argument so that TensorFlow (tools/tfref/record_api_programs.py) and graphflow
(tests/api/test_api_programs.py) run the very same source.

Each program returns a dict of outputs: tensors, nested structures of them, or plain Python values.
Random programs return what TensorFlow and graphflow share (shapes, dtypes, bounds, determinism,
rough moments), never the random numbers. PROGRAMS_RAISING hold calls that must fail, with
TensorFlow's exception class recorded. MODES says where a program runs besides eagerly: in a TF1
graph run by a Session and/or inside tf.function (default: both).
"""
from __future__ import annotations

import collections
import logging

import numpy as np

PROGRAMS = {}
PROGRAMS_RAISING = {}
MODES = {}
ALL_MODES = ("eager", "graph", "function")


def program(*modes, raising=False):
    def deco(fn):
        (PROGRAMS_RAISING if raising else PROGRAMS)[fn.__name__] = fn
        MODES[fn.__name__] = modes or ALL_MODES
        return fn
    return deco


def encode(value):
    """A JSON-able description of an output leaf (tensors by numpy value, dtype and shape)."""
    if hasattr(value, "numpy"):
        value = value.numpy()
    if isinstance(value, bytes):                  # a string scalar's numpy() in TensorFlow
        value = np.array(value, dtype=object)
    if isinstance(value, (np.ndarray, np.generic)):
        a = np.asarray(value)
        if a.dtype.kind == "f":
            v = [None if np.isnan(x) else float(x) for x in a.reshape(-1)]
        elif a.dtype.kind in "OS":            # string tensors: bytes, written as latin-1 text
            v = [x.decode("latin-1") if isinstance(x, bytes) else x for x in a.reshape(-1).tolist()]
        else:
            v = a.reshape(-1).tolist()
        return {"dtype": a.dtype.name, "shape": list(a.shape), "value": v}
    if hasattr(value, "as_list") and hasattr(value, "rank"):         # TensorShape
        return {"py": None if value.rank is None else value.as_list()}
    if hasattr(value, "as_numpy_dtype"):                             # DType
        return {"py": value.name}
    if isinstance(value, (bool, int, float, str)) or value is None:
        return {"py": value}
    raise TypeError(f"cannot encode {value!r}")


Point = collections.namedtuple("Point", ["x", "y"])


# ---- tf.nest ------------------------------------------------------------------------------------------

@program("eager")
def nest_functions(tf):
    s = {"b": [1, (2, 3)], "a": Point(4, 5)}
    flat = tf.nest.flatten(s)
    packed = tf.nest.pack_sequence_as(s, [x * 10 for x in flat])
    doubled = tf.nest.map_structure(lambda a, b: a + b, s, s)
    out = {"flat": flat, "packed": tf.nest.flatten(packed), "packed_type": type(packed["a"]).__name__,
           "doubled": tf.nest.flatten(doubled), "is_nested": [tf.nest.is_nested(s), tf.nest.is_nested(3)]}
    tf.nest.assert_same_structure(s, packed)
    errors = []
    for a, b, kw in (([1, 2], [1, [2]], {}), ([1, 2], (1, 2), {}), ([1, 2], (1, 2), {"check_types": False}),
                     ({"a": 1}, {"b": 1}, {})):
        try:
            tf.nest.assert_same_structure(a, b, **kw)
            errors.append("ok")
        except (ValueError, TypeError) as e:
            errors.append(type(e).__name__)
    out["assert_same_structure"] = errors
    try:
        tf.nest.pack_sequence_as([1, 2], [1])
        out["pack_error"] = "ok"
    except ValueError as e:
        out["pack_error"] = type(e).__name__
    return out


# ---- tf.debugging ----------------------------------------------------------------------------------------

@program()
def debugging_asserts_pass(tf):
    x = tf.constant([1.0, 2.0, 3.0])
    y = tf.constant([2.0, 3.0, 4.0])
    deps = [tf.debugging.assert_less(x, y), tf.debugging.assert_less_equal(x, x), tf.debugging.assert_greater(y, x),
            tf.debugging.assert_greater_equal(y, y), tf.debugging.assert_none_equal(x, y),
            tf.debugging.assert_near(x, x + 1e-7), tf.debugging.assert_positive(x),
            tf.debugging.assert_non_negative(x - 1.0), tf.debugging.assert_negative(-x),
            tf.debugging.assert_non_positive(-x), tf.debugging.assert_equal(x, x),
            tf.debugging.assert_rank(x, 1), tf.debugging.assert_rank_at_least(x, 1),
            tf.debugging.assert_rank_in(x, [0, 1]), tf.assert_equal(x, x), tf.assert_less(x, y),
            tf.assert_greater(y, x), tf.assert_rank(x, 1),
            tf.debugging.assert_shapes([(x, ("n",)), (y, ("n",))]),
            tf.debugging.Assert(tf.reduce_all(x < y), [x]), tf.Assert(tf.reduce_all(x < y), [x])]
    deps = [d for d in deps if d is not None]
    with tf.control_dependencies(deps):
        checked = tf.debugging.assert_all_finite(tf.identity(x), "finite")
    tf.debugging.assert_integer(tf.constant([1, 2]))
    tf.debugging.assert_type(x, tf.float32)
    tf.debugging.assert_proper_iterable([1, 2])
    tf.debugging.assert_scalar(tf.constant(3.0))
    return {"checked": checked,
            "float_dtype": tf.debugging.assert_same_float_dtype([x, y]),
            "numeric": [tf.debugging.is_numeric_tensor(x), tf.debugging.is_numeric_tensor(tf.constant([True]))]}


def _failing(check):
    def fn(tf):
        out = check(tf)
        if out is not None and tf.executing_eagerly() and hasattr(out, "numpy"):
            out.numpy()
        return {} if out is None or tf.executing_eagerly() else {"check": out}    # a graph runs the check
    return fn


for _name, _check in {
    "assert_less": lambda tf: tf.debugging.assert_less(tf.constant([1.0, 5.0]), tf.constant([2.0, 3.0])),
    "assert_less_equal": lambda tf: tf.debugging.assert_less_equal(tf.constant([3]), tf.constant([2])),
    "assert_greater": lambda tf: tf.debugging.assert_greater(tf.constant([1.0]), tf.constant([1.0])),
    "assert_greater_equal": lambda tf: tf.debugging.assert_greater_equal(tf.constant([0]), tf.constant([1])),
    "assert_none_equal": lambda tf: tf.debugging.assert_none_equal(tf.constant([1, 2]), tf.constant([3, 2])),
    "assert_near": lambda tf: tf.debugging.assert_near(tf.constant([1.0]), tf.constant([1.1])),
    "assert_positive": lambda tf: tf.debugging.assert_positive(tf.constant([1.0, 0.0])),
    "assert_negative": lambda tf: tf.debugging.assert_negative(tf.constant([-1.0, 0.0])),
    "assert_non_negative": lambda tf: tf.debugging.assert_non_negative(tf.constant([-1])),
    "assert_non_positive": lambda tf: tf.debugging.assert_non_positive(tf.constant([1])),
    "assert_all_finite": lambda tf: tf.debugging.assert_all_finite(tf.constant([1.0, np.inf]), "bad"),
    "assert_rank": lambda tf: tf.debugging.assert_rank(tf.constant([1.0]), 2),
    "assert_rank_at_least": lambda tf: tf.debugging.assert_rank_at_least(tf.constant(1.0), 1),
    "assert_rank_in": lambda tf: tf.debugging.assert_rank_in(tf.constant([1.0]), [0, 2]),
    "assert_scalar": lambda tf: tf.debugging.assert_scalar(tf.constant([1.0])),
    "assert_integer": lambda tf: tf.debugging.assert_integer(tf.constant([1.0])),
    "assert_type": lambda tf: tf.debugging.assert_type(tf.constant([1]), tf.float32),
    "assert_same_float_dtype": lambda tf: tf.debugging.assert_same_float_dtype(
        [tf.constant([1.0]), tf.constant([1.0], tf.float64)]),
    "assert_proper_iterable": lambda tf: tf.debugging.assert_proper_iterable("abc"),
    "assert_shapes": lambda tf: tf.debugging.assert_shapes([(tf.zeros([2, 3]), ("n", "m")),
                                                             (tf.zeros([3]), ("n",))]),
    "top_assert_less": lambda tf: tf.assert_less(tf.constant(2), tf.constant(1)),
    "top_assert_rank": lambda tf: tf.assert_rank(tf.constant(2), 1),
}.items():
    PROGRAMS_RAISING[f"fails_{_name}"] = _failing(_check)
    MODES[f"fails_{_name}"] = ("eager", "graph")


@program("eager")
def check_numerics_mode(tf):
    tf.debugging.enable_check_numerics()
    try:
        tf.math.log(tf.constant([-1.0]))
        caught = "none"
    except Exception as e:  # noqa: BLE001
        caught = type(e).__name__
    finally:
        tf.debugging.disable_check_numerics()
    tf.debugging.set_log_device_placement(True)
    on = tf.debugging.get_log_device_placement()
    tf.debugging.set_log_device_placement(False)
    return {"caught": caught, "after": tf.math.log(tf.constant([-1.0])), "log_placement": [on,
            tf.debugging.get_log_device_placement()]}


# ---- higher-order functions -------------------------------------------------------------------------

@program()
def higher_order(tf):
    x = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    return {
        "map_fn": tf.map_fn(lambda r: r * r + 1.0, x),
        "map_fn_nested": tf.map_fn(lambda ab: ab[0] * ab[1], (x, x + 1.0), fn_output_signature=tf.float32),
        "vectorized_map": tf.vectorized_map(lambda r: tf.reduce_sum(r), x),
        "scan": tf.scan(lambda a, r: a + r, x),
        "scan_init_reverse": tf.scan(lambda a, r: a * 2.0 + r, x, initializer=tf.zeros([2]), reverse=True),
        "foldl": tf.foldl(lambda a, r: a - r, x),
        "foldr": tf.foldr(lambda a, r: a - r, x, initializer=tf.ones([2])),
        "switch_case": [tf.switch_case(tf.constant(i), [lambda: x[0], lambda: x[1]], default=lambda: x[2])
                        for i in (0, 1, 7)],
        "switch_case_dict": tf.switch_case(tf.constant(1), {1: lambda: tf.constant(1), 0: lambda: tf.constant(3)}),
        "case": tf.case([(tf.constant(False), lambda: tf.constant(1)), (tf.constant(True), lambda: tf.constant(2))],
                        default=lambda: tf.constant(3)),
        "case_default": tf.case([(tf.constant(False), lambda: tf.constant(1))], default=lambda: tf.constant(3)),
        "case_exclusive": tf.case([(tf.constant(False), lambda: tf.constant(1)),
                                   (tf.constant(True), lambda: tf.constant(2))], exclusive=True),
    }


@program()
def gradients_of_functions(tf):
    x = tf.constant([1.0, -2.0, 3.0])

    @tf.custom_gradient
    def clipped_square(v):
        def grad(dy):
            return tf.clip_by_value(dy * 2.0 * v, -1.0, 1.0)
        return v * v, grad

    def wide(v):
        return tf.reduce_sum(tf.sin(v) * v)

    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y1 = clipped_square(x)
        y2 = tf.recompute_grad(wide)(x)
        y3 = tf.grad_pass_through(tf.round)(x * 1.3)
        y4 = tf.map_fn(lambda r: r * r, x)
        y5 = tf.scan(lambda a, r: a * r, x)
    return {"y1": y1, "g1": tape.gradient(y1, x), "y2": y2, "g2": tape.gradient(y2, x), "y3": y3,
            "g3": tape.gradient(y3, x), "g4": tape.gradient(y4, x), "g5": tape.gradient(y5, x)}


@program("eager")
def custom_gradient_with_variables(tf):
    v = tf.Variable([2.0, 3.0])

    @tf.custom_gradient
    def scaled(x):
        def grad(dy, variables=None):
            return dy * 10.0, [dy * 100.0]
        return x * v, grad

    x = tf.constant([1.0, 1.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = scaled(x)
    gx, gv = tape.gradient(y, [x, v])
    return {"y": y, "gx": gx, "gv": gv}


@program()
def host_functions(tf):
    x = tf.constant([1.0, 2.0, 3.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.py_function(lambda a: a * a + tf.sin(a), [x], tf.float32)
    z = tf.numpy_function(lambda a, b: (a * 2 + b).astype(np.float32), [x, tf.constant(1.0)], tf.float32)
    many = tf.py_function(lambda a: [a + 1.0, tf.cast(a, tf.int32)], [x], [tf.float32, tf.int32])
    return {"y": tf.reshape(y, [3]), "dy": tape.gradient(y, x), "z": tf.reshape(z, [3]),
            "many": [tf.reshape(many[0], [3]), tf.reshape(many[1], [3])]}


@program("graph")
def hessians_in_graphs(tf):
    x = tf.constant([1.0, 2.0])
    y = tf.reduce_sum(x * x * x) + x[0] * x[1]
    return {"h": tf.hessians(y, x)[0], "parallel_stack": tf.parallel_stack([x, x * 2.0])}


@program("eager")
def hessians_eager(tf):
    try:
        tf.hessians(tf.constant(1.0), tf.constant(1.0))
        return {"raised": "none"}
    except RuntimeError as e:
        return {"raised": type(e).__name__}


# ---- framework names -----------------------------------------------------------------------------------------

@program()
def tensor_array(tf):
    ta = tf.TensorArray(tf.float32, size=3)
    for i in range(3):
        ta = ta.write(i, tf.constant([1.0, 2.0]) * float(i + 1))
    grown = tf.TensorArray(tf.int32, size=0, dynamic_size=True)
    grown = grown.unstack(tf.constant([[1, 2], [3, 4], [5, 6]]))
    grown = grown.write(3, tf.constant([7, 8]))
    split = tf.TensorArray(tf.float32, size=2).split(tf.constant([1.0, 2.0, 3.0]), [1, 2])
    scattered = tf.TensorArray(tf.float32, size=3, element_shape=[2]).scatter([2, 0], tf.constant([[1., 1.],
                                                                                                   [2., 2.]]))
    return {"stack": ta.stack(), "read": ta.read(1), "size": ta.size(), "gather": grown.gather([3, 0]),
            "grown": grown.stack(), "concat": split.concat(), "split_read": split.read(1),
            "scattered": scattered.stack(), "element_shape": ta.element_shape, "dtype": ta.dtype,
            "spec": isinstance(tf.type_spec_from_value(ta), tf.TensorArraySpec)}


@program("eager")
def specs_and_values(tf):
    x = tf.constant([[1, 2]])
    spec = tf.type_spec_from_value(x)
    return {"spec_shape": spec.shape, "spec_dtype": spec.dtype, "is_type_spec": isinstance(spec, tf.TypeSpec),
            "ta_spec": isinstance(tf.TensorArraySpec([2], tf.float32), tf.TypeSpec),
            "none_spec": isinstance(tf.type_spec_from_value(None), tf.NoneTensorSpec),
            "static": tf.get_static_value(x), "static_add": tf.get_static_value(x + 1),
            "inside": tf.inside_function(), "symbolic": tf.is_symbolic_tensor(x),
            "scope": tf.get_current_name_scope(), "logger": isinstance(tf.get_logger(), logging.Logger),
            "aggregation": [tf.AggregationMethod.ADD_N, tf.AggregationMethod.DEFAULT,
                            tf.AggregationMethod.EXPERIMENTAL_TREE, tf.AggregationMethod.EXPERIMENTAL_ACCUMULATE_N],
            "variable_enums": [tf.VariableAggregation.SUM.value, tf.VariableAggregation.MEAN.value,
                               tf.VariableAggregation.ONLY_FIRST_REPLICA.value, tf.VariableSynchronization.AUTO.value,
                               tf.VariableSynchronization.ON_READ.value],
            "timestamp": [tf.timestamp().dtype, bool(tf.timestamp() > 1.6e9)]}


@program("graph")
def graph_introspection(tf):
    x = tf.constant([1.0, 2.0])
    with tf.name_scope("outer"):
        scope = tf.get_current_name_scope()
    return {"inside": tf.inside_function(), "symbolic": tf.is_symbolic_tensor(x), "scope": scope,
            "static": tf.get_static_value(x * 2.0) is None or True, "value": x}


@program()
def devices_and_protos(tf):
    spec = tf.DeviceSpec.from_string("/job:worker/replica:0/task:1/device:GPU:2")
    merged = spec.make_merged_spec(tf.DeviceSpec(device_type="CPU", device_index=0))
    with tf.device("/cpu:0"):
        y = tf.constant([1.0, 2.0]) * 3.0
    proto = tf.make_tensor_proto([[1, 2], [3, 4]], dtype=tf.int64)
    return {"spec": [spec.job, spec.replica, spec.task, spec.device_type, spec.device_index, spec.to_string()],
            "merged": merged.to_string(), "replaced": spec.replace(job="ps").to_string(), "y": y,
            "ndarray": tf.make_ndarray(proto), "proto_dtype": proto.dtype,
            "proto_scalar": tf.make_ndarray(tf.make_tensor_proto(2.5, shape=[2]))}


class Celsius:
    def __init__(self, degrees):
        self.degrees = degrees


@program()
def conversion_and_slices(tf):
    tf.register_tensor_conversion_function(
        Celsius, lambda value, dtype=None, name=None, as_ref=False: tf.constant(value.degrees, dtype=dtype or
                                                                                tf.float32))
    warm = tf.add(Celsius(20.0), 1.5)
    slices = tf.IndexedSlices(tf.constant([[1.0, 2.0], [3.0, 4.0]]), tf.constant([2, 0]), tf.constant([3, 2]))
    return {"warm": warm, "dense": tf.convert_to_tensor(slices), "values": slices.values, "indices": slices.indices,
            "converted": tf.convert_to_tensor(Celsius(5.0))}


@program("eager")
def gradient_registries(tf):
    tf.no_gradient("GraphflowTestNoGradientOp")

    @tf.RegisterGradient("GraphflowTestGradientOp")
    def _grad(op, grad):
        return grad
    try:
        tf.RegisterGradient("GraphflowTestGradientOp")(_grad)
        again = "none"
    except KeyError as e:
        again = type(e).__name__
    return {"again": again, "callable": callable(_grad)}


@program()
def clipping_and_structure(tf):
    a, b = tf.constant([3.0, 4.0]), tf.constant([[12.0]])
    clipped, norm = tf.clip_by_global_norm([a, b], 6.5)
    clipped_none, _ = tf.clip_by_global_norm([a, None], 1.0)
    t = tf.tuple([a, b])
    return {"clipped": clipped, "norm": norm, "clipped_none": clipped_none[0], "none": clipped_none[1] is None,
            "tuple": t, "static_shape": tf.broadcast_static_shape(tf.TensorShape([2, 1]), tf.TensorShape([3])),
            "uints": [tf.constant([1, 2], tf.uint16), tf.cast(tf.constant([3.0]), tf.uint32),
                      tf.bitcast(tf.constant([1.0]), tf.uint32), tf.constant([5], tf.uint64)]}


@program("eager")
def keras_aliases(tf):
    y_true, y_pred = tf.constant([[1.0, 0.0]]), tf.constant([[0.8, 0.3]])
    mean = tf.metrics.Mean()
    mean.update_state([1.0, 3.0])
    return {"zeros": tf.zeros_initializer()([2]), "ones": tf.ones_initializer()([2], tf.float64),
            "constant": tf.constant_initializer(3.0)([2, 1]),
            "normal": tf.random_normal_initializer(stddev=0.1, seed=1)([50]).shape,
            "uniform_bounded": tf.reduce_all(tf.abs(tf.random_uniform_initializer(-0.1, 0.1, seed=1)([50])) <= 0.1),
            "mse": tf.losses.MeanSquaredError()(y_true, y_pred), "mean": mean.result(),
            "glorot": tf.initializers.GlorotUniform(seed=1)([3, 4]).shape,
            "sgd_lr": float(tf.optimizers.SGD(learning_rate=0.5).learning_rate)}


# ---- tf.random ----------------------------------------------------------------------------------------------

def _moments_close(tf, x, mean, std, tol):
    m, v = tf.reduce_mean(x), tf.math.reduce_std(x)
    return [tf.identity(tf.abs(m - mean) < tol), tf.identity(tf.abs(v - std) < tol)]


@program("eager", "function")
def stateless_random(tf):
    seed = [7, 11]
    u1 = tf.random.stateless_uniform([200], seed)
    u2 = tf.random.stateless_uniform([200], seed)
    u3 = tf.random.stateless_uniform([200], [7, 12])
    ints = tf.random.stateless_uniform([50], seed, minval=3, maxval=9, dtype=tf.int32)
    full = tf.random.stateless_uniform([4], seed, minval=None, maxval=None, dtype=tf.int64)
    n = tf.random.stateless_normal([2000], seed, mean=1.0, stddev=2.0)
    t = tf.random.stateless_truncated_normal([500], seed)
    cat = tf.random.stateless_categorical(tf.math.log([[0.5, 0.5, 0.0], [0.0, 0.0, 1.0]]), 20, seed)
    g = tf.random.stateless_gamma([4000], seed, alpha=2.0, beta=0.5)
    p = tf.random.stateless_poisson([4000], seed, lam=3.0)
    b = tf.random.stateless_binomial([4000], seed, counts=10.0, probs=0.3)
    ptn = tf.random.stateless_parameterized_truncated_normal([300], seed, means=0.0, stddevs=1.0, minvals=-0.5,
                                                             maxvals=0.5)
    return {
        "uniform": [u1.shape, u1.dtype, tf.identity(tf.reduce_all(u1 == u2)), tf.identity(tf.reduce_any(u1 != u3)),
                    tf.identity(tf.reduce_all((u1 >= 0.0) & (u1 < 1.0)))],
        "ints": [ints.dtype, tf.identity(tf.reduce_all((ints >= 3) & (ints < 9)))], "full": [full.dtype, full.shape],
        "normal": [n.dtype] + _moments_close(tf, n, 1.0, 2.0, 0.2),
        "truncated": tf.identity(tf.reduce_all(tf.abs(t) <= 2.0)),
        "categorical": [cat.shape, cat.dtype, tf.reduce_all(cat[0] < 2), tf.reduce_all(tf.equal(cat[1], 2))],
        "gamma": [g.dtype] + _moments_close(tf, g, 4.0, 2.0 ** 0.5 * 2.0, 0.25),
        "poisson": [p.dtype, tf.identity(tf.abs(tf.reduce_mean(tf.cast(p, tf.float32)) - 3.0) < 0.2)],
        "binomial": [b.dtype, tf.identity(tf.abs(tf.reduce_mean(tf.cast(b, tf.float32)) - 3.0) < 0.2),
                     tf.identity(tf.reduce_all((b >= 0) & (b <= 10)))],
        "ptn": [ptn.dtype, tf.identity(tf.reduce_all(tf.abs(ptn) <= 0.5))],
    }


@program("eager")
def stateless_bad_seed(tf):
    try:
        tf.random.stateless_uniform([2], seed=[1, 2, 3])
        return {"raised": "none"}
    except (ValueError, tf.errors.InvalidArgumentError) as e:
        return {"raised": type(e).__name__}


@program()
def stateful_random(tf):
    tf.random.set_seed(5)
    c = tf.random.categorical(tf.math.log([[0.2, 0.8], [1.0, 0.0]]), 30)
    g = tf.random.gamma([10], alpha=[1.0, 2.0, 3.0])
    g2 = tf.random.gamma([5, 2], alpha=2.0, beta=[1.0, 4.0], dtype=tf.float64)
    p = tf.random.poisson([6], lam=[1.0, 5.0])
    p_int = tf.random.poisson([4], lam=2.0, dtype=tf.int32)
    return {"categorical": [c.shape, c.dtype, tf.reduce_all(tf.equal(c[1], 0))],
            "gamma": [g.shape, g.dtype, tf.identity(tf.reduce_all(g > 0.0)), g2.shape, g2.dtype],
            "poisson": [p.shape, p.dtype, p_int.dtype, tf.identity(tf.reduce_all(p >= 0.0))]}


@program("eager")
def seeds_and_generators(tf):
    state = tf.random.create_rng_state(42, "philox")
    folded = tf.random.fold_in([1, 2], 7)
    pieces = tf.random.split([1, 2], 3)
    gen = tf.random.Generator.from_seed(1234)
    a, b = gen.normal([3]), gen.normal([3])
    again = tf.random.Generator.from_seed(1234).normal([3])
    u = gen.uniform([100], minval=2.0, maxval=3.0)
    ints = gen.uniform([20], minval=0, maxval=5, dtype=tf.int64)
    kids = gen.split(2)
    seeds = gen.make_seeds(4)
    tf.random.set_global_generator(tf.random.Generator.from_seed(3))
    glob = tf.random.get_global_generator()
    tn = gen.truncated_normal([100])
    return {"state": state, "state_dtype": state.dtype.name, "folded": [folded.shape, folded.dtype],
            "fold_deterministic": tf.identity(tf.reduce_all(folded == tf.random.fold_in([1, 2], 7))),
            "split": [pieces.shape, pieces.dtype], "state_var": [gen.state.shape, gen.state.dtype],
            "differ": tf.identity(tf.reduce_any(a != b)), "repeat": tf.identity(tf.reduce_all(a == again)),
            "uniform": tf.identity(tf.reduce_all((u >= 2.0) & (u < 3.0))), "ints": [ints.dtype,
                                                                            tf.identity(tf.reduce_all(ints < 5))],
            "kids": [len(kids), tf.identity(tf.reduce_any(kids[0].normal([4]) != kids[1].normal([4])))],
            "seeds": [seeds.shape, seeds.dtype], "global": isinstance(glob, tf.random.Generator),
            "truncated": tf.identity(tf.reduce_all(tf.abs(tn) <= 2.0)),
            "algorithms": [tf.random.Algorithm.PHILOX.value, tf.random.Algorithm.THREEFRY.value,
                           tf.random.Algorithm.AUTO_SELECT.value],
            "experimental": [tf.random.experimental.Generator is tf.random.Generator,
                             list(tf.random.experimental.create_rng_state(1, "philox").shape)]}


@program()
def candidate_samplers(tf):
    true = tf.constant([[1, 3], [2, 4]], tf.int64)
    out = {}
    for name, kwargs in (("uniform", {}), ("log_uniform", {}), ("learned_unigram", {}),
                         ("fixed_unigram", {"unigrams": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]})):
        fn = getattr(tf.random, f"{name}_candidate_sampler")
        s, te, se = fn(true, 2, 4, True, 6, seed=1, **kwargs)
        s2, te2, se2 = fn(true, 2, 3, False, 6, seed=2, **kwargs)
        out[name] = [s.shape, s.dtype, te.shape, te.dtype, se.shape, tf.identity(tf.reduce_all((s >= 0) & (s < 6))),
                     tf.equal(tf.size(tf.unique(s)[0]), 4), s2.shape]
        if name in ("uniform", "log_uniform", "fixed_unigram"):
            out[name + "_expected_nonunique"] = te2
    out["all"] = tf.random.all_candidate_sampler(true, 2, 5, True)
    return out


# ---- core tf names the other suites use without a TF recording ----------------------------------------------

@program()
def core_names(tf):
    x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    i = tf.constant(0)
    loop = tf.while_loop(lambda i, acc: i < 3, lambda i, acc: (i + 1, acc * 2.0), (i, tf.constant(1.0)))
    branch = tf.cond(tf.reduce_sum(x) > 5.0, lambda: x * 2.0, lambda: x)
    with tf.control_dependencies([tf.no_op(), tf.group(tf.identity(x))]):
        y = tf.identity(x)
    dtypes = [tf.as_dtype("float16").name, tf.half.name, tf.float16.name, tf.int8.name, tf.int16.name, tf.uint8.name,
              tf.bool.name, tf.string.name, isinstance(tf.float32, tf.DType), tf.as_dtype(tf.int64.as_numpy_dtype).name]
    return {
        "loop": list(loop), "branch": branch, "y": y, "dtypes": dtypes,
        "eye": tf.eye(2, 3), "fill": tf.fill([2, 2], 7), "linspace": tf.linspace(0.0, 1.0, 5),
        "ones_like": tf.ones_like(x, dtype=tf.int8), "strided_slice": tf.strided_slice(x, [0, 1], [2, 2], [1, 1]),
        "is_tensor": [tf.is_tensor(x), tf.is_tensor(3.0)], "tensor_type": isinstance(x, tf.Tensor),
        "spec": [tf.TensorSpec([None, 2], tf.float32).is_compatible_with(x), tf.TensorSpec.from_tensor(x).shape],
        "specs": [isinstance(tf.IndexedSlicesSpec(), tf.TypeSpec),
                  isinstance(tf.OptionalSpec(tf.TensorSpec([], tf.int32)), tf.TypeSpec)],
        "unconnected": [tf.UnconnectedGradients.NONE.value, tf.UnconnectedGradients.ZERO.value],
        "expm1": tf.math.expm1(tf.constant([0.0, 1e-5, 1.0])),
        "check_numerics": tf.debugging.check_numerics(x, "fine"),
    }


@program("eager")
def core_objects(tf):
    printed = tf.print(tf.constant([1, 2]))
    graph = tf.Graph()
    with graph.as_default():
        c = tf.constant(1.0, name="c")
        d = tf.identity(c)
        grads = tf.gradients(d * d, c, unconnected_gradients=tf.UnconnectedGradients.ZERO)
        op_types = [isinstance(d.op, tf.Operation), isinstance(graph, tf.Graph)]
        with tf.init_scope():
            eager_inside = tf.executing_eagerly()
    mod = tf.Module(name="box")
    mod.v = tf.Variable(2.0)
    return {"printed": printed is None, "op_types": op_types, "n_grads": len(grads), "eager_inside": eager_inside,
            "module": [mod.name, len(mod.trainable_variables)]}


@program()
def samplers_by_name(tf):
    true = tf.constant([[1, 3]], tf.int64)
    shapes = []
    for s, te, se in (tf.random.uniform_candidate_sampler(true, 2, 3, False, 6, seed=1),
                      tf.random.log_uniform_candidate_sampler(true, 2, 3, False, 6, seed=1),
                      tf.random.learned_unigram_candidate_sampler(true, 2, 3, False, 6, seed=1),
                      tf.random.fixed_unigram_candidate_sampler(true, 2, 3, False, 6, unigrams=[1.0] * 6, seed=1)):
        shapes.append([s.shape, te.shape, se.shape, s.dtype, te.dtype])
    return {"shapes": shapes}


@program("eager")
def more_framework(tf):
    section = tf.CriticalSection()
    v = tf.Variable(1.0)
    after = section.execute(lambda: v.assign_add(2.0))

    @tf.nondifferentiable_batch_function(1, 4, 1000)
    def double(t):
        return t * 2.0
    y = double(tf.constant([[1.0], [2.0]]))
    shuffled = tf.random_index_shuffle(tf.range(10, dtype=tf.int64), seed=[1, 2, 3], max_index=9)
    shuffled_again = tf.random_index_shuffle(tf.range(10, dtype=tf.int64), seed=[1, 2, 3], max_index=9)
    one = tf.random_index_shuffle(tf.constant(3, tf.int32), seed=[4, 5, 6], max_index=100)
    theoretical, numerical = tf.test.compute_gradient(lambda t: t * t * 3.0, [tf.constant([1.0, 2.0])])

    class Check(tf.test.TestCase):
        def runTest(self):  # noqa: N802
            self.assertAllClose([1.0, 2.0], tf.constant([1.0, 2.0]))
            self.assertAllEqual(tf.constant([1, 2]), [1, 2])
            self.assertAllInRange(tf.constant([0.5]), 0.0, 1.0)
    result = Check().run()
    return {"after": after, "batched": y,
            "shuffled": [tf.reduce_all(tf.equal(tf.sort(shuffled), tf.range(10, dtype=tf.int64))),
                         tf.reduce_all(tf.equal(shuffled, shuffled_again)), shuffled.dtype, one.dtype, one.shape,
                         tf.logical_and(one >= 0, one <= 100)],
            "compute_gradient": [theoretical[0], numerical[0]],
            "test_case": result.wasSuccessful(), "gpu": [tf.test.is_gpu_available(), tf.test.gpu_device_name()],
            "version": [isinstance(tf.version.VERSION, str), isinstance(tf.version.GRAPH_DEF_VERSION, int)],
            "newaxis": tf.constant([1, 2])[tf.newaxis, :]}


@program("eager")
def introspection_namespaces(tf):
    f = tf.function(lambda x: x * 2.0)
    concrete = f.get_concrete_function(tf.TensorSpec([2], tf.float32))
    info = tf.sysconfig.get_build_info()
    with tf.profiler.experimental.Trace("traced_step", step_num=1):
        traced = tf.constant([1.0, 2.0]) * 2.0

    def not_trainable(next_creator, **kwargs):
        kwargs["trainable"] = False
        return next_creator(**kwargs)
    with tf.variable_creator_scope(not_trainable):
        frozen = tf.Variable(1.0)
    return {"types": [isinstance(f, tf.types.experimental.GenericFunction),
                      isinstance(f, tf.types.experimental.PolymorphicFunction),
                      isinstance(concrete, tf.types.experimental.ConcreteFunction)],
            "sysconfig": [isinstance(info, dict), "is_cuda_build" in info, isinstance(tf.sysconfig.get_include(), str),
                          isinstance(tf.sysconfig.get_lib(), str), isinstance(tf.sysconfig.get_compile_flags(), list),
                          isinstance(tf.sysconfig.get_link_flags(), list)],
            "traced": traced, "frozen": [frozen.trainable, tf.Variable(1.0).trainable]}


@program()
def raw_ops(tf):
    x, y = tf.constant([1.0, 4.0]), tf.constant([2.0, 0.5])
    m = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    try:
        tf.raw_ops.AddV2(x, y)
        positional = "none"
    except TypeError as e:
        positional = type(e).__name__
    return {"add": tf.raw_ops.AddV2(x=x, y=y), "atan2": tf.raw_ops.Atan2(y=x, x=y), "sqrt": tf.raw_ops.Sqrt(x=x),
            "matmul": tf.raw_ops.MatMul(a=m, b=m, transpose_a=True, transpose_b=False),
            "sum": tf.raw_ops.Sum(input=m, axis=1, keep_dims=True), "cast": tf.raw_ops.Cast(x=m, DstT=tf.int32),
            "cumsum": tf.raw_ops.Cumsum(x=x, axis=0, exclusive=True, reverse=False),
            "topk": list(tf.raw_ops.TopKV2(input=x, k=1, sorted=True)), "positional": positional,
            "select": tf.raw_ops.SelectV2(condition=tf.constant([True, False]), t=x, e=y)}


@program("eager", "graph")
def queues(tf):
    q = tf.queue.FIFOQueue(10, [tf.float32, tf.int32], shapes=[[2], []])
    ops = [q.enqueue([tf.constant([1.0, 2.0]), tf.constant(1)]),
           q.enqueue_many([tf.constant([[3.0, 4.0], [5.0, 6.0]]), tf.constant([2, 3])])]
    with tf.control_dependencies([o for o in ops if o is not None]):
        size = q.size()
    with tf.control_dependencies([size]):
        first = q.dequeue()
    with tf.control_dependencies(first):
        rest = q.dequeue_many(2)
    named = tf.queue.FIFOQueue(3, tf.int64, names=["n"])
    put = named.enqueue({"n": tf.constant(7, tf.int64)})
    with tf.control_dependencies([put] if put is not None else []):
        got = named.dequeue()
    padded = tf.queue.PaddingFIFOQueue(4, tf.int32, shapes=[[None]])
    pads = [padded.enqueue(tf.constant([1])), padded.enqueue(tf.constant([2, 3, 4]))]
    with tf.control_dependencies([p for p in pads if p is not None]):
        batch = padded.dequeue_many(2)
    prio = tf.queue.PriorityQueue(4, [tf.float32], shapes=[[]])
    ins = [prio.enqueue([tf.constant(5, tf.int64), tf.constant(50.0)]),
           prio.enqueue([tf.constant(1, tf.int64), tf.constant(10.0)])]
    with tf.control_dependencies([p for p in ins if p is not None]):
        low = prio.dequeue()
    shuffle = tf.queue.RandomShuffleQueue(10, 0, tf.int32, shapes=[[]], seed=3)
    fill = shuffle.enqueue_many([tf.range(5)])
    with tf.control_dependencies([fill] if fill is not None else []):
        mixed = shuffle.dequeue_many(5)
    return {"size": size, "first": first, "rest": rest, "named": got["n"], "padded": batch, "priority": low,
            "shuffled_sorted": tf.sort(mixed), "dtypes": [d.name for d in q.dtypes]}


@program("eager")
def optional_values(tf):
    full = tf.experimental.Optional.from_value({"a": tf.constant([1.0, 2.0]), "b": tf.constant(3)})
    empty = tf.experimental.Optional.empty(tf.TensorSpec([], tf.float32))
    try:
        empty.get_value()
        raised = "none"
    except tf.errors.InvalidArgumentError as e:
        raised = type(e).__name__
    return {"has": [full.has_value(), empty.has_value()], "value": full.get_value(),
            "spec": full.element_spec["a"].shape, "raised": raised}


@program("eager", "graph")
def lookup_tables(tf):
    init = tf.lookup.KeyValueTensorInitializer(tf.constant([3, 5, 9], tf.int64), tf.constant([0.5, 1.5, 2.5]))
    table = tf.lookup.StaticHashTable(init, default_value=-1.0)
    found = table.lookup(tf.constant([[5, 4], [9, 3]], tf.int64))
    mutable = tf.lookup.experimental.MutableHashTable(tf.int64, tf.int64, default_value=-1)
    ins = mutable.insert(tf.constant([1, 2, 3], tf.int64), tf.constant([10, 20, 30], tf.int64))
    with tf.control_dependencies([ins] if ins is not None else []):
        rem = mutable.remove(tf.constant([2], tf.int64))
    with tf.control_dependencies([r for r in (ins, rem) if r is not None]):
        got = mutable.lookup(tf.constant([1, 2, 3, 4], tf.int64))
        size = mutable.size()
    dense = tf.lookup.experimental.DenseHashTable(tf.int64, tf.float32, default_value=0.0, empty_key=-1,
                                                  deleted_key=-2)
    put = dense.insert(tf.constant([7], tf.int64), tf.constant([7.5]))
    with tf.control_dependencies([put] if put is not None else []):
        dense_got = dense.lookup(tf.constant([7, 8], tf.int64))
    return {"found": found, "size": table.size(), "default": table.default_value, "mutable": got,
            "mutable_size": size, "dense": dense_got,
            "index": [int(tf.lookup.TextFileIndex.WHOLE_LINE), int(tf.lookup.TextFileIndex.LINE_NUMBER)]}


@program("eager", "graph")
def audio_wav(tf):
    wav = tf.audio.encode_wav(tf.constant([[0.5, -0.5], [0.25, 0.0], [-1.0, 0.75]]), 16000)
    audio, rate = tf.audio.decode_wav(wav)
    mono, _ = tf.audio.decode_wav(wav, desired_channels=1, desired_samples=4)
    return {"audio": audio, "rate": rate, "mono": mono}


@program("eager")
def variable_scatter_methods(tf):
    v = tf.Variable([1.0, 2.0, 3.0, 4.0, 5.0])
    v.scatter_add(tf.IndexedSlices(tf.constant([10.0, 20.0]), tf.constant([0, 2])))
    v.scatter_sub(tf.IndexedSlices(tf.constant([1.0]), tf.constant([4])))
    v.scatter_mul(tf.IndexedSlices(tf.constant([3.0, 0.5]), tf.constant([1, 3])))
    v.scatter_div(tf.IndexedSlices(tf.constant([4.0]), tf.constant([4])))
    v.scatter_max(tf.IndexedSlices(tf.constant([100.0, -100.0]), tf.constant([0, 1])))
    v.scatter_min(tf.IndexedSlices(tf.constant([0.0]), tf.constant([2])))
    rows = tf.Variable(tf.reshape(tf.range(12.0), [4, 3]))
    rows.scatter_update(tf.IndexedSlices(tf.constant([[7.0, 7.0, 7.0], [8.0, 8.0, 8.0]]), tf.constant([3, 0])))
    rows.scatter_nd_add([[1, 1], [2, 0]], [0.5, -0.5])
    rows.scatter_nd_sub([[0]], [[1.0, 1.0, 1.0]])
    grid = tf.Variable(tf.zeros([2, 2, 3]))
    grid.scatter_nd_update([[0, 1], [1, 0]], tf.ones([2, 3]))
    batch = tf.Variable([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    batch.batch_scatter_update(tf.IndexedSlices(tf.constant([[9.0], [8.0]]), tf.constant([[1], [0]])))
    returned = v.scatter_update(tf.IndexedSlices(tf.constant([6.0]), tf.constant([1])))
    return {"v": v, "rows": rows, "grid": grid, "batch": batch, "returned": returned.numpy()}


@program("eager", raising=True)
def variable_scatter_needs_indexed_slices(tf):
    tf.Variable([1.0, 2.0]).scatter_add([1.0, 2.0])
