"""Thread pools follow the CPUs a process may use and a parallel runner's cap."""

from __future__ import annotations

import os

import pytest

from coverage._threads import thread_count


@pytest.mark.parametrize(
    ("cap", "cpus", "expected"),
    [(None, 4, 4), ("1", 4, 1), ("2", 4, 2), ("8", 4, 4), ("0", 4, 4), ("two", 4, 4), ("3", 1, 1)],
)
def test_thread_count_is_the_cpus_at_most_the_cap(
    monkeypatch: pytest.MonkeyPatch, cap: str | None, cpus: int, expected: int
) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda _: set(range(cpus)), raising=False)
    if cap is None:
        monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    else:
        monkeypatch.setenv("OMP_NUM_THREADS", cap)
    assert thread_count() == expected
