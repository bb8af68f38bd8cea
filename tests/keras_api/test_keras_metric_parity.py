"""The metrics against real Keras 3 (tests/data/keras_breadth/metrics.*, from
tools/tfref/record_keras_metrics.py): results after one batch and after a second, weighted one,
eagerly and with updates inside gf.function; configs; and evaluate() with weighted_metrics."""
import json
import os

import numpy as np
import pytest

import graphflow as gf

keras = gf.keras
DATA = os.path.join(os.path.dirname(__file__), "..", "data", "keras_breadth")
with open(os.path.join(DATA, "metrics.json")) as f:
    ALL = json.load(f)["cases"]
CASES = [c for c in ALL if "class" in c]
MODEL = next(c for c in ALL if c["id"] == "model_weighted_metrics")
A = dict(np.load(os.path.join(DATA, "metrics.npz")))
IDS = [c["id"] for c in CASES]


def arrays(case, *names):
    return [A[f"{case['id']}/{n}"] for n in names]


def make(case):
    return getattr(keras.metrics, case["class"])(**case["kwargs"])


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_metric_results_match_keras_over_two_batches(case):
    t1, p1, t2, p2, sw, r1, r2 = arrays(case, "y_true_1", "y_pred_1", "y_true_2", "y_pred_2", "sample_weight",
                                        "result_1", "result_2")
    metric = make(case)
    metric.update_state(t1, p1)
    np.testing.assert_allclose(np.asarray(metric.result()), r1, rtol=1e-5, atol=1e-6)
    metric.update_state(t2, p2, sample_weight=sw)
    np.testing.assert_allclose(np.asarray(metric.result()), r2, rtol=1e-5, atol=1e-6)
    metric.reset_state()
    metric.update_state(t1, p1)
    np.testing.assert_allclose(np.asarray(metric.result()), r1, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_metric_updates_inside_gf_function_as_eagerly(case):
    t1, p1, t2, p2, sw, r2 = arrays(case, "y_true_1", "y_pred_1", "y_true_2", "y_pred_2", "sample_weight",
                                    "result_2")
    metric = make(case)
    metric.update_state(t1, p1)            # variables that depend on the data's shape are made eagerly

    @gf.function
    def step(t, p, w):
        metric.update_state(t, p, sample_weight=w)
        return metric.result()
    np.testing.assert_allclose(np.asarray(step(gf.constant(t2), gf.constant(p2), gf.constant(sw))), r2, rtol=1e-5,
                               atol=1e-6)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_metric_config_is_keras_and_round_trips(case):
    metric = make(case)
    config = {k: v for k, v in metric.get_config().items() if k != "dtype"}
    keras_config = dict(case["config"])
    # names aside (Keras numbers repeated ones within a session: precision_1), the configs agree
    config.pop("name"), keras_config.pop("name")
    assert {k: config.get(k) for k in keras_config} == keras_config
    clone = type(metric).from_config(metric.get_config())
    assert clone.get_config() == metric.get_config()


def test_evaluate_reports_metrics_unweighted_and_weighted_metrics_weighted():
    x, y, sw = A["model/x"], A["model/y"], A["model/sample_weight"]
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, activation="sigmoid")])
    model.set_weights([np.array([[0.5], [-1.0], [0.25]], "float32"), np.array([0.1], "float32")])
    model.compile(loss="binary_crossentropy", metrics=["accuracy", keras.metrics.AUC(name="auc")],
                  weighted_metrics=["accuracy", keras.metrics.Precision(name="precision")])
    logs = model.evaluate(x, y, sample_weight=sw, batch_size=4, return_dict=True, verbose=0)
    assert set(logs) == set(MODEL["logs"])
    for name, expected in MODEL["logs"].items():
        assert logs[name] == pytest.approx(expected, rel=1e-5), name
