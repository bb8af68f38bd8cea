"""gf.train (checkpoints) and TF1 training (gf.compat.v1.train: optimizers, the global step,
Saver, init_from_checkpoint); importing this package fills the v1 namespace."""
from ..checkpoint import (
    Checkpoint,
    CheckpointManager,
    latest_checkpoint,
    list_variables,
    load_checkpoint,
    load_variable,
)
from ..namespaces import _v1_train
from .adam import AdamOptimizer
from .gradient_descent import GradientDescentOptimizer
from .momentum import MomentumOptimizer
from .optimizer import Optimizer
from .saver import Saver, init_from_checkpoint
from .training_util import get_global_step, get_or_create_global_step

_v1_train.__dict__.update(
    Optimizer=Optimizer, GradientDescentOptimizer=GradientDescentOptimizer, MomentumOptimizer=MomentumOptimizer,
    AdamOptimizer=AdamOptimizer, get_global_step=get_global_step, get_or_create_global_step=get_or_create_global_step,
    Saver=Saver, init_from_checkpoint=init_from_checkpoint, Checkpoint=Checkpoint, CheckpointManager=CheckpointManager,
    latest_checkpoint=latest_checkpoint, list_variables=list_variables, load_checkpoint=load_checkpoint,
    load_variable=load_variable)

__all__ = ["AdamOptimizer", "Checkpoint", "CheckpointManager", "GradientDescentOptimizer", "MomentumOptimizer",
           "Optimizer", "Saver", "get_global_step", "get_or_create_global_step", "init_from_checkpoint",
           "latest_checkpoint", "list_variables", "load_checkpoint", "load_variable"]
