"""A pipeline seen from a graph: TF1's one-shot and initializable iterators (`get_next()` is an
`IteratorGetNext` op that Session.run executes, raising OutOfRangeError at the end), and the
loop a converted `for element in dataset:` becomes inside gf.function (`dataset_loop`)."""
from __future__ import annotations

import threading

import numpy as np

from .. import context as ctx_mod
from ..errors import FailedPreconditionError, OutOfRangeError
from ..function.control_flow import while_loop
from ..ops import api, dispatch
from ..ops import iterator as _iterator_ops  # noqa: F401  (declares the iterator ops)
from ..ops.convert import convert_to_tensor
from ..ops.registry import get
from ..shapes import TensorShape
from . import structure, transform


class IteratorState:
    """The Python side of a graph iterator: the pipeline and its current pass."""

    def __init__(self, node, name="Iterator"):
        if any(isinstance(s, transform.DatasetSpec) for s in structure.flatten(node.spec)):
            raise TypeError(f"a graph iterator cannot yield datasets ({node.spec}); flat_map them first")
        self.node, self.name = node, name
        self.specs = structure.flatten(node.spec)
        self._pass = None
        self._lock = threading.Lock()

    def __repr__(self):
        return f"IteratorState({self.name})"

    def start(self):
        with self._lock:
            self._pass = self.node.iterate()

    def next_arrays(self) -> tuple:
        with self._lock:
            if self._pass is None:
                raise FailedPreconditionError(
                    None, None, "GetNext() failed because the iterator has not been initialized. Ensure that you "
                    "have run the initializer operation for this iterator before getting the next element.")
            try:
                flat = next(self._pass)
            except StopIteration:
                raise OutOfRangeError(None, None, "End of sequence") from None
        return tuple(np.asarray(a, s.dtype.np) for a, s in zip(flat, self.specs))

    def next_or_end(self):
        try:
            return True, self.next_arrays()
        except OutOfRangeError:
            return False, tuple(np.zeros([0 if d is None else d for d in (s.shape.dims or ())], s.dtype.np)
                                for s in self.specs)


def _get_next(state: IteratorState, name=None):
    outs = dispatch.apply(get("IteratorGetNext"), (), {"iterator": state}, name or "IteratorGetNext")
    return structure.pack(state.node.spec, list(outs))


class GraphIterator:
    """`tf.compat.v1.data.Iterator`: `get_next()` builds the op that yields the next element."""

    def __init__(self, dataset, initializable: bool):
        if ctx_mod.context().eager:
            raise RuntimeError("tf.compat.v1.data iterators build graph ops: use them with eager execution "
                               "disabled (inside a tf.Graph), or iterate the dataset eagerly")
        self._state = IteratorState(dataset._node)
        self._initializer = dispatch.apply(get("MakeIterator"), (), {"iterator": self._state}, "MakeIterator")
        if not initializable:
            self._state.start()       # a one-shot iterator is ready without an initializer

    @property
    def initializer(self):
        return self._initializer

    @property
    def element_spec(self):
        return self._state.node.spec

    @property
    def output_types(self):
        return structure.map_structure(lambda s: s.dtype, self._state.node.spec)

    @property
    def output_shapes(self):
        return structure.map_structure(lambda s: s.shape, self._state.node.spec)

    def get_next(self, name=None):
        return _get_next(self._state, name)


def make_one_shot_iterator(dataset) -> GraphIterator:
    """An iterator over `dataset` that needs no initializer and runs through it once."""
    return GraphIterator(dataset, initializable=False)


def make_initializable_iterator(dataset, shared_name=None) -> GraphIterator:
    """An iterator whose `initializer` op (re)starts the pass; run it before `get_next()`."""
    return GraphIterator(dataset, initializable=True)


def dataset_loop(dataset, body, loop_vars: tuple) -> tuple:
    """`for element in dataset: loop_vars = body(element, *loop_vars)` as one while_loop op in
    the graph being built, pulling elements at run time (the protocol AutoGraph calls as
    `Dataset._as_graph_loop`).  Returns the final loop_vars."""
    state = IteratorState(dataset._node, "DatasetLoop")
    specs = state.specs
    k = len(specs)
    start = dispatch.apply(get("MakeIterator"), (), {"iterator": state}, "MakeIterator")
    with api.control_dependencies([start]):
        first = list(dispatch.apply(get("IteratorGetNextOrEnd"), (), {"iterator": state}, "IteratorGetNextOrEnd"))
    user = [convert_to_tensor(v) for v in loop_vars]

    def cond(has_value, *rest):
        return has_value

    def step(has_value, *rest):
        element = structure.pack(dataset._node.spec, list(rest[:k]))
        new = body(element, *rest[k:])
        new = list(new) if isinstance(new, (list, tuple)) else [new]
        if len(new) != len(user):
            raise ValueError(f"dataset loop: the body returned {len(new)} loop variables, expected {len(user)}")
        nxt = list(dispatch.apply(get("IteratorGetNextOrEnd"), (), {"iterator": state}, "IteratorGetNextOrEnd"))
        return [nxt[0], *nxt[1:], *new]

    invariants = [TensorShape(())] + [s.shape for s in specs] + [t.shape for t in user]
    out = while_loop(cond, step, [first[0], *first[1:], *user], shape_invariants=invariants)
    return tuple(out[1 + k:])
