"""Record Keras 3 image augmentation outputs in training mode for
tests/keras_api/layers/test_augmentation.py. The random factor ranges are single points
((0.25, 0.25) is always a quarter turn), so the outputs are deterministic and comparable.

    /work/tfvenv/bin/python tools/tfref/record_keras_augmentation.py
"""
from __future__ import annotations

import numpy as np
from keras_record_io import import_keras, write

# (id, class, kwargs)
CASES = [
    ("rotation_quarter_reflect", "RandomRotation", {"factor": (0.25, 0.25)}),
    ("rotation_eighth_constant", "RandomRotation", {"factor": (0.125, 0.125), "fill_mode": "constant",
                                                    "fill_value": 0.5}),
    ("rotation_small_nearest", "RandomRotation", {"factor": (-0.05, -0.05), "fill_mode": "nearest",
                                                  "interpolation": "nearest"}),
    ("zoom_out_constant", "RandomZoom", {"height_factor": (0.5, 0.5), "fill_mode": "constant"}),
    ("zoom_in_reflect", "RandomZoom", {"height_factor": (-0.3, -0.3), "width_factor": (-0.2, -0.2)}),
    ("translation_reflect", "RandomTranslation", {"height_factor": (0.2, 0.2), "width_factor": (-0.25, -0.25)}),
    ("translation_nearest_fill", "RandomTranslation", {"height_factor": (-0.4, -0.4), "width_factor": (0.3, 0.3),
                                                       "fill_mode": "nearest", "interpolation": "nearest"}),
    ("translation_far_reflect", "RandomTranslation", {"height_factor": (0.9, 0.9), "width_factor": (0.0, 0.0)}),
]


def main():
    _, keras = import_keras()
    images = np.random.default_rng(0).uniform(0, 1, (2, 5, 4, 2)).astype("float32")
    meta, arrays = [], {"images": images}
    for case_id, cls, kwargs in CASES:
        layer = getattr(keras.layers, cls)(**kwargs)
        arrays[case_id] = np.asarray(layer(images, training=True))
        meta.append({"id": case_id, "class": cls, "kwargs": kwargs})
        print(case_id, arrays[case_id][0, :2, :2, 0])
    write("augmentation", {"cases": meta}, arrays)


if __name__ == "__main__":
    main()
