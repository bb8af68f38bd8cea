"""Recurrent layers run as one loop op (ops/recurrent.py): the same numbers and gradients as the
per-step chain they replaced, in eager, gf.function and Keras fit, with a graph whose size does not
grow with the sequence. The chain still runs for activations the ops do not compute (a user's
function), so a layer with `activation=lambda x: gf.tanh(x)` is the previous unrolled math."""
from __future__ import annotations

import numpy as np
import pytest

import graphflow as gf
from graphflow import threading_config
from graphflow.kernels import gemm_pool
from graphflow.kernels import recurrent as fast_kernels
from graphflow.ops import recurrent
from graphflow.ops.registry import get

L = gf.keras.layers
RNG = np.random.RandomState(7)
X = RNG.standard_normal((3, 5, 4)).astype(np.float32)
MASK = np.array([[1, 1, 0, 1, 0], [0, 0, 1, 1, 1], [1, 1, 1, 1, 1]], bool)
LAYERS = {"LSTM": L.LSTM, "GRU": L.GRU, "SimpleRNN": L.SimpleRNN}
OPTIONS = [{}, {"return_sequences": True, "go_backwards": True}, {"return_state": True, "zero_output_for_mask": True},
           {"return_sequences": True, "use_bias": False}]


def _pair(name, **options):
    """The loop-op layer and a per-step-chain twin (same math through user functions), same weights."""
    extra = {} if name == "SimpleRNN" else {"recurrent_activation": lambda v: gf.sigmoid(v)}
    loop = LAYERS[name](6, **options)
    chain = LAYERS[name](6, activation=lambda v: gf.tanh(v), **extra, **options)
    loop.build(X.shape)
    chain.build(X.shape)
    chain.set_weights(loop.get_weights())
    return loop, chain


def _loss_and_grads(layer, x, mask):
    with gf.GradientTape() as tape:
        out = layer(x, mask=mask)
        outs = out if isinstance(out, list) else [out]
        # a different weight per output and unit, so every output's gradient path counts
        loss = gf.add_n([gf.reduce_sum(o * float(k + 1) * gf.cos(gf.range(6, dtype=gf.float32)))
                         for k, o in enumerate(outs)])
    return outs, tape.gradient(loss, layer.trainable_weights)


def _assert_same(got, want):
    for a, b in zip(got, want):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=2e-4, atol=2e-5)


@pytest.mark.parametrize("name", sorted(LAYERS))
@pytest.mark.parametrize("options", OPTIONS, ids=["last", "sequences_backwards", "state_zero_masked", "no_bias"])
@pytest.mark.parametrize("masked", [False, True], ids=["unmasked", "masked"])
def test_loop_op_matches_the_per_step_chain_in_eager(name, options, masked):
    loop, chain = _pair(name, **options)
    mask = gf.constant(MASK) if masked else None
    outs, grads = _loss_and_grads(loop, gf.constant(X), mask)
    want_outs, want_grads = _loss_and_grads(chain, gf.constant(X), mask)
    _assert_same(outs, want_outs)
    _assert_same(grads, want_grads)


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_loop_op_matches_the_per_step_chain_in_gf_function(name):
    loop, chain = _pair(name, return_sequences=True, return_state=True)
    mask = gf.constant(MASK)
    step_loop = gf.function(lambda x: _loss_and_grads(loop, x, mask))
    step_chain = gf.function(lambda x: _loss_and_grads(chain, x, mask))
    (outs, grads), (want_outs, want_grads) = step_loop(gf.constant(X)), step_chain(gf.constant(X))
    _assert_same(outs, want_outs)
    _assert_same(grads, want_grads)


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_fit_trains_the_loop_op_as_sgd_on_the_per_step_chain(name):
    """Two full-batch fit steps (SGD 0.1, mse) of the loop op against the same two steps written
    out in eager on the per-step chain."""
    y = np.arange(3, dtype=np.float32)[:, None]
    loop, chain = _pair(name)
    gf.keras.utils.set_random_seed(0)
    inputs = gf.keras.Input((5, 4))
    dense = L.Dense(1)
    model = gf.keras.Model(inputs, dense(loop(inputs)))
    start = [w.copy() for w in model.get_weights()]
    model.compile(optimizer=gf.keras.optimizers.SGD(0.1), loss="mse")
    model.fit(X, y, epochs=2, batch_size=3, verbose=0)
    chain.set_weights(start[:len(chain.get_weights())])
    head = L.Dense(1)
    head.build((3, 6))
    head.set_weights(start[len(chain.get_weights()):])
    variables = chain.trainable_weights + head.trainable_weights
    for _ in range(2):
        with gf.GradientTape() as tape:
            loss = gf.reduce_mean(gf.square(head(chain(gf.constant(X))) - y))
        for v, g in zip(variables, tape.gradient(loss, variables)):
            v.assign_sub(0.1 * g)
    _assert_same(model.get_weights(), [v.numpy() for v in variables])


def test_the_graph_of_a_step_does_not_grow_with_the_sequence():
    def op_count(timesteps):
        layer = L.LSTM(6)
        x = np.zeros((2, timesteps, 4), np.float32)
        fn = gf.function(lambda x: _loss_and_grads(layer, x, None)[1])
        return len(fn.get_concrete_function(gf.constant(x)).graph.get_operations())
    assert op_count(3) == op_count(30)


@pytest.mark.parametrize("activation", ["relu", "linear", "sigmoid"])
def test_other_named_activations_run_the_loop_op_with_the_chains_numbers(activation):
    loop = L.SimpleRNN(6, activation=activation, return_sequences=True)
    fn = {"relu": gf.nn.relu, "linear": lambda v: v, "sigmoid": gf.sigmoid}[activation]
    chain = L.SimpleRNN(6, activation=lambda v: fn(v), return_sequences=True)
    loop.build(X.shape)
    chain.build(X.shape)
    chain.set_weights(loop.get_weights())
    _assert_same(_loss_and_grads(loop, gf.constant(X), None)[1], _loss_and_grads(chain, gf.constant(X), None)[1])


@pytest.mark.parametrize("op", ["LSTMSequence", "GRUSequence", "SimpleRNNSequence"])
@pytest.mark.parametrize("overlapped", [False, True], ids=["whole", "chunks_on_helpers"])
def test_numba_steps_compute_what_the_numpy_steps_compute(op, overlapped, monkeypatch):
    """The fast kernel (numba step functions) against the reference (numpy step functions), forward
    and backward, masked and go_backwards, float64; `chunks_on_helpers`: the recurrent kernel's
    gradient in chunks of steps on gemm_pool's helper threads while the loop runs, as for big
    sequences."""
    if overlapped:
        monkeypatch.setattr(gemm_pool, "MIN_MACS", 0)
        monkeypatch.setattr(fast_kernels, "MIN_CHUNK_STEPS", 1)
        monkeypatch.setattr(threading_config, "intra_op_threads", lambda: 3)
    gates = {"LSTMSequence": 4, "GRUSequence": 3, "SimpleRNNSequence": 1}[op]
    rng = np.random.RandomState(1)
    t, b, u = 4, 3, 5
    states = [rng.standard_normal((b, u)) for _ in range(2 if op == "LSTMSequence" else 1)]
    inputs = [rng.standard_normal((t, b, gates * u)), *states, rng.standard_normal((u, gates * u)) * 0.5]
    if op == "GRUSequence":
        inputs.append(rng.standard_normal(gates * u))
    inputs.append((rng.random_sample((t, b)) < 0.7).astype(np.float64))
    attrs = {"go_backwards": True, "activation": "tanh"}
    forward, backward = get(op), get(op + "Grad")
    want = forward.kernel(*inputs, **attrs)
    got = fast_kernels.FAST_KERNELS[op](*inputs, **attrs)
    _assert_same(got, want)
    n_public = 3 if op == "LSTMSequence" else 2
    cotangents = [rng.standard_normal(o.shape) for o in want[:n_public]]
    n_in = len(inputs) - 1
    grad_inputs = [*inputs[1:n_in], want[0], *want[n_public:-1], *cotangents, inputs[-1], want[-1]]
    _assert_same(fast_kernels.FAST_KERNELS[op + "Grad"](*grad_inputs, **attrs),
                 backward.kernel(*grad_inputs, **attrs))


def test_a_recurrent_kernel_of_the_wrong_shape_names_the_op_and_shapes():
    with pytest.raises(gf.errors.InvalidArgumentError, match=r"LSTMSequence.*recurrent_kernel"):
        recurrent_api().lstm_sequence(np.zeros((2, 3, 8), np.float32), np.zeros((3, 2), np.float32),
                                      np.zeros((3, 2), np.float32), np.zeros((2, 6), np.float32))


def test_an_activation_the_ops_do_not_compute_is_refused_by_name():
    with pytest.raises(gf.errors.InvalidArgumentError, match="elu"):
        recurrent_api().simple_rnn_sequence(np.zeros((2, 3, 2), np.float32), np.zeros((3, 2), np.float32),
                                            np.zeros((2, 2), np.float32), activation="elu")
    assert "elu" not in recurrent.ACTIVATIONS


def recurrent_api():
    from graphflow.ops.api import recurrent as api
    return api
