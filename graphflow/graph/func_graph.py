"""FuncGraph: the graph a Python function is traced into (gf.function bodies, gf.cond branches,
gf.while_loop conditions and bodies), with its inputs, outputs, captures and side effects.

Also the two ways a traced graph is used again: `replay` re-issues its ops in the current
context (inlining into another graph, or running eagerly for a gradient), and the nested
structure helpers that map Python arguments and results onto flat tensor lists.
"""
from __future__ import annotations

import contextlib

from .. import context as ctx_mod
from ..compiler import compile_plan
from ..errors import format_location, user_frame
from ..nest import flatten, is_nested, map_structure, pack_as, signature  # noqa: F401  (re-exported)
from ..ops import convert, dispatch, registry
from ..ops.registry import FEED, SOURCE
from .graph import Graph, Operation, SymbolicTensor

_ctx = ctx_mod.context()


# ---- the graph ------------------------------------------------------------------------------------------

class FuncGraph(Graph):
    """A graph being traced from a Python function.

    `inputs` are placeholders (the function's tensor arguments, then one per capture); `outputs`
    the tensors it returns; `structured_outputs` the returned structure. Values from outside
    (symbolic tensors of enclosing graphs, eager tensors) become capture placeholders.

    `lift_captures=True` (control-flow bodies): every capture is turned into a tensor of
    `outer_graph`, which the control-flow op takes as an input. Otherwise (gf.function bodies)
    an eager tensor stays a capture fed with its value at each call, and a symbolic tensor of an
    enclosing graph is recorded as it is, to be connected when the function is inlined there.

    Side effects run in program order, as TensorFlow's automatic control dependencies make them:
    every stateful op that is not a plain variable read is chained after the previous one and
    after the reads issued since, and reads wait for the last side effect. `side_effects` lists
    them so a plan runs them on every call even when no output depends on them.
    """

    def __init__(self, name: str = "func", outer_graph: Graph | None = None, lift_captures: bool = False):
        super().__init__()
        self.name = name
        self.building_function = True
        self.outer_graph = outer_graph
        self.lift_captures = lift_captures
        self.inputs: list[SymbolicTensor] = []
        self.outputs: list[SymbolicTensor] = []
        self.structured_outputs = None
        self.captures: list[tuple] = []        # (outer value, capture placeholder), in capture order
        self._capture_index: dict[int, SymbolicTensor] = {}
        self.side_effects: list[Operation] = []
        self.variables: list = []              # Variables read or written while tracing, first use order
        self._variable_ids: set[int] = set()
        self.created_variables: list = []      # Variables created while tracing (lifted out of the graph)
        self._last_effect: Operation | None = None
        self._pending_reads: list[Operation] = []
        self.seed = getattr(outer_graph, "seed", None)
        self._plan = None

    def __repr__(self):
        return f"<FuncGraph {self.name!r} with {len(self.operations)} ops>"

    # ---- inputs and captures --------------------------------------------------------------------
    def add_input(self, shape, dtype, name: str = "input") -> SymbolicTensor:
        dims = None if shape is None or getattr(shape, "dims", ()) is None else tuple(
            getattr(shape, "dims", shape))
        op = self.create_op(registry.get("Placeholder"), (), {"shape": dims, "dtype": dtype}, _op_name(name))
        t = op.outputs[0]
        self.inputs.append(t)
        return t

    def capture(self, tensor: SymbolicTensor) -> SymbolicTensor:
        """The placeholder standing for `tensor` of an enclosing graph (created on first use)."""
        if tensor.graph is self:
            return tensor
        hit = self._capture_index.get(id(tensor))
        if hit is not None:
            return hit
        if self.lift_captures:
            outer = self.outer_graph
            if tensor.graph is outer:
                source = tensor
            elif outer is not None and hasattr(outer, "capture"):
                source = outer.capture(tensor)
            else:
                raise ValueError(_foreign(tensor))
            hit = self._capture_index.get(id(source))
            if hit is None:
                hit = self._new_capture(source, source.shape, source.dtype)
        else:
            if not self._encloses(tensor.graph):
                raise ValueError(_foreign(tensor))
            hit = self._new_capture(tensor, tensor.shape, tensor.dtype)
        self._capture_index[id(tensor)] = hit
        return hit

    def capture_eager(self, value) -> SymbolicTensor:
        """The placeholder fed with the eager tensor `value` (its value when it was captured)."""
        hit = self._capture_index.get(id(value))
        if hit is not None:
            return hit
        if self.lift_captures and self.outer_graph is not None:
            ctx_mod.push_graph(self.outer_graph)
            try:
                source = convert.convert_to_tensor(value)
            finally:
                ctx_mod.pop_mode()
            hit = self.capture(source)
        else:
            hit = self._new_capture(value, value.shape, value.dtype)
        self._capture_index[id(value)] = hit
        return hit

    def _new_capture(self, source, shape, dtype) -> SymbolicTensor:
        # The placeholder must not pick up the control dependencies active where it is first used.
        saved, self._control_stack = self._control_stack, []
        try:
            ph = self.add_input(shape, dtype, "capture")
        finally:
            self._control_stack = saved
        self.captures.append((source, ph))
        self._capture_index[id(source)] = ph
        return ph

    def _encloses(self, graph) -> bool:
        g = self.outer_graph
        while g is not None:
            if g is graph:
                return True
            g = getattr(g, "outer_graph", None)
        return False

    @property
    def external_captures(self) -> list:
        return [source for source, _ in self.captures]

    @property
    def internal_captures(self) -> list:
        return [ph for _, ph in self.captures]

    def note_variable(self, var) -> None:
        if id(var) not in self._variable_ids:
            self._variable_ids.add(id(var))
            self.variables.append(var)

    # ---- ops: program order for side effects ------------------------------------------------------
    def create_op(self, opdef, inputs, attrs, name=None) -> Operation:
        op = super().create_op(opdef, inputs, attrs, name)
        if opdef.stateful and opdef.source != FEED:
            self._order(op)
        return op

    def _order(self, op: Operation) -> None:
        deps = [self._last_effect] if self._last_effect is not None else []
        if is_variable_read(op):
            self._pending_reads.append(op)
        else:
            deps += self._pending_reads
            self._pending_reads = []
            self._last_effect = op
            self.side_effects.append(op)
        extra = tuple(d for d in deps if d not in op.control_inputs)
        if extra:
            op.control_inputs = op.control_inputs + extra

    def is_stateful(self) -> bool:
        """True when running the graph reads or changes state (variables, streams, output)."""
        return any(op.opdef.stateful and op.opdef.source != FEED for op in self.operations)

    def plan(self):
        """The compiled plan running this graph: fed `inputs`, fetches `outputs`, runs side effects."""
        if self._plan is None:
            self._plan = compile_plan(self, list(self.outputs), list(self.side_effects), list(self.inputs))
        return self._plan


def is_variable_read(op) -> bool:
    """A source op carrying a variable only reads it (ReadVariableOp, VarIsInitializedOp)."""
    return op.opdef.kind == SOURCE and "var" in op.attrs


def saved_for_gradient(graph: FuncGraph) -> list:
    """Outputs a gradient must not recompute: variable reads (so the gradient sees the value the
    forward pass read, and can be routed to the variable) and stateful ops that would not give
    the same values again (random draws, assignments). Control-flow ops are recomputed."""
    return [t for op in graph.operations
            if op.opdef.stateful and op.opdef.source != FEED
            and (is_variable_read(op) or not op.opdef.extra.get("replayable"))
            for t in op.outputs]


def _op_name(name: str) -> str:
    cleaned = "".join(c if c.isalnum() or c in "_.-" else "_" for c in str(name)).lstrip("_.-")
    return cleaned or "input"


def _foreign(tensor) -> str:
    return (f"Tensor {tensor.name} belongs to a graph that does not enclose the function being traced, so "
            f"it cannot be captured (at {format_location(user_frame())}). Pass it as an argument instead.")


# ---- tracing --------------------------------------------------------------------------------------------

class VariableRecorder:
    """Stands in the tape list while a function is traced, so the FuncGraph learns which Variable
    objects it reads (graph ops only know their VariableState). Other tape hooks do nothing."""

    def __init__(self, graph: FuncGraph):
        self._graph = graph

    def note_variable_read(self, var):
        self._graph.note_variable(var)

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return _ignore


def _ignore(*args, **kwargs):
    return None


@contextlib.contextmanager
def tracing(graph: FuncGraph):
    """Build into `graph`: tapes of the enclosing context do not see the traced ops (the op that
    runs the graph is what they record), and the graph learns the variables it uses."""
    saved = _ctx.tapes
    _ctx.tapes = [VariableRecorder(graph)]
    ctx_mod.push_graph(graph)
    try:
        yield graph
    finally:
        ctx_mod.pop_mode()
        _ctx.tapes = saved


# ---- tracing the branches and bodies of gf.cond / gf.while_loop ---------------------------------------

def trace_branch(fn, specs, outer, name) -> FuncGraph:
    """Trace `fn(*placeholders)` into a FuncGraph whose captures become tensors of `outer`."""
    graph = FuncGraph(name, outer_graph=outer, lift_captures=True)
    with tracing(graph):
        args = [graph.add_input(shape, dtype, f"{name}_arg") for shape, dtype in specs]
        result = fn(*args)
        converted = []
        for x in flatten(result):
            if x is None:
                converted.append(None)
            elif isinstance(x, Operation):
                raise TypeError(f"{name}: a branch of gf.cond / gf.while_loop must return tensors, nested structures "
                                f"of tensors, or None; got the operation {x.name}")
            else:
                converted.append(convert.convert_to_tensor(x))
    for v in graph.variables:        # the enclosing trace reads them too
        for tape in _ctx.tapes:
            if isinstance(tape, VariableRecorder):
                tape.note_variable_read(v)
    graph.outputs = [c for c in converted if c is not None]
    graph.structured_outputs = pack_as(result, converted) if isinstance(result, (list, tuple, dict)) else converted[0]
    return graph


def unify_captures(graphs, leading) -> list:
    """Give every graph the same inputs: its leading placeholders, then one per value any of the
    graphs captured (in first-capture order). Returns those captured outer tensors."""
    union, seen = [], set()
    for g in graphs:
        for source, _ in list(g.captures):
            if id(source) not in seen:
                seen.add(id(source))
                union.append(source)
    for g, lead in zip(graphs, leading):
        g.inputs = list(lead) + [g.capture(source) for source in union]
    return union


def variable_inputs(graphs):
    """Float variables read in the sub-graphs, and a read of each in the enclosing graph: op inputs
    the kernel ignores, through which gradients reach the variables (TensorFlow passes handles)."""
    variables, seen = [], set()
    for g in graphs:
        for v in g.variables:
            if id(v) not in seen and v.dtype.is_floating:
                seen.add(id(v))
                variables.append(v)
    reads = [v._as_graph_tensor(ctx_mod.current_graph()) for v in variables]
    return tuple(variables), reads


def pack_branch_outputs(structured, tensors):
    """The outputs of a cond/while/call op in the structure its traced graph returned (None kept)."""
    if isinstance(structured, SymbolicTensor):
        return tensors[0]
    if structured is None:
        return None
    it = iter(tensors)
    return pack_as(structured, [None if x is None else next(it) for x in flatten(structured)])


# ---- using a traced graph again -------------------------------------------------------------------------

def replay(graph: FuncGraph, inputs, outputs=None, op_map: dict | None = None, for_gradient: bool = False,
           substitutes: dict | None = None, variables: dict | None = None) -> list:
    """Issue `graph`'s ops again in the current context, with `graph.inputs` standing for `inputs`.

    Eagerly the ops run now; in graph mode they are added to the graph being built (inlining),
    keeping their control dependencies. Returns the values of `outputs` (default `graph.outputs`).

    `for_gradient`: only the ops the outputs need are issued and side effects are left out, so a
    gradient can be built from a recomputation; ops whose outputs are in `substitutes`
    (`{tensor: value}`) are not issued at all. A random or assigning op on the path, which
    would not reproduce its first result, is an error.
    `op_map` (optional) receives {original op: new op} in graph mode. `variables` maps
    `id(VariableState)` to its Variable, so tapes learn that a replayed read reads that variable.
    """
    env: dict = dict(zip(graph.inputs, inputs))
    if substitutes:
        env.update(substitutes)
    targets = graph.outputs if outputs is None else outputs
    ops = _needed(targets, env) if for_gradient else graph.operations
    eager = _ctx.eager
    current = None if eager else ctx_mod.current_graph()
    op_map = {} if op_map is None else op_map
    for op in ops:
        if op.outputs and all(o in env for o in op.outputs):
            continue
        if op.opdef.source == FEED:
            raise ValueError(f"replay: placeholder {op.name} of {graph.name} has no value")
        if for_gradient and op.opdef.stateful and not is_variable_read(op) and not op.opdef.extra.get("replayable"):
            raise NotImplementedError(
                f"Cannot differentiate through {op.type} ({op.name}, defined at {format_location(op.location)}) "
                "inside a gf.cond/gf.while_loop: its gradient recomputes the branch, and this op would not "
                "give the same values again.")
        args = [env[t] for t in op.inputs]
        if eager:
            result = dispatch.execute(op.opdef, args, op.attrs)
            if op.opdef.num_outputs == 1:
                env[op.outputs[0]] = result
            elif op.outputs:
                env.update(zip(op.outputs, result))
            continue
        control = [op_map[c] for c in op.control_inputs if c in op_map]
        with (current.control_dependencies(control) if control else contextlib.nullcontext()):
            new = current.create_op(op.opdef, args, op.attrs, op.name.rsplit("/", 1)[-1])
        op_map[op] = new
        env.update(zip(op.outputs, new.outputs))
        if variables and new.outputs and is_variable_read(op):
            var = variables.get(id(op.attrs["var"]))
            if var is not None:
                for tape in _ctx.tapes:
                    tape.note_variable_read(var)
                    tape.record_variable_read(var, new.outputs[0])
    try:
        return [env[t] for t in targets]
    except KeyError as e:
        raise ValueError(f"replay: output {e.args[0]} of {graph.name} was not computed") from None


def _needed(targets, known) -> list:
    """The ops `targets` depend on through data edges (not control edges), in graph order."""
    needed, stack = set(), [t.op for t in targets if t not in known]
    while stack:
        op = stack.pop()
        if op in needed:
            continue
        needed.add(op)
        stack.extend(t.op for t in op.inputs if t not in known)
    if not needed:
        return []
    graph = next(iter(needed)).graph
    return [op for op in graph.operations if op in needed]
