"""Record Keras 3 metric results for tests/keras_api/test_keras_metric_parity.py: each metric is
updated with two batches (the second with sample weights), and its result is recorded after
each; configs too. Also one compiled model's evaluate() with metrics and weighted_metrics.

    /work/tfvenv/bin/python tools/tfref/record_keras_metrics.py
"""
from __future__ import annotations

import numpy as np
from keras_record_io import import_keras, write

rng = np.random.default_rng(0)
F = np.float32


def probs(shape):
    z = np.exp(2 * rng.standard_normal(shape))
    return (z / z.sum(-1, keepdims=True)).astype(F)


def data(kind):
    """Two batches (y_true, y_pred) of a kind."""
    out = []
    for _ in range(2):
        if kind == "binary":
            out.append((rng.integers(0, 2, (8,)).astype(F), rng.uniform(0, 1, (8,)).astype(F)))
        elif kind == "multilabel":
            out.append((rng.integers(0, 2, (4, 5)).astype(F), rng.uniform(0, 1, (4, 5)).astype(F)))
        elif kind == "categorical":
            out.append((np.eye(3, dtype=F)[rng.integers(0, 3, 6)], probs((6, 3))))
        elif kind == "categorical4":
            out.append((np.eye(4, dtype=F)[rng.integers(0, 4, 5)], probs((5, 4))))
        elif kind == "sparse4":
            out.append((rng.integers(0, 4, (5,)).astype(F), probs((5, 4))))
        elif kind == "labels":
            out.append((rng.integers(0, 3, (7,)), rng.integers(0, 3, (7,))))
        elif kind == "label_scores":
            out.append((rng.integers(0, 3, (7,)), probs((7, 3))))
        elif kind == "regression":
            y = rng.standard_normal((6, 2)).astype(F)
            out.append((y, (y + 0.5 * rng.standard_normal((6, 2))).astype(F)))
        elif kind == "positive":
            out.append((rng.uniform(0.1, 3, (6, 2)).astype(F), rng.uniform(0.1, 3, (6, 2)).astype(F)))
        elif kind == "distribution":
            out.append((probs((6, 3)), probs((6, 3))))
        elif kind == "signed":
            out.append((rng.integers(0, 2, (6, 3)).astype(F), rng.standard_normal((6, 3)).astype(F)))
        else:
            raise ValueError(kind)
    return out


CASES = [
    ("precision", "Precision", {}, "binary"),
    ("precision_thresholds", "Precision", {"thresholds": [0.3, 0.6]}, "binary"),
    ("precision_top_k", "Precision", {"top_k": 2}, "multilabel"),
    ("precision_class_id", "Precision", {"class_id": 1}, "categorical"),
    ("recall", "Recall", {}, "binary"),
    ("recall_threshold", "Recall", {"thresholds": 0.7}, "binary"),
    ("recall_top_k_class_id", "Recall", {"top_k": 2, "class_id": 2}, "multilabel"),
    ("true_positives", "TruePositives", {}, "binary"),
    ("false_positives", "FalsePositives", {"thresholds": [0.2, 0.8]}, "binary"),
    ("true_negatives", "TrueNegatives", {}, "binary"),
    ("false_negatives", "FalseNegatives", {}, "binary"),
    ("f1_none", "F1Score", {}, "categorical"),
    ("f1_macro", "F1Score", {"average": "macro"}, "categorical"),
    ("f1_micro_threshold", "F1Score", {"average": "micro", "threshold": 0.4}, "categorical"),
    ("f1_weighted", "F1Score", {"average": "weighted"}, "categorical"),
    ("fbeta_weighted", "FBetaScore", {"beta": 2.0, "average": "weighted"}, "categorical"),
    ("top_k_categorical", "TopKCategoricalAccuracy", {"k": 2}, "categorical4"),
    ("sparse_top_k_categorical", "SparseTopKCategoricalAccuracy", {"k": 2}, "sparse4"),
    ("mean_iou", "MeanIoU", {"num_classes": 3}, "labels"),
    ("mean_iou_scores_ignore", "MeanIoU", {"num_classes": 3, "sparse_y_pred": False, "ignore_class": 0},
     "label_scores"),
    ("r2", "R2Score", {}, "regression"),
    ("r2_variance_weighted", "R2Score", {"class_aggregation": "variance_weighted_average"}, "regression"),
    ("r2_adjusted", "R2Score", {"num_regressors": 2}, "regression"),
    ("auc_pr", "AUC", {"curve": "PR"}, "binary"),
    ("precision_at_recall", "PrecisionAtRecall", {"recall": 0.5}, "binary"),
    ("recall_at_precision", "RecallAtPrecision", {"precision": 0.4}, "binary"),
    ("sensitivity_at_specificity", "SensitivityAtSpecificity", {"specificity": 0.5}, "binary"),
    ("specificity_at_sensitivity", "SpecificityAtSensitivity", {"sensitivity": 0.5, "num_thresholds": 50},
     "binary"),
    ("precision_at_recall_class_id", "PrecisionAtRecall", {"recall": 0.3, "class_id": 0}, "categorical"),
    ("mape", "MeanAbsolutePercentageError", {}, "regression"),
    ("msle", "MeanSquaredLogarithmicError", {}, "positive"),
    ("logcosh", "LogCoshError", {}, "regression"),
    ("poisson", "Poisson", {}, "positive"),
    ("kl_divergence", "KLDivergence", {}, "distribution"),
    ("hinge", "Hinge", {}, "signed"),
    ("squared_hinge", "SquaredHinge", {}, "signed"),
    ("categorical_hinge", "CategoricalHinge", {}, "categorical"),
    ("cosine_similarity", "CosineSimilarity", {}, "regression"),
]


def main():
    _, keras = import_keras()
    meta, arrays = [], {}
    for case_id, cls, kwargs, kind in CASES:
        metric = getattr(keras.metrics, cls)(**kwargs)
        (t1, p1), (t2, p2) = data(kind)
        weights = rng.uniform(0, 2, (len(t2),)).astype(F)
        if cls == "MeanIoU":      # Keras keeps MeanIoU's counts as integers: whole-number weights
            weights = np.floor(weights * 2)
        metric.update_state(t1, p1)
        first = np.asarray(metric.result())
        metric.update_state(t2, p2, sample_weight=weights)
        second = np.asarray(metric.result())
        for key, value in (("y_true_1", t1), ("y_pred_1", p1), ("y_true_2", t2), ("y_pred_2", p2),
                           ("sample_weight", weights), ("result_1", first), ("result_2", second)):
            arrays[f"{case_id}/{key}"] = value
        config = {k: v for k, v in metric.get_config().items() if k != "dtype"}
        meta.append({"id": case_id, "class": cls, "kwargs": kwargs, "config": config})
        print(f"{case_id:32s} {first} {second}")

    # a compiled model with metrics and weighted_metrics: evaluate() returns both
    x = rng.standard_normal((8, 3)).astype(F)
    y = rng.integers(0, 2, (8, 1)).astype(F)
    sw = rng.uniform(0, 2, (8,)).astype(F)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, activation="sigmoid")])
    model.set_weights([np.array([[0.5], [-1.0], [0.25]], F), np.array([0.1], F)])
    model.compile(loss="binary_crossentropy", metrics=["accuracy", keras.metrics.AUC(name="auc")],
                  weighted_metrics=["accuracy", keras.metrics.Precision(name="precision")])
    logs = model.evaluate(x, y, sample_weight=sw, batch_size=4, return_dict=True, verbose=0)
    arrays.update({"model/x": x, "model/y": y, "model/sample_weight": sw})
    meta.append({"id": "model_weighted_metrics", "logs": {k: float(v) for k, v in logs.items()}})
    print(logs)
    write("metrics", {"cases": meta}, arrays)


if __name__ == "__main__":
    main()
