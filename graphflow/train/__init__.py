"""gf.train (checkpoints) and TF1 training: optimizers, the global step, learning-rate schedules,
moving averages, Saver and init_from_checkpoint.

`graphflow.compat.v1.train` re-exports these under TensorFlow's names.
"""
from ..checkpoint import (
    Checkpoint,
    CheckpointManager,
    latest_checkpoint,
    list_variables,
    load_checkpoint,
    load_variable,
)
from .adadelta import AdadeltaOptimizer
from .adagrad import AdagradOptimizer
from .adam import AdamOptimizer
from .ftrl import FtrlOptimizer
from .gradient_descent import GradientDescentOptimizer
from .learning_rate_decay import (
    cosine_decay,
    exponential_decay,
    inverse_time_decay,
    natural_exp_decay,
    piecewise_constant,
    polynomial_decay,
)
from .momentum import MomentumOptimizer
from .moving_averages import ExponentialMovingAverage
from .optimizer import Optimizer
from .rmsprop import RMSPropOptimizer
from .saver import Saver, init_from_checkpoint
from .training_util import get_global_step, get_or_create_global_step

__all__ = ["AdadeltaOptimizer", "AdagradOptimizer", "AdamOptimizer", "Checkpoint", "CheckpointManager",
           "ExponentialMovingAverage", "FtrlOptimizer", "GradientDescentOptimizer", "MomentumOptimizer", "Optimizer",
           "RMSPropOptimizer", "Saver", "cosine_decay", "exponential_decay", "get_global_step",
           "get_or_create_global_step", "init_from_checkpoint", "inverse_time_decay", "latest_checkpoint",
           "list_variables", "load_checkpoint", "load_variable", "natural_exp_decay", "piecewise_constant",
           "polynomial_decay"]
