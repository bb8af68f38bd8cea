"""Record keras.utils helpers under real Keras (TF 2.21 / Keras 3) for tests/keras_api/test_keras_utils.py.

Run with the oracle venv: python tools/tfref/record_keras_utils.py
Writes tests/data/keras_utils/utils.json.
"""
import json
import pathlib

import numpy as np
import tensorflow as tf
from tensorflow import keras

OUT = pathlib.Path(__file__).resolve().parents[2] / "tests" / "data" / "keras_utils" / "utils.json"


def batches(ds):
    out = []
    for b in ds:
        if isinstance(b, tuple):
            out.append([x.numpy().tolist() for x in b])
        else:
            out.append(b.numpy().tolist())
    return out


def main():
    rec = {}
    seqs = [[1], [2, 3], [4, 5, 6], [], [7, 8, 9, 10]]
    for name, kw in {"default": {}, "post": {"padding": "post"}, "maxlen2": {"maxlen": 2},
                     "maxlen3_trunc_post": {"maxlen": 3, "truncating": "post", "padding": "post"},
                     "value": {"value": -1}, "float": {"dtype": "float32", "value": 0.5, "maxlen": 5}}.items():
        arr = keras.utils.pad_sequences(seqs, **kw)
        rec[f"pad_{name}"] = {"kwargs": kw, "out": arr.tolist(), "dtype": str(arr.dtype)}
    feats = keras.utils.pad_sequences([[[1, 2]], [[3, 4], [5, 6]]])
    rec["pad_features"] = {"out": feats.tolist(), "dtype": str(feats.dtype)}

    data = np.arange(30, dtype="float32").reshape(15, 2)
    targets = np.arange(15, dtype="int64") * 10
    cases = {
        "basic": dict(targets=None, sequence_length=4, batch_size=3),
        "targets": dict(targets=targets, sequence_length=3, sequence_stride=2, batch_size=2),
        "rate": dict(targets=targets, sequence_length=3, sampling_rate=2, batch_size=4),
        "window": dict(targets=None, sequence_length=2, start_index=3, end_index=11, batch_size=5),
        "nobatch": dict(targets=None, sequence_length=5, sequence_stride=4, batch_size=None),
    }
    for name, kw in cases.items():
        ds = keras.utils.timeseries_dataset_from_array(data, **kw)
        rec[f"ts_{name}"] = {"kwargs": {k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in kw.items()},
                             "batches": batches(ds)}

    x = np.arange(10, dtype="float32")
    left, right = keras.utils.split_dataset(x, left_size=0.7)
    rec["split_frac"] = {"left": batches(left), "right": batches(right)}
    left, right = keras.utils.split_dataset((x, x * 2), left_size=3, right_size=4)
    rec["split_int"] = {"left": batches(left), "right": batches(right)}

    rec["to_categorical"] = keras.utils.to_categorical([0, 2, 1, 2], num_classes=4).tolist()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(rec, indent=1))
    print("wrote", OUT, "with", tf.__version__, keras.__version__)


if __name__ == "__main__":
    main()
