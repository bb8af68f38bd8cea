"""Reference decoder for tests/data/tf_reference/ops.json (+ ops.npz).

`replay_case(module, case, arrays)` rebuilds the recorded call on any module
with TensorFlow's API (``graphflow`` or ``tensorflow``) and returns
``(outputs, grads)`` as numpy arrays (or raises whatever the module raises).
It needs only numpy and the module under test.

Run as a script to check the recorded data against TensorFlow itself
(verifies that the files are complete and self-consistent):

    /tmp/tfref/bin/python tools/tfref/replay.py            # against tensorflow
    python tools/tfref/replay.py graphflow                 # against graphflow
"""

import json
import operator
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(os.path.dirname(os.path.dirname(HERE)), "tests", "data", "tf_reference")

BINARY = {
    "__add__": operator.add, "__sub__": operator.sub, "__mul__": operator.mul,
    "__truediv__": operator.truediv, "__floordiv__": operator.floordiv,
    "__mod__": operator.mod, "__pow__": operator.pow, "__matmul__": operator.matmul,
    "__lt__": operator.lt, "__le__": operator.le, "__gt__": operator.gt,
    "__ge__": operator.ge, "__eq__": operator.eq, "__ne__": operator.ne,
    "__and__": operator.and_, "__or__": operator.or_, "__xor__": operator.xor,
}
REFLECTED = {
    "__radd__": operator.add, "__rsub__": operator.sub, "__rmul__": operator.mul,
    "__rtruediv__": operator.truediv, "__rfloordiv__": operator.floordiv,
    "__rmod__": operator.mod, "__rpow__": operator.pow,
}
UNARY = {"__neg__": operator.neg, "__abs__": operator.abs, "__invert__": operator.invert}


def load():
    with open(os.path.join(DATA, "ops.json")) as f:
        cases = json.load(f)
    with np.load(os.path.join(DATA, "ops.npz")) as z:
        arrays = {k: z[k] for k in z.files}
    return cases, arrays


def decode_key(k):
    if isinstance(k, int):
        return k
    if "slice" in k:
        return slice(*k["slice"])
    if "ellipsis" in k:
        return Ellipsis
    if "newaxis" in k:
        return None
    if "tuple" in k:
        return tuple(decode_key(x) for x in k["tuple"])
    raise ValueError(k)


def resolve(module, fn):
    if fn == "__getitem__":
        return lambda x, key: x[key]
    if fn in BINARY:
        return BINARY[fn]
    if fn in REFLECTED:
        op = REFLECTED[fn]
        return lambda x, y: op(y, x)  # "__rsub__"(t, s) means  s - t
    if fn in UNARY:
        return UNARY[fn]
    obj = module
    for part in fn.split("."):
        obj = getattr(obj, part)
    return obj


def _decode_arg(module, a, arrays, path, tensors):
    if "array" in a:
        arr = arrays[a["array"]]
        t = module.constant(arr, dtype=getattr(module, arr.dtype.name))
        tensors[tuple(path)] = t
        return t
    if "list" in a:
        return [_decode_arg(module, x, arrays, path + [j], tensors) for j, x in enumerate(a["list"])]
    if "dtype" in a:
        return getattr(module, a["dtype"])
    return a["value"]


def _decode_kwarg(module, k, v):
    if k == "key":
        return decode_key(v)
    if isinstance(v, dict) and "dtype" in v:
        return getattr(module, v["dtype"])
    return v


def replay_case(module, case, arrays, with_grads=True):
    tensors = {}
    args = [_decode_arg(module, a, arrays, [i], tensors) for i, a in enumerate(case["args"])]
    kwargs = {k: _decode_kwarg(module, k, v) for k, v in case["kwargs"].items()}
    fn = resolve(module, case["fn"])
    wrt = [tuple(w) if isinstance(w, list) else (w,) for w in case["grad_wrt"]]
    with module.GradientTape() as tape:
        for w in wrt:
            tape.watch(tensors[w])
        y = fn(*args, **kwargs)
    multi = isinstance(case["output"], list)
    outs = [t.numpy() for t in (y if multi else [y])]
    grads = None
    if with_grads and wrt:
        ups = case["upstream"]
        dy = ([module.constant(arrays[u]) for u in ups] if multi
              else module.constant(arrays[ups]))
        gs = tape.gradient(y, [tensors[w] for w in wrt], output_gradients=dy)
        grads = [None if g is None else module.convert_to_tensor(g).numpy() for g in gs]
    return outs, grads


def same(a, b):
    a, b = np.asarray(a), np.asarray(b)
    if a.dtype != b.dtype or a.shape != b.shape:
        return False
    if a.dtype.kind == "f":
        return np.allclose(a, b, rtol=1e-5, atol=1e-6, equal_nan=True)
    return np.array_equal(a, b)


def main():
    import importlib
    name = sys.argv[1] if len(sys.argv) > 1 else "tensorflow"
    module = importlib.import_module(name)
    cases, arrays = load()
    bad = 0
    for c in cases:
        try:
            # TF's own CPU kernel cannot differentiate these (see "grad_note")
            skip_grads = name == "tensorflow" and "grad_note" in c
            outs, grads = replay_case(module, c, arrays, with_grads=not skip_grads)
        except Exception as e:  # noqa: BLE001
            if c["error"] is None or (name == "tensorflow" and type(e).__name__ != c["error"]):
                bad += 1
                print("FAIL %s: raised %s: %s" % (c["id"], type(e).__name__, str(e)[:120]))
            continue
        if c["error"] is not None:
            bad += 1
            print("FAIL %s: expected %s, got a result" % (c["id"], c["error"]))
            continue
        keys = c["output"] if isinstance(c["output"], list) else [c["output"]]
        ok = len(keys) == len(outs) and all(same(arrays[k], o) for k, o in zip(keys, outs))
        if grads is not None:
            for k, g in zip(c["grads"], grads):
                ok = ok and ((k is None) == (g is None)) and (k is None or same(arrays[k], g))
        if not ok:
            bad += 1
            print("FAIL %s: mismatch" % c["id"])
    print("%d cases, %d failures" % (len(cases), bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
