"""Record the runs and tags (with steps) that Keras 3 callbacks.TensorBoard writes for a small fit, as JSON.

    /work/tfvenv/bin/python tools/tfref/record_keras_tensorboard.py tests/data/summary/keras_tensorboard_layout.json
"""
import numpy as np, tensorflow as tf, tempfile, os, json
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
d = tempfile.mkdtemp()
m = tf.keras.Sequential([tf.keras.Input((4,)), tf.keras.layers.Dense(3, activation="relu"), tf.keras.layers.Dense(1)])
m.compile("sgd", "mse", metrics=["mae"])
x = np.random.rand(32, 4).astype("float32"); y = np.random.rand(32, 1).astype("float32")
m.fit(x, y, batch_size=8, epochs=2, validation_data=(x, y), verbose=0,
      callbacks=[tf.keras.callbacks.TensorBoard(d, histogram_freq=1, update_freq=2)])
out = {}
for run in sorted(os.listdir(d)):
    a = EventAccumulator(os.path.join(d, run), size_guidance={"tensors": 0}); a.Reload()
    out[run] = {"tags": a.Tags(), "steps": {t: [e.step for e in a.Tensors(t)] for t in a.Tags()["tensors"]}}
import pathlib, sys
pathlib.Path(sys.argv[1]).write_text(json.dumps(out, indent=1))
