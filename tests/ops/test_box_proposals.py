"""tf.image.generate_bounding_box_proposals on cases worked by hand from TensorFlow's kernel (it has a GPU
kernel only, so TF 2.21 on a CPU cannot record them): decoding, clipping, the min_size filter, pre-NMS
top-n, suppression and zero padding, eagerly, in a TF1 graph and in gf.function."""
from __future__ import annotations

import numpy as np
import pytest

import graphflow as gf

# one image, a 1x3 feature map with one anchor per cell
ANCHORS = np.array([[[0, 0, 10, 10], [0, 5, 10, 15], [0, 20, 8, 24]]], np.float32)          # [1, 3, 4]
SCORES = np.array([[[[0.9], [0.8], [0.7]]]], np.float32)                                     # [1, 1, 3, 1]
INFO = np.array([[30, 30, 1, 0, 0]], np.float32)


def _run(mode, deltas, **kw):
    def fn(*xs):
        return gf.image.generate_bounding_box_proposals(*xs, **kw)
    args = (SCORES, deltas, INFO, ANCHORS)
    if mode == "eager":
        return [t.numpy() for t in fn(*args)]
    if mode == "function":
        return [t.numpy() for t in gf.function(fn)(*[gf.constant(a) for a in args])]
    graph = gf.Graph()
    with graph.as_default():
        feeds = [gf.compat.v1.placeholder(gf.float32, a.shape) for a in args]
        out = fn(*feeds)
    with gf.compat.v1.Session(graph=graph) as sess:
        return sess.run(list(out), feed_dict=dict(zip(feeds, args)))


MODES = ["eager", "graph", "function"]


@pytest.mark.parametrize("mode", MODES)
def test_overlapping_proposal_is_suppressed_and_the_rest_padded(mode):
    rois, probs = _run(mode, np.zeros((1, 1, 3, 4), np.float32), nms_threshold=0.3, min_size=1.0, post_nms_topn=4)
    # IoU([0,0,10,10], [0,5,10,15]) = 50 / 150 > 0.3: the second goes
    np.testing.assert_allclose(rois, [[[0, 0, 10, 10], [0, 20, 8, 24], [0, 0, 0, 0], [0, 0, 0, 0]]])
    np.testing.assert_allclose(probs, [[0.9, 0.7, 0, 0]])


@pytest.mark.parametrize("mode", MODES)
def test_deltas_move_scale_and_clip_boxes(mode):
    deltas = np.zeros((1, 1, 3, 4), np.float32)
    deltas[0, 0, 0] = [0.1, 0.0, np.log(2.0), 0.0]        # centre down a tenth of the height, height doubled
    deltas[0, 0, 2] = [0.0, 0.5, 0.0, 10.0]               # dw clipped to log(1000 / 16), then clipped to the image
    rois, probs = _run(mode, deltas, nms_threshold=0.9, min_size=1.0, post_nms_topn=3)
    np.testing.assert_allclose(rois[0, 0], [0, 0, 16, 10], rtol=1e-6)              # [-4, 0, 16, 10] clipped
    np.testing.assert_allclose(rois[0, 2], [0, 0, 8, 30], rtol=1e-6)               # 4 * 62.5 wide, clipped
    np.testing.assert_allclose(probs, [[0.9, 0.8, 0.7]])


def test_small_boxes_and_those_past_pre_nms_topn_are_dropped():
    zeros = np.zeros((1, 1, 3, 4), np.float32)
    rois, probs = _run("eager", zeros, min_size=5.0, post_nms_topn=3, nms_threshold=0.9)     # the 8x4 box goes
    np.testing.assert_allclose(probs, [[0.9, 0.8, 0]])
    rois, probs = _run("eager", zeros, pre_nms_topn=1, min_size=1.0, post_nms_topn=3)
    np.testing.assert_allclose(probs, [[0.9, 0, 0]])


def test_anchors_must_be_per_cell_as_in_tensorflow():
    with pytest.raises(ValueError, match="anchors must be 3-D"):
        gf.image.generate_bounding_box_proposals(SCORES, np.zeros((1, 1, 3, 4), np.float32), INFO,
                                                 np.zeros((3, 4), np.float32))
