"""The events of one profiling session, and their Chrome trace / Perfetto JSON form.

An event is a complete ("X") event: name, category, start and duration in microseconds, thread,
and args (the op, the source ops a fused kernel covers). Appending to a list is atomic in
CPython, so threads record without a lock.
"""
from __future__ import annotations

import json
import os
import socket
import threading
import time

from ..atomic_file import write_atomic

# Categories, also the summary's grouping: what ran and in which execution model.
EAGER_OP = "eager op"
GRAPH_OP = "graph op (interpreted)"
KERNEL = "kernel (compiled plan)"
PLAN = "plan call"
TRACE = "trace"          # a user's gf.profiler.experimental.Trace block
COMPILE = "trace/compile"   # tracing a gf.function, compiling a plan for a feed signature
LEAVES = (EAGER_OP, GRAPH_OP, KERNEL)


class Recorder:
    def __init__(self, logdir: str):
        self.logdir = logdir
        self.events: list = []
        self.start_ns = time.perf_counter_ns()
        self.stop_ns = None
        self.pid = os.getpid()

    def add(self, name: str, cat: str, t0_ns: int, t1_ns: int, args: dict | None = None) -> None:
        self.events.append((name, cat, t0_ns, t1_ns, threading.get_ident(), args))

    def chrome_trace(self) -> dict:
        base = self.start_ns
        events = [{"name": "graphflow", "ph": "M", "pid": self.pid, "cat": "__metadata",
                   "args": {"name": "process_name"}}]
        tids: dict = {}
        for name, cat, t0, t1, thread, args in self.events:
            tid = tids.setdefault(thread, len(tids) + 1)
            e = {"name": name, "cat": cat, "ph": "X", "pid": self.pid, "tid": tid,
                 "ts": (t0 - base) / 1e3, "dur": (t1 - t0) / 1e3}
            if args:
                e["args"] = args
            events.append(e)
        window_us = ((self.stop_ns or time.perf_counter_ns()) - base) / 1e3
        return {"traceEvents": events, "displayTimeUnit": "ms",
                "otherData": {"producer": "graphflow.profiler", "window_us": window_us}}

    def save(self) -> str:
        """Write `<logdir>/plugins/profile/<run>/<host>.trace.json` (TensorBoard's layout); returns the path."""
        run = time.strftime("%Y_%m_%d_%H_%M_%S")
        path = os.path.join(self.logdir, "plugins", "profile", run, f"{socket.gethostname()}.trace.json")
        write_atomic(path, json.dumps(self.chrome_trace()))
        return path
