"""model.summary(): the layer table Keras prints.

    Model: "sequential"
    _________________________________________________________________
     Layer (type)                Output Shape              Param #
    =================================================================
     dense (Dense)               (None, 128)               8320
    ...
    Total params: 9610 (37.54 KB)
"""
from __future__ import annotations

import numpy as np


def _format_shape(shape) -> str:
    if shape is None:
        return "?"
    if isinstance(shape, list):
        return ", ".join(_format_shape(s) for s in shape)
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + (",)" if len(shape) == 1 else ")")


def _output_shape(layer):
    if not layer._inbound_nodes:
        return getattr(layer, "_traced_output_shape", None)
    outs = layer._inbound_nodes[0].output_tensors
    shapes = [t.shape for t in outs]
    return shapes[0] if len(shapes) == 1 else shapes


def _readable_size(n_bytes: float) -> str:
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if n_bytes < 1024 or unit == "TB":
            return f"{n_bytes:.2f} {unit}"
        n_bytes /= 1024


def _weights_bytes(weights) -> int:
    return int(sum(int(np.prod(tuple(w.shape))) * w.dtype.size for w in weights))


def _count(weights) -> int:
    return int(sum(int(np.prod(tuple(w.shape))) for w in weights))


def _connections(model, layer) -> list:
    nodes = [n for n in getattr(model, "_nodes", []) if n.layer is layer]
    out = []
    for node in nodes:
        for t in node.input_tensors:
            src, node_index, tensor_index = t._keras_history
            out.append(f"{src.name}[{node_index}][{tensor_index}]")
    return out


def _is_chain(model) -> bool:
    nodes = getattr(model, "_nodes", None)
    if nodes is None:
        return True
    seen = set()
    for node in nodes:
        if len(node.input_tensors) > 1 or id(node.layer) in seen:
            return False
        seen.add(id(node.layer))
    return len(getattr(model, "_input_tensors", [])) <= 1 and len(getattr(model, "_output_tensors", [])) <= 1


def _cell(text: str, width: int) -> str:
    return text[: max(width - 1, 0)].ljust(width) if len(text) >= width else text.ljust(width)


def print_summary(model, line_length=None, positions=None, print_fn=None) -> None:
    print_fn = print_fn or print
    chain = _is_chain(model)
    line_length = line_length or (65 if chain else 98)
    positions = positions or ([0.45, 0.85, 1.0] if chain else [0.33, 0.55, 0.67, 1.0])
    if positions[-1] <= 1:
        positions = [int(line_length * p) for p in positions]
    headers = ["Layer (type)", "Output Shape", "Param #"] + ([] if chain else ["Connected to"])

    def row(fields):
        line, start = "", 0
        for text, end in zip(fields, positions):
            line += _cell(" " + text if start == 0 else text, end - start)
            start = end
        return line.rstrip()

    print_fn(f'Model: "{model.name}"')
    print_fn("_" * line_length)
    print_fn(row(headers))
    print_fn("=" * line_length)
    layers = model.layers
    for i, layer in enumerate(layers):
        params = str(layer.count_params()) if layer.built else "0 (unbuilt)"
        fields = [f"{layer.name} ({type(layer).__name__})", _format_shape(_output_shape(layer)), params]
        if chain:
            print_fn(row(fields))
        else:
            links = _connections(model, layer) or [""]
            print_fn(row(fields + [links[0]]))
            for link in links[1:]:
                print_fn(row(["", "", "", link]))
        print_fn("=" * line_length if i == len(layers) - 1 else "")
    if not layers:
        print_fn("=" * line_length)
    weights = model.weights
    trainable = model.trainable_weights
    trainable_ids = {id(w) for w in trainable}
    non_trainable = [w for w in weights if id(w) not in trainable_ids]
    print_fn(f"Total params: {_count(weights)} ({_readable_size(_weights_bytes(weights))})")
    print_fn(f"Trainable params: {_count(trainable)} ({_readable_size(_weights_bytes(trainable))})")
    print_fn(f"Non-trainable params: {_count(non_trainable)} ({_readable_size(_weights_bytes(non_trainable))})")
    print_fn("_" * line_length)
