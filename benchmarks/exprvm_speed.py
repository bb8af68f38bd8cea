"""The expression interpreter's cost per call against the specialised kernels, side by side.

The interpreter only runs a graph's fused groups until the plan tiers up (docs/compiler.md), so
what it costs per call decides how long a plan may stay there. Graphs: W6's K=1000 chain on 1024
elements (8 groups), W1's GELU on 2**22 and on 1024 elements. Prints the median per call of
each tier and whether they give the same bits.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/exprvm_speed.py
"""
import time

import numpy as np

import graphflow as gf
from graphflow.bench.w6_compile import chain
from graphflow.compiler import compile_plan
from graphflow.kernels import cache, exprvm


def gelu(x):
    return 0.5 * x * (1 + gf.tanh(0.7978845608 * (x + 0.044715 * x * x * x)))


def median_s(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return sorted(times)[len(times) // 2]


def interpreted_plan(graph, y, x, v):
    """A plan whose groups stay in the interpreter, even if their kernels are cached."""
    plan = compile_plan(graph, [y], [], [x], {"jit_after": 1, "tier_up_after": 10**9})
    is_warm = cache.is_warm
    cache.is_warm = lambda key, function=None: function is not None and is_warm(key, function)
    try:
        out = plan([v])
    finally:
        cache.is_warm = is_warm
    assert plan.executable().pending
    return plan, out


def main():
    exprvm.load("float32")
    for name, build, n in (("W6 K=1000", lambda x: chain(x, 1000), 1024), ("W1 GELU 2**22", gelu, 1 << 22),
                           ("W1 GELU 1024", gelu, 1024)):
        g = gf.Graph()
        with g.as_default():
            x = gf.compat.v1.placeholder(gf.float32, [n])
            y = build(x)
        v = np.random.RandomState(0).standard_normal(n).astype(np.float32)
        interp, a = interpreted_plan(g, y, x, v)
        compiled = compile_plan(g, [y], [], [x], {"jit_after": 1, "tier_up_after": 0})
        b = compiled([v])
        repeat = 30 if n > 10000 else 300
        ti = median_s(lambda p=interp, v=v: p([v]), repeat)
        tc = median_s(lambda p=compiled, v=v: p([v]), repeat)
        print(f"{name}: interpreted {ti * 1e3:.3f} ms, compiled {tc * 1e3:.3f} ms, ratio {ti / tc:.1f}x, "
              f"same bits {np.array_equal(a[0], b[0])}")


if __name__ == "__main__":
    main()
