"""A traced graph as versioned JSON data, and back: the function format of a SavedModel.

Each op is `{"name", "type", "inputs": [tensor names], "control_inputs": [op names], "attrs"}`;
ops are listed in creation order, which is a topological order, so loading re-creates them one by
one through the op registry (the same declarations every mode runs). Attr values are encoded by
kind: plain JSON, `{"dtype": name}`, `{"tuple": [...]}`, `{"array": key}` (the array goes to the
SavedModel's data file), `{"variable": i}` (the i-th saved variable), `{"graph": {...}}` (a
control-flow body). A value of any other kind cannot be saved and is reported by op and attr.
"""
from __future__ import annotations

import numpy as np

from ..dtypes import DType, as_dtype
from ..graph.func_graph import FuncGraph
from ..ops import registry
from ..ops.state import VariableState
from ..shapes import TensorShape
from ..variables import Variable

GRAPH_FORMAT_VERSION = 1


class Encoder:
    """Encodes graphs; collects the arrays they hold and the variables they use."""

    def __init__(self, variable_index):
        self.arrays: dict = {}
        self._variable_index = variable_index    # id(VariableState) -> index, grown as variables appear
        self.variables: list = []                # Variables met (in index order, by the caller's table)

    def variable(self, state) -> int:
        index = self._variable_index(state)
        if index is None:
            raise ValueError(f"The function uses variable {state.name}, which the saved object does not track; "
                             "assign it to an attribute of the object (or a sub-module) before saving")
        return index

    def array(self, value: np.ndarray) -> dict:
        key = f"const/{len(self.arrays)}"
        self.arrays[key] = np.asarray(value)
        return {"array": key}

    def attr(self, value, where: str):
        if value is None or isinstance(value, (bool, int, float, str)):
            return value
        if isinstance(value, DType):
            return {"dtype": value.name}
        if isinstance(value, np.generic):
            return {"scalar": value.item(), "dtype": value.dtype.name}
        if isinstance(value, np.ndarray):
            return self.array(value)
        if isinstance(value, TensorShape):
            return {"shape": None if value.dims is None else list(value.dims)}
        if isinstance(value, tuple):
            return {"tuple": [self.attr(v, where) for v in value]}
        if isinstance(value, list):
            return [self.attr(v, where) for v in value]
        if isinstance(value, dict):
            return {"dict": {str(k): self.attr(v, where) for k, v in value.items()}}
        if isinstance(value, VariableState):
            return {"variable": self.variable(value)}
        if isinstance(value, Variable):
            return {"variable_object": self.variable(value._state)}
        if isinstance(value, FuncGraph):
            return {"graph": self.graph(value)}
        raise ValueError(f"Cannot save {where}: its value {value!r} ({type(value).__name__}) has no saved form")

    def graph(self, graph: FuncGraph) -> dict:
        ops = []
        for op in graph.operations:
            ops.append({"name": op.name, "type": op.type, "inputs": [t.name for t in op.inputs],
                        "control_inputs": [c.name for c in op.control_inputs],
                        "attrs": {k: self.attr(v, f"attr {k!r} of op {op.name} ({op.type})")
                                  for k, v in sorted(op.attrs.items())}})
        return {"version": GRAPH_FORMAT_VERSION, "name": graph.name, "lift_captures": graph.lift_captures,
                "ops": ops, "inputs": [t.name for t in graph.inputs], "outputs": [t.name for t in graph.outputs],
                "structured_outputs": self.structure(graph.structured_outputs),
                "variables": [self.variable(v._state) for v in getattr(graph, "variables", [])]}

    def structure(self, value):
        """A nest of tensors and Python values: tensors by name."""
        from ..graph.graph import SymbolicTensor
        if isinstance(value, SymbolicTensor):
            return {"tensor": value.name}
        if isinstance(value, tuple):
            return {"tuple": [self.structure(v) for v in value]}
        if isinstance(value, list):
            return [self.structure(v) for v in value]
        if isinstance(value, dict):
            return {"dict": {str(k): self.structure(v) for k, v in value.items()}}
        if value is None or isinstance(value, (bool, int, float, str)):
            return value
        raise ValueError(f"Cannot save a function output of type {type(value).__name__}")


class Decoder:
    """Rebuilds graphs from their saved form, given the arrays and the loaded variables."""

    def __init__(self, arrays, variables: list, source: str):
        self.arrays = arrays
        self.variables = variables
        self.source = source

    def attr(self, value):
        if isinstance(value, list):
            return [self.attr(v) for v in value]
        if not isinstance(value, dict):
            return value
        if "dtype" in value and len(value) == 1:
            return as_dtype(value["dtype"])
        if "scalar" in value:
            return np.asarray(value["scalar"], dtype=value["dtype"])[()]
        if "array" in value:
            return self.arrays(value["array"])
        if "shape" in value:
            return TensorShape(value["shape"])
        if "tuple" in value:
            return tuple(self.attr(v) for v in value["tuple"])
        if "dict" in value:
            return {k: self.attr(v) for k, v in value["dict"].items()}
        if "variable" in value:
            return self.variables[value["variable"]]._state
        if "variable_object" in value:
            return self.variables[value["variable_object"]]
        if "graph" in value:
            return self.graph(value["graph"])
        raise ValueError(f"{self.source}: unknown attr encoding {value!r}")

    def graph(self, data: dict, outer_graph=None) -> FuncGraph:
        if int(data.get("version", 1)) > GRAPH_FORMAT_VERSION:
            raise ValueError(f"{self.source}: graph format version {data['version']} is newer than the version "
                             f"{GRAPH_FORMAT_VERSION} this graphflow reads")
        graph = FuncGraph(data["name"], outer_graph=outer_graph, lift_captures=data.get("lift_captures", False))
        tensors, ops = {}, {}
        placeholder = registry.get("Placeholder")
        for entry in data["ops"]:
            try:
                opdef = registry.get(entry["type"])
            except (KeyError, ValueError):
                raise ValueError(f"{self.source}: op type {entry['type']!r} (op {entry['name']}) is not known to this "
                                 "graphflow; the SavedModel was written by a newer version") from None
            attrs = {k: self.attr(v) for k, v in entry["attrs"].items()}
            inputs = tuple(tensors[name] for name in entry["inputs"])
            with graph.control_dependencies([ops[c] for c in entry["control_inputs"]] or None) \
                    if entry["control_inputs"] else _nothing():
                op = graph.create_op(opdef, inputs, attrs, entry["name"])
            if opdef is placeholder:
                graph.inputs.append(op.outputs[0])
            ops[entry["name"]] = op
            for t in op.outputs:
                tensors[f"{entry['name']}:{t.value_index}"] = t
            if op.name != entry["name"]:
                raise ValueError(f"{self.source}: op name {entry['name']} is used twice in graph {data['name']}")
        order = {name: i for i, name in enumerate(data["inputs"])}
        graph.inputs = sorted(graph.inputs, key=lambda t: order.get(t.name, len(order)))
        graph.outputs = [tensors[name] for name in data["outputs"]]
        graph.structured_outputs = self.structure(data["structured_outputs"], tensors)
        for index in data.get("variables", []):
            graph.note_variable(self.variables[index])
        return graph

    def structure(self, value, tensors):
        if isinstance(value, list):
            return [self.structure(v, tensors) for v in value]
        if isinstance(value, dict):
            if "tensor" in value:
                return tensors[value["tensor"]]
            if "tuple" in value:
                return tuple(self.structure(v, tensors) for v in value["tuple"])
            if "dict" in value:
                return {k: self.structure(v, tensors) for k, v in value["dict"].items()}
        return value


class _nothing:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False
