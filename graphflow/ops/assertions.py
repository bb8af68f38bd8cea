"""gf.debugging.Assert: a stateful op that fails the run when its condition is false (what an
`assert` on a tensor becomes under AutoGraph). Declared here with its Python function."""
from __future__ import annotations

import numpy as np

from .. import dtypes
from ..errors import InvalidArgumentError
from ..tensor import Tensor
from .debug import _format_value
from .dispatch import apply, convert_to_tensor
from .registry import OpDef, register


def _assert_infer(condition, *data, template, summarize=3):
    if condition.dtype is not dtypes.bool_:
        raise TypeError(f"Assert: the condition must be a bool tensor, got {condition.dtype.name}")
    return []


def _assert(condition, *data, template, summarize=3):
    if np.all(condition):
        return ()
    values = iter(data)
    parts = [_format_value(next(values), summarize) if t is None else str(t) for t in template]
    raise InvalidArgumentError(None, None, "assertion failed: " + " ".join(f"[{p}]" for p in parts))


ASSERT = register(OpDef("Assert", _assert_infer, _assert, stateful=True, num_outputs=0, differentiable=False))


def Assert(condition, data, summarize=None, name=None):  # noqa: N802  (TensorFlow's name)
    """Fail with InvalidArgumentError ("assertion failed: [data...]") when `condition` is false.

    Args:
      condition: a bool tensor; every element must be true.
      data: a list of tensors and Python values printed when the assertion fails.
      summarize: how many leading and trailing elements of each tensor to print (default 3).
    Returns:
      None eagerly (an error is raised at once); the op in a graph.
    """
    cond = convert_to_tensor(condition)
    items = list(data) if isinstance(data, (list, tuple)) else [data]
    tensors = [convert_to_tensor(x) for x in items if _is_tensorlike(x)]
    template = tuple(None if _is_tensorlike(x) else x for x in items)
    out = apply(ASSERT, (cond, *tensors), {"template": template, "summarize": summarize or 3}, name or "Assert")
    return None if out is None or isinstance(out, tuple) else out


def _is_tensorlike(x) -> bool:
    return isinstance(x, (Tensor, np.ndarray)) or hasattr(x, "_as_graph_tensor")
