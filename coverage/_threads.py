"""How many threads a run's own thread pools may use (catchment polygons).

The CPUs this process may run on, capped by ``OMP_NUM_THREADS`` when it is set: the common
signal of a parallel runner that starts several processes on one machine. dask.distributed
sets it for each worker process (``distributed.nanny.pre-spawn-environ``) and the audit's local
cluster sets it to the worker's share of the CPUs, so that N workers on N cores do not each
start N threads.
"""

from __future__ import annotations

import os

__all__ = ["cpu_count", "thread_count"]


def cpu_count() -> int:
    """The CPUs this process may run on (a container or ``taskset`` may allow fewer)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def thread_count() -> int:
    """Threads for a thread pool: :func:`cpu_count`, at most ``OMP_NUM_THREADS`` (>= 1)."""
    cpus = cpu_count()
    limit = os.environ.get("OMP_NUM_THREADS", "").strip()
    if limit.isdigit() and int(limit) > 0:
        return min(cpus, int(limit))
    return cpus
