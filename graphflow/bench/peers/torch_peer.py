"""PyTorch's implementation of the BENCHMARKS.md workloads (run by `graphflow bench --peers`).

Standalone: imports only numpy, PyTorch and peer_common. Modes: eager and torch.compile; W5 is
a plain training loop for the MLP (BENCHMARKS.md).
"""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import time
from functools import partial

# Compile times are cold, as BENCHMARKS.md measured them: inductor's on-disk cache would make a
# second run's torch.compile look 10x faster. A cache dir set by the user is respected.
if "TORCHINDUCTOR_CACHE_DIR" not in os.environ:
    os.environ["TORCHINDUCTOR_CACHE_DIR"] = tempfile.mkdtemp(prefix="graphflow-peer-inductor-")
    atexit.register(shutil.rmtree, os.environ["TORCHINDUCTOR_CACHE_DIR"], True)

import cnn_reference as cnn  # noqa: E402
import numpy as np  # noqa: E402
import peer_common as pc  # noqa: E402
import torch  # noqa: E402

FW = "torch"


def _np(o):
    return [o.detach().numpy()]


def _compile(fn):
    torch._dynamo.reset()   # a new graph: no cache from an earlier case
    return torch.compile(fn)


def w1(case, args):
    x_np = pc.gelu_input(case)
    x = torch.from_numpy(x_np)
    gelu = pc.gelu_of(torch.tanh)
    comp = _compile(gelu)
    modes = [(f"{FW} eager", lambda: gelu(x), False), (f"{FW} compile", lambda: comp(x), True)]
    return pc.time_gelu(case, modes, x_np, args, _np)


def w2(case, args):
    k = pc.case_value(case, "chain", 100)
    chain = pc.add_chain(k)
    x = torch.tensor(1.0)
    comp = _compile(chain)
    modes = [(f"{FW} eager", lambda: chain(x), False), (f"{FW} compile", lambda: comp(x), True)]
    rows = pc.time_modes("W2", case, modes, [np.float32(1.0 + k)], args.repeat or 30, to_numpy=_np)
    return pc.dispatch_notes(rows, k)


def _trainable(start):
    """Leaf tensors holding `start` (numpy arrays), and a function that puts `start` back."""
    params = [torch.tensor(p, requires_grad=True) for p in start]

    def reset():
        with torch.no_grad():
            for p, v in zip(params, start):
                p.copy_(torch.from_numpy(v))
    return params, reset


def _mlp_case(workload, case, args):
    """W3/W4: one SGD step of the MLP, eager and under torch.compile."""
    data = pc.mlp_case(workload, case)
    params, reset = _trainable(data.init)
    x, y = torch.from_numpy(data.x), torch.from_numpy(data.y.astype(np.int64))

    def step(x, y):
        loss = torch.nn.functional.cross_entropy(pc.mlp_forward(params, x, torch.relu), y)
        grads = torch.autograd.grad(loss, params)
        with torch.no_grad():
            for p, g in zip(params, grads):
                p.sub_(0.1 * g)
        return loss

    comp = _compile(step)

    def first(f):
        def run():
            loss = f(x, y)
            return [loss.detach().numpy()] + [p.detach().numpy().copy() for p in params]
        return run

    modes = [(f"{FW} eager", first(step), False, lambda: step(x, y), reset),
             (f"{FW} compile", first(comp), True, lambda: comp(x, y), reset)]
    return pc.time_training(workload, case, modes, data.expected, args)


def w5(case, args):
    """A plain PyTorch training loop for the MLP (BENCHMARKS.md has no PyTorch CNN figure)."""
    if pc.model_of(case) != "MLP":
        return []
    (xtr, ytr), (xte, yte) = pc.load_digits(args.digits)
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(64, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    xa, ya = torch.from_numpy(xtr.reshape(-1, 64)), torch.from_numpy(ytr)
    g = torch.Generator().manual_seed(0)
    epochs = pc.epochs_for(args, case)
    times = []
    for _ in range(epochs):
        t0 = time.perf_counter()
        order = torch.randperm(len(xa), generator=g)
        for i in range(0, len(xa), 32):
            idx = order[i:i + 32]
            opt.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(xa[idx]), ya[idx])
            loss.backward()
            opt.step()
        times.append(time.perf_counter() - t0)
    with torch.no_grad():
        pred = model(torch.from_numpy(xte.reshape(-1, 64))).argmax(1).numpy()
    return [pc.epoch_rows("W5", f"{FW} training loop", case, times, float((pred == yte).mean()), epochs)]


def w6(case, args):
    k = pc.case_value(case, "K", 10)
    x_np = np.random.RandomState(0).standard_normal(1024).astype(np.float32)
    x = torch.from_numpy(x_np)
    _compile(lambda v: v + 1.0)(x)   # torch.compile's one-time start-up is not the graph's cost

    def chain(v):
        for i in range(k):
            v = v * 1.0001 if i % 2 == 0 else v + 0.5
        return v
    comp = _compile(chain)
    modes = [(f"{FW} compile", lambda: comp(x), True)]
    return pc.time_modes("W6", case, modes, [pc.chain_numpy(x_np, k)], args.repeat or 20, rtol=1e-5, atol=1e-5,
                         to_numpy=_np)


def w9(case, args):
    """Batch-1 inference, eager under torch.inference_mode (PyTorch's fastest plain call)."""
    params_np, x_np = pc.infer_case(case)
    params, x = [torch.from_numpy(p) for p in params_np], torch.from_numpy(x_np)

    def forward():
        with torch.inference_mode():
            return pc.mlp_forward(params, x, torch.relu, dense=lambda v, w, b: torch.addmm(b, v, w))
    modes = [(f"{FW} eager", forward, False)]
    return pc.time_inference(case, modes, params_np, x_np, args, _np)


def w8(case, args):
    """torch.nn.LSTM has Keras's gate order (i, f, g, o); its weights are the transposes."""
    t = pc.case_value(case, "T", 50)
    (kernel, recurrent, bias), x_np = pc.lstm_params(), pc.lstm_input(t)
    lstm = torch.nn.LSTM(pc.LSTM_FEATURES, pc.LSTM_UNITS, batch_first=True)
    with torch.no_grad():
        lstm.weight_ih_l0.copy_(torch.from_numpy(kernel.T.copy()))
        lstm.weight_hh_l0.copy_(torch.from_numpy(recurrent.T.copy()))
        lstm.bias_ih_l0.copy_(torch.from_numpy(bias))
        lstm.bias_hh_l0.zero_()
    x = torch.from_numpy(x_np)
    weights = [lstm.weight_ih_l0, lstm.weight_hh_l0, lstm.bias_ih_l0]

    def step():
        _, (h, _) = lstm(x)
        loss = h.sum()
        grads = torch.autograd.grad(loss, weights)
        return [loss.detach().numpy(), grads[0].T.numpy(), grads[1].T.numpy(), grads[2].numpy()]
    modes = [(f"{FW} eager", step, False)]
    return pc.time_modes("W8", case, modes, pc.lstm_numpy(pc.lstm_params(), x_np), args.repeat or 20,
                         pc.LSTM_RTOL, pc.LSTM_ATOL)


def cnn_step(params):
    """The W7 step over NCHW/OIHW parameters [k1, b1, k2, b2, w3, b3, w4, b4]: step(x, y) -> loss,
    SGD applied (also timed by benchmarks/w7_cpu_time.py)."""
    F = torch.nn.functional

    def step(x, y):
        k1, b1, k2, b2, w3, b3, w4, b4 = params
        h = F.max_pool2d(torch.relu(F.conv2d(x, k1, b1)), 2)
        h = F.max_pool2d(torch.relu(F.conv2d(h, k2, b2)), 2)
        h = torch.relu(h.permute(0, 2, 3, 1).reshape(h.shape[0], -1) @ w3 + b3)
        loss = F.cross_entropy(h @ w4 + b4, y)
        grads = torch.autograd.grad(loss, params)
        with torch.no_grad():
            for p, g in zip(params, grads):
                p.sub_(cnn.LR * g)
        return loss
    return step


def w7(case, args):
    """The CNN training step (cnn_reference.py) in eager PyTorch, NCHW with OIHW filters.

    Filters are converted from TensorFlow's HWIO and back for the agreement check; the second
    pool's output is flattened in NHWC order so the dense weights are TensorFlow's as they are.
    """
    batch = pc.case_value(case, "batch", cnn.BATCH)
    x_np, y_np = cnn.cnn_batch(batch)
    init = cnn.cnn_params()
    exp_loss, exp_params = cnn.cnn_step_numpy(init, x_np, y_np)

    def to_torch(p):
        return np.ascontiguousarray(p.transpose(3, 2, 0, 1)) if p.ndim == 4 else p
    params, reset = _trainable([to_torch(p) for p in init])
    x = torch.from_numpy(np.ascontiguousarray(x_np.transpose(0, 3, 1, 2)))
    y = torch.from_numpy(y_np.astype(np.int64))

    step = cnn_step(params)

    def first():
        loss = step(x, y)
        back = [p.detach().numpy() for p in params]
        return [loss.detach().numpy()] + [b.transpose(2, 3, 1, 0) if b.ndim == 4 else b for b in back]

    modes = [(f"{FW} eager", first, False, lambda: step(x, y), reset)]
    return pc.time_training("W7", case, modes, [exp_loss] + exp_params, args)


if __name__ == "__main__":
    torch.set_num_threads(max(1, torch.get_num_threads()))
    handlers = {"W1": w1, "W2": w2, "W3": partial(_mlp_case, "W3"), "W4": partial(_mlp_case, "W4"),
                "W5": w5, "W6": w6, "W7": w7, "W8": w8, "W9": w9}
    raise SystemExit(pc.main(handlers, FW, torch.__version__))
