"""`graphflow export --onnx` and gf.onnx.export on a loaded saved model's signature."""
from __future__ import annotations

import subprocess
import sys

import numpy as np
from onnx_checks import assert_matches, run_onnx

import graphflow as gf
from graphflow.cli import main


class Scaler(gf.Module):
    def __init__(self):
        super().__init__()
        self.w = gf.Variable(np.arange(12, dtype=np.float32).reshape(4, 3) / 10, name="w")
        self.offset = gf.constant(np.float32(0.25))

    @gf.function(input_signature=[gf.TensorSpec([None, 4], gf.float32, name="x")])
    def __call__(self, x):
        return gf.nn.softmax(gf.matmul(x, self.w) + self.offset)


def _saved(tmp_path):
    module = Scaler()
    gf.saved_model.save(module, str(tmp_path / "saved"), signatures=module.__call__)
    return module, tmp_path / "saved"


def test_cli_exports_a_saved_models_signature(tmp_path, capsys):
    module, saved = _saved(tmp_path)
    assert main(["export", str(saved), "--onnx", str(tmp_path / "m.onnx")]) == 0
    assert "wrote" in capsys.readouterr().out
    xs = np.random.RandomState(0).randn(3, 4).astype(np.float32)
    assert_matches(run_onnx(tmp_path / "m.onnx", {"x": xs})[0], module(xs).numpy(), what="saved model")


def test_cli_names_a_missing_signature(tmp_path, capsys):
    _, saved = _saved(tmp_path)
    assert main(["export", str(saved), "--onnx", str(tmp_path / "m.onnx"), "--signature", "nope"]) == 2
    assert "serving_default" in capsys.readouterr().err
    assert not (tmp_path / "m.onnx").exists()


def test_loaded_signature_exports_from_python(tmp_path):
    module, saved = _saved(tmp_path)
    loaded = gf.saved_model.load(str(saved))
    gf.onnx.export(loaded.signatures["serving_default"], tmp_path / "s.onnx")
    xs = np.ones((1, 4), np.float32)
    assert_matches(run_onnx(tmp_path / "s.onnx", {"x": xs})[0], module(xs).numpy(), what="loaded")


def test_import_graphflow_does_not_load_onnx():
    code = "import sys, graphflow; print('onnx' in sys.modules or 'onnxruntime' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
