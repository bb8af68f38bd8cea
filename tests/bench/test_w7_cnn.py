"""W7's CNN step: the numpy reference every mode is checked against, and graphflow's modes agreeing
with it (the workload checks the same before it times anything)."""
import numpy as np

from graphflow.bench import w7_cnn
from graphflow.bench.peers import cnn_reference as ref


def test_the_numpy_cnn_step_matches_finite_differences():
    params = [p.astype(np.float64) for p in ref.cnn_params()]
    x, y = ref.cnn_batch(2)
    x = x.astype(np.float64)
    loss, new = ref.cnn_step_numpy(params, x, y, lr=1.0)
    eps = 1e-6
    for i, index in ((0, (1, 2, 0, 5)), (2, (0, 1, 7, 3)), (4, (11, 6))):
        bumped = [p.copy() for p in params]
        bumped[i][index] += eps
        numeric = (ref.cnn_step_numpy(bumped, x, y)[0] - loss) / eps
        assert abs(numeric - (params[i] - new[i])[index]) < 1e-4 * max(1.0, abs(numeric))


def test_eager_and_keras_steps_reach_the_numpy_weights():
    results = {name: None for name in ("eager", "keras-compiled")}
    trainers = w7_cnn.trainers(2)
    reference = trainers["numpy"]()
    for _ in range(2):
        reference.step()
    want = reference.weights()
    for name in results:
        trainer = trainers[name]()
        for _ in range(2):
            trainer.step()
        for got, expected in zip(trainer.weights(), want):
            np.testing.assert_allclose(got, expected, rtol=w7_cnn.RTOL, atol=w7_cnn.ATOL)
