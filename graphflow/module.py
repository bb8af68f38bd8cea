"""gf.Module: a named container of variables and sub-modules, found by walking its attributes.

`variables`, `trainable_variables` and `submodules` are computed on demand from the object's
attributes (and lists, tuples and dicts of them), as TensorFlow's tf.Module does, so nothing has
to be registered. Checkpoints use the same attribute walk to name what they save; the hook in
`__setattr__` lets a checkpoint restored earlier fill in a variable that is created later.
"""
from __future__ import annotations

import functools
import re

from . import context as ctx_mod
from .variables import Variable


def camel_to_snake(name: str) -> str:
    """`MyDenseModule` -> `my_dense_module`: the default module name."""
    s = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", s).lower()


class ModuleNameScope:
    """The name scope a module opens for the ops (and graph variables) it creates: `with m.name_scope:`."""

    def __init__(self, name: str):
        self.name = name            # ends with "/" like TensorFlow's scope names
        self._stack = []

    def __enter__(self):
        if ctx_mod.executing_eagerly():
            scope = ctx_mod.eager_name_scope(self.name)
            scope.__enter__()
            self._stack.append(scope)
        else:
            scope = ctx_mod.current_graph().name_scope(self.name)
            scope.__enter__()
            self._stack.append(scope)
        return self.name

    def __exit__(self, *exc):
        scope = self._stack.pop()
        if scope is not None:
            scope.__exit__(*exc)
        return False

    def __repr__(self):
        return f"<ModuleNameScope {self.name!r}>"


class Module:
    """Base class for objects that own variables and other modules.

    Args:
        name: the module's name, a Python identifier; by default the snake-cased class name.
    """

    # Attributes never walked: the name scope, and state a checkpoint keeps while it waits
    # for variables to be created.
    _MODULE_IGNORED_PROPERTIES = frozenset(("_name_scope", "_deferred_restorations"))

    def __init__(self, name: str | None = None):
        if name is None:
            name = camel_to_snake(type(self).__name__)
        elif not name.isidentifier():
            raise ValueError(f"{name!r} is not a valid module name. Module names must be valid Python identifiers "
                             "(e.g. a valid class name).")
        object.__setattr__(self, "_name", name)
        if ctx_mod.executing_eagerly():
            scope = f"{ctx_mod.context().eager_name_scope}{name}/"
        else:
            scope = ctx_mod.current_graph().unique_name(name, mark_as_used=True) + "/"
        object.__setattr__(self, "_name_scope", ModuleNameScope(scope))

    @property
    def name(self) -> str:
        return self.__dict__.get("_name") or camel_to_snake(type(self).__name__)

    @property
    def name_scope(self) -> ModuleNameScope:
        scope = self.__dict__.get("_name_scope")
        if scope is None:       # a subclass that did not call Module.__init__
            scope = ModuleNameScope(self.name + "/")
            object.__setattr__(self, "_name_scope", scope)
        return scope

    @property
    def variables(self) -> tuple:
        """Every variable of this module and its sub-modules, each once, in attribute order."""
        return tuple(walk(self, lambda v: isinstance(v, Variable)))

    @property
    def trainable_variables(self) -> tuple:
        return tuple(walk(self, lambda v: isinstance(v, Variable) and v.trainable))

    @property
    def non_trainable_variables(self) -> tuple:
        return tuple(walk(self, lambda v: isinstance(v, Variable) and not v.trainable))

    @property
    def submodules(self) -> tuple:
        """Every module reachable from this one (not itself), breadth first."""
        return tuple(walk(self, lambda v: isinstance(v, Module), breadth_first=True))

    def __setattr__(self, name, value):
        object.__setattr__(self, name, value)
        pending = self.__dict__.get("_deferred_restorations")
        if pending and name in pending:
            pending.pop(name).restore_into(value)

    @classmethod
    def with_name_scope(cls, method):
        """Decorator: run `method` inside the module's name scope."""
        @functools.wraps(method)
        def method_with_name_scope(self, *args, **kwargs):
            with self.name_scope:
                return method(self, *args, **kwargs)
        return method_with_name_scope

    def __repr__(self):
        return f"<{type(self).__module__}.{type(self).__name__} object named {self.name!r}>"


def module_attributes(module) -> list:
    """(name, value) of the attributes the walk visits, sorted by name, ignored ones left out."""
    ignored = getattr(module, "_MODULE_IGNORED_PROPERTIES", frozenset())
    return [(k, v) for k, v in sorted(vars(module).items()) if k not in ignored]


def _children(value) -> list:
    if isinstance(value, dict):
        return [value[k] for k in sorted(value, key=str)]
    if isinstance(value, (list, tuple)):
        return list(value)
    if isinstance(value, Module):
        return [v for _, v in module_attributes(value)]
    return []


def _is_container(value) -> bool:
    return isinstance(value, (Module, list, tuple, dict))


def walk(root, predicate, breadth_first: bool = False) -> list:
    """Values reachable from `root`'s attributes (through modules, lists, tuples and dicts) that
    satisfy `predicate`, each once; every container is entered once, so cycles end."""
    found, seen, entered = [], {id(root)}, {id(root)}

    def visit(value):
        if predicate(value) and id(value) not in seen:
            seen.add(id(value))
            found.append(value)

    if breadth_first:
        frontier = _children(root)
        while frontier:
            next_frontier = []
            for value in frontier:
                visit(value)
                if _is_container(value) and id(value) not in entered:
                    entered.add(id(value))
                    next_frontier.extend(_children(value))
            frontier = next_frontier
        return found

    def depth_first(values):
        for value in values:
            visit(value)
            if _is_container(value) and id(value) not in entered:
                entered.add(id(value))
                depth_first(_children(value))

    depth_first(_children(root))
    return found
