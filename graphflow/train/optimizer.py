"""TF1's Optimizer base: compute_gradients, apply_gradients, minimize, and slot variables.

Graph mode builds the update ops (run them with Session.run); eager mode runs the updates now,
with `loss` given as a callable (TF2 style). Slots (per-variable state such as Adam's moments)
are created on the first apply and reused by every later one.
"""
from __future__ import annotations

import contextlib

from .. import context as ctx_mod
from .. import variables as variables_mod
from ..autodiff import gradients
from ..eager.tape import GradientTape, flatten
from ..ops import api as gf


def _var_op_name(var) -> str:
    return var.name.split(":")[0]


class Optimizer:
    """Base class: subclasses define `_create_slots`, `_apply_dense` and optionally `_finish`."""

    def __init__(self, use_locking: bool, name: str):
        if not name:
            raise ValueError("Must specify the optimizer name")
        self._use_locking = use_locking
        self._name = name
        self._slots: dict[str, dict[int, tuple]] = {}
        self._non_slots: dict[tuple, object] = {}

    def get_name(self) -> str:
        return self._name

    # ---- public API ---------------------------------------------------------------------------------
    def compute_gradients(self, loss, var_list=None, gate_gradients=1, aggregation_method=None,
                          colocate_gradients_with_ops=False, grad_loss=None) -> list:
        """A list of (gradient, variable) pairs; the gradient is None for variables loss ignores.

        `loss` is a tensor in graph mode, or a callable returning the loss (required eagerly).
        """
        if callable(loss):
            with GradientTape() as tape:
                if var_list is not None:
                    tape.watch(flatten(var_list))
                loss_value = loss()
            var_list = list(tape.watched_variables()) if var_list is None else flatten(var_list)
            grads = tape.gradient(loss_value, var_list, output_gradients=grad_loss)
            return list(zip(grads, var_list))
        if ctx_mod.executing_eagerly():
            raise RuntimeError("`loss` passed to Optimizer.compute_gradients should be a function when eager "
                               "execution is enabled.")
        var_list = variables_mod.trainable_variables() if var_list is None else flatten(var_list)
        if not var_list:
            raise ValueError("No variables to optimize.")
        grads = gradients(loss, var_list, grad_ys=grad_loss)
        return list(zip(grads, var_list))

    def apply_gradients(self, grads_and_vars, global_step=None, name=None):
        """Update each variable from its gradient; also increments `global_step` when given.

        Returns the training op in graph mode (run it with Session.run), None eagerly.
        """
        pairs = [(g, v) for g, v in grads_and_vars if g is not None]
        if not pairs:
            names = [v.name for _, v in grads_and_vars]
            raise ValueError(f"No gradients provided for any variable: {names}.")
        var_list = [v for _, v in pairs]
        self._create_slots(var_list)
        graph = var_list[0].graph
        with (graph.as_default() if graph is not None else contextlib.nullcontext()), \
                gf.name_scope(name or self._name):
            updates = [self._apply_dense(gf.convert_to_tensor(g), v) for g, v in pairs]
            finish = self._finish(updates, var_list)
            train_op = gf.group(*finish, name=name or self._name) if not ctx_mod.executing_eagerly() else None
            if global_step is None:
                return train_op
            with gf.control_dependencies([train_op] if train_op is not None else []):
                step = global_step.assign_add(1)
            return gf.group(step, name="update_step") if train_op is not None else None

    def minimize(self, loss, global_step=None, var_list=None, gate_gradients=1, aggregation_method=None,
                 colocate_gradients_with_ops=False, name=None, grad_loss=None):
        """compute_gradients then apply_gradients: one training step (an op in graph mode)."""
        pairs = self.compute_gradients(loss, var_list=var_list, grad_loss=grad_loss)
        if not any(g is not None for g, _ in pairs):
            raise ValueError("No gradients provided for any variable, check your graph for ops that do not "
                             f"support gradients, between variables {[v.name for _, v in pairs]} and loss {loss}.")
        return self.apply_gradients(pairs, global_step=global_step, name=name)

    def get_slot(self, var, name):
        entry = self._slots.get(name, {}).get(id(var))
        return None if entry is None else entry[1]

    def get_slot_names(self) -> list:
        return sorted(self._slots)

    def variables(self) -> list:
        out = [slot for slots in self._slots.values() for _, slot in slots.values()]
        return out + list(self._non_slots.values())

    # ---- subclass hooks -----------------------------------------------------------------------------
    def _create_slots(self, var_list):
        pass

    def _apply_dense(self, grad, var):
        raise NotImplementedError

    def _finish(self, update_ops, var_list) -> list:
        return update_ops

    # ---- slots --------------------------------------------------------------------------------------
    def _zeros_slot(self, var, slot_name):
        """The `slot_name` slot of `var` (zeros like it), created on first use."""
        return self._filled_slot(var, slot_name, 0.0)

    def _filled_slot(self, var, slot_name, value):
        """The `slot_name` slot of `var`, created on first use filled with `value` (e.g. Adagrad's 0.1)."""
        slots = self._slots.setdefault(slot_name, {})
        entry = slots.get(id(var))
        if entry is None:
            filled = lambda: gf.fill(var.shape.as_list(), gf.constant(value, var.dtype))  # in the variable's graph
            entry = slots[id(var)] = (var, self._new_variable(var, filled, f"{_var_op_name(var)}/{self._name}"))
        return entry[1]

    def _non_slot(self, key, initial_value, like):
        """A variable shared by all variables of one graph (e.g. Adam's beta powers)."""
        full_key = (key, id(like.graph))
        v = self._non_slots.get(full_key)
        if v is None:
            v = self._non_slots[full_key] = self._new_variable(like, initial_value, key)
        return v

    @staticmethod
    def _new_variable(like, initial_value, name):
        graph = like.graph
        if graph is None:
            with ctx_mod.eager_mode():
                return variables_mod.Variable(initial_value, trainable=False, name=name, dtype=like.dtype)
        with graph.as_default(), graph.name_scope(None):
            return variables_mod.Variable(initial_value, trainable=False, name=name, dtype=like.dtype)

    def _lr(self, value, var):
        """A hyperparameter as a tensor of the variable's dtype (floats stay Python scalars)."""
        if callable(value):
            value = value()
        if isinstance(value, (int, float)):
            return float(value)
        return gf.cast(value, var.dtype)
