"""Record whole programs through the regularization, Dot, AdditiveAttention and normalization
layers under real Keras 3 (tools/tfref/misc_layer_models.py), for
tests/keras_api/models/test_keras_misc_layer_programs.py:

- model.keras / model.weights.h5 (the model with the noise layers, given fixed weights) and its
  predictions, and image.keras (the image size layers) and its predictions; weight paths and
  shapes; the layers' get_config;
- one SGD epoch of the noise-free model from the same weights (loss, weights after);
- AdditiveAttention with query/value masks, return_attention_scores and use_causal_mask;
- Hashing's bins and encodings on strings, ints and floats (hashing.json).

    /work/tfvenv/bin/python tools/tfref/record_keras_misc_layers.py
"""
from __future__ import annotations

import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import misc_layer_models as spec  # noqa: E402
import numpy as np  # noqa: E402
from keras_record_io import ROOT, _atomic, import_keras  # noqa: E402

OUT = os.path.join(ROOT, "tests", "data", "keras_misc")


def _copy_saved(save, filename):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, filename)
        save(path)
        with open(path, "rb") as f:
            _atomic(os.path.join(OUT, filename), f.read())


def main():
    _, keras = import_keras()
    keras.utils.set_random_seed(0)
    x, y = spec.inputs(), spec.targets()
    arrays, meta = {}, {}

    model = spec.build(keras)
    model.set_weights(spec.fixed_weights(model))
    arrays["model/predictions"] = model.predict(x, verbose=0)
    meta["weights"] = [[w.path, list(w.shape)] for w in model.weights]
    meta["configs"] = {layer.name: json.loads(json.dumps(layer.get_config(), default=repr))
                       for layer in model.layers if type(layer).__name__ != "InputLayer"}
    meta["class_names"] = [type(layer).__name__ for layer in model.layers]
    _copy_saved(model.save, "model.keras")
    _copy_saved(model.save_weights, "model.weights.h5")

    image = spec.build_image(keras)
    image.set_weights(spec.fixed_weights(image))
    arrays["image/predictions"] = image.predict(spec.image_inputs(), verbose=0)
    _copy_saved(image.save, "image.keras")

    plain = spec.build(keras, noise=False)
    plain.set_weights(spec.fixed_weights(plain))
    plain.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    history = plain.fit(x, y, batch_size=2, epochs=1, shuffle=False, verbose=0)
    meta["fit_loss"] = history.history["loss"]
    for i, w in enumerate(plain.get_weights()):
        arrays[f"fit/weight_{i}"] = w

    attention = keras.layers.AdditiveAttention()
    q, v = x[0], x[1][:, :, :4]
    query_mask, value_mask = spec.masks()
    attention([q, v])
    attention.set_weights([np.array([0.5, -1.0, 1.5, 0.25], "float32")])
    out, scores = attention([q, v], mask=[query_mask, value_mask], return_attention_scores=True)
    arrays["masked/output"], arrays["masked/scores"] = np.asarray(out), np.asarray(scores)
    arrays["causal/output"] = np.asarray(attention([q, v[:, :3]], use_causal_mask=True))

    hashing = {}
    for name, (kwargs, values) in spec.HASHING_CASES.items():
        layer = keras.layers.Hashing(**kwargs)
        hashing[name] = {"output": np.asarray(layer(np.array(values))).tolist(), "config": layer.get_config()}
    with open(os.path.join(OUT, "hashing.json"), "w") as f:
        json.dump(hashing, f, indent=1, sort_keys=True, default=repr)
        f.write("\n")

    with open(os.path.join(OUT, "programs.json"), "w") as f:
        json.dump(meta, f, indent=1, sort_keys=True)
        f.write("\n")
    np.savez(os.path.join(OUT, "programs.npz"), **{k: arrays[k] for k in sorted(arrays)})
    print({k: v.shape for k, v in arrays.items()}, meta["fit_loss"])


if __name__ == "__main__":
    main()
