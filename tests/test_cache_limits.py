"""Compiled kernels and traced concrete functions live in bounded LRU caches whose sizes
gf.config reports: a process that retraces forever stays bounded."""
import gc

import numpy as np
import pytest

import graphflow as gf
from graphflow.kernels import cache


@pytest.fixture
def limits():
    info = gf.config.get_cache_info()
    yield
    gf.config.set_cache_limits(compiled_kernels=info["compiled_kernels"]["limit"],
                               concrete_functions=info["concrete_functions"]["limit"])


def test_a_function_keeps_at_most_the_limit_of_traces(limits):
    gf.config.set_cache_limits(concrete_functions=3)
    f = gf.function(lambda x: x * 2.0)
    for n in range(1, 9):                                # eight shapes: eight traces
        np.testing.assert_array_equal(f(gf.ones([n])).numpy(), np.full(n, 2.0))
    assert f.experimental_get_tracing_count() == 8
    assert len(f._list_all_concrete_functions()) == 3
    np.testing.assert_array_equal(f(gf.ones([1])).numpy(), [2.0])      # evicted: traced again, right
    assert f.experimental_get_tracing_count() == 9


def test_the_most_recently_used_trace_survives(limits):
    gf.config.set_cache_limits(concrete_functions=2)
    f = gf.function(lambda x: x + 1.0)
    hot = gf.ones([1])
    for n in range(2, 7):
        f(x=hot)                   # used between every new trace (a keyword call: the full lookup)
        f(x=gf.ones([n]))
    assert f.experimental_get_tracing_count() == 6       # [1] once, then one per new shape
    f(x=hot)
    assert f.experimental_get_tracing_count() == 6


def test_the_input_signature_trace_is_never_evicted(limits):
    gf.config.set_cache_limits(concrete_functions=1)
    f = gf.function(lambda x: x * 3.0, input_signature=[gf.TensorSpec([None], gf.float32)])
    for n in range(1, 5):
        f(gf.ones([n]))
    assert f.experimental_get_tracing_count() == 1


def test_compiled_kernels_are_bounded_and_reported(limits, tmp_path, monkeypatch):
    monkeypatch.setenv("GRAPHFLOW_CACHE_DIR", str(tmp_path))
    cache.clear(memory_only=True)
    gf.config.set_cache_limits(compiled_kernels=2)
    for k in range(4):
        cache.load(f"lru{k}", f"def kernel():\n    return {k}\n")()
    info = gf.config.get_cache_info()
    assert info["compiled_kernels"] == {"size": 2, "limit": 2}
    assert cache.load("lru3", "def kernel():\n    return 3\n")() == 3          # still loaded
    assert cache.load("lru0", "def kernel():\n    return 0\n")() == 0          # dropped, loaded again
    cache.clear(memory_only=True)


def test_cache_info_reports_concrete_functions(limits):
    f = gf.function(lambda x: -x)
    gc.collect()
    gc.disable()                  # functions of earlier tests must not be collected in between
    try:
        before = gf.config.get_cache_info()["concrete_functions"]["size"]
        f(gf.ones([2]))
        assert gf.config.get_cache_info()["concrete_functions"]["size"] == before + 1
    finally:
        gc.enable()


def test_cache_limits_must_be_positive():
    with pytest.raises(ValueError, match="at least 1"):
        gf.config.set_cache_limits(compiled_kernels=0)
