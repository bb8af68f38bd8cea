"""Variable reads and assigns, static reshapes and weight updates run as compiled steps: a Keras
fit step's plan runs no reference kernel, and the errors stay those of the reference kernels."""
import numpy as np
import pytest

import graphflow as gf

from .compiled import op_types, run_both

v1 = gf.compat.v1


@pytest.fixture(autouse=True)
def compile_at_once(monkeypatch):
    monkeypatch.setenv("GRAPHFLOW_JIT_AFTER", "1")


def test_a_keras_fit_step_runs_no_reference_kernel():
    keras = gf.keras
    rng = np.random.default_rng(0)
    x = rng.standard_normal((16, 4, 4)).astype(np.float32)
    y = rng.integers(0, 3, 16).astype(np.int32)
    model = keras.Sequential([keras.Input((4, 4)), keras.layers.Flatten(), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dense(3)])
    model.compile(keras.optimizers.SGD(0.1), keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    history = model.fit(x, y, batch_size=16, epochs=3, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    step = model.train_function.functions[2]
    ex = step.get_concrete_function(gf.constant(x), gf.constant(y)).graph.plan().executable()
    assert [op.type for op, lowered in ex.steps if lowered is None] == []


def test_reading_an_uninitialised_variable_names_the_variable_and_the_op():
    g = gf.Graph()
    with g.as_default():
        w = gf.Variable(np.ones((2, 2), np.float32), name="w")
        y = gf.matmul(w, w)
    sess = v1.Session(graph=g)
    with pytest.raises(gf.errors.FailedPreconditionError, match=r"uninitialized value w(.|\n)*node"):
        sess.run(y)
    sess.run(w.initializer)
    np.testing.assert_array_equal(sess.run(y), np.full((2, 2), 2, np.float32))


def test_assign_then_read_sees_the_new_value_and_a_static_reshape_is_a_view():
    g = gf.Graph()
    with g.as_default():
        x = v1.placeholder(gf.float32, [2, 3])
        v = gf.Variable(np.zeros((3, 2), np.float32))
        assign = v.assign(gf.reshape(x * 2.0, [3, 2]))
        with gf.control_dependencies([assign]):
            out = gf.reshape(v.read_value() + 1.0, [6])
        init = v1.global_variables_initializer()
    sess = v1.Session(graph=g)
    sess.run(init)
    feed = np.arange(6, dtype=np.float32).reshape(2, 3)
    np.testing.assert_array_equal(sess.run(out, {x: feed}), feed.reshape(6) * 2 + 1)
    got, want, plan = run_both([out], [x], [feed])
    np.testing.assert_array_equal(got[0], want[0])
    assert "Reshape" in op_types(plan) and "ReadVariableOp" in op_types(plan)
    lowered = {op.type for op, step in plan.executable().steps if step is not None}
    assert {"Reshape", "ReadVariableOp", "AssignVariableOp"} <= lowered


def test_an_sgd_weight_update_becomes_one_inplace_gemm_update_op():
    rng = np.random.default_rng(1)
    g = gf.Graph()
    with g.as_default():
        x = v1.placeholder(gf.float32, [8, 256])
        w = gf.Variable((rng.standard_normal((256, 256)) * 0.05).astype(np.float32))
        loss = gf.reduce_sum(gf.matmul(x, w))
        train = v1.train.GradientDescentOptimizer(0.1).minimize(loss)
        init = v1.global_variables_initializer()
    sess = v1.Session(graph=g)
    sess.run(init)
    feed = {x: rng.standard_normal((8, 256)).astype(np.float32)}
    before = sess.run(w)
    sess.run(train, feed)
    np.testing.assert_allclose(sess.run(w), before - 0.1 * feed[x].T @ np.ones((8, 256), np.float32),
                               rtol=1e-5, atol=1e-5)
    plan = next(p for p in sess._plans.values() if any(f is train for f in getattr(p, "fetch_ops", ())))
    assert "InplaceGemmUpdate" in [op.type for op in plan.executable().program.operations]
