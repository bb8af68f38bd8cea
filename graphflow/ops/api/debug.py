"""Debugging ops: gf.print, gf.debugging.check_numerics, assert_equal."""
from __future__ import annotations

from ... import context as ctx_mod
from ..convert import convert_to_tensor, is_tensorlike, pair
from ..dispatch import apply
from .op_call import opdef

_ctx = ctx_mod.context()


def print_(*inputs, output_stream="stderr", summarize=3, sep=" ", end="\n", name=None):
    """gf.print: prints now when eager; in a graph, prints each time the op runs."""
    stream = output_stream if isinstance(output_stream, str) else (
        "stdout" if output_stream is __import__("sys").stdout else "stderr")
    tensors = [convert_to_tensor(i) for i in inputs if is_tensorlike(i)]
    template = tuple(None if is_tensorlike(i) else i for i in inputs)
    return apply(opdef("PrintV2"), tuple(tensors), {"template": template, "sep": sep, "end": end,
                                                  "stream": stream, "summarize": summarize}, name)


def check_numerics(tensor, message, name=None):
    x = convert_to_tensor(tensor)
    return apply(opdef("CheckNumerics"), (x,), {"message": message}, name)


def assert_equal(x, y, data=None, summarize=None, message=None, name=None):
    x, y = pair(x, y)
    return apply(opdef("AssertEqual"), (x, y), {"message": (message + " ") if message else "",
                                              "summarize": summarize or 3}, name)
