"""The global step: an int64 counter variable that apply_gradients can increment."""
from __future__ import annotations

from .. import context as ctx_mod
from .. import dtypes
from .. import variables as variables_mod

GLOBAL_STEP = "global_step"
_eager_step = []


def get_global_step(graph=None):
    """The global step variable of `graph` (the default graph), or None."""
    if ctx_mod.executing_eagerly() and graph is None:
        return _eager_step[0] if _eager_step else None
    graph = graph or ctx_mod.current_graph()
    found = graph.get_collection(GLOBAL_STEP)
    return found[0] if found else None


def get_or_create_global_step(graph=None):
    """The global step, created (int64, 0, not trainable) on first use."""
    step = get_global_step(graph)
    if step is not None:
        return step
    if ctx_mod.executing_eagerly() and graph is None:
        _eager_step.append(variables_mod.Variable(0, trainable=False, name="global_step", dtype=dtypes.int64))
        return _eager_step[0]
    graph = graph or ctx_mod.current_graph()
    with graph.as_default(), graph.name_scope(None):
        step = variables_mod.Variable(0, trainable=False, name="global_step", dtype=dtypes.int64)
    graph.add_to_collection(GLOBAL_STEP, step)
    return step


def create_global_step(graph=None):
    """Create the global step; it must not exist yet."""
    if get_global_step(graph) is not None:
        raise ValueError('"global_step" already exists.')
    return get_or_create_global_step(graph)


def assert_global_step(global_step_tensor):
    """Check that `global_step_tensor` can be a global step: an integer scalar variable or tensor."""
    dtype = global_step_tensor.dtype
    if not dtype.is_integer:
        raise TypeError(f"Existing \"global_step\" does not have integer type: {dtype.name}")
    if global_step_tensor.shape.rank not in (0, None):
        raise TypeError(f"Existing \"global_step\" is not scalar: {global_step_tensor.shape}")
