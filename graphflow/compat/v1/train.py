"""tf.compat.v1.train: TF1's optimizers, global step, schedules, moving averages, Saver and checkpoints
(all from graphflow.train)."""
from ...train import (  # noqa: F401  (re-exported under TensorFlow's names)
    AdadeltaOptimizer,
    AdagradOptimizer,
    AdamOptimizer,
    Checkpoint,
    CheckpointManager,
    ExponentialMovingAverage,
    FtrlOptimizer,
    GradientDescentOptimizer,
    MomentumOptimizer,
    Optimizer,
    ProximalAdagradOptimizer,
    ProximalGradientDescentOptimizer,
    RMSPropOptimizer,
    Saver,
    assert_global_step,
    cosine_decay,
    cosine_decay_restarts,
    create_global_step,
    exponential_decay,
    get_global_step,
    get_or_create_global_step,
    init_from_checkpoint,
    inverse_time_decay,
    latest_checkpoint,
    linear_cosine_decay,
    list_variables,
    load_checkpoint,
    load_variable,
    natural_exp_decay,
    piecewise_constant,
    polynomial_decay,
)


def global_step(sess, global_step_tensor):
    """The value of the global step, run in `sess`."""
    return int(sess.run(global_step_tensor))
