"""What every peer script shares: arguments, data, numpy references, timing, JSON output.

Imported by the peer scripts as a sibling module (a script's directory is first on sys.path).
Only the standard library and numpy here: a peer may run under an interpreter without graphflow.

Protocol: `python <framework>_peer.py --workload W1 [--case N=4194304 ...] [--repeat N] [--quick]
[--size S] [--digits path.csv.gz]` prints one line `GRAPHFLOW_PEER_ROWS <json list of rows>` on stdout; a row
has the keys of graphflow.bench.row.Row (workload, mode, case, median_s, ..., status, note, extra).
`--probe` prints the framework's version and exits.
"""
from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import time

import numpy as np

MARKER = "GRAPHFLOW_PEER_ROWS "

# Cases per workload when graphflow passed none: BENCHMARKS.md sizes (quick: what fits the
# default suite's time budget).
DEFAULT_CASES = {"W1": ["N=4194304"], "W2": ["chain=100"], "W3": ["batch=256"], "W4": ["batch=512"],
                 "W5": ["MLP", "CNN"], "W6": ["K=10", "K=100", "K=1000"]}
QUICK_CASES = {**DEFAULT_CASES, "W6": ["K=10", "K=100"]}
MLP_SIZES = {"W3": (64, 128, 128, 10), "W4": (784, 1024, 1024, 10)}
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
    args = p.parse_args(argv)
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
    emit(rows)
    return 0


# ---- rows, timing and agreement --------------------------------------------------------------------
def row(workload, mode, case, **kw) -> dict:
    d = {"workload": workload, "mode": mode, "case": case, "status": "ok", "note": ""}
    d.update(kw)
    return d


def measure(fn, repeat=20, warmup=3, inner=1, first_call=None, max_time=10.0) -> dict:
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
        if len(samples) >= 3 and time.perf_counter() - start > max_time:
            break
    return {"median_s": statistics.median(samples), "min_s": min(samples), "max_s": max(samples),
            "repeats": len(samples), "first_call_s": first_call}


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
            r.update(measure(step, repeat=repeat, inner=inner, first_call=r["first_call_s"]))
            if compiles:
                r["compile_s"] = max(0.0, r["first_call_s"] - r["median_s"])
        except Exception as e:
            r.update(status="error", note=f"{type(e).__name__}: {e}".splitlines()[0][:160])
        rows.append(r)
    return rows


def dispatch_notes(rows, k):
    """W2 notes as graphflow writes them: per op for op-by-op modes, per call for graphs."""
    for r in rows:
        if r.get("median_s"):
            r["extra"] = {"per_op_us": r["median_s"] / k * 1e6}
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
    acts = [x]
    h = x
    n_layers = len(params) // 2
    for i in range(n_layers):
        h = h @ params[2 * i] + params[2 * i + 1]
        if i < n_layers - 1:
            h = np.maximum(h, 0)
        acts.append(h)
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
