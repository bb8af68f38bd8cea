"""tf.compat.v1.train: TF1's optimizers, global step, schedules and moving averages (graphflow.train)."""
from ...train import (  # noqa: F401  (re-exported under TensorFlow's names)
    AdadeltaOptimizer,
    AdagradOptimizer,
    AdamOptimizer,
    ExponentialMovingAverage,
    FtrlOptimizer,
    GradientDescentOptimizer,
    MomentumOptimizer,
    Optimizer,
    ProximalAdagradOptimizer,
    ProximalGradientDescentOptimizer,
    RMSPropOptimizer,
    assert_global_step,
    cosine_decay,
    cosine_decay_restarts,
    create_global_step,
    exponential_decay,
    get_global_step,
    get_or_create_global_step,
    inverse_time_decay,
    linear_cosine_decay,
    natural_exp_decay,
    piecewise_constant,
    polynomial_decay,
)


def global_step(sess, global_step_tensor):
    """The value of the global step, run in `sess`."""
    return int(sess.run(global_step_tensor))
