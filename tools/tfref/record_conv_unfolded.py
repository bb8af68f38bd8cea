"""Record TensorFlow's conv2d and its two gradients on channel counts wide enough for graphflow's
row-unfolded GEMMs (kernels/conv_gemm.py), which ops.json's few-channel cases never reach.

Writes tests/data/conv_unfolded/conv_unfolded.npz (atomically): per case `<id>/x`, `<id>/w`,
`<id>/dy` (the upstream gradient), `<id>/y`, `<id>/dx`, `<id>/dw`, and `cases.json` with each
case's strides, padding and dilations. Run from the repo root:

    /work/tfvenv/bin/python tools/tfref/record_conv_unfolded.py
"""
from __future__ import annotations

import io
import json
import os
import tempfile

os.environ["TF_ENABLE_ONEDNN_OPTS"] = "0"      # plain kernels: round-off independent of the machine
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "data", "conv_unfolded")

# id: (x shape, filter shape, strides, padding, dilations); kw * C >= 16 in every case
CASES = {
    "valid_s1_odd": ((2, 7, 9, 8), (3, 3, 8, 5), (1, 1), "VALID", (1, 1)),
    "same_s1_odd": ((2, 9, 7, 8), (3, 3, 8, 4), (1, 1), "SAME", (1, 1)),
    "same_s1x2": ((1, 8, 9, 8), (3, 3, 8, 3), (1, 2), "SAME", (1, 1)),
    "same_k2_even": ((2, 6, 6, 16), (2, 2, 16, 3), (1, 1), "SAME", (1, 1)),
    "valid_dil2": ((1, 9, 9, 8), (3, 3, 8, 4), (1, 1), "VALID", (2, 2)),
    "explicit_pad": ((1, 6, 7, 16), (3, 2, 16, 4), (1, 1), [[0, 0], [2, 0], [1, 3], [0, 0]], (1, 1)),
    "w7_conv2_narrow": ((1, 13, 13, 32), (3, 3, 32, 16), (1, 1), "VALID", (1, 1)),
}


def record(rng):
    arrays, meta = {}, {}
    for cid, (xs, ws, strides, padding, dilations) in CASES.items():
        x = rng.standard_normal(xs).astype(np.float32)
        w = rng.standard_normal(ws).astype(np.float32)
        xt, wt = tf.constant(x), tf.constant(w)
        conv = tf.nn.conv2d if dilations == (1, 1) else (
            lambda a, b, strides, padding, dilations: tf.nn.convolution(a, b, strides, padding, dilations=dilations))
        with tf.GradientTape() as tape:
            tape.watch([xt, wt])
            y = conv(xt, wt, strides=strides, padding=padding, dilations=dilations)
        dy = rng.standard_normal(y.shape).astype(np.float32)
        dx, dw = tape.gradient(y, [xt, wt], output_gradients=tf.constant(dy))
        arrays.update({f"{cid}/x": x, f"{cid}/w": w, f"{cid}/dy": dy, f"{cid}/y": y.numpy(),
                       f"{cid}/dx": dx.numpy(), f"{cid}/dw": dw.numpy()})
        meta[cid] = {"strides": list(strides), "padding": padding, "dilations": list(dilations)}
    return arrays, meta


def write_atomically(path, data: bytes):
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".tmp-")
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def main():
    os.makedirs(OUT, exist_ok=True)
    arrays, meta = record(np.random.default_rng(17))
    buf = io.BytesIO()
    np.savez_compressed(buf, **arrays)
    write_atomically(os.path.join(OUT, "conv_unfolded.npz"), buf.getvalue())
    write_atomically(os.path.join(OUT, "cases.json"), (json.dumps(meta, indent=1, sort_keys=True) + "\n").encode())
    print(f"wrote {len(meta)} cases to {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()
