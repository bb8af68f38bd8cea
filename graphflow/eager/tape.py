"""gf.GradientTape: records the ops run (eagerly, or built into a graph) while it is active, then
differentiates them with the backprop loop of `graphflow.autodiff`.

Recording is the eager hot path, so a record is one tuple appended to a list; deciding which
records matter (watched tensors, watched variables, what depends on them) happens once, when
`gradient` replays the list.
"""
from __future__ import annotations

import contextlib
import logging

from .. import context as ctx_mod
from ..nest import flatten, pack_as
from ..tensor import Tensor
from ..variables import is_variable

_ctx = ctx_mod.context()
_log = logging.getLogger("graphflow")

# Record kinds besides eager ops, whose records start with their OpDef.
_WATCH, _WATCH_VAR, _READ, _GRAPH_OP = "watch", "watch_variable", "read", "graph_op"


class GradientTape:
    """Record operations for automatic differentiation.

    Args:
      persistent: allow several `gradient` calls (a non-persistent tape is released after one).
      watch_accessed_variables: watch every trainable variable read while recording.
    """

    def __init__(self, persistent: bool = False, watch_accessed_variables: bool = True):
        self._persistent = bool(persistent)
        self._watch_accessed = bool(watch_accessed_variables)
        self._records: list | None = []
        self._watched_vars: dict[int, object] = {}
        self._recording = False

    # ---- recording on and off ---------------------------------------------------------------------
    def __enter__(self):
        self._push()
        return self

    def __exit__(self, *exc):
        if self._recording:
            self._pop()

    def _push(self):
        if self._records is None:
            raise RuntimeError("A non-persistent GradientTape can only be used to compute one set of "
                               "gradients (or jacobians)")
        _ctx.tapes.append(self)
        self._recording = True

    def _pop(self):
        if not self._recording:
            raise ValueError("Tape is not recording.")
        for i in range(len(_ctx.tapes) - 1, -1, -1):
            if _ctx.tapes[i] is self:
                del _ctx.tapes[i]
                break
        self._recording = False

    @contextlib.contextmanager
    def stop_recording(self):
        """Temporarily stop recording on this tape (ops in the block are constants to it)."""
        self._pop()
        try:
            yield
        finally:
            self._push()

    def reset(self):
        """Forget everything recorded, as if the tape were entered afresh."""
        self._pop()
        self._records = []
        self._watched_vars = {}
        self._push()

    # ---- hooks called by dispatch, Graph.create_op and Variable ----------------------------------
    def record_eager(self, opdef, inputs, attrs, outputs):
        self._records.append((opdef, inputs, attrs, outputs))

    def record_graph_op(self, op):
        self._records.append((_GRAPH_OP, op, None, None))

    def note_variable_read(self, var):
        if self._watch_accessed and var.trainable and id(var) not in self._watched_vars:
            self._watch_variable(var)

    def record_variable_read(self, var, tensor):
        self._records.append((_READ, var, tensor, None))

    def note_variable_created(self, var):
        """Variables are watched when read, not when created."""

    # ---- watching -----------------------------------------------------------------------------------
    def watch(self, tensor):
        """Differentiate with respect to `tensor` (a tensor, a variable, or a nested structure of them)."""
        if self._records is None:
            raise RuntimeError("A non-persistent GradientTape can only be used to compute one set of "
                               "gradients (or jacobians)")
        for t in flatten(tensor):
            if is_variable(t):
                self._watch_variable(t)
            elif isinstance(t, Tensor):
                if not (t.dtype.is_floating or t.dtype.is_complex):
                    _log.warning("The dtype of the watched tensor must be floating (e.g. tf.float32), got %s",
                                 t.dtype.name)
                self._records.append((_WATCH, t, None, None))
            else:
                raise ValueError(f"Passed in object {t!r} of type {type(t).__name__!r}, not a tensor or variable")

    def _watch_variable(self, var):
        if id(var) not in self._watched_vars:
            self._watched_vars[id(var)] = var
            self._records.append((_WATCH_VAR, var, None, None))

    def watched_variables(self) -> tuple:
        """The variables this tape watches, in the order they were first watched."""
        return tuple(self._watched_vars.values())

    # ---- differentiating ---------------------------------------------------------------------------
    def gradient(self, target, sources, output_gradients=None, unconnected_gradients="none"):
        """The gradient of `target` (summed over a nested structure) with respect to `sources`.

        Args:
          target: a tensor or nested structure of tensors.
          sources: a tensor, variable, or nested structure of them; the result has its structure.
          output_gradients: gradients of target (same structure), ones where None.
          unconnected_gradients: 'none' (default) or 'zero' (also gf.UnconnectedGradients.ZERO).
        Returns:
          Gradients shaped like `sources`; None for a source the target does not depend on.
        Raises:
          RuntimeError: on a second call to a non-persistent tape.
        """
        autodiff = _autodiff()
        if target is None:
            raise TypeError("Argument `target` should be a list or nested structure of Tensors, Variables or "
                            "CompositeTensors to be differentiated, but received None.")
        mode = autodiff.unconnected_mode(unconnected_gradients)
        flat_sources = flatten(sources)
        [grads] = self._gradients_for_seeds(flatten(target), flat_sources, [output_gradients], mode)
        return pack_as(sources, grads)

    def jacobian(self, target, sources, unconnected_gradients="none", parallel_iterations=None,
                 experimental_use_pfor=True):
        """The jacobian of `target` with respect to each of `sources`: shape target.shape + source.shape.

        Args:
          target: a tensor (or variable) of static shape.
          sources: a tensor, variable, or nested structure of them; the result has its structure.
          unconnected_gradients: 'none' (None for an unconnected source) or 'zero'.
          parallel_iterations, experimental_use_pfor: accepted for TensorFlow's signature; graphflow
            runs one backward pass per element of `target` over the recording, replayed once.
        Raises:
          RuntimeError: on a released tape, or (as TensorFlow) eagerly without pfor on a non-persistent tape.
        """
        from .jacobian import jacobian
        return jacobian(self, target, sources, unconnected_gradients, experimental_use_pfor)

    def batch_jacobian(self, target, source, unconnected_gradients="none", parallel_iterations=None,
                       experimental_use_pfor=True):
        """Per example of the first axis, the jacobian of target[i] with respect to source[i]:
        shape [batch] + target.shape[1:] + source.shape[1:] (zeros where unconnected).

        Assumes, as TensorFlow does, that target[i] depends on source[i] alone.
        Raises:
          ValueError: when target or source has rank < 2 or their first dimensions differ.
        """
        from .jacobian import batch_jacobian
        return batch_jacobian(self, target, source, unconnected_gradients, experimental_use_pfor)

    def _gradients_for_seeds(self, raw_targets: list, flat_sources: list, seed_list: list, mode) -> list:
        """One list of source gradients per entry of `seed_list` (output_gradients structures, or
        None for ones), replaying the recording once; releases a non-persistent tape."""
        autodiff = _autodiff()
        if self._records is None:
            raise RuntimeError("A non-persistent GradientTape can only be used to compute one set of "
                               "gradients (or jacobians)")
        for s in flat_sources:
            if not (is_variable(s) or isinstance(s, Tensor)):
                raise TypeError(f"GradientTape.gradient: sources must be tensors or variables, got {s!r}")
        if self._recording:
            if not self._persistent:
                self._pop()
            else:
                _log.debug("GradientTape.gradient on a persistent tape inside its context records the "
                           "gradient computation too (only useful for higher-order derivatives)")
        records = self._records
        if not self._persistent:
            self._records = None
        ops, groups, graph, connected = _replay(records, flat_sources)
        results = []
        with (graph.as_default() if graph is not None and not _in_graph(graph) else contextlib.nullcontext()):
            gf = autodiff.gf
            targets = [gf.convert_to_tensor(t) if is_variable(t) else t for t in raw_targets]
            for output_gradients in seed_list:
                if output_gradients is None:
                    seeds = [gf.ones_like(t) for t in targets]
                else:
                    given = flatten(output_gradients)
                    if len(given) != len(targets):
                        raise ValueError(f"output_gradients has {len(given)} entries for {len(targets)} targets")
                    seeds = [gf.ones_like(t) if g is None else gf.convert_to_tensor(g, dtype_hint=t.dtype)
                             for t, g in zip(targets, given)]
                grads = autodiff.backprop(ops, targets, seeds, groups, connected)
                grads = _add_variable_self_gradients(raw_targets, seeds, flat_sources, grads)
                if mode is autodiff.UnconnectedGradients.ZERO:
                    grads = [autodiff.zeros_for(s) if g is None else g for s, g in zip(flat_sources, grads)]
                results.append(grads)
        return results


def _add_variable_self_gradients(targets, seeds, sources, grads):
    """A variable that is both a target and a source gets its seed as gradient (d v / d v = 1):
    the target's read happens after recording stopped, so backprop cannot see the link."""
    grads = list(grads)
    for t, seed in zip(targets, seeds):
        if not is_variable(t):
            continue
        for j, s in enumerate(sources):
            if s is t:
                grads[j] = seed if grads[j] is None else _autodiff().gf.add(grads[j], seed)
    return grads


def _autodiff():
    from .. import autodiff  # imported late: autodiff imports the op modules, which import eager
    return autodiff


def _in_graph(graph) -> bool:
    return not _ctx.eager and ctx_mod.current_graph() is graph


def _replay(records, sources):
    """The recorded ops on a path from a requested source, and the tensors standing for each source.

    Mirrors what TensorFlow's tape would hold: a tensor is on the tape from the moment it is
    watched (or read from a watched variable) and so is everything computed from it afterwards.
    """
    EagerOp = _autodiff().EagerOp
    wanted = {id(s) for s in sources if not is_variable(s)}
    var_reads = {id(s): [] for s in sources if is_variable(s)}
    on_tape, from_source, watched_vars = set(), set(), set()
    ops, graph = [], None
    for rec in records:
        kind = rec[0]
        if kind is _READ:
            var, t = rec[1], rec[2]
            if id(var) in watched_vars:
                on_tape.add(id(t))
                reads = var_reads.get(id(var))
                if reads is not None:
                    reads.append(t)
                    from_source.add(id(t))
            continue
        if kind is _WATCH_VAR:
            watched_vars.add(id(rec[1]))
            continue
        if kind is _WATCH:
            i = id(rec[1])
            on_tape.add(i)
            if i in wanted:
                from_source.add(i)
            continue
        if kind is _GRAPH_OP:
            op = rec[1]
            inputs, outputs = op.inputs, op.outputs
        else:
            op = None
            inputs, outputs = rec[1], rec[3]
        recorded = connected = False
        for t in inputs:
            i = id(t)
            if i in on_tape:
                recorded = True
                if i in from_source:
                    connected = True
                    break
        if not recorded:
            continue
        for o in outputs:
            on_tape.add(id(o))
        if connected:
            if op is None:
                op = EagerOp(*rec)
            elif graph is None:
                graph = op.graph
            ops.append(op)
            for o in outputs:
                from_source.add(id(o))
        elif wanted:
            for o in outputs:
                if id(o) in wanted:
                    from_source.add(id(o))
    groups = [var_reads[id(s)] if is_variable(s) else [s] for s in sources]
    return ops, groups, graph, from_source
