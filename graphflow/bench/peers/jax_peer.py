"""JAX's implementation of the BENCHMARKS.md workloads (run by `graphflow bench --peers`).

Standalone: imports only numpy, JAX and peer_common. Modes: op-by-op (eager) and jax.jit.
W5 has no JAX entry (BENCHMARKS.md compares Keras on TF and a PyTorch loop).
"""
from __future__ import annotations

from functools import partial

import cnn_reference as cnn
import jax
import jax.numpy as jnp
import numpy as np
import peer_common as pc

FW = "jax"


def _np(o):
    return [np.asarray(o)]


def w1(case, args):
    x_np = pc.gelu_input(case)
    x = jnp.asarray(x_np)
    gelu = pc.gelu_of(jnp.tanh)
    jit = jax.jit(gelu)
    modes = [(f"{FW} op-by-op", lambda: gelu(x).block_until_ready(), False),
             (f"{FW} jit", lambda: jit(x).block_until_ready(), True)]
    return pc.time_gelu(case, modes, x_np, args, _np)


def w2(case, args):
    k = pc.case_value(case, "chain", 100)
    chain = pc.add_chain(k)
    x = jnp.asarray(np.float32(1.0))
    jit = jax.jit(chain)
    modes = [(f"{FW} op-by-op", lambda: chain(x).block_until_ready(), False),
             (f"{FW} jit", lambda: jit(x).block_until_ready(), True)]
    rows = pc.time_modes("W2", case, modes, [np.float32(1.0 + k)], args.repeat or 30, to_numpy=_np)
    return pc.dispatch_notes(rows, k)


def _loss(params, x, y):
    logp = jax.nn.log_softmax(pc.mlp_forward(params, x, jax.nn.relu))
    return -jnp.mean(jnp.take_along_axis(logp, y[:, None], axis=1))


def _step(params, x, y):
    loss, grads = jax.value_and_grad(_loss)(params, x, y)
    return loss, [p - 0.1 * g for p, g in zip(params, grads)]


def _mlp_case(workload, case, args):
    """W3/W4: one SGD step of the MLP, op-by-op and under jax.jit."""
    data = pc.mlp_case(workload, case)
    params = [jnp.asarray(p) for p in data.init]
    x, y = jnp.asarray(data.x), jnp.asarray(data.y)
    jit = jax.jit(_step)

    def run(f):
        loss, new = f(params, x, y)
        jax.block_until_ready(new)
        return [np.asarray(loss)] + [np.asarray(p) for p in new]

    # a functional step: every call starts from the same weights, so no reset is needed
    modes = [(f"{FW} op-by-op", lambda: run(_step), False, lambda: jax.block_until_ready(_step(params, x, y))),
             (f"{FW} jit", lambda: run(jit), True, lambda: jax.block_until_ready(jit(params, x, y)))]
    return pc.time_training(workload, case, modes, data.expected, args)


def w6(case, args):
    k = pc.case_value(case, "K", 10)
    x_np = np.random.RandomState(0).standard_normal(1024).astype(np.float32)
    x = jnp.asarray(x_np)
    jax.jit(lambda v: v + 1.0)(x).block_until_ready()   # JAX's one-time start-up is not the graph's cost

    def chain(v):
        for i in range(k):
            v = v * 1.0001 if i % 2 == 0 else v + 0.5
        return v
    jit = jax.jit(chain)
    modes = [(f"{FW} jit", lambda: jit(x).block_until_ready(), True)]
    return pc.time_modes("W6", case, modes, [pc.chain_numpy(x_np, k)], args.repeat or 20, rtol=1e-5, atol=1e-5,
                         to_numpy=_np)


def w9(case, args):
    """Batch-1 inference through jax.jit."""
    params_np, x_np = pc.infer_case(case)
    params, x = [jnp.asarray(p) for p in params_np], jnp.asarray(x_np)

    jit = jax.jit(lambda params, v: pc.mlp_forward(params, v, jax.nn.relu))
    modes = [(f"{FW} jit", lambda: jit(params, x).block_until_ready(), True)]
    return pc.time_inference(case, modes, params_np, x_np, args, _np)


def _lstm_loss(params, x):
    """sum of the last h of Keras's LSTM (gates i, f, c, o), the recurrence as lax.scan."""
    kernel, recurrent, bias = params
    u = recurrent.shape[0]
    projected = jnp.einsum("btf,fg->tbg", x, kernel) + bias

    def cell(carry, z_x):
        h, c = carry
        z = z_x + h @ recurrent
        i, f = jax.nn.sigmoid(z[:, :u]), jax.nn.sigmoid(z[:, u:2 * u])
        g, o = jnp.tanh(z[:, 2 * u:3 * u]), jax.nn.sigmoid(z[:, 3 * u:])
        c = f * c + i * g
        h = o * jnp.tanh(c)
        return (h, c), None
    zeros = jnp.zeros((x.shape[0], u), x.dtype)
    (h, _), _ = jax.lax.scan(cell, (zeros, zeros), projected)
    return jnp.sum(h)


def w8(case, args):
    t = pc.case_value(case, "T", 50)
    params_np, x_np = pc.lstm_params(), pc.lstm_input(t)
    params, x = [jnp.asarray(p) for p in params_np], jnp.asarray(x_np)
    jit = jax.jit(jax.value_and_grad(_lstm_loss))

    def run():
        loss, grads = jit(params, x)
        return [np.asarray(loss)] + [np.asarray(g) for g in grads]
    modes = [(f"{FW} jit", run, True, lambda: jax.block_until_ready(jit(params, x)))]
    return pc.time_modes("W8", case, modes, pc.lstm_numpy(params_np, x_np), args.repeat or 20, pc.LSTM_RTOL,
                         pc.LSTM_ATOL)


def _cnn_loss(params, x, y):
    k1, b1, k2, b2, w3, b3, w4, b4 = params
    dims = ("NHWC", "HWIO", "NHWC")

    def conv_relu_pool(h, k, b):
        h = jax.nn.relu(jax.lax.conv_general_dilated(h, k, (1, 1), "VALID", dimension_numbers=dims) + b)
        return jax.lax.reduce_window(h, -jnp.inf, jax.lax.max, (1, 2, 2, 1), (1, 2, 2, 1), "VALID")
    h = conv_relu_pool(conv_relu_pool(x, k1, b1), k2, b2)
    h = jax.nn.relu(h.reshape(h.shape[0], -1) @ w3 + b3)
    logp = jax.nn.log_softmax(h @ w4 + b4)
    return -jnp.mean(jnp.take_along_axis(logp, y[:, None], axis=1))


def _cnn_step(params, x, y):
    loss, grads = jax.value_and_grad(_cnn_loss)(params, x, y)
    return loss, [p - cnn.LR * g for p, g in zip(params, grads)]


def w7(case, args):
    """The CNN training step (cnn_reference.py) under jax.jit, TensorFlow's layouts."""
    batch = pc.case_value(case, "batch", cnn.BATCH)
    x_np, y_np = cnn.cnn_batch(batch)
    init = cnn.cnn_params()
    exp_loss, exp_params = cnn.cnn_step_numpy(init, x_np, y_np)
    params = [jnp.asarray(p) for p in init]
    x, y = jnp.asarray(x_np), jnp.asarray(y_np)
    jit = jax.jit(_cnn_step)

    def run():
        loss, new = jit(params, x, y)
        jax.block_until_ready(new)
        return [np.asarray(loss)] + [np.asarray(p) for p in new]
    modes = [(f"{FW} jit", run, True, lambda: jax.block_until_ready(jit(params, x, y)))]
    return pc.time_training("W7", case, modes, [exp_loss] + exp_params, args)


if __name__ == "__main__":
    handlers = {"W1": w1, "W2": w2, "W3": partial(_mlp_case, "W3"), "W4": partial(_mlp_case, "W4"),
                "W6": w6, "W7": w7, "W8": w8, "W9": w9}
    raise SystemExit(pc.main(handlers, FW, jax.__version__))
