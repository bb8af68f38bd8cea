"""keras.callbacks.TensorBoard: training curves, weight histograms and the train step's graph, laid
out as Keras lays them out (runs `log_dir/train` and `log_dir/validation`)."""
from __future__ import annotations

import os

import numpy as np

from ..summary import writer_v2 as summary
from ..summary.graph_def import graph_def
from .callbacks import Callback


class TensorBoard(Callback):
    """Write logs for TensorBoard.

    Args:
      log_dir: where the `train` and `validation` runs go.
      histogram_freq: every this many epochs, a histogram of every weight (0: never).
      write_graph: write the compiled train step's graph (to the train run) after the first epoch.
      update_freq: "epoch", "batch", or an int N: also write `batch_*` scalars every N batches.
    Other TF arguments (write_images, profile_batch, embeddings_*) are accepted and have no effect.
    """

    chief_only = True        # one writer under a multi-worker strategy: rank 0

    def __init__(self, log_dir="logs", histogram_freq=0, write_graph=True, write_images=False,
                 write_steps_per_second=False, update_freq="epoch", profile_batch=0, embeddings_freq=0,
                 embeddings_metadata=None):
        super().__init__()
        if update_freq not in ("epoch", "batch") and not (isinstance(update_freq, int) and update_freq > 0):
            raise ValueError(f"TensorBoard: update_freq must be 'epoch', 'batch' or a positive int, "
                             f"got {update_freq!r}")
        self.log_dir = os.fspath(log_dir)
        self.histogram_freq = int(histogram_freq)
        self.write_graph = write_graph
        self.update_freq = 1 if update_freq == "batch" else update_freq
        self._train_writer = self._val_writer = None
        self._global_train_batch = 0
        self._graph_written = False

    @property
    def _train_dir(self):
        return os.path.join(self.log_dir, "train")

    @property
    def _val_dir(self):
        return os.path.join(self.log_dir, "validation")

    def _writer(self, which):
        if which == "train":
            if self._train_writer is None:
                self._train_writer = summary.create_file_writer(self._train_dir)
            return self._train_writer
        if self._val_writer is None:
            self._val_writer = summary.create_file_writer(self._val_dir)
        return self._val_writer

    def on_train_begin(self, logs=None):
        self._global_train_batch = 0
        self._graph_written = False
        with self._writer("train").as_default():
            to_json = getattr(self.model, "to_json", None)
            if to_json is not None:
                try:
                    summary.text("keras", to_json(), step=0)
                except (TypeError, ValueError, NotImplementedError):
                    pass    # a subclassed model without a config: Keras writes no "keras" text either

    def on_train_batch_end(self, batch, logs=None):
        self._global_train_batch += 1
        if self.update_freq == "epoch" or self._global_train_batch % self.update_freq:
            return
        with self._writer("train").as_default():
            for name, value in (logs or {}).items():
                if np.ndim(value) == 0:
                    summary.scalar("batch_" + name, value, step=self._global_train_batch)

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        train = {k: v for k, v in logs.items() if not k.startswith("val_")}
        validation = {k[4:]: v for k, v in logs.items() if k.startswith("val_")}
        learning_rate = self._learning_rate()
        if learning_rate is not None:
            train["learning_rate"] = learning_rate
        with self._writer("train").as_default():
            for name, value in train.items():
                summary.scalar("epoch_" + name, value, step=epoch)
            if self.histogram_freq and epoch % self.histogram_freq == 0:
                self._log_weights(epoch)
        if validation:
            iterations = self._iterations()
            with self._writer("validation").as_default():
                for name, value in validation.items():
                    if iterations is not None:
                        summary.scalar(f"evaluation_{name}_vs_iterations", value, step=iterations)
                    summary.scalar("epoch_" + name, value, step=epoch)
        if self.write_graph and not self._graph_written:
            self._write_train_graph()

    def on_train_end(self, logs=None):
        for writer in (self._train_writer, self._val_writer):
            if writer is not None:
                writer.close()
        self._train_writer = self._val_writer = None

    def _log_weights(self, epoch):
        model_name = getattr(self.model, "name", "model")
        for layer in self.model.layers:
            for weight in layer.weights:
                path = getattr(weight, "path", None) or f"{model_name}/{weight.name.split(':')[0]}"
                summary.histogram(path + "/histogram", weight, step=epoch)

    def _learning_rate(self):
        rate = getattr(getattr(self.model, "optimizer", None), "learning_rate", None)
        if rate is None or callable(rate) and not hasattr(rate, "numpy"):
            return None
        return float(np.asarray(rate.numpy() if hasattr(rate, "numpy") else rate))

    def _iterations(self):
        iterations = getattr(getattr(self.model, "optimizer", None), "iterations", None)
        return None if iterations is None else int(np.asarray(iterations.numpy()))

    def _write_train_graph(self):
        """The graph of the compiled train step (none when the model runs eagerly)."""
        step = getattr(self.model, "train_function", None)
        for fn in (getattr(step, "functions", None) or {}).values():
            concretes = getattr(fn, "_list_all_concrete_functions", lambda: [])()
            if concretes:
                self._writer("train").add_graph_def(graph_def(concretes[0].graph), 0)
                self._graph_written = True
                return
