"""Summary ops: the graph's side of gf.summary (TF2) and gf.compat.v1.summary (TF1).

The ops know nothing about event files: `WriteSummary` hands the step and the value to its `sink`
attr (a callable that graphflow/summary/ builds around a writer), and `EncodeSummary` asks its
`encode` attr for the serialized Summary bytes. So the costly work (bucketing, PNG encoding,
protobuf) runs only when a summary is recorded, and a step that does not record pays one op call.
"""
from __future__ import annotations

import numpy as np

from .. import dtypes
from ..shapes import TensorShape
from .registry import STATEFUL, OpDef, Spec, register


def _write_infer(should_record, step, value, sink):
    if should_record.dtype is not dtypes.bool_ or should_record.shape.rank not in (0, None):
        raise TypeError(f"WriteSummary: the record condition must be a scalar bool, got "
                        f"{should_record.dtype.name}{should_record.shape}")
    if not step.dtype.is_integer or step.shape.rank not in (0, None):
        raise TypeError(f"WriteSummary: the step must be a scalar integer, got {step.dtype.name}{step.shape}")
    return [Spec(TensorShape([]), dtypes.bool_)]


def _write_summary(should_record, step, value, sink):
    """Write `value` at `step` when recording; the output says whether it was written, as TF's."""
    if should_record:
        sink(int(step), value)
        return np.True_
    return np.False_


register(OpDef("WriteSummary", _write_infer, _write_summary, kind=STATEFUL, stateful=True,
               differentiable=False, retains_inputs=False))


def _encode_infer(value, encode):
    return [Spec(TensorShape([]), dtypes.string)]


def _encode_summary(value, encode):
    """A serialized Summary protocol buffer for `value` (TF1's ScalarSummary, HistogramSummary...)."""
    return np.array(encode(value), dtype=object)


register(OpDef("EncodeSummary", _encode_infer, _encode_summary, stateful=True, differentiable=False,
               retains_inputs=False))


def _merge_infer(*summaries):
    for s in summaries:
        if s.dtype is not dtypes.string:
            raise TypeError(f"MergeSummary: every input must be a serialized summary (string), got {s.dtype.name}")
    return [Spec(TensorShape([]), dtypes.string)]


def _merge_summary(*summaries):
    # Serialized protocol buffers of one message type concatenate into their merge: the repeated
    # `value` fields of every Summary end up in one Summary, which is what TF's MergeSummary returns.
    return np.array(b"".join(bytes(s[()]) for s in summaries), dtype=object)


register(OpDef("MergeSummary", _merge_infer, _merge_summary, differentiable=False, num_outputs=1))
