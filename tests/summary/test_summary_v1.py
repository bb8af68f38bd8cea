"""gf.compat.v1.summary: merge_all -> sess.run(merged) -> FileWriter.add_summary, and add_graph."""
import numpy as np
import pytest

import graphflow as gf

from .tb_read import load_run, tf_data

v1 = gf.compat.v1


def _mlp_graph():
    graph = gf.Graph()
    with graph.as_default():
        x = v1.placeholder(gf.float32, [None, 3], name="x")
        with gf.name_scope("layer"):
            w = gf.Variable(np.ones((3, 2), np.float32), name="w")
            y = gf.matmul(x, w)
        loss = gf.reduce_mean(y)
        v1.summary.scalar("loss", loss)
        v1.summary.histogram("weights", w)
        v1.summary.image("inputs", gf.reshape(x, [-1, 1, 3, 1]), max_outputs=2)
        merged = v1.summary.merge_all()
        init = v1.global_variables_initializer()
    return graph, x, merged, init


def test_merged_summaries_written_by_a_file_writer(tmp_path):
    graph, x, merged, init = _mlp_graph()
    with v1.Session(graph=graph) as sess:
        sess.run(init)
        writer = v1.summary.FileWriter(str(tmp_path), sess.graph)
        for step in range(4):
            summary = sess.run(merged, {x: np.arange(6, dtype=np.float32).reshape(2, 3) * step})
            assert isinstance(summary, bytes)
            writer.add_summary(summary, step)
        writer.close()
    acc = load_run(tmp_path)
    assert [(e.step, e.value) for e in acc.Scalars("loss")] == [(0, 0.0), (1, 7.5), (2, 15.0), (3, 22.5)]
    assert acc.Histograms("weights")[0].histogram_value.num == 6
    assert sorted(acc.Tags()["images"]) == ["inputs/image/0", "inputs/image/1"]
    image = acc.Images("inputs/image/0")[0]
    assert (image.width, image.height) == (3, 1)
    assert len(acc.Graph().node) == len(graph.get_operations())


def test_histogram_buckets_match_tensorflow_v1(tmp_path, tf_reference):
    graph = gf.Graph()
    with graph.as_default():
        for name, x in tf_data().items():
            v1.summary.histogram(name, gf.constant(x))
        merged = v1.summary.merge_all()
        with v1.Session(graph=graph) as sess:
            summary = sess.run(merged)
    writer = v1.summary.FileWriter(str(tmp_path))
    writer.add_summary(summary, 0)
    writer.close()
    acc = load_run(tmp_path)
    for name in tf_data():
        got, expected = acc.Histograms(name)[0].histogram_value, tf_reference["v1_histograms"][name]
        assert list(got.bucket) == expected["bucket"]
        np.testing.assert_allclose(got.bucket_limit, expected["bucket_limit"], rtol=1e-12)
        assert (got.min, got.max, got.num) == (expected["min"], expected["max"], expected["num"])
        assert got.sum == pytest.approx(expected["sum"]) and got.sum_squares == pytest.approx(expected["sum_squares"])


def test_merge_all_without_summaries_is_none():
    with gf.Graph().as_default():
        assert v1.summary.merge_all() is None


def test_eager_v1_summary_is_serialized_bytes():
    from tensorboard.compat.proto import summary_pb2
    s = v1.summary.scalar("x", 3.0)
    assert summary_pb2.Summary.FromString(s.numpy()).value[0].simple_value == 3.0


def test_add_graph_rejects_what_is_not_a_graph(tmp_path):
    writer = v1.summary.FileWriter(str(tmp_path))
    with pytest.raises(TypeError, match="Graph"):
        writer.add_graph(42)
    writer.close()


def test_histogram_of_nan_names_the_problem():
    with pytest.raises(Exception, match="NaN"):
        v1.summary.histogram("h", gf.constant([1.0, float("nan")]))
