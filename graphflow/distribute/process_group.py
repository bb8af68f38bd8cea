"""Process groups: who takes part in a collective, and how its bytes move (MPI through mpi4py).

`MpiGroup` runs the collectives that the CollectiveAllReduce/CollectiveBroadcast ops ask for:
tensors of one dtype are packed into buffers of up to `fusion_bytes` (Horovod's tensor fusion:
one large message per step instead of one per gradient), every buffer is reduced with a
nonblocking MPI call, and the wait polls against a deadline, so a rank that died makes the others
raise DeadlineExceededError instead of hanging. `LocalGroup` is the one-process group.
mpi4py is imported on first use, so `import graphflow` never loads MPI.
"""
from __future__ import annotations

import atexit
import hashlib
import os
import socket
import sys
import time

import numpy as np

from ..errors import DeadlineExceededError

MPI_EXTRA = "pip install 'graphflow[mpi]'"
DEFAULT_TIMEOUT_SECONDS = 600.0      # a rank may legitimately lag (first-step compilation, a checkpoint)
DEFAULT_FUSION_BYTES = 64 * 1024 * 1024   # Horovod's default fusion threshold


def import_mpi():
    """mpi4py's MPI module (initialising MPI), or an ImportError that names the extra to install."""
    try:
        from mpi4py import MPI
    except ImportError as e:
        raise ImportError(
            "gf.distribute's multi-process strategies (MultiWorkerMirroredStrategy, gf.distribute.mpi) need "
            f"mpi4py and an MPI implementation: {MPI_EXTRA} installs mpi4py and the mpich wheel (or install "
            f"mpi4py over your system's MPI). ({e})") from None
    return MPI


def timeout_from_env() -> float:
    """Seconds a collective may wait: GRAPHFLOW_COLLECTIVE_TIMEOUT, else 600."""
    raw = os.environ.get("GRAPHFLOW_COLLECTIVE_TIMEOUT")
    if raw is None:
        return DEFAULT_TIMEOUT_SECONDS
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"GRAPHFLOW_COLLECTIVE_TIMEOUT must be a number of seconds, got {raw!r}") from None
    if value <= 0:
        raise ValueError(f"GRAPHFLOW_COLLECTIVE_TIMEOUT must be positive, got {raw!r}")
    return value


def replica_slice(n: int, rank: int, size: int) -> slice:
    """Rows of a global batch of `n` that replica `rank` of `size` takes: contiguous, as even as
    possible, the first `n % size` replicas one row more (TensorFlow's rebatching)."""
    base, extra = divmod(n, size)
    start = rank * base + min(rank, extra)
    return slice(start, start + base + (1 if rank < extra else 0))


def fusion_buckets(arrays: list, fusion_bytes: int) -> list[list[int]]:
    """Indices of `arrays` grouped into buckets of one dtype and at most `fusion_bytes` each (an
    array larger than that is a bucket alone), in input order within each dtype."""
    buckets, open_bucket = [], {}
    for i, a in enumerate(arrays):
        current = open_bucket.get(a.dtype)
        if current is not None and current[1] + a.nbytes <= fusion_bytes:
            current[0].append(i)
            current[1] += a.nbytes
        else:
            current = open_bucket[a.dtype] = [[i], a.nbytes]
            buckets.append(current[0])
    return buckets


def _contiguous(a) -> np.ndarray:
    """`a` as a C-contiguous array of its own shape (np.ascontiguousarray turns scalars into 1-d)."""
    a = np.asarray(a)
    return a if a.flags.c_contiguous else np.ascontiguousarray(a).reshape(a.shape)


def _signature(arrays: list, names) -> list[str]:
    return [f"{names[i] if i < len(names) else f'tensor {i}'}: {a.dtype.name}{list(a.shape)}"
            for i, a in enumerate(arrays)]


class LocalGroup:
    """The group of one process: every collective is the identity (a copy)."""

    rank, size = 0, 1

    def all_reduce(self, arrays: list, reduction: str, names=()) -> list:
        return [np.array(a, copy=True) for a in arrays]

    def broadcast(self, arrays: list, root: int, names=()) -> list:
        return [np.array(a, copy=True) for a in arrays]

    def all_gather(self, array) -> list:
        return [np.asarray(array)]

    def all_gather_bytes(self, data: bytes, what: str = "all-gather") -> list[bytes]:
        return [bytes(data)]

    def processor_name(self) -> str:
        return socket.gethostname()

    def barrier(self) -> None:
        pass


class MpiGroup:
    """Every rank of an MPI communicator (COMM_WORLD by default)."""

    def __init__(self, comm=None, timeout: float | None = None, fusion_bytes: int = DEFAULT_FUSION_BYTES):
        self._mpi = import_mpi()
        self.comm = comm if comm is not None else self._mpi.COMM_WORLD
        self.rank, self.size = self.comm.Get_rank(), self.comm.Get_size()
        self.timeout = timeout_from_env() if timeout is None else float(timeout)
        self.fusion_bytes = int(fusion_bytes)
        self._broken = None
        self._buffers: dict = {}
        self._ops = {"sum": self._mpi.SUM, "mean": self._mpi.SUM, "max": self._mpi.MAX, "min": self._mpi.MIN}

    # ---- waiting with a deadline ---------------------------------------------------------------------
    def _wait(self, requests: list, what: str) -> None:
        """Poll `requests` until all complete; past the deadline, mark the group broken and raise.

        Spins first (a step's allreduce usually completes within microseconds of the last rank
        arriving), then yields the core, then sleeps: with more ranks than cores a spinning rank
        would steal the time its peers need to reach the collective."""
        test_all = self._mpi.Request.Testall
        if test_all(requests):
            return
        start = time.monotonic()
        deadline = start + self.timeout
        polls = 0
        while not test_all(requests):
            polls += 1
            if polls & 63:
                continue
            now = time.monotonic()
            if now > deadline:
                self._fail(what)
            waited = now - start
            time.sleep(0 if waited < 0.01 else (1e-4 if waited < 0.2 else 1e-3))

    def _fail(self, what: str):
        self._broken = (f"{what} did not complete within {self.timeout:g} s on rank {self.rank} of {self.size}: "
                        "another rank has died or is stuck before this collective (every rank must run the same "
                        "collectives in the same order). Set GRAPHFLOW_COLLECTIVE_TIMEOUT to wait longer.")
        # MPI_Finalize at exit would wait for the dead rank forever: leave without it.
        atexit.register(_exit_without_finalize)
        raise DeadlineExceededError(None, None, self._broken)

    def _check_usable(self):
        if self._broken is not None:
            raise DeadlineExceededError(None, None, "the MPI group is unusable after an earlier failure: "
                                        + self._broken)

    # ---- collectives ---------------------------------------------------------------------------------
    def all_reduce(self, arrays: list, reduction: str, names=()) -> list:
        """Each array reduced elementwise over the ranks; fused into few buffers per dtype."""
        self._check_usable()
        arrays = [_contiguous(a) for a in arrays]
        op = self._ops[reduction]
        outputs: list = [None] * len(arrays)
        pending, keep = [], []
        for k, bucket in enumerate(fusion_buckets(arrays, self.fusion_bytes)):
            # one buffer per bucket, reduced in place: the op's outputs are views of it
            recv = self._bucket_buffer(k, arrays[bucket[0]].dtype, sum(arrays[i].size for i in bucket))
            if len(bucket) == 1:
                pending.append(self.comm.Iallreduce(arrays[bucket[0]].reshape(-1), recv, op=op))
            else:
                np.concatenate([arrays[i].reshape(-1) for i in bucket], out=recv)
                pending.append(self.comm.Iallreduce(self._mpi.IN_PLACE, recv, op=op))
            keep.append((bucket, recv))
        total = sum(a.nbytes for a in arrays)
        self._wait(pending, f"all-reduce ({reduction}) of {len(arrays)} tensors ({total} bytes)")
        for bucket, recv in keep:
            if reduction == "mean":
                if recv.dtype.kind == "f":
                    recv /= recv.dtype.type(self.size)
                else:
                    recv //= self.size
            offset = 0
            for i in bucket:
                n = arrays[i].size
                outputs[i] = recv[offset:offset + n].reshape(arrays[i].shape)
                offset += n
        return outputs

    def _bucket_buffer(self, index: int, dtype, size: int) -> np.ndarray:
        """The fusion buffer of bucket `index`: last step's when no output of that step is still
        alive (nothing but this cache refers to it), else a new one. Reusing it saves the page faults
        of a fresh large allocation every step (a 64 MB buffer costs more to fault in than to reduce)."""
        key = (index, np.dtype(dtype).str, size)
        buf = self._buffers.get(key)
        if buf is not None and sys.getrefcount(buf) == 3:     # the dict, `buf` and the argument
            return buf
        buf = self._buffers[key] = np.empty(size, dtype)
        return buf

    def _check_same_signature(self, arrays: list, root: int, names, what: str) -> None:
        """Raise the same ValueError on every rank when shapes or dtypes differ from `root`'s."""
        lines = _signature(arrays, names)
        digest = np.frombuffer(hashlib.sha1("\n".join(lines).encode()).digest(), np.uint8).copy()
        digests = np.empty((self.size, digest.size), np.uint8)
        self._wait([self.comm.Iallgather(digest, digests)], f"{what} (comparing shapes)")
        if (digests == digests[root]).all():
            return
        texts = self.all_gather_bytes("\n".join(lines).encode(), f"{what} (comparing shapes)")
        root_lines = texts[root].decode().split("\n")
        for r, text in enumerate(texts):
            mine = text.decode().split("\n")
            if mine == root_lines:
                continue
            if len(mine) != len(root_lines):
                raise ValueError(f"{what}: rank {r} has {len(mine)} tensors but rank {root} has {len(root_lines)} "
                                 "(every rank must create the same variables in the same order)")
            for a, b in zip(mine, root_lines):
                if a != b:
                    raise ValueError(f"{what}: shapes or dtypes differ between ranks: rank {r} has {a}, rank {root} "
                                     f"has {b} (every rank must build the same model)")

    def broadcast(self, arrays: list, root: int, names=()) -> list:
        """Rank `root`'s arrays on every rank, after checking that every rank has the same shapes."""
        self._check_usable()
        if not 0 <= root < self.size:
            raise ValueError(f"broadcast: root rank {root} is not in the group of {self.size} ranks")
        arrays = [_contiguous(a) for a in arrays]
        what = f"broadcast of {len(arrays)} tensors from rank {root}"
        self._check_same_signature(arrays, root, names, what)
        outputs: list = [None] * len(arrays)
        pending, keep = [], []
        for bucket in fusion_buckets(arrays, self.fusion_bytes):
            buf = np.concatenate([arrays[i].reshape(-1) for i in bucket])   # a copy: the op's output is new
            pending.append(self.comm.Ibcast(buf, root=root))
            keep.append((bucket, buf))
        self._wait(pending, what)
        for bucket, buf in keep:
            offset = 0
            for i in bucket:
                n = arrays[i].size
                outputs[i] = buf[offset:offset + n].reshape(arrays[i].shape)
                offset += n
        return outputs

    def all_gather_bytes(self, data: bytes, what: str = "all-gather") -> list[bytes]:
        """Every rank's `data`, in rank order."""
        self._check_usable()
        mine = np.frombuffer(data, np.uint8) if data else np.zeros(0, np.uint8)
        counts = np.empty(self.size, np.int64)
        self._wait([self.comm.Iallgather(np.array([mine.size], np.int64), counts)], what)
        out = np.empty(int(counts.sum()), np.uint8)
        displs = np.concatenate([[0], np.cumsum(counts)[:-1]])
        self._wait([self.comm.Iallgatherv(mine, [out, (counts, displs), self._mpi.BYTE])], what)
        return [out[d:d + c].tobytes() for d, c in zip(displs, counts)]

    def all_gather(self, array) -> list:
        """Every rank's array (same dtype and rank; the first dim may differ), in rank order."""
        array = _contiguous(array)
        header = f"{array.dtype.str}|{','.join(map(str, array.shape))}".encode()
        headers = self.all_gather_bytes(header, "all-gather (shapes)")
        datas = self.all_gather_bytes(array.tobytes(), "all-gather")
        out = []
        for h, d in zip(headers, datas):
            dtype, shape = h.decode().split("|")
            dims = tuple(int(s) for s in shape.split(",")) if shape else ()
            out.append(np.frombuffer(d, np.dtype(dtype)).reshape(dims).copy())
        return out

    def processor_name(self) -> str:
        return self._mpi.Get_processor_name()

    def barrier(self) -> None:
        self._check_usable()
        self._wait([self.comm.Ibarrier()], "barrier")


def _exit_without_finalize() -> None:
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(1)


_world = None


def world() -> MpiGroup:
    """The group of every rank this process was launched with (mpiexec -n N); one rank without mpiexec."""
    global _world
    if _world is None:
        _world = MpiGroup()
    return _world
