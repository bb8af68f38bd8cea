"""Threads sharing one Session get the bits a serial run gets: no buffer of one run leaks into
another, and no run silently takes a different (interpreted) path."""
import threading

import numpy as np

import graphflow as gf

THREADS = 8
RUNS = 25


def _graph():
    graph = gf.Graph()
    with graph.as_default():
        x = gf.compat.v1.placeholder(gf.float32, (128, 256))
        w = gf.constant(np.random.default_rng(0).standard_normal((256, 192)).astype(np.float32))
        h = gf.tanh(gf.matmul(x, w) * 0.5 + 1.0)
        fetches = [gf.nn.softmax(h), gf.reduce_sum(gf.exp(h), axis=1), gf.nn.log_softmax(h * 3.0)]
    return graph, x, fetches


def test_concurrent_runs_are_bit_identical_to_serial_runs():
    graph, x, fetches = _graph()
    rng = np.random.default_rng(1)
    inputs = [rng.standard_normal((128, 256)).astype(np.float32) for _ in range(THREADS)]
    with gf.compat.v1.Session(graph=graph) as sess:
        for _ in range(2):                                   # the second run compiles
            sess.run(fetches, {x: inputs[0]})
        serial = [sess.run(fetches, {x: v}) for v in inputs]
        mismatches = []
        start = threading.Barrier(THREADS)

        def worker(i):
            start.wait()
            for _ in range(RUNS):
                got = sess.run(fetches, {x: inputs[i]})
                for a, b in zip(got, serial[i]):
                    if not np.array_equal(a, b):
                        mismatches.append((i, float(np.max(np.abs(a - b)))))

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert not mismatches, f"{len(mismatches)} of {THREADS * RUNS * len(fetches)} results differ: {mismatches[:5]}"
