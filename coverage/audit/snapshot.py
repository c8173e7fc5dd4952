"""The coordinator's :mod:`coverage.settings`, taken once and applied around each worker task.

An analyst may change a setting after import (``coverage.settings.walk_speed_kmh = 4.0``). The
audit's workers are other processes, started with the package's defaults: without the
coordinator's values they would compute with those while the coordinator (the registers'
reach, the district scenarios) uses the analyst's, and give wrong figures without a word.
So :func:`take` reads every setting in the coordinator (each checked as it is when read, see
:func:`coverage.scenario.defaults.setting`), the task carries them, and :func:`applied` sets
them in the worker for that task only, restoring the worker's own afterwards. A worker may run
several tasks at once (threads of an existing cluster): those with the same settings share
them; a task with other settings (another audit's) waits until they are done.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from coverage import settings
from coverage.scenario.defaults import CHECKED, setting

__all__ = ["NOT_IN_RESULTS", "Snapshot", "applied", "in_results", "take"]

#: Every setting by name, in :data:`coverage.settings.__all__` order (hashable, picklable).
Snapshot = tuple[tuple[str, Any], ...]

#: Settings a district's figures do not depend on: left out of its content hash.
NOT_IN_RESULTS = frozenset({"cache_folder"})


def _frozen(value: Any) -> Any:
    """A setting as a hashable value: sets as frozensets, lists as tuples."""
    if isinstance(value, set | frozenset):
        return frozenset(value)
    if isinstance(value, list | tuple):
        return tuple(value)
    return value


def take() -> Snapshot:
    """Every setting as it is now, each checked as when it is read.

    Raises
    ------
    ArgumentError
        A setting out of its range (one line naming it), before any district runs.
    """
    return tuple(
        (name, _frozen(setting(name) if name in CHECKED else getattr(settings, name)))
        for name in settings.__all__
    )


def in_results(snapshot: Snapshot) -> Snapshot:
    """The settings of ``snapshot`` that change a district's results (for its content hash)."""
    return tuple((k, v) for k, v in snapshot if k not in NOT_IN_RESULTS)


_turn = threading.Condition()
_state: dict[str, Any] = {"snapshot": None, "users": 0, "saved": {}}


@contextmanager
def applied(snapshot: Snapshot) -> Iterator[None]:
    """The settings of ``snapshot`` in force in this process while the block runs.

    The process's own are restored when the last task using ``snapshot`` ends, so nothing of
    one task's settings is left to the next. An empty snapshot changes nothing.
    """
    if not snapshot:
        yield
        return
    with _turn:
        _turn.wait_for(lambda: _state["users"] == 0 or _state["snapshot"] == snapshot)
        if _state["users"] == 0:
            _state["saved"] = {name: getattr(settings, name) for name, _ in snapshot}
            for name, value in snapshot:
                setattr(settings, name, value)
            _state["snapshot"] = snapshot
        _state["users"] += 1
    try:
        yield
    finally:
        with _turn:
            _state["users"] -= 1
            if _state["users"] == 0:
                for name, value in _state["saved"].items():
                    setattr(settings, name, value)
                _state["snapshot"], _state["saved"] = None, {}
                _turn.notify_all()
