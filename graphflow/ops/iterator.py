"""Iterator ops: how a graph (TF1 Session.run, a gf.function loop) pulls elements from a
tf.data pipeline that runs in Python.

The `iterator` attr is the pipeline's iterator state (graphflow.data.graph_iterator): an object
with `specs` (flat TensorSpecs), `start()`, `next_arrays()` (raising OutOfRangeError at the end)
and `next_or_end()` (`(False, zeros)` at the end).  The ops are stateful: never folded, pruned
only when nothing needs them, run on every Session.run or loop iteration.
"""
from __future__ import annotations

import numpy as np

from ..dtypes import bool_
from ..shapes import TensorShape
from .registry import SOURCE, STATEFUL, OpDef, Spec, register


def _components_infer(iterator):
    return [Spec(s.shape, s.dtype) for s in iterator.specs]


def _get_next(iterator):
    return tuple(iterator.next_arrays())


register(OpDef("IteratorGetNext", _components_infer, _get_next, kind=SOURCE, stateful=True, num_outputs=-1,
               differentiable=False, check_in_eager=False))


def _get_next_or_end_infer(iterator):
    return [Spec(TensorShape(()), bool_)] + _components_infer(iterator)


def _get_next_or_end(iterator):
    has_value, arrays = iterator.next_or_end()
    return (np.bool_(has_value), *arrays)


register(OpDef("IteratorGetNextOrEnd", _get_next_or_end_infer, _get_next_or_end, kind=SOURCE, stateful=True,
               num_outputs=-1, differentiable=False, check_in_eager=False))


def _make_iterator_infer(iterator):
    return []


def _make_iterator(iterator):
    iterator.start()
    return ()


register(OpDef("MakeIterator", _make_iterator_infer, _make_iterator, kind=STATEFUL, stateful=True, num_outputs=0,
               differentiable=False, check_in_eager=False))
