"""Record the text programs of tests/text/programs.py under real TensorFlow 2.21 / Keras 3.

Run with the oracle venv: python tools/tfref/record_text.py   (writes tests/data/text/text.json)
"""
import json
import pathlib
import sys
import tempfile

import tensorflow as tf

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "text"))
from programs import PROGRAMS  # noqa: E402


def main():
    out = {}
    for name, program in PROGRAMS.items():
        with tempfile.TemporaryDirectory() as tmp:
            try:
                out[name] = {"value": program(tf, tmp)}
            except Exception as e:  # noqa: BLE001  an error is a recorded outcome too
                out[name] = {"error": f"{type(e).__name__}: {e}"}
    path = ROOT / "tests" / "data" / "text" / "text.json"
    path.write_text(json.dumps(out, indent=1, ensure_ascii=False))
    print("wrote", path, tf.__version__)


if __name__ == "__main__":
    main()
