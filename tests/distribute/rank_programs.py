"""Small TF-style training programs that run on every MPI rank (python rank_programs.py OUT_DIR) and,
with the default strategy, in the test process as the one-process reference.

Each program takes the strategy it runs under and returns what the test compares: final weights,
logs, predictions. Run as a script, every rank writes OUT_DIR/rank<r>.json.
"""
import json
import os
import sys
import time

import numpy as np

import graphflow as gf
from graphflow.keras_api import backend as keras_backend

GLOBAL_BATCH, STEPS = 8, 10


def data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(GLOBAL_BATCH * STEPS, 4)).astype(np.float32)
    y = (x[:, 0] + x[:, 1] > 0).astype(np.int64) + (x[:, 2] > 1).astype(np.int64)
    return x, y


def initial_weights():
    rng = np.random.default_rng(1)
    return [rng.normal(scale=0.5, size=(4, 8)).astype(np.float32), np.zeros(8, np.float32),
            rng.normal(scale=0.5, size=(8, 3)).astype(np.float32), np.zeros(3, np.float32)]


def make_model(perturb: float = 0.0):
    """The model every program trains. `perturb` shifts this rank's initial weights: a strategy's
    scope() must start every rank from rank 0's."""
    w = [a + np.float32(perturb) for a in initial_weights()]

    def init(a):
        return lambda shape, dtype=None: gf.constant(a)
    return gf.keras.Sequential([gf.keras.Input((4,)),
                                gf.keras.layers.Dense(8, activation="relu", kernel_initializer=init(w[0]),
                                                      bias_initializer=init(w[1])),
                                gf.keras.layers.Dense(3, kernel_initializer=init(w[2]), bias_initializer=init(w[3]))])


def keras_fit(strategy, out_dir=None):
    """fit for 10 steps of the global batch, then evaluate and predict; checkpoints and CSV logs."""
    x, y = data()
    rank = strategy.replica_id
    with strategy.scope():
        model = make_model(perturb=0.1 * rank)
        model.compile(optimizer=gf.keras.optimizers.Adam(0.01),
                      loss=gf.keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    callbacks = []
    if out_dir is not None:
        mine = os.path.join(out_dir, f"files-rank{rank}")
        os.makedirs(mine, exist_ok=True)
        callbacks = [gf.keras.callbacks.ModelCheckpoint(os.path.join(mine, "ckpt.weights.h5"),
                                                        save_weights_only=True, monitor="loss"),
                     gf.keras.callbacks.CSVLogger(os.path.join(mine, "log.csv"))]
    history = model.fit(x, y, batch_size=GLOBAL_BATCH, epochs=1, shuffle=False, verbose=0, callbacks=callbacks,
                        validation_data=(x[:16], y[:16]))
    rows = GLOBAL_BATCH // strategy.num_replicas_in_sync
    train_graph = model.train_function.functions[2].get_concrete_function(gf.constant(x[:rows]),
                                                                          gf.constant(y[:rows])).graph
    evaluated = model.evaluate(x, y, batch_size=GLOBAL_BATCH, verbose=0, return_dict=True)
    predicted = model.predict(x[:20], batch_size=GLOBAL_BATCH, verbose=0)
    weights = [w.tolist() for w in model.get_weights()]
    # unseeded shuffling: every rank must still permute the global batches alike
    model.fit(x, y, batch_size=GLOBAL_BATCH, epochs=1, shuffle=True, verbose=0)
    return {"weights": weights,
            "shuffle_draw_after_fit": int(keras_backend.rng().integers(1 << 30)),
            "history": {k: [float(v) for v in vs] for k, vs in history.history.items()},
            "evaluate": {k: float(v) for k, v in evaluated.items()},
            "predict": np.asarray(predicted).tolist(),
            "collectives_in_train_step": _collective_ops(train_graph)}


def _collective_ops(graph) -> list:
    """The collective ops a traced step holds (the all-reduce must be inside the compiled step)."""
    return sorted(op.type for op in graph.get_operations() if op.type.startswith("Collective"))


def custom_loop(strategy):
    """strategy.run(step_fn) inside gf.function over a distributed dataset, TF's custom loop."""
    x, y = data()
    with strategy.scope():
        model = make_model(perturb=0.1 * strategy.replica_id)
        optimizer = gf.keras.optimizers.SGD(0.1)
    dataset = strategy.experimental_distribute_dataset(gf.data.Dataset.from_tensor_slices((x, y)).batch(GLOBAL_BATCH))
    loss_fn = gf.keras.losses.SparseCategoricalCrossentropy(from_logits=True, reduction="none")

    @gf.function
    def train_step(bx, by):
        def step_fn(bx, by):
            with gf.GradientTape() as tape:
                loss = gf.nn.compute_average_loss(loss_fn(by, model(bx, training=True)),
                                                  global_batch_size=GLOBAL_BATCH)
            grads = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(grads, model.trainable_variables))
            return loss
        per_replica = strategy.run(step_fn, args=(bx, by))
        return strategy.reduce(gf.distribute.ReduceOp.SUM, per_replica, axis=None)

    batches = list(dataset)
    losses = [float(train_step(bx, by)) for bx, by in batches]
    step_graph = train_step.get_concrete_function(*batches[0]).graph
    return {"weights": [w.tolist() for w in model.get_weights()], "losses": losses,
            "collectives_in_train_step": _collective_ops(step_graph)}


def session_script(rank: int, size: int, hvd=None):
    """A TF1 graph with Horovod's DistributedOptimizer: each rank feeds its rows of the global batch."""
    x, y = data()
    target = (x @ np.array([1.0, -2.0, 0.5, 3.0], np.float32))[:, None]
    graph = gf.Graph()
    with graph.as_default():
        xs = gf.compat.v1.placeholder(gf.float32, [None, 4])
        ys = gf.compat.v1.placeholder(gf.float32, [None, 1])
        w = gf.compat.v1.get_variable("w", initializer=np.full((4, 1), float(rank + 1), np.float32))
        loss = gf.reduce_mean(gf.square(gf.matmul(xs, w) - ys))
        opt = gf.compat.v1.train.GradientDescentOptimizer(0.05)
        if hvd is not None:
            opt = hvd.DistributedOptimizer(opt)
        train_op = opt.minimize(loss)
        init = gf.compat.v1.global_variables_initializer()
        bcast = hvd.broadcast_global_variables(0) if hvd is not None else None
    with gf.compat.v1.Session(graph=graph) as sess:
        sess.run(init)
        if bcast is not None:
            sess.run(bcast)
        rows_per_rank = GLOBAL_BATCH // size
        for step in range(STEPS):
            lo = step * GLOBAL_BATCH + rank * rows_per_rank
            sess.run(train_op, {xs: x[lo:lo + rows_per_rank], ys: target[lo:lo + rows_per_rank]})
        return {"w": sess.run(w).tolist()}


def mismatched_variable(strategy) -> str:
    """Every rank creating a variable of another shape fails at the broadcast, on every rank."""
    try:
        with strategy.scope():
            gf.Variable(np.zeros(strategy.replica_id + 2, np.float32), name="mismatched")
    except ValueError as e:
        return str(e)
    return ""


def stalled_rank(rank: int) -> str:
    """Rank 1 never joins an all-reduce: rank 0 gets DeadlineExceededError instead of hanging."""
    if rank == 1:
        return ""
    options = gf.distribute.experimental.CommunicationOptions(timeout_seconds=2.0)
    strategy = gf.distribute.MultiWorkerMirroredStrategy(communication_options=options)
    try:
        strategy.reduce(gf.distribute.ReduceOp.SUM, gf.constant(1.0))
    except gf.errors.DeadlineExceededError as e:
        return str(e)
    return ""


def main(out_dir: str, with_stall: bool) -> None:
    """Every program once; with `with_stall`, last, rank 1 stalls (then rank 0 exits with status 1
    and mpiexec ends the job)."""
    strategy = gf.distribute.MultiWorkerMirroredStrategy()
    import graphflow.distribute.mpi as hvd
    rank, size = hvd.rank(), hvd.size()
    result = {"rank": rank, "size": size, "num_replicas_in_sync": strategy.num_replicas_in_sync,
              "task_id": strategy.cluster_resolver.task_id,
              "mismatch": mismatched_variable(strategy),
              "keras": keras_fit(strategy, out_dir),
              "custom_loop": custom_loop(strategy),
              "session": session_script(rank, size, hvd)}
    if with_stall:
        if rank == 1:
            with open(os.path.join(out_dir, f"rank{rank}.json"), "w") as f:
                json.dump(result, f)
            time.sleep(600)
        result["stall"] = stalled_rank(rank)
    with open(os.path.join(out_dir, f"rank{rank}.json"), "w") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main(sys.argv[1], with_stall="--stall" in sys.argv)
