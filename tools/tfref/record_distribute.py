"""Record tf.distribute's one-process behaviour (MirroredStrategy on one CPU, the default strategy)
that tests/distribute/test_strategies_one_process.py compares graphflow against.

Run with TensorFlow's interpreter: python tools/tfref/record_distribute.py tests/data/distribute/tf_strategies.json
"""
import json
import sys

import numpy as np
import tensorflow as tf


def main(path):
    out = {}
    strategy = tf.distribute.MirroredStrategy(["/cpu:0"])
    default = tf.distribute.get_strategy()
    out["mirrored_replicas"] = strategy.num_replicas_in_sync
    out["default_replicas"] = default.num_replicas_in_sync
    out["default_has_strategy"] = tf.distribute.has_strategy()
    with strategy.scope():
        out["in_scope_has_strategy"] = tf.distribute.has_strategy()
        out["in_scope_is_current"] = tf.distribute.get_strategy() is strategy
        out["cross_replica_in_scope"] = tf.distribute.in_cross_replica_context()
        out["replica_context_in_scope_is_none"] = tf.distribute.get_replica_context() is None
    value = tf.constant([[1.0, 2.0], [3.0, 5.0], [4.0, 8.0]])
    per_replica = strategy.run(lambda v: v * 2.0, args=(value,))
    out["run"] = per_replica.numpy().tolist()
    out["reduce_sum_none"] = strategy.reduce(tf.distribute.ReduceOp.SUM, per_replica, axis=None).numpy().tolist()
    out["reduce_mean_none"] = strategy.reduce("MEAN", per_replica, axis=None).numpy().tolist()
    out["reduce_sum_0"] = strategy.reduce("SUM", per_replica, axis=0).numpy().tolist()
    out["reduce_mean_0"] = strategy.reduce("MEAN", per_replica, axis=0).numpy().tolist()
    out["reduce_mean_1"] = strategy.reduce("MEAN", per_replica, axis=1).numpy().tolist()
    ds = tf.data.Dataset.from_tensor_slices(np.arange(10, dtype=np.float32)).batch(4)
    out["distributed_batches"] = [b.numpy().tolist() for b in strategy.experimental_distribute_dataset(ds)]

    def dataset_fn(ctx):
        out["input_context"] = [ctx.num_input_pipelines, ctx.input_pipeline_id, ctx.num_replicas_in_sync,
                                ctx.get_per_replica_batch_size(8)]
        return tf.data.Dataset.range(3).batch(2)
    out["from_function_batches"] = [b.numpy().tolist() for b in strategy.distribute_datasets_from_function(dataset_fn)]
    out["compute_average_loss"] = float(tf.nn.compute_average_loss(tf.constant([1.0, 2.0, 6.0])))
    out["compute_average_loss_global"] = float(tf.nn.compute_average_loss(tf.constant([1.0, 2.0, 6.0]),
                                                                           global_batch_size=6))
    out["compute_average_loss_weighted"] = float(tf.nn.compute_average_loss(
        tf.constant([1.0, 2.0, 6.0]), sample_weight=tf.constant([1.0, 0.5, 0.0])))
    with open(path, "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main(sys.argv[1])
