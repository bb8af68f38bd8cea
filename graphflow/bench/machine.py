"""The machine a report was measured on: printed with every table, stored in every file."""
from __future__ import annotations

import os
import platform
import sys

from .. import threading_config


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def numba_threading() -> str:
    """The threading layer numba picked; it is only decided once a parallel kernel has run."""
    try:
        import numba
    except ImportError:
        return "numba not installed"
    try:
        return numba.threading_layer()
    except ValueError:
        return f"none used yet, config {numba.config.THREADING_LAYER!r}"


def load_average() -> float | None:
    """The 1-minute load average: above the core count, every figure of the run is suspect."""
    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):
        return None


def blas() -> str:
    """numpy's BLAS and, where set, the OpenBLAS kernel override: it can halve matmul speed."""
    forced = {k: os.environ[k] for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE") if k in os.environ}
    try:
        from threadpoolctl import threadpool_info
        found = [f"{i.get('internal_api')} {i.get('version')} ({i.get('architecture')})"
                 for i in threadpool_info() if i.get("user_api") == "blas"]
    except ImportError:
        found = []
    text = ", ".join(found) or "numpy's BLAS"
    if forced:
        text += " with " + ", ".join(f"{k}={v}" for k, v in forced.items())
    return text


def machine_info(load_at_start: float | None = None) -> dict:
    import numpy as np

    from .. import __version__
    try:
        import numba
        numba_version, threads = numba.__version__, numba.config.NUMBA_NUM_THREADS
    except ImportError:
        numba_version, threads = "not installed", None
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    return {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "usable_cores": usable,
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "numpy": np.__version__,
        "numba": numba_version,
        "numba_threads": threads,
        "numba_threading_layer": numba_threading(),
        "blas": blas(),
        "threading": threading_config.describe(),
        "graphflow": __version__,
        "load_average": {"start": load_at_start, "end": load_average()},
    }


def describe(info: dict) -> str:
    """Two lines for the top of a table."""
    load = info.get("load_average") or {}
    busy = ""
    if load.get("start") is not None:
        busy = f", load average {load['start']} at start / {load['end']} at end"
    if info.get("contention"):
        busy += f", {info['contention']} busy-loop process(es) started by --contend"
    return (f"machine: {info['cpu']}, {info['usable_cores']} of {info['cores']} cores, {info['platform']}{busy}\n"
            f"python {info['python']}, numpy {info['numpy']}, numba {info['numba']} "
            f"(threading layer: {info['numba_threading_layer']}; {info['numba_threads']} threads), "
            f"graphflow {info['graphflow']}; BLAS: {info.get('blas', '?')}{threads_line(info.get('threading'))}")


def threads_line(t: dict | None) -> str:
    """How the kernels' threads were set up (gf.config.threading), for the machine line."""
    if not t or not t.get("started"):
        return ""
    wait = f", {t['wait_policy']} waiting" if t.get("wait_policy") else ""
    return (f"\nthreads: intra-op {t['intra_op'] or 'auto'}, numba {t.get('numba_threads') or '-'}{wait}, "
            f"OpenBLAS {t.get('blas_threads') or '-'} (idle workers: {t.get('blas_idle')}), "
            f"malloc: {t.get('malloc', '-')}")
