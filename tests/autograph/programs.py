"""TF-guide-style programs with Python control flow on tensors inside tf.function, written against
a module argument `tf`: tools/tfref/record_autograph.py runs them under TensorFlow 2.21 and
records their outputs in tests/data/autograph/programs.json; test_tf_programs.py runs them under
graphflow and compares. Each program returns a dict of named outputs (tensors or lists of them)."""
from __future__ import annotations

import numpy as np

PROGRAMS = {}


def program(fn):
    PROGRAMS[fn.__name__] = fn
    return fn


@program
def collatz(tf):
    """A while loop on a tensor condition, an if inside it, a counter that starts as a Python int."""
    @tf.function
    def steps(n):
        count = 0
        while n != 1:
            if n % 2 == 0:
                n = n // 2
            else:
                n = 3 * n + 1
            count += 1
        return count
    return {"27": steps(tf.constant(27)), "6": steps(tf.constant(6)), "1": steps(tf.constant(1))}


@program
def reduced_if(tf):
    """if / elif / else on reduced values, the branches assigning the same variable."""
    @tf.function
    def normalise(x):
        if tf.reduce_max(tf.abs(x)) > 1.0:
            x = x / tf.reduce_max(tf.abs(x))
        elif tf.reduce_mean(x) < 0.0:
            x = -x
        else:
            x = x * 2.0
        return x
    return {"large": normalise(tf.constant([4.0, -2.0])), "negative": normalise(tf.constant([-0.5, 0.25])),
            "small": normalise(tf.constant([0.25, 0.5]))}


@program
def early_break(tf):
    """A for loop over tf.range that stops early when a reduced value crosses a tensor limit."""
    @tf.function
    def grow(x, limit):
        steps = 0
        for _ in tf.range(100):
            x = x * 1.5
            steps += 1
            if tf.reduce_sum(x) > limit:
                break
        return x, steps
    return {"crosses": grow(tf.constant([1.0, 2.0]), tf.constant(50.0)),
            "at_once": grow(tf.constant([10.0]), tf.constant(1.0))}


@program
def training_loop(tf):
    """Linear regression: `for batch in data` over a tensor of batches, a GradientTape and variable
    updates inside the converted loop, the loss summed across batches."""
    rng = np.random.RandomState(0)
    xs = rng.randn(4, 8, 2).astype(np.float32)
    ys = xs @ np.array([[2.0], [-1.0]], np.float32) + 0.5
    data = tf.constant(np.concatenate([xs, ys], axis=-1))
    w = tf.Variable(tf.zeros([2, 1]))
    b = tf.Variable(0.0)

    @tf.function
    def train_epoch(data):
        total = 0.0
        for batch in data:
            x, y = batch[:, :2], batch[:, 2:]
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean(tf.square(tf.matmul(x, w) + b - y))
            gw, gb = tape.gradient(loss, [w, b])
            w.assign_sub(0.1 * gw)
            b.assign_sub(0.1 * gb)
            total += loss
        return total / 4.0

    losses = [train_epoch(data) for _ in range(3)]
    return {"losses": losses, "w": w.read_value(), "b": b.read_value()}


@program
def unrolled_python_loop(tf):
    """A for loop over a Python list unrolls; Horner's rule on a tensor."""
    @tf.function
    def poly(x):
        y = tf.zeros_like(x)
        for c in [1.0, -2.0, 3.0]:
            y = y * x + c
        return y
    return {"poly": poly(tf.constant([0.0, 1.0, 2.0]))}


@program
def break_with_result(tf):
    """A search loop: the index of the first negative element, found by break in a tensor if."""
    @tf.function
    def first_negative(x):
        found = -1
        for i in tf.range(tf.size(x)):
            if tf.gather(x, i) < 0:
                found = i
                break
        return found
    return {"found": first_negative(tf.constant([1.0, 2.0, -3.0, 4.0])),
            "missing": first_negative(tf.constant([1.0, 2.0]))}


@program
def continue_in_while(tf):
    """continue in a while loop on a tensor condition: the sum of the odd numbers up to n."""
    @tf.function
    def odd_sum(n):
        total = 0
        i = 0
        while i < n:
            i += 1
            if i % 2 == 0:
                continue
            total += i
        return total
    return {"10": odd_sum(tf.constant(10)), "7": odd_sum(tf.constant(7))}


def _wrap_around(v):
    """A user function called from a converted loop: converted too."""
    if v > 10.0:
        v = v - 10.0
    return v


@program
def nested_user_function(tf):
    @tf.function
    def spin(x):
        for _ in tf.range(5):
            x = _wrap_around(x * 3.0)
        return x
    return {"spin": spin(tf.constant(1.25))}


@program
def shape_invariants(tf):
    """A loop variable whose shape changes, allowed by set_loop_options."""
    @tf.function
    def doubling(x):
        while tf.size(x) < 10:
            tf.autograph.experimental.set_loop_options(shape_invariants=[(x, tf.TensorShape([None]))])
            x = tf.concat([x, x + 1.0], 0)
        return x
    return {"doubling": doubling(tf.constant([1.0, 2.0]))}


@program
def gradient_through_loop(tf):
    """Gradients through a converted for loop and a converted while loop."""
    @tf.function
    def power(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = x
            for _ in tf.range(3):
                y = y * x
        return y, tape.gradient(y, x)

    @tf.function
    def damped(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = x
            while tf.reduce_sum(y) < 20.0:
                y = y * 2.0 + tf.sin(x)
        return y, tape.gradient(y, x)
    return {"power": power(tf.constant(1.5)), "damped": damped(tf.constant([0.5, 1.0]))}


@program
def len_and_logic(tf):
    """len of a tensor, `and`/`not` on tensors, a conditional expression."""
    @tf.function
    def count_positive_prefix(x):
        i = 0
        n = len(x)
        while i < n and not tf.gather(x, i) < 0.0:
            i += 1
        return i, (x * 2.0 if i > 1 else x)
    return {"prefix": count_positive_prefix(tf.constant([3.0, 1.0, -1.0, 2.0])),
            "none": count_positive_prefix(tf.constant([-1.0, 1.0]))}
