"""Write the small encoded images tests/data/image_io/ holds (with Pillow, under the project's Python:
the TF venv has no Pillow): the inputs record_image_io.py decodes with TensorFlow and the image I/O
tests decode with graphflow.

    python tools/tfref/make_image_io_fixtures.py
"""
import os

import numpy as np
import pillow_jxl  # noqa: F401  (registers JPEG XL with Pillow)
from PIL import Image

OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                   "tests", "data", "image_io")


def _smooth(rng, h, w, c):
    """Photo-like pixels (a random walk along rows), so JPEG's blocks have structure to keep."""
    walk = np.cumsum(rng.normal(0, 12, (h, w, c)), axis=1) + rng.uniform(60, 190, (h, 1, c))
    return np.clip(walk, 0, 255).astype(np.uint8)


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(2026)
    rgb = _smooth(rng, 19, 23, 3)
    Image.fromarray(rgb).save(os.path.join(OUT, "rgb.jpg"), quality=90)
    Image.fromarray(_smooth(rng, 16, 12, 1)[:, :, 0]).save(os.path.join(OUT, "gray.jpg"), quality=85)
    Image.fromarray(rgb[:7, :9]).save(os.path.join(OUT, "rgb.bmp"))
    Image.fromarray(_smooth(rng, 5, 6, 4), "RGBA").save(os.path.join(OUT, "rgba.bmp"))
    Image.fromarray(rgb[:6, :8]).save(os.path.join(OUT, "rgb_lossless.webp"), lossless=True)
    Image.fromarray(_smooth(rng, 6, 5, 4), "RGBA").save(os.path.join(OUT, "rgba_lossless.webp"), lossless=True)
    Image.fromarray(rgb[:9, :11]).save(os.path.join(OUT, "rgb_lossy.webp"), quality=70)
    # An animation whose later frames change only part of the canvas: Pillow writes those frames as
    # sub-rectangles with a transparent colour, so decoding must composite them on the frame before.
    base = (rng.integers(0, 6, (10, 12)) * 40).astype(np.uint8)
    frames = []
    for k in range(4):
        f = np.stack([base, base[::-1], base[:, ::-1]], -1)
        f[2 + k:5 + k, 3:7 + k] = [255 - 40 * k, 30 * k, 90]
        frames.append(Image.fromarray(f.copy()))
    frames[0].save(os.path.join(OUT, "animated.gif"), save_all=True, append_images=frames[1:], duration=40, loop=0)
    frames[1].save(os.path.join(OUT, "still.gif"))
    # Transparent pixels and "restore to background" disposal: TensorFlow ignores the disposal and
    # keeps the frame before wherever a frame is transparent (the first frame's are black).
    clear = []
    for k in range(3):
        f = np.zeros((8, 9, 4), np.uint8)
        f[k:k + 5, 2 * k:2 * k + 4] = [200 - 60 * k, 50 + 70 * k, 120, 255]
        clear.append(Image.fromarray(f, "RGBA"))
    clear[0].save(os.path.join(OUT, "transparent.gif"), save_all=True, append_images=clear[1:], duration=40,
                  disposal=2, loop=0)
    Image.fromarray(rgb[:6, :7]).save(os.path.join(OUT, "rgb_lossless.jxl"), lossless=True)
    Image.fromarray(_smooth(rng, 5, 4, 4), "RGBA").save(os.path.join(OUT, "rgba_lossless.jxl"), lossless=True)
    Image.fromarray(_smooth(rng, 5, 4, 1)[:, :, 0]).save(os.path.join(OUT, "gray_lossless.jxl"), lossless=True)
    Image.fromarray(rgb[:12, :14]).save(os.path.join(OUT, "rgb_lossy.jxl"), quality=80)


if __name__ == "__main__":
    main()
