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
    cosine_decay_restarts,
    exponential_decay,
    inverse_time_decay,
    linear_cosine_decay,
    natural_exp_decay,
    piecewise_constant,
    polynomial_decay,
)
from .momentum import MomentumOptimizer
from .moving_averages import ExponentialMovingAverage
from .optimizer import Optimizer
from .proximal import ProximalAdagradOptimizer, ProximalGradientDescentOptimizer
from .rmsprop import RMSPropOptimizer
from .saver import Saver, init_from_checkpoint
from .training_util import assert_global_step, create_global_step, get_global_step, get_or_create_global_step

__all__ = ["AdadeltaOptimizer", "AdagradOptimizer", "AdamOptimizer", "Checkpoint", "CheckpointManager",
           "ExponentialMovingAverage", "FtrlOptimizer", "GradientDescentOptimizer", "MomentumOptimizer", "Optimizer",
           "ProximalAdagradOptimizer", "ProximalGradientDescentOptimizer", "RMSPropOptimizer", "Saver",
           "assert_global_step", "cosine_decay", "cosine_decay_restarts", "create_global_step", "exponential_decay",
           "get_global_step", "get_or_create_global_step", "init_from_checkpoint", "inverse_time_decay",
           "latest_checkpoint", "linear_cosine_decay", "list_variables", "load_checkpoint", "load_variable",
           "natural_exp_decay", "piecewise_constant", "polynomial_decay"]
