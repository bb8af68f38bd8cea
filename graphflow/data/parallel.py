"""Work off the consumer's thread: `prefetch` (a producer thread filling a bounded queue),
`map(num_parallel_calls=...)` (a pool of threads, a bounded number of elements in flight,
in input order unless `deterministic=False`) and the open datasets of a parallel `interleave`
(each read ahead by a thread of its own).

Compiled plans and numpy kernels release the GIL for large arrays, so a prefetching pipeline
overlaps with a training step; the bounds keep memory at buffer_size elements.  Threads stop
when the iteration that started them is closed or garbage-collected.
"""
from __future__ import annotations

import collections
import os
import queue
import threading
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

from . import functions

AUTOTUNE = -1
PREFETCH_AUTOTUNE = 2          # batches in flight when the user asks for AUTOTUNE
_END = object()


def default_parallelism() -> int:
    return max(1, min(8, os.cpu_count() or 1))


class _Failure:
    def __init__(self, error):
        self.error = error


def _produce(source, q: queue.Queue, stop: threading.Event):
    """Producer thread: move elements from `source` into `q` until it ends or `stop` is set;
    the last item is _END or the failure, so the consumer never waits forever."""
    item = _END
    try:
        for element in source:
            if not _put(q, element, stop):
                break
    except BaseException as e:  # noqa: BLE001  handed to the consumer, which raises it
        item = _Failure(e)
    try:
        source.close()
    except BaseException as e:  # noqa: BLE001
        item = item if isinstance(item, _Failure) else _Failure(e)
    _put(q, item, stop)


def _put(q: queue.Queue, item, stop: threading.Event) -> bool:
    while not stop.is_set():
        try:
            q.put(item, timeout=0.1)
            return True
        except queue.Full:
            continue
    return False


class Prefetch:
    def __init__(self, node, buffer_size):
        self.input = node
        self.spec = node.spec
        n = int(buffer_size)
        if n < 0 and n != AUTOTUNE:
            raise ValueError(f"prefetch: buffer_size must be >= 0 or AUTOTUNE, got {n}")
        self.buffer_size = PREFETCH_AUTOTUNE if n == AUTOTUNE else n

    def cardinality(self) -> int:
        return self.input.cardinality()

    def iterate(self):
        # A batch that is one slice of the source costs microseconds: handing it over from a
        # thread costs more (a GIL switch, and on a busy machine a wait to be scheduled).
        if self.buffer_size == 0 or getattr(self.input, "slices_rows", lambda: False)():
            yield from self.input.iterate()
            return
        yield from background(self.input.iterate(), self.buffer_size, "graphflow-prefetch")


def background(source, buffer_size: int, name: str):
    """The elements of `source`, produced by a thread of their own at most `buffer_size` ahead;
    the thread stops when this generator is closed."""
    q: queue.Queue = queue.Queue(max(1, buffer_size))
    stop = threading.Event()
    thread = threading.Thread(target=_produce, args=(iter(source), q, stop), name=name, daemon=True)
    thread.start()
    try:
        while True:
            item = q.get()
            if item is _END:
                return
            if isinstance(item, _Failure):
                raise item.error
            yield item
    finally:
        stop.set()


class ParallelMap:
    """The traced map function run by `workers` threads, at most 2 * workers elements in flight."""

    def __init__(self, node, fn, num_parallel_calls, deterministic=True):
        self.input = node
        self.fn = functions.trace_element_function(fn, node.spec, "map")
        self.spec = self.fn.output_spec
        n = int(num_parallel_calls)
        if n <= 0 and n != AUTOTUNE:
            raise ValueError(f"map: num_parallel_calls must be positive or AUTOTUNE, got {n}")
        self.workers = default_parallelism() if n == AUTOTUNE else n
        self.deterministic = deterministic

    def cardinality(self) -> int:
        return self.input.cardinality()

    def iterate(self):
        fn, limit = self.fn, 2 * self.workers
        pool = ThreadPoolExecutor(self.workers, thread_name_prefix="graphflow-map")
        try:
            if self.deterministic is False:
                yield from self._unordered(pool, fn, limit)
                return
            pending: collections.deque = collections.deque()
            for element in self.input.iterate():
                pending.append(pool.submit(fn, element))
                if len(pending) >= limit:
                    yield tuple(pending.popleft().result())
            while pending:
                yield tuple(pending.popleft().result())
        finally:
            pool.shutdown(wait=False, cancel_futures=True)

    def _unordered(self, pool, fn, limit):
        pending = set()
        for element in self.input.iterate():
            pending.add(pool.submit(fn, element))
            if len(pending) >= limit:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for f in done:
                    yield tuple(f.result())
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for f in done:
                yield tuple(f.result())
