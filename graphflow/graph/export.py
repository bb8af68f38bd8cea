"""Export a Graph for tools: a JSON-able dict (`Graph.as_graph_def()`), a networkx DiGraph, DOT text.

The dict is the stable form: `graphflow explain`, tests and visualisers read it. networkx and DOT
are views of it for analysis (reachability, cycles) and drawing.
"""
from __future__ import annotations

import json
from typing import Optional

import numpy as np

from ..errors import format_location
from .text import type_str

MAX_INLINE_ELEMENTS = 16    # constants up to this size are written out; bigger ones are summarised


def json_safe(value):
    """An attr value as plain JSON data: DTypes by name, small arrays as lists, the rest summarised."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        if value.size <= MAX_INLINE_ELEMENTS:
            return {"dtype": value.dtype.name, "shape": list(value.shape), "value": value.tolist()}
        return {"dtype": value.dtype.name, "shape": list(value.shape)}
    if hasattr(value, "as_numpy_dtype") and hasattr(value, "name"):      # DType
        return value.name
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if type(value).__name__ == "VariableState":
        return {"variable": value.name}
    return repr(value)


def _dims(shape):
    dims = getattr(shape, "dims", shape)
    return None if dims is None else list(dims)


def op_to_dict(op) -> dict:
    return {
        "name": op.name,
        "type": op.type,
        "inputs": [t.name for t in op.inputs],
        "control_inputs": [c.name for c in op.control_inputs],
        "attrs": {k: json_safe(v) for k, v in sorted(op.attrs.items())},
        "outputs": [{"name": t.name, "shape": _dims(t.shape), "dtype": t.dtype.name} for t in op.outputs],
        "location": format_location(op.location) or None,
    }


def to_dict(graph) -> dict:
    """The graph as JSON-able data: ops in creation (topological) order."""
    return {"format": "graphflow.graph/1", "ops": [op_to_dict(op) for op in graph.get_operations()]}


def to_json(graph, indent: Optional[int] = 1) -> str:
    return json.dumps(to_dict(graph), indent=indent, allow_nan=True)


def to_networkx(graph):
    """A networkx DiGraph: one node per op (its dict as node data), one edge per data or control
    dependency (`tensor` names the data edge's tensor, `control=True` marks control edges)."""
    import networkx as nx
    g = nx.DiGraph()
    for op in graph.get_operations():
        data = op_to_dict(op)
        g.add_node(op.name, **{k: v for k, v in data.items() if k != "name"})
        for t in op.inputs:
            if g.has_edge(t.op.name, op.name):
                g.edges[t.op.name, op.name]["tensors"].append(t.name)
            else:
                g.add_edge(t.op.name, op.name, tensors=[t.name], control=False)
        for c in op.control_inputs:
            if not g.has_edge(c.name, op.name):
                g.add_edge(c.name, op.name, tensors=[], control=True)
    return g


def _quote(s: str) -> str:
    """A DOT string literal (`\\n` inside stays a DOT line break)."""
    return '"' + str(s).replace('"', '\\"') + '"'


def _output_label(out) -> str:
    return type_str(out["dtype"], out["shape"])


def to_dot(graph, name: str = "graphflow") -> str:
    """DOT text for Graphviz: ops as boxes labelled name, type and output types; control edges dashed."""
    lines = [f"digraph {_quote(name)} {{", "  node [shape=box, fontname=monospace];"]
    for op in graph.get_operations():
        data = op_to_dict(op)
        types = ", ".join(_output_label(o) for o in data["outputs"])
        label = f"{op.name}\\n{op.type}" + (f"\\n{types}" if types else "")
        lines.append(f"  {_quote(op.name)} [label={_quote(label)}];")
    for op in graph.get_operations():
        for t in op.inputs:
            lines.append(f"  {_quote(t.op.name)} -> {_quote(op.name)} [label={_quote(t.name)}];")
        for c in op.control_inputs:
            lines.append(f"  {_quote(c.name)} -> {_quote(op.name)} [style=dashed];")
    lines.append("}")
    return "\n".join(lines) + "\n"
