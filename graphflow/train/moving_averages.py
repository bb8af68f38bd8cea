"""TF1's ExponentialMovingAverage: shadow variables that trail the given variables.

    shadow -= (1 - decay) * (shadow - variable)
    decay = min(decay, (1 + num_updates) / (10 + num_updates))   when num_updates is given

Each shadow is a non-trainable variable named `<variable>/ExponentialMovingAverage`, starting at
the variable's initial value; the averaged variables join MOVING_AVERAGE_VARIABLES.
"""
from __future__ import annotations

from .. import context as ctx_mod
from .. import variables as variables_mod
from ..ops import api as gf

MOVING_AVERAGE_VARIABLES = "moving_average_variables"


class ExponentialMovingAverage:
    """apply(var_list) builds (graph) or runs (eager) the update; average(var) is the shadow."""

    def __init__(self, decay, num_updates=None, zero_debias=False, name="ExponentialMovingAverage"):
        if zero_debias:
            raise ValueError("ExponentialMovingAverage: zero_debias=True is not supported")
        self._decay, self._num_updates, self._name = decay, num_updates, name
        self._averages: dict[int, tuple] = {}

    @property
    def name(self):
        return self._name

    def _decay_tensor(self, dtype):
        decay = gf.cast(gf.convert_to_tensor(self._decay), dtype)
        if self._num_updates is None:
            return decay
        n = gf.cast(self._num_updates, dtype)
        return gf.minimum(decay, gf.realdiv(gf.add(n, 1.0), gf.add(n, 10.0)))

    def apply(self, var_list=None):
        """Create the shadows of `var_list` (default: trainable variables) on first use and update them."""
        var_list = variables_mod.trainable_variables() if var_list is None else list(var_list)
        for var in var_list:
            if not var.dtype.is_floating:
                raise TypeError(f"The variables must be half, float, or double: {var.name}")
            if id(var) in self._averages:
                continue
            self._averages[id(var)] = (var, self._shadow(var))
        updates = []
        for var in var_list:
            shadow = self._averages[id(var)][1]
            decay = self._decay_tensor(var.dtype)
            updates.append(shadow.assign_sub(gf.multiply(gf.subtract(shadow, var), gf.subtract(1.0, decay))))
        return gf.group(*updates, name=self._name)

    def _shadow(self, var):
        name = self.average_name(var)
        graph = var.graph
        if graph is None:
            with ctx_mod.eager_mode():
                return variables_mod.Variable(var.read_value(), trainable=False, name=name)
        with graph.as_default(), graph.name_scope(None):
            shadow = variables_mod.Variable(var.initial_value, trainable=False, name=name)
        graph.add_to_collection(MOVING_AVERAGE_VARIABLES, var)
        return shadow

    def average(self, var):
        """The shadow variable of `var`, or None if apply() has not seen it."""
        entry = self._averages.get(id(var))
        return None if entry is None else entry[1]

    def average_name(self, var):
        return f"{var.name.split(':')[0]}/{self._name}"

    def variables_to_restore(self, moving_avg_variables=None):
        """Map from each shadow's name to the variable to restore it into (and others to themselves)."""
        out = {}
        for var in variables_mod.global_variables():
            entry = self._averages.get(id(var))
            out[self.average_name(var) if entry is not None else var.name.split(":")[0]] = var
        return out
