"""keras.utils.model_to_dot and plot_model: the layer graph as a Graphviz drawing.

pydot builds the graph (the `plot` extra installs it); Graphviz's `dot` program renders images.
A `.dot` file needs only pydot. Each layer is a box with its name and class (and, when asked, its
activation, input and output shapes, dtype and whether it trains); edges follow the calls."""
from __future__ import annotations

import os
import sys

from ..atomic_file import atomic_writer
from .models.summary import _format_shape

_NEEDS_PYDOT = "You must install pydot (`pip install pydot`, or graphflow[plot]) for `plot_model` to work."
_NEEDS_GRAPHVIZ = ("You must install graphviz (its `dot` program, e.g. `apt install graphviz`) and pydot for "
                   "`plot_model` to draw images; a `.dot` file needs only pydot.")


def _pydot():
    try:
        import pydot
    except ImportError:
        raise ImportError(_NEEDS_PYDOT) from None
    return pydot


def _shapes(tensors):
    shapes = [_format_shape(tuple(t.shape.dims) if hasattr(t.shape, "dims") else tuple(t.shape)) for t in tensors]
    return shapes[0] if len(shapes) == 1 else "[" + ", ".join(shapes) + "]"


def _activation_name(layer):
    activation = getattr(layer, "activation", None)
    return getattr(activation, "__name__", None) or getattr(activation, "name", None) or str(activation)


def _label(layer, show_shapes, show_dtype, show_layer_names, show_layer_activations, show_trainable):
    title = f"<b>{layer.name}</b> ({type(layer).__name__})" if show_layer_names else f"<b>{type(layer).__name__}</b>"
    width = max(1, 2 * show_shapes + show_dtype + show_trainable)
    rows = [f'<tr><td colspan="{width}" bgcolor="black"><font point-size="16" color="white">{title}</font></td></tr>']
    if show_layer_activations and getattr(layer, "activation", None) is not None:
        rows.append(f'<tr><td bgcolor="white" colspan="{width}"><font point-size="14">Activation: '
                    f'<b>{_activation_name(layer)}</b></font></td></tr>')
    cells = []
    node = layer._inbound_nodes[0] if layer._inbound_nodes else None
    if show_shapes:
        if type(layer).__name__ != "InputLayer":
            shown = _shapes(node.input_tensors) if node is not None else "?"
            cells.append(f'<td bgcolor="white"><font point-size="14">Input shape: <b>{shown}</b></font></td>')
        shown = _shapes(node.output_tensors) if node is not None else "?"
        cells.append(f'<td bgcolor="white"><font point-size="14">Output shape: <b>{shown}</b></font></td>')
    if show_dtype:
        cells.append(f'<td bgcolor="white"><font point-size="14">Output dtype: <b>{layer.dtype}</b></font></td>')
    if show_trainable and layer.weights:
        flag = '<font color="forestgreen">Trainable</font>' if layer.trainable \
            else '<font color="firebrick">Non-trainable</font>'
        cells.append(f'<td bgcolor="white"><font point-size="14"><b>{flag}</b></font></td>')
    if cells:
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return '<<table border="0" cellborder="1" bgcolor="black" cellpadding="10">' + "".join(rows) + "</table>>"


def _input_layers(model) -> list:
    seen, out = set(), []
    for t in getattr(model, "_input_tensors", []) or []:
        layer = t._keras_history[0] if getattr(t, "_keras_history", None) else None
        if layer is not None and id(layer) not in seen:
            seen.add(id(layer))
            out.append(layer)
    return out


def model_to_dot(model, show_shapes=False, show_dtype=False, show_layer_names=True, rankdir="TB",
                 expand_nested=False, dpi=200, subgraph=False, show_layer_activations=False,
                 show_trainable=False, **kwargs):
    """A pydot.Dot of the model's layers (input layers included) and the calls between them."""
    if not model.built:
        raise ValueError("This model has not yet been built. Build the model first by calling `build()` or by "
                         "calling the model on a batch of data.")
    pydot = _pydot()
    dot = pydot.Dot(graph_type="digraph", rankdir=rankdir, concentrate=True, dpi=str(dpi))
    dot.set_node_defaults(shape="plaintext")
    layers = _input_layers(model) + [layer for layer in model.layers if layer not in _input_layers(model)]
    for layer in layers:
        dot.add_node(pydot.Node(str(id(layer)), label=_label(layer, show_shapes, show_dtype, show_layer_names,
                                                             show_layer_activations, show_trainable)))
    previous = None
    for layer in layers:
        if not layer._inbound_nodes:            # a layer chain without recorded calls: draw it in order
            if previous is not None:
                dot.add_edge(pydot.Edge(str(id(previous)), str(id(layer)), penwidth="2"))
            previous = layer
            continue
        for node in layer._inbound_nodes[:1]:
            for t in node.input_tensors:
                source = t._keras_history[0]
                if not dot.get_edge(str(id(source)), str(id(layer))):
                    dot.add_edge(pydot.Edge(str(id(source)), str(id(layer)), penwidth="2"))
    return dot


def plot_model(model, to_file="model.png", show_shapes=False, show_dtype=False, show_layer_names=True,
               rankdir="TB", expand_nested=False, dpi=200, show_layer_activations=False, show_trainable=False,
               **kwargs):
    """Write the layer graph to `to_file`; its extension picks the format (png, svg, pdf, dot...).
    In a notebook a png/jpeg/gif is also returned for display, as Keras does."""
    dot = model_to_dot(model, show_shapes=show_shapes, show_dtype=show_dtype, show_layer_names=show_layer_names,
                       rankdir=rankdir, expand_nested=expand_nested, dpi=dpi,
                       show_layer_activations=show_layer_activations, show_trainable=show_trainable)
    to_file = os.fspath(to_file)
    extension = os.path.splitext(to_file)[1][1:].lower() or "png"
    if extension in ("dot", "gv"):
        data = dot.to_string().encode()
    else:
        try:
            data = dot.create(format=extension)
        except OSError:                     # pydot: '"dot" not found in path'
            raise ImportError(_NEEDS_GRAPHVIZ) from None
    with atomic_writer(to_file) as f:
        f.write(data)
    if extension in ("png", "jpg", "jpeg", "gif") and "ipykernel" in sys.modules:
        from IPython import display
        return display.Image(filename=to_file)
    return None
