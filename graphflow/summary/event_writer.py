"""One event file: TensorBoard's record writer behind a queue that a background thread drains.

Records are appended whole (length, CRCs, Event bytes) by tensorboard's EventFileWriter; its worker
thread writes queued events and flushes every `flush_secs`, so a killed process loses at most the
events of the last interval, and a record cut short by the kill is dropped by every reader while
the records before it stay readable.
"""
from __future__ import annotations

import os
import time


def _event_file_writer():
    from tensorboard.summary.writer.event_file_writer import EventFileWriter
    return EventFileWriter


class EventWriter:
    """Appends Events to a new `events.out.tfevents.*` file in `logdir` (created if missing)."""

    def __init__(self, logdir: str, max_queue: int = 10, flush_secs: float = 120.0, filename_suffix: str = ""):
        logdir = os.fspath(logdir)
        if os.path.exists(logdir) and not os.path.isdir(logdir):
            raise ValueError(f"summary log directory {logdir!r} exists and is not a directory")
        os.makedirs(logdir, exist_ok=True)
        self.logdir = logdir
        # The file name holds the time, host, pid and a process-wide counter: two writers never share one.
        self._writer = _event_file_writer()(logdir, max_queue_size=max_queue, flush_secs=flush_secs,
                                            filename_suffix=filename_suffix)
        self.closed = False

    @property
    def path(self) -> str:
        return self._writer._file_name

    def add_event(self, event) -> None:
        if self.closed:
            raise RuntimeError(f"the summary writer for {self.logdir!r} is closed")
        if not event.wall_time:
            event.wall_time = time.time()
        self._writer.add_event(event)

    def add_summary(self, summary, step: int | None = None) -> None:
        """`summary`: a Summary protocol buffer or its serialized bytes (what TF1 summary ops return)."""
        from tensorboard.compat.proto import event_pb2, summary_pb2
        if isinstance(summary, (bytes, bytearray)):
            summary = summary_pb2.Summary.FromString(bytes(summary))
        elif hasattr(summary, "item") and str(getattr(summary, "dtype", "")) == "object":   # a fetched string array
            summary = summary_pb2.Summary.FromString(bytes(summary.item()))
        event = event_pb2.Event(summary=summary)
        if step is not None:
            event.step = int(step)
        self.add_event(event)

    def add_graph_def(self, graph_def, step: int | None = None) -> None:
        from tensorboard.compat.proto import event_pb2
        event = event_pb2.Event(graph_def=graph_def.SerializeToString())
        if step is not None:
            event.step = int(step)
        self.add_event(event)

    def flush(self) -> None:
        if not self.closed:
            self._writer.flush()

    def close(self) -> None:
        if not self.closed:
            self._writer.close()
            self.closed = True
