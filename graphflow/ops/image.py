"""Image ops with their own kernel (tf.image): box drawing and the non-max-suppression family. They
select or draw rather than compute, so, as in TensorFlow, they have no gradient."""
from __future__ import annotations

import numpy as np

from .. import dtypes
from ..shapes import TensorShape
from .registry import OpDef, Spec, register


def _draw_infer(images, boxes, colors):
    if images.shape.rank not in (None, 4):
        raise ValueError(f"DrawBoundingBoxes: images must be 4-D [batch, height, width, depth], got {images.shape}")
    if boxes.shape.rank not in (None, 3):
        raise ValueError(f"DrawBoundingBoxes: boxes must be 3-D [batch, num_boxes, 4], got {boxes.shape}")
    return [Spec(images.shape, images.dtype)]


_DEFAULT_COLORS = np.array([[1, 1, 0, 1], [0, 0, 1, 1], [1, 0, 0, 1], [0, 1, 0, 1], [0.5, 0, 0.5, 1],
                            [0.5, 0.5, 0, 1], [0.5, 0, 0, 1], [0, 0, 0.5, 1], [0, 1, 1, 1], [1, 0, 1, 1]])


def _draw(images, boxes, colors):
    """One-pixel box outlines at the (ymin, xmin, ymax, xmax) fractions, colour i mod len(colors)."""
    out = images.copy()
    n, h, w, depth = images.shape
    palette = colors if colors.size else _DEFAULT_COLORS
    for b in range(n):
        for i, (y0, x0, y1, x1) in enumerate(boxes[b]):
            color = np.resize(palette[i % len(palette)], depth).astype(images.dtype)
            top, bottom = int(y0 * (h - 1)), int(y1 * (h - 1))
            left, right = int(x0 * (w - 1)), int(x1 * (w - 1))
            if top > bottom or left > right or top >= h or left >= w or bottom < 0 or right < 0:
                continue
            tc, bc = min(max(top, 0), h - 1), min(max(bottom, 0), h - 1)
            lc, rc = min(max(left, 0), w - 1), min(max(right, 0), w - 1)
            for row, inside in ((top, 0 <= top < h), (bottom, 0 <= bottom < h)):
                if inside:
                    out[b, row, lc:rc + 1] = color
            for col, inside in ((left, 0 <= left < w), (right, 0 <= right < w)):
                if inside:
                    out[b, tc:bc + 1, col] = color
    return out


register(OpDef("DrawBoundingBoxesV2", _draw_infer, _draw, differentiable=False))


def _iou(a, b):
    ya0, ya1 = min(a[0], a[2]), max(a[0], a[2])
    xa0, xa1 = min(a[1], a[3]), max(a[1], a[3])
    yb0, yb1 = min(b[0], b[2]), max(b[0], b[2])
    xb0, xb1 = min(b[1], b[3]), max(b[1], b[3])
    area_a, area_b = (ya1 - ya0) * (xa1 - xa0), (yb1 - yb0) * (xb1 - xb0)
    if area_a <= 0 or area_b <= 0:
        return 0.0
    inter = max(min(ya1, yb1) - max(ya0, yb0), 0) * max(min(xa1, xb1) - max(xa0, xb0), 0)
    return inter / (area_a + area_b - inter)


def greedy_nms(overlap, scores, max_output_size, threshold, score_threshold, soft_nms_sigma=0.0):
    """TensorFlow's greedy selection: the best remaining score is kept, those overlapping it above
    threshold are dropped (or, with soft_nms_sigma > 0, rescored by exp(-overlap^2 / (2 sigma)))."""
    scores = scores.astype(np.float64).copy()
    candidates = [i for i in np.argsort(-scores, kind="stable") if scores[i] > score_threshold]
    chosen, chosen_scores = [], []
    scale = -0.5 / soft_nms_sigma if soft_nms_sigma > 0 else 0.0
    while candidates and len(chosen) < max_output_size:
        candidates.sort(key=lambda i: -scores[i])
        best = candidates.pop(0)
        if scores[best] <= score_threshold:
            break
        chosen.append(best)
        chosen_scores.append(scores[best])
        survivors = []
        for i in candidates:
            o = overlap(best, i)
            if o > threshold:
                continue
            if scale:
                scores[i] *= np.exp(scale * o * o)
                if scores[i] <= score_threshold:
                    continue
            survivors.append(i)
        candidates = survivors
    return np.asarray(chosen, np.int32), np.asarray(chosen_scores)


def _nms_infer(boxes, scores, max_output_size, iou_threshold, score_threshold, soft_nms_sigma=0.0,
               pad_to_max_output_size=False):
    n = max_output_size if pad_to_max_output_size else None
    return [Spec(TensorShape((n,)), dtypes.int32), Spec(TensorShape((n,)), scores.dtype),
            Spec(TensorShape(()), dtypes.int32)]


def _nms(boxes, scores, max_output_size, iou_threshold, score_threshold, soft_nms_sigma=0.0,
         pad_to_max_output_size=False):
    """(selected indices, their scores, how many are valid), padded with zeros to max_output_size
    when asked."""
    if boxes.ndim != 2 or boxes.shape[-1] != 4:
        raise ValueError(f"boxes must be 2-D [num_boxes, 4], got shape {list(boxes.shape)}")
    if scores.shape != boxes.shape[:1]:
        raise ValueError(f"scores must be 1-D [num_boxes] like boxes {list(boxes.shape)}, got {list(scores.shape)}")
    if not 0 <= iou_threshold <= 1:
        raise ValueError(f"iou_threshold must be in [0, 1], got {iou_threshold}")
    idx, sel = greedy_nms(lambda i, j: _iou(boxes[i], boxes[j]), scores, max_output_size, iou_threshold,
                          score_threshold, soft_nms_sigma)
    return _padded(idx, sel, scores.dtype, max_output_size, pad_to_max_output_size)


def _padded(idx, sel, dtype, max_output_size, pad):
    valid = np.int32(len(idx))
    if pad:
        idx = np.pad(idx, (0, max_output_size - len(idx)))
        sel = np.pad(sel, (0, max_output_size - len(sel)))
    return idx.astype(np.int32), sel.astype(dtype), valid


def _nms_overlaps(overlaps, scores, max_output_size, iou_threshold, score_threshold, soft_nms_sigma=0.0,
                  pad_to_max_output_size=False):
    """As _nms with a given overlap matrix; iou_threshold is the overlap threshold."""
    idx, sel = greedy_nms(lambda i, j: overlaps[j, i], scores, max_output_size, iou_threshold,
                          score_threshold)
    return _padded(idx, sel, scores.dtype, max_output_size, pad_to_max_output_size)


register(OpDef("NonMaxSuppressionV5", _nms_infer, _nms, differentiable=False, num_outputs=3))
register(OpDef("NonMaxSuppressionWithOverlaps", _nms_infer, _nms_overlaps, differentiable=False, num_outputs=3))


# ---- random crops for augmentation ---------------------------------------------------------------------

def seeded_generator(seed) -> np.random.Generator:
    """The generator of a stateless op: a function of its shape-[2] seed alone."""
    return np.random.Generator(np.random.Philox(key=np.array([int(v) % 2 ** 64 for v in seed], np.uint64)))


def sample_crop(rng, size, boxes, min_object_covered, aspect_ratio_range, area_range, max_attempts,
                use_image_if_no_bounding_boxes):
    """(begin, size, box) of a crop with area and aspect ratio drawn from the ranges that covers at
    least min_object_covered of some bounding box; the whole image after max_attempts failures."""
    h, w = int(size[0]), int(size[1])
    boxes = np.asarray(boxes, np.float64).reshape(-1, 4)
    if not len(boxes):
        if not use_image_if_no_bounding_boxes:
            raise ValueError("no bounding boxes given: pass some or set use_image_if_no_bounding_boxes=True")
        boxes = np.array([[0.0, 0.0, 1.0, 1.0]])
    pixels = boxes * [h, w, h, w]
    for _ in range(int(max_attempts)):
        area = rng.uniform(*area_range) * h * w
        aspect = rng.uniform(*aspect_ratio_range)
        ch = int(round(np.sqrt(area / aspect)))
        cw = int(round(ch * aspect))
        if not (0 < ch <= h and 0 < cw <= w):
            continue
        y, x = int(rng.integers(0, h - ch + 1)), int(rng.integers(0, w - cw + 1))
        inter_h = np.clip(np.minimum(pixels[:, 2], y + ch) - np.maximum(pixels[:, 0], y), 0, None)
        inter_w = np.clip(np.minimum(pixels[:, 3], x + cw) - np.maximum(pixels[:, 1], x), 0, None)
        box_area = (pixels[:, 2] - pixels[:, 0]) * (pixels[:, 3] - pixels[:, 1])
        covered = np.where(box_area > 0, inter_h * inter_w / np.where(box_area > 0, box_area, 1), 0)
        if covered.max() >= min_object_covered:
            break
    else:
        y, x, ch, cw = 0, 0, h, w
    begin = np.array([y, x, 0], np.int32)
    crop = np.array([ch, cw, -1], np.int32)
    box = np.array([[[y / h, x / w, (y + ch) / h, (x + cw) / w]]], np.float32)
    return begin, crop, box


def _crop_infer(image_size, boxes, min_object_covered, **attrs):
    return [Spec(TensorShape((3,)), image_size.dtype), Spec(TensorShape((3,)), image_size.dtype),
            Spec(TensorShape((1, 1, 4)), dtypes.float32)]


def _sample_distorted_bounding_box(image_size, boxes, min_object_covered, key, aspect_ratio_range,
                                   area_range, max_attempts, use_image_if_no_bounding_boxes):
    from .random import generator
    rng = generator(key) if key[0] != "stateless" else seeded_generator(key[1])
    begin, size, box = sample_crop(rng, image_size, boxes, float(min_object_covered), aspect_ratio_range,
                                   area_range, max_attempts, use_image_if_no_bounding_boxes)
    return begin.astype(image_size.dtype), size.astype(image_size.dtype), box


register(OpDef("SampleDistortedBoundingBoxV2", _crop_infer, _sample_distorted_bounding_box, stateful=True,
               differentiable=False, num_outputs=3))


def _combined_infer(boxes, scores, max_output_size_per_class, max_total_size, iou_threshold, score_threshold,
                    pad_per_class=False, clip_boxes=True):
    b = None if boxes.shape.dims is None else boxes.shape.dims[0]
    classes = None if scores.shape.dims is None else scores.shape.dims[-1]
    n = max_total_size if not pad_per_class or classes is None else min(max_total_size,
                                                                        max_output_size_per_class * classes)
    return [Spec(TensorShape((b, n, 4)), dtypes.float32), Spec(TensorShape((b, n)), dtypes.float32),
            Spec(TensorShape((b, n)), dtypes.float32), Spec(TensorShape((b,)), dtypes.int32)]


def _combined_nms(boxes, scores, max_output_size_per_class, max_total_size, iou_threshold, score_threshold,
                  pad_per_class=False, clip_boxes=True):
    """Per image: NMS class by class, then the best max_total_size detections over all classes."""
    batch, _, q, _ = boxes.shape
    classes = scores.shape[-1]
    n = min(max_total_size, max_output_size_per_class * classes) if pad_per_class else max_total_size
    out_boxes = np.zeros((batch, n, 4), np.float32)
    out_scores = np.zeros((batch, n), np.float32)
    out_classes = np.zeros((batch, n), np.float32)
    valid = np.zeros(batch, np.int32)
    for b in range(batch):
        found = []
        for c in range(classes):
            cb = boxes[b, :, 0 if q == 1 else c]
            idx, sel = greedy_nms(lambda i, j, cb=cb: _iou(cb[i], cb[j]), scores[b, :, c], max_output_size_per_class,
                                  iou_threshold, score_threshold)
            found += [(s, c, cb[i]) for i, s in zip(idx, sel)]
        found.sort(key=lambda t: -t[0])
        found = found[:n]
        valid[b] = len(found)
        for k, (s, c, box) in enumerate(found):
            out_boxes[b, k] = np.clip(box, 0, 1) if clip_boxes else box
            out_scores[b, k], out_classes[b, k] = s, c
    return out_boxes, out_scores, out_classes, valid


register(OpDef("CombinedNonMaxSuppression", _combined_infer, _combined_nms, differentiable=False, num_outputs=4))
