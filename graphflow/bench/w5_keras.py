"""W5: Keras `fit` on the digits dataset (BENCHMARKS.md): time per epoch and test accuracy.

UCI digits as shipped with graphflow, x / 16 as float32, the first 1437 samples train. MLP:
Dense(128, relu) -> Dense(10); CNN: Conv2D(16, 3, relu, same) -> MaxPooling2D(2) -> Flatten ->
Dense(10). Adam(1e-3), from_logits sparse categorical cross-entropy, batch 32, seed 0.

Modes: `keras-compiled` (the train step through gf.function) and `keras-eager`
(`run_eagerly=True`). The unit is one epoch: median over epochs 2..N, the first epoch (tracing and
compilation included) as the first call. Both modes run the same program, so they must reach the
same test loss; a compiled run that does not is flagged `disagrees` and not timed.
"""
from __future__ import annotations

import statistics
import time

import numpy as np

from .progress import step
from .row import DISAGREES, ERROR, KERAS_COMPILED, KERAS_EAGER, OK, Row

WORKLOAD = "W5"
DESCRIPTION = "Keras fit on the digits dataset, batch 32, Adam (time per epoch; test accuracy in notes)"
EPOCHS = 10
QUICK_EPOCHS = 3
SEED = 0


def load(cnn: bool):
    """((x_train, y_train), (x_test, y_test)): x / 16 float32, (n, 8, 8[, 1])."""
    from ..keras_api.datasets import digits
    (x_train, y_train), (x_test, y_test) = digits.load_data()
    x_train, x_test = (x_train / 16.0).astype(np.float32), (x_test / 16.0).astype(np.float32)
    if cnn:
        x_train, x_test = x_train[..., None], x_test[..., None]
    return (x_train, y_train), (x_test, y_test)


def build_model(keras, cnn: bool):
    layers = keras.layers
    if not cnn:
        return keras.Sequential([keras.Input((8, 8)), layers.Flatten(), layers.Dense(128, activation="relu"),
                                 layers.Dense(10)])
    return keras.Sequential([keras.Input((8, 8, 1)), layers.Conv2D(16, 3, activation="relu", padding="same"),
                             layers.MaxPooling2D(2), layers.Flatten(), layers.Dense(10)])


def train(cnn: bool, eager: bool, epochs: int) -> dict:
    """Fit one model from seed 0; epoch wall times, test loss and accuracy, traces of the step."""
    import graphflow as gf
    keras = gf.keras
    keras.utils.set_random_seed(SEED)
    (x_train, y_train), (x_test, y_test) = load(cnn)
    model = build_model(keras, cnn)
    model.compile(optimizer=keras.optimizers.Adam(1e-3),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"],
                  run_eagerly=eager)
    times: list[float] = []

    class EpochClock(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            times.append(time.perf_counter() - self.start)

    model.fit(x_train, y_train, batch_size=32, epochs=epochs, verbose=0, callbacks=[EpochClock()])
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    return {"times": times, "loss": float(loss), "accuracy": float(accuracy),
            "traces": model.train_function.experimental_get_tracing_count(),
            "stats": {} if eager else _step_stats(model, x_train[:32], y_train[:32])}


def _step_stats(model, x, y) -> dict:
    """Op and kernel counts of the compiled train step's plan for a full batch (when it tells)."""
    import graphflow as gf

    from .stats import plan_stats
    try:
        fn = model.train_function.functions[2]
        cf = fn.get_concrete_function(gf.constant(x), gf.constant(y))
        return plan_stats(cf.fast_entry()[0])
    except Exception:     # counts are optional; the timing rows stand without them
        return {}


def _row(mode: str, case: str, result: dict, epochs: int, agrees) -> Row:
    steady = result["times"][1:] or result["times"]
    median = statistics.median(steady)
    stats = result.get("stats", {})
    return Row(WORKLOAD, mode, case, median_s=median, min_s=min(steady), max_s=max(steady), repeats=len(steady),
               first_call_s=result["times"][0], compile_s=max(0.0, result["times"][0] - median), agrees=agrees,
               ops_before=stats.get("ops_before"), ops_after=stats.get("ops_after"), kernels=stats.get("kernels"),
               note=f"acc {result['accuracy']:.3f}",
               extra={"test_accuracy": result["accuracy"], "test_loss": result["loss"], "epochs": epochs,
                      "step_traces": result["traces"]})


def run(size=None, repeat=None, quick=False, epochs=None) -> list[Row]:
    """Rows for MLP and CNN, eager first (the reference), then compiled.

    `size` (or `epochs`) is the number of epochs (BENCHMARKS.md: 10; quick: 3). `repeat` is
    unused: the repeats of this workload are the epochs.
    """
    epochs = int(epochs or size or (QUICK_EPOCHS if quick else EPOCHS))
    rows: list[Row] = []
    for case, cnn in (("MLP", False), ("CNN", True)):
        reference = None
        modes = [(KERAS_EAGER, True), (KERAS_COMPILED, False)] if not (quick and cnn) else [(KERAS_COMPILED, False)]
        for mode, eager in modes:
            step(f"W5 {case}: {mode}")
            try:
                result = train(cnn, eager, epochs)
            except Exception as e:   # one failing mode must not cost the other rows
                rows.append(Row(WORKLOAD, mode, case, status=ERROR, note=f"{type(e).__name__}: {e}"))
                continue
            agrees = None
            if reference is not None:
                agrees = bool(np.isclose(result["loss"], reference["loss"], rtol=1e-3, atol=1e-4))
            else:
                reference = result
            if agrees is False:
                rows.append(Row(WORKLOAD, mode, case, status=DISAGREES, agrees=False,
                                note=f"test loss {result['loss']:.5f} vs eager {reference['loss']:.5f}"))
                continue
            row = _row(mode, case, result, epochs, agrees)
            row.status = OK
            rows.append(row)
    return rows
