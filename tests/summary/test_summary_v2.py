"""gf.summary (TF2): written eagerly and from inside gf.function, read back with tensorboard."""
import numpy as np
import pytest

import graphflow as gf

from .tb_read import load_run, tensor_values, tf_data


def test_eager_scalars_land_at_their_steps(tmp_path):
    writer = gf.summary.create_file_writer(str(tmp_path))
    with writer.as_default():
        for step in range(3):
            assert bool(gf.summary.scalar("loss", 1.0 / (step + 1), step=step))
    writer.close()
    values = tensor_values(load_run(tmp_path), "loss")
    assert [s for s, _ in values] == [0, 1, 2]
    np.testing.assert_allclose([v for _, v in values], [1.0, 0.5, 1 / 3], rtol=1e-6)


@pytest.mark.parametrize("buckets", [None, 7])
def test_histogram_buckets_match_tensorflow(tmp_path, tf_reference, buckets):
    writer = gf.summary.create_file_writer(str(tmp_path))
    with writer.as_default(step=0):
        for name, x in tf_data().items():
            gf.summary.histogram(name, gf.constant(x), buckets=buckets)
    writer.close()
    acc = load_run(tmp_path)
    for name in tf_data():
        expected = np.array(tf_reference["v2"][name + ("_b7" if buckets else "")]["value"])
        (_, got), = tensor_values(acc, name)
        assert got.shape == expected.shape
        np.testing.assert_array_equal(got[:, 2], expected[:, 2])          # the counts
        np.testing.assert_allclose(got[:, :2], expected[:, :2], rtol=1e-12)


def test_images_keep_their_size_and_max_outputs(tmp_path, tf_reference):
    writer = gf.summary.create_file_writer(str(tmp_path))
    images = np.random.RandomState(2).uniform(size=(4, 5, 7, 3)).astype(np.float32)
    with writer.as_default():
        gf.summary.image("img", images, step=1, max_outputs=2)
    writer.close()
    (step, value), = tensor_values(load_run(tmp_path), "img")
    assert step == 1 and value[0] == b"7" and value[1] == b"5" and len(value) == 4
    assert all(png.startswith(b"\x89PNG") for png in value[2:])


def test_text_summary(tmp_path):
    writer = gf.summary.create_file_writer(str(tmp_path))
    with writer.as_default():
        gf.summary.text("notes", "hello tensorboard", step=0)
    writer.close()
    (_, value), = tensor_values(load_run(tmp_path), "notes")
    assert value.item() == b"hello tensorboard"


def test_without_default_writer_nothing_is_written():
    assert not bool(gf.summary.scalar("loss", 1.0, step=0))


def test_missing_step_raises(tmp_path):
    with gf.summary.create_file_writer(str(tmp_path)).as_default():
        with pytest.raises(ValueError, match="No step set"):
            gf.summary.scalar("loss", 1.0)


def test_set_step_is_the_default_step(tmp_path):
    writer = gf.summary.create_file_writer(str(tmp_path))
    gf.summary.experimental.set_step(5)
    try:
        assert gf.summary.experimental.get_step() == 5
        with writer.as_default():
            gf.summary.scalar("x", 2.0)
    finally:
        gf.summary.experimental.set_step(None)
    writer.close()
    assert [s for s, _ in tensor_values(load_run(tmp_path), "x")] == [5]


def test_record_if_false_skips(tmp_path):
    writer = gf.summary.create_file_writer(str(tmp_path))
    with writer.as_default(), gf.summary.record_if(False):
        assert not bool(gf.summary.scalar("x", 1.0, step=0))
    with writer.as_default(), gf.summary.record_if(lambda: True):
        assert bool(gf.summary.scalar("y", 1.0, step=0))
    writer.close()
    assert load_run(tmp_path).Tags()["tensors"] == ["y"]


def test_summaries_inside_a_compiled_function_write_when_the_step_runs(tmp_path):
    writer = gf.summary.create_file_writer(str(tmp_path))
    step = gf.Variable(0, dtype=gf.int64)
    w = gf.Variable(np.ones((4, 3), np.float32))

    @gf.function
    def train(x):
        with writer.as_default(step=step):
            loss = gf.reduce_mean(gf.matmul(x, w))
            with gf.summary.record_if(step % 2 == 0):
                gf.summary.scalar("loss", loss)
                gf.summary.histogram("w", w)
        step.assign_add(1)
        return loss

    for i in range(5):
        train(gf.constant(np.full((2, 4), i, np.float32)))
    assert train.experimental_get_tracing_count() == 1
    writer.close()
    acc = load_run(tmp_path)
    losses = tensor_values(acc, "loss")
    assert [s for s, _ in losses] == [0, 2, 4]
    np.testing.assert_allclose([v for _, v in losses], [0.0, 8.0, 16.0])
    assert [s for s, _ in tensor_values(acc, "w")] == [0, 2, 4]


def test_name_scopes_prefix_tags_in_functions(tmp_path):
    writer = gf.summary.create_file_writer(str(tmp_path))

    @gf.function
    def f(x):
        with writer.as_default(), gf.name_scope("metrics"):
            gf.summary.scalar("x", x, step=0)
        return x

    f(gf.constant(1.0))
    writer.close()
    assert load_run(tmp_path).Tags()["tensors"] == ["metrics/x"]


def test_trace_export_writes_the_function_graph(tmp_path):
    writer = gf.summary.create_file_writer(str(tmp_path))

    @gf.function
    def model(x):
        return gf.nn.relu(gf.matmul(x, gf.ones([3, 2])) + 1.0)

    gf.summary.trace_on(graph=True)
    model(gf.constant(np.ones((4, 3), np.float32)))
    with writer.as_default():
        gf.summary.trace_export("model_trace", step=0)
    writer.close()
    graph = model.get_concrete_function(gf.constant(np.ones((4, 3), np.float32))).graph
    node_def = load_run(tmp_path).Graph()
    assert len(node_def.node) == len(graph.get_operations())
    assert {"MatMul", "Relu"} <= {n.op for n in node_def.node}


def test_a_bad_scalar_names_the_tag(tmp_path):
    with gf.summary.create_file_writer(str(tmp_path)).as_default():
        with pytest.raises(Exception, match="scalar summary 'loss'"):
            gf.summary.scalar("loss", np.ones(3), step=0)
