"""What every peer script shares: arguments, data, numpy references, timing, JSON output.

Imported by the peer scripts as a sibling module (a script's directory is first on sys.path).
Only the standard library and numpy here: a peer may run under an interpreter without graphflow.

Two ways to run a peer script:
- one shot: `python <framework>_peer.py --workload W1 [--case N=4194304 ...] [--repeat N] [--quick]
  [--size S] [--digits path.csv.gz]` prints one line `GRAPHFLOW_PEER_ROWS <json list of rows>` on
  stdout; a row has the keys of graphflow.bench.row.Row (workload, mode, case, median_s, ...,
  status, note, extra). `--probe` prints the framework's version and exits.
- served (`--serve`, what `graphflow bench` uses): the process stays alive for a workload and is
  timed in rounds together with graphflow's modes. It reads one JSON command per line on stdin
  and answers each with one line `GRAPHFLOW_PEER <json>` on stdout (the framework's own chatter
  is sent to stderr):
    (start)                                                  -> {"ready": true, "version": "2.21.0"}
    {"op": "case", "workload": "W1", "cases": [...], "repeat": null, "quick": true, "size": null,
     "digits": null}   first calls and agreement checks      -> {"active": <modes left to time>}
    {"op": "round"}    one sample of every active mode       -> {"active": n}
    {"op": "finish"}   the rows of the prepared cases         -> {"rows": [...]}
    {"op": "exit"} or end of input: the process ends.
  Handlers are the same in both ways: `time_modes` times at once in one-shot runs and registers
  its modes for the rounds when served; code that reads the timings afterwards goes through
  `after_timing(fn)` so it runs once the rows are complete.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import sys
import time
from dataclasses import dataclass, field

import numpy as np

MARKER = "GRAPHFLOW_PEER_ROWS "
SERVE_MARKER = "GRAPHFLOW_PEER "

# Cases per workload when graphflow passed none: BENCHMARKS.md sizes (quick: what fits the
# default suite's time budget).
DEFAULT_CASES = {"W1": ["N=4194304"], "W2": ["chain=100"], "W3": ["batch=256"], "W4": ["batch=512"],
                 "W5": ["MLP", "CNN"], "W6": ["K=10", "K=100", "K=1000"], "W7": ["batch=64"],
                 "W8": ["T=50", "T=200"],
                 "W9": ["batch=1"]}
QUICK_CASES = {**DEFAULT_CASES, "W6": ["K=10", "K=100"]}
MLP_SIZES = {"W3": (64, 128, 128, 10), "W4": (784, 1024, 1024, 10), "W9": (64, 128, 128, 10)}
INFER_INNER = 20      # W9: calls per timed sample (a call is microseconds), as graphflow's w9_infer
TRAIN_RTOL, TRAIN_ATOL = 1e-3, 1e-4   # float32 training steps: BLAS summation orders differ


def parse_args(argv=None):
    p = argparse.ArgumentParser()
    p.add_argument("--workload")
    p.add_argument("--case", action="append", default=[])
    p.add_argument("--repeat", type=int, default=None)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--size", default=None, help="the user's --size override (W5: epochs); cases carry the rest")
    p.add_argument("--digits", default=None, help="path of graphflow's digits.csv.gz (W5)")
    p.add_argument("--probe", action="store_true")
    p.add_argument("--serve", action="store_true", help="stay alive and answer JSON commands on stdin")
    args = p.parse_args(argv)
    with_default_cases(args)
    return args


def with_default_cases(args):
    if not args.case and args.workload:
        args.case = list((QUICK_CASES if args.quick else DEFAULT_CASES).get(args.workload, []))
    return args


def case_value(case: str, key: str, default: int) -> int:
    """The integer after `key=` in a case string like "N=4194304" (key case-insensitive); default if absent."""
    for part in case.replace(",", " ").split():
        k, _, v = part.partition("=")
        if k.lower() == key.lower() and v.isdigit():
            return int(v)
    return default


def model_of(case: str) -> str:
    """W5's model named in a case string ("MLP", "CNN epochs=3", ...)."""
    return "CNN" if "CNN" in case.upper() else "MLP"


def emit(rows: list[dict]) -> None:
    sys.stdout.write(MARKER + json.dumps(rows, default=float) + "\n")
    sys.stdout.flush()


def main(handlers: dict, framework: str, version: str, argv=None) -> int:
    """Run the handler of the requested workload for each case; every failure becomes a row."""
    args = parse_args(argv)
    if args.probe:
        print(version)
        return 0
    if args.serve:
        return serve(handlers, framework, version)
    emit(run_cases(handlers, framework, version, args))
    return 0


def run_cases(handlers: dict, framework: str, version: str, args) -> list[dict]:
    rows: list[dict] = []
    handler = handlers.get(args.workload)
    if handler is None:
        rows.append(row(args.workload, f"{framework}", "", status="skipped",
                        note=f"no {framework} implementation of {args.workload}"))
    else:
        for case in args.case:
            try:
                rows += handler(case, args)
            except Exception as e:  # one broken case must not hide the others
                rows.append(row(args.workload, framework, case, status="error",
                                note=f"{type(e).__name__}: {e}".splitlines()[0][:160]))
    for r in rows:
        r["framework"] = framework
        r.setdefault("extra", {})["version"] = version
    return rows


# ---- served: timed in rounds alongside graphflow ------------------------------------------------------
@dataclass
class Sampler:
    """One mode timed in rounds (graphflow.bench.rounds.Sampler's twin: per round one untimed call,
    then `inner` timed calls)."""
    row: dict
    fn: object
    repeat: int
    inner: int = 1
    max_time: float = 10.0
    compiles: bool = False
    samples: list = field(default_factory=list)
    spent: float = 0.0

    @property
    def active(self) -> bool:
        if self.row["status"] != "ok" or len(self.samples) >= max(1, self.repeat):
            return False
        return not (len(self.samples) >= 3 and self.spent > self.max_time)

    def sample(self) -> None:
        try:
            per_call, spent = timed_round(self.fn, self.inner)
        except Exception as e:
            self.row.update(status="error", note=f"{type(e).__name__}: {e}".splitlines()[0][:160])
            return
        self.samples.append(per_call)
        self.spent += spent

    def fill(self) -> None:
        if self.row["status"] != "ok":
            return
        if not self.samples:
            self.row.update(status="error", note="no samples")
            return
        self.row.update(median_s=statistics.median(self.samples), min_s=min(self.samples),
                        max_s=max(self.samples), repeats=len(self.samples))
        if self.compiles:
            self.row["compile_s"] = max(0.0, self.row["first_call_s"] - self.row["median_s"])


class Session:
    """What a served process holds between commands: the modes of the prepared cases."""

    def __init__(self):
        self.samplers: list[Sampler] = []
        self.finishers: list = []

    def active(self) -> int:
        return sum(s.active for s in self.samplers)

    def round(self) -> int:
        for s in self.samplers:
            if s.active:
                s.sample()
        return self.active()

    def finish(self) -> None:
        for s in self.samplers:
            s.fill()
        for fn in self.finishers:
            fn()
        self.samplers, self.finishers = [], []


_session: Session | None = None


def after_timing(fn) -> None:
    """Run `fn` once the rows have their timings: now in a one-shot run, after the rounds when served."""
    if _session is None:
        fn()
    else:
        _session.finishers.append(fn)


def serve(handlers: dict, framework: str, version: str, stdin=None) -> int:
    """Answer JSON commands (see the module docstring) until "exit" or the end of the input."""
    global _session
    proto = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)                 # frameworks print to stdout: keep the protocol's channel clean
    sys.stdout = sys.stderr
    _session = Session()
    rows: list[dict] = []

    def reply(obj) -> None:
        proto.write(SERVE_MARKER + json.dumps(obj, default=float) + "\n")
        proto.flush()

    reply({"ready": True, "version": version})
    for line in stdin or sys.stdin:
        if not line.strip():
            continue
        msg = json.loads(line)
        op = msg.get("op")
        if op == "case":
            args = argparse.Namespace(workload=msg["workload"], case=list(msg.get("cases") or []),
                                      repeat=msg.get("repeat"), quick=bool(msg.get("quick")),
                                      size=msg.get("size"), digits=msg.get("digits"), probe=False, serve=True)
            rows += run_cases(handlers, framework, version, with_default_cases(args))
            reply({"active": _session.active()})
        elif op == "round":
            reply({"active": _session.round()})
        elif op == "finish":
            _session.finish()
            reply({"rows": rows})
            rows = []
        elif op == "exit":
            break
        else:
            reply({"error": f"unknown command {op!r}"})
    return 0


# ---- rows, timing and agreement --------------------------------------------------------------------
def row(workload, mode, case, **kw) -> dict:
    d = {"workload": workload, "mode": mode, "case": case, "status": "ok", "note": ""}
    d.update(kw)
    return d


def measure(fn, repeat=20, warmup=3, inner=1, first_call=None, max_time=10.0) -> dict:
    samples, first_call = timed_samples(fn, repeat, warmup, inner, first_call, max_time)
    return {"median_s": statistics.median(samples), "min_s": min(samples), "max_s": max(samples),
            "repeats": len(samples), "first_call_s": first_call}


# ---- the clock: graphflow.bench.timing and .rounds import these too, so both sides time alike ------
def timed_samples(fn, repeat, warmup, inner, first_call, max_time) -> tuple[list, float]:
    """(seconds per call of each sample, first call's seconds): the first call (unless the caller
    timed it), `warmup` untimed calls, then up to `repeat` samples of `inner` calls each, stopping
    once `max_time` seconds went by (None: never) and at least 3 samples are kept."""
    if first_call is None:
        t0 = time.perf_counter()
        fn()
        first_call = time.perf_counter() - t0
    for _ in range(warmup):
        fn()
    samples = []
    start = time.perf_counter()
    for _ in range(max(1, repeat)):
        t0 = time.perf_counter()
        for _ in range(inner):
            fn()
        samples.append((time.perf_counter() - t0) / inner)
        if max_time is not None and len(samples) >= 3 and time.perf_counter() - start > max_time:
            break
    return samples, first_call


def timed_round(fn, inner) -> tuple[float, float]:
    """One round's sample of a mode: an untimed call (caches back to this mode's state), then
    `inner` timed calls: (seconds per call, seconds spent in the round)."""
    start = time.perf_counter()
    fn()
    t0 = time.perf_counter()
    for _ in range(inner):
        fn()
    end = time.perf_counter()
    return (end - t0) / inner, end - start


def agree(got, expected, rtol=1e-5, atol=1e-6):
    got, expected = list(got), list(expected)
    if len(got) != len(expected):
        return False, f"{len(got)} outputs, expected {len(expected)}"
    for i, (a, b) in enumerate(zip(got, expected)):
        a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
        if a.shape != b.shape:
            return False, f"output {i}: shape {a.shape}, expected {b.shape}"
        if not np.allclose(a, b, rtol=rtol, atol=atol):
            return False, f"output {i}: max abs diff {float(np.max(np.abs(a - b))):.3g}"
    return True, ""


def time_modes(workload, case, modes, expected, repeat, rtol=1e-5, atol=1e-6, inner=1, to_numpy=None):
    """modes: [(name, fn, compiles[, step[, before]])]. First call, check against `expected`, time.

    `fn()`'s first call is timed and its output (a list of arrays, via `to_numpy`) checked; the
    steady state times `step` (default `fn`), e.g. a training step without reading the weights
    back; `before()` runs first (restore the initial weights). As in graphflow's own runner, a
    mode that disagrees is flagged and not timed.
    """
    rows = []
    for name, fn, compiles, *rest in modes:
        step = rest[0] if rest and rest[0] is not None else fn
        before = rest[1] if len(rest) > 1 else None
        r = row(workload, name, case)
        try:
            if before is not None:
                before()
            t0 = time.perf_counter()
            out = fn()
            r["first_call_s"] = time.perf_counter() - t0
            got = to_numpy(out) if to_numpy else out
            if expected is not None:
                ok, detail = agree(got, expected, rtol, atol)
                r["agrees"] = ok
                if not ok:
                    r.update(status="disagrees", note=detail)
                    rows.append(r)
                    continue
            if _session is not None:
                for _ in range(3):   # warm-up, as measure() does
                    step()
                _session.samplers.append(Sampler(r, step, repeat, inner, compiles=compiles))
                rows.append(r)
                continue
            r.update(measure(step, repeat=repeat, inner=inner, first_call=r["first_call_s"]))
            if compiles:
                r["compile_s"] = max(0.0, r["first_call_s"] - r["median_s"])
        except Exception as e:
            r.update(status="error", note=f"{type(e).__name__}: {e}".splitlines()[0][:160])
        rows.append(r)
    return rows


def dispatch_notes(rows, k):
    """W2 notes as graphflow writes them: per op for op-by-op modes, per call for graphs."""
    after_timing(lambda: _dispatch_notes(rows, k))
    return rows


def _dispatch_notes(rows, k):
    for r in rows:
        if r.get("median_s"):
            r.setdefault("extra", {})["per_op_us"] = r["median_s"] / k * 1e6
            per_op = any(w in r["mode"] for w in ("eager", "op-by-op"))
            r["note"] = f"{r['median_s'] / k * 1e6:.2f} µs/op" if per_op else f"{r['median_s'] * 1e6:.1f} µs/call"
    return rows


# ---- data and numpy references ------------------------------------------------------------------
def w1_input(n: int) -> np.ndarray:
    return np.random.RandomState(0).uniform(-4, 4, n).astype(np.float32)


def gelu_numpy(x):
    c = np.float32(0.7978845608)
    return np.float32(0.5) * x * (np.float32(1) + np.tanh(c * (x + np.float32(0.044715) * x * x * x)))


def chain_numpy(x, k):
    """W6's chain: alternating x*1.0001 and x+0.5, k ops."""
    for i in range(k):
        x = x * np.float32(1.0001) if i % 2 == 0 else x + np.float32(0.5)
    return x


def gelu_input(case: str) -> np.ndarray:
    """W1's input for a case ("N=4194304")."""
    return w1_input(case_value(case, "N", 2 ** 22))


def time_gelu(case, modes, x, args, to_numpy):
    """Time W1's modes against the numpy GELU of `x` (float32 tanh: rtol 1e-4)."""
    return time_modes("W1", case, modes, [gelu_numpy(x)], args.repeat or 20, rtol=1e-4, atol=1e-5, to_numpy=to_numpy)


def infer_case(case: str) -> tuple[list, np.ndarray]:
    """W9's numpy weights and input rows for a case ("batch=1")."""
    sizes = MLP_SIZES["W9"]
    return mlp_params(sizes), infer_input(case_value(case, "batch", 1), sizes[0])


def time_inference(case, modes, params, x, args, to_numpy):
    """Time W9's modes, INFER_INNER calls a sample, against the numpy forward pass."""
    return time_modes("W9", case, modes, [mlp_forward_numpy(params, x)], args.repeat or 30, rtol=1e-5, atol=1e-5,
                      inner=INFER_INNER, to_numpy=to_numpy)


def gelu_of(tanh):
    """W1's tanh-approximated GELU written with the framework's `tanh` (python-float constants)."""
    def gelu(x):
        return 0.5 * x * (1.0 + tanh(0.7978845608 * (x + 0.044715 * x * x * x)))
    return gelu


def add_chain(k):
    """W2's chain: `x + 1.0`, k times, on any framework's tensor."""
    def chain(x):
        for _ in range(k):
            x = x + 1.0
        return x
    return chain


def matmul_add(h, w, b):
    return h @ w + b


def mlp_layers(params, x, relu, dense=matmul_add) -> list:
    """The relu MLP over [W1, b1, W2, b2, ...] on any framework: every layer's output, the
    logits last (no relu after the last layer). `dense(h, w, b)` is the affine step."""
    outs, h = [], x
    n_layers = len(params) // 2
    for i in range(n_layers):
        h = dense(h, params[2 * i], params[2 * i + 1])
        if i < n_layers - 1:
            h = relu(h)
        outs.append(h)
    return outs


def mlp_forward(params, x, relu, dense=matmul_add):
    """The relu MLP's logits (see mlp_layers)."""
    return mlp_layers(params, x, relu, dense)[-1]


@dataclass
class MlpCase:
    """W3/W4's training step: the data, the initial weights and the numpy reference after one step."""
    sizes: tuple
    batch: int
    init: list
    x: np.ndarray
    y: np.ndarray
    expected: list        # [loss, W1, b1, ...] after one SGD step


def mlp_case(workload: str, case: str) -> MlpCase:
    sizes = MLP_SIZES[workload]
    batch = case_value(case, "batch", 256 if workload == "W3" else 512)
    x, y = mlp_batch(batch, sizes[0])
    init = mlp_params(sizes)
    loss, params = mlp_step_numpy(init, x, y)
    return MlpCase(sizes, batch, init, x, y, [loss] + params)


def time_training(workload, case, modes, expected, args):
    """Time training-step modes: float32 tolerances, 20 samples unless --repeat says otherwise."""
    return time_modes(workload, case, modes, expected, args.repeat or 20, TRAIN_RTOL, TRAIN_ATOL)


def mlp_params(sizes):
    """He-normal weights from RandomState(0), zero biases: [W1, b1, W2, b2, ...] float32."""
    rs = np.random.RandomState(0)
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        params.append((rs.standard_normal((fan_in, fan_out)) * np.sqrt(2.0 / fan_in)).astype(np.float32))
        params.append(np.zeros(fan_out, np.float32))
    return params


def mlp_batch(batch, in_dim, classes=10):
    x = np.random.RandomState(1).standard_normal((batch, in_dim)).astype(np.float32)
    y = np.random.RandomState(2).randint(0, classes, batch).astype(np.int32)
    return x, y


def mlp_step_numpy(params, x, y, lr=0.1):
    """One SGD step of the relu MLP with mean sparse softmax cross-entropy: (loss, new params)."""
    acts = [x] + mlp_layers(params, x, _relu_numpy)
    n_layers = len(params) // 2
    logits = acts[-1]
    m = logits.max(axis=1, keepdims=True)
    e = np.exp(logits - m)
    s = e.sum(axis=1, keepdims=True)
    logp = logits - m - np.log(s)
    b = x.shape[0]
    loss = -logp[np.arange(b), y].mean()
    d = e / s
    d[np.arange(b), y] -= 1
    d /= b
    grads = [None] * len(params)
    for i in reversed(range(n_layers)):
        grads[2 * i] = acts[i].T @ d
        grads[2 * i + 1] = d.sum(axis=0)
        if i:
            d = (d @ params[2 * i].T) * (acts[i] > 0)
    return logits.dtype.type(loss), [p - p.dtype.type(lr) * g for p, g in zip(params, grads)]


def infer_input(batch, in_dim=64):
    """W9's input rows: RandomState(1), as graphflow's w9_infer.sample."""
    return np.random.RandomState(1).standard_normal((batch, in_dim)).astype(np.float32)


def mlp_forward_numpy(params, x):
    """W9's reference logits: the relu MLP's forward pass."""
    return mlp_forward(params, x, _relu_numpy)


def _relu_numpy(h):
    return np.maximum(h, 0)


# W8: keras LSTM(128) over (32, T, 64), loss = sum of the last output, gradients of the weights
LSTM_BATCH, LSTM_FEATURES, LSTM_UNITS = 32, 64, 128
LSTM_RTOL, LSTM_ATOL = 2e-3, 2e-3      # float32 vs the float64 reference, sums over batch*T rows


def lstm_params(features=LSTM_FEATURES, units=LSTM_UNITS):
    """[kernel (F, 4U), recurrent_kernel (U, 4U), bias (4U,)] float32, Keras gate order i, f, c, o:
    uniform weights from RandomState(3) (glorot limits), bias 0 with the forget gate's at 1."""
    rs = np.random.RandomState(3)
    kernel = rs.uniform(-1, 1, (features, 4 * units)) * np.sqrt(6.0 / (features + 4 * units))
    recurrent = rs.uniform(-1, 1, (units, 4 * units)) * np.sqrt(6.0 / (5 * units))
    bias = np.zeros(4 * units)
    bias[units:2 * units] = 1.0
    return [a.astype(np.float32) for a in (kernel, recurrent, bias)]


def lstm_input(timesteps, batch=LSTM_BATCH, features=LSTM_FEATURES):
    return np.random.RandomState(4).standard_normal((batch, timesteps, features)).astype(np.float32)


def lstm_numpy(params, x):
    """[loss, d kernel, d recurrent_kernel, d bias] of loss = sum(LSTM(x) last output), in float64."""
    kernel, recurrent, bias = (p.astype(np.float64) for p in params)
    x = x.astype(np.float64)
    b, t, _ = x.shape
    u = recurrent.shape[0]
    sig = lambda v: 1.0 / (1.0 + np.exp(-v))   # noqa: E731
    h, c = np.zeros((b, u)), np.zeros((b, u))
    saved = []
    for s in range(t):
        z = x[:, s] @ kernel + h @ recurrent + bias
        i, f, g, o = sig(z[:, :u]), sig(z[:, u:2 * u]), np.tanh(z[:, 2 * u:3 * u]), sig(z[:, 3 * u:])
        c_prev, h_prev = c, h
        c = f * c_prev + i * g
        h = o * np.tanh(c)
        saved.append((i, f, g, o, c_prev, h_prev, c))
    dk, dr, db = np.zeros_like(kernel), np.zeros_like(recurrent), np.zeros_like(bias)
    dh, dc = np.ones((b, u)), np.zeros((b, u))
    for s in reversed(range(t)):
        i, f, g, o, c_prev, h_prev, c = saved[s]
        tc = np.tanh(c)
        dc = dc + dh * o * (1 - tc * tc)
        dz = np.concatenate([dc * g * i * (1 - i), dc * c_prev * f * (1 - f), dc * i * (1 - g * g),
                             dh * tc * o * (1 - o)], axis=1)
        dk += x[:, s].T @ dz
        dr += h_prev.T @ dz
        db += dz.sum(axis=0)
        dh, dc = dz @ recurrent.T, dc * f
    return [np.float32(h.sum()), dk.astype(np.float32), dr.astype(np.float32), db.astype(np.float32)]


def load_digits(path):
    """(x_train, y_train), (x_test, y_test): X/16 float32 (n, 8, 8), first 1437 for training."""
    with gzip.open(path, "rt") as f:
        table = np.loadtxt(f, delimiter=",", dtype=np.float64)
    x = (table[:, :64].reshape(-1, 8, 8) / 16.0).astype(np.float32)
    y = table[:, 64].astype(np.int64)
    return (x[:1437], y[:1437]), (x[1437:], y[1437:])


def epochs_for(args, case: str = "") -> int:
    """Epochs: the user's --size, else named in the case ("MLP epochs=3"), else 3 (--quick) or 10."""
    if args.size and args.size.isdigit():
        return int(args.size)
    return case_value(case, "epochs", 3 if args.quick else 10)


def epoch_rows(workload, mode, case, epoch_times, accuracy, epochs, compiles=False):
    """W5 row: median/min/max over epochs 2..n, the first epoch (trace/compile) as first call."""
    steady = epoch_times[1:] or epoch_times
    median = statistics.median(steady)
    return row(workload, mode, case, median_s=median, min_s=min(steady), max_s=max(steady),
               repeats=len(steady), first_call_s=epoch_times[0],
               compile_s=max(0.0, epoch_times[0] - median) if compiles else None,
               note=f"acc {accuracy:.3f}", extra={"test_accuracy": accuracy, "epochs": epochs})
