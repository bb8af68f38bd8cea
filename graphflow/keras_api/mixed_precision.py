"""keras.mixed_precision: dtype policies and loss scaling.

A policy names a layer's variable dtype and compute dtype. "mixed_float16" keeps the weights in
float32 and computes in float16: the layer casts its float inputs to float16 and, while its `call`
runs, its weights read as float16 (variables.autocast_scope); gradients flow back through those
casts into the float32 weights. Losses and metrics compute in float32, as in Keras.

Under "mixed_float16", `compile` wraps the optimizer in a LossScaleOptimizer: the loss is
multiplied by a scale (2**15 to start) before differentiation so small float16 gradients do not
flush to zero; the gradients are divided by it before the update; a step whose gradients are not
finite is skipped and halves the scale, and every `dynamic_growth_steps` good steps double it.
"mixed_bfloat16" is refused: numpy has no bfloat16.
"""
from __future__ import annotations

import numpy as np

from .. import dtypes
from ..function.control_flow import cond
from ..ops import api
from ..ops.indexed_slices import is_indexed_slices
from ..variables import Variable
from . import backend
from .optimizers import slice_math

_GLOBAL = {"policy": None}


class DTypePolicy:
    """A layer's dtype policy: `name`, `compute_dtype`, `variable_dtype`."""

    def __init__(self, name=None):
        name = name or backend.floatx()
        if name == "mixed_bfloat16":
            raise ValueError("The 'mixed_bfloat16' policy needs a bfloat16 dtype, which numpy (and graphflow) "
                             "does not have; use 'mixed_float16'")
        if name == "mixed_float16":
            self.compute_dtype, self.variable_dtype = "float16", "float32"
        else:
            try:
                dtype = dtypes.as_dtype(name)
            except TypeError:
                raise ValueError(f"Cannot convert '{name}' to a mixed precision DTypePolicy. Valid policies "
                                 "include 'mixed_float16', 'float16', 'float32' and 'float64'.") from None
            self.compute_dtype = self.variable_dtype = dtype.name
        self._name = name

    @property
    def name(self) -> str:
        return self._name

    @property
    def is_mixed(self) -> bool:
        return self.compute_dtype != self.variable_dtype

    def get_config(self) -> dict:
        return {"name": self._name}

    def __eq__(self, other):
        return isinstance(other, DTypePolicy) and other.name == self.name

    def __hash__(self):
        return hash(self._name)

    def __repr__(self):
        return f'<DTypePolicy "{self._name}">'


Policy = DTypePolicy


def set_global_policy(policy) -> None:
    """The policy new layers get when they are not given a dtype (None: back to floatx)."""
    _GLOBAL["policy"] = None if policy is None else (policy if isinstance(policy, DTypePolicy)
                                                      else DTypePolicy(policy))


backend.on_clear_session(lambda: set_global_policy(None))


def global_policy() -> DTypePolicy:
    return _GLOBAL["policy"] or DTypePolicy(backend.floatx())


def policy_of(dtype) -> DTypePolicy:
    """A layer's policy from its `dtype` argument (a name, a policy, a Keras config dict, or None)."""
    if dtype is None:
        return global_policy()
    if isinstance(dtype, DTypePolicy):
        return dtype
    if isinstance(dtype, dict):
        return DTypePolicy(dtype.get("config", {}).get("name", "float32"))
    if isinstance(dtype, dtypes.DType):
        return DTypePolicy(dtype.name)
    return DTypePolicy(str(np.dtype(dtype)) if not isinstance(dtype, str) else dtype)


class LossScaleOptimizer:
    """Dynamic loss scaling around an optimizer (Keras's LossScaleOptimizer)."""

    def __init__(self, inner_optimizer, initial_scale=2.0 ** 15, dynamic_growth_steps=2000, name=None, **kwargs):
        self.inner_optimizer = inner_optimizer
        self.initial_scale, self.dynamic_growth_steps = float(initial_scale), int(dynamic_growth_steps)
        self.name = name or "loss_scale_optimizer"
        with backend.state_scope():
            self.dynamic_scale = Variable(np.float32(initial_scale), trainable=False, name=f"{self.name}/scale",
                                          dtype=dtypes.float32)
            self.step_counter = Variable(np.int64(0), trainable=False, name=f"{self.name}/step_counter",
                                         dtype=dtypes.int64)

    def __getattr__(self, name):            # learning_rate, iterations, build, variables... of the inner one
        if name == "inner_optimizer":
            raise AttributeError(name)
        return getattr(self.inner_optimizer, name)

    def scale_loss(self, loss):
        return api.multiply(loss, api.cast(self.dynamic_scale, loss.dtype))

    def apply_gradients(self, grads_and_vars, **kwargs):
        pairs = [(g, v) for g, v in grads_and_vars if g is not None]
        scale = api.convert_to_tensor(self.dynamic_scale)
        # an embedding's IndexedSlices stay slices (unscaled and checked row by row, as in Keras
        # on TF): summing duplicate rows first would change the update and could overflow
        grads = [slice_math.divide(slice_math.cast(g, v.dtype), api.cast(scale, v.dtype)) for g, v in pairs]
        finite = api.reduce_all(api.stack([api.reduce_all(api.is_finite(g.values if is_indexed_slices(g) else g))
                                           for g in grads]))
        variables = [v for _, v in pairs]

        def step():
            self.inner_optimizer.apply_gradients(zip(grads, variables))
            counter = api.add(self.step_counter, np.int64(1))
            grow = api.greater_equal(counter, np.int64(self.dynamic_growth_steps))
            self.dynamic_scale.assign(api.where(grow, api.multiply(scale, 2.0), scale))
            self.step_counter.assign(api.where(grow, api.zeros_like(counter), counter))
            return api.constant(True)

        def skip():
            self.dynamic_scale.assign(api.divide(scale, 2.0))
            self.step_counter.assign(api.zeros_like(api.convert_to_tensor(self.step_counter)))
            return api.constant(False)

        return cond(finite, step, skip)

    def apply(self, grads, trainable_variables=None):
        return self.apply_gradients(zip(grads, trainable_variables))

    @property
    def variables(self) -> list:
        return self.inner_optimizer.variables + [self.dynamic_scale, self.step_counter]

    def get_config(self) -> dict:
        from . import optimizers
        return {"name": self.name, "inner_optimizer": optimizers.serialize(self.inner_optimizer),
                "initial_scale": self.initial_scale, "dynamic_growth_steps": self.dynamic_growth_steps}

    def __repr__(self):
        return f"<LossScaleOptimizer around {self.inner_optimizer!r}>"
