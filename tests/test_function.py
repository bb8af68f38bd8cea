"""gf.function: tracing and its cache, methods, captures, side effects, concrete functions,
nested calls, gradients, and the errors TensorFlow gives (expected values checked against TF 2.21)."""
import collections
import functools
import logging
import sys

import numpy as np
import pytest

import graphflow as gf


@pytest.fixture(autouse=True)
def functions_traced():
    gf.config.run_functions_eagerly(False)
    yield
    gf.config.run_functions_eagerly(False)


def traced(fn, **kwargs):
    """A gf.function plus a list recording each trace (Python side effects run only when tracing)."""
    traces = []

    @functools.wraps(fn)
    def body(*args, **kw):
        traces.append(1)
        return fn(*args, **kw)
    return gf.function(body, **kwargs), traces


# ---- tracing and the cache -------------------------------------------------------------------------------

def test_same_shapes_and_dtypes_reuse_the_trace():
    f = gf.function(lambda x, y: x * 2.0 + y)
    assert np.allclose(f(gf.constant([1.0, 2.0]), gf.constant(1.0)), [3.0, 5.0])
    assert np.allclose(f(gf.constant([3.0, 2.0]), gf.constant(0.0)), [6.0, 4.0])
    assert f.experimental_get_tracing_count() == 1


def test_a_new_shape_or_dtype_retraces():
    f = gf.function(lambda x: x + x)
    f(gf.constant([1.0]))
    f(gf.constant([1.0, 2.0]))
    f(gf.constant([1.0, 2.0], gf.float64))
    assert f.experimental_get_tracing_count() == 3


def test_python_values_are_part_of_the_key():
    f, traces = traced(lambda x, n: x * n)
    assert float(f(gf.constant(2.0), 3)) == 6.0
    assert float(f(gf.constant(2.0), 3)) == 6.0
    assert float(f(gf.constant(2.0), 4)) == 8.0
    assert len(traces) == 2


def test_python_if_on_a_python_value_unrolls_at_trace_time():
    @gf.function
    def f(x, training):
        if training:
            return x * 0.5
        return x
    assert float(f(gf.constant(4.0), True)) == 2.0
    assert float(f(gf.constant(4.0), False)) == 4.0
    assert f.experimental_get_tracing_count() == 2


def test_keyword_positional_and_default_arguments_share_a_trace():
    f, traces = traced(lambda x, y=2.0: x * y)
    x = gf.constant(3.0)
    values = [float(f(x)), float(f(x, 2.0)), float(f(x, y=2.0)), float(f(x=x))]
    assert values == [6.0] * 4 and len(traces) == 1


def test_numpy_arrays_are_keyed_like_tensors():
    f, traces = traced(lambda x: x * 2)
    f(np.ones(3, np.float32))
    out = f(np.zeros(3, np.float32))
    assert isinstance(out, gf.EagerTensor) and len(traces) == 1
    f(np.ones(4, np.float32))
    assert len(traces) == 2


def test_nested_arguments_are_flattened():
    Pair = collections.namedtuple("Pair", "a b")
    f = gf.function(lambda d: d["x"][0] * d["x"][1] + d["p"].a - d["p"].b)
    args = {"x": [gf.constant(2.0), gf.constant(3.0)], "p": Pair(gf.constant(1.0), 0.5)}
    assert float(f(args)) == 6.5
    assert f.experimental_get_tracing_count() == 1


def test_unhashable_python_arguments_are_a_type_error():
    class Unhashable:
        __hash__ = None
    with pytest.raises(TypeError, match="Could not generate a generic TraceType"):
        gf.function(lambda a: 1.0)(Unhashable())


def test_input_signature_with_none_dims_traces_once():
    f, traces = traced(lambda x: x * 2, input_signature=[gf.TensorSpec([None], gf.float32)])
    assert np.allclose(f(gf.constant([1.0, 2.0])), [2.0, 4.0])
    assert np.allclose(f(gf.constant([1.0, 2.0, 3.0])), [2.0, 4.0, 6.0])
    assert np.allclose(f([1.0, 2.0]), [2.0, 4.0])               # converted to the spec's dtype
    assert np.allclose(f(np.array([1.0, 2.0])), [2.0, 4.0])     # float64 numpy: cast like TF
    assert len(traces) == 1 and f.experimental_get_tracing_count() == 1


@pytest.mark.parametrize("arg", [gf.constant([1, 2]), gf.constant([[1.0, 2.0]]), 1.0],
                         ids=["wrong dtype", "wrong rank", "scalar"])
def test_input_signature_rejects_incompatible_arguments(arg):
    f = gf.function(lambda x: x, input_signature=[gf.TensorSpec([None], gf.float32)])
    with pytest.raises(TypeError, match=r"Binding inputs to tf.function failed due to `Can not cast TensorSpec"):
        f(arg)


def test_input_signature_rejects_extra_arguments():
    f = gf.function(lambda x: x, input_signature=[gf.TensorSpec([None], gf.float32)])
    with pytest.raises(TypeError, match="too many positional arguments"):
        f(gf.constant([1.0]), gf.constant([1.0]))


def test_reduce_retracing_generalises_shapes_like_tensorflow():
    f = gf.function(lambda x: x * 2, reduce_retracing=True)
    counts = []
    for shape in ([2], [3], [4], [5], [2, 2], [3, 3]):
        f(gf.ones(shape))
        counts.append(f.experimental_get_tracing_count())
    assert counts == [1, 2, 2, 2, 3, 3]         # TensorFlow 2.21 gives the same counts
    shapes = [c.inputs[0].shape for c in f._list_all_concrete_functions()]
    assert [s.dims for s in shapes] == [(2,), (None,), None]


def test_frequent_retracing_logs_tensorflows_warning(caplog):
    f = gf.function(lambda x: x + 1)
    with caplog.at_level(logging.WARNING, logger="graphflow"):
        for i in range(6):
            f(gf.ones([i + 1]))
    messages = [r.getMessage() for r in caplog.records]
    assert any("5 out of the last 5 calls to" in m and "triggered tf.function retracing" in m for m in messages)


def test_no_retracing_warning_for_calls_that_hit_the_cache(caplog):
    f = gf.function(lambda x: x + 1)
    with caplog.at_level(logging.WARNING, logger="graphflow"):
        for _ in range(20):
            f(gf.ones([2]))
    assert not caplog.records


# ---- methods and closures ---------------------------------------------------------------------------------

class Scaler:
    def __init__(self, k):
        self.k = k

    @gf.function
    def scale(self, x):
        return x * self.k


def test_methods_get_one_function_per_instance():
    a, b = Scaler(2.0), Scaler(3.0)
    assert float(a.scale(gf.constant(1.0))) == 2.0
    assert float(b.scale(gf.constant(1.0))) == 3.0
    assert float(a.scale(gf.constant(2.0))) == 4.0
    assert a.scale is a.scale
    assert a.scale.experimental_get_tracing_count() == 1
    assert b.scale.experimental_get_tracing_count() == 1
    assert Scaler.scale.experimental_get_tracing_count() == 0


def test_closures_read_the_current_value_of_variables():
    v = gf.Variable(2.0)
    f = gf.function(lambda x: x * v)
    assert float(f(gf.constant(3.0))) == 6.0
    v.assign(5.0)
    assert float(f(gf.constant(3.0))) == 15.0
    assert f.experimental_get_tracing_count() == 1


def test_assign_inside_a_function_updates_the_real_variable():
    v = gf.Variable(1.0)

    @gf.function
    def bump(x):
        v.assign_add(x)
    bump(gf.constant(2.0))
    bump(gf.constant(2.0))
    assert v.numpy() == 5.0


def test_eager_tensors_are_captured_by_their_value_at_trace_time():
    c = gf.constant(1.0)
    f = gf.function(lambda: c + 1)
    assert float(f()) == 2.0
    c = gf.constant(5.0)   # rebinding the name does not change the captured value (as in TF)
    assert float(f()) == 2.0
    assert f.get_concrete_function().captured_inputs[0].numpy() == 1.0


def test_variables_passed_as_arguments_are_captured_by_identity():
    v, w = gf.Variable(1.0), gf.Variable(2.0)
    f = gf.function(lambda var: var * 2.0)
    assert float(f(v)) == 2.0 and float(f(w)) == 4.0
    w.assign(3.0)
    assert float(f(w)) == 6.0
    assert f.experimental_get_tracing_count() == 2     # TF shares one trace between same-shaped variables


def test_variables_are_created_on_the_first_trace_only():
    class Counter:
        def __init__(self):
            self.v = None

        @gf.function
        def __call__(self, x):
            if self.v is None:
                self.v = gf.Variable(0.0)
            self.v.assign_add(x)
            return self.v.read_value()
    c = Counter()
    assert float(c(gf.constant(1.0))) == 1.0
    assert float(c(gf.constant(2.0))) == 3.0


def test_creating_a_variable_on_every_trace_is_an_error():
    @gf.function
    def f(x):
        return gf.Variable(1.0) + x
    with pytest.raises(ValueError, match="only supports singleton tf.Variables created on the first call"):
        f(gf.constant(1.0))


# ---- side effects -------------------------------------------------------------------------------------------

def test_assigns_and_prints_run_in_program_order(capsys):
    v = gf.Variable(1.0)

    @gf.function
    def f():
        gf.print("a", v, output_stream=sys.stdout)
        v.assign(5.0)
        gf.print("b", v, output_stream=sys.stdout)
        v.assign_add(1.0)
        return v.read_value()
    assert float(f()) == 6.0
    assert float(f()) == 6.0
    lines = capsys.readouterr().out.split()
    assert lines[0::2] == ["a", "b", "a", "b"]
    assert [float(x) for x in lines[1::2]] == [1.0, 5.0, 6.0, 5.0]


def test_python_side_effects_happen_only_while_tracing(capsys):
    @gf.function
    def f(x):
        print("tracing")
        gf.print("running", output_stream=sys.stdout)
        return x
    f(gf.constant(1.0))
    f(gf.constant(2.0))
    assert capsys.readouterr().out.split("\n")[:3] == ["tracing", "running", "running"]


def test_run_functions_eagerly_runs_the_python_body(capsys):
    @gf.function
    def f(x):
        print("eager" if gf.executing_eagerly() else "graph")
        return x
    gf.config.run_functions_eagerly(True)
    assert gf.config.functions_run_eagerly()
    f(gf.constant(1.0))
    f(gf.constant(1.0))
    gf.config.run_functions_eagerly(False)
    f(gf.constant(1.0))
    f(gf.constant(1.0))
    assert capsys.readouterr().out.split() == ["eager", "eager", "graph"]


def test_failed_assertions_raise_at_call_time():
    @gf.function
    def f(x):
        gf.debugging.assert_equal(x, 1.0)
        return x
    f(gf.constant(1.0))
    with pytest.raises(gf.errors.InvalidArgumentError):
        f(gf.constant(2.0))


# ---- outputs and concrete functions ------------------------------------------------------------------------

def test_outputs_keep_their_structure_and_become_tensors():
    @gf.function
    def f(x):
        return {"a": x, "b": [1, None, (x + 1, "s")], "c": np.ones(2)}
    out = f(gf.constant(1.0))
    assert float(out["a"]) == 1.0 and out["b"][1] is None and out["b"][2][1] == "s"
    assert isinstance(out["b"][0], gf.EagerTensor) and out["b"][0].dtype == gf.int32
    assert out["c"].dtype == gf.float64
    assert isinstance(out["b"][2], tuple)


def test_returning_a_variable_returns_its_value():
    v = gf.Variable(3.0)
    out = gf.function(lambda: v)()
    assert isinstance(out, gf.EagerTensor) and float(out) == 3.0


def test_get_concrete_function_exposes_graph_inputs_and_outputs():
    @gf.function
    def f(x, y=1):
        return {"s": x + y, "n": None}
    cf = f.get_concrete_function(gf.TensorSpec([None, 2], gf.float32))
    assert f.experimental_get_tracing_count() == 1
    assert [t.shape.as_list() for t in cf.inputs] == [[None, 2]]
    assert cf.outputs[0].shape.as_list() == [None, 2]
    assert cf.structured_outputs["n"] is None
    assert isinstance(cf.graph, gf.Graph) and cf.graph.building_function
    assert cf.structured_input_signature == ((gf.TensorSpec([None, 2], gf.float32, "x"), 1), {})
    assert np.allclose(cf(gf.ones([3, 2]))["s"], 2.0)
    f(gf.ones([5, 2]))                       # the None-dim trace serves this call
    assert f.experimental_get_tracing_count() == 1
    with pytest.raises(TypeError, match="Can not cast"):
        cf(gf.ones([3, 3]))


def test_concrete_function_inputs_include_captures():
    c = gf.constant(5.0)
    cf = gf.function(lambda x: x + c).get_concrete_function(gf.constant(1.0))
    assert len(cf.inputs) == 2 and cf.captured_inputs[0] is c


def test_returning_an_operation_is_a_type_error():
    @gf.function
    def f():
        return gf.no_op()
    with pytest.raises(TypeError, match="found return value of type Operation"):
        f()


# ---- nested functions and graph mode ------------------------------------------------------------------------

def test_nested_functions_are_inlined_and_traced_once_per_signature():
    @gf.function
    def inner(x):
        return x + 1

    @gf.function
    def outer(x):
        return inner(x) * inner(x)
    assert float(outer(gf.constant(1.0))) == 4.0
    assert (inner.experimental_get_tracing_count(), outer.experimental_get_tracing_count()) == (1, 1)
    assert float(inner(gf.constant(1.0))) == 2.0                 # the inner trace is reused eagerly
    assert inner.experimental_get_tracing_count() == 1
    types = [op.type for op in outer.get_concrete_function(gf.constant(1.0)).graph.get_operations()]
    assert types.count("Add") == 2 and "Mul" in types


def test_calling_a_function_in_a_tf1_graph_inlines_it_with_its_side_effects():
    v_holder = []

    @gf.function
    def step(x):
        v_holder[0].assign_add(x)
        return v_holder[0] * 2.0
    graph = gf.Graph()
    with graph.as_default():
        v_holder.append(gf.Variable(1.0))
        p = gf.compat.v1.placeholder(gf.float32, [])
        out = step(p)
        with gf.compat.v1.Session() as sess:
            sess.run(gf.compat.v1.global_variables_initializer())
            assert sess.run(out, {p: 2.0}) == 6.0
            assert sess.run(out, {p: 2.0}) == 10.0


# ---- gradients ----------------------------------------------------------------------------------------------

def _mlp_loss(x, w, b):
    return gf.reduce_mean(gf.square(gf.nn.relu(gf.matmul(x, w) + b)))


def test_gradient_tape_inside_a_function_matches_eager():
    rng = np.random.RandomState(0)
    w = gf.Variable(rng.randn(3, 2).astype(np.float32))
    b = gf.Variable(np.zeros(2, np.float32))
    x = gf.constant(rng.randn(4, 3).astype(np.float32))

    def grads(x):
        with gf.GradientTape() as tape:
            loss = _mlp_loss(x, w, b)
        return tape.gradient(loss, [w, b])
    eager = grads(x)
    traced_grads = gf.function(grads)(x)
    for e, t in zip(eager, traced_grads):
        np.testing.assert_allclose(t.numpy(), e.numpy(), rtol=1e-6)


def test_gradient_tape_around_a_function_call_reaches_inputs_and_variables():
    rng = np.random.RandomState(1)
    w = gf.Variable(rng.randn(3, 2).astype(np.float32))
    b = gf.Variable(np.ones(2, np.float32))
    x = gf.constant(rng.randn(4, 3).astype(np.float32))
    f = gf.function(_mlp_loss)
    with gf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        traced_loss = f(x, w, b)
        eager_loss = _mlp_loss(x, w, b)
    for source in (x, w, b):
        np.testing.assert_allclose(tape.gradient(traced_loss, source).numpy(),
                                   tape.gradient(eager_loss, source).numpy(), rtol=1e-6)


def test_gradients_through_a_function_use_the_random_values_of_the_forward_run():
    gf.random.set_seed(3)
    x = gf.constant(np.linspace(1.0, 2.0, 64, dtype=np.float32))
    f = gf.function(lambda x: gf.nn.dropout(x * 3.0, rate=0.5))
    with gf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    kept = y.numpy() != 0
    assert 0 < kept.sum() < 64
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), np.where(kept, 6.0, 0.0))


def test_a_function_that_assigns_then_reads_differentiates_the_value_it_read():
    w = gf.Variable([[1.0, 2.0], [3.0, 4.0]])
    x = gf.constant([[1.0, 1.0]])

    @gf.function
    def f(x):
        w.assign(w * 2.0)
        return gf.reduce_sum(gf.matmul(x, w))
    with gf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    dw, dx = tape.gradient(y, [w, x])
    assert float(y) == 20.0
    np.testing.assert_allclose(dw.numpy(), np.ones((2, 2)))
    np.testing.assert_allclose(dx.numpy(), [[6.0, 14.0]])


# ---- errors ----------------------------------------------------------------------------------------------------

def test_shape_errors_while_tracing_name_the_users_line():
    @gf.function
    def f(x):
        return gf.reshape(x, [3])   # the line the error must name
    with pytest.raises(ValueError, match=r"Reshape.*test_function\.py:\d+"):
        f(gf.ones([2]))


def test_python_if_on_a_tensor_without_autograph_points_to_gf_cond():
    @gf.function(autograph=False)
    def f(x):
        if x > 0:
            return x
        return -x
    with pytest.raises(TypeError, match="use gf.cond"):
        f(gf.constant(1.0))


# ---- configuration -------------------------------------------------------------------------------------------

def test_optimizer_options_default_on_and_can_be_switched():
    opts = gf.config.optimizer.get_experimental_options()
    for name in ("constant_folding", "arithmetic_optimization", "common_subexpression_elimination", "remapping",
                 "fusion", "memory_optimization", "dependency_optimization"):
        assert opts[name] is True
    try:
        gf.config.optimizer.set_experimental_options({"constant_folding": False})
        assert gf.config.optimizer.get_experimental_options()["constant_folding"] is False
        f = gf.function(lambda x: x + gf.constant(1.0) * 2.0)
        assert float(f(gf.constant(1.0))) == 3.0
    finally:
        gf.config.optimizer.reset()
    assert gf.config.optimizer.get_experimental_options()["constant_folding"] is True


def test_a_function_explains_its_compiled_form():
    f = gf.function(lambda x: gf.tanh(x * 2.0) + 1.0)
    report = str(f.explain(gf.constant(np.ones(8, np.float32))))
    assert "Tanh" in report and "fus" in report.lower()
