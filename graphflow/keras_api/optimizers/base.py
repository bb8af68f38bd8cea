"""Optimizer base: the learning rate, the step counter and per-variable slots all live in
gf.Variables, so a compiled train step updates them in place and never needs retracing.

`apply_gradients` reads each variable it updates before writing it and writes values computed
from those reads, so the data dependencies alone order the reads and writes in a graph.
"""
from __future__ import annotations

import numpy as np

from ... import dtypes
from ...checkpoint.object_graph import AliasNode, restore_created
from ...distribute import distribute_context
from ...function.control_flow import cond
from ...ops import api
from ...variables import Variable
from .. import backend
from . import schedules
from . import slice_math as ops


class Optimizer:
    """Base class. Subclasses implement `build_slots(var)` and `update_step(grad, var, slots, lr, t)`.

    Args:
        learning_rate: a float or a `keras.optimizers.schedules.LearningRateSchedule`.
        weight_decay: decoupled weight decay (variable -= lr * wd * variable), optional.
        clipnorm / clipvalue / global_clipnorm: gradient clipping, optional.
        use_ema: keep an exponential moving average of the weights (`ema_momentum`, default
            0.99), copied into the weights every `ema_overwrite_frequency` steps and by
            `finalize_variable_values` (fit calls it at the end).
        gradient_accumulation_steps: apply the mean gradient of every n steps (the steps in
            between only accumulate).
        loss_scale_factor: gradients are divided by it (the loss was multiplied by it).
    """

    def __init__(self, learning_rate=0.001, weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None,
                 use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        if clipnorm is not None and global_clipnorm is not None:
            raise ValueError("Only one of clipnorm and global_clipnorm can be set")
        if gradient_accumulation_steps is not None and int(gradient_accumulation_steps) < 2:
            raise ValueError(f"gradient_accumulation_steps must be an integer >= 2, got {gradient_accumulation_steps}")
        if use_ema and not 0 <= ema_momentum <= 1:
            raise ValueError(f"ema_momentum must be in [0, 1], got {ema_momentum}")
        self.use_ema, self.ema_momentum = bool(use_ema), float(ema_momentum)
        self.ema_overwrite_frequency = None if ema_overwrite_frequency is None else int(ema_overwrite_frequency)
        self.loss_scale_factor = loss_scale_factor
        self.gradient_accumulation_steps = None if gradient_accumulation_steps is None \
            else int(gradient_accumulation_steps)
        if "lr" in kwargs:
            learning_rate = kwargs.pop("lr")
        if kwargs:
            raise TypeError(f"{type(self).__name__}: unexpected arguments {sorted(kwargs)}")
        self.name = name or backend.to_snake_case(type(self).__name__)
        self.weight_decay, self.clipnorm, self.clipvalue = weight_decay, clipnorm, clipvalue
        self.global_clipnorm = global_clipnorm
        with backend.state_scope():
            self.iterations = Variable(np.int64(0), trainable=False, name=f"{self.name}/iteration", dtype=dtypes.int64)
            if isinstance(learning_rate, schedules.LearningRateSchedule):
                self._schedule, self._lr_var = learning_rate, None
            else:
                self._schedule = None
                self._lr_var = Variable(np.float32(learning_rate), trainable=False, name=f"{self.name}/learning_rate",
                                        dtype=dtypes.float32)
        self._slots: dict[int, dict] = {}
        self._slot_vars: list = []
        self.built = False

    # ---- learning rate ---------------------------------------------------------------------------------
    @property
    def learning_rate(self):
        if self._schedule is not None:
            return self._schedule(self.iterations)
        return self._lr_var

    @learning_rate.setter
    def learning_rate(self, value):
        if isinstance(value, schedules.LearningRateSchedule):
            self._schedule = value
            return
        if self._schedule is not None:
            raise TypeError("This optimizer was created with a LearningRateSchedule; its learning rate cannot "
                            "be set to a value (LearningRateScheduler and schedules don't mix)")
        self._lr_var.assign(np.float32(float(value)))

    lr = learning_rate

    def _current_learning_rate(self, step):
        if self._schedule is not None:
            return api.cast(self._schedule(step), dtypes.float32)
        return api.convert_to_tensor(self._lr_var)

    # ---- state -----------------------------------------------------------------------------------------
    def add_variable_from_reference(self, reference: Variable, name: str, initializer="zeros") -> Variable:
        value = np.zeros(tuple(reference.shape), reference.dtype.np) if initializer == "zeros" else \
            np.full(tuple(reference.shape), initializer, reference.dtype.np)
        base = reference.name.split(":")[0].replace("/", "_")
        with backend.state_scope():
            var = Variable(value, trainable=False, name=f"{self.name}/{base}_{name}", dtype=reference.dtype)
        self._slot_vars.append(var)
        restore_created(self, f"slot-{len(self._slot_vars) - 1}", var)
        return var

    def build(self, var_list) -> None:
        """Create the slots of every variable in `var_list` (outside any graph being traced)."""
        for var in var_list:
            if id(var) not in self._slots:
                slots = self.build_slots(var)
                if self.gradient_accumulation_steps:
                    slots["_accumulated"] = self.add_variable_from_reference(var, "accumulated_grad")
                if self.use_ema:
                    slots["_average"] = self.add_variable_from_reference(var, "average")
                self._slots[id(var)] = slots
        self.built = True

    def build_slots(self, var) -> dict:
        return {}

    @property
    def variables(self) -> list:
        out = [self.iterations]
        if self._lr_var is not None:
            out.append(self._lr_var)
        return out + list(self._slot_vars)

    def _checkpoint_dependencies(self) -> dict:
        deps = {"iteration": self.iterations}
        if self._lr_var is not None:
            deps["learning_rate"] = self._lr_var
        deps.update((f"slot-{i}", v) for i, v in enumerate(self._slot_vars))
        return deps

    def _tf_checkpoint_aliases(self) -> dict:
        """The names TensorFlow's Keras 3 optimizer checkpoints use: `_iterations`, `_learning_rate`
        and `_variables/N` (iterations, the learning rate, then the slots in creation order, the
        order graphflow creates them in too). A slot not created yet is restored when it is."""
        fixed = len(self.variables) - len(self._slot_vars)

        def slot_owner(name: str):
            return (self, f"slot-{int(name) - fixed}") if name.isdigit() and int(name) >= fixed else (self, name)

        return {"_iterations": self.iterations, "_learning_rate": self._lr_var,
                "_variables": AliasNode({str(i): v for i, v in enumerate(self.variables)}, slot_owner)}

    def get_slot_values(self) -> list:
        return [v.numpy() for v in self.variables]

    def set_slot_values(self, values) -> None:
        for var, value in zip(self.variables, values):
            var.assign(value)

    # ---- updates ---------------------------------------------------------------------------------------
    def _clip(self, grads):
        # IndexedSlices as Keras on TensorFlow clips them: each slice by value, or scaled by the norm of
        # its slices (duplicates separately), staying slices; the global norm densifies them.
        if self.clipvalue is not None:
            grads = [ops.clip_by_value(g, -self.clipvalue, self.clipvalue) for g in grads]
        if self.clipnorm is not None:
            grads = [self._clip_by_norm(g, self.clipnorm) for g in grads]
        if self.global_clipnorm is not None:
            norm = api.sqrt(api.add_n([_sum_of_squares(g) for g in grads]))
            scale = api.divide(self.global_clipnorm, api.maximum(norm, self.global_clipnorm))
            grads = [api.multiply(ops.dense(g), scale) for g in grads]
        return grads

    @staticmethod
    def _clip_by_norm(g, clip):
        norm = api.sqrt(_sum_of_squares(g))
        if ops.is_indexed_slices(g):
            return g.with_values(api.divide(api.multiply(g.values, clip), api.maximum(norm, clip)))
        return api.multiply(g, api.divide(clip, api.maximum(norm, clip)))

    def apply_gradients(self, grads_and_vars, **kwargs):
        """Apply one update step; returns the new iteration count (a tensor)."""
        pairs = [(g, v) for g, v in grads_and_vars if g is not None]
        if not pairs:
            raise ValueError("No gradients provided for any variable (every gradient is None); check that the "
                             "loss depends on the model's trainable weights")
        grads, variables = [p[0] for p in pairs], [p[1] for p in pairs]
        missing = [v for v in variables if id(v) not in self._slots]
        if missing:
            self.build(missing)
        grads = [g if ops.is_indexed_slices(g) else api.convert_to_tensor(g) for g in grads]
        if distribute_context.replica_strategy() is not None:     # the all-reduce sums dense tensors
            grads = [ops.dense(g) for g in grads]
        grads = distribute_context.sum_gradients_over_replicas(grads, variables)   # inside strategy.run
        if self.loss_scale_factor is not None:
            grads = [api.divide(ops.dense(g), api.cast(self.loss_scale_factor, g.dtype)) for g in grads]
        raw_step = api.convert_to_tensor(self.iterations)
        n = self.gradient_accumulation_steps
        # with accumulation, schedules, bias corrections and the EMA count real updates (as Keras)
        step = api.floordiv(raw_step, np.int64(n)) if n else raw_step
        next_step = api.add(step, np.int64(1))
        if n:
            accumulated = [self._slots[id(v)]["_accumulated"] for v in variables]

            def update():
                mean = [api.divide(ops.add(g, api.cast(a, g.dtype)), api.cast(n, g.dtype))
                        for g, a in zip(grads, accumulated)]
                self._update(mean, variables, step, next_step)
                for a in accumulated:
                    a.assign(api.zeros_like(a))
                return api.constant(True)

            def accumulate():
                for g, a in zip(grads, accumulated):
                    a.assign_add(api.cast(ops.dense(g), a.dtype))
                return api.constant(False)
            cond(api.equal(api.mod(api.add(raw_step, np.int64(1)), np.int64(n)), np.int64(0)), update, accumulate)
        else:
            self._update(grads, variables, step, next_step)
        for var in variables:
            constraint = getattr(var, "constraint", None)
            if constraint is not None:
                var.assign(constraint(var))
        if self.use_ema:
            self._update_moving_averages(variables, step, next_step)
        raw_next = api.add(raw_step, np.int64(1))
        self.iterations.assign(raw_next)
        return raw_next

    def _update(self, grads, variables, step, next_step):
        """Clip, decay and update every variable (one real step)."""
        grads = self._clip(grads)
        lr = self._current_learning_rate(step)
        context = self.prepare_step(lr, api.cast(next_step, dtypes.float32))
        for g, var in zip(grads, variables):
            if g.dtype is not var.dtype:
                g = ops.cast(g, var.dtype)
            var_lr, var_context = lr, context
            if var.dtype is not lr.dtype and var.dtype.is_floating:    # float64 (or float16) weights
                var_lr, var_context = api.cast(lr, var.dtype), _cast_floats(context, var.dtype)
            if self.weight_decay:
                var.assign_sub(api.multiply(api.multiply(var, var_lr), self.weight_decay))
            self.update_step(g, var, self._slots[id(var)], var_lr, var_context)

    def _update_moving_averages(self, variables, step, next_step):
        """average = m * average + (1 - m) * var, with m = 0 on the first step (so it starts at var)."""
        for var in variables:
            average = self._slots[id(var)]["_average"]
            momentum = api.multiply(api.cast(api.not_equal(step, np.int64(0)), var.dtype), self.ema_momentum)
            average.assign(api.add(api.multiply(momentum, average), api.multiply(api.subtract(1.0, momentum), var)))
        if self.ema_overwrite_frequency:

            def overwrite():
                self.finalize_variable_values(variables)
                return api.constant(True)
            cond(api.equal(api.mod(next_step, np.int64(self.ema_overwrite_frequency)), np.int64(0)), overwrite,
                 lambda: api.constant(False))

    def finalize_variable_values(self, var_list) -> None:
        """With use_ema, set each variable to its moving average (Keras does this after fit)."""
        if not self.use_ema:
            return
        for var in var_list:
            slots = self._slots.get(id(var))
            if slots is not None and "_average" in slots:
                var.assign(slots["_average"])

    def apply(self, grads, trainable_variables=None):
        if trainable_variables is None:
            raise ValueError("apply(grads, trainable_variables): the variables must be given")
        return self.apply_gradients(zip(grads, trainable_variables))

    def minimize(self, loss, var_list, tape=None):
        """Compute gradients of `loss` (a tensor with `tape`, or a callable) and apply them."""
        from ...eager.tape import GradientTape
        if callable(loss):
            with GradientTape() as tape:
                loss = loss()
        elif tape is None:
            raise ValueError("minimize: pass a GradientTape when loss is a tensor")
        var_list = var_list() if callable(var_list) else var_list
        grads = tape.gradient(loss, var_list)
        return self.apply_gradients(zip(grads, var_list))

    def prepare_step(self, lr, t):
        """Per-step values shared by all variables (e.g. Adam's bias corrections)."""
        return None

    def update_step(self, grad, var, slots, lr, context):
        raise NotImplementedError

    # ---- config ------------------------------------------------------------------------------------------
    def get_config(self) -> dict:
        lr = schedules.serialize(self._schedule) if self._schedule is not None else float(self._lr_var.numpy())
        return {"name": self.name, "learning_rate": lr, "weight_decay": self.weight_decay,
                "clipnorm": self.clipnorm, "clipvalue": self.clipvalue, "global_clipnorm": self.global_clipnorm,
                "use_ema": self.use_ema, "ema_momentum": self.ema_momentum,
                "ema_overwrite_frequency": self.ema_overwrite_frequency, "loss_scale_factor": self.loss_scale_factor,
                "gradient_accumulation_steps": self.gradient_accumulation_steps}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        lr = config.get("learning_rate")
        if isinstance(lr, dict):
            config["learning_rate"] = schedules.deserialize(lr, custom_objects)
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"


def _sum_of_squares(g):
    """The sum of g's squared elements; for IndexedSlices, of every slice squared."""
    return api.reduce_sum(api.square(g.values if ops.is_indexed_slices(g) else g))


def _cast_floats(value, dtype):
    """The per-step context with its float tensors in `dtype` (tuples kept as tuples)."""
    if isinstance(value, (tuple, list)):
        return type(value)(_cast_floats(v, dtype) for v in value)
    if hasattr(value, "dtype") and getattr(value.dtype, "is_floating", False):
        return api.cast(value, dtype)
    return value
