"""Every registry op is either mapped to ONNX or listed, with its reason, as not exportable; every
mapped op's forward cases (tests/ops/forward_cases.py) export from a TF1 graph, pass onnx.checker
and give graphflow's values in onnxruntime."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from onnx_checks import assert_matches, run_onnx
from ops import forward_cases as fc

import graphflow as gf
from graphflow.onnx.mapping import EMITTERS, NOT_EXPORTABLE, WALKER_OPS
from graphflow.ops.registry import REGISTRY

SETTINGS = settings(max_examples=4, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture])
EXPORTED = set(EMITTERS) | set(WALKER_OPS)
EFFECT_ONLY = {"NoOp", "PrintV2", "AssertEqual", "Assert"}
# Ops whose forward case also builds what export refuses (the variable's initializer): the walker's
# handling of them is tested on whole programs in test_programs.py.
TESTED_IN_PROGRAMS = {"ReadVariableOp"}
CASES = [c for c in fc.CASES if c.op in EXPORTED and c.op not in EFFECT_ONLY | TESTED_IN_PROGRAMS
         and c.reference is not None]


def test_every_registry_op_is_mapped_or_listed_as_not_exportable():
    unaccounted = sorted(set(REGISTRY) - EXPORTED - set(NOT_EXPORTABLE))
    assert unaccounted == [], f"ops with no ONNX mapping and no reason in NOT_EXPORTABLE: {unaccounted}"
    assert set(EXPORTED) & set(NOT_EXPORTABLE) == set()


def test_not_exportable_ops_have_reasons():
    assert all(len(reason) > 20 for reason in NOT_EXPORTABLE.values())


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
@SETTINGS
@given(data=st.data())
def test_op_exports_and_matches_graphflow(case, data, tmp_path):
    arrays, attrs = case.draw(data.draw)
    # Serving runs float32; onnxruntime has no float64 kernels for several ops (Erf, Conv, pooling).
    arrays = [a.astype(np.float32) if a.dtype == np.float64 else a for a in arrays]
    graph = gf.Graph()
    with graph.as_default():
        holders = [gf.compat.v1.placeholder(gf.as_dtype(a.dtype), a.shape, name=f"in{i}")
                   for i, a in enumerate(arrays)]
        out = case.build(*holders, **attrs)
        out = list(out) if isinstance(out, (list, tuple)) else [out]
    assume(out)     # an ONNX model has at least one output (unstack of a size-0 axis has none)
    feeds = dict(zip(holders, arrays))
    with gf.compat.v1.Session(graph=graph, optimize=False) as sess:
        want = sess.run(out, feed_dict=feeds)
        path = tmp_path / f"{case.name}.onnx"
        gf.onnx.export(sess, path, inputs=holders, outputs=out)
    used = {i.name for i in __import__("onnx").load(str(path)).graph.input}
    got = run_onnx(path, {f"in{i}": a for i, a in enumerate(arrays) if f"in{i}" in used})
    for k, (g, w) in enumerate(zip(got, want)):
        assert_matches(g, np.asarray(w), rtol=max(case.rtol, 1e-5), atol=1e-5, what=f"{case.name} output {k}")
