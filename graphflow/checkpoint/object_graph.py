"""Objects and the names that reach them: what an object-based checkpoint saves and matches.

A checkpoint is a graph of objects: each node has named children, and a variable node also has
a value. Saving walks the graph breadth first from the root and names each variable by the first
path that reaches it (`net/dense/kernel/.ATTRIBUTES/VARIABLE_VALUE`, as TensorFlow does).
Restoring walks the saved graph and the live objects together, child name by child name; a
child that does not exist yet (a Keras layer built later, an optimizer slot) is remembered on
its parent and restored when it is created (`restore_created`).
"""
from __future__ import annotations

import warnings
import weakref

import numpy as np

from ..module import Module, module_attributes
from ..variables import Variable

VALUE_SUFFIX = "/.ATTRIBUTES/VARIABLE_VALUE"


def is_trackable(value) -> bool:
    if isinstance(value, (Variable, Module)) or hasattr(value, "_checkpoint_dependencies"):
        return True
    if isinstance(value, (list, tuple)):
        return any(is_trackable(v) for v in value)
    if isinstance(value, dict):
        return any(is_trackable(v) for v in value.values())
    return False


def children(obj) -> dict:
    """name -> child for every trackable child of `obj`."""
    if isinstance(obj, Variable):
        return {}
    deps = getattr(obj, "_checkpoint_dependencies", None)
    if deps is not None:
        return {k: v for k, v in deps().items() if is_trackable(v)}
    if isinstance(obj, Module):
        return {k: v for k, v in module_attributes(obj) if is_trackable(v)}
    if isinstance(obj, (list, tuple)):
        return {str(i): v for i, v in enumerate(obj) if is_trackable(v)}
    if isinstance(obj, dict):
        return {str(k): v for k, v in obj.items() if is_trackable(v)}
    return {}


def restore_children(obj) -> dict:
    """children(obj), plus the other names TensorFlow's Keras gives the same objects
    (`obj._tf_checkpoint_aliases()`, e.g. a Dense layer's `_kernel`, an optimizer's `_variables`),
    so a checkpoint TensorFlow wrote restores through the same walk. Saving never uses them."""
    out = children(obj)
    aliases = getattr(obj, "_tf_checkpoint_aliases", None)
    if aliases is not None:
        for name, value in aliases().items():
            if name not in out and is_trackable(value):
                out[name] = value
    return out


class AliasNode:
    """An object a TensorFlow checkpoint has where graphflow's objects have none (a Sequential's
    inner functional model, an optimizer's list of variables): its named children, and
    `deferral(name)` -> (owner, name) saying where a child created later is awaited."""

    def __init__(self, deps: dict, deferral=None):
        self._deps = deps
        self._deferral = deferral

    def _checkpoint_dependencies(self) -> dict:
        return self._deps

    def _deferral_owner(self, name: str):
        return self._deferral(name) if self._deferral is not None else self


def variable_value(var: Variable) -> np.ndarray:
    """The current value of an eager or TF1-graph variable (graph variables hold theirs too)."""
    value = var._state.value
    if value is None:
        raise ValueError(f"Cannot save variable {var.name}: it is not initialised yet (run its initializer first)")
    return np.asarray(value)


def set_variable_value(var: Variable, value) -> None:
    """Store `value` in the variable now, in any mode (a TF1 graph variable included)."""
    var._state.write(np.asarray(value).astype(var.dtype.np, copy=False))


def check_shape(var: Variable, reader, key: str) -> None:
    """A clear error, naming the variable and both shapes (or dtypes), when `key` cannot fill `var`."""
    saved, saved_dtype = reader.shape_and_dtype(key)
    if saved_dtype != var.dtype:      # as TensorFlow: a restore never casts (an int64 step into a float)
        name = key[:-len(VALUE_SUFFIX)] if key.endswith(VALUE_SUFFIX) else key
        raise ValueError(f"Cannot restore variable {var.name} from checkpoint {reader.prefix} (key {name}): the "
                         f"variable has dtype {var.dtype.name} but the checkpoint holds {saved_dtype.name}")
    saved = tuple(saved)
    shape = tuple(var.shape.dims or ())
    if shape != saved and not var.shape.is_compatible_with(saved):
        name = key[:-len(VALUE_SUFFIX)] if key.endswith(VALUE_SUFFIX) else key
        raise ValueError(f"Cannot restore variable {var.name} from checkpoint {reader.prefix} (key {name}): the "
                         f"variable has shape {shape} but the checkpoint holds shape {saved}")


def restore_variable(var: Variable, reader, key: str) -> None:
    """Give `var` the value stored under `key` (shape checked)."""
    check_shape(var, reader, key)
    set_variable_value(var, reader.get_tensor(key))


def increment(var: Variable) -> int:
    """Add one to an integer variable now, in any mode; returns the new value."""
    new = variable_value(var) + 1
    set_variable_value(var, new)
    return int(new)


def walk_objects(root) -> tuple[list, list, list]:
    """(objects, nodes, paths) of everything reachable from `root`, breadth first: node i is
    `{"children": {name: node id}, "variable": key or None}` for objects[i] at paths[i]."""
    ids, nodes, paths, order = {id(root): 0}, [None], [""], [root]
    i = 0
    while i < len(order):
        obj = order[i]
        node = {"children": {}, "variable": None}
        for name, child in children(obj).items():
            if id(child) not in ids:
                ids[id(child)] = len(order)
                order.append(child)
                nodes.append(None)
                paths.append(f"{paths[i]}/{_escape(name)}" if paths[i] else _escape(name))
            node["children"][name] = ids[id(child)]
        if isinstance(obj, Variable):
            node["variable"] = paths[i] + VALUE_SUFFIX
        nodes[i] = node
        i += 1
    return order, nodes, paths


def serialize(root) -> tuple[dict, dict]:
    """(tensors, object_graph) of everything reachable from `root`."""
    objects, nodes, _ = walk_objects(root)
    tensors = {node["variable"]: variable_value(obj) for obj, node in zip(objects, nodes) if node["variable"]}
    return tensors, {"nodes": nodes}


def _escape(name: str) -> str:
    return name.replace("/", "\\/")


class RestoreSession:
    """One restore: the reader, which saved nodes were matched, and the objects still awaited."""

    def __init__(self, reader):
        self.reader = reader
        self.nodes = reader.object_graph["nodes"]
        self.matched: set = set()           # saved node ids bound to a live object
        self.live: dict = {}                # saved node id -> live object
        self.waiting: list = []             # (owner weakref, child name, node id)
        self.partial_ok = False             # set by status.expect_partial()

    def __del__(self):
        # Runs once nothing can still be restored (every deferred value found its object, or the
        # objects waiting for them are gone): only then are unused values worth a warning.
        try:
            missing = [] if self.partial_ok else self.unmatched_keys()
        except Exception:       # interpreter shutdown
            return
        if missing:
            warnings.warn(f"Values in checkpoint {self.reader.prefix} were never restored (call expect_partial() on "
                          f"the restore status if this is intended): {missing[:10]}"
                          + (" ..." if len(missing) > 10 else ""), stacklevel=2)

    def restore(self, node_id: int, obj) -> None:
        """Bind saved node `node_id` to `obj`, descend into its children, then assign every value
        found; all shapes are checked before the first assignment, so a mismatch changes nothing."""
        stack, assignments, bound = [(node_id, obj)], [], {}
        while stack:
            nid, live = stack.pop()
            if nid in self.matched or nid in bound:
                continue
            bound[nid] = live
            node = self.nodes[nid]
            if node.get("variable"):
                assignments.append((node["variable"], live))
            live_children = restore_children(live)
            for name, child_id in node["children"].items():
                child = live_children.get(name)
                if child is not None:
                    stack.append((child_id, child))
                elif child_id not in self.matched:
                    self._defer(live, name, child_id)
        for key, var in sorted(assignments, key=lambda a: a[0]):
            self._check(key, var)
        for key, var in assignments:
            restore_variable(var, self.reader, key)
        self.matched.update(bound)
        self.live.update(bound)

    def _check(self, key: str, var) -> None:
        if not isinstance(var, Variable):
            raise ValueError(f"Checkpoint {self.reader.prefix}: {key} holds a value, but the object it maps to is a "
                             f"{type(var).__name__}, not a variable")
        check_shape(var, self.reader, key)

    def _defer(self, owner, name: str, child_id: int) -> None:
        # Checkpoint(root=obj): obj gets the child later; an alias list of an optimizer's variables:
        # the optimizer gets the slot later, under its own name (the hook returns (owner, name))
        forward = getattr(owner, "_deferral_owner", None)
        if forward is not None:
            owner = forward(name)
            if isinstance(owner, tuple):
                owner, name = owner
        try:
            pending = owner.__dict__.setdefault("_deferred_restorations", {})
        except AttributeError:      # a list or a dict: its elements cannot appear later by name
            return
        pending[name] = DeferredRestore(self, child_id)
        self.waiting.append((weakref.ref(owner), name, child_id))

    def unmatched_keys(self) -> list:
        return sorted(n["variable"] for i, n in enumerate(self.nodes) if n.get("variable") and i not in self.matched)

    def still_waiting(self) -> list:
        out = []
        for ref, name, child_id in self.waiting:
            owner = ref()
            if owner is not None and child_id not in self.matched:
                out.append((owner, name))
        return out


class DeferredRestore:
    """A saved child waiting for its object: restored into the value when the owner gets it."""

    def __init__(self, session: RestoreSession, node_id: int):
        self.session = session
        self.node_id = node_id

    def restore_into(self, value) -> None:
        if is_trackable(value):
            self.session.restore(self.node_id, value)


def restore_created(owner, name: str, value) -> None:
    """Hook for code that creates a child after a restore (Layer.add_weight, optimizer slots)."""
    pending = owner.__dict__.get("_deferred_restorations")
    if pending and name in pending:
        pending.pop(name).restore_into(value)


def reachable_variables(root) -> list:
    """Every variable reachable from `root` through checkpoint children, each once."""
    seen, out, stack = {id(root)}, [], [root]
    while stack:
        obj = stack.pop()
        if isinstance(obj, Variable):
            out.append(obj)
        for child in children(obj).values():
            if id(child) not in seen:
                seen.add(id(child))
                stack.append(child)
    return out
