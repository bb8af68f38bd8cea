"""gf.keras: the Keras API (layers, models, training, saving) on graphflow.

`keras_namespace` is the module-like object exported as `graphflow.keras`; it is also registered
as `graphflow.keras` (and its sub-namespaces) in sys.modules, so `from graphflow.keras import layers`
works as `from tensorflow.keras import layers` does.
"""
from __future__ import annotations

import sys
import types

import numpy as np

from ..ops import api
from ..ops.convert import is_tensorlike
from . import (
    activations,
    backend,
    callbacks,
    config,
    datasets,
    initializers,
    layers,
    losses,
    metrics,
    mixed_precision,
    models,
    optimizers,
    regularizers,
)
from .config_dict import Config
from .data_adapter import pack_x_y_sample_weight, unpack_x_y_sample_weight
from .dataset_split import split_dataset
from .directory_datasets import image_dataset_from_directory, text_dataset_from_directory
from .file_download import get_file
from .keras_tensor import get_source_inputs, is_keras_tensor
from .layers import Input
from .model_plot import model_to_dot, plot_model
from .models import Model, Sequential
from .models.saving import load_weights, save_weights
from .object_serialization import deserialize_keras_object, serialize_keras_object
from .pil_images import array_to_img, img_to_array, load_img, save_img
from .progbar import Progbar
from .py_dataset import PyDataset, Sequence
from .sequence_utils import pad_sequences
from .serialization import (
    CustomObjectScope,
    custom_object_scope,
    enable_unsafe_deserialization,
    get_custom_objects,
    get_registered_name,
    get_registered_object,
    register_keras_serializable,
)
from .tensorboard_callback import TensorBoard
from .timeseries import timeseries_dataset_from_array

callbacks.TensorBoard = TensorBoard      # keras.callbacks.TensorBoard (its module needs callbacks.Callback)


def to_categorical(y, num_classes=None, dtype="float32") -> np.ndarray:
    """One-hot rows from integer class labels."""
    y = np.asarray(y, dtype="int64")
    shape = y.shape
    if shape and shape[-1] == 1 and len(shape) > 1:
        shape = shape[:-1]
    y = y.reshape(-1)
    num_classes = int(num_classes or (y.max() + 1 if y.size else 0))
    out = np.zeros((y.size, num_classes), dtype=dtype)
    out[np.arange(y.size), y] = 1
    return out.reshape(shape + (num_classes,))


def normalize(x, axis=-1, order=2):
    """`x` divided by its `order`-norm along `axis` (zero vectors stay zero); a tensor gives a tensor."""
    if is_tensorlike(x):
        x = api.convert_to_tensor(x)
        norm = api.norm(x, ord=order, axis=axis, keepdims=True)
        return api.divide(x, api.where(api.equal(norm, 0), api.ones_like(norm), norm))
    x = np.asarray(x)
    norm = np.linalg.norm(x, ord=order, axis=axis, keepdims=True)
    return x / np.where(norm == 0, 1, norm)


def _module(name: str, doc: str, **members) -> types.ModuleType:
    mod = types.ModuleType(f"graphflow.keras.{name}" if name else "graphflow.keras", doc)
    mod.__dict__.update(members)
    return mod


_registration = dict(register_keras_serializable=register_keras_serializable,
                     get_registered_object=get_registered_object, get_registered_name=get_registered_name,
                     get_custom_objects=get_custom_objects, CustomObjectScope=CustomObjectScope,
                     custom_object_scope=custom_object_scope, serialize_keras_object=serialize_keras_object,
                     deserialize_keras_object=deserialize_keras_object)
_interactive_logging = dict(enable_interactive_logging=config.enable_interactive_logging,
                            disable_interactive_logging=config.disable_interactive_logging,
                            is_interactive_logging_enabled=config.is_interactive_logging_enabled)
utils = _module("utils", "Helpers: seeding, one-hot labels, padding, windows, splits, Python datasets, images, "
                "downloads, custom-object registration and serialization.",
                set_random_seed=backend.set_random_seed, to_categorical=to_categorical, normalize=normalize,
                Progbar=Progbar, pad_sequences=pad_sequences,
                timeseries_dataset_from_array=timeseries_dataset_from_array, split_dataset=split_dataset,
                PyDataset=PyDataset, Sequence=Sequence, pack_x_y_sample_weight=pack_x_y_sample_weight,
                unpack_x_y_sample_weight=unpack_x_y_sample_weight,
                text_dataset_from_directory=text_dataset_from_directory,
                image_dataset_from_directory=image_dataset_from_directory, model_to_dot=model_to_dot,
                plot_model=plot_model, array_to_img=array_to_img, img_to_array=img_to_array, load_img=load_img,
                save_img=save_img, get_file=get_file, clear_session=backend.clear_session,
                is_keras_tensor=is_keras_tensor, get_source_inputs=get_source_inputs, Config=Config,
                standardize_dtype=backend.standardize_dtype,
                **_registration, **_interactive_logging)
preprocessing = _module("preprocessing", "keras.preprocessing: the sequence and time-series helpers.",
                        timeseries_dataset_from_array=timeseries_dataset_from_array,
                        sequence=_module("preprocessing.sequence", "keras.preprocessing.sequence",
                                         pad_sequences=pad_sequences))
keras_backend = _module("backend", "A minimal Keras backend: session, precision and naming state.",
                        clear_session=backend.clear_session, floatx=backend.floatx, set_floatx=backend.set_floatx,
                        epsilon=backend.epsilon, set_epsilon=backend.set_epsilon,
                        image_data_format=backend.image_data_format,
                        set_image_data_format=backend.set_image_data_format, is_keras_tensor=is_keras_tensor)
saving = _module("saving", "Saving and loading models, weights and custom objects.", load_model=models.load_model,
                 save_model=models.save_model, load_weights=load_weights, save_weights=save_weights, **_registration)
keras_config = _module("config", "Process-wide Keras settings: precision, data format, dtype policy, logging, "
                       "training limits.",
                       floatx=backend.floatx, set_floatx=backend.set_floatx, epsilon=backend.epsilon,
                       set_epsilon=backend.set_epsilon, image_data_format=backend.image_data_format,
                       set_image_data_format=backend.set_image_data_format,
                       dtype_policy=mixed_precision.global_policy, set_dtype_policy=mixed_precision.set_global_policy,
                       enable_unsafe_deserialization=enable_unsafe_deserialization, backend=config.backend,
                       set_backend=config.set_backend, is_nnx_enabled=config.is_nnx_enabled,
                       max_epochs=config.max_epochs, set_max_epochs=config.set_max_epochs,
                       max_steps_per_epoch=config.max_steps_per_epoch,
                       set_max_steps_per_epoch=config.set_max_steps_per_epoch,
                       enable_flash_attention=config.enable_flash_attention,
                       disable_flash_attention=config.disable_flash_attention,
                       is_flash_attention_enabled=config.is_flash_attention_enabled,
                       enable_traceback_filtering=config.enable_traceback_filtering,
                       disable_traceback_filtering=config.disable_traceback_filtering,
                       is_traceback_filtering_enabled=config.is_traceback_filtering_enabled,
                       **_interactive_logging)
schedules = optimizers.schedules

keras_namespace = _module(
    "", __doc__, layers=layers, models=models, optimizers=optimizers, losses=losses, metrics=metrics,
    callbacks=callbacks, initializers=initializers, activations=activations, regularizers=regularizers,
    datasets=datasets, utils=utils, backend=keras_backend, saving=saving, config=keras_config,
    preprocessing=preprocessing,
    mixed_precision=mixed_precision, DTypePolicy=mixed_precision.DTypePolicy,
    Input=Input, Model=Model,
    Sequential=Sequential, Layer=layers.Layer, __version__="3.0.0-graphflow")

for _name, _mod in (("keras", keras_namespace), ("keras.layers", layers), ("keras.models", models),
                    ("keras.optimizers", optimizers), ("keras.optimizers.schedules", optimizers.schedules),
                    ("keras.losses", losses), ("keras.metrics", metrics), ("keras.callbacks", callbacks),
                    ("keras.initializers", initializers), ("keras.activations", activations),
                    ("keras.regularizers", regularizers), ("keras.datasets", datasets), ("keras.utils", utils),
                    ("keras.preprocessing", preprocessing), ("keras.preprocessing.sequence", preprocessing.sequence),
                    ("keras.backend", keras_backend), ("keras.saving", saving), ("keras.config", keras_config),
                    ("keras.mixed_precision", mixed_precision)):
    sys.modules.setdefault(f"graphflow.{_name}", _mod)
