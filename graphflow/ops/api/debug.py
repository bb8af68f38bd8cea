"""Debugging ops: gf.print, gf.debugging.check_numerics, assert_equal, Assert."""
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


def Assert(condition, data, summarize=None, name=None):  # noqa: N802  (TensorFlow's name)
    """Fail with InvalidArgumentError ("assertion failed: [data...]") when `condition` is false
    (what an `assert` on a tensor becomes under AutoGraph).

    Args:
      condition: a bool tensor; every element must be true.
      data: a list of tensors and Python values shown when the assertion fails.
      summarize: how many leading and trailing elements of each tensor to show (default 3).
    Returns:
      None eagerly (the error is raised at once); the op in a graph.
    """
    items = list(data) if isinstance(data, (list, tuple)) else [data]
    tensors = [convert_to_tensor(x) for x in items if is_tensorlike(x)]
    template = tuple(None if is_tensorlike(x) else x for x in items)
    return apply(opdef("Assert"), (convert_to_tensor(condition), *tensors),
                 {"template": template, "summarize": summarize or 3}, name or "Assert")
