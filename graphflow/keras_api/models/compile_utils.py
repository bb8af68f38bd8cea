"""What `compile(loss=..., metrics=...)` turns into: one loss per model output (summed with
`loss_weights`) and the metric objects per output, resolved from strings on the first batch,
when the shapes of y_true and y_pred are known ('accuracy' becomes binary, sparse categorical or
categorical accuracy from those shapes, as Keras decides).
"""
from __future__ import annotations

from ... import dtypes
from ...ops import api
from .. import losses as losses_mod
from .. import metrics as metrics_mod
from .. import nest


def _per_output(spec, output_names, what):
    """Spread a single spec, a list or a dict over the outputs: a list of specs (None = skip)."""
    n = len(output_names)
    if isinstance(spec, dict):
        unknown = set(spec) - set(output_names)
        if unknown:
            raise ValueError(f"compile: {what} given for unknown outputs {sorted(unknown)}; the model's outputs "
                             f"are {output_names}")
        return [spec.get(name) for name in output_names]
    if isinstance(spec, (list, tuple)) and n > 1 and what == "loss":
        if len(spec) != n:
            raise ValueError(f"compile: got {len(spec)} losses for a model with {n} outputs")
        return list(spec)
    return [spec] * n


def _loss_object(identifier):
    fn = losses_mod.get(identifier)
    if fn is None or isinstance(fn, losses_mod.Loss):
        return fn
    return losses_mod.LossFunctionWrapper(fn, name=identifier if isinstance(identifier, str) else None)


def _output_names(given, preds) -> list:
    """The model's output names when there is one per prediction, else output_0, output_1, ..."""
    return given if given and len(given) == len(preds) else [f"output_{i}" for i in range(len(preds))]


class CompileLoss:
    """The compiled loss: the weighted sum of one loss per output."""

    def __init__(self, loss, loss_weights=None, output_names=None):
        self.spec, self.loss_weights = loss, loss_weights
        self.output_names = output_names
        self.losses = None
        self.metrics = []
        self.built = False

    def build(self, y_true, y_pred):
        preds = nest.flatten(y_pred)
        names = self.output_names = _output_names(self.output_names, preds)
        self.losses = [_loss_object(s) for s in _per_output(self.spec, names, "loss")]
        weights = self.loss_weights
        if weights is None:
            self.weights = [1.0] * len(names)
        elif isinstance(weights, dict):
            self.weights = [float(weights.get(n, 1.0)) for n in names]
        elif isinstance(weights, (list, tuple)):
            self.weights = [float(w) for w in weights]
        else:
            self.weights = [float(weights)] * len(names)
        if len(preds) > 1:
            self.metrics = [metrics_mod.Mean(name=f"{n}_loss") for n, fn in zip(names, self.losses)
                            if fn is not None]
        self.built = True

    def __call__(self, y_true, y_pred, sample_weight=None):
        if not self.built:
            self.build(y_true, y_pred)
        preds = [_float32(p) for p in nest.flatten(y_pred)]
        trues = _match_targets(y_true, y_pred, self.output_names)
        sws = nest.flatten(sample_weight) if isinstance(sample_weight, (list, tuple, dict)) else \
            [sample_weight] * len(preds)
        total = None
        trackers = iter(self.metrics)
        for loss, weight, yt, yp, sw in zip(self.losses, self.weights, trues, preds, sws):
            if loss is None:
                continue
            if yt is None:
                raise ValueError("A loss was compiled for an output, but no target (y) was given for it")
            value = loss(yt, yp, sample_weight=sw)
            if len(preds) > 1:
                next(trackers).update_state(value)
            value = api.multiply(value, weight) if weight != 1.0 else value
            total = value if total is None else api.add(total, value)
        return total

    def get_config(self):
        return {"loss": _serialize(self.spec), "loss_weights": self.loss_weights}


def _float32(prediction):
    """Losses and metrics compute in float32 (Keras's default loss dtype), so a float16 output of
    a mixed-precision model is widened first."""
    if getattr(prediction, "dtype", None) is dtypes.float16:
        return api.cast(prediction, dtypes.float32)
    return prediction


def _match_targets(y_true, y_pred, output_names):
    preds = nest.flatten(y_pred)
    if isinstance(y_true, dict):
        return [y_true.get(n) for n in output_names]
    if len(preds) == 1:
        return [y_true if not isinstance(y_true, (list, tuple)) or len(y_true) != 1 else y_true[0]]
    if not isinstance(y_true, (list, tuple)) or len(y_true) != len(preds):
        raise ValueError(f"The model has {len(preds)} outputs, so y must be a list (or dict) of {len(preds)} "
                         "targets")
    return list(y_true)


def _serialize(spec):
    if isinstance(spec, (list, tuple)):
        return [_serialize(s) for s in spec]
    if isinstance(spec, dict):
        return {k: _serialize(v) for k, v in spec.items()}
    if spec is None or isinstance(spec, str):
        return spec
    if hasattr(spec, "get_config"):
        return {"class_name": type(spec).__name__, "config": spec.get_config()}
    return getattr(spec, "__name__", None)


def resolve_metric(identifier, y_true, y_pred):
    """A Metric object from a compile() metric spec, given example targets and predictions."""
    if identifier is None:
        return None
    name = identifier if isinstance(identifier, str) else None
    key = identifier.lower() if isinstance(identifier, str) else None
    if key in ("accuracy", "acc", "crossentropy", "ce"):
        t_rank, p_rank = y_true.shape.rank, y_pred.shape.rank
        t_last, p_last = y_true.shape[-1] if t_rank else None, y_pred.shape[-1] if p_rank else None
        is_binary = p_last == 1
        is_sparse = (t_rank is not None and p_rank is not None and t_rank < p_rank) or \
            (t_last == 1 and p_last is not None and p_last > 1)
        if key in ("accuracy", "acc"):
            cls = metrics_mod.BinaryAccuracy if is_binary else (
                metrics_mod.SparseCategoricalAccuracy if is_sparse else metrics_mod.CategoricalAccuracy)
        else:
            cls = metrics_mod.BinaryCrossentropy if is_binary else (
                metrics_mod.SparseCategoricalCrossentropy if is_sparse else metrics_mod.CategoricalCrossentropy)
        return cls(name=name)
    obj = metrics_mod.get(identifier)
    if isinstance(obj, metrics_mod.Metric):
        return obj
    return metrics_mod.MeanMetricWrapper(obj, name=name or getattr(obj, "__name__", "metric"))


class CompileMetrics(metrics_mod.Metric):
    """The compiled metrics of every output; `result()` is a dict of name -> value."""

    def __init__(self, metrics, weighted_metrics=None, output_names=None):
        super().__init__(name="compile_metrics")
        self.spec, self.weighted_spec = metrics, weighted_metrics
        self.output_names = output_names
        self.per_output = self.weighted_per_output = None
        self.built = False

    def build(self, y_true, y_pred):
        preds = nest.flatten(y_pred)
        names = self.output_names = _output_names(self.output_names, preds)
        trues = _match_targets(y_true, y_pred, names)
        self.per_output = self._resolve(self.spec, names, trues, preds)
        self.weighted_per_output = self._resolve(self.weighted_spec, names, trues, preds)
        taken = {m.name for objs in self.per_output for m in objs}
        for i, objs in enumerate(self.weighted_per_output):     # Keras: a repeated name becomes weighted_<name>
            for m in objs:
                if m.name in taken:
                    base = m.name[len(names[i]) + 1:] if len(preds) > 1 else m.name
                    m.name = f"{names[i]}_weighted_{base}" if len(preds) > 1 else f"weighted_{base}"
                taken.add(m.name)
        self.built = True

    @staticmethod
    def _resolve(specs, names, trues, preds) -> list:
        """Metric objects per output from a compile() spec (one, a list, a list per output or a dict)."""
        if isinstance(specs, dict):
            per = _per_output(specs, names, "metrics")
        elif isinstance(specs, (list, tuple)) and len(preds) > 1 and specs and all(
                isinstance(s, (list, tuple)) or s is None for s in specs):
            per = list(specs)
        else:
            per = [specs] * len(preds)
        out = []
        for i, (spec, yt, yp) in enumerate(zip(per, trues, preds)):
            items = [] if spec is None else (list(spec) if isinstance(spec, (list, tuple)) else [spec])
            objs = []
            for item in items:
                m = resolve_metric(item, yt, yp) if yt is not None else None
                if m is None:
                    continue
                if len(preds) > 1:
                    m.name = f"{names[i]}_{m.name}"
                objs.append(m)
            out.append(objs)
        return out

    @property
    def metrics(self) -> list:
        return [m for group in (self.per_output or [], self.weighted_per_output or []) for objs in group
                for m in objs]

    @property
    def variables(self) -> list:
        return [v for m in self.metrics for v in m.variables]

    def update_state(self, y_true, y_pred, sample_weight=None):
        """`metrics` ignore sample weights; `weighted_metrics` use them (as Keras)."""
        if not self.built:
            self.build(y_true, y_pred)
        trues = _match_targets(y_true, y_pred, self.output_names)
        preds = [_float32(p) for p in nest.flatten(y_pred)]
        for objs, yt, yp in zip(self.per_output, trues, preds):
            for m in objs:
                m.update_state(yt, yp)
        weights = nest.flatten(sample_weight) if isinstance(sample_weight, (list, tuple, dict)) else \
            [sample_weight] * len(preds)
        if len(weights) < len(preds):
            weights = [weights[0]] * len(preds)
        for objs, yt, yp, sw in zip(self.weighted_per_output, trues, preds, weights):
            for m in objs:
                m.update_state(yt, yp, sample_weight=sw)

    def result(self) -> dict:
        return {m.name: m.result() for m in self.metrics}

    def reset_state(self):
        for m in self.metrics:
            m.reset_state()

    def get_config(self):
        return {"metrics": _serialize(self.spec), "weighted_metrics": _serialize(self.weighted_spec)}
