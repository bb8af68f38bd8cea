"""tf.image's codecs and the names whose calls need more than one recorded case, written against a module
argument `tf`: tools/tfref/record_image_io.py runs them under TensorFlow 2.21 and writes
tests/data/tf_reference/image_io.json and .npz; test_image_io.py runs them in graphflow eagerly, in a TF1
graph (the files fed to string placeholders) and traced by gf.function.

Each program is (fixture files of tests/data/image_io/, fn(tf, *contents) -> {name: tensor}). Keys listed
in ONE_OF[program] are random draws: graphflow's random streams are not TensorFlow's, so such a value must
equal one of the program's recorded candidates (ONE_OF[program][key]) instead of TensorFlow's own draw.
A value of a batch (4-D) is checked image by image.
ERRORS are calls on bad input: TensorFlow's error class is recorded; graphflow must raise a clear one."""
from __future__ import annotations

import numpy as np

PROGRAMS = {}
ONE_OF = {}


def program(*files, one_of=None):
    def deco(fn):
        PROGRAMS[fn.__name__] = (files, fn)
        if one_of:
            ONE_OF[fn.__name__] = one_of
        return fn
    return deco


# a small float image with every level of detail: JPEG's blocks have something to keep and to lose
PIXELS = (np.add.outer(np.sin(np.arange(13) / 2.0), np.cos(np.arange(11) / 3.0))[:, :, None]
          * np.array([0.2, 0.15, 0.22]) + np.array([0.5, 0.45, 0.55])).astype(np.float32)


@program("rgb.bmp", "rgba.bmp")
def bmp(tf, rgb, rgba):
    return {"rgb": tf.io.decode_bmp(rgb), "rgba": tf.image.decode_bmp(rgba), "rgb_as_rgba": tf.image.decode_bmp(rgb, 4),
            "rgb_as_rgb": tf.image.decode_bmp(rgb, channels=3)}


@program()
def resize_methods(tf):
    x = tf.reshape(tf.range(60, dtype=tf.float32), [1, 4, 5, 3]) / 59.0
    m = tf.image.ResizeMethod
    return {name: tf.image.resize(x, [7, 3], method=method) for name, method in (
        ("bilinear", m.BILINEAR), ("nearest", m.NEAREST_NEIGHBOR), ("bicubic", m.BICUBIC), ("area", m.AREA),
        ("lanczos3", m.LANCZOS3), ("lanczos5", m.LANCZOS5), ("gaussian", m.GAUSSIAN),
        ("mitchellcubic", m.MITCHELLCUBIC))}


@program("rgb.jpg", "gray.jpg")
def jpeg(tf, rgb, gray):
    return {"default": tf.io.decode_jpeg(rgb), "fast": tf.image.decode_jpeg(rgb, dct_method="INTEGER_FAST"),
            "accurate": tf.image.decode_jpeg(rgb, dct_method="INTEGER_ACCURATE"),
            "no_fancy": tf.image.decode_jpeg(rgb, fancy_upscaling=False), "ratio2": tf.image.decode_jpeg(rgb, ratio=2),
            "as_gray": tf.image.decode_jpeg(rgb, channels=1), "gray": tf.image.decode_jpeg(gray),
            "gray_as_rgb": tf.image.decode_jpeg(gray, channels=3), "image": tf.io.decode_image(rgb),
            "shape": tf.image.extract_jpeg_shape(rgb), "gray_shape": tf.image.extract_jpeg_shape(gray, tf.int64)}


@program("rgb.jpg", "gray.jpg")
def jpeg_crops(tf, rgb, gray):
    return {"inside": tf.image.decode_and_crop_jpeg(rgb, [2, 3, 5, 6]),
            "to_the_right_edge": tf.image.decode_and_crop_jpeg(rgb, [0, 1, 19, 22]),
            "whole": tf.image.decode_and_crop_jpeg(rgb, tf.constant([0, 0, 19, 23])),
            "accurate": tf.image.decode_and_crop_jpeg(rgb, [5, 7, 4, 8], dct_method="INTEGER_ACCURATE"),
            "even_right_edge": tf.image.decode_and_crop_jpeg(rgb, [3, 4, 6, 8]),
            "gray_as_rgb": tf.image.decode_and_crop_jpeg(gray, [1, 1, 3, 5], channels=3)}


@program("animated.gif", "transparent.gif", "still.gif", "rgb.jpg")
def gif(tf, animated, transparent, still, jpeg):
    return {"animated": tf.image.decode_gif(animated), "transparent": tf.io.decode_gif(transparent),
            "still": tf.image.decode_gif(still), "jpeg": tf.image.decode_gif(jpeg)}


@program("rgb_lossless.webp", "rgba_lossless.webp", "rgb_lossy.webp")
def webp(tf, rgb, rgba, lossy):
    return {"rgb": tf.image.decode_webp(rgb), "rgba": tf.image.decode_webp(rgba, channels=4),
            "lossy": tf.image.decode_webp(lossy), "lossy_as_rgb": tf.image.decode_webp(lossy, channels=3)}


@program("rgb_lossless.jxl", "rgba_lossless.jxl", "gray_lossless.jxl", "rgb_lossy.jxl")
def jxl(tf, rgb, rgba, gray, lossy):
    return {"rgb": tf.image.decode_jxl(rgb), "rgba": tf.image.decode_jxl(rgba, channels=4),
            "gray": tf.image.decode_jxl(gray), "lossy": tf.image.decode_jxl(lossy)}


@program()
def jpeg_quality(tf):
    x = tf.constant(PIXELS)
    u8 = tf.image.convert_image_dtype(x, tf.uint8)
    return {"q10": tf.image.adjust_jpeg_quality(x, 10), "q50": tf.image.adjust_jpeg_quality(x, 50),
            "q95": tf.image.adjust_jpeg_quality(x, tf.constant(95)), "q100": tf.image.adjust_jpeg_quality(x, 100),
            "u8_q60": tf.image.adjust_jpeg_quality(u8, 60),
            "accurate": tf.image.adjust_jpeg_quality(x, 75, dct_method="INTEGER_ACCURATE"),
            "gray": tf.image.adjust_jpeg_quality(x[:, :, :1], 30)}


_QUALITIES = list(range(40, 46))


@program(one_of={"random": ["q%d" % q for q in _QUALITIES], "stateless": ["q%d" % q for q in _QUALITIES]})
def random_jpeg_quality(tf):
    x = tf.constant(PIXELS)
    out = {"q%d" % q: tf.image.adjust_jpeg_quality(x, q) for q in _QUALITIES}
    out["random"] = tf.image.random_jpeg_quality(x, 40, 46, seed=3)
    out["stateless"] = tf.image.stateless_random_jpeg_quality(x, 40, 46, seed=[1, 2])
    return out


_FLIP_BATCH = np.arange(4 * 3 * 5 * 2, dtype=np.float32).reshape(4, 3, 5, 2)
_FLIPS = {**{"left_right_%d" % i: ["image", "left_right"] for i in range(4)},
          **{"up_down_%d" % i: ["image", "up_down"] for i in range(4)},
          "single_left_right": ["first", "first_left_right"], "single_up_down": ["first", "first_up_down"]}


@program(one_of=_FLIPS)
def random_flips(tf):
    """A batch flips image by image (one coin each), a single image as a whole; op seeds as TensorFlow's."""
    x = tf.constant(_FLIP_BATCH)
    tf.random.set_seed(11)
    out = {"image": x, "left_right": tf.image.flip_left_right(x), "up_down": tf.image.flip_up_down(x),
           "first": x[0], "first_left_right": tf.image.flip_left_right(x[0]),
           "first_up_down": tf.image.flip_up_down(x[0])}
    for i in range(4):
        out["left_right_%d" % i] = tf.image.random_flip_left_right(x, seed=5)
        out["up_down_%d" % i] = tf.image.random_flip_up_down(x, seed=5)
    out["single_left_right"] = tf.image.random_flip_left_right(x[0], seed=6)
    out["single_up_down"] = tf.image.random_flip_up_down(x[0])
    return out


ERRORS = {
    "gif_of_garbage": ((), lambda tf: tf.image.decode_gif(b"not an image")),
    "gif_of_bmp": (("rgb.bmp",), lambda tf, b: tf.image.decode_gif(b)),
    "jxl_of_garbage": ((), lambda tf: tf.image.decode_jxl(b"not an image")),
    "jxl_wrong_channels": (("rgb_lossless.jxl",), lambda tf, b: tf.image.decode_jxl(b, channels=4)),
    "webp_of_garbage": ((), lambda tf: tf.image.decode_webp(b"not an image")),
    "webp_wrong_channels": (("rgba_lossless.webp",), lambda tf, b: tf.image.decode_webp(b, channels=3)),
    "bmp_of_jpeg": (("rgb.jpg",), lambda tf, b: tf.image.decode_bmp(b)),
    "jpeg_shape_of_garbage": ((), lambda tf: tf.image.extract_jpeg_shape(b"not an image")),
    "crop_outside": (("rgb.jpg",), lambda tf, b: tf.image.decode_and_crop_jpeg(b, [0, 0, 30, 5])),
    "crop_window_of_three": (("rgb.jpg",), lambda tf, b: tf.image.decode_and_crop_jpeg(b, [0, 0, 3])),
    "truncated_gif": (("animated.gif",), lambda tf, b: tf.image.decode_gif(tf.strings.substr(b, 0, 20))),
    "quality_of_a_batch": ((), lambda tf: tf.image.adjust_jpeg_quality(np.zeros((1, 4, 4, 3), np.float32), 50)),
}
