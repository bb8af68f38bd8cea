"""What every ONNX test does with a file: onnx.checker, then run it in onnxruntime."""
from __future__ import annotations

import numpy as np
import onnx
import onnxruntime as ort


def run_onnx(path, feeds: dict) -> list:
    onnx.checker.check_model(onnx.load(str(path)), full_check=True)
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    return session.run(None, feeds)


def assert_matches(got, want, rtol=1e-5, atol=1e-5, what=""):
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape, f"{what}: shape {got.shape}, graphflow {want.shape}"
    assert got.dtype == want.dtype, f"{what}: dtype {got.dtype}, graphflow {want.dtype}"
    if want.dtype.kind == "f":
        np.testing.assert_allclose(got, want, rtol=rtol, atol=atol, equal_nan=True, err_msg=what)
    else:
        np.testing.assert_array_equal(got, want, err_msg=what)
