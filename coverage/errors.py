"""Errors that name where bad input is, so a planner can fix the file."""

from __future__ import annotations

from pathlib import Path


class CoverageError(Exception):
    """Base class for errors raised by coverage."""


class ScenarioError(CoverageError):
    """A scenario file is missing, unreadable or invalid."""


class InputError(CoverageError):
    """A data file has a problem; names the file, and the row and field where known.

    Parameters
    ----------
    message
        What is wrong.
    path
        The file.
    row
        1-based data row number as the planner sees it (header excluded), if known.
    field
        Column name, if known.
    """

    def __init__(
        self,
        message: str,
        path: str | Path | None = None,
        row: int | None = None,
        field: str | None = None,
    ) -> None:
        self.path = str(path) if path is not None else None
        self.row = row
        self.field = field
        self.reason = message
        where = []
        if self.path:
            where.append(self.path)
        if row is not None:
            where.append(f"row {row}")
        if field is not None:
            where.append(f"field '{field}'")
        super().__init__(f"{': '.join([', '.join(where), message]) if where else message}")


class NetworkError(CoverageError):
    """The street network cannot be loaded or is unusable."""
