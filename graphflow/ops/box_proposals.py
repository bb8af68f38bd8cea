"""GenerateBoundingBoxProposals: a region-proposal network's boxes (anchors moved by predicted deltas,
clipped to the image, small ones dropped, the best kept by non-max suppression). TensorFlow has only a
GPU kernel for it; this numpy kernel follows that kernel step by step, in float32."""
from __future__ import annotations

import numpy as np

from .. import dtypes
from ..shapes import TensorShape
from .image import _iou, greedy_nms
from .registry import OpDef, Spec, register

# TF's upper bound on the predicted log-scale of a box's width and height
_XFORM_CLIP = np.float32(np.log(1000.0 / 16.0))


def _infer(scores, bbox_deltas, image_info, anchors, nms_threshold, pre_nms_topn, min_size, post_nms_topn):
    for name, spec, rank in (("scores", scores, 4), ("bbox_deltas", bbox_deltas, 4), ("image_info", image_info, 2),
                             ("anchors", anchors, 3)):
        if spec.dtype is not dtypes.float32:
            raise TypeError(f"GenerateBoundingBoxProposals: {name} must be float32, got {spec.dtype.name}")
        if spec.shape.rank not in (None, rank):
            raise ValueError(f"GenerateBoundingBoxProposals: {name} must be {rank}-D, got shape {spec.shape}")
    if post_nms_topn <= 0:
        raise ValueError(f"GenerateBoundingBoxProposals: post_nms_topn must be positive, got {post_nms_topn}")
    n = scores.shape.dims[0] if scores.shape.dims is not None else None
    return [Spec(TensorShape([n, post_nms_topn, 4]), dtypes.float32), Spec(TensorShape([n, post_nms_topn]),
                                                                            dtypes.float32)]


def _decode(anchors, deltas):
    """Boxes [y1, x1, y2, x2] from anchors [y1, x1, y2, x2] and deltas [dy, dx, dh, dw]."""
    y1, x1, y2, x2 = anchors.T
    dy, dx, dh, dw = deltas.T
    dh, dw = np.minimum(dh, _XFORM_CLIP), np.minimum(dw, _XFORM_CLIP)
    w, h = x2 - x1, y2 - y1
    cx, cy = x1 + np.float32(0.5) * w + w * dx, y1 + np.float32(0.5) * h + h * dy
    pw, ph = w * np.exp(dw), h * np.exp(dh)
    half = np.float32(0.5)
    return np.stack([cy - half * ph, cx - half * pw, cy + half * ph, cx + half * pw], 1)


def _proposals(scores, bbox_deltas, image_info, anchors, nms_threshold, pre_nms_topn, min_size, post_nms_topn):
    n, h, w, a = scores.shape
    if bbox_deltas.shape != (n, h, w, 4 * a) or anchors.shape != (h, w, 4 * a) or image_info.shape[0] != n \
            or image_info.shape[1] < 3:
        raise ValueError(f"GenerateBoundingBoxProposals: scores {list(scores.shape)} need bbox_deltas "
                         f"[{n}, {h}, {w}, {4 * a}], anchors [{h}, {w}, {4 * a}] and image_info [{n}, 5]; got "
                         f"{list(bbox_deltas.shape)}, {list(anchors.shape)} and {list(image_info.shape)}")
    if not 0 <= nms_threshold <= 1 or pre_nms_topn <= 0:
        raise ValueError(f"GenerateBoundingBoxProposals: nms_threshold must be in [0, 1] and pre_nms_topn positive, "
                         f"got {nms_threshold} and {pre_nms_topn}")
    rois = np.zeros((n, post_nms_topn, 4), np.float32)
    probs = np.zeros((n, post_nms_topn), np.float32)
    flat_anchors = anchors.reshape(-1, 4)
    for i in range(n):
        s = scores[i].reshape(-1)
        order = np.argsort(-s, kind="stable")[:pre_nms_topn]          # best first, ties by position
        boxes = _decode(flat_anchors[order], bbox_deltas[i].reshape(-1, 4)[order])
        img_h, img_w, scale = image_info[i, :3]
        boxes[:, 0::2] = np.clip(boxes[:, 0::2], 0, img_h)
        boxes[:, 1::2] = np.clip(boxes[:, 1::2], 0, img_w)
        keep = np.minimum(boxes[:, 3] - boxes[:, 1], boxes[:, 2] - boxes[:, 0]) >= np.float32(min_size) * scale
        boxes, kept = boxes[keep], s[order][keep]
        # the boxes are in score order already: rank them so that ties keep that order
        rank = -np.arange(len(boxes), dtype=np.float64)
        chosen, _ = greedy_nms(lambda p, q, boxes=boxes: _iou(boxes[p], boxes[q]), rank, post_nms_topn,
                               nms_threshold, float("-inf"))
        rois[i, :len(chosen)] = boxes[chosen]
        probs[i, :len(chosen)] = kept[chosen]
    return rois, probs


register(OpDef("GenerateBoundingBoxProposals", _infer, _proposals, differentiable=False, num_outputs=2))
