"""Read what graphflow wrote with the real tensorboard package, as TensorBoard itself would."""
import pathlib

import numpy as np

DATA = pathlib.Path(__file__).resolve().parents[1] / "data" / "summary"


def load_run(path):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    acc = EventAccumulator(str(path), size_guidance={"tensors": 0, "scalars": 0, "histograms": 0, "images": 0})
    acc.Reload()
    return acc


def tensor_values(acc, tag):
    """[(step, ndarray)] of a TF2 (tensor) summary."""
    from tensorboard.util import tensor_util
    return [(e.step, tensor_util.make_ndarray(e.tensor_proto)) for e in acc.Tensors(tag)]


def tf_data():
    """The arrays tools/tfref/record_summary.py gave TensorFlow (same seeds)."""
    rng = np.random.RandomState(0)
    return {"normal": rng.standard_normal(1000).astype(np.float32),
            "mixed": np.concatenate([rng.uniform(-3, 5, 200), [0.0, 0.0, 1e-3, -7.5]]).astype(np.float32),
            "constant": np.full(10, 2.5, np.float32)}
