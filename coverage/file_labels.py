"""How outputs name an input file: relative to the scenario's folder, not the planner's path.

Tables, pages and problem lists are shared with colleagues: :func:`file_label` names an input
file in them relative to the scenario's folder (``inputs/sites.csv``), not by the planner's
absolute path. Apart from the writers because it names what was read, not what is written, and
inputs, exports and the report all name files this one way.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["file_label"]


def file_label(path: str | Path, folder: str | Path | None, *, private: bool = False) -> str:
    """An input file as outputs name it: relative to the scenario's ``folder`` when inside it.

    Tables and pages are shared, so ``/home/me/plans/inputs/sites.csv`` becomes
    ``inputs/sites.csv`` (forward slashes) when the scenario file is in ``/home/me/plans``. A
    file outside the folder keeps its absolute path, the only unambiguous name for it.

    Parameters
    ----------
    path
        The file as the program read it (:meth:`~coverage.scenario.Scenario.input_path`).
    folder
        The scenario's folder (:attr:`~coverage.scenario.Scenario.folder`); None: every file
        is outside it.
    private
        Name a file outside ``folder`` by its file name alone (the HTML report: a page handed
        over keeps the planner's folders private).

    Returns
    -------
    str
        The name to show; a name that is not an absolute path (``"scenario"``) as given.
    """
    if not Path(path).is_absolute():
        return str(path)
    # As written first, then with the folders' links followed (the scenario's folder is
    # resolved; a file may be named through a link to it, as /tmp is on macOS). The file's own
    # link is not followed: it is named where the planner put it.
    plain = Path(os.path.normpath(path))
    pairs = (
        ((plain, Path(os.path.normpath(folder))), (_real(plain.parent) / plain.name, _real(folder)))
        if folder is not None
        else ()
    )
    for inner, outer in pairs:
        if inner.is_relative_to(outer) and inner != outer:
            return inner.relative_to(outer).as_posix()
    return plain.name if private else str(plain)


def _real(path: str | Path) -> Path:
    """``path`` with links followed (as is when the file system cannot say)."""
    try:
        return Path(path).resolve()
    except (OSError, RuntimeError):
        return Path(path)
