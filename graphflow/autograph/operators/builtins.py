"""Python builtins with tensor forms under AutoGraph: `print` of tensors is gf.print (prints each
time the graph runs), `len` of a tensor its first dimension, `range` over tensor bounds gf.range, `zip`
and `enumerate` of graph tensors loop iterables, `assert` on a tensor gf.debugging.Assert."""
from __future__ import annotations

import builtins
import sys

from ...ops import api
from . import state
from .loops import TensorEnumerate, TensorZip


def print_(*objects, sep=" ", end="\n", file=None, flush=False):
    if any(state.is_tensor(o) for o in objects) and file in (None, sys.stdout, sys.stderr):
        stream = "stderr" if file is sys.stderr else "stdout"
        api.print_(*objects, output_stream=stream, sep=" " if sep is None else sep, end="\n" if end is None else end)
        return None
    return builtins.print(*objects, sep=sep, end=end, file=file, flush=flush)


def len_(obj):
    if not state.is_tensor(obj):
        return builtins.len(obj)
    t = api.convert_to_tensor(obj)
    dims = t.shape.dims
    if dims == ():
        raise TypeError(f"len() of a scalar tensor is not defined ({getattr(t, 'name', t)}){state.where()}")
    if dims is not None and dims[0] is not None:
        return dims[0]
    return api.shape(t)[0]


def range_(*args):
    """Python's range, or with graph-tensor bounds gf.range (a for loop over it counts: loops.py)."""
    if not any(state.is_graph_tensor(a) for a in args):
        return builtins.range(*[int(a) if state.is_tensor(a) else a for a in args])
    return api.range(*args)


def zip_(*iterables, **kwargs):
    """zip, or of graph tensors (only), what a for loop iterates in step along their first axis."""
    if iterables and not kwargs and all(state.is_graph_tensor(t) for t in iterables):
        return TensorZip(iterables)
    return builtins.zip(*iterables, **kwargs)


def enumerate_(iterable, start=0):
    """enumerate, or of a graph tensor, what a for loop iterates as (index, row)."""
    if state.is_graph_tensor(iterable):
        return TensorEnumerate(iterable, start)
    return builtins.enumerate(iterable, start)


def assert_stmt(test, message=None):
    """`assert test, message()`: gf.debugging.Assert when `test` is a graph tensor."""
    if state.is_graph_tensor(test):
        text = message() if message is not None else None
        data = [text] if text is not None else [f"Assertion failed{state.where()}"]
        api.Assert(test, data)
        return None
    if not test:
        raise AssertionError(message()) if message is not None else AssertionError()
    return None


OVERLOADS = {builtins.print: print_, builtins.len: len_, builtins.range: range_,
             builtins.zip: zip_, builtins.enumerate: enumerate_}
