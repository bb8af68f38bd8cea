"""Compare two saved runs (TF's first): elements that differ, and seeds that failed in one only.

python compare.py $FUZZ_OUT/<name>_tensorflow.npz $FUZZ_OUT/<name>_graphflow.npz
"""

import sys

import numpy as np

a = np.load(sys.argv[1])
b = np.load(sys.argv[2])
keys = sorted(set(a.files) | set(b.files), key=lambda k: (int(k.split("_")[0]), k))
bad = 0
seen = set()
for k in keys:
    seed = k.split("_")[0]
    if seed in seen:
        continue
    if k not in a.files or k not in b.files:
        print("only in one:", k, (a[k] if k in a.files else b[k]) if k.endswith("err") else "")
        bad += 1
        seen.add(seed)
        continue
    x, y = a[k], b[k]
    if k.endswith("err"):
        continue
    if (
        x.dtype != y.dtype
        or x.shape != y.shape
        or not np.allclose(
            x,
            y,
            rtol=1e-4,
            atol=1e-4 * max(1, np.nanmax(np.abs(x)) if x.size and np.isfinite(x).any() else 1),
            equal_nan=True,
        )
    ):
        print(
            "DIFF",
            k,
            x.dtype,
            y.dtype,
            x.shape,
            y.shape,
            (np.nanmax(np.abs(x.astype(float) - y.astype(float))) if x.shape == y.shape else ""),
        )
        bad += 1
        seen.add(seed)
print("compared", len(keys), "bad", bad)
