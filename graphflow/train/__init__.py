"""TF1 training: optimizers (GradientDescent, Momentum, Adam) and the global step.

They are exposed as gf.compat.v1.train.*; importing this package fills that namespace.
"""
from ..namespaces import _v1_train
from .adam import AdamOptimizer
from .gradient_descent import GradientDescentOptimizer
from .momentum import MomentumOptimizer
from .optimizer import Optimizer
from .training_util import get_global_step, get_or_create_global_step

_v1_train.__dict__.update(
    Optimizer=Optimizer, GradientDescentOptimizer=GradientDescentOptimizer, MomentumOptimizer=MomentumOptimizer,
    AdamOptimizer=AdamOptimizer, get_global_step=get_global_step, get_or_create_global_step=get_or_create_global_step)

__all__ = ["AdamOptimizer", "Checkpoint", "CheckpointManager", "GradientDescentOptimizer", "MomentumOptimizer",
           "Optimizer", "get_global_step", "latest_checkpoint", "list_variables", "load_checkpoint", "load_variable",
           "get_or_create_global_step"]

from ..checkpoint import (  # noqa: E402  (gf.train.Checkpoint & co.: object-based checkpoints)
    Checkpoint,
    CheckpointManager,
    latest_checkpoint,
    list_variables,
    load_checkpoint,
    load_variable,
)
