"""Record real Keras 3's keras.datasets processing on small fake files laid out as Keras keeps them
(tests/keras_api/datasets/fake_files.py), for tests/keras_api/datasets/test_keras_dataset_files.py.
Keras's download step is replaced by handing it the fake file (nothing is fetched).

Run with the oracle venv: python tools/tfref/record_keras_datasets.py  (writes tests/data/keras_utils/datasets.json)
"""
import importlib
import json
import os
import pathlib
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "keras_api" / "datasets"))
from fake_files import CASES, summary, write_all  # noqa: E402

import keras  # noqa: E402,F401


def main():
    out = {}
    with tempfile.TemporaryDirectory() as folder:
        write_all(folder)
        files = {"imdb": "imdb.npz", "reuters": "reuters.npz", "boston_housing": "boston_housing.npz",
                 "california_housing": "california_housing.npz", "cifar10": folder, "cifar100": folder}
        for case, (name, kwargs) in CASES.items():
            module = importlib.import_module(f"keras.src.datasets.{name}")
            target = files[name] if name.startswith("cifar") else os.path.join(folder, files[name])
            module.get_file = lambda *a, _t=target, **k: _t       # the local file instead of a download
            out[case] = summary(module.load_data(**kwargs))
    path = ROOT / "tests" / "data" / "keras_utils" / "datasets.json"
    path.write_text(json.dumps(out))
    print("wrote", path)


if __name__ == "__main__":
    main()
