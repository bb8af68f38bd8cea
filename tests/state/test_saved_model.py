"""gf.saved_model: save a module's variables and traced functions; load and run them without the
module's Python code (as TensorFlow's "Using the SavedModel format" guide does)."""
import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import graphflow as gf

X = np.arange(6, dtype=np.float32).reshape(2, 3)


class CustomModule(gf.Module):
    def __init__(self):
        super().__init__()
        self.w = gf.Variable(np.full((3, 2), 0.5, np.float32), name="w")
        self.b = gf.Variable(np.array([1.0, -1.0], np.float32), name="b")
        self.scale = gf.constant([2.0, 3.0])

    @gf.function(input_signature=[gf.TensorSpec([None, 3], gf.float32)])
    def __call__(self, x):
        return gf.nn.relu(gf.matmul(x, self.w) + self.b) * self.scale

    @gf.function
    def mutate(self, x):
        return gf.cond(gf.reduce_sum(x) > 0, lambda: x * self.w[0, 0], lambda: x - 1.0)


@pytest.fixture
def saved(tmp_path):
    module = CustomModule()
    module.mutate(gf.constant([1.0, 2.0]))
    path = tmp_path / "module"
    gf.saved_model.save(module, path, signatures=module.__call__)
    return module, path


def test_loaded_functions_give_the_same_results(saved):
    module, path = saved
    loaded = gf.saved_model.load(path)
    np.testing.assert_array_equal(loaded(X).numpy(), module(X).numpy())
    np.testing.assert_array_equal(loaded.mutate(gf.constant([1.0, 2.0])).numpy(), [0.5, 1.0])
    np.testing.assert_array_equal(loaded.mutate(np.array([-1.0, -2.0], np.float32)).numpy(), [-2.0, -3.0])
    out = loaded.signatures["serving_default"](x=X)
    np.testing.assert_array_equal(out["output_0"].numpy(), module(X).numpy())
    assert sorted(v.name for v in loaded.trainable_variables) == ["b:0", "w:0"]


def test_loading_needs_no_python_code(saved):
    module, path = saved
    program = textwrap.dedent(f"""
        import numpy as np, graphflow as gf
        loaded = gf.saved_model.load({str(path)!r})
        print(loaded(np.arange(6, dtype=np.float32).reshape(2, 3)).numpy().tolist())
    """)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([os.getcwd()] + sys.path))
    out = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, env=env, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == module(X).numpy().tolist()


def test_loaded_variables_are_the_ones_the_functions_read(saved):
    _, path = saved
    loaded = gf.saved_model.load(path)
    for v in loaded.variables:
        v.assign(np.zeros(v.shape, np.float32))
    np.testing.assert_array_equal(loaded(X).numpy(), 0.0)


def test_a_checkpoint_restores_the_saved_variables_into_the_module(saved):
    module, path = saved
    fresh = CustomModule()
    fresh.w.assign(np.zeros((3, 2), np.float32))
    gf.train.Checkpoint(fresh).read(os.path.join(path, "variables", "variables")).assert_consumed()
    np.testing.assert_array_equal(fresh.w.numpy(), module.w.numpy())


def test_calls_outside_the_saved_signatures_are_refused(saved):
    _, path = saved
    loaded = gf.saved_model.load(path)
    with pytest.raises(ValueError, match="no saved trace accepts"):
        loaded(np.ones((2, 4), np.float32))
    with pytest.raises(TypeError, match="unexpected keyword argument 'y'"):
        loaded.signatures["serving_default"](y=X)


def test_missing_newer_and_unknown_are_clear_errors(saved, tmp_path):
    _, path = saved
    with pytest.raises(gf.errors.NotFoundError, match="SavedModel file does not exist"):
        gf.saved_model.load(tmp_path / "nothing")
    manifest_path = os.path.join(path, "saved_model.json")
    with open(manifest_path) as f:
        manifest = json.load(f)
    manifest["functions"]["mutate"][0]["graph"]["ops"][1]["type"] = "FutureOp"
    with open(manifest_path, "w") as f:
        json.dump(manifest, f)
    with pytest.raises(ValueError, match="op type 'FutureOp'.*not known"):
        gf.saved_model.load(path)
    manifest["version"] = 2
    with open(manifest_path, "w") as f:
        json.dump(manifest, f)
    with pytest.raises(ValueError, match="format version 2, newer"):
        gf.saved_model.load(path)


def test_a_function_reading_an_untracked_variable_cannot_be_saved(tmp_path):
    hidden = gf.Variable(1.0)

    class Leaky(gf.Module):
        @gf.function(input_signature=[gf.TensorSpec([], gf.float32)])
        def __call__(self, x):
            return x + hidden

    with pytest.raises(ValueError, match="does not track"):
        gf.saved_model.save(Leaky(), tmp_path / "m")
    assert not os.path.exists(tmp_path / "m")


def test_saving_over_a_saved_model_is_atomic(saved, monkeypatch):
    module, path = saved
    save_mod = sys.modules["graphflow.saved_model.save"]

    def broken(*args, **kwargs):
        raise OSError("disk full")
    monkeypatch.setattr(save_mod, "write_atomic", broken)
    with pytest.raises(OSError, match="disk full"):
        gf.saved_model.save(module, path)
    monkeypatch.undo()
    np.testing.assert_array_equal(gf.saved_model.load(path)(X).numpy(), module(X).numpy())
    assert sorted(os.listdir(os.path.dirname(path))) == ["module"]


def test_keras_model_export_serves_predictions(tmp_path):
    keras = gf.keras
    inputs = keras.Input((6, 6, 1))
    x = keras.layers.Conv2D(2, 3, activation="relu")(inputs)
    x = keras.layers.BatchNormalization()(x)
    outputs = keras.layers.Dense(3)(keras.layers.Dropout(0.5)(keras.layers.Flatten()(x)))
    model = keras.Model(inputs, outputs)
    model.export(tmp_path / "exported", verbose=False)
    reloaded = gf.saved_model.load(tmp_path / "exported")
    data = np.random.default_rng(0).random((4, 6, 6, 1), dtype=np.float32)
    np.testing.assert_allclose(reloaded.serve(data).numpy(), model.predict(data, verbose=0), rtol=1e-6, atol=1e-6)
