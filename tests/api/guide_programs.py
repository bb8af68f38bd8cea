"""Whole programs in the style of TensorFlow's guides (tensors, variables, autodiff, tf.function,
modules and checkpoints, ragged and sparse tensors, tf.data, training loops, custom fit), written
against a `tf` module argument so that TensorFlow (tools/tfref/record_guide_programs.py) and graphflow
(tests/api/test_guide_programs.py) run the very same source.

Each program is what a new user types after reading one guide: it returns a dict of outputs that
programs.encode can describe (tensors, nested lists of them, plain Python values). Programs run
eagerly and use tf.function themselves where the guide does; nothing random is returned except
what a seeded op promises to repeat.
"""
from __future__ import annotations

import os
import tempfile

import numpy as np

GUIDE_PROGRAMS = {}


def guide(fn):
    GUIDE_PROGRAMS[fn.__name__] = fn
    return fn


def _error_name(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001  (the class is what the guide shows)
        return type(e).__name__
    return "none"


# ---- Introduction to Tensors --------------------------------------------------------------------------

@guide
def tensors_intro(tf):
    rank_2 = tf.constant([[1, 2], [3, 4], [5, 6]], dtype=tf.float16)
    rank_3 = tf.reshape(tf.range(24), [2, 3, 4])
    a = tf.constant([[1, 2], [3, 4]])
    b = tf.ones([2, 2], dtype=tf.int32)
    c = tf.constant([[4.0, 5.0], [10.0, 1.0]])
    x = tf.constant([[1], [2], [3]])
    y = tf.range(1, 5)
    the_f64 = tf.constant([2.2, 3.3, 4.4], dtype=tf.float64)
    the_u8 = tf.cast(tf.cast(the_f64, dtype=tf.float16), dtype=tf.uint8)
    rank_4 = tf.zeros([3, 2, 4, 5])
    strings = tf.constant(["Gray wolf", "Quick brown fox", "Lazy dog"])
    return {
        "rank_2": rank_2, "np": np.array(rank_2.numpy().tolist()).sum(),
        "add": tf.add(a, b), "mul": a * b, "matmul": a @ b,
        "max": tf.reduce_max(c), "argmax": tf.math.argmax(c), "softmax": tf.nn.softmax(c),
        "convert": tf.convert_to_tensor([1, 2, 3]), "reduce_py": tf.reduce_max([1, 2, 3]),
        "shape": [rank_4.dtype, rank_4.ndim, rank_4.shape, rank_4.shape[0], rank_4.shape[-1],
                  int(tf.size(rank_4).numpy()), tf.rank(rank_4), tf.shape(rank_4)],
        "index": [rank_3[1, 2, 3], rank_3[:, :, 2], rank_3[..., 1:3:2], rank_3[0, ::-1], rank_3[1][1]],
        "reshape": [tf.reshape(rank_3, [-1]), tf.reshape(rank_3, [2 * 3, 4]), tf.transpose(rank_3, [1, 0, 2])],
        "cast": the_u8,
        "broadcast": [x * y, tf.multiply(x, 2), tf.broadcast_to(tf.constant([1, 2, 3]), [3, 3])],
        "strings": [strings, tf.strings.length(strings), tf.strings.to_number(tf.constant(["1", "10", "100"])),
                    tf.io.decode_raw(tf.constant("Duck"), tf.uint8)],
        "bad_reshape": _error_name(lambda: tf.reshape(rank_3, [7, -1])),
        "bad_ragged": _error_name(lambda: tf.constant([[0, 1, 2, 3], [4, 5]])),
    }


# ---- Introduction to Variables ------------------------------------------------------------------------

@guide
def variables_intro(tf):
    my_tensor = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    my_variable = tf.Variable(my_tensor)
    bool_variable = tf.Variable([False, False, False, True])
    a = tf.Variable([2.0, 3.0])
    b = tf.Variable(a)
    a.assign([5, 6])
    out = {
        "shape": [my_variable.shape, my_variable.dtype, tf.convert_to_tensor(my_variable),
                  tf.math.argmax(my_variable), tf.reshape(my_variable, [1, 4]), bool_variable],
        "copy": [a, b, a.assign_add([2, 3]), a.assign_sub([7, 9])],
        "bad_assign": _error_name(lambda: a.assign([1.0, 2.0, 3.0])),
        "names": [tf.Variable(my_tensor, name="Mark").name, tf.Variable(my_tensor + 1, name="Mark").name],
    }
    step_counter = tf.Variable(1, trainable=False)
    with tf.device("CPU:0"):
        k = tf.Variable([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
        m = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
        out["device"] = tf.matmul(k, m)
    out["trainable"] = [step_counter.trainable, my_variable.trainable, step_counter.assign_add(4),
                        step_counter.read_value()]
    v = tf.Variable(0.0)

    @tf.function
    def accumulate(xs):
        for x in xs:
            v.assign_add(x)
        return v.read_value()
    out["in_function"] = [accumulate(tf.constant([1.0, 2.0, 3.5])), v]
    return out


# ---- Introduction to gradients and automatic differentiation -------------------------------------

@guide
def gradients_intro(tf):
    x = tf.Variable(3.0)
    with tf.GradientTape() as tape:
        y = x ** 2
    out = {"dy_dx": tape.gradient(y, x)}

    w = tf.Variable(tf.reshape(tf.range(6, dtype=tf.float32) / 10.0, [3, 2]), name="w")
    b = tf.Variable(tf.zeros(2, dtype=tf.float32), name="b")
    xs = [[1.0, 2.0, 3.0]]
    with tf.GradientTape(persistent=True) as tape:
        y = xs @ w + b
        loss = tf.reduce_mean(y ** 2)
    dl_dw, dl_db = tape.gradient(loss, [w, b])
    grads = tape.gradient(loss, {"w": w, "b": b})
    out["linear"] = [dl_dw, dl_db, grads["b"], grads["w"]]

    layer = tf.keras.layers.Dense(2, activation="relu", kernel_initializer="ones", bias_initializer="zeros")
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(layer(tf.constant([[1.0, 2.0, 3.0]])) ** 2)
    out["dense"] = [g for g in tape.gradient(loss, layer.trainable_variables)]

    x0, x1, x2 = tf.Variable(3.0, name="x0"), tf.Variable(3.0, name="x1", trainable=False), tf.constant(3.0)
    with tf.GradientTape() as tape:
        y = (x0 ** 2) + (x1 ** 2) + (x2 ** 2)
    g = tape.gradient(y, [x0, x1, x2])
    out["watched"] = [g[0], g[1] is None, g[2] is None, [v.name for v in tape.watched_variables()]]

    x = tf.constant(3.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
        z = y * y
    out["persistent"] = [tape.gradient(z, x), tape.gradient(y, x)]
    del tape

    x = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y = x * [3.0, 4.0]
    out["nonscalar"] = tape.gradient(y, x)
    x = tf.linspace(-5.0, 5.0, 11)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.nn.sigmoid(x)
    out["sigmoid"] = tape.gradient(y, x)

    x = tf.constant(1.0)
    v0, v1 = tf.Variable(2.0), tf.Variable(2.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        result = v0 * x if x > 0.0 else v1 * x
    dv0, dv1 = tape.gradient(result, [v0, v1])
    out["control_flow"] = [dv0, dv1 is None, tape.gradient(result, x)]

    x, y = tf.Variable(2.0), tf.Variable(3.0)
    with tf.GradientTape() as tape:
        z = y * y
    out["unconnected"] = [tape.gradient(z, x) is None]
    x = tf.Variable(2.0)
    for epoch in range(2):
        with tf.GradientTape() as tape:
            y = x + 1
        out[f"replaced_{epoch}"] = isinstance(x, tf.Variable)
        x = x + 1               # a tensor replaces the variable: the next gradient is None
    out["replaced_grad"] = tape.gradient(y, x) is None
    x = tf.constant(10)
    with tf.GradientTape() as g:
        g.watch(x)
        y = x * x
    out["int_grad"] = g.gradient(y, x) is None
    x = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
    with tf.GradientTape() as tape:
        x2 = x ** 2
        y = np.mean(x2, axis=0)
        y = tf.reduce_mean(y, axis=0)
    out["through_numpy"] = tape.gradient(y, x) is None
    x = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
    y = tf.Variable(3.0)
    with tf.GradientTape() as tape:
        z = y ** 2
    out["zeros"] = tape.gradient(z, x, unconnected_gradients=tf.UnconnectedGradients.ZERO)
    return out


# ---- Advanced automatic differentiation -------------------------------------------------------------

@guide
def advanced_autodiff(tf):
    out = {}
    x, y = tf.Variable(2.0), tf.Variable(3.0)
    with tf.GradientTape() as t:
        x_sq = x * x
        with t.stop_recording():
            y_sq = y * y
        z = x_sq + y_sq
    grad = t.gradient(z, {"x": x, "y": y})
    out["stop_recording"] = [grad["x"], grad["y"] is None]
    with tf.GradientTape() as t:
        y_sq = y * y
        t.reset()
        z = x * x + y_sq
    grad = t.gradient(z, {"x": x, "y": y})
    out["reset"] = [grad["x"], grad["y"] is None]
    with tf.GradientTape() as t:
        y_sq = y ** 2
        z = x ** 2 + tf.stop_gradient(y_sq)
    grad = t.gradient(z, {"x": x, "y": y})
    out["stop_gradient"] = [grad["x"], grad["y"] is None]

    @tf.custom_gradient
    def clip_gradients(y):
        def backward(dy):
            return tf.clip_by_norm(dy, 0.5)
        return y, backward
    v = tf.Variable(2.0)
    with tf.GradientTape() as t:
        output = clip_gradients(v * v)
    out["custom_gradient"] = t.gradient(output, v)

    @tf.custom_gradient
    def log1pexp(x):
        e = tf.exp(x)
        return tf.math.log(1 + e), lambda dy: dy * (1 - 1 / (1 + e))
    x = tf.constant([0.0, 100.0])
    with tf.GradientTape() as t:
        t.watch(x)
        y = log1pexp(x)
    out["log1pexp"] = [y, t.gradient(y, x)]

    x0, x1 = tf.constant(0.0), tf.constant(0.0)
    with tf.GradientTape() as tape0, tf.GradientTape() as tape1:
        tape0.watch(x0)
        tape1.watch(x1)
        y0 = tf.math.sin(x0)
        y1 = tf.nn.sigmoid(x1)
        y = y0 + y1
        ys = tf.reduce_sum(y)
    out["two_tapes"] = [tape0.gradient(ys, x0), tape1.gradient(ys, x1)]

    x = tf.Variable(1.0)
    with tf.GradientTape() as t2:
        with tf.GradientTape() as t1:
            y = x * x * x
        dy_dx = t1.gradient(y, x)
    out["second_order"] = [dy_dx, t2.gradient(dy_dx, x)]

    x = tf.linspace(-10.0, 10.0, 9)
    delta = tf.Variable(0.0)
    with tf.GradientTape() as tape:
        y = tf.nn.sigmoid(x + delta)
    out["jacobian_scalar_source"] = tape.jacobian(y, delta)

    x = tf.reshape(tf.range(6, dtype=tf.float32), [2, 3]) / 5.0
    w = tf.Variable(tf.reshape(tf.range(12, dtype=tf.float32), [3, 4]) / 10.0 - 0.5)
    with tf.GradientTape(persistent=True) as tape:
        y = tf.nn.relu(x @ w)
    j = tape.jacobian(y, w)
    out["jacobian"] = [j.shape, j, tape.jacobian(y, w, experimental_use_pfor=False)]

    x = tf.reshape(tf.range(12, dtype=tf.float32), [4, 3]) / 6.0 - 1.0
    layer1 = tf.keras.layers.Dense(3, activation=tf.nn.elu, kernel_initializer="identity")
    layer2 = tf.keras.layers.Dense(3, activation=tf.nn.elu, kernel_initializer="ones")
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = layer2(layer1(x))
    jb = tape.batch_jacobian(y, x)
    out["batch_jacobian"] = [jb.shape, jb, tf.reduce_sum(tape.jacobian(y, x), axis=2)]

    x = tf.Variable([[1.0, 2.0], [3.0, -1.0]])
    with tf.GradientTape() as t2:
        with tf.GradientTape() as t1:
            y = tf.reduce_sum(tf.sin(x) * x)
        g = t1.gradient(y, x)
    out["hessian"] = t2.jacobian(g, x)

    with tf.autodiff.ForwardAccumulator(primals=x, tangents=tf.ones_like(x)) as acc:
        y = tf.reduce_sum(x * x * x)
        z = tf.nn.relu(x @ x)
        unrelated = tf.constant(3.0) * 2.0
    out["forward_mode"] = [acc.jvp(y), acc.jvp(z), acc.jvp(x), acc.jvp(unrelated) is None,
                           acc.jvp(unrelated, unconnected_gradients=tf.UnconnectedGradients.ZERO)]
    with tf.GradientTape() as tape:
        v = tf.constant([1.0, 2.0])
        tape.watch(v)
        with tf.autodiff.ForwardAccumulator(v, tf.constant([1.0, 1.0])) as acc:
            out3 = tf.reduce_sum(v ** 3)
        jvp = acc.jvp(out3)
    out["forward_over_backward"] = [jvp, tape.gradient(jvp, v)]

    return out


# ---- Introduction to graphs and tf.function ---------------------------------------------------------

@guide
def graphs_intro(tf):
    def a_regular_function(x, y, b):
        x = tf.matmul(x, y)
        return x + b
    a_function_that_uses_a_graph = tf.function(a_regular_function)
    x1 = tf.constant([[1.0, 2.0]])
    y1 = tf.constant([[2.0], [3.0]])
    b1 = tf.constant(4.0)
    out = {"same": [a_regular_function(x1, y1, b1), a_function_that_uses_a_graph(x1, y1, b1)]}

    @tf.function
    def my_relu(x):
        return tf.maximum(0.0, x)
    out["poly"] = [my_relu(tf.constant(5.5)), my_relu([1, -1]), my_relu(tf.constant([3.0, -3.0]))]
    concrete = my_relu.get_concrete_function(tf.TensorSpec(shape=None, dtype=tf.float32))
    out["concrete"] = [concrete(tf.constant(-2.0)), type(my_relu).__name__ in ("Function", "PolymorphicFunction")]
    out["concrete_wrong"] = _error_name(lambda: concrete(tf.constant([1, 2])))

    traces = []

    @tf.function
    def get_mse(y_true, y_pred):
        traces.append("traced")
        return tf.reduce_mean(tf.pow(y_pred - y_true, 2))
    y_true = tf.constant([1, 2, 3, 4, 5], tf.int32)
    y_pred = tf.constant([1, 3, 3, 5, 8], tf.int32)
    r = [get_mse(y_true, y_pred), get_mse(y_true, y_pred), get_mse(y_true + 1, y_pred)]
    tf.config.run_functions_eagerly(True)
    try:
        r.append(get_mse(y_true, y_pred))
        eager_traces = len(traces)
    finally:
        tf.config.run_functions_eagerly(False)
    out["traces"] = [r, len(traces), eager_traces]

    @tf.function
    def unused_return_eager(x):
        tf.gather(x, [1])
        return x
    out["unused"] = [_error_name(lambda: unused_return_eager(tf.constant([0.0]))), "graph skips nothing"]

    @tf.function
    def collatz(a):
        steps = tf.constant(0)
        while a > 1:
            if a % 2 == 0:
                a = a // 2
            else:
                a = 3 * a + 1
            steps += 1
        return steps
    out["autograph"] = [collatz(tf.constant(27)), collatz(tf.constant(1))]

    @tf.function
    def power(x, y):
        result = tf.eye(10, dtype=tf.dtypes.int32)
        for _ in range(y):
            result = tf.matmul(x, result)
        return result
    x = tf.random.uniform(shape=[10, 10], minval=-1, maxval=2, dtype=tf.dtypes.int32, seed=3)
    out["power_is_matmul"] = tf.reduce_all(power(x, 3) == x @ x @ x)
    return out


# ---- Better performance with tf.function -----------------------------------------------------------

@guide
def function_performance(tf):
    out = {}
    traced = []

    @tf.function
    def double(a):
        traced.append(repr(a.dtype) if hasattr(a, "dtype") else repr(a))
        return a + a
    out["double"] = [double(tf.constant(1)), double(tf.constant(1.1)), double(tf.constant("a")), double(1)]
    out["traced"] = len(traced)
    out["concrete_structured"] = len(double.get_concrete_function(tf.constant("a")).structured_outputs.shape)

    @tf.function(input_signature=(tf.TensorSpec(shape=[None], dtype=tf.int32),))
    def next_collatz(x):
        traced.append("collatz")
        return tf.where(x % 2 == 0, x // 2, 3 * x + 1)
    out["signature"] = [next_collatz(tf.constant([1, 2])), next_collatz(tf.constant([1, 2, 3, 4])),
                        _error_name(lambda: next_collatz(tf.constant([[1, 2], [3, 4]]))),
                        _error_name(lambda: next_collatz(tf.constant([1.0, 2.0])))]
    out["signature_traces"] = traced.count("collatz")

    @tf.function(reduce_retracing=True)
    def g(x):
        traced.append("g")
        return x * 2
    out["reduce_retracing"] = [g(tf.constant([1])), g(tf.constant([1, 2])), g(tf.constant([1, 2, 3]))]
    out["reduce_retracing_traces"] = traced.count("g")

    @tf.function
    def train_one_step(n):
        return n + 1
    out["python_scalars"] = [train_one_step(2), train_one_step(2), train_one_step(tf.constant(3))]

    @tf.function
    def f(x):
        traced.append("side effect")
        tf.print("ignored")            # runs every call; its text goes to stderr
        return x
    f(1)
    f(1)
    f(2)
    out["side_effects"] = traced.count("side effect")

    external_var = tf.Variable(0)

    @tf.function
    def buggy_consume_next(iterator):
        external_var.assign_add(next(iterator))
        return external_var.read_value()
    iterator = iter([0, 1, 2, 3])
    out["python_iterator"] = [buggy_consume_next(iterator), buggy_consume_next(iterator)]

    @tf.function
    def fn_with_tensor_array(n):
        ta = tf.TensorArray(tf.float32, size=0, dynamic_size=True)
        for i in tf.range(n):
            ta = ta.write(i, tf.cast(i, tf.float32) ** 2)
        return ta.stack()
    out["tensor_array"] = fn_with_tensor_array(tf.constant(5))

    batch_size, seq_len, feature_size = 2, 3, 4

    def rnn_step(inp, state):
        return inp + state

    @tf.function
    def dynamic_rnn(rnn_step, input_data, initial_state):
        input_data = tf.transpose(input_data, [1, 0, 2])
        max_seq_len = input_data.shape[0]
        states = tf.TensorArray(tf.float32, size=max_seq_len)
        state = initial_state
        for i in tf.range(max_seq_len):
            state = rnn_step(input_data[i], state)
            states = states.write(i, state)
        return tf.transpose(states.stack(), [1, 0, 2])
    data = tf.reshape(tf.range(batch_size * seq_len * feature_size, dtype=tf.float32),
                      [batch_size, seq_len, feature_size])
    out["dynamic_rnn"] = dynamic_rnn(rnn_step, data, tf.zeros([batch_size, feature_size]))

    class Count(tf.Module):
        def __init__(self):
            self.count = None

        @tf.function
        def __call__(self):
            if self.count is None:
                self.count = tf.Variable(0)
            return self.count.assign_add(1)
    c = Count()
    with tf.name_scope("outer"):
        out["variable_once"] = [c(), c(), c.count.name]

    class Lazy(tf.Module):
        def __init__(self):
            super().__init__(name="lazy")
            self.v = None

        @tf.Module.with_name_scope
        @tf.function
        def __call__(self, x):
            if self.v is None:
                with tf.name_scope("inner"):
                    self.v = tf.Variable(2.0, name="v")
            return x * self.v
    lazy = Lazy()
    out["variable_in_function_scope"] = [lazy(tf.constant(3.0)), lazy.v.name]

    @tf.function
    def leaky(x):
        v = tf.Variable(1.0)
        return v + x
    out["variable_every_call"] = _error_name(lambda: leaky(tf.constant(1.0)))

    def make_ds():
        return tf.data.Dataset.range(1, 6).map(lambda x: x * x)

    @tf.function
    def sum_dataset(ds):
        total = tf.constant(0, tf.int64)
        for x in ds:
            total += x
        return total
    out["dataset_in_function"] = sum_dataset(make_ds())
    return out


# ---- Introduction to modules, layers, and models ---------------------------------------------------

def _dense_module(tf):
    class Dense(tf.Module):
        def __init__(self, in_features, out_features, name=None):
            super().__init__(name=name)
            self.w = tf.Variable(tf.reshape(tf.range(in_features * out_features, dtype=tf.float32),
                                            [in_features, out_features]) / 10.0, name="w")
            self.b = tf.Variable(tf.zeros([out_features]), name="b")

        def __call__(self, x):
            return tf.nn.relu(tf.matmul(x, self.w) + self.b)

    class SequentialModule(tf.Module):
        def __init__(self, name=None):
            super().__init__(name=name)
            self.dense_1 = Dense(in_features=3, out_features=3)
            self.dense_2 = Dense(in_features=3, out_features=2)

        @tf.function
        def __call__(self, x):
            return self.dense_2(self.dense_1(x))
    return SequentialModule


@guide
def modules_and_checkpoints(tf):
    SequentialModule = _dense_module(tf)
    my_model = SequentialModule(name="the_model")
    x = tf.constant([[2.0, 2.0, 2.0]])
    out = {"call": my_model(x), "submodules": [type(m).__name__ for m in my_model.submodules],
           "variables": [(v.name, v.shape) for v in my_model.variables],
           "trainable": len(my_model.trainable_variables), "name": my_model.name}
    with tf.name_scope("scoped"):
        out["scoped_name"] = my_model.dense_1.name

    class Scoped(tf.Module):
        def __init__(self, name=None):
            super().__init__(name=name)
            with self.name_scope:
                self.w = tf.Variable(1.0, name="w")
            self.u = tf.Variable(2.0, name="u")

        @tf.Module.with_name_scope
        def make(self):
            return tf.Variable(3.0, name="made")

    with tf.name_scope("outer"):
        scoped = Scoped(name="scoped")
        inner = tf.Variable(0.0, name="inner")
        current = tf.get_current_name_scope()
        with tf.name_scope("abs/"):
            absolute = tf.Variable(0.0, name="a")
    out["name_scopes"] = [scoped.w.name, scoped.u.name, scoped.make().name, scoped.name_scope.name, inner.name,
                          current, absolute.name, tf.get_current_name_scope()]

    with tempfile.TemporaryDirectory() as tmp:
        chkp_path = os.path.join(tmp, "my_checkpoint")
        checkpoint = tf.train.Checkpoint(model=my_model)
        path = checkpoint.write(chkp_path)
        out["written"] = os.path.basename(path)
        out["listed"] = sorted((name, shape) for name, shape in tf.train.list_variables(chkp_path))
        reader = tf.train.load_checkpoint(chkp_path)
        out["reader"] = reader.get_tensor("model/dense_1/w/.ATTRIBUTES/VARIABLE_VALUE")
        new_model = SequentialModule()
        new_model.dense_1.w.assign(tf.zeros([3, 3]))
        tf.train.Checkpoint(model=new_model).restore(path)
        out["restored"] = new_model(x)

        step = tf.Variable(0, dtype=tf.int64)
        ckpt = tf.train.Checkpoint(step=step, model=my_model)
        manager = tf.train.CheckpointManager(ckpt, os.path.join(tmp, "managed"), max_to_keep=2)
        for _ in range(3):
            step.assign_add(1)
            manager.save()
        out["manager"] = [os.path.basename(p) for p in manager.checkpoints] + [
            os.path.basename(manager.latest_checkpoint),
            os.path.basename(tf.train.latest_checkpoint(os.path.join(tmp, "managed")))]
        step.assign(0)
        status = ckpt.restore(manager.latest_checkpoint)
        status.assert_consumed()
        out["manager_restored"] = step

        tf.saved_model.save(my_model, os.path.join(tmp, "the_saved_model"))
        out["saved_variables"] = os.path.isdir(os.path.join(tmp, "the_saved_model", "variables"))
        new = tf.saved_model.load(os.path.join(tmp, "the_saved_model"))
        out["loaded"] = new(x)
        out["loaded_wrong_shape"] = _error_name(lambda: new(tf.constant([[2.0, 2.0, 2.0]] * 2, tf.float64)))
    return out


# ---- Ragged tensors ---------------------------------------------------------------------------------

@guide
def ragged_tensors(tf):
    digits = tf.ragged.constant([[3, 1, 4, 1], [], [5, 9, 2], [6], []])
    words = tf.ragged.constant([["So", "long"], ["thanks", "for", "all", "the", "fish"]])
    out = {
        "ops": [tf.add(digits, 3).to_list(), tf.reduce_mean(digits, axis=1), tf.concat([digits, [[5, 3]]],
                                                                                     axis=0).to_list(),
                tf.tile(digits, [1, 2]).to_list(), tf.strings.substr(words, 0, 2).to_list(),
                tf.map_fn(tf.math.square, digits).to_list()],
        "indexing": [digits[0], digits[:, :2].to_list(), digits[:, -2:].to_list(), (digits * 2).to_list(),
                     digits.to_list()[2]],
        "map_flat": tf.ragged.map_flat_values(tf.one_hot, digits, 10).to_tensor(),
        "to_tensor": [digits.to_tensor(), digits.to_tensor(default_value=-1, shape=[5, 3]),
                      tf.RaggedTensor.from_tensor([[1, 2, 0], [3, 0, 0]], padding=0).to_list()],
        "constructors": [tf.RaggedTensor.from_value_rowids(values=[3, 1, 4, 1, 5, 9, 2],
                                                           value_rowids=[0, 0, 0, 0, 2, 2, 3]).to_list(),
                         tf.RaggedTensor.from_row_lengths(values=[3, 1, 4, 1, 5, 9, 2],
                                                          row_lengths=[4, 0, 2, 1]).to_list(),
                         tf.RaggedTensor.from_row_splits(values=[3, 1, 4, 1, 5, 9, 2],
                                                         row_splits=[0, 4, 4, 6, 7]).to_list()],
        "parts": [digits.values, digits.row_splits, digits.row_lengths(), digits.value_rowids(),
                  digits.nrows(), digits.bounding_shape(), digits.flat_values],
        "bad_constant": _error_name(lambda: tf.ragged.constant([["one", "two"], [3, 4]])),
    }
    rt = tf.RaggedTensor.from_row_splits(values=tf.RaggedTensor.from_row_splits(
        values=[10, 11, 12, 13, 14, 15, 16, 17, 18, 19], row_splits=[0, 3, 3, 5, 9, 10]),
        row_splits=[0, 1, 1, 5])
    out["nested"] = [rt.to_list(), rt.ragged_rank, rt.merge_dims(0, 1).to_list(), rt.shape,
                     tf.RaggedTensor.from_nested_row_lengths(flat_values=[10, 11, 12, 13, 14, 15],
                                                             nested_row_lengths=([1, 0, 3], [3, 0, 2, 1])).to_list()]
    queries = tf.ragged.constant([["Who", "is", "Dan", "Smith"], ["Pause"], ["Will", "it", "rain", "later", "today"]])
    hashed = tf.strings.to_hash_bucket_fast(queries, 1024)
    out["hashed"] = hashed.to_list()
    out["sentences"] = [tf.strings.split(tf.constant(["a b", "c", ""])).to_list(),
                        tf.strings.to_number(tf.strings.split("1 10 100")), tf.strings.bytes_split("Duck"),
                        tf.strings.unicode_decode("héllo", "UTF-8"),
                        tf.ragged.constant([[0, 1, 2, 3], [4, 5], [6, 7, 8], [9]]).shape]
    x = tf.ragged.constant([[1, 2], [3]])
    out["broadcast"] = [(x + tf.constant([[10], [20]])).to_list(), (x + 3).to_list()]
    out["sparse"] = tf.sparse.to_dense(digits.to_sparse())
    out["from_sparse"] = tf.RaggedTensor.from_sparse(digits.to_sparse()).to_list()
    out["boolean_mask"] = tf.ragged.boolean_mask(digits, digits > 2).to_list()
    out["stack"] = tf.ragged.stack([digits, digits + 1], axis=1).to_list()
    out["range"] = tf.ragged.range([3, 0, 2]).to_list()

    @tf.function
    def make_palindrome(x, axis):
        return tf.concat([x, tf.reverse(x, [axis])], axis)
    out["function"] = [make_palindrome(digits, 1).to_list(),
                       make_palindrome(tf.ragged.constant([[1, 2], [3]]), 1).to_list()]
    out["uniform_inner"] = tf.RaggedTensor.from_row_splits(values=[[1, 3], [0, 0], [1, 3], [5, 3], [3, 3], [1, 2]],
                                                           row_splits=[0, 3, 4, 6]).to_list()
    ds = tf.data.Dataset.from_tensor_slices(digits)
    out["dataset"] = [e.numpy().tolist() for e in ds] + [
        b.to_list() for b in tf.data.Dataset.from_tensor_slices(digits).batch(2)]
    return out


# ---- Sparse tensors ----------------------------------------------------------------------------------

@guide
def sparse_tensors(tf):
    st1 = tf.sparse.SparseTensor(indices=[[0, 3], [2, 4]], values=[10, 20], dense_shape=[3, 10])
    st_a = tf.sparse.SparseTensor(indices=[[0, 2], [3, 4]], values=[31, 2], dense_shape=[4, 10])
    st_b = tf.sparse.SparseTensor(indices=[[0, 2], [3, 0]], values=[56, 38], dense_shape=[4, 10])
    st_c = tf.sparse.SparseTensor(indices=([0, 1], [1, 0], [1, 1]), values=[13, 15, 17], dense_shape=(2, 2))
    mb = tf.constant([[4], [6]])
    sparse_pattern_A = tf.sparse.SparseTensor(indices=[[2, 4], [3, 3], [3, 4], [4, 3], [4, 4], [5, 4]],
                                              values=[1, 1, 1, 1, 1, 1], dense_shape=[8, 5])
    sparse_pattern_B = tf.sparse.SparseTensor(indices=[[0, 2], [1, 1], [1, 3], [2, 0], [2, 4], [2, 5], [3, 5],
                                                       [4, 5], [5, 0], [5, 4], [5, 5], [6, 1], [6, 3], [7, 2]],
                                              values=[1] * 14, dense_shape=[8, 6])
    sparse_pattern_C = tf.sparse.SparseTensor(indices=[[3, 0], [4, 0]], values=[1, 1], dense_shape=[8, 6])
    sparse_patterns_list = [sparse_pattern_A, sparse_pattern_B, sparse_pattern_C]
    concat = tf.sparse.concat(axis=1, sp_inputs=sparse_patterns_list)
    st2_plus_5 = tf.sparse.map_values(tf.add, st1, 5)
    st = tf.sparse.from_dense([[1, 0, 0, 8], [0, 0, 0, 0], [0, 0, 3, 0]])
    unordered = tf.sparse.SparseTensor(indices=[[2, 4], [0, 3]], values=[20, 10], dense_shape=[3, 10])
    reordered = tf.sparse.reorder(unordered)
    st2 = tf.sparse.SparseTensor(indices=[[0, 2], [1, 0], [1, 1]], values=[5.0, 0.0, 7.0], dense_shape=[2, 3])
    return {
        "parts": [st1.indices, st1.values, st1.dense_shape, tf.sparse.to_dense(st1)],
        "from_dense": [st.indices, st.values, st.dense_shape],
        "add": tf.sparse.to_dense(tf.sparse.add(st_a, st_b)),
        "matmul": tf.sparse.sparse_dense_matmul(st_c, mb),
        "concat": tf.sparse.to_dense(concat),
        "slice": [tf.sparse.to_dense(tf.sparse.slice(sparse_pattern_A, start=[0, 0], size=[8, 5])),
                  tf.sparse.to_dense(tf.sparse.slice(sparse_pattern_B, start=[0, 2], size=[8, 2]))],
        "map_values": [tf.sparse.to_dense(st2_plus_5), st2_plus_5.values],
        "values_op": tf.sparse.to_dense(tf.SparseTensor(st1.indices, st1.values + 5, st1.dense_shape)),
        "reorder": [reordered.indices, tf.sparse.to_dense(reordered)],
        "reduce": [tf.sparse.reduce_sum(st_c), tf.sparse.reduce_sum(st_c, axis=1),
                   tf.sparse.reduce_max(st_c, axis=0)],
        "retain_zeros": [tf.sparse.retain(st2, tf.not_equal(st2.values, 0.0)).indices,
                         tf.math.reduce_max(tf.sparse.to_dense(st2))],
        "keyed": tf.sparse.to_dense(tf.sparse.SparseTensor([[0, 1]], [1.5], [2, 2]), default_value=-1.0),
        "bad_indices": _error_name(lambda: tf.sparse.to_dense(
            tf.sparse.SparseTensor(indices=[[0, 0], [5, 0]], values=[1, 2], dense_shape=[2, 2]))),
        "bad_inputs": [_error_name(lambda: tf.sparse.SparseTensor([[0, 0]], [1, 2], [3, 3])),
                       _error_name(lambda: tf.sparse.to_dense(
                           tf.sparse.SparseTensor([[1, 0], [0, 0]], [1, 2], [3, 3]))),
                       _error_name(lambda: tf.sparse.add(st_a, tf.sparse.SparseTensor([[0, 0]], [1], [5, 10]))),
                       _error_name(lambda: tf.sparse.sparse_dense_matmul(st_c, tf.ones([3, 1], tf.int32))),
                       _error_name(lambda: tf.sparse.reshape(st1, [7, -1]))],
        "more": [tf.sparse.to_dense(tf.sparse.reshape(st1, [6, -1])), tf.sparse.to_dense(st2 * 2.0),
                 tf.sparse.to_dense(tf.sparse.add(st2, st2, threshold=11.0)), tf.sparse.add(st2, tf.ones([2, 3])),
                 tf.sparse.to_dense(tf.sparse.reduce_sum(st_c, axis=0, output_is_sparse=True)),
                 tf.sparse.reduce_max(tf.sparse.SparseTensor([[0, 0], [0, 1]], [-1.0, -2.0], [2, 2]), axis=1),
                 tf.sparse.sparse_dense_matmul(st2, tf.ones([2, 2]), adjoint_a=True),
                 tf.sparse.to_dense(tf.sparse.concat(0, [st2, st2], expand_nonconcat_dims=True)),
                 tf.sparse.to_dense(tf.cast(st_c, tf.float32)), tf.sparse.reduce_sum(st_c, 1, keepdims=True)],
        "transpose": tf.sparse.to_dense(tf.sparse.transpose(st2)),
        "expand_dims": tf.sparse.expand_dims(st2, 0).dense_shape,
        "in_function": tf.function(lambda s, d: tf.sparse.sparse_dense_matmul(s, d))(
            tf.cast(st_c, tf.float32), tf.constant([[1.0, 2.0], [3.0, 4.0]])),
    }


@guide
def sparse_in_function(tf):
    @tf.function
    def f(d, e):
        a = tf.sparse.from_dense(d)
        b = tf.sparse.SparseTensor([[0, 1], [1, 0]], [4.0, 5.0], [2, 3])
        return [tf.sparse.to_dense(a), tf.sparse.to_dense(tf.sparse.transpose(b)),
                tf.sparse.sparse_dense_matmul(a, tf.transpose(e)),
                tf.sparse.to_dense(tf.sparse.reorder(tf.sparse.SparseTensor([[1, 0], [0, 1]], [1.0, 2.0], [2, 2]))),
                tf.sparse.to_dense(tf.sparse.map_values(tf.square, a)),
                tf.sparse.to_dense(tf.sparse.retain(b, [True, False])), tf.sparse.to_dense(tf.sparse.concat(1, [b, b])),
                tf.sparse.reduce_sum(a), tf.sparse.to_dense(tf.sparse.slice(b, [0, 1], [2, 2]))]
    dense = tf.constant([[1.0, 0.0, 2.0], [0.0, 0.0, 3.0]])
    out = {"function": f(dense, tf.constant([[0.0, 4.0, -2.0], [5.0, 0.0, 0.0]]))}
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        sp = tf.sparse.SparseTensor([[0, 0], [1, 1]], x * 3.0, [2, 2])
        y = tf.reduce_sum(tf.sparse.sparse_dense_matmul(sp, tf.ones([2, 2])) ** 2) + tf.sparse.reduce_sum(sp)
    out["gradient"] = tape.gradient(y, x)
    return out


@guide
def sparse_dataset(tf):
    st = tf.sparse.SparseTensor(indices=[[0, 2], [1, 0], [1, 1]], values=[5.0, 0.0, 7.0], dense_shape=[2, 3])
    return {"rows": [tf.sparse.to_dense(e) for e in tf.data.Dataset.from_tensor_slices(st)]}


# ---- tf.data ------------------------------------------------------------------------------------------

@guide
def data_pipelines(tf):
    def lst(ds):
        return [tf.nest.map_structure(lambda t: t.numpy().tolist(), e) for e in ds]
    dataset = tf.data.Dataset.from_tensor_slices([8, 3, 0, 8, 2, 1])
    features = tf.reshape(tf.range(12, dtype=tf.float32), [6, 2])
    labels = tf.constant([0, 1, 0, 1, 1, 0])
    out = {
        "slices": lst(dataset), "reduce": dataset.reduce(0, lambda state, value: state + value),
        "tuples": lst(tf.data.Dataset.from_tensor_slices((features, labels)).batch(4)),
        "dict": lst(tf.data.Dataset.from_tensor_slices({"a": [1, 2], "b": [[1.0], [2.0]]})),
        "map_filter": lst(tf.data.Dataset.range(10).filter(lambda x: x % 3 == 0).map(lambda x: x * 2)),
        "batch_drop": lst(tf.data.Dataset.range(7).batch(3, drop_remainder=True)),
        "batch_shape": [tf.data.Dataset.range(7).batch(3).element_spec.shape,
                        tf.data.Dataset.range(7).batch(3, drop_remainder=True).element_spec.shape],
        "padded_batch": lst(tf.data.Dataset.range(1, 6).map(lambda x: tf.fill([x], x)).padded_batch(2)),
        "padded_batch_shape": lst(tf.data.Dataset.range(1, 4).map(lambda x: tf.fill([x], x)).padded_batch(
            2, padded_shapes=(4,), padding_values=tf.constant(-1, tf.int64))),
        "repeat_batch": lst(tf.data.Dataset.range(5).repeat(2).batch(4)),
        "zip": lst(tf.data.Dataset.zip((tf.data.Dataset.range(3), tf.data.Dataset.range(10, 14)))),
        "enumerate": lst(tf.data.Dataset.from_tensor_slices([5, 6]).enumerate(start=1)),
        "take_skip": lst(tf.data.Dataset.range(10).skip(3).take(4)),
        "unbatch": lst(tf.data.Dataset.range(6).batch(4).unbatch()),
        "window": lst(tf.data.Dataset.range(7).window(3, shift=2, drop_remainder=True).flat_map(
            lambda w: w.batch(3))),
        "window_stride": lst(tf.data.Dataset.range(10).window(3, shift=1, stride=2).flat_map(
            lambda w: w.batch(3, drop_remainder=True))),
        "interleave": lst(tf.data.Dataset.range(1, 4).interleave(
            lambda x: tf.data.Dataset.from_tensors(x).repeat(3), cycle_length=2, block_length=2)),
        "flat_map": lst(tf.data.Dataset.from_tensor_slices([[1, 2], [3, 4]]).flat_map(
            tf.data.Dataset.from_tensor_slices)),
        "scan": lst(tf.data.Dataset.range(5).scan(tf.constant(0, tf.int64), lambda s, x: (s + x, s * 10))),
        "concatenate": lst(tf.data.Dataset.range(2).concatenate(tf.data.Dataset.range(5, 7))),
        "cardinality": [int(tf.data.Dataset.range(10).batch(3).cardinality()),
                        int(tf.data.Dataset.range(10).filter(lambda x: x > 2).cardinality()),
                        int(tf.data.Dataset.range(3).repeat().cardinality()),
                        tf.data.experimental.UNKNOWN_CARDINALITY, tf.data.INFINITE_CARDINALITY],
        "numpy_iter": [int(x) for x in tf.data.Dataset.range(3).as_numpy_iterator()],
        "generator": lst(tf.data.Dataset.from_generator(lambda: iter([[1], [2, 3], []]),
                                                        output_signature=tf.TensorSpec([None], tf.int32))
                         .padded_batch(3)),
        "from_tensors": lst(tf.data.Dataset.from_tensors([1, 2, 3])),
        "element_spec": [tf.data.Dataset.from_tensor_slices((features, labels)).element_spec[0].shape,
                         tf.data.Dataset.from_tensor_slices((features, labels)).element_spec[1].dtype],
        "cache_prefetch": lst(tf.data.Dataset.range(4).cache().prefetch(tf.data.AUTOTUNE).map(
            lambda x: x + 1, num_parallel_calls=tf.data.AUTOTUNE)),
        "bucket": lst(tf.data.Dataset.range(1, 7).map(lambda x: tf.fill([x], x)).bucket_by_sequence_length(
            element_length_func=lambda e: tf.shape(e)[0], bucket_boundaries=[3, 5], bucket_batch_sizes=[2, 2, 2])),
        "group_by_window": lst(tf.data.Dataset.range(10).group_by_window(
            key_func=lambda x: x % 2, reduce_func=lambda k, w: w.batch(5), window_size=5)),
        "unique": lst(tf.data.Dataset.from_tensor_slices([1, 2, 2, 3, 1]).unique()),
        "rebatch_shard": [lst(tf.data.Dataset.range(10).shard(3, 1))],
        "counter": [lst(tf.data.Dataset.counter(3, 2).take(3)), int(tf.data.Dataset.counter().cardinality()),
                    lst(tf.data.Dataset.zip((tf.data.experimental.Counter(), tf.data.Dataset.range(5, 7))))],
    }
    shuffled = tf.data.Dataset.range(10).shuffle(10, seed=42, reshuffle_each_iteration=False)
    first = [int(x) for x in shuffled]
    out["shuffle"] = [sorted(first), first == [int(x) for x in shuffled], len(first)]
    reshuffled = tf.data.Dataset.range(10).shuffle(10, seed=42)
    out["reshuffle"] = [sorted(int(x) for x in reshuffled), len(list(reshuffled.batch(3)))]
    it = iter(tf.data.Dataset.range(2))
    out["iterator"] = [next(it), next(it), _error_name(lambda: next(it)),
                       tf.data.Dataset.range(1).get_single_element()]
    return out


# ---- Basic training loops ------------------------------------------------------------------------

@guide
def basic_training_loop(tf):
    TRUE_W, TRUE_B = 3.0, 2.0
    x = tf.linspace(-2.0, 2.0, 20)
    noise = tf.sin(tf.range(20, dtype=tf.float32)) * 0.1
    y = x * TRUE_W + TRUE_B + noise

    class MyModel(tf.Module):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.w = tf.Variable(5.0)
            self.b = tf.Variable(0.0)

        def __call__(self, x):
            return self.w * x + self.b

    def loss(target_y, predicted_y):
        return tf.reduce_mean(tf.square(target_y - predicted_y))

    def train(model, x, y, learning_rate):
        with tf.GradientTape() as t:
            current_loss = loss(y, model(x))
        dw, db = t.gradient(current_loss, [model.w, model.b])
        model.w.assign_sub(learning_rate * dw)
        model.b.assign_sub(learning_rate * db)

    model = MyModel()
    out = {"variables": len(model.variables), "initial_loss": loss(y, model(x))}
    losses = []
    for _ in range(10):
        train(model, x, y, learning_rate=0.1)
        losses.append(loss(y, model(x)))
    out["losses"] = losses
    out["wb"] = [model.w, model.b]

    class MyModelKeras(tf.keras.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.w = self.add_weight(shape=(), initializer=tf.keras.initializers.Constant(5.0))
            self.b = self.add_weight(shape=(), initializer="zeros")

        def call(self, x):
            return self.w * x + self.b

    keras_model = MyModelKeras()
    keras_model.compile(run_eagerly=False, optimizer=tf.keras.optimizers.SGD(learning_rate=0.1),
                        loss=tf.keras.losses.MeanSquaredError())
    history = keras_model.fit(x, y, epochs=3, batch_size=20, verbose=0, shuffle=False)
    out["keras_history"] = [float(v) for v in history.history["loss"]]
    out["keras_wb"] = [keras_model.w, keras_model.b]
    out["keras_eval"] = float(keras_model.evaluate(x, y, verbose=0))
    return out


# ---- Customizing what happens in fit --------------------------------------------------------------

@guide
def custom_fit(tf):
    keras = tf.keras

    class CustomModel(keras.Model):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.loss_tracker = keras.metrics.Mean(name="loss")
            self.mse = keras.losses.MeanSquaredError()
            self.mae_metric = keras.metrics.MeanAbsoluteError(name="mae")

        def train_step(self, data):
            x, y = data
            with tf.GradientTape() as tape:
                y_pred = self(x, training=True)
                loss = self.mse(y, y_pred)
            gradients = tape.gradient(loss, self.trainable_variables)
            self.optimizer.apply_gradients(zip(gradients, self.trainable_variables))
            self.loss_tracker.update_state(loss)
            self.mae_metric.update_state(y, y_pred)
            return {"loss": self.loss_tracker.result(), "mae": self.mae_metric.result()}

        def test_step(self, data):
            x, y = data
            y_pred = self(x, training=False)
            self.loss_tracker.update_state(self.mse(y, y_pred))
            self.mae_metric.update_state(y, y_pred)
            return {"loss": self.loss_tracker.result(), "mae": self.mae_metric.result()}

        @property
        def metrics(self):
            return [self.loss_tracker, self.mae_metric]

    inputs = keras.Input(shape=(4,))
    hidden = keras.layers.Dense(3, activation="tanh", kernel_initializer=keras.initializers.Constant(0.1))(inputs)
    outputs = keras.layers.Dense(1, kernel_initializer="ones")(hidden)
    model = CustomModel(inputs, outputs)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01))
    x = np.linspace(-1.0, 1.0, 32 * 4).reshape(32, 4).astype("float32")
    y = (np.sin(np.arange(32)) * 0.5).reshape(32, 1).astype("float32")
    history = model.fit(x, y, epochs=2, batch_size=8, verbose=0, shuffle=False)
    evaluated = model.evaluate(x, y, verbose=0, return_dict=True)
    out = {"history": {k: [float(v) for v in vs] for k, vs in sorted(history.history.items())},
           "evaluate": {k: float(v) for k, v in sorted(evaluated.items())},
           "predict": model.predict(x[:3], verbose=0)}

    class SimpleModel(keras.Model):
        def train_step(self, data):
            x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(data)
            with tf.GradientTape() as tape:
                y_pred = self(x, training=True)
                loss = self.compute_loss(y=y, y_pred=y_pred, sample_weight=sample_weight)
            gradients = tape.gradient(loss, self.trainable_variables)
            self.optimizer.apply_gradients(zip(gradients, self.trainable_variables))
            for metric in self.metrics:
                if metric.name == "loss":
                    metric.update_state(loss)
                else:
                    metric.update_state(y, y_pred, sample_weight=sample_weight)
            return {m.name: m.result() for m in self.metrics}

    inputs = keras.Input(shape=(4,))
    outputs = keras.layers.Dense(1, kernel_initializer="zeros")(inputs)
    simple = SimpleModel(inputs, outputs)
    simple.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse", metrics=["mae"])
    sw = np.linspace(0.5, 1.5, 32).astype("float32")
    hist = simple.fit(x, y, sample_weight=sw, epochs=2, batch_size=16, verbose=0, shuffle=False)
    out["sample_weight"] = {k: [float(v) for v in vs] for k, vs in sorted(hist.history.items())}
    out["kernel"] = simple.layers[-1].kernel
    return out


# ---- what the guides' features do at their edges --------------------------------------------------------

@guide
def guide_edge_cases(tf):
    x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    out = {}
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * 2.0
    out["jacobian_no_pfor"] = _error_name(lambda: tape.jacobian(y, x, experimental_use_pfor=False))
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = tf.reduce_sum(x, axis=1)
        unrelated = tf.constant([1.0, 2.0])
    out["batch_jacobian_rank"] = _error_name(lambda: tape.batch_jacobian(y, x))
    out["batch_jacobian_batch"] = _error_name(lambda: tape.batch_jacobian(tf.stack([y, y, y], 1)[:1], x))
    out["jacobian_unconnected"] = [tape.jacobian(unrelated, x) is None,
                                   tape.jacobian(unrelated, x, unconnected_gradients=tf.UnconnectedGradients.ZERO)]
    out["batch_jacobian_unconnected"] = tape.batch_jacobian(tf.stack([unrelated, unrelated], 1), x)
    out["jacobian_sum"] = tape.jacobian(y, x)

    @tf.function
    def squares(n):
        ta = tf.TensorArray(tf.int32, size=0, dynamic_size=True)
        for i in tf.range(n):
            ta = ta.write(i, i * i)
        return ta.stack(), ta.size()

    @tf.function
    def fixed(v):
        ta = tf.TensorArray(tf.float32, size=3, element_shape=[2])
        for i in tf.range(3):
            ta = ta.write(i, v * tf.cast(i, tf.float32))
        return ta.stack(), ta.read(2), ta.gather([2, 0])

    @tf.function
    def too_far(n):
        ta = tf.TensorArray(tf.float32, size=2)
        for i in tf.range(n):
            ta = ta.write(i, 1.0)
        return ta.stack()
    out["tensor_array"] = [squares(tf.constant(4)), squares(tf.constant(0)), fixed(tf.constant([1.0, -1.0])),
                           too_far(tf.constant(2)), _error_name(lambda: too_far(tf.constant(3)))]

    ds = tf.data.Dataset.range(6)
    out["group_by_window_args"] = [
        _error_name(lambda: ds.group_by_window(lambda v: v % 2, lambda k, w: w.batch(2))),
        _error_name(lambda: ds.group_by_window(lambda v: tf.cast(v % 2, tf.int32), lambda k, w: w.batch(2),
                                               window_size=2)),
        _error_name(lambda: list(ds.group_by_window(lambda v: v % 2, lambda k, w: w.batch(2), window_size=0)))]
    out["group_by_window_size_func"] = [b.numpy().tolist() for b in ds.group_by_window(
        lambda v: v % 3, lambda k, w: w.batch(4), window_size_func=lambda k: k + 1)]
    out["bucket_args"] = _error_name(lambda: ds.bucket_by_sequence_length(lambda v: v, [2], [1]))
    out["bucket_boundary_padding"] = [b.numpy().tolist() for b in tf.data.Dataset.range(1, 5).map(
        lambda n: tf.fill([n], n)).bucket_by_sequence_length(lambda e: tf.shape(e)[0], [3, 6], [2, 2, 2],
                                                            pad_to_bucket_boundary=True)]
    out["unique_float"] = _error_name(lambda: tf.data.Dataset.from_tensor_slices([1.0, 1.0]).unique())
    out["single_element"] = [_error_name(lambda: tf.data.Dataset.range(0).get_single_element()),
                             _error_name(lambda: tf.data.Dataset.range(2).get_single_element()),
                             tf.data.Dataset.from_tensors(({"a": 1}, 2.0)).get_single_element()]
    out["string_add"] = [tf.constant(["a", "b"]) + "!", tf.strings.join(["x", "y"]),
                         _error_name(lambda: tf.constant(["a"]) + tf.constant(1))]
    return out
