"""Record Keras 3 loss values for tests/keras_api/test_keras_loss_parity.py: each loss class on
small inputs (default reduction, with sample weights, 'sum' and 'none'), its function form, and
the gradient of the loss with respect to y_pred.

    /work/tfvenv/bin/python tools/tfref/record_keras_losses.py
"""
from __future__ import annotations

import numpy as np
from keras_record_io import import_keras, write

rng = np.random.default_rng(0)
F = np.float32


def probs(shape):
    z = np.exp(rng.standard_normal(shape))
    return (z / z.sum(-1, keepdims=True)).astype(F)


def one_hot(n, k):
    return np.eye(k, dtype=F)[rng.integers(0, k, n)]


def inputs(kind):
    """(y_true, y_pred) of shape (3, 4) for a kind of loss."""
    if kind == "regression":
        return rng.standard_normal((3, 4)).astype(F), rng.standard_normal((3, 4)).astype(F)
    if kind == "positive":
        return rng.uniform(0.1, 3, (3, 4)).astype(F), rng.uniform(0.1, 3, (3, 4)).astype(F)
    if kind == "distribution":
        return probs((3, 4)), probs((3, 4))
    if kind == "binary":
        return rng.integers(0, 2, (3, 4)).astype(F), rng.uniform(0.05, 0.95, (3, 4)).astype(F)
    if kind == "signed":
        return np.where(rng.integers(0, 2, (3, 4)) > 0, 1.0, -1.0).astype(F), rng.standard_normal((3, 4)).astype(F)
    if kind == "categorical":
        return one_hot(3, 4), probs((3, 4))
    if kind == "logits_binary":
        return rng.integers(0, 2, (3, 4)).astype(F), (2 * rng.standard_normal((3, 4))).astype(F)
    if kind == "logits_categorical":
        return one_hot(3, 4), (2 * rng.standard_normal((3, 4))).astype(F)
    raise ValueError(kind)


# (id, class, kwargs, function name or None, input kind)
CASES = [
    ("huber", "Huber", {"delta": 0.5}, "huber", "regression"),
    ("log_cosh", "LogCosh", {}, "log_cosh", "regression"),
    ("kl_divergence", "KLDivergence", {}, "kl_divergence", "distribution"),
    ("poisson", "Poisson", {}, "poisson", "positive"),
    ("cosine_similarity", "CosineSimilarity", {"axis": -1}, "cosine_similarity", "regression"),
    ("hinge_binary_labels", "Hinge", {}, "hinge", "binary"),
    ("hinge_signed_labels", "Hinge", {}, "hinge", "signed"),
    ("squared_hinge", "SquaredHinge", {}, "squared_hinge", "binary"),
    ("categorical_hinge", "CategoricalHinge", {}, "categorical_hinge", "categorical"),
    ("categorical_focal", "CategoricalFocalCrossentropy", {}, "categorical_focal_crossentropy", "categorical"),
    ("categorical_focal_logits_smoothing", "CategoricalFocalCrossentropy",
     {"from_logits": True, "label_smoothing": 0.1, "gamma": 1.5, "alpha": 0.5}, None, "logits_categorical"),
    ("binary_focal", "BinaryFocalCrossentropy", {}, "binary_focal_crossentropy", "binary"),
    ("binary_focal_balanced_logits", "BinaryFocalCrossentropy",
     {"apply_class_balancing": True, "alpha": 0.3, "gamma": 3.0, "from_logits": True, "label_smoothing": 0.2},
     None, "logits_binary"),
    ("mape", "MeanAbsolutePercentageError", {}, "mean_absolute_percentage_error", "regression"),
    ("msle", "MeanSquaredLogarithmicError", {}, "mean_squared_logarithmic_error", "positive"),
]


def main():
    tf, keras = import_keras()
    meta, arrays = [], {}
    for case_id, cls, kwargs, fn, kind in CASES:
        y_true, y_pred = inputs(kind)
        weights = rng.uniform(0, 2, (3,)).astype(F)
        loss = getattr(keras.losses, cls)(**kwargs)
        pred = tf.Variable(y_pred)
        with tf.GradientTape() as tape:
            value = loss(y_true, pred)
        arrays.update({f"{case_id}/y_true": y_true, f"{case_id}/y_pred": y_pred, f"{case_id}/sample_weight": weights,
                       f"{case_id}/value": np.asarray(value), f"{case_id}/grad": tape.gradient(value, pred).numpy(),
                       f"{case_id}/weighted": np.asarray(loss(y_true, y_pred, sample_weight=weights)),
                       f"{case_id}/sum": np.asarray(getattr(keras.losses, cls)(reduction="sum", **kwargs)(
                           y_true, y_pred, sample_weight=weights)),
                       f"{case_id}/none": np.asarray(getattr(keras.losses, cls)(reduction=None, **kwargs)(
                           y_true, y_pred))})
        if fn:
            arrays[f"{case_id}/function"] = np.asarray(getattr(keras.losses, fn)(y_true, y_pred))
        meta.append({"id": case_id, "class": cls, "kwargs": kwargs, "function": fn,
                     "config": {k: v for k, v in loss.get_config().items() if k != "dtype"}})
        print(f"{case_id:40s} {float(value):.6f}")
    write("losses", {"cases": meta}, arrays)


if __name__ == "__main__":
    main()
