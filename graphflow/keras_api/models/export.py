"""model.export(path): a gf.saved_model of the model's inference function, `serve`, as Keras 3's
export makes one; `gf.saved_model.load(path).serve(x)` runs it without the model's code."""
from __future__ import annotations

from ...function import function
from ...module import Module
from ...saved_model.save import save as save_saved_model
from ...tensor_spec import TensorSpec
from .. import nest


class ExportArchive(Module):
    """The exported object: the model (so its variables are saved) and its `serve` endpoint."""

    def __init__(self, model, input_specs):
        super().__init__(name="export_archive")
        self.model = model

        def serve(*inputs):
            return model(inputs[0] if len(inputs) == 1 else list(inputs), training=False)
        self.serve = function(serve, input_signature=input_specs)


def _input_specs(model) -> list:
    if getattr(model, "_input_tensors", None):
        tensors = model._input_tensors
        return [TensorSpec(t.shape, t.dtype, getattr(t, "name", None)) for t in tensors]
    shapes = model.build_input_shape()
    if shapes is None:
        raise ValueError(f"Model {model.name!r} has not been built; call it on data (or give it an Input) before "
                         "export")
    flat = [shapes] if isinstance(shapes, tuple) else nest.flatten(shapes)
    return [TensorSpec(tuple(s), model.dtype) for s in flat]


def export_model(model, filepath, format="tf_saved_model", verbose=True) -> None:
    if format not in ("tf_saved_model", "saved_model"):
        raise ValueError(f"model.export: format {format!r} is not supported; graphflow exports a SavedModel "
                         "(format='tf_saved_model')")
    archive = ExportArchive(model, _input_specs(model))
    save_saved_model(archive, filepath, signatures={"serving_default": archive.serve})
    if verbose:
        print(f"Saved artifact at '{filepath}'. Endpoint: serve{tuple(_input_specs(model))}")
