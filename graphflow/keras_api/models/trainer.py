"""compile / fit / evaluate / predict: the training loop around one step function.

The train step (forward, loss, gradients, optimizer update, metric updates) is one `gf.function`,
traced once per input signature and reused for every batch: a fit over N samples traces it at
most twice (full batches, then the last partial batch). `compile(run_eagerly=True)` runs the same
step eagerly. Everything the step changes (weights, optimizer slots, step counter, learning rate,
metric totals) is a gf.Variable, so the compiled step updates state in place.
"""
from __future__ import annotations

import contextlib
import warnings

import numpy as np

from ...distribute import distribute_context
from ...ops import api
from .. import callbacks as callbacks_mod
from .. import config, mixed_precision, nest
from .. import metrics as metrics_mod
from .. import optimizers as optimizers_mod
from ..data_adapter import ArrayData, make_data, unpack_x_y_sample_weight
from . import replica_training
from .compile_utils import CompileLoss, CompileMetrics


def _pythonify(logs: dict) -> dict:
    """Scalars as floats; a nested dict (a custom train_step returning the compiled metrics'
    result, itself a dict) is merged into the top level, as Keras 3 does."""
    out = {}
    for k, v in logs.items():
        if isinstance(v, dict):
            out.update(_pythonify(v))
            continue
        a = np.asarray(v)
        out[k] = float(a) if a.ndim == 0 else a
    return out


class StepFunction:
    """A step (`train_step`, `test_step`, `predict_step`) called as `fn(x, y, sample_weight)`.

    Compiled, it is one `gf.function` per argument pattern ((x,), (x, y) or (x, y, sample_weight)),
    each taking only tensors so that a call with a known batch shape takes gf.function's fast path.
    """

    def __init__(self, step, compiled: bool, name: str):
        self._step, self._compiled, self.__name__ = step, compiled, name
        self._functions: dict = {}

    def _make(self, arity: int):
        step = self._step
        if arity == 1:
            def one(x):
                return step((x,))
            fn = one
        elif arity == 2:
            def two(x, y):
                return step((x, y))
            fn = two
        else:
            def three(x, y, sample_weight):
                return step((x, y, sample_weight))
            fn = three
        fn.__name__ = fn.__qualname__ = self.__name__
        if not self._compiled:
            return fn
        from ... import function
        return function(fn)

    def __call__(self, x, y=None, sample_weight=None):
        args = (x,) if y is None and sample_weight is None else ((x, y) if sample_weight is None else
                                                                 (x, y, sample_weight))
        fn = self._functions.get(len(args))
        if fn is None:
            fn = self._functions[len(args)] = self._make(len(args))
        return fn(*args)

    @property
    def functions(self) -> dict:
        return dict(self._functions)

    def experimental_get_tracing_count(self) -> int:
        """Traces of the compiled step so far, over all argument patterns (0 when eager)."""
        return sum(f.experimental_get_tracing_count() for f in self._functions.values()
                   if hasattr(f, "experimental_get_tracing_count"))


class Trainer:
    """Mixin of Model: the Keras training API."""

    def _init_trainer(self):
        self.compiled = False
        self.optimizer = None
        self.loss = None
        self._compile_loss = None
        self._compile_metrics = None
        self._loss_tracker = None
        self._run_eagerly = False
        self.train_function = self.test_function = self.predict_function = None
        self.stop_training = False
        self.history = None
        self._compile_config = None
        self._distribute_strategy = distribute_context.get_strategy()   # the scope the model was made in

    @property
    def distribute_strategy(self):
        return self._distribute_strategy

    def _logs(self, logs, strategy) -> dict:
        """Step logs as Python numbers; under several replicas, from metrics summed over the ranks."""
        return _pythonify(logs if strategy is None else replica_training.reduced_metrics_result(self, strategy))

    # ---- compile -----------------------------------------------------------------------------------------
    def compile(self, optimizer="rmsprop", loss=None, loss_weights=None, metrics=None, weighted_metrics=None,
                run_eagerly=False, steps_per_execution=1, jit_compile="auto", auto_scale_loss=True, **kwargs):
        """Configure training: optimizer, loss(es), metrics, and eager or compiled steps."""
        if kwargs:
            unknown = set(kwargs) - {"sample_weight_mode", "target_tensors", "distribute"}
            if unknown:
                raise TypeError(f"compile: unexpected arguments {sorted(unknown)}")
        self.optimizer = optimizers_mod.get(optimizer)
        if auto_scale_loss and getattr(self, "dtype_policy", None) is not None \
                and self.dtype_policy.name == "mixed_float16" \
                and not isinstance(self.optimizer, mixed_precision.LossScaleOptimizer):
            self.optimizer = mixed_precision.LossScaleOptimizer(self.optimizer)
        self.loss = loss
        names = self.output_names
        self._compile_loss = CompileLoss(loss, loss_weights, names) if loss is not None else None
        self._compile_metrics = CompileMetrics(metrics, weighted_metrics, names) if metrics or weighted_metrics \
            else None
        self._loss_tracker = metrics_mod.Mean(name="loss")
        self._run_eagerly = bool(run_eagerly)
        self.train_function = self.test_function = self.predict_function = None
        self.compiled = True
        self._compile_config = {"optimizer": optimizers_mod.serialize(getattr(self.optimizer, "inner_optimizer",
                                                                              self.optimizer)),
                                "loss": self._compile_loss.get_config()["loss"] if self._compile_loss else None,
                                "loss_weights": loss_weights,
                                "metrics": self._compile_metrics.get_config()["metrics"]
                                if self._compile_metrics else None,
                                "weighted_metrics": self._compile_metrics.get_config()["weighted_metrics"]
                                if self._compile_metrics else None,
                                "run_eagerly": self._run_eagerly}

    @property
    def run_eagerly(self) -> bool:
        """True when steps run op by op (gf.config.run_functions_eagerly also makes gf.function eager)."""
        return self._run_eagerly

    @run_eagerly.setter
    def run_eagerly(self, value: bool):
        self._run_eagerly = bool(value)
        self.train_function = self.test_function = self.predict_function = None

    @property
    def output_names(self):
        outputs = getattr(self, "_output_tensors", None)
        if outputs:
            return [t._keras_history[0].name for t in outputs]
        return None

    @property
    def metrics(self) -> list:
        out = []
        if self.compiled:
            out.append(self._loss_tracker)
            if self._compile_metrics is not None:
                out.append(self._compile_metrics)
            if self._compile_loss is not None:
                out.extend(self._compile_loss.metrics)
        for layer in self._flatten_layers():
            if layer is not self and isinstance(layer, Trainer):
                continue
            out.extend(layer._tracked_metrics)
        return out

    @property
    def metrics_names(self) -> list:
        names = []
        for m in self.metrics:
            if isinstance(m, CompileMetrics):
                names.extend(x.name for x in m.metrics)
            else:
                names.append(m.name)
        return names

    def reset_metrics(self):
        for m in self.metrics:
            m.reset_state()

    def _assert_compiled(self, what):
        if not self.compiled:
            raise RuntimeError(f"You must call `compile()` before using `{what}()` on model {self.name!r}.")

    # ---- steps (override these to customise training) ----------------------------------------------------------
    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """The compiled loss plus the layers' regularization and add_loss losses."""
        losses = []
        if self._compile_loss is not None:
            value = self._compile_loss(y, y_pred, sample_weight)
            if value is not None:
                losses.append(value)
        for extra in self.losses:
            losses.append(api.reduce_sum(api.cast(extra, "float32")))
        if not losses:
            raise ValueError("No loss to compute. Provide a `loss` argument in `compile()`.")
        return losses[0] if len(losses) == 1 else api.add_n(losses)

    def compute_metrics(self, x, y, y_pred, sample_weight=None):
        if self._compile_metrics is not None:
            self._compile_metrics.update_state(y, y_pred, sample_weight)
        return self.get_metrics_result()

    def get_metrics_result(self) -> dict:
        out = {}
        for m in self.metrics:
            r = m.result()
            if isinstance(r, dict):
                out.update(r)
            else:
                out[m.name] = r
        return out

    def _batch_size_of(self, x):
        first = next(t for t in nest.flatten(x) if t is not None)
        n = first.shape[0]
        return n if n is not None else api.shape(first)[0]

    def train_step(self, data):
        from ...eager.tape import GradientTape
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        with GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=True)
            self._loss_tracker.update_state(loss, sample_weight=self._batch_size_of(x))
            scale = distribute_context.loss_scale_for_replicas()   # 1/N: the optimizer sums N replicas' gradients
            if scale is not None:
                loss = api.multiply(loss, api.cast(scale, loss.dtype))
            if hasattr(self.optimizer, "scale_loss"):      # mixed precision: see mixed_precision.py
                loss = self.optimizer.scale_loss(loss)
        weights = self.trainable_weights
        if weights:
            grads = tape.gradient(loss, weights)
            self.optimizer.apply_gradients(zip(grads, weights))
        else:
            warnings.warn("The model does not have any trainable weights.", stacklevel=2)
        return self.compute_metrics(x, y, y_pred, sample_weight=sample_weight)

    def test_step(self, data):
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        y_pred = self(x, training=False)
        loss = self.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=False)
        self._loss_tracker.update_state(loss, sample_weight=self._batch_size_of(x))
        return self.compute_metrics(x, y, y_pred, sample_weight=sample_weight)

    def predict_step(self, data):
        x, _, _ = unpack_x_y_sample_weight(data)
        return self(x, training=False)

    # ---- step functions ----------------------------------------------------------------------------------
    def make_train_function(self, force=False):
        if self.train_function is None or force:
            self.train_function = StepFunction(self.train_step, not self.run_eagerly, "train_function")
        return self.train_function

    def make_test_function(self, force=False):
        if self.test_function is None or force:
            self.test_function = StepFunction(self.test_step, not self.run_eagerly, "test_function")
        return self.test_function

    def make_predict_function(self, force=False):
        if self.predict_function is None or force:
            self.predict_function = StepFunction(self.predict_step, not self.run_eagerly, "predict_function")
        return self.predict_function

    @staticmethod
    def _replica_step(step, strategy):
        """`step` run as this process's replica of `strategy` (gradients and metrics then span the ranks)."""
        if strategy is None:
            return step
        return lambda *args: strategy.run(step, args)

    def _prepare_for_steps(self, data, training: bool):
        """Build the model and (for training) the optimizer's slots before any step is traced."""
        if not self.built:
            self._build_from_data(data.first_x())
        if training and self.optimizer is not None:
            self.optimizer.build(self.trainable_weights)

    def _build_from_data(self, x):
        shapes = nest.map_structure(lambda a: (None,) + tuple(np.shape(a))[1:], x)
        self.build_from_input_shape(shapes, nest.map_structure(lambda a: np.asarray(a).dtype.name, x))

    # ---- fit / evaluate / predict ----------------------------------------------------------------------------
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None, validation_split=0.0,
            validation_data=None, shuffle=True, class_weight=None, sample_weight=None, initial_epoch=0,
            steps_per_epoch=None, validation_steps=None, validation_batch_size=None, validation_freq=1):
        """Train for `epochs` epochs; returns a History whose `.history` holds the epoch logs."""
        self._assert_compiled("fit")
        verbose = 1 if verbose == "auto" else int(verbose)
        epochs, steps_per_epoch = config.limited_epochs(epochs), config.limited_steps(steps_per_epoch)
        strategy = replica_training.training_strategy(self)
        x = replica_training.global_input(x)
        data = make_data(x, y, sample_weight, batch_size, shuffle, class_weight, steps_per_epoch)
        val_data = None
        if validation_data is not None:
            vx, vy, vsw = unpack_x_y_sample_weight(tuple(validation_data) if isinstance(validation_data, list)
                                                   else validation_data)
            val_data = make_data(vx, vy, vsw, validation_batch_size or batch_size, False, None, validation_steps)
        elif validation_split:
            if not isinstance(data, ArrayData):
                raise ValueError("validation_split is only supported for array inputs")
            data, val_data = data.split(validation_split)
        if strategy is not None:
            data = replica_training.ReplicaData(data, strategy)
            if shuffle:
                replica_training.share_shuffle_order(strategy)
        with strategy.scope() if strategy is not None else contextlib.nullcontext():
            self._prepare_for_steps(data, training=True)
        step = self._replica_step(self.make_train_function(), strategy)
        cbs = callbacks if isinstance(callbacks, callbacks_mod.CallbackList) else callbacks_mod.CallbackList(
            callbacks, add_history=True, add_progbar=verbose != 0, model=self, verbose=verbose, epochs=epochs,
            steps=getattr(data, "progress_steps", data.steps), is_chief=strategy is None or strategy.is_chief)
        batch_logs_needed = cbs.needs_batch_logs("train")
        self.stop_training = False
        cbs.on_train_begin()
        epoch_logs = {}
        for epoch in range(initial_epoch, epochs):
            self.reset_metrics()
            cbs.on_epoch_begin(epoch)
            logs = None
            for index, (bx, by, bsw) in enumerate(data.batches()):
                cbs.on_train_batch_begin(index)
                logs = step(bx, by, bsw)
                if batch_logs_needed:
                    cbs.on_train_batch_end(index, self._logs(logs, strategy))
                if self.stop_training:
                    break
            if logs is None and getattr(data, "ran_out", False):
                break                  # a one-shot input is exhausted: Keras stops training with a warning
            if logs is None:
                raise ValueError("fit: the training data produced no batches")
            epoch_logs = self._logs(logs, strategy)
            if val_data is not None and (epoch + 1) % validation_freq == 0:
                val_logs = self.evaluate(val_data, verbose=0, return_dict=True, _internal=True)
                epoch_logs.update({f"val_{k}": v for k, v in val_logs.items()})
            cbs.on_epoch_end(epoch, epoch_logs)
            if self.stop_training or getattr(data, "ran_out", False):
                break
        if epochs > initial_epoch and hasattr(self.optimizer, "finalize_variable_values"):
            self.optimizer.finalize_variable_values(self.trainable_weights)    # use_ema: weights become averages
        cbs.on_train_end(epoch_logs)
        return cbs.history

    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None, steps=None,
                 callbacks=None, return_dict=False, _internal=False, **kwargs):
        """Loss and metrics over the data: a scalar, a list [loss, *metrics], or a dict."""
        self._assert_compiled("evaluate")
        verbose = 1 if verbose == "auto" else int(verbose)
        strategy = replica_training.training_strategy(self)
        data = make_data(replica_training.global_input(x), y, sample_weight, batch_size, False, None, steps)
        if strategy is not None:
            data = replica_training.ReplicaData(data, strategy)
        with strategy.scope() if strategy is not None else contextlib.nullcontext():
            self._prepare_for_steps(data, training=False)
        step = self._replica_step(self.make_test_function(), strategy)
        cbs = callbacks if isinstance(callbacks, callbacks_mod.CallbackList) else callbacks_mod.CallbackList(
            callbacks, add_progbar=verbose != 0 and not _internal, model=self, verbose=verbose, epochs=1,
            steps=getattr(data, "progress_steps", getattr(data, "steps", None)),
            is_chief=strategy is None or strategy.is_chief)
        batch_logs_needed = cbs.needs_batch_logs("test")
        self.reset_metrics()
        cbs.on_test_begin()
        logs = None
        for index, (bx, by, bsw) in enumerate(data.batches()):
            cbs.on_test_batch_begin(index)
            logs = step(bx, by, bsw)
            if batch_logs_needed:
                cbs.on_test_batch_end(index, self._logs(logs, strategy))
        if logs is None:
            raise ValueError("evaluate: the data produced no batches")
        logs = self._logs(logs, strategy)
        cbs.on_test_end(logs)
        if return_dict:
            return logs
        return self._flatten_logs(logs)

    def _flatten_logs(self, logs: dict):
        ordered = [logs[n] for n in self.metrics_names if n in logs]
        ordered += [v for k, v in logs.items() if k not in self.metrics_names]
        return ordered[0] if len(ordered) == 1 else ordered

    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
        """The model's outputs for every sample, as numpy arrays (batched)."""
        verbose = 1 if verbose == "auto" else int(verbose)
        strategy = replica_training.training_strategy(self)
        data = make_data(replica_training.global_input(x), None, None, batch_size, False, None, steps)
        if strategy is not None:
            data = replica_training.ReplicaData(data, strategy)
        with strategy.scope() if strategy is not None else contextlib.nullcontext():
            self._prepare_for_steps(data, training=False)
        step = self._replica_step(self.make_predict_function(), strategy)
        cbs = callbacks if isinstance(callbacks, callbacks_mod.CallbackList) else callbacks_mod.CallbackList(
            callbacks, add_progbar=verbose != 0, model=self, verbose=verbose, epochs=1,
            steps=getattr(data, "progress_steps", getattr(data, "steps", None)),
            is_chief=strategy is None or strategy.is_chief)
        cbs.on_predict_begin()
        outputs = []
        for index, (bx, _, _) in enumerate(data.batches()):
            cbs.on_predict_batch_begin(index)
            out = step(bx)
            outputs.append(nest.map_structure(np.asarray, out))
            cbs.on_predict_batch_end(index, {"outputs": out})
        cbs.on_predict_end()
        if not outputs:
            raise ValueError("predict: the data produced no batches")
        if strategy is not None:
            return nest.pack_sequence_as(outputs[0], replica_training.gather_predictions(outputs, data, strategy))
        flat = [nest.flatten(o) for o in outputs]
        joined = [np.concatenate([f[i] for f in flat], axis=0) for i in range(len(flat[0]))]
        return nest.pack_sequence_as(outputs[0], joined)

    def _single_batch(self, x, y=None, sample_weight=None, class_weight=None):
        data = ArrayData(x, y, sample_weight, batch_size=None, class_weight=class_weight)
        data.batch_size = data.num_samples
        data.steps = 1
        return data

    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None, return_dict=False,
                       reset_metrics=False):
        """One training step on one batch; metrics keep accumulating across calls (as Keras 3)."""
        self._assert_compiled("train_on_batch")
        data = self._single_batch(x, y, sample_weight, class_weight)
        self._prepare_for_steps(data, training=True)
        if reset_metrics:
            self.reset_metrics()
        bx, by, bsw = next(data.batches())
        logs = _pythonify(self.make_train_function()(bx, by, bsw))
        return logs if return_dict else self._flatten_logs(logs)

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False, reset_metrics=False):
        self._assert_compiled("test_on_batch")
        data = self._single_batch(x, y, sample_weight)
        self._prepare_for_steps(data, training=False)
        if reset_metrics:
            self.reset_metrics()
        bx, by, bsw = next(data.batches())
        logs = _pythonify(self.make_test_function()(bx, by, bsw))
        return logs if return_dict else self._flatten_logs(logs)

    def predict_on_batch(self, x):
        data = self._single_batch(x)
        self._prepare_for_steps(data, training=False)
        bx, _, _ = next(data.batches())
        return nest.map_structure(np.asarray, self.make_predict_function()(bx))

    def get_compile_config(self):
        return self._compile_config

    def compile_from_config(self, config):
        from .. import losses as losses_mod
        if not config:
            return
        loss = config.get("loss")
        self.compile(optimizer=optimizers_mod.deserialize(config["optimizer"]),
                     loss=_deserialize_loss(loss, losses_mod), loss_weights=config.get("loss_weights"),
                     metrics=_deserialize_metrics(config.get("metrics")),
                     weighted_metrics=_deserialize_metrics(config.get("weighted_metrics")),
                     run_eagerly=config.get("run_eagerly", False))


def _deserialize_loss(spec, losses_mod):
    if isinstance(spec, list):
        return [_deserialize_loss(s, losses_mod) for s in spec]
    if isinstance(spec, dict) and "class_name" not in spec:
        return {k: _deserialize_loss(v, losses_mod) for k, v in spec.items()}
    if spec is None or isinstance(spec, str):
        return spec
    return losses_mod.deserialize(spec)


def _deserialize_metrics(spec):
    if isinstance(spec, list):
        return [_deserialize_metrics(s) for s in spec]
    if isinstance(spec, dict) and "class_name" not in spec:
        return {k: _deserialize_metrics(v) for k, v in spec.items()}
    if spec is None or isinstance(spec, str):
        return spec
    return metrics_mod.deserialize(spec)
