"""Record real Keras 3's model.summary() text for tests/keras_api/models/test_keras_summary_look.py.

Run with the oracle venv and a wide terminal: COLUMNS=200 python tools/tfref/record_keras_summary.py
Writes tests/data/keras_utils/summary.json.
"""
import json
import pathlib

from tensorflow import keras

OUT = pathlib.Path(__file__).resolve().parents[2] / "tests" / "data" / "keras_utils" / "summary.json"


def models():
    L = keras.layers
    yield "cnn", keras.Sequential([keras.Input((8, 8, 1)), L.Conv2D(16, 3, activation="relu", padding="same"),
                                   L.MaxPooling2D(2), L.Flatten(), L.BatchNormalization(), L.Dense(10)],
                                  name="sequential")
    a, b = keras.Input((4,), name="a"), keras.Input((2,), name="b")
    yield "two_inputs", keras.Model([a, b], L.Dense(1, name="out")(L.Concatenate(name="join")([a, b])),
                                    name="functional")
    big = keras.Sequential([keras.Input((300,)), L.Dense(4000, name="wide"), L.Dense(1, name="head")], name="big")
    yield "thousands", big


def main():
    out = {}
    for name, model in models():
        lines = []
        model.summary(print_fn=lines.append)
        out[name] = "\n".join(lines)
    OUT.write_text(json.dumps(out, indent=1, ensure_ascii=False))
    print("wrote", OUT)


if __name__ == "__main__":
    main()
