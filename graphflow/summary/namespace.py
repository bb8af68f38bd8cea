"""The public namespaces gf.summary (with gf.summary.experimental) and gf.compat.v1.summary
(`summary_v1`, which graphflow/__init__.py hangs on gf.compat.v1)."""
from __future__ import annotations

import types

from . import trace, writer_v1, writer_v2


def _module(name, **members):
    mod = types.ModuleType(f"graphflow.{name}")
    mod.__dict__.update(members)
    return mod


experimental = _module("summary.experimental", get_step=writer_v2.get_step, set_step=writer_v2.set_step)

summary = _module(
    "summary", create_file_writer=writer_v2.create_file_writer, create_noop_writer=writer_v2.create_noop_writer,
    SummaryWriter=writer_v2.SummaryWriter, scalar=writer_v2.scalar, histogram=writer_v2.histogram,
    image=writer_v2.image, text=writer_v2.text, flush=writer_v2.flush, record_if=writer_v2.record_if,
    should_record_summaries=writer_v2.should_record_summaries, trace_on=trace.trace_on,
    trace_off=trace.trace_off, trace_export=trace.trace_export, experimental=experimental)

summary_v1 = _module(
    "compat.v1.summary", scalar=writer_v1.scalar, histogram=writer_v1.histogram, image=writer_v1.image,
    text=writer_v1.text, merge=writer_v1.merge, merge_all=writer_v1.merge_all, FileWriter=writer_v1.FileWriter)
