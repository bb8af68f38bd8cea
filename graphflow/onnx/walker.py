"""The graph walker: the optimised program (compiler passes: folded, simplified, fused) becomes an
ONNX graph. Feeds become graph inputs (unknown dims stay dynamic), constants and variable values
initializers, If/StatelessIf an ONNX If and While/StatelessWhile an ONNX Loop with nested bodies;
every other op goes through its row of the mapping table (onnx/mapping.py)."""
from __future__ import annotations

import numpy as np
from onnx import helper

from ..compiler import optimise
from ..ops.static_value import constant_value
from ..passes.program import specialise
from .builder import ModelBuilder, export_error, onnx_dtype, value_info
from .mapping import OpView, emit


def _dims(t):
    return t.shape.dims


def _view(op, names) -> OpView:
    return OpView(op.type, op.name, op.location, [names[t] for t in op.inputs],
                  [(t.dtype, _dims(t)) for t in op.inputs], [(t.dtype, _dims(t)) for t in op.outputs], op.attrs,
                  [constant_value(t) for t in op.inputs])


class Walker:
    """Emits ops into the builder's current scope; `names` maps graphflow tensors to ONNX names."""

    def __init__(self, builder: ModelBuilder):
        self.b = builder
        self._variables: dict = {}

    def walk(self, operations, names: dict) -> None:
        for op in operations:
            handler = _SPECIAL.get(op.type)
            outs = handler(self, op, names) if handler else emit(self.b, _view(op, names))
            if len(outs) != len(op.outputs):
                raise export_error(op, f"its mapping made {len(outs)} outputs for {len(op.outputs)}")
            names.update(zip(op.outputs, outs))

    # ---- walker ops ----------------------------------------------------------------------------
    def placeholder(self, op, names):
        if op.outputs[0] not in names:
            raise export_error(op, "a placeholder that is not an input of the exported function")
        return [names[op.outputs[0]]]

    def const(self, op, names):
        return [self.b.const(op.attrs["value"], hint=op.name)]

    def read_variable(self, op, names):
        state = op.attrs["var"]
        if id(state) not in self._variables:
            self._variables[id(state)] = self.b.const(state.read(), hint=state.name.rpartition(":")[0] or state.name)
        return [self._variables[id(state)]]

    def branch(self, graph, bound: dict) -> tuple:
        """Walk an If branch in a new scope (its inputs bound to outer names, which ONNX bodies may
        read); returns (the scope, its output names)."""
        self.b.push()
        names = dict(bound)
        self.walk(graph.operations, names)
        outs = [self.b.one("Identity", names[t]) for t in graph.outputs]
        return self.b.pop(), outs

    def if_op(self, op, names):
        pred = names[op.inputs[0]]
        if np.dtype(op.inputs[0].dtype.np) != np.bool_:
            pred = self.b.cast(pred, np.dtype(bool))
        branches = {}
        for key in ("then_graph", "else_graph"):
            graph = op.attrs[key]
            bound = {g: names[t] for g, t in zip(graph.inputs, op.inputs[1:])}
            scope, outs = self.branch(graph, bound)
            branches[key.replace("_graph", "_branch")] = helper.make_graph(
                scope.nodes, self.b.name(f"{op.name}_{key}"), [],
                [value_info(o, t.dtype, None) for o, t in zip(outs, op.outputs)])
        return self.b.node("If", [pred], n_out=len(op.outputs), name=op.name, **branches)

    def while_op(self, op, names):
        b, n = self.b, op.attrs["n_loop"]
        cond_graph, body_graph = op.attrs["cond_graph"], op.attrs["body_graph"]
        n_caps = len(body_graph.inputs) - n
        init = [names[t] for t in op.inputs[:n]]
        caps = [names[t] for t in op.inputs[n:n + n_caps]]

        def run_cond(values):
            bound = dict(zip(cond_graph.inputs, values + caps))
            self.walk(cond_graph.operations, bound)
            return b.cast(bound[cond_graph.outputs[0]], np.dtype(bool))

        first = run_cond(init)
        b.push()
        it, cond_in = b.name(f"{op.name}/iter"), b.name(f"{op.name}/cond_in")
        state = [b.name(f"{op.name}/state{i}") for i in range(n)]
        counter = b.name(f"{op.name}/count")
        bound = dict(zip(body_graph.inputs, state + caps))
        self.walk(body_graph.operations, bound)
        new = [bound[t] for t in body_graph.outputs]
        cond_out = b.one("Identity", run_cond(new))
        outs = [b.one("Identity", v) for v in new]
        count_out = b.one("Add", counter, b.const(np.int32(1)))
        scope = b.pop()
        dtypes = [t.dtype for t in op.inputs[:n]]
        int32, int64, boolean = np.dtype(np.int32), np.dtype(np.int64), np.dtype(bool)
        body_inputs = ([value_info(it, int64, ()), value_info(cond_in, boolean, ())]
                       + [value_info(s, d, None) for s, d in zip(state, dtypes)] + [value_info(counter, int32, ())])
        body_outputs = ([value_info(cond_out, boolean, ())] + [value_info(o, d, None) for o, d in zip(outs, dtypes)]
                        + [value_info(count_out, int32, ())])
        graph = helper.make_graph(scope.nodes, b.name(f"{op.name}_body"), body_inputs, body_outputs)
        limit = b.cast(names[op.inputs[-1]], np.dtype(np.int64)) if op.attrs["has_max"] else ""
        return b.node("Loop", [limit, first, *init, b.const(np.int32(0))], n_out=n + 1, name=op.name, body=graph)


_SPECIAL = {"Placeholder": Walker.placeholder, "Const": Walker.const, "ReadVariableOp": Walker.read_variable,
            "If": Walker.if_op, "StatelessIf": Walker.if_op, "While": Walker.while_op,
            "StatelessWhile": Walker.while_op}


def export_graph(graph, feeds: list, fetches: list, constants: dict, opset: int, name: str = "graphflow",
                 options=None):
    """An ONNX ModelProto computing `fetches` [(tensor, output name)] from `feeds` [(tensor, input
    name)] of `graph`; `constants` {tensor: array} are fed values that become initializers.

    The compiler's passes optimise the program first (the same pipeline Session.run uses), so the
    file holds what graphflow runs: constants folded, arithmetic simplified, fused groups expanded."""
    feed_tensors = [t for t, _ in feeds] + list(constants)
    prog = optimise(specialise(graph, [t for t, _ in fetches], [], feed_tensors), options)
    b = ModelBuilder(opset)
    names = {}
    b.reserve([n for _, n in feeds] + [n for _, n in fetches])
    for (_, input_name), p in zip(feeds, prog.inputs):
        names[p] = input_name
    for array, p in zip(constants.values(), prog.inputs[len(feeds):]):
        names[p] = b.const(np.asarray(array), hint="capture")
    Walker(b).walk(prog.operations, names)
    nodes = b.scopes[0].nodes
    outputs = []
    for (t, out_name), p in zip(fetches, prog.outputs):
        nodes.append(helper.make_node("Identity", [names[p]], [out_name], name=b.name(f"{out_name}/identity")))
        outputs.append(value_info(out_name, t.dtype, _dims(t)))
    inputs = [value_info(n, t.dtype, _dims(t)) for t, n in feeds]
    onnx_graph = helper.make_graph(nodes, name, inputs, outputs, b.initializers)
    model = helper.make_model(onnx_graph, opset_imports=[helper.make_opsetid("", opset)],
                              producer_name="graphflow")
    return model


__all__ = ["Walker", "export_graph", "onnx_dtype"]
