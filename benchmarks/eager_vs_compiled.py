"""Eager ops against the compiled plan's kernels on the same shapes (conv, pooling, softmax).

Modes must differ in cost only (DESIGN.md): eager `gf.nn.conv2d` should be about as fast as the
compiled plan running the same op. Shapes are those of the W5/W7 workloads: a batch of 64 28x28x1
images through a 3x3x32 convolution, 2x2 max pooling over its output, and softmax / log_softmax
over 64x10 logits and 256x1000 rows. Prints the median milliseconds per call of each.

    PYTHONPATH=$PWD python benchmarks/eager_vs_compiled.py [--repeat 30]
"""
from __future__ import annotations

import argparse
import time

import numpy as np

import graphflow as gf
from graphflow.compiler import compile_plan


def _median_ms(fn, repeat: int) -> float:
    fn()                                   # warm up: compiles or loads kernels
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return 1e3 * float(np.median(times))


def _compiled(build, *arrays):
    """A plan computing `build(*placeholders)`, compiled on its first call."""
    g = gf.Graph()
    with g.as_default():
        xs = [gf.compat.v1.placeholder(gf.as_dtype(a.dtype), a.shape) for a in arrays]
        y = build(*xs)
    plan = compile_plan(g, [y], [], xs, {"jit_after": 1})
    feeds = list(arrays)
    return lambda: plan(feeds)


def cases():
    rng = np.random.default_rng(0)
    img = rng.standard_normal((64, 28, 28, 1)).astype(np.float32)
    filt = rng.standard_normal((3, 3, 1, 32)).astype(np.float32)
    fmap = rng.standard_normal((64, 26, 26, 32)).astype(np.float32)
    small = rng.standard_normal((64, 10)).astype(np.float32)
    large = rng.standard_normal((256, 1000)).astype(np.float32)
    return [
        ("conv2d 64x28x28x1 * 3x3x1x32", lambda x, w: gf.nn.conv2d(x, w, 1, "VALID"), (img, filt)),
        ("max_pool 2x2 on 64x26x26x32", lambda x: gf.nn.max_pool2d(x, 2, 2, "VALID"), (fmap,)),
        ("avg_pool 2x2 on 64x26x26x32", lambda x: gf.nn.avg_pool2d(x, 2, 2, "VALID"), (fmap,)),
        ("softmax 64x10", gf.nn.softmax, (small,)),
        ("softmax 256x1000", gf.nn.softmax, (large,)),
        ("log_softmax 256x1000", gf.nn.log_softmax, (large,)),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    print(f"{'op':<32} {'eager ms':>9} {'compiled ms':>12} {'eager/compiled':>15}")
    for name, build, arrays in cases():
        tensors = [gf.constant(a) for a in arrays]
        eager = _median_ms(lambda build=build, tensors=tensors: build(*tensors), args.repeat)
        compiled = _median_ms(_compiled(build, *arrays), args.repeat)
        print(f"{name:<32} {eager:>9.3f} {compiled:>12.3f} {eager / compiled:>15.2f}")


if __name__ == "__main__":
    main()
