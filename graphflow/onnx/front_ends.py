"""gf.onnx.export: the front ends. A gf.function (with an input signature), a concrete function, a
TF1 graph (a Session or Graph with its input and output tensors), a Keras model, or a loaded saved
model's signature become one (graph, feeds, fetches, captured constants) for the graph walker."""
from __future__ import annotations

import os
from typing import Optional

import numpy as np

from ..atomic_file import write_atomic
from ..function.tracing import Function
from ..graph.graph import Graph, SymbolicTensor
from ..tensor_spec import TensorSpec

DEFAULT_OPSET = 18      # ONNX 1.13+: Reduce* take axes as inputs, bitwise ops exist


def export(obj, path: Optional[str] = None, input_signature=None, opset: int = DEFAULT_OPSET,
           inputs=None, outputs=None, name: Optional[str] = None, options: Optional[dict] = None):
    """Write `obj` as an ONNX model to `path` (when given) and return the checked ModelProto.

    Args:
      obj: a gf.function, a ConcreteFunction (or a loaded saved model's function or signature), a
        Keras model, or a TF1 `Session`/`Graph` together with `inputs` and `outputs`.
      path: the .onnx file to write (atomically); None only returns the model.
      input_signature: TensorSpecs of the inputs (a gf.function without its own signature, or a
        Keras model without Input layers). None dims stay dynamic in the file.
      opset: the ONNX opset to target (at least 18).
      inputs, outputs: for TF1 graphs, the placeholders fed and the tensors fetched.
      options: pass switches, as gf.config.optimizer.set_experimental_options takes them.
    Returns:
      The onnx.ModelProto, after onnx.checker passed on it.
    Raises:
      ExportError (a ValueError) naming an op with no ONNX form and the line that created it.
    """
    import onnx

    from .walker import export_graph
    if opset < DEFAULT_OPSET:
        raise ValueError(f"graphflow exports ONNX opset {DEFAULT_OPSET} or newer, got opset={opset}")
    graph, feeds, fetches, constants = _front_end(obj, input_signature, inputs, outputs)
    model = export_graph(graph, feeds, fetches, constants, opset, name or _model_name(obj), options)
    onnx.checker.check_model(model, full_check=True)
    if path is not None:
        write_atomic(os.fspath(path), model.SerializeToString())
    return model


def _model_name(obj) -> str:
    return str(getattr(obj, "name", None) or getattr(obj, "__name__", None) or "graphflow")


def _front_end(obj, input_signature, inputs, outputs):
    if isinstance(obj, Graph) or (hasattr(obj, "graph") and hasattr(obj, "run") and outputs is not None):
        return _tf1(obj if isinstance(obj, Graph) else obj.graph, inputs, outputs)
    if inputs is not None or outputs is not None:
        raise TypeError("inputs= and outputs= are for TF1 graphs (a Session or a Graph)")
    if isinstance(obj, Function):
        concrete = obj.get_concrete_function(*input_signature) if input_signature else obj.get_concrete_function()
        return _concrete(concrete)
    if hasattr(obj, "graph") and hasattr(obj.graph, "captures"):
        return _concrete(obj)
    if callable(obj) and hasattr(obj, "layers"):
        return _keras(obj, input_signature)
    raise TypeError(f"gf.onnx.export takes a gf.function, a concrete function, a Keras model or a TF1 "
                    f"Session/Graph with inputs= and outputs=; got {type(obj).__name__}")


def _tf1(graph, inputs, outputs):
    if inputs is None or not outputs:
        raise ValueError("exporting a TF1 graph needs inputs= (placeholders) and outputs= (tensors)")
    inputs, outputs = list(inputs), list(outputs)
    for t in inputs + outputs:
        if not isinstance(t, SymbolicTensor) or t.graph is not graph:
            raise ValueError(f"{t!r} is not a tensor of the exported graph")
    feeds = [(t, t.op.name if t.value_index == 0 else f"{t.op.name}_{t.value_index}") for t in inputs]
    fetches = [(t, f"output_{i}") for i, t in enumerate(outputs)]
    return graph, feeds, fetches, {}


def _concrete(concrete):
    """A traced graph: its inputs are the tensor arguments, then one placeholder per capture, whose
    values (`captured_inputs`) become initializers."""
    graph = concrete.graph
    values = list(concrete.captured_inputs)
    n_args = len(graph.inputs) - len(values)
    constants = {}
    for ph, value in zip(graph.inputs[n_args:], values):
        if isinstance(value, SymbolicTensor):
            raise ValueError(f"{concrete.name} captures a tensor of another graph ({value.name}); export the "
                             "function that owns it")
        constants[ph] = np.asarray(getattr(value, "_value", value))
    specs = list(getattr(concrete, "input_specs", None) or [None] * n_args)
    feeds = [(t, _input_name(s, t, i)) for i, (t, s) in enumerate(zip(graph.inputs[:n_args], specs))]
    fetches = [(t, f"output_{i}") for i, t in enumerate(graph.outputs)]
    return graph, feeds, fetches, constants


def _input_name(spec, tensor, i) -> str:
    name = getattr(spec, "name", None)
    return name if name else (tensor.op.name or f"input_{i}")


def _keras(model, input_signature):
    from ..function.tracing import function
    if input_signature is None:
        symbolic = getattr(model, "inputs", None)
        if not symbolic:
            raise ValueError(f"{model.name} has no Input layers: pass input_signature=[gf.TensorSpec(...)]")
        input_signature = [TensorSpec(k.shape, k.dtype, getattr(k, "name", None) or f"input_{i}")
                           for i, k in enumerate(symbolic)]
    signature = list(input_signature)
    if len(signature) == 1:
        fn = function(lambda x: model(x, training=False), input_signature=signature)
    else:
        fn = function(lambda *xs: model(list(xs), training=False), input_signature=signature)
    return _concrete(fn.get_concrete_function())
